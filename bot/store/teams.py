"""The SQL :class:`~flows.storage.TeamDirectory`: teams, policies and nudges in one workspace.

Every query is filtered by workspace; a manager's reads of a rep's deals go through
:meth:`SqlTeams.deals_of`, which the engine only calls for the manager's own reps.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store.insert import insert_or_ignore, on_sqlite
from bot.store.mapping import deal_of, move_of
from bot.store.models import (
    DealRow,
    MoveRow,
    NudgeRow,
    TeamInviteRow,
    TeamMemberRow,
    TeamPolicyRow,
)
from flows.model import Deal, Move


class SqlTeams:
    """Teams of one workspace inside the caller's transaction."""

    def __init__(self, session: Session, workspace_id: str):
        self._session = session
        self._workspace = workspace_id

    def manager_of(self, member_id: str) -> str | None:
        """The member's manager, if any."""
        return self._session.scalar(
            select(TeamMemberRow.manager_id).where(
                TeamMemberRow.workspace_id == self._workspace, TeamMemberRow.member_id == member_id
            )
        )

    def members_of(self, manager_id: str) -> list[str]:
        """The manager's reps, in the order they joined."""
        return list(
            self._session.scalars(
                select(TeamMemberRow.member_id)
                .where(
                    TeamMemberRow.workspace_id == self._workspace,
                    TeamMemberRow.manager_id == manager_id,
                )
                .order_by(TeamMemberRow.id)
            )
        )

    def set_manager(self, member_id: str, manager_id: str, added_by: str) -> None:
        """Put ``member_id`` on ``manager_id``'s team, moving them off any other."""
        row = self._session.scalar(
            select(TeamMemberRow).where(
                TeamMemberRow.workspace_id == self._workspace, TeamMemberRow.member_id == member_id
            )
        )
        if row is None:
            row = TeamMemberRow(workspace_id=self._workspace, member_id=member_id)
            self._session.add(row)
        row.manager_id = manager_id
        row.added_by = added_by
        row.created_at = datetime.now(UTC)
        self._session.flush()

    def remove_member(self, member_id: str) -> None:
        """Take ``member_id`` off their team."""
        self._session.execute(
            delete(TeamMemberRow).where(
                TeamMemberRow.workspace_id == self._workspace, TeamMemberRow.member_id == member_id
            )
        )

    def deals_of(self, member_id: str) -> list[Deal]:
        """The member's real deals, oldest first (read-only copies; no practice deals)."""
        rows = self._session.scalars(
            select(DealRow)
            .where(DealRow.workspace_id == self._workspace, DealRow.user_id == member_id)
            .order_by(DealRow.id)
        )
        return [deal for deal in map(deal_of, rows) if not deal.is_practice]

    def practice_of(self, member_id: str) -> list[Deal]:
        """The member's practice deals, oldest first (read-only copies, for scores only)."""
        rows = self._session.scalars(
            select(DealRow)
            .where(DealRow.workspace_id == self._workspace, DealRow.user_id == member_id)
            .order_by(DealRow.id)
        )
        return [deal for deal in map(deal_of, rows) if deal.is_practice]

    def oldest_unpaired_give(self, deal: Deal) -> Move | None:
        """The deal's oldest give with nothing received for it (an index lookup)."""
        row = self._session.scalar(
            select(MoveRow)
            .where(MoveRow.deal_id == deal.id, MoveRow.kind == "give", MoveRow.paired.is_(False))
            .order_by(MoveRow.seq)
            .limit(1)
        )
        return move_of(row) if row is not None else None

    def policies(self, manager_id: str) -> dict[str, int | None]:
        """The manager's policies that are on."""
        rows = self._session.scalars(
            select(TeamPolicyRow).where(
                TeamPolicyRow.workspace_id == self._workspace,
                TeamPolicyRow.manager_id == manager_id,
            )
        )
        return {row.code: row.value for row in rows}

    def set_policy(self, manager_id: str, code: str, value: int | None, *, on: bool) -> None:
        """Switch a policy on (with its value) or off."""
        self._session.execute(
            delete(TeamPolicyRow).where(
                TeamPolicyRow.workspace_id == self._workspace,
                TeamPolicyRow.manager_id == manager_id,
                TeamPolicyRow.code == code,
            )
        )
        if on:
            self._session.add(
                TeamPolicyRow(
                    workspace_id=self._workspace,
                    manager_id=manager_id,
                    code=code,
                    value=value,
                    created_at=datetime.now(UTC),
                )
            )
            self._session.flush()

    def add_nudge(
        self, deal: Deal, manager_id: str, gap: str, message: str, day: date, now: datetime
    ) -> bool:
        """Record a nudge; False when the deal already had one on ``day``.

        The unique (deal, day) key decides, so two managers' clicks at the same moment
        still make one nudge.
        """
        result = self._session.execute(
            insert_or_ignore(
                NudgeRow, ["deal_id", "day"], NudgeRow.id, on_sqlite=on_sqlite(self._session)
            ).values(
                deal_id=deal.id,
                workspace_id=self._workspace,
                manager_id=manager_id,
                gap=gap,
                message=message,
                day=day,
                created_at=now,
            )
        )
        return result.first() is not None

    # -- consent -------------------------------------------------------------------------
    def invite(self, member_id: str, manager_id: str, now: datetime) -> bool:
        """Record a pending invite; False when this manager's invite is already pending.

        The unique (workspace, rep, manager) key decides, so a double click invites once.
        """
        result = self._session.execute(
            insert_or_ignore(
                TeamInviteRow,
                ["workspace_id", "member_id", "manager_id"],
                TeamInviteRow.id,
                on_sqlite=on_sqlite(self._session),
            ).values(
                workspace_id=self._workspace,
                member_id=member_id,
                manager_id=manager_id,
                created_at=now,
            )
        )
        return result.first() is not None

    def invites_to(self, member_id: str) -> list[str]:
        """The managers whose invites the rep has not answered, oldest first."""
        return list(
            self._session.scalars(
                select(TeamInviteRow.manager_id)
                .where(
                    TeamInviteRow.workspace_id == self._workspace,
                    TeamInviteRow.member_id == member_id,
                )
                .order_by(TeamInviteRow.id)
            )
        )

    def invites_from(self, manager_id: str) -> list[str]:
        """The reps who have not answered the manager's invites, oldest first."""
        return list(
            self._session.scalars(
                select(TeamInviteRow.member_id)
                .where(
                    TeamInviteRow.workspace_id == self._workspace,
                    TeamInviteRow.manager_id == manager_id,
                )
                .order_by(TeamInviteRow.id)
            )
        )

    def drop_invite(self, member_id: str, manager_id: str) -> bool:
        """Forget an invite; False when there was none."""
        result = self._session.execute(
            delete(TeamInviteRow)
            .where(
                TeamInviteRow.workspace_id == self._workspace,
                TeamInviteRow.member_id == member_id,
                TeamInviteRow.manager_id == manager_id,
            )
            .returning(TeamInviteRow.id)
        )
        return result.first() is not None
