"""Benchmark: how well and how fast the plain-language reader reads.

Scores the reader corpus through the real engine (tuning set and, separately, the held-out
set that was never tuned to), and times the reading of one line: the reader alone, and a
whole engine turn for a plain line against the same command typed. Prints one JSON object.
Not part of the test run:

    python tests/bench/bench_reader.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parents[1])]

from auxil.reader_corpus import (  # noqa: E402
    HOLDOUT_DIR,
    NOW,
    fresh_space,
    load_cases,
    run_case,
    score,
)
from flows.engine import Engine  # noqa: E402
from flows.reading import context_for  # noqa: E402

TARGETS = {
    "holdout_read_accuracy": 0.90,
    "holdout_dangerous": 0,
    "holdout_false_alarms": 0,
    "reader_median_ms": 1.0,
}


def _timed(fn: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    """Run the benchmark and print its JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = Engine()
    tuning = score([run_case(engine, c) for c in load_cases()])
    holdout = score([run_case(engine, c) for c in load_cases(HOLDOUT_DIR)])
    for figures in (tuning, holdout):
        figures.pop("by_label")

    cases = load_cases() + load_cases(HOLDOUT_DIR)
    reader_ms: list[float] = []
    for case in cases:
        space = fresh_space(engine, case.deal)
        deal = space.active_deal()
        ctx = context_for(deal, None, NOW, "UTC", engine.reader.lex)
        times = _timed(lambda c=case, x=ctx: engine.reader.read(c.text, x), args.repeat)
        reader_ms.append(min(times))

    plain, typed = [], []
    space = fresh_space(engine, "sales")
    for _ in range(200):
        plain.extend(_timed(lambda: engine.handle("we threw in free onboarding", space, NOW), 1))
        typed.extend(_timed(lambda: engine.handle("give free onboarding", space, NOW), 1))

    result = {
        "tuning": tuning,
        "holdout": holdout,
        "reader_ms": {
            "median": round(statistics.median(reader_ms), 3),
            "p95": round(sorted(reader_ms)[int(len(reader_ms) * 0.95)], 3),
            "lines": len(reader_ms),
        },
        "engine_turn_ms": {
            "plain_median": round(statistics.median(plain), 3),
            "typed_median": round(statistics.median(typed), 3),
        },
        "targets": TARGETS,
    }
    result["targets_met"] = {
        "holdout_read_accuracy": holdout["read_accuracy"] >= TARGETS["holdout_read_accuracy"],
        "holdout_dangerous": holdout["dangerous"] <= TARGETS["holdout_dangerous"],
        "holdout_false_alarms": holdout["false_alarms"] <= TARGETS["holdout_false_alarms"],
        "reader_median_ms": result["reader_ms"]["median"] <= TARGETS["reader_median_ms"],
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
