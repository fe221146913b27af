"""The daily prep brief, the weekly manager digest, and ``meeting <when>`` that feeds them.

Briefs are pure: deals and the time in, text out. Meetings are read in the user's zone
through :meth:`~auxil.memory.MemoryWorld.space`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from auxil.memory import MemoryWorld
from flows.briefing import MAX_ITEMS, daily_brief, meeting_soon, weekly_digest
from flows.engine import Engine
from flows.gaps import exit_gaps
from flows.model import Bundle, Clause, Deal, IssueScore, Move, Walkaway
from flows.oversight import FIXES, POLICY_GIVE_GET, POLICY_SIGN_SAFE, deal_health, gap_title
from flows.replies import Outcome, Reply
from flows.turn import deal_facts
from phrases import PhraseLibrary

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # Monday; 15:00 in Kolkata


@pytest.fixture
def lib(engine: Engine) -> PhraseLibrary:
    return engine.lib


def fresh(name: str = "Fresh") -> Deal:
    """A deal just made: every setup gap open."""
    return Deal(name=name, context="sales")


def tidy(name: str = "Tidy", phase: str = "first_move") -> Deal:
    """A deal with nothing open in its phase."""
    return Deal(name=name, context="sales", phase=phase, bundles=[Bundle("A", {"price": "95k"})])


def prepared(name: str = "Acme") -> Deal:
    """A setup deal with nothing left to prepare."""
    return Deal(
        name=name,
        context="sales",
        batna="renew with Globex",
        walkaway=Walkaway("90k"),
        evidence=["benchmark"],
        issues=[IssueScore("price", 5, 3), IssueScore("term", 2, 4)],
    )


def covered(name: str, phase: str = "close") -> Deal:
    return Deal(
        name=name,
        context="sales",
        phase=phase,
        safeguards=[Clause("if uptime < 99.9% in a month, 10% credit")],
        governance=[Clause("quarterly review on uptime")],
        exits=[Clause("90 days notice")],
    )


def meets(deal: Deal, at: datetime, label: str = "") -> Deal:
    deal.meeting_at = at.isoformat()
    deal.meeting = label
    return deal


def first_line(lib: PhraseLibrary, topic: str, deal: Deal) -> str:
    return lib.script(topic, deal.context, **deal_facts(deal))[0]


# -- meeting <when> ------------------------------------------------------------------------
def meeting_in(engine: Engine, tz: str, when: str) -> tuple[Outcome, Deal]:
    world = MemoryWorld()
    space = world.space("me", tz=tz)
    engine.handle("new Acme", space, NOW)
    outcome = engine.handle(f"meeting {when}", space, NOW)
    deal = space.active_deal()
    assert deal is not None
    return outcome, deal


@pytest.mark.parametrize(
    ("tz", "when", "label", "at"),
    [
        ("Asia/Kolkata", "tomorrow 14:00", "tomorrow 14:00", "2026-11-24T08:30:00+00:00"),
        ("Europe/London", "tomorrow 14:00", "tomorrow 14:00", "2026-11-24T14:00:00+00:00"),
        ("America/Los_Angeles", "tomorrow 2pm", "tomorrow 14:00", "2026-11-24T22:00:00+00:00"),
        (
            "Asia/Kolkata",
            "Thu 9am",
            "Thu 26 Nov, 09:00 (Asia/Kolkata)",
            "2026-11-26T03:30:00+00:00",
        ),
        (
            "Asia/Kolkata",
            "2026-12-03 10:30",
            "Thu 3 Dec, 10:30 (Asia/Kolkata)",
            "2026-12-03T05:00:00+00:00",
        ),
        # 22:30 on Monday in Auckland: two hours on is Tuesday there.
        ("Pacific/Auckland", "in 2 hours", "tomorrow 00:30", "2026-11-23T11:30:00+00:00"),
    ],
)
def test_meetings_are_read_in_the_users_zone(
    engine: Engine, tz: str, when: str, label: str, at: str
) -> None:
    outcome, deal = meeting_in(engine, tz, when)
    assert isinstance(outcome, Reply), outcome
    assert (deal.meeting, deal.meeting_at) == (label, at)
    assert outcome.text.startswith(f"Next meeting: {label}.")
    assert "until I know your time zone" not in outcome.text


def test_a_meeting_in_an_unknown_zone_is_utc_and_says_so(engine: Engine) -> None:
    outcome, deal = meeting_in(engine, "UTC", "tomorrow 14:00")
    assert isinstance(outcome, Reply)
    assert deal.meeting_at == "2026-11-24T14:00:00+00:00"
    assert "Times are in UTC until I know your time zone" in outcome.text


@pytest.mark.parametrize(
    ("when", "complaint"),
    [
        ("12/03 10:00", "could mean 3 Dec or 12 Mar"),
        ("whenever", "couldn't work out when"),
        ("2025-01-01 10:00", "has passed"),
        # It is 15:00 in Kolkata.
        ("today 14:00", "has passed"),
    ],
)
def test_a_meeting_that_cannot_be_read_is_refused_and_kept(
    engine: Engine, when: str, complaint: str
) -> None:
    space = MemoryWorld().space("me", tz="Asia/Kolkata")
    engine.handle("new Acme", space, NOW)
    assert isinstance(engine.handle("meeting tomorrow 14:00", space, NOW), Reply)
    outcome = engine.handle(f"meeting {when}", space, NOW)
    assert not isinstance(outcome, Reply) and outcome.code == "bad_arguments"
    assert complaint in outcome.message
    deal = space.active_deal()
    assert deal is not None and deal.meeting_at == "2026-11-24T08:30:00+00:00"


def test_a_meeting_set_in_the_chat_leads_the_brief(engine: Engine, lib: PhraseLibrary) -> None:
    space = MemoryWorld().space("me", tz="Asia/Kolkata")
    for line in ("new Later", "meeting Thu 9am", "new Acme", "meeting tomorrow 14:00"):
        assert isinstance(engine.handle(line, space, NOW), Reply), line
    brief = daily_brief(lib, space.list_deals(), NOW, {})
    assert brief is not None
    assert [(i.deal, i.meeting_soon) for i in brief.items] == [("Acme", True), ("Later", False)]
    assert brief.items[0].text.startswith("Acme (Setup): meeting tomorrow 14:00.")


# -- the daily brief -----------------------------------------------------------------------
def test_nothing_to_prepare_is_no_brief(lib: PhraseLibrary) -> None:
    signed = fresh("Signed")
    signed.phase = "review"
    walked = meets(fresh("Walked"), NOW + timedelta(hours=2))
    walked.phase = "walked_away"
    far = meets(tidy("Far"), NOW + timedelta(days=3))
    past = meets(tidy("Past"), NOW - timedelta(minutes=1))
    assert daily_brief(lib, [], NOW, {}) is None
    assert daily_brief(lib, [tidy(), signed, walked, far, past], NOW, {}) is None


def test_a_meeting_within_a_day_comes_first_with_a_step_and_a_line(lib: PhraseLibrary) -> None:
    gap_deal = fresh()
    soon = meets(tidy(), NOW + timedelta(hours=3), "today 12:30")
    brief = daily_brief(lib, [gap_deal, soon], NOW, {"Tidy": "today 18:00 (Asia/Kolkata)"})
    assert brief is not None
    assert brief.heading == "Prep for today: 2 deals to look at."
    first, second = brief.items
    assert (first.deal, first.meeting_soon) == ("Tidy", True)
    # The label the caller made in the user's zone wins over the stored one.
    assert first.text == "Tidy (First move): meeting today 18:00 (Asia/Kolkata)."
    brief_step = lib.phase("first_move").brief
    assert brief_step is not None
    topic, step = brief_step.topic, brief_step.step
    assert first.step == step == "meso"
    assert first.line == first_line(lib, topic, soon) and first.line
    assert (second.deal, second.meeting_soon) == ("Fresh", False)


@pytest.mark.parametrize(
    ("phase", "step"),
    [("setup", "checklist"), ("first_move", "meso"), ("midgame", "log"), ("close", "status")],
)
def test_a_meeting_without_gaps_gets_the_phases_step(
    lib: PhraseLibrary, phase: str, step: str
) -> None:
    deal = {"setup": prepared(), "close": covered("Acme")}.get(phase) or tidy("Acme", phase)
    assert exit_gaps(deal) == []
    meets(deal, NOW + timedelta(hours=1), "today 10:30")
    brief = daily_brief(lib, [deal], NOW, {})
    assert brief is not None
    (item,) = brief.items
    assert item.meeting_soon and item.step == step
    brief_step = lib.phase(phase).brief
    assert brief_step is not None
    assert item.line == first_line(lib, brief_step.topic, deal)


def test_a_meeting_and_a_gap_say_both(lib: PhraseLibrary) -> None:
    deal = meets(
        Deal(name="Acme", context="sales", phase="close"),
        NOW + timedelta(hours=20),
        "tomorrow 05:30",
    )
    brief = daily_brief(lib, [deal], NOW, {})
    assert brief is not None
    (item,) = brief.items
    title = gap_title(lib, "no_safeguards")
    assert item.text == f"Acme (Close): meeting tomorrow 05:30. Acme (Close): {title}."
    assert item.step == FIXES["no_safeguards"][1] == "safeguard"
    assert item.line == first_line(lib, "safeguard", deal)


def test_gaps_make_items_with_their_fix(lib: PhraseLibrary) -> None:
    deals = [
        fresh(),
        Deal(name="Open", context="sales", phase="first_move"),
        Deal(name="Unsafe", context="procurement", phase="close", unpaired_gives=1),
    ]
    brief = daily_brief(lib, deals, NOW, {})
    assert brief is not None
    got = [(i.deal, i.step) for i in brief.items]
    # Money left on the table before safeguards; the walk-away before the BATNA.
    assert got == [("Fresh", "walkaway"), ("Open", "bundle"), ("Unsafe", "get")]
    assert brief.items[0].text == f"Fresh (Setup): {gap_title(lib, 'missing_walkaway')}."
    for item, deal in zip(brief.items, deals, strict=True):
        assert not item.meeting_soon
        gap = {
            "Fresh": "missing_walkaway",
            "Open": "no_meso",
            "Unsafe": "unreciprocated_concessions",
        }[deal.name]
        assert item.line == first_line(lib, FIXES[gap][0], deal) and item.line


def test_a_missing_walkaway_is_never_fixed_with_the_walk_out_script(lib: PhraseLibrary) -> None:
    brief = daily_brief(lib, [fresh()], NOW, {})
    assert brief is not None
    walk_out = lib.script("walkaway", "sales", **deal_facts(fresh()))
    assert brief.items[0].line not in walk_out


@pytest.mark.parametrize(
    ("offset", "soon"),
    [
        (timedelta(0), True),
        (timedelta(hours=24), True),
        (timedelta(hours=24, seconds=1), False),
        (timedelta(seconds=-1), False),
    ],
)
def test_the_meeting_window_is_the_next_24_hours(offset: timedelta, soon: bool) -> None:
    assert meeting_soon(meets(tidy(), NOW + offset), NOW) is soon


def test_a_meeting_without_a_time_is_not_soon() -> None:
    assert not meeting_soon(tidy(), NOW)
    garbled = tidy()
    garbled.meeting, garbled.meeting_at = "after lunch", "after lunch"
    assert not meeting_soon(garbled, NOW)


def test_a_long_day_is_capped_but_counted(lib: PhraseLibrary) -> None:
    deals = [fresh(f"Deal {n}") for n in range(MAX_ITEMS + 2)]
    deals.append(meets(tidy("Meeting"), NOW + timedelta(hours=5)))
    brief = daily_brief(lib, deals, NOW, {})
    assert brief is not None
    assert len(brief.items) == MAX_ITEMS
    assert brief.items[0].deal == "Meeting"
    assert brief.heading == f"Prep for today: {MAX_ITEMS + 3} deals to look at."
    one = daily_brief(lib, [fresh()], NOW, {})
    assert one is not None and one.heading == "Prep for today: 1 deal to look at."


# -- the weekly digest ---------------------------------------------------------------------
def test_the_weekly_digest_has_a_line_per_rep(lib: PhraseLibrary) -> None:
    policies: dict[str, int | None] = {POLICY_GIVE_GET: 24, POLICY_SIGN_SAFE: None}
    old_give = Move(kind="give", item="training", created_at=NOW - timedelta(hours=30))
    slow = Deal(
        name="Slow",
        context="sales",
        phase="midgame",
        unpaired_gives=2,
        batna="BATNA-ZEBRA",
        counterparty=["NOTE-NARWHAL"],
    )
    safe = covered("Safe")
    bare = Deal(name="Bare", context="sales", phase="review")
    dana = [
        deal_health("dana", slow, NOW, old_give, policies),
        deal_health("dana", safe, NOW, None, policies),
        deal_health("dana", bare, NOW, None, policies),
    ]
    lee = [deal_health("lee", covered("Calm", "midgame"), NOW, None, policies)]
    digest = weekly_digest(lib, [("dana", dana), ("lee", lee), ("kim", [])])

    assert digest.heading == "Weekly team digest: 3 reps, 4 open deals."
    first, second, third = digest.items
    assert first.text.startswith("@dana: 1 Midgame, 1 Close, 1 Review;")
    assert "2 unanswered gives" in first.text
    assert "safeguards 1 of 3 fully covered" in first.text
    breaches = sorted([gap_title(lib, POLICY_GIVE_GET), gap_title(lib, POLICY_SIGN_SAFE)])
    assert f"policy breaches: {'; '.join(breaches)}." in first.text
    assert (first.deal, first.step) == ("Slow", "nudge @dana Slow")
    assert "ZEBRA" not in repr(digest) and "NARWHAL" not in repr(digest)

    assert second.text == ("@lee: 1 Midgame; 0 unanswered gives; safeguards 1 of 1 fully covered.")
    assert (second.deal, second.step) == ("", "")
    assert (third.text, third.step) == ("@kim: no open deals.", "")


def test_a_digest_of_nobody_is_empty(lib: PhraseLibrary) -> None:
    digest = weekly_digest(lib, [])
    assert digest.items == [] and digest.heading == "Weekly team digest: 0 reps, 0 open deals."


def test_a_give_waiting_for_its_get_is_worth_a_reminder_in_any_phase(lib: PhraseLibrary) -> None:
    quiet = tidy("Quiet", phase="midgame")
    assert daily_brief(lib, [quiet], NOW, {}) is None
    waiting = tidy("Waiting", phase="midgame")
    waiting.unpaired_gives = 1
    brief = daily_brief(lib, [waiting], NOW, {})
    assert brief is not None
    [item] = brief.items
    assert item.step == FIXES["unreciprocated_concessions"][1]
    assert gap_title(lib, "unreciprocated_concessions") in item.text
