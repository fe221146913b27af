"""SQLite under concurrency: writers queue on the process's lock, readers take none."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from auxil.databases import make_database
from bot.store import checkpoints
from bot.store.database import Database
from bot.store.models import UserRow

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    with make_database("sqlite", tmp_path) as database:
        yield database


def _writing(
    database: Database, writing: threading.Event, done: threading.Event
) -> threading.Thread:
    """A thread that writes a user, says so, and holds its transaction open until done."""

    def writer() -> None:
        with database.session() as session:
            session.add(UserRow(workspace_id="T1", user_id="U1", created_at=NOW))
            session.flush()
            writing.set()
            done.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    return thread


def test_a_reader_does_not_wait_for_a_writer(sqlite_db: Database) -> None:
    writing, done = threading.Event(), threading.Event()
    thread = _writing(sqlite_db, writing, done)
    try:
        assert writing.wait(10)
        start = time.monotonic()
        with sqlite_db.read_session() as session:
            seen = session.scalar(select(func.count()).select_from(UserRow))
        assert seen == 0 and time.monotonic() - start < 1.0  # a snapshot, at once
    finally:
        done.set()
        thread.join(10)
    with sqlite_db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(UserRow)) == 1


def test_writers_of_many_threads_all_commit(sqlite_db: Database) -> None:
    def write(n: int) -> None:
        for k in range(10):
            sqlite_db.for_user("T1", f"U{n}-{k}", lambda session, user: (None, True), NOW)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with sqlite_db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(UserRow)) == 80
    # Every transaction gave the process's write lock back: one more writer gets it at once.
    start = time.monotonic()
    with sqlite_db.session() as session:
        session.add(UserRow(workspace_id="T1", user_id="last", created_at=NOW))
    assert time.monotonic() - start < 1.0


def test_a_failed_transaction_gives_the_lock_back(sqlite_db: Database) -> None:
    with pytest.raises(RuntimeError), sqlite_db.session() as session:
        session.add(UserRow(workspace_id="T1", user_id="U1", created_at=NOW))
        raise RuntimeError("the command failed")
    start = time.monotonic()
    with sqlite_db.session() as session:
        session.add(UserRow(workspace_id="T1", user_id="U1", created_at=NOW))
    assert time.monotonic() - start < 1.0


def test_the_write_lock_is_held_until_the_commit_ran(sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        session.add(UserRow(workspace_id="T1", user_id="U1", created_at=NOW))
        session.flush()
        assert sqlite_db.writers.threads.locked()
    assert not sqlite_db.writers.threads.locked()
    with pytest.raises(RuntimeError), sqlite_db.session() as session:
        session.add(UserRow(workspace_id="T1", user_id="U2", created_at=NOW))
        raise RuntimeError("rolled back")
    assert not sqlite_db.writers.threads.locked()
    with sqlite_db.read_session() as session:  # a reader takes no lock
        assert not sqlite_db.writers.threads.locked()
        assert session.scalar(select(func.count()).select_from(UserRow)) == 1


def test_two_processes_writers_queue_on_the_file_lock(tmp_path: Path) -> None:
    # Two Database objects open the lock file apart, as two gunicorn workers do.
    with make_database("sqlite", tmp_path) as first:
        second = Database(first.url)
        try:
            assert first.writers.path == Path(f"{first.path}.lock")
            holding, release = threading.Event(), threading.Event()
            thread = _writing(first, holding, release)
            assert holding.wait(10)
            assert not second.writers.acquire(timeout=0.05)  # the other "process" holds it
            assert not second.writers.threads.locked()  # a failed wait gives its part back
            waited = threading.Timer(0.1, release.set)
            waited.start()
            start = time.monotonic()
            with second.session() as session:
                session.add(UserRow(workspace_id="T1", user_id="U2", created_at=NOW))
            assert 0.05 < time.monotonic() - start < 2.0  # in as soon as the first was done
            thread.join(10)
            with second.read_session() as session:
                assert session.scalar(select(func.count()).select_from(UserRow)) == 2
        finally:
            second.dispose()


def test_wal_checkpoints_run_in_the_background_not_in_a_commit(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = threading.Event()
    real = checkpoints.checkpoint

    def spy(engine: Any, writers: Any = None) -> None:
        if engine is sqlite_db.engine:
            real(engine, writers)
            ran.set()

    monkeypatch.setattr(checkpoints, "CHECKPOINT_SECONDS", 0.05)
    monkeypatch.setattr(checkpoints, "checkpoint", spy)
    with sqlite_db.session() as session:
        assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
        session.add(UserRow(workspace_id="T1", user_id="U1", created_at=NOW))
    assert ran.wait(5)  # the commit asked for one; the process's thread ran it
    with sqlite_db.read_session() as session:  # everything was copied back: none left over
        busy, logged, copied = session.execute(text("PRAGMA wal_checkpoint(PASSIVE)")).one()
        assert busy == 0 and logged == copied


def test_the_log_starts_over_under_a_steady_load(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Commit after commit, as a busy server's threads make them: a passive checkpoint never
    # finds a moment with all of the log copied back, yet the log must start over rather
    # than grow with the load.
    monkeypatch.setattr(checkpoints, "CHECKPOINT_SECONDS", 0.05)
    monkeypatch.setattr(checkpoints, "RESTART_PAGES", 100)
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE filler (body TEXT)")
    body, commits = "x" * 4000, 0
    deadline = time.monotonic() + 2.0  # the checkpoint thread may sleep 1 s before its first
    while time.monotonic() < deadline:
        with sqlite_db.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO filler (body) VALUES (?)", (body,))
        commits += 1
        time.sleep(0.0005)  # the other threads' turn, as between a server's requests
    raw = sqlite_db.engine.raw_connection()  # outside a transaction, as checkpoints run
    try:
        cursor = raw.cursor()
        _busy, logged, _copied = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        cursor.close()
    finally:
        raw.close()
    # Each commit adds two pages or more; a log that never started over would hold them all.
    assert logged < commits / 2
