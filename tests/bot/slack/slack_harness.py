"""The running app under test, shared by the Slack front's test modules and conftest."""

from __future__ import annotations

from dataclasses import dataclass

from auxil.fake_slack import FakeSlack, SignedSlackClient
from bot.service import CoachService
from bot.store.database import Database

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


@dataclass
class Running:
    """The app under test, the fake Slack it talks to, and a signed client."""

    slack: SignedSlackClient
    fake: FakeSlack
    database: Database
    service: CoachService
    base_url: str
