"""Issue 15's done-when room: two text agents over HTTP, three Python RL agents over the controller protocol and two
bots in one lockstep Commons Harvest room, played to the episode's end; the results line splits the figures by
population (README "Fairness figures per population")."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crucible import Client
from crucible.server import LocalServer

MAX_STEPS = 24
APPLE = re.compile(r"^- apple at \((\d+), (\d+)\):", re.M)
ME = re.compile(r"^You are at \((\d+), (\d+)\) facing [NESW]\.", re.M)


@pytest.fixture(scope="module")
def results_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalServer, Path]]:
    results = tmp_path_factory.mktemp("mixed-results")
    with LocalServer(results_dir=results) as s:
        yield s, results


def http(method: str, url: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def text_policy(text: str) -> dict[str, Any]:
    """A scripted policy that decides from the observation's text alone: walk to the nearest apple it reads, else explore."""
    me = ME.search(text)
    assert me is not None, text[:200]
    x, y = int(me.group(1)), int(me.group(2))
    apples = sorted((abs(int(a) - x) + abs(int(b) - y), int(a), int(b)) for a, b in APPLE.findall(text))
    if apples:
        return {"macro": "move_to", "x": apples[0][1], "y": apples[0][2]}
    return {"macro": "explore", "ticks": 3}


def play_text_agent(base: str, key: str, out: dict[str, Any]) -> None:
    after, decisions = 0, 0
    try:
        while True:
            status, body = http("GET", f"{base}/{key}/observations?after={after}&wait=10000")
            assert status == 200, body
            got = body["observations"]
            if not got:
                continue
            after = got[-1]["seq"]
            text = got[-1]["text"]
            if re.search(r"^The episode has ended", text, re.M):
                break
            status, body = http("POST", f"{base}/{key}/macro", text_policy(text))
            assert status == 200, body
            decisions += 1
        out["decisions"] = decisions
        out["left"] = http("DELETE", f"{base}/{key}")
    except BaseException as e:  # reported by the test's thread
        out["error"] = e


def test_text_agents_over_http_rl_agents_over_the_controller_and_bots_play_one_lockstep_episode_split_by_population(
    results_server: tuple[LocalServer, Path],
) -> None:
    server, results = results_server
    rng = np.random.default_rng(0)
    with Client(server.url) as client:
        room = client.create(
            "commons_harvest__open", scenario="commons_harvest__open_0", seed=5, obs="symbolic", slots=[2, 3, 4],
            policy="rl", max_steps=MAX_STEPS, transport="controller", lockstep=True, resultsFile="mixed.jsonl",
        )
        assert room.transport == "controller" and room.slots == (2, 3, 4)
        base = f"{server.url}/api/rooms/{room.room_id}/agents"
        keys, seats = [], []
        for _ in range(2):
            status, joined = http("POST", base, {"policy": "text"})
            assert status == 201, joined
            assert joined["lockstep"] is True
            keys.append(joined["key"])
            seats.append(joined["slot"])
        assert sorted(seats) == [0, 1]  # the focal slots the controller left; 5 and 6 are the scenario's bots
        outs: list[dict[str, Any]] = [{}, {}]
        threads = [threading.Thread(target=play_text_agent, args=(base, k, o), daemon=True) for k, o in zip(keys, outs)]
        for t in threads:
            t.start()
        frames = room.reset()
        steps = 0
        while not frames.done:
            frames = room.step(rng.integers(0, room.num_actions, size=room.count))
            steps += 1
        for t in threads:
            t.join(timeout=60)
        for o in outs:
            assert "error" not in o, o.get("error")
            assert o["decisions"] >= 1 and o["left"][0] == 200
        assert steps == MAX_STEPS and frames.truncated

    lines = [json.loads(line) for line in (results / "mixed.jsonl").read_text().splitlines() if line.strip()]
    assert len(lines) == 1
    line = lines[0]
    assert line["steps"] == MAX_STEPS and line["scenario"] == "commons_harvest__open_0"
    pops = line["by_population"]
    assert pops["text"]["agents"] == ["player_0", "player_1"] and pops["text"]["players"] == 2
    assert pops["rl"]["agents"] == ["player_2", "player_3", "player_4"] and pops["rl"]["players"] == 3
    bots = {k: v for k, v in pops.items() if k not in ("text", "rl")}
    assert bots and all(k.startswith("commons_harvest__open__free_") for k in bots)
    assert sorted(a for v in bots.values() for a in v["agents"]) == ["player_5", "player_6"]
    # Every player in exactly one population, and each population's figures are the sums of its players'.
    assert sum(v["players"] for v in pops.values()) == 7
    for label, v in pops.items():
        assert v["total_return"] == pytest.approx(sum(line["returns"][a] for a in v["agents"]))
        assert v["mean_return"] == pytest.approx(v["total_return"] / v["players"])
        assert all(line["policies"][a] == label for a in v["agents"])
    assert sum(v["total_return"] for v in pops.values()) == pytest.approx(sum(line["returns"].values()))
    assert sum(v["exploitation_attempts"] for v in pops.values()) >= sum(v["exploitation_landed"] for v in pops.values())
    # The text agents' decision times are reported in the same line.
    assert "decisions" in line
