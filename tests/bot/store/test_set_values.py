"""Tests for bot/store/set_values.py: a prebuilt UPDATE fed by column name."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, create_engine, update

from bot.store.set_values import bound_set, set_values


def test_a_prebuilt_update_takes_its_values_by_column_name() -> None:
    table = Table(
        "things", MetaData(), Column("id", Integer, primary_key=True), Column("status", String)
    )
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    statement = update(table).where(table.c.id == bindparam("row")).values(bound_set(["status"]))
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"id": 1, "status": "pending"}, {"id": 2, "status": "x"}])
        conn.execute(statement, {"row": 1, **set_values({"status": "done"})})
        assert conn.execute(table.select().order_by(table.c.id)).all() == [(1, "done"), (2, "x")]
