"""Run the chosen figures in one isolated session and collect them, a failure in one never stopping the rest."""
from __future__ import annotations

import importlib
import shutil
import time
from pathlib import Path
from typing import Callable

from . import core
from .session import Session, Settings

# name -> (module under lessons.bench, function, what it measures); in the order of the table.
FIGURES = {
    "validation": ("processes", "validation", "nbval over notebooks/ and exercises/ vs trivial notebooks"),
    "kernel": ("kernels", "kernel_startup", "fresh kernel to the first quiz vs importing matplotlib+ipywidgets"),
    "quiz": ("widgets", "quiz_check", "a quiz Check handled in-process (p95)"),
    "redraws": ("widgets", "redraws", "timeline and map redraws in-process"),
    "browser": ("browser", "click_to_feedback", "Check click to feedback in JupyterLab/Chromium vs a bare quiz"),
    "grading": ("processes", "grading", "grading 30 submissions vs 30 x the one-notebook validation floor"),
    "memory": ("kernels", "memory", "peak kernel memory after the longest lesson"),
    "class": ("classroom", "class_start", "N learners on a real JupyterHub to lesson 00's first quiz vs N bare "
                                          "kernels"),
}


def measure(name: str, session: Session) -> list[core.Figure]:
    """One figure's results; an error becomes a skipped figure that says what went wrong."""
    module_name, function_name, _ = FIGURES[name]
    try:
        function = getattr(importlib.import_module(f"{__package__}.{module_name}"), function_name)
        return function(session)
    except Exception as error:  # one broken figure must not cost the others
        return [core.skipped(name, name, "-", f"failed: {type(error).__name__}: {error}")]


def run_benchmark(settings: Settings, names: list[str] | None = None, log: Callable[[str], None] | None = None,
                  keep_logs: Path | None = None) -> tuple[list[core.Figure], dict]:
    """Measure `names` (default: all) and return the figures and the JSON-ready report.

    The output of the timed commands (pytest with --durations, grade) is copied to `keep_logs` if given.
    """
    names = [name for name in FIGURES if name in (names or FIGURES)]
    started, clock, load_before = core.now(), time.perf_counter(), core.load_average()
    figures: list[core.Figure] = []
    warnings = []
    with Session(settings, log=log) as session:
        digest = _course_digest()  # taken before priming, so a change while priming counts too
        session.log(f"priming caches in {session.root} ...")
        session.log(f"  primed in {session.prime():.1f} s")
        for name in names:
            session.log(f"{name}: {FIGURES[name][2]} ...")
            figures += measure(name, session)
            if _course_digest() != digest:  # every kernel after this validates in full until one caches it
                digest = _course_digest()
                warnings.append(f"the course's code or content changed while {name!r} ran, so some kernels "
                                "validated the content in full (cold content cache); measure again when "
                                "nobody is editing lessons/")
        logs = session.root / "logs"
        if keep_logs is not None and logs.is_dir():
            shutil.rmtree(keep_logs, ignore_errors=True)
            shutil.copytree(logs, keep_logs)
    options = {"runs": settings.runs, "samples": settings.samples, "quick": settings.quick, "only": names}
    data = core.report(figures, options, started, core.now(), time.perf_counter() - clock, load_before,
                       core.load_average())
    data["warnings"] = warnings
    return figures, data


def _course_digest() -> str | None:
    """What keys the validated-content cache: any change to the package's code or content changes it."""
    try:
        from ..content import DATA_DIR, _inputs_digest, seed_dir
    except ImportError:  # a content module without the cache: nothing to warn about
        return None
    return _inputs_digest(DATA_DIR, seed_dir())
