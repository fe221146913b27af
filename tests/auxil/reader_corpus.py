"""The plain-language corpus: fixture deals, running a case through the engine, scoring.

Cases live in ``tests/flows/reader_corpus/*.yaml`` (format in ``FORMAT.md`` there); the
held-out set in ``holdout/`` is scored the same way but never tuned against. Each case
runs through the real engine on a fresh in-memory deal, exactly as a front would send the
line, so the score covers reading, running and warnings together.
"""

from __future__ import annotations

import copy
import functools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from auxil.memory import MemoryDealSpace
from flows.engine import Engine
from flows.replies import CHAT, Outcome, Rejection, Reply

CORPUS_DIR = Path(__file__).resolve().parents[1] / "flows" / "reader_corpus"
HOLDOUT_DIR = CORPUS_DIR / "holdout"
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

_COMMON = [
    "evidence analyst benchmark: $85-110k for comparable deals",
    "batna walk to the next best option",
    "tradeable case study rights",
]
FIXTURES: dict[str, list[str]] = {
    "sales": [
        "new Acme renewal as sales",
        "counterparty Dana Reyes, procurement lead at Acme; CFO Mark Li signs above 100k",
        "walkaway 90k",
        "issue price us=5 them=4",
        "issue payment terms us=2 them=4",
        "issue training us=1 them=3",
        *_COMMON,
    ],
    "procurement": [
        "new Globex SLA tender as procurement",
        "counterparty Priya Shah, account exec at Globex; Tom Berg, VP Sales, approves discounts",
        "walkaway 120k",
        "issue price us=5 them=4",
        "issue payment terms us=2 them=4",
        "issue training us=1 them=3",
        *_COMMON,
    ],
    "partnership": [
        "new Initech co-sell as partnership",
        "counterparty Lena Park, alliances lead at Initech; Raj Patel, Initech legal",
        "walkaway a 15% revenue share",
        "issue price us=5 them=4",
        "issue payment terms us=2 them=4",
        "issue training us=1 them=3",
        *_COMMON,
    ],
    "hiring": [
        "new Staff engineer offer as hiring",
        "counterparty Sam Ortiz, the candidate; Jo Kim, Sam's agent",
        "walkaway 150k",
        "issue salary us=5 them=4",
        "issue start date us=2 them=4",
        "issue learning budget us=1 them=3",
        *_COMMON,
    ],
    "candidate": [
        "new Hooli offer as hiring",
        "counterparty Alex Wu, Hooli recruiter; Morgan Lee, the hiring manager",
        "walkaway min 130k",
        "issue salary us=5 them=4",
        "issue start date us=2 them=4",
        "issue learning budget us=1 them=3",
        *_COMMON,
    ],
}
_PHASE_STEPS = ["next anyway", "next anyway"]  # past setup and the first move: midgame
# Readings that change which deal is active, its phase, or reach other people.
DANGEROUS = frozenset(
    {
        "new",
        "use",
        "next",
        "back",
        "walk",
        "signed",
        "team",
        "remind",
        "nudge",
        "create",
        "start",
        "open",
        "switch",
    }
)
MOVES = frozenset({"give", "get", "trade", "if", "offer", "they"})
_POLARITY = {"give": "ours", "get": "theirs", "they": "theirs"}


@dataclass
class Case:
    """One corpus line and what it must get."""

    text: str
    deal: str
    read: list[str]
    has: list[str] = field(default_factory=list)
    warn: list[str] = field(default_factory=list)
    quiet: list[str] = field(default_factory=list)
    before: list[str] = field(default_factory=list)
    source: str = ""


def corpus_entries(directory: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each raw case of the ``*.yaml`` files of ``directory`` (not its subfolders), by file."""
    for path in sorted(directory.glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            yield path.name, raw


def load_cases(directory: Path = CORPUS_DIR) -> list[Case]:
    """Every case in the ``*.yaml`` files of ``directory`` (not its subfolders)."""
    cases: list[Case] = []
    for source, raw in corpus_entries(directory):
        read = raw["read"] if isinstance(raw["read"], list) else [raw["read"]]
        cases.append(
            Case(
                text=str(raw["text"]),
                deal=raw["deal"],
                read=[str(r) for r in read],
                has=[str(h) for h in raw.get("has") or []],
                warn=list(raw.get("warn") or []),
                quiet=list(raw.get("quiet") or []),
                before=[str(b) for b in raw.get("before") or []],
                source=source,
            )
        )
    return cases


@functools.cache
def _fixture(engine: Engine, deal: str) -> MemoryDealSpace:
    space = MemoryDealSpace()
    for line in [*FIXTURES[deal], *_PHASE_STEPS]:
        outcome = engine.handle(line, space, NOW)
        assert isinstance(outcome, Reply), f"fixture {deal}: {line}: {outcome}"
    return space


def fresh_space(engine: Engine, deal: str) -> MemoryDealSpace:
    """A new in-memory user whose active deal is the fixture ``deal``, in midgame."""
    return copy.deepcopy(_fixture(engine, deal))


def label_of(line: str) -> str:
    """The corpus label of a canonical command line ("script objection" -> "help")."""
    word = line.split(" ", 1)[0].rstrip(":").lower()
    return "help" if word in {"script", "faq"} else word


@dataclass
class Result:
    """What one case got, and how it scored."""

    case: Case
    got: list[str]
    lines: list[str]
    warnings: set[str]
    correct: bool
    dangerous: bool
    false_alarms: set[str]
    missed_warnings: set[str]
    outcome: Outcome | None = None


def run_case(engine: Engine, case: Case) -> Result:
    """Run ``case`` through the engine on a fresh fixture deal and score it."""
    space = fresh_space(engine, case.deal)
    for line in case.before:
        engine.handle(line, space, NOW)
    outcome = engine.handle(case.text, space, NOW)
    lines, got = reading_of(outcome, case.text)
    warnings = {w.code for w in outcome.warnings} if isinstance(outcome, Reply) else set()
    # In a recap, sentences that are only scene-setting ("rough call.") log nothing.
    expected = [r for r in case.read if r != "chat"] if len(case.read) > 1 else case.read
    label_ok = got == expected
    text = " ".join(lines).lower()
    has_ok = all(h.lower() in text for h in case.has) if case.read != ["chat"] else True
    if len(case.read) > 1:
        has_ok = True  # recap items are checked by label; has words may span sentences
    correct = label_ok and has_ok
    dangerous = any(g in DANGEROUS for g in got) or _flipped(expected, got)
    allowed_quiet = set(case.quiet)
    if expected in (["chat"], ["unclear"], ["help"]):
        false_alarms = warnings
    else:
        false_alarms = warnings & allowed_quiet
    missed = set(case.warn) - warnings
    return Result(case, got, lines, warnings, correct, dangerous, false_alarms, missed, outcome)


def reading_of(outcome: Outcome, typed: str = "") -> tuple[list[str], list[str]]:
    """The canonical lines the engine read a plain line as, and their labels."""
    if isinstance(outcome, Rejection):
        if outcome.code == "unclear":
            return list(outcome.choices), ["unclear"]
        if outcome.code == "unknown_command":
            return [], ["chat"]  # nothing stored, as for small talk
        return [], [f"error:{outcome.code}"]
    read_as: Any = outcome.read_as
    if outcome.command == CHAT:
        return [], ["chat"]
    if read_as is None:
        # Run as a typed command: its own reading ("they want net-90" -> they).
        return [typed], [label_of(outcome.command)]
    lines = [read_as] if isinstance(read_as, str) else list(read_as)
    return lines, [label_of(line) for line in lines]


def _flipped(expected: list[str], got: list[str]) -> bool:
    """A move logged for the wrong side (their ask logged as our give, and so on)."""
    if len(expected) != 1 or len(got) != 1:
        return False
    want, have = _POLARITY.get(expected[0]), _POLARITY.get(got[0])
    if want and have and want != have:
        return True
    # Something logged as a concession that was no move at all ("we declined").
    return expected[0] in {"chat", "help", "unclear"} and got[0] == "give"


def score(results: list[Result]) -> dict[str, Any]:
    """Accuracy, dangerous readings, false alarms and warning recall over ``results``."""
    total = len(results)
    wanted = sum(len(r.case.warn) for r in results)
    return {
        "cases": total,
        "read_accuracy": round(sum(r.correct for r in results) / total, 4) if total else 0.0,
        "dangerous": sum(r.dangerous for r in results),
        "false_alarms": sum(bool(r.false_alarms) for r in results),
        "warning_recall": round(1 - sum(len(r.missed_warnings) for r in results) / wanted, 4)
        if wanted
        else 1.0,
        "unclear_rate": round(sum(r.got == ["unclear"] for r in results) / total, 4)
        if total
        else 0.0,
        "by_label": dict(
            Counter(
                r.case.read[0] if len(r.case.read) == 1 else "recap"
                for r in results
                if not r.correct
            )
        ),
    }
