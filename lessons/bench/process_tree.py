"""Stop a server process (JupyterLab, JupyterHub) and every process it started, killing what outlives it."""
from __future__ import annotations

import signal
import subprocess
from typing import Callable


def stop_tree(process: subprocess.Popen, before: Callable[[], None] | None = None, timeout: float = 20) -> list[str]:
    """SIGTERM the server (after `before`, e.g. asking it to stop its kernels), wait, then kill its leftover
    descendants; return a description of each process that had to be killed."""
    import psutil  # ships with ipykernel, which every Jupyter kernel here needs

    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if process.poll() is None:
        if before is not None:
            before()
        process.send_signal(signal.SIGTERM)  # Jupyter servers stop their kernels on SIGTERM too
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
    # Kernels and single-user servers run in their own sessions (process groups), so check them one by one.
    _, alive = psutil.wait_procs(children, timeout=5)
    killed = []
    for proc in alive:
        try:
            killed.append(f"{proc.pid} {' '.join(proc.cmdline())}")
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    return killed
