"""The binary frames Crucible sends, read with numpy views (no per-pixel or per-agent Python).

One slot's observation frame (the README's *The observation frame*): a 32-byte little-endian header, the
observation bytes (rgb: h·w·3, symbolic: h·w, none: nothing) and V float32 vector observations. ``slot_dtype``
turns that layout into one numpy structured dtype, so a buffer of ``count`` consecutive frames is read with ONE
``np.frombuffer`` call and every field (``reward``, ``obs``, ``vector``, ...) is a strided view.

A controller's step frame (the README's *Controllers*) holds every held slot's frame after a 16-byte header, then
optionally the event counters (float32, slot-major) and WORLD.RGB (h·w·3 bytes).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from .errors import ProtocolError

OBS_MAGIC = 0x5243
OBS_VERSION = 2
OBS_HEADER_BYTES = 32
STEP_MAGIC = 0x4243
STEP_VERSION = 1
STEP_HEADER_BYTES = 16

# Observation frame header flags.
FLAG_FROZEN = 1 << 0
FLAG_REMOVED = 1 << 1
FLAG_TERMINATED = 1 << 2
FLAG_TRUNCATED = 1 << 3
FLAG_LATE_ACTION = 1 << 4
FLAG_NO_ACTION = 1 << 5

# Step frame header flags.
STEP_TERMINATED = 1 << 0
STEP_TRUNCATED = 1 << 1
STEP_EVENTS = 1 << 2
STEP_WORLD = 1 << 3

OBS_MODES = ("none", "rgb", "symbolic")
OBS_CHANNELS = {"none": 0, "rgb": 3, "symbolic": 1}

_HEADER_FIELDS: list[tuple[str, str]] = [
    ("magic", "<u2"),
    ("version", "u1"),
    ("flags", "u1"),
    ("tick", "<u4"),
    ("episode", "<u4"),
    ("slot", "<u2"),
    ("mode", "u1"),
    ("vector_length", "u1"),
    ("reward", "<f4"),
    ("collective_reward", "<f4"),
    ("ready_to_shoot", "<f4"),
    ("width", "<u2"),
    ("height", "<u2"),
]
HEADER_DTYPE = np.dtype(_HEADER_FIELDS)
assert HEADER_DTYPE.itemsize == OBS_HEADER_BYTES

_STEP_HEADER = struct.Struct("<HBBIIHH")


@dataclass(frozen=True)
class FrameLayout:
    """The shape of one slot's frame: observation mode, its size, and the vector observations' length."""

    mode: str
    width: int
    height: int
    vector_length: int

    @property
    def obs_shape(self) -> tuple[int, ...]:
        if self.mode == "rgb":
            return (self.height, self.width, 3)
        if self.mode == "symbolic":
            return (self.height, self.width)
        return (0,)

    @property
    def frame_bytes(self) -> int:
        return OBS_HEADER_BYTES + int(np.prod(self.obs_shape)) + 4 * self.vector_length

    def dtype(self) -> np.dtype:
        """A structured dtype covering exactly one frame (``itemsize == frame_bytes``)."""
        fields: list[tuple[Any, ...]] = list(_HEADER_FIELDS)
        fields.append(("obs", "u1", self.obs_shape))
        if self.vector_length:
            fields.append(("vector", "<f4", (self.vector_length,)))
        dt = np.dtype(fields)
        assert dt.itemsize == self.frame_bytes
        return dt


def read_layout(frame: bytes | memoryview, at: int = 0) -> FrameLayout:
    """The layout announced by the frame header at ``at``; checks magic and version."""
    if len(frame) - at < OBS_HEADER_BYTES:
        raise ProtocolError("MALFORMED_MESSAGE", f"observation frame of {len(frame) - at} bytes is shorter than its header")
    h = np.frombuffer(frame, HEADER_DTYPE, count=1, offset=at)[0]
    if int(h["magic"]) != OBS_MAGIC:
        raise ProtocolError("MALFORMED_MESSAGE", f"bad observation magic 0x{int(h['magic']):04x}")
    if int(h["version"]) != OBS_VERSION:
        raise ProtocolError("MALFORMED_MESSAGE", f"observation frame version {int(h['version'])}; this client reads {OBS_VERSION}")
    mode_code = int(h["mode"])
    if mode_code >= len(OBS_MODES):
        raise ProtocolError("MALFORMED_MESSAGE", f"unknown observation mode {mode_code}")
    return FrameLayout(OBS_MODES[mode_code], int(h["width"]), int(h["height"]), int(h["vector_length"]))


@dataclass(frozen=True)
class Frames:
    """The frames of one step for every held slot, as views into one received buffer.

    ``slots`` is a structured array of length ``count`` (fields as ``HEADER_DTYPE`` plus ``obs`` and ``vector``);
    ``events`` is (count, E) float32 or None; ``world`` is (H, W, 3) uint8 or None.
    """

    tick: int
    episode: int
    terminated: bool
    truncated: bool
    slots: np.ndarray
    events: np.ndarray | None
    world: np.ndarray | None

    @property
    def done(self) -> bool:
        return self.terminated or self.truncated


class StepFrameReader:
    """Reads a controller's step frames; caches the slot dtype (one per room and observation mode)."""

    def __init__(self, count: int, frame_bytes: int, events: int, world: tuple[int, int] | None) -> None:
        self.count = count
        self.frame_bytes = frame_bytes
        self.events = events
        self.world = world
        self._dtype: np.dtype | None = None

    def read(self, payload: bytes | memoryview) -> Frames:
        n = len(payload)
        if n < STEP_HEADER_BYTES:
            raise ProtocolError("MALFORMED_MESSAGE", f"step frame of {n} bytes is shorter than its header")
        magic, version, flags, tick, episode, count, _ = _STEP_HEADER.unpack_from(payload, 0)
        if magic != STEP_MAGIC or version != STEP_VERSION:
            raise ProtocolError("MALFORMED_MESSAGE", f"bad step frame magic 0x{magic:04x} or version {version}")
        if count != self.count:
            raise ProtocolError("MALFORMED_MESSAGE", f"step frame holds {count} slots, this connection holds {self.count}")
        at = STEP_HEADER_BYTES
        if self._dtype is None:
            layout = read_layout(payload, at)
            if layout.frame_bytes != self.frame_bytes:
                raise ProtocolError("MALFORMED_MESSAGE", f"slot frame of {layout.frame_bytes} bytes, welcome said {self.frame_bytes}")
            self._dtype = layout.dtype()
        has_events = bool(flags & STEP_EVENTS)
        world_shape: tuple[int, int] | None = None
        if flags & STEP_WORLD:
            if self.world is None:
                raise ProtocolError("MALFORMED_MESSAGE", "step frame carries WORLD.RGB but the welcome gave no world size")
            world_shape = self.world
        events_bytes = 4 * count * self.events if has_events else 0
        world_bytes = world_shape[0] * world_shape[1] * 3 if world_shape is not None else 0
        # The length is checked before any view is made: a frame cut short is malformed, not a numpy error.
        described = at + count * self.frame_bytes + events_bytes + world_bytes
        if described != n:
            raise ProtocolError("MALFORMED_MESSAGE", f"step frame of {n} bytes, its header describes {described}")
        slots = np.frombuffer(payload, self._dtype, count=count, offset=at)
        at += count * self.frame_bytes
        events = None
        if has_events:
            events = np.frombuffer(payload, "<f4", count=count * self.events, offset=at).reshape(count, self.events)
            at += events_bytes
        world = None
        if world_shape is not None:
            h, w = world_shape
            world = np.frombuffer(payload, np.uint8, count=world_bytes, offset=at).reshape(h, w, 3)
        return Frames(int(tick), int(episode), bool(flags & STEP_TERMINATED), bool(flags & STEP_TRUNCATED), slots, events, world)


class AgentFramesAssembler:
    """The agents' path (one socket per slot): copies each slot's ``obs`` frame into one buffer, read as one array."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._buffer: bytearray | None = None
        self._frame_bytes = 0
        self._dtype: np.dtype | None = None

    def start(self, first: bytes | memoryview) -> None:
        if self._dtype is None:
            layout = read_layout(first)
            self._frame_bytes = layout.frame_bytes
            self._dtype = layout.dtype()
            self._buffer = bytearray(self.count * self._frame_bytes)

    def put(self, i: int, frame: bytes | memoryview) -> None:
        self.start(frame)
        if len(frame) != self._frame_bytes:
            raise ProtocolError("MALFORMED_MESSAGE", f"observation frame of {len(frame)} bytes, expected {self._frame_bytes}")
        assert self._buffer is not None
        self._buffer[i * self._frame_bytes : (i + 1) * self._frame_bytes] = frame

    def frames(self, world: np.ndarray | None = None) -> Frames:
        assert self._buffer is not None and self._dtype is not None
        # A copy: the buffer is refilled on the next step, the returned arrays must stay valid.
        slots = np.frombuffer(bytes(self._buffer), self._dtype, count=self.count)
        flags = slots["flags"]
        return Frames(
            int(slots["tick"][0]),
            int(slots["episode"][0]),
            bool(flags[0] & FLAG_TERMINATED),
            bool(flags[0] & FLAG_TRUNCATED),
            slots,
            None,
            world,
        )


@dataclass(frozen=True)
class VectorField:
    """Where a vector observation sits in the frame's float32 vector: ``vector[offset:offset+length]``."""

    name: str
    offset: int
    length: int


@dataclass(frozen=True)
class Welcome:
    """What the server says right after a join (the README's ``welcome`` message), in Python names."""

    role: str
    substrate: str
    scenario: str | None
    players: int
    focal_slots: tuple[int, ...]
    slots: tuple[int, ...]
    actions: tuple[str, ...]
    obs: str
    vector: tuple[VectorField, ...]
    tick_rate: float
    lockstep: bool
    tick: int
    episode: int
    frame_bytes: int | None
    events: tuple[str, ...]
    world: tuple[int, int] | None
    spec: Mapping[str, Any] | None
    raw: Mapping[str, Any]

    @staticmethod
    def parse(w: Mapping[str, Any]) -> "Welcome":
        slots: Sequence[int] = w.get("slots") or ([w["slot"]] if w.get("slot") is not None else [])
        world = w.get("world")
        return Welcome(
            role=str(w.get("role")),
            substrate=str(w.get("substrate")),
            scenario=w.get("scenario"),
            players=int(w.get("players", 0)),
            focal_slots=tuple(int(s) for s in w.get("focalSlots", ())),
            slots=tuple(int(s) for s in slots),
            actions=tuple(str(a) for a in w.get("actions", ())),
            obs=str(w.get("obs", "rgb")),
            vector=tuple(VectorField(str(v["name"]), int(v["offset"]), int(v["length"])) for v in w.get("vector", ())),
            tick_rate=float(w.get("tickRate", 0)),
            lockstep=bool(w.get("lockstep", False)),
            tick=int(w.get("tick", 0)),
            episode=int(w.get("episode", 0)),
            frame_bytes=int(w["frameBytes"]) if w.get("frameBytes") is not None else None,
            events=tuple(str(e) for e in w.get("events", ()) or ()),
            world=(int(world["height"]), int(world["width"])) if isinstance(world, Mapping) else None,
            spec=w.get("spec"),
            raw=dict(w),
        )
