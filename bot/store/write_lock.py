"""The queue SQLite writers wait in: threads of one process, then processes of one file.

SQLite lets one writer in at a time. One that finds the database locked waits in SQLite's
busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25 ms and more between tries, so a writer
often sleeps on long after the lock came free: under load the slowest waits ran into
seconds, and a request's ack waited 5-10 ms behind a 1 ms write of another worker. Here a
writer first takes a lock of its process (a thread waiting on it wakes the moment it is
given back), then an advisory lock on a file beside the database (``<name>.lock``, which
the processes of a gunicorn server share; tried every half millisecond or so). Only then
does it begin its transaction, and it gives both back once that transaction committed or
rolled back. Other programs that open the file (the ``sqlite3`` shell, a backup) don't
take these locks, and SQLite's own locking still keeps them safe.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path
from typing import Final

# How long a file-lock waiter sleeps between tries, at first and at most.
FIRST_PAUSE_SECONDS: Final = 0.0002
LONGEST_PAUSE_SECONDS: Final = 0.002


class WriteLock:
    """A process lock and, for a database file, a file lock shared by its processes."""

    def __init__(self, database_file: Path | None):
        self.threads = threading.Lock()
        self.path = (
            database_file.with_name(database_file.name + ".lock")
            if database_file is not None
            else None
        )
        # The lock file as this process opened it: a forked child must open its own, as
        # the parent's open file is one lock shared by both.
        self._fd: int | None = None
        self._pid = 0

    def acquire(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for both locks; False if that passed first."""
        deadline = time.monotonic() + timeout
        if not self.threads.acquire(timeout=timeout):
            return False
        try:
            if self._take_file(deadline):
                return True
        except OSError:
            # No lock file (a read-only directory, say): the process lock and SQLite's own
            # locking still hold.
            return True
        self.threads.release()
        return False

    def release(self) -> None:
        """Give both locks back (the file lock first: the process lock guards its handle)."""
        try:
            if self._fd is not None and self._pid == os.getpid():
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self.threads.release()

    def _take_file(self, deadline: float) -> bool:
        if self.path is None:
            return True
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        pause = FIRST_PAUSE_SECONDS
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
