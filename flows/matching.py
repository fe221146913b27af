"""Finding the script topic or FAQ entry that a few words ask for.

``script price`` and ``faq when should I walk away`` are matched on content words: stop
words are dropped, and every word is compared by its lemmas ("discounts", "walking" and
"priced" meet "discount", "walk" and "price") and its synonyms (data in
``phrases/scripts.yaml``). Two kinds of evidence add up:

- **Keywords** (data: each topic's and FAQ entry's ``keywords``). A keyword counts more
  when it is rare across the entries, so a word every topic shares decides little. A
  keyword of several words ("split the difference", "turn down") counts only where its
  words stand together in the request, stop words included, and counts more than its
  words alone. A word typed in the keyword's very form counts a little more than one that
  only shares a lemma; the entry's own name counts fully only when the request uses all
  of it.
- **The entry's own text** (a topic's description and lines, an FAQ entry's question and
  answer), scored with BM25 at a lower weight: a request in words nobody wrote a keyword
  for can still land where the content talks about it.

A few words ("want", "need", "tell", pronouns, figures) say little alone but tip a close
call; they count at a weak weight. Ties go to the entry whose name the request uses, then
to the caller's preferred phase, then to the order of the library.

**Confidence** (:meth:`Matcher.guess`). A request is answered outright only when the best
entry scores at least :data:`SURE_SCORE` (about one keyword typed as listed, in that entry
alone), at least half of it from keywords (its text alone is not enough), and the
runner-up stays under :data:`CLOSE` of it. Otherwise the answer is a guess: the best entry
with up to two alternatives, for the user to choose from.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lemminflect import getAllLemmas

# Words that carry no topic: grammar, question and request words, the people and things
# every negotiation has (the deal, the other side, a call), and counts ("two bids" is not
# "two options"; "three" stays a word for "the three lines").
_STOP_TEXT = """
a about above after again against all also am an and any anything are as at be because
been before being below between both but by can could did do does doing done down during
each either else even ever every few for from further get gets getting go goes going got
had has have having he her here hers him his how however i i'd i'll i'm i've if in into is
it it's its itself just let let's like lot lots may me might mine more most much must
my myself nor now of on once one or other others ours ourselves over
own per please quite rather same shall she should so some something still such than
that that's the theirs them themselves then there these they'd they'll they're
they've thing things this those though through thus to too under until up upon us very
was we'd we'll we're we've well were what what's whatever when where whether which while
who whom whose why will with within without would yet you you'd you'll you're you've your
yours yourself n't 's 've 'll 're 'm 'd don't doesn't didn't can't won't isn't aren't wasn't
shouldn't wouldn't couldn't haven't hasn't
ok okay hey hi hello pls thanks thank line lines script scripts phrase phrases word words
wording sentence example examples deal deals
negotiation negotiations negotiate negotiating conversation call calls meeting meetings
talk talking discuss discussion right best good way ways thing stuff kind sort
customer customers client clients buyer buyers seller sellers vendor vendors supplier
suppliers partner partners partnership candidate candidates recruiter employer company
companies team side sides person people somebody guy guys folks
two four five six seven eight nine ten
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_TEXT.split())
# Words that say little on their own but tip a close call: "what do they really want" is
# about interests, "they want a discount" about the discount. They count at WEAK_WEIGHT.
_WEAK_TEXT = """
want wants wanted need needs needed really ask asks asked asking tell told say says said
answer answers respond response reply handle handling help no not only number percent
our their they we out
"""
WEAK_WORDS: frozenset[str] = frozenset(_WEAK_TEXT.split())

# A figure stands for any figure: "opened at 350k" reads as "opened at <number>".
NUMBER = "number"
PERCENT = "percent"
_MONEY = re.compile(r"^[$€£]\d|^\d[\d.,]*(?:k|m|bn)$|^\d{1,3}(?:,\d{3})+$|^\d{4,}$")
_HALVES = re.compile(r"\b50\s*[/-]\s*50\b")
_PERCENT = re.compile(r"^\d[\d.,]*%$")
_TOKEN = re.compile(r"[a-z0-9$€£%][a-z0-9$€£%.,']*[a-z0-9%]|[a-z0-9%]")

# Weights: a keyword of several words beats the same words alone; a typo repaired to a
# known word counts a little less than the word typed right.
PHRASE_WEIGHT = 1.5
WEAK_WEIGHT = 0.35
TYPO_WEIGHT = 0.8
TYPO_CUTOFF = 0.8
# A keyword typed in the very form the request uses ("opened at" against "opened")
# counts a little more than one that only shares a lemma ("opening number").
EXACT_BONUS = 1.15
NAME_PART = 0.5
# A synonym counts a little less than the word itself.
SYNONYM_WEIGHT = 0.9
# The entry's own text, scored with BM25 (k1, b), counts at TEXT_WEIGHT of a keyword.
TEXT_WEIGHT = 0.3
BM25_K1 = 1.2
BM25_B = 0.75
# Confidence. A sure answer scores SURE_SCORE: about one keyword of that entry alone,
# typed as listed or repaired from a typo (TYPO_WEIGHT * EXACT_BONUS). Its keywords must
# give at least SURE_KEYWORDS of it (one keyword two entries share; a weak word alone is
# less): the entry's text only mentions things, keywords say what the entry is for. A
# runner-up at CLOSE of the best score or more is too near to call. A guess shows at most
# CHOICES entries.
SURE_SCORE = 0.9
SURE_KEYWORDS = SURE_SCORE / 2
CLOSE = 0.7
CHOICES = 3


@functools.lru_cache(maxsize=8192)
def lemmas(word: str) -> frozenset[str]:
    """The word and every lemma lemminflect knows for it ("prices" -> price)."""
    found = {word}
    if word.isalpha():
        for forms in getAllLemmas(word).values():
            found.update(f.lower() for f in forms)
        found.update(_adjective_of(word))
    return frozenset(found)


def _adjective_of(word: str) -> set[str]:
    """The adjective an adverb comes from: "fairly" -> fair, "evenly" -> even."""
    if len(word) < 6 or not word.endswith("ly"):
        return set()
    stems = [word[:-2], word[:-3] + "y"] if word.endswith("ily") else [word[:-2]]
    return {stem for stem in stems if "ADJ" in getAllLemmas(stem)}


def _normal(word: str) -> str:
    word = word.strip(".,'")
    if _PERCENT.match(word):
        return PERCENT
    if _MONEY.match(word):
        return NUMBER
    return word[:-2] if word.endswith("'s") else word


def tokens_of(text: str) -> list[str]:
    """Every word of ``text`` in order, stop words included, lower case.

    Hyphens and slashes split words ("walk-away" is "walk away"), a figure becomes
    ``number`` or ``percent``, and a bare count ("3") is dropped.
    """
    flat = _HALVES.sub(" fifty fifty ", text.lower().replace("’", "'"))
    flat = re.sub(r"[-/_–—]", " ", flat)
    words = (_normal(raw) for raw in _TOKEN.findall(flat))
    return [w for w in words if w and not w.isdigit()]


def words_of(text: str) -> list[str]:
    """The content words of ``text``, in order: :func:`tokens_of` without stop words."""
    return [w for w in tokens_of(text) if w not in STOP_WORDS]


@dataclass(frozen=True)
class Entry:
    """One thing a request can reach: a topic or an FAQ entry."""

    key: str
    keywords: tuple[str, ...]
    # The entry's description and content: weaker evidence than a keyword (BM25).
    text: str = ""
    phase: str = ""


@dataclass(frozen=True)
class Match:
    """An entry for a request, with its score (for tests and tuning)."""

    key: str
    score: float
    # The part of the score that keywords and the name give, without the entry's text.
    keywords: float = 0.0


@dataclass(frozen=True)
class Guess:
    """What a request may mean, best first: one entry when sure, up to CHOICES when not."""

    matches: tuple[Match, ...]
    sure: bool

    @property
    def keys(self) -> tuple[str, ...]:
        """The entries' keys, best first."""
        return tuple(m.key for m in self.matches)


@dataclass(frozen=True)
class _Word:
    """A word of a request: as typed, its lemmas and synonyms, and how much it counts."""

    surface: str
    forms: frozenset[str]
    # The forms of its synonyms, apart from its own.
    alike: frozenset[str]
    trust: float
    stop: bool

    def strength(self, keyword: str) -> float:
        """How well ``keyword`` matches: typed alike, a shared lemma, a synonym, or not."""
        if keyword == self.surface:
            return EXACT_BONUS
        if self.stop or keyword in STOP_WORDS:
            return 0.0  # stop words only ever match as typed
        forms = lemmas(keyword)
        if forms & self.forms:
            return 1.0
        return SYNONYM_WEIGHT if forms & self.alike else 0.0


@dataclass(frozen=True)
class _Compiled:
    key: str
    name: tuple[str, ...]
    # Keywords of several words, as typed (stop words included); single content words.
    phrases: tuple[tuple[str, ...], ...]
    singles: tuple[str, ...]
    terms: Counter[str]
    length: int
    phase: str
    order: int


class Matcher:
    """Matches a request against a fixed set of entries (build once, use many times)."""

    def __init__(self, entries: Iterable[Entry], synonyms: Iterable[Sequence[str]] = ()):
        # Each form of a word in a synonym group stands for the forms of the whole group.
        self._synonyms: dict[str, frozenset[str]] = {}
        self._canon: dict[str, str] = {}
        for group in synonyms:
            forms = frozenset(f for word in group for f in lemmas(word))
            for form in forms:
                self._synonyms[form] = self._synonyms.get(form, frozenset()) | forms
                self._canon[form] = group[0]
        compiled = []
        for order, entry in enumerate(entries):
            phrases, singles = [], []
            for keyword in entry.keywords:
                raw = tuple(tokens_of(keyword))
                content = tuple(w for w in raw if w not in STOP_WORDS)
                if len(content) > 1:
                    phrases.append(content)  # "split the difference": split, difference
                elif content and len(raw) > 1:
                    phrases.append(raw)  # "turn down" only where "down" follows "turn"
                elif content:
                    singles.append(content[0])
            terms = Counter(self._term(w) for w in words_of(entry.text) if w not in WEAK_WORDS)
            compiled.append(
                _Compiled(
                    key=entry.key,
                    name=tuple(words_of(entry.key)),
                    phrases=tuple(phrases),
                    singles=tuple(singles),
                    terms=terms,
                    length=sum(terms.values()),
                    phase=entry.phase,
                    order=order,
                )
            )
        self._entries = compiled
        self._df = _keyword_frequency(compiled)
        self._text_df = Counter(term for e in compiled for term in e.terms)
        self._average = sum(e.length for e in compiled) / max(len(compiled), 1) or 1.0
        self._vocabulary = sorted(
            {w for e in compiled for w in (*e.name, *e.singles, *e.terms)}
            | {w for e in compiled for p in e.phrases for w in p if w not in STOP_WORDS}
        )

    def best(self, text: str, prefer_phase: str = "") -> Match | None:
        """The entry ``text`` asks for, or None when no content word points anywhere."""
        found = self.ranked(text, prefer_phase, limit=1)
        return found[0] if found else None

    def guess(self, text: str, prefer_phase: str = "") -> Guess | None:
        """The best entry for ``text`` and, when the call is not clear, the runners-up.

        None when no content word points anywhere.
        """
        found = self.ranked(text, prefer_phase, limit=CHOICES)
        if not found:
            return None
        clear = len(found) == 1 or found[1].score < CLOSE * found[0].score
        best = found[0]
        if best.score >= SURE_SCORE and best.keywords >= SURE_KEYWORDS and clear:
            return Guess(tuple(found[:1]), sure=True)
        return Guess(tuple(found), sure=False)

    def ranked(self, text: str, prefer_phase: str = "", limit: int = CHOICES) -> list[Match]:
        """The ``limit`` entries that score best for ``text``, best first (ties as in best)."""
        every = self._query(tokens_of(text))
        if all(w.stop for w in every):
            return []
        # Phrases of content words match with stop words left out; a phrase that keeps
        # its stop words ("turn down") matches the request as typed.
        content = [w for w in every if not w.stop]
        ranked = []
        for entry in self._entries:
            keywords, named = self._score(entry, content, every)
            score = keywords + TEXT_WEIGHT * self._bm25(entry, content)
            if score > 0:
                ranked.append(
                    (
                        round(score, 6),
                        named,
                        entry.phase == prefer_phase,
                        -entry.order,
                        keywords,
                        entry,
                    )
                )
        ranked.sort(key=lambda r: r[:4], reverse=True)
        return [Match(r[5].key, round(r[0], 3), round(r[4], 3)) for r in ranked[:limit]]

    # -- scoring --------------------------------------------------------------------------
    def _score(
        self, entry: _Compiled, query: Sequence[_Word], every: Sequence[_Word]
    ) -> tuple[float, int]:
        """The keywords' score for the request's content words (``every`` as typed)."""
        cover = [0.0] * len(query)
        position = {id(w): i for i, w in enumerate(query)}
        for phrase in entry.phrases:
            # A phrase of weak words alone ("what they want") is no stronger than its words.
            strong = any(w not in STOP_WORDS and w not in WEAK_WORDS for w in phrase)
            weight = (PHRASE_WEIGHT if strong else 1.0) / self._df.get(phrase, 1)
            against = every if any(w in STOP_WORDS for w in phrase) else query
            for start, strength in _phrase_starts(phrase, against):
                for word in against[start : start + len(phrase)]:
                    if not word.stop:
                        i = position[id(word)]
                        cover[i] = max(cover[i], weight * strength * word.trust)
        # A name counts fully when the request uses all of it ("weak batna"), less when it
        # uses part ("batna" is in both weak_batna and batna_reservation).
        whole = all(any(w.strength(n) for w in query) for n in entry.name)
        name_weight = 1.0 if whole else NAME_PART
        named = 0
        for i, word in enumerate(query):
            for keyword in entry.singles:
                strength = word.strength(keyword)
                if strength:
                    cover[i] = max(cover[i], strength * word.trust / self._word_df(keyword))
            for keyword in entry.name:
                strength = word.strength(keyword)
                if strength:
                    cover[i] = max(
                        cover[i], name_weight * strength * word.trust / self._word_df(keyword)
                    )
                    named += 1
        return sum(cover), named

    def _bm25(self, entry: _Compiled, query: Sequence[_Word]) -> float:
        total, seen = 0.0, set()
        n = len(self._entries)
        for word in query:
            if word.stop or word.surface in WEAK_WORDS:
                continue
            term = self._term(word.surface)
            if term in seen:
                continue
            seen.add(term)
            tf = entry.terms.get(term, 0)
            if not tf:
                continue
            df = self._text_df[term]
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            norm = BM25_K1 * (1 - BM25_B + BM25_B * entry.length / self._average)
            total += word.trust * idf * tf * (BM25_K1 + 1) / (tf + norm)
        return total

    def _term(self, word: str) -> str:
        """One form standing for a word, its lemmas and its synonyms (for BM25)."""
        forms = lemmas(word)
        for form in sorted(forms):
            if form in self._canon:
                return self._canon[form]
        return min(forms, key=lambda f: (len(f), f))

    def _word_df(self, word: str) -> int:
        """In how many entries a keyword occurs, by its commonest form."""
        return max((self._df.get((form,), 1) for form in lemmas(word)), default=1)

    def _query(self, words: list[str]) -> list[_Word]:
        """Each word with its lemmas, synonyms and trust; a typo of a known word is repaired."""
        known = set(self._vocabulary)
        query = []
        for word in words:
            if word in STOP_WORDS:
                query.append(_Word(word, frozenset({word}), frozenset(), 0.0, True))
                continue
            trust = WEAK_WEIGHT if word in WEAK_WORDS else 1.0
            forms = lemmas(word)
            if not (forms & known or len(word) < 5 or _is_english(word)):
                close = difflib.get_close_matches(word, self._vocabulary, n=1, cutoff=TYPO_CUTOFF)
                if close:
                    word, forms, trust = close[0], lemmas(close[0]), TYPO_WEIGHT
            alike = frozenset(f for form in forms for f in self._synonyms.get(form, ()))
            query.append(_Word(word, forms, alike - forms, trust, False))
        return query


def _is_english(word: str) -> bool:
    return word.isalpha() and bool(getAllLemmas(word))


def _phrase_starts(phrase: tuple[str, ...], query: Sequence[_Word]) -> list[tuple[int, float]]:
    """Where ``phrase`` stands in ``query``, with how well its content words match."""
    starts = []
    for start in range(len(query) - len(phrase) + 1):
        words = query[start : start + len(phrase)]
        strengths = [w.strength(k) for k, w in zip(phrase, words, strict=True)]
        if all(strengths):
            content = [s for s, k in zip(strengths, phrase, strict=True) if k not in STOP_WORDS]
            starts.append((start, min(content, default=1.0)))
    return starts


def _keyword_frequency(entries: Sequence[_Compiled]) -> dict[tuple[str, ...], int]:
    """In how many entries each keyword occurs (phrases as typed, single words by lemma)."""
    df: dict[tuple[str, ...], int] = {}
    for entry in entries:
        seen: set[tuple[str, ...]] = set(entry.phrases)
        for word in (*entry.singles, *entry.name):
            seen.update((form,) for form in lemmas(word))
        for key in seen:
            df[key] = df.get(key, 0) + 1
    return df
