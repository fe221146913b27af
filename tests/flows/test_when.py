"""``meeting <when>``: natural dates and times in the user's zone, and their labels."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

import flows.schedule
import flows.when
from flows.when import format_local, parse_when

LONDON = "Europe/London"
LA = "America/Los_Angeles"
AUCKLAND = "Pacific/Auckland"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# Thursday 2026-10-22 14:00 BST, three days before the EU switch back to GMT.
NOW_LONDON = utc(2026, 10, 22, 13, 0)
# Friday 2026-03-06 12:00 PST, two days before the US spring-forward.
NOW_LA = utc(2026, 3, 6, 20, 0)
# Monday 2026-03-02 08:30 NZDT (still Sunday in UTC).
NOW_AUCKLAND = utc(2026, 3, 1, 19, 30)

CASES = [
    # (zone, now, text, expected UTC instant)
    (LONDON, NOW_LONDON, "tomorrow 14:00", utc(2026, 10, 23, 13, 0)),
    (LONDON, NOW_LONDON, "today 4pm", utc(2026, 10, 22, 15, 0)),
    (LONDON, NOW_LONDON, "TODAY 4PM", utc(2026, 10, 22, 15, 0)),
    (LONDON, NOW_LONDON, "Thu 3pm", utc(2026, 10, 22, 14, 0)),  # today, still ahead
    (LONDON, NOW_LONDON, "Thu 9am", utc(2026, 10, 29, 9, 0)),  # today has passed: in 7 days
    (LONDON, NOW_LONDON, "thursday 09:30", utc(2026, 10, 29, 9, 30)),
    (LONDON, NOW_LONDON, "next Thu 10:00", utc(2026, 10, 29, 10, 0)),
    (LONDON, NOW_LONDON, "2026-12-03 10:30", utc(2026, 12, 3, 10, 30)),
    (LONDON, NOW_LONDON, "2026-12-03T10:30", utc(2026, 12, 3, 10, 30)),
    (LONDON, NOW_LONDON, "3 Dec 10:30", utc(2026, 12, 3, 10, 30)),
    (LONDON, NOW_LONDON, "Dec 3 10:30", utc(2026, 12, 3, 10, 30)),
    (LONDON, NOW_LONDON, "December 3rd, 10:30am", utc(2026, 12, 3, 10, 30)),
    (LONDON, NOW_LONDON, "Thu 3 Dec, 10:30", utc(2026, 12, 3, 10, 30)),  # as format_local says
    (LONDON, NOW_LONDON, "1 Jan", utc(2027, 1, 1, 9, 0)),  # no year, already past: next year
    (LONDON, NOW_LONDON, "in 2 hours", utc(2026, 10, 22, 15, 0)),
    (LONDON, NOW_LONDON, "in 30 minutes", utc(2026, 10, 22, 13, 30)),
    (LONDON, NOW_LONDON, "in an hour", utc(2026, 10, 22, 14, 0)),
    # Three local days later at the same wall time: 14:00 GMT, not 72 hours later.
    (LONDON, NOW_LONDON, "in 3 days", utc(2026, 10, 25, 14, 0)),
    (LONDON, NOW_LONDON, "in 72 hours", utc(2026, 10, 25, 13, 0)),
    (LONDON, NOW_LONDON, "15:00", utc(2026, 10, 22, 14, 0)),  # bare time, ahead: today
    (LONDON, NOW_LONDON, "13:00", utc(2026, 10, 23, 12, 0)),  # bare time, passed: tomorrow
    (LONDON, NOW_LONDON, "Thursday", utc(2026, 10, 29, 9, 0)),  # today's 09:00 has passed
    (LONDON, NOW_LONDON, "tomorrow", utc(2026, 10, 23, 8, 0)),
    (LONDON, NOW_LONDON, "noon", utc(2026, 10, 23, 11, 0)),
    (LONDON, NOW_LONDON, "monday noon", utc(2026, 10, 26, 12, 0)),  # GMT by then
    (LONDON, NOW_LONDON, "9am tomorrow", utc(2026, 10, 23, 8, 0)),
    (LONDON, NOW_LONDON, "on Friday at 2pm", utc(2026, 10, 23, 13, 0)),
    # Across the EU fall-back: Sunday 2026-10-25 09:00 is GMT, so 09:00 UTC.
    (LONDON, utc(2026, 10, 24, 10, 0), "tomorrow 09:00", utc(2026, 10, 25, 9, 0)),
    (LONDON, utc(2026, 10, 24, 10, 0), "tomorrow 01:30", utc(2026, 10, 25, 0, 30)),  # first
    (LONDON, utc(2026, 3, 28, 12, 0), "tomorrow 01:30", utc(2026, 3, 29, 1, 0)),  # gap: 02:00
    (LA, NOW_LA, "today 4pm", utc(2026, 3, 7, 0, 0)),
    (LA, NOW_LA, "tomorrow 14:00", utc(2026, 3, 7, 22, 0)),
    (LA, NOW_LA, "Sun 9am", utc(2026, 3, 8, 16, 0)),  # PDT
    (LA, NOW_LA, "Sun 02:30", utc(2026, 3, 8, 10, 0)),  # gap: 03:00 PDT
    (LA, NOW_LA, "Thu 9am", utc(2026, 3, 12, 16, 0)),
    (LA, NOW_LA, "next Thu 10:00", utc(2026, 3, 12, 17, 0)),  # next week starts on the 9th
    (LA, NOW_LA, "Fri 9am", utc(2026, 3, 13, 16, 0)),  # today has passed: next Friday
    (LA, NOW_LA, "fri 3pm", utc(2026, 3, 6, 23, 0)),
    (LA, NOW_LA, "11:00", utc(2026, 3, 7, 19, 0)),
    (LA, NOW_LA, "in 2 days", utc(2026, 3, 8, 19, 0)),  # 12:00 PDT, only 47 hours on
    (LA, NOW_LA, "in 48 hours", utc(2026, 3, 8, 20, 0)),
    (LA, NOW_LA, "3 Dec 10:30", utc(2026, 12, 3, 18, 30)),
    (AUCKLAND, NOW_AUCKLAND, "today 4pm", utc(2026, 3, 2, 3, 0)),
    (AUCKLAND, NOW_AUCKLAND, "tomorrow 14:00", utc(2026, 3, 3, 1, 0)),
    (AUCKLAND, NOW_AUCKLAND, "Thu 9am", utc(2026, 3, 4, 20, 0)),
    (AUCKLAND, NOW_AUCKLAND, "Thu 10:00", utc(2026, 3, 4, 21, 0)),
    (AUCKLAND, NOW_AUCKLAND, "next Thu 10:00", utc(2026, 3, 11, 21, 0)),  # Thursday 12 March
    (AUCKLAND, NOW_AUCKLAND, "monday noon", utc(2026, 3, 1, 23, 0)),  # today, still ahead
    (AUCKLAND, NOW_AUCKLAND, "monday 8am", utc(2026, 3, 8, 19, 0)),  # passed: next Monday
    (AUCKLAND, NOW_AUCKLAND, "noon", utc(2026, 3, 1, 23, 0)),
    (AUCKLAND, NOW_AUCKLAND, "Thursday", utc(2026, 3, 4, 20, 0)),
    (AUCKLAND, NOW_AUCKLAND, "tomorrow", utc(2026, 3, 2, 20, 0)),
    (AUCKLAND, NOW_AUCKLAND, "2026-04-05 02:30", utc(2026, 4, 4, 13, 30)),  # overlap: NZDT
    (AUCKLAND, NOW_AUCKLAND, "27 Sep 02:30", utc(2026, 9, 26, 14, 0)),  # gap: 03:00 NZDT
    (AUCKLAND, NOW_AUCKLAND, "in 3 days", utc(2026, 3, 4, 19, 30)),
]


@pytest.mark.parametrize(("tz", "now", "text", "expected"), CASES)
def test_parse_when(tz: str, now: datetime, text: str, expected: datetime) -> None:
    got = parse_when(text, now, tz)
    assert got == expected
    assert got.tzinfo is UTC


def test_within_a_minute_is_not_past() -> None:
    now = utc(2026, 6, 1, 13, 0, 45)  # 14:00:45 BST
    assert parse_when("today 14:00", now, LONDON) == utc(2026, 6, 1, 13, 0)
    assert parse_when("14:00", now, LONDON) == utc(2026, 6, 1, 13, 0)
    later = utc(2026, 6, 1, 13, 1, 30)
    with pytest.raises(ValueError, match="That time has passed"):
        parse_when("today 14:00", later, LONDON)
    assert parse_when("14:00", later, LONDON) == utc(2026, 6, 2, 13, 0)


REJECTIONS = [
    ("whenever", "couldn't work out when"),
    ("", "Tell me when"),
    ("yesterday", "couldn't work out when"),
    ("today 9am", "That time has passed"),
    ("2026-10-01 10:00", "That time has passed"),
    ("12/03 10:00", "2026-12-03"),
    ("12/03", "3 Dec or 12 Mar"),
    ("13/03", "2026-03-13"),
    ("3.12.2026", "either|could mean"),
    ("Feb 30 10:00", "There is no 30 February"),
    ("2026-02-30", "There is no 30 February in 2026"),
    ("29 Feb", "There is no 29 February"),
    ("2026-13-01", "no month 13"),
    ("2027-12-01 10:00", "more than a year away"),
    ("in 400 days", "more than a year away"),
    ("in 99999999999 days", "more than a year away"),
    ("in 10000 hours", "more than a year away"),
    ("tomorrow 25:00", "hours go from 00 to 23"),
    ("8:75", "minutes go from 00 to 59"),
    ("Fri 3 Dec 10:30", "3 December 2026 is a Thursday, not a Friday"),
    ("3 dex 10:30", "couldn't work out when"),
]


@pytest.mark.parametrize(("text", "message"), REJECTIONS)
def test_rejections_are_sentences(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_when(text, NOW_LONDON, LONDON)
    sentence = str(info.value)
    assert sentence[0].isupper() or sentence[0] in '0123456789"'
    assert sentence.rstrip().endswith((".", "?"))


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("tomorrow 14:00", datetime(2026, 6, 1, 12, 0), LONDON)


def test_unknown_zone_means_utc() -> None:
    assert parse_when("tomorrow 14:00", NOW_LONDON, "Mars/Base") == utc(2026, 10, 23, 14, 0)


# --- never the system clock -----------------------------------------------------------------


@pytest.mark.parametrize("frozen", ["2031-07-04 03:00:00", "2001-01-01 23:59:00"])
def test_the_system_clock_is_never_read(frozen: str) -> None:
    with freeze_time(frozen):
        for tz, now, text, expected in CASES:
            assert parse_when(text, now, tz) == expected, text
        assert format_local(utc(2026, 10, 23, 13, 0), LONDON, NOW_LONDON) == "tomorrow 14:00"


def test_sources_do_not_call_the_clock() -> None:
    for module in (flows.when, flows.schedule):
        source = inspect.getsource(module)
        assert not re.search(r"\.(now|today|utcnow)\(|time\.time\(|monotonic\(", source)


# --- format_local ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "tz", "now", "label"),
    [
        (utc(2026, 10, 22, 15, 0), LONDON, NOW_LONDON, "today 16:00"),
        (utc(2026, 10, 23, 13, 0), LONDON, NOW_LONDON, "tomorrow 14:00"),
        (utc(2026, 12, 3, 10, 30), LONDON, NOW_LONDON, "Thu 3 Dec, 10:30 (Europe/London)"),
        (utc(2027, 1, 1, 9, 0), LONDON, NOW_LONDON, "Fri 1 Jan 2027, 09:00 (Europe/London)"),
        (utc(2026, 10, 21, 9, 0), LONDON, NOW_LONDON, "Wed 21 Oct, 10:00 (Europe/London)"),
        # Tuesday in Auckland while it is still Monday in UTC.
        (utc(2026, 3, 2, 1, 0), AUCKLAND, NOW_AUCKLAND, "today 14:00"),
        (utc(2026, 3, 3, 1, 0), AUCKLAND, NOW_AUCKLAND, "tomorrow 14:00"),
        (utc(2026, 3, 4, 20, 0), AUCKLAND, NOW_AUCKLAND, "Thu 5 Mar, 09:00 (Pacific/Auckland)"),
        (utc(2026, 3, 12, 17, 0), LA, NOW_LA, "Thu 12 Mar, 10:00 (America/Los_Angeles)"),
        (utc(2026, 3, 12, 17, 0), "Mars/Base", NOW_LA, "Thu 12 Mar, 17:00 (UTC)"),
    ],
)
def test_format_local(instant: datetime, tz: str, now: datetime, label: str) -> None:
    assert format_local(instant, tz, now) == label


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    tz=st.sampled_from([LONDON, LA, AUCKLAND, "Asia/Kolkata", "America/New_York"]),
    now=st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC)),
    minutes=st.integers(1, 300 * 24 * 60),
)
def test_format_local_reads_back(tz: str, now: datetime, minutes: int) -> None:
    """What we print in a reply, typed back (without the zone), means the same instant."""
    instant = (now + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
    if instant.astimezone(ZoneInfo(tz)).fold:
        return  # the second 01:30 of a fall-back night cannot be named by wall time
    label = format_local(instant, tz, now).split(" (")[0]
    assert parse_when(label, now, tz) == instant, label


WORDS = st.sampled_from(
    [
        "today",
        "tomorrow",
        "next",
        "thu",
        "monday",
        "in",
        "2",
        "hours",
        "days",
        "3",
        "dec",
        "2026-12-03",
        "10:30",
        "9am",
        "noon",
        "12/03",
        "feb",
        "30",
        "at",
        "on",
        "whenever",
        ".",
        "pm",
        "31",
        "2027",
        "0",
        "99999",
    ]
)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=40), st.lists(WORDS, max_size=5).map(" ".join)))
def test_anything_typed_is_an_instant_or_a_sentence(text: str) -> None:
    try:
        got = parse_when(text, NOW_AUCKLAND, AUCKLAND)
    except ValueError as exc:
        assert str(exc)
        return
    assert got.tzinfo is UTC
    assert NOW_AUCKLAND - timedelta(minutes=1) <= got <= NOW_AUCKLAND + timedelta(days=366)
