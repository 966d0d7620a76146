"""With no URL the package starts its own server, from any directory, and stops it when the last user closes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import json, urllib.request
    from crucible import server
    from crucible.meltingpot import substrate
    config = substrate.get_config("commons_harvest__open")
    env = substrate.build("commons_harvest__open", roles=config.default_player_roles)
    shared = server._shared
    ts = env.step([0] * 7)  # dm_env: step before reset starts the episode
    with urllib.request.urlopen(shared.url + "/api/rooms") as r:
        rooms = json.loads(r.read())
    env.close()
    print(json.dumps({"first": bool(ts.first()), "rgb": list(ts.observation[0]["RGB"].shape), "rooms": len(rooms),
                      "running_after_close": shared.running, "pid_gone": shared._proc is None}))
    """
)


def test_no_url_starts_a_local_server_from_any_directory_and_close_stops_it(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert out.returncode == 0, out.stderr
    import json

    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"first": True, "rgb": [88, 88, 3], "rooms": 1, "running_after_close": False, "pid_gone": True}


LEAK = textwrap.dedent(
    """
    from crucible import server
    from crucible.meltingpot import scenario
    env = scenario.build("clean_up_0")
    env.reset()
    print(server._shared.pid)
    # no close(): the interpreter exits with the environment open
    """
)


def test_the_embedded_server_stops_when_the_interpreter_exits(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", LEAK], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert out.returncode == 0, out.stderr
    pid = int(out.stdout.strip().splitlines()[-1])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError(f"the embedded server (pid {pid}) outlived the interpreter that started it")
