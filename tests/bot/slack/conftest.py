"""Fixtures for the Slack front: a fake Slack, a SQLite file, the real app over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_harness import SECRET, TOKEN, Running

from auxil.fake_slack import FakeSlack, SignedSlackClient, serve_wsgi
from bot.service import CoachService
from bot.slack.app import build_app
from bot.slack.config import SlackSettings
from bot.slack.serve import wsgi_application
from bot.store.database import Database


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def slack_database(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'slack.db'}")
    database.upgrade()
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def settings(fake_slack: FakeSlack) -> SlackSettings:
    return SlackSettings(bot_token=TOKEN, signing_secret=SECRET, api_url=fake_slack.api_url)


@pytest.fixture
def running(
    fake_slack: FakeSlack, slack_database: Database, settings: SlackSettings
) -> Iterator[Running]:
    service = CoachService(slack_database)
    app = build_app(settings, service)
    with serve_wsgi(wsgi_application(app, slack_database)) as base_url:
        yield Running(
            SignedSlackClient(base_url, SECRET, fake_slack),
            fake_slack,
            slack_database,
            service,
            base_url,
        )
    # Let listeners still at work (a Home refresh after the reply) finish while the fake
    # Slack is up, so no thread outlives its test.
    app.listener_runner.listener_executor.shutdown(wait=True)
