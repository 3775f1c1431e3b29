"""A newcomer's way in and short checks along the way: the summary, the regional map, checkpoints, the checking
method as a thread through every lesson, and the transfer task."""
from __future__ import annotations

import re

import pytest

from lessons import questions as qs
from test_notebooks_content import LESSONS, calls, cells, headings, load, NOTEBOOKS, normalise, source_of

METHOD_STEPS = ("Quote it exactly", "Find independent sources", "Compare the details", "Grade your confidence",
                "Say what is wrong, and how")


def _cell_sources(slug: str) -> list[tuple[str, str]]:
    return [(cell["cell_type"], source_of(cell)) for cell in load(NOTEBOOKS / f"{slug}.ipynb")["cells"]]


def _position(slug: str, predicate) -> int:
    return next(index for index, (kind, text) in enumerate(_cell_sources(slug)) if predicate(kind, text))


def test_lesson_01_has_a_plain_summary_of_about_150_words_before_the_article():
    summary = next(text for text in cells("01-reading-the-article", "markdown")
                   if text.startswith("### Before you read: the story in plain words"))
    words = re.sub(r"\[S\d+\]", "", summary.split("\n", 1)[1]).split()
    assert 130 <= len(words) <= 170, len(words)
    assert _position("01-reading-the-article", lambda k, t: t.startswith("### Before you read")) < \
        _position("01-reading-the-article", lambda k, t: t.strip() == "show_article()")


def test_lesson_02_shows_the_regional_map_in_its_first_section():
    sources = _cell_sources("02-context")
    first = _position("02-context", lambda k, t: t.startswith("## 1. "))
    second = _position("02-context", lambda k, t: t.startswith("## 2. "))
    assert any(text.strip() == "regional_map()" for _, text in sources[first:second])


@pytest.mark.parametrize("slug", LESSONS[1:])
def test_each_checkpoint_of_the_data_is_shown_once_in_order_inside_the_lesson(slug, course):
    numbers = [args[1] for name, args in calls(slug) if name == "checkpoint"]
    expected = qs.checkpoints_of(course, slug)
    assert numbers == expected, f"{slug}: checkpoint cells {numbers}, data has {expected}"
    if slug != "09-review":
        assert numbers, f"{slug}: no checkpoint along the way"
    for number in numbers:
        asked = qs.checkpoint_questions(course, slug, number)
        assert 1 <= len(asked) <= 2, f"{slug}: checkpoint {number} has {len(asked)} questions"
        at = _position(slug, lambda k, t, n=number: k == "code" and f", {n})" in t and t.startswith("checkpoint("))
        timing = _position(slug, lambda k, t: t.startswith("## Timing"))
        closing = _position(slug, lambda k, t: t.startswith("## Check your understanding"))
        assert timing < at < closing, f"{slug}: checkpoint {number} is not inside the lesson"
    # A checkpoint question is not asked again in the closing quiz.
    closing_ids = {q.id for q in qs.closing_questions(course, slug)}
    assert not closing_ids & {q.id for n in numbers for q in qs.checkpoint_questions(course, slug, n)}


def test_lessons_with_25_minutes_or_more_of_teaching_have_a_check_within_about_15_minutes(course):
    """One checkpoint splits a 20-25 minute lesson in two; the 30-minute lesson 08 has three."""
    for slug in LESSONS[1:9]:
        timing = "\n".join(text for text in cells(slug, "markdown") if text.startswith("## Timing"))
        teaching = int(re.search(r"Teaching: (\d+) min", timing).group(1))
        parts = len(qs.checkpoints_of(course, slug)) + 1  # the closing quiz ends the last part
        assert teaching / parts <= 15, f"{slug}: {teaching} min with {parts - 1} checkpoint(s)"


def test_the_checking_method_is_introduced_in_01_with_lesson_08s_steps_and_returns_in_every_lesson():
    intro = next(text for text in cells("01-reading-the-article", "markdown") if text.startswith("### The checking method"))
    method_08 = next(text for text in cells("08-checking-sources", "markdown")
                     if text.startswith("## 1. A method for checking a claim"))
    for step in METHOD_STEPS:
        assert step in intro and step in method_08, step
    for slug in LESSONS[2:]:
        assert any("Checking method" in text or "steps from lesson 01" in text for text in cells(slug, "markdown")), \
            f"{slug}: no checking-method note"


def test_lateral_reading_comes_before_lesson_08_shows_the_answer(course):
    slug = "08-checking-sources"
    activity = _position(slug, lambda k, t: t.startswith("### Your turn first"))
    sources = _position(slug, lambda k, t: k == "code" and t.startswith("show_sources("))
    check = _position(slug, lambda k, t: k == "code" and t.strip() == 'checkpoint("checking-sources", 1)')
    first_flags = _position(slug, lambda k, t: k == "code" and t.startswith("show_flags("))
    assert activity < sources < check < first_flags
    [question] = qs.checkpoint_questions(course, slug, 1)
    assert question.id == "chk_france24_date"
    listed = re.findall(r'"(S\d+)"', _cell_sources(slug)[sources][1])
    assert set(question.evidence.sources) <= set(listed) | {"S15"}  # every source the answer rests on is listed
    assert all(course.sources[s].outlet for s in listed)


def test_outlets_activity_names_only_known_sources_and_asks_learners_to_look_up_the_rest(course):
    text = next(t for t in cells("08-checking-sources", "markdown") if t.startswith("### Who publishes the sources"))
    cited = re.findall(r"\]\((https?://[^)\s]+)\)", text)  # sources are cited as links named by outlet
    urls = {source.url for source in course.sources.values()}
    assert cited and all(url in urls for url in cited)
    for source in ("S15", "S9", "S13", "S23"):  # the outlets learners look up themselves
        assert course.sources[source].url in text
    assert "Find out for yourself" in text


def test_transfer_task_checks_a_passage_no_earlier_lesson_shows(course):
    fragment = "by previously acknowledging Azerbaijan's sovereignty over it"
    assert ("show_fragment", [fragment]) in calls("09-review")
    earlier = normalise(" ".join(text for slug in LESSONS[:9] for text in cells(slug, "markdown") + cells(slug, "code")))
    assert "previously acknowledging" not in earlier
    [question] = qs.checkpoint_questions(course, "09-review", 1)
    assert any(fragment in f for f in question.evidence.fragments)
    assert set(question.evidence.sources) <= set(re.findall(r'"(S\d+)"', " ".join(cells("09-review", "code"))))


def test_glossary_is_reachable_from_lesson_00(course):
    assert ("show_glossary", []) in calls("00-start-here")
    assert "### Words you will meet" in "\n".join(cells("00-start-here", "markdown"))


def test_no_new_second_level_headings_break_the_skeleton():
    for slug in LESSONS:
        assert all(not h.startswith("Checkpoint") for h in headings(slug, 2)), slug


def test_prerequisites_are_honest_about_the_python_the_exercises_need(repo):
    intro = "\n".join(text for text in cells("00-start-here", "markdown") if text.startswith("## Prerequisites"))
    for module in ("`re`", "`datetime`", "`matplotlib`"):
        assert module in intro, module
    for path in sorted((repo / "exercises").glob("0*.ipynb")):
        notebook = load(path)
        prerequisites = next(source_of(c) for c in notebook["cells"] if source_of(c).startswith("## Prerequisites"))
        assert "**Python you need:**" in prerequisites, path.name
        code = "\n".join(source_of(c) for c in notebook["cells"] if c["cell_type"] == "code")
        for module, words in (("re.", "re"), ("datetime", "datetime"), ("plt.", "matplotlib")):
            if module in code:
                assert words in prerequisites, f"{path.name} uses {module} but its prerequisites do not say so"


def test_guide_has_a_core_path_of_three_50_minute_periods_and_says_what_it_drops(repo):
    guide = (repo / "notebooks" / "INSTRUCTOR-GUIDE.md").read_text(encoding="utf-8")
    section = guide.split("## A core path: three 50-minute periods", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"^\| [123] \|", line)]
    assert len(rows) == 3
    for row in rows:
        parts = [int(n) for n in re.findall(r"\((\d+)\)", row)]
        assert sum(parts) == 50 == int(row.rstrip(" |").rsplit("|", 1)[1]), row
    assert "What the path drops" in section
    assert "## Worksheets" in guide and "--worksheet" in guide


def test_checkpoint_widget_shows_its_questions_saved_with_the_lesson_and_the_closing_quiz_leaves_them_out(tmp_path):
    from lessons.content import load_course
    from lessons.questions import checkpoint_questions, closing_questions, questions_of
    from lessons.quiz_widgets import checkpoint, quiz

    real = load_course()
    box = checkpoint("context", 1, course=real, store_dir=tmp_path, learner="t")
    ids = [view.question.id for view in box.views]
    assert ids == [q.id for q in checkpoint_questions(real, "02-context", 1)] and 1 <= len(ids) <= 2
    assert "Checkpoint 1: Context" in box.children[0].value and box.as_text().startswith("Checkpoint 1: Context")
    closing = quiz("context", course=real, store_dir=tmp_path, learner="t")
    assert not set(ids) & {view.question.id for view in closing.views}
    assert len(closing.views) + len(ids) == len(questions_of(real, "02-context"))
    assert len(closing.views) == len(closing_questions(real, "02-context"))
    assert quiz("context", only=ids[0], course=real, store_dir=tmp_path, learner="t").views  # still reachable
    view = box.view(ids[0])
    view.set_answer(view.question.answer if view.question.type != "multiple" else list(view.question.answers))
    view.check()
    # The answer is saved under the lesson, so the learner's progress and a fresh checkpoint both see it.
    again = checkpoint("context", 1, course=real, store_dir=tmp_path, learner="t")
    assert again.view(ids[0]).result is not None and again.view(ids[0]).result.outcome == "correct"
    with pytest.raises(KeyError, match="no checkpoint 9 in the 'context' lesson; its checkpoints are: 1"):
        checkpoint("context", 9, course=real, store_dir=tmp_path)
