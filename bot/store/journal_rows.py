"""The undo journal in SQL: entries as rows, the latest few per deal.

The entries themselves are made and applied by :mod:`flows.journal`; this only stores
them, in the caller's transaction.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from bot.store.mapping import utc
from bot.store.models import JournalRow
from flows.changes import JournalEntry

# Built once, on the table: this runs on every change a user makes, and Core statements
# with bound values skip the ORM's bulk path, the session's autoflush and rebuilding the
# statement each time. Journal rows are never kept in the session, so a delete has no
# loaded objects to bring in line.
_JOURNAL = cast(Table, JournalRow.__table__)
_INSERT = insert(_JOURNAL).returning(_JOURNAL.c.id)
_PRUNE = delete(_JOURNAL).where(
    _JOURNAL.c.deal_id == bindparam("deal"),
    # Everything at or below the entry ``keep`` places down from the newest: usually the
    # one row that just fell off the end, none while the deal has fewer.
    _JOURNAL.c.id
    <= select(_JOURNAL.c.id)
    .where(_JOURNAL.c.deal_id == bindparam("deal"))
    .order_by(_JOURNAL.c.id.desc())
    .limit(1)
    .offset(bindparam("keep"))
    .scalar_subquery(),
)


def add_entry(session: Session, entry: JournalEntry, keep: int) -> None:
    """Insert ``entry`` and delete the deal's entries older than its latest ``keep``."""
    entry.id = session.scalar(
        _INSERT,
        {
            "deal_id": entry.deal_id,
            "label": entry.label,
            "state": entry.state,
            "added_moves": list(entry.added_moves),
            "moves_before": list(entry.moves_before),
            "created_at": entry.created_at,
        },
    )
    session.execute(_PRUNE, {"deal": entry.deal_id, "keep": keep})


def last_entry(session: Session, deal_id: int) -> JournalEntry | None:
    """The deal's newest entry."""
    row = session.execute(
        select(
            JournalRow.id,
            JournalRow.label,
            JournalRow.state,
            JournalRow.added_moves,
            JournalRow.moves_before,
            JournalRow.created_at,
        )
        .where(JournalRow.deal_id == deal_id)
        .order_by(JournalRow.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return JournalEntry(
        id=row.id,
        deal_id=deal_id,
        label=row.label,
        state=row.state,
        added_moves=list(row.added_moves),
        moves_before=list(row.moves_before),
        created_at=utc(row.created_at) or row.created_at,
    )


def drop_entry(session: Session, entry: JournalEntry) -> None:
    """Delete an entry that has been undone."""
    session.execute(
        delete(_JOURNAL).where(_JOURNAL.c.id == entry.id, _JOURNAL.c.deal_id == entry.deal_id)
    )
