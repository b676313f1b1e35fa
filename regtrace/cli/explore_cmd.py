"""``regtrace explore``: the step trace, a weight-decay demo and a lambda sweep, interactive
in the terminal (optional extra).

Textual is imported only here, inside the command, and only after the options are checked:
``regtrace --help``, ``regtrace step`` and even ``regtrace explore --help`` never load it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from regtrace.cli.options import (
    GradOpt,
    L1MethodOpt,
    L2FormOpt,
    LamOpt,
    LossFnOpt,
    LossOpt,
    LrOpt,
    PenaltyOpt,
    WOpt,
)
from regtrace.regularizers import L1Method, L2Form

HELP = """Interactive: the step trace, a weight-decay demo and a lambda sweep, in the terminal.

Three panes: Trace (the regtrace step table, L2 and L1 side by side), Weight decay (one weight
over 100 steps under L2 and L1, with the decay factor 1 - 2*lr*lam) and Lambda sweep (train
and validation error of a degree-9 polynomial against lam). Keys: +/- or arrows move lam,
[ and ] move lr (four presses per factor of 10), e exports the trace, ? help, q quit.
Needs the optional extra: pip install 'regtrace[explore]'.
"""

EPILOG = """Examples:

  regtrace explore    (starts on the built-in example: w=2.5,-0.8,0.1, lam=0.01, lr=0.1)

  regtrace explore --w 1,-2 --grad 0.5,0.1 --lam 0.1 --lr 0.5

  regtrace explore --penalty l2,l1 --l1-method proximal --digits 12

  regtrace explore --loss-fn "(w0 - 3)^2 + 2*w1^2" --w 1,1 --lam 0.1
"""

INSTALL_HINT = (
    "regtrace explore needs the optional extra 'explore' (Textual); "
    "install it with: pip install 'regtrace[explore]'"
)

NOT_A_TERMINAL = (
    "regtrace explore is interactive and needs a terminal on stdin and stdout; "
    "for a trace in a file or a pipe use regtrace step --format markdown (or json, csv)"
)

AppDigitsOpt = Annotated[
    int,
    typer.Option(
        "--digits",
        min=1,
        max=17,
        help="Significant digits in the trace (6 keeps the table within 80 columns; "
        "regtrace step --digits N prints the same cells).",
    ),
]


def explore_command(
    w: WOpt = None,
    grad: GradOpt = None,
    lam: LamOpt = None,
    lr: LrOpt = None,
    loss: LossOpt = None,
    loss_fn: LossFnOpt = None,
    penalty: PenaltyOpt = "l2,l1",
    l2_form: L2FormOpt = L2Form.LAMBDA,
    l1_method: L1MethodOpt = L1Method.SUBGRADIENT,
    digits: AppDigitsOpt = 6,
) -> None:
    """Open the explorer on the given step (the built-in example by default)."""
    from regtrace.cli.explore_inputs import explore_state

    state = explore_state(
        w=w,
        grad=grad,
        lam=lam,
        lr=lr,
        loss=loss,
        penalty=penalty,
        l2_form=l2_form.value,
        l1_method=l1_method.value,
        loss_fn=loss_fn,
    )
    try:
        import textual  # noqa: F401  (only to learn whether the extra is installed)
    except ImportError:
        from regtrace.errors import RegtraceError

        raise RegtraceError(INSTALL_HINT) from None
    if not interactive():
        from regtrace.errors import RegtraceError

        raise RegtraceError(NOT_A_TERMINAL)
    from regtrace.explore.app import ExploreApp

    ExploreApp(state, digits=digits).run()


def interactive() -> bool:
    """Whether both ends are a terminal: the app reads keys and draws a screen."""
    import sys

    return sys.stdin.isatty() and sys.stdout.isatty()
