"""A fake of Slack's Socket Mode websocket, enough for slack_sdk's built-in client.

It does what Slack's end does: answers the websocket handshake (101 with the
``Sec-WebSocket-Accept`` of the client's key), says ``hello``, answers pings with pongs,
records every text frame the app sends (the acknowledgements of envelopes), and sends
envelopes (slash commands, events) on demand. Point :class:`~auxil.fake_slack.FakeSlack`'s
``apps.connections.open`` at :attr:`url` with :meth:`FakeSocketMode.serve_through`.

``refused_url()`` is an address where nothing listens, for a websocket that is refused.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
from typing import Any

from auxil.fake_slack import FakeSlack, dm_event

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def refused_url() -> str:
    """A ``ws://`` URL on a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"ws://127.0.0.1:{port}/link/?ticket=refused"


class FakeSocketMode:
    """Slack's Socket Mode server: handshakes, pings, envelopes out, acknowledgements in."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self._changed = threading.Condition()
        self._connections: list[socket.socket] = []
        self.handshakes = 0
        self.received: list[dict[str, Any]] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(2)
        with self._changed:
            for conn in self._connections:
                with contextlib.suppress(OSError):
                    conn.close()
        self._server.close()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._server.getsockname()[1]}/link/?ticket=fake"

    def serve_through(self, fake: FakeSlack) -> FakeSocketMode:
        """Make ``apps.connections.open`` on ``fake`` hand out this server's URL."""
        fake.answer("apps.connections.open", lambda body: {"ok": True, "url": self.url})
        return self

    # -- scripting -----------------------------------------------------------------------
    def wait_connected(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until ``count`` websocket handshakes have succeeded."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.handshakes < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} handshake(s), got {self.handshakes}")
                self._changed.wait(left)

    def close_connections(self) -> None:
        """Close every open connection the way Slack does: a close frame, then the socket."""
        with self._changed:
            open_now = list(self._connections)
        for conn in open_now:
            with contextlib.suppress(OSError):
                _send_frame(conn, CLOSE, struct.pack("!H", 1001) + b"going away")
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()

    def send(self, envelope: dict[str, Any]) -> None:
        """Send an envelope (``type``, ``envelope_id``, ``payload``) on the newest connection."""
        with self._changed:
            conn = self._connections[-1]
        _send_frame(conn, TEXT, json.dumps(envelope).encode())

    def command(
        self,
        envelope_id: str,
        text: str,
        *,
        response_url: str,
        user: str = "U1",
        trigger_id: str | None = None,
    ) -> None:
        """``/deal <text>`` as Socket Mode delivers it."""
        self.send(
            {
                "type": "slash_commands",
                "envelope_id": envelope_id,
                "accepts_response_payload": True,
                "payload": {
                    "team_id": "T1",
                    "user_id": user,
                    "channel_id": "C1",
                    "command": "/deal",
                    "text": text,
                    "api_app_id": "A1",
                    "response_url": response_url,
                    "trigger_id": trigger_id or f"trig-{envelope_id}",
                },
            }
        )

    def dm(self, envelope_id: str, text: str, *, user: str = "U1") -> None:
        """A DM to the app, as Socket Mode delivers the ``message.im`` event."""
        event = dm_event(user, text)
        self.send(
            {
                "type": "events_api",
                "envelope_id": envelope_id,
                "accepts_response_payload": False,
                "payload": {
                    "team_id": "T1",
                    "api_app_id": "A1",
                    "type": "event_callback",
                    "event_id": f"Ev-{envelope_id}",
                    "event_time": int(time.time()),
                    "event": event,
                },
            }
        )

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The app's acknowledgement of ``envelope_id``, once it arrives."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for message in self.received:
                    if message.get("envelope_id") == envelope_id:
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no ack of {envelope_id}: {self.received}")
                self._changed.wait(left)

    # -- the server ----------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(None)
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(1024)
                if not chunk:
                    return
                request += chunk
            key = ""
            for line in request.decode().split("\r\n"):
                name, _, value = line.partition(":")
                if name.strip().lower() == "sec-websocket-key":
                    key = value.strip()
            accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
            conn.sendall(
                (
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
                ).encode()
            )
            with self._changed:
                self._connections.append(conn)
                self.handshakes += 1
                self._changed.notify_all()
            _send_frame(conn, TEXT, json.dumps({"type": "hello", "num_connections": 1}).encode())
            while not self._stopped.is_set():
                frame = _read_frame(conn)
                if frame is None:
                    return
                opcode, data = frame
                if opcode == PING:
                    _send_frame(conn, PONG, data)
                elif opcode == TEXT:
                    with self._changed:
                        self.received.append(json.loads(data))
                        self._changed.notify_all()
                elif opcode == CLOSE:
                    with contextlib.suppress(OSError):
                        _send_frame(conn, CLOSE, data[:2])
                    return
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                conn.close()


def _send_frame(conn: socket.socket, opcode: int, data: bytes) -> None:
    """One unmasked frame (servers do not mask)."""
    header = bytes([0x80 | opcode])
    if len(data) < 126:
        header += bytes([len(data)])
    elif len(data) < 1 << 16:
        header += bytes([126]) + struct.pack("!H", len(data))
    else:
        header += bytes([127]) + struct.pack("!Q", len(data))
    conn.sendall(header + data)


def _read_exactly(conn: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _read_frame(conn: socket.socket) -> tuple[int, bytes] | None:
    """One frame from the client (masked, as clients must); None when the socket closed."""
    head = _read_exactly(conn, 2)
    if head is None:
        return None
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        raw = _read_exactly(conn, 2)
        if raw is None:
            return None
        length = struct.unpack("!H", raw)[0]
    elif length == 127:
        raw = _read_exactly(conn, 8)
        if raw is None:
            return None
        length = struct.unpack("!Q", raw)[0]
    mask = _read_exactly(conn, 4) if head[1] & 0x80 else b"\0\0\0\0"
    payload = _read_exactly(conn, length) if length else b""
    if mask is None or payload is None:
        return None
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
