"""Table-driven transcripts: ``line -> phase ! warning codes`` or ``line -> error <code>``.

A transcript is a block of lines. Each line is a command, optionally followed by `` -> ``
and what to expect:

- ``-> first_move`` the reply's phase, and no warnings at all;
- ``-> midgame ! one_way_concession reciprocity_stalled`` the phase and exactly these codes;
- ``-> error bad_arguments`` a rejection with this code;
- nothing: the command must be accepted, warnings are not checked.

Every reply a transcript produces must also fit Slack's first screen (see
:mod:`flows.screens`): at most ``FIRST_SCREEN`` characters before "More".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from auxil.memory import MemoryDealSpace
from flows.engine import Engine
from flows.replies import Outcome, Rejection, Reply
from flows.screens import FIRST_SCREEN, split


@dataclass
class Transcript:
    """Runs lines through the engine against one in-memory user."""

    engine: Engine
    space: MemoryDealSpace
    now: datetime

    def send(self, line: str) -> Outcome:
        """Run one line; a reply must fit the first screen."""
        outcome = self.engine.handle(line, self.space, self.now)
        if isinstance(outcome, Reply):
            first = split(outcome, self.title_of).first_text()
            assert len(first) <= FIRST_SCREEN, (
                f"`{line}`: the first screen is {len(first)} characters:\n{first}"
            )
        return outcome

    def title_of(self, code: str) -> str:
        """A warning's title, as fronts show it."""
        found = self.engine.lib.warnings.get(code)
        return found.title if found is not None else code

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
