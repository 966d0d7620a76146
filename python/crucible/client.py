"""``crucible.Client``: connect to a Crucible server (or start the embedded one), create and join rooms, act,
observe, reset.

A ``Room`` holds some or all of a room's focal slots over ONE connection (the controller protocol: one message
per step, all held slots' actions in, all their frames out). Servers that predate controllers are played
through one agent connection per slot in a lockstep room instead, behind the same interface (``Room.transport``
says which); on that path ``reset`` mid-episode or with a new seed starts a fresh room, and WORLD.RGB and the
per-step events are not available.

    with crucible.Client() as client:                       # no URL: the embedded server
        room = client.create("commons_harvest__open", seed=1)
        frames = room.reset()
        while not frames.done:
            frames = room.step(np.random.randint(0, room.num_actions, room.count))
        print(frames.slots["reward"])
"""

from __future__ import annotations

import time
from typing import Any, Mapping, Sequence

import numpy as np

from . import server as _server
from ._colyseus import RoomSocket, http_json, matchmake
from .errors import CrucibleError, InvalidAction, InvalidOption, OverBudget, ProtocolError
from .protocol import AgentFramesAssembler, Frames, StepFrameReader, Welcome

__all__ = ["Client", "Room"]

# Create options of a lockstep room played through agent connections: wait for every agent for ever (the actions a
# lockstep room takes do not count against its message cap).
_AGENT_PATH_DEFAULTS: dict[str, Any] = {"lockstep": True, "actionTimeoutMs": 0}
# A server refusing creates faster than its budget says "try again in a moment": how long create() keeps trying.
_CREATE_RETRY_S = 10.0


def _http_base(url: str) -> str:
    u = url.rstrip("/")
    if u.startswith("ws://"):
        return "http://" + u[5:]
    if u.startswith("wss://"):
        return "https://" + u[6:]
    if not u.startswith(("http://", "https://")):
        return "http://" + u
    return u


def _drop_none(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


class Client:
    """A connection point to one Crucible server. ``url=None`` starts (or shares) the embedded local server."""

    def __init__(self, url: str | None = None, *, timeout: float = 60.0, token: str | None = None) -> None:
        """``token``: the server's join token (a server started with ``CRUCIBLE_TOKEN``), sent with every join."""
        self.timeout = timeout
        self.token = token
        self._embedded = url is None
        if url is None:
            url = _server.acquire().url
        self.url = _http_base(url)
        self._rooms: list[Room] = []
        self._closed = False

    # -- HTTP API ---------------------------------------------------------------------------------------------
    def substrates(self) -> list[dict[str, Any]]:
        """``GET /api/substrates``: every substrate with its players, actions, observations and scenarios."""
        return list(http_json(f"{self.url}/api/substrates", timeout=self.timeout))

    def rooms(self) -> list[dict[str, Any]]:
        """``GET /api/rooms``."""
        return list(http_json(f"{self.url}/api/rooms", timeout=self.timeout))

    # -- rooms -------------------------------------------------------------------------------------------------
    def create(
        self,
        substrate: str,
        *,
        scenario: str | None = None,
        seed: int | None = None,
        obs: str = "rgb",
        slots: Sequence[int] | None = None,
        world: bool = False,
        events: bool = False,
        policy: str | None = None,
        max_steps: int | None = None,
        transport: str = "auto",
        **options: Any,
    ) -> "Room":
        """Create a room of ``substrate`` and hold its focal slots (all of them, or ``slots``).

        ``transport``: ``"auto"`` (a controller connection, or agent connections on a server without
        controllers), ``"controller"`` or ``"agents"``. ``options`` are further create options in the server's
        names (``fillFocal``, ``scale``, ...)."""
        self._check_open()
        if transport not in ("auto", "controller", "agents"):
            raise InvalidOption("INVALID_OPTION", f"transport must be 'auto', 'controller' or 'agents', got {transport!r}")
        create = _drop_none({"scenario": scenario, "seed": seed, "maxSteps": max_steps, **options})
        deadline = time.monotonic() + _CREATE_RETRY_S
        while True:
            try:
                room = Room(self, substrate, None, create, obs=obs, slots=slots, world=world, events=events,
                            policy=policy, transport=transport)
                break
            except OverBudget as e:
                # A rate budget (rooms created per second) refuses for a moment only; the others stand.
                if "try again" not in e.message or time.monotonic() > deadline:
                    raise
                time.sleep(0.25)
        self._rooms.append(room)
        return room

    def join(
        self,
        room_id: str,
        *,
        obs: str = "rgb",
        slots: Sequence[int] | None = None,
        world: bool = False,
        events: bool = False,
        policy: str | None = None,
    ) -> "Room":
        """Join a running room (``GET /api/rooms`` lists them) and hold its free focal slots (or ``slots``)."""
        self._check_open()
        room = Room(self, None, room_id, {}, obs=obs, slots=slots, world=world, events=events, policy=policy)
        self._rooms.append(room)
        return room

    def _check_open(self) -> None:
        if self._closed:
            raise CrucibleError("CLIENT_CLOSED", "this client is closed")

    def close(self) -> None:
        """Leave every room; stop the embedded server if this was its last user."""
        if self._closed:
            return
        self._closed = True
        for room in self._rooms:
            room.close()
        self._rooms.clear()
        if self._embedded:
            _server.release()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Room:
    """Some focal slots of one room, stepped together (see the module comment). Made by ``Client.create/join``."""

    welcome: Welcome
    transport: str
    last: Frames | None
    summaries: list[dict[str, Any]]

    def __init__(
        self,
        client: Client,
        substrate: str | None,
        room_id: str | None,
        create: dict[str, Any],
        *,
        obs: str,
        slots: Sequence[int] | None,
        world: bool,
        events: bool,
        policy: str | None,
        transport: str = "auto",
    ) -> None:
        self._client = client
        self._substrate = substrate
        self._create = dict(create)
        self._obs = obs
        self._want_slots = None if slots is None else [int(s) for s in slots]
        self._world = world
        self._events = events
        self._policy = policy
        self.last = None
        self.summaries = []
        self._closed = False
        self._sockets: list[RoomSocket] = []
        self._reader: StepFrameReader | None = None
        self._assembler: AgentFramesAssembler | None = None
        self._initial: Frames | None = None
        self._acted = False
        if transport == "agents":
            self._open_agents(room_id)
        else:
            self._open(room_id, fallback=transport == "auto")

    # -- connecting --------------------------------------------------------------------------------------------
    def _join_options(self, role: str) -> dict[str, Any]:
        o: dict[str, Any] = {"role": role, "obs": self._obs}
        if self._policy is not None:
            o["policy"] = self._policy
        if self._client.token is not None:
            o["token"] = self._client.token
        if role == "controller":
            if self._want_slots is not None:
                o["slots"] = self._want_slots
            if self._world:
                o["world"] = True
            if self._events:
                o["events"] = True
        return o

    def _open(self, room_id: str | None, fallback: bool) -> None:
        c = self._client
        try:
            if room_id is None:
                assert self._substrate is not None
                seat = matchmake(c.url, "create", self._substrate, {**self._create, **self._join_options("controller")}, c.timeout)
            else:
                seat = matchmake(c.url, "joinById", room_id, self._join_options("controller"), c.timeout)
        except InvalidOption as e:
            # A server without controllers refuses the role (or the controller-only options): play through agents.
            if not fallback or not any(k in e.message for k in ("role", "world", "events", "slots")):
                raise
            self._open_agents(room_id)
            return
        sock = RoomSocket(c.url, seat, c.timeout)
        self._sockets = [sock]
        try:
            w = self.welcome = self._await_welcome(sock)
            if w.role != "controller" or w.frame_bytes is None:
                raise ProtocolError("MALFORMED_MESSAGE", f"joined as {w.role!r}, asked to be a controller")
            self.transport = "controller"
            self.room_id = seat.room_id
            self._reader = StepFrameReader(len(w.slots), w.frame_bytes, len(w.events), w.world)
            # A controller gets the room's current frames right after joining (tick 0 of a new room's first episode).
            self._initial = self.observe()
        except BaseException:
            sock.close()
            raise
        self._room_seed = int(self._create.get("seed", 0))

    def _open_agents(self, room_id: str | None) -> None:
        c = self._client
        if self._world or self._events:
            raise InvalidOption(
                "INVALID_OPTION", "WORLD.RGB and events per step need the controller protocol; agent connections do not carry them"
            )
        join = self._join_options("agent")
        if room_id is None:
            assert self._substrate is not None
            seat = matchmake(c.url, "create", self._substrate, {**_AGENT_PATH_DEFAULTS, **self._create, **join}, c.timeout)
        else:
            seat = matchmake(c.url, "joinById", room_id, join, c.timeout)
        self.room_id = seat.room_id
        first = RoomSocket(c.url, seat, c.timeout)
        sockets = [first]
        try:
            w = self._await_welcome(first)
            wanted = self._want_slots
            free_focal = [s for s in w.focal_slots if s >= w.slots[0]]
            count = len(free_focal) if wanted is None else len(wanted)
            if wanted is not None and list(wanted) != free_focal[: len(wanted)]:
                raise InvalidOption(
                    "INVALID_OPTION",
                    f"this server (no controller protocol) hands out focal slots in order; slots {wanted} are not the first free ones {free_focal}",
                )
            welcomes = [w]
            for _ in range(count - 1):
                s = RoomSocket(c.url, matchmake(c.url, "joinById", seat.room_id, join, c.timeout), c.timeout)
                sockets.append(s)
                welcomes.append(self._await_welcome(s))
        except BaseException:
            for s in sockets:
                s.close()
            raise
        self._sockets = sockets
        slots = tuple(ws.slots[0] for ws in welcomes)
        raw = dict(w.raw, slots=list(slots), agents=[f"player_{s}" for s in slots])
        self.welcome = Welcome.parse(raw)
        self.transport = "agents"
        self._assembler = AgentFramesAssembler(len(sockets))
        # Every agent gets its observation right after joining: that is the first frame of the room's episode.
        self._initial = self._collect_agent_frames()
        self._room_seed = int(self._create.get("seed", 0))

    def _await_welcome(self, sock: RoomSocket) -> Welcome:
        while True:
            kind, payload = sock.recv()
            if kind == "welcome":
                return Welcome.parse(payload)
            if kind == "error":
                raise _server_error(payload)

    # -- properties --------------------------------------------------------------------------------------------
    @property
    def slots(self) -> tuple[int, ...]:
        """The held slots, ascending; frames and actions are in this order."""
        return self.welcome.slots

    @property
    def count(self) -> int:
        return len(self.welcome.slots)

    @property
    def agents(self) -> tuple[str, ...]:
        return tuple(f"player_{s}" for s in self.welcome.slots)

    @property
    def actions(self) -> tuple[str, ...]:
        return self.welcome.actions

    @property
    def num_actions(self) -> int:
        return len(self.welcome.actions)

    # -- stepping ----------------------------------------------------------------------------------------------
    def reset(self, seed: int | None = None) -> Frames:
        """Start a new episode (ending the running one, recorded as truncated) and return its first frames."""
        self._check_open()
        if seed is not None and (not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) <= 0xFFFFFFFF):
            raise InvalidOption("INVALID_OPTION", f"seed must be an integer from 0 to 4294967295, got {seed!r}")
        fresh = self._unused_initial(None if seed is None else int(seed))
        if fresh is not None:
            frames = fresh
        elif self.transport == "controller":
            self._sockets[0].send("reset", {} if seed is None else {"seed": int(seed)})
            frames = self.observe()
        else:
            frames = self._reset_agents(None if seed is None else int(seed))
        self._initial = None
        self._acted = False
        return frames

    def _unused_initial(self, seed: int | None) -> Frames | None:
        """The frames received at join, when nothing has been played since and ``seed`` asks for that same world."""
        f = self._initial
        if f is None or self._acted or f.tick != 0 or f.done:
            return None
        if seed is not None and (seed != self._room_seed or f.episode != 0):
            return None
        self.last = f
        return f

    def act(self, actions: Sequence[int] | np.ndarray) -> None:
        """Send one action per held slot (in ``slots`` order), answering the last frames."""
        self._check_open()
        if self.last is None:
            raise CrucibleError("NOT_STARTED", "call reset() before act()")
        if self.last.done:
            raise CrucibleError("EPISODE_ENDED", "the episode has ended: call reset()")
        a = np.asarray(actions)
        n = self.num_actions
        if a.shape != (self.count,):
            raise InvalidAction("INVALID_ACTION", f"expected {self.count} actions (one per held slot), got shape {a.shape}")
        if a.dtype.kind not in "iub" and not (a.dtype.kind == "f" and np.all(np.floor(a) == a)):
            raise InvalidAction("INVALID_ACTION", f"actions must be integers from 0 to {n - 1}, got dtype {a.dtype}")
        if a.size and (int(a.min()) < 0 or int(a.max()) >= n):
            bad = int(np.flatnonzero((a < 0) | (a >= n))[0])
            raise InvalidAction(
                "INVALID_ACTION", f"action for slot {self.slots[bad]} must be an integer from 0 to {n - 1}, got {a[bad]!r}"
            )
        values = [int(x) for x in a]
        tick, episode = self.last.tick, self.last.episode
        if self.transport == "controller":
            self._sockets[0].send("step", {"episode": episode, "tick": tick, "actions": values})
        else:
            for sock, v in zip(self._sockets, values):
                sock.send("action", {"tick": tick, "episode": episode, "action": v})
        self._acted = True

    def observe(self, timeout: float | None = None) -> Frames:
        """The next frames (the answer to ``act`` or ``reset``)."""
        self._check_open()
        if self.transport == "controller":
            sock = self._sockets[0]
            assert self._reader is not None
            while True:
                kind, payload = sock.recv(timeout)
                if kind == "step":
                    frames = self._reader.read(payload)
                    break
                self._other_message(kind, payload)
        else:
            frames = self._collect_agent_frames(timeout)
        self.last = frames
        return frames

    def step(self, actions: Sequence[int] | np.ndarray) -> Frames:
        """``act(actions)`` then ``observe()``."""
        self.act(actions)
        return self.observe()

    def _other_message(self, kind: str, payload: Any) -> None:
        if kind == "error":
            raise _server_error(payload)
        if kind == "episode":
            self.summaries.append(dict(payload))
            del self.summaries[:-100]
        # welcome repeats, world PNGs and anything newer: nothing to do.

    # -- the agents' path -------------------------------------------------------------------------------------
    def _collect_agent_frames(self, timeout: float | None = None) -> Frames:
        assert self._assembler is not None
        for i, sock in enumerate(self._sockets):
            while True:
                kind, payload = sock.recv(timeout)
                if kind == "obs":
                    self._assembler.put(i, payload)
                    break
                if kind == "episode" and i > 0:
                    continue  # every agent gets the summary: keep one
                self._other_message(kind, payload)
        frames = self._assembler.frames()
        self.last = frames
        return frames

    def _reset_agents(self, seed: int | None) -> Frames:
        last = self.last if self.last is not None else self._initial
        assert last is not None
        if seed is None:
            if last.done:
                # The room has started the next episode by itself (next seed): its first frames are waiting.
                return self._collect_agent_frames()
            seed = (self._room_seed + last.episode + 1) & 0xFFFFFFFF
        # A reset the room cannot do by itself: a fresh room with that seed.
        for s in self._sockets:
            s.close()
        self._create["seed"] = seed
        self._open_agents(None)
        self._initial = None
        assert self.last is not None
        return self.last

    # -- closing -----------------------------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise CrucibleError("ROOM_CLOSED", "this room connection is closed")

    def close(self) -> None:
        """Leave the room (the slots are freed at once)."""
        if self._closed:
            return
        self._closed = True
        for s in self._sockets:
            s.close()

    def __enter__(self) -> "Room":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _server_error(payload: Any) -> CrucibleError:
    from .errors import error_from_code

    if isinstance(payload, Mapping):
        return error_from_code(str(payload.get("code", "UNKNOWN")), str(payload.get("message", "")), payload.get("details"))
    return CrucibleError("UNKNOWN", repr(payload))

