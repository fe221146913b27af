"""What the reader hands back and what it may know: :class:`Reading` and :class:`ReadContext`.

These live apart from :mod:`flows.reading.reader` so the modules that read parts of a line
(notes, trades, lines without a verb frame) can build readings without importing the
reader that calls them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from flows.model import Deal, Move
from phrases.lexicon import ReaderLexicon, load_reader_lexicon

ReadingKind = Literal["command", "recap", "unclear", "chat"]

_NAME = re.compile(r"\b[A-Z][a-zA-Z'-]+\b")


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


def context_for(
    deal: Deal | None,
    last_move: Move | None,
    now: datetime | None,
    tz: str,
    lexicon: ReaderLexicon | None = None,
) -> ReadContext:
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
