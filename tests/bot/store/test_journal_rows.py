"""The undo journal in SQL: undo through the service, pruning, and migration 0005 both ways.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command as alembic_command
from sqlalchemy import func, inspect, select

from bot.service import CoachService
from bot.store.database import Database, _alembic_config
from bot.store.models import DealRow, JournalRow, MoveRow
from flows.engine import Engine
from flows.journal import KEEP_ENTRIES
from flows.replies import Rejection, Reply

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def service_for(database: Database) -> CoachService:
    return CoachService(database, Engine(), clock=lambda: NOW)


def ok(svc: CoachService, *lines: str, user: str = "U1") -> Reply:
    reply = None
    for line in lines:
        reply = svc.handle("T1", user, line)
        assert isinstance(reply, Reply), f"{line}: {reply}"
    assert reply is not None
    return reply


def deal_row(database: Database, name: str) -> dict[str, Any]:
    with database.session() as session:
        row = session.scalars(select(DealRow).where(DealRow.name == name)).one()
        return {
            "phase": row.phase,
            "moves": row.moves_count,
            "open": row.unpaired_gives,
            "streak": row.one_way_streak,
            "facts": row.facts,
            "last_move_at": row.last_move_at,
        }


def moves(database: Database) -> list[tuple[int, str, str, str, bool]]:
    with database.session() as session:
        rows = session.scalars(select(MoveRow).order_by(MoveRow.deal_id, MoveRow.seq)).all()
        return [(r.seq, r.kind, r.give, r.get, r.paired) for r in rows]


def entries(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(JournalRow)) or 0


def test_undo_takes_back_moves_facts_and_phases(database: Database) -> None:
    svc = service_for(database)
    ok(
        svc,
        "new Acme renewal",
        "batna Globex at 88k",
        "walkaway 90k",
        "issue price us=5 them=3",
        "issue onboarding us=2 them=4",
        "next anyway",
    )
    start = deal_row(database, "Acme renewal")
    ok(svc, "give onboarding")
    after_give = deal_row(database, "Acme renewal")
    ok(
        svc,
        "get price",
        "trade training for a case study",
        "walkaway min 95k",
        "bundle A price=95k term=3y worth=80",
        "walk too far apart",
    )
    assert deal_row(database, "Acme renewal")["phase"] == "walked_away"

    assert ok(svc, "undo").phase == "first_move"
    assert ok(svc, "undo").text == "Undid `bundle A price=95k term=3y worth=80`."
    ok(svc, "undo")
    assert deal_row(database, "Acme renewal")["facts"]["walkaway"]["amount"] == "90000"
    ok(svc, "undo")
    assert moves(database) == [(1, "give", "onboarding", "price", True)]
    assert ok(svc, "undo").text == "Undid `get price`."
    assert moves(database) == [(1, "give", "onboarding", "", False)]
    row = deal_row(database, "Acme renewal")
    assert {k: row[k] for k in ("phase", "moves", "open", "streak", "facts")} == {
        k: after_give[k] for k in ("phase", "moves", "open", "streak", "facts")
    }
    ok(svc, "undo")
    assert moves(database) == []
    assert deal_row(database, "Acme renewal") == start
    # The log numbers from 1 again (the unique (deal, seq) key would object otherwise).
    ok(svc, "give net-60", "get a 3-year term")
    assert moves(database) == [(1, "give", "net-60", "a 3-year term", True)]


def test_undo_is_scoped_to_the_user_and_the_active_deal(database: Database) -> None:
    svc = service_for(database)
    ok(svc, "new Acme", "give training")
    ok(svc, "new Acme", "give support", user="U2")
    ok(svc, "new Globex", "give net-60", "use Acme")
    assert ok(svc, "undo").text == "Undid `give training`."
    assert "nothing left to undo in Acme" in ok(svc, "undo").text
    assert deal_row(database, "Globex")["moves"] == 1
    assert ok(svc, "undo", user="U2").text == "Undid `give support`."


def test_a_rejected_command_writes_no_entry(database: Database) -> None:
    svc = service_for(database)
    ok(svc, "new Acme", "give training")
    count = entries(database)
    for line in ("give", "signed", "issue x us=9 them=1"):
        assert isinstance(svc.handle("T1", "U1", line), Rejection)
    ok(svc, "status", "log all", "deals", "new Globex", "use Acme", "undo")
    assert entries(database) == count - 1


def test_the_journal_keeps_the_latest_entries_per_deal(database: Database) -> None:
    svc = service_for(database)
    ok(svc, "new Acme")
    for n in range(KEEP_ENTRIES + 3):
        ok(svc, f"give item {n}")
    assert entries(database) == KEEP_ENTRIES
    for _ in range(KEEP_ENTRIES):
        ok(svc, "undo")
    assert [give for _, _, give, _, _ in moves(database)] == ["item 0", "item 1", "item 2"]
    assert "nothing left to undo" in ok(svc, "undo").text
    assert deal_row(database, "Acme")["open"] == 3


def test_migration_0005_upgrades_and_downgrades(database: Database) -> None:
    def tables() -> set[str]:
        return set(inspect(database.engine).get_table_names())

    assert "journal_entries" in tables()
    ok(service_for(database), "new Acme", "give training")
    config = _alembic_config(database.url)
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        alembic_command.downgrade(config, "0004")
    assert database.current_revision() == "0004"
    assert "journal_entries" not in tables() and "deals" in tables()
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        alembic_command.upgrade(config, "head")
    assert database.current_revision() == Database.head_revision() == "0010"
    assert "journal_entries" in tables()
    # The deal survived; its journal did not, so there is nothing to undo.
    svc = service_for(database)
    assert "nothing left to undo" in ok(svc, "undo").text
    assert deal_row(database, "Acme")["moves"] == 1
