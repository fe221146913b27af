"""SQLite under concurrency: writers queue on the process's lock, readers take none."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from auxil.databases import make_database
from bot.store.database import Database
from bot.store.models import UserRow

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    with make_database("sqlite", tmp_path) as database:
        yield database


def test_a_reader_does_not_wait_for_a_writer(sqlite_db: Database) -> None:
    writing, done = threading.Event(), threading.Event()

    def writer() -> None:
        with sqlite_db.session() as session:
            session.add(UserRow(workspace_id="T1", user_id="U1", created_at=NOW))
            session.flush()
            writing.set()
            done.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
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
