"""Block Kit rendering: escaping, stable warning block ids, limits, and slack_sdk validation."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auxil.memory import MemoryDealSpace
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    MAX_VIEW_BLOCKS,
    Labels,
    Message,
    escape,
    fit,
    render,
    section,
    shared,
    split_markup,
    unescape,
    validate,
)
from bot.slack.home import home_view
from flows.engine import Engine
from flows.model import Deal
from flows.replies import Rejection, Reply, Table, WarningItem

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
# Every command the engine knows, in an order that exercises most of the phases.
SESSION = """\
help
new Acme & Sons <!channel>
batna stay with the incumbent at 100k
walkaway min 80k
issue payment terms us=2 them=4
issue price us=5 them=3
tradeable training
counterparty CFO Dana <@U123>: budget owner
evidence benchmark 90-110k from <https://evil.example|three peers>
win mine 100k ARR
win theirs fast rollout
win shared a reference case
rule adoption above 80% within 90 days
meeting Tuesday
checklist
script
status
next
script opening
bundle A price=100k term=24 worth=60
bundle B price=110k term=12 worth=60
meso
offer 120k for 24 months
they your price is too high
give training
give onboarding
get longer term
trade faster payment for a case study
if we add support, they sign by Friday
log all
say we can't go lower
pick A
next anyway
safeguard if uptime < 99.5% then 10% credit within 30 days
governance quarterly review with usage data
exit 90-day termination for convenience keeps the data
signed anyway
debrief anchor earlier
deals
use Acme & Sons <!channel>
faq weak batna
pitfalls
playbook procurement
ethics
method
walk
back
nonsense command
give
"""


def _outcomes() -> list[Reply | Rejection]:
    engine, space = Engine(), MemoryDealSpace()
    return [engine.handle(line, space, NOW) for line in SESSION.splitlines()]


def _mrkdwn_texts(blocks: list[dict]) -> list[str]:
    """Every mrkdwn string in the blocks (section text, fields, context elements)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def _unsafe(text: str) -> bool:
    """Whether markup holds a raw < or > (our own quote marker "> " aside)."""
    body = "\n".join(line[2:] if line.startswith("> ") else line for line in text.split("\n"))
    return "<" in body or ">" in body


def test_escape_touches_only_the_three_characters() -> None:
    assert escape("a & b <!channel> *bold* _x_ `c`") == "a &amp; b &lt;!channel&gt; *bold* _x_ `c`"
    assert unescape(escape("<@U1> & &amp; <x|y>")) == "<@U1> & &amp; <x|y>"


def test_every_reply_of_a_whole_session_validates() -> None:
    outcomes = _outcomes()
    assert any(isinstance(o, Rejection) for o in outcomes)
    for outcome in outcomes:
        message = render(outcome)
        validate(message.blocks)
        assert len(message.text) <= 3000
        for text in _mrkdwn_texts(message.blocks):
            # No Slack control sequence survives: every < in user text arrives as &lt;.
            assert not _unsafe(text), text


def test_warnings_have_stable_block_ids_and_come_after_the_text() -> None:
    reply = Reply(
        text="Logged.",
        deal="Acme",
        phase="midgame",
        warnings=[
            WarningItem("one_way_concession", "m1", "s1"),
            WarningItem("reciprocity_stalled", "m2", "s2"),
        ],
    )
    blocks = render(reply, Labels(phases={"midgame": "Midgame"})).blocks
    assert [b.get("block_id") for b in blocks] == [
        None,
        None,
        "warning:one_way_concession",
        "warning:reciprocity_stalled",
    ]
    assert blocks[0]["text"]["text"] == "Acme · Midgame"


def test_next_steps_become_buttons_at_most_five() -> None:
    reply = Reply(text="x", next_steps=[f"script t{i}" for i in range(9)])
    actions = render(reply).blocks[-1]
    assert actions["type"] == "actions" and len(actions["elements"]) == 5
    assert actions["elements"][0]["style"] == "primary"
    assert render(reply, buttons=False).blocks[-1]["type"] == "section"


def test_long_text_is_split_on_lines_within_the_section_limit() -> None:
    text = "\n".join(f"line {i} " + "&<>" * 40 for i in range(200))
    blocks = render(Reply(text=text)).blocks
    validate(blocks)
    joined = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert unescape(joined) == text


def test_a_single_huge_line_is_cut_without_breaking_an_entity() -> None:
    line = ("x" * 2997 + "&" + "y" * 10) * 3
    pieces = split_markup(escape(line))
    assert all(len(p) <= MAX_SECTION_TEXT for p in pieces)
    assert "".join(pieces) == escape(line)
    for piece in pieces:
        assert not re.search(r"&(?!amp;|lt;|gt;)", piece)


def test_too_many_blocks_are_cut_with_a_note_and_the_buttons_kept() -> None:
    table = Table(headers=["#", "item"], rows=[[str(i), "x" * 90] for i in range(3000)])
    reply = Reply(
        text="Big log.",
        deal="Acme",
        phase="midgame",
        table=table,
        warnings=[WarningItem(f"code_{i}", "m", "s") for i in range(30)],
        next_steps=["next"],
    )
    blocks = render(reply).blocks
    assert len(blocks) == MAX_MESSAGE_BLOCKS
    validate(blocks)
    assert blocks[-1]["type"] == "actions"
    assert "not shown" in blocks[-2]["elements"][0]["text"]
    view = render(reply, limit=MAX_VIEW_BLOCKS).blocks
    assert len(view) == MAX_VIEW_BLOCKS
    validate(view, limit=MAX_VIEW_BLOCKS)


def test_table_chunks_repeat_the_header() -> None:
    table = Table(headers=["item", "value"], rows=[[f"row {i}", "v" * 50] for i in range(200)])
    blocks = [b for b in render(Reply(text="", table=table)).blocks]
    assert len(blocks) > 1
    for block in blocks:
        text = block["text"]["text"]
        assert text.startswith("```\nitem") and text.endswith("\n```")


def test_validate_rejects_what_slack_would() -> None:
    with pytest.raises(ValueError, match="more than 50"):
        validate([section("x")] * 51)
    with pytest.raises(ValueError, match="repeats"):
        validate([section("x", "a"), section("y", "a")])
    with pytest.raises(Exception):  # noqa: B017 - slack_sdk raises its own error types
        validate([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}])


def test_a_shared_reply_has_no_buttons_and_names_who_shared_it() -> None:
    message = render(Reply(text="x", deal="Acme", phase="setup", next_steps=["next"]))
    out = shared(message, "U0123ABC")
    assert all(b["type"] != "actions" for b in out.blocks)
    assert out.blocks[-1]["elements"][0]["text"] == "Shared by <@U0123ABC> from dealcoach"
    assert "&lt;!channel&gt;" in json.dumps(shared(message, "<!channel>").blocks)


def test_fit_keeps_short_lists_unchanged() -> None:
    blocks = [section("a"), section("b")]
    assert fit(blocks, 50) == blocks
    assert Message("t", blocks).payload() == {"text": "t", "blocks": blocks}


def test_home_view_stays_within_the_view_limit() -> None:
    engine, space = Engine(), MemoryDealSpace()
    for i in range(30):
        engine.handle(f"new Deal {i} <!here>", space, NOW)
    deals: list[Deal] = space.list_deals()
    view = home_view(deals, deals[-1].id, Labels(), engine.lib)
    validate(view["blocks"], limit=MAX_VIEW_BLOCKS)
    assert "10 older deals not shown" in json.dumps(view)
    for text in _mrkdwn_texts(view["blocks"]):
        assert "<" not in text


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_user_text_renders_valid_escaped_blocks(text: str) -> None:
    engine, space = Engine(), MemoryDealSpace()
    engine.handle("new Acme", space, NOW)
    for line in (f"give {text}", f"they {text}", f"new {text}"):
        outcome = engine.handle(line, space, NOW)
        message = render(outcome)
        validate(message.blocks)
        for piece in _mrkdwn_texts(message.blocks):
            assert not _unsafe(piece), piece
