"""crucible.meltingpot.scenario: focal players only, permitted observations only (meltingpot/utils/scenarios/scenario.py)."""

from __future__ import annotations

import json
import urllib.request

import numpy as np
import pytest

from crucible import UnknownScenario
from crucible.meltingpot import scenario, substrate


@pytest.mark.parametrize("name", sorted(scenario.SCENARIOS))
def test_a_scenario_plays_its_focal_players_with_permitted_observations(url: str, name: str) -> None:
    config = scenario.get_config(name)
    focal = sum(config.is_focal)
    assert 0 < focal < len(config.is_focal) == len(config.roles)
    assert config.substrate in substrate.SUBSTRATES
    assert name in scenario.SCENARIOS_BY_SUBSTRATE[config.substrate]
    with scenario.build(name, url=url) as env:
        assert env.num_players == focal
        assert len(env.observation_spec()) == len(env.action_spec()) == focal
        ts = env.reset()
        assert len(ts.observation) == len(ts.reward) == focal
        ts = env.step(np.zeros(focal, np.int64))
        assert len(ts.observation) == len(ts.reward) == focal
        for player in ts.observation:
            assert set(player) <= scenario.PERMITTED_OBSERVATIONS
            assert {"RGB", "COLLECTIVE_REWARD"} <= set(player)
            # READY_TO_SHOOT where the substrate has a beam (coins has none).
            beam = "READY_TO_SHOOT" in substrate.get_config(config.substrate).individual_observation_names
            assert ("READY_TO_SHOOT" in player) == beam
            assert "WORLD.RGB" not in player


def test_permitted_observations_are_melting_pots() -> None:
    # meltingpot/scenario.py:47-60.
    assert scenario.PERMITTED_OBSERVATIONS == frozenset(
        {"RGB", "HUNGER", "INVENTORY", "MY_OFFER", "OFFERS", "READY_TO_SHOOT", "STAMINA", "VOTING", "COLLECTIVE_REWARD"}
    )


def test_scenario_config_has_melting_pots_fields_with_the_servers_bots(url: str) -> None:
    c = scenario.get_config("commons_harvest__open_0")
    assert c.substrate == "commons_harvest__open"
    assert c.is_focal == (True,) * 5 + (False,) * 2  # configs/scenarios/__init__.py: 5 focal, 2 background
    assert c.roles == ("default",) * 7
    with urllib.request.urlopen(f"{url}/api/substrates") as res:
        live = {sc["name"]: sc for s in json.loads(res.read()) for sc in s["scenarios"]}
    assert c.bots_by_role["default"] == frozenset(live["commons_harvest__open_0"]["bots"]) != frozenset()
    assert c.description == live["commons_harvest__open_0"]["description"]


def test_matrix_scenario_keeps_inventory_and_drops_interaction_inventories(url: str) -> None:
    with scenario.build("prisoners_dilemma_in_the_matrix__repeated_0", url=url) as env:
        obs = env.reset().observation[0]
        assert obs["INVENTORY"].shape == (2,)
        assert "INTERACTION_INVENTORIES" not in obs  # not in PERMITTED_OBSERVATIONS


def test_unknown_scenario_is_refused_with_its_code() -> None:
    with pytest.raises(UnknownScenario) as e:
        scenario.get_config("clean_up_99")
    assert e.value.code == "UNKNOWN_SCENARIO"
