"""A blocking WebSocket client in the calling thread, for a stream of large binary messages.

``websockets.sync.client`` reads the socket in a background thread. A trainer stepping a room in lockstep
receives ~100–250 KB per step, and the hand-over between that thread and the caller's goes through the GIL: the
caller waits for the reader thread's switch interval on every step (measured here: 580 steps/s with it, against
the server's several thousand). This client does its reads in the caller's thread instead.

The opening handshake and everything the client sends (masked frames, pongs, the close frame) go through
websockets' own sans-I/O protocol (``ClientProtocol``). Frames from the server are read here: they are unmasked,
and their header says the payload's length, so each message is received straight into a buffer of its own with
``recv_into`` (one copy, by the kernel) instead of being copied three times through a general stream parser.
"""

from __future__ import annotations

import socket
import struct
import time

from websockets.client import ClientProtocol
from websockets.protocol import State
from websockets.uri import parse_uri

_OP_CONT, _OP_TEXT, _OP_BINARY, _OP_CLOSE, _OP_PING, _OP_PONG = 0, 1, 2, 8, 9, 10
_HEADER_LIMIT = 64 * 1024


class WebSocketClosed(Exception):
    """The connection is closed (``code``/``reason`` from the close frame, when there was one)."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"code {code}: {reason}" if code is not None else reason)
        self.code = code
        self.reason = reason


class WebSocket:
    """Binary messages; no compression; no size limit. ``recv`` returns each message in a new ``bytearray``."""

    def __init__(self, url: str, timeout: float) -> None:
        uri = parse_uri(url)
        if uri.secure:
            raise ValueError("wss:// is not supported by this client; use ws://")
        self._sock = socket.create_connection((uri.host, uri.port), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._protocol = ClientProtocol(uri, max_size=None)
        self._closed: WebSocketClosed | None = None
        self._deadline: float | None = None
        self._parts: list[bytes] = []
        self._protocol.send_request(self._protocol.connect())
        self._flush()
        # Hand websockets exactly the HTTP response (peeked up to its blank line), not the frames after it.
        self._deadline = time.monotonic() + timeout
        seen = b""
        while b"\r\n\r\n" not in seen:
            self._wait_readable()
            seen = self._sock.recv(_HEADER_LIMIT, socket.MSG_PEEK)
            if not seen:
                raise WebSocketClosed(None, "the server closed the connection during the handshake")
            if len(seen) >= _HEADER_LIMIT and b"\r\n\r\n" not in seen:
                raise WebSocketClosed(None, "the server's handshake response is too long")
        self._protocol.receive_data(self._read_exact(seen.index(b"\r\n\r\n") + 4))
        self._protocol.events_received()
        if self._protocol.handshake_exc is not None:
            raise self._protocol.handshake_exc
        if self._protocol.state is not State.OPEN:
            raise WebSocketClosed(None, "the WebSocket handshake did not complete")

    def _flush(self) -> None:
        for data in self._protocol.data_to_send():
            if data:
                self._sock.sendall(data)

    def _wait_readable(self) -> None:
        if self._deadline is None:
            self._sock.settimeout(None)
            return
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        self._sock.settimeout(left)

    def _read_into(self, view: memoryview) -> None:
        got, n = 0, len(view)
        while got < n:
            self._wait_readable()
            try:
                k = self._sock.recv_into(view[got:], n - got)
            except socket.timeout:
                raise TimeoutError from None
            if k == 0:
                self._closed = WebSocketClosed(None, "the connection was closed without a close frame")
                raise self._closed
            got += k

    def _read_exact(self, n: int) -> bytearray:
        buf = bytearray(n)
        if n:
            self._read_into(memoryview(buf))
        return buf

    def recv(self, timeout: float | None) -> bytearray:
        """The next message; ``TimeoutError`` after ``timeout`` seconds, ``WebSocketClosed`` when closed.

        A timeout may fall inside a message only if the server stalls mid-frame; the connection is then unusable."""
        if self._closed is not None:
            raise self._closed
        self._deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            b0, b1 = self._read_exact(2)
            opcode, fin, n = b0 & 0x0F, b0 & 0x80, b1 & 0x7F
            if b1 & 0x80:
                raise self._fail("the server sent a masked frame")
            if n == 126:
                (n,) = struct.unpack("!H", self._read_exact(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", self._read_exact(8))
            payload = self._read_exact(n)
            if opcode in (_OP_BINARY, _OP_TEXT, _OP_CONT):
                if fin and not self._parts:
                    return payload
                self._parts.append(bytes(payload))
                if fin:
                    whole = bytearray(b"".join(self._parts))
                    self._parts.clear()
                    return whole
            elif opcode == _OP_PING:
                self._protocol.send_pong(bytes(payload))
                self._flush()
            elif opcode == _OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                reason = payload[2:].decode(errors="replace")
                self._closed = WebSocketClosed(code, reason or "closed by the server")
                self._close_socket(reply=True)
                raise self._closed
            elif opcode != _OP_PONG:
                raise self._fail(f"the server sent a frame with opcode {opcode}")

    def _fail(self, why: str) -> WebSocketClosed:
        self._closed = WebSocketClosed(1002, why)
        self._close_socket(reply=True)
        return self._closed

    def send(self, data: bytes) -> None:
        if self._closed is not None:
            raise self._closed
        self._protocol.send_binary(data)
        self._flush()

    def _close_socket(self, reply: bool) -> None:
        try:
            if reply and self._protocol.state is State.OPEN:
                self._protocol.send_close(1000)
                self._flush()
        except OSError:
            pass
        finally:
            self._sock.close()

    def close(self) -> None:
        if self._closed is None:
            self._closed = WebSocketClosed(1000, "closed by this client")
            self._close_socket(reply=True)
