"""A user's time zone: stored from Slack's profile, and their reminder follows it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.mapping import reminder_of
from bot.store.models import ReminderRow, UserRow
from flows.schedule import next_due, valid_zone


def update_time_zone(
    session: Session,
    user: UserRow,
    tz: str | None,
    now: datetime,
    *,
    reminder: ReminderRow | None = None,
) -> bool:
    """Store the user's time zone; when it changed, move their next reminder with it.

    A traveller who set 08:30 keeps getting it at 08:30 where they are. Returns whether
    anything changed. An unknown zone name is ignored (the old zone stays).

    Args:
        session: the open session (the caller's transaction).
        user: the user's row.
        tz: the IANA zone name Slack reports, or None when unknown.
        now: the current time.
        reminder: the user's reminder row, when the caller has it loaded already.

    """
    if not tz or not valid_zone(tz):
        return False
    user.tz_checked_at = now
    if user.tz == tz:
        return False
    user.tz = tz
    if reminder is None:
        reminder = session.scalar(
            select(ReminderRow).where(
                ReminderRow.workspace_id == user.workspace_id, ReminderRow.user_id == user.user_id
            )
        )
    if reminder is not None:
        reminder.next_due_at = next_due(reminder_of(reminder, tz), now)
        reminder.updated_at = now
    return True
