"""``regtrace conventions``: one L2 strength as PyTorch, Keras, optax and sklearn write it."""

from __future__ import annotations

from typing import Annotated

import typer

from regtrace.cli.options import DigitsOpt, FormatOpt, OutputFormat

HELP = """How lam in lam*||w||^2 (the seeds, Keras L2) maps to PyTorch/optax weight_decay
(lam/2*||w||^2), sklearn SGDRegressor, Ridge and ElasticNet alpha, and decoupled decay.

Two tables: parameters that give the same gradient step for the same data loss, and
parameters of sklearn's estimators that give the same fitted weights for least squares.
"""

EPILOG = """Examples:

  regtrace conventions

  regtrace conventions --lam 0.005 --n-samples 200

  regtrace conventions --lam 0.01 --lam1 0.02 --format json
"""


def conventions_command(
    lam: Annotated[
        str, typer.Option("--lam", metavar="LAM", help="The L2 strength in L + lam*||w||^2.")
    ] = "0.01",
    lam1: Annotated[
        str,
        typer.Option("--lam1", metavar="LAM", help="An L1 strength, for the ElasticNet row."),
    ] = "0",
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
    output_format: FormatOpt = OutputFormat.TABLE,
    digits: DigitsOpt = 12,
) -> None:
    """The conversion table."""
    from regtrace.cli.emit import emit
    from regtrace.engine.conventions import conventions
    from regtrace.parse.numbers import parse_scalar
    from regtrace.render.conventions import ConventionsText

    report = conventions(
        parse_scalar(lam, "--lam"), lam1=parse_scalar(lam1, "--lam1"), n_samples=n_samples
    )
    emit(report, ConventionsText(report, digits=digits), output_format=output_format)
