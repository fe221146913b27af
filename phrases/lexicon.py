"""Load the plain-language reader's lexicon (``lexicon/reader.yaml``), validated once.

The reader's word lists and whole-line patterns are data, like the detector patterns, so
a misreading is fixed by editing YAML and adding a corpus case. A broken file fails at load
naming the file and the key, never in front of a user.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from phrases.errors import PhraseLibraryError

LEXICON_FILE = Path(__file__).resolve().parent / "lexicon" / "reader.yaml"
FRAME_KINDS = ("give", "reduce", "accept", "get", "ask", "offer", "speech", "refuse")
NOTE_KINDS = (
    "chat",
    "status",
    "log",
    "walkaway",
    "batna",
    "evidence",
    "meeting",
    "offer",
    "they",
    "say",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HelpPatterns(_Strict):
    """How a question or a request for lines is recognised, and which topic it wants."""

    starts: list[str]
    help_words: list[str]
    topics: dict[str, list[str]]


class ReaderLexicon(_Strict):
    """Every word list and pattern the reader uses (see ``lexicon/reader.yaml``)."""

    fillers: list[str]
    we_actors: list[str]
    they_actors: list[str]
    not_names: list[str]
    datives: list[str]
    modal_plan: list[str]
    modal_will: list[str]
    negation: list[str]
    adverbs: list[str]
    frames: dict[str, list[str]]
    notes: dict[str, list[str]]
    help: HelpPatterns
    yes_words: list[str]
    non_items: list[str]
    their_signal: str
    role_nouns: list[str]
    frames_needing_amount: list[str]
    empty_items: list[str]
    item_tails: list[str]
    trade_markers: list[str]
    condition_markers: list[str]


@functools.cache
def load_reader_lexicon(path: Path = LEXICON_FILE) -> ReaderLexicon:
    """The reader's lexicon, validated: known frame and note kinds, patterns that compile."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        lexicon = ReaderLexicon.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise PhraseLibraryError(f"{path.name}: {exc}") from exc
    unknown = set(lexicon.frames) - set(FRAME_KINDS)
    unknown |= set(lexicon.notes) - set(NOTE_KINDS)
    if unknown:
        raise PhraseLibraryError(f"{path.name}: unknown kinds {sorted(unknown)}")
    patterns = [(f"notes.{kind}", p) for kind, ps in lexicon.notes.items() for p in ps]
    patterns += [(f"help.topics.{t}", p) for t, ps in lexicon.help.topics.items() for p in ps]
    patterns += [("help.starts", p) for p in lexicon.help.starts]
    patterns += [("non_items", p) for p in lexicon.non_items]
    patterns.append(("their_signal", lexicon.their_signal))
    patterns += [("help.help_words", p) for p in lexicon.help.help_words]
    for where, pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise PhraseLibraryError(f"{path.name}: {where}: {exc}: {pattern}") from exc
    return lexicon
