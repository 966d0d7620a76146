"""The substrate and scenario lists the package carries are the server's."""

from __future__ import annotations

import json
import urllib.request

from crucible import catalogue
from crucible.meltingpot import scenario, substrate


def _live(url: str) -> list[dict]:
    with urllib.request.urlopen(f"{url}/api/substrates") as res:
        return json.loads(res.read())


def test_the_packaged_catalogue_equals_the_live_servers_api_substrates(url: str) -> None:
    assert catalogue.raw_catalogue() == _live(url)


def test_substrates_and_scenarios_are_the_servers_names(url: str) -> None:
    live = _live(url)
    assert substrate.SUBSTRATES == frozenset(s["name"] for s in live)
    assert scenario.SCENARIOS == frozenset(sc["name"] for s in live for sc in s["scenarios"])
    for s in live:
        if s["scenarios"]:
            assert scenario.SCENARIOS_BY_SUBSTRATE[s["name"]] == frozenset(sc["name"] for sc in s["scenarios"])
