"""Real-browser interaction: quizzes answered wrongly then rightly, the timeline, the map, an exercise self-check,
answers kept across a kernel restart, and the README screenshots, all driven by clicks and typing in JupyterLab.

Expected answers, texts and counts come from the course data (lessons.content / lessons.questions) in the test
process, never typed here. Every quiz runs as a fresh learner, so answers saved by other tests in the same
progress store (tests/conftest.py sets LESSONS_PROGRESS_DIR for the server's kernels) cannot leak in.
"""
from __future__ import annotations

import os
import re
import struct
import uuid
from pathlib import Path

import pytest

from lab_driver import open_notebook, run_all
from test_browser_lab import write_notebook

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
WAIT_MS = 20_000  # a kernel round trip for one click; generous for a loaded 2-core machine
SCREENSHOT_VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = {"lesson": "notebooks/00-start-here.ipynb", "timeline": "notebooks/05-timeline.ipynb"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- page helpers


def squash(text: str) -> str:
    """Text with runs of whitespace folded to one space (innerText breaks lines where the source did not)."""
    return " ".join(str(text).split())


def notebook_node(page, path: str):
    """A locator for the open notebook panel of `path`, so lookups never reach into another document."""
    panel_id = page.evaluate("(path) => { const p = window.__findPanel(path); return p ? p.id : null; }", path)
    assert panel_id, f"{path} is not open in JupyterLab"
    return page.locator(f"[id='{panel_id}']")


def cell_node(page, path: str, index: int):
    return notebook_node(page, path).locator(".jp-Cell").nth(index)


def wait_for_text(locator, text: str, what: str, timeout_ms: int = WAIT_MS) -> str:
    """Wait until `locator` shows `text` (whitespace folded); return its text, or fail saying what it showed."""
    wanted = squash(text)
    try:
        locator.page.wait_for_function(
            "([node, wanted]) => !!node && (node.innerText || '').split(/\\s+/).filter(Boolean).join(' ')"
            ".includes(wanted)",
            arg=[locator.element_handle(timeout=timeout_ms), wanted], timeout=timeout_ms, polling=100)
    except Exception as error:
        try:
            shown = squash(locator.inner_text(timeout=1_000))
        except Exception:
            shown = "(element not found)"
        raise AssertionError(f"{what}: {wanted!r} did not appear within {timeout_ms / 1000:.0f}s; "
                             f"it shows: {shown[:1200]!r}") from error
    return squash(locator.inner_text())


def open_and_run(page, server, path: str) -> None:
    """Open a notebook, run all its cells, and require a clean run with every widget rendered."""
    open_notebook(page, server, path)
    run = run_all(page, path)
    assert not run.problems(), run.summary()
    assert run.widgets_rendered >= 1, run.summary()


def fresh_learner() -> str:
    return f"browser-{uuid.uuid4().hex[:10]}"


def set_kernel_env(page, path: str, name: str, value: str, timeout_ms: int = WAIT_MS) -> None:
    """Set an environment variable in the notebook's kernel, silently (no cell, no execution count).

    Used to give a course notebook's quiz a fresh learner without editing the notebook.
    """
    code = f"import os as _os; _os.environ[{name!r}] = {value!r}; del _os"
    page.evaluate("""async ([path, code]) => {
      const kernel = window.__findPanel(path).sessionContext.session.kernel;
      const reply = await kernel.requestExecute({code, silent: true, store_history: false}).done;
      if (reply.content.status !== 'ok') throw new Error(`setting the variable failed: ${reply.content.status}`);
    }""", [path, code])


# --------------------------------------------------------------------------- answers from the data


def right_answer(question):
    """The answer the data says is right, in the form the quiz's controls hold it."""
    if question.type in ("single", "truefalse"):
        return question.answer
    if question.type == "multiple":
        return list(question.answers)
    if question.type == "text":
        return question.accepted[0]
    if question.type == "numeric":
        value = question.value
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if question.type == "ordering":
        return list(question.key)
    if question.type == "matching":
        return {left: left for left in question.key}  # each dropdown offers the items' role texts by item id
    raise AssertionError(f"unknown question type {question.type!r}")


def wrong_answer(question):
    """An answer the grader calls wrong (not partly right), built from the question's own data."""
    from lessons import questions as qs

    qtype = question.type
    if qtype == "single":
        answer = next(option for option in question.options if option != question.answer)
    elif qtype == "multiple":
        answer = [next(option for option in question.options if option not in question.answers)]
    elif qtype == "truefalse":
        answer = not question.answer
    elif qtype == "text":
        answer = next(text for text in ("Atlantis", "Nobody at all", "xyz") if qs.grade(question, text).outcome
                      == "wrong")
    elif qtype == "numeric":
        off = question.tolerance + (question.close or 0) + max(10.0, abs(question.value))
        answer = str(int(question.value + off)) if float(question.value + off).is_integer() else repr(
            question.value + off)
    elif qtype == "ordering":
        answer = list(question.key[1:]) + list(question.key[:1])  # every event one place off
    elif qtype == "matching":
        keys = list(question.key)
        answer = {left: keys[(position + 1) % len(keys)] for position, left in enumerate(keys)}
    else:
        raise AssertionError(f"unknown question type {qtype!r}")
    outcome = qs.grade(question, answer).outcome
    assert outcome == "wrong", f"{question.id}: the test's wrong answer {answer!r} grades {outcome!r}"
    return answer


# --------------------------------------------------------------------------- driving one question's controls


def _values(question) -> list:
    from lessons.questions import choices

    return [choice.value for choice in choices(question)]


def assert_controls_match(box, question) -> None:
    """The controls show the question's choices in the order lessons.questions.choices gives (the index map)."""
    from lessons.questions import choices

    labels = [squash(choice.label) for choice in choices(question)]
    if question.type == "single":
        shown = box.locator(".widget-radio-box label").all_inner_texts()
    elif question.type == "multiple":
        shown = box.locator(".widget-checkbox").all_inner_texts()
    elif question.type == "truefalse":
        shown = box.locator("button.widget-toggle-button").all_inner_texts()
    elif question.type in ("ordering", "matching"):
        shown = box.locator("select").first.locator("option").all_inner_texts()[1:]  # [0] is "choose"
    else:
        assert box.locator("input[type=text]").count() == 1, f"{question.id}: expected one text box"
        return
    assert [squash(text) for text in shown] == labels, f"{question.id}: controls show {shown}, data says {labels}"


def set_answer(page, box, question, answer) -> None:
    """Put `answer` into the question's controls with clicks, typing and dropdown choices."""
    values = _values(question)
    qtype = question.type
    if qtype == "single":
        box.locator(".widget-radio-box input[type=radio]").nth(values.index(answer)).click()
    elif qtype == "multiple":
        boxes = box.locator(".widget-checkbox input[type=checkbox]")
        for position, value in enumerate(values):
            if boxes.nth(position).is_checked() != (value in answer):
                boxes.nth(position).click()
    elif qtype == "truefalse":
        box.locator("button.widget-toggle-button").nth(values.index(answer)).click()
    elif qtype in ("text", "numeric"):
        field = box.locator("input[type=text]")
        field.click()
        field.fill("")  # not Ctrl+A: in a notebook that key can mean "select all cells"
        page.keyboard.type(str(answer))
    elif qtype in ("ordering", "matching"):
        selects = box.locator("select")
        wanted = answer if qtype == "ordering" else [answer[left] for left in question.key]
        for position, value in enumerate(wanted):
            selects.nth(position).select_option(index=values.index(value) + 1)  # option 0 is "choose"
    else:
        raise AssertionError(f"no way to answer a {qtype!r} question")


def read_answer(box, question):
    """The answer the controls hold, read from the page, in the same form as right_answer()."""
    values = _values(question)
    qtype = question.type
    if qtype == "single":
        checked = box.locator(".widget-radio-box input[type=radio]").evaluate_all(
            "nodes => nodes.map((node) => node.checked)")
        return values[checked.index(True)] if True in checked else None
    if qtype == "multiple":
        checked = box.locator(".widget-checkbox input[type=checkbox]").evaluate_all(
            "nodes => nodes.map((node) => node.checked)")
        return [value for value, on in zip(values, checked) if on]
    if qtype == "truefalse":
        active = box.locator("button.widget-toggle-button").evaluate_all(
            "nodes => nodes.map((node) => node.classList.contains('mod-active'))")
        return values[active.index(True)] if True in active else None
    if qtype in ("text", "numeric"):
        return box.locator("input[type=text]").input_value()
    indexes = box.locator("select").evaluate_all("nodes => nodes.map((node) => node.selectedIndex)")
    chosen = [values[index - 1] if index > 0 else None for index in indexes]
    return chosen if qtype == "ordering" else dict(zip(question.key, chosen))


def same_answer(question, first, second) -> bool:
    if question.type == "multiple":
        return set(first) == set(second)
    return first == second


def answer_and_check(page, box, question, answer, expected_words: str, attempt: int | None = None) -> str:
    """Answer, press Check, wait for the outcome words (and the attempt number, if given); return the feedback."""
    from lessons.quiz_widgets import CHANGED_NOTE

    answered_before = box.locator(".lessons-outcome").count() > 0
    set_answer(page, box, question, answer)
    held = read_answer(box, question)
    assert same_answer(question, held, answer), f"{question.id}: the controls hold {held!r}, not {answer!r}"
    if answered_before:
        # The kernel says it has the new answer before Check is pressed: a value still in the browser's send
        # buffer would otherwise be overtaken by the click and the old answer graded again.
        if question.type in ("text", "numeric"):
            box.locator("input[type=text]").press("Tab")
        wait_for_text(box.locator(".lessons-feedback"), CHANGED_NOTE, f"{question.id} changed-answer note")
    box.locator("button.lessons-check").click()
    feedback = wait_for_text(box.locator(".lessons-feedback"), f"{expected_words}. ", f"{question.id} feedback")
    if attempt is not None:
        assert f"Attempt {attempt}." in feedback, f"{question.id}: not attempt {attempt}: {feedback!r}"
    return feedback


def assert_evidence_shown(course, question, feedback: str) -> None:
    """The feedback carries the question's evidence: each article fragment verbatim, each source's title."""
    fragments = [squash(fragment) for fragment in question.evidence.fragments]
    titles = [squash(course.sources[source].title) for source in question.evidence.sources if source in course.sources]
    assert fragments or titles, f"{question.id}: the data gives this question no evidence to show"
    missing = [text for text in fragments + titles if text not in feedback]
    assert not missing, f"{question.id}: evidence missing from the feedback: {missing}\nfeedback: {feedback[:1500]}"


# --------------------------------------------------------------------------- tests


def test_each_quiz_type_answered_wrongly_then_rightly(lab_page, lab_server, course, one_question_of_each_type):
    """One question of every type: a wrong answer shows "✗ Not right" and no evidence; the right answer shows
    "✓ Correct", the explanation and the verbatim evidence, and the score goes to 1 of 1."""
    from lessons.questions import topic_of
    from lessons.quiz_widgets import OUTCOME_SIGNS

    picks = one_question_of_each_type
    learner = fresh_learner()
    sources = [f"from lessons import quiz\nquiz({topic_of(q.lesson)!r}, only={q.id!r}, learner={learner!r})"
               for q in picks]
    path = write_notebook(lab_server.root, "quiz_types.ipynb", sources)
    open_and_run(lab_page, lab_server, path)

    wrong_words, right_words = " ".join(OUTCOME_SIGNS["wrong"]), " ".join(OUTCOME_SIGNS["correct"])
    for index, question in enumerate(picks):
        box = cell_node(lab_page, path, index).locator(".lessons-question")
        assert box.count() == 1, f"cell {index}: expected one question box for {question.id}, found {box.count()}"
        wait_for_text(box, question.prompt, f"{question.id} prompt")
        assert_controls_match(box, question)

        feedback = answer_and_check(lab_page, box, question, wrong_answer(question), wrong_words, 1)
        assert box.locator(".lessons-evidence").count() == 0, f"{question.id}: a wrong answer gave away the evidence"
        assert "Answer:" not in feedback, f"{question.id}: a wrong answer gave away the answer: {feedback!r}"

        feedback = answer_and_check(lab_page, box, question, right_answer(question), right_words, 2)
        assert squash(question.explanation) in feedback, f"{question.id}: no explanation in {feedback!r}"
        assert_evidence_shown(course, question, feedback)
        score = cell_node(lab_page, path, index).locator(".lessons-score")
        wait_for_text(score, "Score: 1 of 1 (100%); 1 of 1 answered.", f"{question.id} score")


def test_timeline_filters_and_steps_to_an_event_with_its_quote(lab_page, lab_server, course):
    """Untick a theme and the background events, step with Next, and read the event's article quote in the panel;
    then pick an actor and see the count the data gives."""
    from lessons.timeline_view import THEME_LABELS, THEMES, actor_name

    path = write_notebook(lab_server.root, "timeline.ipynb", ["from lessons import timeline\ntimeline()"])
    open_and_run(lab_page, lab_server, path)
    widget = notebook_node(lab_page, path).locator(".lessons-timeline")
    panel = widget.locator(".lessons-timeline-panel")
    ordered = course.events_in_order()
    number_of = {event.id: position for position, event in enumerate(ordered, start=1)}
    total = len(ordered)
    wait_for_text(widget, f"Showing {total} of {total} events", "timeline status before filtering")

    dropped = "csto"
    kept_themes = [theme for theme in THEMES if theme != dropped]
    widget.locator(".widget-checkbox").filter(has_text=THEME_LABELS[dropped]).locator("input").click()
    widget.locator(".widget-checkbox").filter(has_text="Show background events").locator("input").click()
    shown = [event for event in ordered if set(event.themes) & set(kept_themes) and not event.background]
    assert len(shown) >= 2, "the data leaves too few events under this filter to step through"
    wait_for_text(widget, f"Showing {len(shown)} of {total} events", "timeline status after filtering")

    def shown_event():
        heading = squash(panel.locator("h4").inner_text())
        found = re.match(r"(\d+)\. ", heading)
        assert found, f"the event panel's heading {heading!r} has no event number"
        event = ordered[int(found.group(1)) - 1]
        assert heading == f"{number_of[event.id]}. {squash(event.title)}", f"panel heading {heading!r}"
        return event

    current = shown_event()
    assert current in shown, f"the panel shows {current.id}, which the filter hides"
    quoted, text = None, ""
    while shown.index(current) + 1 < len(shown):  # step on to the next event that quotes the article
        following = shown[shown.index(current) + 1]
        widget.get_by_role("button", name="Next").click()
        text = wait_for_text(panel, f"{number_of[following.id]}. {following.title}", "event panel after Next")
        current = shown_event()
        assert current == following, f"Next went from the previous event to {current.id}, not {following.id}"
        if following.evidence.fragments:
            quoted = following
            break
    assert quoted is not None, "no event under the filter quotes the article"
    missing = [f for f in quoted.evidence.fragments if squash(f) not in text]
    assert not missing, f"{quoted.id}: the panel lacks the article's words {missing}; it shows {text[:1500]!r}"
    assert squash(quoted.date.label) in text, f"{quoted.id}: the panel lacks the date {quoted.date.label!r}"

    actor = quoted.actors[0]
    widget.locator(".widget-select-multiple select").select_option(label=actor_name(course, actor))
    with_actor = [event for event in shown if actor in event.actors]
    wait_for_text(widget, f"Showing {len(with_actor)} of {total} events", f"timeline status with actor {actor}")
    wait_for_text(panel, f"{number_of[quoted.id]}. {quoted.title}", "the selected event after the actor filter")
    wait_for_text(panel, actor_name(course, actor), "the panel's actors")


def test_map_dropdown_shows_the_province_text(lab_page, lab_server, course):
    """Choose an article province in the map's dropdown: the panel shows its name, role text and evidence."""
    place = next(p for p in course.places.values() if p.type == "province" and not p.background)
    path = write_notebook(lab_server.root, "map.ipynb", ["from lessons import course_map\ncourse_map()"])
    open_and_run(lab_page, lab_server, path)
    widget = notebook_node(lab_page, path).locator(".lessons-map")
    panel = widget.locator(".lessons-map-panel")
    before = squash(panel.inner_text())
    assert squash(place.role) not in before, f"the panel shows {place.id}'s text before it was chosen: {before!r}"

    widget.locator(".widget-dropdown select").select_option(label=place.name)
    text = wait_for_text(panel, place.role, f"map panel for {place.id}")
    assert squash(panel.locator("h4").inner_text()) == squash(place.name), "the panel's heading is another place"
    missing = [f for f in place.evidence.fragments if squash(f) not in text]
    assert not missing, f"{place.id}: the panel lacks the article's words {missing}"
    selected = widget.locator("img").first.get_attribute("alt") or ""
    assert f"Selected: {place.name}." in selected, f"the map's alt text does not name the selection: {selected!r}"


def _code_cell_index(page, path: str, needle: str) -> int:
    sources = page.evaluate(
        "(path) => window.__findPanel(path).content.widgets.map((c) => c.model.sharedModel.getSource())", path)
    found = [index for index, source in enumerate(sources) if needle in source]
    assert len(found) == 1, f"{path}: expected one cell containing {needle!r}, found cells {found}"
    return found[0]


def _run_cell(page, path: str, index: int) -> None:
    """Click into a cell's editor and press Shift+Enter, as a learner runs one cell."""
    cell = cell_node(page, path, index)
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")


def test_exercise_self_check_says_not_yet_then_correct(lab_page, lab_server, course):
    """In exercise 01, type a list missing one province (check: "Not yet"), then the full list ("Correct")."""
    from lessons.checks import answer_key

    path = "exercises/01-find-the-provinces.ipynb"
    names = [course.places[place_id].name for place_id in answer_key("provinces", course)]
    open_notebook(lab_page, lab_server, path)
    run = run_all(lab_page, path)
    assert not run.errors and not run.unexecuted, run.summary()
    answer_index = _code_cell_index(lab_page, path, "provinces = None")
    check_index = _code_cell_index(lab_page, path, 'check("provinces", provinces)')
    assert check_index > answer_index
    result = cell_node(lab_page, path, check_index).locator(".jp-OutputArea")
    wait_for_text(result, "Not attempted", "the check before any answer")

    for typed, words, css in ((names[:-1], "\u2718 Not yet", "wrong"), (names, "\u2714 Correct", "correct")):
        editor = cell_node(lab_page, path, answer_index).locator(".cm-content")
        editor.click()
        lab_page.keyboard.press("Control+a")  # inside the cell editor: select the cell's code
        lab_page.keyboard.insert_text(f"provinces = {typed!r}\nprint(provinces)")
        assert squash(editor.inner_text()) == squash(f"provinces = {typed!r} print(provinces)"), \
            f"the answer cell holds {editor.inner_text()!r}"
        _run_cell(lab_page, path, answer_index)
        wait_for_text(cell_node(lab_page, path, answer_index).locator(".jp-OutputArea"), repr(typed),
                      "the answer cell's printout")
        _run_cell(lab_page, path, check_index)
        text = wait_for_text(result, words, f"the check after {len(typed)} of {len(names)} provinces")
        assert result.locator(f".lessons-check--{css}").count() == 1, f"no lessons-check--{css} box: {text!r}"


def test_saved_answer_and_score_survive_a_kernel_restart(lab_page, lab_server, course):
    """Answer a question (wrong, then right), restart the kernel from JupyterLab, run all again: the quiz shows the
    latest saved answer, its feedback and the score. Server and test share one LESSONS_PROGRESS_DIR."""
    from lessons.questions import questions_of
    from lessons.quiz_widgets import OUTCOME_SIGNS

    progress_dir = os.environ.get("LESSONS_PROGRESS_DIR")
    assert progress_dir, "tests/conftest.py should set LESSONS_PROGRESS_DIR before the server starts"
    lesson = "00-start-here"
    questions = questions_of(course, lesson)
    question = questions[0]
    learner = fresh_learner()
    path = write_notebook(lab_server.root, "persistence.ipynb", [
        "import os\nprint(os.getpid(), os.environ.get('LESSONS_PROGRESS_DIR'))",
        f"from lessons import quiz\nquiz({lesson!r}, learner={learner!r})",
    ])
    open_and_run(lab_page, lab_server, path)

    def kernel_report() -> tuple[str, str]:
        printed = squash(cell_node(lab_page, path, 0).locator(".jp-OutputArea").inner_text())
        pid, _, folder = printed.partition(" ")
        return pid, folder

    first_pid, kernel_dir = kernel_report()
    assert Path(kernel_dir).resolve() == Path(progress_dir).resolve(), \
        f"the kernel saves progress in {kernel_dir!r}, the tests in {progress_dir!r}"
    box = cell_node(lab_page, path, 1).locator(".lessons-question").first
    score = cell_node(lab_page, path, 1).locator(".lessons-score")
    wait_for_text(score, f"Score: 0 of {len(questions)} (0%)", "score of a fresh learner")
    assert "saved answer" not in squash(box.inner_text()), "a fresh learner already has a saved answer"
    answer_and_check(lab_page, box, question, wrong_answer(question), " ".join(OUTCOME_SIGNS["wrong"]), 1)
    answer = right_answer(question)
    answer_and_check(lab_page, box, question, answer, " ".join(OUTCOME_SIGNS["correct"]), 2)
    wait_for_text(score, f"Score: 1 of {len(questions)}", "score after the right answer")
    assert (Path(progress_dir) / "progress.sqlite3").is_file(), f"no progress store was written in {progress_dir}"

    # Restart as a learner does: Kernel > Restart Kernel..., then confirm the dialog.
    lab_page.evaluate("""(path) => {
      const panel = window.__findPanel(path);
      window.__kernelStatuses = [];
      panel.sessionContext.statusChanged.connect((_, status) => window.__kernelStatuses.push(status));
      window.jupyterapp.shell.activateById(panel.id);
      window.jupyterapp.commands.execute('kernelmenu:restart');  // resolves only after the dialog: not awaited
    }""", path)
    dialog = lab_page.locator(".jp-Dialog")
    dialog.wait_for(timeout=WAIT_MS)
    dialog.locator("button.jp-mod-accept").click()
    try:
        lab_page.wait_for_function(
            "(path) => window.__kernelStatuses.some((s) => s === 'restarting' || s === 'starting')"
            " && window.__findPanel(path).sessionContext.session.kernel.status === 'idle'",
            arg=path, timeout=60_000, polling=250)
    except Exception as error:
        statuses = lab_page.evaluate("() => window.__kernelStatuses")
        raise AssertionError(f"the kernel did not restart and become idle within 60s; statuses: {statuses}") \
            from error

    run = run_all(lab_page, path)
    assert not run.problems(), run.summary()
    second_pid, _ = kernel_report()
    assert second_pid != first_pid, f"the kernel process did not change ({first_pid}): it was not restarted"
    box = cell_node(lab_page, path, 1).locator(".lessons-question").first
    feedback = wait_for_text(box.locator(".lessons-feedback"), "Your saved answer (attempt 2).",
                             "feedback restored after the restart")
    assert " ".join(OUTCOME_SIGNS["correct"]) in feedback, f"the restored feedback is not Correct: {feedback!r}"
    assert_evidence_shown(course, question, feedback)
    held = read_answer(box, question)
    assert same_answer(question, held, answer), f"the restored controls hold {held!r}, not the saved {answer!r}"
    wait_for_text(cell_node(lab_page, path, 1).locator(".lessons-score"),
                  f"Score: 1 of {len(questions)} ({100 / len(questions):.0f}%); 1 of {len(questions)} answered.",
                  "score restored after the restart")


# --------------------------------------------------------------------------- README screenshots


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG file's header; fails if the file is not a PNG."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def _show_at_top(page, widget) -> None:
    """Scroll the notebook so `widget` starts near the top of the view, and let its images finish decoding."""
    widget.evaluate("node => node.scrollIntoView({block: 'start'})")
    page.wait_for_function(
        "(node) => Array.from(node.querySelectorAll('img')).every((img) => img.complete && img.naturalWidth > 0)",
        arg=widget.element_handle(), timeout=WAIT_MS)
    page.wait_for_timeout(300)  # one settle for layout after the scroll, so the capture is not mid-reflow


def test_readme_screenshots(lab_page, lab_server, course, tmp_path):
    """Screenshots of a quiz (lesson 00) and the timeline (lesson 05) at 1280x800, taken from a real run.

    With LESSONS_UPDATE_SCREENSHOTS=1 they replace notebooks/images/lesson.png and timeline.png for the README;
    otherwise they go to a temporary folder, so a normal test run never changes the repository.
    """
    from lessons.questions import questions_of
    from lessons.quiz_widgets import OUTCOME_SIGNS

    update = os.environ.get("LESSONS_UPDATE_SCREENSHOTS") == "1"
    target = REPO / "notebooks" / "images" if update else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    original = lab_page.viewport_size
    left_was_collapsed = lab_page.evaluate("() => window.jupyterapp.shell.leftCollapsed")
    lab_page.set_viewport_size(SCREENSHOT_VIEWPORT)
    lab_page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # the notebook gets the whole width
    try:
        lesson = SCREENSHOTS["lesson"]
        open_notebook(lab_page, lab_server, lesson)
        # A fresh learner, so the picture never shows (or saves) another test's answers in the shared store.
        set_kernel_env(lab_page, lesson, "LESSONS_LEARNER", fresh_learner())
        run = run_all(lab_page, lesson)
        assert not run.problems(), run.summary()
        quiz_widget = notebook_node(lab_page, lesson).locator(".lessons-quiz")
        # The first question answered rightly, so the picture shows feedback with its evidence.
        question = questions_of(course, "00-start-here")[0]
        box = quiz_widget.locator(".lessons-question").first
        answer_and_check(lab_page, box, question, right_answer(question), " ".join(OUTCOME_SIGNS["correct"]), 1)
        _show_at_top(lab_page, quiz_widget)
        assert quiz_widget.is_visible()
        lab_page.screenshot(path=str(target / "lesson.png"))

        # Open the next notebook before closing this one, so JupyterLab never fills the empty area with a Launcher.
        timeline = SCREENSHOTS["timeline"]
        open_notebook(lab_page, lab_server, timeline)
        lab_page.evaluate("""(path) => {
          const panel = window.__findPanel(path);
          panel.context.model.dirty = false;  // the run's outputs are not to be saved
          panel.dispose();
        }""", lesson)
        for session in lab_server.api("GET", "api/sessions"):  # its kernel is not needed any more
            if session.get("path", "").endswith(lesson):
                lab_server.api("DELETE", f"api/sessions/{session['id']}", timeout=30)
        run = run_all(lab_page, timeline)
        assert not run.problems(), run.summary()
        timeline_widget = notebook_node(lab_page, timeline).locator(".lessons-timeline")
        _show_at_top(lab_page, timeline_widget)
        assert timeline_widget.is_visible()
        lab_page.screenshot(path=str(target / "timeline.png"))
    finally:
        lab_page.set_viewport_size(original)
        if not left_was_collapsed:
            lab_page.evaluate("() => window.jupyterapp.shell.expandLeft()")

    for name in ("lesson", "timeline"):
        png = target / f"{name}.png"
        assert png.is_file() and png.stat().st_size > 10_000, f"{png} is missing or nearly empty"
        assert png_size(png) == (SCREENSHOT_VIEWPORT["width"], SCREENSHOT_VIEWPORT["height"]), png_size(png)


def test_checkpoints_transfer_task_and_regional_map_in_lab(lab_page, lab_server, course):
    """A checkpoint inside lesson 02 and the transfer task of lesson 09, answered wrongly then rightly in JupyterLab,
    each with its heading and score; the regional map shows as an image with its alt text and caption."""
    from lessons.questions import checkpoint_questions, topic_of
    from lessons.quiz_widgets import OUTCOME_SIGNS, checkpoint_heading
    from lessons.regional import regional_map_figure

    learner = fresh_learner()
    stops = [("02-context", 1), ("09-review", 1)]
    sources = [f"from lessons import checkpoint\ncheckpoint({topic_of(lesson)!r}, {number}, learner={learner!r})"
               for lesson, number in stops]
    sources.append("from lessons import regional_map\nregional_map()")
    path = write_notebook(lab_server.root, "checkpoints.ipynb", sources)
    open_notebook(lab_page, lab_server, path)
    run = run_all(lab_page, path)
    assert not run.problems(), run.summary()

    wrong_words, right_words = " ".join(OUTCOME_SIGNS["wrong"]), " ".join(OUTCOME_SIGNS["correct"])
    for index, (lesson, number) in enumerate(stops):
        questions = checkpoint_questions(course, lesson, number)
        cell = cell_node(lab_page, path, index)
        wait_for_text(cell.locator(".lessons-quiz-heading"), checkpoint_heading(lesson, number), f"{lesson} heading")
        boxes = cell.locator(".lessons-question")
        assert boxes.count() == len(questions), f"{lesson}: {boxes.count()} boxes for {len(questions)} questions"
        for position, question in enumerate(questions):
            box = boxes.nth(position)
            wait_for_text(box, question.prompt, f"{question.id} prompt")
            answer_and_check(lab_page, box, question, wrong_answer(question), wrong_words, 1)
            feedback = answer_and_check(lab_page, box, question, right_answer(question), right_words, 2)
            assert squash(question.explanation) in feedback, f"{question.id}: no explanation in {feedback!r}"
        total = len(questions)
        wait_for_text(cell.locator(".lessons-score"), f"Score: {total} of {total} (100%)", f"{lesson} score")

    image = cell_node(lab_page, path, len(stops)).locator("figure img")
    image.wait_for(timeout=WAIT_MS)
    expected = regional_map_figure(course).lessons_alt_text
    assert squash(image.get_attribute("alt")) == squash(expected)
    assert image.evaluate("img => img.naturalWidth") > 0, "the regional map image did not load"
    caption = squash(cell_node(lab_page, path, len(stops)).locator("figcaption").inner_text())
    assert "Lachin corridor is not in the data" in caption
