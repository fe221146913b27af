"""End to end: a better version of the user's risky line, and its "Use this instead" button.

A `/deal say` line or a plain DM that gives one-way, takes a hard line, gives the floor away
or splits is answered with the same line said the method's way; the button runs it as
``say <line>``, so the answer checks it as the user's own. Every click is the payload Slack
sends for the button as rendered, every block list passes
:func:`bot.slack.blocks.validate`, and user text is escaped wherever Slack parses it.
"""

from __future__ import annotations

import json
from typing import Any

from slack_harness import Running, ask, click_button

from auxil.fake_slack import Call
from bot.slack.blocks import (
    BETTER_LINE_ACTION,
    BETTER_LINE_BLOCK,
    MAX_BUTTON_VALUE,
    MAX_SECTION_TEXT,
    better_line_block,
    render,
    validate,
)
from flows.replies import Reply

BETTER = "If you can move on term length, we can throw in the onboarding."


def _run(running: Running, line: str, user: str = "U1") -> Reply:
    outcome = running.service.handle("T1", user, line)
    assert isinstance(outcome, Reply), outcome
    return outcome


def _blocks(call: Call) -> list[dict[str, Any]]:
    return list(call.body.get("blocks") or [])


def _better(call: Call) -> dict[str, Any]:
    return next(b for b in _blocks(call) if b.get("block_id") == BETTER_LINE_BLOCK)


def _click(running: Running, message: Call, *, user: str = "U1", value: str | None = None) -> Call:
    """Click the better line's button as Slack reports it; returns the answer."""
    button = _better(message)["accessory"]
    name = click_button(running, message, BETTER_LINE_BLOCK, button, user=user, value=value)
    (answer,) = running.fake.wait_for(name, timeout=20)
    validate(_blocks(answer))
    return answer


def _setup(running: Running) -> None:
    _run(running, "new Acme")
    _run(running, "issue term length us=4 them=1")


def test_a_risky_say_line_offers_a_better_one_and_the_button_uses_it(running: Running) -> None:
    _setup(running)
    reply = ask(running, "say we can throw in the onboarding")
    validate(_blocks(reply))
    block = _better(reply)
    assert block["text"]["text"] == f"*Try instead:* {BETTER}"
    assert block["accessory"]["text"]["text"] == "Use this instead"
    assert block["accessory"]["action_id"] == BETTER_LINE_ACTION
    assert block["accessory"]["value"] == f"say {BETTER}"
    assert "warning:one_way_concession" in [b.get("block_id") for b in _blocks(reply)]

    answer = _click(running, reply)
    assert answer.body["response_type"] == "ephemeral"
    text = json.dumps(answer.body)
    assert "That line reads well" in text
    assert not [b for b in _blocks(answer) if str(b.get("block_id", "")).startswith("warning:")]
    assert BETTER_LINE_BLOCK not in [b.get("block_id") for b in _blocks(answer)]


def test_a_plain_dm_give_gets_a_better_line_and_the_click_answers_in_the_dm(
    running: Running,
) -> None:
    _setup(running)
    assert running.slack.dm("we'll throw in onboarding").status == 200
    reply = running.fake.wait_for("chat.postMessage", timeout=20)[-1]
    validate(_blocks(reply))
    ids = [b.get("block_id") for b in _blocks(reply)]
    assert "read_as" in ids and BETTER_LINE_BLOCK in ids
    assert _better(reply)["accessory"]["value"] == (
        "say If you can move on term length, we'll throw in onboarding."
    )
    answer = _click(running, reply)
    assert answer.body["response_type"] == "in_channel"  # under the DM reply, in the DM
    assert "That line reads well" in json.dumps(answer.body)


def test_user_text_is_escaped_in_the_line_and_carried_as_typed_by_the_button(
    running: Running,
) -> None:
    _setup(running)
    reply = ask(running, "say we can throw in <!channel> onboarding & <https://x.io|setup>")
    validate(_blocks(reply))
    block = _better(reply)
    shown = block["text"]["text"]
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown and "&amp;" in shown
    assert "<https://" not in shown
    # The button's value is never parsed by Slack: it carries the line as typed.
    assert "<!channel>" in block["accessory"]["value"]
    answer = _click(running, reply)
    assert "<!channel>" not in json.dumps(answer.body).replace("&lt;!channel&gt;", "")


def test_a_tampered_click_only_checks_a_line(running: Running) -> None:
    _setup(running)
    reply = ask(running, "say we can throw in the onboarding")
    answer = _click(running, reply, value="say take it or leave it")
    ids = [b.get("block_id") for b in _blocks(answer)]
    assert "warning:hard_line_tone" in ids  # run as a `say`: nothing is logged or switched
    assert _run(running, "log").table is None


def test_the_button_value_stays_within_slacks_limit() -> None:
    short = better_line_block(BETTER)
    assert short["accessory"]["value"] == f"say {BETTER}"
    long_line = "If you can move on price, we can add " + "onboarding and " * 200 + "training."
    block = better_line_block(long_line)
    assert "accessory" not in block  # a cut value would say something else: no button
    assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
    edge = "x" * (MAX_BUTTON_VALUE - len("say "))
    assert len(better_line_block(edge)["accessory"]["value"]) == MAX_BUTTON_VALUE
    assert "accessory" not in better_line_block(edge + "x")
    assert "accessory" not in better_line_block(BETTER, buttons=False)


def test_a_shared_or_expanded_reply_keeps_the_line_without_repeating_it() -> None:
    reply = Reply(
        text="Before you say that, look at the warnings below.",
        deal="Acme",
        phase="midgame",
        better_line=BETTER,
    )
    message = render(reply)
    validate(message.blocks)
    assert [b.get("block_id") for b in message.blocks].count(BETTER_LINE_BLOCK) == 1
    quiet = render(reply, buttons=False)
    assert "accessory" not in next(
        b for b in quiet.blocks if b.get("block_id") == BETTER_LINE_BLOCK
    )
