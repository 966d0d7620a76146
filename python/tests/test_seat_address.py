"""Where a seat's WebSocket opens: the URL matchmade through, or the process's own address when it names one."""

from __future__ import annotations

from typing import Any

import pytest

from crucible import _colyseus
from crucible._colyseus import SeatReservation, matchmake
from crucible.errors import ProtocolError


def test_a_seat_without_a_public_address_opens_on_the_url_it_was_reserved_through() -> None:
    seat = SeatReservation("commons_harvest__open", "R1", "s 1", "P1")
    assert seat.socket_url("http://front:2567") == "ws://front:2567/P1/R1?sessionId=s%201"
    assert seat.socket_url("https://front") == "wss://front/P1/R1?sessionId=s%201"


def test_a_seat_with_a_public_address_opens_at_the_process_itself() -> None:
    seat = SeatReservation("commons_harvest__open", "R1", "s1", "P1", "10.0.0.2:40001")
    assert seat.socket_url("http://front:2567") == "ws://10.0.0.2:40001/P1/R1?sessionId=s1"
    assert seat.socket_url("https://front") == "wss://10.0.0.2:40001/P1/R1?sessionId=s1"


def _reply(monkeypatch: pytest.MonkeyPatch, reply: dict[str, Any]) -> None:
    monkeypatch.setattr(_colyseus, "http_json", lambda url, body=None, timeout=30.0: reply)


def test_matchmaking_reads_the_public_address_of_the_reservation(monkeypatch: pytest.MonkeyPatch) -> None:
    base = {"name": "commons_harvest__open", "roomId": "R1", "sessionId": "s1", "processId": "P1"}
    _reply(monkeypatch, {**base, "publicAddress": "127.0.0.1:40001"})
    assert matchmake("http://front", "create", "commons_harvest__open", {}, 1.0).public_address == "127.0.0.1:40001"
    _reply(monkeypatch, base)
    assert matchmake("http://front", "create", "commons_harvest__open", {}, 1.0).public_address is None
    _reply(monkeypatch, {**base, "publicAddress": 7})
    with pytest.raises(ProtocolError) as e:
        matchmake("http://front", "create", "commons_harvest__open", {}, 1.0)
    assert e.value.code == "MALFORMED_MESSAGE"
