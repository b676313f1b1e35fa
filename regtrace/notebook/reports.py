"""``conventions`` and ``optimizer_step`` in a notebook: results that display the pages of
``regtrace conventions`` and ``regtrace step --optimizer``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regtrace.engine import conventions as _conventions
from regtrace.engine import optimizers as _optimizers
from regtrace.notebook.display import Displayed, displaying

if TYPE_CHECKING:
    from regtrace.render.page import Page


class OptimizerReport(Displayed, _optimizers.OptimizerReport):
    """:class:`regtrace.engine.optimizers.OptimizerReport` that displays its trace."""

    def page(self, **options: Any) -> Page:
        """``regtrace step --optimizer``'s page (options as ``regtrace.StepReport.page``)."""
        from regtrace.render.step_page import optimizer_step_page

        return optimizer_step_page(self, full=False, **options)


class ConventionsReport(Displayed, _conventions.ConventionsReport):
    """:class:`regtrace.engine.conventions.ConventionsReport` that displays its table."""

    def page(self, **options: Any) -> Page:
        """``regtrace conventions``'s page; ``options``: ``digits``."""
        from regtrace.render.conventions import ConventionsText

        return ConventionsText(self, **options).page()


conventions = displaying(_conventions.conventions, ConventionsReport)
optimizer_step = displaying(_optimizers.optimizer_step, OptimizerReport)
