"""The SQL store through the service: round trips, scoping, rollback, concurrency, hiccups.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from bot.service import CoachService
from bot.store.database import Database, SchemaOutOfDate
from bot.store.models import Base, DealRow, MoveRow, UserRow
from flows.engine import Engine
from flows.replies import Rejection, Reply
from flows.storage import DealSpace

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def service_for(database: Database) -> CoachService:
    return CoachService(database, Engine(), clock=lambda: NOW)


def count(database: Database, model: type[Base]) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_deal_survives_round_trips(database: Database) -> None:
    svc = service_for(database)
    for line in (
        "new Acme renewal as procurement",
        "batna Globex at 88k",
        "walkaway max 120k",
        "issue price us=5 them=3",
        "issue onboarding us=2 them=4",
        "evidence benchmark 85-110k",
        "bundle A price=95k term=3y worth=80",
        "next anyway",
        "give onboarding",
        "get price",
        "offer 100k",
        "safeguard if uptime < 99.9% in a month, 10% credit",
    ):
        assert isinstance(svc.handle("T1", "U1", line), Reply), line
    status = svc.handle("T1", "U1", "status")
    assert isinstance(status, Reply) and status.phase == "first_move"
    table = dict((row[0], row[1]) for row in status.table.rows)  # type: ignore[union-attr]
    assert table["walk-away"] == "120,000"
    assert table["issues"] == "price (5/3), onboarding (2/4)"
    log = svc.handle("T1", "U1", "log all")
    assert isinstance(log, Reply) and log.table is not None
    assert [[r[1], *r[3:5], r[-1]] for r in log.table.rows] == [
        ["give", "onboarding", "price", "-"],
        ["offer", "-", "-", "100k"],
    ]
    with database.session() as session:
        move = session.scalars(select(MoveRow).order_by(MoveRow.seq)).first()
        assert move is not None and move.created_at.replace(tzinfo=UTC) == NOW
        assert move.warnings == ["one_way_concession"]


def test_status_names_the_unanswered_gives_newest_first(database: Database) -> None:
    svc = service_for(database)
    for line in (
        "new Acme",
        "give training",
        "give net-60",
        "get a 3-year term",
        "give a free seat",
        "give onboarding",
    ):
        assert isinstance(svc.handle("T1", "U1", line), Reply), line
    for line in ("new Other", "give not mine"):  # another user's give is not theirs
        assert isinstance(svc.handle("T1", "U2", line), Reply), line
    status = svc.handle("T1", "U1", "status")
    assert isinstance(status, Reply)
    assert status.text.split("\n")[0] == (
        "3 gives still wait for a get: onboarding; a free seat; training."
    )


def test_everything_is_scoped_by_workspace_and_user(database: Database) -> None:
    svc = service_for(database)
    svc.handle("T1", "U1", "new Acme")
    svc.handle("T1", "U1", "give training")
    svc.handle("T2", "U1", "new Zeta")
    svc.handle("T1", "U2", "new Omega")
    for workspace, user, own, other in (
        ("T1", "U1", "Acme", "Zeta"),
        ("T2", "U1", "Zeta", "Acme"),
        ("T1", "U2", "Omega", "Acme"),
    ):
        deals = svc.handle(workspace, user, "deals")
        assert isinstance(deals, Reply) and deals.table is not None
        assert [r[0].strip("* ") for r in deals.table.rows] == [own]
        refused = svc.handle(workspace, user, f"use {other}")
        assert isinstance(refused, Rejection) and refused.code == "unknown_deal"
    # Same deal name for different owners is fine; each log stays with its owner.
    assert isinstance(svc.handle("T2", "U1", "new Acme"), Reply)
    log = svc.handle("T2", "U1", "log")
    assert isinstance(log, Reply) and log.table is None


def test_a_rejected_command_writes_nothing(database: Database) -> None:
    svc = service_for(database)
    svc.handle("T1", "U1", "new Acme")
    before = (count(database, DealRow), count(database, MoveRow))
    for line in ("new acme", "issue price us=9 them=1", "pick Z", "trade nothing", "next please"):
        assert isinstance(svc.handle("T1", "U1", line), Rejection), line
    assert (count(database, DealRow), count(database, MoveRow)) == before


class _WritesThenRejects(Engine):
    """An engine that writes, then rejects: the transaction must roll the write back."""

    def handle(self, line: str, space: DealSpace, now: datetime) -> Rejection:  # type: ignore[override]
        super().handle("new Half written", space, now)
        super().handle("give something", space, now)
        return Rejection(code="bad_arguments", message="no")


class _WritesThenFails(Engine):
    def handle(self, line: str, space: DealSpace, now: datetime) -> Reply:  # type: ignore[override]
        super().handle("new Half written", space, now)
        raise RuntimeError("bug after a write")


@pytest.mark.parametrize("engine_class", [_WritesThenRejects, _WritesThenFails])
def test_no_half_writes(database: Database, engine_class: type[Engine]) -> None:
    svc = CoachService(database, engine_class(), clock=lambda: NOW)
    outcome = svc.handle("T1", "U1", "anything")
    assert isinstance(outcome, Rejection)
    assert count(database, DealRow) == 0 and count(database, MoveRow) == 0


def test_concurrent_commands_on_one_deal_lose_nothing(database: Database) -> None:
    svc = service_for(database)
    svc.handle("T1", "U1", "new Acme")
    threads, per_thread = 6, 15
    errors: list[object] = []

    def worker(n: int) -> None:
        for i in range(per_thread):
            outcome = svc.handle("T1", "U1", f"give item {n}-{i}")
            if not isinstance(outcome, Reply):
                errors.append(outcome)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    total = threads * per_thread
    with database.session() as session:
        deal = session.scalars(select(DealRow)).one()
        seqs = session.scalars(select(MoveRow.seq).order_by(MoveRow.seq)).all()
    assert (deal.moves_count, deal.unpaired_gives, deal.one_way_streak) == (total, total, total)
    assert seqs == list(range(1, total + 1))


def test_first_commands_from_one_new_user_at_once(database: Database) -> None:
    svc = service_for(database)
    barrier = threading.Barrier(4)
    results: list[object] = []

    def worker(n: int) -> None:
        barrier.wait()
        results.append(svc.handle("T9", "NEW", f"new Deal {n}"))

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert all(isinstance(r, Reply) for r in results)
    assert count(database, UserRow) == 1 and count(database, DealRow) == 4


def test_a_database_hiccup_is_retried(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = service_for(database)
    real = database._lock_user
    failures = iter([True, False])

    def flaky(*args: object, **kwargs: object) -> UserRow:
        if next(failures, False):
            raise OperationalError("SELECT", {}, Exception("connection reset"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(database, "_lock_user", flaky)
    assert isinstance(svc.handle("T1", "U1", "new Acme"), Reply)
    assert count(database, DealRow) == 1


def test_a_database_that_stays_down_is_a_clear_error(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = service_for(database)

    def down(*args: object, **kwargs: object) -> UserRow:
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(database, "_lock_user", down)
    monkeypatch.setattr("bot.store.database.time.sleep", lambda s: None)
    outcome = svc.handle("T1", "U1", "new Acme")
    assert isinstance(outcome, Rejection) and outcome.code == "storage_unavailable"
    assert "nothing was saved" in outcome.message


def test_the_schema_head_constant_matches_the_migrations() -> None:
    from alembic.script import ScriptDirectory

    from bot.store.database import _alembic_config

    scripts = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    assert scripts.get_current_head() == Database.head_revision()


def test_migrations_match_the_models(database: Database) -> None:
    import bot.store.slack_tables  # noqa: F401  (the Slack front's tables share the metadata)

    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert database.current_revision() == Database.head_revision()


def test_prepare_upgrades_empty_databases_and_refuses_unknown_ones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    empty.prepare(embedded_default=False)
    assert empty.current_revision() == Database.head_revision()
    foreign = Database(f"sqlite:///{tmp_path / 'foreign.db'}")
    with foreign.engine.begin() as conn:
        conn.execute(text("CREATE TABLE something_else (id integer)"))
    with pytest.raises(SchemaOutOfDate, match="dealcoach db upgrade"):
        foreign.prepare(embedded_default=False)
