"""A fake Slack for end-to-end tests, and a client that signs requests exactly as Slack does.

``FakeSlack`` is a threaded HTTP server on ``127.0.0.1`` port 0 (so tests can run in
parallel) that records every call - Web API methods under ``/api/<method>`` and
response_url posts under ``/response/<name>`` - and can answer the next calls of a method
with a 429 (``Retry-After``) or a 5xx on demand. ``SignedSlackClient`` sends slash
commands, events and interaction payloads to the app with ``X-Slack-Signature`` computed
as ``v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


@dataclass
class Call:
    """One request the fake Slack received."""

    kind: str  # "api" or "response"
    name: str  # the API method, or the response_url's name
    body: dict[str, Any]
    token: str | None
    status: int
    at: float = field(default_factory=time.monotonic)


class FakeSlack:
    """The Slack Web API and response_urls, recording every call."""

    def __init__(self, team_id: str = "T1") -> None:
        self.calls: list[Call] = []
        self._failures: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self._answers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
        self._changed = threading.Condition()
        self.team_id = team_id
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # -- scripting -----------------------------------------------------------------------
    def fail_next(self, name: str, status: int = 429, *, times: int = 1,
                  retry_after: int | None = 1) -> None:
        """Answer the next ``times`` calls of ``name`` (method or response name) with ``status``."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self._changed:
            self._failures.setdefault(name, []).extend([(status, headers)] * times)

    def answer(self, method: str, make: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Answer ``method`` with ``make(body)`` instead of the default."""
        self._answers[method] = make

    # -- inspection ----------------------------------------------------------------------
    def of(self, name: str, *, ok_only: bool = True) -> list[Call]:
        with self._changed:
            return [c for c in self.calls
                    if c.name == name and (c.status == 200 or not ok_only)]

    def wait_for(self, name: str, count: int = 1, timeout: float = 10.0,
                 where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Wait until ``count`` successful calls of ``name`` (matching ``where``) arrived."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.name == name and c.status == 200
                         and (where is None or where(c))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    names = [(c.name, c.status) for c in self.calls]
                    raise AssertionError(f"expected {count} x {name}, got {names}")
                self._changed.wait(left)

    def quiet(self, seconds: float = 0.3) -> None:
        """Wait until no call has arrived for ``seconds`` (to assert that nothing more comes)."""
        while True:
            with self._changed:
                last = self.calls[-1].at if self.calls else 0.0
            idle = time.monotonic() - last
            if idle >= seconds:
                return
            time.sleep(seconds - idle)

    # -- the server ----------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _take_failure(self, name: str) -> tuple[int, dict[str, str]] | None:
        with self._changed:
            queue = self._failures.get(name)
            return queue.pop(0) if queue else None

    def _api_answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method in self._answers:
            return self._answers[method](body)
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake",
                    "user": "dealcoach", "team_id": self.team_id, "user_id": "UBOT",
                    "bot_id": "BBOT"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}",
                    "message": {"text": body.get("text")}}
        if method in ("views.publish", "views.open", "views.update", "views.push"):
            return {"ok": True, "view": {"id": "V1", **(body.get("view") or {})}}
        if method == "apps.connections.open":
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                body = _parse_body(raw, self.headers.get("Content-Type") or "")
                auth = self.headers.get("Authorization") or ""
                token = auth[7:] if auth.startswith("Bearer ") else body.get("token")
                path = self.path.split("?", 1)[0]
                if path.startswith("/api/"):
                    kind, name = "api", path[len("/api/"):]
                elif path.startswith("/response/"):
                    kind, name = "response", path[len("/response/"):]
                else:
                    self._send(404, {}, b"not found", "text/plain")
                    return
                failure = fake._take_failure(name) or (
                    fake._take_failure("response") if kind == "response" else None)
                if failure is not None:
                    status, headers = failure
                    fake._record(Call(kind, name, body, token, status))
                    payload = {"ok": False, "error": "ratelimited" if status == 429
                               else "internal_error"}
                    self._send(status, headers, json.dumps(payload).encode(), "application/json")
                    return
                fake._record(Call(kind, name, body, token, 200))
                if kind == "response":
                    self._send(200, {}, b"ok", "text/plain")
                else:
                    answer = json.dumps(fake._api_answer(name, body)).encode()
                    self._send(200, {}, answer, "application/json")

            do_GET = do_POST

            def _send(self, status: int, headers: dict[str, str], data: bytes,
                      content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _parse_body(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return dict(json.loads(raw))
    body: dict[str, Any] = dict(parse_qsl(raw, keep_blank_values=True))
    for key in ("blocks", "view"):
        if isinstance(body.get(key), str):
            with contextlib.suppress(ValueError):
                body[key] = json.loads(body[key])
    return body


# -- serving the app ------------------------------------------------------------------------
class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve_wsgi(application: Callable[..., Any]) -> Iterator[str]:
    """Serve a WSGI application on a loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, application, server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# -- signed requests ------------------------------------------------------------------------
def sign(secret: str, timestamp: int, body: str) -> str:
    """Slack's request signature: ``v0=`` + HMAC-SHA256 over ``v0:{timestamp}:{body}``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Sent:
    """The app's HTTP answer to one signed request."""

    status: int
    body: str
    elapsed: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SignedSlackClient:
    """Posts to the app the way Slack does: form-encoded or JSON bodies, signed."""

    def __init__(self, base_url: str, secret: str, fake: FakeSlack, team_id: str = "T1"):
        self.url = base_url.rstrip("/") + "/slack/events"
        self.secret = secret
        self.fake = fake
        self.team_id = team_id
        self._counter = 0

    def post(self, body: str, content_type: str, *, timestamp: int | None = None,
             secret: str | None = None, headers: dict[str, str] | None = None) -> Sent:
        ts = int(time.time()) if timestamp is None else timestamp
        request = urllib.request.Request(self.url, data=body.encode(), method="POST", headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(secret or self.secret, ts, body),
            **(headers or {}),
        })
        start = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Sent(response.status, response.read().decode(), time.monotonic() - start)
        except urllib.error.HTTPError as exc:
            return Sent(exc.code, exc.read().decode(), time.monotonic() - start)

    def _next(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    def command(self, text: str, *, user: str = "U1", team: str | None = None,
                channel: str = "C1", response_name: str | None = None, **kwargs: Any) -> Sent:
        """``/deal <text>``; the response_url points at the fake as ``response_name``."""
        name = response_name or self._next("cmd")
        form = {
            "token": "legacy", "team_id": team or self.team_id, "team_domain": "fake",
            "channel_id": channel, "channel_name": "deals", "user_id": user,
            "user_name": user.lower(), "command": "/deal", "text": text,
            "api_app_id": "A1", "is_enterprise_install": "false",
            "response_url": self.fake.response_url(name), "trigger_id": self._next("trig."),
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **kwargs)

    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              team: str | None = None, **kwargs: Any) -> Sent:
        """An Events API ``event_callback`` envelope around ``event``."""
        envelope = {
            "token": "legacy", "team_id": team or self.team_id, "api_app_id": "A1",
            "event": event, "type": "event_callback",
            "event_id": event_id or self._next("Ev"), "event_time": int(time.time()),
            "authorizations": [{"team_id": team or self.team_id, "user_id": "UBOT",
                                "is_bot": True, "enterprise_id": None}],
        }
        return self.post(json.dumps(envelope), "application/json", **kwargs)

    def dm(self, text: str, *, user: str = "U1", team: str | None = None,
           event_id: str | None = None, **kwargs: Any) -> Sent:
        """A ``message.im`` event: the user wrote ``text`` in the app's Messages tab."""
        event = {"type": "message", "channel_type": "im", "channel": f"D{user}",
                 "user": user, "text": text, "ts": f"{time.time():.6f}",
                 "team": team or self.team_id}
        return self.event(event, event_id=event_id, team=team, **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> Sent:
        """An interactivity payload (block actions, shortcuts, view submissions)."""
        payload.setdefault("team", {"id": self.team_id, "domain": "fake"})
        payload.setdefault("api_app_id", "A1")
        payload.setdefault("token", "legacy")
        return self.post(urlencode({"payload": json.dumps(payload)}),
                         "application/x-www-form-urlencoded", **kwargs)
