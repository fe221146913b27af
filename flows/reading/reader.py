"""The plain-language reader: one line as people type it -> one command of the grammar.

The pipeline is one you can explain, and each reading names the rule that made it:

1. whole-line notes: small talk, a bare yes or no to their last request, status and log
   asks, our walk-away, BATNA, evidence, the next meeting;
2. questions and requests for lines -> ``script <topic>`` or ``faq <words>``;
3. a call recap (several sentences) -> one reading per sentence, confirmed in one step;
4. both halves of a trade in one sentence ("X in return for Y", "if they X we Y");
5. one clause: who acts, the verb frame, what changed hands -> give, get, offer, they, say.

Nothing here ever produces a command that changes which deal is active or its phase
(``new``, ``use``, ``next``, ``back``, ``walk``, ``signed``) or acts on other people
(``team``, ``remind``, ``nudge``): those run only when typed. What cannot be read with
confidence becomes ``unclear`` with two or three concrete choices, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from flows.amounts import find_amounts
from flows.model import Deal, Move
from flows.reading.clauses import Clause, ClauseReader
from flows.reading.words import straighten, tokenize, verb_lemma
from flows.when import parse_when
from phrases.lexicon import ReaderLexicon, load_reader_lexicon

ReadingKind = Literal["command", "recap", "unclear", "chat"]

# Commands the reader may produce. Anything that switches deals, moves a phase or reaches
# other people is deliberately absent.
SAFE_COMMANDS = frozenset({
    "give", "get", "trade", "if", "offer", "they", "say", "script", "faq", "meeting",
    "walkaway", "batna", "evidence", "status", "log", "counterparty",
})
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=\S)|\n+|(?<=\w)\s+-\s+(?=\w)")
_CLAUSE_JOIN = re.compile(r",?\s+(?:and|but|so|then|and then|while|whereas|plus)\s+|,\s+|;\s+")
_NAME = re.compile(r"\b[A-Z][a-zA-Z'-]+\b")
_WORDS = re.compile(r"[a-z0-9%$-]+")
_MEETING_WORDS = re.compile(
    r"\b(call|meeting|sync|chat|catch[- ]?up|check[- ]?in|reconven\w*|regroup\w*|"
    r"follow(?:ing)?[- ]?up|circle back|touch base|back on|debrief|interview|qbr|session|"
    r"demo|walk[- ]?through|go over|meet|meeting|talk again|speak again|round|call back)\b")
_HAS_DAY_OR_TIME = re.compile(
    r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\w*\b|\btomorrow\b|\btmrw\b|"
    r"\d\s*(am|pm)\b|\d:\d\d|\bnext week\b|\b\d{1,2}(st|nd|rd|th)\b|\bnoon\b")
_WE_DO = re.compile(r"^(?:we|i)(?:'ll|'d)?\s+(?:(?:can|could|will|'ll|would|'d|are happy to|"
                    r"can happily|might|may)\s+)*(?:do|go|make|run|pay|cover|offer|include|"
                    r"extend|sign|commit|start|take|move|drop|add|throw|waive|accept|give|relocate|"
                    r"ok|okay|fine|yes|sure|agree|agreed)\b", re.I)
_NON_FRAME_RULES = ("note:", "if:", "trade:", "help:", "they:no-frame", "they:from", "recap",
                    "dialogue:")
_PROPOSAL = re.compile(r"^(?:\w+\s+){0,2}(?:a |an |the |our |two |three |\d )?(?:new |revised )?"
                       r"(?:bundles?|options|packages?|proposal|quote|counter|counteroffer|"
                       r"price sheet|pricing options)\b", re.I)
_STARTS_CONDITION = re.compile(r"^(?:if|only if|as long as|so long as|provided|providing|"
                               r"assuming|unless|should they)\b", re.I)
_IT_IS = re.compile(r"^(?:fine|ok|okay|alright|sure)?[ ,.]*(?P<item>.+?) it is[.!]*$", re.I)
_FINE_ITEM = re.compile(r"^(?P<item>.+?)\s+(?:is|are|'s)\s+(?:fine|ok|okay|good|doable|acceptable|"
                        r"workable|agreed)\b(?:\s+(?:w|with|for|by)\s+(?:us|me))?[.!]*$|"
                        r"^(?P<item2>.+?)\s+works(?:\s+for\s+.+)?[.!]*$", re.I)
_OUR_ASK = re.compile(r"\b(?:ask|request|demand|requirement)$", re.I)
_OUR_HELPERS = (r"^(?:we|i)(?:'ll|'d)?\s+(?:(?:can|could|will|'ll|would|'d|are happy to|"
                r"am happy to|can happily|might|may)\s+)*")
_FREE_ITEM = re.compile(r"^(?P<item>.+?)(?:'s| is) (?:free|on us|included|comped)$|^(?P<item2>)$",
                        re.I)
_HAPPY_TO = re.compile(r"^(?:(?:we're|we are|i'm|i am)\s+)?(?:happy|willing|able|glad|ok|okay|"
                       r"fine|prepared) to (?P<rest>.+)$", re.I)
_LEAD_FILLER = re.compile(r"^(?:if it helps|if that helps|to be fair|for what it's worth|fwiw|tbh|"
                          r"honestly|long story short|long story but|ok long story but|"
                          r"pursuant to [^,]{1,40},|further to [^,]{1,40},|as discussed,|"
                          r"per [\w']+ (?:req|request|ask|wish|email),|just between us,?|"
                          r"between us,?|for my notes:?|private:|privately,?|fyi only:?)[,:]?\s+",
                          re.I)
_TERM_CLAUSE = re.compile(
    r"^(?P<cond>.+?)\s+(?P<main>(?:the|our|my|your|their)\s+[\w%$.'-]+(?:\s+[\w%$.'-]+){0,3}\s+"
    r"(?:is|are|stands|holds|goes|steps|moves|drops|stays|comes|becomes|applies|kicks in)\b.*)$",
    re.I)
_SWAPPED = re.compile(r"^(?:(?:we|i)\s+)?(?:just\s+)?(?:swapped|traded|exchanged)\s+"
                      r"(?P<give>.+?)\s+for\s+(?P<get>.+)$", re.I)
_ENDS_WITH_SAYING = re.compile(r"\b(?:says|said|say|goes|went|told (?:us|me)|was like|is like|"
                               r"replied|wrote)\s*$", re.I)
_BARE_HOUR = re.compile(r"\b(at|@)\s+(\d{1,2})\b(?![:.]\d|\s*(?:am|pm|h\b|%|k\b))", re.I)


def _business_hour(m: re.Match[str]) -> str:
    hour = int(m.group(2))
    if 1 <= hour <= 7:
        return f"{m.group(1)} {hour}pm"
    if 8 <= hour <= 11:
        return f"{m.group(1)} {hour}am"
    return m.group(0)


_CONDITION_INSIDE = re.compile(r"\b(?:if|as long as|so long as|provided|on condition)\s+(?:we|i)\b",
                               re.I)
_ASKING = re.compile(r"\b(?:want|wants|need|needs|ask|asks|asking|asked|request|requests|require|"
                     r"requires|insist|insists|demand|demands|expect|expects|push|pushing|"
                     r"looking for|hoping for|would like|'d like)\b", re.I)
_SPLIT_ACTORS = frozenset({"we", "i", "they", "he", "she", "ill", "id", "im"})
_UPDATE_PREFIX = re.compile(r"^[\w .'-]{0,30}?\b(?:update|recap|notes|summary|news)\s*[:\-]\s*",
                            re.I)
_TERM_LIKE = re.compile(r"[\d%$€£-]")
_THEY_MAY_HAVE = re.compile(r"\b(?:can|could|may|get to)\s+(?:have|keep)\b", re.I)
_AND_GOT = re.compile(r",?\s+(?:and\s+)?(?:we\s+|i\s+)?(?:got|secured|won|landed)\s+(?P<get>.+)$",
                      re.I)
_PASSIVE = re.compile(
    r"^(?P<item>(?!(?:we|i|they|he|she|it|that|this)\b)[\w$€£%.,/' -]{2,60}?)\s+(?:was|were|got|"
    r"has been|have been|had been|is|are|'s|is being|are being)\s+(?:now |finally |already |just |"
    r"also |eventually )?(?P<verb>[a-z]+(?:ed|en)|cut|agreed|dropped|paid|given|taken|comped|"
    r"okayed|ok'd)\b(?P<rest>.*)$", re.I)
_BY = re.compile(r"\bby (?P<who>.+)$", re.I)
_OUR_SIDE = re.compile(r"\b(?:from|on) (?:our|my) (?:side|end)\b|\bby (?:us|me)\b", re.I)
_THEIR_SIDE = re.compile(r"\b(?:from|on) their (?:side|end)\b", re.I)
_ELABORATION = re.compile(r"^they:(no-frame|.*:planned|.*:negated|.*:bare)$|^they:(speech|refuse)$")
_THEIR_ASK = re.compile(r"\b(ask|request|demand|requirement|insistence|condition|clause|"
                        r"push|redline|objection|charge|fee|indemnity|penalty|surcharge|minimum|"
                        r"liability|exclusivity|non-compete|clawback|cliff|markup|uplift|increase)"
                        r"s?\b", re.I)
_OUR_PEOPLE = re.compile(r"^(?:(?:my|our) (?:boss|manager|vp|team|cfo|ceo|legal|finance|director|"
                         r"lead|head|wife|husband|partner)|myself|ourselves)\b", re.I)
_SWAP = re.compile(
    r"^(?:(?:we|i)\s+)?(?:just\s+)?(?:swapped|swap|traded|trade|exchanged|gave up|give up|"
    r"dropped|drop|gave|give|accepted|accept|agreed to|took|take)\s+(?P<give>.+?)\s+for\s+"
    r"(?P<get>(?:an? |the |their |more |extra |higher |longer |bigger |better )?.*?\b(?:more|"
    r"extra|higher|longer|commit|commitment|term|case study|reference|logo|prepay|prepayment|"
    r"upfront|signature|rsus?|equity|base|title|yr|yrs|years?|months?|uptime|sla|credits?|"
    r"discount|seats|support|training|net-\d+)\b.*|.*\d.*)$", re.I)
_NOUN_TRADE = re.compile(
    r"^(?P<give>[^,]{2,40}?) for (?P<get>(?:a|an|the|their|\d)[^,]*?\b(?:commit|commitment|term|"
    r"yr|yrs|years?|case study|reference|logo|prepay|prepayment|upfront|csm|support|sla)\b"
    r"[^,]*)(?:,.*)?$", re.I)
_FOR_US = re.compile(r"\b(?:us|our|for us)\b", re.I)
_BUDGET = re.compile(r"\bbudget\b.*\b(?:capped|cap|limit|max|frozen|tight|only|is)\b", re.I)
_FROM_THEM = re.compile(r"^\S*\s*(?:\w+\s+)?(?:from|by)\s", re.I)
_QUESTION_WORDS = frozenset({"the", "a", "an", "i", "we", "to", "do", "should", "what", "how",
                             "can", "could", "would", "is", "are", "for", "of", "me", "them",
                             "my", "our", "their", "it", "this", "that", "about", "any", "on",
                             "if", "say", "tell", "you", "they", "with", "when", "there"})


@dataclass(frozen=True)
class Reading:
    """What a plain line means: commands to run, choices to offer, or nothing to store."""

    kind: ReadingKind
    # command: one line; recap: one per move, in order; unclear: the choices.
    lines: tuple[str, ...] = ()
    # The rule that produced the reading, so a wrong one is a data fix with a test.
    rule: str = ""

    @property
    def command(self) -> str:
        """The single command line of a ``command`` reading."""
        return self.lines[0] if self.lines else ""


@dataclass(frozen=True)
class ReadContext:
    """What the reader may know about the deal: names, its last move, time."""

    deal: Deal | None = None
    last_move: Move | None = None
    now: datetime | None = None
    tz: str = "UTC"
    names: frozenset[str] = field(default_factory=frozenset)


def context_for(deal: Deal | None, last_move: Move | None, now: datetime | None, tz: str,
                lexicon: ReaderLexicon | None = None) -> ReadContext:
    """A read context with the other side's names taken from the deal's notes and name."""
    lex = lexicon or load_reader_lexicon()
    names: set[str] = set()
    if deal is not None:
        stop = set(lex.not_names)
        for note in [*deal.counterparty, deal.name]:
            for word in _NAME.findall(note):
                lower = word.lower().strip("'")
                if lower not in stop and len(lower) > 1:
                    names.add(lower)
    return ReadContext(deal=deal, last_move=last_move, now=now, tz=tz, names=frozenset(names))


class Reader:
    """Reads plain lines into commands; built once, cheap per line."""

    def __init__(self, lexicon: ReaderLexicon | None = None):
        self.lex = lexicon or load_reader_lexicon()
        self.clauses = ClauseReader(self.lex)
        flags = re.IGNORECASE
        self._notes = {kind: [re.compile(p, flags) for p in patterns]
                       for kind, patterns in self.lex.notes.items()}
        self._help_starts = [re.compile(p, flags) for p in self.lex.help.starts]
        self._help_words = [re.compile(p, flags) for p in self.lex.help.help_words]
        self._topics = {t: [re.compile(p, flags) for p in ps]
                        for t, ps in self.lex.help.topics.items()}
        yes = "|".join(re.escape(w) for w in sorted(self.lex.yes_words, key=len, reverse=True))
        self._non_items = [re.compile(p, flags) for p in self.lex.non_items]
        self._known = frozenset(
            w for group in (self.lex.fillers, self.lex.we_actors, self.lex.they_actors,
                            self.lex.datives, self.lex.empty_items, self.lex.yes_words)
            for phrase in group for w in phrase.split()) | {"the", "a", "an", "and", "but"}
        self._their_signal = re.compile(self.lex.their_signal, flags)
        self._acceptance = re.compile(rf"^(?:(?:{yes})\b[\s,.!]*)+$", flags)
        self._leading_yes = re.compile(rf"^(?:(?:{yes})\b[\s,.!]*)+(?=\S)", flags)
        self._trade = [m.lower() for m in sorted(self.lex.trade_markers, key=len, reverse=True)]
        self._conditions = sorted(self.lex.condition_markers, key=len, reverse=True)
        self._condition_re = re.compile(
            r"(?:^|,\s*|\s)(" + "|".join(re.escape(c) for c in self._conditions) + r")\s+", flags)

    def knows(self, word: str) -> bool:
        """Whether ``word`` is an everyday word of the lexicon ("the", "we"), never a typo."""
        return word in self._known

    def reads_word_as_verb(self, word: str, args: str, reading: Reading) -> bool:
        """Whether ``reading`` came from taking a command word as a verb ("pick Z" -> give).

        A typed command that was rejected is read again only when the reading does not
        rest on that same word: "remind 25:00" is a bad time, not something said.
        """
        if reading.rule.startswith(_NON_FRAME_RULES) or not self.clauses.is_frame_head(word):
            return False
        _, _, rest = reading.command.partition(" ")
        return rest.strip().lower() == args.strip().lower()

    # -- the line ------------------------------------------------------------------------
    def read(self, line: str, ctx: ReadContext | None = None) -> Reading:
        """The reading of one plain line (never raises on odd input)."""
        ctx = ctx or ReadContext()
        text = straighten(line)
        text = _UPDATE_PREFIX.sub("", text)
        if not text:
            return Reading("chat", rule="empty")
        sentences = [s for s in (x.strip(" \t") for x in _SENTENCE.split(text)) if s]
        if len(sentences) > 1:
            readings = []
            for sentence in sentences:
                reading = self._sentence(sentence, ctx)
                readings.append(reading)
                if reading.command.startswith("they"):
                    ctx = replace(ctx, last_move=Move(kind="they", text=reading.command[4:].lstrip(
                        ": ")))
            moves = [r for r in readings if r.kind == "command"]
            if any(r.rule != "they:no-frame" for r in moves):
                # "priya called." in a recap is scene-setting, not a move of theirs
                moves = [r for r in moves if r.rule != "they:no-frame"]
            if len(moves) > 1:
                return Reading("recap", tuple(r.command for r in moves),
                               rule="recap:" + ",".join(r.rule for r in moves))
            if len(moves) == 1:
                return moves[0]
            unclear = [r for r in readings if r.kind == "unclear"]
            return unclear[0] if unclear else Reading("chat", rule="recap:nothing")
        return self._sentence(text, ctx)

    def _sentence(self, text: str, ctx: ReadContext) -> Reading:
        bare = _LEAD_FILLER.sub("", text.strip(" .!"))
        lowered = bare.lower()
        note = self._note(bare, lowered, ctx)
        if note is not None:
            return note
        clause = self.clauses.read(bare, bare, 0, ctx.names)
        if self._is_question(bare, lowered, clause):
            return self._help(lowered)
        if clause.side != "we":
            when = self._meeting_time(bare, lowered, ctx, anywhere=True)
            if when:  # "Mark can do Monday 11:30 for the sign-off call"
                return Reading("command", (f"meeting {when}",), rule="note:meeting-anywhere")
        trade = self._trade_reading(bare, ctx)
        if trade is not None:
            return trade
        if _STARTS_CONDITION.match(bare):
            # A condition we could not split into its two halves: ask, never guess a give.
            return Reading("unclear", (f"say {bare}", f"they: {bare}"), rule="unclear:condition")
        parts = self._split_clauses(bare, ctx)
        if len(parts) > 1:
            return self._compound(parts, bare, ctx)
        return self._from_clause(clause, bare, ctx)

    # -- whole-line notes ----------------------------------------------------------------
    def _note(self, text: str, lowered: str, ctx: ReadContext) -> Reading | None:
        if self._acceptance.match(lowered):
            return self._acceptance_reading(ctx)
        for kind in ("status", "log"):
            if any(p.match(lowered) for p in self._notes.get(kind, [])):
                return Reading("command", (kind,), rule=f"note:{kind}")
        if any(p.search(lowered) for p in self._notes.get("chat", [])):
            return Reading("chat", rule="note:chat")
        for pattern in self._notes.get("walkaway", []):
            m = pattern.match(text)
            if m:
                return self._walkaway(m, lowered)
        for kind in ("batna", "evidence", "say"):
            for pattern in self._notes.get(kind, []):
                m = pattern.match(text)
                if m and m.groupdict().get("rest"):
                    return Reading("command", (f"{kind} {m.group('rest').strip()}",),
                                   rule=f"note:{kind}")
        for pattern in self._notes.get("meeting", []):
            m = pattern.match(text)
            if m and self._is_time(m.group("when"), ctx):
                return Reading("command", (f"meeting {m.group('when').strip(' .')}",),
                               rule="note:meeting")
        when = self._meeting_time(text, lowered, ctx)
        if when:
            return Reading("command", (f"meeting {when}",), rule="note:meeting-words")
        for pattern in self._notes.get("offer", []):
            m = pattern.match(text)
            if m and not _FROM_THEM.search(m.group("rest")):
                return Reading("command", (f"offer {m.group('rest').strip()}",),
                               rule="note:offer")
        for pattern in self._notes.get("they", []):
            m = pattern.match(text)
            if m:
                return Reading("command", (f"they: {m.group('rest').strip()}",),
                               rule="note:they")
        return None

    def _meeting_time(self, text: str, lowered: str, ctx: ReadContext, *,
                      anywhere: bool = False) -> str:
        """The time in a line about a meeting ("regroup monday 10am"), if it has one.

        By default only the end of the line is looked at; ``anywhere`` also finds "Mark can
        do Monday 11:30 for the sign-off call". A bare hour is read in business hours ("at
        3" is 15:00), as people mean it for a meeting.
        """
        if ctx.now is None or not _MEETING_WORDS.search(lowered):
            return ""
        words = [w.strip(" .!,;") for w in _BARE_HOUR.sub(_business_hour, text).split()]
        starts = range(len(words)) if anywhere else range(max(0, len(words) - 5), len(words))
        best = ""
        for start in starts:
            for size in range(min(5, len(words) - start), 0, -1):
                window = " ".join(w for w in words[start:start + size] if w)
                if (anywhere or start + size == len(words)) and len(window) > len(best) and (
                        _HAS_DAY_OR_TIME.search(window.lower()) and self._is_time(window, ctx)):
                    best = window
        return best

    def _is_time(self, when: str, ctx: ReadContext) -> bool:
        if ctx.now is None:
            return False
        try:
            parse_when(when.strip(" ."), ctx.now, ctx.tz)
        except (ValueError, OverflowError):
            return False
        return True

    @staticmethod
    def _walkaway(m: re.Match[str], lowered: str) -> Reading:
        rest = m.group("rest").strip(" .")
        groups = m.groupdict()
        direction = ""
        word = (groups.get("dir") or "") + " " + lowered[:m.start("rest")]
        if re.search(r"\b(below|under|lower than|less than|floor|min|minimum|lowest|bottom|"
                     r"south of)\b", word):
            direction = "min"
        elif re.search(r"\b(above|over|higher than|more than|past|beyond|ceiling|max|maximum|"
                       r"highest|cap|top|north of)\b", word):
            direction = "max"
        if direction and find_amounts(rest):
            return Reading("command", (f"walkaway {direction} {rest}",), rule="note:walkaway")
        return Reading("command", (f"walkaway {rest}",), rule="note:walkaway")

    def _acceptance_reading(self, ctx: ReadContext) -> Reading:
        ask = self._their_request(ctx)
        if ask:
            return Reading("command", (f"give {ask}",), rule="dialogue:yes-to-their-ask")
        return Reading("chat", rule="dialogue:yes-without-ask")

    def _their_request(self, ctx: ReadContext) -> str:
        """What their last logged line asked for, when the last move was theirs."""
        move = ctx.last_move
        if move is None or move.kind != "they" or not move.text:
            return ""
        clause = self.clauses.read(move.text, move.text, 0, ctx.names)
        if clause.kind in ("ask", "offer", "get") and clause.item:
            return clause.item  # "want net-90" -> net-90; "Sam keeps the stipend" -> the stipend
        if clause.kind == "speech" or not _ASKING.search(move.text):
            return ""  # "Jo says, split it": words, not a request to grant with a yes
        return move.text

    # -- questions -----------------------------------------------------------------------
    def _is_question(self, text: str, lowered: str, clause: Clause) -> bool:
        if any(p.search(lowered) for p in self._help_words):
            return True  # "priya keeps pushing, how do i handle it": help, whoever it names
        if clause.side == "they" and clause.kind is not None and not clause.planned:
            return False  # "they asked if we can do net-90?" reports their move
        asks_help = any(p.search(lowered) for p in self._help_words)
        if asks_help:
            return True
        if text.rstrip().endswith("?"):
            return True
        starts = any(p.match(lowered) for p in self._help_starts)
        return starts and (clause.kind is None or clause.planned or clause.side is None)

    def _help(self, lowered: str) -> Reading:
        for topic, patterns in self._topics.items():
            if any(p.search(lowered) for p in patterns):
                return Reading("command", (f"script {topic}",), rule=f"help:{topic}")
        words = [w for w in _WORDS.findall(lowered) if w not in _QUESTION_WORDS]
        return Reading("command", ("faq " + " ".join(words[:8]),) if words else ("faq",),
                       rule="help:faq")

    # -- trades --------------------------------------------------------------------------
    def _trade_reading(self, text: str, ctx: ReadContext) -> Reading | None:
        lowered = text.lower()
        swap = _SWAPPED.match(text)
        if swap is None:
            swap = _SWAP.match(text)
            if swap and _OUR_ASK.search(swap.group("give")):
                swap = None  # "we dropped our ask for a case study": we let the ask go
        if swap:
            return Reading("command", (f"trade {swap.group('give')} for {swap.group('get')}",),
                           rule="trade:swap")
        for marker in self._trade:
            at = lowered.find(f" {marker} ")
            if at <= 0:
                continue
            left, right = text[:at].strip(" ,"), text[at + len(marker) + 2:].strip(" ,.")
            if marker.endswith((" they", " he", " she", " to", " their")):
                right = text[at + len(marker) + 2 - len(marker.split()[-1]) - 1:].strip(" ,.")
            ours = self.clauses.read(left, left, 0, ctx.names)
            if ours.side == "they" and ours.kind in ("give", "accept"):
                # "they agreed to 3 years in return for net-60": theirs first.
                give = self._thing(right, ctx)
                if ours.item and give:
                    return Reading("command", (f"trade {give} for {ours.item}",),
                                   rule=f"trade:{marker}:theirs-first")
            if ours.side == "we" and ours.kind in ("give", "accept", "reduce") and ours.item:
                get = self._thing(right, ctx)
                if get:
                    return Reading("command", (f"trade {ours.item} for {get}",),
                                   rule=f"trade:{marker}")
            if ours.side == "we" and ours.kind == "get" and ours.item:
                give = self._thing(right, ctx)
                if give:
                    return Reading("command", (f"trade {give} for {ours.item}",),
                                   rule=f"trade:{marker}:get-first")
        return self._conditional(text, ctx)

    def _thing(self, text: str, ctx: ReadContext) -> str:
        """What a trade half names: the item of its clause, or the words themselves."""
        clause = self.clauses.read(text, text, 0, ctx.names)
        if clause.kind is not None and clause.item:
            if clause.side == "they" and clause.kind in ("give", "accept", "offer", "ask"):
                return clause.item if clause.kind in ("give", "accept") else clause.from_verb
            return clause.item
        return clause.text

    def _conditional(self, text: str, ctx: ReadContext) -> Reading | None:
        """Both halves of a conditional trade: "if they X, we Y", "Y as long as they X"."""
        m = self._condition_re.search(text)
        if not m:
            return None
        marker = m.group(1).lower()
        before, after = text[:m.start()].strip(" ,"), text[m.end():].strip(" ,.")
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
            return self._their_request(ctx), cond_text
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
        if clause.side == "we" and clause.kind == "get" and clause.item:
            return "get", clause.item
        if clause.side == "they":
            return "get", self._their_part(clause)  # "they take 3 years": their action
        if _WE_DO.match(clause.text):
            return "give", re.sub(_OUR_HELPERS, "", clause.text, flags=re.I)
        fine = _FINE_ITEM.match(text) or _FREE_ITEM.match(text)
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
                return text[:tokens[i].start].strip(), text[tokens[i].start:].strip()
        terms = _TERM_CLAUSE.match(text)
        if terms:  # "he starts in May the bonus is his"
            return terms.group("cond"), terms.group("main")
        return None, text

    @staticmethod
    def _their_part(clause: Clause) -> str:
        text = clause.from_verb or re.sub(
            r"^(?:they|he|she|you)\s+(?:(?:will|'ll|would|'d|can|could)\s+)*", "", clause.text,
            flags=re.I)
        return text.strip(" ,.")

    # -- clauses -------------------------------------------------------------------------
    def _split_clauses(self, text: str, ctx: ReadContext) -> list[tuple[str, Clause]]:
        """Clauses joined by "and", "but", commas, when the next one has its own actor."""
        parts: list[tuple[str, Clause]] = []
        start = 0
        for m in _CLAUSE_JOIN.finditer(text):
            right = text[m.end():]
            tokens = tokenize(right[:60])
            at = self.clauses.skip_fillers(tokens, 0) if tokens else 0
            side, _, _ = self.clauses.actor_at(tokens, at, ctx.names) if tokens else (None, 0, 0)
            left = text[start:m.start()]
            said = self.clauses.read(left, left, 0, ctx.names)
            if side is None or _ENDS_WITH_SAYING.search(left) or (
                    said.kind == "speech" and said.side == "we"):
                continue  # "so Raj says, we need X" / "told priya ..., so we need X": one speech
            piece = text[start:m.start()]
            if piece.strip():
                parts.append((piece, self.clauses.read(piece, piece, 0, ctx.names)))
            start = m.end()
        if parts:
            piece = text[start:]
            parts.append((piece, self.clauses.read(piece, piece, 0, ctx.names)))
        return parts

    def _compound(self, parts: list[tuple[str, Clause]], text: str,
                  ctx: ReadContext) -> Reading:
        readings = []
        for piece, clause in parts:
            reading = self._from_clause(clause, piece, ctx)
            readings.append(reading)
            if reading.command.startswith("they"):
                # "so Jo pushes on start date and I say fine": yes grants what was just asked
                ctx = replace(ctx, last_move=Move(kind="they", text=reading.command[4:].lstrip(
                    ": ")))
        readings = [
            Reading("command", (f"get {_strip_pronoun(parts[i][1].text)}",), rule="they:for-us")
            if r.rule == "they:no-frame" and _FOR_US.search(parts[i][1].text)
            and any(x.command.startswith("give ") for x in readings) else r
            for i, r in enumerate(readings)]
        commands = [r for r in readings if r.kind == "command"]
        if (len(commands) == 2 and commands[0].rule.startswith("they:ask")
                and commands[1].rule.startswith("we:speech")):
            commands = commands[1:]  # "alex asked my expectations and i said ...": our answer
        if any(r.rule.endswith("+ask") for r in commands):
            # "Jo pushes on start date and I say fine": the give already names their ask
            commands = [r for r in commands if not r.command.startswith("they")]
        moves = [r for r in commands if not _ELABORATION.match(r.rule)]
        if moves and len(moves) < len(commands):
            # "added 25 seats, dana was thrilled": the second clause only colours the first
            commands = moves
        if len(commands) == 2 and commands[0].command.startswith("give ") and (
                commands[1].rule == "they:get" or commands[1].command.startswith("give ")):
            commands = commands[:1]  # "caved on the title, he gets senior": one give
        if (len(parts) == 2 and readings[0].kind == "unclear"
                and readings[1].rule.endswith(":no-item")):
            # "price lock thru 2027, gave it to them": the thing comes first
            verb = "get" if readings[1].rule.startswith("they:") else "give"
            return Reading("command", (f"{verb} {parts[0][0].strip(' ,')}",),
                           rule=f"{verb}:thing-before")
        gives = [r.command[5:] for r in commands if r.command.startswith("give ")]
        gets = [r.command[4:] for r in commands if r.command.startswith("get ")]
        if len(gives) == 1 and len(gets) == 1:
            return Reading("command", (f"trade {gives[0]} for {gets[0]}",), rule="trade:and")
        theirs = [r for r in commands if r.command.startswith("they")]
        if theirs and len(theirs) == len(commands):
            # "they pushed hard on price and want 15% off": one line of theirs
            return Reading("command", (_they_text(text),), rule="they:compound")
        if len(commands) == 1:
            return commands[0]
        if len(commands) > 1:
            return Reading("recap", tuple(r.command for r in commands), rule="recap:clauses")
        return self._from_clause(parts[0][1], text, ctx)

    def _from_clause(self, clause: Clause, text: str, ctx: ReadContext) -> Reading:
        kind, side = clause.kind, clause.side
        if kind is None:
            return self._without_frame(clause, text, ctx)
        rule = f"{side}:{kind}"
        if side == "we":
            if clause.negated and kind == "refuse" and clause.item:
                return Reading("command", (f"give {clause.item}",), rule=rule + ":negated")
            if clause.negated:
                return Reading("chat", rule=rule + ":negated")
            if kind == "refuse":
                return Reading("chat", rule=rule)
            if kind == "speech":
                return self._speech(clause, ctx, rule)
            if clause.planned:
                return Reading("command", (f"say {clause.text}",), rule=rule + ":planned")
            if clause.item and self._non_item(clause.item):
                return Reading("chat", rule=rule + ":figure-of-speech")
            if kind in ("ask", "offer") and clause.item[:1] in {"'", '"'}:
                return Reading("command", (f"say {clause.item.strip(chr(39) + chr(34))}",),
                               rule=rule + ":quoted")
            if kind in ("give", "accept") and _PROPOSAL.match(clause.item):
                return Reading("command", (f"offer {clause.item}",), rule=rule + ":proposal")
            if kind in ("give", "accept", "reduce"):
                if clause.item[:4].lower() in ("and ", "then"):
                    # "I just caved and knocked another 3% off": the second verb has the thing
                    again = self.clauses.read("we " + clause.item.split(" ", 1)[1], "", 0,
                                              ctx.names)
                    if again.kind is not None and again.item:
                        return self._from_clause(again, text, ctx)
                got = _AND_GOT.search(clause.item)
                if got and clause.item[:got.start()].strip():
                    return Reading("command", (
                        f"trade {clause.item[:got.start()].strip()} for {got.group('get')}",),
                        rule=rule + ":and-got")
                if clause.item:
                    return Reading("command", (f"give {clause.item}",), rule=rule)
                ask = self._their_request(ctx)
                if not ask:
                    return Reading("chat", rule=rule + ":no-item")
                return Reading("command", (f"give {ask}",), rule=rule + "+ask")
            if kind == "get":
                if not clause.item:
                    return Reading("chat", rule=rule + ":no-item")
                return Reading("command", (f"get {clause.item}",), rule=rule)
            # ask / offer: our proposal
            if not clause.item:
                return Reading("chat", rule=rule + ":no-item")
            return Reading("command", (f"offer {clause.item}",), rule=rule)
        # their side
        if kind in ("give", "accept") and _CONDITION_INSIDE.search(clause.item):
            return Reading("command", (self._their_line(clause),), rule=rule + ":conditional")
        if kind in ("give", "accept") and not clause.negated and not clause.planned:
            if clause.item and self._non_item(clause.item):
                return Reading("chat", rule=rule + ":figure-of-speech")
            if clause.item:
                return Reading("command", (f"get {clause.item}",), rule=rule)
            ask = self._our_last_offer(ctx)
            return Reading("command", (f"get {ask}",), rule=rule) if ask else Reading(
                "chat", rule=rule + ":no-item")
        if kind == "get" and clause.verb in ("have", "keep") and not _THEY_MAY_HAVE.search(
                clause.text):
            return Reading("command", (self._their_line(clause),), rule=rule)  # "they have X"
        if kind == "get" and not clause.negated and clause.item:
            return Reading("command", (f"give {clause.item}",), rule=rule)
        if kind == "reduce" and not clause.negated and _THEIR_ASK.search(clause.item):
            # "raj dropped the audit clause": they let go of something they wanted
            return Reading("command", (f"get {clause.item}",), rule=rule + ":their-ask")
        if kind == "speech" and not clause.negated:
            said = re.sub(r"^(?:that|us|me|them)\s+", "", clause.item, flags=re.I).strip(" '\"")
            fine = _FINE_ITEM.match(said)
            if fine:  # "alex said my 145k ask is fine": they accepted it
                return Reading("command", (f"get {fine.group('item') or fine.group('item2')}",),
                               rule=rule + ":accepts")
            inner = self.clauses.read(said, said, 0, ctx.names)
            if inner.side == "they" and inner.kind == "accept" and inner.item:
                return Reading("command", (f"get {inner.item}",), rule=rule + ":accepts")
        if clause.planned:
            rule += ":planned"
        elif clause.negated:
            rule += ":negated"
        elif not clause.item:
            rule += ":bare"  # "Dana asked": scene-setting beside a move of ours
        return Reading("command", (self._their_line(clause),), rule=rule)

    @staticmethod
    def _our_last_offer(ctx: ReadContext) -> str:
        move = ctx.last_move
        if move is not None and move.kind == "offer" and move.text:
            return move.text
        return ""

    @staticmethod
    def _their_line(clause: Clause) -> str:
        if clause.actor_named or clause.possessive:
            return f"they: {clause.text}"
        return f"they {clause.from_verb or clause.text}"

    def _non_item(self, item: str) -> bool:
        return any(p.search(item.lower()) for p in self._non_items)

    def _speech(self, clause: Clause, ctx: ReadContext, rule: str) -> Reading:
        if _OUR_PEOPLE.match(clause.item):
            return Reading("chat", rule=rule + ":to-our-side")
        said = re.sub(r"^(?:that|them|him|her|to them|to him|to her)\s+", "", clause.item,
                      flags=re.I).strip(" \"'")
        said = re.sub(r"^(?:that)\s+", "", said, flags=re.I).strip(" \"'")
        if not said:
            return Reading("chat", rule=rule + ":nothing-said")
        lowered = said.lower()
        if re.fullmatch(r"(no|nope|no way|not yet|we can't|we cannot|we'll pass|"
                        r"we will pass|no thanks)[ .!]*", lowered):
            return Reading("chat", rule=rule + ":no")
        if self._acceptance.match(lowered):
            return self._acceptance_reading(ctx)
        yes = self._leading_yes.match(said)
        if yes:
            # "I go, sure, we'll train their reps for free" / "I say fine, Monday week"
            rest = said[yes.end():]
            inner = self.clauses.read(rest, rest, 0, ctx.names)
            if inner.side in ("we", None) and inner.kind in ("give", "accept") and inner.item:
                return Reading("command", (f"give {inner.item}",), rule=rule + ":yes-and")
            ask = self._their_request(ctx)
            if ask:
                return Reading("command", (f"give {ask}",), rule=rule + ":yes+ask")
        conditional = None if clause.planned else self._conditional(said, ctx)
        if conditional is not None:
            return conditional  # "I said we can do 148 if he starts by may 15": our trade
        return Reading("command", (f"say {said}",), rule=rule)

    def _without_frame(self, clause: Clause, text: str, ctx: ReadContext) -> Reading:
        when = self._meeting_time(clause.text, clause.text.lower(), ctx, anywhere=True)
        if when:
            return Reading("command", (f"meeting {when}",), rule="note:meeting-anywhere")
        if clause.possessive == "they" or clause.side == "they":
            m = _IT_IS.match(clause.text)
            if not self._their_signal.search(clause.text.lower()):
                return Reading("chat", rule="they:news")  # "lena's out till the 14th"
            line = (f"they: {clause.text}" if clause.side != "they" or clause.actor_named
                    else _they_text(clause.text))
            return Reading("command", (line,), rule="they:no-frame")
        m = _IT_IS.match(clause.text)
        if m:
            return Reading("command", (f"give {m.group('item')}",), rule="we:it-is")
        if clause.possessive == "we":
            m = re.match(r"^(?:our|my)\s+(?:new\s+|revised\s+|final\s+|latest\s+)?"
                         r"(?:offer|counter|counteroffer|proposal|quote|number|price|bid|ask)\s+"
                         r"(?:is|was|went out at|went in at|came in at|at|:)\s*(?P<rest>.+)$",
                         clause.text, flags=re.I)
            if m:
                return Reading("command", (f"offer {m.group('rest').strip()}",),
                               rule="we:our-offer")
        m = re.match(r"^(?P<item>.+?)\s+(?:is|are|was|were|'s)\s+(?:fine|ok|okay|good|"
                     r"acceptable|agreed|approved|a go|locked|locked in|sorted|settled|done)\s+"
                     r"(?P<prep>with|w/?|for|by)\s+(?P<who>.+)$", clause.text, flags=re.I)
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
        m = re.match(r"^(?:new\s+|revised\s+|latest\s+)?(?:counter|counteroffer|offer|quote|"
                     r"proposal|ask|request|number|email|note|reply|response|pushback|"
                     r"redline|redlines|feedback)\s+(?:from|by)\s+(?P<rest>.+)$",
                     clause.text, flags=re.I)
        if m:
            tokens = tokenize(m.group("rest"))
            side, _, _ = self.clauses.actor_at(tokens, 0, ctx.names)
            if side == "they":
                return Reading("command", (f"they: {clause.text}",), rule="they:from")
        noun_trade = _NOUN_TRADE.match(clause.text)
        if noun_trade and clause.side is None:
            return Reading("command", (
                f"trade {noun_trade.group('give')} for {noun_trade.group('get')}",),
                rule="trade:noun-for-noun")
        if clause.side is None and _BUDGET.search(clause.text):
            return Reading("command", (f"they: {clause.text}",), rule="they:budget")
        words = len(tokenize(clause.text))
        if clause.side is None and clause.text and (
                2 <= words <= 6 or (words == 1 and _TERM_LIKE.search(clause.text))):
            return self._unclear(clause.text)
        return Reading("chat", rule="nothing")

    @staticmethod
    def _unclear(text: str) -> Reading:
        if find_amounts(text):
            return Reading("unclear", (f"they {text}", f"offer {text}"), rule="unclear:amount")
        return Reading("unclear", (f"give {text}", f"they want {text}", f"get {text}"),
                       rule="unclear:item")


def _they_text(text: str) -> str:
    """Their line as a `they` command: a leading pronoun dropped, a name kept after a colon."""
    stripped = re.sub(r"^(?:they|he|she)\s+", "", text.strip(), flags=re.I)
    return f"they {stripped}" if stripped != text.strip() else f"they: {text.strip()}"


def _strip_pronoun(text: str) -> str:
    return re.sub(r"^(?:they|he|she)\s+", "", text.strip(), flags=re.I)


def _base_form(phrase: str) -> str:
    """A verb phrase with its first word in the base form ("offered net-60" -> "offer net-60")."""
    first, _, rest = phrase.partition(" ")
    if not first:
        return phrase
    lemma = verb_lemma(first.lower())
    return f"{lemma} {rest}".strip() if lemma != first.lower() else phrase
