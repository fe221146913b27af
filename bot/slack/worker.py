"""The reminder worker: plan due reminders, then send the outbox; once, or forever.

It runs inside ``dealcoach serve`` (a thread in each process) and on its own as
``dealcoach remind`` (``--once`` for cron, ``--now`` to replay a moment). Any number of
them may run against one database: planning and sending both claim rows first (see
:mod:`bot.delivery.planner` and :mod:`bot.store.deliveries`).
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.delivery.planner import Planner, PlanStats
from bot.slack.client import attempt
from bot.slack.config import SlackSettings
from bot.slack.sender import ClientFor, Sender, SendStats
from bot.slack.workspaces import workspace_clients
from bot.store.database import Database
from bot.store.deliveries import soonest_pending_due

log = logging.getLogger(__name__)

POLL_SECONDS = 15.0
# `--once` keeps going while a retry is due this soon, so a 429 burst still ends delivered.
ONCE_RETRY_WINDOW = timedelta(seconds=30)
ONCE_DEADLINE_SECONDS = 300.0


def time_zone_lookup(clients: ClientFor) -> Callable[[str, str], str | None]:
    """Slack's ``users.info`` as the planner's time zone source; None when Slack won't say."""

    def lookup(workspace_id: str, user_id: str) -> str | None:
        client = clients(workspace_id)
        if client is None:
            return None
        # A warning, not call()'s error: planning goes on without a fresh zone.
        result = attempt(client, "users.info", user=user_id)
        if result.data is None:
            log.warning("users.info for %s failed: %s", user_id, result.reason)
            return None
        tz = (result.data.get("user") or {}).get("tz")
        return str(tz) if tz else None

    return lookup


@dataclass
class Tick:
    """What one pass of planning and sending did."""

    planned: PlanStats = field(default_factory=PlanStats)
    sent: SendStats = field(default_factory=SendStats)


class ReminderWorker:
    """Plans and sends; the clock is injected so ``--now`` and tests control time.

    Setting :attr:`stop` ends :meth:`run_forever` and :meth:`run_once` after the message
    being sent; :meth:`hand_back` then returns whatever is still claimed.
    """

    def __init__(
        self,
        database: Database,
        clients: ClientFor,
        clock: Callable[[], datetime],
        stop: threading.Event | None = None,
    ):
        self.database = database
        self.clock = clock
        self.stop = stop or threading.Event()
        self.planner = Planner(database, time_zone_lookup(clients), stop=self.stop)
        self.sender = Sender(database, clients, clock, stop=self.stop)

    def tick(self) -> Tick:
        """Plan what is due now, then send everything due."""
        planned = self.planner.run(self.clock())
        return Tick(planned, self.sender.run())

    def run_once(self, *, deadline_seconds: float = ONCE_DEADLINE_SECONDS) -> Tick:
        """Send what is due now, waiting out retries that come due soon; then return."""
        total = Tick()
        started = time.monotonic()
        while not self.stop.is_set():
            tick = self.tick()
            _add(total, tick)
            wait = self._next_retry_in()
            if wait is None or time.monotonic() - started + wait > deadline_seconds:
                return total
            self.stop.wait(wait)
        return total

    def run_forever(self, *, poll_seconds: float = POLL_SECONDS) -> None:
        """Tick every ``poll_seconds`` until :attr:`stop` is set; an error is logged, not fatal."""
        while not self.stop.is_set():
            try:
                tick = self.tick()
                if tick.planned.claimed or tick.sent.sent or tick.sent.failed:
                    log.info("reminders: %s; %s", tick.planned, tick.sent)
            except Exception:  # keep the loop alive: the next tick retries what failed
                log.exception("the reminder worker's tick failed")
            self.stop.wait(poll_seconds)

    def hand_back(self) -> int:
        """Release every reminder and delivery still claimed (after a stop); how many."""
        return self.planner.hand_back(self.clock()) + self.sender.hand_back()

    def _next_retry_in(self) -> float | None:
        now = self.clock()
        soonest = soonest_pending_due(self.database, now, now + ONCE_RETRY_WINDOW)
        if soonest is None:
            return None
        return max(0.0, (soonest - now).total_seconds()) + 0.05


def _add(total: Tick, tick: Tick) -> None:
    for name in vars(total.planned):
        setattr(total.planned, name, getattr(total.planned, name) + getattr(tick.planned, name))
    for name in ("sent", "found", "retried", "failed"):
        setattr(total.sent, name, getattr(total.sent, name) + getattr(tick.sent, name))


@dataclass
class Background:
    """A reminder worker running on a daemon thread inside ``dealcoach serve``."""

    worker: ReminderWorker
    thread: threading.Thread

    def set(self) -> None:
        """Ask the worker to stop after the message it is sending."""
        self.worker.stop.set()

    def stop(self, timeout: float) -> int:
        """Stop, wait up to ``timeout`` seconds, and hand back what is still claimed.

        Returns:
            How many leases were handed back.

        """
        self.set()
        self.thread.join(timeout)
        return self.worker.hand_back()


def start_in_background(settings: SlackSettings, database: Database) -> Background:
    """Run a worker on a daemon thread (inside ``dealcoach serve``); stop it through the result."""
    worker = ReminderWorker(
        database, workspace_clients(settings, database), lambda: datetime.now(UTC)
    )
    thread = threading.Thread(target=worker.run_forever, name="dealcoach-reminders", daemon=True)
    thread.start()
    return Background(worker, thread)


def parse_now(text: str) -> datetime:
    """The ``--now`` value as an aware instant; a time without an offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--now wants an ISO time like 2026-12-01T08:00:00+00:00, not {text!r}"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def run_remind(args: argparse.Namespace) -> int:
    """``dealcoach remind``: the standalone worker.

    It needs what sending needs: a bot token (or the OAuth client and the installations'
    key) and the database; no signing secret, no app token. SIGTERM or Ctrl-C lets the
    message being sent finish (up to ``DEALCOACH_STOP_SECONDS``), hands back what is
    still claimed, and exits 0.

    Returns:
        0 when it stopped cleanly, 2 for a problem the user can fix.

    """
    from bot.lifecycle import StopSignals, grace_seconds, leave
    from bot.service import open_service
    from bot.settings import SettingsError
    from bot.store.database import SchemaOutOfDate

    try:
        settings = SlackSettings.from_env(serving=False)
        clock = _clock(getattr(args, "now", None))
        service = open_service(getattr(args, "db", None))
        # With OAuth installs this checks DEALCOACH_SECRET_KEY against the stored tokens.
        clients = workspace_clients(settings, service.database)
    except (SettingsError, SchemaOutOfDate, ValueError) as exc:
        print(f"dealcoach: {exc}", file=sys.stderr)
        return 2
    worker = ReminderWorker(service.database, clients, clock)
    once = bool(getattr(args, "once", False))
    signals = StopSignals(worker.stop)
    if threading.current_thread() is threading.main_thread():
        signals.install()
    outcome: list[Tick] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            if once:
                outcome.append(worker.run_once())
            else:
                worker.run_forever()
        except BaseException as exc:  # reported by the main thread
            failure.append(exc)

    if not once:
        log.info("dealcoach is sending reminders. SIGTERM or Ctrl-C stops it.")
    thread = threading.Thread(target=work, name="dealcoach-reminders", daemon=True)
    thread.start()
    try:
        while thread.is_alive() and not worker.stop.is_set():
            thread.join(0.1)
        thread.join(grace_seconds())
        handed = worker.hand_back()
        if signals.received:
            log.info(
                "reminder worker stopped on %s; %d lease(s) handed back", signals.received, handed
            )
    finally:
        signals.restore()
    if failure:
        raise failure[0]
    if once:
        tick = outcome[0] if outcome else Tick()
        print(
            f"planned {tick.planned.claimed} reminder(s), queued {tick.planned.queued}, "
            f"sent {tick.sent.sent}, failed {tick.sent.failed}, "
            f"retrying {tick.sent.retried}",
            file=sys.stderr,
        )
    if thread.is_alive():
        leave(0)  # stuck in a call to Slack: its message was handed back already
    service.database.dispose()
    return 0


def _clock(now: str | None) -> Callable[[], datetime]:
    if now is None:
        return lambda: datetime.now(UTC)
    return running_from(parse_now(now))


def running_from(start: datetime) -> Callable[[], datetime]:
    """A clock that starts at ``start`` and runs at real speed (``--now``, and tests).

    Time still moves from the given instant, so retries and leases behave as in real life.
    """
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)
