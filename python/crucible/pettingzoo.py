"""A PettingZoo ``ParallelEnv`` of a Crucible substrate or scenario (needs ``pettingzoo`` and ``gymnasium``).

    from crucible.pettingzoo import parallel_env
    env = parallel_env("commons_harvest__open", render_mode="rgb_array")
    observations, infos = env.reset(seed=42)
    while env.agents:
        actions = {agent: env.action_space(agent).sample() for agent in env.agents}
        observations, rewards, terminations, truncations, infos = env.step(actions)
    env.close()

Agents are ``player_<slot>`` (a scenario's focal players only). Each agent observes a ``Dict`` of Melting Pot's
individual observations (``RGB``, ``READY_TO_SHOOT``, ``COLLECTIVE_REWARD``, the substrate's vector observations;
a scenario passes only ``PERMITTED_OBSERVATIONS``); ``state()`` and ``render()`` (``render_mode="rgb_array"``)
return WORLD.RGB. ``terminations`` are the substrate's own ending, ``truncations`` the step cap. This is a thin
view over ``crucible.meltingpot``'s environment: one protocol implementation.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from .errors import CrucibleError
from .meltingpot import scenario as _scenario
from .meltingpot import substrate as _substrate
from .meltingpot._env import CrucibleEnv

__all__ = ["parallel_env", "CrucibleParallelEnv"]

_BOUNDS = {"READY_TO_SHOOT": (0.0, 1.0), "RGB": (0, 255), "SYMBOLIC": (0, 255)}


def _space(spec: Any) -> spaces.Box:
    lo, hi = _BOUNDS.get(spec.name, (-np.inf, np.inf))
    return spaces.Box(low=lo, high=hi, shape=tuple(spec.shape), dtype=spec.dtype)


class CrucibleParallelEnv(ParallelEnv):  # type: ignore[misc]
    """See the module comment; made by ``parallel_env``."""

    metadata = {"render_modes": ["rgb_array"], "name": "crucible", "is_parallelizable": True}

    def __init__(self, env: CrucibleEnv, name: str, render_mode: str | None = None) -> None:
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self._env = env
        self.render_mode = render_mode
        self.metadata = dict(self.metadata, name=f"crucible_{name}")
        self.possible_agents = list(env.room.agents)
        self.agents: list[str] = []
        spec = env.observation_spec()[0]
        self._obs_names = [k for k in spec if not k.startswith("WORLD.")]
        self._observation_space = spaces.Dict({k: _space(spec[k]) for k in self._obs_names})
        world = env.room.welcome.world
        self.state_space = spaces.Box(0, 255, (world[0], world[1], 3), np.uint8) if world is not None else None

    @functools.lru_cache(maxsize=None)
    def observation_space(self, agent: str) -> spaces.Dict:
        # One space object per agent (PettingZoo's tests check identity; seeding works per object).
        return spaces.Dict(dict(self._observation_space.spaces))

    @functools.lru_cache(maxsize=None)
    def action_space(self, agent: str) -> spaces.Discrete:  # type: ignore[type-arg]
        return spaces.Discrete(self._env.room.num_actions)

    def _observations(self, ts: Any) -> dict[str, dict[str, Any]]:
        names = self._obs_names
        return {a: {k: o[k] for k in names} for a, o in zip(self.possible_agents, ts.observation)}

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        ts = self._env.reset(seed=seed)
        self.agents = list(self.possible_agents)
        return self._observations(ts), {a: {} for a in self.agents}

    def step(self, actions: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float], dict[str, bool], dict[str, bool], dict[str, Any]]:
        if not self.agents:
            raise CrucibleError("EPISODE_ENDED", "the episode has ended: call reset()")
        missing = [a for a in self.agents if a not in actions]
        if missing:
            raise CrucibleError("INVALID_ACTION", f"no action for {missing}; every live agent acts each step")
        ts = self._env.step([int(actions[a]) for a in self.possible_agents])
        frames = self._env.room.last
        assert frames is not None
        obs = self._observations(ts)
        rewards = {a: float(r) for a, r in zip(self.possible_agents, ts.reward)}
        terminations = dict.fromkeys(self.possible_agents, frames.terminated)
        truncations = dict.fromkeys(self.possible_agents, frames.truncated and not frames.terminated)
        infos: dict[str, Any] = {a: {} for a in self.possible_agents}
        if frames.done:
            self.agents = []
        return obs, rewards, terminations, truncations, infos

    def state(self) -> np.ndarray:
        """WORLD.RGB of the current step, (H, W, 3) uint8."""
        frames = self._env.room.last
        if frames is None or frames.world is None:
            raise CrucibleError("NOT_AVAILABLE", "WORLD.RGB needs reset() first and a server with the controller protocol")
        return frames.world

    def render(self) -> np.ndarray | None:
        if self.render_mode is None:
            return None
        return self.state()

    def close(self) -> None:
        self._env.close()


def parallel_env(
    substrate: str,
    scenario: str | None = None,
    *,
    render_mode: str | None = None,
    url: str | None = None,
    **kwargs: Any,
) -> CrucibleParallelEnv:
    """A ParallelEnv of ``substrate`` (every player yours) or of ``scenario`` (its focal players only, the server's
    bots playing the rest). ``kwargs``: ``seed``, ``obs`` ('rgb' / 'symbolic'), ``max_steps``, ``timeout``."""
    if scenario is not None:
        cfg = _scenario.get_config(scenario)
        if cfg.substrate != substrate:
            raise _scenario_mismatch(scenario, cfg.substrate, substrate)
        kwargs.setdefault("world", True)  # for state() and render(); focal observations never carry it
        env = _scenario.build_from_config(cfg, url=url, **kwargs)
    else:
        config = _substrate.get_config(substrate)
        env = _substrate.build_from_config(config, roles=config.default_player_roles, url=url, **kwargs)
    return CrucibleParallelEnv(env, scenario or substrate, render_mode)


def _scenario_mismatch(scenario: str, actual: str, given: str) -> CrucibleError:
    from .errors import InvalidOption

    return InvalidOption("INVALID_OPTION", f"scenario {scenario!r} is a scenario of {actual!r}, not of {given!r}")
