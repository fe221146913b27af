"""The better-line rewrite on real phrasing: rates on the tuning corpus and the held-out set.

    python tests/bench/bench_rewrites.py            # figures, and the tuning set's misses
    python tests/bench/bench_rewrites.py --json     # the figures only, as JSON

A risky line scores when a better line is offered that keeps the rep's key words and figure,
drops the floor and passes our own `say` checks; a near miss scores when none is offered.
The held-out set (tests/flows/rewrite_corpus/holdout/) was split off before the rewriter
was written: only its figures are printed, never its lines, so nobody tunes to them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.append(str(Path(__file__).resolve().parents[1]))

from auxil.rewrite_corpus import CORPUS_DIR, HOLDOUT_DIR, load_cases, run_case, score
from flows.engine import Engine


def main() -> int:
    engine = Engine()
    figures = {}
    for name, directory in (("tuning", CORPUS_DIR), ("holdout", HOLDOUT_DIR)):
        results = [run_case(engine, case) for case in load_cases(directory)]
        figures[name] = score(results)
        if name == "tuning" and "--json" not in sys.argv:
            for result in results:
                if not result.ok:
                    print(
                        f"  {result.case.deal:12} {result.case.line!r}\n"
                        f"    -> {result.better!r}\n    {'; '.join(result.problems)}"
                    )
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
