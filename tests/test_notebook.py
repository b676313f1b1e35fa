"""The tutorial notebook, executed top to bottom by a real Jupyter kernel (nbclient +
ipykernel), and what its cells displayed.

One kernel runs the whole notebook (a kernel takes seconds to start). Its kernelspec is
written to a temporary folder and names this interpreter, so the test needs no kernel
installed in the user's Jupyter folders and uses the regtrace under test.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.htmltext import cells as cells_of

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

NOTEBOOK = ROOT / "docs" / "notebook.ipynb"
PNG_MAGIC = "iVBORw0KGgo"  # b"\x89PNG\r\n\x1a\n" in base64


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The notebook after a real kernel ran every cell."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    kernels = tmp_path_factory.mktemp("kernels")
    (kernels / "regtrace-test").mkdir()
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "regtrace under test",
        "language": "python",
    }
    (kernels / "regtrace-test" / "kernel.json").write_text(json.dumps(spec))
    manager = AsyncKernelManager(
        kernel_name="regtrace-test", kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels])
    )
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        km=manager,
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute(cleanup_kc=True)  # shut the kernel down and close its sockets
    return notebook


def code_cell(notebook: Any, starts: str) -> Any:
    """The one code cell whose source starts with ``starts``."""
    (cell,) = [c for c in notebook.cells if c.cell_type == "code" and c.source.startswith(starts)]
    return cell


def html_of(cell: Any) -> str:
    """The HTML the cell displayed (every output's ``text/html``, joined)."""
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)


def test_committed_without_outputs() -> None:
    """The file holds sources only: no outputs, no execution counts."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)


def test_no_cell_raised(executed: Any) -> None:
    """No cell ended in a traceback (nbclient would have raised; this says which)."""
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in errors if o.output_type == "error"]


def test_step_displays_the_trace_as_html(executed: Any) -> None:
    """w=[2.5,-0.8,0.1], g=[-0.2,0.1,-0.05], lam=0.01, lr=0.1: under L2 w0 = 2.5 - 0.1 x
    (-0.2 + 2x0.01x2.5) = 2.515 and w1 = -0.8 - 0.1 x (0.1 - 0.016) = -0.8084; under L1
    w0 = 2.5 - 0.1 x (-0.2 + 0.01) = 2.519. The loss under L1: 1.2 + 0.01 x 3.4 = 1.234."""
    cells = cells_of(html_of(code_cell(executed, "import regtrace")))
    assert {"New weight", "2.515", "2.519", "-0.8084", "-0.809"} <= set(cells)
    plain = code_cell(executed, 'report["l2"]').outputs[0]["data"]["text/plain"]
    assert plain == "(array([ 2.515 , -0.8084,  0.1048]), 1.234)"


def test_check_marks_the_answer(executed: Any) -> None:
    """The exact step under L2 gives 2.515, -0.8084, 0.1048: all three marked right."""
    cells = cells_of(html_of(code_cell(executed, "regtrace.check(")))
    assert cells.count("right") == 3


def test_run_plots_inline(executed: Any) -> None:
    """``run.plot()`` gives a PNG; the run's table is HTML."""
    assert "<table" in html_of(code_cell(executed, "run = regtrace.run("))
    (out,) = code_cell(executed, "run.plot()").outputs
    assert out["data"]["image/png"].startswith(PNG_MAGIC)


def test_data_step(executed: Any) -> None:
    """x = 1, 2, 3, y = 2, 3, 5 at w = 1, b = 0: residuals -1, -1, -2, so dL/dw = mean(r x)
    = -3 and dL/db = mean(r) = -4/3; the L2 step (lam = 0.1, bias not penalized) gives
    w = 1 - 0.1 x (-3 + 0.2) = 1.28 and b = 0.1 x 4/3 = 0.133333333333."""
    html = html_of(code_cell(executed, "problem = regtrace.DataProblem"))
    cells = cells_of(html)
    assert {"hours", "score", "1.28", "0.133333333333"} <= set(cells)


def test_magic_shows_the_same_table(executed: Any) -> None:
    """``%regtrace step ...`` displays the table the library call displays (no loss typed,
    so the same cells)."""
    magic = cells_of(html_of(code_cell(executed, "%regtrace step --w 2.5,-0.8,0.1")))
    library = cells_of(html_of(code_cell(executed, "import regtrace")))
    assert magic == library


def test_cell_magic_reads_the_body(executed: Any) -> None:
    """``%%regtrace step --data -``: the CSV body is the table; the same numbers as the
    library's data step."""
    cells = cells_of(html_of(code_cell(executed, "%%regtrace step --data -")))
    assert {"hours", "score", "1.28", "0.133333333333"} <= set(cells)


def test_magic_error_is_one_line(executed: Any) -> None:
    """A mistake is the command line's one error line on stderr, never a traceback."""
    (out,) = code_cell(executed, "%regtrace step --w 2.5,-0.8 --grad").outputs
    assert out.output_type == "stream" and out.name == "stderr"
    assert out.text == "Error: w has 2 values but grad has 3; give one gradient per weight\n"


def test_notebook_is_linked_from_the_docs() -> None:
    """The docs page links the notebook and the README links the docs page."""
    page = (ROOT / "docs" / "notebooks.md").read_text(encoding="utf-8")
    assert "notebook.ipynb" in page
    assert "docs/notebooks.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_magic_plot_is_inline(executed: Any) -> None:
    """``%regtrace run ... --plot``: the table as HTML, then the picture as a PNG (the
    terminal's plotext picture would be text in a notebook)."""
    outputs = code_cell(executed, "%regtrace run").outputs
    table, picture = outputs
    assert "<table" in table["data"]["text/html"]
    assert sorted(picture["data"]) == ["image/png", "text/plain"]
    assert picture["data"]["image/png"].startswith(PNG_MAGIC)


def test_magic_takes_a_loss_formula(executed: Any) -> None:
    """L = (w0 - 3)^2 + 2*w1^2 at w = (1, 2): dL/dw = (2*(1 - 3), 4*2) = (-4, 8); the L2 step
    (lam 0.01, lr 0.1) gives w0 = 1 - 0.1 x (-4 + 0.02) = 1.398, w1 = 2 - 0.1 x 8.04 = 1.196."""
    pytest.importorskip("sympy")
    cells = cells_of(html_of(code_cell(executed, "%regtrace step --loss-fn")))
    assert {"-3.98", "8.04", "1.398", "1.196"} <= set(cells)
