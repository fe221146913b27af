"""Who has had the Slack welcome DM: claimed before it is sent, given back if it was not.

The table is ``slack_welcomed`` (:mod:`bot.store.slack_tables`); :mod:`bot.slack.onboarding`
decides when each of these runs. The claim is an insert that does nothing when the row
exists, so two visits at the same moment welcome once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from bot.store.database import Database
from bot.store.insert import insert_or_ignore
from bot.store.slack_tables import SlackWelcomedRow


def claim_welcome(database: Database, workspace_id: str, user_id: str, now: datetime) -> bool:
    """Record that the user is being welcomed; False when they were already.

    Args:
        database: the store.
        workspace_id: the Slack team id.
        user_id: the Slack user id.
        now: the current time.

    """
    with database.session() as session:
        result = session.execute(
            insert_or_ignore(
                SlackWelcomedRow,
                ["workspace_id", "user_id"],
                SlackWelcomedRow.user_id,
                on_sqlite=database.is_sqlite,
            ).values(workspace_id=workspace_id[:64], user_id=user_id[:64], welcomed_at=now)
        )
        return result.first() is not None


def release_welcome(database: Database, workspace_id: str, user_id: str) -> None:
    """Forget a welcome that was not delivered, so the next visit sends it.

    Args:
        database: the store.
        workspace_id: the Slack team id.
        user_id: the Slack user id.

    """
    with database.session() as session:
        session.execute(
            delete(SlackWelcomedRow).where(
                SlackWelcomedRow.workspace_id == workspace_id[:64],
                SlackWelcomedRow.user_id == user_id[:64],
            )
        )
