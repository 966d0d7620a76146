"""crucible.vector: N worlds as one batch of agents (shapes, autoreset and infos, determinism, errors)."""

from __future__ import annotations

import numpy as np
import pytest

from crucible.errors import CrucibleError, InvalidAction, InvalidOption, UnknownSubstrate
from crucible.vector import make


def random_actions(env, rng):
    return rng.integers(0, len(env.action_names), env.num_agents)


def test_batch_shapes_and_dtypes_put_the_agents_in_the_batch():
    with make("clean_up", num_envs=3, obs="symbolic", seed=1) as env:
        assert (env.num_worlds, env.agents_per_world, env.num_agents, env.num_envs) == (3, 7, 21, 21)
        obs, infos = env.reset()
        assert obs.shape == (21, 11, 11) and obs.dtype == np.uint8
        assert infos["reset"].shape == (21,) and infos["reset"].all()
        obs, rew, term, trunc, infos = env.step(np.zeros(21, np.int64))
        assert rew.shape == (21,) and rew.dtype == np.float32
        assert term.shape == trunc.shape == (21,) and term.dtype == trunc.dtype == np.bool_
        assert not infos["reset"].any()
        assert env.vector.shape == (21, 1) and env.vector_fields[0][0] == "NUM_OTHERS_WHO_CLEANED_THIS_STEP"
        assert env.ready_to_shoot.shape == (21,)
        # Gymnasium's vector conventions
        assert env.single_observation_space.shape == (11, 11)
        assert env.observation_space.shape == (21, 11, 11)
        assert env.single_action_space.n == len(env.action_names)
        assert env.action_space.shape == (21,)
        assert env.observation_space.contains(obs.copy())
        assert env.metadata["autoreset_mode"].name == "NEXT_STEP"


def test_rgb_batch_and_scenario_keeps_only_focal_agents():
    with make("commons_harvest__open", num_envs=2, obs="rgb", scenario="commons_harvest__open_0", seed=3) as env:
        assert env.agents_per_world == len(env.focal_slots) < env.players
        obs, _ = env.reset()
        assert obs.shape == (2 * env.agents_per_world, 88, 88, 3)
        assert obs.any(), "the sprites are drawn"


def test_world_w_plays_seed_plus_w_like_a_lone_world():
    rng = np.random.default_rng(0)
    with make("commons_harvest__open", num_envs=3, obs="symbolic", seed=10) as batch, make(
        "commons_harvest__open", num_envs=1, obs="symbolic", seed=12
    ) as lone:
        batch.reset()
        lone.reset()
        F = batch.agents_per_world
        for t in range(25):
            a = random_actions(batch, rng)
            obs, rew, *_ = batch.step(a)
            lobs, lrew, *_ = lone.step(a[2 * F : 3 * F])
            np.testing.assert_array_equal(obs[2 * F : 3 * F], lobs, err_msg=f"step {t}")
            np.testing.assert_array_equal(rew[2 * F : 3 * F], lrew, err_msg=f"step {t}")


def test_next_step_autoreset_reports_the_end_then_resets_with_zero_reward():
    with make("commons_harvest__open", num_envs=2, obs="symbolic", seed=1, max_steps=5) as env:
        env.reset()
        forward = np.ones(env.num_agents, np.int64)
        for t in range(1, 5):
            _, _, term, trunc, infos = env.step(forward)
            assert not (term.any() or trunc.any() or infos["reset"].any()), f"step {t}"
            assert "_episode_return" not in infos
        _, rew, term, trunc, infos = env.step(forward)
        assert trunc.all() and not term.any()
        assert infos["_episode_return"].all() and (infos["episode_length"] == 5).all()
        assert infos["episode_return"].shape == (env.num_agents,)
        _, rew, term, trunc, infos = env.step(forward)
        assert infos["reset"].all() and not trunc.any()
        assert (rew == 0).all()


def test_same_step_autoreset_returns_the_next_episodes_first_observation_at_once():
    with make("commons_harvest__open", num_envs=2, obs="symbolic", seed=1, max_steps=3, autoreset_mode="same_step") as env:
        first, _ = env.reset()
        first = first.copy()
        noop = np.zeros(env.num_agents, np.int64)
        for _ in range(3):
            obs, _, _, trunc, infos = env.step(noop)
        assert trunc.all() and infos["reset"].all() and (infos["episode_length"] == 3).all()
        assert env.metadata["autoreset_mode"].name == "SAME_STEP"
        # The new episode of world w uses seed s + w + N: world 0's second episode starts as world 2 would.
        with make("commons_harvest__open", num_envs=1, obs="symbolic", seed=3) as other:
            o, _ = other.reset()
            np.testing.assert_array_equal(obs[: env.agents_per_world], o)


def _trajectory(seed, steps=30, **kw):
    rng = np.random.default_rng(7)
    out = []
    with make("clean_up", num_envs=4, obs="rgb", seed=seed, max_steps=12, **kw) as env:
        obs, _ = env.reset()
        out.append(obs.copy())
        for _ in range(steps):
            obs, rew, term, trunc, infos = env.step(random_actions(env, rng))
            out.append(np.concatenate([obs.reshape(-1), rew.view(np.uint8), term.view(np.uint8), trunc.view(np.uint8), env.vector.view(np.uint8).reshape(-1)]))
    return out


def test_same_seeds_and_actions_give_identical_arrays_whatever_the_transport_or_worker_count():
    a = _trajectory(5)
    for kw in ({}, {"transport": "shm"}, {"workers": 2}, {"workers": 2, "transport": "shm"}):
        b = _trajectory(5, **kw)
        for t, (x, y) in enumerate(zip(a, b)):
            np.testing.assert_array_equal(x, y, err_msg=f"step {t} with {kw}")
    c = _trajectory(6, steps=3)
    assert not np.array_equal(a[1], c[1]), "another seed plays another game"


def test_bad_actions_raise_the_servers_codes_and_change_nothing():
    with make("commons_harvest__open", num_envs=2, obs="symbolic", seed=1) as env:
        obs, _ = env.reset()
        before = obs.copy()
        with pytest.raises(CrucibleError) as e:
            env.step(np.zeros(env.num_agents + 1, np.int64))
        assert e.value.code == "MALFORMED_MESSAGE"
        with pytest.raises(CrucibleError) as e:
            env.step(np.zeros(env.num_agents, np.float32))
        assert e.value.code == "MALFORMED_MESSAGE"
        bad = np.zeros(env.num_agents, np.int64)
        bad[9] = 200  # refused by the worker: world 1, slot 2
        with pytest.raises(InvalidAction) as e:
            env.step(bad)
        assert e.value.code == "INVALID_ACTION" and "world 1 slot 2" in str(e.value)
        bad[9] = -1
        with pytest.raises(InvalidAction):
            env.step(bad)
        np.testing.assert_array_equal(env.observations, before)
        obs, *_ = env.step(np.zeros(env.num_agents, np.int64))  # still serving


def test_a_bad_action_with_several_workers_steps_no_world():
    rng = np.random.default_rng(1)
    with make("commons_harvest__open", num_envs=2, obs="symbolic", seed=1, workers=2) as two, make(
        "commons_harvest__open", num_envs=2, obs="symbolic", seed=1
    ) as one:
        two.reset()
        one.reset()
        bad = np.zeros(two.num_agents, np.int64)
        bad[-1] = len(two.action_names)  # out of range in the second worker's rows only
        with pytest.raises(InvalidAction):
            two.step(bad)
        for _ in range(3):
            a = random_actions(one, rng)
            np.testing.assert_array_equal(two.step(a)[0], one.step(a)[0])


def test_bad_options_raise_typed_errors():
    with pytest.raises(UnknownSubstrate):
        make("no_such_substrate", num_envs=1)
    with pytest.raises(InvalidOption):
        make("clean_up", num_envs=1, obs="depth")
    with pytest.raises(InvalidOption):
        make("clean_up", num_envs=0)
    with pytest.raises(InvalidOption):
        make("clean_up", num_envs=2, workers=3)
    with make("clean_up", num_envs=1, obs="symbolic") as env:
        with pytest.raises(InvalidOption):
            env.reset(seed=-1)
