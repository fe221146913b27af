"""Reading a safeguard: a trigger one can measure, and what happens when it fires.

A safeguard protects anyone only with both halves: a trigger one can check (a number with
a unit, a percentage, a date, a threshold: "uptime below 99.9% in a month", "more than 3
P1 incidents", "by 31 March") and a remedy (a credit, refund, exit right, price change,
escalation, fee waiver, penalty). The wording lives in ``phrases/patterns.yaml``; this
module holds the few rules that decide which words belong to which half:

1. Labels are no quantity. "P1", "SOC 2", "v2", "tier 1", "the Q3 roadmap" name a thing;
   their numbers are masked before anything is read (detector ``number_label``).
2. The line is cut into clauses at punctuation and before the words that open a condition
   ("if", "when", "should", "once", "for every"; detector ``safeguard_condition``).
3. A quantity (detector ``measurable``) in a condition clause is a trigger. Elsewhere it is
   one unless it belongs to a remedy: the remedy's size ("a 10% credit", "refund of 50%",
   "the price falls to $35") or a notice period ("on 30 days' notice").
4. A remedy (detector ``safeguard_remedy``) counts unless the words right before it deny
   it ("no penalty", "without a refund").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from phrases.schema import CompiledDetector

# Where a clause ends: punctuation, a dash or arrow between words, "then" and "otherwise".
_CLAUSE_END = re.compile(r"[,;:](?=\s)|[.!?](?=\s|$)|\s[-=]+>?\s|\s(?:then|otherwise|or else)\s")
# Words that compare or meter, so the quantity after them is a threshold, not a remedy's
# size: "penalty for delivery more than 5 days late", "penalty per day of delay after May".
_COMPARATOR = re.compile(
    r"\b(?:after|beyond|over|above|below|under|past|exceed(?:s|ing|ed)?|more than|less than|"
    r"fewer than|\w+er than|at least|at most|in excess of|no more than|no later than|per|"
    r"each|every)\b"
)
# Before a quantity that precedes a remedy word, "within" also makes it a threshold:
# "tickets unresolved within 4 hours escalate".
_COMPARATOR_BEFORE = re.compile(_COMPARATOR.pattern + r"|\bwithin\b")
_NOTICE_AFTER = re.compile(
    r"^\s*(?:full |calendar |business |working )?(?:days?|weeks?|months?)?'?s?'?\s*"
    r"(?:written |prior |advance )?notice\b"
)
_NOTICE_BEFORE = re.compile(r"\bnotice (?:period )?of\s*$")
_DENIED_BEFORE = re.compile(r"\b(?:no|without|not|never|zero|nor)\s+(?:\w+\s+)?$")
_NUMBER_WORD = re.compile(r"\b(?:one|two|three|four|five|i|ii|iii)\b|\d")
# How many words may stand between a remedy and the quantity that sizes it.
_BEFORE_REMEDY = 2  # "a 10% service credit", "two free months"
_AFTER_REMEDY = 4  # "credit of 10%", "refund the full fee within 10 days"


@dataclass(frozen=True)
class SafeguardReading:
    """The trigger and the remedy a safeguard names, as the user's words, or None."""

    trigger: str | None
    remedy: str | None

    @property
    def missing(self) -> str:
        """Which half is missing: "trigger", "remedy", "both", or "" when it is sound."""
        if self.trigger is None and self.remedy is None:
            return "both"
        if self.trigger is None:
            return "trigger"
        if self.remedy is None:
            return "remedy"
        return ""


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


def read_safeguard(
    line: str,
    *,
    labels: CompiledDetector,
    conditions: CompiledDetector,
    quantities: CompiledDetector,
    remedies: CompiledDetector,
) -> SafeguardReading:
    """The trigger and the remedy of ``line`` (already normalised: lower case, one space)."""
    masked = _mask(line, labels)
    clauses = _clauses(masked, conditions)
    remedy_spans = [s for s in _matches(remedies, masked) if not _denied(masked, s)]
    trigger = None
    for span in _matches(quantities, masked):
        start, is_condition = _clause_of(clauses, span.start)
        if is_condition or not _sizes_a_remedy(masked, span, start, remedy_spans):
            trigger = line[span.start : span.end]
            break
    remedy = line[remedy_spans[0].start : remedy_spans[0].end] if remedy_spans else None
    return SafeguardReading(trigger=trigger, remedy=remedy)


def _matches(detector: CompiledDetector, text: str) -> list[_Span]:
    """Every match of every pattern of the detector's first group, in order, no overlaps."""
    found = sorted(
        (m.start(), -m.end())
        for p in detector.require[0]
        for m in p.finditer(text)
        if m.end() > m.start()
    )
    spans: list[_Span] = []
    for start, neg_end in found:
        if spans and start < spans[-1].end:
            continue
        spans.append(_Span(start, -neg_end))
    return spans


def _mask(line: str, labels: CompiledDetector) -> str:
    """``line`` with the numbers of its labels blanked ("p1" -> "p#"), same length."""
    chars = list(line)
    for span in _matches(labels, line):
        part = line[span.start : span.end]
        blank = _NUMBER_WORD.sub(lambda m: "#" * len(m.group(0)), part)
        chars[span.start : span.end] = blank
    return "".join(chars)


def _clauses(text: str, conditions: CompiledDetector) -> list[tuple[int, bool]]:
    """Where each clause starts, and whether it opens with a condition word."""
    starts = {0: False}
    for m in _CLAUSE_END.finditer(text):
        starts.setdefault(m.end(), False)
    for span in _matches(conditions, text):
        starts[span.start] = True
    return sorted(starts.items())


def _clause_of(clauses: list[tuple[int, bool]], at: int) -> tuple[int, bool]:
    """The clause (its start, whether it is a condition) that holds position ``at``."""
    current = clauses[0]
    for clause in clauses:
        if clause[0] > at:
            break
        current = clause
    return current


def _denied(text: str, span: _Span) -> bool:
    return bool(_DENIED_BEFORE.search(text[max(0, span.start - 20) : span.start]))


def _words(text: str) -> int:
    return len(text.split())


def _sizes_a_remedy(text: str, quantity: _Span, clause_start: int, remedies: list[_Span]) -> bool:
    """Whether the quantity is a remedy's size or a notice period, not a trigger."""
    if _NOTICE_AFTER.match(text[quantity.end : quantity.end + 40]) or _NOTICE_BEFORE.search(
        text[max(0, quantity.start - 20) : quantity.start]
    ):
        return True
    for remedy in remedies:
        if remedy.end <= clause_start:
            continue  # another clause
        if quantity.start < remedy.end and remedy.start < quantity.end:
            return True  # the remedy's words hold it: "a 15% raise"
        if quantity.end <= remedy.start:
            gap = text[quantity.end : remedy.start]
            lead = text[max(clause_start, quantity.start - 25) : quantity.start]
            if (
                _words(gap) <= _BEFORE_REMEDY
                and not _COMPARATOR_BEFORE.search(lead)
                and not _CLAUSE_END.search(gap)
            ):
                return True
        elif quantity.start >= remedy.end:
            gap = text[remedy.end : quantity.start]
            if (
                _words(gap) <= _AFTER_REMEDY
                and not _CLAUSE_END.search(gap)
                and not _COMPARATOR.search(text[remedy.end : quantity.end])
            ):
                return True
    return False
