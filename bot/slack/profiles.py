"""Who is typing: a Slack user's time zone and whether they administer the workspace.

Only the commands that need it ask Slack (``users.info``): reminders and meetings are in
the user's own zone, which follows them when they travel, and only workspace admins may
assign managers. Slack being slow or down never blocks the command: it then runs with the
stored zone and no admin rights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.slack.client import call
from flows.commands import resolve, split_line

_TIMEISH = re.compile(
    r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\btomorrow\b|\btmrw\b|\bnoon\b|"
    r"\d\s*(am|pm)\b|\d:\d\d|\bnext week\b|\b\d{1,2}(st|nd|rd|th)\b",
    re.I,
)


@dataclass(frozen=True)
class Who:
    """What Slack says about the user; the defaults mean "unknown"."""

    tz: str | None = None
    is_admin: bool = False


def needs_profile(line: str) -> bool:
    """Whether ``line``'s command word (or an alias of it) is one that needs :class:`Who`.

    Args:
        line: the command line as typed.

    """
    word, _ = split_line(line)
    spec = resolve(word)
    if spec is not None and spec.needs_profile:
        return True
    # A plain line may be read as a meeting time: that needs the user's zone, like a typed
    # `meeting`. So may a line that starts with a command word the engine then reads as
    # prose ("next call thursday 2pm" is not `next`).
    return bool(_TIMEISH.search(line))


def look_up(client: WebClient, user_id: str) -> Who:
    """The user's IANA zone and admin flag (``is_admin`` or ``is_owner``) from ``users.info``.

    A failure (after the client's retries) is logged by :func:`~bot.slack.client.call` and
    gives the defaults.

    Args:
        client: the request's Web API client.
        user_id: the Slack user id.

    """
    answer = call(client, "users.info", user=user_id)
    user = (answer or {}).get("user") or {}
    tz = user.get("tz")
    return Who(
        tz=str(tz) if tz else None, is_admin=bool(user.get("is_admin") or user.get("is_owner"))
    )


def who_for(client: WebClient, user_id: str, line: str) -> Who:
    """:func:`look_up` for a line that needs it; the defaults (no Slack call) otherwise.

    Args:
        client: the request's Web API client.
        user_id: the Slack user id.
        line: the command line about to run.

    """
    return look_up(client, user_id) if needs_profile(line) else Who()
