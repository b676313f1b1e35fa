"""Any :class:`~regtrace.render.page.Page` as text in a file format: CSV, Markdown, LaTeX or
HTML.

The terminal table is :func:`regtrace.render.table.page_renderable`; JSON is written from the
engine result (:mod:`regtrace.render.jsonfmt`), not from the page.
"""

from __future__ import annotations

from regtrace.render.page import Page

TEXT_FORMATS = ("csv", "markdown", "latex", "html")


def page_text(page: Page, output_format: str) -> str:
    """``page`` in ``output_format`` (one of :data:`TEXT_FORMATS`)."""
    if output_format == "csv":
        from regtrace.render.csvfmt import page_csv

        return page_csv(page)
    if output_format == "markdown":
        from regtrace.render.markdown import page_markdown

        return page_markdown(page)
    if output_format == "latex":
        from regtrace.render.latex import page_latex

        return page_latex(page)
    if output_format == "html":
        from regtrace.render.html import page_html

        return page_html(page)
    raise ValueError(f"no text writer for {output_format!r}")
