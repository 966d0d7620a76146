"""The observations and rewards Python receives for a seeded episode equal the headless Environment's."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from crucible.meltingpot import substrate

from .conftest import REPO


def _headless(tmp: Path, name: str, seed: int, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (tmp / "actions.json").write_text(json.dumps(actions.tolist()))
    subprocess.run(
        ["npx", "tsx", "python/tests/episode_frames.ts", name, str(seed), str(tmp / "actions.json"), str(tmp / "out")],
        cwd=REPO, check=True, timeout=300,
    )
    shape = json.loads((tmp / "out" / "shape.json").read_text())
    n, steps = shape["players"], len(actions)
    rgb = np.fromfile(tmp / "out" / "rgb.bin", np.uint8).reshape(steps + 1, n, *shape["rgb"])
    world = np.fromfile(tmp / "out" / "world.bin", np.uint8).reshape(steps + 1, *shape["world"])
    rewards = np.array(json.loads((tmp / "out" / "rewards.json").read_text()), np.float64)
    return rgb, world, rewards


def test_python_observations_equal_the_headless_runners_for_a_seeded_episode(url: str, tmp_path: Path) -> None:
    name, seed, steps = "commons_harvest__open", 11, 150
    config = substrate.get_config(name)
    actions = np.random.default_rng(5).integers(0, len(config.action_set), (steps, 7))
    ref_rgb, ref_world, ref_rewards = _headless(tmp_path, name, seed, actions)
    assert ref_rewards.sum() > 0, "no reward in the reference episode: the reward check would prove nothing"
    with substrate.build(name, roles=config.default_player_roles, url=url, seed=seed) as env:
        ts = env.reset()
        for t in range(steps + 1):
            got = np.stack([o["RGB"] for o in ts.observation])
            assert np.array_equal(got, ref_rgb[t]), f"RGB differs at step {t}"
            assert np.array_equal(ts.observation[0]["WORLD.RGB"], ref_world[t]), f"WORLD.RGB differs at step {t}"
            if t > 0:
                assert np.array_equal(ts.reward, ref_rewards[t - 1]), f"rewards differ at step {t}"
            if t < steps:
                ts = env.step(actions[t])
