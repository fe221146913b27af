"""The reminder planner's rows: due reminders leased to one worker, and a batch's reads.

Claiming picks due reminders that no live lease holds - ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so two workers take different rows at the same time; on SQLite the write lock
makes claims take turns - and leases them; handing back clears the leases a stopping
worker still holds. Planning a batch then reads, in the caller's transaction, the users
(locked in id order, as commands lock them), the reminder rows and the users' active deals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, tuple_, update
from sqlalchemy.orm import Session

from bot.store.database import Database
from bot.store.mapping import deal_of, utc
from bot.store.models import DealRow, ReminderRow, UserRow
from flows.model import ACTIVE_PHASES, Deal

# (workspace id, user id)
UserKey = tuple[str, str]


@dataclass(frozen=True)
class DueReminder:
    """A reminder just leased, and when its user's time zone was last asked (if known)."""

    id: int
    workspace_id: str
    user_id: str
    zone_checked_at: datetime | None


def claim_due_reminders(
    database: Database,
    now: datetime,
    limit: int,
    lease_until: datetime,
    *,
    zone_checks: bool = False,
) -> list[DueReminder]:
    """Lease up to ``limit`` reminders due at ``now`` that no other worker holds, oldest first.

    Args:
        database: the database.
        now: the current time.
        limit: the most rows to take.
        lease_until: the lease given to the rows taken.
        zone_checks: also read when each user's time zone was last checked (else None).

    """
    with database.session() as session:
        query = (
            select(ReminderRow.id, ReminderRow.workspace_id, ReminderRow.user_id)
            .where(
                ReminderRow.next_due_at <= now,
                or_(ReminderRow.lease_until.is_(None), ReminderRow.lease_until < now),
            )
            .order_by(ReminderRow.next_due_at)
            .limit(limit)
        )
        if not database.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        rows = session.execute(query).all()
        if not rows:
            return []
        ids = [row.id for row in rows]
        session.execute(
            update(ReminderRow).where(ReminderRow.id.in_(ids)).values(lease_until=lease_until)
        )
        checked = _zones_checked(session, {row.user_id for row in rows}) if zone_checks else {}
    return [
        DueReminder(
            row.id, row.workspace_id, row.user_id, checked.get((row.workspace_id, row.user_id))
        )
        for row in rows
    ]


def _zones_checked(session: Session, user_ids: set[str]) -> dict[UserKey, datetime | None]:
    users = session.execute(
        select(UserRow.workspace_id, UserRow.user_id, UserRow.tz_checked_at).where(
            UserRow.user_id.in_(user_ids)
        )
    ).all()
    return {(u.workspace_id, u.user_id): utc(u.tz_checked_at) for u in users}


def release_reminders(database: Database, leases: Sequence[tuple[int, datetime]]) -> int:
    """Clear the leases a worker still holds, so another worker plans the rows at once.

    Only a row still under the given lease is touched.

    Args:
        database: the database.
        leases: (reminder id, lease until) of each reminder claimed and not planned.

    Returns:
        How many leases were cleared.

    """
    if not leases:
        return 0
    done = 0
    with database.session() as session:
        for reminder_id, lease_until in leases:
            result = session.execute(
                update(ReminderRow)
                .where(ReminderRow.id == reminder_id, ReminderRow.lease_until == lease_until)
                .values(lease_until=None)
            )
            done += int(getattr(result, "rowcount", 0) or 0)
    return done


def lock_users(session: Session, keys: Iterable[UserKey]) -> dict[UserKey, UserRow]:
    """The users' rows, locked ``FOR UPDATE`` in id order (the order commands lock them in).

    Args:
        session: the caller's open session.
        keys: (workspace id, user id) of each user; a user without a row is left out.

    """
    owner = tuple_(UserRow.workspace_id, UserRow.user_id)
    return {
        (u.workspace_id, u.user_id): u
        for u in session.scalars(
            select(UserRow).where(owner.in_(list(keys))).order_by(UserRow.id).with_for_update()
        )
    }


def reminders_by_id(session: Session, ids: Iterable[int]) -> dict[int, ReminderRow]:
    """The reminder rows ``ids`` (a row since deleted is left out), by id.

    Args:
        session: the caller's open session.
        ids: the reminders' ids.

    """
    return {
        r.id: r for r in session.scalars(select(ReminderRow).where(ReminderRow.id.in_(list(ids))))
    }


def active_deals_of(session: Session, keys: Iterable[UserKey]) -> dict[UserKey, list[Deal]]:
    """Each user's deals in an active phase, oldest first; a user with none is left out.

    Args:
        session: the caller's open session.
        keys: (workspace id, user id) of each user.

    """
    deals: dict[UserKey, list[Deal]] = defaultdict(list)
    for deal_row in session.scalars(
        select(DealRow)
        .where(
            tuple_(DealRow.workspace_id, DealRow.user_id).in_(list(keys)),
            DealRow.phase.in_(ACTIVE_PHASES),
        )
        .order_by(DealRow.id)
    ):
        deals[(deal_row.workspace_id, deal_row.user_id)].append(deal_of(deal_row))
    return dict(deals)
