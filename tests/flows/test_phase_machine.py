"""The phase machine: forward, back, sign, walk and resume, and what it refuses."""

from __future__ import annotations

import pytest

from flows.phase_machine import PhaseChangeRefused, can_fire, fire


@pytest.mark.parametrize(
    ("phase", "trigger", "expected"),
    [
        ("setup", "advance", "first_move"),
        ("first_move", "advance", "midgame"),
        ("midgame", "advance", "close"),
        ("close", "sign", "review"),
        ("first_move", "retreat", "setup"),
        ("review", "retreat", "close"),
        ("setup", "walk", "walked_away"),
        ("close", "walk", "walked_away"),
        ("walked_away", "resume_midgame", "midgame"),
    ],
)
def test_allowed(phase: str, trigger: str, expected: str) -> None:
    assert can_fire(phase, trigger)
    assert fire(phase, trigger) == expected


@pytest.mark.parametrize(
    ("phase", "trigger"),
    [
        ("close", "advance"),
        ("review", "advance"),
        ("setup", "retreat"),
        ("review", "walk"),
        ("walked_away", "walk"),
        ("midgame", "sign"),
        ("setup", "resume_setup"),
        ("walked_away", "advance"),
    ],
)
def test_refused(phase: str, trigger: str) -> None:
    assert not can_fire(phase, trigger)
    with pytest.raises(PhaseChangeRefused):
        fire(phase, trigger)


def test_unknown_phase_is_refused() -> None:
    with pytest.raises(PhaseChangeRefused):
        fire("limbo", "advance")
