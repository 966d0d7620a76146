"""The embedded server: a local Crucible server the package starts when it is given no URL.

The server ships inside the package, bundled into one JavaScript file (``crucible/_server/server.mjs``, built from
the repository's ``server/`` when the package is built), so it needs only ``node`` (20.19 or newer) on the PATH,
or the ``CRUCIBLE_NODE`` environment variable naming it. It listens on a free loopback port: ``PORT=0`` makes the
server bind any free port, and the first line it prints, ``Crucible listening on port N``, says which (and that it
is ready: the line is printed once the port is bound). Its results file goes to a temporary directory removed with
the server, unless ``results_dir`` is given.

``acquire()`` hands out one process-wide server, started on first use and stopped when the last environment that
acquired it releases it (``close()``), or when the interpreter exits.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque
from importlib import resources
from pathlib import Path

from .errors import ServerStartError

_READY = re.compile(r"Crucible listening on port (\d+)")

# The budgets a shared server keeps its clients within (README, "Security") are there to protect other users; the
# embedded server has one user, who creates a room per environment and may reset often. Raised unless the
# environment sets them (servers that predate the budgets ignore these variables).
_OWN_SERVER_BUDGETS = {
    "CRUCIBLE_MAX_CREATES_PER_SECOND": "1000",
    "CRUCIBLE_MAX_ROOMS": "1024",
    "CRUCIBLE_MAX_EPISODES_PER_SECOND": "100000",
}


def bundle_path() -> Path:
    """The bundled server shipped in this package."""
    return Path(str(resources.files("crucible") / "_server" / "server.mjs"))


def find_node() -> str:
    node = os.environ.get("CRUCIBLE_NODE") or shutil.which("node")
    if not node:
        raise ServerStartError(
            "SERVER_START_FAILED",
            "the embedded Crucible server needs Node.js 20.19 or newer on the PATH (or CRUCIBLE_NODE naming it); "
            "or pass the URL of a running server",
        )
    return node


class LocalServer:
    """A Crucible server in a child process on 127.0.0.1 (see the module comment). A context manager."""

    def __init__(
        self,
        *,
        results_dir: str | os.PathLike[str] | None = None,
        startup_timeout: float = 60.0,
        env: dict[str, str] | None = None,
    ) -> None:
        """``env``: environment variables for the server (``CRUCIBLE_TOKEN``, budgets, ...; README "Python")."""
        self._results_dir = Path(results_dir) if results_dir is not None else None
        self._extra_env = dict(env or {})
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._startup_timeout = startup_timeout
        self._proc: subprocess.Popen[str] | None = None
        self._output: deque[str] = deque(maxlen=50)
        self.port: int | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (the WebSocket is the same address with ``ws://``)."""
        if self.port is None:
            raise ServerStartError("SERVER_START_FAILED", "the server is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """The server process's id while it runs."""
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> "LocalServer":
        if self.running:
            return self
        bundle = bundle_path()
        if not bundle.is_file():
            raise ServerStartError(
                "SERVER_START_FAILED",
                f"the bundled server {bundle} is missing: reinstall the package from a repository checkout "
                "(pip install ./python after npm ci), or pass the URL of a running server",
            )
        if self._results_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="crucible-results-")
            results = Path(self._tmp.name)
        else:
            results = self._results_dir
            results.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PORT="0", HOST="127.0.0.1", CRUCIBLE_RESULTS=str(results / "episodes.jsonl"))
        env.pop("CRUCIBLE_TOKEN", None)  # the caller's token is for the servers it connects to, not this one
        for name, value in _OWN_SERVER_BUDGETS.items():
            env.setdefault(name, value)
        env.update(self._extra_env)
        try:
            self._proc = subprocess.Popen(
                [find_node(), str(bundle)],
                cwd=str(results),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
            )
        except OSError as e:
            raise ServerStartError("SERVER_START_FAILED", f"could not run node: {e}") from None
        ready = threading.Event()
        self._drain_done = threading.Event()
        threading.Thread(target=self._drain, args=(self._proc, ready), daemon=True, name="crucible-server-log").start()
        deadline = time.monotonic() + self._startup_timeout
        while not ready.wait(0.05):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self._drain_done.wait(1.0)
                out = "\n".join(self._output)
                code = self._proc.poll()
                self.stop()
                why = f"exited with code {code}" if code is not None else f"did not start within {self._startup_timeout} s"
                raise ServerStartError("SERVER_START_FAILED", f"the embedded Crucible server {why}:\n{out}")
        _live.add(self)
        return self

    def _drain(self, proc: subprocess.Popen[str], ready: threading.Event) -> None:
        """Reads the server's output for ever (a full pipe would block it); notes the port from the ready line."""
        assert proc.stdout is not None
        for line in proc.stdout:
            self._output.append(line.rstrip())
            if not ready.is_set():
                m = _READY.search(line)
                if m:
                    self.port = int(m.group(1))
                    ready.set()
        self._drain_done.set()

    def output(self) -> str:
        """The server's last lines of output."""
        return "\n".join(self._output)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (the server finishes its tick, flushes results, closes clients), then SIGKILL after ``timeout``."""
        proc, self._proc = self._proc, None
        _live.discard(self)
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        self.port = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


_live: set[LocalServer] = set()
_shared: LocalServer | None = None
_users = 0
_lock = threading.Lock()


def acquire() -> LocalServer:
    """The process-wide embedded server, started if needed; pair with ``release()``."""
    global _shared, _users
    with _lock:
        if _shared is None or not _shared.running:
            _shared = LocalServer().start()
        _users += 1
        return _shared


def release() -> None:
    """One user fewer; the last one stops the shared server."""
    global _shared, _users
    with _lock:
        _users = max(0, _users - 1)
        if _users == 0 and _shared is not None:
            _shared.stop()
            _shared = None


@atexit.register
def _stop_all() -> None:
    for server in list(_live):
        server.stop(timeout=3.0)
