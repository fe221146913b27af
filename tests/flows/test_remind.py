"""``remind``: setting the daily prep reminder, bad times, snooze, off, and showing it.

Users live in real zones through :meth:`~auxil.memory.MemoryWorld.space`; the clock is
injected, so "tomorrow" and "weekdays" are the user's local ones.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from auxil.memory import MemoryWorld
from flows.engine import Engine
from flows.replies import Outcome, Rejection, Reply
from flows.schedule import Reminder
from flows.storage import Profile

MONDAY = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


class Person:
    """One user in a time zone, typing at an injected time."""

    def __init__(self, engine: Engine, tz: str = "UTC"):
        self.engine = engine
        self.world = MemoryWorld()
        self.tz = tz

    def send(self, line: str, now: datetime = MONDAY) -> Outcome:
        return self.engine.handle(line, self.world.space("me", tz=self.tz), now)

    def ok(self, line: str, now: datetime = MONDAY) -> Reply:
        outcome = self.send(line, now)
        assert isinstance(outcome, Reply), f"{line!r} was rejected: {outcome}"
        return outcome

    @property
    def profile(self) -> Profile:
        return self.world.space("me", tz=self.tz).profile()


@pytest.fixture
def london(engine: Engine) -> Person:
    return Person(engine, "Europe/London")


def test_remind_sets_a_weekday_reminder_in_the_users_zone(london: Person) -> None:
    reply = london.ok("remind 08:30")
    assert london.profile.reminder == Reminder(at=time(8, 30), days="weekdays", tz="Europe/London")
    # Monday 09:30 in London: today's 08:30 has passed, so Tuesday's.
    assert london.profile.next_due == utc(11, 24, 8, 30)
    assert "08:30 on weekdays" in reply.text
    assert "(Europe/London)" in reply.text
    assert "tomorrow 08:30" in reply.text
    assert "don't know your time zone" not in reply.text
    assert reply.next_steps == ["remind snooze", "remind off"]


def test_weekdays_skip_the_weekend_and_daily_does_not(london: Person) -> None:
    london.ok("remind 8:30am", FRIDAY)
    assert london.profile.next_due == utc(11, 30, 8, 30)  # Monday
    reply = london.ok("remind 8.30 daily", FRIDAY)
    assert london.profile.reminder is not None and london.profile.reminder.days == "daily"
    assert london.profile.next_due == utc(11, 28, 8, 30)  # Saturday
    assert "every day" in reply.text


@pytest.mark.parametrize(
    ("zone", "due"),
    [
        ("America/New_York", utc(11, 23, 13, 30)),  # 07:00 there: today, 08:30 EST
        ("Asia/Kolkata", utc(11, 24, 3, 0)),  # 15:00 there: tomorrow, 08:30 IST
        ("Pacific/Auckland", utc(11, 23, 19, 30)),  # 01:00 on Tuesday there: 08:30 Tuesday
    ],
)
def test_the_time_is_local_wherever_the_user_is(engine: Engine, zone: str, due: datetime) -> None:
    person = Person(engine, zone)
    # 12:00 UTC on Monday the 23rd.
    reply = person.ok("remind 08:30", utc(11, 23, 12))
    assert person.profile.next_due == due
    assert f"({zone})" in reply.text


def test_an_unknown_zone_is_utc_and_the_reply_says_so(engine: Engine) -> None:
    person = Person(engine)
    reply = person.ok("remind 08:30")
    assert person.profile.next_due == utc(11, 24, 8, 30)
    assert "(UTC)" in reply.text and "I don't know your time zone yet" in reply.text


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("remind 25:00", "hours go from 00 to 23"),
        ("remind 8:75", "minutes go from 00 to 59"),
        ("remind 8:5", "two digits"),
        ("remind 8", "could mean several things"),
        ("remind 13pm", "with am or pm"),
        ("remind banana", 'couldn\'t read "banana" as a time of day'),
        ("remind 8:30 fortnightly", "couldn't read"),
        ("remind daily", "Say when"),
        ("remind snooze tomorrow", "takes no more words"),
    ],
)
def test_bad_times_are_refused_clearly(london: Person, line: str, complaint: str) -> None:
    outcome = london.send(line)
    assert isinstance(outcome, Rejection) and outcome.code == "bad_arguments", outcome
    assert complaint in outcome.message
    assert london.profile.reminder is None and london.profile.next_due is None


def test_a_bad_time_keeps_the_reminder_there_was(london: Person) -> None:
    london.ok("remind 08:30")
    before = london.profile
    assert isinstance(london.send("remind 24:30"), Rejection)
    assert london.profile == before


def test_snooze_skips_to_tomorrows_local_occurrence(engine: Engine) -> None:
    person = Person(engine, "America/New_York")
    now = utc(11, 23, 12)  # 07:00 on Monday in New York, before the 08:30 reminder
    person.ok("remind 08:30", now)
    assert person.profile.next_due == utc(11, 23, 13, 30)
    reply = person.ok("remind snooze", now)
    assert person.profile.next_due == utc(11, 24, 13, 30)
    assert person.profile.reminder is not None
    assert person.profile.reminder.snoozed_until == date(2026, 11, 24)
    assert "tomorrow 08:30" in reply.text
    assert reply.next_steps == ["remind off"]


def test_snooze_uses_the_users_date_not_utcs(engine: Engine) -> None:
    person = Person(engine, "Pacific/Auckland")
    # 12:00 UTC on Monday is 01:00 on Tuesday in Auckland: today's reminder is still ahead.
    now = utc(11, 23, 12)
    person.ok("remind 08:30 daily", now)
    assert person.profile.next_due == utc(11, 23, 19, 30)  # Tuesday 08:30 NZDT
    person.ok("remind snooze", now)
    assert person.profile.reminder is not None
    assert person.profile.reminder.snoozed_until == date(2026, 11, 25)
    assert person.profile.next_due == utc(11, 24, 19, 30)  # Wednesday 08:30 NZDT


def test_snooze_on_friday_waits_for_monday(london: Person) -> None:
    early = utc(11, 27, 7)
    london.ok("remind 08:30", early)
    reply = london.ok("remind snooze", early)
    assert london.profile.next_due == utc(11, 30, 8, 30)
    assert "Mon 30 Nov, 08:30 (Europe/London)" in reply.text


def test_snooze_needs_a_reminder(london: Person) -> None:
    outcome = london.send("remind snooze")
    assert isinstance(outcome, Rejection) and outcome.code == "not_allowed_now"
    assert "remind 08:30" in outcome.message


def test_a_new_time_clears_the_snooze(london: Person) -> None:
    early = utc(11, 23, 7)
    london.ok("remind 08:30", early)
    london.ok("remind snooze", early)
    london.ok("remind 08:45", early)
    assert london.profile.reminder is not None
    assert london.profile.reminder.snoozed_until is None
    assert london.profile.next_due == utc(11, 23, 8, 45)


@pytest.mark.parametrize("off", ["remind off", "remind stop", "reminders OFF"])
def test_off_clears_the_reminder(london: Person, off: str) -> None:
    london.ok("remind 08:30")
    reply = london.ok(off)
    assert london.profile.reminder is None and london.profile.next_due is None
    assert "off" in reply.text
    shown = london.ok("remind")
    assert "no daily prep reminder" in shown.text
    assert isinstance(london.send("remind snooze"), Rejection)


def test_remind_shows_the_reminder_and_its_zone(london: Person) -> None:
    assert "no daily prep reminder" in london.ok("remind").text
    london.ok("remind 07:15 daily")
    reply = london.ok("remind")
    assert reply.text == (
        "Your prep reminder: 07:15 every day (Europe/London). Next: tomorrow 07:15."
    )
    assert reply.next_steps == ["remind snooze", "remind off"]


def test_remind_needs_no_deal_and_touches_none(london: Person) -> None:
    london.ok("new Acme")
    london.ok("remind 08:30", FRIDAY)
    deals = london.world.space("me").list_deals()
    assert [d.updated_at for d in deals] == [MONDAY]
