"""``regtrace step``: one gradient step under each penalty, side by side."""

from __future__ import annotations

from regtrace.cli.options import (
    DigitsOpt,
    ExactOpt,
    FormatOpt,
    GradOpt,
    L1MethodChoice,
    L1MethodOpt,
    L2FormChoice,
    L2FormOpt,
    Lam1Opt,
    Lam2Opt,
    LamOpt,
    LayoutChoice,
    LayoutOpt,
    LossOpt,
    LrOpt,
    OutputFormat,
    PenaltyOpt,
    ShowWorkOpt,
    WOpt,
)

HELP = """One gradient-descent step under L2 and L1 (or elastic net), side by side.

For each weight: the penalty term, the full gradient dL/dw + penalty term, the update
-lr x full gradient and the new weight, then the regularized loss with its arithmetic.
With no --w and --grad it traces the blog's example.
"""

EPILOG = """Examples:

  regtrace step    (the built-in example: w=2.5,-0.8,0.1, grad=-0.2,0.1,-0.05)

  regtrace step --w 2.5,-0.8,0.1 --grad -0.2,0.1,-0.05 --lam 0.01 --lr 0.1 --loss 1.2

  regtrace step --show-work --penalty l2 --l2-form half

  regtrace step --penalty elastic --lam1 0.01 --lam2 0.05 --l1-method proximal

  regtrace step --w @w.npy --grad @g.npy --format json > trace.json

  regtrace step --exact --w 1/3,0.1 --grad 0.2,-0.05 --penalty l2 --show-work

  regtrace step --format latex --show-work --penalty l2 > step.tex

  echo 1,2,3 | regtrace step --w - --grad 0.1,0.1,0.1 --lam 0.01,0,0.01
"""


def step_command(
    w: WOpt = None,
    grad: GradOpt = None,
    lam: LamOpt = None,
    lr: LrOpt = None,
    loss: LossOpt = None,
    penalty: PenaltyOpt = "l2,l1",
    lam1: Lam1Opt = None,
    lam2: Lam2Opt = None,
    l2_form: L2FormOpt = L2FormChoice.LAMBDA,
    l1_method: L1MethodOpt = L1MethodChoice.SUBGRADIENT,
    output_format: FormatOpt = OutputFormat.TABLE,
    digits: DigitsOpt = 12,
    show_work: ShowWorkOpt = False,
    layout: LayoutOpt = LayoutChoice.AUTO,
    exact: ExactOpt = False,
) -> None:
    """One gradient-descent step under L2 and L1 (or elastic net), side by side."""
    from collections.abc import Callable

    from regtrace.cli.inputs import ExactInputs, TraceInputs, resolve, resolve_exact
    from regtrace.cli.render import emit_step
    from regtrace.engine.step import StepReport, step

    # --exact reads the same options as fractions and runs the same step in rationals.
    compute: Callable[..., StepReport] = step
    inputs: TraceInputs | ExactInputs
    if exact:
        from regtrace.engine.exact import exact_step

        compute = exact_step
        inputs = resolve_exact(
            w=w, grad=grad, lam=lam, lr=lr, loss=loss, penalty=penalty, lam1=lam1, lam2=lam2
        )
    else:
        inputs = resolve(
            w=w, grad=grad, lam=lam, lr=lr, loss=loss, penalty=penalty, lam1=lam1, lam2=lam2
        )
    report = compute(
        inputs.w,
        inputs.grad,
        lam=inputs.lam,
        lr=inputs.lr,
        loss=inputs.loss,
        penalties=inputs.penalties,
        lam1=inputs.lam1,
        lam2=inputs.lam2,
        l2_form=l2_form.value,
        l1_method=l1_method.value,
    )
    emit_step(
        report,
        output_format=output_format,
        digits=digits,
        show_work=show_work,
        layout=layout,
        builtin=inputs.builtin,
        exact=exact,
    )
