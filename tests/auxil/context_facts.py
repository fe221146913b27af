"""Facts a rep in each deal context would record, and a deal built from them.

Shared by the context-wording test (tests/phrases) and the script tests (tests/flows).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flows.model import Deal, Walkaway

# Facts as a rep in each context would record them (the walk-away is never a fact).
CONTEXT_FACTS: dict[str, dict[str, Any]] = {
    "sales": {
        "deal": "Acme renewal",
        "counterparty": "Acme",
        "top_issue": "onboarding",
        "issues": ["price", "contract length", "onboarding"],
        "our_priority": "a two-year term",
        "cheap_give": "onboarding training",
        "evidence": "our median discount for this segment is 8%",
        "rule": "weekly active users above 60% within 90 days",
        "win_mine": "a two-year term at list price",
        "win_theirs": "live before their audit",
        "win_shared": "a reference rollout",
        "last_give": "net-60 payment terms",
        "last_get": "a named reference call",
        "bundles": ["A", "B"],
        "meeting": "Thursday's call",
        "walk_reason": "no budget this year",
    },
    "procurement": {
        "deal": "Globex hosting",
        "counterparty": "Globex",
        "top_issue": "lead times",
        "issues": ["unit price", "SLA and service credits", "lead times"],
        "our_priority": "SLA and service credits",
        "cheap_give": "a 12-month volume forecast",
        "evidence": "similar contracts run at 41 per unit",
        "rule": "on-time delivery above 98% within two quarters",
        "win_mine": "stricter service credits",
        "win_theirs": "a predictable order book",
        "win_shared": "fewer stock-outs",
        "last_give": "faster payment",
        "last_get": "a 99.9% uptime commitment",
        "bundles": ["cost", "reliability", "balanced"],
        "meeting": "the round-two call",
        "walk_reason": "no credits for missed dates",
    },
    "partnership": {
        "deal": "Initech co-sell",
        "counterparty": "Initech",
        "top_issue": "co-marketing",
        "issues": ["revenue share", "co-marketing", "data sharing"],
        "our_priority": "first access to the integration",
        "cheap_give": "a joint case study",
        "evidence": "their channel converts at 3% on similar launches",
        "rule": "200 joint leads within six months",
        "win_mine": "reach into their installed base",
        "win_theirs": "a product gap filled",
        "win_shared": "a joint launch in spring",
        "last_give": "logo use in their launch",
        "last_get": "a seat on their partner council",
        "bundles": ["reach", "product"],
        "meeting": "the steering call",
        "walk_reason": "they wanted exclusivity everywhere",
    },
    "hiring": {
        "deal": "Sam offer",
        "counterparty": "Sam",
        "top_issue": "remote days",
        "issues": ["base salary", "equity", "remote days"],
        "our_priority": "a start date in March",
        "cheap_give": "a learning budget",
        "evidence": "the band for this level tops out at 150k",
        "rule": "shipping the payments rewrite within two quarters",
        "win_mine": "a senior hire by March",
        "win_theirs": "a path to staff engineer",
        "win_shared": "a team that ships the rewrite",
        "last_give": "two remote days",
        "last_get": "a March start",
        "bundles": ["cash", "equity"],
        "meeting": "Friday's offer call",
        "walk_reason": "the base gap stayed too wide",
    },
}

# A walk-away per context: (text, amount, currency, direction). Never a template fact.
WALKAWAYS: dict[str, tuple[str, Decimal, str | None, str]] = {
    "sales": ("min 90k", Decimal(90000), None, "min"),
    "procurement": ("max 120k", Decimal(120000), None, "max"),
    "partnership": ("min 15%", Decimal(15), "%", "min"),
    "hiring": ("max 150k", Decimal(150000), None, "max"),
}


def context_deal(context: str, phase: str = "midgame") -> Deal:
    """A deal in ``context`` with its walk-away, BATNA and evidence pack set."""
    text, amount, currency, direction = WALKAWAYS[context]
    facts = CONTEXT_FACTS[context]
    return Deal(
        name=facts["deal"],
        context=context,
        phase=phase,
        walkaway=Walkaway(text=text, amount=amount, currency=currency, direction=direction),  # type: ignore[arg-type]
        batna="stay with the current setup for another year",
        evidence=[facts["evidence"]],
        counterparty=[facts["counterparty"]],
        rule=facts["rule"],
    )
