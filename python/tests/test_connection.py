"""The connection outlives a caller that leaves it alone (a training step, an evaluation)."""

from __future__ import annotations

import time

import numpy as np

import crucible


def test_an_idle_room_answers_the_servers_pings_and_steps_after_ten_seconds(url: str) -> None:
    # The server pings every 3 s and drops a connection that has not answered two pings (≈ 6–9 s);
    # @colyseus/ws-transport's autoTerminateUnresponsiveClients.
    with crucible.Client(url) as client:
        room = client.create("commons_harvest__open")
        room.reset()
        time.sleep(10.5)
        assert room.step(np.zeros(7, np.int64)).tick == 1
