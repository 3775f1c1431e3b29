"""`python -m lessons release`: student notebooks come from the solutions, stubbed, clean and up to date."""
from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from argparse import Namespace

import pytest

from lessons.checks import EXERCISES, checks_for
from lessons.cli import release
from lessons.release import BEGIN, END, ReleaseError, stub_for, strip_solutions


def test_committed_student_versions_match_their_solutions(repo, tmp_path):
    solutions = repo / "exercises" / "solutions"
    assert release.run(Namespace(solutions=solutions, out=tmp_path, check=False)) == 0
    fresh = sorted(p.name for p in tmp_path.glob("*.ipynb"))
    assert fresh == sorted(p.name for p in (repo / "exercises").glob("[0-9][0-9]-*.ipynb")), \
        "every solution has a committed student version and vice versa"
    for name in fresh:
        assert (repo / "exercises" / name).read_text(encoding="utf-8") == (tmp_path / name).read_text(encoding="utf-8"), \
            f"exercises/{name} is out of date: run `python -m lessons release`"


def test_one_notebook_per_exercise_named_after_it(repo):
    names = {p.stem for p in (repo / "exercises" / "solutions").glob("*.ipynb")}
    assert names == set(EXERCISES)


@pytest.fixture(scope="module")
def student_notebooks(repo):
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((repo / "exercises").glob("[0-9][0-9]-*.ipynb"))}


def _code(notebook):
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def test_student_versions_are_clean_and_hide_the_solutions(student_notebooks):
    for stem, notebook in student_notebooks.items():
        assert notebook["metadata"] == {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                                        "language_info": {"name": "python"}}, stem
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            assert BEGIN not in source and END not in source, stem
            assert cell["metadata"] == {}, stem
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, stem
        code = "\n".join(_code(notebook))
        assert "# YOUR CODE HERE" in code, stem
        for source in _code(notebook):
            ast.parse(source)  # every cell is still valid Python


def test_each_check_is_called_after_its_task(student_notebooks):
    for stem, notebook in student_notebooks.items():
        code = "\n".join(_code(notebook))
        called = re.findall(r'check\("(\w+)"', code)
        assert called == [c.name for c in checks_for(stem)], stem


def test_solutions_have_markers_and_follow_the_skeleton(repo):
    for path in sorted((repo / "exercises" / "solutions").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        markdown = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
        for heading in ("# Exercise", "## Overview", "## Prerequisites", "## Task 1", "## Summary", "## What's next"):
            assert heading in markdown, f"{path.name} lacks {heading!r}"
        code = "\n".join(_code(notebook))
        assert code.count(BEGIN) == code.count(END) >= len(checks_for(path.stem)) - 1
        assert "from lessons import check" in _code(notebook)[0]
        assert all(c.get("outputs", []) == [] for c in notebook["cells"] if c["cell_type"] == "code")


def test_stub_sets_names_used_later_to_none_and_hides_scratch_work():
    source = "x = 1\n### BEGIN SOLUTION\nscratch = [1, 2]\nanswer = len(scratch)\n### END SOLUTION\nprint(answer)"
    assert strip_solutions(source, "t") == "x = 1\nanswer = None  # YOUR CODE HERE\nprint(answer)"


def test_stub_handles_tuples_functions_and_later_cells():
    block = "fig, ax = make()\ndef helper(a, b=2):\n    '''Doc.'''\n    return a\nunused = 3"
    lines = stub_for(block, "t", used_later={"fig", "helper"})
    assert lines[0] == "fig = None  # YOUR CODE HERE"
    assert "def helper(a, b=2):" in lines and "    return None" in lines
    assert not any("unused" in line or "ax" in line for line in lines)
    source = f"{BEGIN}\nresult = 42\n{END}"
    assert strip_solutions(source, "t", later_code="check('x', result)") == "result = None  # YOUR CODE HERE"
    assert strip_solutions(source, "t", later_code="") == "# YOUR CODE HERE"


def test_a_block_inside_a_function_becomes_pass():
    source = f"def f(x):\n    '''Doc.'''\n    {BEGIN}\n    y = x + 1\n    return y\n    {END}\n\nf(1)"
    stubbed = strip_solutions(source, "t")
    assert stubbed == "def f(x):\n    '''Doc.'''\n    pass  # YOUR CODE HERE\n\nf(1)"
    namespace = {}
    exec(compile(stubbed, "t", "exec"), namespace)
    assert namespace["f"](1) is None


@pytest.mark.parametrize("source, message", [
    (f"{BEGIN}\nx = 1", "without END"),
    (f"x = 1\n{END}", "without BEGIN"),
    (f"{BEGIN}\n{BEGIN}\n{END}", "again before END"),
    (f"{BEGIN}\nx = (\n{END}", "does not parse"),
])
def test_broken_markers_give_a_sentence(source, message):
    with pytest.raises(ReleaseError, match=message):
        strip_solutions(source, "nb, cell 3")


def test_markers_in_markdown_are_refused():
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"{BEGIN}\nanswer\n{END}")])
    with pytest.raises(ReleaseError, match="only in code cells"):
        release.student_version(notebook, "nb")


def test_check_mode_reports_stale_versions_and_writes_nothing(repo, tmp_path, capsys):
    solutions = tmp_path / "solutions"
    shutil.copytree(repo / "exercises" / "solutions", solutions)
    out = tmp_path / "out"
    assert release.run(Namespace(solutions=solutions, out=out, check=True)) == 1
    assert not out.exists()
    assert "OUT OF DATE" in capsys.readouterr().out
    assert release.run(Namespace(solutions=solutions, out=out, check=False)) == 0
    assert release.run(Namespace(solutions=solutions, out=out, check=True)) == 0


def test_command_line_errors_are_sentences(tmp_path):
    result = subprocess.run([sys.executable, "-m", "lessons", "release", "--solutions", str(tmp_path / "none")],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "No solutions folder" in result.stdout and "Traceback" not in result.stderr
    (tmp_path / "01-broken.ipynb").write_text("{not json", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lessons", "release", "--solutions", str(tmp_path), "--out",
                             str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 1 and "cannot read it as a notebook" in result.stdout
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------------------------------------ the learner copy

def _all_text(folder):
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def test_learner_copy_has_lessons_and_student_exercises_but_no_solutions(repo, tmp_path):
    from lessons.learner_copy import write_copy

    write_copy(tmp_path / "copy")
    files = _all_text(tmp_path / "copy")
    lessons = sorted(p.name for p in (repo / "notebooks").glob("[0-9][0-9]*.ipynb"))
    assert sorted(n.split("/")[1] for n in files if n.startswith("notebooks/")) == lessons
    assert sorted(n.split("/")[1] for n in files if n.startswith("exercises/")) == \
        sorted(p.name for p in (repo / "exercises").glob("[0-9][0-9]-*.ipynb"))
    assert not any("solutions" in name or "INSTRUCTOR" in name for name in files)
    assert not any(BEGIN in text or END in text for text in files.values())
    for name in files:
        if name.startswith("exercises/"):  # the committed student versions, exactly (they are clean already)
            assert json.loads(files[name]) == json.loads((repo / name).read_text(encoding="utf-8"))


def test_learner_copy_drops_cells_tagged_instructor(repo, tmp_path):
    from lessons.learner_copy import write_copy

    fake = tmp_path / "repo"
    shutil.copytree(repo / "exercises", fake / "exercises")
    (fake / "notebooks").mkdir()
    notebook = json.loads((repo / "notebooks" / "00-start-here.ipynb").read_text(encoding="utf-8"))
    notebook["cells"].insert(1, {"cell_type": "markdown", "id": "teacher", "metadata": {"tags": ["instructor"]},
                                 "source": "Instructor note: the answer is Shirak."})
    (fake / "notebooks" / "00-start-here.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (fake / "notebooks" / "INSTRUCTOR-GUIDE.md").write_text("for teachers", encoding="utf-8")
    write_copy(tmp_path / "copy", fake)
    files = _all_text(tmp_path / "copy")
    assert "answer is Shirak" not in files["notebooks/00-start-here.ipynb"]
    assert len(json.loads(files["notebooks/00-start-here.ipynb"])["cells"]) == len(notebook["cells"]) - 1
    assert "notebooks/INSTRUCTOR-GUIDE.md" not in files


def test_learner_copy_never_overwrites_a_folder_it_did_not_write(tmp_path):
    from lessons.learner_copy import write_copy

    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(ReleaseError, match="not a learner copy"):
        write_copy(tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "keep me"
    write_copy(tmp_path / "copy")
    write_copy(tmp_path / "copy")  # a learner copy is rewritten in place


def test_learner_branch_holds_exactly_the_learner_copy(repo, tmp_path):
    """Committed with plumbing into a clone: its work tree and index are untouched, a second run adds nothing."""
    from lessons.learner_copy import commit_branch

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(repo), str(clone)], check=True)
    status_before = subprocess.run(["git", "-C", str(clone), "status", "--porcelain"], capture_output=True,
                                   text=True).stdout
    commit, made = commit_branch("learners", repo=clone)
    assert made
    files = subprocess.run(["git", "-C", str(clone), "ls-tree", "-r", "--name-only", "learners"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert "notebooks/00-start-here.ipynb" in files and "exercises/01-find-the-provinces.ipynb" in files
    assert not [f for f in files if "solutions" in f or "INSTRUCTOR" in f or f.startswith(("lessons/", "tests/"))]
    assert subprocess.run(["git", "-C", str(clone), "status", "--porcelain"], capture_output=True,
                          text=True).stdout == status_before
    assert commit_branch("learners", repo=clone) == (commit, False)


def test_release_prints_the_nbgitpuller_link(repo):
    command = [sys.executable, "-m", "lessons", "release", "--hub", "https://hub.example.org/",
               "--repository", "https://git.example.org/course/armenia-course.git"]
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == (
        "https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgit.example.org%2Fcourse"
        "%2Farmenia-course.git&branch=learners&targetpath=armenia-course&urlpath=lab%2Ftree%2F"
        "armenia-course%2Fnotebooks%2F00-start-here.ipynb")
    half = subprocess.run(command[:-2], cwd=repo, capture_output=True, text=True, timeout=300)
    assert half.returncode == 1 and "needs both" in half.stdout
