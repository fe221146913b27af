"""Transcripts through the engine: each line's phase and exact warning codes, or its error."""

from __future__ import annotations

import pytest

from auxil.transcripts import Transcript, codes
from flows.replies import Rejection, Reply

PREPARED = """
new Acme renewal
batna renew with Globex at 88k
walkaway 90k
issue price us=5 them=3
issue payment terms us=2 them=4
issue support tier us=1 them=4
evidence peers pay 85-110k for this scope
"""

IN_MIDGAME = (
    PREPARED
    + """
next -> first_move
bundle A price=95k term=3y support=standard worth=80
bundle B price=105k term=1y support=premium worth=78
next -> midgame
"""
)

IN_CLOSE = IN_MIDGAME + "next -> close\n"


def test_commands_need_a_deal(transcript: Transcript) -> None:
    transcript.run("""
    status -> error no_active_deal
    give training -> error no_active_deal
    help
    deals
    new Acme -> setup
    status -> setup ! missing_batna missing_walkaway single_issue no_evidence no_tradeables
    """)


def test_setup_gaps_hold_the_phase_until_next_anyway(transcript: Transcript) -> None:
    transcript.run("""
    new Acme -> setup
    next -> setup ! missing_batna missing_walkaway single_issue no_evidence no_tradeables
    batna go with Globex
    walkaway 90k
    issue price us=5 them=5
    next -> setup ! single_issue no_evidence no_tradeables
    issue onboarding us=2 them=4
    next -> setup ! no_evidence
    evidence benchmark says 85-110k
    next -> first_move
    back -> setup
    next -> first_move
    next -> first_move ! no_meso
    next anyway -> midgame ! no_meso
    """)


def test_a_tradeable_alone_satisfies_no_tradeables(transcript: Transcript) -> None:
    transcript.run("""
    new Acme
    batna x
    walkaway 50k
    issue price us=5 them=5
    issue term us=4 them=3
    evidence y
    next -> setup ! no_tradeables
    tradeable case study rights
    next -> first_move
    """)


def test_give_without_get_is_flagged_then_paired(transcript: Transcript) -> None:
    transcript.run(
        IN_MIDGAME
        + """
    give net-60 payment terms -> midgame ! one_way_concession
    get a 3-year term -> midgame
    give onboarding help -> midgame ! one_way_concession
    give a free seat -> midgame ! one_way_concession reciprocity_stalled
    give extra training -> midgame ! one_way_concession reciprocity_stalled
    get case study rights -> midgame
    give something -> midgame ! one_way_concession
    trade priority support for a reference call -> midgame
    give faster rollout -> midgame ! one_way_concession
    """
    )


def test_trades_and_conditionals_are_never_one_way(transcript: Transcript) -> None:
    transcript.run(
        IN_MIDGAME
        + """
    trade payment terms for price -> midgame
    if we extend payment to 60 days, they sign for 3 years -> midgame
    if we add training then you commit to 200 seats -> midgame
    if we add training, then they sign today -> midgame
    """
    )


def test_uneven_trade_needs_both_sides_mapped(transcript: Transcript) -> None:
    transcript.run(
        IN_MIDGAME
        + """
    trade price for support tier -> midgame ! uneven_trade
    trade price for payment terms -> midgame ! uneven_trade
    trade payment terms for price -> midgame
    trade price for a logo on their website -> midgame
    if we cut price, they upgrade support tier -> midgame ! uneven_trade
    give price -> midgame ! one_way_concession
    get support tier -> midgame ! uneven_trade
    give price us=3 -> midgame ! one_way_concession
    get support tier us=2 -> midgame
    """
    )


def test_offers(transcript: Transcript) -> None:
    transcript.run("""
    new Acme
    offer $120k for 3 years -> setup ! premature_offer anchor_without_evidence
    walkaway 90k
    evidence analyst benchmark 85-110k
    offer $120k for 3 years -> setup ! premature_offer
    next anyway
    offer $120k for 3 years -> first_move
    offer $85k for 3 years -> first_move ! below_walkaway
    offer $90k -> first_move ! overshare_walkaway
    offer 95k, take it or leave it -> first_move ! hard_line_tone
    offer let's split the difference at 100k -> first_move ! split_the_difference
    offer 120k with 20 seats at $40 per seat -> first_move
    """)


def test_said_lines(transcript: Transcript) -> None:
    transcript.run(
        PREPARED
        + """
    say how did you arrive at that number? -> setup
    say our bottom line is 95k -> setup ! overshare_walkaway
    say we could maybe do 90,000 -> setup ! overshare_walkaway
    say deals like this land between 100k and 120k -> setup
    say this is our final offer -> setup ! hard_line_tone
    say the price is non-negotiable -> setup ! hard_line_tone
    say take it or leave it -> setup ! hard_line_tone
    say this is not a take it or leave it offer -> setup
    say why don't we meet in the middle? -> setup ! split_the_difference
    say let's split the difference -> setup ! split_the_difference
    say rather than split the difference, let's trade -> setup
    say we can throw in training for free -> setup ! one_way_concession
    say we can throw in training if you sign for 3 years -> setup
    say we will include onboarding in exchange for a case study -> setup
    """
    )


def test_said_lines_checked_for_ethics(transcript: Transcript) -> None:
    transcript.run(
        PREPARED
        + """
    say the price is only valid until 5pm today -> setup ! false_deadline hard_line_tone
    say our budget closes on the 30th so we need to decide by then -> setup
    say we have another buyer lined up -> setup ! invented_alternative
    say we're also talking to other vendors -> setup
    say it auto-renews, don't worry about that -> setup ! hidden_terms
    say it renews each year unless you give 60 days notice; want me to walk you through it? -> setup
    """
    )


def test_their_lines(transcript: Transcript) -> None:
    transcript.run(
        PREPARED
        + """
    they our budget is capped at $80k -> setup ! their_anchor below_walkaway
    they we can pay no more than 350k -> setup ! their_anchor
    they we have a fixed budget this year -> setup ! their_anchor
    they that's too expensive -> setup ! price_pushback
    they can you do better on price? -> setup ! price_pushback
    they a competitor quoted us something cheaper -> setup ! competitor_claim price_pushback
    they drop the training but keep the price -> setup ! unbundling
    they we don't need support, same price though -> setup ! unbundling
    they we want to start in March -> setup
    they the price is fine, timing is the issue -> setup
    they we have 20,000 users across 3 regions -> setup
    they we have 200 users across 3 regions -> setup
    """
    )


def test_their_tactics(transcript: Transcript) -> None:
    transcript.run(
        PREPARED
        + """
    they this is our best and final, sign by Friday or it's off -> setup ! their_hard_line
    they the deal is dead unless you match it by Friday -> setup ! their_hard_line
    they why don't we just split the difference? -> setup ! their_split
    they Globex will do it for less -> setup ! competitor_claim
    they your price from option A with the support from option B -> setup ! their_cherry_pick
    they the final offer deadline is Friday -> setup
    """
    )


def test_walkaway_on_every_line_kind(transcript: Transcript) -> None:
    transcript.run(
        IN_MIDGAME
        + """
    walkaway 45k -> midgame
    say ok fine, 44k it is -> midgame ! one_way_concession below_walkaway
    if we go to 43k, they sign for two years -> midgame ! below_walkaway
    trade 40k for a 3-year term -> midgame ! below_walkaway
    give a 5k discount on year one -> midgame ! one_way_concession
    say your 40k is too low for this scope -> midgame
    they told us: 50k is the cap -> midgame ! their_anchor
    """
    )


def test_share_walkaways_and_direction(transcript: Transcript) -> None:
    transcript.run("""
    new Initech co-sell as partnership -> setup
    walkaway 20% -> setup
    say take 18% or leave it -> setup ! hard_line_tone below_walkaway
    say we'd take 25% of the revenue -> setup
    they 10% off the list price -> setup ! price_pushback
    new Hooli offer as hiring -> setup
    walkaway 130k -> setup
    they we can do 135k base -> setup ! their_anchor below_walkaway
    walkaway min -> setup
    they we can do 125k base -> setup ! their_anchor below_walkaway
    context sales -> setup
    walkaway max -> setup
    context partnership -> setup
    context retail -> error bad_arguments
    """)


def test_below_walkaway_follows_direction(transcript: Transcript) -> None:
    transcript.run("""
    new Designer offer as hiring
    walkaway 120k
    they she wants $130k base -> setup ! their_anchor below_walkaway
    they she wants $110k base -> setup ! their_anchor
    walkaway min 100k
    they 95k -> setup ! their_anchor below_walkaway
    walkaway max 100k
    they 95k -> setup ! their_anchor
    walkaway EUR 100k
    they $150k -> setup ! their_anchor
    """)


def test_meso(transcript: Transcript) -> None:
    transcript.run("""
    new Acme
    bundle A price=95k term=3y -> setup ! premature_offer
    next anyway
    bundle B price=100k term=3y -> first_move ! single_issue
    bundle B price=100k term=1y support=premium worth=80 -> first_move
    bundle C price=90k term=2y support=basic worth=60 -> first_move ! bundles_not_equivalent
    bundle C price=90k term=2y support=basic worth=78 -> first_move
    bundle D price=80k term=5y support=none worth=79 -> first_move ! too_many_bundles
    meso -> first_move
    pick B -> first_move
    pick B+C -> first_move ! cherry_picking
    pick B and C -> first_move ! cherry_picking
    pick Z -> error bad_arguments
    bundle -> error bad_arguments
    bundle A -> error bad_arguments
    bundle A worth=500 price=1 -> error bad_arguments
    bundle A price="95k -> error bad_arguments
    """)


def test_close_and_signature(transcript: Transcript) -> None:
    transcript.run(
        IN_CLOSE
        + """
    signed -> close ! no_safeguards no_governance no_exit_path
    safeguard credits if service is bad -> close ! vague_safeguard
    safeguard 99.9% monthly uptime -> close ! vague_safeguard
    signed -> close ! no_safeguards no_governance no_exit_path
    safeguard if uptime < 99.9% in a month, 10% service credit -> close
    governance we'll work out reviews later -> close ! governance_deferred
    governance review TBD -> close ! governance_deferred
    governance quarterly business review; changes by written change request -> close
    governance notice no later than 30 days before any change -> close
    give a free month -> close ! one_way_concession
    signed -> close ! no_exit_path unreciprocated_concessions
    exit TBD -> close ! governance_deferred
    signed -> close ! no_exit_path unreciprocated_concessions
    exit either side may end with 90 days notice
    signed -> close ! unreciprocated_concessions
    signed anyway -> review ! unreciprocated_concessions
    debrief payment terms bought us the 3-year term -> review
    debrief -> review
    next -> error not_allowed_now
    walk -> error not_allowed_now
    back -> close
    """
    )


def test_next_at_close_is_signing(transcript: Transcript) -> None:
    transcript.run(
        IN_CLOSE
        + """
    safeguard if uptime < 99.9% in a month, 10% service credit
    governance monthly steering call, changes by change request
    exit 90 days notice, data export in CSV
    next -> review
    """
    )


def test_walking_away_and_back(transcript: Transcript) -> None:
    transcript.run(
        IN_MIDGAME
        + """
    walk they would not move on liability -> walked_away
    next -> error not_allowed_now
    signed -> error not_allowed_now
    debrief we never tested their liability red line early -> walked_away
    back -> midgame
    walk -> walked_away
    """
    )


def test_phase_commands_in_the_wrong_place(transcript: Transcript) -> None:
    transcript.run("""
    new Acme
    back -> error not_allowed_now
    signed -> error not_allowed_now
    next please -> error bad_arguments
    checklist -> setup ! missing_batna missing_walkaway single_issue no_evidence no_tradeables
    """)


def test_deal_management(transcript: Transcript) -> None:
    transcript.run("""
    new Acme renewal as procurement -> setup
    new acme RENEWAL -> error bad_arguments
    new Beta as sales
    new Gamma as procuremnt -> error bad_arguments
    new Sales as a service deal -> setup
    deals
    use acme renewal -> setup
    use Acme renwal -> error unknown_deal
    use -> error bad_arguments
    status -> setup ! missing_batna missing_walkaway single_issue no_evidence no_tradeables
    """)
    deals = transcript.space.list_deals()
    assert [(d.name, d.context) for d in deals] == [
        ("Acme renewal", "procurement"),
        ("Beta", "sales"),
        ("Sales as a service deal", "sales"),
    ]


def test_preparation_commands(transcript: Transcript) -> None:
    transcript.run("""
    new Acme as procurement
    batna -> error bad_arguments
    walkaway -> error bad_arguments
    issue price -> error bad_arguments
    issue price us=6 them=1 -> error bad_arguments
    issue price us=x them=1 -> error bad_arguments
    issue us=3 them=1 -> error bad_arguments
    issue price us=5 them=2
    issue PRICE us=4 them=2
    tradeable -> setup
    tradeable training credits
    counterparty Dana (procurement lead) signs up to 100k; CFO above
    evidence benchmark 85-110k
    win mine a 3-year term
    win theirs go live before their audit.
    win shared a reference both can use
    win everyone -> error bad_arguments
    rule success is 150 active users within 60 days
    meeting Thursday 10:00
    """)
    deal = transcript.space.active_deal()
    assert deal is not None
    assert [(i.name, i.us, i.them) for i in deal.issues] == [("price", 4, 2)]
    assert deal.wins == {
        "mine": "a 3-year term",
        "theirs": "go live before their audit.",
        "shared": "a reference both can use",
    }
    # Understood in the user's zone (UTC until a front says otherwise) and kept as an instant.
    assert deal.meeting == "Thu 26 Nov, 10:00 (UTC)"
    assert deal.meeting_at == "2026-11-26T10:00:00+00:00"


def test_walkaway_direction_and_amounts(transcript: Transcript) -> None:
    transcript.run("new A as procurement\nwalkaway 120k")
    deal = transcript.space.active_deal()
    assert deal and deal.walkaway and deal.walkaway.direction == "max"
    transcript.run("walkaway min $90,000")
    deal = transcript.space.active_deal()
    assert (
        deal and deal.walkaway and (deal.walkaway.amount, deal.walkaway.direction) == (90000, "min")
    )
    transcript.run("walkaway a 2-year term with net-30")
    deal = transcript.space.active_deal()
    assert deal and deal.walkaway and deal.walkaway.amount is None


def test_log_shows_pairs_and_values(transcript: Transcript) -> None:
    outcomes = transcript.run(
        IN_MIDGAME
        + """
    give payment terms
    get price
    offer 100k for 2 years
    log
    log all 5
    log everything -> error bad_arguments
    """
    )
    log_reply, log_all = outcomes[-3], outcomes[-2]
    assert isinstance(log_reply, Reply) and log_reply.table is not None
    assert log_reply.table.headers == [
        "#",
        "item",
        "we give",
        "we get",
        "give value us/them",
        "get value us/them",
        "trigger",
    ]
    # The give is the issue itself: the item column does not say it twice.
    assert log_reply.table.rows == [["1", "-", "payment terms", "price", "2/4", "5/3", "-"]]
    assert isinstance(log_all, Reply) and log_all.table is not None
    assert log_all.table.headers == [
        "#",
        "move",
        "item",
        "we give",
        "we get",
        "give value us/them",
        "get value us/them",
        "trigger",
        "said",
    ]
    assert log_all.table.rows == [
        ["1", "give", "-", "payment terms", "price", "2/4", "5/3", "-", "-"],
        ["2", "offer", "-", "-", "-", "-", "-", "-", "100k for 2 years"],
    ]


def test_the_log_holds_one_fact_a_column(transcript: Transcript) -> None:
    outcomes = transcript.run(
        IN_MIDGAME
        + """
    get a reference call
    give net-60 payment terms
    get a 3-year term
    give onboarding help
    if we upgrade the support tier, they sign by Friday
    trade training for a case study
    they our budget is capped at 80k
    log
    log all
    """
    )
    log_reply, log_all = outcomes[-2], outcomes[-1]
    assert isinstance(log_reply, Reply) and log_reply.table is not None
    assert log_reply.table.rows == [
        ["1", "-", "-", "a reference call", "-", "?/?", "-"],
        # The issue the give is about, when it is not the give itself.
        ["2", "payment terms", "net-60 payment terms", "a 3-year term", "2/4", "?/?", "-"],
        ["3", "-", "onboarding help", "-", "?/?", "-", "-"],
        # A conditional trade: the condition is its get, not a second copy of the give.
        [
            "4",
            "support tier",
            "upgrade the support tier",
            "sign by Friday",
            "1/4",
            "?/?",
            "conditional",
        ],
        ["5", "-", "training", "a case study", "?/?", "?/?", "-"],
    ]
    for row in log_reply.table.rows:
        words = [cell.lower() for cell in (*row[1:4], row[-1]) if cell != "-"]
        assert len(words) == len(set(words)), f"a fact shown twice in {row}"
    assert isinstance(log_all, Reply) and log_all.table is not None
    said = {row[1]: row[-1] for row in log_all.table.rows}
    assert said["they"] == "our budget is capped at 80k" and said["give"] == "-"


def _status(transcript: Transcript) -> Reply:
    reply = transcript.send("status")
    assert isinstance(reply, Reply) and reply.command == "status"
    return reply


def test_status_leads_with_what_is_open_in_every_phase(transcript: Transcript) -> None:
    """Open gives first, then the phase's gaps, then one next step; short, in every phase."""
    seen: dict[str, list[str]] = {}
    transcript.run("new Acme")
    seen["setup"] = _status(transcript).text.split("\n")
    transcript.run(PREPARED.replace("new Acme renewal", "use Acme") + "next -> first_move")
    seen["first_move gap"] = _status(transcript).text.split("\n")
    transcript.run("""
    bundle A price=95k term=3y support=standard worth=80
    bundle B price=105k term=1y support=premium worth=78
    """)
    seen["first_move"] = _status(transcript).text.split("\n")
    transcript.run("next -> midgame")
    seen["midgame"] = _status(transcript).text.split("\n")
    transcript.run("give net-60 payment terms\ngive free training")
    seen["midgame gives"] = _status(transcript).text.split("\n")
    transcript.run("next -> close")
    close = _status(transcript)
    seen["close"] = close.text.split("\n")
    transcript.run(
        "signed anyway -> review ! no_safeguards no_governance no_exit_path "
        "unreciprocated_concessions"
    )
    seen["review"] = _status(transcript).text.split("\n")
    transcript.run("new Beta\nwalk no budget this year")
    seen["walked_away"] = _status(transcript).text.split("\n")

    assert seen["setup"] == [
        "5 gaps hold Setup open, listed below.",
        'Next: fix "No BATNA yet" with `batna <text>`.',
    ]
    assert seen["first_move gap"] == [
        "1 gap holds First move open, listed below.",
        'Next: fix "No options on the table" with `bundle <label> <term>=<value> ...`.',
    ]
    assert seen["first_move"] == [
        "Nothing in First move is left open.",
        "Next: ask which bundle comes closest and why (`meso`), then `next`.",
    ]
    assert seen["midgame"][0] == "Nothing in Midgame is left open."
    # As reported: two gives unanswered in midgame were "nothing left open".
    assert seen["midgame gives"] == [
        "2 gives still wait for a get: free training; net-60 payment terms.",
        "Nothing else is open in Midgame.",
        'Next: ask for something back for "free training" and log it with `get <item>`.',
    ]
    # The close gap about the gives is the gives line, not a second count.
    assert seen["close"][:2] == [
        "2 gives still wait for a get: free training; net-60 payment terms.",
        "Besides the gives, 3 gaps hold Close open, listed below.",
    ]
    assert sorted(w.code for w in close.warnings) == [
        "no_exit_path",
        "no_governance",
        "no_safeguards",
        "unreciprocated_concessions",
    ]
    assert close.next_steps[0] == "get"
    assert seen["review"] == [
        "2 gives never got a get: free training; net-60 payment terms.",
        "Nothing else is open in Review.",
        "Next: write down what you learned with `debrief`.",
    ]
    assert seen["walked_away"][-1] == (
        "Next: `debrief` records why you walked; `back` resumes the deal."
    )
    for phase, lines in seen.items():
        assert lines[-1].startswith("Next: "), phase
        assert len(lines) <= 4 and len("\n".join(lines)) <= 300, phase


def test_status_names_a_few_gives_and_counts_the_rest(transcript: Transcript) -> None:
    transcript.run(
        IN_MIDGAME
        + "".join(f"give item {i}\n" for i in range(1, 6))
        + """
    get a 3-year term
    """
    )
    # The get paired the latest give; the oldest four are still open, newest first.
    assert _status(transcript).text.split("\n")[0] == (
        "4 gives still wait for a get: item 4; item 3; item 2 and 1 more."
    )


def test_scripts_fill_in_the_deal(transcript: Transcript) -> None:
    transcript.run(PREPARED + "counterparty Acme procurement: Dana signs")
    reply = transcript.send("script concession")
    assert isinstance(reply, Reply) and reply.lines
    assert any("support tier" in line or "payment terms" in line for line in reply.lines)
    assert transcript.send("script nonsense-topic").code == "bad_arguments"  # type: ignore[union-attr]
    for topic in (
        "opening",
        "interests",
        "meso",
        "objection",
        "anchor",
        "safeguard",
        "walkaway",
        "debrief",
        "concessions",
    ):
        reply = transcript.send(f"script {topic}")
        assert isinstance(reply, Reply) and reply.lines, topic


def test_unknown_command_suggests_the_nearest(transcript: Transcript) -> None:
    outcome = transcript.send("gvie training")
    assert isinstance(outcome, Rejection)
    assert outcome.code == "unknown_command" and "`give`" in outcome.message
    assert outcome.usage.startswith("give")


@pytest.mark.parametrize("line", ["", "   ", "\x00\x01"])
def test_empty_lines_are_a_clear_error(transcript: Transcript, line: str) -> None:
    outcome = transcript.send(line)
    assert isinstance(outcome, Rejection) and outcome.code == "empty"


def test_slash_prefix_and_colon_are_tolerated(transcript: Transcript) -> None:
    transcript.run("/deal new Acme -> setup\ngive: training -> setup ! one_way_concession")


def test_rejected_commands_change_nothing(transcript: Transcript) -> None:
    transcript.run(IN_MIDGAME)
    before = transcript.space.active_deal()
    for line in (
        "issue x us=9 them=1",
        'bundle A price="x',
        "pick Q",
        "trade nothing",
        "if they pay, we smile",
        "log 5 6",
        "win other x",
    ):
        assert isinstance(transcript.send(line), Rejection), line
    assert transcript.space.active_deal() == before


def test_every_warning_code_is_exercised() -> None:
    """The transcripts above raise every code in the catalogue at least once."""
    import inspect
    import sys

    from flows.vocabulary import WARNING_CODES

    source = inspect.getsource(sys.modules[__name__])
    missing = [c for c in WARNING_CODES if f" {c}" not in source.split("def test_every")[0]]
    assert not missing


def test_reply_json_shape(transcript: Transcript) -> None:
    reply = transcript.send("new Acme")
    assert set(reply.to_json()) == {"deal", "phase", "text", "warnings", "lines", "details"}
    give = transcript.send("give x")
    assert codes(give) == ["one_way_concession"]
    assert set(give.to_json()["warnings"][0]) == {"code", "message", "suggestion"}
    assert set(transcript.send("qwzx").to_json()) == {"error"}
