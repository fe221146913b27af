"""The deal's phase machine, built per turn with the ``transitions`` library.

Nothing keeps a machine per deal in memory: each phase command builds one on a small
model that starts in the deal's stored phase, fires one trigger and reads the new state
back. Side effects stay out of callbacks, since transitions has no rollback.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from transitions import Machine, MachineError

from flows.vocabulary import FORWARD_PHASES, PHASES, Phase, as_phase

_BEFORE_REVIEW = list(FORWARD_PHASES[:-1])

TRANSITIONS: list[dict[str, Any]] = [
    *(
        {"trigger": "advance", "source": src, "dest": dst}
        for src, dst in pairwise(FORWARD_PHASES)
        if src != "close"  # close -> review is a signature, see "sign"
    ),
    *({"trigger": "retreat", "source": dst, "dest": src} for src, dst in pairwise(FORWARD_PHASES)),
    {"trigger": "sign", "source": "close", "dest": "review"},
    {"trigger": "walk", "source": _BEFORE_REVIEW, "dest": "walked_away"},
    # A walk can be taken back: the deal resumes where it was left.
    *(
        {"trigger": f"resume_{phase}", "source": "walked_away", "dest": phase}
        for phase in _BEFORE_REVIEW
    ),
]


class PhaseModel:
    """The object the machine drives; only its ``state`` matters."""

    state: str


class PhaseChangeRefused(Exception):
    """The trigger is not possible from the current phase."""


def fire(phase: str, trigger: str) -> Phase:
    """Fire ``trigger`` on a machine starting in ``phase`` and return the new phase.

    Raises:
        PhaseChangeRefused: when the trigger is not valid from ``phase``.

    """
    if phase not in PHASES:
        raise PhaseChangeRefused(f"unknown phase {phase!r}")
    model = PhaseModel()
    Machine(
        model=model,
        states=list(PHASES),
        transitions=TRANSITIONS,
        initial=phase,
        auto_transitions=False,
        send_event=False,
    )
    try:
        model.trigger(trigger)  # type: ignore[attr-defined]
    except (MachineError, AttributeError) as exc:
        raise PhaseChangeRefused(str(exc)) from exc
    return as_phase(model.state)


def can_fire(phase: str, trigger: str) -> bool:
    """Whether ``trigger`` is valid from ``phase`` (without changing anything)."""
    return any(
        t["trigger"] == trigger
        and (t["source"] == phase or (isinstance(t["source"], list) and phase in t["source"]))
        for t in TRANSITIONS
    )
