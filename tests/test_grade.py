"""`python -m lessons grade`: one run over solutions, untouched student versions and hostile fixtures."""
from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lessons.checks import CORRECT, ERROR, MIME_TYPE, NOT_ATTEMPTED, OUTCOMES, WRONG, checks_for
from lessons.checks.capture import MIME_TYPE as ANSWER_MIME
from lessons.cli import grade
from lessons.grading import judge, report
from lessons.grading.run import Limits, Options, grade_file

FIXTURES = Path(__file__).parent / "fixtures" / "grading"
TIMEOUT = 20  # seconds per cell: generous for a busy machine, short enough for the infinite loop


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(repo, tmp_path_factory, grade_flags):
    """Grade every solution, every student version and every hostile fixture in ONE command."""
    solutions = sorted((repo / "exercises" / "solutions").glob("*.ipynb"))
    students = sorted((repo / "exercises").glob("[0-9][0-9]-*.ipynb"))
    hostile = sorted(FIXTURES.glob("*.ipynb"))
    submissions = solutions + students + hostile
    before = {p: _sha(p) for p in submissions}
    report = tmp_path_factory.mktemp("grade") / "report.csv"
    result = subprocess.run(
        [sys.executable, "-m", "lessons", "grade", *map(str, submissions), "--csv", str(report),
         "--timeout", str(TIMEOUT), *grade_flags], capture_output=True, text=True, timeout=1800)
    with report.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return dict(result=result, rows=rows, before=before, after={p: _sha(p) for p in submissions},
                solutions=solutions, students=students, report=report)


def _rows_of(graded, path: Path) -> dict[str, dict]:
    return {row["check"]: row for row in graded["rows"] if row["submission"] == str(path)}


def _fixture(name: str) -> Path:
    return FIXTURES / f"01-find-the-provinces-{name}.ipynb"


def test_the_run_finishes_and_reports_every_submission(graded):
    result = graded["result"]
    assert result.returncode == 0, result.stdout + result.stderr
    progress = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == len(graded["before"]), result.stderr[-4000:]
    for path in graded["before"]:
        assert str(path) in result.stdout  # the summary has a line per submission
    assert "points in all" in result.stdout


def test_the_csv_has_the_promised_columns_and_a_row_per_expected_check(graded):
    with graded["report"].open(newline="", encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == report.COLUMNS
    for path in graded["before"]:
        exercise = judge.exercises_of(path)[0]
        assert set(_rows_of(graded, path)) == {c.name for c in checks_for(exercise)}, path.name
    assert {row["outcome"] for row in graded["rows"]} <= {CORRECT, WRONG, NOT_ATTEMPTED, ERROR}


def test_submissions_are_never_modified(graded):
    assert graded["before"] == graded["after"]


def test_solutions_get_full_marks(graded):
    for path in graded["solutions"]:
        rows = _rows_of(graded, path)
        assert rows and all(r["outcome"] == CORRECT and r["points"] == r["max_points"] != "0" for r in rows.values()), \
            (path.name, rows)


def test_untouched_student_versions_get_zero(graded):
    for path in graded["students"]:
        rows = _rows_of(graded, path)
        assert rows and all(r["outcome"] == NOT_ATTEMPTED and r["points"] == "0" for r in rows.values()), \
            (path.name, rows)


def test_invalid_json_gives_error_rows(graded):
    rows = _rows_of(graded, _fixture("invalid-json"))
    assert {r["outcome"] for r in rows.values()} == {ERROR}
    assert all("not valid JSON" in r["message"] for r in rows.values())


def test_a_missing_cell_fails_only_its_check(graded):
    rows = _rows_of(graded, _fixture("missing-cell"))
    assert rows["provinces"]["outcome"] == ERROR and "NameError" in rows["provinces"]["message"]
    assert rows["staying_borders"]["outcome"] == CORRECT


def test_an_exception_is_reported_and_later_cells_still_run(graded):
    rows = _rows_of(graded, _fixture("exception"))
    assert rows["provinces"]["outcome"] == ERROR
    assert "IndexError" in rows["provinces"]["message"]  # names the earlier failing cell
    assert rows["staying_borders"]["outcome"] == CORRECT


def test_an_infinite_loop_times_out_and_the_rest_still_runs(graded):
    rows = _rows_of(graded, _fixture("infinite-loop"))
    assert rows["provinces"]["outcome"] == ERROR and "timed out" in rows["provinces"]["message"]
    assert rows["staying_borders"]["outcome"] == CORRECT


def test_a_deleted_check_call_still_gets_a_row(graded):
    rows = _rows_of(graded, _fixture("deleted-check"))
    assert rows["provinces"]["outcome"] == CORRECT
    assert rows["staying_borders"]["outcome"] == ERROR
    assert "check call for 'staying_borders' was not found" in rows["staying_borders"]["message"]


# ----------------------------------------------------------------------------------------------------
# Parts that need no kernel.

def _notebook(*sources, outputs=None):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    for index, cell_outputs in (outputs or {}).items():
        notebook.cells[index].outputs = cell_outputs
        notebook.cells[index].execution_count = index + 1
    return notebook


def _record(check, outcome):
    return nbformat.v4.new_output("display_data", data={MIME_TYPE: {"exercise": "x", "check": check,
                                                                     "outcome": outcome, "message": outcome}})


def test_exercise_comes_from_the_file_name_then_the_check_calls():
    assert judge.exercises_of(Path("alice-02-csto-sets.ipynb")) == ["02-csto-sets"]
    calls = _notebook('check("provinces", p)')
    assert judge.exercises_of(Path("homework.ipynb"), calls) == ["01-find-the-provinces"]
    assert judge.exercises_of(Path("homework.ipynb"), _notebook("1 + 1")) == []
    assert judge.exercises_of(Path("x.ipynb"), None, forced="07-critical-reading") == ["07-critical-reading"]


def _answer(check, answer):
    return nbformat.v4.new_output("display_data", data={ANSWER_MIME: {"check": check, "answer": answer}})


def test_the_last_answer_record_counts_and_check_records_are_ignored():
    notebook = _notebook("a", "b", outputs={0: [_answer("provinces", ["x"])],
                                            1: [_answer("provinces", ["y"]), _answer("junk", 1),
                                                _record("staying_borders", CORRECT)]})
    records = judge.answer_records(notebook)
    assert records == {"provinces": (1, ["y"])}


def test_missing_records_are_explained():
    error = nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])
    notebook = _notebook("1/0", 'check("provinces", p)', 'check("staying_borders", s)',
                         outputs={0: [error], 1: [nbformat.v4.new_output("error", ename="NameError", evalue="p",
                                                                          traceback=[])]})
    run = judge.Run(notebook, set())
    calls = judge.check_calls(notebook)
    message = judge.explain_missing("provinces", run, calls)
    assert "cell 2 stopped with NameError" in message and "cell 1 failed with ZeroDivisionError earlier" in message
    assert "did not run" in judge.explain_missing("staying_borders", judge.Run(notebook, set(), "the kernel died"), calls)
    assert "was not found" in judge.explain_missing("quotes", run, calls)
    assert "timed out" in judge.explain_missing("provinces", judge.Run(notebook, {1}), calls)


def test_an_unreadable_file_gives_rows_without_starting_a_kernel(tmp_path):
    path = tmp_path / "03-quotes-and-speakers.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    rows = grade_file(path, Options(Limits(cell_timeout=5), sandbox=False))
    assert [r.check for r in rows] == [c.name for c in checks_for("03-quotes-and-speakers")]
    assert all(r.outcome == ERROR for r in rows)
    missing = grade_file(tmp_path / "nowhere.ipynb", Options(Limits(cell_timeout=5), sandbox=False))
    assert missing[0].outcome == ERROR and "could not be read" in missing[0].message


def _args(submissions, **given):
    """The command's arguments as its parser gives them, with `given` changed."""
    import argparse

    parser = argparse.ArgumentParser()
    grade.add_arguments(parser)
    args = parser.parse_args([str(p) for p in submissions])
    for name, value in given.items():
        setattr(args, name, value)
    return args


def test_the_report_may_not_overwrite_a_submission(tmp_path, capsys):
    path = tmp_path / "01-find-the-provinces.ipynb"
    path.write_text("{}", encoding="utf-8")
    assert grade.run(_args([path], csv=path)) == 2
    assert "would overwrite a submission" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == "{}"
    assert grade.run(_args([path], exercise="99-nope")) == 2


def test_summary_totals_per_submission():
    rows = [report.Row("a.ipynb", "e", "c1", CORRECT, 1, 1, ""), report.Row("a.ipynb", "e", "c2", WRONG, 0, 1, ""),
            report.Row("b.ipynb", "e", "c1", ERROR, 0, 1, "")]
    text = report.summary(rows, OUTCOMES)
    assert "a.ipynb" in text and "1/2" in text and "1 correct, 1 wrong" in text
    assert "b.ipynb" in text and "0/1" in text and "1 error" in text
    assert "1/3 points in all" in text


def test_without_a_working_sandbox_the_grader_stops_and_says_how_to_opt_out(tmp_path, capsys, monkeypatch):
    import types

    fake = types.ModuleType("lessons.grading.sandbox")
    fake.sandbox_problem = lambda: "user namespaces are disabled in this kernel"
    monkeypatch.setitem(sys.modules, "lessons.grading.sandbox", fake)
    path = tmp_path / "01-find-the-provinces.ipynb"
    path.write_text("{}", encoding="utf-8")
    assert grade.run(_args([path], no_sandbox=False, csv=tmp_path / "r.csv")) == 3
    out = capsys.readouterr().out
    assert "user namespaces are disabled" in out and "--no-sandbox" in out
    assert not (tmp_path / "r.csv").exists()


def test_the_executed_notebook_is_read_only_as_a_regular_file(tmp_path):
    """The run's folder is the submission's: a symlink to the grader's files or a FIFO is refused, never followed."""
    import os

    from lessons.grading.run import read_executed

    secret = tmp_path / "instructor.ipynb"
    nbformat.write(_notebook("SECRET"), secret)
    link = tmp_path / "executed.ipynb"
    link.symlink_to(secret)
    notebook, problem = read_executed(link, Limits())
    assert notebook is None and "something else" in problem
    fifo = tmp_path / "fifo.ipynb"
    os.mkfifo(fifo)
    notebook, problem = read_executed(fifo, Limits())  # would block for ever if opened for a blocking read
    assert notebook is None and "other than a notebook file" in problem
    assert read_executed(secret, Limits())[0] is not None


def test_malformed_answer_records_are_ignored_not_fatal():
    notebook = _notebook("a")
    notebook.cells[0].outputs = [
        nbformat.NotebookNode(output_type="display_data", data={ANSWER_MIME: {"check": ["provinces"], "answer": 1}}),
        nbformat.NotebookNode(output_type="display_data", data=["not", "a", "dict"]),
        nbformat.NotebookNode(output_type="display_data", data={ANSWER_MIME: {"check": "provinces", "answer": ["x"]}}),
    ]
    assert judge.answer_records(notebook) == {"provinces": (0, ["x"])}
    assert judge.saved_passes(notebook) == set()
