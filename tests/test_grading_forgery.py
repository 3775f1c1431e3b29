"""A submission cannot forge a mark: whatever its kernel shows or patches, the grader judges the answers itself.

Each fixture below is one way a hostile learner tried it on exercise 01 (see issue 12). All are graded in one
run, together with the solution (full marks) and an untouched copy graded after them (still zero).
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lessons.checks import CORRECT, MIME_TYPE
from lessons.checks.capture import MIME_TYPE as ANSWER_MIME
from lessons.grading import report

EXERCISE = "01-find-the-provinces"
SETUP = "from lessons import check, load_course\ncourse = load_course()"


def _forged(check: str) -> dict:
    return {"exercise": EXERCISE, "check": check, "outcome": CORRECT, "points": 1, "max_points": 1, "message": "ok"}


def _display_records(*records: tuple[str, dict]) -> str:
    bundle = {mime: record for mime, record in records}
    return f"from IPython.display import display\ndisplay({json.dumps(bundle)}, raw=True)"


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [cell if isinstance(cell, nbformat.NotebookNode) else nbformat.v4.new_code_cell(cell)
                      for cell in cells]
    return notebook


def _with_outputs(cell, *bundles):
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle) for bundle in bundles]
    cell.execution_count = 1
    return cell


def _right_answers() -> dict[str, list[str]]:
    from lessons import load_course
    from lessons.checks import answer_key

    course = load_course()
    return {name: [course.places[i].name for i in answer_key(name)] for name in ("provinces", "staying_borders")}


RIGHT = _right_answers()
CALLS = ['check("provinces", None)', 'check("staying_borders", None)']


def attacks() -> dict[str, nbformat.NotebookNode]:
    stored = {MIME_TYPE: _forged("provinces"), ANSWER_MIME: {"check": "provinces", "answer": RIGHT["provinces"]}}
    stored_borders = {MIME_TYPE: _forged("staying_borders"),
                      ANSWER_MIME: {"check": "staying_borders", "answer": RIGHT["staying_borders"]}}
    skipped = _with_outputs(nbformat.v4.new_code_cell('check("provinces", provinces)'), stored)
    skipped.metadata["tags"] = ["skip-execution", "raises-exception"]
    return {
        "forged-records": _notebook(SETUP, *CALLS, _display_records((MIME_TYPE, _forged("provinces"))),
                                    _display_records((MIME_TYPE, _forged("staying_borders")))),
        "redefined-check": _notebook(SETUP, "from IPython.display import display\n"
                                     "def check(name, answer=None):\n"
                                     f"    display({{{MIME_TYPE!r}: {{'exercise': {EXERCISE!r}, 'check': name, "
                                     "'outcome': 'correct', 'points': 1, 'max_points': 1, 'message': 'ok'}}, raw=True)",
                                     *CALLS),
        "patched-judge": _notebook(SETUP, "import os\nos.environ.pop('LESSONS_GRADING', None)\n"
                                   "import lessons.checks.judges as judges\n"
                                   "for name in list(judges.JUDGES):\n"
                                   "    judges.JUDGES[name] = judges.Rule(lambda course: None, lambda a, k: 'ok')",
                                   *CALLS),
        "patched-registry": _notebook(SETUP, "import dataclasses\nimport lessons.checks.registry as registry\n"
                                      "for name, spec in list(registry.REGISTRY.items()):\n"
                                      "    registry.REGISTRY[name] = dataclasses.replace(spec, points=5)\n"
                                      "registry.checks_for = lambda exercise: []",
                                      *CALLS),
        "key-read": _notebook(SETUP, "from lessons.checks import answer_key\n"
                              "provinces = [course.places[i].name for i in answer_key('provinces')]\n"
                              "borders = [course.places[i].name for i in answer_key('staying_borders')]",
                              'check("provinces", provinces)', 'check("staying_borders", borders)'),
        "kept-outputs": _notebook(SETUP, "provinces = None", skipped,
                                  _with_outputs(nbformat.v4.new_code_cell(""), stored_borders),
                                  'check("staying_borders", None)'),
    }


@pytest.fixture(scope="module")
def graded(repo, tmp_path_factory, grade_flags):
    folder = tmp_path_factory.mktemp("forgery")
    paths = []
    for name, notebook in attacks().items():
        path = folder / f"{name}-{EXERCISE}.ipynb"
        nbformat.write(notebook, path)
        paths.append(path)
    untouched = folder / f"untouched-{EXERCISE}.ipynb"
    untouched.write_bytes((repo / "exercises" / f"{EXERCISE}.ipynb").read_bytes())
    solution = repo / "exercises" / "solutions" / f"{EXERCISE}.ipynb"
    out = folder / "report.csv"
    result = subprocess.run([sys.executable, "-m", "lessons", "grade", *map(str, [*paths, solution, untouched]),
                             "--csv", str(out), "--timeout", "30", "-j", "2", *grade_flags],
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout + result.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    marks = {}
    for row in rows:
        marks[Path(row["submission"]).stem.replace(f"-{EXERCISE}", "")] = \
            marks.get(Path(row["submission"]).stem.replace(f"-{EXERCISE}", ""), 0) + int(row["points"])
    return marks, rows


def test_the_right_answers_used_by_the_fixtures_are_right(course):
    """The kept-output attack stores right answers; they must be right, or the test would prove nothing."""
    from lessons.checks.api import judge_captured

    for name, answer in RIGHT.items():
        assert judge_captured(name, answer, course).outcome == CORRECT, name


@pytest.mark.parametrize("attack", sorted(attacks()))
def test_an_attack_gets_no_marks(graded, attack):
    marks, rows = graded
    assert marks[attack] == 0, [r for r in rows if attack in r["submission"]]


def test_the_solution_keeps_full_marks_and_an_untouched_copy_after_the_attacks_gets_none(graded):
    marks, _ = graded
    assert marks[EXERCISE] == 2  # the solution's file name is the bare exercise name
    assert marks["untouched"] == 0


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_spreadsheet_formulas_are_neutralised(tmp_path, text):
    path = tmp_path / "r.csv"
    report.write_csv([report.Row(text, "e", "c", "wrong", 0, 1, text)], path)
    with path.open(newline="", encoding="utf-8") as handle:
        row = list(csv.reader(handle))[1]
    assert row[0] == row[-1] == "'" + text
    assert report.spreadsheet_safe("Tavush") == "Tavush" and report.spreadsheet_safe(3) == 3
