"""Table-driven transcripts: ``line -> phase ! warning codes`` or ``line -> error <code>``.

A transcript is a block of lines. Each line is a command, optionally followed by `` -> ``
and what to expect:

- ``-> first_move`` the reply's phase, and no warnings at all;
- ``-> midgame ! one_way_concession reciprocity_stalled`` the phase and exactly these codes;
- ``-> error bad_arguments`` a rejection with this code;
- nothing: the command must be accepted, warnings are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.engine import Engine
from flows.memory import MemoryDealSpace
from flows.replies import Outcome, Rejection, Reply


@dataclass
class Transcript:
    """Runs lines through the engine against one in-memory user."""

    engine: Engine
    space: MemoryDealSpace
    now: datetime

    def send(self, line: str) -> Outcome:
        """Run one line."""
        return self.engine.handle(line, self.space, self.now)

    def run(self, script: str) -> list[Outcome]:
        """Run a whole transcript, checking each expectation; returns every outcome."""
        outcomes = []
        for number, raw in enumerate(script.strip().splitlines(), 1):
            raw = raw.strip()
            if not raw or raw.startswith("#"):
                continue
            line, _, expect = raw.partition(" -> ")
            outcome = self.send(line.strip())
            _check(number, line.strip(), expect.strip(), outcome)
            outcomes.append(outcome)
        return outcomes


def _check(number: int, line: str, expect: str, outcome: Outcome) -> None:
    where = f"line {number} `{line}`"
    if expect.startswith("error"):
        code = expect.split()[1]
        assert isinstance(outcome, Rejection), f"{where}: expected error {code}, got {outcome}"
        assert outcome.code == code, f"{where}: expected error {code}, got {outcome.code}"
        return
    assert isinstance(outcome, Reply), f"{where}: rejected: {outcome}"
    if not expect:
        return
    phase, _, codes = expect.partition("!")
    assert outcome.phase == phase.strip(), f"{where}: phase {outcome.phase} != {phase.strip()}"
    got = sorted(w.code for w in outcome.warnings)
    assert got == sorted(codes.split()), f"{where}: warnings {got} != {sorted(codes.split())}"


def codes(outcome: Outcome) -> list[str]:
    """The warning codes of a reply (empty for a rejection)."""
    return [w.code for w in outcome.warnings] if isinstance(outcome, Reply) else []
