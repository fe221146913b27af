"""Counterpart strategies checked against their definitions."""

from __future__ import annotations

from fractions import Fraction

import pytest

from flows.analysis.frontier import Package
from flows.practice.counterparts import EXPONENTS, Counterpart
from flows.practice.scenarios import STYLES, Scenario, builtin_scenarios

SCENARIOS = builtin_scenarios()


def _rep_best(scenario: Scenario) -> Package:
    return max(scenario.packages(), key=lambda p: scenario.value(p))


def _play_stubborn(cp: Counterpart, package: Package) -> list[Package]:
    """The counterpart's offers against a rep who repeats one package every round."""
    own = [cp.opening().package]
    history: list[list[Package]] = []
    for _ in range(cp.rounds - 1):
        history.append([package])
        answer = cp.respond(history, own)
        assert answer.kind == "counter"
        assert answer.package is not None
        own.append(answer.package)
    return [p for p in own if p is not None]


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_boulware_concedes_under_a_tenth_in_the_first_80_percent(key: str) -> None:
    scenario = SCENARIOS[key]
    for seed in range(5):
        cp = Counterpart(scenario, "boulware", seed)
        span = cp.best - cp.reserve
        offers = _play_stubborn(cp, _rep_best(scenario))
        for t, offer in enumerate(offers):
            if Fraction(t, cp.rounds) <= Fraction(4, 5):
                assert cp.best - cp.utility(offer) < span / 10, (key, seed, t)


def test_the_curves_follow_the_formula() -> None:
    scenario = SCENARIOS["saas-renewal"]
    for style in ("boulware", "conceder", "hardball"):
        cp = Counterpart(scenario, style)
        for t in range(cp.rounds + 1):
            share = (t / cp.rounds) ** (1 / EXPONENTS[style])
            expected = float(cp.best) - float(cp.best - cp.reserve) * share
            assert abs(float(cp.target(t)) - expected) < 1e-4
        assert cp.target(0) == cp.best and cp.target(cp.rounds) == cp.reserve
    tough, soft = Counterpart(scenario, "boulware"), Counterpart(scenario, "conceder")
    assert all(tough.target(t) >= soft.target(t) for t in range(scenario.rounds + 1))
    assert soft.target(scenario.rounds // 2) < soft.best - (soft.best - soft.reserve) / 10


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_never_offers_below_its_walkaway_and_is_deterministic(key: str, style: str) -> None:
    scenario = SCENARIOS[key]
    for seed in range(3):
        first = _play_stubborn(Counterpart(scenario, style, seed), _rep_best(scenario))  # type: ignore[arg-type]
        again = _play_stubborn(Counterpart(scenario, style, seed), _rep_best(scenario))  # type: ignore[arg-type]
        assert first == again
        cp = Counterpart(scenario, style, seed)  # type: ignore[arg-type]
        assert all(cp.utility(p) >= cp.reserve for p in first)


@pytest.mark.parametrize("style", STYLES)
def test_accepts_what_beats_its_next_offer_and_walks_below_its_walkaway(style: str) -> None:
    scenario = SCENARIOS["saas-renewal"]
    cp = Counterpart(scenario, style)  # type: ignore[arg-type]
    opening = cp.opening().package
    assert opening is not None and cp.utility(opening) == cp.best
    # Its own best package is accepted at once: nothing it could offer beats it.
    answer = cp.respond([[opening]], [opening])
    assert answer.kind == "accept" and answer.package == opening
    # In the last round, a package at or above its walk-away is accepted, below it it walks.
    history: list[list[Package]] = [[_rep_best(scenario)]] * (cp.rounds - 1)
    above = min((p for p in scenario.packages() if cp.utility(p) >= cp.reserve), key=cp.utility)
    below = max((p for p in scenario.packages() if cp.utility(p) < cp.reserve), key=cp.utility)
    assert cp.respond([*history, [above]], [opening]).kind == "accept"
    walk = cp.respond([*history, [below]], [opening])
    assert walk.kind == "walk" and walk.package is None


def test_acceptance_is_against_the_next_offer() -> None:
    scenario = SCENARIOS["revenue-share"]
    cp = Counterpart(scenario, "conceder", 1)
    own = [cp.opening().package]
    history: list[list[Package]] = [[_rep_best(scenario)]]
    answer = cp.respond(history, own)
    assert answer.kind == "counter" and answer.package is not None
    # Offering back exactly what it would offer next round, or better, is accepted.
    nxt = cp._counter(cp.target(2), [*history, [answer.package]], [*own, answer.package], 2)[0]
    better = [p for p in scenario.packages() if cp.utility(p) >= cp.utility(nxt)]
    assert cp.respond([*history, [better[0]]], [*own, answer.package]).kind == "accept"


def test_reciprocator_mirrors_the_reps_concessions() -> None:
    scenario = SCENARIOS["supplier-sla"]
    cp = Counterpart(scenario, "reciprocator")
    own = [cp.opening().package]
    firm = _rep_best(scenario)
    answer = cp.respond([[firm], [firm]], own)
    assert answer.package is not None and cp.utility(answer.package) == cp.best
    # The rep gives ground worth 12 of its points (unit price 8.00 -> 8.50): it gives back.
    softer = (1, *firm[1:])
    gain = cp.utility(softer) - cp.utility(firm)
    answer = cp.respond([[firm], [softer]], own)
    assert answer.kind == "counter" and answer.package is not None
    assert "mirror" in answer.tactics
    assert (
        cp.best - gain
        <= cp.utility(answer.package)
        <= cp.best - gain + (cp.best - cp.reserve) / 20 + 10
    )


def test_reciprocator_answers_a_trade_on_the_issues_moved() -> None:
    scenario = SCENARIOS["supplier-sla"]
    cp = Counterpart(scenario, "reciprocator")
    own = [cp.opening().package]
    opening, first = (0, 0, 0, 0), (2, 1, 1, 1)
    trade = (2, 0, 2, 1)  # delivery in 2 days for the rep if uptime is 99.5 for them
    answer = cp.respond([[opening], [first], [trade]], own)
    assert answer.kind in ("counter", "accept")
    if answer.kind == "counter":
        assert answer.package is not None and "trade_answer" in answer.tactics
        assert answer.package[2] == trade[2]
        assert sum(a == b for a, b in zip(answer.package, trade, strict=True)) >= 3


def test_hardball_anchors_splits_and_cherry_picks() -> None:
    scenario = SCENARIOS["saas-renewal"]
    cp = Counterpart(scenario, "hardball")
    opening = cp.opening()
    assert set(opening.tactics) == {"anchor", "deadline"}
    own = [opening.package]
    a, b = (1, 2, 1, 0), (2, 2, 0, 2)
    answer = cp.respond([[a, b]], own)
    assert answer.kind == "counter" and answer.tactics == ("cherry_pick",)
    assert answer.package is not None
    assert all(answer.package[i] in (a[i], b[i]) for i in range(4))
    assert answer.package not in (a, b)
    # Half-way through it offers to meet in the middle of its offer and the rep's.
    mid = scenario.rounds // 2
    history: list[list[Package]] = [[(0, 2, 0, 0)]] * mid
    tactics = cp.respond(history, own).tactics
    assert "split" in tactics


def test_priorities_are_truthful_or_not_by_style() -> None:
    scenario = SCENARIOS["saas-renewal"]
    assert Counterpart(scenario, "conceder").priorities() == ("price", "payment")
    assert Counterpart(scenario, "boulware").priorities() == ("price", "")
    assert Counterpart(scenario, "hardball").priorities() == ("payment", "price")
