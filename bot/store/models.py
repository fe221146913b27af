"""Typed SQLAlchemy models. Every row is scoped by Slack workspace and user (or via its deal).

The schema itself is owned by the Alembic migrations in ``migrations/``; a test checks
these models and the migrated schema agree.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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
