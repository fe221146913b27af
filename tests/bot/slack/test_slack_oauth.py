"""Multi-workspace OAuth: install, per-installation tokens, token rotation, revocation."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("greenlet", reason="slack_sdk's SQLAlchemy stores need greenlet")

from cryptography.fernet import Fernet
from slack_harness import SECRET, Running, raw_tokens
from sqlalchemy import MetaData, func, select

from auxil.fake_slack import FakeSlack, SignedSlackClient, serve_wsgi
from bot.service import CoachService
from bot.slack.app import build_app
from bot.slack.config import BOT_SCOPES, SlackSettings
from bot.slack.serve import wsgi_application
from bot.slack.token_crypto import TOKEN_COLUMNS, is_encrypted
from bot.store import slack_tables
from bot.store.database import Database
from bot.store.models import Base

CLIENT_ID = "111.222"
KEY = Fernet.generate_key().decode()


@pytest.fixture(params=[None, KEY], ids=["plain", "encrypted"])
def secret_key(request: pytest.FixtureRequest) -> str | None:
    """Every OAuth test runs with tokens in plain text and encrypted (DEALCOACH_SECRET_KEY)."""
    return request.param  # type: ignore[no-any-return]


def test_our_table_declarations_match_slack_sdks() -> None:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    theirs = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(theirs, slack_tables.INSTALLATIONS_TABLE)
    SQLAlchemyInstallationStore.build_bots_table(theirs, slack_tables.BOTS_TABLE)
    SQLAlchemyOAuthStateStore.build_oauth_states_table(theirs, slack_tables.OAUTH_STATES_TABLE)
    for name, table in theirs.tables.items():
        ours = Base.metadata.tables[name]

        def shape(t: Any) -> list[tuple[Any, ...]]:
            # Our token columns are wider (they hold encrypted tokens); the rest is theirs.
            return [
                (
                    c.name,
                    "token" if c.name in TOKEN_COLUMNS else repr(c.type),
                    c.nullable,
                    c.primary_key,
                )
                for c in t.columns
            ]

        assert shape(ours) == shape(table), name
        assert {(i.name, tuple(c.name for c in i.columns)) for i in ours.indexes} == {
            (i.name, tuple(c.name for c in i.columns)) for i in table.indexes
        }


def _access(body: dict[str, Any]) -> dict[str, Any]:
    """oauth.v2.access: an install (code-<team>) or a refresh of a rotating token."""
    if body.get("grant_type") == "refresh_token":
        return {
            "ok": True,
            "app_id": "A1",
            "token_type": "bot",
            "scope": "commands,chat:write",
            "access_token": "xoxb-rotated",
            "refresh_token": "xoxe-2",
            "expires_in": 43200,
            "bot_user_id": "UBOT",
            "team": {"id": "T8", "name": "T8"},
            "enterprise": None,
            "is_enterprise_install": False,
        }
    team = str(body["code"]).removeprefix("code-")
    answer: dict[str, Any] = {
        "ok": True,
        "app_id": "A1",
        "authed_user": {"id": "UADMIN"},
        "scope": ",".join(BOT_SCOPES),
        "token_type": "bot",
        "access_token": f"xoxb-{team}",
        "bot_user_id": "UBOT",
        "team": {"id": team, "name": f"Team {team}"},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if team == "T8":  # a workspace with token rotation on, its token about to expire
        answer.update(refresh_token="xoxe-1", expires_in=60)
    return answer


@pytest.fixture
def oauth_running(
    fake_slack: FakeSlack, slack_database: Database, secret_key: str | None
) -> Iterator[Running]:
    fake_slack.answer("oauth.v2.access", _access)
    settings = SlackSettings(
        client_id=CLIENT_ID,
        client_secret="client-secret",
        signing_secret=SECRET,
        api_url=fake_slack.api_url,
        secret_key=secret_key,
    )
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
    app.listener_runner.listener_executor.shutdown(wait=True)


def _get(url: str, cookie: str | None = None) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def _install(running: Running, team: str) -> None:
    status, page, headers = _get(running.base_url + "/slack/install")
    assert status == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page)
    assert link is not None
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == [",".join(BOT_SCOPES)]
    state = query["state"][0]
    cookie = {k.lower(): v for k, v in headers.items()}["set-cookie"].split(";", 1)[0]
    status, page, _ = _get(
        f"{running.base_url}/slack/oauth_redirect?code=code-{team}&state={state}", cookie
    )
    assert status == 200, page


def _bots(database: Database, team: str) -> int:
    with database.engine.connect() as conn:
        return int(
            conn.scalar(
                select(func.count())
                .select_from(slack_tables.slack_bots)
                .where(slack_tables.slack_bots.c.team_id == team)
            )
            or 0
        )


def test_install_then_each_workspace_uses_its_own_token(
    oauth_running: Running, secret_key: str | None
) -> None:
    slack, fake = oauth_running.slack, oauth_running.fake
    _install(oauth_running, "T9")
    _install(oauth_running, "T10")
    first, _ = fake.wait_for("oauth.v2.access", 2)
    assert first.body["code"] == "code-T9" and _bots(oauth_running.database, "T9") == 1
    for team in ("T9", "T10"):
        slack.command("new Acme", team=team, response_name=f"r-{team}")
        fake.wait_for(f"r-{team}")
        (publish,) = fake.wait_for("views.publish", where=lambda c, t=team: c.token == f"xoxb-{t}")
        assert publish.body["user_id"] == "U1"
    # Nothing crosses workspaces: T10's U1 sees only T10's deal list.
    slack.command("deals", team="T10", response_name="d")
    assert "Acme" in str(fake.wait_for("d")[0].body)
    assert oauth_running.service.handle("T11", "U1", "deals").text.count("Acme") == 0  # type: ignore[union-attr]
    raw = raw_tokens(oauth_running.database)
    assert len(raw) == 4  # each workspace's bot token, in its installation and its bot row
    if secret_key is None:
        assert sorted(raw) == ["xoxb-T10", "xoxb-T10", "xoxb-T9", "xoxb-T9"]
    else:
        assert all(is_encrypted(value) and "xoxb-T" not in value for value in raw)


def test_a_workspace_that_never_installed_is_told_and_nothing_is_stored(
    oauth_running: Running,
) -> None:
    oauth_running.slack.command("new Acme", team="T404", response_name="x")
    (answer,) = oauth_running.fake.wait_for("x")
    assert "not installed" in answer.body["text"]
    oauth_running.fake.quiet(0.2)
    assert not oauth_running.fake.of("views.publish")
    assert "Acme" not in oauth_running.service.handle("T404", "U1", "deals").text  # type: ignore[union-attr]


def test_an_expiring_token_is_rotated_before_use(
    oauth_running: Running, secret_key: str | None
) -> None:
    slack, fake = oauth_running.slack, oauth_running.fake
    _install(oauth_running, "T8")
    slack.command("new Acme", team="T8", response_name="r")
    fake.wait_for("r")
    refresh = fake.wait_for(
        "oauth.v2.access", where=lambda c: c.body.get("grant_type") == "refresh_token"
    )
    assert refresh[0].body["refresh_token"] == "xoxe-1"
    (publish,) = fake.wait_for("views.publish")
    assert publish.token == "xoxb-rotated"
    if secret_key is not None:  # the rotated token and its refresh token are saved encrypted
        raw = raw_tokens(oauth_running.database)
        assert raw and all(is_encrypted(value) and "xox" not in value[:3] for value in raw)
        assert not any(t in v for v in raw for t in ("xoxb-rotated", "xoxe-2", "xoxb-T8"))


def test_uninstall_and_revocation_clean_up(oauth_running: Running) -> None:
    slack = oauth_running.slack
    _install(oauth_running, "T9")
    _install(oauth_running, "T10")
    slack.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}, team="T10")
    slack.event({"type": "app_uninstalled"}, team="T9")

    def installed() -> set[str]:
        with oauth_running.database.engine.connect() as conn:
            return set(conn.scalars(select(slack_tables.slack_installations.c.team_id)))

    deadline = time.monotonic() + 10
    while (
        installed() != {"T10"} or _bots(oauth_running.database, "T10")
    ) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _bots(oauth_running.database, "T9") == 0 and _bots(oauth_running.database, "T10") == 0
    assert installed() == {"T10"}  # revoking the bot token leaves the install record


def test_the_reminder_worker_rotates_an_expiring_token_before_sending(
    oauth_running: Running, secret_key: str | None
) -> None:
    from datetime import UTC, datetime

    from bot.slack.worker import ReminderWorker
    from bot.slack.workspaces import workspace_clients

    fake, database = oauth_running.fake, oauth_running.database
    _install(oauth_running, "T8")
    _install(oauth_running, "T9")
    at = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    setup = CoachService(database, clock=lambda: at)
    for team in ("T8", "T9"):
        for line in ("new Acme", "remind 08:00"):
            setup.handle(team, "U1", line, tz="Europe/London")
    settings = SlackSettings(
        client_id=CLIENT_ID,
        client_secret="client-secret",
        signing_secret=SECRET,
        api_url=fake.api_url,
        secret_key=secret_key,
    )
    worker = ReminderWorker(
        database,
        workspace_clients(settings, database),
        lambda: datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
    )
    assert worker.tick().sent.sent == 2
    refresh = fake.wait_for(
        "oauth.v2.access", where=lambda c: c.body.get("grant_type") == "refresh_token"
    )
    assert refresh[0].body["refresh_token"] == "xoxe-1"
    tokens = {c.token for c in fake.of("chat.postMessage")}
    assert tokens == {"xoxb-rotated", "xoxb-T9"}
