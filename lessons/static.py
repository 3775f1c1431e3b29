"""Static forms of the interactive views, used by `python -m lessons export` (env LESSONS_STATIC=1)."""
from __future__ import annotations

import os
from html import escape

from .figures import alt_text, figure_html, resolve_course
from .views import View

REVEAL = "Show answer"
WORKSHEET_NOTE = "Answer in the space under each question. Your teacher has the answers."
RUN_IN_LAB = "Run this notebook in JupyterLab to answer the questions and have your answers checked and saved."


def _figure_text(figure) -> str:
    """A figure in words: its alt text, then its caption."""
    caption = getattr(figure, "lessons_caption", "")
    return f"[Figure] {alt_text(figure)}" + (f"\n{caption}" if caption else "")


def quiz(topic: str, only: str | None = None, *, course=None, **_ignored) -> View:
    """A lesson's questions with their options; each answer, its explanation and evidence behind a reveal.

    Takes the arguments of `lessons.quiz_widgets.quiz`; a learner or progress folder does not apply here, since an
    exported page keeps no progress.
    """
    from . import questions as qs

    course = resolve_course(course)
    lesson = qs.resolve_lesson(topic)
    questions = qs.closing_questions(course, lesson)
    if only is not None:
        questions = [question for question in qs.questions_of(course, lesson) if question.id == only]
        if not questions:
            raise KeyError(f"no question {only!r} in the {qs.topic_of(lesson)!r} quiz")
    if not questions:
        raise LookupError(f"the {qs.topic_of(lesson)!r} quiz has no questions yet")
    title = qs.topic_of(lesson).replace("-", " ").capitalize()
    return _questions_view(f"Quiz: {title}", questions, course)


def checkpoint(topic: str, number: int, *, course=None, **_ignored) -> View:
    """A checkpoint's questions, as `quiz` shows a lesson's: answers behind a reveal."""
    from .quiz_widgets import checkpoint_heading, checkpoint_of

    course = resolve_course(course)
    lesson, questions = checkpoint_of(topic, number, course)
    return _questions_view(checkpoint_heading(lesson, number), questions, course)


def _questions_view(heading: str, questions, course) -> View:
    from .quiz_widgets import feedback_html, question_html, question_text

    # Worksheets (LESSONS_WORKSHEET=1) are for printing: the questions only, with room to write; no answers.
    worksheet = os.environ.get("LESSONS_WORKSHEET") == "1"
    title = heading
    items, lines = [], [heading, WORKSHEET_NOTE if worksheet else RUN_IN_LAB]
    for number, question in enumerate(questions, start=1):
        if worksheet:
            items.append(f'<li class="lessons-static-question">{question_html(question, number)}'
                         '<div class="lessons-answer-space" aria-label="Space for your answer"></div></li>')
            lines += ["", question_text(question, number), "   Your answer: ____________________"]
            continue
        # The same answer panel a learner sees in JupyterLab after pressing "Show answer".
        answer = feedback_html(question, None, course=course, revealed=True)
        items.append(f'<li class="lessons-static-question">{question_html(question, number)}'
                     f"<details><summary>{REVEAL}</summary>{answer}</details></li>")
        lines += ["", question_text(question, number), f"   Answer: {question.solution}",
                  f"   Why: {question.explanation}"]
    note = WORKSHEET_NOTE if worksheet else RUN_IN_LAB
    html = (f'<section class="lessons-quiz-static" aria-label="{escape(title)}">'
            f"<h3>{escape(title)}</h3><p><em>{escape(note)}</em></p>"
            f'<ol style="list-style:none;padding-left:0">{"".join(items)}</ol></section>')
    return View(html, "\n".join(lines))


def progress_summary(*_args, **_kwargs) -> View:
    """A note in place of the learner's scores: an exported page neither reads nor keeps progress."""
    text = ("Your quiz progress is kept in JupyterLab, not on this page: open this notebook there and run "
            "progress_summary() to see your scores per quiz.")
    return View(f'<p class="lessons-progress-static">{escape(text)}</p>', text)


def timeline(course=None, themes=None, actors=None, include_background: bool = True, selected: str | None = None,
             **_ignored) -> View:
    """The timeline figure (with alt text and caption) and the same events as a table."""
    from .timeline_view import events_table, timeline_figure

    course = resolve_course(course)
    figure = timeline_figure(course, themes, actors, include_background, selected)
    table = events_table(course, themes, actors, include_background)
    html = f'<div class="lessons-timeline-static">{figure_html(figure)}{table._repr_html_()}</div>'
    return View(html, f"{_figure_text(figure)}\n\n{table.to_text()}")


def course_map(course=None, selected: str | None = None, **_ignored) -> View:
    """The map (with alt text and caption), then every place on it with what the article and sources say."""
    from .map import caveats_html, learner_notes, map_figure, map_places, place_html

    course = resolve_course(course)
    figure = map_figure(selected, course)
    places = [entry for entry in map_places(course) if entry.place is not None]
    listing = "".join(f"<li>{place_html(course, entry)}</li>" for entry in places)
    # The caveats follow as a collapsible list, so the figure keeps its alt text but not its long caption.
    html = (f'<div class="lessons-map-static">{figure_html(figure, caption="")}'
            f'<h4>The places on the map</h4><ul class="lessons-places">{listing}</ul>{caveats_html()}</div>')
    text = [_figure_text(figure), "", "The places on the map:"]
    text += [f"- {entry.place.name}: {entry.place.role}" for entry in places]
    text += ["", *(f"{title}: {caveat}" for title, caveat in learner_notes().items())]
    return View(html, "\n".join(text))


def claims_view(course=None, speaker=None, stance=None, **_ignored) -> View:
    """The exchanges and the claims by speaker, then the relationship diagram (with alt text and caption)."""
    from .claims import actor_label, claims_by_speaker, claims_html, exchanges_html, relationship_figure

    course = resolve_course(course)
    figure = relationship_figure(course)
    html = (f'<div class="lessons-claims-static"><h4>One side\'s accusation, the other side\'s answer</h4>'
            f"{exchanges_html(course)}<h4>Claims by speaker</h4>{claims_html(course, speaker, stance)}"
            f"{figure_html(figure)}</div>")
    text = []
    for speaker_id, claims in claims_by_speaker(course, speaker, stance).items():
        text.append(actor_label(course, speaker_id))
        text += [f"  [{claim.stance}] {claim.verb}: \u201c{claim.quote}\u201d" for claim in claims]
    text += ["", _figure_text(figure)]
    return View(html, "\n".join(text))
