"""Shared fixtures: the engine, in-memory deal spaces, and databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auxil.databases import make_database
from auxil.memory import MemoryDealSpace
from auxil.transcripts import Transcript
from bot.store.database import Database
from flows.engine import Engine

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture
def transcript(engine: Engine) -> Transcript:
    return Transcript(engine, MemoryDealSpace(), NOW)


def _backends() -> list[str]:
    return ["sqlite", "postgres"]


@pytest.fixture(params=_backends())
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each backend; PostgreSQL only with TEST_DATABASE_URL."""
    with make_database(request.param, tmp_path) as db:
        yield db


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs on PostgreSQL, so `-m postgres` (or its negation) selects it."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgres" in callspec.params.values():
            item.add_marker(pytest.mark.postgres)


def pytest_report_header() -> list[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    return [f"PostgreSQL store tests: {'on ' + url if url else 'skipped (no TEST_DATABASE_URL)'}"]
