"""One benchmark run: its settings, and a temp folder that holds every state its child processes write."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]

# Everything a kernel, pytest, matplotlib, IPython or Jupyter would write outside the repo goes under the
# session's temp folder instead, so a run leaves no state behind and never reads the person's own settings.
ISOLATED = {
    "LESSONS_PROGRESS_DIR": "progress",
    "LESSONS_CACHE_DIR": "content-cache",
    "LESSONS_SHARED_CACHE_DIR": "shared-content-cache",  # empty: never a cache built into the installed environment
    "MPLCONFIGDIR": "matplotlib",
    "IPYTHONDIR": "ipython",
    "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
    "JUPYTER_CONFIG_DIR": "jupyter/config",
    "JUPYTER_DATA_DIR": "jupyter/data",
    "XDG_CACHE_HOME": "xdg/cache",  # anything else that follows the XDG folders (fontconfig, ...)
    "XDG_CONFIG_HOME": "xdg/config",
    "XDG_DATA_HOME": "xdg/data",
}


@dataclass
class Settings:
    """How much to measure. None means each figure's own default, sized for about 10 minutes on 2 cores."""

    runs: int | None = None  # repetitions of a whole measurement (a pytest run, a fresh kernel, ...)
    samples: int | None = None  # clicks or redraws timed per run, for the latency figures
    quick: bool = False  # a smoke run: one run, few samples, a few notebooks
    learners: int = 20  # learners on the hub for the class figure

    def runs_for(self, default: int) -> int:
        if self.runs:
            return self.runs
        return 1 if self.quick else default

    def samples_for(self, default: int) -> int:
        if self.samples:
            return self.samples
        return min(default, 10) if self.quick else default


class Session:
    """The repo, the settings, a temp folder and the environment every child process of one run gets."""

    def __init__(self, settings: Settings, repo: Path = REPO, log: Callable[[str], None] | None = None):
        self.settings = settings
        self.repo = repo
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self._temp: tempfile.TemporaryDirectory | None = None
        self._saved_env: dict[str, str | None] = {}
        self.root = Path()

    def __enter__(self) -> "Session":
        self._temp = tempfile.TemporaryDirectory(prefix="lessons-bench-")
        self.root = Path(self._temp.name)
        for name, sub in ISOLATED.items():
            self._saved_env[name] = os.environ.get(name)
            os.environ[name] = str(self.folder(sub))
        return self

    def __exit__(self, *exc_info) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if self._temp is not None:
            self._temp.cleanup()

    def folder(self, name: str) -> Path:
        """A folder under the session's temp folder (created)."""
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def env(self, **changes: str | None) -> dict[str, str]:
        """A copy of the environment with `changes` (None removes a variable)."""
        env = dict(os.environ)
        for name, value in changes.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def pytest_env(self) -> dict[str, str]:
        """What the validation suite runs with: tests/conftest.py sets the Agg backend for every run."""
        return self.env(MPLBACKEND="Agg")

    def kernel_env(self) -> dict[str, str]:
        """What a learner's kernel runs with: no MPLBACKEND, so figures use the inline backend."""
        return self.env(MPLBACKEND=None)

    def prime(self) -> float:
        """Build matplotlib's font cache and the validated-content cache once in the fresh folders, so no figure
        pays a one-time cost that a machine in use has already paid. Returns the seconds it took."""
        started = time.perf_counter()
        code = "import matplotlib.pyplot, ipywidgets, lessons; lessons.load_course()"
        result = subprocess.run([sys.executable, "-c", code], env=self.kernel_env(), cwd=self.root,
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"could not load the course in a fresh process: {tail}")
        return time.perf_counter() - started
