"""Script lines as the coach offers them: slots that read well, and nothing that leaks.

Two things happen between a topic's templates and the reply:

1. **Slots that fit the sentence.** The user's text goes into lines like "So that's
   {{ last_give }} from us, for {{ last_get }} from you". A give logged as a clause ("do
   net-60", "we'll sign for 3 years") becomes a noun phrase ("doing net-60", "signing for 3
   years"); stray sentence punctuation inside a slot becomes a comma, and very long text is
   cut at a word.
2. **Our own `say` checks.** Every filled line runs through the checks a `say` line gets
   (:meth:`flows.detectors.Detectors.check_our_line` and the walk-away figures). A line
   that would raise any of them is not offered, nor is one that quotes the deal's evidence
   pack, its BATNA or a figure from the evidence: those are the rep's private notes ("our
   median discount for this segment is 8%", "the band tops out at 150k").
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from typing import Any

from lemminflect import getAllLemmas, getInflection

from flows.amounts import find_amounts
from flows.detectors import Detectors, normalise
from flows.model import Deal
from phrases import PhraseLibrary

# Facts that sit where a noun phrase must go ("we've moved on {{ last_give }}").
NOUN_SLOTS = ("last_give", "last_get", "cheap_give", "our_priority", "top_issue")
# Facts that follow a colon or sit in brackets, where a clause reads as well as a noun.
CLAUSE_SLOTS = (
    "rule",
    "win_mine",
    "win_theirs",
    "win_shared",
    "walk_reason",
    "meeting",
    "evidence",
)
# The longest slot text shown inside a line; longer text is cut at a word.
MAX_SLOT = 80
# More than any note may hold (flows.turn.MAX_TEXT): a bound, not a cut.
MAX_TEXT = 10_000
ELLIPSIS = "…"

# A subject and helper verb at the start of a logged give: "we'll sign" -> "sign".
_SUBJECT = re.compile(
    r"^(?:(?:we|i|you|they|he|she)(?:'ll|'d|'re| will| would| can| could| shall| should| might|"
    r" may| are going to| agreed to| agree to| offered to| promised to)?|let's|to)\s+",
    re.I,
)
_SENTENCE_BREAK = re.compile(r"\s*[.!?;:]+\s+")
_SHARE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s?%")
_WORDS_ONLY = re.compile(r"[^\w%$€£.]+|(?<!\d)\.|\.(?!\d)")
_WRAPPING = "\"'`“”‘’ "
# Words that, first in a logged give or get, are the verb of a clause even though they can
# be nouns too ("sign for 3 years", "pay upfront", "drop the fee").
_CLAUSE_VERBS = frozenset(
    {
        "sign",
        "pay",
        "start",
        "move",
        "go",
        "give",
        "take",
        "keep",
        "hold",
        "drop",
        "cut",
        "match",
        "make",
        "run",
        "share",
        "cover",
        "raise",
        "grant",
        "stay",
        "throw",
        "knock",
        "shave",
        "bump",
        "push",
        "lock",
        "put",
        "commit",
        "agree",
        "waive",
        "renew",
        "refer",
        "book",
        "fund",
        "host",
        "lead",
        "ship",
        "train",
        "buy",
        "order",
    }
)
# Words after an ambiguous first word that show it is a verb: "offer a pilot", "extend the
# trial", "cover us", "throw in".
_VERB_OBJECT = frozenset(
    {
        "the",
        "a",
        "an",
        "our",
        "your",
        "their",
        "its",
        "my",
        "his",
        "her",
        "this",
        "that",
        "these",
        "those",
        "us",
        "them",
        "you",
        "him",
        "it",
        "me",
        "in",
        "up",
        "off",
        "out",
        "down",
        "back",
        "over",
        "some",
        "any",
        "all",
        "every",
        "more",
        "less",
        "extra",
    }
)


def as_noun_phrase(text: str) -> str:
    """User text made fit for a noun-phrase slot: a leading verb becomes its -ing form.

    "do net-60" -> "doing net-60"; "we'll sign for 3 years" -> "signing for 3 years";
    "net-60 payment terms" and "support for 3 months" stay as they are.
    """
    text = tidy_slot(text, limit=MAX_TEXT)
    if not text:
        return ""
    words = _SUBJECT.sub("", text, count=1).split(" ", 2)
    first, rest = words[0], words[1:]
    gerund = _gerund(first.lower(), rest[0].lower() if rest else "")
    if gerund is not None:
        text = " ".join([gerund, *rest])
    return tidy_slot(text)


def _gerund(word: str, after: str) -> str | None:
    """The -ing form of ``word`` when it starts a clause here, else None."""
    if not word.isalpha() or word.endswith("ing"):
        return None
    readings = getAllLemmas(word)
    verbs = readings.get("VERB") or readings.get("AUX")
    if not verbs:
        return None
    lemma = verbs[0].lower()
    other = any(pos in readings for pos in ("NOUN", "ADJ", "ADV", "PROPN"))
    if other and lemma not in _CLAUSE_VERBS and after not in _VERB_OBJECT:
        return None
    forms = getInflection(lemma, "VBG")
    return forms[0] if forms else None


def tidy_slot(text: str, limit: int = MAX_SLOT) -> str:
    """User text for the middle of a sentence: one line, no sentence breaks, not too long."""
    text = " ".join(text.split()).strip(_WRAPPING)
    text = _SENTENCE_BREAK.sub(", ", text)
    text = text.rstrip(".;,:!?-– ").strip(_WRAPPING)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(".;,:!?-– ")
    return cut + ELLIPSIS


def slot_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """A deal's facts (``flows.turn.deal_facts``) with each slot in a form its sentence takes."""
    facts = dict(facts)
    for name in NOUN_SLOTS:
        facts[name] = as_noun_phrase(str(facts.get(name, "")))
    for name in CLAUSE_SLOTS:
        facts[name] = tidy_slot(str(facts.get(name, "")))
    facts["issues"] = [n for n in (as_noun_phrase(i) for i in facts.get("issues", [])) if n]
    return facts


# Verdicts on lines already checked, per library: a deal's suggested lines come back turn
# after turn, and checking one runs every detector (a third of a command's time). A verdict
# depends on the line and on the deal's walk-away, BATNA and evidence only.
_VERDICTS: weakref.WeakKeyDictionary[PhraseLibrary, dict[tuple[Any, ...], str | None]] = (
    weakref.WeakKeyDictionary()
)
_MAX_VERDICTS = 4096


class LineChecker:
    """Our own `say` checks on a suggested line, plus what only the rep may know."""

    def __init__(self, lib: PhraseLibrary, deal: Deal):
        self._detectors = Detectors(lib)
        self._verdicts = _VERDICTS.setdefault(lib, {})
        self._key = (repr(deal.walkaway), deal.batna, tuple(deal.evidence))
        self._deal = deal
        private = [*deal.evidence, deal.batna]
        # Compared word for word ("your other options" does not quote "our other option").
        self._private = [
            f" {p} "
            for p in (" ".join(_WORDS_ONLY.sub(" ", normalise(t)).split()) for t in private)
            if len(p) >= 8
        ]
        self._figures = {a.value for text in deal.evidence for a in find_amounts(text)}
        self._shares = {m for text in deal.evidence for m in _SHARE.findall(text)}

    def problem(self, line: str) -> str | None:
        """Why ``line`` must not be offered (a warning code or ``evidence``), else None."""
        key = (line, *self._key)
        if key in self._verdicts:
            return self._verdicts[key]
        if len(self._verdicts) >= _MAX_VERDICTS:
            self._verdicts.clear()
        verdict = self._verdicts[key] = self._check(line)
        return verdict

    def _check(self, line: str) -> str | None:
        findings = self._detectors.check_our_line(self._deal, line, is_offer=False)
        if findings:
            return findings[0].code
        below = self._detectors.past_walkaway(self._deal, line)
        if below is not None:
            return below.code
        said = f" {' '.join(_WORDS_ONLY.sub(' ', normalise(line)).split())} "
        if any(p in said for p in self._private):
            return "evidence"
        if any(a.value in self._figures for a in find_amounts(line)):
            return "evidence"
        if any(m in self._shares for m in _SHARE.findall(line)):
            return "evidence"
        return None


def offered_lines(
    lib: PhraseLibrary,
    deal: Deal | None,
    facts: dict[str, Any],
    topic: str,
    limit: int | None = None,
    rotate: int = 0,
) -> list[str]:
    """The lines of ``topic`` that are safe to offer for ``deal``, at most ``limit``.

    ``facts`` are the deal's template facts (``flows.turn.deal_facts``). ``rotate`` starts
    that many lines further on, wrapping; lines are checked only until ``limit`` are found.
    """
    found = []
    for line in _offered(lib, deal, facts, topic, rotate):
        found.append(line)
        if limit is not None and len(found) >= limit:
            break
    return found


def _offered(
    lib: PhraseLibrary, deal: Deal | None, facts: dict[str, Any], topic: str, rotate: int = 0
) -> Iterator[str]:
    context = deal.context if deal else "sales"
    lines = lib.script(topic, context, **slot_facts(facts))
    if rotate and lines:
        start = rotate % len(lines)
        lines = lines[start:] + lines[:start]
    if deal is None:
        yield from lines
        return
    checker = LineChecker(lib, deal)
    for line in lines:
        if checker.problem(line) is None:
            yield line


def offered_line(
    lib: PhraseLibrary, deal: Deal | None, facts: dict[str, Any], topic: str, index: int
) -> str | None:
    """Line ``index`` of ``topic`` when it is safe to offer for ``deal``, else None."""
    context = deal.context if deal else "sales"
    lines = lib.script(topic, context, **slot_facts(facts))
    if not 0 <= index < len(lines):
        return None
    line = lines[index]
    if deal is not None and LineChecker(lib, deal).problem(line) is not None:
        return None
    return line
