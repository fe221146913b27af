"""Messages a command caused for someone else (a nudge, "you were added to a team").

Each :class:`~flows.replies.Notice` is queued in the outbox inside the command's own
transaction (:func:`bot.store.deliveries.queue_deliveries`), so it exists exactly when the
command committed, once. Right after the commit the listener sends just those rows with a
:class:`~bot.slack.sender.Sender`, so the rep has the DM within seconds; when Slack fails
then, the row stays in the outbox and the background worker (inside ``dealcoach serve``)
retries it, with the sender's own check that it was not posted already.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.slack.sender import Sender, SendStats, sender_client
from bot.store.database import Database
from bot.store.deliveries import delivery_values, queue_deliveries
from flows.replies import Notice

log = logging.getLogger(__name__)


def notice_payload(notice: Notice) -> dict[str, Any]:
    """A notice as the outbox's front-neutral JSON (what :mod:`bot.slack.notices` renders)."""
    return {
        "text": notice.text,
        "deal": notice.deal,
        "gap": notice.gap,
        "lines": list(notice.lines),
        "steps": list(notice.next_steps),
        "people": list(notice.people),
    }


def queue_notices(
    session: Session, workspace_id: str, notices: Sequence[Notice], now: datetime
) -> tuple[int, ...]:
    """Queue each notice in the caller's transaction; the ids of the rows newly queued.

    A notice queued before (same kind and key) is not queued again, and not returned: it
    was sent, or the worker has it.

    Args:
        session: the command's open session.
        workspace_id: the Slack team id.
        notices: what the accepted reply carries.
        now: the command's time; the notices are due at once and never expire.

    """
    return tuple(
        queue_deliveries(
            session,
            [
                delivery_values(
                    workspace_id,
                    notice.user_id,
                    notice.kind,
                    notice.key,
                    notice_payload(notice),
                    due_at=now,
                    expires_at=None,
                    now=now,
                )
                for notice in notices
            ],
        )
    )


def send_now(
    database: Database,
    api_url: str,
    token: str | None,
    ids: Sequence[int],
    clock: Callable[[], datetime],
) -> SendStats | None:
    """Send the just-queued rows ``ids`` with the request's bot token; never raises.

    A row Slack refuses now stays queued with a retry time, for the background worker.

    Args:
        database: the database holding the outbox.
        api_url: the Web API base URL.
        token: the workspace's bot token (the request's).
        ids: the outbox rows the command queued.
        clock: the coach's clock.

    """
    if not ids:
        return None
    # The sender's own client: it never re-posts blindly after a 5xx (the request's does).
    client = sender_client(api_url, token)
    try:
        return Sender(database, lambda _workspace: client, clock).run(ids=list(ids))
    except Exception:  # the worker retries the rows; the command itself already succeeded
        log.exception("sending notices %s at once failed; the worker will retry them", ids)
        return None
