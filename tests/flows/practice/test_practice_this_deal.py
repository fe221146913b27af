"""`practice this deal`: rehearsing the rep's own deal, from its sheet or its issue map."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from auxil.transcripts import Transcript
from flows.analysis.frontier import pareto_frontier
from flows.analysis.insights import max_joint_point
from flows.model import Deal, IssueScore, ScoredOption, Walkaway
from flows.practice import rehearsal
from flows.practice.debrief import debrief
from flows.practice.scenarios import MAX_PACKAGES, has_zone
from flows.practice.session import Session
from flows.replies import Rejection, Reply

SHEET = """
new Acme renewal
walkaway min 100k
option price 120k us=40 them=0
option price 110k us=30 them=11
option price 100k us=18 them=22
option price 90k us=5 them=35
option term 1y us=0 them=10
option term 2y us=13 them=6
option term 3y us=25 them=0
option support level standard us=15 them=0
option support level premium us=9 them=16
bundle A price=110k term=3y
bundle B price=100k term=2y support=premium
counterparty Dana Reyes, IT lead
"""


def _setup(transcript: Transcript, script: str) -> None:
    for line in script.strip().splitlines():
        assert isinstance(transcript.send(line.strip()), Reply), line


def _session(transcript: Transcript) -> Session:
    return Session.from_doc(transcript.space.list_deals(practice=True)[-1].practice)


def _deal(**kwargs: object) -> Deal:
    return Deal(name="Acme", context="sales", **kwargs)  # type: ignore[arg-type]


def test_from_the_sheet_with_the_walkaway_placed_and_the_bundles(transcript: Transcript) -> None:
    _setup(transcript, SHEET)
    reply = transcript.send("practice this deal")
    assert isinstance(reply, Reply)
    assert "Rehearsal: Acme renewal, against The other side" in reply.text
    assert "IT lead" not in reply.text  # the counterparty note is the rep's, not a name
    assert "from your scoring sheet; their points are the estimates" in reply.text
    # min 100k -> price 100k with nothing else won: 18 + 0 + 9.
    assert "placed at price 100k with nothing else won: 27 points" in reply.text
    assert "Your bundles work too: `offer A`, `offer B`" in reply.text
    assert any("estimated for them" in d for d in reply.details)
    session = _session(transcript)
    scenario = session.scenario_data
    assert session.scenario == rehearsal.KEY and session.built is not None
    assert [i.name for i in scenario.sheet.issues] == ["price", "term", "support-level"]
    assert scenario.walkaway_us == 27 and scenario.zone == has_zone(scenario)
    # Their walk-away: 2/5 of the way from their worst package (0) to their best (61).
    assert scenario.walkaway_them == Fraction(61) * Fraction(2, 5)
    # The real walk-away's figure rides along, so saying it aloud is caught.
    deal = transcript.space.list_deals(practice=True)[-1]
    assert deal.walkaway is not None and deal.walkaway.amount == Decimal(100000)
    # The whole scenario is in the document: it survives a restart and edits of the deal.
    transcript.space.set_active(transcript.space.get_deal("Acme renewal"))  # type: ignore[arg-type]
    transcript.send("option price 80k us=0 them=50")
    transcript.space.set_active(deal)
    again = Session.from_doc(transcript.space.list_deals(practice=True)[-1].practice)
    assert again.scenario_data == scenario
    assert len(again.scenario_data.sheet.issues[0].options) == 4


def test_a_rehearsal_of_the_deal_plays_to_its_debrief(transcript: Transcript) -> None:
    _setup(transcript, SHEET)
    transcript.send("practice this deal as conceder seed 3")
    reply = transcript.send("offer A | B")
    assert isinstance(reply, Reply) and "2 packages at once" in reply.text
    assert "price 110k, term 3y, support-level standard" in reply.text
    end = transcript.send("accept") if _session(transcript).is_open else reply
    assert isinstance(end, Reply) and "Debrief: Acme renewal" in end.text
    assert "You are back on Acme renewal." in end.text
    session = _session(transcript)
    assert session.style == "conceder" and session.seed == 3 and not session.is_open
    result = debrief(session)
    assert result.meso_used
    assert result.max_joint == max_joint_point(pareto_frontier(session.scenario_data.sheet))
    # The real deal is untouched and still the only deal listed.
    assert [d.name for d in transcript.space.list_deals()] == ["Acme renewal"]
    history = transcript.send("practice history")
    assert isinstance(history, Reply) and history.table is not None


def test_from_the_issue_map_with_estimates_and_a_stated_default_walkaway(
    transcript: Transcript,
) -> None:
    _setup(
        transcript,
        """
        new Globex supply
        walkaway we need a fair deal
        issue price us=5 them=3
        issue payment terms us=2 them=4
    """,
    )
    reply = transcript.send("practice this deal")
    assert isinstance(reply, Reply)
    assert "from your issue map; their points are estimates from your them= scores" in reply.text
    assert (
        "No walk-away figure fits an option, so yours is set 40% of the way from your "
        "worst package to your best: 28 points" in reply.text
    )
    more = " ".join(reply.details)
    assert "three options: ours (it goes your way), halfway, and theirs" in more
    assert "your walk-away (we need a fair deal) could not be placed" in more
    scenario = _session(transcript).scenario_data
    price, terms = scenario.sheet.issues
    assert terms.name == "payment-terms"
    assert [(o.label, o.us, o.them) for o in price.options] == [
        ("ours", 50, 0),
        ("halfway", 25, 15),
        ("theirs", 0, 30),
    ]
    assert scenario.walkaway_us == 28  # 0 + (70 - 0) * 2/5
    # The counterpart's opening is built from the estimates and spoken in labels.
    assert "The other side:" in reply.text
    offered = transcript.send("offer price=ours payment-terms=theirs")
    assert isinstance(offered, Reply) and "price ours, payment-terms theirs" in offered.text


def test_what_cannot_be_rehearsed_is_refused_clearly(transcript: Transcript) -> None:
    refused = transcript.send("practice this deal")
    assert (
        isinstance(refused, Rejection) and "Open the deal you want to rehearse" in refused.message
    )
    transcript.send("new Empty deal")
    refused = transcript.send("practice this deal")
    assert isinstance(refused, Rejection) and "nothing to rehearse" in refused.message
    assert transcript.send("practice this deal as bully").code == "bad_arguments"  # type: ignore[union-attr]
    _setup(transcript, "issue price us=5 them=3")
    transcript.send("practice this deal")
    refused = transcript.send("practice this deal")
    assert isinstance(refused, Rejection) and "already rehearsing" in refused.message


def test_too_many_packages_is_refused() -> None:
    issues = [IssueScore(f"issue{i}", 3, 3) for i in range(8)]  # 3 ** 8 packages
    with pytest.raises(rehearsal.RehearsalError) as caught:
        rehearsal.build(_deal(issues=issues), title="t", counterpart="c", brief="")
    assert caught.value.code == "practice_this_too_big"
    assert caught.value.values == {"packages": 3**8, "limit": MAX_PACKAGES}


@pytest.mark.parametrize(
    ("walkaway", "placed"),
    [
        (Walkaway("min 100k", Decimal(100000), "USD", "min"), ("price", "100k", 18)),
        (Walkaway("min 105k", Decimal(105000), "USD", "min"), ("price", "110k", 30)),
        (Walkaway("max 95k", Decimal(95000), "USD", "max"), ("price", "90k", 5)),
        (Walkaway("min 200k", Decimal(200000), "USD", "min"), None),  # above every option
        (Walkaway("a fair deal"), None),
        (None, None),
    ],
)
def test_the_walkaway_is_placed_on_a_figure_issue(
    walkaway: Walkaway | None, placed: tuple[str, str, int] | None
) -> None:
    options = [ScoredOption("term", "1y", "0", "10"), ScoredOption("term", "3y", "25", "0")]
    options += [
        ScoredOption("price", label, us, "0")
        for label, us in (("120k", "40"), ("110k", "30"), ("100k", "18"), ("90k", "5"))
    ]
    built = rehearsal.build(
        _deal(options=options, walkaway=walkaway), title="t", counterpart="c", brief=""
    )
    if placed is None:
        assert built.walkaway_issue == ""
        # 2/5 of the way from the worst package (5) to the best (65).
        assert built.scenario.walkaway_us == 5 + Fraction(60) * Fraction(2, 5)
    else:
        assert (built.walkaway_issue, built.walkaway_option, built.scenario.walkaway_us) == placed
    assert built.source == "sheet"


def test_the_scenario_document_round_trips() -> None:
    deal = _deal(
        issues=[IssueScore("price", 5, 2), IssueScore("term", 1, 4)], evidence=["peers pay 100k"]
    )
    built = rehearsal.build(deal, title="Acme", counterpart="Dana", brief="A brief.")
    doc = rehearsal.scenario_to_doc(built.scenario, {"A": {"price": "ours"}})
    assert rehearsal.scenario_from_doc(doc) == built.scenario
    assert rehearsal.bundles_from_doc(doc) == {"A": {"price": "ours"}}
    session = Session("this-deal", "boulware", 1, built=doc)
    assert Session.from_doc(session.to_doc()).scenario_data == built.scenario
