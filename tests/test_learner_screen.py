"""What a learner reads carries none of the course's bookkeeping: no content ids, fact-sheet codes or data notes.

Every lesson is run in a fresh kernel, as in JupyterLab, and its markdown, outputs and widget texts are scanned;
so are the static pages of the export, and every state a widget can reach (each item's view, each timeline
event's and map place's panel, each claim, each quiz question's feedback once answered or revealed).
"""
from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lessons import views
from lessons.cli.export import convert, learner_cells
from lessons.toc import entries

REPO = Path(__file__).resolve().parents[1]
LESSONS = [entry.file for entry in entries()]

# FACTS.md numbers its rows: A1 actors, P places, E events, N numbers, C claims, B background, F flags, T traps,
# U unverified, S sources. Learners never see them.
FACT_SHEET_CODE = re.compile(r"(?<![\w-])[ABCEFNPSTU][0-9]{1,2}(?![\w-])")
# Wording that talks about the data rather than the subject.
DATA_NOTES = re.compile(
    r"FACTS\.md|fact sheet|facts_id|lessons/data|\.ya?ml\b|the content (?:rates|gives|says)|in the map data|"
    r"\b[0-9,]+ features\b|\bHIGH\b|\bMEDIUM\b|\bLOW\b")


class _Text(HTMLParser):
    """The text a reader meets in HTML: character data plus alt, title, aria-label and placeholder values."""

    SHOWN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        self.parts.extend(value for name, value in attrs if name in self.SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return " ".join(" ".join(parser.parts).split())


def content_ids(course) -> set[str]:
    """Every id a learner could be shown by mistake: items, questions, objectives and sources.

    Ids that are plain words ("putin", "armenia") are also ordinary text, so only ids with an underscore or a
    digit count; source ids count in every form (S13, extra_mediamax).
    """
    ids = {item.id for item in course.items()} | set(course.sources)
    return {i for i in ids if ("_" in i or re.search(r"[0-9]", i)) and not FACT_SHEET_CODE.fullmatch(i)}


def bookkeeping(text: str, ids: set[str]) -> list[str]:
    """The ids, fact-sheet codes and data notes found in one text."""
    found = [f"id {word}" for word in re.findall(r"[A-Za-z][A-Za-z0-9_]*", text) if word in ids]
    found += [f"code {code}" for code in FACT_SHEET_CODE.findall(text)]
    found += [f"data note {note.group(0)!r}" for note in DATA_NOTES.finditer(text)]
    return found


# ---------------------------------------------------------------------------------- what each lesson shows


def _widget_texts(state: dict) -> list[str]:
    """The strings a widget shows: its value, description, options, placeholder and tooltip."""
    shown = ("value", "description", "_options_labels", "placeholder", "tooltip", "button_style_text", "label")
    texts = []
    for name in shown:
        value = state.get(name)
        values = value if isinstance(value, list) else [value]
        texts.extend(v for v in values if isinstance(v, str))
    return texts


def _output_texts(output) -> list[str]:
    texts = []
    if output.get("output_type") == "stream":
        texts.append(output.get("text", ""))
    data = output.get("data", {})
    if "text/html" in data:
        texts.append(html_text(data["text/html"]))
    elif "text/markdown" in data:
        texts.append(data["text/markdown"])
    elif "text/plain" in data:
        texts.append(data["text/plain"])
    return texts


def markdown_text(source: str) -> str:
    """Markdown as a reader sees it: without HTML comments and link targets, which are not shown."""
    source = re.sub(r"<!--.*?-->", " ", source, flags=re.S)
    return re.sub(r"\]\([^)\s]*\)", "]", source)


def learner_texts(notebook) -> list[tuple[str, str]]:
    """(where, text) for everything a learner reads in an executed notebook, code left out."""
    texts = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "markdown":
            texts.append((f"cell {number} (markdown)", markdown_text(cell.source)))
        for output in cell.get("outputs", ()):
            texts.extend((f"cell {number} (output)", text) for text in _output_texts(output))
    widgets = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model_id, model in widgets.get("state", {}).items():
        texts.extend((f"widget {model['model_name']}", html_text(text))
                      for text in _widget_texts(model.get("state", {})))
    return texts


def _run(path: Path, env: dict) -> nbformat.NotebookNode:
    notebook = learner_cells(nbformat.read(path, as_version=4))
    NotebookClient(notebook, timeout=300, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
    return notebook


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Each lesson run twice: as in JupyterLab (live widgets) and as the static export runs it."""
    progress = tmp_path_factory.mktemp("progress")
    base = {key: value for key, value in os.environ.items() if key != "LESSONS_STATIC"}
    base.update(LESSONS_PROGRESS_DIR=str(progress), PYDEVD_DISABLE_FILE_VALIDATION="1")
    runs = {}
    for name in LESSONS:
        path = REPO / "notebooks" / name
        runs[(name, "live")] = _run(path, base)
        runs[(name, "static")] = _run(path, {**base, "LESSONS_STATIC": "1"})
    return runs


def _report(findings: list[str]) -> str:
    return f"{len(findings)} pieces of bookkeeping on the learner's screen:\n  " + "\n  ".join(findings[:40])


@pytest.mark.parametrize("name", LESSONS)
def test_a_running_lesson_shows_no_ids_codes_or_data_notes(name, executed, course):
    ids = content_ids(course)
    notebook = executed[(name, "live")]
    assert notebook.metadata.get("widgets"), f"{name}: no widget state was kept, so widget texts went unchecked"
    findings = [f"{name} {where}: {hit}" for where, text in learner_texts(notebook) for hit in bookkeeping(text, ids)]
    assert not findings, _report(findings)


@pytest.mark.parametrize("name", LESSONS)
def test_an_exported_page_shows_no_ids_codes_or_data_notes(name, executed, course):
    """The exported page (code left out, as the site shows it) of each lesson."""
    ids = content_ids(course)
    page = html_text(convert(executed[(name, "static")]))
    findings = [f"{name} page: {hit}" for hit in bookkeeping(page, ids)]
    assert not findings, _report(findings)


# -------------------------------------------------------------------- every state a widget can reach


def reachable_views(course) -> list[tuple[str, str]]:
    """(what, text) for the views a learner can open: each item, event panel, map place, claim and feedback."""
    from lessons import claims, map as course_map, questions, quiz_widgets, timeline_view

    shown = []
    for item in course.items():
        if item.kind in ("actor", "place", "event", "claim", "number", "term", "flag", "misconception"):
            view = views.show_item(item.id, course=course)
            shown += [(f"{item.kind} view", html_text(view._repr_html_())), (f"{item.kind} text", view.text)]
    for event in course.events.values():
        shown.append(("timeline panel", html_text(timeline_view.event_html(course, event, 1))))
    shown.append(("events table", html_text(timeline_view.events_table(course=course)._repr_html_())))
    for entry in course_map.map_places(course):
        shown.append(("map panel", html_text(course_map.place_html(course, entry))))
    from lessons.regional import regional_map_figure

    for what, figure in (("map", course_map.map_figure(course=course)),
                         ("regional map", regional_map_figure(course)),
                         ("timeline figure", timeline_view.timeline_figure(course=course)),
                         ("relationship figure", claims.relationship_figure(course=course))):
        shown += [(f"{what} caption", getattr(figure, "lessons_caption", "")),
                  (f"{what} alt text", figure.lessons_alt_text)]
    shown.append(("claims view", html_text(claims.claims_html(course))))
    for question in course.extra["question"].values():
        for result in (None, questions.Result("wrong", 0.0, "Not quite.")):
            shown.append((f"feedback {question.id}", html_text(quiz_widgets.feedback_html(
                question, result, course=course, attempts=1, hints_shown=len(question.hints), revealed=True))))
        shown += [(f"question {question.id}", question.prompt),
                  *((f"option {question.id}", choice.label) for choice in questions.choices(question))]
    return shown


def test_every_view_a_learner_can_open_shows_no_ids_codes_or_data_notes(course):
    ids = content_ids(course)
    findings = [f"{what}: {hit}" for what, text in reachable_views(course) for hit in bookkeeping(text, ids)]
    assert not findings, _report(sorted(set(findings)))


# ------------------------------------------------------------------------------- the scan itself can fail


@pytest.mark.parametrize("text, expected", [
    ("Cited as evidence by: claim_guards_withdraw_but_stay", "id claim_guards_withdraw_but_stay"),
    ("Trap: T4", "code T4"),
    ("(F1) The France 24 interview", "code F1"),
    ("Peskov said so [S9].", "code S9"),
    ("see [extra_mediamax]", "id extra_mediamax"),
    ("the content rates that placement LOW confidence", "data note 'the content rates'"),
    ("4,596 features", "data note '4,596 features'"),
    ("<!-- hidden S9 --> shown S10", "code S10"),
    ("Sources are in FACTS.md.", "data note 'FACTS.md'"),
])
def test_the_scan_finds_each_kind_of_bookkeeping(text, expected, course):
    assert expected in bookkeeping(markdown_text(text), content_ids(course))


@pytest.mark.parametrize("text", [
    "Putin and Pashinian met in Moscow on 8 May 2024.",
    "Russia's FSB border guards stay on the Armenian-Turkish border.",
    "The Su-25 and the T-72 are not in the article.",
    "confidence: medium",
    "Peskov said so ([TASS](https://tass.com/S13/A1))<!-- more sources: S9, S10 -->.",
])
def test_the_scan_passes_ordinary_text(text, course):
    assert bookkeeping(markdown_text(text), content_ids(course)) == []
