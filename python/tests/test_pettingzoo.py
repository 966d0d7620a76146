"""crucible.pettingzoo: PettingZoo's own API and seed tests, render and state."""

from __future__ import annotations

import numpy as np
from pettingzoo.test import parallel_api_test, parallel_seed_test

from crucible.pettingzoo import parallel_env


def test_substrate_env_passes_pettingzoos_parallel_api_test(url: str) -> None:
    env = parallel_env("commons_harvest__open", url=url, max_steps=120)
    try:
        parallel_api_test(env, num_cycles=200)
    finally:
        env.close()


def test_scenario_env_passes_pettingzoos_parallel_api_test(url: str) -> None:
    env = parallel_env("clean_up", "clean_up_1", url=url, max_steps=60)
    try:
        assert env.possible_agents == ["player_0", "player_1", "player_2", "player_3"]
        parallel_api_test(env, num_cycles=100)
    finally:
        env.close()


def test_substrate_env_passes_pettingzoos_parallel_seed_test(url: str) -> None:
    parallel_seed_test(lambda: parallel_env("prisoners_dilemma_in_the_matrix__arena", url=url, max_steps=50), num_cycles=50)


def test_scenario_env_passes_pettingzoos_parallel_seed_test(url: str) -> None:
    parallel_seed_test(lambda: parallel_env("commons_harvest__open", "commons_harvest__open_0", url=url, max_steps=50), num_cycles=50)


def test_render_and_state_return_world_rgb(url: str) -> None:
    env = parallel_env("commons_harvest__open", url=url, render_mode="rgb_array")
    try:
        obs, _ = env.reset(seed=3)
        frame = env.render()
        assert frame.shape == (144, 192, 3) and frame.dtype == np.uint8
        assert np.array_equal(env.state(), frame)
        assert env.state_space.contains(np.ascontiguousarray(frame))
        assert set(obs["player_0"]) == {"RGB", "READY_TO_SHOOT", "COLLECTIVE_REWARD"}
        assert env.observation_space("player_0").contains(obs["player_0"])
        env.step({a: 1 for a in env.agents})
        assert not np.array_equal(env.render(), frame)  # seven players walked forward
    finally:
        env.close()


def test_episode_end_removes_every_agent_and_reports_the_truncation(url: str) -> None:
    env = parallel_env("commons_harvest__open", url=url, max_steps=2)
    try:
        env.reset(seed=1)
        env.step({a: 0 for a in env.agents})
        _, _, terminations, truncations, _ = env.step({a: 0 for a in env.agents})
        assert env.agents == []
        assert all(truncations.values()) and not any(terminations.values())
    finally:
        env.close()
