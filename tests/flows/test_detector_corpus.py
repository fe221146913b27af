"""The pitfall detector corpus through the real engine (issue 10).

Every line of tests/flows/detector_corpus/*.yaml is typed as its command on a fresh
fixture deal; each must raise its ``warn`` codes, none of its ``quiet`` codes, and no
other code of the corpus's families. The held-out set (``holdout/``) is scored only by
tests/bench/bench_detectors.py, never here, so nobody tunes to its lines.
"""

from __future__ import annotations

import pytest

from auxil.detector_corpus import CODES, COMMANDS, Case, load_cases, raised, score
from flows.engine import Engine

CASES = load_cases()


def test_the_corpus_is_big_varied_and_half_near_misses() -> None:
    assert len(CASES) >= 300
    assert {c.deal for c in CASES} == {"sales", "procurement", "partnership", "hiring",
                                       "candidate"}
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
