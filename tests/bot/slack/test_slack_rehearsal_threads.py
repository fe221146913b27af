"""Practice mode in Slack, end to end: one DM thread per rehearsal.

Signed Events API requests against the real app and a fake Slack: the reply that starts a
rehearsal opens its thread, the rep plays in that thread, the counterpart answers there,
and the DM's top level stays on the rep's real deal. Practice deals never show in
``deals``, the App Home or a manager's team view.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from slack_harness import Running, as_text, ask, join_team, open_home, prepare_rep_deal
from sqlalchemy import select

from bot.store.models import DealRow
from flows.analysis.frontier import Package
from flows.practice.scenarios import builtin_scenarios
from flows.practice.session import Session

SCENARIOS = builtin_scenarios()
REP = "U2"
DEBRIEF = "Debrief:"


def _say(running: Running, text: str, thread: str | None = None, user: str = REP) -> dict[str, Any]:
    """DM ``text`` (in ``thread``, if given) and return the reply as the DM holds it."""
    channel = f"D{user}"

    def ours(call: Any) -> bool:
        return bool(call.body.get("channel") == channel)

    before = len(running.fake.wait_for("chat.postMessage", 0, where=ours))
    assert running.slack.dm(text, user=user, thread_ts=thread).status == 200
    (*_, call) = running.fake.wait_for("chat.postMessage", before + 1, timeout=20, where=ours)
    posted = [m for m in running.fake.dm(user) if m["text"] == call.body["text"]]
    reply = {**posted[-1], "all": as_text(call)}
    if "this message's thread" in reply["all"]:
        # The app records the new thread just after Slack took the post; a person cannot
        # type into it sooner, but a test can.
        _wait_for_thread(running, str(reply["ts"]))
    return reply


def _wait_for_thread(running: Running, ts: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with running.database.session() as session:
            if any(
                (row.facts.get("practice") or {}).get("thread") == ts
                for row in session.scalars(select(DealRow))
            ):
                return
        time.sleep(0.02)
    raise AssertionError(f"the rehearsal's thread {ts} was never recorded")


def _offer(key: str, *packages: Package) -> str:
    scenario = SCENARIOS[key]
    return "offer " + " | ".join(
        " ".join(f"{issue}={label}" for issue, label in scenario.labels(p)) for p in packages
    )


def _script(key: str) -> list[str]:
    """A fixed game: the rep's best package, then a MESO of the two best joint packages.

    Then ``accept``, or ``walk`` where there is no zone of agreement.
    """
    scenario = SCENARIOS[key]
    best = max(scenario.packages(), key=lambda p: scenario.value(p)[0])
    joint = sorted(scenario.packages(), key=lambda p: (-sum(scenario.value(p)), p))
    meso = [p for p in joint if scenario.value(p)[0] >= scenario.walkaway_us][:2] or [best]
    return [_offer(key, best), _offer(key, *meso), "accept" if scenario.zone else "walk"]


def _play(running: Running, key: str) -> tuple[str, dict[str, Any]]:
    """Start ``key`` at the DM's top level and play the script in its thread."""
    start = _say(running, f"practice {key} seed 7")
    assert start["thread_ts"] is None  # it opens the thread
    assert SCENARIOS[key].counterpart.split(",")[0] in start["all"]
    assert "this message's thread" in start["all"]
    thread = start["ts"]
    for line in _script(key):
        reply = _say(running, line, thread)
        assert reply["thread_ts"] == thread, line  # the counterpart answers in the thread
        if DEBRIEF in reply["all"]:
            return thread, reply
    raise AssertionError(f"{key} did not end: {reply['all'][:400]}")


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_every_scenario_plays_to_the_end_in_its_thread(running: Running, key: str) -> None:
    prepare_rep_deal(running, user=REP)
    _, end = _play(running, key)
    assert "of a possible" in end["all"]
    # The debrief's chart, the path of offers drawn on the frontier, follows in the thread.
    (complete,) = running.fake.wait_for("files.completeUploadExternal", timeout=20)
    assert complete.body.get("thread_ts") == end["thread_ts"]
    if not SCENARIOS[key].zone:
        assert "No deal." in end["all"]
    outcome = running.service.handle("T1", REP, "practice history")
    assert "1" in outcome.text  # type: ignore[union-attr]
    # The rehearsal ended and is scored; the rep is still on the real deal.
    status = running.service.handle("T1", REP, "status")
    assert status.deal == "Acme"  # type: ignore[union-attr]


def test_the_top_level_stays_on_the_real_deal_while_a_rehearsal_runs(running: Running) -> None:
    prepare_rep_deal(running, user=REP)
    start = _say(running, "practice saas-renewal seed 3")
    thread = start["ts"]
    # Outside the thread: the real deal, as before.
    status = _say(running, "status")
    assert status["thread_ts"] is None and "Acme" in status["all"]
    assert "Practice" not in json.loads(status["all"]).get("text", "")
    outside = _say(running, "accept")
    assert "not rehearsing" in outside["all"]
    # In the thread: the rehearsal (status names it, ask answers from the counterpart).
    inside = _say(running, "status", thread)
    assert inside["thread_ts"] == thread and "Practice 1" in inside["all"]
    asked = _say(running, "practice ask", thread)
    assert asked["thread_ts"] == thread
    # A thread under some other reply is not a rehearsal: it works on the real deal.
    other = _say(running, "status", status["ts"])
    assert other["thread_ts"] == status["ts"] and "Acme" in other["all"]
    stopped = _say(running, "practice stop", thread)
    assert "Rehearsal stopped" in stopped["all"] and stopped["thread_ts"] == thread
    with running.database.session() as session:
        facts = [row.facts for row in session.scalars(select(DealRow)) if row.facts.get("practice")]
    assert [Session.from_doc(f["practice"]).thread for f in facts] == [thread]


def test_two_rehearsals_have_two_threads(running: Running) -> None:
    first = _say(running, "practice price-haggle seed 1")
    second = _say(running, "practice job-offer seed 1")
    assert first["ts"] != second["ts"]
    a = _say(running, "status", first["ts"])
    b = _say(running, "status", second["ts"])
    assert "Practice 1" in a["all"] and "Practice 2" in b["all"]


def test_practice_deals_never_show_in_deals_home_or_the_team_view(running: Running) -> None:
    prepare_rep_deal(running, user=REP)
    join_team(running, manager="U1", rep=REP)
    for key in ("saas-renewal", "no-zone"):
        _play(running, key)
    deals = _say(running, "deals")
    assert "Acme" in deals["all"] and "Practice" not in deals["all"]
    assert "Practice" not in as_text(ask(running, "deals", user=REP))
    for user in (REP, "U1"):  # the rep's Home, and the manager's (with the team part)
        view = open_home(running, user)
        text = json.dumps(view)
        assert "Practice" not in text and "Rehearsal" not in text
        if user == "U1":
            assert "Acme" in text
    team = as_text(ask(running, "team", user="U1"))
    # The manager sees scores (count, average joint value), never a rehearsal or its moves.
    assert "Acme" in team and "Practice 1" not in team and "Practice 2" not in team
    assert f"<@{REP}> 2 rehearsals, average joint value" in team
    assert "Rehearsal" not in team and "offered" not in team


def _click(
    running: Running, value: str, message_ts: str, thread: str | None = None, user: str = REP
) -> None:
    container: dict[str, Any] = {
        "type": "message",
        "is_ephemeral": False,
        "message_ts": message_ts,
        "channel_id": f"D{user}",
    }
    if thread:
        container["thread_ts"] = thread
    running.slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": user},
            "channel": {"id": f"D{user}"},
            "container": container,
            "response_url": running.fake.response_url("click"),
            "trigger_id": "t1",
            "actions": [
                {
                    "type": "button",
                    "action_id": "deal_step:0",
                    "block_id": "next_steps",
                    "value": value,
                }
            ],
        }
    )


def _wait_dm(running: Running, count: int, user: str = REP) -> dict[str, Any]:
    running.fake.wait_for(
        "chat.postMessage", count, timeout=20, where=lambda c: c.body.get("channel") == f"D{user}"
    )
    return running.fake.dm(user)[-1]


def test_buttons_in_the_dm_start_and_play_a_rehearsal_in_its_thread(running: Running) -> None:
    prepare_rep_deal(running, user=REP)
    listed = _say(running, "practice")
    # A suggested `practice <scenario>` button opens a thread, like the typed line.
    _click(running, "practice price-haggle seed 2", listed["ts"])
    start = _wait_dm(running, 2)
    assert start["thread_ts"] is None and "this message's thread" in json.dumps(start)
    offer = _say(running, _script("price-haggle")[0], start["ts"])
    # `accept` clicked under the counterpart's answer plays the rehearsal, in the thread.
    _click(running, "accept", offer["ts"], thread=start["ts"])
    end = _wait_dm(running, 4)
    assert end["thread_ts"] == start["ts"]
    assert DEBRIEF in json.dumps(end) or "has ended" in json.dumps(end)
    assert not running.fake.of("click")  # nothing went through the response_url
    status = _say(running, "status")
    assert "Acme" in status["all"]


def test_rehearsing_the_real_deal_in_its_thread_in_plain_words(running: Running) -> None:
    prepare_rep_deal(running, user=REP)
    for line in ("issue price us=5 them=2", "issue term us=1 them=4", "bundle A price=ours"):
        assert hasattr(running.service.handle("T1", REP, line), "text"), line
    start = _say(running, "practice this deal seed 2")
    assert start["thread_ts"] is None and "this message's thread" in start["all"]
    assert "from your issue map; their points are estimates" in start["all"]
    assert "Your bundles work too: `offer A`" in start["all"]
    thread = start["ts"]
    offered = _say(running, "ours on price, theirs on term", thread)
    assert (
        offered["thread_ts"] == thread and "You offered price ours, term theirs." in offered["all"]
    )
    missed = _say(running, "we can do 110k", thread)
    assert missed["thread_ts"] == thread and "could not find an option" in missed["all"]
    bundle = _say(running, "offer A", thread)
    assert "You offered price ours, term theirs." in bundle["all"]
    end = _say(running, "walk", thread)
    assert end["thread_ts"] == thread and DEBRIEF in end["all"]
    # The built scenario is in the stored session document, so it outlives the process.
    with running.database.session() as session:
        (facts,) = [
            row.facts for row in session.scalars(select(DealRow)) if row.facts.get("practice")
        ]
    stored = Session.from_doc(facts["practice"])
    assert stored.built is not None and stored.scenario_data.title == "Acme"
    assert [i.name for i in stored.scenario_data.sheet.issues] == ["price", "term"]
    assert running.service.handle("T1", REP, "status").deal == "Acme"  # type: ignore[union-attr]
