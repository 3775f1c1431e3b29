"""Figures from fresh kernels: start-up to the first quiz shown, and peak memory after the longest lesson."""
from __future__ import annotations

import json
import subprocess
import time
import uuid
from pathlib import Path

from .core import Figure, Target, skipped
from .session import Session

KERNEL_TARGET = Target("ratio", 1.15)
FLOOR_CODE = "import matplotlib.pyplot, ipywidgets"
FIRST_QUIZ_CODE = 'import lessons\nfrom lessons import quiz\ndisplay(quiz("start-here"))'
TIMEOUT = 300


def _manager_class():
    """A blocking KernelManager that always starts ipykernel with this Python, whatever kernelspecs exist."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.manager import KernelManager

    class CurrentPythonKernelManager(KernelManager):
        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                self._kernel_spec = self.kernel_spec_manager.kernel_spec_class(resource_dir=RESOURCES,
                                                                              **get_kernel_dict())
            return self._kernel_spec

    return CurrentPythonKernelManager


class KernelRun:
    """A fresh kernel: start it, run cells, read its peak memory, shut it down (always, even on errors)."""

    def __init__(self, session: Session, env: dict, cwd: Path):
        self.session, self.env, self.cwd = session, env, cwd
        self.errors: list[str] = []
        self.manager = self.client = None

    def __enter__(self) -> "KernelRun":
        connection = self.session.folder("jupyter/runtime") / f"bench-kernel-{uuid.uuid4().hex}.json"
        self.manager = _manager_class()(kernel_name="python3", connection_file=str(connection))
        self.manager.start_kernel(env=self.env, cwd=str(self.cwd), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=TIMEOUT)
        return self

    def run(self, code: str) -> None:
        """Execute one cell and wait until the kernel is idle again (all its output has arrived)."""
        def on_output(message):
            if message["header"]["msg_type"] == "error":
                content = message["content"]
                self.errors.append(f"{content.get('ename')}: {content.get('evalue')}")

        reply = self.client.execute_interactive(code, store_history=False, timeout=TIMEOUT, output_hook=on_output)
        if reply["content"].get("status") != "ok" and not self.errors:
            self.errors.append(f"cell status {reply['content'].get('status')}")

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.manager, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def peak_memory_mib(self) -> float | None:
        """The kernel process's peak resident memory (VmHWM), in MiB."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text(encoding="utf-8")
        except (OSError, TypeError):
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def __exit__(self, *exc_info) -> None:
        if self.client is not None:
            self.client.stop_channels()
        if self.manager is not None and self.manager.has_kernel:
            try:
                self.manager.shutdown_kernel(now=False)
            except Exception:
                self.manager.shutdown_kernel(now=True)


def time_cells(session: Session, code: str, env: dict | None = None,
               cwd: Path | None = None) -> tuple[float, list[str]]:
    """Seconds from starting a fresh kernel until `code` has run and shown its output; and any errors."""
    started = time.perf_counter()
    with KernelRun(session, env or session.kernel_env(), cwd or session.repo / "notebooks") as kernel:
        kernel.run(code)
        return time.perf_counter() - started, kernel.errors


def kernel_startup(session: Session) -> list[Figure]:
    """Fresh kernel to the first quiz shown, against a fresh kernel importing matplotlib.pyplot and ipywidgets."""
    settings = session.settings
    warm = Figure("kernel", "kernel start-up: first quiz shown", "s",
                  floor_label=f"fresh kernel running `{FLOOR_CODE}`", target=KERNEL_TARGET)
    cold = Figure("kernel_cold", "kernel start-up, content cache empty", "s", floor_label=warm.floor_label)
    runs = settings.runs_for(7)
    time_cells(session, FLOOR_CODE)  # warm-up: disk cache and bytecode, for both alike
    time_cells(session, FIRST_QUIZ_CODE)
    errors = set()
    for run in range(runs):
        order = [("floor", FLOOR_CODE), ("measured", FIRST_QUIZ_CODE)]
        for kind, code in order if run % 2 == 0 else order[::-1]:
            seconds, found = time_cells(session, code)
            errors.update(found)
            (warm.floor if kind == "floor" else warm.samples).append(seconds)
        session.log(f"  kernel run {run + 1}/{runs}: floor {warm.floor[-1]:.2f} s, first quiz {warm.samples[-1]:.2f} s")
    # The first kernel after installing or editing the content validates it in full (and fills the cache).
    for run in range(max(1, runs // 3)):
        empty = session.folder(f"content-cache-cold-{run}")
        seconds, found = time_cells(session, FIRST_QUIZ_CODE, session.kernel_env() | {"LESSONS_CACHE_DIR": str(empty)})
        errors.update(found)
        cold.samples.append(seconds)
        session.log(f"  kernel with an empty content cache {run + 1}: {seconds:.2f} s")
    cold.floor = list(warm.floor)
    cold.notes.append("informational: the first kernel after installing or editing the content validates it "
                      "in full (jsonschema import and every check), then caches it")
    warm.notes.append(f"measured cell: {FIRST_QUIZ_CODE!r}; time from starting the kernel to idle after the cell")
    for figure in (warm, cold):
        figure.notes += [f"kernel error: {error}" for error in sorted(errors)]
    return [warm, cold]


def longest_lesson(repo: Path) -> Path | None:
    """The lesson notebook with the most code cells (then the most code)."""
    best, best_key = None, None
    for path in sorted((repo / "notebooks").glob("*.ipynb")):
        cells = [cell for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
                 if cell["cell_type"] == "code"]
        key = (len(cells), sum(len("".join(cell["source"])) for cell in cells))
        if best_key is None or key > best_key:
            best, best_key = path, key
    return best


def code_cells(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
               for cell in notebook["cells"] if cell["cell_type"] == "code"]
    return [source for source in sources if source.strip()]


def memory(session: Session) -> list[Figure]:
    """Peak memory of a kernel that ran every cell of the longest lesson, beside a kernel that ran the floor."""
    lesson = longest_lesson(session.repo)
    label = "memory: kernel peak after the longest lesson"
    if lesson is None:
        return [skipped("memory", label, "MiB", "no lesson notebooks under notebooks/")]
    figure = Figure("memory", f"memory: kernel peak after {lesson.stem}", "MiB",
                    floor_label=f"fresh kernel after `{FLOOR_CODE}`")
    errors = set()
    for _ in range(session.settings.runs_for(1)):
        with KernelRun(session, session.kernel_env(), lesson.parent) as kernel:
            for source in code_cells(lesson):
                kernel.run(source)
            peak = kernel.peak_memory_mib()
            errors.update(kernel.errors)
        with KernelRun(session, session.kernel_env(), lesson.parent) as kernel:
            kernel.run(FLOOR_CODE)
            floor = kernel.peak_memory_mib()
        if peak is None or floor is None:
            return [skipped("memory", figure.label, "MiB", "cannot read VmHWM from /proc/<pid>/status here")]
        figure.samples.append(peak)
        figure.floor.append(floor)
        session.log(f"  memory: {lesson.name} {peak:.0f} MiB, floor {floor:.0f} MiB")
    figure.notes.append(f"VmHWM of the kernel process after all {len(code_cells(lesson))} code cells of {lesson.name}")
    figure.notes += [f"cell error: {error}" for error in sorted(errors)]
    return [figure]
