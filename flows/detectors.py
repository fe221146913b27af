"""Pitfall detectors for what people say, offer and hear.

The wording patterns live in ``phrases/patterns.yaml`` so the content can grow without
code changes; this module adds what data cannot express: amounts compared with the
walk-away point, and which checks apply to which kind of line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flows.amounts import Amount, find_amounts, headline
from flows.model import Deal, Walkaway
from phrases import PhraseLibrary

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})

# An amount this close to the walk-away figure reveals it (rounding, "90k" vs "89,999").
_REVEAL_TOLERANCE = Decimal("0.005")


def normalise(text: str) -> str:
    """Lower case, straight quotes and single spaces: the form detectors match against."""
    return " ".join(text.translate(_QUOTES).lower().split())


@dataclass(frozen=True)
class Finding:
    """A detector hit: the warning code and the values its text needs."""

    code: str
    values: dict[str, Any]


class Detectors:
    """Checks a line of text against the phrase library's patterns and the deal's numbers."""

    def __init__(self, lib: PhraseLibrary):
        self._lib = lib

    def _hit(self, name: str, text: str) -> str | None:
        return self._lib.detector(name).search(normalise(text))

    # -- our own lines -------------------------------------------------------------------
    def check_our_line(self, deal: Deal, text: str, *, is_offer: bool) -> list[Finding]:
        """Pitfalls in a line we are about to say (``say``) or an offer we make (``offer``)."""
        findings: list[Finding] = []
        amounts = find_amounts(text)
        reveal = self.reveals_walkaway(deal, text, amounts)
        if reveal is not None:
            findings.append(Finding("overshare_walkaway", {"phrase": reveal}))
        tone = self._hit("hard_line_tone", text)
        if tone is not None:
            findings.append(Finding("hard_line_tone", {"phrase": tone}))
        split = self._hit("split_the_difference", text)
        if split is not None:
            findings.append(Finding("split_the_difference", {"phrase": split}))
        if is_offer:
            below = self.below_walkaway(deal, amounts)
            if below is not None:
                findings.append(below)
        else:
            concession = self._hit("concession_offer", text)
            if concession is not None and self._hit("conditional", text) is None:
                findings.append(Finding("one_way_concession", {"item": concession}))
        return findings

    def reveals_walkaway(self, deal: Deal, text: str, amounts: list[Amount]) -> str | None:
        """The phrase that gives away the floor: a bottom-line announcement or the figure."""
        announced = self._hit("bottom_line", text)
        if announced is not None:
            return announced
        floor = deal.walkaway
        if floor is None or floor.amount is None or floor.amount == 0:
            return None
        for amount in amounts:
            if not _same_currency(amount, floor):
                continue
            if abs(amount.value - floor.amount) <= floor.amount * _REVEAL_TOLERANCE:
                return amount.text
        return None

    # -- their lines ---------------------------------------------------------------------
    def check_their_line(self, deal: Deal, text: str) -> list[Finding]:
        """Tactics and numbers in what the other side said."""
        findings: list[Finding] = []
        amounts = find_amounts(text)
        if amounts and self._hit("not_an_anchor", text) and not self._hit("budget_cap", text):
            amounts = []  # a figure about them (revenue, funding), not a number on the table
        figure = headline(amounts)
        if figure is not None:
            findings.append(Finding("their_anchor", {"amount": figure.formatted()}))
        elif self._hit("budget_cap", text) is not None:
            findings.append(Finding("their_anchor", {"amount": ""}))
        pushback = self._hit("price_pushback", text)
        if pushback is not None:
            findings.append(Finding("price_pushback", {"phrase": pushback}))
        unbundling = self._hit("unbundling", text)
        if unbundling is not None:
            findings.append(Finding("unbundling", {"phrase": unbundling}))
        below = self.below_walkaway(deal, amounts)
        if below is not None:
            findings.append(below)
        return findings

    # -- numbers -------------------------------------------------------------------------
    @staticmethod
    def below_walkaway(deal: Deal, amounts: list[Amount]) -> Finding | None:
        """A finding when the line's headline figure is worse than the numeric walk-away."""
        floor = deal.walkaway
        figure = headline(amounts)
        if floor is None or floor.amount is None or figure is None:
            return None
        if not _same_currency(figure, floor):
            return None
        worse = figure.value < floor.amount if floor.direction == "min" else (
            figure.value > floor.amount)
        if not worse:
            return None
        return Finding("below_walkaway", {
            "amount": figure.formatted(),
            "walkaway": floor.formatted(),
            "direction": floor.direction or "min",
        })

    # -- clauses -------------------------------------------------------------------------
    def is_measurable(self, text: str) -> bool:
        """Whether a safeguard names a trigger one can check: a number, share, threshold or date."""
        return self._hit("measurable", text) is not None

    def deferral(self, text: str) -> str | None:
        """The words that put governance off ("later", "TBD", "we'll see"), if any."""
        return self._hit("governance_deferred", text)


def _same_currency(amount: Amount, floor: Walkaway) -> bool:
    # A figure without a currency is read in the deal's currency.
    return amount.currency is None or floor.currency is None or amount.currency == floor.currency
