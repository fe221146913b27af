"""The pitfall detector corpus through the real engine (issue 10).

Every line of tests/flows/detector_corpus/*.yaml is typed as its command on a fresh
fixture deal; each must raise its ``warn`` codes, none of its ``quiet`` codes, and no
other code of the corpus's families. The held-out set (``holdout/``) is scored by
tests/bench/bench_detectors.py; here only the families of issue 11 (close checks and
ethics flags) must clear a looser floor on it, as a whole, so no line is tuned to.
"""

from __future__ import annotations

import pytest

from auxil.detector_corpus import (
    CODES,
    COMMANDS,
    FAMILIES,
    HOLDOUT_DIR,
    HOLDOUT_F1_FLOOR,
    NEW_FAMILIES,
    Case,
    load_cases,
    raised,
    score,
)
from flows.engine import Engine

CASES = load_cases()


def test_the_corpus_is_big_varied_and_half_near_misses() -> None:
    assert len(CASES) >= 300
    assert {c.deal for c in CASES} == {"sales", "procurement", "partnership", "hiring", "candidate"}
    assert {c.command for c in CASES} <= COMMANDS
    assert {"say", "they", "offer", "give", "trade", "if"} <= {c.command for c in CASES}
    near_misses = [c for c in CASES if c.quiet and not c.warn]
    assert len(near_misses) >= 0.45 * len(CASES)
    for code in CODES:
        assert sum(code in c.warn for c in CASES) >= 8, code
        assert sum(code in c.quiet for c in CASES) >= 8, code


@pytest.mark.parametrize("case", CASES, ids=[f"{c.command}:{c.text[:50]}" for c in CASES])
def test_case(engine: Engine, case: Case) -> None:
    got = raised(engine, case)
    assert set(case.warn) <= got, f"missed {sorted(set(case.warn) - got)}"
    assert not set(case.quiet) & got, f"false alarm {sorted(set(case.quiet) & got)}"
    # Strict: nothing of the corpus's families beyond what the case names.
    unasked = (got & set(CODES)) - set(case.warn)
    assert not unasked, f"unasked {sorted(unasked)}"


def test_targets_on_the_corpus(engine: Engine) -> None:
    figures = score(CASES, [raised(engine, c) for c in CASES])
    assert figures["targets_met"], figures["families"]


def test_close_and_ethics_families_hold_on_the_holdout(engine: Engine) -> None:
    # Only the held-out cases about these families are run; the figures, never the lines,
    # say whether the detectors carry over to text nobody tuned them on.
    codes = {c for name in NEW_FAMILIES for c in FAMILIES[name]}
    cases = [c for c in load_cases(HOLDOUT_DIR) if codes & {*c.warn, *c.quiet}]
    assert len(cases) >= 60
    families = score(cases, [raised(engine, c) for c in cases])["families"]
    low = {n: families[n]["f1"] for n in NEW_FAMILIES if families[n]["f1"] < HOLDOUT_F1_FLOOR}
    assert not low, low
