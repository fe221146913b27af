"""Pitfall detectors for what people say, offer and hear.

The wording patterns live in ``phrases/patterns.yaml`` so the content can grow without
code changes; this module adds what data cannot express: amounts compared with the
walk-away point, and which checks apply to which kind of line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flows.amounts import Amount, find_amounts, headline
from flows.model import Deal, Walkaway
from flows.safeguards import SafeguardReading, read_safeguard
from flows.vocabulary import WarningCode
from phrases import PhraseLibrary
from phrases.schema import CompiledDetector

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})

# An amount this close to the walk-away figure reveals it (rounding, "90k" vs "89,999").
_REVEAL_TOLERANCE = Decimal("0.005")


def normalise(text: str) -> str:
    """Lower case, straight quotes and single spaces: the form detectors match against."""
    return " ".join(text.translate(_QUOTES).lower().split())


@dataclass(frozen=True)
class Finding:
    """A detector hit: the warning code and the values its text needs."""

    code: WarningCode
    values: dict[str, Any]


class Detectors:
    """Checks a line of text against the phrase library's patterns and the deal's numbers."""

    def __init__(self, lib: PhraseLibrary):
        self._lib = lib

    def _hit(self, name: str, text: str) -> str | None:
        return self._lib.detector(name).search(normalise(text))

    def _hard_line(self, text: str, names: tuple[str, ...]) -> str | None:
        """The first hard-line wording of ``names`` in ``text``, unless an exception says none.

        Either side's hard-line exceptions apply ("not a take it or leave it offer", "no rush").

        Ultimatums, deadlines and refusals to move read the same from either side, so our
        lines are checked with their deadline wording too, and their lines with the floor
        wording ("that's as low as we can go") that is their hard line.
        """
        line = normalise(text)
        if any(
            self._lib.detector(name).cleared(line) for name in ("hard_line_tone", "their_hard_line")
        ):
            return None
        return next(
            (hit for hit in (self._lib.detector(n).search(line) for n in names) if hit), None
        )

    # -- our own lines -------------------------------------------------------------------
    def check_our_line(self, deal: Deal, text: str, *, is_offer: bool) -> list[Finding]:
        """Pitfalls in a line we are about to say (``say``) or an offer we make (``offer``).

        The walk-away check of a said line is :meth:`past_walkaway`, which the handlers
        run on every line kind; here it runs for offers only, as it always has.
        """
        findings: list[Finding] = []
        amounts = our_amounts(text)
        reveal = self.reveals_walkaway(deal, text, amounts)
        if reveal is not None:
            findings.append(Finding("overshare_walkaway", {"phrase": reveal}))
        tone = self._hard_line(text, ("hard_line_tone", "their_hard_line"))
        if tone is not None:
            findings.append(Finding("hard_line_tone", {"phrase": tone}))
        split = self._hit("split_the_difference", text)
        if split is not None:
            findings.append(Finding("split_the_difference", {"phrase": split}))
        if is_offer:
            below = self.past_walkaway(deal, text)
            if below is not None:
                findings.append(below)
        else:
            given = self.one_way_give(text)
            if given is not None:
                findings.append(Finding("one_way_concession", {"item": given}))
        findings.extend(self.ethics_flags(text))
        return findings

    def ethics_flags(self, text: str) -> list[Finding]:
        """Ethics checks on our line: a pressuring deadline, a rival as leverage, a hidden term.

        The coach cannot know whether a deadline or a rival is real, so these are checks,
        worded as such. A sentence that is a question, reports what they said ("they said
        the offer expires Friday") or names their own deadline or offer ("your offer
        expires") is theirs to answer for, not ours; each detector's ``unless`` (a reason
        given, "no rush", a term disclosed) clears the whole line.
        """
        line = normalise(text)
        findings = []
        for code in ETHICS_CODES:
            detector = self._lib.detector(code)
            if detector.cleared(line):
                continue
            hit = next((h for s in _sentences(line) if (h := _our_hit(detector, s))), None)
            if hit is not None:
                findings.append(Finding(code, {"phrase": hit}))
        return findings

    def one_way_give(self, text: str) -> str | None:
        """What a line gives away when it asks nothing back, else None.

        Clause by clause: a give ("you can have the extra seats") with a condition ("if
        you sign") or a clause naming what comes back ("so we get the 3-year term", "and
        you give us the case study") is a trade; a give on its own is a one-way concession.
        The clause that gives is blanked before looking for the ask, so the same words
        never count as both halves.
        """
        line = normalise(text)
        given = _first_hit(self._lib.detector("concession_offer"), line)
        if given is None:
            return None
        if self._lib.detector("conditional").search(line) is not None:
            return None
        at = line.find(given)
        if at >= 0 and (
            _negated(line, at) or _THEIR_GIVE_BEFORE.search(line[max(0, at - 60) : at])
        ):
            return None  # "whether they'd throw in training": their give, asked about
        rest = line[:at] + " , " + line[at + len(given) :] if at >= 0 else line
        if self._lib.detector("asks_back").search(rest) is not None:
            return None
        return given

    def reveals_walkaway(self, deal: Deal, text: str, amounts: list[Amount]) -> str | None:
        """The phrase that gives away the floor: a bottom line, a floor in words, the figure."""
        announced = self._hit("bottom_line", text) or self._hit("stated_floor", text)
        if announced is not None:
            return announced
        floor = deal.walkaway
        if floor is None or floor.amount is None or floor.amount == 0:
            return None
        for figure in _figures(text, amounts, floor):
            if abs(figure.value - floor.amount) <= floor.amount * _REVEAL_TOLERANCE:
                return figure.text
        return None

    # -- their lines ---------------------------------------------------------------------
    def check_their_line(self, deal: Deal, text: str) -> list[Finding]:
        """Tactics and numbers in what the other side said."""
        findings: list[Finding] = []
        amounts = their_amounts(text)
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
        findings.extend(self.their_tactics(text))
        below = self._worst(deal, _figures(text, amounts, deal.walkaway))
        if below is not None:
            findings.append(below)
        return findings

    def their_tactics(self, text: str) -> list[Finding]:
        """Their hard line, split, rival offer and cherry-picking, each with its words."""
        findings: list[Finding] = []
        # Their ultimatums use the words ours do ("final offer", "or we walk"), plus deadlines.
        hard = self._hard_line(text, ("their_hard_line", "hard_line_tone", "bottom_line"))
        if hard is not None:
            findings.append(Finding("their_hard_line", {"phrase": hard}))
        split = self._hit("their_split", text) or self._hit("split_the_difference", text)
        if split is not None:
            findings.append(Finding("their_split", {"phrase": split}))
        rival = self._hit("competitor_claim", text)
        if rival is not None:
            findings.append(Finding("competitor_claim", {"phrase": rival}))
        mix = self._hit("their_cherry_pick", text)
        if mix is not None:
            findings.append(Finding("their_cherry_pick", {"phrase": mix}))
        return findings

    # -- numbers -------------------------------------------------------------------------
    @staticmethod
    def below_walkaway(deal: Deal, amounts: list[Amount]) -> Finding | None:
        """A finding when the line's headline figure is worse than the numeric walk-away."""
        figure = headline(amounts)
        floor = deal.walkaway
        if floor is None or figure is None or _is_share(floor):
            return None
        return Detectors._worst(deal, [figure] if _same_currency(figure, floor) else [])

    def past_walkaway(self, deal: Deal, text: str) -> Finding | None:
        """The worst figure of ours in ``text`` when it is past the walk-away, else None.

        Every figure counts, not just the largest: "120k for three years or 85k for one"
        offers 85k. Figures that belong to the other side ("your 80k", "their 40k"),
        discounts ("5k off") and per-unit prices are not our number for the deal.
        """
        return self._worst(deal, _figures(text, our_amounts(text), deal.walkaway))

    @staticmethod
    def _worst(deal: Deal, figures: list[Amount]) -> Finding | None:
        floor = deal.walkaway
        if floor is None or floor.amount is None or not figures:
            return None
        if floor.direction == "max":
            figure = max(figures, key=lambda a: a.value)
            worse = figure.value > floor.amount
        else:
            figure = min(figures, key=lambda a: a.value)
            worse = figure.value < floor.amount
        if not worse:
            return None
        return Finding(
            "below_walkaway",
            {
                "amount": _shown(figure),
                "walkaway": walkaway_label(floor),
                "direction": floor.direction or "min",
            },
        )

    # -- clauses -------------------------------------------------------------------------
    def read_safeguard(self, text: str) -> SafeguardReading:
        """The measurable trigger and the remedy a safeguard names (see flows/safeguards.py)."""
        lib = self._lib
        return read_safeguard(
            normalise(text),
            labels=lib.detector("number_label"),
            conditions=lib.detector("safeguard_condition"),
            quantities=lib.detector("measurable"),
            remedies=lib.detector("safeguard_remedy"),
        )

    def is_measurable(self, text: str) -> bool:
        """Whether a safeguard names a trigger one can check: a number, share, threshold or date.

        A label's number is none ("P1", "SOC 2", "v2"), nor is the size of the remedy
        ("a 10% credit if service is bad" has no trigger).
        """
        return self.read_safeguard(text).trigger is not None

    def deferral(self, text: str) -> str | None:
        """The words that put governance off ("later", "TBD", "we'll see"), if any."""
        return self._hit("governance_deferred", text)


def _first_hit(detector: CompiledDetector, line: str) -> str | None:
    """The detector's earliest match in ``line`` (the longest on a tie), else None.

    ``search`` reports the first pattern in list order; a give is the first give in the
    line, so "happy to pay upfront for a 5% discount" gives "pay upfront", not the discount
    it asks for.
    """
    if detector.search(line) is None:
        return None
    hits = [m for group in detector.require[:1] for m in (p.search(line) for p in group) if m]
    if not hits:
        return None
    best = min(hits, key=lambda m: (m.start(), -m.end()))
    return str(best.group(0))


# -- ethics ------------------------------------------------------------------------------
ETHICS_CODES: tuple[WarningCode, ...] = ("false_deadline", "invented_alternative", "hidden_terms")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Their words reported by us: "they said the offer expires Friday", "you mentioned".
_THEY_SAID = re.compile(
    r"\b(?:they|he|she|you|their \w+|your \w+)(?: \w+)? (?:said|say|says|told|tell|tells|"
    r"mentioned|mention|claim|claims|claimed|insist|insists|insisted|warned|wrote|reckon|"
    r"reckons|think|thinks|hinted)\b"
)
_THEIRS_RIGHT_BEFORE = re.compile(r"\b(?:your|their|his|her)\s+$")


def _sentences(line: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(line) if s]


def _our_hit(detector: CompiledDetector, sentence: str) -> str | None:
    """The detector's words in ``sentence`` when they are ours to answer for, else None."""
    if sentence.rstrip().endswith("?"):
        return None
    hit = detector.search(sentence)
    if hit is None:
        return None
    at = sentence.find(hit)
    before = sentence[max(0, at - 12) : at]
    if _THEY_SAID.search(sentence[:at]) or _THEIRS_RIGHT_BEFORE.search(before):
        return None
    return hit


# -- negation ----------------------------------------------------------------------------
# A give is no give when its own clause negates it before the verb: "we're not giving away
# the training", "there's no way I'm giving up the equity", "we can't let the fee slide".
_CLAUSE_START = re.compile(r"[,;:.!?]\s|\s(?:but|and|so|though|although|while)\s")
_NEGATION = re.compile(
    r"(?:n't|\bnot|\bnever|\bno way|\bcannot|\bno longer|\bnor|\bneither|\brather not|"
    r"\bunable to|\bin no position to)\b"
)


# Negative words that do not negate a give: "I don't mind giving you the seats".
_NOT_NEGATING = re.compile(
    r"\b(?:don't|do not|wouldn't|would not) mind\b|"
    r"\bno (?:problem|worries)\b|\bnot a problem\b|\bnot at all\b|"
    r"\bwhy not\b"
)


def _negated(line: str, at: int) -> bool:
    """Whether the clause that ends at ``at`` (the start of a give) negates it."""
    before = line[:at]
    starts = [m.end() for m in _CLAUSE_START.finditer(before)]
    clause = before[starts[-1] :] if starts else before
    return bool(_NEGATION.search(_NOT_NEGATING.sub(" ", clause[-40:])))


# -- whose figure is it ------------------------------------------------------------------
# Words right before a figure that say whose it is. In a line of theirs, "our budget" is
# theirs (they speak), but "their 40k" next to "our 48.6k" is a narrator telling them apart.
_THEIRS_BEFORE = re.compile(
    r"\b(?:their|his|her|they(?:'re| are)?|you(?:'re| are)?|your|you(?: have)? (?:offered|"
    r"quoted|proposed|said|asked for|came back (?:at|with))|they (?:offered|quoted|proposed|"
    r"said|asked for|came back (?:at|with)|want|wanted)|he|she|(?:he|she) (?:offered|said|wants))"
    r"(?:\s+(?:own|original|first|last|latest|new|current|proposed|counter|offer|number|figure|"
    r"price|quote|bid|ask|budget|cap|of|at|was|is|for))*\s*[$€£]?$",
    re.I,
)
_OURS_BEFORE = re.compile(
    r"\b(?:our|my|we(?:'re| are)?|i(?:'m| am)?|we (?:offered|quoted|proposed|said|asked for)|"
    r"i (?:offered|quoted|proposed|said|asked for))"
    r"(?:\s+(?:own|original|first|last|latest|new|current|proposed|counter|offer|number|figure|"
    r"price|quote|bid|ask|budget|of|at|was|is|for))*\s*[$€£]?$",
    re.I,
)
# A figure that is taken off a price, not the price: "5k off", "a discount of 10k".
_DISCOUNT_AFTER = re.compile(
    r"^\s*(?:off|discount|rebate|credit|reduction|less|cheaper|lower|higher|more|extra|"
    r"signing bonus|bonus|relocation|stipend|allowance|budget for|towards|toward|"
    r"of (?:credit|discount)|in (?:credits?|discounts?))\b",
    re.I,
)
_DISCOUNT_BEFORE = re.compile(
    r"\b(?:discount|rebate|credit|reduction|knock|knocked|shave|shaved|cut|"
    r"drop(?:ped)?|lower(?:ed)?|reduce[sd]?|bonus|stipend|allowance|extra|another|additional"
    r"|gap|difference|delta|down by|up by|by|split(?: the)?|halves on|go halves on)"
    r"\s+(?:of\s+|by\s+|it\s+|off\s+|an?\s+)?"
    r"(?:another\s+|extra\s+)?[$€£]?$",
    re.I,
)
# The give belongs to the other side when their subject stands right before it in its
# clause ("whether Globex would throw in", "they'd throw in"), not to us.
_THEIR_GIVE_BEFORE = re.compile(
    r"(?:\b(?:they|he|she)(?:'d|'ll| would| will| could| can| might| may)?"
    r"|\bwhether\b[^,.;!?]*|\bwould (?:they|you|he|she)\b[^,.;!?]*)\s*$"
)
_PERCENT = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s?(?:%|per ?cent\b|pct\b)", re.I)
# Shares that are not the deal's share: a discount, uptime, growth, a chance.
_NOT_SHARE_AFTER = re.compile(
    r"^\s*(?:off|discount|rebate|uptime|availability|sla|of (?:the )?(?:time|uptime|cases|"
    r"tickets|calls|users|seats)|faster|slower|more|less|fewer|growth|increase|decrease|"
    r"raise|bump|uplift|cheaper|lower|higher|reduction|credit|penalty|interest|tax|vat|"
    r"chance|sure|certain|confident|of (?:our|the|their) (?:team|customers|users|staff))\b",
    re.I,
)


def _owner(text: str, start: int) -> str:
    """Whose figure starts at ``start``: "ours", "theirs" or "" when the words don't say."""
    before = text[max(0, start - 40) : start]
    if _THEIRS_BEFORE.search(before):
        return "theirs"
    if _OURS_BEFORE.search(before):
        return "ours"
    return ""


def _discount(text: str, start: int, end: int) -> bool:
    return bool(
        _DISCOUNT_AFTER.match(text[end : end + 30])
        or _DISCOUNT_BEFORE.search(text[max(0, start - 30) : start])
    )


def _spans(text: str, amounts: list[Amount]) -> list[tuple[Amount, int, int]]:
    """Each amount with where it stands in ``text`` (in order, so repeats find their own)."""
    spans, at = [], 0
    for amount in amounts:
        start = text.find(amount.text, at)
        if start < 0:
            start = text.find(amount.text)
        end = start + len(amount.text) if start >= 0 else 0
        spans.append((amount, max(start, 0), end))
        at = max(end, at)
    return spans


def our_amounts(text: str) -> list[Amount]:
    """The money figures of a line of ours, without the ones it quotes from the other side."""
    spans = _spans(text, find_amounts(text))
    return [a for a, start, _ in spans if _owner(text, start) != "theirs"]


def their_amounts(text: str) -> list[Amount]:
    """The money figures of a line of theirs, attributed to the side that said them.

    "Between our 48.6k and their 40k" is a narrator's line: the figure marked as theirs
    is their number. With no such mark, a figure marked "your" is ours, quoted back.
    """
    spans = _spans(text, find_amounts(text))
    owners = [
        (a, _owner(text, start), text[max(0, start - 12) : start].lower()) for a, start, _ in spans
    ]
    marked = [
        a
        for a, owner, before in owners
        if owner == "theirs" and not re.search(r"\byou(?:'re| are)?\b|\byour\b", before)
    ]
    if marked and any(owner == "ours" for _, owner, _ in owners):
        return marked
    return [
        a
        for a, owner, before in owners
        if not (owner == "theirs" and re.search(r"\byour\b|\byou\b", before))
    ]


def _figures(text: str, amounts: list[Amount], floor: Walkaway | None) -> list[Amount]:
    """The figures of a line that a walk-away can be compared with.

    A share walk-away (``walkaway 20%``) is compared with the line's percentages; a money
    walk-away with its whole (not per-unit) money figures in the same currency. Discounts
    and other amounts taken off a price are never the deal's figure.
    """
    if floor is None or floor.amount is None:
        return []
    if _is_share(floor):
        shares = []
        for m in _PERCENT.finditer(text):
            if _NOT_SHARE_AFTER.match(text[m.end() : m.end() + 30]):
                continue
            if _owner(text, m.start()) == "theirs" and amounts is not None and _quoting(text):
                continue
            shares.append(Amount(value=Decimal(m.group(1)), currency="%", text=m.group(0)))
        return shares
    spans = _spans(text, amounts)
    return [
        a
        for a, start, end in spans
        if not a.per_unit and _same_currency(a, floor) and not _discount(text, start, end)
    ]


def _quoting(text: str) -> bool:
    """Whether a line of ours quotes their figure (so that figure is not our offer)."""
    return bool(re.search(r"\b(?:your|their|you|they)\b", text, re.I))


def _is_share(floor: Walkaway) -> bool:
    return floor.currency == "%"


def _shown(amount: Amount) -> str:
    return f"{amount.value.normalize():f}%" if amount.currency == "%" else amount.formatted()


def walkaway_label(floor: Walkaway) -> str:
    """The walk-away as a person reads it: ``$90,000``, ``20%`` or its text."""
    if floor.amount is not None and _is_share(floor):
        return f"{floor.amount.normalize():f}%"
    return floor.formatted()


def _same_currency(amount: Amount, floor: Walkaway) -> bool:
    # A figure without a currency is read in the deal's currency; a share is no money.
    if _is_share(floor):
        return amount.currency == "%"
    return amount.currency is None or floor.currency is None or amount.currency == floor.currency
