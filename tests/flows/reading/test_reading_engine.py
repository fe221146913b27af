"""The reader inside the engine: Read as, unclear choices, recaps, undo, and no hijacking.

Each test runs lines the way a front sends them, against one in-memory user.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auxil.transcripts import Transcript
from flows.reading import SAFE_COMMANDS, ReadContext, Reader
from flows.replies import CHAT, Rejection, Reply

ACME = """
new Acme renewal
counterparty Dana Reyes, procurement lead at Acme; CFO Mark Li signs above 100k
walkaway 90k
evidence analyst benchmark: $85-110k for 200 seats
issue price us=5 them=4
issue payment terms us=2 them=4
next anyway
next anyway
"""


def reply(transcript: Transcript, line: str) -> Reply:
    outcome = transcript.send(line)
    assert isinstance(outcome, Reply), f"{line}: {outcome}"
    return outcome


def codes(outcome: Reply) -> list[str]:
    return sorted(w.code for w in outcome.warnings)


@pytest.fixture
def acme(transcript: Transcript) -> Transcript:
    transcript.run(ACME)
    return transcript


@pytest.mark.parametrize(
    ("line", "read_as", "warned"),
    [
        ("we threw in free installation", "give free installation", ["one_way_concession"]),
        ("gave them 10% off", "give 10% off", ["one_way_concession"]),
        ("Dana came back at 92k", "they: Dana came back at 92k", ["their_anchor"]),
        ("he's asking for net-90", "they asking for net-90", []),
        ("they threw in a reference call", "get a reference call", []),
        (
            "if they take 3 years we can do the training free",
            "if we do the training free, they take 3 years",
            [],
        ),
        ("I told them we can do 98k for three years", "say we can do 98k for three years", []),
        ("walk away figure is 88k", "walkaway 88k", []),
        ("what should I tell them about the price rise?", "script objection", []),
        ("next call thursday 2pm", "meeting thursday 2pm", []),
    ],
)
def test_a_plain_line_runs_as_its_reading(
    acme: Transcript, line: str, read_as: str, warned: list[str]
) -> None:
    outcome = reply(acme, line)
    assert outcome.read_as == read_as
    assert codes(outcome) == warned
    assert outcome.to_json()["read_as"] == read_as


def test_a_typed_command_has_no_reading(acme: Transcript) -> None:
    outcome = reply(acme, "give training")
    assert outcome.read_as is None and "read_as" not in outcome.to_json()


@pytest.mark.parametrize(
    "line",
    [
        "walk away figure is 88k",
        "start date pushed to May",
        "next call is thursday",
        "back and forth all morning with Dana",
        "new quote from Dana at 95k",
        "give me a line for the budget objection",
        "team wants a pilot first",
    ],
)
def test_prose_behind_a_command_word_never_moves_the_deal(acme: Transcript, line: str) -> None:
    before = acme.space.active_deal()
    assert before is not None
    acme.send(line)
    after = acme.space.active_deal()
    assert after is not None
    assert (after.name, after.phase) == (before.name, before.phase)
    assert len(acme.space.list_deals()) == 1


def test_the_walk_command_still_walks_when_typed(acme: Transcript) -> None:
    acme.run("walk they would not move below our floor on liability -> walked_away")


def test_an_unclear_line_offers_choices_and_stores_nothing(acme: Transcript) -> None:
    before = acme.space.active_deal()
    outcome = acme.send("net-60")
    assert isinstance(outcome, Rejection) and outcome.code == "unclear"
    assert outcome.choices == ("give net-60", "they want net-60", "get net-60")
    assert outcome.to_json()["error"]["choices"][0] == "give net-60"
    assert acme.space.active_deal() == before
    assert codes(reply(acme, outcome.choices[1])) == []


def test_small_talk_is_acknowledged_and_stores_nothing(acme: Transcript) -> None:
    before = acme.space.active_deal()
    outcome = reply(acme, "thanks, that helped")
    assert outcome.command == CHAT and not outcome.warnings
    assert acme.space.active_deal() == before


def test_a_yes_right_after_their_ask_is_a_give(acme: Transcript) -> None:
    acme.send("they want net-90 payment terms")
    outcome = reply(acme, "yes that's fine")
    assert outcome.read_as == "give net-90 payment terms"
    assert codes(outcome) == ["one_way_concession"]


def test_a_no_after_their_ask_logs_nothing(acme: Transcript) -> None:
    acme.send("they want net-90 payment terms")
    count = acme.space.active_deal().moves_count  # type: ignore[union-attr]
    assert reply(acme, "no, we declined").command == CHAT
    assert acme.space.active_deal().moves_count == count  # type: ignore[union-attr]


def test_a_recap_waits_for_confirmation_then_logs_as_one_change(acme: Transcript) -> None:
    recap = reply(
        acme,
        "Recap: they pushed hard on price and want 15% off. I offered net-60 "
        "if they sign for three years. They'll come back Friday.",
    )
    assert recap.is_recap and len(recap.recap_lines) == 3
    assert acme.space.active_deal().moves_count == 0  # type: ignore[union-attr]
    logged = acme.engine.handle_batch(recap.recap_lines, acme.space, acme.now)
    assert isinstance(logged, Reply) and logged.read_as == recap.recap_lines
    deal = acme.space.active_deal()
    assert deal is not None and deal.moves_count == 2 and deal.meeting
    reply(acme, "undo")
    deal = acme.space.active_deal()
    assert deal is not None and deal.moves_count == 0 and not deal.meeting


@pytest.mark.parametrize(
    "line",
    [
        "walk",
        "new Other",
        "use Acme renewal",
        "next anyway",
        "signed anyway",
        "team add @U2",
        "remind 08:00",
    ],
)
def test_a_confirmation_runs_only_what_a_reading_may_produce(acme: Transcript, line: str) -> None:
    outcome = acme.engine.handle_batch(["give training", line], acme.space, acme.now)
    assert isinstance(outcome, Rejection)


def test_undo_reverses_a_plain_line(acme: Transcript) -> None:
    reply(acme, "we waived the setup fee")
    undone = reply(acme, "undo")
    assert "give the setup fee" in undone.text
    assert acme.space.active_deal().unpaired_gives == 0  # type: ignore[union-attr]


def test_a_typo_of_a_command_is_still_caught(acme: Transcript) -> None:
    outcome = acme.send("gvie training")
    assert isinstance(outcome, Rejection) and outcome.code == "unknown_command"


READER = Reader()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "we",
                "they",
                "walk",
                "away",
                "next",
                "new",
                "use",
                "signed",
                "team",
                "give",
                "threw in",
                "if",
                "as long as",
                "92k",
                "net-60",
                "?",
                ".",
                ",",
                "not",
                "Dana",
                "start",
                "back",
                "remind",
                "nudge",
                "@U1",
                "yes",
                "no",
                "for",
                "in return for",
                "and",
            ]
        ),
        min_size=1,
        max_size=14,
    )
)
def test_no_reading_is_ever_a_dangerous_command(words: list[str]) -> None:
    reading = READER.read(" ".join(words), ReadContext(names=frozenset({"dana"})))
    for line in reading.lines:
        word = line.split(" ", 1)[0].rstrip(":")
        assert word in SAFE_COMMANDS, (words, reading)


def test_reading_keeps_the_users_words() -> None:
    reading = READER.read("We waived the SETUP fee for Acme")
    assert reading.command == "give the SETUP fee for Acme"
