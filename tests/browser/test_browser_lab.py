"""Real-browser checks: notebooks run in JupyterLab without errors and their ipywidgets render and respond.

All browser tests live in this one module so `--dist loadscope` sends them to one xdist worker, which then
starts a single JupyterLab and a single Chromium.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from lab_driver import open_notebook, run_all

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def course_notebooks() -> list[str]:
    """Every notebook in notebooks/ and exercises/ when the tests are collected, relative to the repo."""
    found = []
    for folder in ("notebooks", "exercises"):
        found += [
            path.relative_to(REPO).as_posix()
            for path in sorted((REPO / folder).rglob("*.ipynb"))
            if ".ipynb_checkpoints" not in path.parts
        ]
    return found


def write_notebook(root: Path, name: str, sources: list[str]) -> str:
    """Write a clean notebook of code cells into the server root; return its path relative to the root."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    path = root / "scratch" / name
    path.parent.mkdir(exist_ok=True)
    nbformat.write(notebook, path)
    return path.relative_to(root).as_posix()


WIDGET_DEMO = [
    "import ipywidgets as widgets\n"
    "slider = widgets.IntSlider(value=3, min=0, max=10, description='Value')\n"
    "button = widgets.Button(description='Add one')\n"
    "status = widgets.Label('not clicked')\n"
    "clicks = []\n"
    "def on_click(_):\n"
    "    clicks.append(slider.value)\n"
    "    status.value = f'clicked {len(clicks)} at {slider.value}'\n"
    "button.on_click(on_click)\n"
    "widgets.VBox([slider, button, status])",
    "",  # an empty cell gets no execution count and must not count as unexecuted
    "print('done')",
]


def test_widgets_render_and_work_from_the_keyboard(lab_page, lab_server):
    """A slider and a button render as live widgets; arrow keys move the slider; Tab + Enter clicks the button."""
    path = write_notebook(lab_server.root, "widget_demo.ipynb", WIDGET_DEMO)
    open_notebook(lab_page, lab_server, path)
    run = run_all(lab_page, path)

    assert not run.errors, run.summary()
    assert not run.unexecuted, run.summary()
    assert run.widgets_expected == 1 and run.widgets_rendered == 1, run.summary()
    assert not run.widget_failures, run.summary()
    assert run.cells[2].outputs[0].text.strip() == "done"
    # The news / update question must not cover the notebook (disabled by the server's user settings).
    assert lab_page.locator(".Toastify__toast").count() == 0, lab_page.locator(".Toastify__toast").all_inner_texts()

    handle = lab_page.locator(".widget-slider .noUi-handle")
    button = lab_page.get_by_role("button", name="Add one")
    status = lab_page.locator(".widget-label", has_text="clicked")
    handle.focus()
    lab_page.keyboard.press("ArrowRight")
    assert handle.get_attribute("aria-valuetext") == "4"
    for _ in range(4):  # from the slider handle, past its editable readout, to the button
        if button.evaluate("node => node === document.activeElement"):
            break
        lab_page.keyboard.press("Tab")
    assert button.evaluate("node => node === document.activeElement"), "Tab never reached the button"
    lab_page.keyboard.press("Enter")
    status.filter(has_text="clicked 1 at 4").wait_for(timeout=10_000)  # the kernel saw the click and the value


def test_checks_catch_errors_and_broken_widgets(lab_page, lab_server):
    """The checks can fail: a widget view with no model, a raised exception and the cells it skipped are found."""
    orphan_view = (
        "display({'application/vnd.jupyter.widget-view+json':"
        " {'model_id': 'no-such-model', 'version_major': 2, 'version_minor': 0},"
        " 'text/plain': 'orphan view'}, raw=True)"
    )
    path = write_notebook(
        lab_server.root, "broken.ipynb", [orphan_view, "raise ValueError('deliberate')", "print('never runs')"]
    )
    open_notebook(lab_page, lab_server, path)
    run = run_all(lab_page, path, widget_timeout_ms=5_000)

    assert run.errors == ["cell 1: ValueError: deliberate"], run.summary()
    assert run.unexecuted == [2], run.summary()
    assert run.widgets_expected == 1 and run.widgets_rendered == 0, run.summary()
    assert len(run.widget_failures) == 1, run.summary()


@pytest.mark.parametrize("path", course_notebooks())
def test_course_notebook_runs_clean_in_jupyterlab(lab_page, lab_server, path):
    """Each course notebook runs top to bottom in JupyterLab: no errors, every cell run, every widget rendered."""
    open_notebook(lab_page, lab_server, path)
    run = run_all(lab_page, path)

    assert not run.problems(), run.summary()
