"""The data options of a command (``--data``/``--x``/``--y``, ``--model``, ``--data-loss``,
``--intercept``) as typed, without loading NumPy until a table is actually parsed: a typed-in
``step`` pays nothing for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from regtrace.engine.choices import DataLoss, Model
from regtrace.frozen import frozen

if TYPE_CHECKING:
    from regtrace.engine.data import DataProblem


@frozen
class DataOptions:
    """The data options of a command, as typed."""

    data: str | None
    x: str | None
    y: str | None
    model: Model = Model.LINEAR
    data_loss: DataLoss | None = None
    intercept: bool = False

    @property
    def given(self) -> bool:
        """Whether a table was given (then the command runs in data mode)."""
        return self.data is not None or self.x is not None or self.y is not None

    def refuse_model_options(self) -> None:
        """``--model``, ``--data-loss`` and ``--intercept`` describe a table: without one they
        would be ignored, so they are an error."""
        given = [
            name
            for name, typed in (
                ("--model", self.model is not Model.LINEAR),
                ("--data-loss", self.data_loss is not None),
                ("--intercept", self.intercept),
            )
            if typed
        ]
        if given:
            from regtrace.errors import RegtraceError

            raise RegtraceError(
                f"{' and '.join(given)} describe{'s' if len(given) == 1 else ''} the model "
                "of a table; give the table with --data FILE or --x and --y"
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
