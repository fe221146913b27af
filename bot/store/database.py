"""Database connections, one transaction per command, and schema upgrades.

SQLite (the embedded default) serialises writers with ``BEGIN IMMEDIATE`` and a busy
timeout; PostgreSQL locks the user's row ``FOR UPDATE``. Either way two commands for the
same user run one after the other, so neither loses the other's update.

A SQLite file is guarded at the start of every transaction: if it was removed or replaced
since the first connection opened it (an open connection would go on writing to the
unlinked file, and everything would be gone at exit), or it can no longer be written
(read-only, or made immutable - where SQLite's memory-mapped files may end the process
with SIGBUS), the transaction does not start and :class:`DatabaseFileChanged` says why.
A removed or replaced file stays an error for the life of the :class:`Database`.

On SQLite, writers also queue on locks of their own (:mod:`bot.store.write_lock`: the
process's, then a file lock its processes share), taken at ``BEGIN`` and given back once
``COMMIT`` or ``ROLLBACK`` ran: SQLite's busy handler polls with growing sleeps (up to
100 ms), so writers waiting on it leave the lock idle for long. WAL checkpoints run in
the background (:mod:`bot.store.checkpoints`), not inside a writer's commit. Sessions
that only read (:meth:`Database.read_session`) begin deferred and take neither lock: in
WAL mode readers never wait for the writer.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, bindparam, create_engine, event, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import SettingsError
from bot.store import checkpoints
from bot.store.insert import insert_or_ignore
from bot.store.models import UserRow
from bot.store.write_lock import WriteLock

log = logging.getLogger(__name__)

# Every command's first statement, built once (building it cost as much as running it).
_USER_FOR_UPDATE = (
    select(UserRow)
    .where(UserRow.workspace_id == bindparam("workspace"), UserRow.user_id == bindparam("user"))
    .with_for_update()
)
T = TypeVar("T")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
RETRIES = 4
# How long a SQLite writer waits for the process's own write lock before it goes on to
# SQLite's busy handler (its busy timeout is as long).
WRITE_LOCK_SECONDS = 30.0
_reading = threading.local()
# The newest migration. Kept as a constant so start-up need not import Alembic just to
# compare revisions; a test checks it against the migration scripts.
SCHEMA_HEAD = "0010"

if TYPE_CHECKING:
    from alembic.config import Config


class StorageUnavailable(Exception):
    """The database could not be reached or kept failing; nothing was written."""


class DatabaseFileChanged(StorageUnavailable):
    """The SQLite file was removed, replaced or made unwritable; nothing was written.

    ``unsafe_to_close`` is set when SQLite's shared-memory or WAL file cannot be written:
    closing the connection would checkpoint through a memory map of that file, which
    ends the process with SIGBUS, so a command-line front exits without closing it.
    """

    def __init__(self, message: str, *, unsafe_to_close: bool = False):
        super().__init__(message)
        self.unsafe_to_close = unsafe_to_close


class SchemaOutOfDate(Exception):
    """The database needs ``dealcoach db upgrade`` before the app can use it."""


def _alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    """An engine, a session factory and the rules for one command's transaction."""

    def __init__(self, url: str, *, echo: bool = False):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            if url not in ("sqlite://", "sqlite:///:memory:"):
                _ensure_parent(url)
            kwargs["connect_args"] = {
                "timeout": 30,
                "check_same_thread": False,
                "factory": _writer_connection(self),
            }
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
        self.engine: Engine = create_engine(url, **kwargs)
        # The guarded SQLite file, its (device, inode) when first opened, and a removal or
        # replacement once seen (it stays an error: the data written since is elsewhere).
        self.path: Path | None = None
        self._file_id: tuple[int, int] | None = None
        self.file_error: str | None = None
        if self.is_sqlite:
            database = self.engine.url.database
            if database not in (None, "", ":memory:") and "mode=memory" not in url:
                self.path = Path(database).expanduser().resolve()
            _tune_sqlite(self.engine, self)
        # SQLite's writers queue on it (see the module docstring).
        self.writers = WriteLock(self.path)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    # -- schema --------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        """The schema revision the database is at (None when it has none)."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    @staticmethod
    def head_revision() -> str:
        """The newest revision the code knows."""
        return SCHEMA_HEAD

    def is_newer_than_code(self) -> bool:
        """Whether a newer dealcoach has upgraded the schema past every revision we know."""
        from alembic.script import ScriptDirectory

        current = self.current_revision()
        if current is None:
            return False
        scripts = ScriptDirectory.from_config(_alembic_config(self.url))
        return current not in {script.revision for script in scripts.walk_revisions()}

    def upgrade(self) -> None:
        """Apply every pending migration.

        Raises:
            SettingsError: a newer dealcoach already upgraded this database.

        """
        from alembic import command as alembic_command

        if self.is_newer_than_code():
            raise SettingsError(
                f"This database is at schema {self.current_revision()}, newer than this "
                f"version of dealcoach knows ({SCHEMA_HEAD}): upgrade dealcoach instead."
            )
        config = _alembic_config(self.url)
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            alembic_command.upgrade(config, "head")

    def prepare(self, *, embedded_default: bool) -> None:
        """Make sure the schema is current before serving commands.

        The embedded default database is the user's own file, so it is upgraded in place.
        Another database is upgraded automatically only while it is empty; one at an older
        revision waits for an explicit ``dealcoach db upgrade``.
        """
        current, head = self.current_revision(), self.head_revision()
        if current == head:
            return
        empty = not inspect(self.engine).get_table_names()
        if embedded_default or empty or (current is None and empty):
            self.upgrade()
            return
        raise SchemaOutOfDate(
            f"The database is at schema {current or 'none'} and this version needs {head}: "
            "run `dealcoach db upgrade` first."
        )

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session that only reads: on SQLite it begins deferred, without the write lock.

        Nothing may be written in it (on SQLite a write there could fail as busy at once).
        """
        _reading.depth = getattr(_reading, "depth", 0) + 1
        try:
            with self.sessions() as session, session.begin():
                yield session
        finally:
            _reading.depth -= 1

    def for_user(
        self,
        workspace_id: str,
        user_id: str,
        work: Callable[[Session, UserRow], tuple[T, bool]],
        now: datetime,
    ) -> T:
        """Run ``work`` in one transaction holding the user's row lock.

        ``work`` returns its result and whether to commit; returning False (a rejected
        command) rolls everything back. Lock conflicts, a lost connection and the race of
        two first commands creating the same user are retried a few times, then reported
        as :class:`StorageUnavailable`.
        """
        last_error: Exception | None = None
        for attempt in range(RETRIES):
            session = self.sessions()
            try:
                with session.begin():
                    user = self._lock_user(session, workspace_id, user_id, now)
                    result, commit = work(session, user)
                    if not commit:
                        session.rollback()
                return result
            except (OperationalError, IntegrityError) as exc:
                last_error = exc
                log.warning("retrying a command after a database error: %s", exc.orig)
                time.sleep(0.05 * (2**attempt))
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                last_error = exc
            finally:
                session.close()
        raise StorageUnavailable(str(last_error)) from last_error

    def _lock_user(
        self, session: Session, workspace_id: str, user_id: str, now: datetime
    ) -> UserRow:
        who = {"workspace": workspace_id, "user": user_id}
        user = session.scalar(_USER_FOR_UPDATE, who)
        if user is not None:
            return user
        # First command from this person: create the row, tolerating a concurrent twin.
        session.execute(
            insert_or_ignore(
                UserRow, ["workspace_id", "user_id"], UserRow.id, on_sqlite=self.is_sqlite
            ).values(workspace_id=workspace_id, user_id=user_id, created_at=now)
        )
        user = session.scalar(_USER_FOR_UPDATE, who)
        assert user is not None
        return user

    def ping(self) -> None:
        """Ask the database a trivial query (the health check); raises when it does not answer."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close every pooled connection."""
        checkpoints.forget(self.engine)
        self.engine.dispose()

    # -- the SQLite file guard -----------------------------------------------------------
    def _opened(self, info: dict[str, Any]) -> None:
        """Remember which file a new connection opened (the first one fixes the file)."""
        if self.path is None:
            return
        try:
            stat = self.path.stat()
        except OSError:
            return  # checked again when a transaction begins
        file_id = (stat.st_dev, stat.st_ino)
        if self._file_id is None:
            self._file_id = file_id
        info["dealcoach_file_id"] = file_id

    def check_file(self, info: dict[str, Any] | None = None) -> None:
        """Raise :class:`DatabaseFileChanged` unless the SQLite file is still the one opened.

        Args:
            info: the connection's info dict (which file it opened), when known.

        Raises:
            DatabaseFileChanged: the file was removed or replaced, or cannot be written.

        """
        if self.path is None:
            return
        if self.file_error is None:
            self.file_error = self._file_problem(info or {})
            if self.file_error is not None:
                log.error("database file guard: %s", self.file_error)
                raise DatabaseFileChanged(self.file_error)
            unwritable = self._unwritable()
            if unwritable:
                message = (
                    f"The database file {unwritable[0]} cannot be written (read-only "
                    "or immutable), so nothing was saved. Make it writable again."
                )
                log.error("database file guard: %s", message)
                raise DatabaseFileChanged(message, unsafe_to_close=unwritable[-1] != self.path)
            return
        raise DatabaseFileChanged(self.file_error)

    def _file_problem(self, info: dict[str, Any]) -> str | None:
        assert self.path is not None
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return (
                f"The database file {self.path} was removed while dealcoach was "
                "running, so nothing more can be saved. Restore it, or restart "
                "dealcoach to start a new one."
            )
        except OSError as exc:
            return f"The database file {self.path} cannot be read: {exc.strerror}."
        now = (stat.st_dev, stat.st_ino)
        opened = info.get("dealcoach_file_id")
        if now != self._file_id or (opened is not None and now != opened):
            return (
                f"The database file {self.path} was replaced while dealcoach was "
                "running, so nothing more is saved to it. Restart dealcoach to use "
                "the new file."
            )
        return None

    def _unwritable(self) -> list[Path]:
        """Which of the database file, its WAL and its shared-memory file cannot be written."""
        assert self.path is not None
        # access() reports an immutable or read-only file as not writable, even for root.
        # It runs at every transaction's start: one call per writable file, plain strings.
        name = str(self.path)
        return [
            Path(file)
            for file in (name, f"{name}-wal", f"{name}-shm")
            if not os.access(file, os.W_OK) and os.path.exists(file)
        ]


def _ensure_parent(url: str) -> None:
    path = url.split(":///", 1)[-1].split("?", 1)[0]
    if path:
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _writer_connection(database: Database) -> type[sqlite3.Connection]:
    """A pysqlite connection class that gives the process's write lock back after COMMIT.

    SQLAlchemy's ``commit`` and ``rollback`` events fire before the statement runs: a lock
    given back there let the next writer's ``BEGIN IMMEDIATE`` meet a transaction still
    committing, and wait in SQLite's busy handler (sleeps of 1, 2, 5, 10 ms...) after all.
    """

    class WriterConnection(sqlite3.Connection):
        holds_write_lock = False

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self.give_back()
            if database.path is not None:
                checkpoints.committed(database.engine, database.writers)

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self.give_back()

        def give_back(self) -> None:
            if self.holds_write_lock:
                self.holds_write_lock = False
                database.writers.release()

    return WriterConnection


def _tune_sqlite(engine: Engine, database: Database) -> None:
    """Take pysqlite's transaction handling over so writers queue instead of failing."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # SQLAlchemy's documented recipe: let us emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Checkpoints run in the background (bot.store.checkpoints), not in a commit.
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            # When the log starts over, its file is cut back to about this size.
            cursor.execute(f"PRAGMA journal_size_limit={checkpoints.RESTART_PAGES * 4096}")
        cursor.close()
        database._opened(record.info)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Never write to a file that is no longer the database (see the module docstring).
        database.check_file(connection.info)
        if getattr(_reading, "depth", 0):
            connection.exec_driver_sql("BEGIN")  # a reader: a snapshot, no lock
            return
        # The process's writers queue here (see the module docstring); past the timeout,
        # SQLite's own busy handling decides. The connection gives the lock back once its
        # COMMIT or ROLLBACK ran (a plain lock: that may be another thread).
        dbapi_connection = connection.connection.dbapi_connection
        dbapi_connection.holds_write_lock = database.writers.acquire(timeout=WRITE_LOCK_SECONDS)
        try:
            # IMMEDIATE takes the write lock up front: no deadlock between two readers
            # that both later want to write.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            dbapi_connection.give_back()
            raise
