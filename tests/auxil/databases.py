"""Databases for store tests: a SQLite file, or a throwaway schema in PostgreSQL.

PostgreSQL runs when ``TEST_DATABASE_URL`` is set. Under ``CI=true`` an unreachable
server fails the run instead of skipping, so CI cannot go green without it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.settings import normalise_database_url
from bot.store.database import Database


def postgres_url() -> str | None:
    """The PostgreSQL URL to test against, or None (skip) outside CI."""
    raw = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not raw:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but TEST_DATABASE_URL is not set: PostgreSQL tests cannot run")
        pytest.skip("TEST_DATABASE_URL is not set")
    return normalise_database_url(raw)


@contextmanager
def make_database(backend: str, tmp_path: Path) -> Iterator[Database]:
    """A migrated database on ``backend``, removed afterwards."""
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'store.db'}")
        db.upgrade()
        try:
            yield db
        finally:
            db.dispose()
        return
    url = postgres_url()
    assert url is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        admin.dispose()
        message = f"PostgreSQL at {make_url(url).render_as_string()} is unreachable: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    db = Database(scoped.render_as_string(hide_password=False))
    db.upgrade()
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
