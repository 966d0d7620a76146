"""The binary frames read without a server: observation frames, step frames, the agents' assembler and the welcome.

Every frame here is built byte by byte with ``struct`` from the README's tables (*The observation frame*, *Controllers*
→ the step frame), not with the package's own dtypes, and the expected values are the ones written into those bytes.
"""

from __future__ import annotations

import dataclasses
import struct
from typing import Any

import numpy as np
import pytest

from crucible.errors import ProtocolError
from crucible.protocol import (
    FLAG_FROZEN,
    FLAG_LATE_ACTION,
    FLAG_NO_ACTION,
    FLAG_REMOVED,
    FLAG_TERMINATED,
    FLAG_TRUNCATED,
    STEP_EVENTS,
    STEP_TERMINATED,
    STEP_TRUNCATED,
    STEP_WORLD,
    AgentFramesAssembler,
    FrameLayout,
    Frames,
    StepFrameReader,
    VectorField,
    Welcome,
    read_layout,
)

MODE_CODES = {"none": 0, "rgb": 1, "symbolic": 2}
CHANNELS = {"none": 0, "rgb": 3, "symbolic": 1}


def obs_frame(
    *,
    mode: str = "rgb",
    width: int = 3,
    height: int = 2,
    vector: tuple[float, ...] = (),
    flags: int = 0,
    tick: int = 7,
    episode: int = 1,
    slot: int = 0,
    reward: float = 0.0,
    collective: float = 0.0,
    ready: float = 1.0,
    magic: int = 0x5243,
    version: int = 2,
    mode_code: int | None = None,
    fill: int = 0,
) -> bytes:
    """One slot's observation frame as the README's table lays it out; the observation bytes are ``fill + i``."""
    code = MODE_CODES[mode] if mode_code is None else mode_code
    w, h = (0, 0) if mode == "none" else (width, height)
    header = struct.pack(
        "<HBBIIHBBfffHH", magic, version, flags, tick, episode, slot, code, len(vector), reward, collective, ready, w, h
    )
    pixels = bytes((fill + i) & 0xFF for i in range(w * h * CHANNELS[mode]))
    return header + pixels + struct.pack(f"<{len(vector)}f", *vector)


def step_frame(
    slots: list[bytes],
    *,
    flags: int = 0,
    tick: int = 7,
    episode: int = 1,
    count: int | None = None,
    events: list[float] | None = None,
    world: bytes | None = None,
    magic: int = 0x4243,
    version: int = 1,
) -> bytes:
    """A controller's step frame: the 16-byte header, the slot frames, then the optional sections."""
    n = len(slots) if count is None else count
    out = struct.pack("<HBBIIHH", magic, version, flags, tick, episode, n, 0) + b"".join(slots)
    if events is not None:
        out += struct.pack(f"<{len(events)}f", *events)
    if world is not None:
        out += world
    return out


def raises_malformed(match: str) -> Any:
    return pytest.raises(ProtocolError, match=match)


# ----- the flags -----


def test_the_flag_constants_are_the_bits_the_readme_names() -> None:
    # README, The observation frame: bit 0 frozen, 1 removed, 2 terminated, 3 truncated, 4 late action, 5 no action.
    assert (FLAG_FROZEN, FLAG_REMOVED, FLAG_TERMINATED, FLAG_TRUNCATED, FLAG_LATE_ACTION, FLAG_NO_ACTION) == (1, 2, 4, 8, 16, 32)
    # README, the step frame: bit 0 terminated, 1 truncated, 2 event counters, 3 WORLD.RGB.
    assert (STEP_TERMINATED, STEP_TRUNCATED, STEP_EVENTS, STEP_WORLD) == (1, 2, 4, 8)


# ----- the layout of one slot's frame -----


def test_an_rgb_layout_is_height_by_width_by_three_bytes_after_the_header() -> None:
    layout = FrameLayout("rgb", width=5, height=4, vector_length=2)
    assert layout.obs_shape == (4, 5, 3)
    assert layout.frame_bytes == 32 + 4 * 5 * 3 + 4 * 2  # 100
    assert layout.dtype().itemsize == 100


def test_a_symbolic_layout_is_one_byte_a_cell() -> None:
    layout = FrameLayout("symbolic", width=5, height=4, vector_length=0)
    assert layout.obs_shape == (4, 5)
    assert layout.frame_bytes == 52


def test_a_layout_without_observation_is_its_header_and_vector_alone() -> None:
    layout = FrameLayout("none", width=0, height=0, vector_length=3)
    assert layout.obs_shape == (0,)
    assert layout.frame_bytes == 44


def test_a_layout_without_vector_observations_has_no_vector_field() -> None:
    assert "vector" not in (FrameLayout("rgb", 2, 2, 0).dtype().names or ())
    assert "vector" in (FrameLayout("rgb", 2, 2, 1).dtype().names or ())


def test_the_layout_dtype_reads_every_header_field_and_section_at_its_readme_offset() -> None:
    frame = obs_frame(
        mode="rgb", width=2, height=3, vector=(0.5, -1.0), flags=FLAG_REMOVED | FLAG_NO_ACTION, tick=70000, episode=9,
        slot=513, reward=1.5, collective=-2.25, ready=0.75, fill=10,
    )
    row = np.frombuffer(frame, read_layout(frame).dtype(), count=1)[0]
    assert (int(row["magic"]), int(row["version"]), int(row["flags"])) == (0x5243, 2, 34)
    assert (int(row["tick"]), int(row["episode"]), int(row["slot"])) == (70000, 9, 513)
    assert (int(row["mode"]), int(row["vector_length"]), int(row["width"]), int(row["height"])) == (1, 2, 2, 3)
    assert (float(row["reward"]), float(row["collective_reward"]), float(row["ready_to_shoot"])) == (1.5, -2.25, 0.75)
    assert row["obs"].shape == (3, 2, 3)
    assert row["obs"][0, 0].tolist() == [10, 11, 12] and row["obs"][2, 1].tolist() == [25, 26, 27]
    assert row["vector"].tolist() == [0.5, -1.0]


# ----- read_layout: the header's checks -----


def test_read_layout_reads_mode_size_and_vector_length_from_the_header() -> None:
    assert read_layout(obs_frame(mode="symbolic", width=11, height=7, vector=(0.0,) * 3)) == FrameLayout("symbolic", 11, 7, 3)
    assert read_layout(obs_frame(mode="none")) == FrameLayout("none", 0, 0, 0)


def test_read_layout_reads_the_header_at_an_offset() -> None:
    frame = b"\xff" * 5 + obs_frame(mode="rgb", width=4, height=6)
    assert read_layout(frame, 5) == FrameLayout("rgb", 4, 6, 0)


def test_a_header_of_exactly_32_bytes_is_long_enough() -> None:
    frame = obs_frame(mode="none")
    assert len(frame) == 32
    assert read_layout(frame).frame_bytes == 32
    assert read_layout(b"\x00" * 3 + frame, 3).mode == "none"


def test_a_frame_shorter_than_its_header_is_malformed_and_says_how_long_it_is() -> None:
    frame = obs_frame(mode="none")
    with raises_malformed("observation frame of 31 bytes is shorter than its header"):
        read_layout(frame[:31])
    # 40 bytes from offset 10: 30 left.
    with raises_malformed("observation frame of 30 bytes is shorter"):
        read_layout(b"\x00" * 10 + frame[:30], 10)


def test_a_frame_with_another_magic_is_malformed() -> None:
    # Below and above 0x5243: the bytes swapped ("RC") and the next value.
    for magic in (0x4352, 0x5244):
        with raises_malformed(f"bad observation magic 0x{magic:04x}") as e:
            read_layout(obs_frame(magic=magic))
        assert e.value.code == "MALFORMED_MESSAGE"


def test_a_frame_of_another_version_is_malformed() -> None:
    for version in (1, 3):
        with raises_malformed(f"observation frame version {version}; this client reads 2"):
            read_layout(obs_frame(version=version))


def test_an_observation_mode_past_symbolic_is_malformed() -> None:
    for code in (3, 4, 255):
        with raises_malformed(f"unknown observation mode {code}"):
            read_layout(obs_frame(mode="none", mode_code=code))
    assert read_layout(obs_frame(mode="symbolic", mode_code=2)).mode == "symbolic"


# ----- the step frame -----


def reader_for(slots: int, frame: bytes, events: int = 0, world: tuple[int, int] | None = None) -> StepFrameReader:
    return StepFrameReader(slots, len(frame), events, world)


def test_a_step_frame_gives_tick_episode_and_every_slot_in_order() -> None:
    a = obs_frame(slot=2, reward=1.0, fill=0, vector=(3.0,))
    b = obs_frame(slot=5, reward=-1.0, fill=100, vector=(4.0,))
    frames = reader_for(2, a).read(step_frame([a, b], tick=123456, episode=42))
    assert (frames.tick, frames.episode) == (123456, 42)
    assert frames.slots["slot"].tolist() == [2, 5]
    assert frames.slots["reward"].tolist() == [1.0, -1.0]
    assert frames.slots["obs"][1, 0, 0].tolist() == [100, 101, 102]
    assert frames.slots["vector"][:, 0].tolist() == [3.0, 4.0]
    assert frames.events is None and frames.world is None
    assert not frames.terminated and not frames.truncated and not frames.done


def test_a_step_frame_reads_its_terminated_and_truncated_flags_apart() -> None:
    a = obs_frame()
    reader = reader_for(1, a)
    term = reader.read(step_frame([a], flags=STEP_TERMINATED))
    assert (term.terminated, term.truncated, term.done) == (True, False, True)
    trunc = reader.read(step_frame([a], flags=STEP_TRUNCATED))
    assert (trunc.terminated, trunc.truncated, trunc.done) == (False, True, True)
    both = reader.read(step_frame([a], flags=STEP_TERMINATED | STEP_TRUNCATED))
    assert (both.terminated, both.truncated, both.done) == (True, True, True)


def test_the_event_counters_follow_the_slot_frames_slot_major() -> None:
    a, b = obs_frame(slot=0), obs_frame(slot=1)
    # Two slots, three counters each: slot i's counter e at 4·(i·3 + e) after the slot frames.
    frames = reader_for(2, a, events=3).read(step_frame([a, b], flags=STEP_EVENTS, events=[1, 2, 3, 4, 5, 6]))
    assert frames.events is not None
    assert frames.events.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert frames.world is None


def test_world_rgb_is_the_last_section_height_by_width_by_three() -> None:
    a = obs_frame()
    world = bytes(range(2 * 3 * 3))  # H 2, W 3
    frames = reader_for(1, a, world=(2, 3)).read(step_frame([a], flags=STEP_WORLD, world=world))
    assert frames.world is not None and frames.world.shape == (2, 3, 3)
    assert frames.world[0, 1].tolist() == [3, 4, 5] and frames.world[1, 2].tolist() == [15, 16, 17]
    assert frames.events is None


def test_events_and_world_together_sit_in_that_order() -> None:
    a, b = obs_frame(slot=0), obs_frame(slot=1)
    world = bytes(range(200, 200 + 1 * 2 * 3))  # H 1, W 2
    payload = step_frame([a, b], flags=STEP_EVENTS | STEP_WORLD | STEP_TRUNCATED, events=[7, 8], world=world)
    frames = reader_for(2, a, events=1, world=(1, 2)).read(payload)
    assert frames.events is not None and frames.events.tolist() == [[7.0], [8.0]]
    assert frames.world is not None and frames.world.reshape(-1).tolist() == [200, 201, 202, 203, 204, 205]
    assert frames.truncated and not frames.terminated


def test_later_step_frames_are_read_with_the_first_frames_layout() -> None:
    a = obs_frame(mode="symbolic", width=4, height=2, fill=1)
    reader = reader_for(1, a)
    reader.read(step_frame([a]))
    second = reader.read(step_frame([obs_frame(mode="symbolic", width=4, height=2, fill=50, tick=8)], tick=8))
    assert second.tick == 8 and second.slots["obs"][0].tolist() == [[50, 51, 52, 53], [54, 55, 56, 57]]


def test_a_step_frame_shorter_than_its_header_is_malformed() -> None:
    with raises_malformed("step frame of 15 bytes is shorter than its header"):
        reader_for(1, obs_frame()).read(step_frame([obs_frame()])[:15])


def test_a_step_frame_of_its_header_alone_still_reads_a_first_slot_layout() -> None:
    # 16 bytes and no slots: the header is whole, and a reader that has no layout yet reads the first slot's
    # (there is none), so the complaint is about that slot frame.
    with raises_malformed("observation frame of 0 bytes"):
        StepFrameReader(0, 32, 0, None).read(step_frame([], count=0))


def test_a_step_frame_with_another_magic_or_version_is_malformed() -> None:
    a = obs_frame()
    with raises_malformed("bad step frame magic 0x5243 or version 1"):
        reader_for(1, a).read(step_frame([a], magic=0x5243))
    with raises_malformed("bad step frame magic 0x4242 or version 1"):
        reader_for(1, a).read(step_frame([a], magic=0x4242))
    for version in (0, 2):
        with raises_malformed(f"bad step frame magic 0x4243 or version {version}"):
            reader_for(1, a).read(step_frame([a], version=version))


def test_a_step_frame_holding_another_number_of_slots_is_malformed() -> None:
    a = obs_frame()
    with raises_malformed("step frame holds 1 slots, this connection holds 2"):
        reader_for(2, a).read(step_frame([a]))
    with raises_malformed("step frame holds 3 slots, this connection holds 2"):
        reader_for(2, a).read(step_frame([a, a, a]))


def test_a_slot_frame_of_another_length_than_the_welcome_said_is_malformed() -> None:
    a = obs_frame(width=3, height=2)  # 32 + 18 = 50 bytes
    with raises_malformed("slot frame of 50 bytes, welcome said 51"):
        StepFrameReader(1, 51, 0, None).read(step_frame([a]))
    with raises_malformed("slot frame of 50 bytes, welcome said 49"):
        StepFrameReader(1, 49, 0, None).read(step_frame([a]))


def test_world_rgb_without_a_world_size_in_the_welcome_is_malformed() -> None:
    a = obs_frame()
    with raises_malformed("WORLD.RGB but the welcome gave no world size"):
        reader_for(1, a).read(step_frame([a], flags=STEP_WORLD, world=b"\x00" * 3))


def test_bytes_after_the_described_sections_are_malformed() -> None:
    a = obs_frame()  # 50 bytes
    with raises_malformed("step frame of 67 bytes, its header describes 66"):
        reader_for(1, a).read(step_frame([a]) + b"\x00")
    # The event counters the welcome announced, sent without the flag that says they are there.
    with raises_malformed("step frame of 74 bytes, its header describes 66"):
        reader_for(1, a, events=2).read(step_frame([a], events=[1, 2]))


def test_a_step_frame_cut_short_is_malformed() -> None:
    a, b = obs_frame(), obs_frame()
    reader = reader_for(2, a, events=2, world=(2, 2))
    whole = step_frame([a, b], flags=STEP_EVENTS | STEP_WORLD, events=[1, 2, 3, 4], world=b"\x01" * 12)
    assert len(whole) == 16 + 100 + 16 + 12
    for cut in (len(whole) - 1, 16 + 100 + 8, 16 + 60):
        with raises_malformed(f"step frame of {cut} bytes, its header describes 144"):
            reader.read(whole[:cut])


# ----- the agents' path: one frame per socket -----


def test_the_assembler_places_each_slots_frame_at_its_index() -> None:
    frames = [obs_frame(slot=s, fill=10 * s, reward=float(s), tick=4, episode=3) for s in range(3)]
    assembler = AgentFramesAssembler(3)
    for i in (2, 0, 1):
        assembler.put(i, frames[i])
    out = assembler.frames()
    assert out.slots["slot"].tolist() == [0, 1, 2]
    assert out.slots["reward"].tolist() == [0.0, 1.0, 2.0]
    assert [int(out.slots["obs"][i, 0, 0, 0]) for i in range(3)] == [0, 10, 20]
    assert (out.tick, out.episode) == (4, 3)
    assert out.events is None and out.world is None


def test_the_assembler_reads_the_episode_end_from_the_first_slots_flags() -> None:
    for flags, ended in ((FLAG_TERMINATED, (True, False)), (FLAG_TRUNCATED, (False, True)), (FLAG_REMOVED, (False, False))):
        assembler = AgentFramesAssembler(2)
        assembler.put(0, obs_frame(flags=flags))
        assembler.put(1, obs_frame(flags=0))
        out = assembler.frames()
        assert (out.terminated, out.truncated) == ended
        # The flags of a later slot are not read.
        assembler = AgentFramesAssembler(2)
        assembler.put(0, obs_frame(flags=0))
        assembler.put(1, obs_frame(flags=flags))
        out = assembler.frames()
        assert (out.terminated, out.truncated) == (False, False)


def test_the_assembler_passes_the_world_through() -> None:
    assembler = AgentFramesAssembler(1)
    assembler.put(0, obs_frame())
    world = np.zeros((2, 2, 3), np.uint8)
    assert assembler.frames(world).world is world


def test_the_assemblers_frames_stay_valid_after_the_next_step_is_put() -> None:
    assembler = AgentFramesAssembler(1)
    assembler.put(0, obs_frame(tick=1, fill=1))
    first = assembler.frames()
    assembler.put(0, obs_frame(tick=2, fill=9))
    assert int(first.slots["tick"][0]) == 1 and int(first.slots["obs"][0, 0, 0, 0]) == 1
    assert assembler.frames().tick == 2


def test_the_assembler_refuses_a_frame_of_another_length_than_the_first() -> None:
    assembler = AgentFramesAssembler(2)
    assembler.put(0, obs_frame(width=3, height=2))  # 50 bytes
    with raises_malformed("observation frame of 53 bytes, expected 50"):
        assembler.put(1, obs_frame(width=3, height=2) + b"\x00" * 3)
    with raises_malformed("observation frame of 49 bytes, expected 50"):
        assembler.put(1, obs_frame(width=3, height=2)[:49])


def test_the_assembler_reads_the_layout_from_the_first_frame_it_is_given() -> None:
    assembler = AgentFramesAssembler(1)
    assembler.start(obs_frame(mode="symbolic", width=2, height=2))
    assembler.put(0, obs_frame(mode="symbolic", width=2, height=2, fill=5))
    assert assembler.frames().slots["obs"][0].tolist() == [[5, 6], [7, 8]]
    with raises_malformed("bad observation magic"):
        AgentFramesAssembler(1).put(0, obs_frame(magic=0))


# ----- the welcome -----


def test_a_controllers_welcome_reads_every_field() -> None:
    raw: dict[str, Any] = {
        "role": "controller", "substrate": "commons_harvest__open", "scenario": None, "players": 7,
        "focalSlots": [0, 1, 2], "slots": [1, 2], "actions": ["NOOP", "FORWARD"], "obs": "symbolic",
        "vector": [{"name": "INVENTORY", "offset": 0, "length": 2}, {"name": "X", "offset": 2, "length": 1}],
        "tickRate": 8, "lockstep": True, "tick": 3, "episode": 4, "frameBytes": 153,
        "events": ["apples_eaten", "zapped"], "world": {"width": 192, "height": 144}, "spec": {"a": 1},
    }
    w = Welcome.parse(raw)
    assert (w.role, w.substrate, w.scenario, w.players) == ("controller", "commons_harvest__open", None, 7)
    assert (w.focal_slots, w.slots, w.actions, w.obs) == ((0, 1, 2), (1, 2), ("NOOP", "FORWARD"), "symbolic")
    assert w.vector == (VectorField("INVENTORY", 0, 2), VectorField("X", 2, 1))
    assert (w.tick_rate, w.lockstep, w.tick, w.episode, w.frame_bytes) == (8.0, True, 3, 4, 153)
    assert w.events == ("apples_eaten", "zapped")
    assert w.world == (144, 192)  # (height, width)
    assert w.spec == {"a": 1}
    assert w.raw == raw and w.raw is not raw


def test_an_agents_welcome_names_its_one_slot_even_slot_zero() -> None:
    assert Welcome.parse({"slot": 0}).slots == (0,)
    assert Welcome.parse({"slot": 4}).slots == (4,)
    assert Welcome.parse({"slots": [3, 5], "slot": 0}).slots == (3, 5)


def test_a_welcome_without_slots_holds_none() -> None:
    assert Welcome.parse({}).slots == ()
    assert Welcome.parse({"slot": None, "slots": []}).slots == ()


def test_a_sparse_welcome_falls_back_to_the_readmes_defaults() -> None:
    w = Welcome.parse({"frameBytes": None, "events": None, "world": None})
    assert (w.players, w.tick, w.episode, w.tick_rate) == (0, 0, 0, 0.0)
    assert w.lockstep is False
    assert (w.obs, w.frame_bytes, w.events, w.world) == ("rgb", None, (), None)
    assert (w.focal_slots, w.actions, w.vector, w.spec, w.scenario) == ((), (), (), None, None)
    assert Welcome.parse({"frameBytes": 0}).frame_bytes == 0


def test_frames_done_is_terminated_or_truncated() -> None:
    empty = np.zeros(0)
    assert Frames(0, 0, True, False, empty, None, None).done
    assert Frames(0, 0, False, True, empty, None, None).done
    assert not Frames(0, 0, False, False, empty, None, None).done


def test_layouts_welcomes_and_frames_are_immutable_values() -> None:
    layout = FrameLayout("rgb", 2, 2, 0)
    field = VectorField("X", 0, 1)
    welcome = Welcome.parse({"slot": 0})
    frames = Frames(0, 0, False, False, np.zeros(0), None, None)
    for value, name in ((layout, "width"), (field, "offset"), (welcome, "tick"), (frames, "tick")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, name, 1)
    # Frozen dataclasses hash by value: a layout can key a cache of dtypes.
    assert {FrameLayout("rgb", 2, 2, 0): 1}[layout] == 1 and hash(field) == hash(VectorField("X", 0, 1))
