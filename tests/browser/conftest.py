"""Browser-test fixtures: one JupyterLab, one Chromium and one reused page per session; artifacts on failure."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from lab_driver import close_documents, dump_outputs, load_lab
from lab_process import copy_course, start_lab

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")  # Debian's Chromium; never a downloaded build
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
FAILED = pytest.StashKey[bool]()


def _unavailable(reason: str) -> None:
    """Skip on a developer machine without a browser; fail in CI, where a skip would hide the gap."""
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"browser tests cannot run: {reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(f"browser tests need a browser: {reason}")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no `playwright install`: the browser is the system's)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH, or install Debian's chromium package)")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def lab_server(browser, tmp_path_factory):
    """JupyterLab serving a temporary copy of notebooks/ and exercises/ (started only when a browser exists)."""
    base = tmp_path_factory.mktemp("jupyterlab")
    server = start_lab(copy_course(REPO, base / "root"), base / "state")
    yield server
    killed = server.stop()
    if killed:
        pytest.fail("processes outlived the JupyterLab server and were killed:\n" + "\n".join(killed))


@pytest.fixture(scope="session")
def _shared_page(browser):
    """Holder of the one JupyterLab page that tests reuse; replaced after a failure."""
    holder = {"context": browser.new_context(viewport=VIEWPORT), "page": None}
    yield holder
    holder["context"].close()


@pytest.fixture()
def lab_page(_shared_page, lab_server, request):
    """A page showing JupyterLab with no document open; afterwards documents, sessions and kernels are closed.

    Reusing one loaded JupyterLab saves seconds per test; after a failed test (or a stuck dialog) the page is
    thrown away, so the next test starts from a fresh app.
    """
    page = _shared_page["page"]
    if page is None or page.is_closed():
        page = _shared_page["page"] = _shared_page["context"].new_page()
        page.set_default_timeout(30_000)
        load_lab(page, lab_server)
    yield page
    reusable = not request.node.stash.get(FAILED, False)
    try:
        reusable = close_documents(page) and reusable
    except Exception:  # a crashed or navigated-away page is simply replaced
        reusable = False
    if not reusable:
        page.close()
        _shared_page["page"] = None
    lab_server.shutdown_sessions()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, save a screenshot and the text of all outputs under test-artifacts/."""
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("lab_page") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or page is None:
        return
    item.stash[FAILED] = True
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])[:150]
    png, txt = ARTIFACTS / f"{stem}.png", ARTIFACTS / f"{stem}.outputs.txt"
    notes = []
    try:
        page.screenshot(path=str(png), full_page=True)
    except Exception as error:  # a crashed page must not hide the test's own failure
        notes.append(f"screenshot failed: {error}")
    try:
        text = f"page: {page.url}\n\n{dump_outputs(page)}"
    except Exception as error:
        text = f"could not read outputs: {error}"
    server = item.funcargs.get("lab_server")
    if server is not None:
        text += f"\n\n=== JupyterLab log (tail)\n{server.log_tail()}"
    txt.write_text(text, encoding="utf-8")
    notes.append(f"saved {png.relative_to(REPO)} and {txt.relative_to(REPO)}")
    report.sections.append(("browser artifacts", "\n".join(notes)))


@pytest.fixture(scope="session")
def one_question_of_each_type(course):
    """The first question of each type in the course data, in the order of lessons.questions.TYPES."""
    from lessons.questions import TYPES

    found = {}
    for question in course.extra["question"].values():
        found.setdefault(question.type, question)
    missing = [qtype for qtype in TYPES if qtype not in found]
    assert not missing, f"the course data has no question of type {missing}"
    return [found[qtype] for qtype in TYPES]
