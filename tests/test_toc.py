"""The generated table of contents is current in README.md and 00-start-here, and the generator works."""
from __future__ import annotations

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
