"""Drive a notebook in JupyterLab through the page: open it, run all cells, read back what a learner sees."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STDERR_MIME = "application/vnd.jupyter.stderr"

# Finds the open NotebookPanel for a path through window.jupyterapp (exposed by --LabApp.expose_app_in_browser).
_FIND_PANEL = """
window.__findPanel = (path) => {
  const app = window.jupyterapp;
  if (!app) return null;
  for (const widget of app.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.content && widget.content.model) return widget;
  }
  return null;
};
"""

# True once the notebook's context is ready and its kernel answers as idle.
_NOTEBOOK_READY = """
(path) => {
  if (!window.__findPanel) return false;
  const panel = window.__findPanel(path);
  if (!panel || !panel.context.isReady) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}
"""

# Starts "Run All Cells" without awaiting it here: a hung kernel must hit the Python-side timeout.
_START_RUN_ALL = """
async (path) => {
  const app = window.jupyterapp;
  const panel = window.__findPanel(path);
  app.shell.activateById(panel.id);
  window.__runAll = { done: false, result: null, error: null };
  app.commands.execute('notebook:run-all-cells')
    .then((result) => { window.__runAll.result = result; })
    .catch((error) => { window.__runAll.error = String(error); })
    .finally(() => { window.__runAll.done = true; });
}
"""

# Where the run stands: used as the wait condition and, on timeout, to say what is still pending.
_RUN_STATE = """
(path) => {
  const panel = window.__findPanel(path);
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const indicator = panel.node.querySelector('.jp-Notebook-ExecutionIndicator');
  const running = [];
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    const prompt = cell.promptNode ? cell.promptNode.textContent : '';
    if (cell.model.executionState === 'running' || prompt.includes('*')) running.push(index);
  });
  return {
    runDone: window.__runAll ? window.__runAll.done : false,
    runError: window.__runAll ? window.__runAll.error : null,
    kernelStatus: kernel ? kernel.status : 'no kernel',
    indicatorStatus: indicator ? indicator.getAttribute('data-status') : null,
    running,
  };
}
"""

_RUN_FINISHED = """
(path) => {
  const state = (%s)(path);
  return state.runDone && state.kernelStatus === 'idle'
    && (state.indicatorStatus === null || state.indicatorStatus === 'idle') && state.running.length === 0;
}
""" % _RUN_STATE.strip()

# The rendered node of each model output: OutputArea keeps one `.jp-OutputArea-child` per output, in order.
# (JupyterLab 4 puts data-mime-type on text renderers only; a widget view's node carries none, and an error
# output renders as application/vnd.jupyter.stderr just like a stderr stream, so types come from the model.)
_OUTPUT_NODES = """
(cell) => Array.from(cell.outputArea.node.children)
  .filter((child) => child.classList.contains('jp-OutputArea-child'))
  .map((child) => child.querySelector('.jp-OutputArea-output'))
"""

# How a widget-view output looks: rendered, an error message, still loading, or a plain-text fallback.
_WIDGET_STATE = """
(node, isWidget) => {
  if (!isWidget) return null;
  if (!node) return 'missing';
  const text = node.textContent || '';
  if (text.includes('Error displaying widget')) return 'error';
  if (text.includes('Loading widget')) return 'loading';
  if (node.querySelector('.jupyter-widgets')) return 'rendered';
  if (node.getAttribute('data-mime-type')) return 'fallback';
  return 'empty';
}
"""

# Widget views render asynchronously after their cell finished; "Loading widget..." is the transient state.
_WIDGETS_SETTLED = """
(path) => {
  const outputNodes = %s;
  const panel = window.__findPanel(path);
  return panel.content.widgets.every((cell) => {
    if (cell.model.type !== 'code') return true;
    const nodes = outputNodes(cell);
    return cell.model.outputs.toJSON().every((output, i) =>
      !(output.data && output.data['%s']) || (nodes[i] && !nodes[i].textContent.includes('Loading widget')));
  });
}
""" % (_OUTPUT_NODES.strip(), WIDGET_MIME)

# Everything the checks need, per cell: the model (source, count, nbformat outputs) and the rendered DOM.
_COLLECT = """
(path) => {
  const outputNodes = %s;
  const widgetState = %s;
  const panel = window.__findPanel(path);
  return panel.content.widgets.map((cell, index) => {
    const model = cell.model;
    const record = {
      index, type: model.type, source: model.sharedModel.getSource(),
      executionCount: model.type === 'code' ? model.executionCount : null,
      outputs: [], nestedStderr: [],
    };
    if (model.type !== 'code') return record;
    const nodes = outputNodes(cell);
    record.outputs = model.outputs.toJSON().map((output, i) => {
      const node = nodes[i] || null;
      const isWidget = !!(output.data && output.data['%s']);
      return {
        output, mime: node ? node.getAttribute('data-mime-type') : null,
        text: node ? (node.innerText || node.textContent || '').slice(0, 4000) : '',
        widget: widgetState(node, isWidget),
      };
    });
    // Outputs captured by an Output widget live in the widget's model, so only the DOM shows them.
    cell.outputArea.node.querySelectorAll('.jupyter-widgets .jp-OutputArea-output[data-mime-type="%s"]')
      .forEach((node) => record.nestedStderr.push(node.innerText || node.textContent || ''));
    return record;
  });
}
""" % (_OUTPUT_NODES.strip(), _WIDGET_STATE.strip(), WIDGET_MIME, STDERR_MIME)

# An error printed as stderr inside an Output widget only shows in the DOM, so it is recognised by its text.
_TRACEBACK_TEXT = re.compile(r"Traceback \(most recent call last\)|^\w*(Error|Exception)\b", re.MULTILINE)


@dataclass
class Output:
    """One output of a cell: its nbformat record and how the page rendered it."""

    output: dict[str, Any]
    mime: str | None
    text: str
    widget: str | None  # None unless a widget view: rendered, error, loading, fallback, empty, missing

    @property
    def output_type(self) -> str:
        return self.output.get("output_type", "")


@dataclass
class Cell:
    """One cell as the learner sees it after the run."""

    index: int
    type: str
    source: str
    execution_count: int | None
    outputs: list[Output]
    nested_stderr: list[str]

    @property
    def needs_run(self) -> bool:
        """A code cell with code in it (JupyterLab never numbers an empty cell)."""
        return self.type == "code" and bool(self.source.strip())


@dataclass(repr=False)
class NotebookRun:
    """What running a notebook in JupyterLab produced."""

    path: str
    cells: list[Cell] = field(default_factory=list)

    def __repr__(self) -> str:  # short, because pytest prints it inside assertion messages
        return f"<NotebookRun {self.path}: {len(self.cells)} cells>"

    def _outputs(self):
        return ((cell, out) for cell in self.cells for out in cell.outputs)

    @property
    def errors(self) -> list[str]:
        """Error outputs: nbformat `error` outputs, plus tracebacks shown inside Output widgets."""
        found = [
            f"cell {cell.index}: {out.output.get('ename')}: {out.output.get('evalue')}"
            for cell, out in self._outputs() if out.output_type == "error"
        ]
        found += [
            f"cell {cell.index} (inside a widget): {text.strip()[-300:]}"
            for cell in self.cells for text in cell.nested_stderr if _TRACEBACK_TEXT.search(text)
        ]
        return found

    @property
    def unexecuted(self) -> list[int]:
        """Indexes of code cells that have code but no execution count."""
        return [cell.index for cell in self.cells if cell.needs_run and cell.execution_count is None]

    @property
    def widgets_expected(self) -> int:
        """Widget views the kernel asked to display."""
        return sum(1 for _, out in self._outputs() if out.widget is not None)

    @property
    def widgets_rendered(self) -> int:
        """Widget views that rendered as live widgets."""
        return sum(1 for _, out in self._outputs() if out.widget == "rendered")

    @property
    def widget_failures(self) -> list[str]:
        """Widget views that did not render: an error message, stuck loading, a text fallback, or nothing."""
        return [
            f"cell {cell.index}: widget {out.widget}: {out.text.strip()[:200]!r}"
            for cell, out in self._outputs() if out.widget not in (None, "rendered")
        ]

    @property
    def stderr(self) -> list[str]:
        """Stream output on stderr (warnings): reported, not counted as errors."""
        return [
            f"cell {cell.index}: {out.output.get('text', '').strip()[:300]}"
            for cell, out in self._outputs()
            if out.output_type == "stream" and out.output.get("name") == "stderr"
        ]

    def problems(self) -> list[str]:
        """Everything that keeps the run from being clean: errors, unrendered widgets, cells not run."""
        unexecuted = [f"code cells without an execution count: {self.unexecuted}"] if self.unexecuted else []
        return self.errors + self.widget_failures + unexecuted

    def summary(self) -> str:
        """A readable account of problems for assertion messages."""
        lines = [f"{self.path}: {len(self.cells)} cells, widgets {self.widgets_rendered}/{self.widgets_expected}"]
        lines += [f"  error: {line}" for line in self.errors]
        lines += [f"  widget: {line}" for line in self.widget_failures]
        if self.unexecuted:
            lines.append(f"  code cells without an execution count: {self.unexecuted}")
        lines += [f"  stderr: {line}" for line in self.stderr]
        return "\n".join(lines)


def load_lab(page, server, path: str = "", timeout_ms: int = 60_000) -> None:
    """Load JupyterLab (opening `path` if given) in a fresh workspace; wait until the app is restored."""
    page.goto(server.lab_url(path), wait_until="domcontentloaded")
    page.wait_for_function("() => !!window.jupyterapp", timeout=timeout_ms)
    page.evaluate("() => window.jupyterapp.restored")
    page.evaluate(_FIND_PANEL)


def open_notebook(page, server, path: str, timeout_ms: int = 60_000) -> None:
    """Open `path` (relative to the server root) and wait until its kernel is idle.

    A page that already shows JupyterLab opens the notebook in place (saves reloading the app); any other
    page navigates to /lab/tree/<path>.
    """
    if page.evaluate("() => !!(window.jupyterapp && window.__findPanel)"):
        page.evaluate("(path) => window.jupyterapp.commands.execute('docmanager:open', {path}).then(() => true)", path)
    else:
        load_lab(page, server, path, timeout_ms)
    try:
        page.wait_for_function(_NOTEBOOK_READY, arg=path, timeout=timeout_ms, polling=250)
    except Exception as error:
        raise TimeoutError(f"{path}: notebook or its kernel not ready within {timeout_ms / 1000:.0f}s") from error


def close_documents(page) -> bool:
    """Close every open document without a save prompt; return False if the page is not a usable JupyterLab."""
    return page.evaluate(
        """() => {
          const app = window.jupyterapp;
          if (!app || document.querySelector('.jp-Dialog')) return false;
          for (const widget of Array.from(app.shell.widgets('main'))) {
            if (widget.context) widget.context.model.dirty = false;  // the run's outputs are not to be saved
            widget.dispose();
          }
          return true;
        }"""
    )


def run_all(page, path: str, timeout_ms: int = 180_000, widget_timeout_ms: int = 20_000) -> NotebookRun:
    """Run all cells of the open notebook `path`; wait until done and widgets have settled; collect results."""
    page.evaluate(_START_RUN_ALL, path)
    try:
        page.wait_for_function(_RUN_FINISHED, arg=path, timeout=timeout_ms, polling=250)
    except Exception as error:
        state = page.evaluate(_RUN_STATE, path)
        raise TimeoutError(
            f"{path}: run all did not finish within {timeout_ms / 1000:.0f}s "
            f"(run finished: {state['runDone']}, kernel: {state['kernelStatus']}, "
            f"indicator: {state['indicatorStatus']}, cells still running: {state['running']})"
        ) from error
    state = page.evaluate(_RUN_STATE, path)
    if state["runError"]:
        raise RuntimeError(f"{path}: JupyterLab refused to run all cells: {state['runError']}")
    try:
        page.wait_for_function(_WIDGETS_SETTLED, arg=path, timeout=widget_timeout_ms, polling=250)
    except Exception:
        pass  # widgets still "Loading" are reported by collect() as failures
    return collect(page, path)


def collect(page, path: str) -> NotebookRun:
    """Read the notebook's cells, outputs and rendered widgets from the page."""
    records = page.evaluate(_COLLECT, path)
    cells = [
        Cell(
            r["index"], r["type"], r["source"], r["executionCount"],
            [Output(o["output"], o["mime"], o["text"], o["widget"]) for o in r["outputs"]], r["nestedStderr"],
        )
        for r in records
    ]
    return NotebookRun(path, cells)


def dump_outputs(page) -> str:
    """Text of every output area on the page, cell by cell, for failure artifacts."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell')).map((cell, index) => {
          const prompt = cell.querySelector('.jp-InputPrompt');
          const outputs = Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(
            (node) => `--- [${node.getAttribute('data-mime-type')}]\\n${node.innerText}`);
          return `=== cell ${index} ${prompt ? prompt.textContent.trim() : ''}\\n${outputs.join('\\n')}`;
        }).join('\\n\\n')"""
    )
