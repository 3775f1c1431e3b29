"""Quiz widgets (ipywidgets 8): answer, check, hints, evidence-backed feedback, saved progress."""
from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from . import questions as qs
from .evidence import evidence_html
from .model import Course
from .progress import ProgressStore, QuizScore, open_store

OUTCOME_SIGNS = {  # words and a symbol, so the outcome never rests on colour alone
    "correct": ("\u2713", "Correct"),
    "partial": ("\u25d0", "Partly right"),
    "wrong": ("\u2717", "Not right"),
    "empty": ("\u2026", "No answer yet"),
}
OUTCOME_COLOURS = {"correct": "#1a7f37", "partial": "#9a6700", "wrong": "#cf222e", "empty": "#57606a"}
TYPE_INSTRUCTIONS = {
    "single": "Choose one answer.",
    "multiple": "Select all that apply.",
    "truefalse": "Is this statement true or false?",
    "text": "Type your answer.",
    "numeric": "Type a number.",
    "ordering": "Earliest first: choose the event for each position.",
    "matching": "Choose a match for each item.",
}
_WIDE = {"description_width": "initial"}


def _html(text: str) -> str:
    return escape(str(text))


def _position_name(position: int, total: int) -> str:
    """'1st (earliest)', '2nd', ..., '5th (latest)': the label of an ordering dropdown."""
    suffix = "th" if 10 <= position % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(position % 10, "th")
    note = " (earliest)" if position == 1 else " (latest)" if position == total else ""
    return f"{position}{suffix}{note}"


def quiz_title(lesson: str) -> str:
    """'07-csto' -> 'CSTO', '01-reading-the-article' -> 'Reading the article'."""
    title = qs.topic_of(lesson).replace("-", " ").capitalize()
    return " ".join("CSTO" if word.lower() == "csto" else word for word in title.split())


CHANGED_NOTE = "You have changed your answer since this feedback: press Check to check the new one."


def feedback_html(question: qs.Question, result: qs.Result | None, *, course: Course, attempts: int = 0,
                  hints_shown: int = 0, revealed: bool = False, saved_note: str = "") -> str:
    """The feedback for one question as escaped HTML: outcome in words and symbol, hints, then the
    answer, explanation and evidence once the learner is right or asks to see the answer."""
    parts = []
    if saved_note:
        parts.append(f'<p class="lessons-saved">{_html(saved_note)}</p>')
    if result is not None:
        symbol, words = OUTCOME_SIGNS[result.outcome]
        score = f" Score {result.score:.0%}." if result.outcome == "partial" else ""
        tries = f" Attempt {attempts}." if attempts and result.outcome != "empty" else ""
        parts.append(f'<p class="lessons-outcome lessons-outcome-{result.outcome}" '
                     f'style="border-left:4px solid {OUTCOME_COLOURS[result.outcome]};padding-left:6px">'
                     f'<strong>{symbol} {words}.</strong> {_html(result.message)}{score}{tries}</p>')
    for number, hint in enumerate(question.hints[:hints_shown], start=1):
        parts.append(f'<p class="lessons-hint"><strong>Hint {number}:</strong> {_html(hint)}</p>')
    solved = result is not None and result.outcome == "correct"
    if solved or revealed:
        if not solved:
            parts.append(f'<p class="lessons-solution"><strong>Answer:</strong> {_html(question.solution)}</p>')
        parts.append(f'<p class="lessons-explanation"><strong>Why:</strong> {_html(question.explanation)}</p>')
        for misconception_id in question.misconceptions:
            misconception = course.misconceptions.get(misconception_id)
            if misconception is not None:
                parts.append(f'<p class="lessons-misconception"><strong>A common mistake</strong> is to believe '
                             f'\u201c{_html(misconception.belief.rstrip("."))}\u201d. In fact: '
                             f'{_html(misconception.correction)}</p>')
        parts.append(f'<div class="lessons-evidence"><strong>Evidence:</strong>'
                     f'{evidence_html(course, question.evidence)}</div>')
    elif result is not None and result.outcome in ("wrong", "partial"):
        more_hints = hints_shown < len(question.hints)
        parts.append("<p>Try again" + (", or press Hint" if more_hints else "") + ". Press Show answer to see "
                     "the answer and its evidence.</p>")
    return f'<div role="status" aria-live="polite">{"".join(parts)}</div>'


class QuestionView:
    """The widgets of one question: heading, prompt, answer controls, buttons and feedback."""

    def __init__(self, question: qs.Question, number: int, total: int, quiz: "Quiz"):
        self.question, self.number, self.quiz = question, number, quiz
        self.choices = qs.choices(question)
        self.attempts = 0
        self.hints_shown = 0
        self.revealed = False
        self.result: qs.Result | None = None  # the grade of the last saved (non-empty) answer
        self.last_result: qs.Result | None = None  # the grade shown, which may be "empty"
        self.saved_note = ""
        self._setting = False  # True while the course itself fills the controls (a saved answer)
        self.controls = self._make_controls()
        for control in self.controls:
            control.observe(self._answer_changed, names="value")
        self.heading = widgets.HTML(
            f'<h4 class="lessons-question-heading">Question {number} of {total}</h4>'
            f'<p class="lessons-prompt">{_html(question.prompt)}</p>'
            f'<p class="lessons-instruction"><em>{_html(TYPE_INSTRUCTIONS[question.type])}</em></p>')
        self.check_button = widgets.Button(description="Check", tooltip=f"Check your answer to question {number}",
                                           icon="check")
        self.check_button.add_class("lessons-check")
        self.check_button.on_click(self.check)
        self.hint_button = widgets.Button(description="Hint", disabled=not question.hints, icon="lightbulb-o",
                                          tooltip=f"Show a hint for question {number}")
        self.hint_button.layout.display = None if question.hints else "none"
        self.hint_button.add_class("lessons-hint-button")
        self.hint_button.on_click(self.show_hint)
        self.reveal_button = widgets.Button(description="Show answer", disabled=True,
                                            tooltip=f"Show the answer to question {number} after one try")
        self.reveal_button.add_class("lessons-reveal")
        self.reveal_button.on_click(self.reveal)
        self.feedback = widgets.HTML(value="")
        self.feedback.add_class("lessons-feedback")
        buttons = widgets.HBox([self.check_button, self.hint_button, self.reveal_button])
        self.box = widgets.VBox([self.heading, *self._control_rows(), buttons, self.feedback])
        self.box.add_class("lessons-question")

    # -- controls --------------------------------------------------------------------------------------------------

    def _make_controls(self) -> list[widgets.Widget]:
        question, number = self.question, self.number
        layout = widgets.Layout(width="auto", max_width="100%")
        if question.type == "single":
            return [widgets.RadioButtons(options=[(c.label, c.value) for c in self.choices], value=None,
                                         description="Answer", tooltip=f"Choose one answer to question {number}",
                                         layout=layout, style=_WIDE)]
        if question.type == "multiple":
            return [widgets.Checkbox(value=False, description=c.label, indent=False, layout=layout,
                                     tooltip=f"Select if this applies (question {number})")
                    for c in self.choices]
        if question.type == "truefalse":
            return [widgets.ToggleButtons(options=[(c.label, c.value) for c in self.choices], value=None,
                                          description="True or false?", style=_WIDE,
                                          tooltips=["The statement is true", "The statement is false"],
                                          tooltip=f"Answer question {number}: true or false")]
        # A typed answer reaches the kernel once, when the field loses focus (as Check is pressed): sent per
        # keystroke, the last keystrokes can queue behind the kernel and arrive after the Check click.
        if question.type == "text":
            return [widgets.Text(value="", description="Answer", placeholder="Type your answer", continuous_update=False,
                                 tooltip=f"Type your answer to question {number}", style=_WIDE)]
        if question.type == "numeric":
            unit = f" ({question.unit})" if question.unit else ""
            return [widgets.Text(value="", description=f"Answer{unit}", placeholder="A number", continuous_update=False,
                                 tooltip=f"Type a number{unit} for question {number}", style=_WIDE)]
        blank_label = "\u2014 choose \u2014"
        if question.type == "ordering":
            total = len(self.choices)
            options = [(blank_label, None)] + [(c.label, c.value) for c in self.choices]
            return [widgets.Dropdown(options=options, value=None, description=_position_name(position, total),
                                     tooltip=f"The event in position {position} of {total}, question {number}",
                                     style=_WIDE, layout=layout)
                    for position in range(1, total + 1)]
        if question.type == "matching":
            options = [(blank_label, None)] + [(c.label, c.value) for c in self.choices]
            return [widgets.Dropdown(options=options, value=None, description=question.label(left),
                                     tooltip=f"What matches {question.label(left)}? (question {number})",
                                     style=_WIDE, layout=layout)
                    for left in question.key]
        raise ValueError(f"unknown question type {question.type!r}")

    def _control_rows(self) -> list[widgets.Widget]:
        if self.question.type == "ordering":
            listing = "".join(f"<li>{_html(c.label)}</li>" for c in self.choices)
            return [widgets.HTML(f'<ul class="lessons-events">{listing}</ul>'), *self.controls]
        return list(self.controls)

    def answer(self) -> Any:
        """The learner's answer as the grader takes it, read from the controls."""
        qtype, controls = self.question.type, self.controls
        if qtype == "multiple":
            return [choice.value for choice, box in zip(self.choices, controls) if box.value]
        if qtype == "ordering":
            return [dropdown.value for dropdown in controls]
        if qtype == "matching":
            return {left: dropdown.value for left, dropdown in zip(self.question.key, controls)}
        return controls[0].value

    def set_answer(self, answer: Any) -> None:
        """Put an answer (e.g. a saved one) into the controls; values that no longer fit are left blank."""
        self._setting = True
        try:
            self._fill(answer)
        finally:
            self._setting = False

    def _answer_changed(self, _change) -> None:
        """Feedback shown for an earlier answer says so once the learner changes it, so it is not misread."""
        if self._setting or self.last_result is None or self.last_result.outcome == "empty":
            return
        self.saved_note = CHANGED_NOTE
        self._render(self.last_result)

    def _fill(self, answer: Any) -> None:
        qtype, controls = self.question.type, self.controls
        values = [choice.value for choice in self.choices]
        if qtype in ("single", "truefalse"):
            if any(answer is value or (answer == value and type(answer) is type(value)) for value in values):
                controls[0].value = answer
        elif qtype == "multiple":
            chosen = answer if isinstance(answer, list) else []
            for choice, box in zip(self.choices, controls):
                box.value = choice.value in chosen
        elif qtype in ("text", "numeric"):
            controls[0].value = "" if answer is None or isinstance(answer, (dict, list)) else str(answer)
        elif qtype == "ordering":
            placed = answer if isinstance(answer, list) else []
            for position, dropdown in enumerate(controls):
                value = placed[position] if position < len(placed) else None
                dropdown.value = value if value in values else None
        elif qtype == "matching":
            matched = answer if isinstance(answer, dict) else {}
            for left, dropdown in zip(self.question.key, controls):
                value = matched.get(left)
                dropdown.value = value if value in values else None

    # -- actions ---------------------------------------------------------------------------------------------------

    def check(self, _button=None) -> qs.Result:
        """Grade the current answer, save it, and show the feedback. Empty answers are not saved or counted."""
        answer = self.answer()
        result = self.last_result = qs.grade(self.question, answer)
        self.saved_note = ""
        if result.outcome != "empty":
            try:
                self.attempts = self.quiz.store.record(self.question.lesson, self.question.id, answer,
                                                       result.outcome, result.score)
            except Exception as error:  # the answer is still graded; say plainly that it was not saved
                self.attempts += 1
                self.saved_note = f"This answer could not be saved ({error})."
            self.result = result
            self.reveal_button.disabled = False
            self.reveal_button.tooltip = f"Show the answer to question {self.number}"
            self.quiz._update_score()
        self._render(result)
        return result

    def show_hint(self, _button=None) -> None:
        if self.hints_shown < len(self.question.hints):
            self.hints_shown += 1
        self.hint_button.disabled = self.hints_shown >= len(self.question.hints)
        self._render(self.last_result)

    def reveal(self, _button=None) -> None:
        if not self.revealed:
            self.revealed = True
            try:
                self.quiz.store.record_reveal(self.question.lesson, self.question.id)
            except Exception as error:
                self.saved_note = f"Could not save that the answer was shown ({error})."
        self.reveal_button.disabled = True
        self._render(self.last_result)

    def restore(self, response, revealed: bool) -> None:
        """Show a saved answer and its feedback, graded again against the current content."""
        self.revealed = revealed
        if response is not None:
            self.set_answer(response.answer)
            self.attempts = response.attempt
            self.result = self.last_result = qs.grade(self.question, response.answer)
            self.saved_note = f"Your saved answer (attempt {response.attempt})."
            self.reveal_button.disabled = revealed
        if response is not None or revealed:
            self._render(self.last_result)

    def _render(self, result: qs.Result | None) -> None:
        self.feedback.value = feedback_html(self.question, result, course=self.quiz.course, attempts=self.attempts,
                                            hints_shown=self.hints_shown, revealed=self.revealed,
                                            saved_note=self.saved_note)

    @property
    def score(self) -> float:
        return self.result.score if self.result else 0.0


def question_text(question: qs.Question, number: int) -> str:
    """A question and its options as plain text, without the answer."""
    lines = [f"{number}. {question.prompt}", f"   {TYPE_INSTRUCTIONS[question.type]}"]
    shown = qs.choices(question)
    if question.type in ("single", "truefalse"):
        lines += [f"   ( ) {c.label}" for c in shown]
    elif question.type == "multiple":
        lines += [f"   [ ] {c.label}" for c in shown]
    elif question.type == "text":
        lines.append("   Answer: ____________")
    elif question.type == "numeric":
        lines.append(f"   Answer: ____________ {question.unit}".rstrip())
    elif question.type == "ordering":
        lines += [f"   - {c.label}" for c in shown]
    elif question.type == "matching":
        lines += [f"   {question.label(left)}: ____" for left in question.key]
        lines.append("   Choose from:")
        lines += [f"   - {c.label}" for c in shown]
    return "\n".join(lines)


def question_html(question: qs.Question, number: int) -> str:
    """A question and its options as escaped HTML, without the answer."""
    shown = qs.choices(question)
    body = [f"<p><strong>{number}.</strong> {_html(question.prompt)} <em>{_html(TYPE_INSTRUCTIONS[question.type])}"
            "</em></p>"]
    if question.type in ("single", "multiple", "truefalse", "ordering"):
        body.append("<ul>" + "".join(f"<li>{_html(c.label)}</li>" for c in shown) + "</ul>")
    elif question.type in ("text", "numeric"):
        body.append(f"<p>Answer: ____________ {_html(question.unit)}</p>")
    elif question.type == "matching":
        body.append("<ul>" + "".join(f"<li>{_html(question.label(left))}: ____</li>" for left in question.key)
                    + "</ul><p>Choose from:</p><ul>" + "".join(f"<li>{_html(c.label)}</li>" for c in shown)
                    + "</ul>")
    return "".join(body)


class Quiz(widgets.VBox):
    """One lesson's quiz: a heading, the score, and one box per question. Answers are saved as they are checked.

    Without a widget frontend (print, nbconvert without widget state, GitHub) it shows as readable text
    and HTML: the questions and options, never the answers.
    """

    def __init__(self, lesson: str, questions: list[qs.Question], course: Course, store: ProgressStore,
                 heading: str | None = None):
        super().__init__()
        self.lesson, self.course, self.store = lesson, course, store
        self.questions = list(questions)
        self.heading = heading or f"Quiz: {quiz_title(lesson)}"
        self.views = [QuestionView(question, number, len(self.questions), self)
                      for number, question in enumerate(self.questions, start=1)]
        heading = widgets.HTML(f'<h3 class="lessons-quiz-heading">{_html(self.heading)}</h3>')
        self.notice = widgets.HTML("".join(f'<p class="lessons-notice" role="alert">\u26a0 {_html(notice)}</p>'
                                           for notice in store.notices))
        self.score_label = widgets.HTML()
        self.score_label.add_class("lessons-score")
        saved = store.latest(lesson)
        revealed = store.revealed(lesson)
        for view in self.views:
            view.restore(saved.get((lesson, view.question.id)), (lesson, view.question.id) in revealed)
        self._update_score()
        self.children = [heading, self.notice, self.score_label, *(view.box for view in self.views)]
        self.add_class("lessons-quiz")

    @property
    def score(self):
        """This quiz's QuizScore: each question counts its latest checked answer."""
        answered = [view for view in self.views if view.result is not None and view.result.outcome != "empty"]
        return QuizScore(lesson=self.lesson, questions=len(self.views), answered=len(answered),
                         correct=sum(view.result.outcome == "correct" for view in answered),
                         score=sum(view.score for view in answered))

    def _update_score(self) -> None:
        score = self.score
        self.score_label.value = (f'<p role="status">Score: {score.score:g} of {score.questions} '
                                  f"({score.percent:.0f}%); {score.answered} of {score.questions} answered.</p>")

    def view(self, question_id: str) -> QuestionView:
        """The view of one question, by id."""
        for view in self.views:
            if view.question.id == question_id:
                return view
        raise KeyError(f"no question {question_id!r} in this quiz")

    def as_text(self) -> str:
        count = len(self.questions)
        parts = [f"{self.heading} ({count} question{'s' if count != 1 else ''})"]
        parts += [question_text(q, n) for n, q in enumerate(self.questions, start=1)]
        parts.append("(Run this notebook in JupyterLab to answer and check these questions.)")
        return "\n\n".join(parts)

    def as_html(self) -> str:
        items = "".join(f"<li>{question_html(q, n)}</li>" for n, q in enumerate(self.questions, start=1))
        return (f'<div class="lessons-quiz-static"><h3>{_html(self.heading)}</h3><ol style="list-style:none">'
                f"{items}</ol><p><em>Run this notebook in JupyterLab to answer and check these questions."
                "</em></p></div>")

    def __str__(self) -> str:
        return self.as_text()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.as_text()
        bundle["text/html"] = self.as_html()
        return bundle


def quiz(topic: str, only: str | None = None, *, course: Course | None = None, learner: str | None = None,
         store_dir: str | None = None) -> Quiz:
    """The quiz of a lesson, e.g. quiz("context"); only="<question id>" shows just that question."""
    if course is None:
        from .content import load_course

        course = load_course()
    lesson = qs.resolve_lesson(topic)
    questions = qs.closing_questions(course, lesson)
    if only is not None:
        questions = [question for question in qs.questions_of(course, lesson) if question.id == only]
        if not questions:
            known = ", ".join(q.id for q in qs.questions_of(course, lesson))
            raise KeyError(f"no question {only!r} in the {qs.topic_of(lesson)!r} quiz; its questions are: {known}")
    if not questions:
        raise LookupError(f"the {qs.topic_of(lesson)!r} quiz has no questions yet")
    return Quiz(lesson, questions, course, open_store(store_dir, learner))


def checkpoint_heading(lesson: str, number: int) -> str:
    return f"Checkpoint {number}: {quiz_title(lesson)}"


def checkpoint_of(topic: str, number: int, course: Course) -> tuple[str, list[qs.Question]]:
    """The lesson and the questions of one checkpoint; KeyError naming the lesson's checkpoints if it has none."""
    lesson = qs.resolve_lesson(topic)
    questions = qs.checkpoint_questions(course, lesson, number)
    if not questions:
        known = ", ".join(str(n) for n in qs.checkpoints_of(course, lesson)) or "none"
        raise KeyError(f"no checkpoint {number!r} in the {qs.topic_of(lesson)!r} lesson; its checkpoints are: {known}")
    return lesson, questions


def checkpoint(topic: str, number: int, *, course: Course | None = None, learner: str | None = None,
               store_dir: str | None = None) -> Quiz:
    """A short check inside a lesson, e.g. checkpoint("context", 1): one or two questions, saved like the quiz's."""
    if course is None:
        from .content import load_course

        course = load_course()
    lesson, questions = checkpoint_of(topic, number, course)
    return Quiz(lesson, questions, course, open_store(store_dir, learner), heading=checkpoint_heading(lesson, number))


__all__ = ["quiz", "checkpoint", "Quiz", "QuestionView", "feedback_html", "question_text", "question_html"]
