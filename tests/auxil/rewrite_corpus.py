"""The better-line corpus: loading cases, running them through the engine, scoring.

Cases live in ``tests/flows/rewrite_corpus/*.yaml`` (format in ``FORMAT.md`` there); the
held-out set in ``holdout/`` is scored the same way by tests/bench/bench_rewrites.py and
never tuned against. Each line is sent on a fresh copy of a reader-corpus fixture deal,
as typed (``say <text>``, or the plain line for the reader), and the better line the reply
offers is sent back as ``say <better line>``, exactly as the Slack button and the
terminal's ``instead`` do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auxil.reader_corpus import NOW, corpus_entries, fresh_space
from flows.engine import Engine
from flows.replies import Reply
from flows.rewrite import RISKY

CORPUS_DIR = Path(__file__).resolve().parents[1] / "flows" / "rewrite_corpus"
HOLDOUT_DIR = CORPUS_DIR / "holdout"
# Codes our own `say` checks raise; a better line raises none of them.
SAY_CODES = RISKY | {"below_walkaway"}


@dataclass
class Case:
    """One rep line, how it is sent, and what a better line must keep and drop."""

    text: str
    deal: str
    command: str
    expect: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)

    @property
    def risky(self) -> bool:
        return bool(self.expect)

    @property
    def line(self) -> str:
        return self.text if self.command == "plain" else f"{self.command} {self.text}"


@dataclass
class Result:
    """What one case got: the codes raised, the better line, and what was wrong with it."""

    case: Case
    raised: set[str]
    better: str | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def load_cases(directory: Path = CORPUS_DIR) -> list[Case]:
    """Every case in the ``*.yaml`` files of ``directory`` (not its subfolders)."""
    return [
        Case(
            text=str(raw["text"]),
            deal=str(raw["deal"]),
            command=str(raw.get("command", "say")),
            expect=[str(c) for c in raw.get("expect") or []],
            keep=[str(k) for k in raw.get("keep") or []],
            drop=[str(d) for d in raw.get("drop") or []],
        )
        for _, raw in corpus_entries(directory)
    ]


def run_case(engine: Engine, case: Case) -> Result:
    """Send the case's line, then its better line as ``say``; list what went wrong."""
    space = fresh_space(engine, case.deal)
    outcome = engine.handle(case.line, space, NOW)
    if not isinstance(outcome, Reply):
        return Result(case, set(), None, [f"rejected: {outcome}"])
    raised = {w.code for w in outcome.warnings} & RISKY
    better = outcome.better_line
    problems: list[str] = []
    if not case.risky:
        if better is not None:
            problems.append(f"a better line for a fine line: {better!r}")
        return Result(case, raised, better, problems)
    if not raised:
        problems.append("our checks raised nothing")
    if better is None:
        problems.append("no better line offered")
        return Result(case, raised, better, problems)
    lowered = better.lower()
    problems += [f"lost {k!r}" for k in case.keep if k.lower() not in lowered]
    problems += [f"kept {d!r}" for d in case.drop if d.lower() in lowered]
    # Each sentence stands on its own: no "Our." or "Between us." left by a cut.
    problems += [
        f"a fragment: {sentence!r}"
        for sentence in re.split(r"(?<=[.?!])\s+", better)
        if len(sentence.split()) < 3
    ]
    check = engine.handle(f"say {better}", space, NOW)
    codes = {w.code for w in check.warnings} & SAY_CODES if isinstance(check, Reply) else {"?"}
    if codes:
        problems.append(f"the better line raises {sorted(codes)}")
    if isinstance(check, Reply) and check.better_line is not None:
        problems.append("the better line has a better line of its own")
    return Result(case, raised, better, problems)


def score(results: list[Result]) -> dict[str, Any]:
    """Rates over risky lines (a good better line offered) and near misses (none offered)."""
    risky = [r for r in results if r.case.risky]
    near = [r for r in results if not r.case.risky]
    flagged = [r for r in risky if r.raised]
    return {
        "cases": len(results),
        "risky": len(risky),
        "risky_ok": sum(r.ok for r in risky),
        "risky_rate": round(sum(r.ok for r in risky) / len(risky), 3) if risky else 1.0,
        # Of the risky lines our checks flag, how many get a good better line.
        "flagged": len(flagged),
        "flagged_rate": (round(sum(r.ok for r in flagged) / len(flagged), 3) if flagged else 1.0),
        "near_misses": len(near),
        "near_ok": sum(r.ok for r in near),
        "near_rate": round(sum(r.ok for r in near) / len(near), 3) if near else 1.0,
    }
