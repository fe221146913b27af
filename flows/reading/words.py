"""Words of a line with their places: tokens, lemmas, and phrase matching on them.

A token keeps its span in the (quote-straightened) line, so whatever the reader extracts
("free installation") is the user's own text, not a rebuilt one. Contractions are split
("didn't" -> "did" + "n't", "we've" -> "we" + "'ve") so the negation or the helper verb is
a word of its own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lemminflect import getAllLemmas, getInflection, getLemma

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_TRIPLED = re.compile(r"([a-z])\1{2,}")
_EMOJI = re.compile(r":[a-z0-9_+-]{2,40}:")
_MENTION = re.compile(r"(?:^|\s)(?:<@[A-Z0-9]+>|@[\w.-]+)(?:\s+fyi\b)?", re.I)
_TOKEN = re.compile(
    r"[A-Za-z0-9$€£¥₹](?:[\w$€£%.,/+&@-]|'(?=[A-Za-z]))*[\w%$]|[A-Za-z0-9$€£%]|"
    r"'[a-z]+|[?!:;]",
    re.UNICODE,
)
_CONTRACTION = re.compile(r"^(?P<stem>.+?)(?P<tail>n't|'ve|'ll|'re|'m|'d|'s)$", re.I)
# Words with an apostrophe that are one word: "ok'd" is "okayed", not "ok" + "would".
_WHOLE = {"ok'd": "okd", "okay'd": "okd", "o.k.'d": "okd"}
_STEMS = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}


def straighten(text: str) -> str:
    """Straight quotes and dashes, single spaces, no emoji codes or @-mentions of colleagues.

    This is the text every span refers to. ":sweat_smile:" and "@jamie fyi" colour a line
    but never say who did what.
    """
    text = _EMOJI.sub(" ", text.translate(_QUOTES))
    text = _MENTION.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Token:
    """One word of a line: its lower-case form and where it sits."""

    word: str
    start: int
    end: int

    @property
    def lemma(self) -> str:
        """The verb lemma ("threw" -> "throw"); the word itself when it is no verb form."""
        return verb_lemma(self.word)


def load_word_tables() -> None:
    """Load lemminflect's lemma and inflection tables now rather than on first use.

    Each is read from its gzipped file the first time a word is looked up, which adds about
    half a second to whichever command happens to need it first.
    """
    getAllLemmas("given")
    getInflection("give", "VBG")


def is_word(word: str) -> bool:
    """Whether ``word`` is an English word lemminflect knows ("net" is; "gvie" is not)."""
    return bool(getAllLemmas(word.lower())) if word.isalpha() else False


@functools.lru_cache(maxsize=8192)
def verb_lemma(word: str) -> str:
    """The verb lemma of ``word`` (lemminflect's data ships in its wheel; no download)."""
    if not word.isalpha():
        return word
    lemmas = getLemma(word, upos="VERB")
    return lemmas[0].lower() if lemmas else word


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (already straightened), contractions split in two."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        raw, start = match.group(0), match.start()
        # A trailing full stop or comma ends a sentence or clause, not the word.
        while len(raw) > 1 and raw[-1] in ".,":
            raw = raw[:-1]
        lower = _TRIPLED.sub(r"\1\1", raw.lower())  # "agreeed" is "agreed" typed fast
        if lower in _WHOLE:
            tokens.append(Token(_WHOLE[lower], start, start + len(raw)))
            continue
        split = _CONTRACTION.match(lower) if "'" in lower else None
        if split and split.group("stem").isalpha():
            stem, tail = split.group("stem"), split.group("tail")
            cut = start + len(stem)
            tokens.append(Token(_STEMS.get(stem, stem), start, cut))
            tokens.append(Token(tail, cut, cut + len(tail)))
        else:
            tokens.append(Token(lower, start, start + len(raw)))
    return tokens


@dataclass(frozen=True)
class Phrase:
    """A phrase of the lexicon as words; ``{x}`` marks a gap for the thing that moves."""

    words: tuple[str, ...]
    kind: str = ""

    @property
    def length(self) -> int:
        """How many words must match."""
        return len(self.words)


def phrases(entries: Iterable[str], kind: str = "") -> list[Phrase]:
    """Lexicon entries as phrases, longest first (so "throw in" beats "throw")."""
    found = [Phrase(tuple(_phrase_words(e)), kind) for e in entries]
    return sorted(found, key=lambda p: -p.length)


def _phrase_words(entry: str) -> list[str]:
    return (
        [t.word for t in tokenize(straighten(entry.lower()))]
        if "{x}" not in entry
        else [w if w == "{x}" else w.lower() for w in entry.split()]
    )


def match_at(
    tokens: Sequence[Token], i: int, phrase: Phrase, *, lemma_first: bool = False
) -> int | None:
    """The index after ``phrase`` when it matches at ``i`` (no gaps), else None."""
    if i + phrase.length > len(tokens):
        return None
    for k, word in enumerate(phrase.words):
        token = tokens[i + k]
        if token.word == word:
            continue
        if lemma_first and k == 0 and token.lemma == word:
            continue
        return None
    return i + phrase.length


def longest_at(tokens: Sequence[Token], i: int, candidates: Sequence[Phrase]) -> int | None:
    """The end of the longest candidate matching at ``i`` (candidates come longest first)."""
    for phrase in candidates:
        end = match_at(tokens, i, phrase)
        if end is not None:
            return end
    return None
