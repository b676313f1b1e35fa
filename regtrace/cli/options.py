"""Options shared by the commands, as ``Annotated`` types (Typer's idiom).

Vectors and numbers arrive as text and go through :mod:`regtrace.parse.numbers`, so every bad value
gets the same one-line error naming the option, the token and its position.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from regtrace.engine.choices import DataLoss, Model, Quantity
from regtrace.engine.frameworks import Convention, OptimizerKind
from regtrace.regularizers import L1Method, L2Form, penalty_names
from regtrace.render.formats import OutputFormat
from regtrace.render.layout import Layout

VECTOR_HELP = (
    "Numbers like 2.5,-0.8,0.1 (commas and/or spaces), @file (.txt .csv .npy) or - (stdin)."
)


WOpt = Annotated[
    str | None,
    typer.Option("--w", metavar="VECTOR", help=f"Weights w. {VECTOR_HELP}", show_default=False),
]
GradOpt = Annotated[
    str | None,
    typer.Option(
        "--grad",
        metavar="VECTOR",
        help=f"Data-loss gradient dL/dw, one per weight. {VECTOR_HELP}",
        show_default=False,
    ),
]
LamOpt = Annotated[
    str | None,
    typer.Option(
        "--lam",
        metavar="LAM",
        help="Regularization strength: one number, or one per weight (0 exempts a weight, "
        "e.g. a bias). Default: 0.01.",
        show_default=False,
    ),
]
LrOpt = Annotated[
    str | None,
    typer.Option("--lr", metavar="FLOAT", help="Learning rate. Default: 0.1.", show_default=False),
]
LossOpt = Annotated[
    str | None,
    typer.Option(
        "--loss",
        metavar="FLOAT",
        help="Base (data) loss L, to show the regularized loss L + penalty.",
        show_default=False,
    ),
]
LossFnOpt = Annotated[
    str | None,
    typer.Option(
        "--loss-fn",
        metavar="FORMULA",
        help='The data loss as a formula, e.g. "(w0 - 3)^2 + 2*w1^2": L(w) and dL/dw are '
        "computed from it (exactly differentiated) instead of typed as --loss and --grad. "
        "Weights w0, w1 ... or w[0]; + - * / ^ **; exp log sqrt abs sin cos tanh sigmoid "
        "softplus relu max min; or @file. Needs the formula extra.",
        show_default=False,
    ),
]
PenaltyOpt = Annotated[
    str,
    typer.Option(
        "--penalty",
        "-p",
        metavar="LIST",
        help=f"Penalties side by side, a comma list of {penalty_names()}.",
    ),
]
Lam1Opt = Annotated[
    str | None,
    typer.Option(
        "--lam1",
        metavar="LAM",
        help="Elastic net: strength of the L1 part. Default: --lam.",
        show_default=False,
    ),
]
Lam2Opt = Annotated[
    str | None,
    typer.Option(
        "--lam2",
        metavar="LAM",
        help="Elastic net: strength of the L2 part. Default: --lam.",
        show_default=False,
    ),
]
L2FormOpt = Annotated[
    L2Form,
    typer.Option(
        "--l2-form",
        help="lambda: lam*sum(w^2), gradient 2*lam*w (the textbook form). "
        "half: lam/2*sum(w^2), gradient lam*w (PyTorch weight_decay).",
    ),
]
L1MethodOpt = Annotated[
    L1Method,
    typer.Option(
        "--l1-method",
        help="subgradient: add lam*sign(w). proximal: soft-threshold, reaching exact zeros.",
    ),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="Output: a table for people, or json, csv, markdown or latex.",
    ),
]
DigitsOpt = Annotated[
    int,
    typer.Option(
        "--digits",
        min=1,
        max=17,
        help="Significant digits in table, Markdown, LaTeX and CSV (JSON is always full "
        "precision; --exact values are never rounded).",
    ),
]
ShowWorkOpt = Annotated[
    bool,
    typer.Option("--show-work", "-s", help="Put the substituted arithmetic in every cell."),
]
LayoutOpt = Annotated[
    Layout,
    typer.Option(
        "--layout",
        help="wide: a column per weight; tall: a row per weight; "
        "summary: norms and largest changes. auto picks by the number of weights.",
    ),
]
ExactOpt = Annotated[
    bool,
    typer.Option(
        "--exact",
        help="Exact rational arithmetic from the text you typed (0.1 is exactly 1/10; 1/3 "
        "is accepted): exact decimals, or fractions where a decimal would not terminate.",
    ),
]


AnswerOpt = Annotated[
    str,
    typer.Option(
        "--answer",
        "-a",
        metavar="VECTOR",
        help="Your answer, as you wrote it (the decimals you wrote set the precision "
        f"graded). {VECTOR_HELP}",
        show_default=False,
    ),
]
QuantityOpt = Annotated[
    Quantity,
    typer.Option(
        "--quantity",
        "-q",
        help="What --answer is: new-weight (the new weights), full-grad (the full gradient), "
        "penalty-grad (the penalty term), step (the update), loss (the regularized loss; needs "
        "--loss), penalty (the penalty value, one number) or decay-factor (the L2 weight-decay "
        "factor 1 - 2*lr*lam per weight).",
    ),
]
StepsOpt = Annotated[
    int,
    typer.Option(
        "--steps",
        min=1,
        max=1000,  # exact fractions grow every step: 1000 steps of 3 weights take 2.5-6.5 s
        help="Grade the weights after N steps with the same data gradient (at most 1000: the "
        "arithmetic is exact).",
    ),
]
TolOpt = Annotated[
    str | None,
    typer.Option(
        "--tol",
        metavar="FLOAT",
        help="Absolute tolerance: right when |answer - exact| <= FLOAT, instead of the "
        "decimals rule.",
        show_default=False,
    ),
]
CheckPenaltyOpt = Annotated[
    str | None,
    typer.Option(
        "--penalty",
        "-p",
        metavar="PENALTY",
        help=f"The penalty of the problem: one of {penalty_names()}. Default: l2; none "
        "with --optimizer.",
        show_default=False,
    ),
]


# -- run and sweep -----------------------------------------------------------------------

RunStepsOpt = Annotated[
    int,
    typer.Option("--steps", "-n", min=0, help="Number of gradient steps per penalty."),
]
SweepStepsOpt = Annotated[
    int | None,
    typer.Option(
        "--steps",
        "-n",
        min=0,
        help="Steps per lam; without it (and with --target) the fixed point per lam: "
        "the regularization path.",
        show_default=False,
    ),
]
EveryOpt = Annotated[
    int | None,
    typer.Option(
        "--every",
        min=1,
        metavar="K",
        help="Keep every K-th step (the first and last always). Default: every step up to "
        "50 steps, 1 in N/50 beyond, first and last only from 10,000 weights.",
        show_default=False,
    ),
]
TargetOpt = Annotated[
    str | None,
    typer.Option(
        "--target",
        metavar="VECTOR",
        help="Use the data loss L = 1/2*||w - target||^2 (gradient w - target) instead of a "
        f"fixed --grad; shows the fixed point of each penalty. {VECTOR_HELP}",
        show_default=False,
    ),
]
LamsOpt = Annotated[
    str,
    typer.Option(
        "--lams",
        metavar="LAMS",
        help="Strengths to sweep: a list like 0,0.01,0.1,1, or start:stop:count "
        "log-spaced, e.g. 1e-4:1:9.",
    ),
]
PlotOpt = Annotated[
    bool,
    typer.Option("--plot", help="Draw the trajectories (or the path) in the terminal."),
]
PlotFileOpt = Annotated[
    str | None,
    typer.Option(
        "--plot-file",
        metavar="PATH",
        help="Write the picture to a .png, .svg or .pdf file "
        "(needs matplotlib: pip install 'regtrace[plot]').",
        show_default=False,
    ),
]


class PlotScale(StrEnum):
    """``--plot-scale`` choices: one y range for the penalty panels, or one each."""

    SHARED = "shared"
    OWN = "own"


PlotScaleOpt = Annotated[
    PlotScale,
    typer.Option(
        "--plot-scale",
        help="y axis of the penalty panels in --plot and --plot-file: shared (one range, "
        "to compare penalties) or own (each panel fits its lines).",
    ),
]
OutOpt = Annotated[
    str | None,
    typer.Option(
        "--out",
        metavar="PATH",
        help="Also save the result: .npy (new weights, one penalty), .npz (one array per "
        "penalty), .csv or .json (as --format). Written atomically; never an input file.",
        show_default=False,
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace a read-only --out or --plot-file file (an input file is never replaced).",
    ),
]


# -- optimizers ----------------------------------------------------------------------------


PenaltyMaybeOpt = Annotated[
    str | None,
    typer.Option(
        "--penalty",
        "-p",
        metavar="LIST",
        help=f"Penalties side by side, a comma list of {penalty_names()}. "
        "Default: l2,l1; none with --optimizer, which takes one penalty.",
        show_default=False,
    ),
]
OPTIMIZER_WORDS = "|".join(k.value for k in OptimizerKind if k is not OptimizerKind.SGD)
"""The optimizers other than plain gradient descent, as the help names them."""

OptimizerOpt = Annotated[
    OptimizerKind | None,
    typer.Option(
        "--optimizer",
        "-o",
        help=f"{', '.join(k.value for k in OptimizerKind)} (sgd: plain gradient descent, the "
        "default); the trace shows the state of each of its transforms (momentum buffer; "
        "Adam's m, v, m_hat, v_hat; RMSprop's average of g^2; Adagrad's sum).",
        show_default=False,
    ),
]
CompareOpt = Annotated[
    str | None,
    typer.Option(
        "--compare",
        metavar="LIST",
        help="Other optimizers to trace side by side on the same input, e.g. --compare adamw.",
        show_default=False,
    ),
]
ConventionOpt = Annotated[
    Convention | None,
    typer.Option(
        "--convention",
        help="Whose update order and defaults: torch, keras or optax. "
        "See 'regtrace conventions'. Default: torch.",
        show_default=False,
    ),
]


WeightDecayOpt = Annotated[
    str | None,
    typer.Option(
        "--weight-decay",
        metavar="WD",
        help="The optimizer's weight_decay: one number or one per weight. Coupled (wd*w added "
        "to the gradient) for torch/optax sgd, adam, rmsprop, adagrad; decoupled "
        "(w*(1-lr*wd)) for adamw and every Keras optimizer. One number decays every weight, a "
        "bias too (as PyTorch and Keras do), unlike --lam 0.01,0. Default: 0; adamw: 0.01 "
        "torch, 0.004 keras, 1e-4 optax.",
        show_default=False,
    ),
]
StepNumberOpt = Annotated[
    int | None,
    typer.Option(
        "--t",
        min=1,
        help="Which step this is (1 = the first); with a starting state (--buf, --m, --v, ...) "
        "it is 2 or more and sets Adam's bias corrections 1 - b^t. Default: 1.",
        show_default=False,
    ),
]


DataOpt = Annotated[
    str | None,
    typer.Option(
        "--data",
        metavar="FILE.csv",
        help="A table: feature columns, then the target column; a header row names them. "
        "The data gradient and loss are computed (instead of --grad and --loss).",
        show_default=False,
    ),
]
XOpt = Annotated[
    str | None,
    typer.Option(
        "--x",
        metavar="ROWS",
        help='Feature rows, separated by ";", e.g. "1,2; 3,4; 5,6" (or @file). Needs --y.',
        show_default=False,
    ),
]
YOpt = Annotated[
    str | None,
    typer.Option(
        "--y",
        metavar="VECTOR",
        help=f"Targets, one per row of --x. {VECTOR_HELP}",
        show_default=False,
    ),
]
ModelOpt = Annotated[
    Model,
    typer.Option("--model", help="With data: linear (Xw) or logistic (sigmoid(Xw), labels 0/1)."),
]
DataLossOpt = Annotated[
    DataLoss | None,
    typer.Option(
        "--data-loss",
        help="Linear: half-mse 1/(2n)||Xw-y||^2 (scikit-learn Lasso), mse 1/n||Xw-y||^2, "
        "sse ||Xw-y||^2 (scikit-learn Ridge). Logistic: log-loss (mean). "
        "[default: half-mse or log-loss]",
        show_default=False,
    ),
]
InterceptOpt = Annotated[
    bool,
    typer.Option(
        "--intercept",
        help="With data: add a bias weight (last in --w) that is not penalized.",
    ),
]
