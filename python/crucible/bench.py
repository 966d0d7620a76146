"""Throughput benchmark: ``python -m crucible.bench [--seconds S] [--url URL] [--substrate NAME]``.

Steps commons_harvest__open (7 players, every one driven from Python with pre-drawn random actions) through
each API, with RGB and with symbolic observations, on one environment and a server on the same machine (the
embedded one unless ``--url``), and prints one JSON line per case: steps/s and agent-steps/s (steps/s × players).
Besides wall-clock steps/s each case reports the CPU time per step of the Python process and of the server (the
embedded one, read from /proc) and the steps/s that CPU alone would allow (``cpu_bound_steps_per_s``: in lockstep
the two take turns, so 1 / (client + server)). Episode ends are reset inside the timed loop; each case runs ``--runs`` times (a fresh environment each) and
reports the median and the best run, with the machine's load average (other processes sharing the cores move
these figures a lot). Cases:

- ``client``: ``crucible.Client`` / ``Room.step`` alone (the protocol, no environment around it);
- ``meltingpot``: ``crucible.meltingpot.substrate`` timesteps (rgb: WORLD.RGB included in every player's
  observation, as Melting Pot does; symbolic: no WORLD.RGB);
- ``pettingzoo``: ``crucible.pettingzoo.parallel_env`` (rgb: WORLD.RGB received for ``state()``/``render()``).

``--vector`` runs the vectorised environments' benchmark instead (``crucible/vector_bench.py``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from typing import Any, Callable

import numpy as np

from . import Client
from .meltingpot import substrate as mp_substrate
from .server import LocalServer


_SERVER_PID: int | None = None
_CPU: dict[str, float] = {}


def _proc_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux /proc), else None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _measure(step: Callable[[int], None], seconds: float, warmup: int = 50) -> tuple[int, float]:
    """Steps in ``seconds`` of wall time; also notes the CPU both processes spent (``_CPU``)."""
    for i in range(warmup):
        step(i)
    n, t0 = 0, time.perf_counter()
    c0 = time.process_time()
    s0 = _proc_cpu_s(_SERVER_PID) if _SERVER_PID is not None else None
    deadline = t0 + seconds
    while True:
        for _ in range(50):
            step(n)
            n += 1
        if time.perf_counter() >= deadline:
            dt = time.perf_counter() - t0
            _CPU["client"] = time.process_time() - c0
            s1 = _proc_cpu_s(_SERVER_PID) if _SERVER_PID is not None else None
            _CPU["server"] = s1 - s0 if s0 is not None and s1 is not None else float("nan")
            _CPU["steps"] = n
            return n, dt


def _client_case(url: str, name: str, obs: str, world: bool, actions: np.ndarray, seconds: float) -> tuple[int, float]:
    with Client(url) as client:
        room = client.create(name, obs=obs, world=world, seed=1)
        room.reset()
        k = len(actions)

        def step(i: int) -> None:
            if room.step(actions[i % k]).done:
                room.reset()

        return _measure(step, seconds)


def _meltingpot_case(url: str, name: str, obs: str, world: bool, actions: np.ndarray, seconds: float) -> tuple[int, float]:
    config = mp_substrate.get_config(name)
    with mp_substrate.build(name, roles=config.default_player_roles, url=url, obs=obs, world=world, seed=1) as env:
        env.reset()
        k = len(actions)

        def step(i: int) -> None:
            env.step(actions[i % k])  # dm_env: the step after LAST resets

        return _measure(step, seconds)


def _pettingzoo_case(url: str, name: str, obs: str, world: bool, actions: np.ndarray, seconds: float) -> tuple[int, float]:
    from .pettingzoo import parallel_env

    env = parallel_env(name, url=url, obs=obs, world=world, seed=1)
    try:
        env.reset(seed=1)
        agents = list(env.possible_agents)
        dicts = [dict(zip(agents, (int(x) for x in a))) for a in actions]
        k = len(dicts)

        def step(i: int) -> None:
            env.step(dicts[i % k])
            if not env.agents:
                env.reset()

        return _measure(step, seconds)
    finally:
        env.close()


CASES: dict[str, Callable[..., tuple[int, float]]] = {
    "client": _client_case,
    "meltingpot": _meltingpot_case,
    "pettingzoo": _pettingzoo_case,
}


def main(argv: list[str] | None = None) -> None:
    import sys

    if "--vector" in (sys.argv[1:] if argv is None else argv):  # the vectorised environments (crucible/vector_bench.py)
        from .vector_bench import main as vector_main

        return vector_main(argv)
    p = argparse.ArgumentParser(prog="python -m crucible.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=5.0, help="timed seconds per run (default 5)")
    p.add_argument("--runs", type=int, default=3, help="runs per case (default 3)")
    p.add_argument("--url", default=None, help="a running server (default: start the embedded one)")
    p.add_argument("--substrate", default="commons_harvest__open")
    p.add_argument("--api", choices=sorted(CASES), action="append", help="only these APIs (repeatable)")
    p.add_argument("--obs", choices=["rgb", "symbolic"], action="append", help="only these modes (repeatable)")
    args = p.parse_args(argv)
    global _SERVER_PID
    server = None if args.url else LocalServer().start()
    url = args.url or server.url  # type: ignore[union-attr]
    _SERVER_PID = server.pid if server is not None else None
    try:
        players = mp_substrate.get_config(args.substrate).num_players
        actions = np.random.default_rng(0).integers(0, len(mp_substrate.get_config(args.substrate).action_set), (4096, players))
        for api in args.api or ["client", "meltingpot", "pettingzoo"]:
            for obs in args.obs or ["rgb", "symbolic"]:
                world = obs == "rgb"
                rates, client_us, server_us = [], [], []
                for _ in range(max(1, args.runs)):
                    n, dt = CASES[api](url, args.substrate, obs, world, actions, args.seconds)
                    rates.append(n / dt)
                    client_us.append(1e6 * _CPU["client"] / n)
                    server_us.append(1e6 * _CPU["server"] / n)
                rate = float(np.median(rates))
                cpu_c, cpu_s = float(np.median(client_us)), float(np.median(server_us))
                result: dict[str, Any] = {
                    "bench": "python",
                    "api": api,
                    "substrate": args.substrate,
                    "players": players,
                    "obs": obs,
                    "world_rgb": world,
                    "runs": len(rates),
                    "seconds": args.seconds,
                    "steps_per_s": round(rate, 1),
                    "agent_steps_per_s": round(rate * players, 1),
                    "best_steps_per_s": round(max(rates), 1),
                    # CPU per step of this process and of the server (lockstep: they take turns), and the rate
                    # that CPU alone allows; wall-clock figures fall below it when the cores are shared.
                    "client_cpu_us_per_step": round(cpu_c, 1),
                    "server_cpu_us_per_step": None if math.isnan(cpu_s) else round(cpu_s, 1),
                    "cpu_bound_steps_per_s": None if math.isnan(cpu_s) else round(1e6 / (cpu_c + cpu_s), 1),
                    "load_avg_1m": round(os.getloadavg()[0], 2),
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                }
                print(json.dumps(result), flush=True)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
