"""``check --optimizer ...``: the options to an optimizer problem, graded and written out.

Imported only when an optimizer option is given (it loads the optimizer engine).
"""

from __future__ import annotations

from regtrace.cli.dataoptions import DataOptions
from regtrace.cli.optimizer_inputs import optimizer_spec, starting_state
from regtrace.cli.optimizer_options import OptimizerOptions
from regtrace.cli.options import OutputFormat
from regtrace.errors import ExitCode, RegtraceError
from regtrace.regularizers import penalty_names


def check_optimizer_command(
    options: OptimizerOptions,
    table: DataOptions,
    *,
    answer: str,
    w: str | None,
    grad: str | None,
    lam: str | None,
    lr: str | None,
    loss: str | None,
    penalty: str,
    lam1: str | None,
    lam2: str | None,
    l2_form: str,
    steps: int,
    tol: str | None,
    exact: bool,
    output_format: OutputFormat,
    digits: int,
) -> int:
    """Grade the weights after ``steps`` updates of the optimizer the options describe."""
    from regtrace.cli.emit import emit_optimizer_check
    from regtrace.cli.inputs import resolve
    from regtrace.engine.check_optimizer import OptimizerProblem, check_optimizer
    from regtrace.engine.penalties import Penalty
    from regtrace.parse.exact import parse_exact_scalar, vector_tokens

    if exact:
        raise RegtraceError(
            "--exact works with plain gradient descent; an optimizer is graded to 15 "
            "significant digits (leave out --exact)"
        )
    if options.compare is not None:
        raise RegtraceError("check grades one optimizer; leave out --compare")
    if table.given:
        from regtrace.cli.datainputs import resolve_data_trace

        inputs, _ = resolve_data_trace(
            table, w=w, grad=grad, lam=lam, lr=lr, loss=loss, penalty=penalty, lam1=lam1,
            lam2=lam2,
        )  # fmt: skip
    else:
        inputs = resolve(
            w=w, grad=grad, lam=lam, lr=lr, loss=loss, penalty=penalty, lam1=lam1, lam2=lam2
        )
    if len(inputs.penalties) != 1:
        raise RegtraceError(
            f"--penalty: check grades one penalty at a time; give one of {penalty_names()}"
        )
    n = inputs.w.size
    spec = optimizer_spec(options, lr=inputs.lr, n=n)
    pen = Penalty.build(
        inputs.penalties[0], n, inputs.lam, lam1=inputs.lam1, lam2=inputs.lam2, l2_form=l2_form
    )
    problem = OptimizerProblem(
        w=inputs.w,
        grad=inputs.grad,
        spec=spec,
        penalty=pen,
        state=starting_state(options, (spec.kind,)),
        loss=inputs.loss,
    )
    result = check_optimizer(
        problem,
        vector_tokens(answer, "--answer"),
        steps=steps,
        tol=None if tol is None else parse_exact_scalar(tol, "--tol"),
    )
    emit_optimizer_check(result, output_format=output_format, digits=digits)
    return ExitCode.OK if result.correct else ExitCode.WRONG_ANSWER
