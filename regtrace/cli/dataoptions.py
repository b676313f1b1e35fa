"""The data options of a command (``--data``/``--x``/``--y``, ``--model``, ``--data-loss``,
``--intercept``) as typed, without loading NumPy until a table is actually parsed: a typed-in
``step`` pays nothing for them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from regtrace.cli.options import DataLossChoice, ModelChoice
from regtrace.errors import RegtraceError

if TYPE_CHECKING:
    from regtrace.engine.data import DataProblem


@dataclass(frozen=True)
class DataOptions:
    """The data options of a command, as typed."""

    data: str | None
    x: str | None
    y: str | None
    model: ModelChoice = ModelChoice.LINEAR
    data_loss: DataLossChoice | None = None
    intercept: bool = False

    @property
    def given(self) -> bool:
        """Whether a table was given (then the command runs in data mode)."""
        return self.data is not None or self.x is not None or self.y is not None

    def refuse_exact(self, exact: bool) -> None:
        """``--exact`` works on typed numbers; a table's gradient is computed in floats."""
        if exact:
            raise RegtraceError(
                "--exact works with a typed --grad; with --data/--x/--y the data gradient is "
                "computed in floating point (leave out --exact)"
            )

    def problem(self) -> DataProblem:
        """Parse the table and check it against the model and loss (loads NumPy)."""
        from regtrace.engine.data import DataProblem
        from regtrace.parse.table import resolve_table

        table = resolve_table(self.data, self.x, self.y)
        return DataProblem.build(
            table.X,
            table.y,
            model=self.model.value,
            loss=None if self.data_loss is None else self.data_loss.value,
            intercept=self.intercept,
            feature_names=table.feature_names,
            target_name=table.target_name,
        )
