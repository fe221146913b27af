"""The delivery outbox's store: when the next pending delivery falls due.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL. Claiming,
sending and handing back are covered end to end by the planner's and worker's tests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.store.database import Database
from bot.store.deliveries import SENT, delivery_values, queue_deliveries, soonest_pending_due
from bot.store.models import DeliveryRow

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
WINDOW = timedelta(seconds=30)


def queue(database: Database, key: str, due_in: timedelta) -> int:
    row = delivery_values("T1", "U1", "nudge", key, {}, NOW + due_in, None, NOW)
    with database.session() as session:
        (row_id,) = queue_deliveries(session, [row])
    return row_id


def test_the_soonest_pending_delivery_within_the_window(database: Database) -> None:
    assert soonest_pending_due(database, NOW, NOW + WINDOW) is None
    queue(database, "due already", timedelta(seconds=-1))  # claimable now, not a retry
    queue(database, "due at the start", timedelta(0))  # not after NOW
    queue(database, "too late", WINDOW + timedelta(seconds=1))
    assert soonest_pending_due(database, NOW, NOW + WINDOW) is None
    sent = queue(database, "sent", timedelta(seconds=2))
    with database.session() as session:
        session.execute(update(DeliveryRow).where(DeliveryRow.id == sent).values(status=SENT))
    queue(database, "later", timedelta(seconds=20))
    queue(database, "at the end", WINDOW)
    queue(database, "soonest", timedelta(seconds=5))
    soonest = soonest_pending_due(database, NOW, NOW + WINDOW)
    assert soonest == NOW + timedelta(seconds=5) and soonest.tzinfo is not None
