"""The one escaping path for every string the app sends to Slack.

Slack parses ``<...>`` in message ``text`` (the notification fallback), in ``mrkdwn``
objects, in modal errors and in file comments: ``<!channel>``, ``<!subteam^S1>``,
``<#C1>``, ``<@U1>``, ``<https://x|y>`` and ``<!date^...>`` ping, link or disguise a
link. ``plain_text`` objects, button values and ``private_metadata`` are never parsed,
so they carry text as typed.

Two layers, both here:

* builders escape user text with :func:`escape` (or :func:`with_mentions` and
  :func:`message_text`, which also turn the ``@<id>`` of the people the engine itself
  names into mentions - nothing else ever becomes one);
* :func:`guard` runs on every payload at the points where it leaves for Slack (Web API
  calls, response_urls, the outbox sender, modal acknowledgements) and escapes any
  control sequence a builder left in a parsed field, other than a mention of a user id.
  It should find nothing; when it does, it says so in the log (without the text).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

log = logging.getLogger(__name__)

# The notification text shown in push notifications and by clients that cannot draw blocks.
MAX_MESSAGE_TEXT = 3000
# A Slack user id, the only thing ever turned into a mention.
USER_ID = re.compile(r"[UW][A-Z0-9]+")
# Any control sequence; a bare mention of a user id is the only kind the app makes itself.
_SEQUENCE = re.compile(r"<([^<>]*)>")
_APP_MENTION = re.compile(r"@[UW][A-Z0-9]+")
# Keys whose string values Slack parses for markup, besides ``mrkdwn`` objects' text.
_PARSED_KEYS = frozenset({"text", "initial_comment", "fallback", "pretext"})


def escape(text: str) -> str:
    """Escape user text for Slack markup so it can never ping, link or format a control sequence.

    Args:
        text: text that may contain ``<!channel>``, ``<@U123>`` or ``<http://x|y>``.

    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo Slack's escaping of text it sends us (messages, slash command text).

    Slack delivers ``&``, ``<`` and ``>`` typed by a user as entities; the engine should
    see what the user typed, and :func:`escape` puts the entities back on the way out.

    Args:
        text: text as Slack delivered it.

    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def with_mentions(text: str, people: Iterable[str]) -> str:
    """Escape ``text``, then turn ``@<id>`` into a Slack mention for the listed ids only.

    The engine names people as ``@U123`` and lists the ids it named; anything else that
    looks like a mention (a typed ``<@U999>`` or ``@U999`` in a note) stays escaped text.

    Args:
        text: user-facing text, unescaped.
        people: the user ids that may become mentions.

    """
    escaped = escape(text)
    for person in dict.fromkeys(people):
        if USER_ID.fullmatch(person):
            # Not after "&lt;" or a word character: a typed "<@U1>" stays text even when
            # U1 is named elsewhere in the reply.
            escaped = re.sub(rf"(?<![\w@;])@{person}\b", f"<@{person}>", escaped)
    return escaped


def message_text(text: str, people: Iterable[str] = (), limit: int = MAX_MESSAGE_TEXT) -> str:
    """A message's top-level ``text`` (the notification): escaped, cut, mentions for ``people``.

    Slack parses this field like ``mrkdwn``, so it is escaped exactly like the blocks.

    Args:
        text: the text, unescaped.
        people: user ids the text names as ``@<id>`` (the engine's, never typed ones).
        limit: the most characters to send.

    """
    markup = with_mentions(" ".join(text.split()) or "dealcoach", people)
    if len(markup) <= limit:
        return markup
    cut = markup[: limit - 1]
    amp, lt = cut.rfind("&"), cut.rfind("<")
    if amp > cut.rfind(";"):
        cut = cut[:amp]  # never half an entity
    if lt > cut.rfind(">"):
        cut = cut[:lt]  # never half a mention
    return cut.rstrip() + "…"


def guard(payload: Any) -> Any:
    """``payload`` with every control sequence in a parsed field escaped, mentions of ids aside.

    Args:
        payload: what is about to be sent (a message, a view, an acknowledgement); not
            changed in place.

    """
    found: list[str] = []
    safe = _guard(payload, found, parsed=False)
    if found:
        log.warning(
            "escaped %d control sequence(s) a builder left in %s",
            len(found),
            ", ".join(sorted(set(found))),
        )
    return safe


def _guard(node: Any, found: list[str], *, parsed: bool, key: str = "") -> Any:
    if isinstance(node, str):
        return _defuse(node, found, key) if parsed else node
    if isinstance(node, Mapping):
        kind = node.get("type")
        out: dict[str, Any] = {}
        for name, value in node.items():
            if kind == "plain_text" or name in ("value", "private_metadata", "metadata"):
                out[name] = value  # never parsed, shown (or kept) as typed
            elif name == "errors" and isinstance(value, Mapping):
                out[name] = {
                    k: _guard(v, found, parsed=True, key="errors") for k, v in value.items()
                }
            else:
                out[name] = _guard(value, found, parsed=name in _PARSED_KEYS, key=name)
        return out
    if isinstance(node, list):
        return [_guard(item, found, parsed=parsed, key=key) for item in node]
    return node


def _defuse(text: str, found: list[str], key: str) -> str:
    def fix(match: re.Match[str]) -> str:
        # A modal's errors never name anyone, so there not even a mention passes.
        if key != "errors" and _APP_MENTION.fullmatch(match.group(1)):
            return match.group(0)
        found.append(key)
        return f"&lt;{match.group(1)}&gt;"

    return _SEQUENCE.sub(fix, text)
