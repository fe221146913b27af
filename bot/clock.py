"""The clock is passed in, so tests, replays and benchmarks control time."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def local_zone(
    environ: dict[str, str] | None = None, localtime: Path = Path("/etc/localtime")
) -> str | None:
    """The machine's IANA time zone, for the terminal (Slack users get theirs from Slack).

    ``TZ`` wins when it names a zone; else the ``/etc/localtime`` link is read. None when
    neither says, and the coach then uses UTC and says so.
    """
    from flows.schedule import valid_zone

    name = (environ if environ is not None else os.environ).get("TZ", "").lstrip(":")
    if name and valid_zone(name):
        return name
    try:
        target = str(localtime.resolve())
    except OSError:
        return None
    _, found, zone = target.partition("zoneinfo/")
    return zone if found and valid_zone(zone) else None
