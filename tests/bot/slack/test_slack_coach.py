"""The Slack front's turn runner on both database backends: event ids, last replies, modals."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.service import CoachService
from bot.slack.coach import SlackCoach
from bot.store.database import Database
from bot.store.models import DealRow, MoveRow
from bot.store.slack_tables import SlackEventRow, SlackLastReplyRow
from flows.replies import Rejection, Reply


def _coach(database: Database, start: datetime | None = None) -> tuple[SlackCoach, list[datetime]]:
    now = [start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)]
    return SlackCoach(CoachService(database, clock=lambda: now[0])), now


def _moves(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(MoveRow)) or 0)


def test_an_event_id_acts_once_even_when_rejected(database: Database) -> None:
    coach, _ = _coach(database)
    assert coach.run("T1", "U1", "new Acme", event_id="Ev1") is not None
    assert coach.run("T1", "U1", "new Acme", event_id="Ev1") is None
    first = coach.run("T1", "U1", "give", event_id="Ev2")
    assert first is not None and isinstance(first.outcome, Rejection)
    assert coach.run("T1", "U1", "give", event_id="Ev2") is None
    assert coach.run("T1", "U1", "give training", event_id="Ev3") is not None
    assert coach.run("T1", "U1", "give training", event_id="Ev3") is None
    assert _moves(database) == 1


def test_concurrent_deliveries_of_one_event_act_once(database: Database) -> None:
    coach, _ = _coach(database)
    coach.run("T1", "U1", "new Acme")
    results: list[object] = []
    barrier = threading.Barrier(4)

    def deliver() -> None:
        barrier.wait()
        results.append(coach.run("T1", "U1", "give training", event_id="Ev-race"))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(r is not None for r in results) == 1
    assert _moves(database) == 1


def test_old_event_ids_are_pruned(database: Database) -> None:
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    coach, now = _coach(database, start)
    coach.run("T1", "U1", "help", event_id="Ev-old")
    now[0] = start + timedelta(days=2)
    coach.run("T1", "U1", "help", event_id="Ev-new")
    with database.session() as session:
        assert set(session.scalars(select(SlackEventRow.event_id))) == {"Ev-new"}


def test_the_last_reply_is_kept_per_workspace_and_user(database: Database) -> None:
    coach, _ = _coach(database)
    assert coach.last_message("T1", "U1") is None
    coach.run("T1", "U1", "new Acme")
    coach.run("T1", "U1", "nonsense")  # a rejection does not replace it
    message = coach.last_message("T1", "U1")
    assert message is not None and "Acme" in message.text
    assert coach.last_message("T2", "U1") is None
    assert coach.forget_workspace("T1") == 2  # the last reply, and the whole one for "More"
    assert coach.last_message("T1", "U1") is None


def test_run_all_is_all_or_nothing(database: Database) -> None:
    coach, _ = _coach(database)
    coach.run("T1", "U1", "new Acme")
    errors = coach.run_all(
        "T1", "U1", [("batna", "batna stay"), ("issue", "issue"), ("rule", "rule")]
    )
    assert isinstance(errors, dict) and set(errors) == {"issue", "rule"}
    deals, _ = coach.deals("T1", "U1")
    assert deals[0].batna == ""
    turn = coach.run_all("T1", "U1", [("batna", "batna stay"), ("walk", "walkaway 80k")])
    assert not isinstance(turn, dict) and isinstance(turn.outcome, Reply)
    assert "BATNA" in turn.outcome.text and "Walk-away" in turn.outcome.text
    deals, active = coach.deals("T1", "U1")
    assert deals[0].batna == "stay" and active == deals[0].id


def test_deals_never_cross_workspaces(database: Database) -> None:
    coach, _ = _coach(database)
    coach.run("T1", "U1", "new Acme")
    coach.run("T2", "U1", "new Globex")
    assert [d.name for d in coach.deals("T1", "U1")[0]] == ["Acme"]
    assert [d.name for d in coach.deals("T2", "U1")[0]] == ["Globex"]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(DealRow)) == 2
        assert session.scalar(select(func.count()).select_from(SlackLastReplyRow)) == 2
