"""Whole-line notes and questions: lines read as one thing before any clause is parsed.

Small talk, a bare yes to their last request, status and log asks, our walk-away, BATNA,
evidence, what to say, the next meeting, an offer, a line of theirs; and questions or
requests for lines, which become ``script <topic>`` or ``faq <words>``. The patterns are
data in the reader lexicon; what is here decides which wins and what each becomes.
"""

from __future__ import annotations

import re

from flows.amounts import find_amounts
from flows.reading.clauses import Clause, ClauseReader
from flows.reading.readings import ReadContext, Reading
from flows.when import parse_when
from phrases.lexicon import ReaderLexicon

_MEETING_WORDS = re.compile(
    r"\b(call|meeting|sync|chat|catch[- ]?up|check[- ]?in|reconven\w*|regroup\w*|"
    r"follow(?:ing)?[- ]?up|circle back|touch base|back on|debrief|interview|qbr|session|"
    r"demo|walk[- ]?through|go over|meet|meeting|talk again|speak again|round|call back)\b"
)
_HAS_DAY_OR_TIME = re.compile(
    r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\w*\b|\btomorrow\b|\btmrw\b|"
    r"\d\s*(am|pm)\b|\d:\d\d|\bnext week\b|\b\d{1,2}(st|nd|rd|th)\b|\bnoon\b"
)
_BARE_HOUR = re.compile(r"\b(at|@)\s+(\d{1,2})\b(?![:.]\d|\s*(?:am|pm|h\b|%|k\b))", re.I)
# "offer from Acme ..." is their offer, not ours.
_FROM_THEM = re.compile(r"^\S*\s*(?:\w+\s+)?(?:from|by)\s", re.I)
_ASKING = re.compile(
    r"\b(?:want|wants|need|needs|ask|asks|asking|asked|request|requests|require|"
    r"requires|insist|insists|demand|demands|expect|expects|push|pushing|"
    r"looking for|hoping for|would like|'d like)\b",
    re.I,
)
_WORDS = re.compile(r"[a-z0-9%$-]+")
# Words that say a line is a question but not what it is about: left out of ``faq`` words.
_QUESTION_WORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "i",
        "we",
        "to",
        "do",
        "should",
        "what",
        "how",
        "can",
        "could",
        "would",
        "is",
        "are",
        "for",
        "of",
        "me",
        "them",
        "my",
        "our",
        "their",
        "it",
        "this",
        "that",
        "about",
        "any",
        "on",
        "if",
        "say",
        "tell",
        "you",
        "they",
        "with",
        "when",
        "there",
    }
)


def _business_hour(m: re.Match[str]) -> str:
    hour = int(m.group(2))
    if 1 <= hour <= 7:
        return f"{m.group(1)} {hour}pm"
    if 8 <= hour <= 11:
        return f"{m.group(1)} {hour}am"
    return m.group(0)


def their_request(clauses: ClauseReader, ctx: ReadContext) -> str:
    """What their last logged line asked for, when the last move was theirs."""
    move = ctx.last_move
    if move is None or move.kind != "they" or not move.text:
        return ""
    clause = clauses.read(move.text, move.text, 0, ctx.names)
    if clause.kind in ("ask", "offer", "get") and clause.item:
        return clause.item  # "want net-90" -> net-90; "Sam keeps the stipend" -> the stipend
    if clause.kind == "speech" or not _ASKING.search(move.text):
        return ""  # "Jo says, split it": words, not a request to grant with a yes
    return move.text


class NoteReader:
    """Whole-line notes, meeting times and questions; built once with the reader."""

    def __init__(self, lexicon: ReaderLexicon, clauses: ClauseReader):
        self.lex = lexicon
        self.clauses = clauses
        flags = re.IGNORECASE
        self._notes = {
            kind: [re.compile(p, flags) for p in patterns]
            for kind, patterns in self.lex.notes.items()
        }
        self._help_starts = [re.compile(p, flags) for p in self.lex.help.starts]
        self._help_words = [re.compile(p, flags) for p in self.lex.help.help_words]
        self._topics = {
            t: [re.compile(p, flags) for p in ps] for t, ps in self.lex.help.topics.items()
        }
        yes = "|".join(re.escape(w) for w in sorted(self.lex.yes_words, key=len, reverse=True))
        # A line that is only a yes, and a yes that opens a line: speech reuses both
        # ("I said sure, we'll train their reps").
        self.acceptance = re.compile(rf"^(?:(?:{yes})\b[\s,.!]*)+$", flags)
        self.leading_yes = re.compile(rf"^(?:(?:{yes})\b[\s,.!]*)+(?=\S)", flags)

    def note(self, text: str, lowered: str, ctx: ReadContext) -> Reading | None:
        """The reading of a line that is one note as a whole, or None to read its clauses."""
        if self.acceptance.match(lowered):
            return self.acceptance_reading(ctx)
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
                    return Reading(
                        "command", (f"{kind} {m.group('rest').strip()}",), rule=f"note:{kind}"
                    )
        for pattern in self._notes.get("meeting", []):
            m = pattern.match(text)
            if m and self._is_time(m.group("when"), ctx):
                return Reading(
                    "command", (f"meeting {m.group('when').strip(' .')}",), rule="note:meeting"
                )
        when = self.meeting_time(text, lowered, ctx)
        if when:
            return Reading("command", (f"meeting {when}",), rule="note:meeting-words")
        for pattern in self._notes.get("offer", []):
            m = pattern.match(text)
            if m and not _FROM_THEM.search(m.group("rest")):
                return Reading("command", (f"offer {m.group('rest').strip()}",), rule="note:offer")
        for pattern in self._notes.get("they", []):
            m = pattern.match(text)
            if m:
                return Reading("command", (f"they: {m.group('rest').strip()}",), rule="note:they")
        return None

    def meeting_time(
        self, text: str, lowered: str, ctx: ReadContext, *, anywhere: bool = False
    ) -> str:
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
                window = " ".join(w for w in words[start : start + size] if w)
                if (
                    (anywhere or start + size == len(words))
                    and len(window) > len(best)
                    and (_HAS_DAY_OR_TIME.search(window.lower()) and self._is_time(window, ctx))
                ):
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
        word = (groups.get("dir") or "") + " " + lowered[: m.start("rest")]
        if re.search(
            r"\b(below|under|lower than|less than|floor|min|minimum|lowest|bottom|"
            r"south of)\b",
            word,
        ):
            direction = "min"
        elif re.search(
            r"\b(above|over|higher than|more than|past|beyond|ceiling|max|maximum|"
            r"highest|cap|top|north of)\b",
            word,
        ):
            direction = "max"
        if direction and find_amounts(rest):
            return Reading("command", (f"walkaway {direction} {rest}",), rule="note:walkaway")
        return Reading("command", (f"walkaway {rest}",), rule="note:walkaway")

    def their_request_of(self, ctx: ReadContext) -> str:
        """What their last line asked for (see :func:`their_request`)."""
        return their_request(self.clauses, ctx)

    def acceptance_reading(self, ctx: ReadContext) -> Reading:
        """A bare yes: the give of what they last asked for, or small talk if they asked none."""
        ask = their_request(self.clauses, ctx)
        if ask:
            return Reading("command", (f"give {ask}",), rule="dialogue:yes-to-their-ask+ask")
        return Reading("chat", rule="dialogue:yes-without-ask")

    # -- questions -----------------------------------------------------------------------
    def is_question(self, text: str, lowered: str, clause: Clause) -> bool:
        """Whether the line asks for help or a line to say, rather than logging a move."""
        if any(p.search(lowered) for p in self._help_words):
            return True  # "priya keeps pushing, how do i handle it": help, whoever it names
        starts = any(p.match(lowered) for p in self._help_starts)
        if starts and text.rstrip().endswith("?"):
            return True  # "what if they ask for net-90?": a question, whoever it names
        if clause.side == "they" and clause.kind is not None and not clause.planned:
            return False  # "they asked if we can do net-90?" reports their move
        if text.rstrip().endswith("?"):
            return True
        return starts and (clause.kind is None or clause.planned or clause.side is None)

    def help(self, lowered: str) -> Reading:
        """A question as ``script <topic>`` when a topic matches, else ``faq <its words>``."""
        for topic, patterns in self._topics.items():
            if any(p.search(lowered) for p in patterns):
                return Reading("command", (f"script {topic}",), rule=f"help:{topic}")
        words = [w for w in _WORDS.findall(lowered) if w not in _QUESTION_WORDS]
        return Reading(
            "command", ("faq " + " ".join(words[:8]),) if words else ("faq",), rule="help:faq"
        )
