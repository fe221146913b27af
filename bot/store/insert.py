"""INSERT ... ON CONFLICT on SQLite and PostgreSQL: written once, here.

Both databases spell it alike, but SQLAlchemy builds it from each dialect's own
``insert``. ``RETURNING`` tells the caller whether its row was new: the drivers disagree
on an INSERT's ``rowcount``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert


def insert_or_ignore(model: Any, keys: Sequence[str], returning: Any, *, on_sqlite: bool) -> Insert:
    """An insert of ``model`` rows that skips a row whose ``keys`` are taken.

    Args:
        model: the mapped class (or table).
        keys: the columns of the unique index that decides.
        returning: the column the statement returns for each new row.
        on_sqlite: whether it runs on SQLite (else PostgreSQL).

    """
    dialect = sqlite if on_sqlite else postgresql
    statement: Insert = (
        dialect.insert(model).on_conflict_do_nothing(index_elements=list(keys)).returning(returning)
    )
    return statement


def upsert(model: Any, keys: Sequence[str], values: dict[str, Any], *, on_sqlite: bool) -> Insert:
    """An insert of one row that, when its ``keys`` are taken, updates that row instead.

    One statement, where the ORM's ``merge`` reads the row first and then writes it.

    Args:
        model: the mapped class (or table).
        keys: the columns of the unique index that decides.
        values: the row's columns.
        on_sqlite: whether it runs on SQLite (else PostgreSQL).

    """
    dialect = sqlite if on_sqlite else postgresql
    statement = dialect.insert(model).values(**values)
    changed = {name: value for name, value in values.items() if name not in keys}
    result: Insert = statement.on_conflict_do_update(index_elements=list(keys), set_=changed)
    return result


def on_sqlite(session: Session) -> bool:
    """Whether ``session`` talks to SQLite."""
    return session.get_bind().dialect.name == "sqlite"
