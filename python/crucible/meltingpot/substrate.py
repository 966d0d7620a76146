"""Melting Pot's ``meltingpot.substrate`` on Crucible (same names, same semantics).

    from crucible.meltingpot import substrate
    config = substrate.get_config("clean_up")
    with substrate.build("clean_up", roles=config.default_player_roles) as env:
        timestep = env.reset()

Crucible extensions, all keyword-only and optional: ``url`` (a running server; default: the embedded one),
``seed`` (the first episode's seed; each later episode takes the next), ``obs`` ('rgb' or 'symbolic'),
``max_steps`` (truncate episodes), ``world`` (WORLD.RGB in the observations, default True, as Melting Pot).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Sequence

from .. import catalogue, specs
from ..errors import InvalidOption
from ._env import CrucibleEnv

__all__ = ["SUBSTRATES", "SubstrateConfig", "Substrate", "get_config", "build", "build_from_config"]

Substrate = CrucibleEnv

SUBSTRATES: frozenset[str] = frozenset(catalogue.substrates())


@dataclasses.dataclass(frozen=True)
class SubstrateConfig:
    """What ``get_config`` returns: Melting Pot's fields that apply, plus the substrate's name and description.

    ``timestep_spec`` is filled when the server publishes observation specs in ``GET /api/substrates``."""

    substrate: str
    description: str
    num_players: int
    action_set: tuple[str, ...]
    individual_observation_names: tuple[str, ...]
    global_observation_names: tuple[str, ...]
    action_spec: Any
    timestep_spec: Any
    valid_roles: frozenset[str]
    default_player_roles: tuple[str, ...]
    ascii_map: str
    scenarios: tuple[str, ...]

    def __getitem__(self, key: str) -> Any:  # ConfigDict-style access: config["valid_roles"]
        return getattr(self, key)


def _timestep_spec(spec: Mapping[str, Any] | None) -> Any:
    if not spec:
        return None
    observations = {
        o["name"]: specs.array(tuple(o["shape"]), o["dtype"], o["name"]) for o in spec.get("observations", ())
    }
    return specs.TimeStep(
        step_type=specs.bounded((), "int64", 0, 2, "step_type"),
        reward=specs.array((), "float64", "reward"),
        discount=specs.bounded((), "float64", 0.0, 1.0, "discount"),
        observation=observations,
    )


def get_config(name: str) -> SubstrateConfig:
    """The substrate's configuration (``valid_roles``, ``default_player_roles``, ...). Unknown name → ``UnknownSubstrate``
    (a ``KeyError``)."""
    info = catalogue.substrate(name)
    individual = tuple(o for o in info.observations if o != "WORLD.RGB")
    rgb_spec = info.specs.get("rgb") if isinstance(info.specs, Mapping) else None
    return SubstrateConfig(
        substrate=name,
        description=info.description,
        num_players=info.players,
        action_set=info.actions,
        individual_observation_names=individual,
        global_observation_names=("WORLD.RGB",),
        action_spec=specs.discrete(len(info.actions), "action"),
        timestep_spec=_timestep_spec(rgb_spec),
        valid_roles=frozenset({"default"}),
        default_player_roles=("default",) * info.players,
        ascii_map=info.map,
        scenarios=tuple(sc.name for sc in info.scenarios),
    )


def _check_roles(config: SubstrateConfig, roles: Sequence[str]) -> None:
    if isinstance(roles, str):
        raise InvalidOption("INVALID_OPTION", "roles must be a sequence of role names, one per player, not a string")
    invalid = set(roles) - set(config.valid_roles)
    if invalid:
        raise InvalidOption("INVALID_OPTION", f"Invalid roles: {invalid!r}. Must be one of {set(config.valid_roles)!r}")
    if len(roles) != config.num_players:
        raise InvalidOption(
            "INVALID_OPTION",
            f"{config.substrate} is played by {config.num_players} players; got {len(roles)} roles "
            "(Crucible's substrates have a fixed number of players)",
        )


def build(name: str, *, roles: Sequence[str], **kwargs: Any) -> CrucibleEnv:
    """An environment of the substrate with one player per role (``get_config(name).default_player_roles``)."""
    return build_from_config(get_config(name), roles=roles, **kwargs)


def build_from_config(config: SubstrateConfig, *, roles: Sequence[str], **kwargs: Any) -> CrucibleEnv:
    """An environment from a (possibly ``dataclasses.replace``-d) config."""
    _check_roles(config, roles)
    return CrucibleEnv(config.substrate, **kwargs)
