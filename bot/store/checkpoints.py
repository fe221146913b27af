"""SQLite's WAL checkpoints, run in the background instead of inside a writer's commit.

By default SQLite copies the write-ahead log back into the database file (a checkpoint,
with a flush to disk) inside whichever commit makes the log pass 1,000 pages, and that
writer holds the write lock all along: now and then a request's 1 ms insert before its
ack took 10-50 ms, and every writer queued behind it. Connections here turn the automatic
checkpoint off (``PRAGMA wal_autocheckpoint=0``), and one daemon thread per process runs
a ``PASSIVE`` checkpoint - one that never waits for a reader or a writer - on each
database that saw commits since its last one, every :data:`CHECKPOINT_SECONDS`. SQLite
still checkpoints by itself when the last connection to a file closes.

SQLite starts the log over from its beginning only when a writer begins while all of it
has been copied back. Under a steady load some commit always lands while a passive pass
runs, so that never happened: the log grew by about 80 KB a command, past 60 MB in eight
seconds of ``bench_slack_cpu.py``, and every read had to search it. So once the log holds
:data:`RESTART_PAGES` pages, a second pass runs holding the process's write lock
(:mod:`bot.store.write_lock`; 2-4 ms, once a second at most): it copies only what came in
during the first one, the next writer starts the log over, and ``journal_size_limit``
trims the file back.
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

    from bot.store.write_lock import WriteLock

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS: Final = 1.0
# SQLite's own automatic checkpoint size (about 4 MB of 4 KB pages): a log this long gets
# the second pass under the write lock, and the file is trimmed back to it.
RESTART_PAGES: Final = 1000
# How long the second pass waits for the write lock before it leaves it for next time.
LOCK_WAIT_SECONDS: Final = 1.0

_lock = threading.Lock()
# Engines with commits since their last checkpoint, with their writers' lock (weak: a
# disposed database drops out).
_dirty: weakref.WeakKeyDictionary[Engine, WriteLock | None] = weakref.WeakKeyDictionary()
_thread: threading.Thread | None = None
_thread_pid = 0


def committed(engine: Engine, writers: WriteLock | None = None) -> None:
    """Note a commit on ``engine``'s file; its checkpoint follows within a second or so.

    Args:
        engine: the SQLite engine that committed.
        writers: the lock its writers take, for the checkpoint's second pass.

    """
    global _thread, _thread_pid
    with _lock:
        _dirty[engine] = writers
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
        _dirty.pop(engine, None)


def checkpoint(engine: Engine, writers: WriteLock | None = None) -> None:
    """Copy what the log holds back into the database file, waiting for nobody.

    Then, when the log is long and ``writers`` is given, copy what came in meanwhile while
    holding that lock, so that the log is copied whole and the next writer starts it over.

    Args:
        engine: a SQLite engine on a file.
        writers: the lock the engine's writers take.

    """
    # Opening a file that is gone would make a new, empty one.
    if not engine.url.database or not os.path.exists(engine.url.database):
        return
    # A raw connection: no transaction is begun, so no write lock is taken.
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        _busy, logged, _copied = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if (
            writers is not None
            and logged >= RESTART_PAGES
            and writers.acquire(timeout=LOCK_WAIT_SECONDS)
        ):
            try:
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                writers.release()
        cursor.close()
    finally:
        connection.close()


def _run() -> None:
    while True:
        time.sleep(CHECKPOINT_SECONDS)
        with _lock:
            engines = list(_dirty.items())
            _dirty.clear()
        for engine, writers in engines:
            try:
                checkpoint(engine, writers)
            except Exception as exc:  # the next commit asks again; SQLite stays consistent
                log.warning("a WAL checkpoint did not run: %s", exc)
