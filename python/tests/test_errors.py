"""Every error path raises a typed exception carrying a stable code; the room and the server go on."""

from __future__ import annotations

import socket

import numpy as np
import pytest

import crucible
from crucible.meltingpot import substrate
from crucible.server import LocalServer


def test_an_out_of_range_action_is_refused_before_it_is_sent(url: str) -> None:
    with crucible.Client(url) as client:
        room = client.create("commons_harvest__open")
        room.reset()
        with pytest.raises(crucible.InvalidAction) as e:
            room.step([0, 0, 0, 0, 0, 0, 8])
        assert e.value.code == "INVALID_ACTION" and "slot 6" in e.value.message
        with pytest.raises(crucible.InvalidAction):
            room.step([0, 0])
        assert room.step(np.zeros(7, np.int64)).tick == 1  # nothing else changed


def test_the_servers_refusal_of_a_bad_step_is_raised_with_its_code(url: str) -> None:
    with crucible.Client(url) as client:
        room = client.create("commons_harvest__open")
        frames = room.reset()
        # Bypass the client's own check: the server must refuse it too.
        room._sockets[0].send("step", {"episode": frames.episode, "tick": frames.tick, "actions": [0, 0, 0, 0, 0, 0, 99]})
        with pytest.raises(crucible.InvalidAction) as e:
            room.observe()
        assert e.value.code == "INVALID_ACTION"
        room._sockets[0].send("step", {"episode": frames.episode, "tick": frames.tick + 5, "actions": [0] * 7})
        with pytest.raises(crucible.CrucibleError) as e2:
            room.observe()
        assert e2.value.code == "STALE_ACTION"
        assert room.step(np.zeros(7, np.int64)).tick == 1


def test_a_melting_pot_env_refuses_a_wrong_number_of_actions(url: str) -> None:
    config = substrate.get_config("clean_up")
    with substrate.build("clean_up", roles=config.default_player_roles, url=url) as env:
        env.reset()
        with pytest.raises(crucible.InvalidAction):
            env.step([0] * 6)


def test_unknown_substrate_on_the_server_raises_unknown_substrate(url: str) -> None:
    with crucible.Client(url) as client:
        with pytest.raises(crucible.UnknownSubstrate) as e:
            client.create("no_such_substrate")
        assert e.value.code == "UNKNOWN_SUBSTRATE"


def test_a_bad_create_option_raises_invalid_option_with_the_servers_message(url: str) -> None:
    with crucible.Client(url) as client:
        with pytest.raises(crucible.InvalidOption) as e:
            client.create("commons_harvest__open", tickRate=0)
        assert e.value.code == "INVALID_OPTION" and "tickRate" in e.value.message
        with pytest.raises(crucible.InvalidOption):
            client.create("commons_harvest__open").reset(seed=-1)


def test_taking_an_already_held_slot_raises_room_full(url: str) -> None:
    with crucible.Client(url) as client:
        room = client.create("commons_harvest__open", slots=[0, 1])
        assert room.slots == (0, 1)
        with pytest.raises(crucible.RoomFull) as e:
            client.join(room.room_id, slots=[1])
        assert e.value.code == "ROOM_FULL"
        other = client.join(room.room_id)
        assert other.slots == (2, 3, 4, 5, 6)


def test_joining_a_room_that_does_not_exist_raises_unknown_room(url: str) -> None:
    with crucible.Client(url) as client:
        with pytest.raises(crucible.UnknownRoom) as e:
            client.join("noSuchRoom")
        assert e.value.code == "UNKNOWN_ROOM"


def test_a_refused_join_carries_the_servers_code_and_status(url: str) -> None:
    with crucible.Client(url) as client:
        room = client.create("commons_harvest__open")
        with pytest.raises(crucible.RoomFull) as e:
            client.join(room.room_id)  # every focal slot is held
        assert e.value.details["status"] == 409  # a Colyseus number, little-endian on the wire


def test_no_answer_within_the_timeout_raises_crucible_timeout(url: str) -> None:
    with crucible.Client(url) as client:
        room = client.create("commons_harvest__open")
        room.reset()
        with pytest.raises(crucible.CrucibleTimeout) as e:
            room.observe(timeout=0.2)  # nothing was sent: nothing comes back
        assert e.value.code == "TIMEOUT"
        assert isinstance(e.value, TimeoutError)


def test_a_server_that_goes_away_raises_server_gone() -> None:
    with LocalServer() as own:
        client = crucible.Client(own.url)
        room = client.create("commons_harvest__open")
        room.reset()
        own.stop()
        with pytest.raises(crucible.ServerGone) as e:
            room.step(np.zeros(7, np.int64))
            room.step(np.zeros(7, np.int64))
        assert e.value.code == "SERVER_GONE"
        with pytest.raises(crucible.ServerGone):
            client.create("commons_harvest__open")
        client.close()


def test_nothing_listening_raises_server_gone() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(crucible.ServerGone):
        crucible.Client(f"http://127.0.0.1:{port}").create("commons_harvest__open")


def test_a_closed_room_refuses_further_use(url: str) -> None:
    with crucible.Client(url) as client:
        room = client.create("commons_harvest__open")
        room.close()
        with pytest.raises(crucible.CrucibleError) as e:
            room.reset()
        assert e.value.code == "ROOM_CLOSED"



def test_a_server_with_a_token_refuses_a_client_without_it_and_admits_one_with_it() -> None:
    with LocalServer(env={"CRUCIBLE_TOKEN": "s3cret-token"}) as own:
        with pytest.raises(crucible.CrucibleError) as e:
            crucible.Client(own.url).create("commons_harvest__open")
        assert e.value.code == "INVALID_TOKEN"
        with crucible.Client(own.url, token="s3cret-token") as client:
            assert client.create("commons_harvest__open").reset().tick == 0
