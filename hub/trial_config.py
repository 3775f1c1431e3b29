"""A trial hub on one machine, for course IT to try the course before a class: any name logs in with one
shared password, and every learner's server runs as the user that started the hub, with a home folder of its
own under LESSONS_HUB_TRIAL_HOMES. Learners are NOT separated from each other (same account): never use this
for a real class; use jupyterhub_config.py (one account per learner) instead.

    LESSONS_HUB_TRIAL_PASSWORD=... LESSONS_HUB_TRIAL_HOMES=$PWD/trial-homes jupyterhub -f hub/trial_config.py
"""
import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file
load_subconfig(str(Path(__file__).with_name("jupyterhub_config.py")))  # noqa: F821 - same network settings

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ["LESSONS_HUB_TRIAL_PASSWORD"]  # required: no open hub, even on trial
c.Authenticator.allow_all = True
c.Authenticator.allowed_groups = set()
c.JupyterHub.spawner_class = "simple"
homes = Path(os.environ.get("LESSONS_HUB_TRIAL_HOMES", "trial-homes")).resolve()
c.SimpleLocalProcessSpawner.home_dir_template = str(homes / "{username}")
c.Spawner.notebook_dir = ""  # the home_dir_template folder
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Started as root (a fresh VM, a container): the single-user servers are root too, which Jupyter refuses
    # unless told. The real config runs each learner as their own account and needs none of this.
    c.Spawner.args = [*c.Spawner.args, "--allow-root"]
