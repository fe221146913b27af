"""Stopping a long-running process cleanly: SIGTERM and SIGINT, a grace period, held leases.

``dealcoach serve`` (Socket Mode) and ``dealcoach remind`` run until a stop signal. A
container runtime sends SIGTERM and kills the process a few seconds later (``docker stop``:
10 s), so on SIGTERM or SIGINT each process stops taking new work, lets the work in hand
finish for up to :func:`grace_seconds` (``DEALCOACH_STOP_SECONDS``, default 8), hands back
the leases of whatever did not finish so another worker takes it over at once instead of
after the lease runs out, and exits 0. A second signal stops at once (exit code 128 plus
the signal number, as a shell reports a killed process).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Hashable
from datetime import datetime
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

STOP_SECONDS_VARIABLE = "DEALCOACH_STOP_SECONDS"
DEFAULT_STOP_SECONDS = 8.0
V = TypeVar("V")


def grace_seconds() -> float:
    """How long work in hand may take to finish after a stop signal (``DEALCOACH_STOP_SECONDS``)."""
    raw = os.environ.get(STOP_SECONDS_VARIABLE, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_STOP_SECONDS
    except ValueError:
        log.warning(
            "%s=%r is not a number of seconds; using %s",
            STOP_SECONDS_VARIABLE,
            raw,
            DEFAULT_STOP_SECONDS,
        )
        return DEFAULT_STOP_SECONDS
    return max(0.0, value)


class StopSignals:
    """SIGTERM and SIGINT set :attr:`event`; a second one ends the process at once.

    The handler only starts a thread that sets the event: setting it from the handler
    itself could deadlock, because the handler runs in the main thread, which may hold the
    event's lock at that moment (it is waiting on it).
    """

    def __init__(self, event: threading.Event | None = None):
        self.event = event or threading.Event()
        self.received: str | None = None
        self._previous: dict[int, object] = {}

    def install(self) -> StopSignals:
        """Handle SIGTERM and SIGINT from now on (main thread only)."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def restore(self) -> None:
        """Put the handlers back as they were before :meth:`install`."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous.clear()

    def _handle(self, signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        if self.received is not None:
            # Asked twice: leave now; the leases still held run out on their own.
            os.write(2, f"dealcoach: {name} again: stopping at once\n".encode())
            os._exit(128 + signum)
        self.received = name
        threading.Thread(
            target=self._stop, args=(name,), name="dealcoach-stop", daemon=True
        ).start()

    def _stop(self, name: str) -> None:
        log.info(
            "%s received: finishing the work in hand (up to %.0f s), then stopping",
            name,
            grace_seconds(),
        )
        self.event.set()


class HeldLeases(Generic[V]):
    """The leases this process holds, so they can be handed back when it stops.

    Each component that claims rows records what it took (under a key, usually the row
    id) and until when, and forgets it once the row is finished. At a stop, :meth:`live`
    lists what is still held.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[Hashable, tuple[datetime, V]] = {}

    def hold(self, key: Hashable, until: datetime, value: V, now: datetime) -> None:
        """Record ``value``, whose lease runs out at ``until``, under ``key``.

        Leases that ran out by ``now`` are forgotten here too, so rows finished by another
        process never pile up in a long-running one.
        """
        with self._lock:
            self._forget_ended(now)
            self._held[key] = (until, value)

    def release(self, key: Hashable) -> None:
        """Forget ``key``: its row was finished (or another worker took it over)."""
        with self._lock:
            self._held.pop(key, None)

    def live(self, now: datetime) -> list[V]:
        """What is held with a lease not run out at ``now`` (the rest is forgotten)."""
        with self._lock:
            self._forget_ended(now)
            return [value for _, value in self._held.values()]

    def _forget_ended(self, now: datetime) -> None:
        for key in [k for k, (until, _) in self._held.items() if until <= now]:
            del self._held[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)


def leave(code: int = 0, wait: float = 1.0) -> None:
    """End the process with ``code`` even if threads stuck in a network call still run.

    Python waits at exit for every non-daemon thread and every thread-pool worker. They
    get ``wait`` seconds to end; after that a stuck one must not hold the
    process up, because its work was handed back already. Returns when none is left.
    """
    deadline = time.monotonic() + wait
    for thread in _busy():
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = _busy()
    if not stuck:
        return
    log.warning(
        "leaving %d thread(s) still busy (%s): their work was handed back",
        len(stuck),
        ", ".join(sorted(t.name for t in stuck)[:5]),
    )
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _busy() -> list[threading.Thread]:
    """Threads Python would wait for at exit: non-daemon ones and thread-pool workers."""
    from concurrent.futures import thread as pools

    workers = set(getattr(pools, "_threads_queues", {}))  # joined at exit, daemon or not
    return [
        t
        for t in threading.enumerate()
        if t is not threading.current_thread() and t.is_alive() and (not t.daemon or t in workers)
    ]
