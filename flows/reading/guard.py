"""When a line that starts with a command word is really prose.

"walk away figure is 88k" starts with `walk`, "start date pushed to May" with an old alias
of `new`, "give me a line for the budget objection" with `give`. Typed that way, the
command would walk away from the deal, open a new one, or log a concession nobody made.
Two checks keep that from happening:

* :func:`reads_as_prose`: commands whose arguments are free text (``walk``, ``new``,
  ``give``, ``offer``, commands that take none) go to the reader when their arguments have
  the shape of prose, and never run on it;
* :data:`READ_WHEN_REJECTED`: commands that check their arguments strictly (``next``,
  ``team``, ``remind``, ``if`` ...) run as typed, and only when they reject the line (which
  wrote nothing) is it read as plain language instead.
"""

from __future__ import annotations

import re

from flows.amounts import find_amounts

# Arguments these take, exactly; anything else is prose ("next call is thursday").
_WALK_PROSE = re.compile(
    r"^(?:away\b.*\b(?:figure|number|point|price|amount|is|was|at|would be|=)\b|"
    r"(?:them|him|her|me|us|you)?\s*through\b|back\b|in\b|over\b)",
    re.I,
)
_NEW_PROSE = re.compile(
    r"^(?:quote|offer|proposal|pricing|price|number|figure|terms|counter|redlines?|email|"
    r"start date|deadline|ask|request|bid|round|version|draft|update|info|wrinkle|twist)"
    r"(?:\s*:|\s+(?:from|is|was|are|were|came|just|landed|arrived|of|at|in|by|says?)\b)",
    re.I,
)
_GIVE_PROSE = re.compile(r"^(?:me|us)\b", re.I)
_OFFER_PROSE = re.compile(
    r"^(?:is|was|from|came|went|got|looks|seems|they|call|letter|doc|"
    r"template|meeting|finally|landed|arrived|in\b)\b",
    re.I,
)
# Commands that take no arguments: with some, the line is prose ("status: waiting on legal").
_BARE = frozenset({"status", "deals", "meso", "checklist", "pitfalls", "ethics", "method"})
# Commands that reject what they cannot parse; a rejected line is then read instead.
READ_WHEN_REJECTED = frozenset(
    {"if", "issue", "option", "trade", "next", "back", "signed", "team", "remind", "pick", "log"}
)
# Past-tense aliases are how people narrate, not how they command: read them.
PROSE_WORDS = frozenset(
    {
        "gave",
        "got",
        "heard",
        "countered",
        "offered",
        "asked",
        "said",
        "told",
        "agreed",
        "accepted",
        "picked",
        "chose",
    }
)


def reads_as_prose(command: str, word: str, args: str) -> bool:
    """Whether ``word args`` should go to the reader instead of running ``command``.

    Args:
        command: the command the first word names.
        word: the first word as typed (an alias or the command itself).
        args: the rest of the line.

    """
    rest = args.strip()
    if word in PROSE_WORDS:
        return True
    if command in _BARE:
        return bool(rest)
    if command == "walk":
        return bool(_WALK_PROSE.match(rest))
    if command == "new":
        return bool(_NEW_PROSE.match(rest) or find_amounts(rest))
    if command == "give":
        return bool(_GIVE_PROSE.match(rest))
    if command == "offer":
        return bool(_OFFER_PROSE.match(rest))
    return False
