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
    from regtrace.cli.output import terminal_width, write_renderable, write_text
    from regtrace.engine.conventions import conventions
    from regtrace.parse.numbers import parse_scalar
    from regtrace.render.conventions import ConventionsText
    from regtrace.render.work import Layout

    report = conventions(
        parse_scalar(lam, "--lam"), lam1=parse_scalar(lam1, "--lam1"), n_samples=n_samples
    )
    if output_format is OutputFormat.JSON:
        from regtrace.render.jsonfmt import to_json

        write_text(to_json(report))
        return
    text = ConventionsText(report, digits=digits)
    if output_format is OutputFormat.CSV:
        from regtrace.errors import RegtraceError

        raise RegtraceError(
            "conventions has no CSV form; use --format table, markdown, latex or json"
        )
    if output_format is OutputFormat.MARKDOWN:
        from regtrace.render.markdown import trace_markdown

        write_text(trace_markdown(text, Layout.TALL))
        return
    if output_format is OutputFormat.LATEX:
        from regtrace.render.latex import trace_latex

        write_text(trace_latex(text, Layout.TALL))
        return
    from regtrace.render.table import trace_renderable

    write_renderable(trace_renderable(text, Layout.TALL, width=terminal_width()))
