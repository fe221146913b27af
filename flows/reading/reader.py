"""The plain-language reader: one line as people type it -> one command of the grammar.

The pipeline is one you can explain, and each reading names the rule that made it:

1. whole-line notes: small talk, a bare yes or no to their last request, status and log
   asks, our walk-away, BATNA, evidence, the next meeting (:mod:`flows.reading.notes`);
2. questions and requests for lines -> ``script <topic>`` or ``faq <words>`` (also there);
3. a call recap (several sentences) -> one reading per sentence, confirmed in one step;
4. both halves of a trade in one sentence ("X in return for Y", "if they X we Y"):
   :mod:`flows.reading.trades`;
5. one clause: who acts, the verb frame, what changed hands -> give, get, offer, they, say;
   a clause with no verb frame is read by its shape in :mod:`flows.reading.frameless`.

This module holds the line and sentence steps, compound clauses and the clause -> command
step; the others read one kind of line each.

Nothing here ever produces a command that changes which deal is active or its phase
(``new``, ``use``, ``next``, ``back``, ``walk``, ``signed``) or acts on other people
(``team``, ``remind``, ``nudge``): those run only when typed. What cannot be read with
confidence becomes ``unclear`` with two or three concrete choices, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows.model import Move
from flows.reading.clauses import Clause, ClauseReader
from flows.reading.frameless import FramelessReader, they_text
from flows.reading.notes import NoteReader, their_request
from flows.reading.readings import ReadContext, Reading
from flows.reading.trades import FINE_ITEM, TradeReader
from flows.reading.words import is_word, straighten, tokenize, verb_lemma
from phrases.lexicon import ReaderLexicon, load_reader_lexicon

# Commands the reader may produce. Anything that switches deals, moves a phase or reaches
# other people is deliberately absent.
SAFE_COMMANDS = frozenset(
    {
        "give",
        "get",
        "trade",
        "if",
        "offer",
        "they",
        "say",
        "script",
        "faq",
        "meeting",
        "walkaway",
        "batna",
        "evidence",
        "status",
        "log",
        "counterparty",
    }
)
# Rules whose reading does not rest on a verb of the clause frame: a rejected command word
# read as one of these is not "the same word taken as a verb".
_NON_FRAME_RULES = (
    "note:",
    "if:",
    "trade:",
    "help:",
    "they:no-frame",
    "they:from",
    "recap",
    "dialogue:",
)

# The line and its sentences: a "call update:" prefix says nothing; a recap is split into
# sentences, each read on its own; leading filler ("tbh", "as discussed,") is dropped; a
# sentence that opens with a condition but is no trade is asked about, never guessed.
_UPDATE_PREFIX = re.compile(
    r"^[\w .'-]{0,30}?\b(?:update|recap|notes|summary|news)\s*[:\-]\s*", re.I
)
_SENTENCE = re.compile(
    r"(?<!\bincl\.)(?<!\bapprox\.)(?<!\bvs\.)(?<!\betc\.)(?<!\be\.g\.)"
    r"(?<!\bi\.e\.)(?<!\bno\.)(?<!\bmr\.)(?<!\bms\.)(?<!\bdr\.)"
    r"(?<=[.!?;])\s+(?=\S)|\n+|(?<=\w)\s+-\s+(?=\w)"
)
_LEAD_FILLER = re.compile(
    r"^(?:if it helps|if that helps|to be fair|for what it's worth|fwiw|tbh|"
    r"honestly|long story short|long story but|ok long story but|"
    r"pursuant to [^,]{1,40},|further to [^,]{1,40},|as discussed,|"
    r"per [\w']+ (?:req|request|ask|wish|email),|just between us,?|"
    r"between us,?|for my notes:?|private:|privately,?|fyi only:?|"
    r"\d{1,2}(?::\d\d)?\s*(?:am|pm)?\s*(?:call|meeting|sync|chat)?\s*:)"
    r"[,:]?\s+",
    re.I,
)
_STARTS_CONDITION = re.compile(
    r"^(?:if|only if|as long as|so long as|provided|providing|"
    r"assuming|unless|should they)\b",
    re.I,
)

# Compound clauses: where one sentence joins two moves, and when the second only colours
# the first.
_REPORTED_QUESTION = re.compile(r"^(?:whether|if|how|why|what|when)\b", re.I)
_IT_IS_TAIL = re.compile(r"^[^,]{1,40}\bit is[.!]*$", re.I)
_CLAUSE_JOIN = re.compile(r",?\s+(?:and|but|so|then|and then|while|whereas|plus)\s+|,\s+|;\s+")
_ENDS_WITH_SAYING = re.compile(
    r"\b(?:says|said|say|goes|went|told (?:us|me)|was like|is like|"
    r"replied|wrote)\s*$",
    re.I,
)
_FOR_US = re.compile(r"\b(?:us|our|for us)\b", re.I)
_ELABORATION = re.compile(r"^they:(no-frame|.*:planned|.*:negated|.*:bare)$|^they:(speech|refuse)$")

# Clause -> command: the shapes that turn a give into an offer or a trade, a move of theirs
# into a get, and words said to our own side into small talk.
_PROPOSAL = re.compile(
    r"^(?:\w+\s+){0,2}(?:a |an |the |our |two |three |\d )?(?:new |revised )?"
    r"(?:bundles?|options|packages?|proposal|quote|counter|counteroffer|"
    r"price sheet|pricing options)\b",
    re.I,
)
_AND_GOT = re.compile(
    r",?\s+(?:and\s+)?(?:we\s+|i\s+)?(?:got|secured|won|landed)\s+(?P<get>.+)$", re.I
)
_CONDITION_INSIDE = re.compile(
    r"\b(?:if|as long as|so long as|provided|on condition)\s+(?:we|i)\b", re.I
)
_THEY_MAY_HAVE = re.compile(r"\b(?:can|could|may|get to)\s+(?:have|keep)\b", re.I)
_THEIR_ASK = re.compile(
    r"\b(ask|request|demand|requirement|insistence|condition|clause|"
    r"push|redline|objection|charge|fee|indemnity|penalty|surcharge|minimum|"
    r"liability|exclusivity|non-compete|clawback|cliff|markup|uplift|increase)"
    r"s?\b",
    re.I,
)
_OUR_PEOPLE = re.compile(
    r"^(?:(?:my|our) (?:boss|manager|vp|team|cfo|ceo|legal|finance|director|"
    r"lead|head|wife|husband|partner)|myself|ourselves)\b",
    re.I,
)


class Reader:
    """Reads plain lines into commands; built once, cheap per line."""

    def __init__(self, lexicon: ReaderLexicon | None = None):
        self.lex = lexicon or load_reader_lexicon()
        self.clauses = ClauseReader(self.lex)
        # Each kind of line has a reader of its own; they share the clause reader.
        self._notes = NoteReader(self.lex, self.clauses)
        self._trades = TradeReader(self.lex, self.clauses)
        self._frameless = FramelessReader(self.lex, self.clauses, self._notes)
        self._non_items = [re.compile(p, re.IGNORECASE) for p in self.lex.non_items]
        self._known = frozenset(
            w
            for group in (
                self.lex.fillers,
                self.lex.we_actors,
                self.lex.they_actors,
                self.lex.datives,
                self.lex.empty_items,
                self.lex.yes_words,
            )
            for phrase in group
            for w in phrase.split()
        ) | {"the", "a", "an", "and", "but"}

    def may_tell_of_a_move(self, text: str) -> bool:
        """Whether a typed `they` line is worth reading: a past verb up front, or a recap.

        A cheap first look ("threw in", "agreed", several sentences) that spares most of
        their lines a full reading.
        """
        if _SENTENCE.search(text):
            return True
        words = [t.word for t in tokenize(text[:60])][:4]
        return any(verb_lemma(w) != w and not w.endswith(("s", "ing")) for w in words)

    def knows(self, word: str) -> bool:
        """Whether ``word`` is a real word ("the", "net"), so never a typo of a command."""
        return word in self._known or is_word(word)

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
                    ctx = replace(
                        ctx, last_move=Move(kind="they", text=reading.command[4:].lstrip(": "))
                    )
            moves = [r for r in readings if r.kind == "command"]
            if any(not _ELABORATION.match(r.rule) and r.rule != "they:no-frame" for r in moves):
                # "priya called." in a recap is scene-setting, not a move of theirs
                moves = [
                    r
                    for r in moves
                    if r.rule != "they:no-frame"
                    and not (_ELABORATION.match(r.rule) and r.rule.startswith("they:news"))
                ]
            if len(moves) > 1:
                return Reading(
                    "recap",
                    tuple(r.command for r in moves),
                    rule="recap:" + ",".join(r.rule for r in moves),
                )
            if len(moves) == 1:
                return moves[0]
            unclear = [r for r in readings if r.kind == "unclear"]
            return unclear[0] if unclear else Reading("chat", rule="recap:nothing")
        return self._sentence(text, ctx)

    def _sentence(self, text: str, ctx: ReadContext) -> Reading:
        bare = _LEAD_FILLER.sub("", text.strip(" .!"))
        lowered = bare.lower()
        note = self._notes.note(bare, lowered, ctx)
        if note is not None:
            return note
        clause = self.clauses.read(bare, bare, 0, ctx.names)
        if self._notes.is_question(bare, lowered, clause):
            return self._notes.help(lowered)
        if clause.side != "we":
            when = self._notes.meeting_time(bare, lowered, ctx, anywhere=True)
            if when:  # "Mark can do Monday 11:30 for the sign-off call"
                return Reading("command", (f"meeting {when}",), rule="note:meeting-anywhere")
        trade = self._trades.read(bare, ctx)
        if trade is not None:
            return trade
        if _STARTS_CONDITION.match(bare):
            # A condition we could not split into its two halves: ask, never guess a give.
            return Reading("unclear", (f"say {bare}", f"they: {bare}"), rule="unclear:condition")
        parts = self._split_clauses(bare, ctx)
        if len(parts) > 1:
            return self._compound(parts, bare, ctx)
        return self._from_clause(clause, bare, ctx)

    # -- clauses -------------------------------------------------------------------------
    def _split_clauses(self, text: str, ctx: ReadContext) -> list[tuple[str, Clause]]:
        """Clauses joined by "and", "but", commas, when the next one has its own actor."""
        parts: list[tuple[str, Clause]] = []
        start = 0
        for m in _CLAUSE_JOIN.finditer(text):
            right = text[m.end() :]
            tokens = tokenize(right[:60])
            at = self.clauses.skip_fillers(tokens, 0) if tokens else 0
            side, _, _ = self.clauses.actor_at(tokens, at, ctx.names) if tokens else (None, 0, 0)
            left = text[start : m.start()]
            said = self.clauses.read(left, left, 0, ctx.names)
            if side is None and _IT_IS_TAIL.match(right):
                side = "we"  # "they wanted net 60 so net 60 it is": our yes to it
            if (
                side is None
                or _ENDS_WITH_SAYING.search(left)
                or (said.kind == "speech" and said.side == "we")
            ):
                continue  # "so Raj says, we need X" / "told priya ..., so we need X": one speech
            piece = text[start : m.start()]
            if piece.strip():
                parts.append((piece, self.clauses.read(piece, piece, 0, ctx.names)))
            start = m.end()
        if parts:
            piece = text[start:]
            parts.append((piece, self.clauses.read(piece, piece, 0, ctx.names)))
        return parts

    def _compound(self, parts: list[tuple[str, Clause]], text: str, ctx: ReadContext) -> Reading:
        readings = []
        for piece, clause in parts:
            reading = self._from_clause(clause, piece, ctx)
            readings.append(reading)
            if reading.command.startswith("they"):
                # "so Jo pushes on start date and I say fine": yes grants what was just asked
                ctx = replace(
                    ctx, last_move=Move(kind="they", text=reading.command[4:].lstrip(": "))
                )
        readings = [
            Reading("command", (f"get {_strip_pronoun(parts[i][1].text)}",), rule="they:for-us")
            if r.rule == "they:no-frame"
            and _FOR_US.search(parts[i][1].text)
            and any(x.command.startswith("give ") for x in readings)
            else r
            for i, r in enumerate(readings)
        ]
        commands = [r for r in readings if r.kind == "command"]
        if (
            len(commands) == 2
            and commands[0].rule.startswith("they:ask")
            and commands[1].rule.startswith("we:speech")
        ):
            commands = commands[1:]  # "alex asked my expectations and i said ...": our answer
        if any(r.rule.endswith("+ask") for r in commands):
            # "Jo pushes on start date and I say fine": the give already names their ask
            commands = [r for r in commands if not r.command.startswith("they")]
        moves = [r for r in commands if not _ELABORATION.match(r.rule)]
        if moves and len(moves) < len(commands):
            # "added 25 seats, dana was thrilled": the second clause only colours the first
            commands = moves
        if (
            len(commands) == 2
            and commands[0].command.startswith("give ")
            and (commands[1].rule == "they:get" or commands[1].command.startswith("give "))
        ):
            commands = commands[:1]  # "caved on the title, he gets senior": one give
        if (
            len(parts) == 2
            and readings[0].kind == "unclear"
            and readings[1].rule.endswith(":no-item")
        ):
            # "price lock thru 2027, gave it to them": the thing comes first
            verb = "get" if readings[1].rule.startswith("they:") else "give"
            return Reading(
                "command", (f"{verb} {parts[0][0].strip(' ,')}",), rule=f"{verb}:thing-before"
            )
        gives = [r.command[5:] for r in commands if r.command.startswith("give ")]
        gets = [r.command[4:] for r in commands if r.command.startswith("get ")]
        if len(gives) == 1 and len(gets) == 1:
            return Reading("command", (f"trade {gives[0]} for {gets[0]}",), rule="trade:and")
        theirs = [r for r in commands if r.command.startswith("they")]
        if theirs and len(theirs) == len(commands):
            # "they pushed hard on price and want 15% off": one line of theirs
            return Reading("command", (they_text(text),), rule="they:compound")
        if len(commands) == 1:
            return commands[0]
        if len(commands) > 1:
            return Reading("recap", tuple(r.command for r in commands), rule="recap:clauses")
        return self._from_clause(parts[0][1], text, ctx)

    def _from_clause(self, clause: Clause, text: str, ctx: ReadContext) -> Reading:
        if clause.passive and not clause.negated:
            passive = self._passive(clause)
            if passive is not None:
                return passive
        kind, side = clause.kind, clause.side
        if kind is None:
            return self._frameless.read(clause, text, ctx)
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
            if kind in ("ask", "offer") and _REPORTED_QUESTION.match(clause.item):
                # "I asked Dana whether they'd cough up a case study": our words, not an offer
                return Reading("command", (f"say {clause.item}",), rule=rule + ":question")
            if kind in ("ask", "offer") and clause.item[:1] in {"'", '"'}:
                return Reading(
                    "command",
                    (f"say {clause.item.strip(chr(39) + chr(34))}",),
                    rule=rule + ":quoted",
                )
            if kind in ("give", "accept", "reduce") and _PROPOSAL.match(clause.item):
                return Reading("command", (f"offer {clause.item}",), rule=rule + ":proposal")
            if kind in ("give", "accept", "reduce"):
                if clause.item[:4].lower() in ("and ", "then"):
                    # "I just caved and knocked another 3% off": the second verb has the thing
                    again = self.clauses.read(
                        "we " + clause.item.split(" ", 1)[1], "", 0, ctx.names
                    )
                    if again.kind is not None and again.item:
                        return self._from_clause(again, text, ctx)
                got = _AND_GOT.search(clause.item)
                if got and clause.item[: got.start()].strip():
                    return Reading(
                        "command",
                        (f"trade {clause.item[: got.start()].strip()} for {got.group('get')}",),
                        rule=rule + ":and-got",
                    )
                if clause.item:
                    return Reading("command", (f"give {clause.item}",), rule=rule)
                ask = their_request(self.clauses, ctx)
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
        if clause.item[:4].lower() == "and " and not clause.negated:
            # "Dana came back and agreed to the 3% uplift": the second verb says what moved
            again = self.clauses.read("they " + clause.item[4:], "", 0, ctx.names)
            if again.kind is not None and again.item:
                return self._from_clause(again, text, ctx)
        if kind in ("give", "accept") and _CONDITION_INSIDE.search(clause.item):
            return Reading("command", (self._their_line(clause),), rule=rule + ":conditional")
        if kind in ("give", "accept") and not clause.negated and not clause.planned:
            if clause.item and self._non_item(clause.item):
                return Reading("chat", rule=rule + ":figure-of-speech")
            if clause.item:
                # ":past" marks a thing they did, which a typed `they` line may become
                return Reading(
                    "command", (f"get {clause.item}",), rule=rule + (":past" if clause.past else "")
                )
            ask = self._our_last_offer(ctx)
            return (
                Reading("command", (f"get {ask}",), rule=rule)
                if ask
                else Reading("chat", rule=rule + ":no-item")
            )
        if (
            kind == "get"
            and clause.verb in ("have", "keep")
            and not _THEY_MAY_HAVE.search(clause.text)
        ):
            return Reading("command", (self._their_line(clause),), rule=rule)  # "they have X"
        if kind == "get" and not clause.negated and clause.item:
            return Reading("command", (f"give {clause.item}",), rule=rule)
        if kind == "get" and not clause.negated and not clause.planned:
            ask = self._notes.their_request_of(ctx)
            if ask:  # "the agent wanted a 2k bump and, well, he got it"
                return Reading("command", (f"give {ask}",), rule=rule + "+ask")
        if kind == "reduce" and not clause.negated and _THEIR_ASK.search(clause.item):
            # "raj dropped the audit clause": they let go of something they wanted
            done = ":past" if clause.past else ""
            return Reading("command", (f"get {clause.item}",), rule=f"{rule}:their-ask{done}")
        if kind == "speech" and not clause.negated:
            said = re.sub(r"^(?:that|us|me|them)\s+", "", clause.item, flags=re.I).strip(" '\"")
            fine = FINE_ITEM.match(said)
            if fine:  # "alex said my 145k ask is fine": they accepted it
                return Reading(
                    "command",
                    (f"get {fine.group('item') or fine.group('item2')}",),
                    rule=rule + ":accepts",
                )
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

    def _passive(self, clause: Clause) -> Reading | None:
        """Something done to one side: "we were given X" is a get, "Initech was handed Y" ours."""
        kind, item = clause.kind, clause.item
        rule = f"passive:{clause.side}:{kind}"
        if not item:
            return None
        if clause.side == "we":
            if kind in ("give", "accept"):
                return Reading("command", (f"get {item}",), rule=rule)
            if kind == "get":
                return Reading("command", (f"give {item}",), rule=rule)  # talked into it
            if kind in ("ask", "offer"):
                return Reading("command", (f"they: {clause.text}",), rule=rule)
        if clause.side == "they" and kind in ("give", "accept"):
            return Reading("command", (f"give {item}",), rule=rule)
        return None

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
        said = re.sub(
            r"^(?:that|them|him|her|to them|to him|to her)\s+", "", clause.item, flags=re.I
        ).strip(" \"'")
        said = re.sub(r"^(?:that)\s+", "", said, flags=re.I).strip(" \"'")
        if not said:
            # "we said yes": the item was only the yes (a word that is no thing by itself)
            spoken = clause.from_verb.partition(" ")[2].strip(" .!,").lower()
            if spoken and self._notes.acceptance.match(spoken):
                return self._notes.acceptance_reading(ctx)
            return Reading("chat", rule=rule + ":nothing-said")
        lowered = said.lower()
        if re.fullmatch(
            r"(no|nope|no way|not yet|we can't|we cannot|we'll pass|"
            r"we will pass|no thanks)[ .!]*",
            lowered,
        ):
            return Reading("chat", rule=rule + ":no")
        if self._notes.acceptance.match(lowered):
            return self._notes.acceptance_reading(ctx)
        yes = self._notes.leading_yes.match(said)
        if yes:
            # "I go, sure, we'll train their reps for free" / "I say fine, Monday week"
            rest = said[yes.end() :]
            inner = self.clauses.read(rest, rest, 0, ctx.names)
            if inner.side in ("we", None) and inner.kind in ("give", "accept") and inner.item:
                return Reading("command", (f"give {inner.item}",), rule=rule + ":yes-and")
            ask = their_request(self.clauses, ctx)
            if ask:
                return Reading("command", (f"give {ask}",), rule=rule + ":yes+ask")
        conditional = None if clause.planned else self._trades.conditional(said, ctx)
        if conditional is not None:
            return conditional  # "I said we can do 148 if he starts by may 15": our trade
        return Reading("command", (f"say {said}",), rule=rule)


def _strip_pronoun(text: str) -> str:
    return re.sub(r"^(?:they|he|she)\s+", "", text.strip(), flags=re.I)
