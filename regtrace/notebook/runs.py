"""``run`` and ``sweep`` in a notebook (typed in or on a table): results that display the
tables ``regtrace run``/``sweep`` print and :meth:`~Plotted.plot` the picture
``--plot-file`` draws."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regtrace.engine import datarun as _datarun
from regtrace.engine import sweep as _sweep
from regtrace.engine import trajectory as _trajectory
from regtrace.notebook.display import Displayed, displaying

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from regtrace.render.page import Page
    from regtrace.render.plotdata import PlotSpec


class Plotted:
    """``plot()``: the picture of ``--plot-file`` as a matplotlib figure (the ``plot`` extra)."""

    def plot_spec(self) -> PlotSpec:
        """What the picture shows."""
        raise NotImplementedError

    def plot(self) -> Figure:
        """The figure ``--plot-file`` saves; a notebook shows it inline."""
        from regtrace.notebook.figures import inline_figure

        return inline_figure(self.plot_spec())


class RunReport(Displayed, Plotted, _trajectory.RunReport):
    """:class:`regtrace.engine.trajectory.RunReport` that displays and plots its runs."""

    def page(self, **options: Any) -> Page:
        """``regtrace run``'s page; ``options``: ``digits``."""
        from regtrace.render.trajectory import RunText

        return RunText(self, **options).page()

    def plot_spec(self) -> PlotSpec:
        from regtrace.render.plotdata import run_plot

        return run_plot(self)


class SweepReport(Displayed, Plotted, _sweep.SweepReport):
    """:class:`regtrace.engine.sweep.SweepReport` that displays and plots its sweep."""

    def page(self, **options: Any) -> Page:
        """``regtrace sweep``'s page; ``options``: ``digits``."""
        from regtrace.render.sweep import SweepText

        return SweepText(self, **options).page()

    def plot_spec(self) -> PlotSpec:
        from regtrace.render.plotdata import sweep_plot

        return sweep_plot(self)


class DataRunReport(Displayed, Plotted, _datarun.DataRunReport):
    """A run on a table, with the regularized solution ``w*`` beside it."""

    def page(self, **options: Any) -> Page:
        """``regtrace run --data``'s page; ``options``: ``digits``."""
        from regtrace.render.datarun import DataRunText

        return DataRunText(self, **options).page()

    def plot_spec(self) -> PlotSpec:
        from regtrace.render.plotdata import run_plot

        return run_plot(self.run)


class DataSweepReport(Displayed, Plotted, _datarun.DataSweepReport):
    """A sweep on a table: the regularization path, or the weights after ``steps``."""

    def page(self, **options: Any) -> Page:
        """``regtrace sweep --data``'s page; ``options``: ``digits``."""
        from regtrace.render.datarun import DataSweepText

        return DataSweepText(self, **options).page()

    def plot_spec(self) -> PlotSpec:
        from regtrace.render.plotdata import sweep_plot

        return sweep_plot(self.sweep)


run = displaying(_trajectory.run, RunReport)
sweep = displaying(_sweep.sweep, SweepReport)
run_data = displaying(_datarun.run_data, DataRunReport)
sweep_data = displaying(_datarun.sweep_data, DataSweepReport)
