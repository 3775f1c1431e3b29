"""The class figures: N learners on a real JupyterHub start a kernel together and run lesson 00 to its first
quiz, against the same N learners' kernels running only `import matplotlib.pyplot, ipywidgets`, same hub run.

Each learner has their own single-user server (spawned once, before anything is timed) and their own learner
copy in their home; a sample is one learner's time from asking for the notebook's kernel (as JupyterLab does
on opening it) to the kernel being idle after the last cell. Memory is each learner's server and kernel
together, read while every kernel of the round is alive.
"""
from __future__ import annotations

import asyncio
import shutil
import time

from .core import Figure, Target, skipped
from .kernels import FLOOR_CODE
from .session import Session

MEDIAN_TARGET = Target("ratio", 1.3)
MAX_TARGET = Target("ratio", 1.5)


async def _round(hub, names: list[str], cells: list[str]) -> tuple[list[float], list[float], list[str]]:
    """Every learner at once: seconds to idle after `cells`, MiB of server + kernel, and any errors."""
    from .hub import Notebook

    async def one(name: str):
        started = time.perf_counter()
        notebook = await Notebook(hub, name).open()
        errors = []
        for cell in cells:
            errors += (await notebook.run(cell)).errors
        return notebook, time.perf_counter() - started, errors

    done = await asyncio.gather(*(one(name) for name in names))
    memory = [hub.memory_mib(name) for name in names]  # every kernel of the round still running
    await asyncio.gather(*(notebook.close() for notebook, _, _ in done))
    errors = [error for _, _, errors in done for error in errors]
    reconnects = sum(notebook.reconnects for notebook, _, _ in done)
    if reconnects:
        errors.append(f"{reconnects} kernel connection(s) closed by the server before the kernel answered "
                      "kernel_info (60 s) and opened again, as JupyterLab does")
    return [seconds for _, seconds, _ in done], memory, errors


def class_start(session: Session) -> list[Figure]:
    """N learners to lesson 00's first quiz vs N bare kernels, on one real hub; and memory per learner."""
    from ..content import build_cache
    from ..course_cache import SHARED_ENV
    from ..learner_copy import write_copy
    from .hub import COURSE_FOLDER, Hub, cells_to_first_quiz, missing_tools, run_sync

    count = min(session.settings.learners, 3) if session.settings.quick else session.settings.learners
    label = f"class: {count} learners, kernel to lesson 00's first quiz"
    floor_label = f"{count} kernels running `{FLOOR_CODE}` at once, same hub"
    missing = missing_tools()
    if missing:
        return [skipped("class", label, "s", "not installed: " + "; ".join(missing), MEDIAN_TARGET)]
    median = Figure("class", label, "s", floor_label=floor_label, target=MEDIAN_TARGET)
    slowest = Figure("class_max", f"class: slowest of {count} learners", "s",
                     floor_label="slowest of the floor's kernels", target=MAX_TARGET)
    memory = Figure("class_memory", "class: memory per learner (server + kernel)", "MiB",
                    floor_label="the same learner's server + floor kernel")
    cold = Figure("class_cold", f"class: {count} learners, no shared cache (each kernel validates)", "s",
                  floor_label=floor_label)
    cells = cells_to_first_quiz(session.repo / "notebooks" / "00-start-here.ipynb")
    names = [f"learner{number:02d}" for number in range(1, count + 1)]
    folder = session.folder("hub")
    shared = build_cache(session.folder("hub-shared-cache")).parent  # as .binder/postBuild does for an image
    hub = Hub(folder, environment={SHARED_ENV: str(shared)})
    for name in names:
        write_copy(hub.home(name) / COURSE_FOLDER, session.repo)
    errors: set[str] = set()
    spawned = 0.0
    hub.start()
    try:
        started = time.perf_counter()
        run_sync(_spawn_all(hub, names))
        spawned = time.perf_counter() - started
        session.log(f"  class: {count} servers spawned in {spawned:.1f} s")
        for code in ([FLOOR_CODE], cells):  # warm-up: bytecode and the disk cache, for both alike
            run_sync(_round(hub, names[:1], code))
        for run in range(session.settings.runs_for(2)):
            order = [("floor", [FLOOR_CODE]), ("lesson", cells)]
            for kind, code in order if run % 2 == 0 else order[::-1]:
                seconds, mib, found = run_sync(_round(hub, names, code))
                errors.update(found)
                if kind == "lesson":
                    median.samples += seconds
                    slowest.samples.append(max(seconds))
                    memory.samples += mib
                else:
                    median.floor += seconds
                    slowest.floor.append(max(seconds))
                    memory.floor += mib
                session.log(f"  class run {run + 1}, {kind}: median {sorted(seconds)[len(seconds) // 2]:.2f} s, "
                            f"max {max(seconds):.2f} s, {sum(mib) / len(mib):.0f} MiB per learner")
        # Once, informational: what the class would wait without the shared cache, every kernel validating the
        # course into its own empty per-user cache (set in a first cell, before the lesson imports the course).
        without_cache = [f"import os\nos.environ[{SHARED_ENV!r}] = ''\nos.environ['LESSONS_CACHE_DIR'] = "
                         f"os.path.expanduser('~/.cache/lessons-bench-cold')", *cells]
        seconds, _, found = run_sync(_round(hub, names, without_cache))
        errors.update(found)
        cold.samples += seconds
        session.log(f"  class without the shared cache: median {sorted(seconds)[len(seconds) // 2]:.2f} s, "
                    f"max {max(seconds):.2f} s")
    except Exception as error:
        raise RuntimeError(f"{type(error).__name__}: {error}; the hub's log ends:\n{hub.log_tail(15)}") from error
    finally:
        killed = hub.stop()
        shutil.copyfile(hub.log_path, session.folder("logs") / "class-jupyterhub.log")
        hub.remove_homes()
        if killed:
            median.notes.append("processes outlived the hub and were killed: " + "; ".join(killed))
    median.notes.append(f"JupyterHub with configurable-http-proxy and hub/trial_config.py; {count} servers "
                        f"spawned together beforehand in {spawned:.1f} s; every kernel reads the shared cache "
                        f"built by `python -m lessons cache build`; {len(cells)} code cells of lesson 00")
    slowest.notes.append("the slowest learner of each round against the slowest floor kernel of each round")
    memory.notes.append("resident memory (RSS) of each learner's jupyterhub-singleuser and kernel, summed; "
                        "informational")
    cold.floor = list(median.floor)
    cold.notes.append("informational: one round after the others, with the shared cache turned off and an empty "
                      "per-user cache in every kernel, as a class would wait without `lessons cache build`")
    for figure in (median, slowest, cold):
        figure.notes += [f"kernel: {error}" for error in sorted(errors)]
    return [median, slowest, memory, cold]


async def _spawn_all(hub, names: list[str]) -> None:
    await asyncio.gather(*(hub.spawn(name) for name in names))
