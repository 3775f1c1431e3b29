"""`python -m lessons export` stops at a lesson that raises: a one-sentence error naming the lesson, the cell and
the exception, exit code 1, no traceback and no index page. (The export of the real course, opened in Chromium,
is tested in tests/browser/test_export_site.py.)"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_a_failing_lesson_stops_the_export_with_a_sentence(tmp_path):
    import nbformat

    folder = tmp_path / "notebooks"
    folder.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    notebook.cells = [nbformat.v4.new_markdown_cell("# Broken"), nbformat.v4.new_code_cell("x = 1"),
                      nbformat.v4.new_code_cell("raise ValueError('deliberate')")]
    nbformat.write(notebook, folder / "00-broken.ipynb")
    env = {**os.environ, "LESSONS_PROGRESS_DIR": str(tmp_path / "progress")}
    result = subprocess.run([sys.executable, "-m", "lessons", "export", str(tmp_path / "out"), "--notebooks",
                             str(folder)], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr
    assert "00-broken.ipynb: cell 3" in result.stderr and "ValueError: deliberate" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_a_missing_notebooks_folder_is_one_sentence(tmp_path):
    result = subprocess.run([sys.executable, "-m", "lessons", "export", str(tmp_path / "out"), "--notebooks",
                             str(tmp_path / "nowhere")], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stderr.startswith("Export failed:"), result.stderr
    assert "Traceback" not in result.stderr, result.stderr


STATIC_NAMES = ("quiz", "checkpoint", "progress_summary", "timeline", "course_map", "claims_view")


def test_the_static_switch_binds_every_static_form_whatever_is_imported_first():
    """Under LESSONS_STATIC=1 every public view name is its static form, whatever is imported first."""
    code = ("from lessons import timeline, timeline_figure, events_table\n"
            "from lessons import quiz, checkpoint, progress_summary, course_map, claims_view\n"
            "import lessons, lessons.static as static\n"
            f"names = {STATIC_NAMES!r}\n"
            "print(all(getattr(lessons, n) is getattr(static, n) for n in names),"
            " quiz is static.quiz, timeline is static.timeline)")
    env = {**os.environ, "LESSONS_STATIC": "1"}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.split() == ["True", "True", "True"], result.stdout + result.stderr


def test_static_quiz_shows_escaped_questions_and_hides_answers_behind_a_reveal(course):
    from html import escape

    from lessons import static
    from lessons.questions import LESSONS, checkpoint_questions, checkpoints_of, closing_questions

    shown = [(closing_questions(course, lesson), static.quiz(lesson, course=course)) for lesson in LESSONS]
    shown += [(checkpoint_questions(course, lesson, number), static.checkpoint(lesson, number, course=course))
              for lesson in LESSONS for number in checkpoints_of(course, lesson)]
    assert len(shown) > len(LESSONS)
    for questions, view in shown:
        lesson = questions[0].lesson
        html, text = view._repr_html_(), repr(view)
        assert html.count("<details><summary>Show answer</summary>") == len(questions), lesson
        for question in questions:
            assert escape(question.prompt) in html and question.prompt in text, question.id
            before, _, reveal = html.partition(escape(question.prompt))
            answer_at = reveal.find(f"<strong>Answer:</strong> {escape(question.solution)}")
            assert 0 <= reveal.find("<details>") < answer_at, f"{question.id}: answer not behind its reveal"
    assert "JupyterLab" in static.progress_summary()._repr_html_()


def test_worksheet_export_has_every_question_no_answers_no_code_and_no_instructor_cells(tmp_path, course):
    """`export --worksheet`: a printable page per lesson with each question and room to answer; no answer, no
    explanation, no reveal, no code; instructor cells (tagged `instructor`, or markdown cells opening
    "Instructor note") are left out (of the plain export too)."""
    import json
    from html import unescape

    from lessons.questions import questions_of

    folder = tmp_path / "notebooks"
    folder.mkdir()
    lesson = json.loads((REPO / "notebooks" / "02-context.ipynb").read_text(encoding="utf-8"))
    lesson["cells"].insert(3, {"cell_type": "markdown", "id": "teacher-only", "metadata": {"tags": ["instructor"]},
                               "source": ["For the teacher only: ask who has family in the region."]})
    lesson["cells"].insert(4, {"cell_type": "markdown", "id": "untagged-note", "metadata": {},
                               "source": ["**Instructor note:** untagged, for the teacher alone."]})
    (folder / "02-context.ipynb").write_text(json.dumps(lesson), encoding="utf-8")
    env = {**os.environ, "LESSONS_PROGRESS_DIR": str(tmp_path / "progress")}
    pages = {}
    for kind, extra in (("worksheet", ["--worksheet"]), ("site", [])):
        result = subprocess.run([sys.executable, "-m", "lessons", "export", str(tmp_path / kind), "--notebooks",
                                 str(folder), *extra], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        pages[kind] = (tmp_path / kind / "02-context.html").read_text(encoding="utf-8")
        assert "For the teacher only" not in pages[kind], kind
        assert "Instructor note" not in pages[kind], kind  # the untagged note and lesson 02's own note
    sheet = pages["worksheet"]
    questions = questions_of(course, "02-context")
    assert sheet.count('class="lessons-answer-space"') == len(questions)
    text = " ".join(unescape(sheet).split())
    for question in questions:
        assert " ".join(question.prompt.split()) in text, question.id
        assert " ".join(question.explanation.split()) not in text, question.id
    assert "<details><summary>Show answer" not in sheet and "Show answer" not in sheet and "Answer:</strong>" not in sheet
    assert "show_item(" not in sheet and "checkpoint(" not in sheet  # no code on a worksheet
    assert "Worksheets" in (tmp_path / "worksheet" / "index.html").read_text(encoding="utf-8")
    # The plain export still has the answers behind their reveals.
    assert pages["site"].count("<details><summary>Show answer</summary>") == len(questions)
