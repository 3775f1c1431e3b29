"""`python -m lessons grade SUBMISSION.ipynb ... --csv report.csv`: run each submission, report every check.

Each submission runs as an in-memory copy in a fresh kernel (python3 of this environment); the files
are only read, never written. The checks a submission should call come from the registry in
lessons.checks, so a deleted or broken check call still gets a row that says what happened.
"""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import astuple, dataclass
from pathlib import Path

COLUMNS = ("submission", "exercise", "check", "outcome", "points", "max_points", "message")
TIMEOUT_ERROR = "LessonsCellTimeout"  # the error name the client reports for a cell that ran out of time


@dataclass(frozen=True)
class Row:
    """One line of the report: one check of one submission."""

    submission: str
    exercise: str
    check: str
    outcome: str
    points: int
    max_points: int
    message: str


class _KernelStuck(Exception):
    """A cell timed out and the kernel ignored the interrupt: no later cell can run."""


def add_arguments(parser) -> None:
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION.ipynb",
                        help="learners' exercise notebooks (read only; never modified)")
    parser.add_argument("--csv", type=Path, metavar="REPORT.csv",
                        help="write the report here: one row per submission per check, columns " + ", ".join(COLUMNS))
    parser.add_argument("--timeout", type=int, default=60, metavar="SECONDS",
                        help="how long one cell may run before it is interrupted (default: 60)")
    parser.add_argument("--exercise", metavar="NN-slug",
                        help="grade every submission as this exercise (default: tell from the file name, "
                             "else from the checks the notebook calls)")


# ---------------------------------------------------------------------------------------------------
# Which exercise a submission is, and which checks it should call.

def _check_calls(notebook) -> dict[str, int]:
    """Check name -> index of the last code cell that calls it by a literal name."""
    calls = {}
    for index, cell in enumerate(notebook.cells):
        if cell.get("cell_type") == "code":
            for name in re.findall(r"""\bcheck\(\s*["'](\w+)["']""", cell.get("source", "")):
                calls[name] = index
    return calls


def exercises_of(path: Path, notebook=None, forced: str | None = None) -> list[str]:
    """The exercise(s) a submission is: forced, else from its file name, else from its check calls."""
    from ..checks import EXERCISES, REGISTRY

    if forced:
        return [forced]
    stem = path.stem.lower()
    by_name = [slug for slug in EXERCISES if slug in stem]
    if by_name:
        return by_name[:1]
    if notebook is None:
        return []
    called = {REGISTRY[name].exercise for name in _check_calls(notebook) if name in REGISTRY}
    return [slug for slug in EXERCISES if slug in called]


# ---------------------------------------------------------------------------------------------------
# Running a copy of the notebook.

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


@dataclass
class Run:
    """What happened when a notebook copy ran: the executed copy, cells that timed out, why it stopped."""

    notebook: object
    timed_out: set
    stopped: str | None = None  # a sentence, when cells after some point could not run


def execute(notebook, timeout: int) -> Run:
    """Run every cell of `notebook` (modified in place: pass a copy) in a fresh kernel; keep going after
    errors; interrupt a cell after `timeout` seconds and go on with the next."""
    import logging

    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    run = Run(notebook, set())
    quiet = logging.getLogger("lessons.grade.kernel")
    quiet.setLevel(logging.CRITICAL)  # the report says what went wrong; the client's log would repeat it

    def on_cell_executed(cell, cell_index, execute_reply):
        content = (execute_reply or {}).get("content", {})
        if content.get("ename") == TIMEOUT_ERROR:
            run.timed_out.add(cell_index)
            interrupted = any(o.get("output_type") == "error" and o.get("ename") == "KeyboardInterrupt"
                              for o in cell.get("outputs", []))
            if not interrupted:
                raise _KernelStuck(cell_index)

    with tempfile.TemporaryDirectory(prefix="lessons-grade-") as workdir:
        client = NotebookClient(
            notebook, timeout=timeout, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
            error_on_timeout={"ename": TIMEOUT_ERROR, "evalue": f"timed out after {timeout} s", "traceback": []},
            kernel_manager_class=_kernel_manager_class(), on_cell_executed=on_cell_executed,
            resources={"metadata": {"path": workdir}}, log=quiet)
        # Learners' code must not touch the instructor's own progress store.
        env = dict(os.environ, LESSONS_PROGRESS_DIR=os.path.join(workdir, "progress"), MPLBACKEND="Agg")
        try:
            client.execute(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # kernel chatter
        except _KernelStuck as stuck:
            run.stopped = (f"cell {stuck.args[0] + 1} timed out and the kernel did not respond to the "
                           "interrupt, so later cells did not run")
        except DeadKernelError:
            run.stopped = "the kernel died (the notebook crashed Python or used too much memory)"
        except Exception as exc:  # a kernel that will not start, or a client failure: report, do not stop
            run.stopped = f"the notebook could not be run ({type(exc).__name__}: {_first_line(exc)})"
    return run


def _first_line(value) -> str:
    text = str(value).strip().splitlines()
    return text[0][:200] if text else ""


# ---------------------------------------------------------------------------------------------------
# Reading the results.

def check_records(notebook) -> dict[str, tuple[int, dict]]:
    """Check name -> (cell index, record) of the last valid check record in the outputs."""
    from ..checks import MIME_TYPE, OUTCOMES

    found = {}
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            record = output.get("data", {}).get(MIME_TYPE)
            if isinstance(record, dict) and isinstance(record.get("check"), str) and record.get("outcome") in OUTCOMES:
                found[record["check"]] = (index, record)
    return found


def _error_of(cell) -> tuple[str, str] | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), _first_line(output.get("evalue", ""))
    return None


def _explain_missing(name: str, run: Run, calls: dict[str, int]) -> str:
    """Why a check left no record: its call was deleted, its cell failed or timed out, or did not run."""
    if name not in calls:
        return f"the check call for {name!r} was not found in the notebook (was its cell deleted or changed?)"
    index = calls[name]
    cell = run.notebook.cells[index]
    where = f"cell {index + 1}"
    if index in run.timed_out:
        return f"{where} did not finish in time (timed out), so the check for {name!r} did not run"
    error = _error_of(cell)
    if error:
        reason = f"{where} stopped with {error[0]}: {error[1]} before the check for {name!r} ran"
        earlier = next((i for i, c in enumerate(run.notebook.cells[:index])
                        if i in run.timed_out or (c.get("cell_type") == "code" and _error_of(c))), None)
        if earlier is not None:
            what = "timed out" if earlier in run.timed_out else f"failed with {_error_of(run.notebook.cells[earlier])[0]}"
            reason += f" (cell {earlier + 1} {what} earlier; later cells may depend on it)"
        return reason
    if cell.get("execution_count") is None and not cell.get("outputs"):
        return f"{where} did not run: {run.stopped}" if run.stopped else f"{where} did not run"
    return f"{where} ran but the check for {name!r} showed no result (was check redefined or its output cleared?)"


def grade_notebook(label: str, path: Path, notebook, timeout: int, forced: str | None = None) -> list[Row]:
    """Run one parsed submission and return its rows: one per expected check."""
    from ..checks import CORRECT, ERROR, EXERCISES, REGISTRY, checks_for

    exercises = exercises_of(path, notebook, forced)
    calls = _check_calls(notebook)
    run = execute(notebook, timeout)
    records = check_records(run.notebook)
    if not exercises:  # neither the name nor the code says; the records may
        exercises = [slug for slug in EXERCISES if any(REGISTRY.get(n) and REGISTRY[n].exercise == slug
                                                         for n in records)]
    if not exercises:
        return [Row(label, "", "", ERROR, 0, 0, "could not tell which exercise this is: keep the file name "
                                                 "NN-slug.ipynb or pass --exercise")]
    rows = []
    for exercise in exercises:
        for spec in checks_for(exercise):
            if spec.name in records:
                record = records[spec.name][1]
                outcome = record["outcome"]
                points = spec.points if outcome == CORRECT else 0
                rows.append(Row(label, exercise, spec.name, outcome, points, spec.points, str(record.get("message", ""))))
            else:
                rows.append(Row(label, exercise, spec.name, ERROR, 0, spec.points,
                                _explain_missing(spec.name, run, calls)))
    return rows


def grade_file(path: Path, timeout: int, forced: str | None = None, label: str | None = None) -> list[Row]:
    """Grade one submission file; an unreadable or invalid file gives error rows instead of raising."""
    import nbformat

    from ..checks import ERROR, checks_for

    label = label or str(path)

    def failed(message: str) -> list[Row]:
        exercises = exercises_of(path, None, forced)
        if not exercises:
            return [Row(label, "", "", ERROR, 0, 0, message)]
        return [Row(label, e, spec.name, ERROR, 0, spec.points, message) for e in exercises for spec in checks_for(e)]

    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return failed(f"the file could not be read ({type(exc).__name__}: {_first_line(exc)})")
    from nbformat.reader import NotJSONError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. missing cell ids: harmless for grading
            notebook = nbformat.reads(text, as_version=4)
            nbformat.validate(notebook)
    except NotJSONError:
        return failed("the file is not valid JSON, so it is not a readable notebook; was it saved from Jupyter?")
    except Exception as exc:
        return failed(f"the file is not a valid notebook ({_first_line(getattr(exc, 'message', exc))})")
    return grade_notebook(label, path, notebook, timeout, forced)


# ---------------------------------------------------------------------------------------------------
# The command.

def summary(rows: list[Row]) -> str:
    """Totals per submission, as a small aligned table."""
    from ..checks import OUTCOMES

    by_submission: dict[str, list[Row]] = {}
    for row in rows:
        by_submission.setdefault(row.submission, []).append(row)
    width = max([len(s) for s in by_submission] + [10])
    lines = [f"{'submission':<{width}}  {'points':>7}  outcomes"]
    for submission, own in by_submission.items():
        got, total = sum(r.points for r in own), sum(r.max_points for r in own)
        counts = Counter(r.outcome for r in own)
        outcomes = ", ".join(f"{counts[o]} {o}" for o in OUTCOMES if counts[o])
        lines.append(f"{submission:<{width}}  {f'{got}/{total}':>7}  {outcomes}")
    got, total = sum(r.points for r in rows), sum(r.max_points for r in rows)
    lines.append(f"{len(by_submission)} submission(s), {len(rows)} check row(s), {got}/{total} points in all.")
    return "\n".join(lines)


def write_csv(rows: list[Row], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(astuple(row) for row in rows)


def run(args) -> int:
    from ..checks import EXERCISES

    if args.exercise and args.exercise not in EXERCISES:
        print(f"Unknown exercise {args.exercise!r}; choose one of: {', '.join(EXERCISES)}.")
        return 2
    if args.timeout < 1:
        print("--timeout must be at least 1 second.")
        return 2
    if args.csv and any(args.csv.resolve() == s.resolve() for s in args.submissions):
        print(f"The report {args.csv} would overwrite a submission; choose another --csv path.")
        return 2
    rows: list[Row] = []
    total = len(args.submissions)
    for number, path in enumerate(args.submissions, start=1):
        started = time.monotonic()
        own = grade_file(path, args.timeout, args.exercise)
        rows += own
        got, most = sum(r.points for r in own), sum(r.max_points for r in own)
        problems = sum(r.outcome == "error" for r in own)
        note = f", {problems} error(s)" if problems else ""
        print(f"[{number}/{total}] {path}: {got}/{most} points{note} ({time.monotonic() - started:.1f} s)",
              file=sys.stderr, flush=True)
    if args.csv:
        try:
            write_csv(rows, args.csv)
        except OSError as exc:
            print(f"Could not write the report to {args.csv}: {exc.strerror or exc}.")
            return 1
    print(summary(rows))
    if args.csv:
        print(f"Report: {args.csv} ({len(rows)} rows).")
    return 0
