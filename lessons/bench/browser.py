"""Click to feedback in JupyterLab and Chromium: the course's quiz against a bare ipywidgets quiz, same session.

The JupyterLab server and the notebook driver are the browser tests' own (tests/browser/lab_process.py and
lab_driver.py), and so are the Chromium path and flags (tests/browser/conftest.py).
"""
from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

from .core import Figure, Target, skipped
from .session import Session

BROWSER_TARGET = Target("ratio", 1.2)
LESSON = "notebooks/00-start-here.ipynb"
BARE = "bench-bare-quiz.ipynb"
WARM_UP = 2

# The floor: the smallest quiz that does what a course quiz does on Check (read the answer, write feedback).
BARE_QUIZ = '''import ipywidgets as widgets

choice = widgets.RadioButtons(options=["Lori", "Shirak", "Ararat"], value=None, description="Answer")
check = widgets.Button(description="Check")
check.add_class("bench-check")
feedback = widgets.Output()
feedback.add_class("bench-feedback")
attempts = [0]


def on_check(_):
    attempts[0] += 1
    with feedback:
        feedback.clear_output()
        print(("Correct" if choice.value == "Shirak" else "Not right") + f" (attempt {attempts[0]})")


check.on_click(on_check)
quiz = widgets.VBox([choice, check, feedback])
quiz.add_class("bench-bare-quiz")
quiz'''

# Installed before each click: performance.now() at the click and at the first mutation of the feedback.
_INSTALL = """
([button, feedback]) => {
  const record = { clickedAt: null, mutatedAt: null };
  window.__benchClick = record;
  const observer = new MutationObserver(() => {
    if (record.clickedAt === null || record.mutatedAt !== null) return;
    record.mutatedAt = performance.now();
    observer.disconnect();
  });
  observer.observe(feedback, { subtree: true, childList: true, characterData: true, attributes: true });
  button.addEventListener('click', () => {
    if (record.clickedAt === null) record.clickedAt = performance.now();
  }, { capture: true, once: true });
}
"""
_DONE = "() => window.__benchClick && window.__benchClick.mutatedAt !== null"
_RESULT = "() => window.__benchClick.mutatedAt - window.__benchClick.clickedAt"

# Which question, button and feedback to use in each notebook.
QUIZZES = {
    "lessons": (LESSON, ".lessons-question", ".lessons-check", ".lessons-feedback"),
    "bare": (BARE, ".bench-bare-quiz", ".bench-check", ".bench-feedback"),
}


def bare_notebook() -> dict:
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": "bare-quiz", "metadata": {},
                       "outputs": [], "source": BARE_QUIZ}],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def _harness(repo: Path):
    """The browser tests' helpers and Chromium settings, or a sentence saying why they are unavailable."""
    folder = repo / "tests" / "browser"
    if not (folder / "lab_process.py").is_file():
        return None, "the JupyterLab test harness (tests/browser/) is not in this checkout"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return None, "the playwright package is not installed"
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location("lessons_bench_browser_settings", folder / "conftest.py")
    settings = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(settings)
    if not Path(settings.CHROMIUM).is_file():
        return None, f"no Chromium at {settings.CHROMIUM} (set CHROMIUM_PATH, or install Debian's chromium package)"
    import lab_driver
    import lab_process

    return (lab_process, lab_driver, settings), None


def _click_times(page, question_selector: str, button_selector: str, feedback_selector: str,
                 clicks: int) -> list[float]:
    """Choose the first option of the first radio question, then time Check clicks to the first feedback change."""
    question = page.locator(question_selector).filter(has=page.locator("input[type=radio]")).first
    question.locator("input[type=radio]").first.check()
    button = question.locator(button_selector).first
    feedback = question.locator(feedback_selector).first
    handles = [button.element_handle(), feedback.element_handle()]
    times = []
    for number in range(WARM_UP + clicks):
        page.evaluate(_INSTALL, handles)
        button.click()
        page.wait_for_function(_DONE, timeout=30_000, polling="raf")
        if number >= WARM_UP:
            times.append(page.evaluate(_RESULT))
        time.sleep(0.2)  # let the rest of the reply (score, buttons) land before the next click
    return times


def _measure_notebook(context, server, lab_driver, kind: str, clicks: int, notes: list[str]) -> list[float]:
    """Open one quiz notebook in a fresh page (a fresh JupyterLab app), run it and time its clicks; try twice."""
    path, *selectors = QUIZZES[kind]
    for attempt in (1, 2):
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            lab_driver.open_notebook(page, server, path)
            result = lab_driver.run_all(page, path)
            notes += [f"{path}: {problem}" for problem in result.problems()]
            return _click_times(page, *selectors, clicks)
        except Exception as error:
            if attempt == 2:
                raise
            notes.append(f"{path}: first attempt failed and was repeated ({type(error).__name__}: "
                         f"{str(error).splitlines()[0][:200]})")
        finally:
            page.close()
            server.shutdown_sessions()
    raise AssertionError("unreachable")


def click_to_feedback(session: Session) -> list[Figure]:
    """Click Check to the first change of the feedback, in-page, for the course quiz and the bare quiz."""
    label = "browser: Check click to feedback"
    harness, reason = _harness(session.repo)
    if harness is None:
        return [skipped("browser", label, "ms", reason, BROWSER_TARGET)]
    lab_process, lab_driver, settings = harness
    from playwright.sync_api import sync_playwright

    figure = Figure("browser", label, "ms", floor_label="bare RadioButtons + Button + Output quiz, same session",
                    target=BROWSER_TARGET)
    base = session.folder("jupyterlab")
    root = lab_process.copy_course(session.repo, base / "root")
    (root / BARE).write_text(json.dumps(bare_notebook(), indent=1), encoding="utf-8")
    clicks, runs = session.settings.samples_for(20), session.settings.runs_for(1)
    server = lab_process.start_lab(root, base / "state")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=settings.CHROMIUM, args=settings.CHROMIUM_ARGS,
                                                 headless=True)
            try:
                context = browser.new_context(viewport=settings.VIEWPORT)
                for run in range(runs):
                    order = ["lessons", "bare"] if run % 2 == 0 else ["bare", "lessons"]
                    for kind in order:
                        times = _measure_notebook(context, server, lab_driver, kind, clicks, figure.notes)
                        (figure.samples if kind == "lessons" else figure.floor).extend(times)
                        session.log(f"  browser {kind} run {run + 1}/{runs}: median "
                                    f"{sorted(times)[len(times) // 2]:.1f} ms over {len(times)} clicks")
            finally:
                browser.close()
    finally:
        killed = server.stop()
        if killed:
            figure.notes.append("processes outlived JupyterLab and were killed: " + "; ".join(killed))
    figure.notes.append(f"first radio question of {LESSON}; performance.now() at the click event and at the "
                        "first mutation of the feedback element (MutationObserver)")
    return [figure]
