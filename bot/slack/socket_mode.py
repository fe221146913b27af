"""Socket Mode that says "connected" only when it is, reconnects with backoff, and stops gently.

slack_sdk's built-in client logs "A new session has been established" even when the
websocket was refused, then tries again every ping interval (10 s) for ever, with four
log lines an attempt. Here the connection is supervised instead:

* the SDK reconnects nothing itself; a connection counts only once the websocket
  handshake succeeded (``is_connected()``);
* a failed attempt is one log line, with the reason and the wait before the next; the
  wait doubles from :data:`FIRST_WAIT` up to :data:`MAX_WAIT` seconds (plus a little
  jitter, so many replicas do not knock at once); a dropped connection is noticed within
  :data:`WATCH_SECONDS` and re-established the same way;
* Slack refusing the app token on the very first attempt ends start-up (exit code 2): no
  wait fixes that. Later it is one more failed attempt, since Slack may be having trouble;
* at a stop, no further message is taken from the socket, the ones already being
  dispatched are acknowledged over it, and only then is it closed. Slack redelivers
  anything that was not acknowledged.
"""

from __future__ import annotations

import logging
import random
import re
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.slack.client import SLACK_CALL_FAILURES

if TYPE_CHECKING:
    from bot.service import CoachService
    from bot.slack.config import SlackSettings

log = logging.getLogger(__name__)

FIRST_WAIT = 1.0
MAX_WAIT = 60.0
JITTER = 0.1
WATCH_SECONDS = 1.0
CLOSE_WAIT = 0.5
# The SDK client's own logger; it carries bot.slack.app's NoSecrets filter.
SDK_LOGGER = "slack_sdk.socket_mode.builtin.client"
_STATUS = re.compile(r"status: (\d+)")
_SESSION = re.compile(r"\s*\(?session id: [^,)]*[,)]?")


class AppTokenRefused(Exception):
    """Slack refused ``apps.connections.open`` with the app token (its error code)."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


def backoff(attempt: int) -> float:
    """The wait after failed attempt number ``attempt`` (1, 2, ...): doubling, capped."""
    base = min(MAX_WAIT, FIRST_WAIT * 2.0 ** max(0, attempt - 1))
    return float(base * (1 + random.uniform(0, JITTER)))


class _Attempt(logging.Filter):
    """Holds back the SDK's lines while an attempt runs, keeping its warnings as the reason.

    Outside an attempt the SDK's warnings and errors pass; its INFO chatter ("Using
    non-ssl socket", "A new session has been established") only at DEBUG.
    """

    def __init__(self) -> None:
        super().__init__()
        self.running = False
        self.warnings: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if self.running:
            if record.levelno >= logging.WARNING:
                self.warnings.append(record.getMessage())
            return False
        return record.levelno >= logging.WARNING or log.isEnabledFor(logging.DEBUG)


class SocketModeLink:
    """The app's Socket Mode connection, supervised (see the module docstring)."""

    def __init__(self, app: App, app_token: str, stop: threading.Event):
        self.stop = stop
        self.connected_once = False
        self.announced = False
        sdk_logger = logging.getLogger(SDK_LOGGER)
        self._attempt_filter = _Attempt()
        sdk_logger.addFilter(self._attempt_filter)
        self.handler = SocketModeHandler(
            app, app_token=app_token, logger=sdk_logger, auto_reconnect_enabled=False
        )
        self.client = self.handler.client
        self._errors: list[BaseException] = []
        self.client.on_error_listeners.append(self._errors.append)

    def connect(self) -> str | None:
        """One attempt: None when the websocket is open, else why it is not.

        Raises:
            AppTokenRefused: Slack refused the app token, on the first attempt ever.

        """
        self._errors.clear()
        self._attempt_filter.warnings.clear()
        self._attempt_filter.running = True
        # apps.connections.open and the websocket in one slack_sdk call: not through attempt().
        try:
            self.client.connect_to_new_endpoint(force=True)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if not self.connected_once:
                raise AppTokenRefused(error) from exc
            return f"Slack refused apps.connections.open ({error})"
        except SLACK_CALL_FAILURES as exc:
            return f"apps.connections.open failed: {exc}"
        finally:
            self._attempt_filter.running = False
        if self.client.is_connected():
            self.connected_once = True
            return None
        return self._reason()

    def _reason(self) -> str:
        if self._errors:
            error = self._errors[-1]
            return str(error) or type(error).__name__
        for line in reversed(self._attempt_filter.warnings):
            status = _STATUS.search(line)
            if status:
                return f"the websocket handshake was answered with HTTP {status.group(1)}"
            return _SESSION.sub("", line)
        return "the websocket did not open"

    def failed(self, attempt: int, reason: str) -> None:
        """Log failed attempt number ``attempt`` in one line, then wait before the next."""
        wait = backoff(attempt)
        log.warning(
            "Socket Mode: could not connect to Slack (attempt %d): %s; next attempt in %.0f s",
            attempt,
            reason,
            wait,
        )
        self.stop.wait(wait)

    def run(self, on_connected: Callable[[int], None] | None = None, *, failed: int = 0) -> None:
        """Keep the connection up until :attr:`stop` is set.

        Args:
            on_connected: called after each successful attempt with the number of attempts
                it took (1 when the first one worked).
            failed: attempts that already failed in a row (their wait is over).

        """
        attempt = failed
        was_connected = self.client.is_connected()
        while not self.stop.is_set():
            if self.client.is_connected():
                was_connected = True
                self.stop.wait(WATCH_SECONDS)
                continue
            if was_connected:
                log.warning("Socket Mode: the connection to Slack dropped; reconnecting")
                was_connected = False
            attempt += 1
            reason = self.connect()
            if reason is None:
                if on_connected is not None:
                    on_connected(attempt)
                attempt = 0
            else:
                self.failed(attempt, reason)

    def close(self) -> None:
        """Take no more messages, acknowledge those being dispatched, then disconnect."""
        client = self.client
        client.auto_reconnect_enabled = False
        client.closed = True  # the message processor's loop ends...
        client.message_queue.put(None)  # ...as soon as it wakes up
        client.message_processor.shutdown()  # type: ignore[no-untyped-call]
        dropped = 0
        while not client.message_queue.empty():
            dropped += client.message_queue.get_nowait() is not None
        if dropped:
            log.info(
                "Socket Mode: %d message(s) left unacknowledged; Slack delivers them again", dropped
            )
        client.message_workers.shutdown(wait=True)  # their acks still go out
        # The SDK's close waits for its reader to time out (seconds): do not wait for it,
        # the process closes the socket at exit anyway.
        closing = threading.Thread(
            target=self.handler.close, name="dealcoach-socket-close", daemon=True
        )
        closing.start()
        closing.join(CLOSE_WAIT)


def run_socket_mode(settings: SlackSettings, service: CoachService) -> int:
    """``dealcoach serve`` in Socket Mode, until SIGTERM or Ctrl-C.

    Returns:
        0 after a clean stop, 2 when Slack refuses the app token at start-up.

    """
    from bot.lifecycle import StopSignals, grace_seconds, leave
    from bot.slack.app import build_app
    from bot.slack.inbox import start_sweeper  # Socket Mode finishes stranded requests too
    from bot.slack.running import Serving
    from bot.slack.worker import start_in_background

    assert settings.app_token is not None
    app = build_app(settings, service)
    service.engine.warm()  # before the first event, not during it
    signals = StopSignals()
    if threading.current_thread() is threading.main_thread():
        signals.install()
    link = SocketModeLink(app, settings.app_token, signals.event)
    try:
        first = link.connect()
    except AppTokenRefused as exc:
        link.close()
        signals.restore()
        service.database.dispose()
        print(
            f"dealcoach: Slack refused SLACK_APP_TOKEN ({exc.error}): it needs the "
            "connections:write scope and Socket Mode turned on.",
            file=sys.stderr,
        )
        return 2
    serving = Serving(
        start_sweeper(app), service.database, start_in_background(settings, service.database)
    )

    def connected(attempts: int) -> None:
        if not link.announced:
            link.announced = True
            log.info(
                "dealcoach is connected to Slack over Socket Mode%s. SIGTERM or Ctrl-C stops it.",
                "" if attempts == 1 else f" (attempt {attempts})",
            )
        else:
            log.info("Socket Mode: reconnected to Slack (attempt %d)", attempts)

    try:
        if first is None:
            connected(1)
            link.run(connected)
        else:
            link.failed(1, first)
            link.run(connected, failed=1)
    finally:
        stopping = time.monotonic()
        link.close()
        serving.stop(max(0.0, grace_seconds() - (time.monotonic() - stopping)))
        signals.restore()
    leave(0)
    return 0
