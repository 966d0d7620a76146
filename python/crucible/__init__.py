"""Crucible from Python: Melting Pot's substrates on a Crucible server, with Melting Pot's API and PettingZoo's.

- ``crucible.Client``: rooms, actions, frames (the protocol, once);
- ``crucible.meltingpot.substrate`` / ``crucible.meltingpot.scenario``: Melting Pot's ``meltingpot.substrate``
  and ``meltingpot.scenario`` (change one import);
- ``crucible.pettingzoo.parallel_env``: a PettingZoo ``ParallelEnv``;
- ``crucible.server.LocalServer``: the embedded server started when no URL is given;
- ``crucible.vector.make``: N worlds stepped together as one batch of agents, for training (loaded on first use).
"""

from types import ModuleType as _ModuleType

from .client import Client, Room
from .errors import (
    CrucibleError,
    CrucibleTimeout,
    InvalidAction,
    InvalidOption,
    OverBudget,
    ProtocolError,
    RoomFull,
    ServerGone,
    ServerStartError,
    UnknownRoom,
    UnknownScenario,
    UnknownSubstrate,
)
from .protocol import Frames

__version__ = "0.1.0"


def __getattr__(name: str) -> _ModuleType:  # ``crucible.vector`` without importing it (and Gymnasium) up front
    if name == "vector":
        import importlib

        return importlib.import_module(".vector", __name__)
    raise AttributeError(f"module 'crucible' has no attribute {name!r}")

__all__ = [
    "Client",
    "Room",
    "Frames",
    "CrucibleError",
    "CrucibleTimeout",
    "InvalidAction",
    "InvalidOption",
    "OverBudget",
    "ProtocolError",
    "RoomFull",
    "ServerGone",
    "ServerStartError",
    "UnknownRoom",
    "UnknownScenario",
    "UnknownSubstrate",
    "__version__",
]
