"""Read ``meeting <when>`` in the user's time zone: ``tomorrow 14:00``, ``Thu 9am``, ``in 2 hours``.

Pure functions: the current instant is always passed in, never read from the clock, and
every result is a UTC-aware datetime.

Understood (case-insensitive, relative to ``now`` in the user's zone):

* a day and a time, either way round: ``tomorrow 14:00``, ``today 4pm``, ``Thu 9am``,
  ``thursday 09:30``, ``next Thu 10:00``, ``2026-12-03 10:30``, ``3 Dec 10:30``,
  ``Dec 3 10:30``, ``monday noon``, ``9am tomorrow``;
* a day alone (``Thursday``, ``tomorrow``, ``3 Dec``): 09:00 local that day;
* a time alone (``15:00``, ``noon``): today if still ahead, else tomorrow;
* ``in 30 minutes``, ``in 2 hours`` (elapsed time) and ``in 3 days``, ``in 2 weeks`` (the
  same wall-clock time that many local days later).

A weekday means the coming one: today if the time is still ahead, else in 7 days. ``next``
with a weekday means that day in next week (weeks start on Monday). Numeric dates such as
``12/03`` are refused because day and month could be either way round. Wall-clock times
in a daylight-saving gap move to the end of the gap, as reminders do
(:func:`flows.schedule.resolve_local`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flows.schedule import local_date, parse_clock, resolve_local, zone

__all__ = ["format_local", "parse_when"]

# A meeting "now" typed a few seconds late is still fine; anything older is a mistake.
_GRACE = timedelta(minutes=1)
_HORIZON = timedelta(days=366)
_DEFAULT_TIME = time(9, 0)
_EXAMPLES = 'Try "tomorrow 14:00", "Thu 9am", "3 Dec 10:30" or "in 2 hours".'

_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_WEEKDAY_NAMES = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = {
    **{name.lower(): i for i, name in enumerate(_WEEKDAY_NAMES)},
    **{
        name: i
        for i, names in enumerate(
            (
                ("monday",),
                ("tues", "tuesday"),
                ("weds", "wednesday"),
                ("thur", "thurs", "thursday"),
                ("friday",),
                ("saturday",),
                ("sunday",),
            )
        )
        for name in names
    },
}
_MONTHS = {
    **{name.lower(): i for i, name in enumerate(_MONTH_NAMES, start=1)},
    **{name.lower()[:3]: i for i, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}

_WD = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:\s+(?P<year>\d{4}))?"
# An explicit date may carry its weekday in front, as format_local writes it.
_WD_PREFIX = rf"(?:(?P<dow>{_WD})\s+)?"

_ISO = re.compile(rf"{_WD_PREFIX}(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})")
_DAY_MONTH = re.compile(
    rf"{_WD_PREFIX}(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MON})\.?{_YEAR}"
)
_MONTH_DAY = re.compile(rf"{_WD_PREFIX}(?P<mon>{_MON})\.?\s+(?P<day>\d{{1,2}}){_ORD}{_YEAR}")
_WEEKDAY = re.compile(rf"(?:(?P<which>this|next)\s+)?(?P<dow>{_WD})\.?")
_RELATIVE = re.compile(
    r"in\s+(?P<n>\d+|an?|one)\s*"
    r"(?P<unit>minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)"
)
# Day and month either way round: 12/03, 3-12, 03.12.2026 (but not 2026-12-03 or 8.30).
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/-])(?P<b>\d{1,2})(?:(?P=sep)\d{2,4})?(?![\d/-])"
    r"|(?<![\d/.-])(?P<c>\d{1,2})\.(?P<d>\d{1,2})\.(?:\d{2,4})?(?![\d/-])"
)
_LOOKS_LIKE_CLOCK = re.compile(r"\d[\d:.h\s]*(?:[ap]\.?m\.?)?|noon|midday|midnight")


@dataclass(frozen=True)
class _Day:
    """A resolved local date; ``roll`` days are added if the time on it has passed."""

    day: date
    roll: int = 0


def _normalise(text: str) -> str:
    cleaned = text.strip().lower().replace(",", " ")
    cleaned = cleaned.rstrip("!?")
    # A full stop after "a.m." or "Dec." is punctuation; after a digit it may be part of
    # a dotted date ("3.12."), which is then refused rather than read as 03:12.
    if cleaned.endswith(".") and cleaned[-2:-1].isalpha():
        cleaned = cleaned[:-1]
    # "2026-12-03T10:30", as people paste from calendars.
    cleaned = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)", r"\1 ", cleaned)
    words = [w for w in cleaned.split() if w not in {"at", "on", "@"}]
    return " ".join(words)


def _make_date(year: int, month: int, day: int) -> date:
    if not 1 <= year <= 9998:  # date() stops at 9999, and we add a year to roll over
        raise ValueError(f"I can't plan meetings in the year {year}. {_EXAMPLES}")
    try:
        return date(year, month, day)
    except ValueError:
        if 1 <= month <= 12:
            raise ValueError(f"There is no {day} {_MONTH_NAMES[month - 1]} in {year}.") from None
        raise ValueError(f"There is no month {month}. Write dates like 2026-12-03.") from None


def _check_weekday(match: re.Match[str], found: date) -> None:
    dow = match["dow"]
    if dow is not None and _WEEKDAYS[dow] != found.weekday():
        said = _FULL_WEEKDAY_NAMES[_WEEKDAYS[dow]]
        real = _FULL_WEEKDAY_NAMES[found.weekday()]
        raise ValueError(
            f"{found.day} {_MONTH_NAMES[found.month - 1]} {found.year} is a {real}, "
            f"not a {said}. Which did you mean?"
        )


def _parse_day(text: str, today: date) -> _Day | None:
    """The day ``text`` names, None if it names no day; ValueError for impossible dates."""
    if text == "today":
        return _Day(today)
    if text in {"tomorrow", "tmrw", "tmr"}:
        return _Day(today + timedelta(days=1))
    if (m := _WEEKDAY.fullmatch(text)) is not None:
        target = _WEEKDAYS[m["dow"]]
        if m["which"] == "next":
            next_monday = today + timedelta(days=7 - today.weekday())
            return _Day(next_monday + timedelta(days=target))
        ahead = (target - today.weekday()) % 7
        # Today's weekday: today if the time is still ahead, else the same day next week.
        return _Day(today + timedelta(days=ahead), roll=7 if ahead == 0 else 0)
    if (m := _ISO.fullmatch(text)) is not None:
        found = _make_date(int(m["year"]), int(m["month"]), int(m["day"]))
        _check_weekday(m, found)
        return _Day(found)
    m = _DAY_MONTH.fullmatch(text) or _MONTH_DAY.fullmatch(text)
    if m is not None:
        month, day = _MONTHS[m["mon"]], int(m["day"])
        if m["year"] is not None:
            found = _make_date(int(m["year"]), month, day)
        else:
            # No year: the next such date, this year unless it is already behind us.
            found = _make_date(today.year, month, day)
            if found < today:
                found = _make_date(today.year + 1, month, day)
        _check_weekday(m, found)
        return _Day(found)
    return None


def _reject_numeric_date(text: str, today: date) -> None:
    m = _NUMERIC_DATE.search(text)
    if m is None:
        return
    first, second = (m["a"], m["b"]) if m["a"] is not None else (m["c"], m["d"])
    a, b = int(first), int(second)
    # Spell out the readings that are real dates, so the fix is one copy-paste away.
    readings = []
    for month, day in ((a, b), (b, a)):
        try:
            readings.append(date(today.year, month, day))
        except ValueError:
            continue
    if not readings:
        raise ValueError(f'"{m.group(0)}" is not a date I can read. Write dates like 2026-12-03.')
    spelled = f"{readings[0].isoformat()} (year-month-day) or {_short(readings[0])}"
    if len(readings) == 1 or readings[0] == readings[1]:
        raise ValueError(
            f'Please write "{m.group(0)}" as {spelled}, so day and month can\'t be mixed up.'
        )
    raise ValueError(
        f'"{m.group(0)}" could mean {_short(readings[0])} or {_short(readings[1])}. '
        f"Write the date as {spelled} instead."
    )


def _short(found: date) -> str:
    return f"{found.day} {_MONTH_NAMES[found.month - 1][:3]}"


def _relative(m: re.Match[str], now: datetime, tz: str) -> datetime:
    raw = m["n"]
    if len(raw) > 6:
        raise _too_far()
    n = 1 if raw in {"a", "an", "one"} else int(raw)
    unit = m["unit"][0]
    if unit in {"m", "h"}:
        delta = timedelta(minutes=n) if unit == "m" else timedelta(hours=n)
        if delta > _HORIZON:
            raise _too_far()
        return now.astimezone(UTC) + delta
    days = n * 7 if unit == "w" else n
    if days > _HORIZON.days:
        raise _too_far()
    # Days are calendar days: the same wall-clock time, even across a DST switch.
    local = now.astimezone(zone(tz))
    return resolve_local(local.date() + timedelta(days=days), local.time(), tz)


def _too_far() -> ValueError:
    return ValueError("That's more than a year away; I can plan meetings up to 366 days ahead.")


def _split(text: str, today: date) -> tuple[_Day | None, time | None]:
    """Split ``text`` into a day and a time of day (either may be missing)."""
    words = text.split()
    errors: list[ValueError] = []
    for k in range(len(words) + 1):
        for day_words, clock_words in ((words[:k], words[k:]), (words[k:], words[:k])):
            try:
                day = _parse_day(" ".join(day_words), today) if day_words else None
            except ValueError as exc:
                errors.insert(0, exc)  # an impossible date is the most useful thing to say
                continue
            if day_words and day is None:
                continue
            clock_text = " ".join(clock_words)
            try:
                clock = parse_clock(clock_text) if clock_words else None
            except ValueError as exc:
                # Only worth repeating when the rest was understood and this looks like
                # a clock ("tomorrow 25:00", "8:75"), not for "3 dex 10:30".
                if _LOOKS_LIKE_CLOCK.fullmatch(clock_text):
                    errors.append(exc)
                continue
            return day, clock
    if errors:
        raise errors[0]
    raise ValueError(f'I couldn\'t work out when "{text}" is. {_EXAMPLES}')


def parse_when(text: str, now: datetime, tz: str) -> datetime:
    """The instant a user means by ``text``, read in their time zone relative to ``now``.

    Args:
        text: What the user typed after ``meeting``, e.g. ``"Thu 9am"``.
        now: The current instant (timezone-aware); the clock is never read.
        tz: The user's IANA time zone name (unknown names mean UTC).

    Returns:
        A UTC-aware datetime.

    Raises:
        ValueError: With a user-facing sentence when ``text`` is not understood, names an
            impossible date, has passed (more than a minute ago) or is over 366 days ahead.

    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {now.isoformat()}")
    cleaned = _normalise(text)
    if not cleaned:
        raise ValueError(f"Tell me when the meeting is. {_EXAMPLES}")
    today = local_date(now, tz)
    if (m := _RELATIVE.fullmatch(cleaned)) is not None:
        instant = _relative(m, now, tz)
    else:
        _reject_numeric_date(cleaned, today)
        day, clock = _split(cleaned, today)
        if day is None:
            # A bare time: today if still ahead, else tomorrow.
            day = _Day(today, roll=1)
        at = clock if clock is not None else _DEFAULT_TIME
        instant = resolve_local(day.day, at, tz)
        if day.roll and instant < now - _GRACE:
            instant = resolve_local(day.day + timedelta(days=day.roll), at, tz)
    if instant < now - _GRACE:
        raise ValueError(
            f"That time has passed ({format_local(instant, tz, now)}). "
            "Give a time that's still ahead."
        )
    if instant - now > _HORIZON:
        raise _too_far()
    return instant


def format_local(instant: datetime, tz: str, now: datetime) -> str:
    """A short label for ``instant`` in the user's zone, for replies and reminders.

    ``"today 14:00"`` and ``"tomorrow 14:00"`` when that is clearer, else
    ``"Thu 3 Dec, 10:30 (Europe/London)"`` (with the year when it is not this year).
    Names are English whatever the machine's locale.

    Args:
        instant: A timezone-aware instant.
        tz: The user's IANA time zone name (unknown names mean UTC).
        now: The current instant (timezone-aware), to say "today" and "tomorrow".

    """
    z = zone(tz)
    local = instant.astimezone(z)
    today = local_date(now, tz)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.date() == today:
        return f"today {clock}"
    if local.date() == today + timedelta(days=1):
        return f"tomorrow {clock}"
    label = f"{_WEEKDAY_NAMES[local.weekday()]} {local.day} {_MONTH_NAMES[local.month - 1][:3]}"
    if local.year != today.year:
        label += f" {local.year}"
    return f"{label}, {clock} ({z.key})"
