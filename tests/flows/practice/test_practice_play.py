"""Practice mode end to end in the engine.

Six scenarios play to the end, the debrief's numbers match the analysis module's exact
frontier, and practice deals stay out of lists.
"""

from __future__ import annotations

from auxil.transcripts import Transcript
from flows.analysis.frontier import pareto_frontier
from flows.analysis.insights import max_joint_point
from flows.handlers.practice import points
from flows.practice.debrief import debrief
from flows.practice.scenarios import builtin_scenarios
from flows.practice.session import Session
from flows.replies import Reply

SCENARIOS = builtin_scenarios()


def _offer(key: str, package: tuple[int, ...]) -> str:
    scenario = SCENARIOS[key]
    return "offer " + " ".join(f"{i}={o}" for i, o in scenario.labels(package))


def test_every_scenario_plays_to_the_end(transcript: Transcript) -> None:
    transcript.send("new Acme renewal")
    for key, scenario in SCENARIOS.items():
        start = transcript.send(f"practice {key}")
        assert isinstance(start, Reply) and scenario.counterpart.split(",")[0] in start.text
        best = max(scenario.packages(), key=scenario.value)
        end = None
        for _ in range(scenario.rounds):
            reply = transcript.send(_offer(key, best))
            assert isinstance(reply, Reply), reply
            if "Debrief:" in reply.text:
                end = reply
                break
        if end is None:
            end = transcript.send("walk")
        assert isinstance(end, Reply) and "Debrief:" in end.text
        assert "You are back on Acme renewal." in end.text
        deal = transcript.space.list_deals(practice=True)[-1]
        session = Session.from_doc(deal.practice)
        assert not session.is_open
        result = debrief(session)
        frontier = pareto_frontier(scenario.sheet)
        assert result.max_joint == max_joint_point(frontier)
        assert f"of a possible {points(result.max_joint.joint)}" in end.text
    names = [d.name for d in transcript.space.list_deals()]
    assert names == ["Acme renewal"]
    assert len(transcript.space.list_deals(practice=True)) == len(SCENARIOS)
    history = transcript.send("practice history")
    assert isinstance(history, Reply) and history.table is not None


def test_a_rehearsal_with_warnings_meso_accept_and_debrief(transcript: Transcript) -> None:
    transcript.send("practice saas-renewal seed 1")
    reply = transcript.send("offer price=120k term=3y support=standard payment=net-30")
    assert isinstance(reply, Reply) and reply.phase == "midgame"
    reply = transcript.send("offer price=110k")
    assert isinstance(reply, Reply)
    assert [w.code for w in reply.warnings] == ["one_way_concession"]
    reply = transcript.send("offer price=110k support=premium | price=100k support=standard")
    assert isinstance(reply, Reply) and "2 packages at once" in reply.text
    assert transcript.send("offer price=999k").code == "bad_arguments"  # type: ignore[union-attr]
    assert transcript.send("offer colour=red").code == "bad_arguments"  # type: ignore[union-attr]
    reply = transcript.send("accept")
    assert isinstance(reply, Reply) and "Debrief:" in reply.text
    session = Session.from_doc(transcript.space.list_deals(practice=True)[-1].practice)
    result = debrief(session)
    assert session.agreed is not None and result.meso_used and len(result.gives) == 1
    assert result.gives[0].issues == ("price",) and result.gives[0].cost == 10
    scenario = SCENARIOS["saas-renewal"]
    us, them = scenario.value(session.agreed)
    assert (result.rep_points, result.their_points) == (us, them)
    best = max_joint_point(pareto_frontier(scenario.sheet)).joint
    assert result.left_on_table == best - us - them
    more = "\n".join(reply.details)
    assert "one-way give(s) cost you 10 points" in more
    assert "You used a MESO" in more
    # Ended: the moves of practice are refused, the debrief can be shown again.
    assert transcript.send("accept").code == "not_allowed_now"  # type: ignore[union-attr]
    again = transcript.send("practice debrief")
    assert isinstance(again, Reply) and "Debrief:" in again.text


def test_no_zone_walking_away_is_right(transcript: Transcript) -> None:
    transcript.send("practice no-zone")
    reply = transcript.send("walk")
    assert isinstance(reply, Reply)
    assert "walking away was the right result" in reply.text
    result = debrief(Session.from_doc(transcript.space.list_deals(practice=True)[-1].practice))
    assert result.agreed is None and not result.zone and result.on_frontier


def test_stop_returns_to_the_real_deal_and_practice_stays_out_of_reminders(
    transcript: Transcript,
) -> None:
    from flows.briefing import daily_brief

    transcript.send("new Acme renewal")
    transcript.send("practice job-offer as hardball")
    assert transcript.space.active_deal().is_practice  # type: ignore[union-attr]
    practice = transcript.space.active_deal()
    assert daily_brief(transcript.engine.lib, [practice], transcript.now, {}) is None  # type: ignore[list-item]
    reply = transcript.send("practice stop")
    assert isinstance(reply, Reply) and "back on Acme renewal" in reply.text
    assert transcript.space.active_deal().name == "Acme renewal"  # type: ignore[union-attr]
    assert transcript.send("practice nonsense").code == "bad_arguments"  # type: ignore[union-attr]
    assert transcript.send("practice saas-renewal as sneaky").code == "bad_arguments"  # type: ignore[union-attr]
