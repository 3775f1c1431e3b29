"""The instructor's outputs: gradebook rows per learner, escaped feedback pages, the out-of-order note."""
from __future__ import annotations

import csv
from pathlib import Path

import nbformat

from lessons.checks import CORRECT, MIME_TYPE, WRONG
from lessons.grading import judge, report
from lessons.grading.report import Row

EXERCISES = ["01-find-the-provinces", "02-csto-sets"]


def test_the_learner_id_comes_from_the_file_name_or_its_folder():
    assert report.learner_of("in/alice_01-find-the-provinces.ipynb", EXERCISES) == "alice"
    assert report.learner_of("in/Bob-02-CSTO-sets.ipynb", EXERCISES) == "Bob"
    assert report.learner_of("carol/01-find-the-provinces.ipynb", EXERCISES) == "carol"


def test_the_gradebook_has_one_row_per_learner_one_column_per_exercise_and_a_total(tmp_path):
    rows = [Row("alice_01-find-the-provinces.ipynb", EXERCISES[0], "provinces", CORRECT, 1, 1, "ok"),
            Row("alice_01-find-the-provinces.ipynb", EXERCISES[0], "staying_borders", WRONG, 0, 1, "no"),
            Row("alice_02-csto-sets.ipynb", EXERCISES[1], "members", CORRECT, 2, 2, "ok"),
            Row("=cmd_02-csto-sets.ipynb", EXERCISES[1], "members", WRONG, 0, 2, "no")]
    path = tmp_path / "grades.csv"
    report.write_gradebook(rows, EXERCISES, path)
    table = list(csv.reader(path.open(encoding="utf-8")))
    assert table[0] == ["learner", *EXERCISES, "total"]
    assert table[1:] == [["'=cmd", "0", "0", "0"], ["alice", "1", "2", "3"]]  # formula neutralised


def test_a_feedback_page_escapes_everything_the_learner_wrote(tmp_path):
    rows = [Row("dan_01-find-the-provinces.ipynb", EXERCISES[0], "provinces", WRONG, 0, 1,
                "unknown answer '<script>alert(1)</script>'")]
    page, = report.write_feedback(rows, {EXERCISES[0]: "Find the provinces"}, EXERCISES, tmp_path / "fb")
    text = page.read_text(encoding="utf-8")
    assert page.name == "dan-01-find-the-provinces.html"
    assert "<script>" not in text and "&lt;script&gt;" in text and "0 of 1 points" in text


def test_a_pass_shown_only_in_the_saved_notebook_gets_the_out_of_order_note():
    shown = nbformat.v4.new_output("display_data", data={MIME_TYPE: {"check": "provinces", "outcome": CORRECT}})
    submitted = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('check("provinces", p)',
                                                                          outputs=[shown])])
    fresh = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('check("provinces", p)')])
    fresh.cells[0].execution_count = 1
    rows = judge.rows_for("x_01-find-the-provinces.ipynb", [EXERCISES[0]], submitted, judge.Run(fresh, set()))
    provinces = next(r for r in rows if r.check == "provinces")
    assert provinces.points == 0 and judge.OUT_OF_ORDER in provinces.message
    assert all(judge.OUT_OF_ORDER not in r.message for r in rows if r.check != "provinces")
