"""Daily reminders across time zones, the date line and both 2026 DST switches."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.schedule import (
    Reminder,
    latest_due,
    local_date,
    next_due,
    next_weekly,
    occurrence_on,
    parse_clock,
    resolve_local,
    runs_on,
    still_useful,
    valid_zone,
    zone,
)

ZONES = [
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- zones -------------------------------------------------------------------------------


def test_zone_falls_back_to_utc_and_never_raises() -> None:
    assert zone("Europe/London") == ZoneInfo("Europe/London")
    for bad in ["", "Mars/Olympus_Mons", "../etc/passwd", "Europe/", " "]:
        assert zone(bad) == ZoneInfo("UTC")


def test_valid_zone() -> None:
    assert valid_zone("Pacific/Auckland")
    assert valid_zone("UTC")
    assert not valid_zone("")
    assert not valid_zone("Mars/Olympus_Mons")
    assert not valid_zone("../etc/passwd")


def test_local_date_across_the_date_line() -> None:
    sunday_evening_utc = utc(2026, 3, 1, 19, 0)
    assert local_date(sunday_evening_utc, "Pacific/Auckland") == date(2026, 3, 2)  # Monday
    assert local_date(sunday_evening_utc, "America/Los_Angeles") == date(2026, 3, 1)


def test_naive_datetimes_are_refused() -> None:
    reminder = Reminder(time(9))
    naive = datetime(2026, 6, 1, 9, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_due(reminder, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        latest_due(reminder, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(naive, "UTC")


# --- exact instants on switch days ----------------------------------------------------------

SWITCH_DAYS = [
    # (zone, local date, wall time, expected UTC instant)
    # US spring forward 2026-03-08 02:00 -> 03:00.
    ("America/New_York", date(2026, 3, 7), time(8), utc(2026, 3, 7, 13, 0)),
    ("America/New_York", date(2026, 3, 8), time(8), utc(2026, 3, 8, 12, 0)),
    ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0)),  # gap: 03:00
    ("America/New_York", date(2026, 3, 8), time(1, 59), utc(2026, 3, 8, 6, 59)),
    ("America/New_York", date(2026, 3, 8), time(3, 0), utc(2026, 3, 8, 7, 0)),
    ("America/Los_Angeles", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 10, 0)),
    ("America/Los_Angeles", date(2026, 3, 8), time(9), utc(2026, 3, 8, 16, 0)),
    # US fall back 2026-11-01 02:00 -> 01:00: 01:30 is the first (EDT / PDT) one.
    ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
    ("America/New_York", date(2026, 11, 1), time(8), utc(2026, 11, 1, 13, 0)),
    ("America/Los_Angeles", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 8, 30)),
    ("America/Los_Angeles", date(2026, 10, 31), time(9), utc(2026, 10, 31, 16, 0)),
    ("America/Los_Angeles", date(2026, 11, 1), time(9), utc(2026, 11, 1, 17, 0)),
    # EU spring forward 2026-03-29 01:00 -> 02:00, fall back 2026-10-25 02:00 -> 01:00.
    ("Europe/London", date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 0)),  # gap: 02:00
    ("Europe/London", date(2026, 3, 29), time(9), utc(2026, 3, 29, 8, 0)),
    ("Europe/London", date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),  # BST one
    ("Europe/London", date(2026, 10, 25), time(9), utc(2026, 10, 25, 9, 0)),
    # NZ fall back 2026-04-05 03:00 -> 02:00, spring forward 2026-09-27 02:00 -> 03:00.
    ("Pacific/Auckland", date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 13, 30)),  # NZDT one
    ("Pacific/Auckland", date(2026, 4, 5), time(8), utc(2026, 4, 4, 20, 0)),
    ("Pacific/Auckland", date(2026, 9, 27), time(2, 30), utc(2026, 9, 26, 14, 0)),  # gap: 03:00
    ("Pacific/Auckland", date(2026, 9, 27), time(8), utc(2026, 9, 26, 19, 0)),
    # Half-hour offset, no DST.
    ("Asia/Kolkata", date(2026, 3, 29), time(8), utc(2026, 3, 29, 2, 30)),
    ("Asia/Kolkata", date(2026, 10, 25), time(8), utc(2026, 10, 25, 2, 30)),
]


@pytest.mark.parametrize(("tz", "day", "at", "expected"), SWITCH_DAYS)
def test_occurrence_on_switch_days(tz: str, day: date, at: time, expected: datetime) -> None:
    got = occurrence_on(Reminder(at, "daily", tz), day)
    assert got == expected
    assert got.tzinfo is UTC
    assert resolve_local(day, at, tz) == expected


def test_gap_time_fires_once_at_end_of_gap() -> None:
    reminder = Reminder(time(2, 30), "daily", "America/New_York")
    first = next_due(reminder, utc(2026, 3, 8, 0, 0))
    assert first == utc(2026, 3, 8, 7, 0)
    assert first.astimezone(ZoneInfo("America/New_York")).time() == time(3, 0)
    # The next one is the following day at the real 02:30 EDT, nothing in between.
    assert next_due(reminder, first) == utc(2026, 3, 9, 6, 30)


def test_gap_time_in_auckland() -> None:
    reminder = Reminder(time(2, 30), "daily", "Pacific/Auckland")
    assert next_due(reminder, utc(2026, 9, 26, 0, 0)) == utc(2026, 9, 26, 14, 0)
    assert next_due(reminder, utc(2026, 9, 26, 14, 0)) == utc(2026, 9, 27, 13, 30)


def test_overlap_time_fires_once() -> None:
    reminder = Reminder(time(1, 30), "daily", "America/New_York")
    first = next_due(reminder, utc(2026, 11, 1, 0, 0))
    assert first == utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    # Not again at 01:30 EST (06:30 UTC) the same night: next is Monday 01:30 EST.
    assert next_due(reminder, first) == utc(2026, 11, 2, 6, 30)
    assert next_due(reminder, utc(2026, 11, 1, 6, 0)) == utc(2026, 11, 2, 6, 30)


def test_overlap_in_auckland_fires_once() -> None:
    reminder = Reminder(time(2, 30), "daily", "Pacific/Auckland")
    first = next_due(reminder, utc(2026, 4, 4, 0, 0))
    assert first == utc(2026, 4, 4, 13, 30)  # 02:30 NZDT
    assert next_due(reminder, first) == utc(2026, 4, 5, 14, 30)  # Monday 02:30 NZST


# --- weekdays in the local calendar ---------------------------------------------------------


def test_auckland_monday_is_sunday_in_utc_and_is_sent() -> None:
    reminder = Reminder(time(8), "weekdays", "Pacific/Auckland")
    assert next_due(reminder, utc(2026, 3, 1, 18, 0)) == utc(2026, 3, 1, 19, 0)


def test_auckland_weekend_is_skipped_in_local_calendar() -> None:
    reminder = Reminder(time(8), "weekdays", "Pacific/Auckland")
    # Friday 18:00 UTC is Saturday 07:00 in Auckland: skip Sat and Sun, fire Monday 08:00.
    assert next_due(reminder, utc(2026, 3, 6, 18, 0)) == utc(2026, 3, 8, 19, 0)
    assert not runs_on(reminder, date(2026, 3, 7))
    assert runs_on(reminder, date(2026, 3, 9))


def test_los_angeles_friday_evening_is_saturday_in_utc_and_is_sent() -> None:
    reminder = Reminder(time(18), "weekdays", "America/Los_Angeles")
    assert next_due(reminder, utc(2026, 3, 7, 1, 0)) == utc(2026, 3, 7, 2, 0)
    # After that Friday one, the next is Monday 18:00 PDT (the switch happened on Sunday).
    assert next_due(reminder, utc(2026, 3, 7, 2, 0)) == utc(2026, 3, 10, 1, 0)


def test_daily_includes_weekends() -> None:
    reminder = Reminder(time(8), "daily", "Pacific/Auckland")
    assert next_due(reminder, utc(2026, 3, 6, 18, 0)) == utc(2026, 3, 6, 19, 0)  # Saturday


def test_kolkata_half_hour_offset() -> None:
    reminder = Reminder(time(8, 30), "weekdays", "Asia/Kolkata")
    assert next_due(reminder, utc(2026, 6, 1, 0, 0)) == utc(2026, 6, 1, 3, 0)


def test_unknown_zone_means_utc() -> None:
    reminder = Reminder(time(9), "daily", "Nowhere/Special")
    assert next_due(reminder, utc(2026, 6, 1, 0, 0)) == utc(2026, 6, 1, 9, 0)


def test_next_due_is_strictly_after() -> None:
    reminder = Reminder(time(9), "daily", "UTC")
    assert next_due(reminder, utc(2026, 6, 1, 9, 0)) == utc(2026, 6, 2, 9, 0)
    assert next_due(reminder, utc(2026, 6, 1, 8, 59, 59)) == utc(2026, 6, 1, 9, 0)


# --- snooze ---------------------------------------------------------------------------------


def test_snooze_skips_today_only() -> None:
    tuesday = date(2026, 6, 2)
    reminder = Reminder(time(9), "weekdays", "Europe/London")
    snoozed = Reminder(time(9), "weekdays", "Europe/London", snoozed_until=tuesday.replace(day=3))
    before_nine = utc(2026, 6, 2, 7, 0)  # 08:00 BST
    assert next_due(reminder, before_nine) == utc(2026, 6, 2, 8, 0)
    assert next_due(snoozed, before_nine) == utc(2026, 6, 3, 8, 0)
    assert not runs_on(snoozed, tuesday)
    assert runs_on(snoozed, date(2026, 6, 3))


def test_long_snooze() -> None:
    reminder = Reminder(time(9), "weekdays", "Europe/London", snoozed_until=date(2026, 12, 25))
    assert next_due(reminder, utc(2026, 6, 1, 0, 0)) == utc(2026, 12, 25, 9, 0)  # a Friday


def test_snooze_uses_the_local_date() -> None:
    # Snoozed until Tuesday in Auckland: Tuesday 08:00 NZST is Monday 20:00 UTC.
    reminder = Reminder(time(8), "weekdays", "Pacific/Auckland", snoozed_until=date(2026, 6, 2))
    assert next_due(reminder, utc(2026, 5, 31, 0, 0)) == utc(2026, 6, 1, 20, 0)


# --- catch-up after downtime ----------------------------------------------------------------


def test_catch_up_same_morning_is_useful() -> None:
    # Down 07:00-10:00 London time on a Tuesday with a 09:00 reminder.
    reminder = Reminder(time(9), "weekdays", "Europe/London")
    back_up = utc(2026, 6, 2, 9, 0)  # 10:00 BST
    due = latest_due(reminder, back_up)
    assert due == utc(2026, 6, 2, 8, 0)
    assert still_useful(due, back_up, reminder.tz)


def test_catch_up_after_weekend_drops_friday() -> None:
    # Down from Friday 10:00 to Monday 10:00 with an 11:00 reminder: Friday's is stale.
    reminder = Reminder(time(11), "weekdays", "Europe/London")
    monday_ten = utc(2026, 6, 8, 9, 0)
    due = latest_due(reminder, monday_ten)
    assert due == utc(2026, 6, 5, 10, 0)
    assert not still_useful(due, monday_ten, reminder.tz)
    # A 09:00 reminder missed the same way fell due on Monday itself: still send it.
    early = Reminder(time(9), "weekdays", "Europe/London")
    monday_due = latest_due(early, monday_ten)
    assert monday_due == utc(2026, 6, 8, 8, 0)
    assert still_useful(monday_due, monday_ten, early.tz)


def test_latest_due_includes_the_instant_itself() -> None:
    reminder = Reminder(time(9), "daily", "UTC")
    assert latest_due(reminder, utc(2026, 6, 2, 9, 0)) == utc(2026, 6, 2, 9, 0)
    assert latest_due(reminder, utc(2026, 6, 2, 8, 59)) == utc(2026, 6, 1, 9, 0)


def test_latest_due_none_when_nothing_recent() -> None:
    snoozed = Reminder(time(9), "daily", "UTC", snoozed_until=date(2026, 6, 10))
    assert latest_due(snoozed, utc(2026, 6, 8, 12, 0)) is None
    # Snooze ended yesterday: only yesterday's and today's count.
    ended = Reminder(time(9), "daily", "UTC", snoozed_until=date(2026, 6, 7))
    assert latest_due(ended, utc(2026, 6, 7, 8, 0)) is None
    assert latest_due(ended, utc(2026, 6, 7, 9, 0)) == utc(2026, 6, 7, 9, 0)


def test_still_useful_uses_local_date_not_utc_date() -> None:
    tz = "Pacific/Auckland"
    due = utc(2026, 3, 1, 19, 0)  # Monday 08:00 NZDT
    assert still_useful(due, utc(2026, 3, 2, 6, 30), tz)  # Monday 19:30 NZDT
    assert not still_useful(due, utc(2026, 3, 2, 10, 0), tz)  # Monday 23:00: after hours
    assert not still_useful(due, utc(2026, 3, 2, 11, 30), tz)  # Tuesday 00:30 NZDT
    assert not still_useful(due, utc(2026, 3, 1, 18, 0), tz)  # not due yet


# --- weekly digest --------------------------------------------------------------------------


def test_next_weekly_monday_digest_across_fall_back() -> None:
    reminder = Reminder(time(8), "weekdays", "Europe/London")
    wednesday = utc(2026, 10, 21, 12, 0)
    assert next_weekly(reminder, 0, wednesday) == utc(2026, 10, 26, 8, 0)  # 08:00 GMT
    assert next_weekly(reminder, 0, utc(2026, 10, 26, 8, 0)) == utc(2026, 11, 2, 8, 0)


def test_next_weekly_ignores_weekday_rule_but_honours_snooze() -> None:
    reminder = Reminder(time(8), "weekdays", "Pacific/Auckland")
    # Sunday 08:00 NZDT is Saturday 19:00 UTC.
    assert next_weekly(reminder, 6, utc(2026, 3, 2, 0, 0)) == utc(2026, 3, 7, 19, 0)
    snoozed = Reminder(time(8), "weekdays", "Europe/London", snoozed_until=date(2026, 10, 27))
    assert next_weekly(snoozed, 0, utc(2026, 10, 21, 12, 0)) == utc(2026, 11, 2, 8, 0)


def test_next_weekly_same_day_still_ahead() -> None:
    reminder = Reminder(time(8), "daily", "UTC")
    assert next_weekly(reminder, 0, utc(2026, 6, 1, 7, 0)) == utc(2026, 6, 1, 8, 0)


def test_next_weekly_rejects_bad_weekday() -> None:
    with pytest.raises(ValueError, match="weekday"):
        next_weekly(Reminder(time(8)), 7, utc(2026, 6, 1))


# --- parse_clock ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30", time(8, 30)),
        ("8:30", time(8, 30)),
        ("8am", time(8)),
        ("8 AM", time(8)),
        ("8.30am", time(8, 30)),
        ("8:30 pm", time(20, 30)),
        ("8:30 p.m.", time(20, 30)),
        ("20:00", time(20)),
        ("00:00", time(0)),
        ("23:59", time(23, 59)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("12:15am", time(0, 15)),
        ("noon", time(12)),
        (" Noon ", time(12)),
        ("midnight", time(0)),
    ],
)
def test_parse_clock(text: str, expected: time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("24:00", "hours go from 00 to 23"),
        ("8:75", "minutes go from 00 to 59"),
        ("soon", 'couldn\'t read "soon" as a time'),
        ("", "Give a time of day"),
        ("13pm", "with am or pm, hours go from 1 to 12"),
        ("0am", "with am or pm"),
        ("8", "could mean several things"),
        ("8:3", "two digits"),
    ],
)
def test_parse_clock_rejects_with_a_sentence(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_clock(text)
    assert str(info.value)[0].isupper() or str(info.value)[0] in '0123456789"'
    assert str(info.value).rstrip().endswith(".")


# --- properties -----------------------------------------------------------------------------

# Times near the switches (01:00-03:00) are drawn often: that is where the bugs live.
TIMES = st.one_of(
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59])),
    st.builds(time, st.integers(0, 3), st.integers(0, 59)),
)
SWITCHES = [
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 9, 27),
    date(2026, 10, 25),
    date(2026, 11, 1),
]
INSTANTS = st.one_of(
    st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31, 23, 59), timezones=st.just(UTC)),
    st.builds(
        lambda day, minutes: datetime.combine(day, time(), tzinfo=UTC) + timedelta(minutes=minutes),
        st.sampled_from(SWITCHES),
        st.integers(-3 * 24 * 60, 3 * 24 * 60),
    ),
)
REMINDERS = st.builds(
    Reminder,
    at=TIMES,
    days=st.sampled_from(["weekdays", "daily"]),
    tz=st.sampled_from(ZONES),
    snoozed_until=st.one_of(st.none(), st.dates(date(2025, 12, 20), date(2027, 1, 10))),
)


def _oracle(reminder: Reminder, day: date) -> datetime:
    """The intended firing instant on a local day, computed the slow, obvious way."""
    z = ZoneInfo(reminder.tz)
    wall = datetime.combine(day, reminder.at)
    existing = [
        candidate.astimezone(UTC)
        for candidate in (wall.replace(tzinfo=z, fold=0), wall.replace(tzinfo=z, fold=1))
        if candidate.astimezone(UTC).astimezone(z).replace(tzinfo=None) == wall
    ]
    if existing:
        return min(existing)  # overlap: the first one
    # Gap: walk minute by minute from before the gap to the first instant whose local
    # wall clock is past the requested time.
    probe = wall.replace(tzinfo=z, fold=1).astimezone(UTC)
    while probe.astimezone(z).replace(tzinfo=None) < wall:
        probe += timedelta(minutes=1)
    # The gap ends on a whole hour or half hour; step back to the exact transition.
    while (probe - timedelta(minutes=1)).astimezone(z).replace(tzinfo=None) >= wall:
        probe -= timedelta(minutes=1)
    return probe


def _should_run(reminder: Reminder, day: date) -> bool:
    if reminder.snoozed_until is not None and day < reminder.snoozed_until:
        return False
    return reminder.days == "daily" or day.weekday() < 5


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reminder=REMINDERS, after=INSTANTS)
def test_next_due_properties(reminder: Reminder, after: datetime) -> None:
    z = ZoneInfo(reminder.tz)
    due = next_due(reminder, after)
    assert due > after
    assert due.tzinfo is UTC
    local = due.astimezone(z)
    assert _should_run(reminder, local.date())
    # At the wall time (first occurrence if ambiguous), or at the end of a DST gap.
    if local.time() == reminder.at:
        assert local.fold == 0
    else:
        assert local.time() > reminder.at
        before = (due - timedelta(seconds=1)).astimezone(z)
        assert before.utcoffset() != local.utcoffset(), "shifted without a DST gap"
        assert before.time() < reminder.at
    assert due == _oracle(reminder, local.date())
    # Nothing valid strictly between `after` and `due`.
    day = local_date(after, reminder.tz) - timedelta(days=1)
    while day < local.date():
        if _should_run(reminder, day):
            instant = _oracle(reminder, day)
            assert not after < instant < due, f"skipped {instant} on {day}"
        day += timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(reminder=REMINDERS, now=INSTANTS)
def test_latest_due_properties(reminder: Reminder, now: datetime) -> None:
    latest = latest_due(reminder, now)
    if latest is not None:
        assert latest <= now
        assert now - latest <= timedelta(days=8)
        assert latest.tzinfo is UTC
        # Nothing fell due between the latest occurrence and now.
        assert next_due(reminder, latest) > now
    upcoming = next_due(reminder, now)
    assert latest_due(reminder, upcoming) == upcoming


def test_a_missed_reminder_is_caught_up_only_within_working_hours() -> None:
    tz = "Europe/London"
    morning = utc(2026, 6, 2, 7, 0)  # Tuesday 08:00 BST
    assert still_useful(morning, utc(2026, 6, 2, 18, 59), tz)  # 19:59 BST
    assert not still_useful(morning, utc(2026, 6, 2, 19, 0), tz)  # 20:00 BST
    assert not still_useful(morning, utc(2026, 6, 2, 21, 35), tz)  # 22:35 BST
    assert not still_useful(morning, utc(2026, 6, 2, 22, 59), tz)  # 23:59 BST


def test_a_late_evening_reminder_on_time_is_still_sent() -> None:
    tz = "Europe/London"
    evening = utc(2026, 6, 2, 20, 0)  # a reminder the user set for 21:00 BST
    assert still_useful(evening, evening, tz)
    assert still_useful(evening, utc(2026, 6, 2, 20, 10), tz)  # a worker tick late
    assert not still_useful(evening, utc(2026, 6, 2, 20, 30), tz)  # caught up after 20:00
