"""Pitfall detectors on real phrasing: precision and recall per code, as JSON (issue 10).

Scores the team's corpus (tests/flows/detector_corpus/*.yaml) and, separately, the held-out
set (tests/flows/detector_corpus/holdout/*.yaml), written by someone else and never tuned
against: only its figures are printed, never its lines. Targets: F1 of at least 0.8 for
splits, hard lines and stated floors, 0.7 for one-way concessions, 0.85 for the close
checks and ethics flags of issue 11 (0.65 on the held-out set, asserted in
tests/flows/test_detector_corpus.py), and precision of at least 0.8 for every code that
raised anything.

    python tests/bench/bench_detectors.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.append(str(Path(__file__).resolve().parents[1]))

from auxil.detector_corpus import CORPUS_DIR, HOLDOUT_DIR, load_cases, raised, score
from flows.engine import Engine


def _run(engine: Engine, directory: Path) -> dict[str, object]:
    cases = load_cases(directory)
    if not cases:
        return {"cases": 0, "note": f"no cases in {directory.name}/"}
    started = time.perf_counter()
    results = [raised(engine, case) for case in cases]
    figures = score(cases, results)
    figures["ms_per_line"] = round((time.perf_counter() - started) * 1000 / len(cases), 2)
    return figures


def main() -> None:
    """Print one JSON object: the corpus's figures and the held-out set's."""
    engine = Engine()
    print(
        json.dumps(
            {"corpus": _run(engine, CORPUS_DIR), "holdout": _run(engine, HOLDOUT_DIR)}, indent=2
        )
    )


if __name__ == "__main__":
    main()
