"""crucible.meltingpot.substrate: Melting Pot's API, shapes, dtypes and timestep semantics, for every substrate."""

from __future__ import annotations

import numpy as np
import pytest

from crucible import InvalidOption, UnknownSubstrate
from crucible.meltingpot import substrate

# Melting Pot's shapes and dtypes: meltingpot/utils/substrates/specs.py:37-39 (READY_TO_SHOOT float64 (),
# RGB uint8 (88, 88, 3)), :126-146 (INVENTORY float64 (K,), INTERACTION_INVENTORIES float64 (2, K)),
# collective_reward_wrapper.py:67-68 (COLLECTIVE_REWARD float64 ()); the repeated Matrix games render 40×40
# (configs/substrates/prisoners_dilemma_in_the_matrix__repeated.py:558-562, K = 2), and so do the one-shot variant
# (running_with_scissors_in_the_matrix__one_shot.py:588-595) and Crucible's own two-player consent variant. Running
# with Scissors and the coordination games have K = 3 (running_with_scissors_in_the_matrix__repeated.py:596-603).
EXPECTED_RGB = {
    name: (40, 40, 3)
    if name.endswith(("_in_the_matrix__repeated", "_in_the_matrix__consent", "_in_the_matrix__one_shot"))
    else (88, 88, 3)
    for name in substrate.SUBSTRATES
}
MATRIX = {name for name in substrate.SUBSTRATES if "_in_the_matrix__" in name}
THREE_CLASSES = ("running_with_scissors_in_the_matrix", "pure_coordination_in_the_matrix", "rationalizable_coordination_in_the_matrix")


@pytest.mark.parametrize("name", sorted(substrate.SUBSTRATES))
def test_observations_have_melting_pots_names_shapes_and_dtypes(url: str, name: str) -> None:
    config = substrate.get_config(name)
    with substrate.build(name, roles=config.default_player_roles, url=url, seed=1) as env:
        spec = env.observation_spec()
        assert len(spec) == len(config.default_player_roles) == env.num_players
        s = spec[0]
        assert s["RGB"].shape == EXPECTED_RGB[name] and s["RGB"].dtype == np.uint8
        # READY_TO_SHOOT where the substrate has a beam (coins has none: configs/substrates/coins.py:467-471).
        scalars = ("COLLECTIVE_REWARD",) + (("READY_TO_SHOOT",) if "READY_TO_SHOOT" in config.individual_observation_names else ())
        for scalar in scalars:
            assert s[scalar].shape == () and s[scalar].dtype == np.float64
        if name in MATRIX:
            k = 3 if name.startswith(THREE_CLASSES) else 2
            assert s["INVENTORY"].shape == (k,) and s["INVENTORY"].dtype == np.float64
            assert s["INTERACTION_INVENTORIES"].shape == (2, k) and s["INTERACTION_INVENTORIES"].dtype == np.float64
        if name == "clean_up":
            assert s["NUM_OTHERS_WHO_CLEANED_THIS_STEP"].shape == ()
        if name == "coins":  # specs.float64() (configs/substrates/coins.py:481)
            assert s["MISMATCHED_COIN_COLLECTED_BY_PARTNER"].shape == ()
            assert s["MISMATCHED_COIN_COLLECTED_BY_PARTNER"].dtype == np.float64
        rows = config.ascii_map.strip("\n").split("\n")
        assert s["WORLD.RGB"].shape == (len(rows) * 8, len(rows[0]) * 8, 3)
        # The spec published in GET /api/substrates (get_config) is the one the room welcomes us with.
        assert config.timestep_spec is not None
        assert {k: (v.shape, v.dtype) for k, v in config.timestep_spec.observation.items()} == {
            k: (v.shape, v.dtype) for k, v in s.items()
        }
        a = env.action_spec()
        assert len(a) == env.num_players
        assert a[0].num_values == len(config.action_set) and a[0].dtype == np.int64
        assert all(r.shape == () and r.dtype == np.float64 for r in env.reward_spec())

        rng = np.random.default_rng(0)
        for ts in (env.reset(), env.step(rng.integers(0, len(config.action_set), env.num_players))):
            assert len(ts.observation) == env.num_players
            assert ts.reward.shape == (env.num_players,) and ts.reward.dtype == np.float64
            for player in ts.observation:
                assert set(player) == set(s)
                for key, value in player.items():
                    v = np.asarray(value)
                    assert (v.shape, v.dtype) == (s[key].shape, s[key].dtype), key


def test_timesteps_go_first_mid_last_with_melting_pots_discounts(url: str) -> None:
    # multiplayer_wrapper.py:117: discount 0.0 when Lab2D gives none (the FIRST step); dmlab2d/__init__.py:115:
    # the last step is a termination (discount 0.0); transitions have discount 1.0.
    config = substrate.get_config("commons_harvest__open")
    with substrate.build("commons_harvest__open", roles=config.default_player_roles, url=url, max_steps=3) as env:
        kinds = []
        ts = env.reset()
        kinds.append((ts.first(), ts.mid(), ts.last(), ts.discount))
        for _ in range(3):
            ts = env.step([0] * 7)
            kinds.append((ts.first(), ts.mid(), ts.last(), ts.discount))
        assert kinds == [(True, False, False, 0.0), (False, True, False, 1.0), (False, True, False, 1.0), (False, False, True, 0.0)]
        # dm_env: a step after LAST starts the next episode.
        assert env.step([0] * 7).first()


def test_collective_reward_is_the_sum_of_every_players_reward(url: str) -> None:
    config = substrate.get_config("commons_harvest__open")
    with substrate.build("commons_harvest__open", roles=config.default_player_roles, url=url, seed=3) as env:
        env.reset()
        rng = np.random.default_rng(1)
        seen_reward = False
        for _ in range(300):
            ts = env.step(rng.integers(0, 2, 7))  # NOOP / FORWARD: walk into apples
            total = float(np.sum(ts.reward))
            seen_reward |= total > 0
            for player in ts.observation:
                assert player["COLLECTIVE_REWARD"] == pytest.approx(total)
        assert seen_reward, "no player ate an apple in 300 steps: the check above saw only zeros"


def test_get_config_names_roles_as_melting_pot_does() -> None:
    config = substrate.get_config("clean_up")
    assert config.valid_roles == frozenset({"default"})
    assert config.default_player_roles == ("default",) * 7
    assert config["action_set"][:2] == ("NOOP", "FORWARD")


def test_unknown_substrate_is_refused_with_its_code() -> None:
    with pytest.raises(UnknownSubstrate) as e:
        substrate.get_config("commons_harvest__nowhere")
    assert e.value.code == "UNKNOWN_SUBSTRATE"


@pytest.mark.parametrize("roles", [("default",) * 6, ("default",) * 6 + ("predator",)])
def test_roles_that_do_not_fit_the_substrate_are_refused(url: str, roles: tuple[str, ...]) -> None:
    with pytest.raises(InvalidOption) as e:
        substrate.build("commons_harvest__open", roles=roles, url=url)
    assert e.value.code == "INVALID_OPTION"


def test_observables_report_actions_and_timesteps(url: str) -> None:
    config = substrate.get_config("commons_harvest__open")
    with substrate.build("commons_harvest__open", roles=config.default_player_roles, url=url) as env:
        actions, steps = [], []
        env.observables().action.subscribe(on_next=actions.append)
        env.observables().timestep.subscribe(on_next=steps.append)
        env.reset()
        env.step([1] * 7)
        assert actions == [[1] * 7]
        assert [t.step_type for t in steps] == [0, 1]


def test_a_kept_timestep_does_not_change_when_the_env_steps_on(url: str) -> None:
    config = substrate.get_config("commons_harvest__open")
    with substrate.build("commons_harvest__open", roles=config.default_player_roles, url=url, seed=2) as env:
        env.reset()
        kept = env.step([1] * 7)
        rgb, world = kept.observation[0]["RGB"].copy(), kept.observation[0]["WORLD.RGB"].copy()
        later = env.step([5] * 7)  # everyone turns: every view changes
        assert not np.array_equal(later.observation[0]["RGB"], rgb)
        assert np.array_equal(kept.observation[0]["RGB"], rgb)
        assert np.array_equal(kept.observation[0]["WORLD.RGB"], world)
