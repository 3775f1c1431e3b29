"""JupyterHub for one machine: each learner logs in with their own account on this machine (PAM) and gets a
JupyterLab server running as that account, with the course installed once in the environment JupyterHub runs
from. Step by step, and what each setting is for: notebooks/INSTRUCTOR-GUIDE.md, "Deploying for a class",
"JupyterHub". Run it as root:  /opt/course/bin/jupyterhub -f /etc/jupyterhub/jupyterhub_config.py

Settings read from the environment (all optional):
  LESSONS_HUB_BIND_URL   where the hub listens (default http://127.0.0.1:8000: put a TLS reverse proxy in front)
  LESSONS_HUB_ADMINS     comma-separated accounts that may administer the hub (the instructors)
  LESSONS_HUB_GROUP      a Unix group whose members may log in (default: learners)
  LESSONS_HUB_STATE      folder for the hub's database and cookie secret (default: the working directory)
  LESSONS_HUB_PROXY_API_PORT, LESSONS_HUB_PORT   the proxy's API port and the hub's own (default 8001, 8081)
  LESSONS_HUB_RUNTIME_BASE   short folder for each learner's kernel sockets (default /run/jupyter-course)
  LESSONS_HUB_IDLE_TIMEOUT   seconds before an idle kernel or server is stopped (default 3600)
"""
import importlib.util
import os
import pwd
import stat
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

environment_bin = Path(sys.executable).parent  # the environment the course and JupyterHub are installed in
state = Path(os.environ.get("LESSONS_HUB_STATE", ".")).resolve()

# Network: the hub, its proxy and every learner's server listen on loopback only; a reverse proxy (nginx,
# Caddy) terminates TLS and forwards to the bind URL. Nothing is reachable from outside except through it.
c.JupyterHub.bind_url = os.environ.get("LESSONS_HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("LESSONS_HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('LESSONS_HUB_PROXY_API_PORT', '8001'))}"
c.Spawner.ip = "127.0.0.1"

# State that must survive a restart of the hub, readable by root only.
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")

# Who may log in: local accounts (PAM), members of one group; instructors are admins.
c.JupyterHub.authenticator_class = "pam"
c.LocalAuthenticator.create_system_users = False  # accounts are made by course IT (adduser), not by the hub
c.PAMAuthenticator.allowed_groups = {os.environ.get("LESSONS_HUB_GROUP", "learners")}
c.Authenticator.admin_users = {name.strip() for name in os.environ.get("LESSONS_HUB_ADMINS", "").split(",")
                               if name.strip()}

# Each learner's server: JupyterLab from the course's environment, opened in their home folder.
c.JupyterHub.spawner_class = "localprocess"  # runs as the learner's own account
c.Spawner.cmd = [str(environment_bin / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# Kernels talk to their server over Unix sockets in the learner's runtime folder, not TCP ports: with a
# whole class starting kernels at once, servers picking "free" TCP ports race each other, and a kernel that
# loses the race dies at start ("Address already in use"). Sockets are local only, too.
c.Spawner.args = ["--KernelManager.transport=ipc"]
# Socket paths may not exceed 107 characters, and the default runtime folder (~/.local/share/jupyter/runtime)
# leaves a home of only ~28 characters room. Each learner's kernel sockets go to a short folder of their own
# instead: RUNTIME_BASE/NAME, made by the hub (root) in a base folder only root can write, owned by the learner,
# mode 0700 - so no other account can create, replace or read it.
RUNTIME_BASE = Path(os.environ.get("LESSONS_HUB_RUNTIME_BASE", "/run/jupyter-course"))
SOCKET_NAME_LENGTH = len("/kernel-00000000-0000-0000-0000-000000000000-ipc-99")  # jupyter_client's ipc names
SOCKET_PATH_LIMIT = 107


def private_folder(path: Path, uid: int, gid: int) -> None:
    """Make `path` a real folder owned by uid, mode 0700; refuse a symlink or another account's folder."""
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid not in (uid, os.geteuid()):
        raise RuntimeError(f"{path} is not a folder of this hub's or the learner's own; remove it")
    if info.st_uid != uid or info.st_gid != gid:
        os.chown(path, uid, gid, follow_symlinks=False)
    os.chmod(path, 0o700)  # a real folder (checked above) in a base folder no one else can write


def runtime_dir(spawner) -> str:
    """The learner's kernel-socket folder, created safely before their server starts (Spawner.environment)."""
    base = Path(os.environ.get("LESSONS_HUB_RUNTIME_BASE", str(RUNTIME_BASE)))
    folder = base / spawner.user.name
    if len(str(folder)) + SOCKET_NAME_LENGTH > SOCKET_PATH_LIMIT:
        raise RuntimeError(f"kernel socket folder {folder} is too long for Unix sockets ({SOCKET_PATH_LIMIT} "
                           "characters with the socket's name): set LESSONS_HUB_RUNTIME_BASE to a shorter folder")
    from jupyterhub.spawner import SimpleLocalProcessSpawner

    if os.geteuid() == 0 and not isinstance(spawner, SimpleLocalProcessSpawner):
        account = pwd.getpwnam(spawner.user.name)  # the real hub: the server runs as the learner's own account
        uid, gid = account.pw_uid, account.pw_gid
    else:  # the trial hub: every server runs as the hub's own account
        uid, gid = os.getuid(), os.getgid()
    base.mkdir(mode=0o755 if os.geteuid() == 0 else 0o700, parents=True, exist_ok=True)
    info = os.lstat(base)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise RuntimeError(f"{base} must be a folder owned by the hub's account and writable by it alone")
    private_folder(folder, uid, gid)
    return str(folder)


# A server started by a hub whose PATH is systemd's short default still finds the course's `python`,
# `jupyter` and `lessons` first in a learner's terminal.
c.Spawner.environment = {
    "JUPYTER_RUNTIME_DIR": runtime_dir,
    "PATH": os.pathsep.join([str(environment_bin), os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")]),
}
# Idle kernels are stopped after an hour (answers are saved as they are checked), unless a browser tab is still
# connected to them; idle servers are stopped by jupyterhub-idle-culler below.
IDLE_TIMEOUT = int(os.environ.get("LESSONS_HUB_IDLE_TIMEOUT", "3600"))
c.Spawner.args += [f"--MappingKernelManager.cull_idle_timeout={IDLE_TIMEOUT}",
                   "--MappingKernelManager.cull_interval=300", "--MappingKernelManager.cull_connected=False"]
if importlib.util.find_spec("jupyterhub_idle_culler") is not None:
    c.JupyterHub.services = [{"name": "idle-culler",
                              "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}"]}]
    c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
                                "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]
else:
    print("jupyterhub_config.py: jupyterhub-idle-culler is not installed, so idle servers are not stopped "
          "(pip install jupyterhub-idle-culler into the hub's environment)", file=sys.stderr)
# A class logs in at once: on a small machine 20 servers starting together need more than the 30 s default.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
# The course reads its validated content from the shared cache that `python -m lessons cache build` wrote
# into this environment (share/armenia-border-guards-course/); nothing needs setting for that. Progress is
# kept per learner in their own home (~/.local/share/armenia-border-guards-course/), and the learner's name
# comes from JUPYTERHUB_USER, which the hub sets in every server and kernel.
