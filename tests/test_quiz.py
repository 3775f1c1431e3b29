"""Quiz widgets driven from Python: every type and outcome, feedback, hints, persistence, text fallback, safety."""
from __future__ import annotations

import html
import re
import warnings

import ipywidgets as widgets
import pytest

from lessons.quiz_widgets import OUTCOME_SIGNS
from lessons.progress import ProgressStore, ProgressStoreWarning
from lessons.quiz_widgets import Quiz, quiz

from test_questions import small_course, small_questions


@pytest.fixture(scope="module")
def course():
    return small_course()


@pytest.fixture
def store(tmp_path):
    store = ProgressStore(tmp_path / "progress", learner="tester")
    yield store
    store.close()


def make_quiz(course, store, only=None) -> Quiz:
    questions = [q for q in course.extra["question"].values() if only is None or q.id == only]
    return Quiz("02-context", questions, course, store)


def answer_with(view, answer) -> None:
    """Set the answer through the widgets, as a learner would."""
    qtype, controls = view.question.type, view.controls
    if qtype == "multiple":
        for choice, box in zip(view.choices, controls):
            box.value = choice.value in answer
    elif qtype == "ordering":
        for dropdown, value in zip(controls, answer):
            dropdown.value = value
    elif qtype == "matching":
        for left, dropdown in zip(view.question.key, controls):
            dropdown.value = answer.get(left)
    else:
        controls[0].value = answer


def feedback_text(view) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", view.feedback.value)).split())


CASES = [  # question, answer set through the widgets, outcome, symbol and words the feedback must show
    ("q_single", "Nikol Pashinian", "correct"), ("q_single", "Dmitry Peskov", "wrong"), ("q_single", None, "empty"),
    ("q_multiple", ["Tavush", "Syunik"], "correct"), ("q_multiple", ["Tavush"], "partial"),
    ("q_multiple", ["Lori"], "wrong"), ("q_multiple", [], "empty"),
    ("q_truefalse", False, "correct"), ("q_truefalse", True, "wrong"), ("q_truefalse", None, "empty"),
    ("q_text", "Pashinyan", "correct"), ("q_text", "Pashinan", "partial"), ("q_text", "Putin", "wrong"),
    ("q_text", "", "empty"),
    ("q_numeric", "2,000", "correct"), ("q_numeric", "1960", "partial"), ("q_numeric", "20", "wrong"),
    ("q_numeric", "", "empty"),
    ("q_ordering", ["war", "talks", "announcement"], "correct"), ("q_ordering", ["war", None, "talks"], "partial"),
    ("q_ordering", ["announcement", "war", "talks"], "wrong"), ("q_ordering", [None, None, None], "empty"),
    ("q_matching", {"putin": "putin", "pashinian": "pashinian"}, "correct"),
    ("q_matching", {"putin": "putin"}, "partial"),
    ("q_matching", {"putin": "pashinian", "pashinian": "putin"}, "wrong"), ("q_matching", {}, "empty"),
]


@pytest.mark.parametrize("question_id, answer, outcome", CASES)
def test_check_every_type_and_outcome(course, store, question_id, answer, outcome):
    view = make_quiz(course, store).view(question_id)
    answer_with(view, answer)
    view.check_button.click()
    symbol, words = OUTCOME_SIGNS[outcome]
    text = feedback_text(view)
    assert f"{symbol} {words}." in text
    assert view.last_result.outcome == outcome
    explained = view.question.explanation in text
    assert explained == (outcome == "correct")  # the explanation and evidence come with the right answer
    assert ("Evidence:" in text) == (outcome == "correct")
    saved = store.latest("02-context")
    if outcome == "empty":
        assert ("02-context", question_id) not in saved and view.attempts == 0
    else:
        assert saved[("02-context", question_id)].outcome == outcome and view.attempts == 1


def test_correct_feedback_quotes_the_article_and_cites_sources(course, store):
    quiz_box = make_quiz(course, store)
    view = quiz_box.view("q_text")
    answer_with(view, "Nikol Pashinian")
    view.check_button.click()
    assert "Armenian Prime Minister Nikol Pashinian" in view.feedback.value  # the verbatim fragment
    view = quiz_box.view("q_text_place")
    answer_with(view, "Vayots Dzor")
    view.check_button.click()
    assert "Putin and Pashinyan agree" in view.feedback.value and "Trend" in view.feedback.value  # title, outlet


def test_retry_counts_attempts_and_hints_come_before_the_answer(course, store):
    view = make_quiz(course, store).view("q_single")
    assert view.hint_button.layout.display is None and view.reveal_button.disabled
    answer_with(view, "Vladimir Putin")
    view.check_button.click()
    assert "press Hint" in feedback_text(view) and "Answer:" not in feedback_text(view)
    view.hint_button.click()
    assert "Hint 1: Read what Peskov says" in feedback_text(view)
    view.hint_button.click()
    assert "Hint 2: It was the Armenian side." in feedback_text(view) and view.hint_button.disabled
    answer_with(view, "Dmitry Peskov")
    view.check_button.click()
    assert view.attempts == 2 and "Attempt 2." in feedback_text(view)
    assert not view.reveal_button.disabled
    view.reveal_button.click()
    text = feedback_text(view)
    assert "Answer: Nikol Pashinian" in text and view.question.explanation in text
    assert "A common mistake is to believe" in text  # the misconception, labelled as a belief and corrected
    assert store.revealed("02-context") == {("02-context", "q_single")}
    answer_with(view, "Nikol Pashinian")
    view.check_button.click()
    assert view.attempts == 3 and view.result.outcome == "correct"


def test_quiz_score_updates_without_redrawing(course, store):
    quiz_box = make_quiz(course, store)
    children = quiz_box.children
    answer_with(quiz_box.view("q_single"), "Nikol Pashinian")
    quiz_box.view("q_single").check_button.click()
    answer_with(quiz_box.view("q_multiple"), ["Tavush"])
    quiz_box.view("q_multiple").check_button.click()
    assert quiz_box.children is children
    assert (quiz_box.score.answered, quiz_box.score.correct, quiz_box.score.score) == (2, 1, 1.5)
    assert "Score: 1.5 of 9" in quiz_box.score_label.value


def test_fresh_quiz_on_the_same_store_shows_earlier_answers_and_score(course, tmp_path):
    folder = tmp_path / "progress"
    first_store = ProgressStore(folder, learner="tester")
    first = make_quiz(course, first_store)
    answers = {"q_single": "Nikol Pashinian", "q_multiple": ["Tavush"], "q_truefalse": True,
               "q_text": "Pashinyan", "q_numeric": "2000 peacekeepers", "q_ordering": ["war", "talks", "announcement"],
               "q_matching": {"putin": "pashinian", "pashinian": "putin"}}
    for question_id, answer in answers.items():
        answer_with(first.view(question_id), answer)
        first.view(question_id).check_button.click()
    first.view("q_truefalse").reveal_button.click()
    before = first.score
    first_store.close()

    second_store = ProgressStore(folder, learner="tester")  # as after a kernel restart
    second = make_quiz(course, second_store)
    assert second.score == before
    for question_id, answer in answers.items():
        view = second.view(question_id)
        assert view.answer() == (answer if question_id != "q_multiple" else ["Tavush"])
        assert view.attempts == 1
        assert "Your saved answer (attempt 1)." in feedback_text(view)
    assert "Answer: False" in feedback_text(second.view("q_truefalse"))  # the reveal is remembered
    assert second.view("q_truefalse").reveal_button.disabled
    assert f"Score: {before.score:g} of 9" in second.score_label.value
    second_store.close()


def test_other_learner_does_not_see_my_answers(course, tmp_path):
    mine = ProgressStore(tmp_path, learner="ann")
    view = make_quiz(course, mine).view("q_single")
    answer_with(view, "Nikol Pashinian")
    view.check_button.click()
    theirs = ProgressStore(tmp_path, learner="bob")
    assert make_quiz(course, theirs).view("q_single").answer() is None


def test_every_control_has_a_label_and_the_classes_browser_tests_use(course, store):
    quiz_box = make_quiz(course, store)
    assert "lessons-quiz" in quiz_box._dom_classes
    for view in quiz_box.views:
        assert "lessons-question" in view.box._dom_classes
        assert "lessons-check" in view.check_button._dom_classes
        assert "lessons-feedback" in view.feedback._dom_classes
        for control in view.controls:
            assert control.description.strip(), control
            assert control.tooltip, control
        for button in (view.check_button, view.hint_button, view.reveal_button):
            assert button.description and button.tooltip
    matching = quiz_box.view("q_matching")
    assert [d.description for d in matching.controls] == ["Vladimir Putin", "Nikol Pashinian"]
    ordering = quiz_box.view("q_ordering")
    assert [d.description for d in ordering.controls] == ["1st (earliest)", "2nd", "3rd (latest)"]
    assert isinstance(quiz_box.view("q_multiple").controls[0], widgets.Checkbox)


def test_shown_order_repeats_between_runs(course, store):
    first = [[c.label for c in v.choices] for v in make_quiz(course, store).views]
    second = [[c.label for c in v.choices] for v in make_quiz(course, store).views]
    assert first == second


def test_without_a_frontend_the_quiz_is_readable_text_without_answers(course, store):
    quiz_box = make_quiz(course, store)
    bundle = quiz_box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    text, html = bundle["text/plain"], bundle["text/html"]
    assert text == str(quiz_box)
    for question in quiz_box.questions:
        assert question.prompt in text
    for option in ("Tavush", "Shirak", "Dmitry Peskov", "True", "False", "Talks in Moscow"):
        assert option in text and option in html
    assert "Russian president; agreed to the withdrawal" in text  # matching choices are listed
    for question in quiz_box.questions:
        assert question.explanation not in text and question.explanation not in html
        if question.type in ("numeric", "ordering", "matching"):
            assert question.solution not in text and question.solution not in html
    assert "1. The 2020 war" not in text  # the ordering key is not printed


def test_hostile_text_is_escaped_everywhere(store):
    hostile = "<script>alert(1)</script>"
    data = small_questions()
    data[0].update(prompt=f"Who? {hostile}", options=["Nikol Pashinian", hostile, "Dmitry Peskov"],
                   explanation=f"Because {hostile}", hints=[hostile])
    course = small_course(question_data=data)
    quiz_box = make_quiz(course, store, only="q_single")
    view = quiz_box.views[0]
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped in view.heading.value and hostile not in view.heading.value
    assert escaped in quiz_box._repr_mimebundle_()["text/html"] and hostile not in quiz_box.as_html()
    answer_with(view, hostile)
    view.check_button.click()
    view.hint_button.click()
    view.reveal_button.click()
    assert escaped in view.feedback.value and hostile not in view.feedback.value
    assert hostile in quiz_box.as_text()  # plain text shows it as text, which is what it is


def test_quiz_entry_point_single_question_and_errors(course, tmp_path):
    one = quiz("context", only="q_ordering", course=course, store_dir=tmp_path, learner="t")
    assert [v.question.id for v in one.views] == ["q_ordering"]
    assert len(quiz("02-context", course=course, store_dir=tmp_path, learner="t").views) == 9
    with pytest.raises(KeyError, match="no question 'nope' in the 'context' quiz; its questions are: q_single"):
        quiz("context", only="nope", course=course, store_dir=tmp_path)
    with pytest.raises(LookupError, match="the 'csto' quiz has no questions yet"):
        quiz("csto", course=course, store_dir=tmp_path)


def test_unreadable_store_shows_a_visible_notice_in_the_quiz(course, tmp_path):
    (tmp_path / "progress.sqlite3").write_bytes(b"\x00garbage" * 500)
    with pytest.warns(ProgressStoreWarning, match="moved aside"):
        broken = ProgressStore(tmp_path, learner="t")
    quiz_box = make_quiz(course, broken)
    assert "moved aside" in quiz_box.notice.value and 'role="alert"' in quiz_box.notice.value
    view = quiz_box.view("q_single")
    answer_with(view, "Nikol Pashinian")
    view.check_button.click()
    assert broken.latest("02-context")[("02-context", "q_single")].outcome == "correct"


def test_a_failed_save_is_said_plainly(course, store):
    view = make_quiz(course, store).view("q_single")
    store.close()  # every write now fails
    answer_with(view, "Nikol Pashinian")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.check_button.click()
    assert view.result.outcome == "correct" and "could not be saved" in feedback_text(view)


def test_real_quizzes_render(tmp_path):
    from lessons.content import load_course
    from lessons.questions import LESSONS, questions_of

    course = load_course()
    lessons = [lesson for lesson in LESSONS if questions_of(course, lesson)]
    if not lessons:
        pytest.skip("no quiz questions written yet")
    for lesson in lessons:
        quiz_box = quiz(lesson, course=course, store_dir=tmp_path, learner="t")
        text = quiz_box.as_text()
        for view in quiz_box.views:
            assert view.question.prompt in text
            view.check_button.click()  # empty
            assert view.result is None and "No answer yet" in view.feedback.value


def test_a_store_that_cannot_be_written_is_said_in_the_quiz_and_keeps_earlier_answers(course, tmp_path,
                                                                                       make_store_read_only):
    """Simulated read-only folder (root ignores file modes): the quiz says so and restores what was saved."""

    earlier = ProgressStore(tmp_path, learner="t")
    make_quiz(course, earlier)
    earlier.record("02-context", "q_single", "pashinian", "correct", 1.0)
    earlier.close()
    make_store_read_only()
    with pytest.warns(ProgressStoreWarning, match="NOT being saved"):
        stuck = ProgressStore(tmp_path, learner="t")
    quiz_box = make_quiz(course, stuck)
    assert "NOT being saved" in quiz_box.notice.value and 'role="alert"' in quiz_box.notice.value
    assert "1 earlier answer" in quiz_box.notice.value
    assert quiz_box.view("q_single").result is not None, "the answer saved before was not restored"


def test_feedback_says_when_the_answer_has_changed_since(course, store):
    from lessons.quiz_widgets import CHANGED_NOTE

    view = make_quiz(course, store).view("q_numeric")
    answer_with(view, "12")  # before any feedback there is nothing to mark as old
    assert CHANGED_NOTE not in feedback_text(view)
    view.check_button.click()
    answer_with(view, "2,000")
    assert CHANGED_NOTE in feedback_text(view) and "Not right" in feedback_text(view)
    view.check_button.click()
    assert CHANGED_NOTE not in feedback_text(view) and "Correct" in feedback_text(view)
    view.set_answer("20")  # the course filling in a saved answer is not the learner changing it
    assert CHANGED_NOTE not in feedback_text(view)
