"""The pitfall detector corpus: loading cases, running them through the engine, scoring.

Cases live in ``tests/flows/detector_corpus/*.yaml`` (format in ``FORMAT.md`` there); the
held-out set in ``holdout/`` is scored the same way and never tuned against. Each case is
typed as its command on a fresh copy of a reader-corpus fixture deal (in midgame, with
evidence), so the figures cover the real engine: routing, handlers and detectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auxil.reader_corpus import NOW, corpus_entries, fresh_space
from flows.detectors import Detectors
from flows.engine import Engine
from flows.replies import Reply

CORPUS_DIR = Path(__file__).resolve().parents[1] / "flows" / "detector_corpus"
HOLDOUT_DIR = CORPUS_DIR / "holdout"
COMMANDS = frozenset({"say", "they", "offer", "give", "get", "trade", "if", "safeguard", "exit"})
# The codes the corpus is about, and what "good enough" means for each family.
# missing_trigger and missing_remedy are corpus-only: which half of a vague safeguard is
# missing, read with the check the safeguard handler uses (the warning carries it in words).
CODES = (
    "one_way_concession",
    "split_the_difference",
    "their_split",
    "hard_line_tone",
    "their_hard_line",
    "overshare_walkaway",
    "competitor_claim",
    "their_cherry_pick",
    "below_walkaway",
    "vague_safeguard",
    "missing_trigger",
    "missing_remedy",
    "governance_deferred",
    "false_deadline",
    "invented_alternative",
    "hidden_terms",
)
FAMILIES = {
    "splits": ("split_the_difference", "their_split"),
    "hard_lines": ("hard_line_tone", "their_hard_line"),
    "stated_floors": ("overshare_walkaway",),
    "one_way_concessions": ("one_way_concession",),
    "vague_safeguards": ("vague_safeguard",),
    "safeguard_triggers": ("missing_trigger",),
    "safeguard_remedies": ("missing_remedy",),
    "deferred_exits": ("governance_deferred",),
    "false_deadlines": ("false_deadline",),
    "invented_alternatives": ("invented_alternative",),
    "hidden_terms": ("hidden_terms",),
}
# The close checks and the ethics flags of issue 11 (items 5 and 9).
NEW_FAMILIES = (
    "vague_safeguards",
    "safeguard_triggers",
    "safeguard_remedies",
    "deferred_exits",
    "false_deadlines",
    "invented_alternatives",
    "hidden_terms",
)
F1_TARGETS = {
    "splits": 0.8,
    "hard_lines": 0.8,
    "stated_floors": 0.8,
    "one_way_concessions": 0.7,
    **dict.fromkeys(NEW_FAMILIES, 0.85),
}
# The held-out set is never tuned to; these families must still clear a looser floor there.
HOLDOUT_F1_FLOOR = 0.65
PRECISION_TARGET = 0.8


@dataclass
class Case:
    """One line, the command it is typed with, and the codes it must and must not raise."""

    text: str
    deal: str
    command: str
    warn: list[str] = field(default_factory=list)
    quiet: list[str] = field(default_factory=list)
    source: str = ""


def load_cases(directory: Path = CORPUS_DIR) -> list[Case]:
    """Every case in the ``*.yaml`` files of ``directory`` (not its subfolders)."""
    return [
        Case(
            text=str(raw["text"]),
            deal=str(raw["deal"]),
            command=str(raw.get("command", "say")),
            warn=[str(c) for c in raw.get("warn") or []],
            quiet=[str(c) for c in raw.get("quiet") or []],
            source=source,
        )
        for source, raw in corpus_entries(directory)
    ]


def raised(engine: Engine, case: Case) -> set[str]:
    """The warning codes the engine raises for ``case`` on a fresh fixture deal.

    A vague safeguard also names its missing half or halves (``missing_trigger``,
    ``missing_remedy``), read with the handler's own check.
    """
    space = fresh_space(engine, case.deal)
    outcome = engine.handle(f"{case.command} {case.text}", space, NOW)
    codes = {w.code for w in outcome.warnings} if isinstance(outcome, Reply) else set()
    if case.command == "safeguard" and "vague_safeguard" in codes:
        missing = Detectors(engine.lib).read_safeguard(case.text).missing
        codes |= {f"missing_{half}" for half in ("trigger", "remedy") if missing in (half, "both")}
    return codes


def score(cases: list[Case], results: list[set[str]]) -> dict[str, Any]:
    """Precision, recall and F1 per code and per family.

    A hit is a code in ``warn`` that was raised; a false alarm a code in ``quiet`` that
    was raised (``strict_false_alarms`` also counts any raised code not in ``warn``).
    """
    per_code: dict[str, dict[str, Any]] = {}
    for code in CODES:
        tp = sum(code in c.warn and code in r for c, r in zip(cases, results, strict=True))
        fn = sum(code in c.warn and code not in r for c, r in zip(cases, results, strict=True))
        fp = sum(code in c.quiet and code in r for c, r in zip(cases, results, strict=True))
        strict = sum(code not in c.warn and code in r for c, r in zip(cases, results, strict=True))
        per_code[code] = {
            **_figures(tp, fp, fn),
            "strict_false_alarms": strict,
            "positives": tp + fn,
            "near_misses": sum(code in c.quiet for c in cases),
        }
    families: dict[str, dict[str, Any]] = {}
    for name, codes in FAMILIES.items():
        tp = sum(per_code[c]["tp"] for c in codes)
        fp = sum(per_code[c]["fp"] for c in codes)
        fn = sum(per_code[c]["fn"] for c in codes)
        families[name] = _figures(tp, fp, fn)
    met = all(families[n]["f1"] >= F1_TARGETS[n] for n in FAMILIES) and all(
        f["precision"] >= PRECISION_TARGET for f in per_code.values() if f["tp"] + f["fp"]
    )
    return {
        "cases": len(cases),
        "codes": per_code,
        "families": families,
        "targets": {"f1": F1_TARGETS, "precision": PRECISION_TARGET},
        "targets_met": met,
    }


def _figures(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }
