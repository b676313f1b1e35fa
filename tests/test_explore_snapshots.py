"""One snapshot per pane of ``regtrace explore`` at 80x24 (pytest-textual-snapshot).

The SVGs live in tests/__snapshots__/test_explore_snapshots/. After a deliberate change to
what a pane draws, regenerate them (and the README's screenshots) with

    .venv/bin/python -m pytest tests/test_explore_snapshots.py --snapshot-update
    .venv/bin/python docs/make_screenshots.py

and look at the new SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docs.make_screenshots import SHOTS, SIZE
from regtrace.cli.explore_inputs import explore_state
from regtrace.explore.app import ExploreApp


def builtin_app() -> ExploreApp:
    """The app as ``regtrace explore`` opens it."""
    state = explore_state()
    return ExploreApp(state)


def test_trace_pane(snap_compare: Callable[..., bool]) -> None:
    """The built-in example's step: L2 and L1 side by side, losses and the decay factor under it."""
    assert snap_compare(builtin_app(), press=SHOTS["trace"], terminal_size=SIZE)


def test_decay_pane(snap_compare: Callable[..., bool]) -> None:
    """lam = 1, lr = 0.1: factor 0.8; L2 decays geometrically, L1 steps down by 0.1."""
    assert snap_compare(builtin_app(), press=SHOTS["decay"], terminal_size=SIZE)


def test_sweep_pane(snap_compare: Callable[..., Any]) -> None:
    """Train and validation MSE against lam, the marker at lam = 0.01, the best lam named."""
    assert snap_compare(builtin_app(), press=SHOTS["sweep"], terminal_size=SIZE)
