"""SQLite's WAL checkpoints, run in the background instead of inside a writer's commit.

By default SQLite copies the write-ahead log back into the database file (a checkpoint,
with a flush to disk) inside whichever commit makes the log pass 1,000 pages, and that
writer holds the write lock all along: now and then a request's 1 ms insert before its
ack took 10-50 ms, and every writer queued behind it. Connections here turn the automatic
checkpoint off (``PRAGMA wal_autocheckpoint=0``), and one daemon thread per process runs
a ``PASSIVE`` checkpoint - one that never waits for a reader or a writer - on each
database that saw commits since its last one, every :data:`CHECKPOINT_SECONDS`. SQLite
still checkpoints by itself when the last connection to a file closes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS: Final = 1.0

_lock = threading.Lock()
# Engines with commits since their last checkpoint (weak: a disposed database drops out).
_dirty: weakref.WeakSet[Engine] = weakref.WeakSet()
_thread: threading.Thread | None = None
_thread_pid = 0


def committed(engine: Engine) -> None:
    """Note a commit on ``engine``'s file; its checkpoint follows within a second or so.

    Args:
        engine: the SQLite engine that committed.

    """
    global _thread, _thread_pid
    with _lock:
        _dirty.add(engine)
        # A forked child (a gunicorn worker) has no copy of the parent's thread.
        if _thread is None or _thread_pid != os.getpid() or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="sqlite-checkpoints", daemon=True)
            _thread_pid = os.getpid()
            _thread.start()


def forget(engine: Engine) -> None:
    """Drop ``engine`` from the next round (it is being disposed of).

    Args:
        engine: a SQLite engine.

    """
    with _lock:
        _dirty.discard(engine)


def checkpoint(engine: Engine) -> None:
    """Copy what the log holds back into the database file, waiting for nobody.

    Args:
        engine: a SQLite engine on a file.

    """
    # Opening a file that is gone would make a new, empty one.
    if not engine.url.database or not os.path.exists(engine.url.database):
        return
    # A raw connection: no transaction is begun, so no write lock is taken.
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        cursor.close()
    finally:
        connection.close()


def _run() -> None:
    while True:
        time.sleep(CHECKPOINT_SECONDS)
        with _lock:
            engines = list(_dirty)
            _dirty.clear()
        for engine in engines:
            try:
                checkpoint(engine)
            except Exception as exc:  # the next commit asks again; SQLite stays consistent
                log.warning("a WAL checkpoint did not run: %s", exc)
