"""When a user's daily prep reminder is due: pure date arithmetic, no clock, no I/O.

A :class:`Reminder` is a local wall-clock time in the user's IANA time zone, on weekdays
(Monday-Friday in the user's *local* calendar) or every day, optionally snoozed until a
local date. Every function takes the current instant as an argument and returns UTC-aware
datetimes, so callers (the Slack scheduler, the catch-up after downtime) stay testable.

Daylight-saving rules, applied the same way everywhere (``flows.when`` reuses them through
:func:`resolve_local`):

* A wall-clock time that does not exist that day (the spring-forward gap, e.g. 02:30 in New
  York on 2026-03-08) fires at the first valid instant after the gap (03:00 local).
* An ambiguous wall-clock time (the fall-back overlap, e.g. 01:30 in New York on
  2026-11-01) fires once, at its first occurrence (``fold=0``).

So a reminder fires exactly once on every local day it runs: never twice, never skipped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "Days",
    "Reminder",
    "latest_due",
    "local_date",
    "next_due",
    "next_weekly",
    "occurrence_on",
    "parse_clock",
    "resolve_local",
    "runs_on",
    "still_useful",
    "valid_zone",
    "zone",
]

Days = Literal["weekdays", "daily"]

# How far back latest_due looks: a week of downtime plus a day of slack. Anything older is
# stale enough that nobody wants the reminder any more.
_CATCH_UP_WINDOW = timedelta(days=8)
# A reminder sent within this long of falling due is on time, whatever the hour.
ON_TIME = timedelta(minutes=15)
# A reminder caught up late is sent only before this local time (working hours).
CATCH_UP_UNTIL = time(20)


@dataclass(frozen=True)
class Reminder:
    """A daily prep reminder.

    Attributes:
        at: Local wall-clock time, e.g. ``time(8, 30)``; any ``tzinfo`` on it is ignored.
        days: ``"weekdays"`` (Monday-Friday in the user's local calendar) or ``"daily"``.
        tz: IANA time zone name, e.g. ``"Pacific/Auckland"``; unknown names mean UTC.
        snoozed_until: Local date; occurrences on local dates before it are skipped.

    """

    at: time
    days: Days = "weekdays"
    tz: str = "UTC"
    snoozed_until: date | None = None


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name``, or UTC when the name is empty or unknown.

    Never raises: a stored profile with a stale or mistyped zone must still get reminders,
    at the UTC time rather than never.

    Args:
        name: IANA time zone name.

    """
    try:
        return ZoneInfo(name)
    # ValueError covers empty and non-normalised keys ("", "../x"); TypeError a non-str.
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return ZoneInfo("UTC")


def valid_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows.

    Args:
        name: IANA time zone name, e.g. ``"Europe/London"``.

    """
    if not isinstance(name, str) or not name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _require_aware(instant: datetime, what: str) -> None:
    # A naive datetime would be read in the *machine's* local zone by astimezone(), which
    # is exactly the silent clock dependence this module exists to avoid.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {instant.isoformat()}")


def local_date(instant: datetime, tz: str) -> date:
    """The calendar date of ``instant`` in time zone ``tz``.

    Args:
        instant: A timezone-aware datetime.
        tz: IANA time zone name.

    """
    _require_aware(instant, "instant")
    return instant.astimezone(zone(tz)).date()


def _gap_end(before: datetime, after: datetime, tz: ZoneInfo) -> datetime:
    """The first instant in ``(before, after]`` that has ``after``'s UTC offset in ``tz``.

    ``before`` is an instant before a transition and ``after`` one after it.
    """
    target = after.astimezone(tz).utcoffset()
    # Transitions fall on whole seconds, so bisect POSIX seconds; the interval is at most
    # a few hours wide, so this takes a dozen or so steps.
    lo = math.floor(before.timestamp())
    hi = math.ceil(after.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == target:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def resolve_local(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of wall-clock ``at`` on local date ``day`` in ``tz``.

    A time inside a spring-forward gap resolves to the end of the gap (the first valid
    local instant after it); an ambiguous time in a fall-back overlap resolves to its
    first occurrence.

    Args:
        day: Local calendar date.
        at: Local wall-clock time; any ``tzinfo`` on it is ignored.
        tz: IANA time zone name (unknown names mean UTC).

    Returns:
        A UTC-aware datetime.

    """
    z = zone(tz)
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=z)  # fold=0: the first occurrence of an ambiguous time
    instant = first.astimezone(UTC)
    if instant.astimezone(z).replace(tzinfo=None) == wall:
        return instant
    # The wall time does not exist. fold=0 mapped it with the offset from before the
    # transition, which lands after the gap; the offset from after it (larger by the
    # gap's width) lands before the gap. Computed by hand rather than with fold=1, which
    # time-freezing test fakes drop.
    pre = first.utcoffset()
    post = instant.astimezone(z).utcoffset()
    assert pre is not None and post is not None  # ZoneInfo always has an offset
    return _gap_end(instant - (post - pre), instant, z)


def occurrence_on(reminder: Reminder, day: date) -> datetime:
    """The UTC instant at which ``reminder`` fires on local date ``day``.

    This ignores the weekday rule and snooze (see :func:`runs_on`).

    Args:
        reminder: The reminder.
        day: Local calendar date in ``reminder.tz``.

    """
    return resolve_local(day, reminder.at, reminder.tz)


def runs_on(reminder: Reminder, day: date) -> bool:
    """Whether ``reminder`` fires on local date ``day``: weekday rule and snooze.

    Args:
        reminder: The reminder.
        day: Local calendar date in ``reminder.tz``.

    """
    if reminder.snoozed_until is not None and day < reminder.snoozed_until:
        return False
    return reminder.days == "daily" or day.weekday() < 5


def _start_day(reminder: Reminder, after: datetime) -> date:
    # Start a day early: a local day's occurrence is never before that day begins, but
    # starting early keeps the search obviously correct around midnight gaps.
    start = local_date(after, reminder.tz) - timedelta(days=1)
    if reminder.snoozed_until is not None and reminder.snoozed_until > start:
        start = reminder.snoozed_until
    return start


def next_due(reminder: Reminder, after: datetime) -> datetime:
    """The first occurrence of ``reminder`` strictly after ``after``.

    Args:
        reminder: The reminder.
        after: A timezone-aware instant.

    Returns:
        A UTC-aware datetime.

    """
    _require_aware(after, "after")
    day = _start_day(reminder, after)
    # At most a weekend to skip, plus the early start: ten days always suffices.
    for offset in range(10):
        candidate = day + timedelta(days=offset)
        if runs_on(reminder, candidate):
            instant = occurrence_on(reminder, candidate)
            if instant > after:
                return instant
    raise AssertionError("unreachable: a reminder runs at least five days a week")


def next_weekly(reminder: Reminder, weekday: int, after: datetime) -> datetime:
    """The first occurrence of the reminder time on local ``weekday`` strictly after ``after``.

    Used for the weekly digest: the weekdays/daily rule is ignored, snooze is honoured.

    Args:
        reminder: The reminder (its ``at``, ``tz`` and ``snoozed_until`` are used).
        weekday: 0 for Monday ... 6 for Sunday, in the user's local calendar.
        after: A timezone-aware instant.

    Returns:
        A UTC-aware datetime.

    """
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
    _require_aware(after, "after")
    day = _start_day(reminder, after)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while True:
        instant = occurrence_on(reminder, day)
        if instant > after:
            return instant
        day += timedelta(days=7)


def latest_due(reminder: Reminder, at_or_before: datetime) -> datetime | None:
    """The last occurrence of ``reminder`` at or before an instant, within the last 8 days.

    Used to catch up after downtime: combine with :func:`still_useful` to decide whether
    the missed reminder is still worth sending.

    Args:
        reminder: The reminder.
        at_or_before: A timezone-aware instant.

    Returns:
        A UTC-aware datetime, or None when nothing fell due in the last 8 days.

    """
    _require_aware(at_or_before, "at_or_before")
    oldest = at_or_before - _CATCH_UP_WINDOW
    day = local_date(at_or_before, reminder.tz) + timedelta(days=1)
    for offset in range(11):
        candidate = day - timedelta(days=offset)
        if not runs_on(reminder, candidate):
            continue
        instant = occurrence_on(reminder, candidate)
        if instant <= at_or_before:
            return instant if instant >= oldest else None
    return None


def still_useful(due: datetime, now: datetime, tz: str) -> bool:
    """Whether a reminder that fell due is (still) worth sending now.

    On time (within :data:`ON_TIME` of falling due) it always is, whatever hour the user
    chose. A late one - caught up after downtime - is sent only the same local day and
    within working hours (before :data:`CATCH_UP_UNTIL` local time): a prep reminder for
    yesterday's meetings is noise, and nobody wants this morning's prep DM at 22:35.

    Args:
        due: The instant the reminder fell due (aware).
        now: The current instant (aware).
        tz: The user's IANA time zone name.

    """
    _require_aware(due, "due")
    _require_aware(now, "now")
    if now < due or local_date(now, tz) != local_date(due, tz):
        return False
    if now - due <= ON_TIME:
        return True
    return now.astimezone(zone(tz)).time() < CATCH_UP_UNTIL


_CLOCK = re.compile(
    r"""
    (?P<hour>\d{1,2})
    (?:\s*[:.h]\s*(?P<minute>\d{1,2}))?
    \s*(?P<half>a\.?m\.?|p\.?m\.?)?
    """,
    re.VERBOSE,
)
_NAMED = {"noon": time(12), "midday": time(12), "12 noon": time(12), "midnight": time(0)}
_CLOCK_HINT = "Try a time like 08:30, 8:30am or 20:00."


def parse_clock(text: str) -> time:
    """Read a time of day: ``08:30``, ``8:30``, ``8am``, ``8.30am``, ``20:00``, ``noon``.

    Args:
        text: What the user typed.

    Returns:
        A naive :class:`datetime.time`.

    Raises:
        ValueError: With a user-facing sentence when ``text`` is not a time of day.

    """
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise ValueError(f"Give a time of day. {_CLOCK_HINT}")
    if cleaned in _NAMED:
        return _NAMED[cleaned]
    match = _CLOCK.fullmatch(cleaned)
    if match is None:
        raise ValueError(f'I couldn\'t read "{text.strip()}" as a time of day. {_CLOCK_HINT}')
    hour = int(match["hour"])
    minute_text = match["minute"]
    half = match["half"]
    # A bare number ("8") could be a time, a count or a date: ask rather than guess.
    if minute_text is None and half is None:
        raise ValueError(f'"{text.strip()}" could mean several things. {_CLOCK_HINT}')
    if minute_text is not None and len(minute_text) != 2:
        raise ValueError(f"Minutes need two digits, as in 8:05. {_CLOCK_HINT}")
    minute = int(minute_text) if minute_text is not None else 0
    if minute > 59:
        raise ValueError(f"{text.strip()} isn't a time: minutes go from 00 to 59.")
    if half is None:
        if hour > 23:
            raise ValueError(f"{text.strip()} isn't a time of day: hours go from 00 to 23.")
        return time(hour, minute)
    if not 1 <= hour <= 12:
        raise ValueError(f"{text.strip()} isn't a time: with am or pm, hours go from 1 to 12.")
    # 12am is midnight and 12pm is noon.
    hour %= 12
    if half.startswith("p"):
        hour += 12
    return time(hour, minute)
