"""A user's row: found by workspace and Slack id, and its time zone kept from Slack's profile.

When the time zone changes, the user's reminder follows it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.mapping import reminder_of
from bot.store.models import ReminderRow, UserRow
from flows.schedule import next_due, valid_zone


def find_user(session: Session, workspace_id: str, user_id: str) -> UserRow | None:
    """The user's row, read without a lock; None when they never typed a command.

    Args:
        session: an open session.
        workspace_id: the Slack team id.
        user_id: the Slack user id.

    """
    return session.scalar(
        select(UserRow).where(UserRow.workspace_id == workspace_id, UserRow.user_id == user_id)
    )


def stored_time_zone(session: Session, workspace_id: str, user_id: str) -> str | None:
    """The time zone stored on the user's row, as stored (None: no row, or none yet).

    Args:
        session: an open session.
        workspace_id: the Slack team id.
        user_id: the Slack user id.

    """
    return session.scalar(
        select(UserRow.tz).where(UserRow.workspace_id == workspace_id, UserRow.user_id == user_id)
    )


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
