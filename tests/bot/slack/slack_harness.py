"""The running app under test, shared by the Slack front's test modules and conftest."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from auxil.fake_slack import Call, FakeSlack, SignedSlackClient
from bot.service import CoachService
from bot.slack.home_publish import HOME_INTERVAL_SECONDS
from bot.slack.token_crypto import TOKEN_COLUMNS
from bot.store import slack_tables
from bot.store.database import Database

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
_answers = itertools.count(1)


@dataclass
class Running:
    """The app under test, the fake Slack it talks to, and a signed client."""

    slack: SignedSlackClient
    fake: FakeSlack
    database: Database
    service: CoachService
    base_url: str


def ask(running: Running, text: str, user: str = "U1") -> Call:
    """Run ``/deal <text>`` as ``user`` and return the answer posted to its response_url."""
    name = f"r{next(_answers)}"
    assert running.slack.command(text, user=user, response_name=name).status == 200
    (answer,) = running.fake.wait_for(name, timeout=20)
    return answer


def join_team(running: Running, manager: str = "U1", rep: str = "U2") -> None:
    """``manager`` asks ``rep`` to join their team and ``rep`` accepts (no admin needed)."""
    assert "Asked" in as_text(ask(running, f"team add <@{rep}|rep>", user=manager))
    assert "on <@" in as_text(ask(running, f"team accept <@{manager}|mgr>", user=rep))


def as_text(call: Call) -> str:
    """Everything a call carried, as one JSON string (to look for words in it)."""
    return json.dumps(call.body)


def prepare_rep_deal(running: Running, user: str = "U2", name: str = "Acme") -> None:
    """Give ``user`` a deal in the midgame with no safeguards.

    It holds words a manager must never see (:data:`SECRETS`): the BATNA, the walk-away
    and a note on the counterparty.
    """
    for line in (
        f"new {name}",
        "batna ZEBRA-BATNA-SECRET",
        "walkaway PLATYPUS-FLOOR-SECRET",
        "counterparty OCELOT-NOTE-SECRET",
        "next anyway",
        "next anyway",
    ):
        outcome = running.service.handle("T1", user, line)
        assert hasattr(outcome, "text"), outcome


SECRETS = ("ZEBRA-BATNA-SECRET", "PLATYPUS-FLOOR-SECRET", "OCELOT-NOTE-SECRET")


def open_home(running: Running, user: str) -> dict[str, Any]:
    """Open ``user``'s Home tab and return the view that visit published."""

    def theirs(call: Call) -> bool:
        return bool(call.body["user_id"] == user)

    # A refresh a command queued may still be waiting out the debounce: let it land first,
    # so the publish counted next is the one this visit caused.
    running.fake.quiet(HOME_INTERVAL_SECONDS + 0.5)
    before = len([c for c in running.fake.of("views.publish") if theirs(c)])
    running.slack.event(
        {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}
    )
    publishes = running.fake.wait_for("views.publish", before + 1, timeout=20, where=theirs)
    return dict(publishes[-1].body["view"])


def click_button(
    running: Running,
    message: Call,
    block_id: str,
    button: dict[str, Any],
    *,
    user: str = "U1",
    value: str | None = None,
) -> str:
    """Click ``button`` on ``message`` as Slack reports it; returns the response_url's name.

    ``value`` replaces the button's value, as a tampered payload would.
    """
    name = f"click-{button['action_id']}-{len(running.fake.calls)}"
    ephemeral = message.kind == "response"
    channel = "C1" if ephemeral else f"D{user}"
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
        "container": {
            "type": "message",
            "message_ts": "1700000001.000100",
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": f"trig-{name}",
        "channel": {"id": channel, "name": "deals" if ephemeral else "directmessage"},
        "response_url": running.fake.response_url(name),
        "state": {"values": {}},
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": block_id,
                "text": button["text"],
                "value": button.get("value") if value is None else value,
                "action_ts": "1700000002.000200",
            }
        ],
    }
    if not ephemeral:
        payload["message"] = {
            "type": "message",
            "user": "UBOT",
            "bot_id": "BBOT",
            "ts": "1700000001.000100",
            "text": message.body.get("text"),
            "blocks": list(message.body.get("blocks") or []),
        }
    assert running.slack.interaction(payload).status == 200
    return name


def raw_tokens(database: Database) -> list[str]:
    """Every installed Slack token as the database holds it (encrypted or not)."""
    with database.engine.connect() as conn:
        return [
            value
            for table in (slack_tables.slack_installations, slack_tables.slack_bots)
            for row in conn.execute(select(*(table.c[n] for n in TOKEN_COLUMNS if n in table.c)))
            for value in row
            if value is not None
        ]
