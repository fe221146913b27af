"""A fake Slack for end-to-end tests, and a client that signs requests exactly as Slack does.

``FakeSlack`` is a threaded HTTP server on ``127.0.0.1`` port 0 (so tests can run in
parallel) that records every call - Web API methods under ``/api/<method>`` and
response_url posts under ``/response/<name>`` - and can answer the next calls of a method
with a 429 (``Retry-After``) or a 5xx on demand. ``SignedSlackClient`` sends slash
commands, events and interaction payloads to the app with ``X-Slack-Signature`` computed
as ``v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")``.

Files work like Slack's: :meth:`FakeSlack.host_file` serves a file for download under
``/files/<id>/<name>`` (bearer token required), and ``files_upload_v2`` uploads land under
``/upload/<id>`` and are shared by ``files.completeUploadExternal``
(:meth:`FakeSlack.shared_files`).
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


def dm_event(user: str, text: str) -> dict[str, Any]:
    """A ``message.im`` event: ``user`` wrote ``text`` in the app's Messages tab, now."""
    return {
        "type": "message",
        "channel_type": "im",
        "channel": f"D{user}",
        "user": user,
        "text": text,
        "ts": f"{time.time():.6f}",
    }


class _Server(ThreadingHTTPServer):
    # The default listen backlog is 5: a burst of clients would see dropped connections
    # and one-second retransmits, which is the network's problem, not the app's.
    request_queue_size = 256


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
        # Files the app may download (id -> name, bytes), and bytes it uploaded (by id).
        self.hosted: dict[str, tuple[str, bytes]] = {}
        self.uploads: dict[str, bytes] = {}
        self._upload_names: dict[str, str] = {}
        # People (users.info) and the messages posted to each DM, as Slack would keep them.
        self.people: dict[str, dict[str, Any]] = {}
        self.dms: dict[str, list[dict[str, Any]]] = {}
        self._lost_answers: dict[str, list[int]] = {}
        self._ts = 1_700_000_000.0
        self._failures: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self._answers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
        self._changed = threading.Condition()
        # Web API calls recorded (a call is recorded as it arrives) and not yet answered.
        self._answering = 0
        self.team_id = team_id
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

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
    def fail_next(
        self, name: str, status: int = 429, *, times: int = 1, retry_after: int | None = 1
    ) -> None:
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
            return [c for c in self.calls if c.name == name and (c.status == 200 or not ok_only)]

    def wait_for(
        self,
        name: str,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until ``count`` successful calls of ``name`` (matching ``where``) arrived."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [
                    c
                    for c in self.calls
                    if c.name == name and c.status == 200 and (where is None or where(c))
                ]
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
    def _record(self, call: Call, *, answering: bool = False) -> None:
        with self._changed:
            self.calls.append(call)
            self._answering += answering
            self._changed.notify_all()

    def _answered(self) -> None:
        with self._changed:
            self._answering -= 1
            self._changed.notify_all()

    def _take_failure(self, name: str) -> tuple[int, dict[str, str]] | None:
        with self._changed:
            queue = self._failures.get(name)
            return queue.pop(0) if queue else None

    def _api_answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method in self._answers:
            return self._answers[method](body)
        # Each group of methods answers from its own table; a new group adds one here.
        for table in (self._message_answers(), self._core_answers(), self._file_answers()):
            if method in table:
                return table[method](body)
        return {"ok": True}

    # -- people and DMs: users.info, chat.postMessage, conversations.open/history ----------
    def set_person(self, user_id: str, *, tz: str | None = None, is_admin: bool = False) -> None:
        """Describe a user for ``users.info`` (time zone, admin)."""
        self.people[user_id] = {"id": user_id, "tz": tz, "is_admin": is_admin, "is_owner": False}

    def lose_answer_next(self, method: str, *, status: int = 500, times: int = 1) -> None:
        """Do the next ``times`` calls of ``method``, then answer ``status`` as if it failed.

        This is Slack's worst case for retries: the message was posted, but the caller
        cannot know it.
        """
        with self._changed:
            self._lost_answers.setdefault(method, []).extend([status] * times)

    def dm(self, user_id: str, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Messages in the bot's DM with ``user_id``, oldest first.

        Read once every call recorded so far is answered: a test that has just seen a
        ``chat.postMessage`` call must find its message here.
        """
        with self._changed:
            self._changed.wait_for(lambda: self._answering == 0, timeout)
            return list(self.dms.get(self.dm_channel(user_id), []))

    @staticmethod
    def dm_channel(user_id: str) -> str:
        """The DM channel id the fake uses for a user."""
        return user_id if user_id.startswith("D") else f"D{user_id}"

    def _take_lost_answer(self, method: str) -> int | None:
        with self._changed:
            queue = self._lost_answers.get(method)
            return queue.pop(0) if queue else None

    def _message_answers(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        def post(body: dict[str, Any]) -> dict[str, Any]:
            channel = str(body.get("channel") or "")
            if channel.startswith(("U", "W")):
                channel = self.dm_channel(channel)
            with self._changed:
                self._ts += 1
                ts = f"{self._ts:.6f}"
                metadata = body.get("metadata")
                if isinstance(metadata, str):
                    metadata = json.loads(metadata)
                self.dms.setdefault(channel, []).append(
                    {
                        "ts": ts,
                        "text": body.get("text"),
                        "blocks": body.get("blocks"),
                        "metadata": metadata,
                        "thread_ts": body.get("thread_ts"),
                    }
                )
            return {"ok": True, "channel": channel, "ts": ts, "message": {"text": body.get("text")}}

        def history(body: dict[str, Any]) -> dict[str, Any]:
            with self._changed:
                messages = list(self.dms.get(str(body.get("channel") or ""), []))
            oldest = float(body.get("oldest") or 0)
            newest_first = [m for m in reversed(messages) if float(m["ts"]) > oldest]
            if str(body.get("include_all_metadata")).lower() not in ("true", "1"):
                newest_first = [
                    {k: v for k, v in m.items() if k != "metadata"} for m in newest_first
                ]
            return {"ok": True, "messages": newest_first, "has_more": False}

        def person(body: dict[str, Any]) -> dict[str, Any]:
            user = self.people.get(str(body.get("user") or ""))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user}

        return {
            "chat.postMessage": post,
            "conversations.history": history,
            "conversations.open": lambda body: {
                "ok": True,
                "channel": {"id": self.dm_channel(str(body.get("users") or ""))},
            },
            "users.info": person,
        }

    def _core_answers(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        def view(body: dict[str, Any]) -> dict[str, Any]:
            return {"ok": True, "view": {"id": "V1", **(body.get("view") or {})}}

        return {
            "auth.test": lambda body: {
                "ok": True,
                "url": "https://fake.slack.com/",
                "team": "Fake",
                "user": "dealcoach",
                "team_id": self.team_id,
                "user_id": "UBOT",
                "bot_id": "BBOT",
            },
            "chat.postMessage": lambda body: {
                "ok": True,
                "channel": body.get("channel"),
                "ts": f"{time.time():.6f}",
                "message": {"text": body.get("text")},
            },
            "views.publish": view,
            "views.open": view,
            "views.update": view,
            "views.push": view,
            "apps.connections.open": lambda body: {"ok": False, "error": "invalid_auth"},
        }

    # -- files: downloads, and uploads through files_upload_v2 ----------------------------
    def host_file(
        self, name: str, content: bytes, *, filetype: str | None = None, size: int | None = None
    ) -> dict[str, Any]:
        """Serve ``content`` for download; returns the file object a ``file_share`` carries.

        Args:
            name: the file's name.
            content: its bytes.
            filetype: Slack's ``filetype`` (default: the name's extension).
            size: the size to announce (default: the real one).

        """
        file_id = f"F{len(self.hosted) + 1:04d}"
        self.hosted[file_id] = (name, content)
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "filetype": filetype if filetype is not None else name.rpartition(".")[2].lower(),
            "size": len(content) if size is None else size,
            "url_private_download": f"http://127.0.0.1:{self.port}/files/{file_id}/{name}",
        }

    def shared_files(self, channel: str | None = None) -> list[tuple[str, str, bytes]]:
        """``(channel, filename, bytes)`` of every upload files.completeUploadExternal shared."""
        shared = []
        for done in self.of("files.completeUploadExternal"):
            for item in json.loads(done.body.get("files") or "[]"):
                where = str(done.body.get("channel_id") or "")
                if channel is None or where == channel:
                    shared.append(
                        (
                            where,
                            self._upload_names.get(item["id"], ""),
                            self.uploads.get(item["id"], b""),
                        )
                    )
        return shared

    def _file_answers(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        def upload_url(body: dict[str, Any]) -> dict[str, Any]:
            file_id = f"FUP{len(self._upload_names) + 1:04d}"
            self._upload_names[file_id] = str(body.get("filename") or "")
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
            }

        def complete(body: dict[str, Any]) -> dict[str, Any]:
            items = json.loads(body.get("files") or "[]")
            if any(item.get("id") not in self.uploads for item in items):
                return {"ok": False, "error": "file_upload_not_completed"}
            return {
                "ok": True,
                "files": [
                    {
                        "id": item["id"],
                        "title": item.get("title"),
                        "name": self._upload_names.get(item["id"]),
                    }
                    for item in items
                ],
            }

        return {
            "files.getUploadURLExternal": upload_url,
            "files.completeUploadExternal": complete,
        }

    def _serve_file(self, path: str, token: str | None) -> tuple[int, bytes, str]:
        """Answer a download: 403 without a bot token, 404 for an unknown file."""
        file_id = path[len("/files/") :].split("/", 1)[0]
        if not token or not token.startswith("xoxb-"):
            status, data, kind = 403, b"not allowed", "text/plain"
        elif file_id not in self.hosted:
            status, data, kind = 404, b"not found", "text/plain"
        else:
            status, data, kind = 200, self.hosted[file_id][1], "application/octet-stream"
        self._record(Call("download", "download", {"id": file_id}, token, status))
        return status, data, kind

    def _receive_upload(self, path: str, data: bytes) -> None:
        file_id = path[len("/upload/") :]
        self.uploads[file_id] = data
        self._record(Call("upload", "upload", {"id": file_id, "size": len(data)}, None, 200))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                auth = self.headers.get("Authorization") or ""
                if path.startswith(("/files/", "/upload/")):
                    self._file_request(path, data, auth[7:] if auth.startswith("Bearer ") else None)
                    return
                # slack_sdk sends some methods' arguments in the query string.
                body = {
                    **dict(parse_qsl(query, keep_blank_values=True)),
                    **_parse_body(data.decode("utf-8"), self.headers.get("Content-Type") or ""),
                }
                token = auth[7:] if auth.startswith("Bearer ") else body.get("token")
                if path.startswith("/api/"):
                    kind, name = "api", path[len("/api/") :]
                elif path.startswith("/response/"):
                    kind, name = "response", path[len("/response/") :]
                else:
                    self._send(404, {}, b"not found", "text/plain")
                    return
                failure = fake._take_failure(name) or (
                    fake._take_failure("response") if kind == "response" else None
                )
                if failure is not None:
                    status, headers = failure
                    fake._record(Call(kind, name, body, token, status))
                    payload = {
                        "ok": False,
                        "error": "ratelimited" if status == 429 else "internal_error",
                    }
                    self._send(status, headers, json.dumps(payload).encode(), "application/json")
                    return
                fake._record(Call(kind, name, body, token, 200), answering=kind != "response")
                if kind == "response":
                    self._send(200, {}, b"ok", "text/plain")
                else:
                    try:
                        answer = json.dumps(fake._api_answer(name, body)).encode()
                    finally:
                        fake._answered()
                    lost = fake._take_lost_answer(name)
                    if lost is not None:  # done, but the caller hears a failure
                        answer = json.dumps({"ok": False, "error": "internal_error"}).encode()
                    self._send(lost or 200, {}, answer, "application/json")

            do_GET = do_POST

            def _file_request(self, path: str, data: bytes, token: str | None) -> None:
                name = "download" if path.startswith("/files/") else "upload"
                failure = fake._take_failure(name)
                if failure is not None:
                    status, headers = failure
                    fake._record(Call(name, name, {"path": path}, token, status))
                    self._send(status, headers, b"unavailable", "text/plain")
                elif name == "download":
                    status, content, kind = fake._serve_file(path, token)
                    self._send(status, {}, content, kind)
                else:
                    fake._receive_upload(path, data)
                    self._send(200, {}, f"OK - {len(data)}".encode(), "text/plain")

            def _send(
                self, status: int, headers: dict[str, str], data: bytes, content_type: str
            ) -> None:
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
    server = make_server(
        "127.0.0.1", 0, application, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
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

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Sent:
        ts = int(time.time()) if timestamp is None else timestamp
        request = urllib.request.Request(
            self.url,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": sign(secret or self.secret, ts, body),
                **(headers or {}),
            },
        )
        start = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Sent(response.status, response.read().decode(), time.monotonic() - start)
        except urllib.error.HTTPError as exc:
            return Sent(exc.code, exc.read().decode(), time.monotonic() - start)

    def _next(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    def command(
        self,
        text: str,
        *,
        user: str = "U1",
        team: str | None = None,
        channel: str = "C1",
        response_name: str | None = None,
        **kwargs: Any,
    ) -> Sent:
        """``/deal <text>``; the response_url points at the fake as ``response_name``."""
        name = response_name or self._next("cmd")
        form = {
            "token": "legacy",
            "team_id": team or self.team_id,
            "team_domain": "fake",
            "channel_id": channel,
            "channel_name": "deals",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/deal",
            "text": text,
            "api_app_id": "A1",
            "is_enterprise_install": "false",
            "response_url": self.fake.response_url(name),
            "trigger_id": self._next("trig."),
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **kwargs)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        team: str | None = None,
        **kwargs: Any,
    ) -> Sent:
        """An Events API ``event_callback`` envelope around ``event``."""
        envelope = {
            "token": "legacy",
            "team_id": team or self.team_id,
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or self._next("Ev"),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "team_id": team or self.team_id,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "enterprise_id": None,
                }
            ],
        }
        return self.post(json.dumps(envelope), "application/json", **kwargs)

    def dm(
        self,
        text: str,
        *,
        user: str = "U1",
        team: str | None = None,
        event_id: str | None = None,
        thread_ts: str | None = None,
        **kwargs: Any,
    ) -> Sent:
        """A ``message.im`` event: the user wrote ``text`` in the app's Messages tab.

        With ``thread_ts``, they wrote it in the thread of that message.
        """
        event = {**dm_event(user, text), "team": team or self.team_id}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.event(event, event_id=event_id, team=team, **kwargs)

    def share_file(
        self,
        files: list[dict[str, Any]],
        text: str = "",
        *,
        user: str = "U1",
        team: str | None = None,
        event_id: str | None = None,
        **kwargs: Any,
    ) -> Sent:
        """A ``message.im`` event with subtype ``file_share``: files shared in the DM."""
        event = {
            "type": "message",
            "subtype": "file_share",
            "channel_type": "im",
            "channel": f"D{user}",
            "user": user,
            "text": text,
            "files": files,
            "upload": True,
            "ts": f"{time.time():.6f}",
            "team": team or self.team_id,
        }
        return self.event(event, event_id=event_id, team=team, **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> Sent:
        """An interactivity payload (block actions, shortcuts, view submissions)."""
        payload.setdefault("team", {"id": self.team_id, "domain": "fake"})
        payload.setdefault("api_app_id", "A1")
        payload.setdefault("token", "legacy")
        return self.post(
            urlencode({"payload": json.dumps(payload)}),
            "application/x-www-form-urlencoded",
            **kwargs,
        )

    def submit_view(
        self,
        callback_id: str,
        values: dict[str, Any],
        *,
        user: str = "U1",
        private_metadata: str = "",
        trigger_id: str = "t",
        view_id: str = "V9",
    ) -> Sent:
        """A ``view_submission``: ``user`` submitted the modal ``callback_id`` with ``values``.

        ``values`` is the view's ``state.values`` as Slack sends it (block id, then action
        id, then the input's state).
        """
        return self.interaction(
            {
                "type": "view_submission",
                "user": {"id": user},
                "trigger_id": trigger_id,
                "view": {
                    "id": view_id,
                    "type": "modal",
                    "callback_id": callback_id,
                    "private_metadata": private_metadata,
                    "state": {"values": values},
                },
            }
        )
