"""Every error the package raises, in one place.

A refusal by the server carries the server's stable code (``CrucibleError.code``: ``INVALID_ACTION``,
``UNKNOWN_SUBSTRATE``, ``ROOM_FULL``, ...; the README's *Errors* table lists them) and its message. Problems of
the connection itself are errors of their own kinds, with codes of the client's own:

- ``ServerGone`` (``SERVER_GONE``): the server closed the connection or cannot be reached;
- ``CrucibleTimeout`` (``TIMEOUT``): no answer within the timeout;
- ``ProtocolError`` (``MALFORMED_MESSAGE``): the server sent bytes this client cannot read;
- ``ServerStartError`` (``SERVER_START_FAILED``): the embedded server did not start.

Match on the class or on ``code``, never on the message.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = [
    "CrucibleError",
    "UnknownSubstrate",
    "UnknownScenario",
    "UnknownRoom",
    "InvalidOption",
    "InvalidAction",
    "RoomFull",
    "OverBudget",
    "ServerGone",
    "CrucibleTimeout",
    "ProtocolError",
    "ServerStartError",
    "error_from_code",
]


class CrucibleError(Exception):
    """A refusal or failure, with the server's stable ``code`` (or one of the client's own, above)."""

    code: str
    message: str
    details: Mapping[str, Any]

    def __init__(self, code: str, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = dict(details or {})


class UnknownSubstrate(CrucibleError, KeyError):
    """No substrate of that name on the server (``UNKNOWN_SUBSTRATE``)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return f"{self.code}: {self.message}"


class UnknownScenario(CrucibleError, KeyError):
    """No scenario of that name (``UNKNOWN_SCENARIO``)."""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class UnknownRoom(CrucibleError, KeyError):
    """No running room of that id (``UNKNOWN_ROOM``)."""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InvalidOption(CrucibleError, ValueError):
    """A create or join option out of range or malformed (``INVALID_OPTION``)."""


class InvalidAction(CrucibleError, ValueError):
    """An action that is not an index into the action table, or the wrong number of actions (``INVALID_ACTION``)."""


class OverBudget(CrucibleError):
    """The server refused a create over one of its operator's budgets (``OVER_BUDGET``)."""


class RoomFull(CrucibleError):
    """Every focal slot of the room is taken (``ROOM_FULL``)."""


class ServerGone(CrucibleError, ConnectionError):
    """The connection closed or the server cannot be reached (``SERVER_GONE``)."""


class CrucibleTimeout(CrucibleError, TimeoutError):
    """No answer from the server within the timeout (``TIMEOUT``)."""


class ProtocolError(CrucibleError):
    """Bytes from the server this client cannot read (``MALFORMED_MESSAGE``)."""


class ServerStartError(CrucibleError, RuntimeError):
    """The embedded server did not start (``SERVER_START_FAILED``)."""


_BY_CODE: dict[str, type[CrucibleError]] = {
    "UNKNOWN_SUBSTRATE": UnknownSubstrate,
    "UNKNOWN_SCENARIO": UnknownScenario,
    "UNKNOWN_ROOM": UnknownRoom,
    "INVALID_OPTION": InvalidOption,
    "INVALID_ACTION": InvalidAction,
    "ROOM_FULL": RoomFull,
    "OVER_BUDGET": OverBudget,
    "SERVER_GONE": ServerGone,
    "TIMEOUT": CrucibleTimeout,
    "SERVER_START_FAILED": ServerStartError,
}


def error_from_code(code: str, message: str, details: Mapping[str, Any] | None = None) -> CrucibleError:
    """The most specific error class for a server code (``CrucibleError`` itself for the others)."""
    return _BY_CODE.get(code, CrucibleError)(code, message, details)
