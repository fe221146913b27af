"""The digest of the Home tab view last published to each Slack user.

The table is ``slack_home_views`` (:mod:`bot.store.slack_tables`);
:mod:`bot.slack.home_publish` compares a new view's digest with the stored one and sends
the view only when they differ. Kept in the store, not in memory, so that every worker
process compares with what Slack really shows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.store.database import Database
from bot.store.insert import upsert
from bot.store.slack_tables import SlackHomeViewRow


def shown_digest(session: Session, workspace_id: str, user_id: str) -> str | None:
    """The digest of the view last published to the user; None before the first.

    Args:
        session: an open session (the publisher reads the deals in the same one).
        workspace_id: the Slack team id.
        user_id: the Slack user id.

    """
    shown = session.get(SlackHomeViewRow, (workspace_id, user_id))
    return shown.digest if shown is not None else None


def record_digest(
    database: Database, workspace_id: str, user_id: str, digest: str, now: datetime
) -> None:
    """Keep the digest of the view just published to the user (one short transaction).

    Args:
        database: the store.
        workspace_id: the Slack team id.
        user_id: the Slack user id.
        digest: the published view's digest.
        now: when it was published.

    """
    # One upsert: the ORM's merge read the row first, and two workers publishing to the
    # same user at once could both find none and collide on the insert.
    with database.session() as session:
        session.execute(
            upsert(
                SlackHomeViewRow,
                ["workspace_id", "user_id"],
                {
                    "workspace_id": workspace_id,
                    "user_id": user_id,
                    "digest": digest,
                    "published_at": now,
                },
                on_sqlite=database.is_sqlite,
            )
        )


def forget_home_views(session: Session, workspace_id: str) -> int:
    """Delete a workspace's digests (after an uninstall); the number deleted.

    Args:
        session: the caller's open session.
        workspace_id: the Slack team id.

    """
    result = session.execute(
        delete(SlackHomeViewRow).where(SlackHomeViewRow.workspace_id == workspace_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)
