"""A blocking WebSocket client in the calling thread: websockets' sans-I/O protocol over a plain socket.

``websockets.sync.client`` reads the socket in a background thread. A trainer stepping a room in lockstep
receives ~100–250 KB per step, and the hand-over between that thread and the caller's goes through the GIL: the
caller waits for the reader thread's switch interval on every step (measured here: 580 steps/s with it, against
the server's several thousand). Doing the reads in the caller's own thread, with the same library's protocol
implementation (handshake, framing, masking, pings, close), removes the hand-over.
"""

from __future__ import annotations

import socket
import time
from collections import deque

from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

_READ = 1 << 20


class WebSocketClosed(Exception):
    """The connection is closed (``code``/``reason`` from the close frame, when there was one)."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"code {code}: {reason}" if code is not None else reason)
        self.code = code
        self.reason = reason


class WebSocket:
    """Binary messages only (all Colyseus messages are binary); no compression; no size limit."""

    def __init__(self, url: str, timeout: float) -> None:
        uri = parse_uri(url)
        if uri.secure:
            raise ValueError("wss:// is not supported by this client; use ws://")
        self._sock = socket.create_connection((uri.host, uri.port), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._protocol = ClientProtocol(uri, max_size=None)
        self._messages: deque[bytes] = deque()
        self._parts: list[bytes] = []
        self._protocol.send_request(self._protocol.connect())
        self._flush()
        deadline = time.monotonic() + timeout
        while self._protocol.state is State.CONNECTING:
            self._read(deadline)
        if self._protocol.handshake_exc is not None:
            raise self._protocol.handshake_exc

    def _flush(self) -> None:
        for data in self._protocol.data_to_send():
            if data:
                self._sock.sendall(data)
            else:  # the protocol asks for the write side to be closed
                try:
                    self._sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

    def _read(self, deadline: float | None) -> None:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self._sock.settimeout(left)
        else:
            self._sock.settimeout(None)
        try:
            data = self._sock.recv(_READ)
        except socket.timeout:
            raise TimeoutError from None
        if data:
            self._protocol.receive_data(data)
        else:
            self._protocol.receive_eof()
        for event in self._protocol.events_received():
            if not isinstance(event, Frame):  # the handshake's Response
                continue
            if event.opcode in (Opcode.BINARY, Opcode.TEXT, Opcode.CONT):
                if event.fin and not self._parts:
                    self._messages.append(bytes(event.data))
                else:
                    self._parts.append(bytes(event.data))
                    if event.fin:
                        self._messages.append(b"".join(self._parts))
                        self._parts.clear()
        self._flush()  # pongs, the close handshake
        if not self._messages and self._protocol.state is State.CLOSED or (not data and not self._messages):
            raise self._closed()

    def _closed(self) -> WebSocketClosed:
        rcvd = self._protocol.close_rcvd
        if rcvd is not None:
            return WebSocketClosed(rcvd.code, rcvd.reason)
        return WebSocketClosed(None, "the connection was closed without a close frame")

    def recv(self, timeout: float | None) -> bytes:
        """The next message; ``TimeoutError`` after ``timeout`` seconds, ``WebSocketClosed`` when closed."""
        if not self._messages:
            deadline = None if timeout is None else time.monotonic() + timeout
            while not self._messages:
                if self._protocol.state is State.CLOSED:
                    raise self._closed()
                self._read(deadline)
        return self._messages.popleft()

    def send(self, data: bytes) -> None:
        if self._protocol.state is not State.OPEN:
            raise self._closed()
        self._protocol.send_binary(data)
        self._flush()

    def close(self) -> None:
        try:
            if self._protocol.state is State.OPEN:
                self._protocol.send_close(1000)
                self._flush()
        except OSError:
            pass
        finally:
            self._sock.close()
