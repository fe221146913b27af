"""``dealcoach serve``: Socket Mode for development, or HTTP under gunicorn for production.

* ``SLACK_APP_TOKEN`` set: Socket Mode. The app dials out to Slack over a websocket, so
  it needs no public URL - the five-minute install.
* otherwise: HTTP on ``--port`` (default 3000). Slack posts to ``/slack/events``; a load
  balancer probes ``/healthz``. gunicorn (``gthread`` workers) serves Bolt's WSGI adapter;
  each worker builds its own app after the fork, because a database pool must not be
  shared across processes.

Everything a user can fix (settings, an unreachable database, a rejected token, the
``slack`` extra not installed) is checked before any worker starts and reported as one
sentence with exit code 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from bot.service import open_service
from bot.settings import SettingsError

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.service import CoachService
    from bot.slack.config import SlackSettings
    from bot.store.database import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
DEFAULT_PORT = 3000
# Slack's requests are a few kilobytes; anything over this is refused unread.
MAX_BODY_BYTES = 1024 * 1024

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def wsgi_application(app: App, database: Database | None = None) -> WsgiApp:
    """The WSGI application: Bolt on ``/slack/events`` (and OAuth paths), plus ``/healthz``.

    Before Bolt sees a request, two checks answer what Bolt would not: a body over
    :data:`MAX_BODY_BYTES` is refused with 413 before it is read, and a request timestamp
    that is not a number gets 400 (Bolt's signature check raised on it, a 500).

    Args:
        app: the Bolt app.
        database: checked by the health endpoint, so a replica that lost its database
            leaves the load balancer's rotation.

    """
    from bot.slack.ack_handoff import handing_over

    bolt: WsgiApp = handing_over(_request_handler(app))

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            healthy = _database_answers(database)
            body = b"ok\n" if healthy else b"database unavailable\n"
            start_response(
                "200 OK" if healthy else "503 Service Unavailable",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [body]
        refusal = _refusal(environ)
        if refusal is not None:
            status, text = refusal
            body = text.encode()
            start_response(
                status,
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return bolt(environ, start_response)

    return application


def _refusal(environ: dict[str, Any]) -> tuple[str, str] | None:
    """Why a request is refused before Bolt reads it (status line and body), or None."""
    if environ.get("REQUEST_METHOD") != "POST":
        return None
    length = str(environ.get("CONTENT_LENGTH") or "0").strip()
    if not length.isdigit():
        return "400 Bad Request", "bad Content-Length\n"
    if int(length) > MAX_BODY_BYTES:
        # Slack's payloads are a few kilobytes: never read a body this size into memory.
        return "413 Content Too Large", "request body too large\n"
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    if timestamp is not None and not str(timestamp).strip().isdigit():
        return "400 Bad Request", "bad X-Slack-Request-Timestamp\n"
    return None


def _request_handler(app: App) -> Any:
    """Bolt's WSGI adapter: form bodies parsed even with "payload" in them, acks handed over.

    Bolt reads any form body containing the word ``payload`` as an interactivity payload,
    so ``/deal payload terms net-60`` reached no listener (a 404). A form body without a
    ``payload`` field is parsed as the plain form it is; the signature is checked on the
    raw body either way. A listener's ``ack()`` returns once the response was sent
    (:mod:`bot.slack.ack_handoff`).
    """
    from urllib.parse import parse_qsl

    from slack_bolt import BoltRequest, BoltResponse
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
    from slack_bolt.context import BoltContext
    from slack_bolt.request.internals import build_context

    from bot.slack.ack_handoff import use_ack

    class Handler(SlackRequestHandler):
        def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
            raw = request.get_body()
            bolt_request = BoltRequest(
                body=raw, query=request.query_string, headers=request.get_headers()
            )
            if (
                not bolt_request.body
                and "payload" in raw
                and bolt_request.content_type != "application/json"
                and not raw.startswith("{")
            ):
                form = dict(parse_qsl(raw, keep_blank_values=True))
                if "payload" not in form:
                    bolt_request.body = form
                    bolt_request.context = build_context(BoltContext({}), form)
            use_ack(bolt_request, request.environ)
            return self.app.dispatch(bolt_request)

    return Handler(app, path=EVENTS_PATH)


def _database_answers(database: Database | None) -> bool:
    if database is None:
        return True
    try:
        database.ping()
        return True
    except Exception as exc:  # any failure means "not ready", and is logged
        log.error("health check: the database does not answer: %s", exc)
        return False


def run_serve(args: argparse.Namespace) -> int:
    """Run the Slack app until interrupted.

    Args:
        args: ``--db``, ``--port``, ``--host``, ``--workers``, ``--threads`` (all optional).

    Returns:
        The process exit code: 0 after a clean stop, 2 for a problem the user can fix.

    """
    from bot.extras import require
    from bot.slack.config import SlackSettings
    from bot.store.database import SchemaOutOfDate

    try:
        require("slack_bolt", "slack_sdk")
        settings = SlackSettings.from_env()
        needs = [] if settings.socket_mode else ["gunicorn"]  # HTTP serves through gunicorn
        if settings.oauth:
            needs += ["greenlet", "cryptography"]  # slack_sdk's SQL stores, the token cipher
        require(*needs)
        service = open_service(getattr(args, "db", None))
        _check_token(settings)
        if settings.oauth:  # a wrong or missing DEALCOACH_SECRET_KEY stops here
            from bot.slack.token_crypto import check_stored_tokens, cipher_from_key

            check_stored_tokens(service.database.engine, cipher_from_key(settings.secret_key))
    except (SettingsError, SchemaOutOfDate) as exc:
        print(f"dealcoach: {exc}", file=sys.stderr)
        return 2
    if settings.socket_mode:
        return _run_socket_mode(settings, service)
    service.database.dispose()  # each gunicorn worker opens its own pool after the fork
    return _run_http(settings, args)


def _check_token(settings: SlackSettings) -> None:
    """Ask Slack whether the bot token works, so a bad one stops start-up in one sentence."""
    if not settings.bot_token:
        return  # OAuth: each workspace's token comes from its installation
    from bot.slack.client import attempt, web_client

    result = attempt(web_client(settings.api_url, settings.bot_token), "auth.test")
    if result.ok:
        return
    if result.status is not None:  # Slack answered, and said no
        raise SettingsError(
            f"Slack refused SLACK_BOT_TOKEN ({result.error}): copy the Bot User "
            "OAuth Token again from OAuth & Permissions."
        )
    raise SettingsError(f"Slack at {settings.api_url} could not be reached: {result.reason}")


def _run_socket_mode(settings: SlackSettings, service: CoachService) -> int:
    from bot.slack.socket_mode import run_socket_mode  # connects, reconnects, stops gently

    return run_socket_mode(settings, service)


def _run_http(settings: SlackSettings, args: argparse.Namespace) -> int:
    from gunicorn.app.base import BaseApplication

    from bot.logs import ACCESS_FORMAT, gunicorn_logger_class, level_name
    from bot.slack.running import worker_exit

    port = getattr(args, "port", None) or DEFAULT_PORT
    host = getattr(args, "host", None) or "0.0.0.0"
    options = {
        "bind": f"{host}:{port}",
        "workers": getattr(args, "workers", None) or 2,
        "worker_class": "gthread",
        "threads": getattr(args, "threads", None) or 8,
        # Slack waits 3 s for an ack; a request stuck for 30 s is a bug worth a restart.
        "timeout": 30,
        "graceful_timeout": 20,
        "accesslog": "-" if os.environ.get("DEALCOACH_ACCESS_LOG") else None,
        "errorlog": "-",
        "loglevel": level_name("INFO").lower(),
        # One log format for gunicorn's lines and the app's (bot.logs).
        "logger_class": gunicorn_logger_class(),
        "access_log_format": ACCESS_FORMAT,
        # Each worker stops its sweeper and reminder worker and hands back their leases.
        "worker_exit": worker_exit,
    }
    db_arg = getattr(args, "db", None)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> WsgiApp:
            return http_application(settings, db_arg)

    log.info("dealcoach is serving Slack on http://%s:%s%s", host, port, EVENTS_PATH)
    Server().run()
    return 0


def http_application(settings: SlackSettings, db_arg: str | None = None) -> WsgiApp:
    """Build the whole HTTP application in this process (a gunicorn worker, or a test).

    Args:
        settings: the checked Slack settings.
        db_arg: the ``--db`` value, if any (else ``DATABASE_URL`` or the default file).

    """
    from bot.slack.app import build_app
    from bot.slack.running import Serving, register

    service = open_service(db_arg)
    service.engine.warm()  # before the first request, not during it
    reminders = None
    if os.environ.get("DEALCOACH_REMINDERS", "on").lower() not in ("off", "0", "false", "no"):
        # Each process runs a reminder worker; claims keep them from sending anything twice.
        from bot.slack.worker import start_in_background

        reminders = start_in_background(settings, service.database)
    from bot.slack.inbox import start_sweeper  # finishes requests a dead worker acknowledged

    app = start_sweeper(build_app(settings, service))
    register(Serving(app, service.database, reminders))  # stopped when the worker exits
    return wsgi_application(app, service.database)


def gunicorn_app() -> WsgiApp:
    """Entry point for running gunicorn directly: ``gunicorn 'bot.slack.serve:gunicorn_app()'``.

    Settings come from the environment (``SLACK_*``, ``DATABASE_URL``).
    """
    from bot.slack.config import SlackSettings

    return http_application(SlackSettings.from_env())


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``dealcoach serve`` (also used by ``python -m bot.slack.serve``).

    Args:
        parser: the ``serve`` sub-parser.

    """
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL or SQLite file (default: DATABASE_URL, "
        "else a file in your data directory)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT") or DEFAULT_PORT),
        help="HTTP port when not in Socket Mode (default: PORT, else 3000)",
    )
    parser.add_argument("--host", default="0.0.0.0", help="HTTP address to bind (default: all)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")


def main(argv: list[str] | None = None) -> int:
    """``python -m bot.slack.serve``: the same as ``dealcoach serve``.

    Args:
        argv: the command line (default: ``sys.argv[1:]``).

    """
    parser = argparse.ArgumentParser(
        prog="dealcoach serve",
        description="Run the Slack app: Socket Mode with SLACK_APP_TOKEN, else HTTP.",
    )
    add_serve_arguments(parser)
    from bot.logs import configure

    configure(default_level="INFO")
    return run_serve(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
