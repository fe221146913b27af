"""The plain-language corpus through the real engine: accuracy, zero dangerous readings.

The tuning corpus (tests/flows/reader_corpus/*.yaml) is what the reader was built against;
the held-out set (holdout/) was written separately and is scored, never tuned to. A failing
held-out check reports figures only, so nobody tunes to its lines by reading the failure.
"""

from __future__ import annotations

import pytest

from auxil.reader_corpus import DANGEROUS, HOLDOUT_DIR, Result, load_cases, run_case, score
from flows.engine import Engine

TUNING_ACCURACY = 0.85
HOLDOUT_ACCURACY = 0.70
HOLDOUT_DANGEROUS = 6


@pytest.fixture(scope="module")
def tuning(engine: Engine) -> list[Result]:
    return [run_case(engine, case) for case in load_cases()]


def test_the_corpus_is_big_and_varied() -> None:
    cases = load_cases()
    assert len(cases) >= 400
    assert {c.deal for c in cases} == {"sales", "procurement", "partnership", "hiring", "candidate"}
    labels = {r for c in cases for r in c.read}
    assert {
        "give",
        "get",
        "trade",
        "if",
        "they",
        "offer",
        "say",
        "help",
        "chat",
        "unclear",
    } <= labels


def test_tuning_accuracy(tuning: list[Result]) -> None:
    figures = score(tuning)
    wrong = [
        f"{r.case.text!r}: {r.case.read} got {r.got} {r.lines}" for r in tuning if not r.correct
    ]
    assert figures["read_accuracy"] >= TUNING_ACCURACY, "\n".join(wrong[:40])


def test_no_reading_switches_deals_or_phases(tuning: list[Result]) -> None:
    commands = {line.split(" ", 1)[0] for r in tuning for line in r.lines}
    assert not commands & DANGEROUS


def test_dangerous_readings_stay_rare(tuning: list[Result]) -> None:
    # A dangerous reading logs a move for the wrong side (their ask as our give) or a give
    # where there was none. Each one left is listed in the closing note of issue 9.
    dangerous = [f"{r.case.text!r}: {r.case.read} got {r.lines}" for r in tuning if r.dangerous]
    assert len(dangerous) <= 3, "\n".join(dangerous)


def test_held_out_figures(engine: Engine) -> None:
    cases = load_cases(HOLDOUT_DIR)
    assert len(cases) >= 150
    figures = score([run_case(engine, case) for case in cases])
    figures.pop("by_label")
    # Figures only: the lines stay unread by whoever tunes the reader.
    assert figures["read_accuracy"] >= HOLDOUT_ACCURACY, figures
    assert figures["dangerous"] <= HOLDOUT_DANGEROUS, figures
