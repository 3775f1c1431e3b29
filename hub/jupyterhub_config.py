"""JupyterHub for one machine: each learner logs in with their own account on this machine (PAM) and gets a
JupyterLab server running as that account, with the course installed once in the environment JupyterHub runs
from. Step by step, and what each setting is for: notebooks/INSTRUCTOR-GUIDE.md, "Teaching a class on
JupyterHub". Run it as root:  /opt/course/bin/jupyterhub -f /etc/jupyterhub/jupyterhub_config.py

Settings read from the environment (all optional):
  LESSONS_HUB_BIND_URL   where the hub listens (default http://127.0.0.1:8000: put a TLS reverse proxy in front)
  LESSONS_HUB_ADMINS     comma-separated accounts that may administer the hub (the instructors)
  LESSONS_HUB_GROUP      a Unix group whose members may log in (default: learners)
  LESSONS_HUB_STATE      folder for the hub's database and cookie secret (default: the working directory)
"""
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

environment_bin = Path(sys.executable).parent  # the environment the course and JupyterHub are installed in
state = Path(os.environ.get("LESSONS_HUB_STATE", ".")).resolve()

# Network: the hub, its proxy and every learner's server listen on loopback only; a reverse proxy (nginx,
# Caddy) terminates TLS and forwards to the bind URL. Nothing is reachable from outside except through it.
c.JupyterHub.bind_url = os.environ.get("LESSONS_HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:8001"
c.Spawner.ip = "127.0.0.1"

# State that must survive a restart of the hub, readable by root only.
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")

# Who may log in: local accounts (PAM), members of one group; instructors are admins.
c.JupyterHub.authenticator_class = "pam"
c.LocalAuthenticator.create_system_users = False  # accounts are made by course IT (adduser), not by the hub
c.Authenticator.allowed_groups = {os.environ.get("LESSONS_HUB_GROUP", "learners")}
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
# A class logs in at once: on a small machine 20 servers starting together need more than the 30 s default.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
# The course reads its validated content from the shared cache that `python -m lessons cache build` wrote
# into this environment (share/armenia-border-guards-course/); nothing needs setting for that. Progress is
# kept per learner in their own home (~/.local/share/armenia-border-guards-course/), and the learner's name
# comes from JUPYTERHUB_USER, which the hub sets in every server and kernel.
