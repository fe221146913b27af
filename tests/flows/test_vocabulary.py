"""The engine's vocabulary is written once: the literal types and the tables agree."""

from __future__ import annotations

from typing import get_args

from flows.vocabulary import (
    ACTIVE_PHASES,
    FINAL_PHASES,
    PHASES,
    WARNING_CODES,
    WARNING_VARS,
    Phase,
    WarningCode,
)


def test_every_warning_code_is_in_the_type_and_has_its_variables() -> None:
    assert set(get_args(WarningCode)) == set(WARNING_VARS) == set(WARNING_CODES)


def test_every_phase_is_either_active_or_final() -> None:
    assert get_args(Phase) == PHASES
    assert set(ACTIVE_PHASES) | FINAL_PHASES == set(PHASES)
    assert not set(ACTIVE_PHASES) & FINAL_PHASES
