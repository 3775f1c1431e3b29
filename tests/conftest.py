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
    """Flags every grading test passes to `python -m lessons grade`."""
    return ["--no-sandbox"]  # until the sandbox is wired in
