"""The command registry: words users type, mapped to handlers, with aliases and suggestions.

Handlers register themselves with :func:`command`. The same words work in the terminal,
after ``/deal`` in Slack, and in a Slack DM. What a front must know about a command is
declared there too, not in lists of the front's own: whether it only reads, whether it
reads the user's profile, and which form asks for its details when it is said bare.
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
from flows.replies import CHAT, RECAP

if TYPE_CHECKING:
    from flows.turn import Turn
    from flows.vocabulary import FormName

Handler = Callable[["Turn", str], None]


@dataclass(frozen=True)
class CommandSpec:
    """A command: its words, its handler, and what fronts must know about it."""

    name: str
    handler: Handler
    aliases: tuple[str, ...] = ()
    # Refused without an active deal.
    needs_deal: bool = True
    # Stores nothing, so nothing a user's overview shows can have changed (no Home
    # refresh after it in Slack).
    reads_only: bool = False
    # Reads the user's time zone or whether they administer the workspace, which a front
    # looks up (Slack's users.info) before running it.
    needs_profile: bool = False
    # Said without details, it asks for them in this form where a front has forms.
    form: FormName | None = None


REGISTRY: dict[str, CommandSpec] = {}
# Replies to a plain line that ran no command: small talk, and a call recap that waits for
# its confirmation.
NOTHING_RUN: frozenset[str] = frozenset({CHAT, RECAP})
_WORDS: dict[str, str] = {}


def command(
    name: str,
    *aliases: str,
    needs_deal: bool = True,
    reads_only: bool = False,
    needs_profile: bool = False,
    form: FormName | None = None,
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``name`` (and its aliases).

    The keywords are :class:`CommandSpec`'s fields of the same names.
    """

    def register(handler: Handler) -> Handler:
        spec = CommandSpec(
            name=name,
            handler=handler,
            aliases=aliases,
            needs_deal=needs_deal,
            reads_only=reads_only,
            needs_profile=needs_profile,
            form=form,
        )
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


def only_reads(name: str) -> bool:
    """Whether what a reply's ``command`` names stored nothing.

    Args:
        name: a command's name, or a reply that ran none: small talk or a call recap
            still waiting for its confirmation (``chat``, ``recap``).

    """
    spec = REGISTRY.get(name)
    return spec.reads_only if spec is not None else name in NOTHING_RUN


def suggest(word: str) -> str | None:
    """The command closest to a mistyped word, if one is close enough."""
    close = difflib.get_close_matches(word, list(_WORDS), n=1, cutoff=0.6)
    return _WORDS[close[0]] if close else None


def close_to(word: str, command: str, cutoff: float = 0.75) -> bool:
    """Whether ``word`` is a near-typo of ``command`` ("gvie" for "give", not "net-60")."""
    return difflib.SequenceMatcher(None, word, command).ratio() >= cutoff
