"""The vector benchmark: ``python -m crucible.bench --vector [--seconds S] [--num-envs 1 4 16 64] [--workers 1 2]``.

For each substrate (commons_harvest__open, clean_up), observation mode (symbolic, rgb) and N, a
``crucible.vector`` environment of N worlds is stepped with uniformly random actions drawn in numpy each step;
then, in the same run, the same N worlds are stepped inside the worker with no transport at all (the engine's own
headless rate, one process: the `npm run bench` figure for this exact work). One JSON line per case:

  {"bench": "vector", "substrate", "obs", "num_envs", "workers", "transport", "agents",
   "agent_steps_per_s", "steps_per_s" (batch steps), "cpu_us_per_agent_step", "python_cpu_share",
   "engine_agent_steps_per_s", "engine_cpu_us_per_agent_step", "ratio", "cpu_ratio",
   "worker_rss_mb", "rss_mb_per_env", "buffer_kb_per_env", "load_avg_1m", "cpus"}

``ratio`` = agent_steps_per_s / engine_agent_steps_per_s (wall clock). Other processes sharing the cores move
wall-clock figures a lot (the load average is printed with each line), so each line also gives the CPU cost:
``cpu_us_per_agent_step`` (this process and the workers, CPU µs per agent-step), the engine's
``engine_cpu_us_per_agent_step`` and ``cpu_ratio`` = engine CPU cost / ours: the share of the engine's speed the
vector path keeps per core used, which load hardly moves.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

import numpy as np

from .vector import make

SUBSTRATES = ("commons_harvest__open", "clean_up")


def _rate(env: Any, seconds: float, rng: np.random.Generator) -> dict[str, float]:
    """Batch steps per second of wall time, and CPU seconds (this process, the workers) per batch step."""
    n_actions = len(env.action_names)
    A = env.num_agents
    for _ in range(20):
        env.step(rng.integers(0, n_actions, A, dtype=np.uint8))
    steps, t0 = 0, time.perf_counter()
    py0, w0 = time.process_time(), env.worker_cpu_seconds()
    deadline = t0 + seconds
    while True:
        for _ in range(10):
            env.step(rng.integers(0, n_actions, A, dtype=np.uint8))
        steps += 10
        now = time.perf_counter()
        if now >= deadline:
            py, w = time.process_time() - py0, env.worker_cpu_seconds() - w0
            return {"steps_per_s": steps / (now - t0), "py_cpu_per_step": py / steps, "worker_cpu_per_step": w / steps}


def run_case(substrate: str, obs: str, num_envs: int, workers: int, transport: str, seconds: float, engine: bool = True) -> dict[str, Any]:
    with make(substrate, num_envs=num_envs, obs=obs, seed=1, workers=workers, transport=transport) as env:
        env.reset()
        rng = np.random.default_rng(0)
        r = _rate(env, seconds, rng)
        rss = env.worker_rss_bytes()
        A = env.num_agents
        cpu_per_agent_step = (r["py_cpu_per_step"] + r["worker_cpu_per_step"]) / A
        out: dict[str, Any] = {
            "bench": "vector",
            "substrate": substrate,
            "obs": obs,
            "num_envs": num_envs,
            "workers": workers,
            "transport": transport,
            "agents": A,
            "agent_steps_per_s": round(r["steps_per_s"] * A),
            "steps_per_s": round(r["steps_per_s"], 1),
            # CPU cost, which the other processes sharing the cores disturb far less than wall time:
            "cpu_us_per_agent_step": round(cpu_per_agent_step * 1e6, 2),
            "python_cpu_share": round(r["py_cpu_per_step"] / max(1e-12, r["py_cpu_per_step"] + r["worker_cpu_per_step"]), 3),
        }
        if engine:
            if workers == 1:
                eng = env.headless_rate(seconds)
            else:  # the engine figure is one process holding all N worlds
                with make(substrate, num_envs=num_envs, obs=obs, seed=1, workers=1) as one:
                    one.reset()
                    eng = one.headless_rate(seconds)
            out["engine_agent_steps_per_s"] = round(eng["agent_steps_per_s"])
            out["engine_cpu_us_per_agent_step"] = round(1e6 / eng["agent_steps_per_cpu_s"], 2)
            out["ratio"] = round(out["agent_steps_per_s"] / eng["agent_steps_per_s"], 3)
            # The same ratio from CPU cost: the engine's CPU per agent-step over ours (both processes).
            out["cpu_ratio"] = round((1 / eng["agent_steps_per_cpu_s"]) / cpu_per_agent_step, 3)
        out.update(
            worker_rss_mb=round(sum(rss) / 2**20, 1),
            rss_mb_per_env=round(sum(rss) / 2**20 / num_envs, 2),
            buffer_kb_per_env=round(env.buffer_bytes / 1024 / num_envs, 1),
            load_avg_1m=round(os.getloadavg()[0], 2),
            cpus=os.cpu_count(),
        )
        return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m crucible.bench --vector", description=__doc__.split("\n\n")[0])
    p.add_argument("--vector", action="store_true")
    p.add_argument("--seconds", type=float, default=3.0, help="timed seconds per case and per engine figure (default 3)")
    p.add_argument("--substrate", action="append", choices=SUBSTRATES, help="only these substrates (repeatable)")
    p.add_argument("--obs", action="append", choices=["symbolic", "rgb"], help="only these modes (repeatable)")
    p.add_argument("--num-envs", type=int, nargs="+", default=[1, 4, 16, 64])
    p.add_argument("--workers", type=int, nargs="+", default=[1], help="worker processes per environment (default 1)")
    p.add_argument("--transport", nargs="+", choices=["shm", "pipe"], default=["shm"])
    p.add_argument("--no-engine", action="store_true", help="skip the engine's headless figure")
    args = p.parse_args(argv)
    for substrate in args.substrate or SUBSTRATES:
        for obs in args.obs or ["symbolic", "rgb"]:
            for n in args.num_envs:
                for workers in args.workers:
                    if workers > n:
                        continue
                    for transport in args.transport:
                        print(json.dumps(run_case(substrate, obs, n, workers, transport, args.seconds, not args.no_engine)), flush=True)


if __name__ == "__main__":
    main()
