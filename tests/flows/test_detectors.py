"""Pitfall detectors against how people actually talk.

Each warning that a detector drives has a corpus of realistic lines that must raise it
(varied wording, casing, punctuation, curly quotes, contractions) and of lines that must
not (fine lines, including near misses that share its words). The checks run through the
engine's real phrase library and the same entry points the handlers use.

Decisions recorded here:

- "The final offer deadline is Friday" / "final offers are due Friday" describe a process,
  not an ultimatum: no hard_line_tone. "This is our final offer" is one.
- "Our last offer was 120k" refers to an earlier offer ("last" = previous): not hard line.
- Meeting "in the middle of next week" or "halfway through the pilot" is about time, and
  sharing a cost 50/50 is an allocation, not splitting the gap between two positions.
- "The bottom line is that..." is an idiom; "our bottom line is 95k" reveals the floor.
- A safeguard with a date, a count in words ("two P1 incidents"), a share or "threshold"
  is measurable; "no one" is not a count.
- Governance that names a date ("later this week we'll send the SLA draft") is not put off.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from flows.detectors import Detectors
from flows.engine import default_library
from flows.model import Deal, Walkaway


@pytest.fixture(scope="module")
def detectors() -> Detectors:
    return Detectors(default_library())


def _deal(walkaway: Walkaway | None = None, context: str = "sales") -> Deal:
    return Deal(name="Acme renewal", context=context, walkaway=walkaway)


NO_FLOOR = _deal()
TEXT_FLOOR = _deal(Walkaway(text="a 3-year term"))
MIN_90K = _deal(Walkaway(text="90k", amount=Decimal(90000), currency=None, direction="min"))
MIN_90K_USD = _deal(Walkaway(text="$90k", amount=Decimal(90000), currency="USD", direction="min"))
MIN_90K_EUR = _deal(
    Walkaway(text="EUR 90k", amount=Decimal(90000), currency="EUR", direction="min")
)
MAX_100K = _deal(
    Walkaway(text="max 100k", amount=Decimal(100000), currency=None, direction="max"),
    context="procurement",
)


def said(detectors: Detectors, line: str, deal: Deal = NO_FLOOR) -> set[str]:
    return {f.code for f in detectors.check_our_line(deal, line, is_offer=False)}


def offered(detectors: Detectors, line: str, deal: Deal = NO_FLOOR) -> set[str]:
    return {f.code for f in detectors.check_our_line(deal, line, is_offer=True)}


def heard(detectors: Detectors, line: str, deal: Deal = NO_FLOOR) -> set[str]:
    return {f.code for f in detectors.check_their_line(deal, line)}


def _ids(lines: list[str]) -> list[str]:
    return [line[:60] for line in lines]


# -- hard_line_tone ---------------------------------------------------------------------
HARD_LINE = [
    "This is our final offer.",
    "Take it or leave it.",
    "take-it-or-leave-it: 95k.",
    "The price is non-negotiable.",
    "Our SLA terms are NON-NEGOTIABLE.",
    "That’s not up for discussion.",
    "Sign by Friday or the deal is off.",
    "Accept today or we walk.",
    "If you can’t do 3 years, we’ll walk away.",
    "Best and final: $95k.",
    "We won’t budge on price.",
    "There's no room for negotiation here.",
    "We're done negotiating - 95k, end of story.",
    "That's the deal, period.",
    "You have until 5pm or we go elsewhere.",
    "Don't waste my time with lowball numbers.",
    "Either you sign today or we take our business elsewhere.",
    "It's this or nothing.",
    "This is my LAST offer!",
    "We're not negotiating on the price.",
    "You have 24 hours to accept.",
    "Like it or not, this is the price.",
    "Final offer: 95k, no more discussion.",
    "95k. Final offer.",
    "That's where we need to be, and it's not changing.",
    "We're offering a 3-year term at 110k; that's final.",
]
NOT_HARD_LINE = [
    "The final offer deadline is Friday.",
    "Final offers are due on Friday per your RFP.",
    "Is this your final offer?",
    "What's the last offer you made to Globex?",
    "Our last offer was 120k; we can revisit the terms.",
    "Everything is negotiable if the scope changes.",
    "Is the price negotiable?",
    "Nothing here is non-negotiable - let's explore options.",
    "We don't do take-it-or-leave-it deals.",
    "This is not a take it or leave it offer.",
    "Let's walk you through the proposal.",
    "We'll walk through the numbers on Thursday.",
    "I'd like to understand what matters most to you.",
    "We need to close by Friday because our budget cycle ends.",
    "We could do 3 years, or else a 2-year term at a higher price.",
    "No ultimatums - let's find something that works for both of us.",
    "Take your time and let us know.",
    "Take it to your team and come back to us.",
    "We're firm on quality and flexible on timing.",
    "Could you take this offer to your CFO?",
    "End of quarter works for us.",
    "The final price depends on the seat count.",
    "Let me know what the final decision timeline looks like.",
    "We can't move on the start date, since our team is booked.",
]


@pytest.mark.parametrize("line", HARD_LINE, ids=_ids(HARD_LINE))
def test_hard_line_tone(detectors: Detectors, line: str) -> None:
    assert "hard_line_tone" in said(detectors, line)
    assert "hard_line_tone" in offered(detectors, line)


@pytest.mark.parametrize("line", NOT_HARD_LINE, ids=_ids(NOT_HARD_LINE))
def test_not_hard_line_tone(detectors: Detectors, line: str) -> None:
    assert "hard_line_tone" not in said(detectors, line)
    assert "hard_line_tone" not in offered(detectors, line)


# -- split_the_difference ---------------------------------------------------------------
SPLIT = [
    "Let's split the difference.",
    "Why don't we meet in the middle?",
    "How about we meet halfway at 100k?",
    "Meet me halfway on this?",
    "Can we meet somewhere in the middle?",
    "Let’s just split it.",
    "Split the diff and call it 100k?",
    "We could split the gap between our numbers.",
    "I'll meet you half-way.",
    "Let's meet each other halfway.",
    "Happy to SPLIT THE DIFFERENCE with you.",
    "Let's go fifty-fifty on the gap.",
    "Why not settle in the middle at 100k?",
    "Let's call it 100k, right in the middle.",
    "Shall we split it down the middle?",
    "Let’s average our two numbers.",
    "Let's go 50/50 on the difference.",
    "We can meet you in the middle on price.",
    "Let's land in the middle.",
]
NOT_SPLIT = [
    "We could meet in the middle of next week.",
    "Let's meet in the middle of the month to review.",
    "We're in the middle of our budget cycle.",
    "Rather than split the difference, let's trade.",
    "Let's not split the difference - let's look at terms.",
    "I don't want to just meet in the middle.",
    "Instead of meeting halfway, what if we added a longer term?",
    "We can split the rollout into two phases.",
    "Let's split it into two invoices.",
    "We could split the payments into quarterly instalments.",
    "Let's meet halfway through the pilot to review results.",
    "We'd share the integration cost with you 50/50.",
    "The middle tier includes premium support.",
    "Our middle-market customers usually pick bundle B.",
    "Let's split the work between our teams.",
    "What would make the difference for you?",
    "The difference between bundle A and B is the support tier.",
    "Happy to meet in person next week.",
    "Let's split this into two workstreams.",
    "Our offer splits the difference between speed and cost.",
    "We'll meet your deadline.",
]


@pytest.mark.parametrize("line", SPLIT, ids=_ids(SPLIT))
def test_split_the_difference(detectors: Detectors, line: str) -> None:
    assert "split_the_difference" in said(detectors, line)
    assert "split_the_difference" in offered(detectors, line)


@pytest.mark.parametrize("line", NOT_SPLIT, ids=_ids(NOT_SPLIT))
def test_not_split_the_difference(detectors: Detectors, line: str) -> None:
    assert "split_the_difference" not in said(detectors, line)
    assert "split_the_difference" not in offered(detectors, line)


# -- overshare_walkaway: announcing a bottom line -------------------------------------
BOTTOM_LINE = [
    "Our bottom line is 95k.",
    "My bottom line is $92,000.",
    "Honestly, our walk-away point is around 90k.",
    "Our walkaway is pretty close to that.",
    "The lowest we can go is 92k.",
    "The lowest I could possibly accept is 90k.",
    "We can't go any lower than 92k.",
    "I can’t go lower than that.",
    "We'd walk away below 88k.",
    "Anything under 85k and we walk.",
    "That's our floor.",
    "Our floor is 88k.",
    "Our absolute minimum is $90,000.",
    "The most I can pay is 120k.",
    "My reservation price is 110k.",
    "This is as low as we can go.",
    "I'm only authorised to go down to 88k.",
    "The best we can do is 92k.",
    "We won't go below 90k.",
    "My limit is 120k.",
    "Rock-bottom price: 90k.",
    "We can't do better than this.",
    "That's as good as it gets.",
    "We can go as low as 92k.",
    "We have a floor of 88k.",
    "Between you and me, we could do 92k.",
    "We're not going lower than 95k.",
    "No way we go under 95k.",
]
NOT_BOTTOM_LINE = [
    "The floor is yours.",
    "Let's review the floor plan for the new office.",
    "We're on the fifth floor, reception will let you in.",
    "The bottom line is that your team needs this live before the audit.",
    "This will improve your bottom line.",
    "What's your bottom line?",
    "What's the lowest you can go?",
    "The best we can do is ship in March.",
    "The most we can do today is a follow-up call.",
    "We can't go lower on price without changing the scope.",
    "Deals like this land between 100k and 120k.",
    "Our liability limit is 2x annual fees.",
    "What's your walk-away?",
    "Your budget ceiling was 100k last year, right?",
    "We have room to move on payment terms.",
    "Our minimum order quantity is 500 units.",
    "We'd walk you through onboarding in week one.",
    "How did you arrive at that number?",
    "Our bottom line is that we want you to succeed.",
    "My floor manager will meet you at the door.",
]


@pytest.mark.parametrize("line", BOTTOM_LINE, ids=_ids(BOTTOM_LINE))
def test_bottom_line_overshares(detectors: Detectors, line: str) -> None:
    assert "overshare_walkaway" in said(detectors, line)
    assert "overshare_walkaway" in offered(detectors, line, TEXT_FLOOR)


@pytest.mark.parametrize("line", NOT_BOTTOM_LINE, ids=_ids(NOT_BOTTOM_LINE))
def test_no_bottom_line(detectors: Detectors, line: str) -> None:
    assert "overshare_walkaway" not in said(detectors, line, MIN_90K)
    assert "overshare_walkaway" not in offered(detectors, line, MIN_90K)


# -- overshare_walkaway: saying the walk-away figure --------------------------------------
REVEALS_90K = [
    ("We could maybe do 90,000.", MIN_90K),
    ("What about $90k?", MIN_90K),
    ("90K and we have a deal.", MIN_90K),
    ("USD 90,000 works for us.", MIN_90K),
    ("Could you live with 89,999?", MIN_90K),
    ("Say 90.2k?", MIN_90K),
    ("ninety thousand, and we sign today", MIN_90K),
    ("€90k", MIN_90K),  # the walk-away has no currency: any currency is read as the deal's
    ("somewhere in the 90-110k range", MIN_90K),
    ("$90,000 all in", MIN_90K_USD),
    ("90k", MIN_90K_USD),  # no currency on the line: read in the deal's currency
    ("EUR 90.000,00 is not read but EUR 90,000 is", MIN_90K_EUR),
    ("€ 90 000", MIN_90K_EUR),
]
KEEPS_90K = [
    ("We're at $95k.", MIN_90K),
    ("Deals like this land between 100k and 120k.", MIN_90K),
    ("89k", MIN_90K),
    ("net-90 payment terms", MIN_90K),
    ("90 days to go live", MIN_90K),
    ("90 seats in year one", MIN_90K),
    ("You have 90,000 users, right?", MIN_90K),
    ("We'll have it live by 2090, promise.", MIN_90K),
    ("$90 per seat", MIN_90K),
    ("$90k", MIN_90K_EUR),  # another currency is not the same figure
    ("€90k", MIN_90K_USD),
    ("£90k", MIN_90K_EUR),
    ("90k", TEXT_FLOOR),
]


@pytest.mark.parametrize(("line", "deal"), REVEALS_90K, ids=_ids([x for x, _ in REVEALS_90K]))
def test_saying_the_walkaway_figure(detectors: Detectors, line: str, deal: Deal) -> None:
    assert "overshare_walkaway" in said(detectors, line, deal)
    assert "overshare_walkaway" in offered(detectors, line, deal)


@pytest.mark.parametrize(("line", "deal"), KEEPS_90K, ids=_ids([x for x, _ in KEEPS_90K]))
def test_other_figures_keep_the_walkaway(detectors: Detectors, line: str, deal: Deal) -> None:
    assert "overshare_walkaway" not in said(detectors, line, deal)
    assert "overshare_walkaway" not in offered(detectors, line, deal)


# -- one_way_concession in a said line ----------------------------------------------------
CONCESSION = [
    "We can throw in training for free.",
    "We'll waive the setup fee.",
    "I can give you an extra 5% off.",
    "We could extend payment terms to net-60.",
    "Happy to include onboarding at no extra cost.",
    "We're willing to drop the price to 95k.",
    "We’ll knock 10% off.",
    "OK, we’ll add two extra seats at no charge.",
    "I'll take 5k off the price.",
    "Let me throw in premium support.",
    "Fine, we'll cover the implementation cost.",
    "We'll give you 3 months free.",
    "Consider the training on the house.",
    "We can offer a 10% discount.",
    "We'd be happy to lower the price.",
    "We'll match Globex's price.",
    "We can do the migration free of charge.",
    "We'll drop the price, if that helps.",
    "We'll throw in training if you'd like.",
    "We'll extend the trial by a month.",
    "We can offer a 10% discount on year one.",
    "We'll add two extra seats.",
    "We'll provide onboarding for free.",
    "I can offer net-60.",
    "Fine, you win - we'll include the training.",
]
NOT_CONCESSION = [
    "We can throw in training if you sign for 3 years.",
    "We will include onboarding in exchange for a case study.",
    "If you commit to 3 years, we'll waive the setup fee.",
    "We could drop the price provided you pay upfront.",
    "We'll extend terms as long as you sign by Friday.",
    "We'll add training, but we'd need a 3-year commitment.",
    "We can lower the price in return for a reference call.",
    "Should you sign this quarter, we'd include onboarding.",
    "We'll waive the setup fee for a 3-year commitment.",
    "Once you sign the 3-year term, we'll add premium support.",
    "What would a longer term be worth to you?",
    "We can't give you a discount.",
    "We won't drop the price.",
    "We could give you a call tomorrow.",
    "I can give you an answer by Friday.",
    "We can cover that on Thursday's call.",
    "We'll include your CFO on the next call.",
    "Drop me a line when you've reviewed it.",
    "Training is included in every plan.",
    "We can lower the risk by phasing the rollout.",
    "We cut our cloud costs by 20% last year.",
    "We can offer you a slot next Tuesday for the demo.",
    "We'll add you to the invite.",
    "We can provide references.",
    "I could give you a discount if you commit to 3 years.",
    "I'd give you a 5% discount for a case study.",
]


@pytest.mark.parametrize("line", CONCESSION, ids=_ids(CONCESSION))
def test_one_way_concession(detectors: Detectors, line: str) -> None:
    assert "one_way_concession" in said(detectors, line)


@pytest.mark.parametrize("line", NOT_CONCESSION, ids=_ids(NOT_CONCESSION))
def test_not_one_way_concession(detectors: Detectors, line: str) -> None:
    assert "one_way_concession" not in said(detectors, line)


def test_offers_are_not_checked_for_one_way_gives(detectors: Detectors) -> None:
    # An offer is logged as an offer; gives are flagged through `give`.
    assert "one_way_concession" not in offered(detectors, "We'll waive the setup fee.")


# -- their_anchor -------------------------------------------------------------------------
THEIR_ANCHOR = [
    "Our budget is capped at $80k.",
    "We can pay no more than 350k.",
    "We have a fixed budget this year.",
    "We were thinking more like 70k.",
    "Our budget tops out at €75,000.",
    "The max we can spend is 85K.",
    "We've only got sixty grand to spend.",
    "Globex quoted us $72k.",
    "Our ceiling is 100k.",
    "Procurement won't approve anything over 90k.",
    "We've been given a hard cap on spend.",
    "The budget's frozen at last year's level.",
    "The most we can stretch to is 95 grand.",
    "We can't go above the approved budget.",
    "Our limit is USD 80,000.",
    "We'd be looking at around 1.2M for all sites.",
    "We'd do it for 85 to 90k.",
    "We can’t spend more than we did last year.",
    "There's a spending limit on this category.",
    "BUDGET IS LIMITED TO WHAT WAS APPROVED IN JANUARY.",
    "Our CFO caps all software spend at 100k per vendor.",
    "We pay 60k today for our current tool.",
]
NOT_THEIR_ANCHOR = [
    "We have 20,000 users across 3 regions.",
    "We have 200 users across 3 regions.",
    "We want to start in March.",
    "We'd like to sign in Q3 2026.",
    "We need 99.9% uptime and 24/7 support.",
    "Our team is 15 people.",
    "Call me on 555-123-4567.",
    "We're on version 2.1 of your API.",
    "We need SOC 2 and ISO 27001.",
    "The contract renews on 2026-12-03.",
    "We'd want net-30 payment terms.",
    "Liability should be capped at 12 months of fees.",
    "We hit the API rate limit of 100 requests per second.",
    "Budget is not the issue; timing is.",
    "The budget is approved, we're ready to go.",
    "We need no more than 3 weeks of onboarding.",
    "We process 10,000 orders a month.",
    "Our 401k provider changes in 2027.",
    "We can't go over 3 vendors for compliance reasons.",
    "Our budget cycle starts in April.",
    "We'll have 500 users by Q3.",
    "We can't commit to more than 2 years.",
    "Procurement needs three quotes.",
]


@pytest.mark.parametrize("line", THEIR_ANCHOR, ids=_ids(THEIR_ANCHOR))
def test_their_anchor(detectors: Detectors, line: str) -> None:
    assert "their_anchor" in heard(detectors, line)


@pytest.mark.parametrize("line", NOT_THEIR_ANCHOR, ids=_ids(NOT_THEIR_ANCHOR))
def test_not_their_anchor(detectors: Detectors, line: str) -> None:
    assert "their_anchor" not in heard(detectors, line, MIN_90K)


# -- price_pushback -----------------------------------------------------------------------
PUSHBACK = [
    "That's too expensive.",
    "Can you do better on price?",
    "A competitor quoted us something cheaper.",
    "This is way over our budget.",
    "Your price is a bit steep.",
    "We need a discount to get this approved.",
    "Is there any flexibility on price?",
    "We were hoping for something lower.",
    "It's hard to justify this price internally.",
    "Your pricing is out of line with the market.",
    "Can you sharpen your pencil?",
    "We can’t afford that.",
    "That's more than we budgeted.",
    "Globex is 20% cheaper.",
    "You'll need to come down a bit.",
    "Is that the best you can do?",
    "The quote is higher than we expected.",
    "Any wiggle room on the price?",
    "Budget is tight this year.",
    "That number is too high for us.",
    "You're much more expensive than the others.",
    "We'd need you to lower the fee.",
    "That's a lot of money for what we get.",
    "Could you go lower?",
    "Honestly, the number's a bit rich for us.",
    "We love the product but finance will balk at that number.",
    "We don't have that kind of budget.",
    "That's not in our budget.",
    "There's no budget for this until Q2.",
    "We need 20% off to make this work.",
    "We were quoted 15% less elsewhere.",
    "That's a big number.",
]
NOT_PUSHBACK = [
    "This price is fair.",
    "The price is fine, timing is the issue.",
    "Price isn't the problem; security is.",
    "We're not price-sensitive, we care about uptime.",
    "Can you send the price list?",
    "What's included in the price?",
    "We want the best deal for both sides.",
    "That's too much paperwork for our team.",
    "Latency is too high on the current platform.",
    "Can you do better on the SLA?",
    "The onboarding was too slow last time.",
    "We need a better onboarding plan.",
    "Your competitor's product lacks SSO.",
    "It's really high quality, the team loves it.",
    "The cost of switching is high for us.",
    "How is the price calculated?",
    "We cut costs last year and it worked.",
    "We expect the price to include training.",
    "We'd want a 99.9% SLA, same as last year.",
    "The team loved the demo!",
    "What would a 3-year deal look like?",
    "What's the price per seat?",
]


@pytest.mark.parametrize("line", PUSHBACK, ids=_ids(PUSHBACK))
def test_price_pushback(detectors: Detectors, line: str) -> None:
    assert "price_pushback" in heard(detectors, line)


@pytest.mark.parametrize("line", NOT_PUSHBACK, ids=_ids(NOT_PUSHBACK))
def test_not_price_pushback(detectors: Detectors, line: str) -> None:
    assert "price_pushback" not in heard(detectors, line)


# -- unbundling ---------------------------------------------------------------------------
UNBUNDLING = [
    "Drop the training but keep the price.",
    "We don't need support, same price though.",
    "Take out onboarding and keep the discount.",
    "Can we remove premium support and still get the same rate?",
    "We'll skip the training, but the price stays as quoted.",
    "Without the implementation package, at the same price.",
    "Cut the analytics module but keep your quoted number.",
    "Just the core licences, at the price you quoted.",
    "We only want the platform, at the bundle price.",
    "Leave out the SLA and hold the price.",
    "Strip out the consulting days; keep the 20% discount.",
    "We'll pass on the training but expect the same discount.",
    "Lose the support tier, same total.",
    "Remove onboarding - price unchanged, right?",
    "No need for the premium tier; the price should stay the same.",
    "Exclude training and keep the pricing as is.",
    "Can you take the SLA off and still keep the price?",
    "We’ll go without the add-ons, but the quote stays.",
    "We'd like the onboarding, but not the premium support. Same total?",
    "Could we get the same price if we only take 50 seats?",
]
NOT_UNBUNDLING = [
    "Drop me a line when the contract is ready.",
    "Drop us a note if the price changes.",
    "We need the same price for the renewal.",
    "Keep the price as quoted and add training.",
    "We'd like to drop the training and pay less.",
    "Can you remove the auto-renewal clause?",
    "Without the training, the price would be lower, right?",
    "It's just the same price as last year.",
    "We'll drop by your office at the same time as last week.",
    "Let's cut to the chase.",
    "We skipped training last time and regretted it.",
    "Without a doubt, we'll keep working with you.",
    "We don't need more seats this year.",
    "Same price as last year would be great.",
    "Drop the training at the same time as the migration starts.",
    "Only the platform team will join the call.",
    "We just want the price list.",
    "We'd like to keep the discount from last year.",
    "Keep the same terms as last year please.",
]


@pytest.mark.parametrize("line", UNBUNDLING, ids=_ids(UNBUNDLING))
def test_unbundling(detectors: Detectors, line: str) -> None:
    assert "unbundling" in heard(detectors, line)


@pytest.mark.parametrize("line", NOT_UNBUNDLING, ids=_ids(NOT_UNBUNDLING))
def test_not_unbundling(detectors: Detectors, line: str) -> None:
    assert "unbundling" not in heard(detectors, line)


# -- below_walkaway -----------------------------------------------------------------------
# (deal, line, worse than the walk-away?) for our offers and for theirs.
BELOW = [
    (MIN_90K, "$85k for 3 years", True),
    (MIN_90K, "85,000 all in", True),
    (MIN_90K, "€80k", True),
    (MIN_90K, "eighty-five thousand", True),
    (MIN_90K, "0.08M", True),
    (MIN_90K, "USD 89,000", True),
    (MIN_90K, "80-85k", True),
    (MIN_90K_USD, "$80k", True),
    (MIN_90K_USD, "80k", True),
    (MIN_90K_EUR, "EUR 80k", True),
    (MIN_90K_EUR, "80 000 €", True),
    (MIN_90K_EUR, "80k", True),
    (MAX_100K, "120k", True),
    (MAX_100K, "$130,000 base", True),
    (MAX_100K, "1.2M", True),
    (MIN_90K, "$120k for 3 years", False),
    (MIN_90K, "90k", False),
    (MIN_90K, "120k with 20 seats at $40 per seat", False),
    (MIN_90K, "20 seats at $40 per seat", False),
    (MIN_90K, "$9k/month", False),
    (MIN_90K, "3 years starting in 2026", False),
    (MIN_90K, "80 seats, net-30, 2-year term", False),
    (MIN_90K_EUR, "$80k", False),
    (MIN_90K_EUR, "£80k", False),
    (MIN_90K_USD, "€80k", False),
    (MAX_100K, "95k", False),
    (MAX_100K, "$40 per seat", False),
    (TEXT_FLOOR, "10k", False),
    (NO_FLOOR, "10k", False),
]


@pytest.mark.parametrize(
    ("deal", "line", "worse"),
    BELOW,
    ids=[f"{d.walkaway.text if d.walkaway else '-'}:{x}" for d, x, _ in BELOW],
)
def test_below_walkaway(detectors: Detectors, deal: Deal, line: str, worse: bool) -> None:
    assert ("below_walkaway" in offered(detectors, line, deal)) is worse
    assert ("below_walkaway" in heard(detectors, line, deal)) is worse
    assert "below_walkaway" not in said(detectors, line, deal)  # said lines are not offers


def test_below_walkaway_values(detectors: Detectors) -> None:
    findings = detectors.check_their_line(MIN_90K_USD, "our budget is capped at $80k")
    below = next(f for f in findings if f.code == "below_walkaway")
    assert below.values == {"amount": "$80,000", "walkaway": "$90,000", "direction": "min"}
    anchor = next(f for f in findings if f.code == "their_anchor")
    assert anchor.values == {"amount": "$80,000"}


# -- vague_safeguard (read_safeguard: a measurable trigger and a remedy) -----------------
MEASURABLE = [
    "if uptime < 99.9% in a month, 10% service credit",
    "credit of 5% when response time exceeds four hours",
    "terminate if two P1 incidents happen in any quarter",
    "price review if CPI rises above three percent",
    "refund if go-live slips past March 31",
    "penalty if delivery is later than the end of Q2",
    "renegotiate if volume doubles",
    "service credits when resolution takes longer than a week",
    "exit right if key staff change before December",
    "rebate if fewer than 150 users are active by day 60",
    "Credits if monthly uptime falls below the SLA target of 99.5%",
    "escalate to exec sponsors after three missed milestones",
    "we refund the pilot fee if NPS is under thirty by end of quarter",
    "penalty per day of delay after Friday",
    "10% credit for every hour of downtime over the monthly allowance",
    "credit if support response exceeds one business day",
    "more than 3 P1 incidents in a month",
    "uptime below 99.9%",
    "a response within 4 hours",
    "if volume passes 10,000 seats",
    "go-live by 31 March",
    "if the SOC 2 report is more than 30 days late",
]
# No trigger one can check: a label's number, a threshold without its figure, the
# remedy's own size, words like "promptly" or "significant".
VAGUE = [
    "credits if service is bad",
    "we'll make it right if things go wrong",
    "penalties for poor performance",
    "refund if they're unhappy",
    "a remedy if delivery is late",
    "review the deal if quality drops",
    "exit if the relationship sours",
    "service credits for significant outages",
    "fix issues promptly",
    "reasonable efforts to resolve problems quickly",
    "compensation for any major incidents",
    "discount if adoption is low",
    "credits if no one responds in time",
    "we'll revisit pricing if volumes change a lot",
    "termination right for material breach",
    "support will be responsive",
    "a fair adjustment if the scope grows",
    "make good on any downtime",
    "service credits if the platform is down too often",
    "refund if we miss the go-live",
    "price locked unless usage grows significantly",
    "if delivery slips, a credit",
    "respond promptly to P1 incidents",
    "credits if the SOC2 report has findings",
    "termination right if the v2 API is late",
    "a bonus if the Q3 roadmap ships",
    "priority for tier 1 tickets",
    "fee holiday if the API error rate crosses the agreed threshold",
    "discount drops by half if adoption stalls",
    "a 10% credit if the service is unreliable",
    "refund the full fee within 10 days if the launch slips",
]
WITH_REMEDY = [
    "10% service credit",
    "a refund of the setup fee",
    "Acme may terminate without penalty",
    "the per-seat price falls to $35",
    "escalation to the VP of support",
    "the implementation fee is waived",
    "we withhold 10% of the next payment",
    "liquidated damages of $1,000 a day",
    "the revenue share moves to 20%",
    "the base goes up 5k",
    "I can leave with three months' severance",
    "either side can exit",
    "a retention bonus",
    "a one-month fee holiday",
]
WITHOUT_REMEDY = [
    "uptime of 99.9% each month",
    "respond within 4 hours",
    "we'll make it right",
    "a remedy applies",
    "a fair adjustment",
    "we review the deal",
    "no penalties apply",
    "quarterly business reviews",
    "delivery by 15 February",
    "at least 25 referrals a quarter",
    "we'll look into it",
    "the team will raise a ticket",
]


@pytest.mark.parametrize("line", MEASURABLE, ids=_ids(MEASURABLE))
def test_measurable_safeguard(detectors: Detectors, line: str) -> None:
    assert detectors.is_measurable(line)


@pytest.mark.parametrize("line", VAGUE, ids=_ids(VAGUE))
def test_vague_safeguard(detectors: Detectors, line: str) -> None:
    assert not detectors.is_measurable(line)


@pytest.mark.parametrize("line", WITH_REMEDY, ids=_ids(WITH_REMEDY))
def test_safeguard_remedy(detectors: Detectors, line: str) -> None:
    assert detectors.read_safeguard(line).remedy is not None


@pytest.mark.parametrize("line", WITHOUT_REMEDY, ids=_ids(WITHOUT_REMEDY))
def test_no_safeguard_remedy(detectors: Detectors, line: str) -> None:
    assert detectors.read_safeguard(line).remedy is None


@pytest.mark.parametrize(
    ("line", "missing", "trigger", "remedy"),
    [
        (
            "If uptime falls below 99.9% in a month, a 10% service credit applies.",
            "",
            "99.9%",
            "service credit",
        ),
        ("Respond promptly to P1 incidents.", "both", None, None),
        ("10% credit if service is bad", "trigger", None, "credit"),
        ("Uptime of 99.9% measured monthly", "remedy", "99.9%", None),
        ("Terminate on 30 days' notice if delivery slips", "trigger", None, "terminate"),
    ],
)
def test_safeguard_reading(
    detectors: Detectors, line: str, missing: str, trigger: str | None, remedy: str | None
) -> None:
    reading = detectors.read_safeguard(line)
    assert reading.missing == missing
    for want, got in ((trigger, reading.trigger), (remedy, reading.remedy)):
        assert (got is None) if want is None else (got is not None and want in got)


# -- governance_deferred ------------------------------------------------------------------
DEFERRED = [
    "we'll work out reviews later",
    "review TBD",
    "Change process: TBC.",
    "governance to be agreed",
    "we’ll see how it goes",
    "let's figure that out down the road",
    "we'll sort out the change process when needed",
    "ad hoc check-ins",
    "reviews as needed",
    "we'll cross that bridge when we come to it",
    "review cadence not yet defined",
    "let's park governance for now",
    "to be discussed after signing",
    "quarterly reviews, eventually",
    "we'll play it by ear",
    "let's revisit once we're live",
    "we'll define the change process in due course",
    "leave the review schedule open for now",
    "Governance: pending",
    "We'll deal with it later on.",
    "We'll set up a steering group at some point.",
    "reviews to be scheduled",
    "cadence: whenever either side asks",
    "we'll meet when something comes up",
    "informal check-ins, nothing fixed",
    "we haven't decided on a cadence yet",
    "change process: let's keep it flexible",
    "we'll loop back on governance next quarter",
    "we'll figure out the review rhythm after kickoff",
]
NOT_DEFERRED = [
    "quarterly business review; changes by written change request",
    "notice no later than 30 days before any change",
    "later this week we'll send the SLA draft",
    "monthly steering call, changes by change request",
    "steering committee meets every second Tuesday",
    "escalation: account manager, then VP within 5 business days",
    "QBRs with agreed KPIs; changes via written amendment signed by both",
    "the joint review board decides change requests within 10 days",
    "monthly ops review, quarterly exec review",
    "at each quarterly review we will see whether targets need adjusting",
    "a review 30 days after go-live, then every quarter",
    "weekly status call on Mondays, decisions logged in the shared tracker",
    "changes need sign-off from both sponsors",
    "annual price review tied to CPI",
    "Dana owns the relationship; we meet on the first Tuesday of each month",
    "escalations go to the steering committee within 48 hours",
    "both sides name a governance lead before signing",
    "the project board reviews risks fortnightly",
    "Monthly review with the account team, escalation later to the VP if KPIs miss twice",
    "QBR every quarter, first one in March",
    "steering committee monthly; decisions within 5 working days",
]


@pytest.mark.parametrize("line", DEFERRED, ids=_ids(DEFERRED))
def test_governance_deferred(detectors: Detectors, line: str) -> None:
    assert detectors.deferral(line) is not None


@pytest.mark.parametrize("line", NOT_DEFERRED, ids=_ids(NOT_DEFERRED))
def test_governance_not_deferred(detectors: Detectors, line: str) -> None:
    assert detectors.deferral(line) is None


# -- ethics flags on our own lines (issue 11) -----------------------------------------
# Checks, not verdicts: the coach cannot know whether a deadline or a rival is real.
ETHICS = [
    ("the price is only valid until 5pm today", "false_deadline"),
    ("this offer expires at midnight", "false_deadline"),
    ("sign by Friday or the discount is gone", "false_deadline"),
    ("we have another buyer lined up", "invented_alternative"),
    ("two other companies are ready to sign", "invented_alternative"),
    ("I have a competing offer on the table", "invented_alternative"),
    ("it auto-renews, don't worry about that", "hidden_terms"),
    ("no need to read the fine print", "hidden_terms"),
    ("let's leave the renewal clause out of the summary", "hidden_terms"),
]
NOT_ETHICS = [
    ("their deadline is Friday", "false_deadline"),
    ("they said the offer expires Friday", "false_deadline"),
    ("your offer is only valid until Friday, isn't it", "false_deadline"),
    ("budget closes on the 30th so we need to decide by then", "false_deadline"),
    (
        "the price is only valid until Friday because our price list changes on Monday",
        "false_deadline",
    ),
    ("is the offer only valid until Friday?", "false_deadline"),
    ("we're also talking to other vendors", "invented_alternative"),
    ("we don't have another buyer lined up", "invented_alternative"),
    ("they claim another vendor will do it for less", "invented_alternative"),
    (
        "renewal is automatic unless either side gives 60 days notice - want me to walk you "
        "through it?",
        "hidden_terms",
    ),
    ("don't worry about the timeline, we can start when you're ready", "hidden_terms"),
    ("we never hide fees: the setup fee is on page one", "hidden_terms"),
]


@pytest.mark.parametrize(("line", "code"), ETHICS, ids=[x for x, _ in ETHICS])
def test_ethics_flag(detectors: Detectors, line: str, code: str) -> None:
    assert code in said(detectors, line)
    assert code in offered(detectors, line)
    assert code not in heard(detectors, line)  # their lines are theirs to answer for


@pytest.mark.parametrize(("line", "code"), NOT_ETHICS, ids=[x for x, _ in NOT_ETHICS])
def test_no_ethics_flag(detectors: Detectors, line: str, code: str) -> None:
    assert code not in said(detectors, line)


def test_ethics_flag_quotes_the_words(detectors: Detectors) -> None:
    findings = detectors.ethics_flags("Honestly? This offer expires at midnight.")
    assert [(f.code, f.values) for f in findings] == [
        ("false_deadline", {"phrase": "offer expires at midnight"})
    ]


# -- lines that are fine get no warning at all ----------------------------------------
FINE_SAID = [
    "How did you arrive at that number?",
    "Deals like this land between 100k and 120k.",
    "What matters most to you about the rollout?",
    "We could meet in the middle of next week.",
    "Let's review the floor plan for the new office.",
    "The final offer deadline is Friday.",
    "We can throw in training if you sign for 3 years.",
    "If you can extend to 3 years, we can look at the price.",
    "We're at 120k for 3 years, with 20 seats at $40 per seat.",
    "Drop me a line when you've reviewed it.",
    "Let's walk you through the proposal on Thursday at 10:30.",
    "Everything is negotiable if the scope changes.",
    "What would a longer term be worth to you?",
    "We could split the payments into quarterly instalments.",
    "We've supported 1,200 customers since 2015.",
    "Our platform handles 5M events a day at 99.95% uptime.",
    "Could we schedule the kickoff for 2026-01-15 at 9:30?",
    "Rollout: 3 phases, 90 days each.",
    "We'd be glad to share a reference from a 5,000-seat customer.",
    "We'll include a dedicated CSM for year one at no extra cost if you sign the 3-year term.",
]
FINE_HEARD = [
    "We want to start in March.",
    "The price is fine, timing is the issue.",
    "This price is fair.",
    "We have 20,000 users across 3 regions.",
    "We need SOC 2, ISO 27001 and 99.9% uptime.",
    "Call me on 555-123-4567 after 10am.",
    "Drop me a line when the contract is ready.",
    "Liability should be capped at 12 months of fees.",
    "We'd want net-30 and a 2-year term.",
    "Can you walk us through the onboarding plan?",
]


@pytest.mark.parametrize("line", FINE_SAID, ids=_ids(FINE_SAID))
def test_fine_said_lines_get_no_warning(detectors: Detectors, line: str) -> None:
    assert said(detectors, line, MIN_90K) == set()
    assert offered(detectors, line, MIN_90K) == set()


@pytest.mark.parametrize("line", FINE_HEARD, ids=_ids(FINE_HEARD))
def test_fine_heard_lines_get_no_warning(detectors: Detectors, line: str) -> None:
    assert heard(detectors, line, MIN_90K) == set()


def test_corpus_sizes() -> None:
    """Each detector keeps a realistic corpus on both sides."""
    corpora = {
        "hard_line_tone": (HARD_LINE, NOT_HARD_LINE),
        "split_the_difference": (SPLIT, NOT_SPLIT),
        "bottom_line": (BOTTOM_LINE, NOT_BOTTOM_LINE),
        "walkaway figure": (REVEALS_90K, KEEPS_90K),
        "one_way_concession": (CONCESSION, NOT_CONCESSION),
        "their_anchor": (THEIR_ANCHOR, NOT_THEIR_ANCHOR),
        "price_pushback": (PUSHBACK, NOT_PUSHBACK),
        "unbundling": (UNBUNDLING, NOT_UNBUNDLING),
        "below_walkaway": ([b for b in BELOW if b[2]], [b for b in BELOW if not b[2]]),
        "measurable": (MEASURABLE, VAGUE),
        "safeguard_remedy": (WITH_REMEDY, WITHOUT_REMEDY),
        "governance_deferred": (DEFERRED, NOT_DEFERRED),
    }
    for name, (positives, negatives) in corpora.items():
        assert len(positives) >= 12 and len(negatives) >= 12, name


# -- known gap: figures that describe them are not anchors ---------------------------------
# check_their_line reads any money figure as their anchor. The data to tell them apart is in
# the library (detector `not_an_anchor`); flows/detectors.py does not use it yet. Proposed,
# at the top of Detectors.check_their_line:
#
#     amounts = find_amounts(text)
#     if amounts and self._hit("not_an_anchor", text) and not self._hit("budget_cap", text):
#         amounts = []  # a figure about them (revenue, funding), not a number on the table
NOT_ANCHOR_FIGURES = [
    "Our revenue was $5M last year.",
    "We raised a $20M Series B.",
    "We just closed our seed round at 3M.",
    "Our ARR is 12M and growing.",
    "The company's valuation is 1bn.",
    "Revenue grew to €40M in 2025.",
    "Annual turnover of £8m, mostly in retail.",
    "Last year's EBITDA was 2.5 million dollars.",
    "Our market cap passed $1B this spring.",
    "We're valued at 300M after the last round.",
    "Total revenue is 90k per month across the group.",
    "Our GMV hit 50M.",
]
ANCHOR_FIGURES = [
    "Our budget is 80k, whatever our revenue.",
    "We can pay 80k.",
    "Globex quoted us $72k.",
    "Our revenue doesn't matter; we can spend 60k at most.",
    "We raised money but the price has to stay under 90k.",
    "We were thinking more like 70k.",
    "Our budget is capped at $80k.",
    "The max we can spend is 85K.",
    "We'd sign today at 80k.",
    "How about $80,000 and a 2-year term?",
    "We pay 60k today for our current tool.",
    "Series B or not, 80k is our limit for this.",
]


@pytest.mark.parametrize("line", NOT_ANCHOR_FIGURES, ids=_ids(NOT_ANCHOR_FIGURES))
def test_not_an_anchor_data(line: str) -> None:
    from flows.detectors import normalise

    assert default_library().detector("not_an_anchor").search(normalise(line)) is not None


@pytest.mark.parametrize("line", ANCHOR_FIGURES, ids=_ids(ANCHOR_FIGURES))
def test_anchor_figures_stay_anchors(detectors: Detectors, line: str) -> None:
    from flows.detectors import normalise

    assert default_library().detector("not_an_anchor").search(normalise(line)) is None
    assert "their_anchor" in heard(detectors, line)


@pytest.mark.parametrize("line", NOT_ANCHOR_FIGURES, ids=_ids(NOT_ANCHOR_FIGURES))
def test_figures_about_them_are_not_anchors(detectors: Detectors, line: str) -> None:
    assert heard(detectors, line, MAX_100K) == set()


def test_a_floor_said_aloud_is_quoted_with_its_whole_figure() -> None:
    from datetime import UTC, datetime

    from auxil.memory import MemoryDealSpace
    from flows.engine import Engine
    from flows.replies import Reply

    engine, space = Engine(), MemoryDealSpace()
    now = datetime(2026, 11, 23, tzinfo=UTC)
    for line in ["new Acme", "walkaway 110k"]:
        engine.handle(line, space, now)
    reply = engine.handle("say our bottom line is 110k", space, now)
    assert isinstance(reply, Reply)
    (floor,) = [w for w in reply.warnings if w.code == "overshare_walkaway"]
    assert '"our bottom line is 110k"' in floor.message
