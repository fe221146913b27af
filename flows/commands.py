"""The command registry: words users type, mapped to handlers, with aliases and suggestions.

Handlers register themselves with :func:`command`. The same words work in the terminal,
after ``/deal`` in Slack, and in a Slack DM.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

# Raised by handlers; defined apart so the turn can raise them without importing this module.
from flows.errors import BadArguments as BadArguments
from flows.errors import NotNow as NotNow
from flows.errors import UnknownDeal as UnknownDeal

if TYPE_CHECKING:
    from flows.turn import Turn

Handler = Callable[["Turn", str], None]




@dataclass(frozen=True)
class CommandSpec:
    """A command: its name, aliases, handler and whether it needs an active deal."""

    name: str
    handler: Handler
    aliases: tuple[str, ...] = ()
    needs_deal: bool = True


REGISTRY: dict[str, CommandSpec] = {}
_WORDS: dict[str, str] = {}


def command(name: str, *aliases: str, needs_deal: bool = True) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``name`` (and its aliases)."""

    def register(handler: Handler) -> Handler:
        spec = CommandSpec(name=name, handler=handler, aliases=aliases, needs_deal=needs_deal)
        for word in (name, *aliases):
            if word in _WORDS:
                raise ValueError(f"command word {word!r} registered twice")
            _WORDS[word] = name
        REGISTRY[name] = spec
        return handler

    return register


def split_line(line: str) -> tuple[str, str]:
    """Split a line into its command word (lower case) and the rest.

    A leading ``/deal`` (pasted from Slack) is dropped, and a colon after the word is
    tolerated (``give: training``).
    """
    text = " ".join(line.split())
    if text.lower().startswith("/deal"):
        text = text[5:].lstrip()
    word, _, rest = text.partition(" ")
    return word.lower().rstrip(":"), rest.strip()


def resolve(word: str) -> CommandSpec | None:
    """The command a word names, if any."""
    name = _WORDS.get(word)
    return REGISTRY[name] if name else None


def suggest(word: str) -> str | None:
    """The command closest to a mistyped word, if one is close enough."""
    close = difflib.get_close_matches(word, list(_WORDS), n=1, cutoff=0.6)
    return _WORDS[close[0]] if close else None


def close_to(word: str, command: str, cutoff: float = 0.75) -> bool:
    """Whether ``word`` is a near-typo of ``command`` ("gvie" for "give", not "net-60")."""
    return difflib.SequenceMatcher(None, word, command).ratio() >= cutoff
