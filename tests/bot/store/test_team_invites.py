"""Team invites in the SQL store, and the widest ids, on every backend.

A manager's ``team add`` by a non-admin is a row in ``team_invites`` until the rep
accepts; nothing of the rep is visible through it. Ids are checked against the columns'
width before any insert, so PostgreSQL (which enforces ``VARCHAR(64)``) and SQLite (which
does not) answer the same.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import String, func, select

from bot.service import CoachService
from bot.slack.coach import SlackCoach
from bot.store.database import Database
from bot.store.models import DeliveryRow, TeamInviteRow, TeamMemberRow, UserRow
from bot.store.teams import SqlTeams
from flows.engine import Engine
from flows.oversight import MAX_USER_ID
from flows.replies import Outcome, Rejection, Reply

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _service(database: Database) -> SlackCoach:
    """The Slack coach: it also queues the notices a command makes, in its transaction."""
    return SlackCoach(CoachService(database, Engine(), clock=lambda: NOW))


def _run(svc: SlackCoach, workspace: str, user: str, line: str, is_admin: bool = False) -> Outcome:
    turn = svc.run(workspace, user, line, is_admin=is_admin)
    assert turn is not None
    return turn.outcome


def _ok(svc: SlackCoach, workspace: str, user: str, line: str, is_admin: bool = False) -> Reply:
    outcome = _run(svc, workspace, user, line, is_admin)
    assert isinstance(outcome, Reply), f"{user}: {line!r} was rejected: {outcome}"
    return outcome


def _refused(
    svc: SlackCoach, workspace: str, user: str, line: str, code: str, is_admin: bool = False
) -> Rejection:
    outcome = _run(svc, workspace, user, line, is_admin)
    assert isinstance(outcome, Rejection), f"{user}: {line!r} was accepted: {outcome}"
    assert outcome.code == code, outcome
    return outcome


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_invites_round_trip_once_per_manager_and_rep(database: Database) -> None:
    with database.session() as session:
        teams, other = SqlTeams(session, "T1"), SqlTeams(session, "T2")
        assert teams.invite("UREP", "UA", NOW) is True
        assert teams.invite("UREP", "UA", NOW) is False  # a double click invites once
        assert teams.invite("UREP", "UB", NOW) is True
        assert teams.invite("UOTHER", "UA", NOW) is True
        assert teams.invites_to("UREP") == ["UA", "UB"]
        assert teams.invites_from("UA") == ["UREP", "UOTHER"]
        # Scoped by workspace, and an invite is no membership.
        assert other.invites_to("UREP") == [] and other.invites_from("UA") == []
        assert teams.manager_of("UREP") is None and teams.members_of("UA") == []
        assert teams.drop_invite("UREP", "UA") is True
        assert teams.drop_invite("UREP", "UA") is False
        assert teams.invites_to("UREP") == ["UB"]
    assert _count(database, TeamInviteRow) == 2


def test_accept_decline_and_leave_through_the_service(database: Database) -> None:
    svc = _service(database)
    _ok(svc, "T1", "UREP", "new Acme")
    _ok(svc, "T1", "UMGR", "team add <@UREP|rep>")
    assert _count(database, TeamInviteRow) == 1 and _count(database, TeamMemberRow) == 0
    # The invite queued one DM to the rep, with the buttons' commands.
    with database.session() as session:
        (row,) = session.scalars(select(DeliveryRow)).all()
        assert (row.user_id, row.kind) == ("UREP", "team")
        assert row.payload["steps"] == ["team accept @UMGR", "team decline @UMGR"]
    view = _ok(svc, "T1", "UMGR", "team")
    assert view.table is None and "Acme" not in view.full_text()
    _refused(svc, "T1", "UMGR", "nudge <@UREP> Acme", "not_allowed_now")

    _ok(svc, "T1", "UREP", "team accept <@UMGR|mgr>")
    assert _count(database, TeamInviteRow) == 0
    with database.session() as session:
        member = session.scalar(select(TeamMemberRow))
        assert member is not None
        assert (member.member_id, member.manager_id, member.added_by) == ("UREP", "UMGR", "UMGR")
    seen = _ok(svc, "T1", "UMGR", "team")
    assert seen.table is not None and seen.table.rows[0][:2] == ["@UREP", "Acme"]

    _ok(svc, "T1", "UREP", "team leave")
    assert _count(database, TeamMemberRow) == 0
    _ok(svc, "T1", "UMGR", "team add <@UREP>")
    _ok(svc, "T1", "UREP", "team decline")
    assert _count(database, TeamInviteRow) == 0 and _count(database, TeamMemberRow) == 0


def test_id_columns_are_as_wide_as_the_engine_allows() -> None:
    for column in (
        UserRow.user_id,
        UserRow.workspace_id,
        TeamMemberRow.member_id,
        TeamMemberRow.manager_id,
        TeamMemberRow.added_by,
        TeamInviteRow.member_id,
        TeamInviteRow.manager_id,
    ):
        assert isinstance(column.type, String) and column.type.length == MAX_USER_ID


def test_the_longest_allowed_ids_fit_and_one_more_is_refused(database: Database) -> None:
    """On PostgreSQL a longer id would raise; it must be a clear refusal instead."""
    svc = _service(database)
    workspace = "T" * 64
    manager, rep = "m" * MAX_USER_ID, "r" * MAX_USER_ID
    name = "N" * 60  # the longest deal name
    _ok(svc, workspace, rep, f"new {name}")
    for line in ("next anyway", "next anyway", "give training"):
        _ok(svc, workspace, rep, line)
    _ok(svc, workspace, manager, f"team add @{rep}")
    _ok(svc, workspace, rep, f"team accept @{manager}")
    _ok(svc, workspace, manager, "team policy give-get 24")
    nudged = _ok(svc, workspace, manager, f"nudge @{rep} {name} " + "n" * 299)
    assert "Nudged" in nudged.text
    _ok(svc, workspace, rep, "team leave")
    _ok(svc, workspace, "a" * MAX_USER_ID, f"team assign @{manager} @{rep}", is_admin=True)
    with database.session() as session:
        teams = SqlTeams(session, workspace)
        assert teams.manager_of(rep) == manager
    # invite, accepted, nudge, left, joined: each a DM row with the long ids in its key
    assert _count(database, DeliveryRow) == 5

    too_long = "x" * (MAX_USER_ID + 1)
    for line in (
        f"team add @{too_long}",
        f"team assign @{manager} @{too_long}",
        f"team assign @{too_long} @{rep}",
        f"nudge @{too_long} {name}",
        f"team accept @{too_long}",
        f"team remove @{too_long}",
    ):
        refused = _refused(svc, workspace, manager, line, "bad_arguments", is_admin=True)
        assert "at most 64 characters" in refused.message
