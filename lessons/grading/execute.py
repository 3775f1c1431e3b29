"""`python -m lessons.grading.execute IN.ipynb OUT.ipynb`: run one prepared submission, keeping output bounded.

This is the only grading code that runs beside the learner's code (inside the sandbox, when there is one),
so it decides nothing: it runs every cell, keeps at most --max-output bytes of outputs (answer records and
errors always), and writes the executed notebook for the grader to judge.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys

TIMEOUT_ERROR = "LessonsCellTimeout"  # the error name the client reports for a cell that ran out of time
RUN_KEY = "lessons_grading"  # notebook metadata this writes: cells that timed out, why the run stopped
MAX_ANSWER_RECORDS = 500


class _KernelStuck(Exception):
    """A cell timed out and the kernel ignored the interrupt: no later cell can run."""


def _kernel_manager_class():
    """A kernel manager that always starts ipykernel with this Python, whatever kernelspecs are installed."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.manager import AsyncKernelManager

    class CurrentEnvKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                self._kernel_spec = self.kernel_spec_manager.kernel_spec_class(
                    resource_dir=RESOURCES, **get_kernel_dict())
            return self._kernel_spec

    return CurrentEnvKernelManager


def _size(content) -> int:
    """Bytes an output takes as JSON; one too deep or odd to measure counts as too big to keep."""
    try:
        return len(json.dumps(content, default=str))
    except (RecursionError, ValueError, TypeError):
        return 1 << 62


def _bounded_client_class():
    from nbclient import NotebookClient

    from ..checks.capture import MAX_RECORD, MIME_TYPE

    class BoundedClient(NotebookClient):
        """Keeps outputs up to a byte budget; after it only answer records and errors, each bounded."""

        kept_bytes = 0
        cut = False
        answers = 0

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            size = _size(content)
            if self.kept_bytes + size <= self.max_output:
                self.kept_bytes += size
                return super().output(outs, msg, display_id, cell_index)
            self.cut = True
            data = content.get("data", {}) if isinstance(content, dict) else {}
            if msg.get("msg_type") in ("display_data", "execute_result") and MIME_TYPE in data:
                if self.answers < MAX_ANSWER_RECORDS and size <= MAX_RECORD + 10_000:
                    self.answers += 1
                    msg = dict(msg, content={"data": {MIME_TYPE: data[MIME_TYPE]}, "metadata": {}})
                    return super().output(outs, msg, None, cell_index)
            elif msg.get("msg_type") == "error":
                msg = dict(msg, content={"ename": str(content.get("ename", "Error"))[:200],
                                         "evalue": str(content.get("evalue", ""))[:500], "traceback": []})
                return super().output(outs, msg, None, cell_index)
            return None

        def _update_display_id(self, display_id, msg):
            # An update replaces an output in place; it costs the budget like a new one, else it is dropped.
            size = _size(msg.get("content", {}))
            if self.kept_bytes + size > self.max_output:
                self.cut = True
                return None
            self.kept_bytes += size
            return super()._update_display_id(display_id, msg)

    return BoundedClient


def execute(notebook, timeout: int, max_output: int, workdir: str) -> dict:
    """Run every code cell of `notebook` in place; return what the grader must know about the run."""
    from nbclient.exceptions import DeadKernelError

    timed_out: set[int] = set()
    stopped = None
    quiet = logging.getLogger("lessons.grading.kernel")
    quiet.setLevel(logging.CRITICAL)  # the report says what went wrong; the client's log would repeat it

    def on_cell_executed(cell, cell_index, execute_reply):
        content = (execute_reply or {}).get("content", {})
        if content.get("ename") == TIMEOUT_ERROR:
            timed_out.add(cell_index)
            interrupted = any(o.get("output_type") == "error" and o.get("ename") == "KeyboardInterrupt"
                              for o in cell.get("outputs", []))
            if not interrupted:
                raise _KernelStuck(cell_index)

    client = _bounded_client_class()(
        notebook, timeout=timeout, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout={"ename": TIMEOUT_ERROR, "evalue": f"timed out after {timeout} s", "traceback": []},
        kernel_manager_class=_kernel_manager_class(), on_cell_executed=on_cell_executed,
        skip_cells_with_tag="", resources={"metadata": {"path": workdir}}, log=quiet)
    client.max_output = max_output
    env = dict(os.environ, LESSONS_GRADING="1", MPLBACKEND="Agg",
               LESSONS_PROGRESS_DIR=os.path.join(workdir, ".progress"))
    try:
        client.execute(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # kernel chatter
    except _KernelStuck as stuck:
        stopped = (f"cell {stuck.args[0] + 1} timed out and the kernel did not respond to the "
                   "interrupt, so later cells did not run")
    except DeadKernelError:
        stopped = "the kernel died (the notebook crashed Python or used too much memory)"
    except Exception as exc:  # a kernel that will not start, or a client failure: report, do not stop
        stopped = f"the notebook could not be run ({type(exc).__name__}: {first_line(exc)})"
    return {"timed_out": sorted(timed_out), "stopped": stopped, "output_cut": client.cut}


def first_line(value) -> str:
    text = str(value).strip().splitlines()
    return text[0][:200] if text else ""


def main(argv: list[str] | None = None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(prog="python -m lessons.grading.execute", description=__doc__)
    parser.add_argument("notebook")
    parser.add_argument("out")
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--max-output", type=int, default=5_000_000)
    args = parser.parse_args(argv)
    notebook = nbformat.read(args.notebook, as_version=4)
    workdir = os.path.dirname(os.path.abspath(args.notebook))
    run = execute(notebook, args.timeout, args.max_output, workdir)
    notebook.metadata[RUN_KEY] = run
    with open(args.out, "w", encoding="utf-8") as handle:
        nbformat.write(notebook, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
