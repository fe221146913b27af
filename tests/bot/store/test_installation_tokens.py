"""Stored tokens read and rewritten as raw values, table by table, on every backend.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL. The tables
are the test's own, shaped like the Slack installation tables (an ``id`` and some token
columns), so the store needs nothing from the Slack front.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, select

from bot.store.database import Database
from bot.store.installation_tokens import replace_token, stored_tokens

COLUMNS = ("bot_token", "user_token")
metadata = MetaData()
installs = Table(
    "test_installs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bot_token", String(200), nullable=True),
    Column("user_token", String(200), nullable=True),
)
# No user_token column: read for the columns it has.
bots = Table(
    "test_bots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bot_token", String(200), nullable=True),
)


def fill(database: Database) -> None:
    metadata.create_all(database.engine)
    with database.engine.begin() as conn:
        conn.execute(
            installs.insert(),
            [
                {"id": 1, "bot_token": "xoxb-1", "user_token": None},
                {"id": 2, "bot_token": None, "user_token": "xoxp-2"},
            ],
        )
        conn.execute(bots.insert(), [{"id": 7, "bot_token": "xoxb-7"}])


def test_every_non_null_token_of_every_table(database: Database) -> None:
    fill(database)
    with database.engine.connect() as conn:
        found = [
            (table.name, column, row_id, value)
            for table, column, row_id, value in stored_tokens(conn, (installs, bots), COLUMNS)
        ]
    assert sorted(found) == [
        ("test_bots", "bot_token", 7, "xoxb-7"),
        ("test_installs", "bot_token", 1, "xoxb-1"),
        ("test_installs", "user_token", 2, "xoxp-2"),
    ]


def test_replace_token_rewrites_one_cell(database: Database) -> None:
    fill(database)
    with database.engine.begin() as conn:
        replace_token(conn, installs, "user_token", 2, "secret")
    with database.engine.connect() as conn:
        rows = conn.execute(select(installs).order_by(installs.c.id)).all()
        assert [tuple(row) for row in rows] == [(1, "xoxb-1", None), (2, None, "secret")]
        assert conn.execute(select(bots.c.bot_token)).scalar_one() == "xoxb-7"
