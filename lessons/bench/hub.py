"""A real JupyterHub class on this machine: the hub from PyPI, configurable-http-proxy from npm, the committed
trial config (hub/trial_config.py), and learners driving their own JupyterLab servers through the proxy.

Used by the class test (tests/test_hub.py) and the class figure of `python -m lessons bench`. Every server
binds 127.0.0.1. Learners talk to their server the way JupyterLab does: the REST API (contents, sessions)
and the kernel's WebSocket, each with a token the hub issued for that learner only.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TRIAL_CONFIG = REPO / "hub" / "trial_config.py"
PROXY = "configurable-http-proxy"
COURSE_FOLDER = "course"  # where each learner's copy of the course sits in their home, as nbgitpuller puts it
LESSON = f"{COURSE_FOLDER}/notebooks/00-start-here.ipynb"
MAX_CONNECTIONS = 500

# Loaded after the committed trial config: loopback ports of this run, a service token for the harness, and
# `USER=jovyan` as Docker and Kubernetes images set it for every learner.
CLASS_CONFIG = '''
import os
from jupyterhub.spawner import SimpleLocalProcessSpawner

c = get_config()
load_subconfig({trial!r})
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.services = [{{"name": "lessons-class", "api_token": os.environ["LESSONS_CLASS_TOKEN"]}}]
c.JupyterHub.load_roles = [{{"name": "lessons-class", "services": ["lessons-class"],
                             "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"]}}]
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.active_server_limit = 0


class ContainerLikeSpawner(SimpleLocalProcessSpawner):
    """Every learner's process says USER=jovyan, as in repo2docker and Zero to JupyterHub images."""

    def user_env(self, env):
        env = super().user_env(env)
        env["USER"] = env["LOGNAME"] = "jovyan"
        return env


c.JupyterHub.spawner_class = ContainerLikeSpawner
c.Spawner.environment = {environment!r}
'''


class HubUnavailable(RuntimeError):
    """JupyterHub or configurable-http-proxy is not installed here."""


def missing_tools() -> list[str]:
    """What a real hub needs that is not installed: the jupyterhub package, the npm proxy."""
    missing = []
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        missing.append("the jupyterhub package (pip install -e \".[test]\")")
    if shutil.which(PROXY) is None:
        missing.append(f"{PROXY} (npm install -g {PROXY})")
    return missing


def run_sync(coroutine):
    """Run a coroutine to its end on a fresh event loop in a thread of its own, and return its result.

    Not asyncio.run in the caller's thread: a test process may already run a loop there (Playwright's sync
    API, a kernel client), and asyncio.run refuses to start inside one.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class KernelConnectionClosed(RuntimeError):
    """The server closed the kernel's WebSocket (a kernel that did not answer in time, or one that died)."""


@dataclass
class Reply:
    """What one executed cell gave: printed text, error lines, and the status of the reply."""

    status: str
    stdout: str = ""
    errors: list[str] = field(default_factory=list)


class Hub:
    """A running JupyterHub with the trial config; learners are spawned and driven through its proxy."""

    def __init__(self, folder: Path, environment: dict[str, str] | None = None):
        self.folder = Path(folder)
        # Kernels use Unix sockets under each home (hub/jupyterhub_config.py), whose paths may not exceed 107
        # characters: homes get a short folder of their own, as /home/NAME is short on a real machine.
        self.homes = Path(tempfile.mkdtemp(prefix="lh-"))
        self.environment = dict(environment or {})
        self.token = secrets.token_hex(32)
        self.password = secrets.token_hex(12)  # the trial config's one shared password
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.log_path = self.folder / "jupyterhub.log"
        self.learner_tokens: dict[str, str] = {}

    # -- the hub process -------------------------------------------------------------------------------------------

    def start(self, timeout: float = 120) -> "Hub":
        missing = missing_tools()
        if missing:
            raise HubUnavailable("not installed: " + "; ".join(missing))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.homes.mkdir(exist_ok=True)
        port = free_port()
        config = self.folder / "class_config.py"
        config.write_text(CLASS_CONFIG.format(trial=str(TRIAL_CONFIG), port=port, hub_port=free_port(),
                                              proxy_port=free_port(), environment=self.environment),
                          encoding="utf-8")
        env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTERHUB_", "LESSONS_"))}
        env.update(LESSONS_CLASS_TOKEN=self.token, LESSONS_HUB_TRIAL_PASSWORD=self.password,
                   LESSONS_HUB_TRIAL_HOMES=str(self.homes), LESSONS_HUB_STATE=str(self.folder))
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command line
                [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=self.folder, env=env,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                run_sync(self._request("GET", "/hub/api/", timeout=2))
                return self
            except Exception:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"JupyterHub did not answer within {timeout:.0f} s:\n{self.log_tail()}")
                time.sleep(0.3)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 30) -> list[str]:
        """Stop the hub, its proxy and every learner's server; return what had to be killed."""
        from .process_tree import stop_tree

        if self.process is None:
            return []

        def stop_servers() -> None:
            try:
                run_sync(self._stop_servers())
            except Exception:
                pass  # a hub that no longer answers is stopped all the same

        return stop_tree(self.process, stop_servers, timeout)

    def remove_homes(self) -> None:
        """Delete the learners' homes (call after `stop`)."""
        shutil.rmtree(self.homes, ignore_errors=True)

    def __enter__(self) -> "Hub":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
        self.remove_homes()

    # -- HTTP ------------------------------------------------------------------------------------------------------

    async def _request(self, method: str, path: str, body=None, token: str | None = None, timeout: float = 120,
                       raw: bool = False):
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest

        AsyncHTTPClient.configure(None, max_clients=MAX_CONNECTIONS)  # a whole class at once, never queued
        request = HTTPRequest(self.url + path, method=method, request_timeout=timeout, connect_timeout=timeout,
                              headers={"Authorization": f"token {token or self.token}"},
                              body=None if body is None and method == "GET" else json.dumps(body or {}),
                              allow_nonstandard_methods=True)
        response = await AsyncHTTPClient().fetch(request)
        if raw:
            return response.body
        return json.loads(response.body) if response.body else None

    async def _stop_servers(self) -> None:
        users = await self._request("GET", "/hub/api/users", timeout=10)
        await asyncio.gather(*(self._request("DELETE", f"/hub/api/users/{user['name']}/server", timeout=60)
                               for user in users if user.get("servers")), return_exceptions=True)

    # -- learners --------------------------------------------------------------------------------------------------

    def home(self, name: str) -> Path:
        return self.homes / name

    async def spawn(self, name: str, timeout: float = 300) -> None:
        """Create the learner, start their server and wait until it answers; give them a token of their own."""
        from tornado.httpclient import HTTPClientError

        try:
            await self._request("POST", f"/hub/api/users/{name}")
        except HTTPClientError as error:
            if error.code != 409:  # 409: the learner exists already
                raise
        made = await self._request("POST", f"/hub/api/users/{name}/tokens",
                                   {"note": "lessons class", "expires_in": 3600})
        self.learner_tokens[name] = made["token"]
        await self._request("POST", f"/hub/api/users/{name}/server")
        deadline = time.monotonic() + timeout
        while True:
            user = await self._request("GET", f"/hub/api/users/{name}")
            server = (user.get("servers") or {}).get("")
            if server and server.get("ready"):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server of {name} did not start within {timeout:.0f} s:\n{self.log_tail()}")
            await asyncio.sleep(0.3)

    async def log_in(self, name: str, password: str | None = None) -> bool:
        """Log in through the hub's login form, as a browser does; True if the hub then shows the learner's home."""
        import http.cookies
        import urllib.parse

        from tornado.httpclient import AsyncHTTPClient

        client = AsyncHTTPClient()
        jar = http.cookies.SimpleCookie()

        async def fetch(path: str, **options):
            cookie = "; ".join(f"{key}={morsel.value}" for key, morsel in jar.items())
            response = await client.fetch(self.url + path, follow_redirects=False, raise_error=False,
                                          headers={"Cookie": cookie} if cookie else {}, request_timeout=120,
                                          connect_timeout=120, **options)
            for header in response.headers.get_list("Set-Cookie"):
                jar.load(header)
            return response

        await fetch("/hub/login")
        form = {"username": name, "password": self.password if password is None else password,
                "_xsrf": jar["_xsrf"].value if "_xsrf" in jar else ""}
        await fetch("/hub/login", method="POST", body=urllib.parse.urlencode(form))
        home = await fetch("/hub/home")
        return home.code == 200

    async def follow_nbgitpuller_link(self, name: str, link: str) -> list[dict]:
        """Do what clicking an nbgitpuller link does for a logged-in learner: pull the branch into their home.

        The link's page streams nbgitpuller's progress from `git-pull/api`; this reads that stream directly
        and returns its events (the last has phase "finished", or "error" with the message).
        """
        import urllib.parse

        query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(link).query))
        query.pop("urlpath", None)
        response = await self._request("GET", f"/user/{name}/git-pull/api?{urllib.parse.urlencode(query)}",
                                       token=self.learner_tokens[name], raw=True, timeout=300)
        return [json.loads(line[len("data:"):]) for line in response.decode("utf-8").splitlines()
                if line.startswith("data:")]

    async def learner_get(self, name: str, path: str):
        """GET one of the learner's own server's REST API paths (e.g. 'api/contents/course') with their token."""
        return await self._request("GET", f"/user/{name}/{path}", token=self.learner_tokens[name])

    def processes(self, name: str) -> list:
        """The learner's single-user server and everything it started (kernels)."""
        import psutil

        found = []
        for proc in psutil.Process(self.process.pid).children(recursive=True):
            try:
                if proc.environ().get("JUPYTERHUB_USER") == name and "jupyterhub-singleuser" in " ".join(proc.cmdline()):
                    found += [proc, *proc.children(recursive=True)]
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return found

    def memory_mib(self, name: str) -> float:
        """Resident memory (RSS) of the learner's server and kernels together, in MiB."""
        import psutil

        total = 0
        for proc in self.processes(name):
            try:
                total += proc.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return total / 2 ** 20


class Notebook:
    """One learner's notebook session: the kernel JupyterLab would start for `path`, driven over its WebSocket."""

    def __init__(self, hub: Hub, learner: str, path: str = LESSON):
        self.hub, self.learner, self.path = hub, learner, path
        self.session_id = self.kernel_id = None
        self.socket = None
        self.reconnects = 0  # times the server closed the connection before the kernel answered

    async def open(self, timeout: float = 600) -> "Notebook":
        """Start the notebook's kernel session and connect to it, as JupyterLab does on opening a notebook.

        The server closes a kernel's WebSocket whose kernel does not answer `kernel_info` in time (60 s),
        which happens when a whole class starts kernels at once on a small machine; JupyterLab then connects
        again, and so does this, until the kernel answers or `timeout` has passed.
        """
        token = self.hub.learner_tokens[self.learner]
        session = await self.hub._request("POST", f"/user/{self.learner}/api/sessions", token=token, body={
            "path": self.path, "name": Path(self.path).name, "type": "notebook", "kernel": {"name": "python3"}})
        self.session_id, self.kernel_id = session["id"], session["kernel"]["id"]
        deadline = time.monotonic() + timeout
        while True:
            try:
                await self._connect()
                await self._request_reply("kernel_info_request", {}, max(1.0, deadline - time.monotonic()))
                return self
            except KernelConnectionClosed:
                self.reconnects += 1
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(1)

    async def _connect(self) -> None:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        token = self.hub.learner_tokens[self.learner]
        url = (self.hub.url.replace("http", "ws", 1) + f"/user/{self.learner}/api/kernels/{self.kernel_id}/channels"
               f"?session_id={uuid.uuid4().hex}")
        # The handshake waits its turn on a machine busy starting a whole class's kernels: no 20 s default.
        self.socket = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"},
                                                          connect_timeout=300, request_timeout=300))

    async def _send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        await self.socket.write_message(json.dumps({
            "channel": "shell", "header": {"msg_id": msg_id, "msg_type": msg_type, "username": self.learner,
                                           "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "buffers": [], "content": content}))
        return msg_id

    async def _receive(self, deadline: float) -> dict:
        raw = await asyncio.wait_for(self.socket.read_message(), max(0.1, deadline - time.monotonic()))
        if raw is None:
            raise KernelConnectionClosed(f"the kernel connection of {self.learner} was closed")
        return json.loads(raw)

    async def _request_reply(self, msg_type: str, content: dict, timeout: float) -> dict:
        msg_id, deadline = await self._send(msg_type, content), time.monotonic() + timeout
        while True:
            message = await self._receive(deadline)
            if message.get("parent_header", {}).get("msg_id") == msg_id and message.get("channel") == "shell":
                return message

    async def run(self, code: str, timeout: float = 300) -> Reply:
        """Execute one cell; return once the kernel is idle again after it (every output has arrived)."""
        msg_id = await self._send("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
            "stop_on_error": True})
        reply, idle = Reply(status="?"), False
        deadline = time.monotonic() + timeout
        while not (idle and reply.status != "?"):
            message = await self._receive(deadline)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "stream" and content.get("name") == "stdout":
                reply.stdout += content.get("text", "")
            elif kind == "error":
                reply.errors.append(f"{content.get('ename')}: {content.get('evalue')}")
            elif kind == "execute_reply":
                reply.status = content.get("status", "?")
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
        return reply

    async def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
        if self.session_id:
            await self.hub._request("DELETE", f"/user/{self.learner}/api/sessions/{self.session_id}",
                                    token=self.hub.learner_tokens[self.learner])


def cells_to_first_quiz(notebook_path: Path) -> list[str]:
    """The code cells of a lesson up to and including the first one that shows a quiz."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cells.append(source)
        if "quiz(" in source:
            return cells
    raise ValueError(f"{notebook_path.name} shows no quiz")


# Run in a learner's kernel after lesson 00's cells: answer the first question through its widgets and Check,
# as a learner's click would, then print the learner's progress as JSON.
ANSWER_AND_REPORT = '''
import json as _json
import ipywidgets as _widgets
from lessons.bench.widgets import _answer, has_class, walk
from lessons.progress import progress_summary
from lessons.quiz_widgets import quiz as _quiz

_shown = _quiz("start-here")
_question = next(w for w in walk(_shown) if has_class(w, "lessons-question"))
_answer(_question)
next(w for w in walk(_question) if isinstance(w, _widgets.Button) and w.description == "Check").click()
print(_json.dumps(progress_summary().as_dict()))
'''
