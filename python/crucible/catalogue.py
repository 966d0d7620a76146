"""The substrates and scenarios the package was built with.

``crucible/_catalogue.json`` is ``GET /api/substrates`` of the server bundled into the package, saved when the
package is built (``hatch_build.py``), so the module-level names (``SUBSTRATES``, ``SCENARIOS``, ...) need no
server at import time and always match the server the package ships. A test compares it with the live server.
A remote server may know more: ``Client.substrates()`` asks it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from .errors import CrucibleError, UnknownScenario, UnknownSubstrate


@dataclass(frozen=True)
class ScenarioInfo:
    name: str
    substrate: str
    description: str
    is_focal: tuple[bool, ...]
    bots: tuple[str, ...]


@dataclass(frozen=True)
class SubstrateInfo:
    name: str
    description: str
    players: int
    actions: tuple[str, ...]
    observations: tuple[str, ...]
    map: str
    scenarios: tuple[ScenarioInfo, ...]
    # Per observation mode ('rgb', 'symbolic'): {observations: [{name, shape, dtype, minimum?, maximum?}], action,
    # reward}, when the server publishes them.
    specs: Mapping[str, Any] | None


def _parse(raw: list[dict[str, Any]]) -> dict[str, SubstrateInfo]:
    out: dict[str, SubstrateInfo] = {}
    for s in raw:
        players = int(s["players"])
        scenarios = []
        for sc in s.get("scenarios", ()):
            if "isFocal" in sc:
                is_focal = tuple(bool(x) for x in sc["isFocal"])
            else:  # Crucible's scenarios put the focal players in the first slots
                focal = int(sc["focal"])
                is_focal = (True,) * focal + (False,) * (players - focal)
            scenarios.append(ScenarioInfo(str(sc["name"]), str(s["name"]), str(sc.get("description", "")), is_focal,
                                          tuple(str(b) for b in sc.get("bots", ()))))
        out[str(s["name"])] = SubstrateInfo(
            name=str(s["name"]),
            description=str(s.get("description", "")),
            players=players,
            actions=tuple(str(a) for a in s.get("actions", ())),
            observations=tuple(str(o) for o in s.get("observations", ())),
            map="\n".join(s["map"]) if isinstance(s.get("map"), list) else str(s.get("map", "")),
            scenarios=tuple(scenarios),
            specs=s.get("specs"),
        )
    return out


@lru_cache(maxsize=1)
def raw_catalogue() -> list[dict[str, Any]]:
    path = resources.files("crucible") / "_catalogue.json"
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise CrucibleError(
            "CATALOGUE_MISSING",
            "crucible/_catalogue.json is missing: install the package with `pip install ./python` (its build writes it)",
        ) from None
    return list(json.loads(text))


@lru_cache(maxsize=1)
def substrates() -> dict[str, SubstrateInfo]:
    return _parse(raw_catalogue())


@lru_cache(maxsize=1)
def scenarios() -> dict[str, ScenarioInfo]:
    return {sc.name: sc for s in substrates().values() for sc in s.scenarios}


def substrate(name: str) -> SubstrateInfo:
    try:
        return substrates()[name]
    except KeyError:
        raise UnknownSubstrate("UNKNOWN_SUBSTRATE", f"no substrate named {name!r}; known: {sorted(substrates())}") from None


def scenario(name: str) -> ScenarioInfo:
    try:
        return scenarios()[name]
    except KeyError:
        raise UnknownScenario("UNKNOWN_SCENARIO", f"no scenario named {name!r}; known: {sorted(scenarios())}") from None
