"""The lesson notebooks follow one skeleton, draw their facts from the data, and are committed clean."""
from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
LESSONS = ["00-start-here", "01-reading-the-article", "02-context", "03-actors", "04-places", "05-timeline",
           "06-claims", "07-csto", "08-checking-sources", "09-review"]
# Every lesson has these second-level headings, in this order; numbered sections ("## 1. ...") sit between
# "Timing" and "Check your understanding".
SKELETON = ["Setup", "Overview", "Prerequisites", "Timing", "Check your understanding", "Key points",
            "Discussion prompts", "What's next"]
TIMING = re.compile(r"Teaching: (\d+) min \u00b7 Practice: (\d+) min")
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
CURLY_QUOTE = re.compile(r"\u201c([^\u201d]+)\u201d")
CITATION = re.compile(r"\[(S\d+|extra_[a-z0-9_]+)\]")
FOLD_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
GUIDE = NOTEBOOKS / "INSTRUCTOR-GUIDE.md"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source_of(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def cells(slug: str, kind: str) -> list[str]:
    return [source_of(c) for c in load(NOTEBOOKS / f"{slug}.ipynb")["cells"] if c["cell_type"] == kind]


def headings(slug: str, level: int) -> list[str]:
    marker = "#" * level + " "
    return [line[len(marker):].strip() for text in cells(slug, "markdown") for line in text.splitlines()
            if line.startswith(marker)]


def calls(slug: str) -> list[tuple[str, list]]:
    """(function name, literal arguments) of every call in the notebook's code cells."""
    found = []
    for text in cells(slug, "code"):
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                args = []
                for arg in node.args:
                    try:
                        args.append(ast.literal_eval(arg))
                    except ValueError:
                        args.append(None)
                found.append((node.func.id, args))
    return found


def cell_after(slug: str, title: str) -> str:
    """The source of the code cell that directly follows the markdown cell opening with `## title`."""
    notebook_cells = load(NOTEBOOKS / f"{slug}.ipynb")["cells"]
    for index, cell in enumerate(notebook_cells[:-1]):
        if cell["cell_type"] == "markdown" and source_of(cell).startswith(f"## {title}"):
            following = notebook_cells[index + 1]
            assert following["cell_type"] == "code", f"{slug}: a code cell should follow '## {title}'"
            return source_of(following)
    raise AssertionError(f"{slug}: no markdown cell opening with '## {title}'")


def section(slug: str, title: str) -> str:
    """The markdown text from the `## title` heading to the next second-level heading."""
    text = "\n".join(cells(slug, "markdown"))
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, f"{slug}: no section {title!r}"
    return match.group(1)


def all_notebook_paths() -> list[Path]:
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    paths += sorted((REPO / "exercises").rglob("*.ipynb"))
    return [p for p in paths if ".ipynb_checkpoints" not in p.parts]


def test_the_ten_lessons_exist_and_nothing_else():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == LESSONS


# ------------------------------------------------------------------------------------------- skeleton


@pytest.mark.parametrize("slug", LESSONS)
def test_title_is_the_first_heading(slug):
    first = source_of(load(NOTEBOOKS / f"{slug}.ipynb")["cells"][0])
    assert re.match(rf"^# {slug[:2]} \u00b7 \S", first), f"{slug}: the first cell must open with '# {slug[:2]} · Title'"
    assert len(headings(slug, 1)) == 1, f"{slug}: exactly one '# ' heading"


@pytest.mark.parametrize("slug", LESSONS)
def test_skeleton_headings_in_order(slug):
    found = headings(slug, 2)
    fixed = [h for h in found if h in SKELETON]
    assert fixed == SKELETON, f"{slug}: the skeleton headings are {SKELETON}, found {fixed}"
    numbered = [h for h in found if h not in SKELETON]
    assert len(numbered) >= 2, f"{slug}: at least two numbered teaching sections"
    for position, title in enumerate(numbered, start=1):
        assert title.startswith(f"{position}. "), f"{slug}: section {title!r} should be numbered {position}."
    timing, check = found.index("Timing"), found.index("Check your understanding")
    assert all(timing < found.index(title) < check for title in numbered), f"{slug}: sections go between"


@pytest.mark.parametrize("slug", LESSONS)
def test_imports_come_first(slug):
    code = cells(slug, "code")
    assert code[0].lstrip().startswith(("from lessons", "import lessons")), f"{slug}: the first code cell imports"
    for text in code[1:]:
        assert "import " not in text, f"{slug}: imports belong in the Setup cell, not in {text!r}"


@pytest.mark.parametrize("slug", LESSONS)
def test_timing_is_stated(slug):
    assert TIMING.search(section(slug, "Timing")), f"{slug}: 'Teaching: N min · Practice: M min'"


def test_course_length_in_00_is_the_sum_of_the_lessons():
    teach = practice = 0
    for slug in LESSONS:
        minutes = TIMING.search(section(slug, "Timing"))
        teach, practice = teach + int(minutes.group(1)), practice + int(minutes.group(2))
    intro = section("00-start-here", "1. What the course is and how long it takes")
    assert f"about {teach} minutes of teaching and {practice}" in intro


@pytest.mark.parametrize("slug", LESSONS)
def test_objectives_are_rendered_from_data_for_this_lesson(slug):
    objective_calls = [args for name, args in calls(slug) if name == "show_objectives"]
    assert objective_calls == [[slug]], f"{slug}: one show_objectives({slug!r}) call"
    assert cell_after(slug, "Overview").strip() == f'show_objectives("{slug}")'


@pytest.mark.parametrize("slug", LESSONS)
def test_whats_next_links_to_the_next_lesson(slug):
    text = section(slug, "What's next")
    index = LESSONS.index(slug)
    target = LESSONS[index + 1] if index + 1 < len(LESSONS) else LESSONS[0]
    assert f"({target}.ipynb)" in text, f"{slug}: 'What's next' should link to {target}.ipynb"


@pytest.mark.parametrize("slug", LESSONS)
def test_relative_links_resolve(slug):
    for text in cells(slug, "markdown"):
        for target in re.findall(r"\]\(([^)#\s]+)\)", text):
            if not re.match(r"^[a-z]+://", target):
                assert (NOTEBOOKS / target).exists(), f"{slug}: broken link {target}"


# ------------------------------------------------------------------------------ quizzes and objectives


@pytest.mark.parametrize("slug", LESSONS)
def test_quiz_call_names_this_lessons_existing_topic(slug, course):
    from lessons import questions

    quiz_calls = [args for name, args in calls(slug) if name == "quiz"]
    assert len(quiz_calls) == 1, f"{slug}: one quiz() call"
    topic = quiz_calls[0][0]
    assert questions.resolve_lesson(topic) == slug, f"{slug}: quiz({topic!r}) is another lesson's quiz"
    assert topic == questions.topic_of(slug)
    assert questions.questions_of(course, slug), f"{slug}: the {topic!r} quiz has no questions in the data"
    assert cell_after(slug, "Check your understanding").strip() == f'quiz("{topic}")'


@pytest.mark.parametrize("slug", LESSONS)
def test_lesson_has_three_to_five_objectives(slug, course):
    objectives = [o for o in course.extra.get("objective", {}).values() if o.lesson == slug]
    assert 3 <= len(objectives) <= 5, f"{slug}: {len(objectives)} objectives in lessons/data/objectives.yaml"


def test_every_objective_is_assessed_by_a_question(course):
    objectives = course.extra.get("objective", {})
    questions = course.extra.get("question", {}).values()
    assert objectives, "lessons/data/objectives.yaml has no objectives"
    for objective in objectives.values():
        assessing = [q.id for q in questions if objective.id in q.objectives]
        assert assessing, f"objective {objective.id} ({objective.lesson}) has no question"


# ---------------------------------------------------------------------------------- facts from data


def content_strings(course) -> list[str]:
    """Every string in the article, the content items and the sources."""
    texts = [course.article.text]

    def walk(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, (tuple, list)):
            for part in value:
                walk(part)
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))

    for item in list(course.items()) + list(course.sources.values()):
        walk(item)
    return texts


def normalise(text: str) -> str:
    """Straight quotes and single spaces, so line breaks in markdown do not matter."""
    return " ".join(text.translate(FOLD_QUOTES).split())


@pytest.fixture(scope="module")
def corpus(course) -> str:
    return "\n".join(normalise(text) for text in content_strings(course))


@pytest.mark.parametrize("slug", LESSONS)
def test_quotations_are_verbatim_from_the_article_or_the_data(slug, corpus):
    for text in cells(slug, "markdown"):
        for quoted in CURLY_QUOTE.findall(text):
            assert normalise(quoted) in corpus, f"{slug}: \u201c{quoted}\u201d is not in the article or data"


HIDDEN_SOURCES = re.compile(r"<!-- more sources: ([^>]*?) -->")
LINK_TARGET = re.compile(r"\]\((https?://[^)\s]+)\)")


@pytest.mark.parametrize("slug", LESSONS)
def test_citations_are_links_to_known_sources(slug, course):
    """Prose cites a source as a link named by its outlet; the rest of its sources sit in a hidden comment."""
    urls = {source.url for source in course.sources.values()}
    for text in cells(slug, "markdown"):
        shown = HIDDEN_SOURCES.sub("", text)
        assert not CITATION.search(shown), f"{slug}: cite {CITATION.search(shown).group(0)} as a link, not a number"
        for url in LINK_TARGET.findall(text):
            assert url in urls, f"{slug}: {url} is not a source in lessons/data/sources.yaml"
        for hidden in HIDDEN_SOURCES.findall(text):
            for source_id in hidden.split(", "):
                assert source_id in course.sources, f"{slug}: unknown source {source_id} in a hidden list"


@pytest.mark.parametrize("slug", LESSONS)
def test_code_cells_name_only_data(slug, course):
    """Code cells pass ids, lesson names and article fragments: never a typed fact, nor a FACTS.md number."""
    from lessons import questions

    known = set(course.sources) | {item.id for item in course.items()}
    for name, args in calls(slug):
        for arg in args:
            values = arg if isinstance(arg, list) else [arg]
            for value in values:
                if not isinstance(value, str):
                    continue
                if name == "show_fragment":
                    assert value in course.article.text, f"{slug}: {value!r} is not verbatim"
                elif name in ("show_objectives", "quiz", "checkpoint"):
                    questions.resolve_lesson(value)
                elif name == "show_table" and value in ("actors", "places", "events", "claims", "numbers", "terms",
                                                         "flags", "misconceptions", "sources"):
                    continue
                else:
                    assert value in known, f"{slug}: {name}({value!r}) names no content item"


@pytest.mark.parametrize("slug", LESSONS)
def test_code_cells_do_not_reveal_answers(slug):
    for text in cells(slug, "code"):
        assert not re.search(r"\b(answers?|solutions?|grade)\b|\.key\b", text), f"{slug}: {text!r}"


@pytest.mark.parametrize("slug", LESSONS)
def test_misconceptions_are_shown_only_as_misconceptions(slug, course):
    """A trap's belief never appears in a lesson's markdown, where it would read as a statement."""
    text = normalise("\n".join(cells(slug, "markdown")))
    for item in course.misconceptions.values():
        belief = normalise(item.belief).strip('"').rstrip(".")
        assert belief not in text, f"{slug}: states misconception {item.facts_id or item.id} in prose"


# ---------------------------------------------------------------------------------------- clean files


@pytest.mark.parametrize("path", all_notebook_paths(), ids=lambda p: str(p.relative_to(REPO)))
def test_notebook_is_committed_clean(path):
    notebook = load(path)
    assert notebook["metadata"] == {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}, (
        f"{path.name}: metadata must be only kernelspec and language_info {{name: python}}")
    for cell in notebook["cells"]:
        assert set(cell.get("metadata", {})) <= {"tags"}, f"{path.name}: cell metadata {cell['metadata']}"
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: a code cell has outputs"
            assert cell["execution_count"] is None, f"{path.name}: a code cell has an execution count"
        assert "attachments" not in cell or not cell["attachments"], f"{path.name}: a cell has attachments"


INSTRUCTOR_NOTE = re.compile(r"instructor note", re.IGNORECASE)


def learner_notebook_paths() -> list[Path]:
    """The notebooks learners work in: the lessons and the student exercises, not exercises/solutions."""
    return [p for p in all_notebook_paths() if "solutions" not in p.relative_to(REPO).parts]


def instructor_note_cells(notebook: dict) -> list[int]:
    """Indexes of the markdown cells that mention an instructor note (in any case)."""
    return [index for index, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "markdown" and INSTRUCTOR_NOTE.search(source_of(cell))]


@pytest.mark.parametrize("path", learner_notebook_paths(), ids=lambda p: str(p.relative_to(REPO)))
def test_learner_notebooks_hold_no_instructor_notes(path):
    """Notes for the teacher belong in the instructor guide, not in a notebook learners open."""
    found = instructor_note_cells(load(path))
    assert not found, (f"{path.relative_to(REPO)}: markdown cell(s) {found} hold an instructor note; "
                       f"move it to the lesson's section of notebooks/{GUIDE.name}")


@pytest.mark.parametrize("source, caught", [
    ("> **Instructor note.** Ask learners where each force was.", True),
    (["## 3. Borders\n", "\n", "**INSTRUCTOR NOTES:** T11 is subtle."], True),
    ("A reminder for the instructor: an instructor note, in lower case, mid-cell.", True),
    ("> **Note.** The map data has no boundary for Nagorno-Karabakh.", False),
])
def test_instructor_note_check_catches_notes_in_any_case_and_form(source, caught):
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "source": "# Instructor note: not markdown",
                           "outputs": [], "execution_count": None},
                          {"cell_type": "markdown", "metadata": {}, "source": source}]}
    assert instructor_note_cells(notebook) == ([1] if caught else [])


def test_learner_notebooks_are_the_lessons_and_student_exercises():
    folders = {p.parent.relative_to(REPO).as_posix() for p in learner_notebook_paths()}
    assert folders == {"notebooks", "exercises"}
    assert len(learner_notebook_paths()) == len(LESSONS) + len(list((REPO / "exercises").glob("*.ipynb")))


def test_exercises_are_checked_for_cleanliness_too():
    checked = {p.parent.relative_to(REPO).as_posix() for p in all_notebook_paths()}
    assert "notebooks" in checked
    if any((REPO / "exercises").rglob("*.ipynb")):
        assert any(folder.startswith("exercises") for folder in checked)


# ------------------------------------------------------------------------------------ instructor guide


def test_guide_covers_every_lesson_and_every_trap(course):
    guide = GUIDE.read_text(encoding="utf-8")
    for slug in LESSONS:
        assert f"{slug}.ipynb" in guide, f"the guide has no section for {slug}"
    traps = {item.facts_id for item in course.misconceptions.values() if item.facts_id}
    mentioned = set(re.findall(r"\bT\d+\b", guide))
    assert traps <= mentioned, f"the guide does not discuss {sorted(traps - mentioned)}"
    assert mentioned <= traps, f"the guide names traps that are not in the data: {sorted(mentioned - traps)}"
    flags = {item.facts_id for item in course.flags.values() if item.facts_id}
    assert flags <= set(re.findall(r"\bF\d+\b", guide))


def test_guide_points_to_keys_validation_and_deployment(repo):
    guide = GUIDE.read_text(encoding="utf-8")
    for needle in ("lessons/data/quizzes/", "exercises/solutions/", "pytest", ".binder/", "LESSONS_PROGRESS_DIR",
                   "python -m lessons check", "python -m lessons toc"):
        assert needle in guide, f"the guide should mention {needle}"
    for slug in LESSONS:
        part = re.search(rf"^### [^\n]*{slug}\.ipynb.*?(?=^### |\Z)", guide, flags=re.MULTILINE | re.DOTALL)
        assert part, f"the guide has no '### ... {slug}.ipynb' section"
        guide_minutes, notebook_minutes = TIMING.search(part.group(0)), TIMING.search(section(slug, "Timing"))
        assert guide_minutes and guide_minutes.groups() == notebook_minutes.groups(), f"{slug}: timings differ"


def test_binder_environment_installs_the_package(repo):
    requirements = (repo / ".binder" / "requirements.txt").read_text(encoding="utf-8").split()
    assert "." in requirements or "-e" in requirements, "the Binder environment must install this package"


def test_guide_citations_name_known_sources(course):
    cited = set(CITATION.findall(GUIDE.read_text(encoding="utf-8")))
    assert cited, "the guide cites its facts"
    assert cited <= set(course.sources), f"unknown sources: {sorted(cited - set(course.sources))}"
