"""Benchmark: brute-force enumeration against the issue-by-issue frontier merge.

Run from the repository root::

    python tests/bench/bench_analysis.py

It prints JSON. Sheets grow from 4 issues x 4 options to 12 x 6; every sheet is random
but deterministic (fixed seed, integer points in [-100, 100] for each side). For each
size it reports the package count, the frontier size, the time of the fast frontier and
of the whole ``analyze()``, and the brute-force time: every package's sums built (in
plain integer lists, the fastest pure-Python way), then the non-dominated ones filtered.
Brute force is skipped above ``BRUTE_FORCE_LIMIT`` packages (it would need gigabytes of
memory and minutes), and its time is then estimated from the largest measured run's time
per package. Where both run, the two frontiers are checked to be the same points.

A last section stresses the fast method on 12 x 6 sheets that are nearly zero-sum
(their points = minus ours plus noise, values up to a million): the smaller the noise,
the more packages are efficient. With little noise the frontier has millions of points,
and the merge refuses it (``FrontierTooLargeError``) instead of running for minutes.

Not collected by pytest (the file is named ``bench_*`` and tests/bench is ignored).
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flows.analysis.frontier import MAX_FRONTIER_POINTS, FrontierTooLargeError, pareto_frontier
from flows.analysis.report import analyze
from flows.analysis.sheet import Issue, Option, Sheet

SEED = 20240605
VALUE_RANGE = (-100, 100)
# (issues, options per issue), in growing package count.
SIZES = [
    (4, 4), (5, 4), (6, 4), (6, 5), (7, 5), (7, 6),
    (8, 5), (8, 6), (9, 6), (10, 6), (11, 6), (12, 6),
]  # fmt: skip
BRUTE_FORCE_LIMIT = 2_000_000
USABLE_SECONDS = 1.0
FAST_REPEATS = 3


def random_sheet(issues: int, options: int, rng: random.Random) -> Sheet:
    """A deterministic random sheet of the given size.

    Args:
        issues: Number of issues.
        options: Options per issue.
        rng: The seeded generator.

    Returns:
        The sheet.

    """
    low, high = VALUE_RANGE
    return Sheet(
        tuple(
            Issue(
                f"issue{i}",
                tuple(
                    Option(
                        f"o{k}", Fraction(rng.randint(low, high)), Fraction(rng.randint(low, high))
                    )
                    for k in range(options)
                ),
            )
            for i in range(issues)
        ),
        f"random {issues}x{options}",
    )


def brute_force_frontier(sheet: Sheet) -> set[tuple[int, int]]:
    """Enumerate every package and keep the non-dominated (us, them) points.

    Args:
        sheet: A sheet with integer points.

    Returns:
        The frontier points.

    """
    us_sums = [0]
    them_sums = [0]
    for issue in sheet.issues:
        us_values = [int(o.us) for o in issue.options]
        them_values = [int(o.them) for o in issue.options]
        us_sums = [total + value for total in us_sums for value in us_values]
        them_sums = [total + value for total in them_sums for value in them_values]
    order = sorted(range(len(us_sums)), key=lambda n: (-us_sums[n], -them_sums[n]))
    frontier: set[tuple[int, int]] = set()
    best_them: int | None = None
    for n in order:
        if best_them is None or them_sums[n] > best_them:
            frontier.add((us_sums[n], them_sums[n]))
            best_them = them_sums[n]
    return frontier


def near_zero_sum_sheet(noise: int, rng: random.Random) -> Sheet:
    """A 12 x 6 sheet where their points are minus ours plus noise in [-noise, noise].

    Args:
        noise: How far from zero-sum each option may be.
        rng: The seeded generator.

    Returns:
        The sheet.

    """
    issues = []
    for i in range(12):
        options = []
        for k in range(6):
            us = rng.randint(-1_000_000, 1_000_000)
            options.append(
                Option(f"o{k}", Fraction(us), Fraction(-us + rng.randint(-noise, noise)))
            )
        issues.append(Issue(f"issue{i}", tuple(options)))
    return Sheet(tuple(issues), f"near zero-sum, noise {noise}")


def stress(rng: random.Random) -> list[dict[str, Any]]:
    """Time the fast method on nearly zero-sum 12 x 6 sheets.

    Args:
        rng: The seeded generator.

    Returns:
        One entry per noise level.

    """
    entries: list[dict[str, Any]] = []
    for noise in (1_000_000, 100_000, 10_000, 10):
        sheet = near_zero_sum_sheet(noise, rng)
        start = time.perf_counter()
        try:
            size: int | str = len(analyze(sheet).frontier)
        except FrontierTooLargeError:
            size = f"refused: over {MAX_FRONTIER_POINTS:,} points"
        elapsed = time.perf_counter() - start
        entries.append({"noise": noise, "frontier_size": size, "analyze_s": round(elapsed, 4)})
    return entries


def best_time(func: Any, repeats: int) -> tuple[float, Any]:
    """Run ``func`` ``repeats`` times; return the fastest time and the last result."""
    best = math.inf
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    """Run the benchmark and print JSON."""
    rng = random.Random(SEED)
    runs: list[dict[str, Any]] = []
    per_package: float | None = None
    for issues, options in SIZES:
        sheet = random_sheet(issues, options, rng)
        packages = sheet.outcome_count
        frontier_s, frontier = best_time(lambda s=sheet: pareto_frontier(s), FAST_REPEATS)
        analyze_s, _ = best_time(lambda s=sheet: analyze(s), FAST_REPEATS)
        run: dict[str, Any] = {
            "issues": issues,
            "options": options,
            "packages": packages,
            "frontier_size": len(frontier),
            "fast_frontier_s": round(frontier_s, 5),
            "fast_analyze_s": round(analyze_s, 5),
        }
        if packages <= BRUTE_FORCE_LIMIT:
            brute_s, brute = best_time(lambda s=sheet: brute_force_frontier(s), 1)
            per_package = brute_s / packages
            run["brute_force_s"] = round(brute_s, 5)
            run["brute_force_estimated"] = False
            run["agree"] = brute == {(int(p.us), int(p.them)) for p in frontier}
        else:
            assert per_package is not None
            run["brute_force_s"] = round(per_package * packages, 1)
            run["brute_force_estimated"] = True
        run["speedup_frontier"] = round(run["brute_force_s"] / max(frontier_s, 1e-9))
        runs.append(run)
        print(f"{issues}x{options}: done", file=sys.stderr)

    too_slow = [r for r in runs if r["brute_force_s"] > USABLE_SECONDS]
    usable = [r for r in runs if r["brute_force_s"] <= USABLE_SECONDS]
    print(
        json.dumps(
            {
                "seed": SEED,
                "value_range": list(VALUE_RANGE),
                "brute_force_limit_packages": BRUTE_FORCE_LIMIT,
                "usable_means_under_s": USABLE_SECONDS,
                "runs": runs,
                "brute_force_usable_up_to": None
                if not usable
                else {k: usable[-1][k] for k in ("issues", "options", "packages")},
                "brute_force_too_slow_from": None
                if not too_slow
                else {k: too_slow[0][k] for k in ("issues", "options", "packages")},
                "fast_12x6_analyze_s": runs[-1]["fast_analyze_s"],
                "near_zero_sum_12x6": stress(rng),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
