"""Figures that time whole commands: nbval validation of the notebooks, and grading submissions."""
from __future__ import annotations

import csv
import fnmatch
import json
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

from .core import Figure, Target, skipped
from .session import Session

VALIDATION_TARGET = Target("ratio", 1.5)
GRADING_TARGET = None  # the brief sets no target: the ratio is reported as measured
SANDBOX_TARGET = Target("ratio", 1.3)  # issue 12: the sandbox adds little
JOBS_TARGET = None  # -j 2 against -j 1 on the cores there are: reported as measured
GRADING_SUBMISSIONS = 30
QUICK_NOTEBOOKS = 3  # --quick validates this many notebooks (and as many trivial ones)
QUICK_SUBMISSIONS = 3
PYTEST_TIMEOUT = 3600

# The floor's notebook: one trivial cell, so a run costs only pytest, nbval, xdist and kernel start-up.
TRIVIAL_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "floor", "metadata": {}, "outputs": [],
               "source": "1 + 1"}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                 "language_info": {"name": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def _pytest_ini(repo: Path) -> dict:
    return tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]


def course_notebooks(repo: Path) -> list[Path]:
    """The notebooks pytest collects under notebooks/ and exercises/ (norecursedirs applied)."""
    patterns = _pytest_ini(repo).get("norecursedirs", [])
    found = []
    for folder in ("notebooks", "exercises"):
        for path in sorted((repo / folder).rglob("*.ipynb")):
            parents = path.relative_to(repo).parts[:-1]
            if not any(fnmatch.fnmatch(part, pattern) for part in parents for pattern in patterns):
                found.append(path)
    return found


def write_trivial_notebooks(folder: Path, count: int) -> list[Path]:
    """`count` one-cell notebooks in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        path = folder / f"trivial_{number:02d}.ipynb"
        path.write_text(json.dumps(TRIVIAL_NOTEBOOK, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def pytest_command(repo: Path, rootdir: Path, paths: list[Path]) -> list[str]:
    """pytest with the project's config file and addopts, on explicit paths only (testpaths emptied)."""
    return [sys.executable, "-m", "pytest", "-c", str(repo / "pyproject.toml"), "--rootdir", str(rootdir),
            "-o", "testpaths=", "-q", "--durations=10", *(str(path) for path in paths)]


def timed_command(command: list[str], cwd: Path, env: dict, log_path: Path,
                  timeout: float = PYTEST_TIMEOUT) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, exit code, last line of its output). Output goes to `log_path`."""
    with log_path.open("wb") as log:
        started = time.perf_counter()
        try:
            code = subprocess.run(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            code = -1
        seconds = time.perf_counter() - started
    lines = [line.strip() for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines()]
    lines = [line for line in lines if line]
    return seconds, code, (lines[-1] if lines else "no output")


def _outcome_line(text: str) -> str:
    return re.sub(r"=+", "", text).strip()


def _without_duration(text: str) -> str:
    """pytest's summary without its 'in 12.34s', so runs with the same outcome read the same."""
    return re.sub(r"\s+in\s+[\d.]+s(\s+\([^)]*\))?$", "", text)


def validation(session: Session) -> list[Figure]:
    """nbval over notebooks/ and exercises/ against nbval over as many trivial notebooks, same options."""
    repo, settings = session.repo, session.settings
    notebooks = course_notebooks(repo)
    label = "validation: nbval, notebooks/ + exercises/"
    if not notebooks:
        return [skipped("validation", label, "s", "no notebooks under notebooks/ or exercises/", VALIDATION_TARGET)]
    if settings.quick:
        notebooks = notebooks[:QUICK_NOTEBOOKS]
        label = f"validation (quick: {len(notebooks)} notebooks)"
    trivial = write_trivial_notebooks(session.folder("validation-floor"), len(notebooks))
    figure = Figure("validation", label, "s", floor_label=f"nbval over {len(trivial)} one-cell notebooks",
                    target=VALIDATION_TARGET)
    measured = pytest_command(repo, repo, [path.relative_to(repo) for path in notebooks])
    floor = pytest_command(repo, trivial[0].parent, trivial)
    logs = session.folder("logs")
    runs = settings.runs_for(3)
    outcomes = Counter()
    for run in range(runs):
        # Alternate which goes first, so a change in background load falls on both alike.
        order = [("floor", floor, trivial[0].parent), ("measured", measured, repo)]
        for kind, command, cwd in order if run % 2 == 0 else order[::-1]:
            log_path = logs / f"validation-{kind}-{run}.log"
            seconds, code, last = timed_command(command, cwd, session.pytest_env(), log_path)
            session.log(f"  validation {kind} run {run + 1}/{runs}: {seconds:.1f} s ({_outcome_line(last)})")
            (figure.floor if kind == "floor" else figure.samples).append(seconds)
            if kind == "measured":
                outcomes[(code, _without_duration(_outcome_line(last)))] += 1
            elif code != 0:
                figure.notes.append(f"the floor run failed (exit {code}): {_outcome_line(last)}")
    figure.notes.append(f"{len(notebooks)} notebooks; options from pyproject.toml addopts; MPLBACKEND=Agg as in "
                        "tests/conftest.py")
    for (code, last), count in outcomes.items():
        state = "passed" if code == 0 else f"FAILED (exit {code})"
        figure.notes.append(f"validation {state} in {count} of {runs} run(s): {last}")
    return [figure]


def _grading_notebook(repo: Path) -> Path | None:
    solutions = sorted((repo / "exercises" / "solutions").glob("*.ipynb"))
    return solutions[0] if solutions else None


def _copies_of_a_solution(session: Session, count: int, name: str) -> tuple[list[Path], Path | None]:
    """`count` copies of the first solution notebook in a session folder `name` (empty without solutions)."""
    solution = _grading_notebook(session.repo)
    if solution is None:
        return [], None
    folder = session.folder(name)
    submissions = []
    for number in range(1, count + 1):
        copy = folder / f"{solution.stem}-learner{number:02d}.ipynb"  # the name still tells the exercise
        shutil.copyfile(solution, copy)
        submissions.append(copy)
    return submissions, solution


def grading(session: Session) -> list[Figure]:
    """`python -m lessons grade` on 30 copies of a solution, against 30 x the validation floor of one notebook."""
    repo, settings = session.repo, session.settings
    count = QUICK_SUBMISSIONS if settings.quick else GRADING_SUBMISSIONS
    label = f"grading: {count} submissions"
    submissions, solution = _copies_of_a_solution(session, count, "grading")
    if solution is None:
        return [skipped("grading", label, "s", "no solution notebook under exercises/solutions/", GRADING_TARGET)]
    folder = submissions[0].parent
    trivial = write_trivial_notebooks(session.folder("grading-floor"), 1)
    figure = Figure("grading", label, "s", floor_label=f"{count} x nbval over one one-cell notebook",
                    floor_scale=float(count), target=GRADING_TARGET)
    report = folder / "report.csv"
    grade = [sys.executable, "-m", "lessons", "grade", *(path.name for path in submissions), "--csv", report.name]
    floor = pytest_command(repo, trivial[0].parent, trivial)
    logs = session.folder("logs")
    runs, floor_runs = settings.runs_for(1), settings.runs_for(3)
    for run in range(max(runs, floor_runs)):
        if run < floor_runs:
            seconds, code, last = timed_command(floor, trivial[0].parent, session.pytest_env(),
                                                logs / f"grading-floor-{run}.log")
            figure.floor.append(seconds)
            session.log(f"  grading floor run {run + 1}/{floor_runs}: {seconds:.1f} s for one notebook")
        if run < runs:
            seconds, code, last = timed_command(grade, folder, session.env(), logs / f"grading-{run}.log")
            figure.samples.append(seconds)
            session.log(f"  grading run {run + 1}/{runs}: {seconds:.1f} s for {count} submissions")
            if code != 0:
                figure.notes.append(f"grade exited with {code}: {last}")
    figure.notes.append(f"submissions are copies of exercises/solutions/{solution.name}; "
                        + _grading_outcomes(report))
    return [figure]


def _paired_grading(session: Session, name: str, label: str, floor_label: str, target: Target | None,
                    measured_options: list[str], floor_options: list[str]) -> Figure:
    """Grade the same 30 copies with two sets of options, alternating which goes first in each run."""
    count = QUICK_SUBMISSIONS if session.settings.quick else GRADING_SUBMISSIONS
    submissions, solution = _copies_of_a_solution(session, count, name)
    label = f"{label} ({count} submissions)"
    if solution is None:
        return skipped(name, label, "s", "no solution notebook under exercises/solutions/", target)
    folder, logs = submissions[0].parent, session.folder("logs")
    figure = Figure(name, label, "s", floor_label=floor_label, target=target)
    base = [sys.executable, "-m", "lessons", "grade", *(path.name for path in submissions)]
    runs = session.settings.runs_for(1)
    for run in range(runs):
        order = [("floor", floor_options), ("measured", measured_options)]
        for kind, options in order if run % 2 == 0 else order[::-1]:
            report = f"report-{kind}.csv"
            seconds, code, last = timed_command([*base, *options, "--csv", report], folder, session.env(),
                                                logs / f"{name}-{kind}-{run}.log")
            (figure.floor if kind == "floor" else figure.samples).append(seconds)
            session.log(f"  {name} {kind} ({' '.join(options)}) run {run + 1}/{runs}: {seconds:.1f} s")
            if code != 0:
                figure.notes.append(f"grade {' '.join(options)} exited with {code}: {last}")
    for kind, options in (("measured", measured_options), ("floor", floor_options)):
        figure.notes.append(f"{' '.join(options)}: " + _grading_outcomes(folder / f"report-{kind}.csv"))
    return figure


def grading_sandbox(session: Session) -> list[Figure]:
    """Grading in the bubblewrap sandbox against the same grading with --no-sandbox, same run, same -j."""
    from ..grading.sandbox import sandbox_problem

    label = "grading: sandbox vs --no-sandbox"
    problem = sandbox_problem()
    if problem:
        return [skipped("grading-sandbox", label, "s", problem, SANDBOX_TARGET)]
    return [_paired_grading(session, "grading-sandbox", label, "the same with --no-sandbox", SANDBOX_TARGET,
                            ["-j", "2"], ["-j", "2", "--no-sandbox"])]


def grading_jobs(session: Session) -> list[Figure]:
    """Grading with -j 2 against -j 1 (sandboxed, the default)."""
    return [_paired_grading(session, "grading-jobs", "grading: -j 2 vs -j 1", "the same with -j 1", JOBS_TARGET,
                            ["-j", "2"], ["-j", "1"])]


def _grading_outcomes(report: Path) -> str:
    try:
        with report.open(newline="", encoding="utf-8") as handle:
            outcomes = Counter(row["outcome"] for row in csv.DictReader(handle))
    except (OSError, KeyError) as error:
        return f"no report to read ({error})"
    return "report: " + ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
