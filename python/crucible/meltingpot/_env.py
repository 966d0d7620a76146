"""The dm_env-style environment behind ``crucible.meltingpot.substrate`` and ``crucible.meltingpot.scenario``.

Timesteps follow Melting Pot's (``meltingpot/utils/substrates/wrappers/multiplayer_wrapper.py`` and
``collective_reward_wrapper.py``; Lab2D's ``dmlab2d/__init__.py``):

- ``reset()`` → ``FIRST``, reward 0 for every player, discount 0.0;
- ``step(actions)`` → ``MID`` with discount 1.0, or ``LAST`` with discount 0.0 when the episode ended (Melting
  Pot reports the step cap as a termination too); ``step`` after ``LAST`` starts the next episode (dm_env);
- ``reward``: float64 per player (a numpy array, indexable like Melting Pot's list); ``discount``: a float;
- ``observation``: one dict per player, Melting Pot's names, shapes and dtypes: ``RGB`` (h, w, 3) uint8,
  ``READY_TO_SHOOT`` () float64 (substrates with a beam), the substrate's vector observations (``INVENTORY`` (K,), ``INTERACTION_INVENTORIES``
  (2, K), ``NUM_OTHERS_WHO_CLEANED_THIS_STEP`` (), float64), ``COLLECTIVE_REWARD`` () float64 (the sum of every
  player's reward this step) and ``WORLD.RGB`` (H, W, 3) uint8, the same array in every player's dict.

Arrays are views into the buffer the step's frame was received into (a new one every step, so kept timesteps
never change). A scenario environment holds only the focal slots (the server's bots play the others) and passes only
``PERMITTED_OBSERVATIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Collection, Generic, Mapping, Sequence, TypeVar

import numpy as np

from .. import specs
from ..client import Client, Room
from ..errors import InvalidAction, InvalidOption
from ..protocol import FrameLayout, Frames

T = TypeVar("T")

_FLOAT_OBS = {"READY_TO_SHOOT", "COLLECTIVE_REWARD", "INVENTORY", "INTERACTION_INVENTORIES", "NUM_OTHERS_WHO_CLEANED_THIS_STEP"}


class Subject(Generic[T]):
    """A minimal observable: ``subscribe(on_next, on_completed)`` returns a callable that unsubscribes."""

    def __init__(self) -> None:
        self._observers: list[tuple[Callable[[T], None] | None, Callable[[], None] | None]] = []

    def subscribe(self, on_next: Callable[[T], None] | None = None, on_completed: Callable[[], None] | None = None) -> Callable[[], None]:
        entry = (on_next, on_completed)
        self._observers.append(entry)
        return lambda: self._observers.remove(entry) if entry in self._observers else None

    def on_next(self, value: T) -> None:
        for f, _ in list(self._observers):
            if f is not None:
                f(value)

    def on_completed(self) -> None:
        for _, f in list(self._observers):
            if f is not None:
                f()
        self._observers.clear()


@dataclass(frozen=True)
class SubstrateObservables:
    """As Melting Pot's: actions sent, timesteps returned, and events ``(name, per-player counts)`` per step."""

    action: Subject[Sequence[int] | np.ndarray]
    timestep: Subject[Any]
    events: Subject[tuple[str, Any]]


def _vector_shape(name: str, length: int) -> tuple[int, ...]:
    if name == "INTERACTION_INVENTORIES":
        return (2, length // 2)
    if name == "INVENTORY":
        return (length,)
    return () if length == 1 else (length,)


class CrucibleEnv:
    """A Melting Pot substrate (or scenario) played on a Crucible server. Use ``substrate.build`` /
    ``scenario.build``; ``close()`` it, or use it as a context manager."""

    def __init__(
        self,
        substrate: str,
        *,
        scenario: str | None = None,
        permitted_observations: Collection[str] | None = None,
        url: str | None = None,
        seed: int | None = None,
        obs: str = "rgb",
        world: bool = True,
        events: bool = False,
        max_steps: int | None = None,
        timeout: float = 60.0,
        token: str | None = None,
        **create_options: Any,
    ) -> None:
        self._client = Client(url, timeout=timeout, token=token)
        try:
            self._room = self._open(substrate, scenario, seed, obs, world, events, max_steps, create_options)
        except BaseException:
            self._client.close()
            raise
        self._permitted = None if permitted_observations is None else frozenset(permitted_observations)
        room = self._room
        self._world_shape = room.welcome.world
        self._layout = self._layout_of(room)
        self._obs_specs = self._observation_specs()
        self._action_spec = specs.discrete(room.num_actions, "action")
        self._last_step_type: Any = None
        self._next_seed = seed
        self._observables = SubstrateObservables(Subject(), Subject(), Subject())
        self._closed = False

    def _open(self, substrate: str, scenario: str | None, seed: int | None, obs: str, world: bool, events: bool,
              max_steps: int | None, create_options: dict[str, Any]) -> Room:
        kw = dict(scenario=scenario, seed=seed, obs=obs, max_steps=max_steps, policy="crucible-python", **create_options)
        try:
            return self._client.create(substrate, world=world, events=events, **kw)
        except InvalidOption as e:
            if not (world or events) or "controller protocol" not in e.message:
                raise
            # A server without the controller protocol: no WORLD.RGB or events per step.
            return self._client.create(substrate, **kw)

    @staticmethod
    def _layout_of(room: Room) -> FrameLayout:
        # Both paths receive the room's current frames right after joining: their header says the layout.
        frames = room.last
        assert frames is not None
        s = frames.slots
        names = s.dtype.names or ()
        vector_length = int(s.dtype["vector"].shape[0]) if "vector" in names else 0
        return FrameLayout(room.welcome.obs, int(s["width"][0]), int(s["height"][0]), vector_length)

    # -- specs ---------------------------------------------------------------------------------------------------
    def _observation_specs(self) -> dict[str, Any]:
        lay, w = self._layout, self._room.welcome
        out: dict[str, Any] = {}
        if lay.mode == "rgb":
            out["RGB"] = specs.array((lay.height, lay.width, 3), np.uint8, "RGB")
        elif lay.mode == "symbolic":
            out["SYMBOLIC"] = specs.array((lay.height, lay.width), np.uint8, "SYMBOLIC")
        # READY_TO_SHOOT where the substrate has a beam (the welcome's observation names say; coins has none).
        names = w.raw.get("observationNames")
        if names is None or "READY_TO_SHOOT" in names:
            out["READY_TO_SHOOT"] = specs.array((), np.float64, "READY_TO_SHOOT")
        for v in w.vector:
            out[v.name] = specs.array(_vector_shape(v.name, v.length), np.float64, v.name)
        out["COLLECTIVE_REWARD"] = specs.array((), np.float64, "COLLECTIVE_REWARD")
        if self._world_shape is not None:
            h, wd = self._world_shape
            out["WORLD.RGB"] = specs.array((h, wd, 3), np.uint8, "WORLD.RGB")
        if self._permitted is not None:
            out = {k: v for k, v in out.items() if k in self._permitted}
        return out

    @property
    def num_players(self) -> int:
        """Players this environment takes actions for (the focal players of a scenario)."""
        return self._room.count

    @property
    def room(self) -> Room:
        """The underlying connection (``crucible.Room``)."""
        return self._room

    def observation_spec(self) -> Sequence[Mapping[str, Any]]:
        return [dict(self._obs_specs) for _ in range(self.num_players)]

    def action_spec(self) -> Sequence[Any]:
        return [self._action_spec] * self.num_players

    def reward_spec(self) -> Sequence[Any]:
        return [specs.array((), np.float64, "REWARD")] * self.num_players

    def discount_spec(self) -> Any:
        return specs.bounded((), np.float64, 0.0, 1.0, "discount")

    # -- stepping --------------------------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None) -> Any:
        """A new episode (``seed``: a Crucible extension; by default the next seed). Returns the FIRST timestep."""
        if seed is None and self._next_seed is not None:
            seed, self._next_seed = self._next_seed, None  # the build seed drives the first episode
        frames = self._room.reset(seed)
        return self._emit(frames, specs.StepType.FIRST)

    def step(self, actions: Sequence[int] | np.ndarray) -> Any:
        """One action per player, in player order. After a LAST timestep this starts the next episode."""
        if self._last_step_type is None or self._last_step_type == specs.StepType.LAST:
            return self.reset()
        if len(actions) != self.num_players:
            raise InvalidAction("INVALID_ACTION", f"expected {self.num_players} actions, got {len(actions)}")
        self._observables.action.on_next(actions)
        frames = self._room.step(actions)
        return self._emit(frames, specs.StepType.LAST if frames.done else specs.StepType.MID)

    def _emit(self, frames: Frames, step_type: Any) -> Any:
        slots = frames.slots
        n = len(slots)
        if step_type == specs.StepType.FIRST:
            reward = np.zeros(n, np.float64)
            discount = 0.0
        else:
            reward = slots["reward"].astype(np.float64)
            discount = 0.0 if step_type == specs.StepType.LAST else 1.0
        fields: dict[str, Any] = {}
        names = self._obs_specs
        if "RGB" in names or "SYMBOLIC" in names:
            fields["RGB" if "RGB" in names else "SYMBOLIC"] = slots["obs"]
        if "READY_TO_SHOOT" in names:
            fields["READY_TO_SHOOT"] = slots["ready_to_shoot"].astype(np.float64)
        if self._room.welcome.vector:
            vec = slots["vector"]
            for v in self._room.welcome.vector:
                if v.name in names:
                    shape = _vector_shape(v.name, v.length)
                    fields[v.name] = vec[:, v.offset : v.offset + v.length].astype(np.float64).reshape((n, *shape))
        if "COLLECTIVE_REWARD" in names:
            fields["COLLECTIVE_REWARD"] = slots["collective_reward"].astype(np.float64)
        # a[i, ...] is a 0-d array for the scalar observations, as Lab2D's (dmlab2d/__init__.py: np.asarray).
        observation = [{k: a[i, ...] for k, a in fields.items()} for i in range(n)]
        if "WORLD.RGB" in names and frames.world is not None:
            for o in observation:
                o["WORLD.RGB"] = frames.world
        ts = specs.TimeStep(step_type=step_type, reward=reward, discount=discount, observation=observation)
        self._last_step_type = step_type
        self._observables.timestep.on_next(ts)
        if frames.events is not None:
            for j, name in enumerate(self._room.welcome.events):
                self._observables.events.on_next((name, frames.events[:, j]))
        return ts

    # -- the rest of dm_env ------------------------------------------------------------------------------------
    def observables(self) -> SubstrateObservables:
        return self._observables

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._observables.action.on_completed()
        self._observables.timestep.on_completed()
        self._observables.events.on_completed()
        self._client.close()

    def __enter__(self) -> "CrucibleEnv":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # best effort: an env dropped without close() still frees its server
        try:
            self.close()
        except Exception:
            pass
