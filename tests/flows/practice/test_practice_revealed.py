"""The debrief's "what was revealed", and the manager's view of a team's practice."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

from auxil.memory import MemoryWorld
from auxil.transcripts import Transcript
from flows.engine import Engine
from flows.model import Deal
from flows.oversight import practice_score
from flows.practice.debrief import debrief
from flows.practice.scenarios import builtin_scenarios
from flows.practice.session import Session
from flows.replies import Reply

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _last(transcript: Transcript) -> Session:
    return Session.from_doc(transcript.space.list_deals(practice=True)[-1].practice)


def test_a_bluff_is_shown_as_one(transcript: Transcript) -> None:
    transcript.send("practice saas-renewal as hardball seed 2")
    asked = transcript.send("practice ask")
    assert isinstance(asked, Reply)
    end = transcript.send("walk")
    assert isinstance(end, Reply)
    more = " ".join(end.details)
    # Hardball names what matters least to it as its top issue: the debrief says so.
    assert (
        "What was revealed: they said payment mattered most and price least "
        "(a bluff: price mattered most to them)" in more
    )
    assert "You kept your floor to yourself." in more
    result = debrief(_last(transcript))
    (item,) = result.revealed
    assert item["kind"] == "asked" and item["truthful"] is False
    assert "floor_said" not in result.next_time


def test_a_truthful_answer_and_a_floor_said_aloud(transcript: Transcript) -> None:
    for line in (
        "new Acme renewal",
        "walkaway min 100k",
        "option price 120k us=40 them=0",
        "option price 110k us=30 them=11",
        "option price 100k us=18 them=22",
        "option term 1y us=0 them=10",
        "option term 3y us=25 them=0",
    ):
        transcript.send(line)
    transcript.send("practice this deal as conceder")
    transcript.send("practice ask")
    said = transcript.send("our bottom line is 110k for 3 years")
    assert isinstance(said, Reply) and "You offered price 110k, term 3y." in said.text
    assert "overshare_walkaway" in [w.code for w in said.warnings]
    session = _last(transcript)
    end = transcript.send("accept") if session.is_open else said
    assert isinstance(end, Reply)
    result = debrief(_last(transcript))
    assert [r["kind"] for r in result.revealed] == ["asked", "floor"]
    assert result.revealed[0]["truthful"] is True
    floor = result.revealed[1]
    assert floor["kind"] == "floor" and floor["round"] == 1
    assert floor["phrase"].startswith("our bottom line is")  # the detector's own phrase
    assert "floor_said" in result.next_time
    more = " ".join(end.details)
    assert f'round 1, you said your floor aloud ("{floor["phrase"]}")' in more
    assert "You kept your floor" not in more
    assert any("Keep your floor to yourself" in line for line in end.lines)


def test_nothing_asked_nothing_revealed(transcript: Transcript) -> None:
    transcript.send("practice price-haggle seed 1")
    end = transcript.send("walk")
    assert isinstance(end, Reply)
    assert (
        "What was revealed: nothing (you never asked what matters to them). You kept "
        "your floor to yourself." in " ".join(end.details)
    )


def _rehearsal(key: str, agreed: tuple[int, ...] | None, status: str = "agreed") -> Deal:
    session = Session(
        scenario=key,
        style="conceder",
        seed=1,
        status=status,  # type: ignore[arg-type]
        agreed=agreed,
        rep=[[agreed]] if agreed else [],
    )
    return Deal(name=f"Practice {key}", context="sales", practice=session.to_doc())


def test_practice_score_is_counts_and_average_joint_share() -> None:
    saas = builtin_scenarios()["saas-renewal"]
    no_zone = builtin_scenarios()["no-zone"]
    best = max(saas.packages(), key=lambda p: sum(saas.value(p)))
    worst = min(saas.packages(), key=lambda p: sum(saas.value(p)))
    deals = [
        _rehearsal("saas-renewal", best),
        _rehearsal("saas-renewal", worst),
        _rehearsal("no-zone", None, "no_deal"),
        _rehearsal("saas-renewal", None, "stopped"),
        _rehearsal("saas-renewal", None, "open"),
    ]
    score = practice_score("UREP", deals)
    assert score.owner == "UREP" and score.count == 3  # stopped and open are not scored
    worst_share = Fraction(sum(saas.value(worst)), sum(saas.value(best)))
    # Walking away from the no-zone scenario is its best outcome: a full share.
    assert no_zone.walkaway_us + no_zone.walkaway_them >= max(
        sum(no_zone.value(p)) for p in no_zone.packages()
    )
    assert score.joint_share == (1 + worst_share + 1) / 3
    assert practice_score("UREP", []).joint_share is None


def test_the_manager_sees_counts_and_averages_never_the_moves(engine: Engine) -> None:
    world = MemoryWorld()

    def send(user: str, line: str) -> Reply:
        reply = engine.handle(line, world.space(user), NOW)
        assert isinstance(reply, Reply), (user, line, reply)
        return reply

    send("boss", "team add @dana @lee")
    send("dana", "team accept @boss")
    send("lee", "team accept @boss")
    send("dana", "new Acme renewal")
    send("dana", "practice saas-renewal seed 1")
    send("dana", "offer price=110k term=3y support=premium payment=net-30")
    if Session.from_doc(world.space("dana").list_deals(practice=True)[-1].practice).is_open:
        send("dana", "accept")
    team = send("boss", "team")
    result = debrief(Session.from_doc(world.space("dana").list_deals(practice=True)[-1].practice))
    share = f"{float(result.joint / result.max_joint.joint):.0%}"
    assert (
        f"Practice: @dana 1 rehearsal, average joint value {share} of the best "
        "possible; @lee 0 rehearsals. Scores only, never what was said." in team.text
    )
    everything = team.text + " ".join(team.details) + str(team.table)
    assert "110k" not in everything and "Practice 1" not in everything
