"""A page that displays itself, and the mixin that gives a result its page.

IPython asks an object for ``_repr_mimebundle_`` first and fills in the types it did not
return from ``_repr_html_``, ``_repr_markdown_``, ``_repr_latex_`` and ``_repr_pretty_``. A
:class:`View` answers all of them from one :class:`~regtrace.render.page.Page`: HTML for the
notebook, Markdown and LaTeX for exporters (LaTeX only where an exporter's preamble can
compile it), and the terminal table as plain text (what
``ipython`` in a terminal and ``print(view)`` show). The writers are the command line's, so a
number cannot differ between the terminal and the notebook.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Container
from dataclasses import dataclass, fields
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

if TYPE_CHECKING:
    from regtrace.render.page import Page

P = ParamSpec("P")
R = TypeVar("R")

PLAIN_WIDTH = 100  # the plain-text table's width when there is no terminal to measure

MIMES: dict[str, Callable[[Page], str | None]] = {}


def _mimes() -> dict[str, Callable[[Page], str | None]]:
    """Each MIME type with its writer (imported on first display)."""
    if not MIMES:
        from regtrace.render.html import page_html
        from regtrace.render.markdown import page_markdown

        MIMES.update(
            {
                "text/html": page_html,
                "text/markdown": page_markdown,
                "text/latex": exporter_latex,
                "text/plain": plain_text,
            }
        )
    return MIMES


def exporter_latex(page: Page) -> str | None:
    """The page's LaTeX where it compiles in a notebook exporter's preamble, else ``None``.

    ``jupyter nbconvert --to pdf`` prefers LaTeX output, and its preamble has ``longtable``,
    ``booktabs`` and ``array`` but not ``tabularx``: a table wide enough to need
    ``tabularx`` leaves the LaTeX out, and the exporter falls back to the Markdown.
    """
    from regtrace.render.latex import page_latex

    text = page_latex(page)
    return None if r"\begin{tabularx}" in text else text


def plain_text(page: Page) -> str:
    """The terminal table, uncoloured, fitted to the terminal (or :data:`PLAIN_WIDTH`)."""
    import io

    from rich.console import Console

    from regtrace.render.table import page_renderable

    width = shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns
    out = io.StringIO()
    console = Console(
        file=out, width=width, height=24, no_color=True, highlight=False, force_jupyter=False
    )
    console.print(page_renderable(page, width))
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())


class _Pretty(Protocol):
    """IPython's pretty printer, as far as a view uses it."""

    def text(self, obj: str) -> None: ...


@dataclass(frozen=True)
class View:
    """A :class:`~regtrace.render.page.Page` shown as HTML in a notebook, Markdown or LaTeX
    by exporters, and as the terminal table by ``print`` and IPython's terminal."""

    page: Page

    def _repr_mimebundle_(
        self, include: Container[str] | None = None, exclude: Container[str] | None = None
    ) -> dict[str, str]:
        """Every format at once, from the one page."""
        wanted = (
            (mime, write)
            for mime, write in _mimes().items()
            if (include is None or mime in include) and (exclude is None or mime not in exclude)
        )
        return {mime: text for mime, write in wanted if (text := write(self.page)) is not None}

    def _repr_html_(self) -> str | None:
        return _mimes()["text/html"](self.page)

    def _repr_markdown_(self) -> str | None:
        return _mimes()["text/markdown"](self.page)

    def _repr_latex_(self) -> str | None:
        return _mimes()["text/latex"](self.page)

    def _repr_pretty_(self, printer: _Pretty, cycle: bool) -> None:
        printer.text(str(self))

    def __str__(self) -> str:
        return plain_text(self.page)


class Displayed:
    """Display hooks for a result: each draws :meth:`view` with its defaults.

    A subclass defines :meth:`page`; ``result.view(show_work=True)`` (or whatever options
    that result's page takes) gives the same display with other options. It comes first
    among a result's bases, so IPython's pretty printer finds ``_repr_pretty_`` before the
    dataclass ``__repr__`` (which ``repr()`` still uses).
    """

    page: Callable[..., Page]
    """The result's page; its options are those of the matching command."""

    def view(self, **options: Any) -> View:
        """The result's page, with ``options``, as a displayable :class:`View`."""
        return View(self.page(**options))

    def _repr_mimebundle_(
        self, include: Container[str] | None = None, exclude: Container[str] | None = None
    ) -> dict[str, str]:
        return self.view()._repr_mimebundle_(include, exclude)

    def _repr_html_(self) -> str | None:
        return self.view()._repr_html_()

    def _repr_markdown_(self) -> str | None:
        return self.view()._repr_markdown_()

    def _repr_latex_(self) -> str | None:
        return self.view()._repr_latex_()

    def _repr_pretty_(self, printer: _Pretty, cycle: bool) -> None:
        printer.text(str(self.view()))


def shown(cls: type[R], result: object) -> R:
    """``result`` as its displaying subclass ``cls`` (same fields, same values)."""
    return cls(**{f.name: getattr(result, f.name) for f in fields(cls)})  # type: ignore[arg-type]


def displaying(fn: Callable[P, Any], cls: type[R]) -> Callable[P, R]:
    """``fn`` returning its result as the displaying subclass ``cls``."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return shown(cls, fn(*args, **kwargs))

    return wrapper
