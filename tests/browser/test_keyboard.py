"""Keyboard only: in JupyterLab, one quiz question of every type is answered with Tab, Space, arrows and Enter.

No mouse click: the test puts focus on the first answer control once (the start line a learner reaches by
tabbing), then moves and answers only with the keys a keyboard user has. Dropdowns are opened with Space and
driven with arrows inside their popup, because JupyterLab's command mode takes arrow keys pressed on a closed
<select> (or a radio button) as "select the next cell".
"""
from __future__ import annotations

import uuid

from lab_driver import open_notebook, run_all
from test_browser_lab import write_notebook

ACTIVE = "() => document.activeElement ? document.activeElement.outerHTML.slice(0, 160) : null"


def tab_to(page, target, limit: int = 40) -> None:
    """Press Tab until `target` has the focus."""
    for _ in range(limit):
        if target.evaluate("node => node === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}; the focus is on {page.evaluate(ACTIVE)}")


def choose_in_dropdown(page, select, index: int, options: int) -> None:
    """Open the focused <select> with Space, go to the top, then down to option `index`, and take it with Enter."""
    page.keyboard.press("Space")
    for _ in range(options):
        page.keyboard.press("ArrowUp")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert select.evaluate("node => node.selectedIndex") == index, "the dropdown did not take the option"


def answer_with_keys(page, box, question) -> None:
    """Give the right answer (from the data) to the question shown in `box`, by keyboard."""
    from lessons.questions import choices

    shown = [choice.value for choice in choices(question)]
    if question.type == "single":
        tab_to(page, box.locator("input[type=radio]").nth(shown.index(question.answer)))
        page.keyboard.press("Space")
    elif question.type == "multiple":
        boxes = box.locator("input[type=checkbox]")
        for position, value in enumerate(shown):
            tab_to(page, boxes.nth(position))
            if value in question.answers:
                page.keyboard.press("Space")
    elif question.type == "truefalse":
        tab_to(page, box.locator("button.widget-toggle-button").nth(shown.index(question.answer)))
        page.keyboard.press("Space")
    elif question.type in ("text", "numeric"):
        typed = question.accepted[0] if question.type == "text" else f"{question.value:g}"
        tab_to(page, box.locator("input[type=text]"))
        page.keyboard.type(typed)
    elif question.type in ("ordering", "matching"):
        selects = box.locator("select")
        for position, wanted in enumerate(question.key):
            tab_to(page, selects.nth(position))
            # Option 0 is the blank "choose" entry, so choice i is option i + 1.
            choose_in_dropdown(page, selects.nth(position), shown.index(wanted) + 1, len(shown) + 1)
    else:
        raise AssertionError(f"no keyboard route for question type {question.type!r}")


def test_one_question_of_each_type_answered_by_keyboard(lab_page, lab_server, course, one_question_of_each_type):
    picks = one_question_of_each_type
    learner = f"keyboard-{uuid.uuid4().hex[:8]}"  # a fresh learner: no saved answer from another test fills a control
    sources = ["from lessons import quiz"] + [f"quiz({q.lesson!r}, only={q.id!r}, learner={learner!r})" for q in picks]
    path = write_notebook(lab_server.root, "keyboard_quiz.ipynb", sources)
    open_notebook(lab_page, lab_server, path)
    run = run_all(lab_page, path)
    assert not run.problems(), run.summary()

    boxes = lab_page.locator(".lessons-question")
    assert boxes.count() == len(picks)
    boxes.nth(0).locator("input, button, select").first.focus()  # the start line; from here on, keys only
    for position, question in enumerate(picks):
        box = boxes.nth(position)
        answer_with_keys(lab_page, box, question)
        tab_to(lab_page, box.locator("button.lessons-check"))
        lab_page.keyboard.press("Enter")
        feedback = box.locator(".lessons-feedback")
        feedback.filter(has_text="Correct.").wait_for(timeout=15_000)
        shown = " ".join(feedback.inner_text().split())
        assert " ".join(question.explanation.split()) in shown, (question.type, shown)  # the why, after a right answer
