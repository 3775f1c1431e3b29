"""`python -m lessons export`: one run writes an offline static site whose pages show each lesson's questions and
figures, make no request outside the site's folder, and have no serious accessibility violation (axe-core).

It lives with the browser tests so it shares their one Chromium (tests/browser/conftest.py); the export's error
path, which needs no browser, is tested in tests/test_export.py.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from axe_check import blocking, describe, run_axe
from lessons.toc import entries

REPO = Path(__file__).resolve().parents[2]
LESSONS = entries(REPO / "notebooks")
PAGES = ["index.html"] + [f"{Path(entry.file).stem}.html" for entry in LESSONS]
PROGRESS_LINE = re.compile(r"^\[(\d+)/(\d+)\] (\d\d-[a-z0-9-]+\.ipynb): (\d+\.\d) s$")
NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"
# Calls in a lesson's code that show a figure; each must become an <img> with alt text in the page.
FIGURE_CALLS = re.compile(r"\b(timeline|timeline_figure|course_map|map_figure|regional_map|claims_view|relationship_figure)\(")


def export_env(progress_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("LESSONS_STATIC", "PYTHONSTARTUP")}
    env["LESSONS_PROGRESS_DIR"] = str(progress_dir)  # a learner's store: the export must leave it alone
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Run the export once, as a learner or instructor would, into a fresh folder."""
    out = tmp_path_factory.mktemp("site") / "out"
    learner_store = tmp_path_factory.mktemp("learner-progress")
    result = subprocess.run([sys.executable, "-m", "lessons", "export", str(out)], cwd=REPO,
                            env=export_env(learner_store), capture_output=True, text=True, timeout=1500)
    return {"out": out, "result": result, "learner_store": learner_store}


@pytest.fixture(scope="module")
def exported(site):
    result = site["result"]
    assert result.returncode == 0, f"export failed ({result.returncode}):\n{result.stderr[-3000:]}"
    return site["out"]


def test_export_reports_each_lesson_and_writes_the_site(site, exported):
    lines = [PROGRESS_LINE.match(line) for line in site["result"].stderr.splitlines()]
    progress = [match.groups() for match in lines if match]
    assert [name for _, _, name, _ in progress] == [entry.file for entry in LESSONS], site["result"].stderr
    assert all(int(total) == len(LESSONS) for _, total, _, _ in progress)
    assert "Traceback" not in site["result"].stderr
    assert sorted(path.name for path in exported.iterdir()) == sorted(PAGES + ["lessons.css"])
    assert not any(site["learner_store"].iterdir()), "the export wrote into the learner's progress folder"


class _PageParts(HTMLParser):
    """The parts of a page the structure checks need."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False if tag == "title" else self._in_title

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def find(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.mark.parametrize("name", PAGES)
def test_page_is_a_whole_accessible_document_without_scripts(exported, name):
    parts = _PageParts()
    parts.feed((exported / name).read_text(encoding="utf-8"))
    assert parts.find("html") == [{"lang": "en"}]
    assert parts.title.strip()
    skip = parts.find("a")[0]
    assert skip.get("href") == "#content" and skip.get("class") == "skip-link"
    assert [attrs.get("id") for attrs in parts.find("main")] == ["content"]
    assert parts.find("nav") and parts.find("header") and parts.find("footer")
    assert not parts.find("script") and not parts.find("iframe")
    for tag, attribute in (("img", "src"), ("link", "href"), ("source", "src")):
        for attrs in parts.find(tag):
            url = attrs.get(attribute, "")
            assert url.startswith("data:") or (exported / url).is_file(), f"{name}: <{tag}> loads {url[:80]}"


# --------------------------------------------------------------------------- in Chromium, from file:// URLs


def _outside(url: str, root: Path) -> bool:
    """True for any request that is not a data: URI or a file inside the exported folder."""
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return False
    if parsed.scheme != "file":
        return True
    return not Path(unquote(parsed.path)).resolve().is_relative_to(root.resolve())


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_offline_complete_and_accessible(context, exported, course, name):
    """Each page loads with no request outside OUTDIR, shows its lesson's questions and figures, and axe finds no
    serious or critical violation."""
    from lessons.questions import checkpoint_questions, checkpoints_of, closing_questions, questions_of

    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto((exported / name).as_uri(), wait_until="load")
        page.wait_for_load_state("networkidle")
        outside = [url[:120] for url in requests if _outside(url, exported)]
        assert not outside, f"{name} made requests outside the exported folder: {outside}"
        assert any(url.endswith("/lessons.css") for url in requests), "the stylesheet was not loaded"

        text = _normalise(page.inner_text("main"))
        images = page.eval_on_selector_all("main img", "nodes => nodes.map(n => n.getAttribute('alt'))")
        assert all(alt and alt.strip() and alt != NBCONVERT_DEFAULT_ALT for alt in images), (name, images)
        if name != "index.html":
            lesson = name.removesuffix(".html")
            questions = questions_of(course, lesson)
            assert questions, f"{lesson} has no quiz questions in the data"
            missing = [q.id for q in questions if _normalise(q.prompt) not in text]
            assert not missing, f"{name} lacks the prompts of {missing}"
            reveals = page.locator("details:has(> summary:text-is('Show answer'))")
            assert reveals.count() == len(questions)
            # Page order: the checkpoints along the way, then the closing quiz.
            shown = [q for number in checkpoints_of(course, lesson) for q in checkpoint_questions(course, lesson, number)]
            questions = shown + closing_questions(course, lesson)
            first = reveals.first
            assert not first.locator(".lessons-explanation").is_visible()
            first.locator(":scope > summary").focus()
            page.keyboard.press("Enter")  # opens the reveal from the keyboard
            assert _normalise(questions[0].explanation) in _normalise(first.inner_text())
            source = (REPO / "notebooks" / f"{lesson}.ipynb").read_text(encoding="utf-8")
            calls = sum(len(FIGURE_CALLS.findall("".join(cell["source"])))
                        for cell in json.loads(source)["cells"] if cell["cell_type"] == "code")
            assert len(images) >= calls, f"{name}: {calls} figure calls but {len(images)} images"
        else:
            links = page.eval_on_selector_all(".lessons-toc a", "nodes => nodes.map(n => n.getAttribute('href'))")
            assert links == PAGES[1:]

        violations = run_axe(page)
        assert not blocking(violations), f"{name}:\n{describe(blocking(violations))}"
    finally:
        page.close()


def test_the_checks_catch_a_request_outside_and_a_missing_alt(context, tmp_path):
    """The same checks fail on a page that loads an image from elsewhere (loopback only) and gives it no alt."""
    (tmp_path / "bad.html").write_text('<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>'
                                       '<img src="http://127.0.0.1:9/figure.png"></main></body></html>',
                                       encoding="utf-8")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto((tmp_path / "bad.html").as_uri(), wait_until="load")
        assert [url for url in requests if _outside(url, tmp_path)] == ["http://127.0.0.1:9/figure.png"]
        assert "image-alt" in [violation["id"] for violation in blocking(run_axe(page))]
    finally:
        page.close()
