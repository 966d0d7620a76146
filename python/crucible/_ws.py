"""A blocking WebSocket client in the calling thread, for a stream of large binary messages.

``websockets.sync.client`` reads the socket in a background thread. A trainer stepping a room in lockstep
receives ~100–250 KB per step, and the hand-over between that thread and the caller's goes through the GIL: the
caller waits for the reader thread's switch interval on every step (measured here: 580 steps/s with it, against
the server's several thousand). This client does its reads in the caller's thread instead.

The opening handshake and everything the client sends (masked frames, pongs, the close frame) go through
websockets' own sans-I/O protocol (``ClientProtocol``). Frames from the server are read here: they are unmasked,
and their header says the payload's length, so each message is received straight into a buffer of its own with
``recv_into`` (one copy, by the kernel) instead of being copied three times through a general stream parser.

The server pings every connection every 3 s and drops one that has not answered two pings. A trainer may leave
its environment alone for longer than that (a gradient step, an evaluation), so a daemon thread per connection
wakes once a second and, when the caller has not touched the connection for a second, answers the pings waiting
on the socket (messages it reads meanwhile are kept for the caller's next ``recv``). It takes the connection's lock
only then, so it costs nothing while the caller steps.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
import weakref
from collections import deque

from websockets.client import ClientProtocol
from websockets.protocol import State
from websockets.uri import parse_uri

_OP_CONT, _OP_TEXT, _OP_BINARY, _OP_CLOSE, _OP_PING, _OP_PONG = 0, 1, 2, 8, 9, 10
_HEADER_LIMIT = 64 * 1024
_KEEPALIVE_S = 1.0


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
        self._lock = threading.Lock()
        self._pending: deque[bytearray] = deque()
        self._last_io = time.monotonic()
        threading.Thread(target=_keep_alive, args=(weakref.ref(self),), daemon=True, name="crucible-ws-keepalive").start()

    def _answer_pings(self) -> None:
        """Keep-alive (see the module comment): read what waits on an idle connection, answering pings."""
        if time.monotonic() - self._last_io < _KEEPALIVE_S or not self._lock.acquire(blocking=False):
            return
        try:
            while self._closed is None and select.select([self._sock], [], [], 0)[0]:
                self._deadline = time.monotonic() + 10.0  # the server writes whole frames: no long wait here
                message = self._next_message()
                if message is not None:
                    self._pending.append(message)
        except (TimeoutError, OSError, WebSocketClosed):
            pass  # the caller's next recv reports it
        finally:
            self._lock.release()

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
        with self._lock:
            try:
                if self._pending:
                    return self._pending.popleft()
                if self._closed is not None:
                    raise self._closed
                self._deadline = None if timeout is None else time.monotonic() + timeout
                while True:
                    message = self._next_message()
                    if message is not None:
                        return message
            finally:
                self._last_io = time.monotonic()

    def _next_message(self) -> bytearray | None:
        """Read one frame: a complete message, or None (a control frame, answered; or part of a message)."""
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
            return None
        if opcode == _OP_PING:
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
        return None

    def _fail(self, why: str) -> WebSocketClosed:
        self._closed = WebSocketClosed(1002, why)
        self._close_socket(reply=True)
        return self._closed

    def send(self, data: bytes) -> None:
        with self._lock:
            if self._closed is not None:
                raise self._closed
            self._protocol.send_binary(data)
            self._flush()
            self._last_io = time.monotonic()

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
        with self._lock:
            if self._closed is None:
                self._closed = WebSocketClosed(1000, "closed by this client")
                self._close_socket(reply=True)


def _keep_alive(ref: "weakref.ref[WebSocket]") -> None:
    """The keep-alive thread of one connection; ends when the connection is closed or garbage."""
    while True:
        time.sleep(_KEEPALIVE_S)
        ws = ref()
        if ws is None or ws._closed is not None:
            return
        ws._answer_pings()
        del ws
