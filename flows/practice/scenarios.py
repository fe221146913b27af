"""Built-in practice scenarios, kept as data in ``phrases/practice/*.yaml``.

A scenario is a scoring sheet (issues, options, points for the rep as ``us`` and for the
counterpart as ``them``, read by :func:`flows.analysis.sheet.parse_sheet_yaml` so the
debrief can use the exact frontier), both sides' walk-aways in their own points, the
counterpart's style, the number of rounds and a short brief in our own words.

Every file is checked when it is loaded: the fields and their types, the sheet, labels
that can be typed as ``issue=option``, and the ``zone`` claim (whether some package beats
both walk-aways) against the sheet itself.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flows.analysis.frontier import Package, package_value
from flows.analysis.sheet import Sheet, SheetError, parse_sheet_yaml
from flows.vocabulary import CONTEXTS

SCENARIO_DIR: Final = Path(__file__).resolve().parents[2] / "phrases" / "practice"
STYLES: Final = ("boulware", "conceder", "reciprocator", "hardball")
Style = Literal["boulware", "conceder", "reciprocator", "hardball"]
# Packages a scenario may have: counterparts look at every one of them each round.
MAX_PACKAGES: Final = 5000
# An issue name or option label is typed as ``issue=option``: one word, no separators.
_TYPABLE: Final = re.compile(r"^[A-Za-z0-9][\w.+-]*$")


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file and the field."""


class _Walkaways(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    us: float | int
    them: float | int


class _ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=3, max_length=80)
    context: str
    style: Style
    rounds: int = Field(ge=3, le=20)
    counterpart: str = Field(min_length=3, max_length=80)
    brief: str = Field(min_length=40, max_length=700)
    walkaway: _Walkaways
    zone: bool
    evidence: list[str] = Field(default_factory=list)
    issues: list[dict[str, object]] | dict[str, object]


@dataclass(frozen=True)
class Scenario:
    """One practice scenario.

    Attributes:
        key: The file name without ``.yaml``: what ``practice <key>`` starts.
        title: A short title.
        context: The deal context (sales, partnership, procurement, hiring).
        style: The counterpart's default style.
        rounds: How many offers the counterpart answers before its deadline.
        counterpart: Who the rep faces.
        brief: What the rep reads before starting.
        sheet: Issues and options with points (``us``: the rep, ``them``: the counterpart).
        walkaway_us: The rep's walk-away in the rep's points.
        walkaway_them: The counterpart's walk-away in its points (never shown).
        zone: Whether some package beats both walk-aways.
        evidence: Benchmarks the rep may cite (copied to the practice deal).

    """

    key: str
    title: str
    context: str
    style: Style
    rounds: int
    counterpart: str
    brief: str
    sheet: Sheet
    walkaway_us: Fraction
    walkaway_them: Fraction
    zone: bool
    evidence: tuple[str, ...] = ()

    def packages(self) -> Iterator[Package]:
        """Every whole package, in sheet order."""
        yield from itertools.product(*(range(len(i.options)) for i in self.sheet.issues))

    def value(self, package: Package) -> tuple[Fraction, Fraction]:
        """The package's points for the rep and for the counterpart."""
        return package_value(self.sheet, package)

    def labels(self, package: Package) -> list[tuple[str, str]]:
        """The package as (issue, option label) pairs, in sheet order."""
        return [
            (issue.name, issue.options[index].label)
            for issue, index in zip(self.sheet.issues, package, strict=True)
        ]


def parse_scenario(text: str, key: str) -> Scenario:
    """Read and check one scenario file.

    Args:
        text: The YAML text.
        key: The scenario key (its file name without ``.yaml``).

    Raises:
        ScenarioError: On any problem, naming the file and the field.

    """
    where = f"practice/{key}.yaml"
    if not _TYPABLE.match(key):
        raise ScenarioError(f"{where}: the file name must be one word (letters, digits, -)")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{where}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: the top level must be a mapping")
    try:
        data = _ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ScenarioError(f"{where}: {field}: {first['msg']}") from None
    if data.context not in CONTEXTS:
        raise ScenarioError(f"{where}: context: one of {', '.join(CONTEXTS)}")
    try:
        sheet = parse_sheet_yaml(yaml.safe_dump({"issues": raw["issues"]}), where)
    except SheetError as exc:
        raise ScenarioError(str(exc)) from None
    for issue in sheet.issues:
        for name in (issue.name, *(o.label for o in issue.options)):
            if not _TYPABLE.match(name):
                raise ScenarioError(
                    f"{where}: issues.{issue.name}: {name!r} cannot be typed as issue=option "
                    "(one word: letters, digits, . + - _)"
                )
    if sheet.outcome_count > MAX_PACKAGES:
        raise ScenarioError(f"{where}: {sheet.outcome_count} packages; at most {MAX_PACKAGES}")
    scenario = Scenario(
        key=key,
        title=data.title,
        context=data.context,
        style=data.style,
        rounds=data.rounds,
        counterpart=data.counterpart,
        brief=" ".join(data.brief.split()),
        sheet=sheet,
        walkaway_us=Fraction(str(data.walkaway.us)),
        walkaway_them=Fraction(str(data.walkaway.them)),
        zone=data.zone,
        evidence=tuple(data.evidence),
    )
    found = has_zone(scenario)
    if found != scenario.zone:
        raise ScenarioError(
            f"{where}: zone: says {str(scenario.zone).lower()}, but "
            + ("a package beats both walk-aways" if found else "no package beats both walk-aways")
        )
    return scenario


def has_zone(scenario: Scenario) -> bool:
    """Whether some package is at least both sides' walk-away."""
    return any(
        us >= scenario.walkaway_us and them >= scenario.walkaway_them
        for us, them in map(scenario.value, scenario.packages())
    )


def load_scenarios(directory: Path = SCENARIO_DIR) -> dict[str, Scenario]:
    """Every scenario in ``directory``, by key, in file-name order.

    Raises:
        ScenarioError: On the first file that fails its checks.

    """
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise ScenarioError(f"{directory}: no practice scenarios found")
    return {p.stem: parse_scenario(p.read_text(encoding="utf-8"), p.stem) for p in files}


@functools.cache
def builtin_scenarios() -> dict[str, Scenario]:
    """The packaged scenarios (loaded and checked once)."""
    return load_scenarios()
