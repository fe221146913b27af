"""Clauses without a verb frame: no one gives, gets or says anything in so many words.

"net-60 it is", "our counter is 140k", "fine with us", "the training got dropped by them",
"counter from Acme", "SSO for a 3 yr commit", "budget is capped at 120k": the shape of the
line says who moved. What has no such shape is small talk, or, when it is short enough to
be a term, ``unclear`` with the choices it could be.
"""

from __future__ import annotations

import re

from flows.amounts import find_amounts
from flows.reading.clauses import Clause, ClauseReader
from flows.reading.notes import NoteReader
from flows.reading.readings import ReadContext, Reading
from flows.reading.words import tokenize
from phrases.lexicon import ReaderLexicon

_IT_IS = re.compile(r"^(?:fine|ok|okay|alright|sure)?[ ,.]*(?P<item>.+?) it is[.!]*$", re.I)
_PASSIVE = re.compile(
    r"^(?P<item>(?!(?:we|i|they|he|she|it|that|this)\b)[\w$€£%.,/' -]{2,60}?)\s+(?:was|were|got|"
    r"has been|have been|had been|is|are|'s|is being|are being)\s+(?:now |finally |already |just |"
    r"also |eventually )?(?P<verb>[a-z]+(?:ed|en)|cut|agreed|dropped|paid|given|taken|comped|"
    r"okayed|ok'd)\b(?P<rest>.*)$",
    re.I,
)
_BY = re.compile(r"\bby (?P<who>.+)$", re.I)
_OUR_SIDE = re.compile(r"\b(?:from|on) (?:our|my) (?:side|end)\b|\bby (?:us|me)\b", re.I)
_THEIR_SIDE = re.compile(r"\b(?:from|on) their (?:side|end)\b", re.I)
_NOUN_TRADE = re.compile(
    r"^(?P<give>[^,]{2,40}?) for (?P<get>(?:a|an|the|their|\d)[^,]*?\b(?:commit|commitment|term|"
    r"yr|yrs|years?|case study|reference|logo|prepay|prepayment|upfront|csm|support|sla)\b"
    r"[^,]*)(?:,.*)?$",
    re.I,
)
_BUDGET = re.compile(r"\bbudget\b.*\b(?:capped|cap|limit|max|frozen|tight|only|is)\b", re.I)
# A single word is a term worth asking about only with a figure in it ("net-60", "8%").
_TERM_LIKE = re.compile(r"[\d%$€£-]")


class FramelessReader:
    """Reads clauses the clause reader found no verb frame in; built once with the reader."""

    def __init__(self, lexicon: ReaderLexicon, clauses: ClauseReader, notes: NoteReader):
        self.lex = lexicon
        self.clauses = clauses
        self.notes = notes
        self._their_signal = re.compile(self.lex.their_signal, re.IGNORECASE)

    def read(self, clause: Clause, text: str, ctx: ReadContext) -> Reading:
        """The reading of a clause without a verb frame (small talk when nothing fits)."""
        when = self.notes.meeting_time(clause.text, clause.text.lower(), ctx, anywhere=True)
        if when:
            return Reading("command", (f"meeting {when}",), rule="note:meeting-anywhere")
        if clause.possessive == "they" or clause.side == "they":
            if not self._their_signal.search(clause.text.lower()):
                return Reading("chat", rule="they:news")  # "lena's out till the 14th"
            line = (
                f"they: {clause.text}"
                if clause.side != "they" or clause.actor_named
                else they_text(clause.text)
            )
            return Reading("command", (line,), rule="they:no-frame")
        m = _IT_IS.match(clause.text)
        if m:
            return Reading("command", (f"give {m.group('item')}",), rule="we:it-is")
        if clause.possessive == "we":
            m = re.match(
                r"^(?:our|my)\s+(?:new\s+|revised\s+|final\s+|latest\s+)?"
                r"(?:offer|counter|counteroffer|proposal|quote|number|price|bid|ask)\s+"
                r"(?:is|was|went out at|went in at|came in at|at|:)\s*(?P<rest>.+)$",
                clause.text,
                flags=re.I,
            )
            if m:
                return Reading(
                    "command", (f"offer {m.group('rest').strip()}",), rule="we:our-offer"
                )
        m = re.match(
            r"^(?P<item>.+?)\s+(?:is|are|was|were|'s)\s+(?:fine|ok|okay|good|"
            r"acceptable|agreed|approved|a go|locked|locked in|sorted|settled|done)\s+"
            r"(?P<prep>with|w/?|for|by)\s+(?P<who>.+)$",
            clause.text,
            flags=re.I,
        )
        if m:
            tokens = tokenize(m.group("who"))
            side, _, _ = self.clauses.actor_at(tokens, 0, ctx.names)
            if side == "they" and m.group("prep").lower() != "for":
                return Reading("command", (f"get {m.group('item')}",), rule="they:fine-with")
            if side == "we" or (side == "they" and m.group("prep").lower() == "for"):
                # "fine with us", or "approved for Sam" (we approved it for them)
                return Reading("command", (f"give {m.group('item')}",), rule="we:fine-with")
        passive = _PASSIVE.match(clause.text)
        if passive and self.clauses.is_give_verb(passive.group("verb")):
            by_them = _BY.search(passive.group("rest") or "")
            side_by = None
            if by_them:
                tokens = tokenize(by_them.group("who"))
                side_by, _, _ = self.clauses.actor_at(tokens, 0, ctx.names)
            item, rest = passive.group("item"), passive.group("rest") or ""
            if side_by == "they" or _THEIR_SIDE.search(rest):
                return Reading("command", (f"get {item}",), rule="passive:by-them")
            if side_by == "we" or _OUR_SIDE.search(rest):
                return Reading("command", (f"give {item}",), rule="passive:by-us")
            # "the training got dropped": by whom? Ask rather than log the wrong side.
            return Reading("unclear", (f"give {item}", f"get {item}"), rule="unclear:passive")
        m = re.match(
            r"^(?:new\s+|revised\s+|latest\s+)?(?:counter|counteroffer|offer|quote|"
            r"proposal|ask|request|number|email|note|reply|response|pushback|"
            r"redline|redlines|feedback)\s+(?:from|by)\s+(?P<rest>.+)$",
            clause.text,
            flags=re.I,
        )
        if m:
            tokens = tokenize(m.group("rest"))
            side, _, _ = self.clauses.actor_at(tokens, 0, ctx.names)
            if side == "they":
                return Reading("command", (f"they: {clause.text}",), rule="they:from")
        noun_trade = _NOUN_TRADE.match(clause.text)
        if noun_trade and clause.side is None:
            return Reading(
                "command",
                (f"trade {noun_trade.group('give')} for {noun_trade.group('get')}",),
                rule="trade:noun-for-noun",
            )
        if clause.side is None and _BUDGET.search(clause.text):
            return Reading("command", (f"they: {clause.text}",), rule="they:budget")
        words = len(tokenize(clause.text))
        if (
            clause.side is None
            and clause.text
            and (2 <= words <= 6 or (words == 1 and _TERM_LIKE.search(clause.text)))
        ):
            return self._unclear(clause.text)
        return Reading("chat", rule="nothing")

    @staticmethod
    def _unclear(text: str) -> Reading:
        if find_amounts(text):
            return Reading("unclear", (f"they {text}", f"offer {text}"), rule="unclear:amount")
        return Reading(
            "unclear", (f"give {text}", f"they want {text}", f"get {text}"), rule="unclear:item"
        )


def they_text(text: str) -> str:
    """Their line as a `they` command: a leading pronoun dropped, a name kept after a colon."""
    stripped = re.sub(r"^(?:they|he|she)\s+", "", text.strip(), flags=re.I)
    return f"they {stripped}" if stripped != text.strip() else f"they: {text.strip()}"
