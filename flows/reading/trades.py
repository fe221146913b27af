"""Both halves of a trade in one sentence: "X in return for Y", "if they X, we Y".

A give that names what comes back is a trade, never a one-way concession; a condition is
split into our half and theirs, and when either half cannot be told apart the line is
left to the clause reading rather than traded on a guess.
"""

from __future__ import annotations

import re

from flows.reading.clauses import Clause, ClauseReader
from flows.reading.notes import their_request
from flows.reading.readings import ReadContext, Reading
from flows.reading.words import tokenize, verb_lemma
from phrases.lexicon import ReaderLexicon

# "- gave: onboarding / - got: 3yr": a trade written as two bullets
_BULLETS = re.compile(
    r"^-?\s*(?:we\s+)?(?:gave|give|given)\s*:\s*(?P<give>[^/]+?)\s*/\s*-?\s*"
    r"(?:we\s+)?(?:got|get|gotten)\s*:\s*(?P<get>.+)$",
    re.I,
)
_SWAPPED = re.compile(
    r"^(?:(?:we|i)\s+)?(?:just\s+)?(?:swapped|traded|exchanged)\s+"
    r"(?P<give>.+?)\s+for\s+(?P<get>.+)$",
    re.I,
)
# "gave X for <something that reads as a term>": a swap only when the right side is a term,
# so "we dropped the price for now" stays a give.
_SWAP = re.compile(
    r"^(?:(?:we|i)\s+)?(?:just\s+)?(?:swapped|swap|traded|trade|exchanged|gave up|give up|"
    r"dropped|drop|gave|give|accepted|accept|agreed to|took|take)\s+(?P<give>.+?)\s+for\s+"
    r"(?P<get>(?:an? |the |their |more |extra |higher |longer |bigger |better )?.*?\b(?:more|"
    r"extra|higher|longer|commit|commitment|term|case study|reference|logo|prepay|prepayment|"
    r"upfront|signature|rsus?|equity|base|title|yr|yrs|years?|months?|uptime|sla|credits?|"
    r"discount|seats|support|training|net-\d+)\b.*|.*\d.*)$",
    re.I,
)
_OUR_ASK = re.compile(r"\b(?:ask|request|demand|requirement)$", re.I)
_WE_DO = re.compile(
    r"^(?:we|i)(?:'ll|'d)?\s+(?:(?:can|could|will|'ll|would|'d|are happy to|"
    r"can happily|might|may)\s+)*(?:do|go|make|run|pay|cover|offer|include|"
    r"extend|sign|commit|start|take|move|drop|add|throw|waive|accept|give|relocate|"
    r"ok|okay|fine|yes|sure|agree|agreed)\b",
    re.I,
)
_OUR_HELPERS = (
    r"^(?:we|i)(?:'ll|'d)?\s+(?:(?:can|could|will|'ll|would|'d|are happy to|"
    r"am happy to|can happily|might|may)\s+)*"
)
# "net-60 is fine (with us)", "3 yrs works": a term we accept. Also what they accept in
# speech ("alex said my 145k ask is fine"), which the reader checks with it.
FINE_ITEM = re.compile(
    r"^(?P<item>.+?)\s+(?:is|are|'s)\s+(?:fine|ok|okay|good|doable|acceptable|"
    r"workable|agreed)\b(?:\s+(?:w|with|for|by)\s+(?:us|me))?[.!]*$|"
    r"^(?P<item2>.+?)\s+works(?:\s+for\s+.+)?[.!]*$",
    re.I,
)
_FREE_ITEM = re.compile(
    r"^(?P<item>.+?)(?:'s| is) (?:free|on us|included|comped)$|^(?P<item2>)$", re.I
)
_HAPPY_TO = re.compile(
    r"^(?:(?:we're|we are|i'm|i am)\s+)?(?:happy|willing|able|glad|ok|okay|"
    r"fine|prepared) to (?P<rest>.+)$",
    re.I,
)
# Words that start the main clause after a condition without a comma.
_SPLIT_ACTORS = frozenset({"we", "i", "they", "he", "she", "ill", "id", "im"})
_TERM_CLAUSE = re.compile(
    r"^(?P<cond>.+?)\s+(?P<main>(?:the|our|my|your|their)\s+[\w%$.'-]+(?:\s+[\w%$.'-]+){0,3}\s+"
    r"(?:is|are|stands|holds|goes|steps|moves|drops|stays|comes|becomes|applies|kicks in)\b.*)$",
    re.I,
)


class TradeReader:
    """Trades and conditional trades in one sentence; built once with the reader."""

    def __init__(self, lexicon: ReaderLexicon, clauses: ClauseReader):
        self.lex = lexicon
        self.clauses = clauses
        flags = re.IGNORECASE
        # Longest markers first, so "in return for" wins over "in return".
        self._trade = [m.lower() for m in sorted(self.lex.trade_markers, key=len, reverse=True)]
        self._conditions = sorted(self.lex.condition_markers, key=len, reverse=True)
        self._condition_re = re.compile(
            r"(?:^|,\s*|\s)(" + "|".join(re.escape(c) for c in self._conditions) + r")\s+", flags
        )

    def read(self, text: str, ctx: ReadContext) -> Reading | None:
        """The trade a sentence names with both its halves, or None."""
        lowered = text.lower()
        swap = _SWAPPED.match(text) or _BULLETS.match(text)
        if swap is None:
            swap = _SWAP.match(text)
            if swap and _OUR_ASK.search(swap.group("give")):
                swap = None  # "we dropped our ask for a case study": we let the ask go
        if swap:
            return Reading(
                "command",
                (f"trade {swap.group('give')} for {swap.group('get')}",),
                rule="trade:swap",
            )
        for marker in self._trade:
            at = lowered.find(f" {marker} ")
            if at <= 0:
                continue
            left, right = text[:at].strip(" ,"), text[at + len(marker) + 2 :].strip(" ,.")
            if marker.endswith((" they", " he", " she", " to", " their")):
                right = text[at + len(marker) + 2 - len(marker.split()[-1]) - 1 :].strip(" ,.")
            ours = self.clauses.read(left, left, 0, ctx.names)
            if ours.side == "they" and ours.kind in ("give", "accept"):
                # "they agreed to 3 years in return for net-60": theirs first.
                give = self._thing(right, ctx)
                if ours.item and give:
                    return Reading(
                        "command",
                        (f"trade {give} for {ours.item}",),
                        rule=f"trade:{marker}:theirs-first",
                    )
            if ours.side == "we" and ours.kind in ("give", "accept", "reduce") and ours.item:
                get = self._thing(right, ctx)
                if get:
                    return Reading(
                        "command", (f"trade {ours.item} for {get}",), rule=f"trade:{marker}"
                    )
            if ours.side == "we" and ours.kind == "get" and ours.item:
                give = self._thing(right, ctx)
                if give:
                    return Reading(
                        "command",
                        (f"trade {give} for {ours.item}",),
                        rule=f"trade:{marker}:get-first",
                    )
        return self.conditional(text, ctx)

    def _thing(self, text: str, ctx: ReadContext) -> str:
        """What a trade half names: the item of its clause, or the words themselves."""
        clause = self.clauses.read(text, text, 0, ctx.names)
        if clause.kind is not None and clause.item:
            if clause.side == "they" and clause.kind in ("give", "accept", "offer", "ask"):
                return clause.item if clause.kind in ("give", "accept") else clause.from_verb
            return clause.item
        return clause.text

    def conditional(self, text: str, ctx: ReadContext) -> Reading | None:
        """Both halves of a conditional trade: "if they X, we Y", "Y as long as they X"."""
        m = self._condition_re.search(text)
        if not m:
            return None
        marker = m.group(1).lower()
        before, after = text[: m.start()].strip(" ,"), text[m.end() :].strip(" ,.")
        if not after:
            return None
        if before:
            lead = self.clauses.read(before, before, 0, ctx.names)
            if lead.kind == "speech" or (lead.side == "they" and lead.kind == "ask"):
                # "morgan asked if I'd take equity": a question; "I said X if Y": speech
                return None
            main, cond = before, after
        else:
            split_cond, main = self._split_if(after, ctx)
            # "only if he drops the relocation": a condition on their last request
            cond = split_cond if split_cond is not None else after
            if split_cond is None:
                main = ""
        give, get = self._halves(main, cond, ctx)
        if not give or not get:
            return None
        return Reading("command", (f"if we {give}, they {get}",), rule=f"if:{marker}")

    def _halves(self, main: str, cond: str, ctx: ReadContext) -> tuple[str, str]:
        """What we give and what we get, from the main clause and the condition."""
        main_kind, main_text = self._half(main, ctx)
        cond_kind, cond_text = self._half(cond, ctx)
        if main_kind == "give" and cond_kind in ("get", "unknown"):
            return main_text, cond_text
        if cond_kind == "give" and main_kind == "get":
            return "", ""  # "she'll do 99.95 if we go 3 yrs": their conditional offer
        if main_kind == "none" and cond_kind == "get":
            return their_request(self.clauses, ctx), cond_text
        if main_kind == "unknown" and cond_kind == "get" and cond_text:
            # "the 8% stands as long as mark commits to 3 yrs"
            return f"agree that {main_text}", cond_text
        return "", ""

    def _half(self, text: str, ctx: ReadContext) -> tuple[str, str]:
        """One half of a conditional: ("give"|"get"|"unknown"|"none"|"negated", its words)."""
        text = text.strip(" ,.")
        if not text:
            return "none", ""
        clause = self.clauses.read(text, text, 0, ctx.names)
        if clause.negated:
            return "negated", ""
        if clause.side == "we" and clause.kind in ("give", "accept", "reduce", "offer"):
            # "if we offered net-60" reads as the trade it proposes: "if we offer net-60"
            return "give", _base_form(clause.from_verb) or clause.item
        if clause.side == "we" and clause.kind == "refuse" and clause.item and not clause.negated:
            return "give", clause.from_verb  # "we can hold the price at 98k" is what we offer
        if clause.side == "we" and clause.kind == "get" and clause.item:
            return "get", clause.item
        if clause.side == "they":
            return "get", self._their_part(clause)  # "they take 3 years": their action
        if _WE_DO.match(clause.text):
            return "give", re.sub(_OUR_HELPERS, "", clause.text, flags=re.I)
        fine = FINE_ITEM.match(text) or _FREE_ITEM.match(text)
        if fine:
            item = fine.group("item") or fine.group("item2")
            return "give", f"{item} free" if _FREE_ITEM.match(text) else item
        happy = _HAPPY_TO.match(text)
        if happy:
            return "give", happy.group("rest")
        # "we smile": ours, but no give we know of; never traded on a guess
        return ("ours-unknown" if clause.side == "we" else "unknown"), text

    def _split_if(self, text: str, ctx: ReadContext) -> tuple[str | None, str]:
        """Split "they take 3 years(,) we can do X" into the condition and the main clause."""
        if "," in text:
            cond, _, main = text.partition(",")
            main = re.sub(r"^\s*then\s+", "", main.strip(), flags=re.I)
            return cond.strip(), main.strip()
        tokens = tokenize(text)
        for i in range(1, len(tokens)):
            if tokens[i].word in _SPLIT_ACTORS or tokens[i].word in ctx.names:
                return text[: tokens[i].start].strip(), text[tokens[i].start :].strip()
        terms = _TERM_CLAUSE.match(text)
        if terms:  # "he starts in May the bonus is his"
            return terms.group("cond"), terms.group("main")
        return None, text

    @staticmethod
    def _their_part(clause: Clause) -> str:
        text = clause.from_verb or re.sub(
            r"^(?:they|he|she|you)\s+(?:(?:will|'ll|would|'d|can|could)\s+)*",
            "",
            clause.text,
            flags=re.I,
        )
        return text.strip(" ,.")


def _base_form(phrase: str) -> str:
    """A verb phrase with its first word in the base form ("offered net-60" -> "offer net-60")."""
    first, _, rest = phrase.partition(" ")
    if not first:
        return phrase
    lemma = verb_lemma(first.lower())
    return f"{lemma} {rest}".strip() if lemma != first.lower() else phrase
