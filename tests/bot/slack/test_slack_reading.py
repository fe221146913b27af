"""End to end: plain language in Slack, over signed HTTP against the fake Slack.

A DM or a ``/deal`` line that is not a command is read, the reply says how ("Read as")
with an Undo button; an unclear line offers its readings as buttons; a call recap waits
for Log all / Edit / Cancel and is logged as one change. Every click is the payload Slack
sends for the button as it was rendered, and every block list is checked with
:func:`bot.slack.blocks.validate`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_harness import Running, ask, click_button

from auxil.fake_slack import Call
from bot.slack.blocks import (
    MAX_VIEW_BLOCKS,
    RECAP_CANCEL_ACTION,
    RECAP_EDIT_ACTION,
    RECAP_LOG_ACTION,
    validate,
)
from bot.slack.listeners.readings import EDIT_BLOCK, EDIT_CALLBACK, EDIT_INPUT
from flows.replies import Reply

RECAP = (
    "Recap: we threw in free installation. They agreed to a three-year term. We gave them net-60."
)
RECAP_READINGS = ["give free installation", "get a three-year term", "give net-60"]


# -- helpers -------------------------------------------------------------------------------
def _run(running: Running, line: str, user: str = "U1") -> Reply:
    """Run a line straight through the service (setup and checks, no Slack involved)."""
    outcome = running.service.handle("T1", user, line)
    assert isinstance(outcome, Reply), outcome
    return outcome


def _given(running: Running) -> list[str]:
    """The items in the active deal's log, as ``give <item>`` / ``get <item>``."""
    table = _run(running, "log").table
    if table is None:
        return []
    give, get = table.headers.index("we give"), table.headers.index("we get")
    return [
        f"{kind} {row[col]}"
        for row in table.rows
        for kind, col in (("give", give), ("get", get))
        if row[col] != "-"
    ]


def _dm(running: Running, text: str, user: str = "U1") -> Call:
    """Send ``text`` as a DM and return the coach's answer posted to the DM."""
    before = len(running.fake.of("chat.postMessage"))
    assert running.slack.dm(text, user=user).status == 200
    answer = running.fake.wait_for("chat.postMessage", before + 1, timeout=20)[-1]
    assert answer.body["channel"] == f"D{user}"
    validate(_blocks(answer))
    return answer


def _blocks(call: Call) -> list[dict[str, Any]]:
    return list(call.body.get("blocks") or [])


def _block(call: Call, block_id: str) -> dict[str, Any]:
    return next(b for b in _blocks(call) if b.get("block_id") == block_id)


def _button(
    call: Call, *, action_id: str | None = None, value: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The rendered button matching ``action_id`` / ``value``, with its block's id."""
    for block in _blocks(call):
        elements = list(block.get("elements") or []) if block["type"] == "actions" else []
        if block.get("accessory"):
            elements.append(block["accessory"])
        for element in elements:
            if element.get("type") != "button":
                continue
            if action_id is not None and element["action_id"] != action_id:
                continue
            if value is not None and element.get("value") != value:
                continue
            return str(block.get("block_id", "")), element
    raise AssertionError(f"no button {action_id or value!r} in {_blocks(call)}")


def _answer(running: Running, name: str) -> Call:
    (answer,) = running.fake.wait_for(name, timeout=20)
    validate(_blocks(answer))
    return answer


def _recap(running: Running) -> Call:
    _run(running, "new Acme")
    message = _dm(running, RECAP)
    assert _given(running) == []  # nothing is logged before the user confirms
    return message


# -- a plain line, and its Undo --------------------------------------------------------------
def test_a_plain_dm_is_read_and_its_undo_button_undoes_the_give(running: Running) -> None:
    _run(running, "new Acme")
    reply = _dm(running, "we threw in free installation")
    read_as = _block(reply, "read_as")
    assert read_as["text"]["text"] == "Read as: `give free installation`"
    assert read_as["accessory"]["text"]["text"] == "Undo"
    assert "warning:one_way_concession" in [b.get("block_id") for b in _blocks(reply)]
    assert _given(running) == ["give free installation"]

    block_id, undo = _button(reply, value="undo")
    assert block_id == "read_as"
    answer = _answer(running, click_button(running, reply, block_id, undo))
    assert "Undid `give free installation`" in json.dumps(answer.body)
    assert answer.body["response_type"] == "in_channel"  # under the DM reply, in the DM
    assert _given(running) == []


def test_a_plain_slash_deal_line_is_read_too(running: Running) -> None:
    _run(running, "new Acme")
    reply = ask(running, "we waived the install fee")
    validate(_blocks(reply))
    assert reply.body["response_type"] == "ephemeral"
    assert _block(reply, "read_as")["text"]["text"] == "Read as: `give the install fee`"
    assert _given(running) == ["give the install fee"]
    block_id, undo = _button(reply, value="undo")
    answer = _answer(running, click_button(running, reply, block_id, undo))
    assert answer.body["response_type"] == "ephemeral"
    assert _given(running) == []


def test_a_typed_command_is_not_labelled_as_read(running: Running) -> None:
    _run(running, "new Acme")
    reply = _dm(running, "give training")
    assert "read_as" not in [b.get("block_id") for b in _blocks(reply)]
    assert _given(running) == ["give training"]


# -- an unclear line ---------------------------------------------------------------------------
def test_an_unclear_dm_offers_its_readings_and_a_click_logs_the_one_chosen(
    running: Running,
) -> None:
    _run(running, "new Acme")
    reply = _dm(running, "net-60")
    ids = [b.get("block_id") for b in _blocks(reply)]
    # Their first DM: the welcome comes on top, then a divider, then the answer.
    assert ids[ids.index("welcome_actions") + 2] == "rejection:unclear"
    choices = [e["value"] for e in _block(reply, "choices")["elements"]]
    assert "give net-60" in choices and "get net-60" in choices
    # Each button says in words which reading it logs; its value is that reading.
    labels = {e["value"]: e["text"]["text"] for e in _block(reply, "choices")["elements"]}
    assert labels["give net-60"] == "We gave net-60" and labels["get net-60"] == "We got net-60"
    assert _given(running) == []  # an unclear line changes nothing

    block_id, give = _button(reply, value="give net-60")
    assert block_id == "choices"
    answer = _answer(running, click_button(running, reply, block_id, give))
    assert "net-60" in json.dumps(answer.body)
    assert _given(running) == ["give net-60"]


# -- a call recap ------------------------------------------------------------------------------
def test_a_recap_dm_is_listed_with_log_all_edit_and_cancel(running: Running) -> None:
    reply = _recap(running)
    listed = "\n".join(b["text"]["text"] for b in _blocks(reply) if b["type"] == "section")
    for i, line in enumerate(RECAP_READINGS, 1):
        assert f"{i}. `{line}`" in listed
    actions = _block(reply, "recap")["elements"]
    assert [e["text"]["text"] for e in actions] == ["Log all", "Edit", "Cancel"]
    assert json.loads(actions[0]["value"]) == RECAP_READINGS
    assert "read_as" not in [b.get("block_id") for b in _blocks(reply)]


def test_log_all_logs_every_reading_as_one_change(running: Running) -> None:
    reply = _recap(running)
    block_id, log_all = _button(reply, action_id=RECAP_LOG_ACTION)
    answer = _answer(running, click_button(running, reply, block_id, log_all))
    assert answer.body["replace_original"] is True  # the recap cannot be confirmed twice
    assert "recap" not in [b.get("block_id") for b in _blocks(answer)]
    assert _given(running) == RECAP_READINGS

    undone = _run(running, "undo")  # one undo takes back the whole recap
    assert "Undid" in undone.text
    assert _given(running) == []


def test_cancel_logs_nothing_and_replaces_the_recap(running: Running) -> None:
    reply = _recap(running)
    block_id, cancel = _button(reply, action_id=RECAP_CANCEL_ACTION)
    answer = _answer(running, click_button(running, reply, block_id, cancel))
    assert answer.body["replace_original"] is True
    assert "actions" not in [b["type"] for b in _blocks(answer)]
    assert answer.body["text"] == running.service.engine.lib.reply("recap_cancelled")
    assert _given(running) == []


def _submit_edit(running: Running, text: str) -> dict[str, Any]:
    sent = running.slack.submit_view(
        EDIT_CALLBACK,
        {EDIT_BLOCK: {EDIT_INPUT: {"type": "plain_text_input", "value": text}}},
        trigger_id="t-edit",
        view_id="V1",
    )
    assert sent.status == 200
    return dict(sent.json() or {})


def test_edit_opens_the_readings_in_a_form_and_logs_the_edited_lines(running: Running) -> None:
    reply = _recap(running)
    block_id, edit = _button(reply, action_id=RECAP_EDIT_ACTION)
    click_button(running, reply, block_id, edit)
    (opened,) = running.fake.wait_for("views.open", timeout=20)
    view = opened.body["view"]
    assert opened.body["trigger_id"].startswith("trig-")
    assert view["callback_id"] == EDIT_CALLBACK
    validate(view["blocks"], limit=MAX_VIEW_BLOCKS)
    field = view["blocks"][0]["element"]
    assert field["initial_value"].splitlines() == RECAP_READINGS

    # The rep drops a line and fixes one; a blank line is ignored.
    answer = _submit_edit(running, "give free installation\n\nget a five-year term\n")
    assert answer["response_action"] == "update"
    validate(answer["view"]["blocks"], limit=MAX_VIEW_BLOCKS)
    assert _given(running) == ["give free installation", "get a five-year term"]
    _run(running, "undo")
    assert _given(running) == []


@pytest.mark.parametrize("text", ["", "walk", "give training\nnext anyway"])
def test_an_edit_that_cannot_be_logged_is_answered_in_the_form(running: Running, text: str) -> None:
    _recap(running)
    answer = _submit_edit(running, text)
    assert answer["response_action"] == "errors" and EDIT_BLOCK in answer["errors"]
    assert _given(running) == []
    assert _run(running, "status").phase == "setup"


@pytest.mark.parametrize(
    "tampered",
    [
        ["walk"],
        ["give training", "walk"],
        ["walk away"],
        ["new Globex"],
        ["use Acme"],
        ["give training", "new Globex as hiring"],
        ["next anyway"],
        ["signed"],
    ],
)
def test_a_tampered_log_all_is_refused_and_changes_nothing(
    running: Running, tampered: list[str]
) -> None:
    reply = _recap(running)  # on Acme; then Beta becomes the active deal
    _run(running, "new Beta")
    assert _run(running, "walkaway 90k").deal == "Beta"
    block_id, log_all = _button(reply, action_id=RECAP_LOG_ACTION)
    answer = _answer(
        running, click_button(running, reply, block_id, log_all, value=json.dumps(tampered))
    )
    assert _blocks(answer)[0]["block_id"].startswith("rejection:")
    status = _run(running, "status")
    assert (status.deal, status.phase) == ("Beta", "setup")
    deals = _run(running, "deals").table
    assert deals is not None
    assert [(row[0].strip(), row[2]) for row in deals.rows] == [
        ("Acme", "Setup"),
        ("* Beta", "Setup"),
    ]
    assert _given(running) == []


# -- the message shortcut ----------------------------------------------------------------------
def _shortcut(running: Running, text: str) -> Call:
    name = f"sc-{len(running.fake.calls)}"
    running.slack.interaction(
        {
            "type": "message_action",
            "callback_id": "log_their_move",
            "user": {"id": "U1"},
            "channel": {"id": "C1"},
            "trigger_id": "t",
            "message_ts": "1.0",
            "message": {"type": "message", "text": text, "ts": "1.0", "user": "U9"},
            "response_url": running.fake.response_url(name),
        }
    )
    return _answer(running, name)


def test_the_shortcut_reads_its_text_and_never_logs_a_give(running: Running) -> None:
    _run(running, "new Acme")
    answer = _shortcut(running, "they threw in a reference call")
    assert answer.body["response_type"] == "ephemeral"
    assert _given(running) == ["get a reference call"]
    # Text that does not name them is still their line, with its warnings.
    answer = _shortcut(running, "Your price is too high")
    assert "warning:price_pushback" in [b.get("block_id") for b in _blocks(answer)]
    assert _given(running) == ["get a reference call"]


# -- lines that look like dangerous commands -----------------------------------------------------
def test_a_walk_away_figure_is_set_and_the_deal_is_not_walked_away_from(running: Running) -> None:
    _run(running, "new Acme")
    reply = _dm(running, "walk away figure is 88k")
    assert _block(reply, "read_as")["text"]["text"] == "Read as: `walkaway 88k`"
    status = _run(running, "status")
    assert status.phase == "setup"
    assert status.table is not None and ["walk-away", "88,000"] in status.table.rows


def test_start_date_news_does_not_create_a_deal(running: Running) -> None:
    reply = _dm(running, "start date pushed to May", user="U2")  # no deal at all yet
    assert "Acme" not in json.dumps(reply.body)
    assert "no deals yet" in _run(running, "deals", user="U2").text
    _run(running, "new Acme")
    _dm(running, "start date pushed to May")
    deals = _run(running, "deals").table
    assert deals is not None and [row[0] for row in deals.rows] == ["* Acme"]


def test_next_call_sets_the_meeting_in_the_users_zone_and_keeps_the_phase(running: Running) -> None:
    running.fake.set_person("U1", tz="Europe/Berlin")
    _run(running, "new Acme")
    reply = _dm(running, "next call thursday 2pm")
    assert _block(reply, "read_as")["text"]["text"] == "Read as: `meeting thursday 2pm`"
    assert running.fake.of("users.info")  # a time needs the user's zone
    assert "14:00 (Europe/Berlin)" in json.dumps(reply.body)
    assert _run(running, "status").phase == "setup"


def test_a_recap_waiting_for_confirmation_does_not_refresh_the_home_tab(running: Running) -> None:
    _recap(running)
    running.fake.quiet()
    assert running.fake.of("views.publish") == []
