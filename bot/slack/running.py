"""What a serving process runs beside answering Slack, and how it stops.

Each process that serves Slack (the Socket Mode process, or each gunicorn worker) runs
the inbox sweeper and a reminder worker on threads of its own. At a stop (SIGTERM, or
gunicorn stopping the worker) :meth:`Serving.stop` lets the requests in hand finish,
ends both threads after what they are doing, hands back every lease still held (inbox
rows, reminders, outbox messages) so other processes take them over at once, and closes
the database pool - all within the grace period (:func:`bot.lifecycle.grace_seconds`).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.lifecycle import grace_seconds, leave

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.slack.worker import Background
    from bot.store.database import Database

log = logging.getLogger(__name__)


@dataclass
class Serving:
    """One process's app, its database and its reminder worker (None when switched off)."""

    app: App
    database: Database
    reminders: Background | None = None
    _stopped: bool = field(default=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def stop(self, grace: float | None = None) -> None:
        """Finish or hand back the work in hand, within ``grace`` seconds; then close.

        Args:
            grace: the seconds allowed (default: ``DEALCOACH_STOP_SECONDS``).

        """
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        from bot.slack.inbox import inbox_of, stop_sweeper

        deadline = time.monotonic() + (grace_seconds() if grace is None else grace)

        def left() -> float:
            return max(0.0, deadline - time.monotonic())

        if self.reminders is not None:
            self.reminders.set()
        sweeper = stop_sweeper(self.app)
        inbox = inbox_of(self.app)
        unfinished = inbox.drain(left()) if inbox is not None else 0
        if sweeper is not None:
            sweeper.join(left())
        handed = 0
        try:
            if self.reminders is not None:
                handed += self.reminders.stop(left())
            if inbox is not None:
                handed += inbox.hand_back()
        except Exception:  # the leases run out on their own; say so and go on stopping
            log.exception("handing back the leases failed; they expire on their own")
        log.info(
            "stopped: %s, %d lease(s) handed back",
            "every request finished"
            if not unfinished
            else f"{unfinished} request(s) still running",
            handed,
        )
        # Listeners still at work (a Home refresh after a reply) may finish in what is left.
        self.app.listener_runner.listener_executor.shutdown(wait=False)
        self.database.dispose()


_SERVING: list[Serving] = []
_registered = threading.Lock()


def register(serving: Serving) -> Serving:
    """Remember ``serving`` so :func:`stop_all` stops it (at exit, or gunicorn's worker_exit)."""
    with _registered:
        if not _SERVING:
            atexit.register(stop_all)  # ``gunicorn 'bot.slack.serve:gunicorn_app()'`` too
        _SERVING.append(serving)
    return serving


def stop_all(grace: float | None = None) -> None:
    """Stop every serving stack this process registered (see :meth:`Serving.stop`)."""
    with _registered:
        stacks = list(_SERVING)
        _SERVING.clear()
    for serving in stacks:
        serving.stop(grace)


def worker_exit(_server: Any, worker: Any) -> None:
    """The ``worker_exit`` hook of gunicorn: the worker's app stops (:meth:`Serving.stop`).

    A listener still stuck after the grace period (its request handed back) does not
    hold the worker up until gunicorn kills it.
    """
    if getattr(worker, "pid", None) != os.getpid():
        return  # gunicorn also calls the hook in the master for a worker that vanished
    stop_all()
    leave(0)
