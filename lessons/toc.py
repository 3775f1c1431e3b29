"""Keep the course's generated contents current: the lesson list (README, 00), the guide's per-lesson blocks
and its confidence block (what the course claims and how sure it is)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
NOTEBOOK_NAME = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.ipynb$")
START = "<!-- toc -->"
END = "<!-- /toc -->"
START_NOTEBOOK = "00-start-here.ipynb"
GUIDE = "notebooks/INSTRUCTOR-GUIDE.md"
# In the guide, each lesson has `<!-- objectives NN-slug -->` and `<!-- misconceptions NN-slug -->` blocks.
GUIDE_BLOCK = re.compile(r"(<!-- (objectives|misconceptions) (\S+) -->\n)(.*?)(<!-- /\2 -->)", re.DOTALL)
# And one `<!-- confidence -->` block: what the course claims and how sure it is, from the data's grades.
CONFIDENCE_START = "<!-- confidence -->"
CONFIDENCE_END = "<!-- /confidence -->"
CONFIDENCE_BLOCK = re.compile(rf"({re.escape(CONFIDENCE_START)}\n)(.*?)({re.escape(CONFIDENCE_END)})", re.DOTALL)
# How the confidence block names a kind of item (plural: add "s"); any other kind goes by its own name.
KIND_NAMES = {"question": "quiz question"}


class TocError(Exception):
    """The table of contents cannot be built or placed (a notebook without a heading, missing markers)."""


@dataclass(frozen=True)
class Entry:
    """One lesson: its file name, number, slug and first `# ` heading."""

    file: str
    number: str
    slug: str
    title: str


def first_heading(notebook_path: Path) -> str:
    """The text of the first `# ` heading in the notebook's markdown cells."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        for line in source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    raise TocError(f"{notebook_path.name} has no '# ' heading in a markdown cell")


def entries(notebooks_dir: Path | None = None) -> list[Entry]:
    """Every `NN-slug.ipynb` lesson in the folder, in number order."""
    folder = Path(notebooks_dir) if notebooks_dir else REPO_DIR / "notebooks"
    found = []
    for path in sorted(folder.glob("*.ipynb")):
        match = NOTEBOOK_NAME.match(path.name)
        if match:
            found.append(Entry(path.name, match.group(1), match.group(2), first_heading(path)))
    if not found:
        raise TocError(f"no NN-slug.ipynb notebooks in {folder.name}/")
    return found


def render(lessons: list[Entry], link_prefix: str = "") -> str:
    """The contents as a Markdown list of links; `link_prefix` is the folder the links are relative to."""
    return "\n".join(f"1. [{entry.title}]({link_prefix}{entry.file})" for entry in lessons)


def replace_block(text: str, block: str, where: str) -> str:
    """`text` with everything between the toc markers replaced by `block`."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < 0 or end < start:
        raise TocError(f"{where} has no {START} ... {END} block; add the two markers where the contents go")
    return f"{text[:start + len(START)]}\n{block}\n{text[end:]}"


def current_block(text: str, where: str) -> str:
    """The text between the toc markers, without the surrounding newlines."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < 0 or end < start:
        raise TocError(f"{where} has no {START} ... {END} block")
    return text[start + len(START):end].strip("\n")


def _toc_cell_index(notebook, where: str) -> int:
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown" and START in cell.source and END in cell.source:
            return index
    raise TocError(f"{where} has no markdown cell with the {START} ... {END} markers")


def _sync_readme(repo: Path, lessons: list[Entry], write: bool) -> bool:
    readme = repo / "README.md"
    text = readme.read_text(encoding="utf-8")
    new_text = replace_block(text, render(lessons, "notebooks/"), "README.md")
    changed = new_text != text
    if changed and write:
        readme.write_text(new_text, encoding="utf-8")
    return changed


def _sync_start_notebook(repo: Path, lessons: list[Entry], write: bool) -> bool:
    import nbformat  # imported here: only this command and its test need notebooks as objects

    path = repo / "notebooks" / START_NOTEBOOK
    where = f"notebooks/{START_NOTEBOOK}"
    notebook = nbformat.read(path, as_version=4)
    cell = notebook.cells[_toc_cell_index(notebook, where)]
    new_source = replace_block(cell.source, render(lessons), where)
    changed = new_source != cell.source
    if changed and write:
        cell.source = new_source
        nbformat.write(notebook, path)
    return changed


def calls_in(notebook_path: Path, function: str) -> list[list[str]]:
    """The string arguments of each `function(...)` call in a notebook's code cells, one list per call."""
    import ast

    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    found = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == function:
                found.append([arg.value for arg in node.args
                              if isinstance(arg, ast.Constant) and isinstance(arg.value, str)])
    return found


def misconceptions_shown(course, notebook_path: Path) -> list[str]:
    """Ids of the misconceptions a lesson shows; a call without arguments shows them all."""
    from .views import _by_facts_id  # the same lookup the notebooks use

    calls = calls_in(notebook_path, "show_misconceptions")
    if any(not args for args in calls):
        return list(course.misconceptions)
    return list(dict.fromkeys(_by_facts_id(course, "misconceptions", [a for args in calls for a in args])))


def render_objectives(course, lesson: str) -> str:
    """A lesson's objectives from lessons/data/objectives.yaml, each with the quiz questions that assess it."""
    objectives = [o for o in course.extra.get("objective", {}).values() if o.lesson == lesson]
    if not objectives:
        raise TocError(f"lessons/data/objectives.yaml has no objectives for {lesson}")
    return "\n".join(f"{n}. {o.text} (`{o.id}`; assessed by {', '.join(f'`{q}`' for q in o.questions) or 'no question'})"
                     for n, o in enumerate(objectives, start=1))


def render_misconceptions(course, ids: list[str]) -> str:
    """Misconceptions by id, each framed as not true, with its correction and sources."""
    lines = []
    for item_id in ids:
        item = course.misconceptions[item_id]
        label = item.facts_id or item.id
        sources = "".join(f"[{s}]" for s in item.evidence.sources)
        lines.append(f"- **{label}.** *Misconception (not true):* {item.belief} "
                     f"*Correction:* {' '.join(item.correction.split())} {sources}".rstrip())
    return "\n".join(lines) or "- (this lesson shows no misconception of its own)"


def confidence_grades() -> tuple[str, ...]:
    """The confidence grades lessons/data/schema.yaml allows, strongest first, as the schema lists them."""
    import yaml

    from .content import DATA_DIR

    schema = yaml.safe_load((DATA_DIR / "schema.yaml").read_text(encoding="utf-8"))
    return tuple(schema["$defs"]["confidence"]["enum"])


def kind_name(kind: str, count: int = 1) -> str:
    """A kind of item in words, e.g. "quiz question", or "quiz questions" for a count other than one."""
    name = KIND_NAMES.get(kind, kind)
    return name if count == 1 else f"{name}s"


def item_label(course, item) -> str:
    """How the confidence block names an item: its name, title or words (never a misconception as fact)."""
    from .attribution import short_label

    kind = item.kind
    if kind == "event":
        return f"{item.title}, dated {item.date.label}"
    if kind == "claim":
        return f'{short_label(course.actors, item.speaker)}: "{item.quote}"'
    if kind == "number":
        return f'"{item.wording}": {item.refers_to.rstrip(".")}'
    if kind == "misconception":
        return f"*Misconception (not true):* {item.belief.rstrip('.')}"
    if kind == "question":
        return f"A question in the {item.lesson} quiz"
    return next((getattr(item, field) for field in ("name", "title", "term", "text") if getattr(item, field, None)),
                item.id)


def _item_line(course, item, grade: str | None) -> str:
    where = "; ".join(filter(None, (item.facts_id, f"`{item.id}`")))
    return f"  - {item_label(course, item)}{f': {grade}' if grade else ''} ({where})"


def render_confidence(course, grades: tuple[str, ...] | None = None) -> str:
    """What the course claims and how sure it is, every grade exactly as the data gives it.

    The article's publication date; each flag in lessons/data/flags.yaml; every other item graded below the
    strongest grade the schema allows, by kind; then the items the data leaves ungraded.
    """
    top = (grades or confidence_grades())[0]
    article = course.article
    published = f"{article.published.day} {article.published:%B %Y}"
    how = "inferred" if article.published_inferred else "as the article gives it"
    lines = [f"**The article's publication date:** {published}, {how}; confidence: {article.published_confidence}. "
             f"Why: {' '.join(article.published_reasoning.split())}", "",
             "**The flags** (`lessons/data/flags.yaml`), where the article is wrong or imprecise:", ""]
    for flag in course.flags.values():
        sources = "".join(f"[{s}]" for s in flag.evidence.sources)
        lines.append(f"- **{flag.facts_id or flag.id}.** {flag.title}. Severity: {flag.severity}. "
                     f'The article\'s words: "{flag.article_says}". Confidence: {flag.confidence}. {sources}'.rstrip())

    below: dict[str, list] = {}
    ungraded: dict[str, list] = {}
    for item in course.items():
        if item.confidence is None:
            ungraded.setdefault(item.kind, []).append(item)
        elif item.confidence != top:
            below.setdefault(item.kind, []).append(item)
    lines += ["", f"**Items graded below {top}**, by kind (`lessons/data/`):", ""]
    for kind, items in below.items():
        if kind == "flag":
            lines.append(f"- *{kind_name(kind, 2).capitalize()}:* {', '.join(f.facts_id or f.id for f in items)} "
                         f"(above)")
        else:
            lines += [f"- *{kind_name(kind, 2).capitalize()}:*", *(_item_line(course, i, i.confidence) for i in items)]
    if not below:
        lines.append(f"- (none: every graded item is graded {top})")

    if ungraded:
        lines += ["", "**Not graded** (the data gives no confidence):", ""]
        for kind, items in ungraded.items():
            if kind in course.extra:  # quiz questions and objectives: counted, not listed
                lines.append(f"- {len(items)} {kind_name(kind, len(items))}")
            else:
                lines += [f"- *{kind_name(kind, 2).capitalize()}:*", *(_item_line(course, i, None) for i in items)]
    return "\n".join(lines)


def _sync_guide(repo: Path, lessons: list[Entry], write: bool) -> bool:
    from .content import load_course  # imported here: only the guide's blocks need the content

    course = load_course()
    guide = repo / GUIDE
    text = guide.read_text(encoding="utf-8")
    slugs = [f"{entry.number}-{entry.slug}" for entry in lessons]
    found = {(m.group(2), m.group(3)) for m in GUIDE_BLOCK.finditer(text)}
    missing = [f"<!-- {kind} {slug} -->" for slug in slugs for kind in ("objectives", "misconceptions")
               if (kind, slug) not in found]
    if missing:
        raise TocError(f"{GUIDE} lacks the blocks {', '.join(missing)}")
    if len(CONFIDENCE_BLOCK.findall(text)) != 1:
        raise TocError(f"{GUIDE} needs exactly one {CONFIDENCE_START} ... {CONFIDENCE_END} block "
                       f"(in the section 'What the course claims and how sure it is')")

    def fill(match: re.Match) -> str:
        kind, slug = match.group(2), match.group(3)
        if slug not in slugs:
            raise TocError(f"{GUIDE} has a block for {slug}, which is not a lesson")
        if kind == "objectives":
            body = render_objectives(course, slug)
        else:
            body = render_misconceptions(course, misconceptions_shown(course, repo / "notebooks" / f"{slug}.ipynb"))
        return f"{match.group(1)}{body}\n{match.group(5)}"

    new_text = GUIDE_BLOCK.sub(fill, text)
    new_text = CONFIDENCE_BLOCK.sub(lambda m: f"{m.group(1)}{render_confidence(course)}\n{m.group(3)}", new_text)
    changed = new_text != text
    if changed and write:
        guide.write_text(new_text, encoding="utf-8")
    return changed


TARGETS = {"README.md": _sync_readme, f"notebooks/{START_NOTEBOOK}": _sync_start_notebook, GUIDE: _sync_guide}


def update(repo_dir: Path | None = None, write: bool = False) -> list[str]:
    """Compare (and with `write`, rewrite) the generated blocks in README.md, the 00 notebook and the guide.

    Returns the files that were out of date. Each file is handled on its own, so a file without
    markers is left untouched while the others are still updated; then TocError names every problem.
    """
    repo = Path(repo_dir) if repo_dir else REPO_DIR
    lessons = entries(repo / "notebooks")
    from .content import ContentError  # the guide's blocks are rendered from the content

    stale, problems = [], []
    for name, sync in TARGETS.items():
        try:
            if sync(repo, lessons, write):
                stale.append(name)
        except (TocError, OSError, KeyError) as exc:
            problems.append(str(exc).strip("'\""))
        except ContentError as exc:
            problems.append(f"{name} cannot be rendered: the content does not validate ({len(exc.problems)} problems)")
    if problems:
        raise TocError("; ".join(problems))
    return stale
