"""axe-core in JupyterLab: every lesson, run top to bottom, has no serious or critical violation in its outputs.

Our content (quiz widgets, figures, tables, views) renders inside `.jp-OutputArea-output`; that is the scope of
the target. JupyterLab's own interface is out of scope, but not ignored: its violations are checked against the
rule ids below, so any new one (or one that moves into our outputs) fails the test with its rule id.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from axe_check import blocking, describe, run_axe
from lab_driver import open_notebook, run_all

REPO = Path(__file__).resolve().parents[2]
OUTPUTS = ".jp-OutputArea-output"
# Serious or critical violations of JupyterLab 4's own interface (outside output areas), by axe rule id.
KNOWN_JUPYTERLAB_RULES = {
    # Toolbar buttons are <jp-button> web components that carry aria-pressed, which their role does not allow.
    "aria-allowed-attr": "JupyterLab toolbar <jp-button> elements carry aria-pressed, not allowed on their role",
    # Markdown headings get a collapse toggle, an empty <button> with no label.
    "button-name": "the collapse toggle beside each markdown heading (.jp-collapseHeadingButton) has no name",
    # CodeMirror 6 gives each cell editor role="textbox" without a label.
    "aria-input-field-name": "each cell's CodeMirror editor (.cm-content, role=textbox) has no accessible name",
    # The notebook's cell list is role="feed", whose children (cells) are not role="article".
    "aria-required-children": "the notebook viewport is role=feed but its cells are not role=article",
}
LESSONS = sorted(path.relative_to(REPO).as_posix() for path in (REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.parametrize("path", LESSONS)
def test_lesson_outputs_have_no_serious_axe_violations(lab_page, lab_server, path, record_property):
    open_notebook(lab_page, lab_server, path)
    run = run_all(lab_page, path)
    assert not run.problems(), run.summary()
    assert lab_page.locator(OUTPUTS).count(), f"{path} shows no outputs to check"

    ours = blocking(run_axe(lab_page, OUTPUTS))
    assert not ours, f"{path}: violations in the course's outputs:\n{describe(ours)}"

    images = lab_page.eval_on_selector_all(f"{OUTPUTS} img", "nodes => nodes.map(n => n.getAttribute('alt'))")
    assert all(alt and alt.strip() for alt in images), f"{path}: an image without alt text: {images}"

    interface = blocking(run_axe(lab_page, {"include": [".jp-NotebookPanel"], "exclude": [OUTPUTS]}))
    record_property("jupyterlab_rules", sorted({violation["id"] for violation in interface}))
    unknown = [violation for violation in interface if violation["id"] not in KNOWN_JUPYTERLAB_RULES]
    assert not unknown, f"{path}: JupyterLab violations not in KNOWN_JUPYTERLAB_RULES:\n{describe(unknown)}"
