"""Slack conventions (issue 14 item 5), end to end against the fake Slack.

The welcome on a first visit, once; a bare ``/deal``; date and time pickers in the user's
zone; native table blocks with a text fallback; human labels on buttons; alt text on
images; and after a give, a main button that asks what they give back.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_harness import Running, ask
from slack_sdk.models.views import View
from sqlalchemy import select, text

from auxil.fake_slack import Call
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    STEP_ACTION,
    native_table,
    render,
    step_label,
    text_tables,
    validate,
)
from bot.slack.modals import (
    FORMS,
    GET_BACK,
    MEETING,
    REMINDER,
    FieldErrors,
    Opening,
    meeting_lines,
    reminder_lines,
    result_view,
)
from bot.store.database import Database
from bot.store.slack_tables import SlackWelcomedRow
from bot.store.welcome_rows import claim_welcome
from flows.engine import default_library
from flows.oversight import FIXES
from flows.replies import Reply, Table
from flows.vocabulary import PHASES

BERLIN = "Europe/Berlin"


# -- helpers --------------------------------------------------------------------------------
def _blocks(call: Call | dict[str, Any]) -> list[dict[str, Any]]:
    body = call.body if isinstance(call, Call) else call
    return list(body.get("blocks") or [])


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]


def _welcomes(running: Running, user: str = "U1") -> list[dict[str, Any]]:
    """The welcome DMs the user got (a welcome is a message that starts with its header)."""
    return [
        m
        for m in running.fake.dm(user)
        if (m.get("blocks") or [{}])[0].get("text", {}).get("text") == "Welcome to dealcoach"
    ]


def _open_tab(running: Running, tab: str, user: str = "U1") -> None:
    assert (
        running.slack.event(
            {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": tab}
        ).status
        == 200
    )


def _click(
    running: Running,
    value: str,
    *,
    action_id: str = f"{STEP_ACTION}:0",
    name: str = "click",
    container: str = "message",
) -> None:
    sent = running.slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": "U1"},
            "channel": {"id": "C1"},
            "container": {"type": container, "is_ephemeral": True},
            "response_url": running.fake.response_url(name),
            "trigger_id": f"trig-{name}",
            "actions": [
                {"type": "button", "action_id": action_id, "block_id": "next_steps", "value": value}
            ],
        }
    )
    assert sent.status == 200


def _submit(
    running: Running, view: dict[str, Any], values: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Submit an opened view with ``values`` as Slack sends them; the acknowledgement."""
    sent = running.slack.submit_view(
        view["callback_id"],
        values,
        private_metadata=view["private_metadata"],
        trigger_id="t-submit",
    )
    assert sent.status == 200
    return dict(sent.json() or {})


def _picked(day: str | None = None, time: str | None = None, **selects: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if day is not None:
        values["day"] = {"value": {"type": "datepicker", "selected_date": day}}
    if time is not None:
        values["time"] = {
            "value": {"type": "timepicker", "selected_time": time, "timezone": BERLIN}
        }
    for name, value in selects.items():
        values[name] = {
            "value": {
                "type": "static_select",
                "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
            }
        }
    return values


# -- the welcome ----------------------------------------------------------------------------
def test_the_first_home_visit_shows_the_intro_and_sends_the_welcome_once(running: Running) -> None:
    _open_tab(running, "home")
    (home,) = running.fake.wait_for("views.publish")
    view = home.body["view"]
    validate(view["blocks"], limit=MAX_VIEW_BLOCKS)
    shown = json.dumps(view)
    # What the app does, three lines to send (two in plain words, one command), how to start.
    for words in (
        "I coach you through a negotiation",
        "we threw in the install",
        "he came back at 92k",
        "`script discount`",
        "`new &lt;name&gt;`",
    ):
        assert words in shown, words
    running.fake.wait_for("chat.postMessage", where=lambda c: c.body.get("channel") == "U1")
    (welcome,) = _welcomes(running)
    validate(welcome["blocks"])
    assert "he came back at 92k" in json.dumps(welcome["blocks"])
    assert [(b["text"]["text"], b["value"]) for b in _buttons(welcome["blocks"])] == [
        ("All commands", "help")
    ]

    # Later visits, either tab, and a DM: no second welcome.
    _open_tab(running, "home")
    _open_tab(running, "messages")
    running.fake.wait_for("views.publish", 2)
    running.slack.dm("new Acme")
    running.fake.wait_for("chat.postMessage", 2)
    running.fake.quiet()
    assert len(_welcomes(running)) == 1
    reply = running.fake.dm("U1")[-1]
    assert "Welcome to dealcoach" not in json.dumps(reply["blocks"])
    with running.database.session() as session:
        assert session.scalars(select(SlackWelcomedRow.user_id)).all() == ["U1"]


def test_opening_the_messages_tab_first_welcomes_too(running: Running) -> None:
    _open_tab(running, "messages", user="U7")
    running.fake.wait_for("chat.postMessage")
    assert len(_welcomes(running, "U7")) == 1
    running.fake.quiet()
    assert not running.fake.of("views.publish")  # the Home tab was not opened


def test_a_first_dm_gets_the_welcome_on_top_of_its_reply_once(running: Running) -> None:
    running.slack.dm("new Acme")
    (first,) = running.fake.wait_for("chat.postMessage")
    blocks = _blocks(first)
    validate(blocks)
    ids = [b.get("block_id") for b in blocks]
    assert blocks[0]["text"]["text"] == "Welcome to dealcoach"
    assert blocks[ids.index("welcome_actions") + 1] == {"type": "divider"}
    assert "New sales deal: Acme" in json.dumps(blocks[ids.index("welcome_actions") + 2 :])
    assert "New sales deal: Acme" in first.body["text"]  # the notification is the reply's
    running.slack.dm("status")
    second = running.fake.wait_for("chat.postMessage", 2)[-1]
    assert "Welcome to dealcoach" not in json.dumps(second.body)
    _open_tab(running, "messages")
    running.fake.quiet()
    assert len(running.fake.of("chat.postMessage")) == 2


def test_a_welcome_slack_refused_is_sent_on_the_next_visit(running: Running) -> None:
    refusals = [1]

    def post(body: dict[str, Any]) -> dict[str, Any]:
        if refusals:
            refusals.pop()
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "channel": body.get("channel"), "ts": "1.0"}

    running.fake.answer("chat.postMessage", post)
    _open_tab(running, "messages")
    running.fake.wait_for("chat.postMessage", where=lambda c: True)  # the refused one
    running.fake.quiet()
    with running.database.session() as session:
        assert session.scalar(select(SlackWelcomedRow)) is None  # given back
    _open_tab(running, "messages")
    posted = running.fake.wait_for("chat.postMessage", 2)
    assert all("Welcome to dealcoach" in json.dumps(c.body) for c in posted)
    running.fake.quiet()
    assert len(running.fake.of("chat.postMessage")) == 2  # the refused one, then this one
    with running.database.session() as session:
        assert session.scalar(select(SlackWelcomedRow.user_id)) == "U1"


def test_a_welcome_is_claimed_once_and_known_users_were_welcomed_by_the_migration(
    database: Database,
) -> None:
    now = datetime(2026, 12, 5, 9, tzinfo=ZoneInfo("UTC"))
    assert claim_welcome(database, "T1", "U1", now)
    assert not claim_welcome(database, "T1", "U1", now)
    assert claim_welcome(database, "T2", "U1", now)  # another workspace, another user

    from alembic import command as alembic_command

    from bot.store.database import _alembic_config

    config = _alembic_config(database.url)
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        alembic_command.downgrade(config, "0008")
        conn.execute(
            text(
                "INSERT INTO users (workspace_id, user_id, created_at) "
                "VALUES ('T1', 'U5', '2026-01-01 00:00:00+00:00')"
            )
        )
        alembic_command.upgrade(config, "head")
    assert database.current_revision() == Database.head_revision() == "0010"
    assert not claim_welcome(database, "T1", "U5", now)  # used the app before
    assert claim_welcome(database, "T1", "U6", now)


# -- a bare /deal ---------------------------------------------------------------------------
def test_a_bare_slash_deal_shows_short_help_not_an_error(running: Running) -> None:
    for typed in ("", "   "):
        answer = ask(running, typed)
        blocks = _blocks(answer)
        validate(blocks)
        assert answer.body["response_type"] == "ephemeral"
        assert blocks[0]["block_id"] == "bare_help"
        assert not any(str(b.get("block_id", "")).startswith("rejection:") for b in blocks)
        assert "/deal new &lt;name&gt;" in blocks[0]["text"]["text"]
        assert [(b["text"]["text"], b["value"]) for b in _buttons(blocks)] == [
            ("All commands", "help"),
            ("Status", "status"),
            ("Log a move…", "log_move"),
        ]
    with running.database.session() as session:
        assert session.scalar(text("SELECT count(*) FROM deals")) == 0


# -- date and time pickers ------------------------------------------------------------------
def test_the_meeting_form_asks_with_pickers_in_the_users_zone_and_saves_the_line(
    running: Running,
) -> None:
    running.fake.set_person("U1", tz=BERLIN)
    running.service.handle("T1", "U1", "new Acme")
    running.slack.command("meeting")
    (opened,) = running.fake.wait_for("views.open")
    view = opened.body["view"]
    assert view["callback_id"] == MEETING and View(**view).to_dict() == view
    validate(view["blocks"], limit=MAX_VIEW_BLOCKS)
    day, at = (b["element"] for b in view["blocks"] if b["type"] == "input")
    today = datetime.now(ZoneInfo(BERLIN)).date()
    assert day["type"] == "datepicker" and day["initial_date"] in (
        today.isoformat(),
        (today + timedelta(days=1)).isoformat(),
    )  # a midnight in between
    assert at["type"] == "timepicker" and at["timezone"] == BERLIN
    assert f"In your time zone, {BERLIN}." in json.dumps(view)

    when = today + timedelta(days=2)
    answer = _submit(running, view, _picked(day=when.isoformat(), time="10:30"))
    assert answer["response_action"] == "update"
    assert "Next meeting" in json.dumps(answer["view"])
    status = running.service.handle("T1", "U1", "status")
    meeting = dict(status.table.rows)["meeting"]  # type: ignore[union-attr]
    assert "10:30" in meeting and str(when.day) in meeting

    # A form without a time comes back with the error on that input; nothing is stored.
    missing = _submit(running, view, _picked(day=when.isoformat()))
    assert missing == {
        "response_action": "errors",
        "errors": {"time": "Pick the time the meeting starts."},
    }


def test_the_reminder_form_opens_from_home_and_sets_the_same_reminder_as_typing(
    running: Running,
) -> None:
    running.fake.set_person("U1", tz=BERLIN)
    _open_tab(running, "home")
    (home,) = running.fake.wait_for("views.publish")
    form_button = next(b for b in _buttons(_blocks(home.body["view"])) if b["value"] == REMINDER)
    assert form_button["text"]["text"] == "Another time…"
    _click(running, REMINDER, action_id=form_button["action_id"], container="view")
    (opened,) = running.fake.wait_for("views.open")
    view = opened.body["view"]
    assert view["callback_id"] == REMINDER and View(**view).to_dict() == view
    (at,) = (b["element"] for b in view["blocks"] if b.get("block_id") == "time")
    assert at == {**at, "type": "timepicker", "timezone": BERLIN, "initial_time": "08:30"}

    answer = _submit(running, view, _picked(time="07:45", days="daily"))
    assert answer["response_action"] == "update"
    shown = running.service.handle("T1", "U1", "remind").text  # type: ignore[union-attr]
    assert "07:45 every day" in shown and BERLIN in shown


def test_picks_become_the_lines_one_would_type() -> None:
    assert meeting_lines(_picked(day="2026-12-03", time="09:05")) == [
        ("time", "meeting 2026-12-03 09:05")
    ]
    assert reminder_lines(_picked(time="08:30", days="weekdays")) == [("time", "remind 08:30")]
    assert reminder_lines(_picked(time="07:00", days="daily")) == [("time", "remind 07:00 daily")]
    with pytest.raises(FieldErrors) as caught:
        meeting_lines(_picked(time="25:99"))
    assert set(caught.value.errors) == {"day", "time"}
    for callback_id in (MEETING, REMINDER, GET_BACK):
        for opening in (Opening(), Opening(tz=BERLIN, today=datetime(2026, 1, 2).date())):
            view = FORMS[callback_id].view("meta", opening=opening)
            assert View(**view).to_dict() == view
            validate(view["blocks"], limit=MAX_VIEW_BLOCKS)


# -- native tables --------------------------------------------------------------------------
def test_a_table_is_a_native_table_block_with_a_text_fallback(running: Running) -> None:
    for line in ("new Acme", "give training", "get a 3-year term", "give R&D <!here> hours"):
        running.service.handle("T1", "U1", line)
    answer = ask(running, "log")
    blocks = _blocks(answer)
    validate(blocks)
    (table,) = [b for b in blocks if b["type"] == "table"]
    assert not [b for b in blocks if "```" in json.dumps(b)]  # no code-block table
    rows = table["rows"]
    header = rows[0][0]["elements"][0]["elements"][0]
    assert header["style"] == {"bold": True}
    cells = json.dumps(rows)
    # Cell text is literal: & stays &, a control sequence is defused.
    assert "R&D &lt;!here&gt; hours" in cells and "<!here>" not in cells
    # Clients that cannot draw the table get its rows in the notification text.
    assert "training" in answer.body["text"] and "a 3-year term" in answer.body["text"]
    assert "&lt;!here&gt;" in answer.body["text"]

    # The Home tab answers in a modal, which cannot hold a table: there it is text.
    _click(running, "log", container="view", name="home-log")
    (modal,) = running.fake.wait_for("views.open")
    assert modal.body["view"]["title"]["text"] == "Concession log"  # a label, not `log`
    blocks = modal.body["view"]["blocks"]
    validate(blocks, limit=MAX_VIEW_BLOCKS)
    assert not [b for b in blocks if b["type"] == "table"]
    assert any(b["type"] == "section" and b["text"]["text"].startswith("```") for b in blocks)


def test_a_table_past_slacks_limits_is_drawn_as_code_blocks() -> None:
    small = Table(["item", "value"], [["a", "1"], ["b", ""]])
    block = native_table(small)
    assert block is not None and block["rows"][2][1]["elements"][0]["elements"] == [
        {"type": "text", "text": " "}
    ]  # Slack refuses an empty cell
    validate([block])
    for big in (
        Table(["#"], [[str(i)] for i in range(100)]),  # 101 rows with the header
        Table([f"c{i}" for i in range(21)], [["x"] * 21]),
        Table(["note"], [["x" * 501]]),
        Table(["a", "b"], [["x" * 400, "y" * 400] for _ in range(13)]),
    ):
        assert native_table(big) is None
        blocks = render(Reply(text="t", table=big)).blocks
        validate(blocks)
        assert not [b for b in blocks if b["type"] == "table"]
    with pytest.raises(ValueError, match="one a message"):
        validate([block, {**block, "block_id": "t2"}])
    with pytest.raises(ValueError, match="messages only"):
        validate([block], limit=MAX_VIEW_BLOCKS)
    assert text_tables([block])[0]["text"]["text"].startswith("```\nitem")
    modal = result_view("log", render(Reply(text="t", table=small)))
    validate(modal["blocks"], limit=MAX_VIEW_BLOCKS)
    assert len(render(Reply(text="t", table=small)).blocks) <= MAX_MESSAGE_BLOCKS


# -- labels, and the button after a give ----------------------------------------------------
def test_after_a_give_the_main_button_asks_what_they_give_back(running: Running) -> None:
    running.service.handle("T1", "U1", "new Acme")
    answer = ask(running, "give net-60 payment terms")
    validate(_blocks(answer))
    buttons = _buttons(_blocks(answer))
    primary = buttons[0]
    assert (primary["text"]["text"], primary["value"], primary.get("style")) == (
        "What do they give back?",
        "get",
        "primary",
    )
    assert not [b for b in buttons if b["value"].startswith("get net-60")]
    assert all(b["text"]["text"] != b["value"] for b in buttons)  # human labels

    _click(running, primary["value"], action_id=primary["action_id"])
    (opened,) = running.fake.wait_for("views.open")
    view = opened.body["view"]
    assert view["callback_id"] == GET_BACK
    validate(view["blocks"], limit=MAX_VIEW_BLOCKS)
    values = {"item": {"value": {"type": "plain_text_input", "value": "a 3-year term"}}}
    done = _submit(running, view, values)
    assert done["response_action"] == "update"
    log = running.service.handle("T1", "U1", "log")
    row = log.table.rows[0]  # type: ignore[union-attr]
    assert (row[2], row[3]) == ("net-60 payment terms", "a 3-year term")  # one paired move
    assert not running.fake.of("click")  # the click opened the form, and ran nothing


def test_every_step_the_engine_suggests_has_a_human_label() -> None:
    lib = default_library()
    steps = {step for phase in PHASES for step in lib.phase(phase).next_steps}
    steps |= {step for phase in PHASES for step in lib.phase(phase).status_steps}
    steps |= {brief.step for phase in PHASES if (brief := lib.phase(phase).brief)}
    steps |= {step for _, step in FIXES.values()}
    steps |= {
        "get",
        "log",
        "undo",
        "status",
        "checklist",
        "script",
        "new",
        "meso",
        "analyze",
        "remind 08:30",
        "remind 08:30 daily",
        "remind snooze",
        "remind off",
        "remind 09:00",
        "team",
        "team accept @U1",
        "team decline @U1",
        "team leave",
        "team add @rep",
        "nudge @U2 Acme",
        "next anyway",
        "signed anyway",
        "script opening",
        "use Acme",
        "help",
    }
    for step in sorted(steps):
        label = lib.button_label(step)
        assert label and label != step, step
        assert len(label) <= 75 and step_label(step) == label
    assert step_label("log") == "Concession log"
    assert step_label("something new") == "Something new"  # unknown: as typed, capitalised


def test_every_button_a_session_shows_has_a_label_not_its_command(running: Running) -> None:
    running.fake.set_person("U1", tz=BERLIN)
    seen: list[dict[str, Any]] = []
    for line in (
        "new Acme",
        "batna stay put",
        "next anyway",
        "bundle A price=90k",
        "next anyway",
        "give training",
        "they your price is too high",
        "status",
        "remind 08:30",
        "remind",
    ):
        seen += _buttons(_blocks(ask(running, line)))
    assert seen
    for button in seen:
        assert button["text"]["text"] != button["value"], button
        assert not button["text"]["text"][:1].islower(), button


# -- images ---------------------------------------------------------------------------------
def test_an_image_needs_alt_text() -> None:
    image = {
        "type": "image",
        "image_url": "https://example.com/chart.png",
        "alt_text": "Chart of the packages",
    }
    validate([image])
    with pytest.raises(ValueError, match="alt text"):
        validate([{**image, "alt_text": " "}])
    accessory = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "x"},
        "accessory": {"type": "image", "image_url": "https://example.com/a.png", "alt_text": ""},
    }
    with pytest.raises(ValueError):
        validate([accessory])
