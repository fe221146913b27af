"""Rows to the engine's objects and back: deals, moves and reminders."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from bot.store.models import DealRow, MoveRow, ReminderRow
from flows.model import Deal, Move
from flows.schedule import Reminder
from flows.vocabulary import as_phase


def deal_of(row: DealRow) -> Deal:
    """The deal a row holds."""
    deal = Deal(
        id=row.id,
        name=row.name,
        context=row.context,
        phase=as_phase(row.phase),
        moves_count=row.moves_count,
        unpaired_gives=row.unpaired_gives,
        one_way_streak=row.one_way_streak,
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
        last_move_at=utc(row.last_move_at),
    )
    deal.load_facts(row.facts or {})
    return deal


_MOVE_FIELDS = (
    "kind",
    "item",
    "give",
    "get",
    "text",
    "give_us",
    "give_them",
    "get_us",
    "get_them",
    "trigger",
    "paired",
    "amount",
    "currency",
)


def copy_move(move: Move, row: MoveRow) -> None:
    """Write a move's fields into its row."""
    for name, value in move_values(move, row.created_at).items():
        setattr(row, name, value)


def move_values(move: Move, created_at: datetime | None = None) -> dict[str, Any]:
    """A move's fields as its row's columns (not its id, deal or sequence number).

    Args:
        move: the move.
        created_at: the row's time, kept when the move has none of its own.

    """
    values = {name: getattr(move, name) for name in _MOVE_FIELDS}
    values["warnings"] = list(move.warnings)
    values["created_at"] = move.created_at or created_at or datetime.now(UTC)
    return values


def move_of(row: MoveRow) -> Move:
    """The move a row holds."""
    move = Move(kind=row.kind, seq=row.seq, id=row.id)  # type: ignore[arg-type]
    for name in _MOVE_FIELDS[1:]:
        setattr(move, name, getattr(row, name))
    move.warnings = list(row.warnings or [])
    move.created_at = utc(row.created_at)
    return move


def reminder_of(row: ReminderRow, tz: str) -> Reminder:
    """The reminder a row holds, in the user's current time zone."""
    at = time(row.at_minutes // 60, row.at_minutes % 60)
    return Reminder(
        at=at,
        days=row.days,  # type: ignore[arg-type]
        tz=tz,
        snoozed_until=row.snoozed_until,
    )


def utc(value: datetime | None) -> datetime | None:
    """The value as an aware UTC datetime."""
    # SQLite hands back naive datetimes; everything we store is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
