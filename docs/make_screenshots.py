"""Write the README's screenshots of ``regtrace explore``: one SVG per pane, in docs/.

Usage: ``.venv/bin/python docs/make_screenshots.py``. Each screenshot is the app at 80x24
after the key presses in :data:`SHOTS`, the same presses the snapshot tests use
(tests/test_explore_snapshots.py), so the README shows what the tests check.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (80, 24)

SHOTS: dict[str, list[str]] = {
    # The built-in step, as the app opens.
    "trace": [],
    # lam 0.01 -> 1 (eight presses): factor 1 - 2*0.1*1 = 0.8, the L2 weight decays fast.
    "decay": ["2", *["plus"] * 8],
    # lam 0.01 sits near the best validation lam of the demo data.
    "sweep": ["3"],
}


async def _screenshot(keys: list[str]) -> str:
    from regtrace.cli.explore_inputs import explore_state
    from regtrace.explore.app import ExploreApp

    state = explore_state()
    app = ExploreApp(state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        return app.export_screenshot()


def main() -> None:
    """Write docs/explore-<pane>.svg for each pane."""
    for name, keys in SHOTS.items():
        svg = asyncio.run(_screenshot(keys))
        (ROOT / "docs" / f"explore-{name}.svg").write_text(svg, encoding="utf-8")


if __name__ == "__main__":
    main()
