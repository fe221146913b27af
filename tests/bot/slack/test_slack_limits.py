"""Every reply kind stays within Slack's limits, whatever the user typed (issue 12, finding 4).

A property test drives the engine with random long inputs (1,000-character gives, long
deal names, bundles, recaps, unclear lines) and also renders synthetic replies with every
part at once (text, warnings, quoted lines, a table naming people, next steps, a recap,
choices), and checks each message and view against the limits Slack enforces: 3,000
characters a section, 50 blocks a message, 100 a view, 40,000 characters of message text,
2,000 a button value, 75 a button label, 150 a header.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auxil.memory import MemoryDealSpace
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_TABLE_CELL,
    MAX_VIEW_BLOCKS,
    Labels,
    Message,
    render,
    unescape,
    validate,
)
from bot.slack.home import home_view
from bot.slack.modals import result_view
from flows.engine import Engine
from flows.replies import RECAP, Rejection, Reply, Table, WarningItem

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

SECTION, MESSAGE_BLOCKS, VIEW_BLOCKS = 3000, 50, 100
MESSAGE_TEXT, BUTTON_VALUE, BUTTON_LABEL, HEADER = 40_000, 2000, 75, 150

# Words with the characters that grow when escaped, so escaping cannot push a piece over.
WORD = st.sampled_from(
    [
        "price",
        "&",
        "<net-60>",
        "training",
        "x" * 40,
        "@U1",
        "année",
        "a&b",
        "<!channel>",
        "30%",
        "support",
        "“quoted”",
    ]
)


def long_text(min_size: int = 1, max_size: int = 1000) -> st.SearchStrategy[str]:
    """Text up to ``max_size`` characters: words (with markup characters) and noise."""
    words = st.lists(WORD, min_size=1, max_size=max_size // 4).map(" ".join)
    noise = st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)), min_size=min_size, max_size=max_size
    )
    return st.one_of(words, noise).map(lambda t: t[:max_size]).filter(lambda t: t.strip())


def check_limits(blocks: list[dict[str, Any]], limit: int, text: str | None = None) -> None:
    """Assert Slack's limits on blocks (and the message text), then slack_sdk's checks."""
    assert len(blocks) <= limit
    if text is not None:
        assert 0 < len(text) <= MESSAGE_TEXT

    def walk(node: object, parent: str = "") -> None:
        if isinstance(node, dict):
            kind = node.get("type")
            if kind in ("mrkdwn", "plain_text"):
                assert len(node["text"]) <= SECTION, (parent, len(node["text"]))
                if parent == "header":
                    assert len(node["text"]) <= HEADER
                if parent == "button":
                    assert len(node["text"]) <= BUTTON_LABEL
            if kind == "button":
                assert len(node.get("value", "")) <= BUTTON_VALUE
            for value in node.values():
                walk(value, kind or parent)
        elif isinstance(node, list):
            for value in node:
                walk(value, parent)

    walk(blocks)
    validate(blocks, limit=limit)


def check_outcome(outcome: Reply | Rejection) -> Message:
    """Render an outcome as a message and as a modal result; both within the limits."""
    message = render(outcome, Labels())
    check_limits(message.blocks, MAX_MESSAGE_BLOCKS, message.text)
    view = result_view("Result", render(outcome, limit=MAX_VIEW_BLOCKS))
    check_limits(view["blocks"], MAX_VIEW_BLOCKS)
    return message


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=long_text(max_size=200),
    gives=st.lists(long_text(700, 1000), min_size=1, max_size=4),
    other=long_text(max_size=1000),
)
def test_engine_replies_with_long_inputs_stay_within_the_limits(
    name: str, gives: list[str], other: str
) -> None:
    engine, space = Engine(), MemoryDealSpace()
    outcomes = [engine.handle(f"new {name}", space, NOW), engine.handle("new Acme", space, NOW)]
    for give in gives:
        outcomes.append(engine.handle(f"give {give}", space, NOW))
    for line in (
        f"get {other}",
        f"they {other}",
        f"trade {gives[0]} for {other}",
        f"bundle A price={other[:50]} term=24 worth=60",
        "bundle B price=1 term=2",
        f"issue {other[:300]} us=2 them=4",
        f"evidence {other}",
        f"Recap: we threw in {gives[0]}. They agreed to {other}. We gave them net-60.",
        other,
        "log",
        "log all",
        "log 200",
        "status",
        "meso",
        "checklist",
        "deals",
    ):
        outcomes.append(engine.handle(line, space, NOW))
    for outcome in outcomes:
        check_outcome(outcome)
    deals = space.list_deals()
    view = home_view(deals, deals[-1].id, Labels(), engine.lib)
    check_limits(view["blocks"], MAX_VIEW_BLOCKS)


reps = st.lists(st.from_regex(r"U[A-Z0-9]{2,10}", fullmatch=True), min_size=0, max_size=5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=long_text(max_size=20_000),
    title=long_text(max_size=400),
    warnings=st.lists(
        st.tuples(long_text(max_size=80), long_text(max_size=2000), long_text(max_size=2000)),
        max_size=60,
    ),
    lines=st.lists(long_text(max_size=1000), max_size=80),
    rows=st.lists(st.lists(long_text(max_size=1000), min_size=3, max_size=3), max_size=250),
    people=reps,
    steps=st.lists(long_text(max_size=3000), max_size=8),
    recap=st.lists(long_text(max_size=1000), max_size=40),
)
def test_any_reply_of_any_kind_stays_within_the_limits(
    text: str,
    title: str,
    warnings: list[tuple[str, str, str]],
    lines: list[str],
    rows: list[list[str]],
    people: list[str],
    steps: list[str],
    recap: list[str],
) -> None:
    named = [
        [f"@{people[i % len(people)]} {a}" if people else a, b, c]
        for i, (a, b, c) in enumerate(rows)
    ]
    table = Table(["rep or item", "we give", "trigger"], named)
    reply = Reply(
        text=text,
        deal=title,
        phase="midgame",
        lines=lines,
        table=table,
        warnings=[WarningItem(code, message, fix) for code, message, fix in warnings],
        next_steps=steps,
        people=people,
    )
    check_outcome(reply)
    check_outcome(Reply(text=text, deal=title, command=RECAP, read_as=recap))
    check_outcome(Reply(text=text, read_as=title, next_steps=steps))
    check_outcome(Rejection("unclear", text, usage=title, choices=tuple(steps)))


def test_a_log_of_thousand_character_gives_keeps_every_word() -> None:
    """The finding as reported: gives of 1,000 characters, `log` and `log all`."""
    engine, space = Engine(), MemoryDealSpace()
    engine.handle("new Acme", space, NOW)
    gives = [" ".join(f"give{i}word{j}" for j in range(100))[:1000] for i in range(3)]
    for give in gives:
        engine.handle(f"give {give}", space, NOW)
    for line in ("log", "log all"):
        message = check_outcome(engine.handle(line, space, NOW))
        shown = unescape(
            "\n".join(b["text"]["text"] for b in message.blocks if b["type"] == "section")
        )
        table = shown.split("```")[1]
        assert (
            max(len(cell.strip()) for row in table.split("\n") for cell in row.split("  "))
            <= MAX_TABLE_CELL
        )
        assert "…" in table
        for give in gives:
            assert give in shown  # listed in full under the table


def test_too_many_parts_say_what_is_not_shown_and_how_to_see_it() -> None:
    engine, space = Engine(), MemoryDealSpace()
    engine.handle("new Acme", space, NOW)
    # Each give is in the log once (one fact a column), so it takes this many to overflow.
    for i in range(160):
        engine.handle(f"give {i} " + "lorem ipsum " * 80, space, NOW)
    message = check_outcome(engine.handle("log 200", space, NOW))
    note = message.blocks[-2] if message.blocks[-1]["type"] == "actions" else message.blocks[-1]
    assert "not shown" in note["elements"][0]["text"] and "`log 10`" in note["elements"][0]["text"]


def test_a_recap_too_long_for_a_button_says_so() -> None:
    lines = [f"give item {i} " + "y" * 200 for i in range(12)]
    message = check_outcome(Reply(text="Recap", command=RECAP, read_as=lines))
    assert all(b["type"] != "actions" for b in message.blocks)
    assert "one at a time" in message.blocks[-1]["elements"][0]["text"]


def test_a_choice_too_long_for_a_button_gets_none() -> None:
    long = "give " + "z" * 2100
    message = check_outcome(Rejection("unclear", "Which?", choices=(long, "give net-60")))
    values = [e["value"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert values == ["give net-60"]
