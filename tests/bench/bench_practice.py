"""Benchmark (issue 15 item 6): scripted reps against every counterpart, over many seeds.

Three reps play every scenario against every counterpart style:

* ``one_way``: opens at its best package, then each round gives one issue a step toward
  the other side and asks nothing back;
* ``splitter``: opens at its best package, then offers the halfway package between its
  last offer and theirs, issue by issue;
* ``method``: opens with a MESO of three efficient packages of about equal value to it,
  then concedes along the frontier in small, paired steps (every move trades), never
  below its walk-away, and walks when nothing beats it.

Every rep accepts the counterpart's offer when it is worth at least what it would offer
next. Prints JSON: mean joint value and the rep's own value for each rep and counterpart
(no deal scores both walk-aways), the targets and ``targets_met``.

    python tests/bench/bench_practice.py [--seeds 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
from fractions import Fraction

from flows.analysis.frontier import Package, pareto_frontier
from flows.practice.scenarios import STYLES, Scenario, builtin_scenarios
from flows.practice.session import Session


def _best(scenario: Scenario) -> Package:
    return max(scenario.packages(), key=scenario.value)


def one_way(scenario: Scenario, session: Session, k: int) -> list[Package]:
    if not session.rep:
        return [_best(scenario)]
    last = list(session.rep[-1][0])
    issues = scenario.sheet.issues
    steps = []
    for i, issue in enumerate(issues):
        order = sorted(range(len(issue.options)), key=lambda o, i=i: -issues[i].options[o].us)
        at = order.index(last[i])
        if at + 1 < len(order):
            steps.append(
                (issue.options[order[at + 1]].them - issue.options[last[i]].them, i, order[at + 1])
            )
    if steps:
        _, i, option = max(steps)
        last[i] = option
    return [tuple(last)]


def splitter(scenario: Scenario, session: Session, k: int) -> list[Package]:
    if not session.rep:
        return [_best(scenario)]
    mine, theirs = session.rep[-1][0], session.theirs[-1]
    issues = scenario.sheet.issues
    middle = []
    for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
        low, high = sorted((a, b))
        near = [o for o in range(low, high + 1) if abs(o - (low + high) / 2) <= 0.5]
        middle.append(max(near, key=lambda o, i=i: issues[i].options[o].us))
    return [tuple(middle)]


def method(scenario: Scenario, session: Session, k: int) -> list[Package]:
    frontier = [p for p in pareto_frontier(scenario.sheet) if p.us >= scenario.walkaway_us]
    if not frontier:
        return []
    top = frontier[0].us
    span = top - scenario.walkaway_us
    # Concede along the frontier: a share of the span that grows slowly with the rounds.
    level = top - span * Fraction(k, scenario.rounds) ** 2
    near = [p for p in frontier if p.us >= level]
    if not session.rep:
        band = [p for p in frontier if p.us >= top - span / 5][:3]
        return [p.package for p in band] or [frontier[0].package]
    return [min(near, key=lambda p: p.us).package]


REPS = {"one_way": one_way, "splitter": splitter, "method": method}


def play(scenario: Scenario, style: str, seed: int, rep: str) -> tuple[Fraction, Fraction]:
    session = Session(scenario=scenario.key, style=style, seed=seed)  # type: ignore[arg-type]
    session.open()
    script = REPS[rep]
    for k in range(scenario.rounds):
        move = script(scenario, session, k)
        if not move:
            session.end("no_deal", "you_walked")
            break
        theirs = scenario.value(session.theirs[-1])[0]
        next_us = max(scenario.value(p)[0] for p in move)
        if session.rep and theirs >= next_us and theirs >= scenario.walkaway_us:
            session.accept()
            break
        session.offer(move)
        if not session.is_open:
            break
    if session.is_open:
        session.end("no_deal", "you_walked")
    if session.agreed is None:
        return scenario.walkaway_us + scenario.walkaway_them, scenario.walkaway_us
    us, them = scenario.value(session.agreed)
    return us + them, us


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    seeds = parser.parse_args().seeds
    scenarios = builtin_scenarios()
    table: dict[str, dict[str, dict[str, float]]] = {}
    for style in STYLES:
        table[style] = {}
        for rep in REPS:
            joint, own = [], []
            for scenario in scenarios.values():
                for seed in range(seeds):
                    j, u = play(scenario, style, seed, rep)
                    joint.append(float(j))
                    own.append(float(u))
            table[style][rep] = {
                "joint": round(statistics.mean(joint), 2),
                "own": round(statistics.mean(own), 2),
            }
    overall = {
        rep: {
            key: round(statistics.mean(table[s][rep][key] for s in STYLES), 2)
            for key in ("joint", "own")
        }
        for rep in REPS
    }
    targets = {
        "method_beats_others_on_joint": all(
            overall["method"]["joint"] > overall[r]["joint"] for r in ("one_way", "splitter")
        ),
        "method_beats_others_on_own": all(
            overall["method"]["own"] > overall[r]["own"] for r in ("one_way", "splitter")
        ),
    }
    print(
        json.dumps(
            {
                "seeds": seeds,
                "scenarios": len(scenarios),
                "by_counterpart": table,
                "overall": overall,
                "targets": targets,
                "targets_met": all(targets.values()),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
