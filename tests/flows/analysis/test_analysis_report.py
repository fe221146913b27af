"""analyze(): the JSON shape, its agreement with brute force, and the chat summary."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import pytest

from auxil.sheets import random_sheet
from flows.analysis import PackageError, analyze, parse_sheet_csv, parse_sheet_yaml
from flows.analysis.frontier import package_value
from flows.analysis.sheet import Issue, Option, Sheet

OFFER = """issue,option,us,them
salary,90k,0,-6000
salary,95k,-3000,-3000
salary,100k,-6000,0
start date,June,10,0
start date,July,5,3
start date,September,0,8
bonus,none,0,-500
bonus,5%,-400,-100
bonus,10%,-800,0
remote,0 days,300,-2000
remote,2 days,150,-1000
remote,5 days,0,0
vacation,20,600,0
vacation,25,300,-100
vacation,30,0,-200
"""

KEYS = {"outcomes", "frontier", "max_joint", "issue_types", "logrolls", "compromise", "meso"}


def brute_frontier(sheet: Sheet) -> set[tuple[Fraction, Fraction]]:
    points = {
        package_value(sheet, p)
        for p in itertools.product(*(range(len(i.options)) for i in sheet.issues))
    }
    return {p for p in points if not any(q != p and q[0] >= p[0] and q[1] >= p[1] for q in points)}


def test_json_has_the_documented_keys_and_matches_brute_force() -> None:
    sheet = parse_sheet_csv(OFFER, "offer.csv")
    data = analyze(sheet).to_json_dict()
    assert set(data) == KEYS
    assert data["outcomes"] == 3**5
    assert {(Fraction(p["us"]), Fraction(p["them"])) for p in data["frontier"]} == brute_frontier(
        sheet
    )
    for point in data["frontier"]:
        assert list(point["package"]) == [i.name for i in sheet.issues]
        package = tuple(issue.option_index(point["package"][issue.name]) for issue in sheet.issues)
        assert package_value(sheet, package) == (point["us"], point["them"])
    best = data["max_joint"]
    assert (
        best["total"]
        == best["us"] + best["them"]
        == max(us + them for us, them in brute_frontier(sheet))
    )
    assert data["issue_types"]["salary"]["type"] == "distributive"
    assert data["issue_types"]["vacation"]["type"] == "compatible"
    assert data["issue_types"]["remote"] == {
        "type": "integrative",
        "stakes_us": 300,
        "stakes_them": 2000,
        "matters_more_to": "them",
        "best_for_us": "0 days",
        "best_for_them": "5 days",
    }
    assert data["logrolls"][0]["our_issue"] == "bonus"
    assert data["logrolls"][0]["package"] == {"bonus": "none", "remote": "5 days"}
    comp = data["compromise"]
    assert comp["package"] == {
        "salary": "95k",
        "start date": "July",
        "bonus": "5%",
        "remote": "2 days",
        "vacation": "25",
    }
    assert comp["cost_us"] == comp["efficient"]["us"] - comp["us"] >= 0
    assert comp["cost_them"] == comp["efficient"]["them"] - comp["them"] >= 0
    assert 2 <= len(data["meso"]["proposals"]) <= 3
    json.dumps(data)  # JSON-ready all the way down


def test_named_package_adds_the_package_key() -> None:
    sheet = parse_sheet_csv(OFFER, "offer.csv")
    named = {
        "salary": "95k",
        "start date": "July",
        "bonus": "5%",
        "remote": "2 days",
        "vacation": "25",
    }
    report = analyze(sheet, named)
    data = report.to_json_dict()
    assert set(data) == KEYS | {"package"}
    package = data["package"]
    assert package["package"] == named and package["on_frontier"] is False
    improvement = package["improvement"]
    assert improvement["gain_us"] > 0 and improvement["gain_them"] > 0
    assert improvement["us"] == package["us"] + improvement["gain_us"]
    assert any("Your package" in line for line in report.summary_lines())


def test_named_package_on_the_frontier() -> None:
    sheet = parse_sheet_csv(OFFER, "offer.csv")
    report = analyze(sheet)
    first = report.frontier[0]
    data = analyze(sheet, report.labels(first.package)).to_json_dict()
    assert data["package"]["on_frontier"] is True and data["package"]["improvement"] is None


def test_bad_named_package_raises() -> None:
    sheet = parse_sheet_csv(OFFER, "offer.csv")
    with pytest.raises(PackageError):
        analyze(sheet, {"salary": "95k"})


def test_fractional_numbers_become_floats_and_whole_ones_ints() -> None:
    sheet = parse_sheet_yaml(
        "issues:\n  a:\n    - {option: x, us: 0.5, them: 0}\n    - {option: y, us: 0, them: 2}\n",
        "s.yaml",
    )
    data = analyze(sheet).to_json_dict()
    values = {(p["us"], p["them"]) for p in data["frontier"]}
    assert values == {(0.5, 0), (0, 2)}
    assert all(type(p["them"]) is int for p in data["frontier"])


def test_summary_is_short_plain_text() -> None:
    lines = analyze(parse_sheet_csv(OFFER, "offer.csv")).summary_lines()
    assert 5 <= len(lines) <= 15
    assert all(isinstance(line, str) and "\n" not in line for line in lines)
    text = "\n".join(lines)
    assert "243 possible packages" in text
    assert "Biggest pie" in text and "Logroll" in text and "MESO" in text
    assert "Splitting the difference" in text


def test_summary_when_nothing_to_trade() -> None:
    sheet = Sheet(
        (
            Issue(
                "a", (Option("x", Fraction(1), Fraction(1)), Option("y", Fraction(0), Fraction(0)))
            ),
        )
    )
    text = "\n".join(analyze(sheet).summary_lines())
    assert "No logroll" in text and "No MESO set" in text and "already efficient" in text


def test_twelve_by_six_sheet_is_analysed() -> None:
    report = analyze(random_sheet(12, 12, 6, (-500, 500), (-9000, 0), us_scale=4))
    data = report.to_json_dict()
    assert data["outcomes"] == 6**12 and data["frontier"] and report.summary_lines()
