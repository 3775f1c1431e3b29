"""A lesson as an app: Voilà serves it on 127.0.0.1, a quiz answers wrongly then rightly in Chromium, axe finds no
serious violation in its outputs, and no kernel outlives the server."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from axe_check import blocking, describe, run_axe
from lab_process import copy_course, free_port, lab_environment

REPO = Path(__file__).resolve().parents[2]
LESSON = "00-start-here"
OUTPUTS = ".jp-OutputArea-output"
# Serious or critical violations of Voilà's own page (outside the notebook's outputs), by axe rule id.
KNOWN_VOILA_RULES: dict[str, str] = {}


def kernel_processes(marker: str) -> list[str]:
    """'pid cmdline' of every ipykernel process whose command line names `marker` (our runtime folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        if "ipykernel_launcher" in command and marker in command:
            found.append(f"{entry.name} {command.strip()}")
    return found


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Voilà exited with code {process.returncode}:\n{log.read_text()[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.25)
    raise RuntimeError(f"Voilà did not listen on port {port} within {timeout:.0f}s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def voila(browser, tmp_path_factory):
    """Voilà serving one lesson from a copy of notebooks/; stopped with its process group, then kernels checked."""
    pytest.importorskip("voila", reason="Voilà is the optional [app] extra")
    base = tmp_path_factory.mktemp("voila")
    root = copy_course(REPO, base / "root", folders=("notebooks",))
    env = lab_environment(base / "state")  # a fresh JUPYTER_RUNTIME_DIR: kernels' connection files land there
    env["LESSONS_PROGRESS_DIR"] = str(base / "progress")
    runtime = env["JUPYTER_RUNTIME_DIR"]
    port, token = free_port(), secrets.token_hex(16)
    log = base / "voila.log"
    command = [sys.executable, "-m", "voila", f"notebooks/{LESSON}.ipynb", "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", f"--token={token}",
               f"--Voila.connection_dir_root={runtime}"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, process, log)
        yield {"url": f"http://127.0.0.1:{port}/?token={token}", "log": log, "runtime": runtime}
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # Voilà shuts its kernels down on SIGTERM
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while kernel_processes(runtime) and time.monotonic() < deadline:
            time.sleep(0.25)
        left = kernel_processes(runtime)
        for line in left:
            os.kill(int(line.split()[0]), signal.SIGKILL)
        assert not left, "kernels outlived the Voilà server and were killed:\n" + "\n".join(left)


def test_quiz_in_voila_answers_wrongly_then_rightly(browser, voila, course):
    from lessons.questions import questions_of

    question = next(q for q in questions_of(course, LESSON) if q.type == "single")
    wrong = next(option for option in question.options if option != question.answer)
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(voila["url"], wait_until="domcontentloaded", timeout=120_000)
        box = page.locator(".lessons-question", has_text=question.prompt)
        box.wait_for(timeout=120_000)
        assert kernel_processes(voila["runtime"]), "the lesson's kernel is not found by its connection file"
        feedback = box.locator(".lessons-feedback")

        box.get_by_label(wrong, exact=True).check()
        box.locator("button.lessons-check").click()
        feedback.filter(has_text="Not right").wait_for(timeout=15_000)

        box.get_by_label(question.answer, exact=True).check()
        box.locator("button.lessons-check").click()
        feedback.filter(has_text="Correct.").wait_for(timeout=15_000)
        assert " ".join(question.explanation.split()) in " ".join(feedback.inner_text().split())

        ours = blocking(run_axe(page, OUTPUTS))
        assert not ours, f"violations in the lesson's outputs under Voilà:\n{describe(ours)}"
        page_rules = blocking(run_axe(page, {"exclude": [OUTPUTS]}))
        unknown = [violation for violation in page_rules if violation["id"] not in KNOWN_VOILA_RULES]
        assert not unknown, f"Voilà page violations not in KNOWN_VOILA_RULES:\n{describe(unknown)}"
    finally:
        context.close()
