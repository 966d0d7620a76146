"""Melting Pot's ``meltingpot.scenario`` on Crucible (same names, same semantics).

A scenario is a substrate whose background players are bots (played by the server) and whose focal players are
yours: ``build(name)`` returns an environment that takes and returns the focal players only, with only
``PERMITTED_OBSERVATIONS``. Background bots are re-drawn from the scenario's list at every reset.

Crucible extensions (keyword-only, optional): ``url``, ``seed``, ``obs``, ``max_steps`` as for substrates.
"""

from __future__ import annotations

import collections
import dataclasses
from types import MappingProxyType
from typing import Any, Mapping

from .. import catalogue
from ._env import CrucibleEnv

__all__ = ["SCENARIOS", "SCENARIOS_BY_SUBSTRATE", "PERMITTED_OBSERVATIONS", "ScenarioConfig", "Scenario",
           "get_config", "build", "build_from_config"]

Scenario = CrucibleEnv

SCENARIOS: frozenset[str] = frozenset(catalogue.scenarios())


def _by_substrate() -> Mapping[str, frozenset[str]]:
    out: dict[str, list[str]] = collections.defaultdict(list)
    for sc in catalogue.scenarios().values():
        out[sc.substrate].append(sc.name)
    return MappingProxyType({k: frozenset(v) for k, v in out.items()})


SCENARIOS_BY_SUBSTRATE: Mapping[str, frozenset[str]] = _by_substrate()

# As Melting Pot's meltingpot/scenario.py: what focal players may observe.
PERMITTED_OBSERVATIONS: frozenset[str] = frozenset({
    "RGB",
    "HUNGER",
    "INVENTORY",
    "MY_OFFER",
    "OFFERS",
    "READY_TO_SHOOT",
    "STAMINA",
    "VOTING",
    "COLLECTIVE_REWARD",
})


@dataclasses.dataclass(frozen=True)
class ScenarioConfig:
    """Melting Pot's ``ScenarioConfig`` fields (``bots_by_role`` names Crucible's scripted bots), plus ``name``."""

    name: str
    description: str
    tags: frozenset[str]
    substrate: str
    roles: tuple[str, ...]
    is_focal: tuple[bool, ...]
    bots_by_role: Mapping[str, frozenset[str]]


def get_config(name: str) -> ScenarioConfig:
    """The scenario's configuration. Unknown name → ``UnknownScenario`` (a ``KeyError``)."""
    sc = catalogue.scenario(name)
    return ScenarioConfig(
        name=sc.name,
        description=sc.description,
        tags=frozenset(),
        substrate=sc.substrate,
        roles=("default",) * len(sc.is_focal),
        is_focal=sc.is_focal,
        bots_by_role=MappingProxyType({"default": frozenset(sc.bots)}),
    )


def build(name: str, **kwargs: Any) -> CrucibleEnv:
    """The scenario's environment: focal players only, permitted observations only."""
    return build_from_config(get_config(name), **kwargs)


def build_from_config(config: ScenarioConfig, **kwargs: Any) -> CrucibleEnv:
    kwargs.setdefault("world", False)
    return CrucibleEnv(config.substrate, scenario=config.name, permitted_observations=PERMITTED_OBSERVATIONS, **kwargs)
