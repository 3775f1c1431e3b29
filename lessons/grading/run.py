"""Grade submissions: prepare a clean copy, run it (sandboxed by default) in its own folder, judge, repeat."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .judge import Run, exercises_of, rows_for
from .report import Row

SUBMISSION, EXECUTED = "submission.ipynb", "executed.ipynb"


@dataclass(frozen=True)
class Limits:
    """Per submission: one cell's time, the whole notebook's time, memory, and output kept."""

    cell_timeout: int = 60
    wall_time: int = 600
    memory_bytes: int = 2 * 1024 ** 3
    max_output: int = 5_000_000


@dataclass(frozen=True)
class Options:
    limits: Limits = Limits()
    exercise: str | None = None
    sandbox: bool = True
    cache_dir: str = ""  # a course cache the grader built for the kernels; "" means none


def prepare(notebook):
    """A copy that proves only itself: no stored output, no execution count, no tag that skips a cell."""
    import copy

    clean = copy.deepcopy(notebook)
    for cell in clean.cells:
        if cell.get("cell_type") == "code":
            cell.outputs, cell.execution_count = [], None
        cell.get("metadata", {}).pop("tags", None)
    return clean


def execute_command(work_dir: Path, limits: Limits) -> list[str]:
    """The command that runs a prepared submission in `work_dir` (the seam the sandbox wraps)."""
    return [sys.executable, "-m", "lessons.grading.execute", str(work_dir / SUBMISSION), str(work_dir / EXECUTED),
            "--timeout", str(limits.cell_timeout), "--max-output", str(limits.max_output)]


def plain_environment(work_dir: Path, cache_dir: str) -> dict[str, str]:
    """A short, fixed environment: none of the instructor's variables reach a submission."""
    home = work_dir / "home"
    home.mkdir(exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "HOME": str(home), "TMPDIR": str(work_dir), "PYTHONDONTWRITEBYTECODE": "1", "LESSONS_GRADING": "1",
           "LESSONS_CACHE_DIR": cache_dir, "LESSONS_SHARED_CACHE_DIR": "", "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(home)}
    return env


def run_unsandboxed(argv: list[str], work_dir: Path, options: Options) -> str | None:
    """Run without a sandbox (--no-sandbox): own session, fixed environment, killed at the wall time."""
    process = subprocess.Popen(argv, cwd=work_dir, env=plain_environment(work_dir, options.cache_dir),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(timeout=options.limits.wall_time)
        return None
    except subprocess.TimeoutExpired:
        return f"the notebook ran longer than {options.limits.wall_time} s in all and was stopped"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the kernel and anything it started
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()


def launcher(options: Options) -> Callable[[list[str], Path, Options], str | None]:
    """How a submission's command is run: in the sandbox, or (opted out) without it."""
    return run_sandboxed if options.sandbox else run_unsandboxed


def run_sandboxed(argv: list[str], work_dir: Path, options: Options) -> str | None:
    """Run in the bubblewrap sandbox with the options' caps; a sentence when the run was stopped."""
    from . import sandbox

    limits = options.limits
    result = sandbox.run_sandboxed(
        argv, work_dir, sandbox.Limits(memory=limits.memory_bytes, wall_time=limits.wall_time,
                                       output=limits.max_output),
        Path(options.cache_dir) if options.cache_dir else None)
    if result.timed_out:
        return f"the notebook ran longer than {limits.wall_time} s in all and was stopped"
    return None


def read_executed(path: Path, limits: Limits):
    """The executed notebook the run left, read as JSON only and size-capped; (notebook, problem).

    The run's folder was the submission's to write, so the file may be anything: it is read only if it is a
    regular file (not a symlink to the grader's own files or /dev/zero, not a FIFO that never ends), and never
    past the cap even if it says it is smaller."""
    import stat

    import nbformat

    cap = limits.max_output + 50_000_000
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None, "the run left no executed notebook (or left something else in its place)"
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None, "the run left something other than a notebook file in its place"
        data = handle.read(cap + 1)
    if len(data) > cap:
        return None, f"the executed notebook is over {cap:,} bytes, far beyond the output limit"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nbformat.reads(data.decode("utf-8"), as_version=4), None
    except Exception as error:
        return None, f"the executed notebook could not be read ({type(error).__name__})"


def grade_notebook(label: str, path: Path, notebook, options: Options) -> list[Row]:
    """Run one parsed submission in a folder of its own and return one row per expected check."""
    import nbformat

    from .execute import RUN_KEY

    exercises = exercises_of(path, notebook, options.exercise)
    work_dir = Path(tempfile.mkdtemp(prefix="lessons-grade-"))
    try:
        (work_dir / SUBMISSION).write_text(nbformat.writes(prepare(notebook)), encoding="utf-8")
        stopped = launcher(options)(execute_command(work_dir, options.limits), work_dir, options)
        executed, problem = read_executed(work_dir / EXECUTED, options.limits)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    if executed is None:
        executed = prepare(notebook)
        stopped = stopped or problem
        facts = {}
    else:
        facts = executed.metadata.get(RUN_KEY, {})
        facts = facts if isinstance(facts, dict) else {}
    timed_out = {i for i in facts.get("timed_out", []) if isinstance(i, int)}
    reason = stopped or (facts.get("stopped") if isinstance(facts.get("stopped"), str) else None)
    run = Run(executed, timed_out, reason, bool(facts.get("output_cut")))
    if len(run.notebook.cells) != len(notebook.cells):  # a run that rewrote its own notebook: trust nothing
        run = Run(prepare(notebook), set(), "the run changed the notebook's cells")
    return rows_for(label, exercises, notebook, run)


def grade_file(path: Path, options: Options, label: str | None = None) -> list[Row]:
    """Grade one submission file; an unreadable or invalid file gives error rows instead of raising."""
    import nbformat
    from nbformat.reader import NotJSONError

    from ..checks import ERROR, checks_for
    from .execute import first_line

    label = label or str(path)

    def failed(message: str) -> list[Row]:
        exercises = exercises_of(path, None, options.exercise)
        if not exercises:
            return [Row(label, "", "", ERROR, 0, 0, message)]
        return [Row(label, e, spec.name, ERROR, 0, spec.points, message) for e in exercises for spec in checks_for(e)]

    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return failed(f"the file could not be read ({type(exc).__name__}: {first_line(exc)})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. missing cell ids: harmless for grading
            notebook = nbformat.reads(text, as_version=4)
            nbformat.validate(notebook)
    except NotJSONError:
        return failed("the file is not valid JSON, so it is not a readable notebook; was it saved from Jupyter?")
    except Exception as exc:
        return failed(f"the file is not a valid notebook ({first_line(getattr(exc, 'message', exc))})")
    try:
        return grade_notebook(label, path, notebook, options)
    except Exception as exc:  # whatever a submission left, it ends only its own grading, never the run
        return failed(f"the submission could not be graded ({type(exc).__name__}: {first_line(exc)})")


def grade_all(paths: list[Path], options: Options, jobs: int = 1,
              progress: Callable[[int, Path, list[Row], float], None] | None = None) -> list[Row]:
    """Grade every submission, `jobs` at a time; rows come back in the order the paths were given."""
    import time

    def one(indexed):
        number, path = indexed
        started = time.monotonic()
        rows = grade_file(path, options)
        if progress:
            progress(number, path, rows, time.monotonic() - started)
        return rows

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(one, enumerate(paths, start=1)))
    return [row for rows in results for row in rows]


@contextlib.contextmanager
def course_cache_for_kernels(sandboxed: bool = False):
    """A fresh folder (its path yielded) holding the course cache, built from content the grader validated.

    For the sandbox it is built inside the sandbox's own layout (sandbox.prepare_cache, which also stores
    matplotlib's font list): the answer keys are absent there, so the package's digest differs from ours."""
    from .. import content, course_cache

    folder = Path(tempfile.mkdtemp(prefix="lessons-grade-cache-"))
    try:
        if sandboxed:
            from . import sandbox

            built = sandbox.prepare_cache(folder)
            if built.returncode != 0:  # the kernels then validate in full: slower, not wrong
                print(f"warning: could not prebuild the course cache in the sandbox: {built.output[-300:]}",
                      file=sys.stderr)
        else:
            key = content._inputs_digest(content.DATA_DIR, content.seed_dir())
            if key:
                course_cache.write(folder / course_cache.file_name(), content.load_course(), key)
        folder.chmod(0o555)  # read-only for the kernels; the sandbox also mounts it read-only
        yield str(folder)
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)
