"""No user text reaches Slack as a ping, a channel link or a disguised link (issue 12, finding 2).

Every Slack control sequence goes through every path that echoes user text - a DM reply, a
``/deal`` reply, a manager's nudge note, a team notice, the Home tab, a modal's inline
error, the Monday digest and the daily prep reminder - both as Slack delivers a real
mention or link (raw) and as it delivers the same characters typed as text (escaped).
Then every field of every call the fake Slack received (and every acknowledgement the app
answered with) is searched for a live sequence: only mentions of the people the app names
itself may remain. ``plain_text`` objects, button values and ``private_metadata`` are the
exceptions: Slack never parses them, so they carry what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_harness import Running, ask

from auxil.fake_slack import FakeSlack
from bot.service import CoachService
from bot.slack.notices import render_delivery
from bot.slack.safe import escape, guard, message_text
from bot.slack.sender import sender_client
from bot.slack.worker import ReminderWorker
from bot.store.database import Database

SEQUENCES = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S123>",
    "<!subteam^S123|@team>",
    "<#C123>",
    "<#C123|general>",
    "<@U999>",
    "<@W999>",
    "<https://x.example|renew now>",
    "<mailto:a@b.c|x>",
    "<!date^1392734382^{date}|x>",
)
# As Slack delivers a real mention or link: raw. As it delivers the same characters typed
# as text: escaped - and a typed "&lt;!channel&gt;" arrives escaped once more.
RAW = " ".join(SEQUENCES)
TYPED = " ".join(escape(s) for s in (*SEQUENCES, "&lt;!channel&gt;"))
# The people the app itself names in these tests; only they may become mentions.
NAMED = re.compile(r"<@U[1-4]>")
_LIVE = re.compile(r"<[^<>]*>")
_NEVER_PARSED = frozenset({"value", "private_metadata", "metadata"})


def _strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string Slack may parse, with where it is (plain_text and values left out)."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        if node.get("type") == "plain_text":
            return
        for key, value in node.items():
            if key not in _NEVER_PARSED:
                yield from _strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")


def live_sequences(body: Any) -> list[tuple[str, str]]:
    """The control sequences in ``body`` other than mentions of the named people."""
    return [
        (where, seq)
        for where, text in _strings(body)
        for seq in _LIVE.findall(text)
        if not NAMED.fullmatch(seq)
    ]


def assert_nothing_live(fake: FakeSlack, *answers: Any) -> int:
    """Check every call the fake received, and the app's own answers; how many were checked."""
    bodies = [call.body for call in fake.calls] + list(answers)
    for body in bodies:
        assert live_sequences(body) == [], body
    return len(bodies)


def _sent_any(fake: FakeSlack, text: str) -> bool:
    """Whether the user's words got through at all (else the test would prove nothing)."""
    return any(text in str(call.body) for call in fake.calls)


# -- the checker itself -------------------------------------------------------------------
def test_the_checker_finds_each_sequence_and_spares_plain_text() -> None:
    for seq in SEQUENCES:
        assert live_sequences({"text": f"hi {seq}"}) == [(".text", seq)]
        assert live_sequences(
            {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": seq}}]}
        )
        assert live_sequences({"text": escape(seq)}) == []
    assert live_sequences({"type": "plain_text", "text": RAW}) == []
    assert live_sequences({"text": "<@U1> named by the app"}) == []


def test_the_send_guard_defuses_what_a_builder_left_and_keeps_app_mentions() -> None:
    payload = {
        "text": f"<@U1> {RAW}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": RAW}},
            {"type": "header", "text": {"type": "plain_text", "text": RAW}},
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "value": RAW, "text": {"type": "plain_text", "text": "x"}}
                ],
            },
        ],
    }
    safe = guard(payload)
    # Mentions of user ids pass the guard: which ids the app names is the builders' call
    # (with_mentions), and the end-to-end test below checks them. Nothing else passes.
    assert {seq for _, seq in live_sequences(safe)} == {"<@U999>", "<@W999>"}
    assert safe["text"].startswith("<@U1> ")
    assert safe["blocks"][1] == payload["blocks"][1]  # plain text stays as typed
    assert safe["blocks"][2] == payload["blocks"][2]  # a button's value is never shown
    assert live_sequences(guard({"response_action": "errors", "errors": {"a": RAW}})) == []


@pytest.mark.parametrize("kind", ["nudge", "team", "prep", "digest"])
def test_a_queued_message_is_escaped_by_its_builder_alone(kind: str) -> None:
    payload = {
        "text": RAW,
        "heading": RAW,
        "deal": RAW,
        "lines": [RAW],
        "steps": [RAW],
        "people": ["U1"],
        "items": [{"deal": RAW, "text": f"@U1 {RAW}", "step": RAW, "line": RAW}],
    }
    message = render_delivery(kind, payload)
    assert live_sequences(message.payload()) == []
    assert "<@U1>" in str(message.payload()) or kind not in ("prep", "digest")


def test_message_text_escapes_names_only_the_listed_people_and_cuts_cleanly() -> None:
    assert (
        message_text("@U1 and @U999 <@U999> &lt;", ["U1"])
        == "<@U1> and @U999 &lt;@U999&gt; &amp;lt;"
    )
    cut = message_text("a" * 290 + " <!channel> &&&&", limit=300)
    assert len(cut) <= 300 and live_sequences({"text": cut}) == []
    assert not re.search(r"&[a-z]*…$", cut)


# -- every path that echoes user text, end to end ----------------------------------------
def test_replies_notices_home_and_modal_errors_carry_no_live_sequence(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake = running.fake
    fake.set_person("U1", is_admin=True)
    answers: list[Any] = []

    # A DM reply and /deal replies, raw and typed.
    running.slack.dm(f"new Acme {RAW[:40]}")
    running.slack.dm(f"give {RAW}")
    running.slack.dm(f"give {TYPED}")
    fake.wait_for("chat.postMessage", 3, timeout=20)
    ask(running, f"they {RAW}")
    ask(running, f"say {TYPED}")
    ask(running, f"team {RAW}")  # a rejection that quotes the word typed

    # A manager's nudge note to the rep, and team notices (an invite, an admin's add).
    for line in ("new Beta", "next anyway", "next anyway"):
        running.service.handle("T1", "U2", line)
    ask(running, "team add <@U2|dana>")
    ask(running, f"nudge <@U2|dana> Beta {RAW}")
    ask(running, "team add <@U4|@channel>", user="U3")
    fake.wait_for(
        "chat.postMessage", 3, timeout=20, where=lambda c: c.body.get("channel") in ("U2", "U4")
    )

    # The Home tab: deals named with the sequences (names are at most 60 characters).
    for seq in SEQUENCES:
        running.service.handle("T1", "U1", f"new Deal {seq}")
    before = len(fake.of("views.publish"))
    running.slack.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"})
    fake.wait_for("views.publish", before + 1, timeout=20)

    # A modal's inline errors quote what was typed into the form.
    rows = "\n".join(f"price us={seq.replace(' ', '_')} them=3" for seq in SEQUENCES)
    sent = running.slack.submit_view(
        "prepare", {"issues": {"value": {"type": "plain_text_input", "value": rows}}}
    )
    assert sent.status == 200
    answers.append(sent.json())
    assert answers[-1]["response_action"] == "errors" and "us=" in str(answers[-1])
    fake.quiet()

    assert _sent_any(fake, "C123") and _sent_any(fake, "renew now")  # the words got through
    assert "nudged you about Beta" in str(fake.dm("U2"))
    assert "x.example" in str([c.body for c in fake.of("views.publish")])
    assert assert_nothing_live(fake, *answers) > 10
    # The builders escaped everything themselves: the send guard found nothing to fix.
    assert not [r for r in caplog.records if "control sequence" in r.getMessage()]


def test_the_digest_and_the_prep_reminder_carry_no_live_sequence(database: Database) -> None:
    monday_0600 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    fake = FakeSlack().start()
    try:
        service = CoachService(database, clock=lambda: monday_0600)
        for seq in SEQUENCES:
            service.handle("T1", "U2", f"new Deal {seq}", tz="UTC")
        service.handle("T1", "U2", "remind 08:00", tz="UTC")
        service.handle("T1", "U1", "team add <@U2>", tz="UTC")
        service.handle("T1", "U2", "team accept <@U1>", tz="UTC")
        service.handle("T1", "U1", "remind 09:00", tz="UTC")
        client = sender_client(fake.api_url, "xoxb-test")
        clock = [monday_0600]
        worker = ReminderWorker(database, lambda _ws: client, lambda: clock[0])
        clock[0] = monday_0600 + timedelta(hours=2)  # the rep's prep at 08:00
        worker.tick()
        clock[0] = monday_0600 + timedelta(hours=3)  # the manager's digest at 09:00
        worker.tick()
        prep, digest = fake.dm("U2"), fake.dm("U1")
        assert prep and "Deal" in str(prep) and "C123" in str(prep)
        assert digest and "digest" in str(digest).lower() and "Deal" in str(digest)
        assert assert_nothing_live(fake) >= 2
    finally:
        fake.stop()
