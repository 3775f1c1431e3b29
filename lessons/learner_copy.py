"""The course as learners get it: lessons and student exercises, without solutions or instructor material.

A class on a hub usually receives material through an nbgitpuller link, which pulls a whole branch of a git
repository into each learner's home. The main branch holds `exercises/solutions/` and the instructor guide,
so the link must point at a branch that holds only this copy: the lesson notebooks with every cell tagged
`instructor` dropped, the student exercise notebooks written afresh from the solutions (so they cannot be
stale), and a short README. The course's Python package is not part of it: the hub's environment has it
installed (see hub/README.md).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

from .release import BEGIN, END, ReleaseError, release

REPO = Path(__file__).resolve().parents[1]
INSTRUCTOR_TAG = "instructor"  # the team's convention: such cells never reach a learner-facing output
MARKER = ".lessons-learner-copy"  # marks a folder this module wrote, so it may be rewritten
OPENED_FIRST = "notebooks/00-start-here.ipynb"
DEFAULT_BRANCH = "learners"

README = """# {title}

Work through the notebooks in `notebooks/` in order, starting with `00-start-here.ipynb`; the exercises are
in `exercises/`. Quiz answers are saved for you as you check them, and `python -m lessons progress` shows your
scores. Quiz scores are for your own practice: they are a self-assessment, not a mark.
"""


def _learner_cells(notebook: dict) -> dict:
    """The notebook without instructor cells, outputs, execution counts or metadata beyond the kernel."""
    cells = []
    for cell in notebook.get("cells", []):
        if INSTRUCTOR_TAG in (cell.get("metadata", {}).get("tags") or []):
            continue
        kept = {key: value for key, value in cell.items() if key in ("cell_type", "id", "source")}
        kept["metadata"] = {}
        if cell.get("cell_type") == "code":
            kept.update(execution_count=None, outputs=[])
        cells.append(kept)
    metadata = {key: notebook.get("metadata", {})[key] for key in ("kernelspec", "language_info")
                if key in notebook.get("metadata", {})}
    return {**notebook, "cells": cells, "metadata": metadata}


def _dump(notebook: dict) -> str:
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def learner_files(repo: Path = REPO) -> dict[str, str]:
    """Relative path -> text of every file in the learner copy."""
    files: dict[str, str] = {}
    for path in sorted((repo / "notebooks").glob("[0-9][0-9]*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        files[f"notebooks/{path.name}"] = _dump(_learner_cells(notebook))
    students = release(repo / "exercises" / "solutions", Path("exercises"))
    for path, text in students.items():
        files[f"exercises/{path.name}"] = _dump(_learner_cells(json.loads(text)))
    title = "Russian border guards leave Armenia's provinces: a course"
    files["README.md"] = README.format(title=title)
    problems = leaks(files)
    if problems:
        raise ReleaseError("the learner copy would give learners instructor material: " + "; ".join(problems))
    return files


def leaks(files: dict[str, str]) -> list[str]:
    """What in a learner copy a learner must not get: solutions, instructor files, instructor cells."""
    problems = []
    for name, text in files.items():
        parts = Path(name).parts
        if "solutions" in parts or "instructor" in name.lower():
            problems.append(f"{name} is instructor material")
        if BEGIN in text or END in text:
            problems.append(f"{name} contains a solution block")
        if name.endswith(".ipynb"):
            for cell in json.loads(text).get("cells", []):
                if INSTRUCTOR_TAG in (cell.get("metadata", {}).get("tags") or []):
                    problems.append(f"{name} has a cell tagged {INSTRUCTOR_TAG!r}")
    return problems


def write_copy(folder: Path, repo: Path = REPO) -> list[Path]:
    """Write the learner copy into `folder` (new, empty, or a learner copy written before); return its files."""
    folder = Path(folder)
    files = learner_files(repo)
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).is_file():
            raise ReleaseError(f"{folder} is not empty and is not a learner copy; choose a new folder")
        for child in folder.iterdir():
            if child.name != ".git":  # a folder that is itself a clone of the learners' branch keeps its history
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    written = []
    for name, text in {**files, MARKER: "written by `python -m lessons release --learner-copy`\n"}.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _git(repo: Path, *arguments: str, env: dict | None = None) -> str:
    done = subprocess.run(["git", "-C", str(repo), *arguments], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    if done.returncode != 0:
        raise ReleaseError(f"git {arguments[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def commit_branch(branch: str, repo: Path = REPO, message: str | None = None) -> tuple[str, bool]:
    """Commit the learner copy as the tip of `branch` in `repo`, without touching its work tree or index.

    Returns (commit id, whether a new commit was made: False when the branch already holds this copy).
    """
    identity = {}
    if not subprocess.run(["git", "-C", str(repo), "config", "user.name"], capture_output=True).stdout.strip():
        identity = {"GIT_AUTHOR_NAME": "lessons release", "GIT_AUTHOR_EMAIL": "lessons-release@localhost",
                    "GIT_COMMITTER_NAME": "lessons release", "GIT_COMMITTER_EMAIL": "lessons-release@localhost"}
    source = _git(repo, "rev-parse", "--short", "HEAD")
    with tempfile.TemporaryDirectory(prefix="lessons-learner-copy-") as scratch:
        tree_dir = Path(scratch) / "copy"
        write_copy(tree_dir, repo)
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        _git(repo, f"--work-tree={tree_dir}", "add", "--all", ".", env=index)
        tree = _git(repo, "write-tree", env=index)
    parent = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
                            capture_output=True, text=True).stdout.strip()
    if parent and _git(repo, "rev-parse", f"{parent}^{{tree}}") == tree:
        return parent, False
    message = message or f"Learner copy of the course from {source} (no solutions, no instructor material)"
    commit = _git(repo, "commit-tree", tree, *(["-p", parent] if parent else []), "-m", message, env=identity)
    _git(repo, "update-ref", f"refs/heads/{branch}", commit, *([parent] if parent else []))
    return commit, True


def nbgitpuller_link(hub: str, repository: str, branch: str = DEFAULT_BRANCH, folder: str | None = None,
                     open_path: str = OPENED_FIRST) -> str:
    """The link that pulls `branch` of `repository` into each learner's home on `hub` and opens lesson 00."""
    folder = folder or Path(urllib.parse.urlparse(repository).path.rstrip("/")).stem or "course"
    query = urllib.parse.urlencode({"repo": repository, "branch": branch, "targetpath": folder,
                                    "urlpath": f"lab/tree/{folder}/{open_path}"}, quote_via=urllib.parse.quote)
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"
