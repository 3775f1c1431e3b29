"""A trial hub on one machine, for course IT to try the course before a class: any name logs in with one
shared password, and every learner's server runs as the user that started the hub, with a home folder of its
own under LESSONS_HUB_TRIAL_HOMES. Learners are NOT separated from each other (same account): never use this
for a real class; use jupyterhub_config.py (one account per learner) instead. Start it as an unprivileged
account, never as root (every login would get a root server); it refuses root unless
LESSONS_HUB_TRIAL_ALLOW_ROOT=1 (a throw-away container, as in the test suite).

    LESSONS_HUB_TRIAL_PASSWORD=... LESSONS_HUB_TRIAL_HOMES=$PWD/trial-homes jupyterhub -f hub/trial_config.py
"""
import os
import sys
import tempfile
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file
as_root = hasattr(os, "geteuid") and os.geteuid() == 0
if as_root and os.environ.get("LESSONS_HUB_TRIAL_ALLOW_ROOT") != "1":
    sys.exit("trial_config.py: do not run the trial hub as root (every learner's server would run as root); "
             "start it as an unprivileged account")
if "LESSONS_HUB_RUNTIME_BASE" not in os.environ:
    # Kernel sockets need a short folder (see jupyterhub_config.py): a fresh one, made safely (unpredictable
    # name, mode 0700, owned by this account) even in a world-writable /tmp.
    os.environ["LESSONS_HUB_RUNTIME_BASE"] = tempfile.mkdtemp(prefix="jh-")
load_subconfig(str(Path(__file__).with_name("jupyterhub_config.py")))  # noqa: F821 - same network settings

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["LESSONS_HUB_TRIAL_PASSWORD"]  # required: no open hub
c.Authenticator.allow_all = True
c.Authenticator.admin_users = set()  # no admin password on a trial: nobody administers it through the hub
c.JupyterHub.spawner_class = "simple"
homes = Path(os.environ.get("LESSONS_HUB_TRIAL_HOMES", "trial-homes")).resolve()
c.SimpleLocalProcessSpawner.home_dir_template = str(homes / "{username}")
c.Spawner.notebook_dir = ""  # the home_dir_template folder
if as_root:
    # A throw-away container run as root: the single-user servers are root too, which Jupyter refuses unless
    # told. The real config runs each learner as their own account and needs none of this.
    c.Spawner.args = [*c.Spawner.args, "--allow-root"]
