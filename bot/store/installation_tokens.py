"""The Slack installations' stored tokens, read and rewritten as the raw column values.

Encrypting them is :mod:`bot.slack.token_crypto`'s job, and the tables are the caller's
(the Slack front declares them); this only reads and writes the rows, on the caller's
connection and in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Table, select, update


def stored_tokens(
    conn: Connection, tables: Iterable[Table], columns: Iterable[str]
) -> Iterator[tuple[Table, str, Any, str]]:
    """Every non-null stored token: (table, column, row id, raw value).

    Args:
        conn: an open connection.
        tables: the tables to read; each has an ``id`` column.
        columns: the token columns' names; a table without one of them is read for the
            others.

    """
    names = tuple(columns)
    for table in tables:
        present = [table.c[name] for name in names if name in table.c]
        for row in conn.execute(select(table.c.id, *present)).mappings():
            for column in present:
                value = row[column.name]
                if value is not None:
                    yield table, column.name, row["id"], value


def replace_token(conn: Connection, table: Table, column: str, row_id: Any, value: str) -> None:
    """Store ``value`` as the token in ``column`` of the row ``row_id`` of ``table``.

    Args:
        conn: an open connection, in the caller's transaction.
        table: the table holding the token.
        column: the token column's name.
        row_id: the row's ``id``.
        value: the new raw value.

    """
    conn.execute(update(table).where(table.c.id == row_id).values({column: value}))
