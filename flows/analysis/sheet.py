"""Scoring sheets: the issues of a deal, their options, and what each option is worth.

A sheet lists, for every issue, its options in the order the user gives them (their
preference order) with points for us and our estimate of the points for them. Points are
any numbers: negatives, zero and decimals are all fine, and both columns may use
different scales (dollars for one side, points for the other).

Numbers are held as :class:`fractions.Fraction` so every sum is exact. Text such as
``1.5``, ``-6000``, ``2e3`` or ``3/4`` is read exactly; a YAML float (``1.5`` unquoted) is
read through its shortest decimal spelling, so ``0.1`` means exactly one tenth, not the
nearest binary float.

CSV format
----------
The header is exactly ``issue,option,us,them`` (surrounding spaces and letter case are
ignored), then one option a row. Blank lines are skipped. The rows of one issue need not
be adjacent; options keep the order of their rows and issues the order of first
appearance::

    issue,option,us,them
    salary,90k,0,-6000
    salary,95k,-3000,-3000
    start date,June,10,0

YAML format
-----------
A top-level ``issues`` key holding either a mapping of issue name to a list of options,
or a list of ``{issue: NAME, options: [...]}`` entries. Every option is a mapping with
exactly the keys ``option`` (its label), ``us`` and ``them``::

    issues:
      salary:
        - {option: 90k, us: 0, them: -6000}
        - {option: 95k, us: -3000, them: -3000}
      start date:
        - {option: June, us: 10, them: 0}
        - {option: September, us: 0, them: 8}

    # or, equivalently for one issue:
    issues:
      - issue: salary
        options:
          - {option: 90k, us: 0, them: -6000}
          - {option: 95k, us: -3000, them: -3000}

Errors
------
Every problem raises :class:`SheetError`, whose message starts with the source name and
then the CSV line (``sheet.csv line 4: ...``) or the YAML field path
(``sheet.yaml issues.salary[1].us: ...``).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

MIN_OPTIONS: Final = 2
CSV_HEADER: Final = ("issue", "option", "us", "them")
_OPTION_KEYS: Final = frozenset({"option", "us", "them"})


class SheetError(ValueError):
    """A scoring sheet that cannot be used; the message names the line or field at fault."""


@dataclass(frozen=True)
class Option:
    """One option of an issue and its value to each side.

    Attributes:
        label: The option's name as the user wrote it, unique within its issue.
        us: Points for us.
        them: Estimated points for the other side.

    """

    label: str
    us: Fraction
    them: Fraction


@dataclass(frozen=True)
class Issue:
    """An issue on the table and its options, in the order the user listed them.

    Attributes:
        name: The issue's name, unique within the sheet.
        options: At least two options, in listed (preference) order.

    """

    name: str
    options: tuple[Option, ...]

    def option_index(self, label: str) -> int:
        """Return the position of the option called ``label``.

        Args:
            label: An option label of this issue.

        Returns:
            Its index in :attr:`options`.

        Raises:
            KeyError: If the issue has no such option.

        """
        for index, option in enumerate(self.options):
            if option.label == label:
                return index
        raise KeyError(label)


@dataclass(frozen=True)
class Sheet:
    """A whole scoring sheet.

    Attributes:
        issues: The issues, in the order the user listed them.
        source: Where the sheet came from (a file name), used in messages.

    """

    issues: tuple[Issue, ...]
    source: str = "<sheet>"

    @property
    def outcome_count(self) -> int:
        """The number of whole packages: the product of the option counts."""
        return math.prod(len(issue.options) for issue in self.issues)

    def issue(self, name: str) -> Issue:
        """Return the issue called ``name``.

        Args:
            name: An issue name of this sheet.

        Returns:
            The issue.

        Raises:
            KeyError: If the sheet has no such issue.

        """
        for issue in self.issues:
            if issue.name == name:
                return issue
        raise KeyError(name)


def to_fraction(value: object) -> Fraction:
    """Convert a sheet number to an exact fraction.

    Args:
        value: An int, a float (read through its shortest decimal spelling), a
            :class:`~fractions.Fraction`, or text such as ``"-6000"``, ``"1.5"``, ``"3/4"``.

    Returns:
        The exact value.

    Raises:
        ValueError: If the value is empty, not a number, not finite, or a boolean.

    """
    # bool is an int subclass; "yes"/"true" in a sheet is a typo, not the number 1.
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(repr(value))
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        if not text:
            raise ValueError("empty")
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"not a number: {value.strip()!r}") from None
    raise ValueError(f"not a number: {value!r}")


class _Builder:
    """Collects options issue by issue and applies the checks both formats share."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.options: dict[str, list[Option]] = {}
        self.where: dict[tuple[str, str], str] = {}
        self.first_where: dict[str, str] = {}

    def fail(self, where: str, message: str) -> SheetError:
        return SheetError(f"{self.source} {where}: {message}")

    def add(self, where: str, issue: str, label: str, us: Fraction, them: Fraction) -> None:
        if (issue, label) in self.where:
            raise self.fail(
                where,
                f"duplicate option {label!r} for issue {issue!r} "
                f"(first at {self.where[issue, label]})",
            )
        self.where[issue, label] = where
        self.first_where.setdefault(issue, where)
        self.options.setdefault(issue, []).append(Option(label, us, them))

    def build(self) -> Sheet:
        if not self.options:
            raise SheetError(f"{self.source}: the sheet has no options (empty sheet)")
        for name, options in self.options.items():
            if len(options) < MIN_OPTIONS:
                raise self.fail(
                    self.first_where[name],
                    f"issue {name!r} has only {len(options)} option; "
                    f"an issue needs at least {MIN_OPTIONS}",
                )
        issues = tuple(Issue(name, tuple(options)) for name, options in self.options.items())
        return Sheet(issues, self.source)


def parse_sheet_csv(text: str, source_name: str) -> Sheet:
    """Read a CSV scoring sheet (see the module docstring for the format).

    Args:
        text: The file's contents.
        source_name: A name for the sheet used in error messages, e.g. its file name.

    Returns:
        The sheet.

    Raises:
        SheetError: On a bad header, a row with the wrong number of cells, an empty issue
            or option, a missing or non-numeric number, a duplicate option, an issue with
            fewer than two options, or an empty sheet.

    """
    builder = _Builder(source_name)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header_seen = False
    for row in reader:
        where = f"line {reader.line_num}"
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if not header_seen:
            if tuple(cell.lower() for cell in cells) != CSV_HEADER:
                raise builder.fail(
                    where, f"the header must be {','.join(CSV_HEADER)!r}, got {','.join(cells)!r}"
                )
            header_seen = True
            continue
        if len(cells) != len(CSV_HEADER):
            raise builder.fail(
                where, f"expected {len(CSV_HEADER)} cells (issue,option,us,them), got {len(cells)}"
            )
        issue, label, us_text, them_text = cells
        if not issue:
            raise builder.fail(where, "empty issue name")
        if not label:
            raise builder.fail(where, f"empty option label for issue {issue!r}")
        us = _csv_number(builder, where, "us", us_text)
        them = _csv_number(builder, where, "them", them_text)
        builder.add(where, issue, label, us, them)
    return builder.build()


def _csv_number(builder: _Builder, where: str, column: str, text: str) -> Fraction:
    if not text:
        raise builder.fail(where, f"missing {column!r} number")
    try:
        return to_fraction(text)
    except ValueError as exc:
        raise builder.fail(where, f"{column!r} {exc}") from None


def parse_sheet_yaml(text: str, source_name: str) -> Sheet:
    """Read a YAML scoring sheet (see the module docstring for the format).

    Args:
        text: The file's contents.
        source_name: A name for the sheet used in error messages, e.g. its file name.

    Returns:
        The sheet.

    Raises:
        SheetError: On invalid YAML, a missing ``issues`` key, an empty or non-text issue
            name or option label, a missing, extra or non-numeric field, a duplicate
            issue or option, an issue with fewer than two options, or an empty sheet.

    """
    # PyYAML (a project dependency) is imported here so the rest of flows.analysis,
    # CSV sheets included, needs nothing beyond the standard library.
    import yaml

    builder = _Builder(source_name)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else "(YAML)"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise builder.fail(line, f"invalid YAML: {problem}") from None
    if data is None:
        raise SheetError(f"{source_name}: the sheet has no options (empty sheet)")
    if not isinstance(data, Mapping) or "issues" not in data:
        raise builder.fail("(top level)", "expected a mapping with an 'issues' key")
    issues = data["issues"]
    if issues is None:
        raise SheetError(f"{source_name}: the sheet has no options (empty sheet)")
    seen: set[str] = set()
    if isinstance(issues, Mapping):
        for key, options in issues.items():
            path = f"issues.{key}"
            name = _yaml_text(builder, path, "issue name", key)
            _yaml_issue(builder, seen, path, name, options)
    elif isinstance(issues, list):
        for position, entry in enumerate(issues):
            path = f"issues[{position}]"
            if not isinstance(entry, Mapping):
                raise builder.fail(path, "expected a mapping with 'issue' and 'options'")
            extra = set(entry) - {"issue", "options"}
            if extra:
                raise builder.fail(path, f"unknown field(s): {', '.join(sorted(map(str, extra)))}")
            if "issue" not in entry:
                raise builder.fail(f"{path}.issue", "missing issue name")
            name = _yaml_text(builder, f"{path}.issue", "issue name", entry["issue"])
            _yaml_issue(builder, seen, f"{path}.options", name, entry.get("options"))
    else:
        raise builder.fail("issues", "expected a mapping of issue -> options, or a list")
    return builder.build()


def _yaml_text(builder: _Builder, path: str, what: str, value: object) -> str:
    # YAML turns unquoted yes/no/null into booleans and None: reject them rather than
    # silently naming an option "True".
    if isinstance(value, bool) or value is None or not isinstance(value, str | int | float):
        raise builder.fail(path, f"{what} must be text, got {value!r} (quote it)")
    text = str(value).strip()
    if not text:
        raise builder.fail(path, f"empty {what}")
    return text


def _yaml_issue(builder: _Builder, seen: set[str], path: str, name: str, options: object) -> None:
    if name in seen:
        raise builder.fail(path, f"duplicate issue {name!r}")
    seen.add(name)
    if not isinstance(options, list):
        raise builder.fail(path, f"issue {name!r} needs a list of at least {MIN_OPTIONS} options")
    if len(options) < MIN_OPTIONS:
        raise builder.fail(
            path,
            f"issue {name!r} has only {len(options)} option(s); "
            f"an issue needs at least {MIN_OPTIONS}",
        )
    for position, entry in enumerate(options):
        where = f"{path}[{position}]"
        if not isinstance(entry, Mapping):
            raise builder.fail(where, "expected a mapping with option, us and them")
        extra = set(entry) - _OPTION_KEYS
        if extra:
            raise builder.fail(where, f"unknown field(s): {', '.join(sorted(map(str, extra)))}")
        if "option" not in entry:
            raise builder.fail(f"{where}.option", "missing option label")
        label = _yaml_text(builder, f"{where}.option", "option label", entry["option"])
        numbers: dict[str, Fraction] = {}
        for column in ("us", "them"):
            if column not in entry or entry[column] is None:
                raise builder.fail(f"{where}.{column}", f"missing {column!r} number")
            try:
                numbers[column] = to_fraction(entry[column])
            except ValueError as exc:
                raise builder.fail(f"{where}.{column}", f"{column!r} {exc}") from None
        builder.add(where, name, label, numbers["us"], numbers["them"])
