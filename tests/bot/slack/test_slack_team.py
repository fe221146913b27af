"""Teams and reminders in Slack, end to end.

Who is typing (zone, admin), who sees what, the App Home's team part, and mentions only
for the people a reply names.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any

from slack_harness import (
    SECRETS,
    Running,
    as_text,
    ask,
    join_team,
    open_home,
    prepare_rep_deal,
)

from auxil.memory import MemoryDealSpace
from bot.slack.blocks import (
    MAX_VIEW_BLOCKS,
    STEP_ACTION_PATTERN,
    Labels,
    render,
    text_tables,
    validate,
)
from bot.slack.home import home_view
from bot.slack.home_team import MAX_TEAM_BLOCKS, TeamHome, team_home_blocks
from flows.engine import Engine
from flows.oversight import DealHealth
from flows.replies import Reply, Table
from flows.schedule import Reminder
from flows.storage import Profile


def _home(running: Running, user: str) -> dict[str, Any]:
    """Open ``user``'s Home tab and return the published view, checked against the limits."""
    view = open_home(running, user)
    validate(view["blocks"], limit=MAX_VIEW_BLOCKS)
    return view


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]
    return found + [b["accessory"] for b in blocks if "accessory" in b]


def test_remind_uses_the_zone_slack_reports(running: Running) -> None:
    running.fake.set_person("U1", tz="Asia/Kolkata")
    answer = ask(running, "remind 08:30")
    assert "Asia/Kolkata" in as_text(answer)
    (info,) = running.fake.of("users.info")
    assert info.body["user"] == "U1"
    # Commands that need neither the zone nor the admin flag do not ask Slack.
    ask(running, "new Acme")
    assert len(running.fake.of("users.info")) == 1


def test_a_users_info_failure_still_runs_the_command_in_the_stored_zone(running: Running) -> None:
    running.fake.set_person("U1", tz="Europe/London")
    ask(running, "remind 08:30")
    running.fake.fail_next("users.info", 500, times=3, retry_after=None)
    answer = ask(running, "remind 09:15 daily")
    assert "09:15" in as_text(answer) and "Europe/London" in as_text(answer)
    assert [c.status for c in running.fake.of("users.info", ok_only=False)][-3:] == [500] * 3


def test_only_a_workspace_admin_can_assign_managers(running: Running) -> None:
    running.fake.set_person("U9", is_admin=True)
    running.fake.set_person("U8")
    refused = ask(running, "team assign <@U1|mia> <@U2|dana>", user="U8")
    assert "Only a workspace admin" in as_text(refused)
    done = ask(running, "team assign <@U1|mia> <@U2|dana>", user="U9")
    assert "Added <@U2> to <@U1>'s team" in as_text(done)
    rep = ask(running, "team", user="U2")
    assert "Your manager is <@U1>" in as_text(rep)


def test_nobody_outside_the_team_can_nudge_or_see_the_rep(running: Running) -> None:
    prepare_rep_deal(running)
    join_team(running)
    join_team(running, "U3", "U4")  # another team's manager
    for outsider in ("U3", "U5"):  # U5 manages nobody
        nudge = ask(running, "nudge <@U2|dana> Acme", user=outsider)
        assert "is not on your team" in as_text(nudge)
        team = as_text(ask(running, "team", user=outsider))
        assert "U2" not in team and "Acme" not in team
        assert not any(secret in team for secret in SECRETS)
    mine = as_text(ask(running, "team"))
    assert "<@U2>" in mine and "Acme" in mine
    assert not any(secret in mine for secret in SECRETS)


def test_a_managers_home_shows_the_team_with_a_nudge_button_and_no_secrets(
    running: Running,
) -> None:
    prepare_rep_deal(running)
    join_team(running)
    view = _home(running, "U1")
    text = json.dumps(view)
    assert "Your team" in text and "<@U2>" in text and "Acme" in text
    assert "Safeguards 0/3" in text
    assert not any(secret in text for secret in SECRETS)
    nudge = [b for b in _buttons(view["blocks"]) if b["value"].startswith("nudge ")]
    assert [b["value"] for b in nudge] == ["nudge @U2 Acme"]
    assert STEP_ACTION_PATTERN.match(nudge[0]["action_id"])
    # The button is a next-step button: clicking it on the Home tab nudges.
    running.slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": "U1"},
            "trigger_id": "t1",
            "container": {"type": "view", "view_id": "V1"},
            "view": {"id": "V1", "type": "home"},
            "actions": [
                {
                    "type": "button",
                    "action_id": nudge[0]["action_id"],
                    "block_id": "team:0",
                    "value": nudge[0]["value"],
                }
            ],
        }
    )
    (answer,) = running.fake.wait_for("views.open", timeout=20)
    assert "Nudged" in as_text(answer)
    running.fake.wait_for(
        "chat.postMessage", timeout=20, where=lambda c: c.body.get("channel") == "U2"
    )


def test_a_reps_home_names_their_manager_and_everyones_shows_the_reminder(running: Running) -> None:
    join_team(running)
    rep = json.dumps(_home(running, "U2"))
    assert "Your manager: <@U1>" in rep
    assert "No daily prep reminder" in rep and '"remind 08:30"' in rep
    running.fake.set_person("U2", tz="America/New_York")
    ask(running, "remind 07:45", user="U2")
    view = _home(running, "U2")
    text = json.dumps(view)
    assert "Daily prep reminder: 07:45 on weekdays (America/New_York)" in text
    assert {"remind snooze", "remind off"} <= {b["value"] for b in _buttons(view["blocks"])}


def test_only_the_people_a_reply_names_become_mentions(running: Running) -> None:
    running.service.handle("T1", "U2", "new Acme <@U999> & co")
    join_team(running)
    answer = ask(running, "team")
    # Markup is what Slack parses for mentions (button labels are plain text).
    markup = json.dumps(
        [b["text"]["text"] for b in answer.body["blocks"] if b.get("type") == "section"]
        + [answer.body["text"]]
    )
    assert "<@U2>" in markup  # the rep column of the table
    assert "&lt;@U999&gt; &amp; co" in markup and "<@U999>" not in markup
    reply = Reply(
        text="@U2 and @U3 met; <@U2> typed",
        people=["U2"],
        table=Table(["rep", "note"], [["@U2", "@U3 <@U2>"]]),
    )
    blocks = render(reply).blocks
    validate(blocks)
    texts = [b["text"]["text"] for b in blocks if b.get("type") == "section"]
    assert texts[0] == "<@U2> and @U3 met; &lt;@U2&gt; typed"
    # In a table block a named person is a user element; anything else stays text.
    (table,) = [b for b in blocks if b["type"] == "table"]
    assert table["rows"][1][0]["elements"][0]["elements"] == [{"type": "user", "user_id": "U2"}]
    assert "U2" not in json.dumps(table["rows"][1][1]).replace("&lt;@U2&gt;", "")
    # A view cannot hold a table: there it is listed line by line (no mentions in code).
    listed = text_tables(blocks)
    assert listed[1]["text"]["text"] == "• *<@U2>* · note: @U3 &lt;@U2&gt;"


def test_a_big_team_and_many_deals_still_fit_one_home_view() -> None:
    engine, space = Engine(), MemoryDealSpace()
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    for i in range(30):
        engine.handle(f"new Deal {i}", space, now)
    rows = [
        DealHealth(
            f"U{i % 7 + 2}",
            f"Deal <{i}>",
            "midgame",
            ("no_meso",),
            False,
            True,
            False,
            2,
            3,
            ("give_get_within",),
        )
        for i in range(40)
    ]
    profile = Profile(
        "U1",
        tz="Europe/London",
        tz_known=True,
        reminder=Reminder(time(8, 30), tz="Europe/London"),
        next_due=now + timedelta(days=1),
    )
    home = TeamHome(
        "U1", now, profile, manager="U0", members=[f"U{i}" for i in range(2, 12)], rows=rows
    )
    extra = team_home_blocks(home, Labels(), engine.lib)
    assert len(extra) <= MAX_TEAM_BLOCKS
    view = home_view(space.list_deals(), None, Labels(), engine.lib, extra=extra)
    validate(view["blocks"], limit=MAX_VIEW_BLOCKS)
    text = json.dumps(view)
    assert "15 more deals not shown" in text and "older deals not shown" in text
    assert "No open deals: <@U9>" in text and "Your manager: <@U0>" in text
    assert "Deal &lt;3&gt;" in text and "A give still waiting for its get" in text
    assert {"remind snooze", "remind off"} <= {b["value"] for b in _buttons(view["blocks"])}


def _dm_to(running: Running, user: str, count: int = 1) -> list[dict[str, Any]]:
    running.fake.wait_for(
        "chat.postMessage", count, timeout=20, where=lambda c: c.body.get("channel") == user
    )
    return running.fake.dm(user)


def test_a_non_admin_add_waits_for_the_reps_accept_button(running: Running) -> None:
    prepare_rep_deal(running)
    asked = as_text(ask(running, "team add <@U2|dana>"))
    assert "Asked <@U2> to join your team" in asked
    (invite,) = _dm_to(running, "U2")
    assert "<@U1> asks to add you to their team" in json.dumps(invite["blocks"])
    validate(invite["blocks"])
    accept, decline = _buttons(invite["blocks"])
    assert (accept["text"]["text"], accept["value"]) == ("Accept", "team accept @U1")
    assert (decline["text"]["text"], decline["value"]) == ("Decline", "team decline @U1")
    assert STEP_ACTION_PATTERN.match(accept["action_id"])

    # Not yet accepted: the would-be manager sees nothing of the rep anywhere.
    team = as_text(ask(running, "team"))
    assert "Acme" not in team and "Waiting for <@U2> to accept" in team
    assert "is not on your team" in as_text(ask(running, "nudge <@U2|dana> Acme"))
    home = json.dumps(_home(running, "U1"))
    assert "Your team" not in home and "Acme" not in home

    # The rep clicks Accept in the DM: a signed block_actions request, as Slack sends it.
    sent = running.slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": "U2"},
            "channel": {"id": "DU2"},
            "container": {"type": "message", "is_ephemeral": False},
            "trigger_id": "t-acc",
            "response_url": running.fake.response_url("accepted"),
            "actions": [
                {
                    "type": "button",
                    "action_id": accept["action_id"],
                    "block_id": "steps",
                    "value": accept["value"],
                }
            ],
        }
    )
    assert sent.status == 200
    (answer,) = running.fake.wait_for("accepted", timeout=20)
    assert "You're on <@U1>'s team now" in as_text(answer)
    # The manager's DM holds the welcome (their first Home visit, above), then the news.
    told = _dm_to(running, "U1", 2)
    assert "<@U2> accepted" in json.dumps(told[-1]["blocks"])

    mine = as_text(ask(running, "team"))
    assert "<@U2>" in mine and "Acme" in mine
    assert not any(secret in mine for secret in SECRETS)
    assert "Your manager is <@U1>" in as_text(ask(running, "team", user="U2"))

    # The rep can leave; the manager is told and sees nothing any more.
    assert "You left <@U1>'s team" in as_text(ask(running, "team leave", user="U2"))
    assert "<@U2> left your team" in json.dumps(_dm_to(running, "U1", 3)[-1]["blocks"])
    assert "Acme" not in as_text(ask(running, "team"))


def test_an_admins_add_acts_at_once_and_the_rep_is_told_who_added_them(running: Running) -> None:
    running.fake.set_person("U9", is_admin=True)
    done = as_text(ask(running, "team assign <@U1|mia> <@U2|dana>", user="U9"))
    assert "Added <@U2> to <@U1>'s team" in done
    (note,) = _dm_to(running, "U2")
    text = json.dumps(note["blocks"])
    assert "<@U9> (a workspace admin) added you to <@U1>'s team" in text
