"""``remind``: the daily prep reminder - its time, weekdays or every day, snooze and off."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flows.commands import BadArguments, NotNow, command
from flows.schedule import Reminder, local_date, next_due, parse_clock
from flows.turn import Turn
from flows.when import format_local

DAY_WORDS = {"daily": "daily", "everyday": "daily", "weekdays": "weekdays", "workdays": "weekdays"}


@command("remind", "reminder", "reminders", needs_deal=False, needs_profile=True)
def handle_remind(turn: Turn, args: str) -> None:
    """Show, set, snooze or switch off the daily prep reminder."""
    words = args.lower().split()
    if not words:
        _show(turn)
    elif words == ["off"] or words == ["stop"]:
        turn.space.save_reminder(None, None)
        turn.say("remind_off")
        turn.suggest("remind 08:30")
    elif words[0] == "snooze":
        if len(words) > 1:
            raise BadArguments("`remind snooze` takes no more words: it skips the rest of today.")
        _snooze(turn)
    else:
        _set(turn, words)


def _set(turn: Turn, words: list[str]) -> None:
    days = "weekdays"
    if words[-1] in DAY_WORDS:
        days = DAY_WORDS[words.pop()]
    if not words:
        raise BadArguments("Say when, for example `remind 08:30` or `remind 8am daily`.")
    try:
        at = parse_clock(" ".join(words))
    except ValueError as exc:
        raise BadArguments(str(exc)) from None
    profile = turn.space.profile()
    reminder = Reminder(at=at, days=days, tz=profile.tz)  # type: ignore[arg-type]
    due = next_due(reminder, turn.now)
    turn.space.save_reminder(reminder, due)
    turn.say(
        "remind_set",
        at=at.strftime("%H:%M"),
        days=days,
        tz=profile.tz,
        next=format_local(due, profile.tz, turn.now),
        tz_known=profile.tz_known,
    )
    turn.suggest("remind snooze", "remind off")


def _snooze(turn: Turn) -> None:
    profile = turn.space.profile()
    if profile.reminder is None:
        raise NotNow("You have no reminder to snooze. Set one with `remind 08:30`.")
    tomorrow = local_date(turn.now, profile.tz) + timedelta(days=1)
    reminder = replace(profile.reminder, snoozed_until=tomorrow)
    due = next_due(reminder, turn.now)
    turn.space.save_reminder(reminder, due)
    turn.say("remind_snoozed", next=format_local(due, profile.tz, turn.now))
    turn.suggest("remind off")


def _show(turn: Turn) -> None:
    profile = turn.space.profile()
    reminder = profile.reminder
    if reminder is None or profile.next_due is None:
        turn.say("remind_none")
        turn.suggest("remind 08:30", "remind 08:30 daily")
        return
    turn.say(
        "remind_shown",
        at=reminder.at.strftime("%H:%M"),
        days=reminder.days,
        tz=profile.tz,
        next=format_local(profile.next_due, profile.tz, turn.now),
    )
    turn.suggest("remind snooze", "remind off")
