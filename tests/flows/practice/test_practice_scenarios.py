"""The built-in practice scenarios load, cover the issue's cases, and bad files fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.practice.scenarios import (
    SCENARIO_DIR,
    ScenarioError,
    builtin_scenarios,
    has_zone,
    parse_scenario,
)


def test_six_scenarios_in_the_four_contexts() -> None:
    scenarios = builtin_scenarios()
    assert len(scenarios) >= 6
    assert {s.context for s in scenarios.values()} == {
        "sales",
        "partnership",
        "procurement",
        "hiring",
    }
    assert {
        "saas-renewal",
        "supplier-sla",
        "revenue-share",
        "job-offer",
        "price-haggle",
        "no-zone",
    } <= set(scenarios)
    assert len(scenarios["price-haggle"].sheet.issues) == 1
    assert not scenarios["no-zone"].zone and not has_zone(scenarios["no-zone"])
    assert all(s.zone for k, s in scenarios.items() if k != "no-zone")
    assert {s.style for s in scenarios.values()} == {
        "boulware",
        "conceder",
        "reciprocator",
        "hardball",
    }


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("style: hardball", "style: sneaky", "style"),
        ("zone: true", "zone: false", "a package beats both walk-aways"),
        ("context: procurement", "context: sports", "context"),
        ("rounds: 6", "rounds: 1", "rounds"),
        ("{option: 16k, us: 100, them: 0}", "{option: 16 k, us: 100, them: 0}", "issue=option"),
        ("{option: 17k, us: 80, them: 20}", "{option: 17k, us: lots, them: 20}", "not a number"),
        ("title:", "name: x\ntitle:", "name"),
    ],
)
def test_a_bad_scenario_names_its_fault(old: str, new: str, message: str) -> None:
    text = (SCENARIO_DIR / "price-haggle.yaml").read_text()
    assert old in text
    with pytest.raises(ScenarioError, match=message) as caught:
        parse_scenario(text.replace(old, new, 1), "price-haggle")
    assert "practice/price-haggle.yaml" in str(caught.value)


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    from flows.practice.scenarios import load_scenarios

    with pytest.raises(ScenarioError, match="no practice scenarios"):
        load_scenarios(tmp_path)
