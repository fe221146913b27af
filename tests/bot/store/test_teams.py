"""The SQL team directory, nudges and reminders through the service, on every backend.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.service import CoachService
from bot.store.database import Database
from bot.store.mapping import utc
from bot.store.models import DealRow, NudgeRow, ReminderRow, TeamMemberRow, TeamPolicyRow
from bot.store.teams import SqlTeams
from flows.engine import Engine
from flows.model import Deal
from flows.oversight import POLICY_GIVE_GET, POLICY_SIGN_SAFE, gap_title
from flows.replies import Outcome, Rejection, Reply

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday
CLOSE_WITH_A_GIVE = ("next anyway", "next anyway", "give training", "next anyway")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def service_for(database: Database, clock: Clock | None = None) -> CoachService:
    return CoachService(database, Engine(), clock=clock or (lambda: NOW))


def ok(svc: CoachService, workspace: str, user: str, line: str, **kwargs: object) -> Reply:
    outcome = svc.handle(workspace, user, line, **kwargs)  # type: ignore[arg-type]
    assert isinstance(outcome, Reply), f"{workspace}/{user}: {line!r} was rejected: {outcome}"
    return outcome


def refused(
    svc: CoachService, workspace: str, user: str, line: str, code: str, **kwargs: object
) -> Rejection:
    outcome: Outcome = svc.handle(workspace, user, line, **kwargs)  # type: ignore[arg-type]
    assert isinstance(outcome, Rejection), f"{workspace}/{user}: {line!r} was accepted"
    assert outcome.code == code, outcome
    return outcome


def join(svc: CoachService, workspace: str, manager: str, rep: str) -> None:
    """``manager`` invites ``rep``, who accepts: how a team forms without an admin."""
    ok(svc, workspace, manager, f"team add <@{rep}>")
    ok(svc, workspace, rep, f"team accept <@{manager}>")


def deal_in_close(svc: CoachService, workspace: str, user: str, name: str) -> None:
    ok(svc, workspace, user, f"new {name}")
    for line in CLOSE_WITH_A_GIVE:
        ok(svc, workspace, user, line)


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def deal_id(database: Database, workspace: str, user: str, name: str) -> int:
    with database.session() as session:
        found = session.scalar(
            select(DealRow.id).where(
                DealRow.workspace_id == workspace,
                DealRow.user_id == user,
                DealRow.name_key == name.lower(),
            )
        )
    assert found is not None
    return found


# -- scoping -------------------------------------------------------------------------------
def test_teams_are_scoped_by_workspace(database: Database) -> None:
    svc = service_for(database)
    deal_in_close(svc, "T1", "UREP", "Acme")
    deal_in_close(svc, "T2", "UREP", "Zeta")
    join(svc, "T1", "UMGR", "UREP")
    ok(svc, "T1", "UMGR", "team policy sign-safe on")

    view = ok(svc, "T1", "UMGR", "team")
    assert view.table is not None
    assert [row[:2] for row in view.table.rows] == [["@UREP", "Acme"]]
    assert ok(svc, "T1", "UREP", "team").text.startswith("Your manager is @UMGR")

    # The same people in another workspace: no team, no policy, no nudge.
    assert "not on a team" in ok(svc, "T2", "UMGR", "team").text
    assert "not on a team" in ok(svc, "T2", "UREP", "team").text
    assert "exit: off" in ok(svc, "T2", "UMGR", "team policy").text
    refused(svc, "T2", "UMGR", "nudge <@UREP> Zeta", "not_allowed_now")
    refused(svc, "T2", "UMGR", "team remove <@UREP>", "not_allowed_now")
    # Another manager in T2 may take UREP there: T1's team is no claim on them.
    join(svc, "T2", "UOTHER", "UREP")
    other = ok(svc, "T2", "UOTHER", "team")
    assert other.table is not None
    assert [row[:2] for row in other.table.rows] == [["@UREP", "Zeta"]]
    assert ok(svc, "T1", "UREP", "team").text.startswith("Your manager is @UMGR")
    refused(svc, "T1", "UOTHER", "nudge <@UREP> Acme", "not_allowed_now")

    with database.session() as session:
        t1, t2 = SqlTeams(session, "T1"), SqlTeams(session, "T2")
        assert (t1.manager_of("UREP"), t2.manager_of("UREP")) == ("UMGR", "UOTHER")
        assert t1.members_of("UOTHER") == [] and t2.members_of("UMGR") == []
        assert [d.name for d in t1.deals_of("UREP")] == ["Acme"]
        assert [d.name for d in t2.deals_of("UREP")] == ["Zeta"]
        assert t1.policies("UMGR") == {POLICY_SIGN_SAFE: None}
        assert t2.policies("UMGR") == {}
    assert count(database, NudgeRow) == 0


def test_team_changes_round_trip(database: Database) -> None:
    svc = service_for(database)
    ok(svc, "T1", "UMGR", "team add <@U1|dana>, <@U2|lee> <@U3>", is_admin=True)
    refused(svc, "T1", "UOTHER", "team add <@U2>", "not_allowed_now")
    refused(svc, "T1", "UOTHER", "team assign <@UOTHER> <@U2>", "not_allowed_now")
    ok(svc, "T1", "UADMIN", "team assign <@UOTHER|other> <@U2>", is_admin=True)
    ok(svc, "T1", "UMGR", "team remove <@U3>")
    refused(svc, "T1", "UMGR", "team remove <@U2>", "not_allowed_now")
    ok(svc, "T1", "UMGR", "team policy give-get 24")
    ok(svc, "T1", "UMGR", "team policy give-get 12")
    with database.session() as session:
        teams = SqlTeams(session, "T1")
        assert teams.members_of("UMGR") == ["U1"]
        assert teams.members_of("UOTHER") == ["U2"]
        assert teams.manager_of("U3") is None
        assert teams.policies("UMGR") == {POLICY_GIVE_GET: 12}
        moved = session.scalar(select(TeamMemberRow).where(TeamMemberRow.member_id == "U2"))
        assert moved is not None and moved.added_by == "UADMIN"
    assert count(database, TeamPolicyRow) == 1
    ok(svc, "T1", "UMGR", "team policy give-get off")
    assert count(database, TeamPolicyRow) == 0


def test_give_get_reads_the_stored_move_time(database: Database) -> None:
    clock = Clock()
    svc = service_for(database, clock)
    ok(svc, "T1", "UREP", "new Acme")
    ok(svc, "T1", "UREP", "next anyway")
    ok(svc, "T1", "UREP", "next anyway")
    ok(svc, "T1", "UREP", "give training")
    join(svc, "T1", "UMGR", "UREP")
    ok(svc, "T1", "UMGR", "team policy give-get 24")
    clock.now = NOW + timedelta(hours=24)
    view = ok(svc, "T1", "UMGR", "team")
    assert view.table is not None and view.table.rows[0][-1] == "-"
    clock.now = NOW + timedelta(hours=24, minutes=1)
    view = ok(svc, "T1", "UMGR", "team")
    breach = gap_title(svc.engine.lib, POLICY_GIVE_GET)  # people read the title
    assert view.table is not None and view.table.rows[0][-1] == breach
    assert view.table.rows[0][6] == "1"  # idle days, from the stored last move


# -- nudges --------------------------------------------------------------------------------
def test_one_nudge_per_deal_per_day_and_it_shows_in_the_log(database: Database) -> None:
    clock = Clock()
    svc = service_for(database, clock)
    deal_in_close(svc, "T1", "UREP", "Acme renewal")
    join(svc, "T1", "UMGR", "UREP")
    reply = ok(
        svc, "T1", "UMGR", "nudge <@UREP|rep> Acme renewal ask for the term", tz="America/New_York"
    )
    (notice,) = reply.notices
    assert (notice.user_id, notice.gap) == ("UREP", "unreciprocated_concessions")
    refused(svc, "T1", "UMGR", "nudge <@UREP> Acme renewal", "not_allowed_now")
    assert count(database, NudgeRow) == 1
    # 04:59 UTC on the 24th is still the 23rd in New York.
    clock.now = datetime(2026, 11, 24, 4, 59, tzinfo=UTC)
    refused(svc, "T1", "UMGR", "nudge <@UREP> Acme renewal", "not_allowed_now")
    clock.now = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    ok(svc, "T1", "UMGR", "nudge <@UREP> Acme renewal second try")
    with database.session() as session:
        rows = session.scalars(select(NudgeRow).order_by(NudgeRow.id)).all()
        assert [(r.day, r.manager_id, r.workspace_id, r.message) for r in rows] == [
            (date(2026, 11, 23), "UMGR", "T1", "ask for the term"),
            (date(2026, 11, 24), "UMGR", "T1", "second try"),
        ]

    log = ok(svc, "T1", "UREP", "log")
    assert (
        'Nudges on this deal: 2026-11-23 @UMGR: Concessions never paid back ("ask for '
        'the term"); 2026-11-24 @UMGR: Concessions never paid back ("second try").' in log.text
    )


def test_the_unique_key_allows_one_nudge_a_day(database: Database) -> None:
    svc = service_for(database)
    deal_in_close(svc, "T1", "UREP", "Acme")
    deal = Deal(name="Acme", context="sales", id=deal_id(database, "T1", "UREP", "Acme"))
    day = date(2026, 11, 23)
    with database.session() as session:
        teams = SqlTeams(session, "T1")
        assert teams.add_nudge(deal, "UMGR", "no_safeguards", "", day, NOW) is True
        # Another manager (after a move), another gap: still the same deal and day.
        assert teams.add_nudge(deal, "UOTHER", "no_exit_path", "x", day, NOW) is False
        assert (
            teams.add_nudge(deal, "UMGR", "no_safeguards", "", day + timedelta(days=1), NOW) is True
        )
    assert count(database, NudgeRow) == 2


def test_racing_nudges_make_one(database: Database) -> None:
    svc = service_for(database)
    deal_in_close(svc, "T1", "UREP", "Acme")
    deal = Deal(name="Acme", context="sales", id=deal_id(database, "T1", "UREP", "Acme"))
    workers = 4
    barrier = threading.Barrier(workers)
    results: list[bool] = []
    errors: list[BaseException] = []

    def nudge(n: int) -> None:
        try:
            barrier.wait()
            with database.session() as session:
                results.append(
                    SqlTeams(session, "T1").add_nudge(
                        deal, f"UMGR{n}", "no_safeguards", "", date(2026, 11, 23), NOW
                    )
                )
        except BaseException as exc:  # surfaced below, not lost in the thread
            errors.append(exc)

    pool = [threading.Thread(target=nudge, args=(n,)) for n in range(workers)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    assert sorted(results) == [False] * (workers - 1) + [True]
    assert count(database, NudgeRow) == 1


# -- reminders and the traveller -----------------------------------------------------------
def reminder_row(database: Database, workspace: str, user: str) -> ReminderRow | None:
    with database.session() as session:
        return session.scalar(
            select(ReminderRow).where(
                ReminderRow.workspace_id == workspace, ReminderRow.user_id == user
            )
        )


def test_the_reminder_follows_the_traveller(database: Database) -> None:
    clock = Clock()
    svc = service_for(database, clock)
    reply = ok(svc, "T1", "U1", "remind 08:30", tz="Europe/London")
    assert "(Europe/London)" in reply.text
    row = reminder_row(database, "T1", "U1")
    assert row is not None and row.at_minutes == 8 * 60 + 30 and row.days == "weekdays"
    assert utc(row.next_due_at) == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)

    # Flying to Kolkata: 08:30 there is 03:00 UTC.
    clock.now = NOW + timedelta(hours=1)
    shown = ok(svc, "T1", "U1", "remind", tz="Asia/Kolkata")
    assert "(Asia/Kolkata)" in shown.text
    row = reminder_row(database, "T1", "U1")
    assert row is not None and utc(row.next_due_at) == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)

    # An unknown zone, or none, leaves everything as it was.
    for tz in ("Mars/Olympus_Mons", None, ""):
        ok(svc, "T1", "U1", "remind", tz=tz)
        row = reminder_row(database, "T1", "U1")
        assert row is not None
        assert utc(row.next_due_at) == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    # Another workspace's user of the same id has no reminder to move.
    ok(svc, "T2", "U1", "remind", tz="America/New_York")
    assert reminder_row(database, "T2", "U1") is None


def test_a_move_keeps_the_snooze(database: Database) -> None:
    clock = Clock()
    clock.now = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # before 08:30 in London
    svc = service_for(database, clock)
    ok(svc, "T1", "U1", "remind 08:30 daily", tz="Europe/London")
    ok(svc, "T1", "U1", "remind snooze", tz="Europe/London")
    row = reminder_row(database, "T1", "U1")
    assert row is not None and row.snoozed_until == date(2026, 11, 24)
    assert utc(row.next_due_at) == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    # In New York it is 02:00 on the 23rd: today's 08:30 there is still snoozed.
    ok(svc, "T1", "U1", "remind", tz="America/New_York")
    row = reminder_row(database, "T1", "U1")
    assert row is not None and utc(row.next_due_at) == datetime(2026, 11, 24, 13, 30, tzinfo=UTC)


def test_remind_round_trips_and_off_deletes(database: Database) -> None:
    svc = service_for(database)
    reply = ok(svc, "T1", "U1", "remind 8am daily")
    assert "I don't know your time zone yet" in reply.text
    shown = ok(svc, "T1", "U1", "remind")
    assert shown.text == "Your prep reminder: 08:00 every day (UTC). Next: tomorrow 08:00."
    refused(svc, "T1", "U1", "remind 25:00", "bad_arguments")
    row = reminder_row(database, "T1", "U1")
    assert row is not None and row.at_minutes == 8 * 60
    ok(svc, "T1", "U1", "remind off")
    assert reminder_row(database, "T1", "U1") is None
    assert count(database, ReminderRow) == 0


def test_meetings_are_stored_in_the_users_zone(database: Database) -> None:
    svc = service_for(database)
    ok(svc, "T1", "U1", "new Acme")
    reply = ok(svc, "T1", "U1", "meeting Thu 9am", tz="Asia/Kolkata")
    assert reply.text.startswith("Next meeting: Thu 26 Nov, 09:00 (Asia/Kolkata).")
    with database.session() as session:
        row = session.scalars(select(DealRow)).one()
        assert row.facts["meeting_at"] == "2026-11-26T03:30:00+00:00"
        assert row.facts["meeting"] == "Thu 26 Nov, 09:00 (Asia/Kolkata)"
