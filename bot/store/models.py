"""Typed SQLAlchemy models. Every row is scoped by Slack workspace and user (or via its deal).

The schema itself is owned by the Alembic migrations in ``migrations/``; a test checks
these models and the migrated schema agree.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (migrations rely on them)."""

    metadata = MetaData(naming_convention=NAMING)


class UserRow(Base):
    """A person in a workspace; holds which deal their commands act on."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", name="uq_users_workspace_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    active_deal_id: Mapped[int | None] = mapped_column(
        ForeignKey("deals.id", ondelete="SET NULL", use_alter=True), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # IANA time zone from Slack's users.info; reminders and meeting times use it.
    tz: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tz_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class DealRow(Base):
    """One negotiation: phase and counters as columns, the preparation as a JSON document."""

    __tablename__ = "deals"
    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id", "name_key", name="uq_deals_owner_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    # Lower-cased name: deal names are unique per user regardless of case.
    name_key: Mapped[str] = mapped_column(String(120))
    context: Mapped[str] = mapped_column(String(20))
    phase: Mapped[str] = mapped_column(String(20))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    moves_count: Mapped[int] = mapped_column(Integer, default=0)
    unpaired_gives: Mapped[int] = mapped_column(Integer, default=0)
    one_way_streak: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_move_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MoveRow(Base):
    """One entry of a deal's log."""

    __tablename__ = "moves"
    __table_args__ = (
        UniqueConstraint("deal_id", "seq", name="uq_moves_deal_seq"),
        # Finds the latest unpaired give, and the latest moves of given kinds, by index.
        Index("ix_moves_deal_kind_paired_seq", "deal_id", "kind", "paired", "seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    item: Mapped[str] = mapped_column(Text, default="")
    give: Mapped[str] = mapped_column(Text, default="")
    get: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    give_us: Mapped[int | None] = mapped_column(Integer, nullable=True)
    give_them: Mapped[int | None] = mapped_column(Integer, nullable=True)
    get_us: Mapped[int | None] = mapped_column(Integer, nullable=True)
    get_them: Mapped[int | None] = mapped_column(Integer, nullable=True)
    trigger: Mapped[str] = mapped_column(Text, default="")
    paired: Mapped[bool] = mapped_column(Boolean, default=False)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2), nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JournalRow(Base):
    """One undoable change to a deal: the deal before it, and the moves it added or altered.

    Written in the transaction of the change itself, so the journal never disagrees with
    the deal; only the latest few per deal are kept.
    """

    __tablename__ = "journal_entries"
    __table_args__ = (
        # `undo` reads a deal's newest entry, and pruning its oldest, by this index.
        Index("ix_journal_entries_deal_id", "deal_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    # flows.journal.deal_state(): phase, counters, last move time and the facts document.
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    added_moves: Mapped[list[int]] = mapped_column(JSON)
    moves_before: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReminderRow(Base):
    """A user's daily prep reminder and when it is next due (the row workers claim)."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id", name="uq_reminders_workspace_user"),
        # Workers look for due rows by this index, oldest first.
        Index("ix_reminders_next_due_at", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    # Local wall-clock time, minutes after midnight.
    at_minutes: Mapped[int] = mapped_column(Integer)
    days: Mapped[str] = mapped_column(String(10))
    snoozed_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    next_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set while a worker prepares this reminder; an expired lease lets another take over.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamMemberRow(Base):
    """A rep and their manager; a rep has at most one manager per workspace."""

    __tablename__ = "team_members"
    __table_args__ = (
        UniqueConstraint("workspace_id", "member_id", name="uq_team_members_workspace_member"),
        Index("ix_team_members_manager", "workspace_id", "manager_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    manager_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamInviteRow(Base):
    """A manager's pending ``team add``: the rep joins only when they accept it."""

    __tablename__ = "team_invites"
    __table_args__ = (
        UniqueConstraint(
            "workspace_id",
            "member_id",
            "manager_id",
            name="uq_team_invites_workspace_member_manager",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    manager_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamPolicyRow(Base):
    """A rule a manager switched on for their team (``value`` is e.g. a number of hours)."""

    __tablename__ = "team_policies"
    __table_args__ = (
        UniqueConstraint("workspace_id", "manager_id", "code", name="uq_team_policies_rule"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    manager_id: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(40))
    value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NudgeRow(Base):
    """A manager's nudge on a deal; at most one per deal per (manager's) day."""

    __tablename__ = "nudges"
    __table_args__ = (UniqueConstraint("deal_id", "day", name="uq_nudges_deal_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(String(64))
    manager_id: Mapped[str] = mapped_column(String(64))
    gap: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DeliveryRow(Base):
    """A message to one user, written in the transaction that decided to send it (outbox).

    The unique key makes "never twice" a database fact: a reminder for a local date, a
    digest for a week or a nudge for a deal and day can be queued only once. Workers claim
    pending rows, send, and mark them sent.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint(
            "workspace_id", "user_id", "kind", "dedupe_key", name="uq_deliveries_once"
        ),
        Index("ix_deliveries_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    dedupe_key: Mapped[str] = mapped_column(String(80))
    # pending -> sending -> sent | failed | expired
    status: Mapped[str] = mapped_column(String(10))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # A missed message that is no longer useful after this is expired, not sent.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
