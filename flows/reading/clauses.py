"""One clause: who acts, how (plan, negation, question), with which verb frame, on what.

"we threw in free installation" is our side, a give frame, the thing "free installation";
"Dana came back at 92k" is their side, an offer frame; "we didn't give them anything" is
our side, negated. The clause reading is still neutral about commands: the line reader
(:mod:`flows.reading.reader`) decides what a clause becomes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from flows.amounts import find_amounts
from flows.reading.words import Phrase, Token, longest_at, phrases, tokenize, verb_lemma
from phrases.lexicon import FRAME_KINDS, ReaderLexicon

Side = Literal["we", "they"]

# Frames tried first win a tie of equal length ("said yes to" is an accept, not speech).
_KIND_ORDER = ("accept", "give", "reduce", "get", "refuse", "speech", "offer", "ask")
_THIRD_PERSON = re.compile(r"^[a-z]+s$")
_POSSESSIVE_THEIRS = ("their", "his", "her")
_POSSESSIVE_OURS = ("our", "my")
# After a gap: a second verb ("let them keep X") or a particle that belongs to the thing.
_VERBS_AFTER_GAP = frozenset(
    {
        "keep",
        "have",
        "push",
        "move",
        "take",
        "use",
        "pay",
        "start",
        "skip",
        "defer",
        "bring",
        "add",
        "extend",
        "know",
    }
)
_PERCENT = re.compile(r"\d\s*%")
_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "my", "his", "her", "this", "that"})
_PERFECT = frozenset({"have", "has", "had", "'ve", "'d"})


def _is_past(word: str) -> bool:
    """Whether a verb form tells of something done ("threw", "agreed"), not said or planned."""
    lemma = verb_lemma(word)
    return lemma != word and not word.endswith(("s", "ing"))


_BE = frozenset({"'re", "are", "is", "was", "were", "'s", "am", "'m", "been", "be", "being"})
_PARTICIPLE = re.compile(r"^(?:[a-z]+(?:ed|en)|done|gone|set|cut|put|shut|given|taken|paid)$")
# Helper words that can also be the main verb ("they can have X", "we had to keep X").
_MAIN_VERB_HELPERS = frozenset({"have", "had", "has", "do", "did", "does"})
# Roles that stand alone as a subject ("procurement wants", "legal pushed back").
_BARE_ROLES = frozenset(
    {
        "procurement",
        "legal",
        "finance",
        "hr",
        "recruiter",
        "candidate",
        "hiring",
        "board",
        "committee",
        "panel",
    }
)
_AFTER_IS = frozenset(
    {
        "fine",
        "ok",
        "okay",
        "good",
        "happy",
        "cool",
        "on",
        "out",
        "back",
        "in",
        "open",
        "not",
        "now",
        "still",
        "also",
        "just",
        "pushing",
        "done",
        "firm",
        "set",
        "keen",
        "willing",
        "ready",
        "insisting",
        "asking",
    }
)
_PARTICLES_KEPT = frozenset({"off", "to", "on", "at", "with", "down", "back", "up"})


@dataclass(frozen=True)
class Clause:
    """What one clause says, before it becomes a command."""

    side: Side | None
    kind: str | None
    # The thing that changed hands or the words said, as the user wrote them.
    item: str
    # The clause from its verb on ("asking for net-90"), for the other side's lines.
    from_verb: str
    # The clause from its subject on, without fillers.
    text: str
    planned: bool = False
    negated: bool = False
    actor_named: bool = False
    # The verb's lemma ("throw" for "threw in").
    verb: str = ""
    # "their budget ...", "our offer ...": a possessive subject, no verb frame needed.
    possessive: Side | None = None
    # Told as done ("threw in", "have agreed"), not as said ("take it or leave it").
    past: bool = False
    # The actor had it done to them ("we were given X").
    passive: bool = False


@dataclass(frozen=True)
class _Frame:
    kind: str
    words: tuple[str, ...]


# Frames the reader builds itself: "let them <do something>", "offered to <do something>".
_LET = _Frame("give", ("let", "{x}", "*"))
_OFFER_TO = _Frame("give", ("offer", "to"))


class ClauseReader:
    """Reads clauses with the lexicon's word lists and frames."""

    def __init__(self, lexicon: ReaderLexicon):
        self.lex = lexicon
        self._fillers = phrases(lexicon.fillers)
        self._we = phrases(lexicon.we_actors)
        self._they = phrases(lexicon.they_actors)
        self._datives = phrases(lexicon.datives)
        self._plan = phrases(lexicon.modal_plan)
        self._will = phrases(lexicon.modal_will)
        self._negation = phrases(lexicon.negation)
        self._adverbs = phrases(lexicon.adverbs)
        self._tails = phrases(lexicon.item_tails)
        self._roles = frozenset(lexicon.role_nouns)
        self._names_now: frozenset[str] = frozenset()
        self._empty = {" ".join(t.word for t in tokenize(e)) for e in lexicon.empty_items}
        self._frames: dict[str, list[_Frame]] = {}
        for kind in _KIND_ORDER:
            for entry in lexicon.frames.get(kind, []):
                words = tuple(entry.lower().split())
                first = verb_lemma(words[0])
                self._frames.setdefault(first, []).append(_Frame(kind, (first, *words[1:])))
        self._needs_amount = {tuple(e.lower().split()) for e in lexicon.frames_needing_amount}
        for frames in self._frames.values():
            frames.sort(
                key=lambda f: (-len([w for w in f.words if w != "{x}"]), _KIND_ORDER.index(f.kind))
            )
        assert set(lexicon.frames) <= set(FRAME_KINDS)

    def is_give_verb(self, word: str) -> bool:
        """Whether ``word`` is a form of a give, accept or reduce verb ("waived", "agreed")."""
        frames = self._frames.get(verb_lemma(word.lower()), [])
        return any(f.kind in ("give", "accept", "reduce") for f in frames)

    def is_frame_head(self, word: str) -> bool:
        """Whether ``word`` (or its lemma) starts a verb frame of the lexicon."""
        return word in self._frames or verb_lemma(word) in self._frames

    # -- actors --------------------------------------------------------------------------
    def actor_at(
        self, tokens: Sequence[Token], i: int, names: frozenset[str]
    ) -> tuple[Side | None, int, bool]:
        """The side whose actor starts at ``i``, the index after it, and if it was a name."""
        end = longest_at(tokens, i, self._we)
        if end is not None:
            return "we", end, False
        end = longest_at(tokens, i, self._they)
        if end is not None:
            return "they", end, False
        role = self._role_actor(tokens, i)
        if role is not None:
            return "they", role, True
        if i < len(tokens) and tokens[i].word.endswith("s") and tokens[i].word[:-1] in names:
            return "they", i + 1, True  # "sams asking for 160k": Sam's, typed without '
        if i < len(tokens) and tokens[i].word in names:
            end = i + 1
            # "Dana Reyes", "Dana from procurement", "the CFO Mark"
            while end < len(tokens) and tokens[end].word in names:
                end += 1
            if (
                end < len(tokens)
                and tokens[end].word == "'s"
                and end + 1 < len(tokens)
                and not self._is_contraction(tokens[end + 1])
            ):
                return None, i, False  # "Dana's budget": a possessive, read elsewhere
            return "they", end, True
        return None, i, False

    def _role_actor(self, tokens: Sequence[Token], i: int) -> int | None:
        """The end of a role phrase ("the new procurement guy", "hiring manager") at ``i``."""
        j = i + 1 if i < len(tokens) and tokens[i].word in {"the", "their", "his", "her"} else i
        # With an article, a few modifiers may come first ("the new procurement guy"); without
        # one, only a compound ("hiring manager") - else "told tom our board" is an actor.
        reach = 4 if j > i else 2
        for k in range(j, min(j + reach, len(tokens))):
            word = tokens[k].word
            if word in self._roles:
                nxt = tokens[k + 1] if k + 1 < len(tokens) else None
                if nxt is not None and nxt.word in self._roles:
                    continue  # "hiring manager", "procurement lead": take the longer one
                if k == j and i == j and word not in _BARE_ROLES:
                    return None  # a bare "team" or "side" at the start is no actor
                return k + 1
            if not word.isalpha() or word in {"is", "was", "are", "were", "and", "'s"}:
                return None
        return None

    @staticmethod
    def _is_contraction(token: Token) -> bool:
        """After "Dana's": a state or a verb ("dana's fine", "dana's asking"), not a noun."""
        return token.word.endswith("ing") or token.word in _AFTER_IS

    def skip_fillers(self, tokens: Sequence[Token], i: int) -> int:
        """The first index past fillers and punctuation ("so", "btw", "on the call")."""
        while i < len(tokens):
            if tokens[i].word in {",", ":", ";", "-", "!"}:
                i += 1
                continue
            end = longest_at(tokens, i, self._fillers)
            if end is None:
                return i
            i = end
        return i

    # -- the clause ----------------------------------------------------------------------
    def read(self, text: str, line: str, offset: int, names: frozenset[str]) -> Clause:
        """Read one clause; ``text`` is a slice of ``line`` starting at ``offset``."""
        self._names_now = names
        tokens = tokenize(text)
        i = self.skip_fillers(tokens, 0)
        start = tokens[i].start if i < len(tokens) else len(text)
        side, i, named = self.actor_at(tokens, i, names)
        possessive = self._possessive(tokens, i if side is None else -1, names)
        planned = negated = False
        helpers: list[int] = []
        while i < len(tokens):
            for phrase_list, flag in (
                (self._negation, "neg"),
                (self._plan, "plan"),
                (self._will, "will"),
                (self._adverbs, "adv"),
            ):
                end = longest_at(tokens, i, phrase_list)
                if end is not None:
                    if flag == "neg":
                        negated = True
                    elif flag == "plan":
                        planned = True
                    helpers.append(i)
                    i = end
                    break
            else:
                break
        frame, verb_at, after, gap = self._frame(tokens, i)
        passive = False
        if (
            frame is not None
            and helpers
            and tokens[helpers[-1]].word in _BE
            and _PARTICIPLE.match(tokens[verb_at].word)
        ):
            if side is None:
                frame = None  # "it was dropped": a state, and nobody says who did it
            else:
                passive = True  # "we were given X", "Initech was handed Y"
        if frame is None and helpers and tokens[helpers[-1]].word in _MAIN_VERB_HELPERS:
            # "they can have premium support": "have" is the verb here, not a helper
            frame, verb_at, after, gap = self._frame(tokens, helpers[-1])
        if frame is None and side is None and i < len(tokens):
            # "he said ..." after a filler we do not know ("ok so he said"): look a little on.
            for j in range(i + 1, min(i + 4, len(tokens))):
                side2, k, named2 = self.actor_at(tokens, j, names)
                if side2 is not None:
                    frame2, verb2, after2, gap2 = self._frame(tokens, self._skip_aux(tokens, k))
                    if frame2 is not None:
                        side, named, frame, verb_at, after, gap = (
                            side2,
                            named2,
                            frame2,
                            verb2,
                            after2,
                            gap2,
                        )
                        start = tokens[j].start
                        break
        if frame is not None and side is None:
            verb = tokens[verb_at].word
            # "wants net-90" (third person, no subject) is them; "threw in training" is us.
            side = (
                "they"
                if (
                    _THIRD_PERSON.match(verb)
                    and verb_lemma(verb) != verb
                    and verb_lemma(verb) + "s" == verb
                )
                else "we"
            )
        item = ""
        from_verb = ""
        if frame is not None:
            item = self._item(text, tokens, after, gap, frame, names)
            if frame.words in self._needs_amount and not (
                find_amounts(item) or _PERCENT.search(item)
            ):
                frame, item = None, ""  # "went to their office" is no price move
            from_verb = text[tokens[verb_at].start :].strip(" .!,;")
        if frame is None:
            from_verb = ""
        return Clause(
            side=side,
            kind=frame.kind if frame else None,
            item=item,
            from_verb=from_verb,
            text=text[start:].strip(" .!,;"),
            planned=planned,
            negated=negated,
            actor_named=named,
            possessive=possessive,
            verb=frame.words[0] if frame else "",
            passive=passive and frame is not None,
            past=frame is not None
            and (
                _is_past(tokens[verb_at].word) or any(tokens[h].word in _PERFECT for h in helpers)
            ),
        )

    def _skip_aux(self, tokens: Sequence[Token], i: int) -> int:
        while i < len(tokens):
            end = None
            for phrase_list in (self._negation, self._plan, self._will, self._adverbs):
                end = longest_at(tokens, i, phrase_list)
                if end is not None:
                    break
            if end is None:
                return i
            i = end
        return i

    def _possessive(self, tokens: Sequence[Token], i: int, names: frozenset[str]) -> Side | None:
        if i < 0 or i >= len(tokens):
            return None
        word = tokens[i].word
        if word in _POSSESSIVE_THEIRS:
            return "they"
        if word in _POSSESSIVE_OURS:
            return "we"
        if word in names and i + 1 < len(tokens) and tokens[i + 1].word == "'s":
            return "they"
        return None

    def _frame(
        self, tokens: Sequence[Token], i: int
    ) -> tuple[_Frame | None, int, int, tuple[int, int] | None]:
        """The verb frame at ``i`` (or one word on, past an unknown adverb)."""
        for at in (i, i + 1):
            if at >= len(tokens):
                break
            if at + 1 < len(tokens) and tokens[at + 1].word == "'s":
                break  # "discount's at 12%": a noun that is, not a verb
            if tokens[at].lemma == "let" and at + 2 < len(tokens):
                # "let globex list us as a reference": whatever we let them do is a give
                k = self._past_dative(tokens, at + 1)
                if k > at + 1 and k < len(tokens):
                    skip = 1 if tokens[k].word in {"keep", "have"} else 0
                    return _LET, at, k + skip, None
            if tokens[at].lemma == "offer" and at + 2 < len(tokens) and tokens[at + 1].word == "to":
                return _OFFER_TO, at, at + 2, None  # "offered to fund two SDRs": a give
            for frame in self._frames.get(tokens[at].lemma, []) + self._frames.get(
                tokens[at].word, []
            ):
                found = self._match_frame(tokens, at, frame)
                if found is not None:
                    return frame, at, found[0], found[1]
            if not tokens[at].word.endswith("ly"):
                break  # only an adverb ("quickly", "finally") may stand before the verb
        return None, i, i, None

    @staticmethod
    def _match_frame(
        tokens: Sequence[Token], at: int, frame: _Frame
    ) -> tuple[int, tuple[int, int] | None] | None:
        """Where the frame ends, and the gap a ``{x}`` covered ("knocked [5%] off")."""
        k = at + 1
        for n, word in enumerate(frame.words[1:], 1):
            if word == "{x}":
                rest = frame.words[n + 1 :]
                if not rest:
                    return k, None
                # The rest may come a few words later: "knocked 5% off", "let them keep".
                for j in range(k + 1, min(k + 7, len(tokens)) + 1):
                    if tuple(t.word for t in tokens[j : j + len(rest)]) == rest:
                        if all(t.word in _DETERMINERS for t in tokens[k:j]):
                            continue  # "did the free training": "the" alone is no thing
                        return j + len(rest), (k, j)
                return None
            if k >= len(tokens) or (tokens[k].word != word and tokens[k].lemma != word):
                return None
            k += 1
        return k, None

    def _item(
        self,
        text: str,
        tokens: Sequence[Token],
        after: int,
        gap: tuple[int, int] | None,
        frame: _Frame,
        names: frozenset[str],
    ) -> str:
        if gap is None:
            return self._trim(text, list(tokens[after:]), names)
        start, end = gap
        tail = frame.words[frame.words.index("{x}") + 1 :]
        if tail[0] == "into":
            return self._trim(text, list(tokens[after:]), names)  # "talked Dana into X"
        if tail[0] in _VERBS_AFTER_GAP:
            # "let them keep X": the gap is who, the thing comes after the second verb
            body = list(tokens[after:]) if tail[0] in {"keep", "have"} else list(tokens[end:])
            return self._trim(text, body, names)
        if len(tail) == 1 and tail[0] in _PARTICLES_KEPT:
            # "knocked 6k off the renewal", "dropped the price to 96k": the whole rest
            return self._trim(text, list(tokens[start:]), names)
        return self._trim(text, list(tokens[start:end]), names)

    def _past_dative(self, tokens: Sequence[Token], i: int) -> int:
        """The index after a dative, a name or a role at ``i`` (``i`` when there is none)."""
        end = longest_at(tokens, i, self._datives)
        if end is None and i < len(tokens) and tokens[i].word in self._names_now:
            end = i + 1
        if end is None:
            end = self._role_actor(tokens, i)
        return end if end is not None else i

    def _trim(self, text: str, body: list[Token], names: frozenset[str] = frozenset()) -> str:
        """The thing that changed hands: no dative in front, no filler behind."""
        i = 0
        while i < len(body):
            end = longest_at(body, i, self._datives)
            if (
                end is None
                and body[i].word in names
                and not (i + 1 < len(body) and body[i + 1].word == "'s")
            ):
                end = i + 1  # "gave dana a call", not "countered raj's draft"
            if end is None and body[i].word in {"the", "their"}:
                end = self._role_actor(body, i)
            if end is None or end >= len(body):
                break
            i = end
        if (
            i < len(body)
            and body[i].word in {"to", "on", "with", "at", "that"}
            and (body[i].word != "to" or i > 0)
        ):
            i += 1
        body = body[i:]
        changed = True
        while changed and body:
            changed = False
            while body and body[-1].word in {",", ".", "!", "?", ":", ";", "-"}:
                body.pop()
                changed = True
            for phrase in self._tails:
                n = phrase.length
                if n <= len(body) and tuple(t.word for t in body[-n:]) == phrase.words:
                    del body[-n:]
                    changed = True
                    break
        if (
            len(body) > 2
            and body[-2].word in {"w", "with", "to", "for"}
            and (body[-1].word in names or body[-1].word in {"them", "him", "her"})
        ):
            del body[-2:]  # "net-60 to dana", "net 60 w dana": who, not what
        if not body:
            return ""
        item = text[body[0].start : body[-1].end].strip(" ,.;:!-")
        return "" if " ".join(t.word for t in body) in self._empty else item


def clause_phrases(entries: list[str]) -> list[Phrase]:
    """Lexicon entries as phrases (re-exported for the line reader)."""
    return phrases(entries)
