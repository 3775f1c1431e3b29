"""The generated table of contents is current in README.md and 00-start-here, and the generator works."""
from __future__ import annotations

import dataclasses
import re
import shutil

import nbformat
import pytest

from lessons import toc
from lessons.__main__ import main

LESSONS = ["00-start-here", "01-reading-the-article", "02-context", "03-actors", "04-places", "05-timeline",
           "06-claims", "07-csto", "08-checking-sources", "09-review"]


def toc_cell_source(path) -> str:
    notebook = nbformat.read(path, as_version=4)
    cells = [c.source for c in notebook.cells if c.cell_type == "markdown" and toc.START in c.source]
    assert len(cells) == 1, "00-start-here needs exactly one markdown cell with the toc markers"
    return cells[0]


def test_entries_are_the_ten_lessons_in_order(repo):
    entries = toc.entries(repo / "notebooks")
    assert [f"{e.number}-{e.slug}" for e in entries] == LESSONS
    for entry in entries:
        assert entry.title.startswith(entry.number), entry  # headings read "NN · Title"


def test_readme_block_is_current(repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert toc.START in readme and toc.END in readme, (
        f"README.md lacks the {toc.START} ... {toc.END} markers; add them where the contents belong")
    expected = toc.render(toc.entries(repo / "notebooks"), "notebooks/")
    assert toc.current_block(readme, "README.md") == expected, "run `python -m lessons toc --write`"


def test_start_notebook_block_is_current(repo):
    source = toc_cell_source(repo / "notebooks" / toc.START_NOTEBOOK)
    expected = toc.render(toc.entries(repo / "notebooks"))
    assert toc.current_block(source, "00") == expected, "run `python -m lessons toc --write`"


def test_links_point_at_existing_notebooks(repo):
    for line in toc.render(toc.entries(repo / "notebooks"), "notebooks/").splitlines():
        target = line[line.index("](") + 2:-1]
        assert (repo / target).is_file(), target


@pytest.fixture
def copy_of_repo(repo, tmp_path):
    """README and notebooks copied to a temp folder, with the README given a marked block."""
    shutil.copytree(repo / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (tmp_path / "README.md").write_text(f"# Course\n\n{toc.START}\nold\n{toc.END}\n\nEnd.\n", encoding="utf-8")
    return tmp_path


def test_update_detects_and_fixes_stale_contents(copy_of_repo):
    start = copy_of_repo / "notebooks" / toc.START_NOTEBOOK
    notebook = nbformat.read(start, as_version=4)
    for cell in notebook.cells:
        if toc.START in cell.source:
            cell.source = toc.replace_block(cell.source, "stale", "00")
    nbformat.write(notebook, start)

    assert toc.update(copy_of_repo) == ["README.md", f"notebooks/{toc.START_NOTEBOOK}"]
    assert toc.update(copy_of_repo, write=True) == ["README.md", f"notebooks/{toc.START_NOTEBOOK}"]
    assert toc.update(copy_of_repo) == []
    readme = (copy_of_repo / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Course\n\n") and readme.endswith("\n\nEnd.\n")  # only the block changed
    assert "[00 " in readme and "(notebooks/09-review.ipynb)" in readme


def test_missing_readme_markers_leave_readme_alone_but_fix_the_notebook(copy_of_repo):
    readme = copy_of_repo / "README.md"
    readme.write_text("# Course without markers\n", encoding="utf-8")
    start = copy_of_repo / "notebooks" / toc.START_NOTEBOOK
    notebook = nbformat.read(start, as_version=4)
    for cell in notebook.cells:
        if toc.START in cell.source:
            cell.source = toc.replace_block(cell.source, "stale", "00")
    nbformat.write(notebook, start)

    with pytest.raises(toc.TocError, match="README.md has no"):
        toc.update(copy_of_repo, write=True)
    assert readme.read_text(encoding="utf-8") == "# Course without markers\n"
    assert "stale" not in toc_cell_source(start)


def test_notebook_without_heading_is_an_error(copy_of_repo):
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]),
                   copy_of_repo / "notebooks" / "10-extra.ipynb")
    with pytest.raises(toc.TocError, match="10-extra.ipynb has no"):
        toc.entries(copy_of_repo / "notebooks")


def test_command_line_check_and_write(copy_of_repo, monkeypatch, capsys):
    monkeypatch.setattr(toc, "REPO_DIR", copy_of_repo)
    assert main(["toc", "--check"]) == 1
    assert "Out of date: README.md" in capsys.readouterr().out
    assert main(["toc", "--write"]) == 0
    assert main(["toc", "--check"]) == 0
    assert "current" in capsys.readouterr().out
    (copy_of_repo / "README.md").write_text("no markers\n", encoding="utf-8")
    assert main(["toc", "--check"]) == 1
    out = capsys.readouterr().out
    assert "README.md has no" in out and "Traceback" not in out


def test_every_generated_block_is_current(repo):
    assert toc.update(repo) == [], "run `python -m lessons toc --write`"


def test_guide_blocks_follow_the_data_and_the_notebooks(copy_of_repo, course):
    guide = copy_of_repo / toc.GUIDE
    text = guide.read_text(encoding="utf-8")
    emptied = toc.GUIDE_BLOCK.sub(lambda m: m.group(1) + m.group(5), text)
    guide.write_text(emptied, encoding="utf-8")
    assert toc.GUIDE in toc.update(copy_of_repo, write=True)
    written = guide.read_text(encoding="utf-8")
    for match in toc.GUIDE_BLOCK.finditer(written):
        kind, slug, body = match.group(2), match.group(3), match.group(4)
        if kind == "objectives":
            ids = [o.id for o in course.extra["objective"].values() if o.lesson == slug]
            assert ids and all(f"`{i}`" in body for i in ids), slug
        else:
            shown = toc.misconceptions_shown(course, copy_of_repo / "notebooks" / f"{slug}.ipynb")
            labels = re.findall(r"^- \*\*(\S+)\.\*\* \*Misconception \(not true\):\*", body, flags=re.MULTILINE)
            expected = [course.misconceptions[i].facts_id or i for i in shown]
            assert labels == expected, slug


def test_guide_without_a_lessons_block_is_an_error(copy_of_repo):
    guide = copy_of_repo / toc.GUIDE
    text = guide.read_text(encoding="utf-8").replace("<!-- objectives 07-csto -->", "<!-- gone -->")
    guide.write_text(text, encoding="utf-8")
    with pytest.raises(toc.TocError, match="objectives 07-csto"):
        toc.update(copy_of_repo)


def test_a_call_without_arguments_shows_every_misconception(repo, course):
    assert toc.misconceptions_shown(course, repo / "notebooks" / "09-review.ipynb") == list(course.misconceptions)
    shown = toc.misconceptions_shown(course, repo / "notebooks" / "04-places.ipynb")
    numbers = {course.misconceptions[i].facts_id for i in shown}
    assert {"T1", "T6", "T11"} <= numbers and len(shown) < len(course.misconceptions)


# ------------------------------------------------------------------ what the course claims and how sure it is

CONFIDENCE_SECTION = "## What the course claims and how sure it is"
FLAG_LINE = re.compile(r"^- \*\*(\S+)\.\*\* .* Confidence: (\S+)\.(?: \[.*)?$", re.MULTILINE)
ITEM_LINE = re.compile(r"^  - .*?(?:: (\S+))? \((?:\S+; )?`([a-z0-9_]+)`\)$", re.MULTILINE)


def confidence_body(text: str) -> str:
    blocks = toc.CONFIDENCE_BLOCK.findall(text)
    assert len(blocks) == 1, f"the guide needs exactly one {toc.CONFIDENCE_START} ... {toc.CONFIDENCE_END} block"
    return blocks[0][1].strip("\n")


def test_confidence_section_is_before_the_lesson_plans_and_its_block_is_current(repo, course):
    guide = (repo / toc.GUIDE).read_text(encoding="utf-8")
    assert guide.count(f"\n{CONFIDENCE_SECTION}\n") == 1
    section = guide.split(f"\n{CONFIDENCE_SECTION}\n", 1)[1].split("\n## ", 1)[0]
    assert guide.index(CONFIDENCE_SECTION) < guide.index("\n## Lesson plans\n")
    assert toc.CONFIDENCE_START in section and toc.CONFIDENCE_END in section, "the block belongs in this section"
    assert confidence_body(guide) == toc.render_confidence(course), "run `python -m lessons toc --write`"
    prose = toc.CONFIDENCE_BLOCK.sub("", section)
    assert "generated" in prose and "lessons/data/flags.yaml" in prose  # says where the block comes from
    for grade in toc.confidence_grades():  # the hand-written words leave every grade to the data
        assert not re.search(rf"\b{re.escape(grade)}\b", prose, flags=re.IGNORECASE), grade


def test_confidence_block_lists_each_flag_and_every_item_below_the_top_grade(course):
    top = toc.confidence_grades()[0]
    body = toc.render_confidence(course)
    article = course.article
    assert f"confidence: {article.published_confidence}." in body.splitlines()[0]
    assert f"{article.published.day} {article.published:%B %Y}" in body.splitlines()[0]
    flags = dict(FLAG_LINE.findall(body))
    assert flags == {f.facts_id or f.id: f.confidence for f in course.flags.values()}
    for flag in course.flags.values():
        assert f'"{flag.article_says}"' in body and flag.title in body and f"Severity: {flag.severity}." in body
    graded, not_graded = body.split("**Not graded**") if "**Not graded**" in body else (body, "")
    listed = {item_id: grade for grade, item_id in ITEM_LINE.findall(graded)}
    expected = {i.id: i.confidence for i in course.items()
                if i.confidence not in (None, top) and i.kind != "flag"}
    assert listed == expected
    assert top not in listed.values()
    unlisted = {item_id for _, item_id in ITEM_LINE.findall(not_graded)}
    assert unlisted == {i.id for i in course.items() if i.confidence is None and i.kind not in course.extra}


def test_confidence_block_follows_the_article_metadata(course):
    other = next(g for g in toc.confidence_grades() if g != course.article.published_confidence)
    stated = dataclasses.replace(course, article=dataclasses.replace(
        course.article, published_inferred=not course.article.published_inferred, published_confidence=other))
    first, changed = toc.render_confidence(course).splitlines()[0], toc.render_confidence(stated).splitlines()[0]
    assert f"confidence: {other}." in changed and f"confidence: {course.article.published_confidence}." in first
    assert ("inferred;" in first) == course.article.published_inferred != ("inferred;" in changed)


def test_a_flag_graded_otherwise_in_a_copy_of_the_data_changes_the_guide(copy_of_repo, tmp_path, course,
                                                                        monkeypatch):
    """The section cannot disagree with the data: edit a flag's confidence in a copy, and the block follows."""
    from lessons import content

    flag = course.flags["f1_france24_month"]
    new = next(g for g in toc.confidence_grades() if g != flag.confidence)
    data = tmp_path / "data"
    shutil.copytree(content.DATA_DIR, data, ignore=shutil.ignore_patterns("__pycache__"))
    flags_file = data / "flags.yaml"
    text = flags_file.read_text(encoding="utf-8")
    edited, count = re.subn(rf"(- id: {flag.id}\n(?:  .*\n|    .*\n)*?  confidence: ){flag.confidence}\n",
                            rf"\g<1>{new}\n", text)
    assert count == 1
    flags_file.write_text(edited, encoding="utf-8")
    regraded = content.load_course(data_dir=data)
    assert regraded.flags[flag.id].confidence == new

    before, after = toc.render_confidence(course), toc.render_confidence(regraded)
    assert f"**{flag.facts_id}.** {flag.title}." in after
    assert dict(FLAG_LINE.findall(after))[flag.facts_id] == new != dict(FLAG_LINE.findall(before))[flag.facts_id]

    monkeypatch.setattr(content, "load_course", lambda *args, **kwargs: regraded)
    assert toc.GUIDE in toc.update(copy_of_repo)  # the committed guide now disagrees with the (edited) data
    toc.update(copy_of_repo, write=True)
    assert confidence_body((copy_of_repo / toc.GUIDE).read_text(encoding="utf-8")) == after
    assert toc.update(copy_of_repo) == []


def test_guide_without_the_confidence_block_is_an_error(copy_of_repo):
    guide = copy_of_repo / toc.GUIDE
    guide.write_text(guide.read_text(encoding="utf-8").replace(toc.CONFIDENCE_START, "<!-- gone -->"),
                     encoding="utf-8")
    with pytest.raises(toc.TocError, match="confidence"):
        toc.update(copy_of_repo)
