"""Stop signals, the grace period and the leases a process holds."""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.lifecycle import DEFAULT_STOP_SECONDS, HeldLeases, StopSignals, grace_seconds

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_the_grace_period_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEALCOACH_STOP_SECONDS", raising=False)
    assert grace_seconds() == DEFAULT_STOP_SECONDS < 10  # inside docker stop's 10 s
    monkeypatch.setenv("DEALCOACH_STOP_SECONDS", "2.5")
    assert grace_seconds() == 2.5
    monkeypatch.setenv("DEALCOACH_STOP_SECONDS", "-1")
    assert grace_seconds() == 0
    monkeypatch.setenv("DEALCOACH_STOP_SECONDS", "soon")
    assert grace_seconds() == DEFAULT_STOP_SECONDS


def test_held_leases_forget_what_ran_out_or_was_released() -> None:
    held: HeldLeases[str] = HeldLeases()
    held.hold(1, NOW + timedelta(seconds=20), "first", NOW)
    held.hold(2, NOW + timedelta(seconds=5), "second", NOW)
    held.hold(3, NOW + timedelta(seconds=20), "third", NOW)
    held.release(3)
    assert held.live(NOW) == ["first", "second"]
    assert held.live(NOW + timedelta(seconds=10)) == ["first"]
    held.hold(4, NOW + timedelta(seconds=60), "fourth", NOW + timedelta(seconds=30))
    assert len(held) == 1  # "first" ran out meanwhile: forgotten when the next was held


def test_sigterm_sets_the_stop_event_and_the_handlers_come_back() -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers live in the main thread")
    before = signal.getsignal(signal.SIGTERM)
    signals = StopSignals().install()
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        assert signals.event.wait(5)
        assert signals.received == "SIGTERM"
    finally:
        signals.restore()
    assert signal.getsignal(signal.SIGTERM) == before
