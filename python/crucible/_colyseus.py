"""Colyseus 0.18 transport: matchmaking over HTTP and the room WebSocket's framing.

Matchmaking: ``POST {http}/matchmake/{method}/{room name}`` (method ``create``, ``join``, ``joinOrCreate``) or
``POST {http}/matchmake/joinById/{room id}`` with the options as a JSON body answers a seat reservation
``{name, roomId, sessionId, processId}`` (plus ``publicAddress`` when the process takes WebSockets directly), or an error ``{code, error}`` (the HTTP status is the code; 520 = no
room type of that name; Crucible's refusals start their text with a stable code: ``"ROOM_FULL: ..."``).

The WebSocket (``_ws.WebSocket``: websockets' protocol, read in the caller's thread) is ``ws://{host}:{port}/{processId}/{roomId}?sessionId={sessionId}``
on the URL matchmade through, or at ``publicAddress`` when the reservation names one. Every message starts with a
protocol byte; the ones used here:

- 10 JOIN_ROOM (server → client) ends the handshake; the client MUST answer with the single byte 10, else the
  room never treats it as joined and sends nothing more;
- 11 ERROR: a msgpack number (code) then a msgpack string (message);
- 12 LEAVE_ROOM: the client sends the single byte to leave (consented);
- 13 ROOM_DATA: the type as a msgpack string, then a msgpack payload (both directions);
- 17 ROOM_DATA_BYTES: the type as a msgpack string, then raw bytes (both directions);
- 14/15 ROOM_STATE/PATCH (schema state) and 18 PING are ignored here.
"""

from __future__ import annotations

import json
import struct
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import msgpack

from ._ws import WebSocket, WebSocketClosed
from .errors import CrucibleError, CrucibleTimeout, ProtocolError, ServerGone, error_from_code

JOIN_ROOM = 10
ERROR = 11
LEAVE_ROOM = 12
ROOM_DATA = 13
ROOM_STATE = 14
ROOM_STATE_PATCH = 15
ROOM_DATA_BYTES = 17
PING = 18

# Colyseus' matchmaking statuses: no room type of that name (every substrate is a room type), no such room id.
MATCHMAKE_NO_HANDLER = 520
MATCHMAKE_INVALID_ROOM_ID = 522

_JOIN_ACK = bytes([JOIN_ROOM])
_LEAVE = bytes([LEAVE_ROOM])


def split_code(text: str) -> tuple[str | None, str]:
    """``"CODE: text"`` → (``CODE``, ``text``); (None, text) when the text has no code."""
    head, sep, rest = text.partition(": ")
    if sep and head and head.replace("_", "").isalpha() and head.isupper():
        return head, rest
    return None, text


@dataclass(frozen=True)
class SeatReservation:
    name: str
    room_id: str
    session_id: str
    process_id: str
    #: ``host:port`` of the process holding the room when it takes WebSockets directly (CRUCIBLE_PUBLIC_ADDRESS),
    #: else None: the WebSocket opens on the URL the seat was reserved through.
    public_address: str | None = None

    def socket_url(self, http_base: str) -> str:
        """Where this seat's WebSocket opens."""
        if self.public_address:
            base = ("wss://" if http_base.startswith("https") else "ws://") + self.public_address
        else:
            base = "ws" + http_base[len("http") :]
        return f"{base}/{self.process_id}/{self.room_id}?sessionId={urllib.parse.quote(self.session_id)}"


def http_json(url: str, body: Any | None = None, timeout: float = 30.0) -> Any:
    """GET (``body`` None) or POST JSON; the decoded reply. Raises ``ServerGone`` when nothing answers."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    req.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return json.loads(res.read())
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            reply = json.loads(raw)
        except ValueError:
            reply = {"error": raw.decode(errors="replace")}
        raise _matchmake_error(e.code, reply) from None
    except (urllib.error.URLError, ConnectionError, OSError) as e:
        if isinstance(e, TimeoutError) or "timed out" in str(e):
            raise CrucibleTimeout("TIMEOUT", f"no answer from {url} within {timeout} s") from None
        raise ServerGone("SERVER_GONE", f"cannot reach the Crucible server at {url}: {e}") from None


def _matchmake_error(status: int, reply: Any) -> CrucibleError:
    text = str(reply.get("error") or reply.get("message") or reply) if isinstance(reply, dict) else str(reply)
    code = reply.get("code") if isinstance(reply, dict) else None
    if isinstance(code, str):  # Crucible's own JSON errors: {code, message}
        return error_from_code(code, text)
    parsed, message = split_code(text)
    if parsed is not None:
        return error_from_code(parsed, message, {"status": status})
    return CrucibleError(f"HTTP_{status}", text, {"status": status})


def matchmake(http_base: str, method: str, name: str, options: dict[str, Any], timeout: float) -> SeatReservation:
    """Reserve a seat (see the module comment). Unknown room type → ``UnknownSubstrate``."""
    url = f"{http_base}/matchmake/{method}/{urllib.parse.quote(name, safe='')}"
    try:
        r = http_json(url, options, timeout)
    except CrucibleError as e:
        status = e.details.get("status")
        if status == MATCHMAKE_NO_HANDLER and method != "joinById":
            raise error_from_code(
                "UNKNOWN_SUBSTRATE", f"no substrate named {name!r} on this server; GET /api/substrates lists them"
            ) from None
        if status == MATCHMAKE_INVALID_ROOM_ID and method == "joinById":
            raise error_from_code("UNKNOWN_ROOM", f"no room with id {name!r}; GET /api/rooms lists the running rooms") from None
        raise
    try:
        public = r.get("publicAddress")
        if public is not None and not isinstance(public, str):
            raise TypeError(public)
        return SeatReservation(r["name"], r["roomId"], r["sessionId"], r["processId"], public or None)
    except (KeyError, TypeError, AttributeError):
        raise ProtocolError("MALFORMED_MESSAGE", f"unexpected matchmaking reply {r!r}") from None


def _read_str(buf: bytes | bytearray, at: int) -> tuple[str, int]:
    """A msgpack string at ``at``; returns it and the offset after it."""
    p = buf[at]
    if 0xA0 <= p <= 0xBF:
        n, at = p & 0x1F, at + 1
    elif p == 0xD9:
        n, at = buf[at + 1], at + 2
    elif p == 0xDA:
        n, at = int.from_bytes(buf[at + 1 : at + 3], "big"), at + 3
    elif p == 0xDB:
        n, at = int.from_bytes(buf[at + 1 : at + 5], "big"), at + 5
    else:
        raise ProtocolError("MALFORMED_MESSAGE", f"expected a message type string, got byte 0x{p:02x}")
    return buf[at : at + n].decode(), at + n


_LE = {0xCC: "<B", 0xCD: "<H", 0xCE: "<I", 0xCF: "<Q", 0xD0: "<b", 0xD1: "<h", 0xD2: "<i", 0xD3: "<q", 0xCA: "<f", 0xCB: "<d"}


def _read_number(buf: bytes | bytearray, at: int) -> tuple[float, int]:
    """A Colyseus number: msgpack's prefixes, but multi-byte values little-endian (``cd 99 01`` is 409)."""
    p = buf[at]
    if p < 0x80:
        return p, at + 1
    if p >= 0xE0:
        return p - 0x100, at + 1
    fmt = _LE.get(p)
    if fmt is None:
        raise ProtocolError("MALFORMED_MESSAGE", f"expected a number, got byte 0x{p:02x}")
    (value,) = struct.unpack_from(fmt, buf, at + 1)
    return value, at + 1 + struct.calcsize(fmt)


def encode_data(kind: str, payload: Any) -> bytes:
    """A ROOM_DATA message: the protocol byte, the type, the msgpack payload."""
    body: bytes = msgpack.packb(kind) + msgpack.packb(payload)
    return bytes([ROOM_DATA]) + body


class RoomSocket:
    """One joined WebSocket to a room: send typed messages, receive (type, payload) pairs.

    Binary messages (ROOM_DATA_BYTES) are returned as a ``memoryview`` of the received buffer from the byte after
    the type (no copy); JSON-like ones (ROOM_DATA) as the unpacked msgpack value.
    """

    def __init__(self, http_base: str, seat: SeatReservation, timeout: float) -> None:
        self.seat = seat
        self.timeout = timeout
        url = seat.socket_url(http_base)
        try:
            # No permessage-deflate: observation frames are written raw by the server (and compress poorly).
            self._ws = WebSocket(url, timeout)
        except (OSError, TimeoutError, WebSocketClosed) as e:
            raise ServerGone("SERVER_GONE", f"cannot open the room's WebSocket {url}: {e}") from None
        except Exception as e:  # websockets.InvalidHandshake and friends
            raise ServerGone("SERVER_GONE", f"the room's WebSocket {url} refused the connection: {e}") from None
        self.closed = False
        # The handshake: wait for JOIN_ROOM, acknowledge it.
        while True:
            raw = self._recv_raw(timeout)
            code = raw[0] & 0x1F
            if code == JOIN_ROOM:
                self._send_raw(_JOIN_ACK)
                break
            if code == ERROR:
                raise self._error(raw)

    def _recv_raw(self, timeout: float | None) -> bytearray:
        try:
            msg = self._ws.recv(timeout)
        except TimeoutError:
            raise CrucibleTimeout("TIMEOUT", f"no message from the server within {timeout} s") from None
        except WebSocketClosed as e:
            self.closed = True
            raise ServerGone("SERVER_GONE", f"the server closed the connection ({e})") from None
        except OSError as e:
            self.closed = True
            raise ServerGone("SERVER_GONE", f"the connection failed: {e}") from None
        return msg

    def _send_raw(self, data: bytes) -> None:
        try:
            self._ws.send(data)
        except WebSocketClosed as e:
            self.closed = True
            raise ServerGone("SERVER_GONE", f"the server closed the connection ({e})") from None
        except OSError as e:
            self.closed = True
            raise ServerGone("SERVER_GONE", f"the connection failed: {e}") from None

    @staticmethod
    def _error(raw: bytes | bytearray) -> CrucibleError:
        try:
            status, at = _read_number(raw, 1)
            text, _ = _read_str(raw, at)
        except (IndexError, ProtocolError, UnicodeDecodeError, struct.error):
            status, text = 0, "unreadable error message"
        code, message = split_code(text)
        return error_from_code(code or f"COLYSEUS_{status}", message, {"status": status})

    def send(self, kind: str, payload: Any) -> None:
        self._send_raw(encode_data(kind, payload))

    def recv(self, timeout: float | None = None) -> tuple[str, Any]:
        """The next room message as (type, payload); skips state patches and pings."""
        t = self.timeout if timeout is None else timeout
        while True:
            raw = self._recv_raw(t)
            code = raw[0] & 0x1F
            if code == ROOM_DATA_BYTES:
                kind, at = _read_str(raw, 1)
                return kind, memoryview(raw)[at:]
            if code == ROOM_DATA:
                kind, at = _read_str(raw, 1)
                payload = msgpack.unpackb(raw[at:], raw=False) if at < len(raw) else None
                return kind, payload
            if code == ERROR:
                raise self._error(raw)
            if code == LEAVE_ROOM:
                self.closed = True
                raise ServerGone("SERVER_GONE", "the room asked this client to leave")
            # ROOM_STATE, ROOM_STATE_PATCH, PING, a repeated JOIN_ROOM: nothing for a controller.

    def close(self) -> None:
        """Leave the room (consented: the slots are freed at once) and close the socket."""
        if self.closed:
            return
        self.closed = True
        try:
            self._ws.send(_LEAVE)
        except Exception:
            pass
        try:
            self._ws.close()
        except Exception:
            pass

