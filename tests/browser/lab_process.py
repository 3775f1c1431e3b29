"""Start, query and stop a throwaway JupyterLab server process for the browser tests."""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# User settings written into the server's private JUPYTERLAB_SETTINGS_DIR (a user-settings file per plugin is
# the supported JupyterLab 4 mechanism that needs no write into the installed app's settings dir).
USER_SETTINGS: dict[str, dict[str, Any]] = {
    # No news / update toast: it would cover the notebook and asks a question the tests cannot answer.
    "@jupyterlab/apputils-extension/notification": {"checkForUpdates": False, "fetchNews": "false"},
    # Keep every cell attached to the DOM, so outputs below the fold can be read and screenshotted.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}

# Environment variables that would change how a learner's kernel behaves (tests/conftest.py sets MPLBACKEND=Agg
# for headless unit tests; in JupyterLab figures must use the inline backend as they do for a learner).
_DROPPED_ENV = ("MPLBACKEND", "JUPYTER_TOKEN", "JUPYTER_PATH", "JUPYTER_PREFER_ENV_PATH")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_user_settings(settings_dir: Path, settings: dict[str, dict[str, Any]] = USER_SETTINGS) -> None:
    """Write one `<plugin>.jupyterlab-settings` file per entry of `settings`."""
    for plugin, values in settings.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")


@dataclass
class LabServer:
    """A running JupyterLab server and the way to talk to it."""

    process: subprocess.Popen
    url: str
    token: str
    root: Path
    log_path: Path

    def lab_url(self, path: str = "") -> str:
        """URL of JupyterLab (optionally opening `path`), in a fresh workspace, with the token."""
        tree = f"/tree/{path}" if path else ""
        return f"{self.url}lab{tree}?reset&token={self.token}"

    def api(self, method: str, path: str, timeout: float = 10) -> Any:
        """Call the REST API (`path` like 'api/kernels'); return decoded JSON or None."""
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server log, for error messages."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def shutdown_sessions(self) -> None:
        """Close every notebook session and its kernel, so each test starts with none running."""
        for session in self.api("GET", "api/sessions"):
            self.api("DELETE", f"api/sessions/{session['id']}", timeout=30)
        self.shutdown_kernels()

    def shutdown_kernels(self) -> None:
        """Shut down every kernel the server still runs."""
        for kernel in self.api("GET", "api/kernels"):
            try:
                self.api("DELETE", f"api/kernels/{kernel['id']}", timeout=30)
            except urllib.error.HTTPError as error:
                if error.code != 404:  # already gone with its session
                    raise

    def stop(self, timeout: float = 20) -> list[str]:
        """Shut kernels down, stop the server; return descriptions of processes that had to be killed."""
        from lessons.bench.process_tree import stop_tree

        def shutdown_kernels() -> None:
            try:
                self.shutdown_kernels()
            except (OSError, urllib.error.URLError):
                pass  # a server that stopped answering is killed all the same

        return stop_tree(self.process, shutdown_kernels, timeout)


def lab_command(port: int, token: str, root: Path) -> list[str]:
    """The command line that starts JupyterLab for the tests."""
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run commands, read notebook models
        # Belt and braces with the user setting: the server itself never fetches news or versions.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        # Safety net if a test run is killed before teardown: an idle server exits by itself.
        "--ServerApp.shutdown_no_activity_timeout=900",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def lab_environment(state_dir: Path) -> dict[str, str]:
    """A copy of os.environ with fresh Jupyter state dirs under `state_dir`."""
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
    for name, sub in (
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),  # hides the user's own kernelspecs; the venv's python3 kernel remains
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("IPYTHONDIR", "ipython"),
    ):
        path = state_dir / sub
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    return env


def copy_course(repo: Path, root: Path, folders: tuple[str, ...] = ("notebooks", "exercises")) -> Path:
    """Copy the course's notebook folders into `root`, so tests never dirty the repository."""
    root.mkdir(parents=True, exist_ok=True)
    for name in folders:
        source = repo / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            (root / name).mkdir()
    return root


def start_lab(root: Path, state_dir: Path, timeout: float = 90) -> LabServer:
    """Start JupyterLab serving `root`; return once /api/status answers, or raise with the server log."""
    state_dir.mkdir(parents=True, exist_ok=True)
    env = lab_environment(state_dir)
    write_user_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
    port, token = free_port(), secrets.token_hex(24)
    log_path = state_dir / "jupyterlab.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed command line
            lab_command(port, token, root), env=env, cwd=root,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    server = LabServer(process, f"http://127.0.0.1:{port}/", token, root, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {process.returncode}:\n{server.log_tail()}")
        try:
            server.api("GET", "api/status", timeout=2)
            return server
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f}s:\n{server.log_tail()}")
        time.sleep(0.25)
