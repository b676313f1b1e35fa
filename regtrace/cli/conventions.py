"""``regtrace conventions``: one L2 strength as PyTorch, Keras, optax and sklearn write it."""

from __future__ import annotations

from typing import Annotated

import typer

from regtrace.cli.options import DigitsOpt, FormatOpt
from regtrace.render.formats import OutputFormat

HELP = """Convert an L2 strength between regtrace's lam, PyTorch, Keras, optax and sklearn.

regtrace's lam is the one in L + lam*||w||^2 (gradient 2*lam*w), as Keras' L2 regularizer
writes it. PyTorch and optax weight_decay add wd*w to the gradient (wd = 2*lam); sklearn's
Ridge and ElasticNet alpha scale differently again; decoupled decay (AdamW, Keras
weight_decay) is not a loss term at all.

Give lam (--lam), or a framework's parameter and whose it is: --weight-decay WD --from
torch|optax|keras|adamw, or --alpha A --from ridge|elasticnet (Ridge needs --n-samples).
Two tables follow: parameters that give the same gradient step for the same data loss, and
parameters of sklearn's estimators that give the same fitted weights for least squares.
"""

EPILOG = """Examples:

  regtrace conventions

  regtrace conventions --lam 0.005 --n-samples 200

  regtrace conventions --lam 0.01 --lam1 0.02 --format json

  regtrace conventions --weight-decay 0.01 --from torch    (what lam is my weight_decay?)

  regtrace conventions --alpha 0.1 --from ridge --n-samples 50

  regtrace conventions --alpha 0.1 --from elasticnet --l1-ratio 0.5
"""


def conventions_command(
    lam: Annotated[
        str | None,
        typer.Option(
            "--lam",
            metavar="LAM",
            help="The L2 strength in L + lam*||w||^2. Default: 0.01.",
            show_default=False,
        ),
    ] = None,
    lam1: Annotated[
        str | None,
        typer.Option(
            "--lam1",
            metavar="LAM",
            help="An L1 strength, for the ElasticNet row. Default: 0.",
            show_default=False,
        ),
    ] = None,
    n_samples: Annotated[
        int | None,
        typer.Option(
            "--n-samples",
            "-n",
            min=1,
            help="Number of samples n: Ridge's data term is a sum, so its alpha is n*lam.",
            show_default=False,
        ),
    ] = None,
    weight_decay: Annotated[
        str | None,
        typer.Option(
            "--weight-decay",
            metavar="WD",
            rich_help_panel="From a framework's parameter to lam",
            help="Convert this weight_decay to lam (with --from torch, optax, keras or adamw).",
            show_default=False,
        ),
    ] = None,
    alpha: Annotated[
        str | None,
        typer.Option(
            "--alpha",
            metavar="ALPHA",
            help="Convert this scikit-learn alpha to lam (with --from ridge or elasticnet).",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="WHO",
            help="Whose --weight-decay or --alpha: torch, optax, keras, adamw, ridge or "
            "elasticnet.",
            show_default=False,
        ),
    ] = None,
    l1_ratio: Annotated[
        str | None,
        typer.Option(
            "--l1-ratio",
            metavar="R",
            help="ElasticNet's l1_ratio, with --from elasticnet --alpha. Default: 0.5.",
            show_default=False,
        ),
    ] = None,
    output_format: FormatOpt = OutputFormat.TABLE,
    digits: DigitsOpt = 12,
) -> None:
    """The conversion table."""
    from regtrace.cli.emit import emit
    from regtrace.engine.conventions import conventions
    from regtrace.errors import RegtraceError
    from regtrace.parse.numbers import parse_scalar
    from regtrace.render.conventions import ConventionsText

    from_source = None
    if l1_ratio is not None and source != "elasticnet":
        raise RegtraceError(
            "--l1-ratio is ElasticNet's: use it with --from elasticnet --alpha, or leave it out"
        )
    if weight_decay is not None or alpha is not None or source is not None:
        from regtrace.engine.conventions import lam_from

        if lam is not None or lam1 is not None:
            given = "--lam" if lam is not None else "--lam1"
            raise RegtraceError(f"give {given}, or --weight-decay/--alpha with --from, not both")
        if source is None:
            raise RegtraceError(
                "say whose parameter it is: add --from torch, optax, keras, adamw, ridge or "
                "elasticnet"
            )
        if weight_decay is None and alpha is None:
            raise RegtraceError(f"--from {source} needs the value: --weight-decay or --alpha")
        from_source = lam_from(
            source,
            weight_decay=None
            if weight_decay is None
            else parse_scalar(weight_decay, "--weight-decay"),
            alpha=None if alpha is None else parse_scalar(alpha, "--alpha"),
            l1_ratio=parse_scalar(l1_ratio or "0.5", "--l1-ratio"),
            n_samples=n_samples,
        )
    if from_source is None:
        lam_value, lam1_value = (
            parse_scalar(lam or "0.01", "--lam"),
            parse_scalar(lam1 or "0", "--lam1"),
        )
    else:
        lam_value, lam1_value = from_source.lam, from_source.lam1
    report = conventions(lam_value, lam1=lam1_value, n_samples=n_samples, source=from_source)
    emit(report, ConventionsText(report, digits=digits), output_format=output_format)
