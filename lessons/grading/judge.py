"""Judge an executed submission in the grader's own process: its captured answers against the keys."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .report import Row


@dataclass
class Run:
    """What happened when a submission ran: the executed copy, cells that timed out, why it stopped."""

    notebook: object
    timed_out: set = field(default_factory=set)
    stopped: str | None = None  # a sentence, when cells after some point could not run
    output_cut: bool = False


def check_calls(notebook) -> dict[str, int]:
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
    called = {REGISTRY[name].exercise for name in check_calls(notebook) if name in REGISTRY}
    return [slug for slug in EXERCISES if slug in called]


def answer_records(notebook) -> dict[str, tuple[int, object]]:
    """Check name -> (cell index, captured answer) of the last answer record in the outputs."""
    from ..checks import REGISTRY
    from ..checks.capture import MIME_TYPE

    found = {}
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data")
            record = data.get(MIME_TYPE) if isinstance(data, dict) else None
            if isinstance(record, dict) and isinstance(record.get("check"), str) and record["check"] in REGISTRY \
                    and "answer" in record:
                found[record["check"]] = (index, record["answer"])
    return found


def saved_passes(notebook) -> set[str]:
    """Checks the notebook as saved showed as correct (its learner's own run, which may have been out of order)."""
    from ..checks import CORRECT, MIME_TYPE

    passed = set()
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data")
            record = data.get(MIME_TYPE) if isinstance(data, dict) else None
            if isinstance(record, dict) and record.get("outcome") == CORRECT and isinstance(record.get("check"), str):
                passed.add(record["check"])
    return passed


def _error_of(cell) -> tuple[str, str] | None:
    from .execute import first_line

    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), first_line(output.get("evalue", ""))
    return None


def explain_missing(name: str, run: Run, calls: dict[str, int]) -> str:
    """Why a check left no answer: its call was deleted, its cell failed or timed out, or did not run."""
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
    return f"{where} ran but the check for {name!r} recorded no answer (was check redefined or its output cleared?)"


OUT_OF_ORDER = "the saved notebook showed a pass; run top to bottom it does not: were cells run out of order?"


def rows_for(label: str, exercises: list[str], submitted, run: Run) -> list[Row]:
    """One row per expected check: each captured answer judged here, with keys the submission never saw."""
    from ..checks import CORRECT, ERROR, EXERCISES, REGISTRY, checks_for
    from ..checks.api import judge_captured
    from ..content import load_course

    course = load_course()
    answers = answer_records(run.notebook)
    if not exercises:  # neither the name nor the code says; the answers may
        exercises = [slug for slug in EXERCISES if any(REGISTRY[n].exercise == slug for n in answers)]
    if not exercises:
        return [Row(label, "", "", ERROR, 0, 0, "could not tell which exercise this is: keep the file name "
                                                 "NN-slug.ipynb or pass --exercise")]
    calls, shown_passing = check_calls(submitted), saved_passes(submitted)
    rows = []
    for exercise in exercises:
        for spec in checks_for(exercise):
            if spec.name in answers:
                result = judge_captured(spec.name, answers[spec.name][1], course)
                outcome, points, message = result.outcome, result.points, result.message
            else:
                outcome, points, message = ERROR, 0, explain_missing(spec.name, run, calls)
            if outcome != CORRECT and spec.name in shown_passing:
                message = f"{message} ({OUT_OF_ORDER})"
            if run.output_cut:
                message = f"{message} (the notebook printed more than the output limit; the rest was cut)"
            rows.append(Row(label, exercise, spec.name, outcome, points, spec.points, message))
    return rows
