"""Shared test setup: isolate every run from the learner's own progress store and settings."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Set before any kernel starts (nbval, grading, browser tests), so kernels inherit it and a test run
# never reads or writes the progress of the person running it.
os.environ.setdefault("LESSONS_PROGRESS_DIR", tempfile.mkdtemp(prefix="lessons-progress-"))
os.environ.setdefault("LESSONS_CACHE_DIR", tempfile.mkdtemp(prefix="lessons-cache-"))
# No shared cache from the installed environment either: a run validates this checkout's content itself.
os.environ.setdefault("LESSONS_SHARED_CACHE_DIR", "")
os.environ.setdefault("MPLBACKEND", "Agg")
# Run on a hub (an instructor validating the course there), kernels would otherwise answer as that hub user.
os.environ.pop("JUPYTERHUB_USER", None)


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def course():
    """The real course, loaded and validated once."""
    from lessons.content import load_course

    return load_course()


@pytest.fixture
def data_copy(tmp_path):
    """A copy of the real content: `edit(file, old, new)` changes one passage; `.data` is the folder and
    `.problems()` loads it and returns the problems `lessons check` would report."""
    import shutil

    from lessons.content import DATA_DIR, ContentError, load_course

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)

    def edit(file: str, old: str, new: str) -> None:
        path = data / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"test setup: {old!r} should occur once in {file}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def problems() -> list[str]:
        with pytest.raises(ContentError) as caught:
            load_course(data_dir=data)
        return [str(problem) for problem in caught.value.problems]

    edit.data = data
    edit.problems = problems
    return edit


def pytest_configure(config):
    """Validate the course once, in the main process, so every kernel the run starts loads it from the cache."""
    if hasattr(config, "workerinput"):  # an xdist worker: the main process has done it
        return
    from lessons.content import ContentError, load_course

    try:
        load_course()
    except ContentError:
        pass  # tests/test_content.py reports every problem


@pytest.fixture(scope="session")
def grade_flags() -> list[str]:
    """Flags every grading test passes to `python -m lessons grade`: none, so grading runs in the sandbox.

    Where the sandbox cannot start, the grading tests still run, opted out (--no-sandbox), except under
    CI=true, where that is a failure: CI must prove the sandbox."""
    from lessons.grading.sandbox import sandbox_problem

    problem = sandbox_problem()
    if problem is None:
        return []
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"CI must grade in the sandbox: {problem}")
    return ["--no-sandbox"]


@pytest.fixture
def make_store_read_only(monkeypatch):
    """Call it to make progress files unwritable from then on (simulated: root ignores file modes)."""
    import sqlite3

    from lessons.progress import ProgressStore

    def apply():
        real_prepare = ProgressStore._prepare

        def read_only(self, conn):
            if conn.execute("PRAGMA database_list").fetchone()[2]:  # the file, not the in-memory fallback
                raise sqlite3.OperationalError("attempt to write a readonly database")
            real_prepare(self, conn)

        monkeypatch.setattr(ProgressStore, "_prepare", read_only)
    return apply
