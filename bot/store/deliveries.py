"""The delivery outbox: messages queued in the transaction that decided them, sent later.

A row is unique per (workspace, user, kind, key), so queueing the same reminder day, digest
week or nudge twice is a no-op. Senders claim rows with a lease (``FOR UPDATE SKIP LOCKED``
on PostgreSQL), send, then mark them; a claim whose worker died expires and is taken again,
and the sender checks Slack before sending such a row a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.store.database import Database
from bot.store.insert import insert_or_ignore, on_sqlite
from bot.store.mapping import utc
from bot.store.models import DeliveryRow

PENDING, SENDING, SENT, FAILED, EXPIRED = "pending", "sending", "sent", "failed", "expired"
# Long enough for Slack's retries (a 429 may ask for 30 s, twice); a dead worker's claims
# are taken over after it.
SEND_LEASE = timedelta(minutes=3)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Outgoing:
    """A claimed delivery, ready to send."""

    id: int
    workspace_id: str
    user_id: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    lease_until: datetime
    channel: str | None


def delivery_values(
    workspace_id: str,
    user_id: str,
    kind: str,
    key: str,
    payload: dict[str, Any],
    due_at: datetime,
    expires_at: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    """One outbox row's values, for :func:`queue_deliveries`.

    Args:
        workspace_id: the Slack team id.
        user_id: who gets it.
        kind: ``prep``, ``digest``, ``nudge`` or ``team``.
        key: what makes it unique within the kind (a local date, a deal and day...).
        payload: the message content, front-neutral JSON.
        due_at: send from this time.
        expires_at: after this nobody wants it any more (None: never).
        now: the current time.

    """
    return {
        "workspace_id": workspace_id,
        "user_id": user_id,
        "kind": kind,
        "dedupe_key": key[:80],
        "status": PENDING,
        "payload": payload,
        "due_at": due_at,
        "expires_at": expires_at,
        "attempts": 0,
        "created_at": now,
    }


def queue_deliveries(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Queue messages in the caller's transaction, skipping any queued before.

    Returns the ids of the rows that were new. Rows come from :func:`delivery_values`.
    """
    if not rows:
        return []
    statement = insert_or_ignore(
        DeliveryRow,
        ["workspace_id", "user_id", "kind", "dedupe_key"],
        DeliveryRow.id,
        on_sqlite=on_sqlite(session),
    )
    return [int(row.id) for row in session.execute(statement, rows)]


def soonest_pending_due(database: Database, after: datetime, until: datetime) -> datetime | None:
    """When the first pending delivery due after ``after`` and by ``until`` is due; else None.

    Args:
        database: the database.
        after: only deliveries due later than this (those due already are claimable now).
        until: only deliveries due by this time.

    """
    with database.session() as session:
        soonest = session.scalar(
            select(func.min(DeliveryRow.due_at)).where(
                DeliveryRow.status == PENDING,
                DeliveryRow.due_at > after,
                DeliveryRow.due_at <= until,
            )
        )
    return utc(soonest)


def claim_deliveries(
    database: Database, now: datetime, limit: int, *, ids: list[int] | None = None
) -> list[Outgoing]:
    """Lease up to ``limit`` deliveries that are due (or only ``ids``) and expire stale ones.

    Args:
        database: the database.
        now: the current time.
        limit: the most rows to take.
        ids: only these rows (a front sending what its command just queued).

    """
    lease = now + SEND_LEASE
    with database.session() as session:
        query = (
            select(DeliveryRow)
            .where(
                DeliveryRow.status.in_((PENDING, SENDING)),
                DeliveryRow.due_at <= now,
                or_(DeliveryRow.lease_until.is_(None), DeliveryRow.lease_until < now),
            )
            .order_by(DeliveryRow.due_at, DeliveryRow.id)
            .limit(limit)
        )
        if ids is not None:
            query = query.where(DeliveryRow.id.in_(ids))
        if not database.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        taken: list[Outgoing] = []
        for row in session.scalars(query):
            expires = utc(row.expires_at)
            if (expires is not None and now >= expires) or row.attempts >= MAX_ATTEMPTS:
                row.status = EXPIRED if row.attempts < MAX_ATTEMPTS else FAILED
                row.lease_until = None
                continue
            row.status, row.attempts, row.lease_until = SENDING, row.attempts + 1, lease
            taken.append(
                Outgoing(
                    row.id,
                    row.workspace_id,
                    row.user_id,
                    row.kind,
                    dict(row.payload),
                    row.attempts,
                    utc(row.created_at) or now,
                    lease,
                    row.channel,
                )
            )
        return taken


def finish_delivery(
    database: Database,
    item: Outgoing,
    now: datetime,
    *,
    channel: str | None,
    ts: str | None,
    error: str | None = None,
    retry_at: datetime | None = None,
) -> bool:
    """Record the outcome of sending ``item``: sent, to retry at ``retry_at``, or failed.

    Only the worker still holding the lease may write; returns False when the lease was lost
    (another worker took over, and will find the message in Slack before sending again).

    Args:
        database: the database.
        item: the claimed delivery.
        now: the current time.
        channel: the DM channel, once known.
        ts: the sent message's timestamp (None when it was not sent).
        error: why it failed.
        retry_at: when to try again (None with no ``ts``: give up).

    """
    if ts is not None:
        values: dict[str, Any] = {"status": SENT, "sent_at": now, "ts": ts, "lease_until": None}
    elif retry_at is not None:
        values = {"status": PENDING, "due_at": retry_at, "lease_until": None}
    else:
        values = {"status": FAILED, "lease_until": None}
    if channel is not None:
        values["channel"] = channel
    if error is not None:
        values["error"] = error[:200]
    with database.session() as session:
        result = session.execute(
            update(DeliveryRow)
            .where(
                DeliveryRow.id == item.id,
                DeliveryRow.status == SENDING,
                DeliveryRow.lease_until == item.lease_until,
            )
            .values(**values)
        )
        return bool(getattr(result, "rowcount", 0))


def release_deliveries(database: Database, items: list[Outgoing], *, untried: bool = False) -> int:
    """Hand claimed deliveries back to the outbox, due at once, for another worker (a stop).

    Only rows still under this claim's lease are touched. A row possibly posted already
    keeps its attempt count, so whoever takes it next looks in the DM before posting.

    Args:
        database: the database.
        items: deliveries this worker claimed and did not finish.
        untried: none of them was posted or even attempted: their attempt is not counted.

    Returns:
        How many rows were handed back.

    """
    if not items:
        return 0
    done = 0
    with database.session() as session:
        for item in items:
            values: dict[str, Any] = {"status": PENDING, "lease_until": None}
            if untried:
                values["attempts"] = DeliveryRow.attempts - 1
            result = session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.id == item.id,
                    DeliveryRow.status == SENDING,
                    DeliveryRow.lease_until == item.lease_until,
                )
                .values(**values)
            )
            done += int(getattr(result, "rowcount", 0) or 0)
    return done
