"""Scoring sheet parsing: both formats, exact numbers, and errors that name the line or field."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.analysis.sheet import (
    Issue,
    Option,
    Sheet,
    SheetError,
    parse_sheet_csv,
    parse_sheet_yaml,
    to_fraction,
)

CSV = """issue,option,us,them
salary,90k,0,-6000
salary,95k,-3000,-3000
salary,100k,-6000,0
start,June,1.5,0
start,Sept,0,0.1
"""

YAML_MAPPING = """
issues:
  salary:
    - {option: 90k, us: 0, them: -6000}
    - {option: 95k, us: -3000, them: -3000}
    - {option: 100k, us: -6000, them: 0}
  start:
    - {option: June, us: 1.5, them: 0}
    - {option: Sept, us: 0, them: 0.1}
"""

YAML_LIST = """
issues:
  - issue: salary
    options:
      - {option: 90k, us: 0, them: -6000}
      - {option: 95k, us: -3000, them: -3000}
      - {option: 100k, us: -6000, them: 0}
  - issue: start
    options:
      - {option: June, us: "3/2", them: 0}
      - {option: Sept, us: 0, them: "0.1"}
"""


def test_csv_reads_issues_options_and_exact_numbers() -> None:
    sheet = parse_sheet_csv(CSV, "offer.csv")
    assert sheet.source == "offer.csv"
    assert [issue.name for issue in sheet.issues] == ["salary", "start"]
    assert [o.label for o in sheet.issues[0].options] == ["90k", "95k", "100k"]
    assert sheet.issues[0].options[0] == Option("90k", Fraction(0), Fraction(-6000))
    assert sheet.issues[1].options[0].us == Fraction(3, 2)
    assert sheet.issues[1].options[1].them == Fraction(1, 10)
    assert sheet.outcome_count == 6


def test_yaml_mapping_and_list_forms_match_csv() -> None:
    from_csv = parse_sheet_csv(CSV, "s")
    assert parse_sheet_yaml(YAML_MAPPING, "s") == from_csv
    assert parse_sheet_yaml(YAML_LIST, "s") == from_csv


def test_csv_tolerates_bom_spaces_header_case_blank_lines_and_split_issues() -> None:
    text = "\ufeff Issue , OPTION ,us, them\n\na,x, 1 ,2\nb,p,0,0\na,y,-1,+3\n\nb,q,1e2,0\n"
    sheet = parse_sheet_csv(text, "s.csv")
    assert [i.name for i in sheet.issues] == ["a", "b"]
    assert sheet.issue("a").options == (
        Option("x", Fraction(1), Fraction(2)),
        Option("y", Fraction(-1), Fraction(3)),
    )
    assert sheet.issue("b").options[1].us == 100
    assert sheet.issue("a").option_index("y") == 1
    with pytest.raises(KeyError):
        sheet.issue("c")
    with pytest.raises(KeyError):
        sheet.issue("a").option_index("z")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("issue,option,us\na,x,1\n", "s.csv line 1: the header must be"),
        ("issue,option,us,them\n,x,1,2\n,y,1,2\n", "s.csv line 2: empty issue"),
        ("issue,option,us,them\na,,1,2\n", "s.csv line 2: empty option label"),
        ("issue,option,us,them\na,x,,2\na,y,1,2\n", "s.csv line 2: missing 'us' number"),
        (
            "issue,option,us,them\na,x,1,2\na,y,1,lots\n",
            "s.csv line 3: 'them' not a number: 'lots'",
        ),
        ("issue,option,us,them\na,x,1,2\na,y,1,nan\n", "s.csv line 3: 'them' not a number"),
        ("issue,option,us,them\na,x,1,2\na,x,3,4\n", "s.csv line 3: duplicate option 'x'"),
        ("issue,option,us,them\na,x,1,2\na,y,1,2\nb,p,1,2\n", "s.csv line 4: issue 'b' has only 1"),
        ("issue,option,us,them\na,x,1,2,3\n", "s.csv line 2: expected 4 cells"),
        ("issue,option,us,them\n", "s.csv: the sheet has no options (empty sheet)"),
        ("", "s.csv: the sheet has no options (empty sheet)"),
    ],
)
def test_csv_errors_name_the_line(text: str, expected: str) -> None:
    with pytest.raises(SheetError) as caught:
        parse_sheet_csv(text, "s.csv")
    assert expected in str(caught.value)


def test_duplicate_option_names_first_line_and_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"first at line 2"):
        parse_sheet_csv("issue,option,us,them\na,x,1,2\na,x,3,4\n", "s.csv")


def _two(first: str) -> str:
    """A one-issue YAML sheet whose first option is ``first`` and second is valid."""
    return f"issues:\n  a:\n    - {first}\n    - {{option: y, us: 1, them: 2}}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "issues:\n  a:\n    - {option: x, us: 1, them: 2}\n    - {option: y, them: 2}\n",
            "s.yaml issues.a[1].us: missing 'us' number",
        ),
        (
            _two("{option: x, us: 1, them: lots}"),
            "s.yaml issues.a[0].them: 'them' not a number: 'lots'",
        ),
        (
            "issues:\n  a:\n    - {option: x, us: 1, them: 2}\n    - {option: x, us: 1, them: 2}\n",
            "s.yaml issues.a[1]: duplicate option 'x'",
        ),
        (
            "issues:\n  a:\n    - {option: x, us: 1, them: 2}\n",
            "s.yaml issues.a: issue 'a' has only 1 option",
        ),
        (
            _two("{option: x, us: 1, them: 2, thme: 3}"),
            "s.yaml issues.a[0]: unknown field(s): thme",
        ),
        (
            "issues:\n  a:\n    - {us: 1, them: 2}\n    - {option: y, us: 1, them: 2}\n",
            "s.yaml issues.a[0].option: missing option label",
        ),
        (
            _two("{option: yes, us: 1, them: 2}"),
            "s.yaml issues.a[0].option: option label must be text",
        ),
        (
            _two("{option: x, us: true, them: 2}"),
            "s.yaml issues.a[0].us: 'us' not a number",
        ),
        (
            _two("{option: x, us: .inf, them: 2}"),
            "s.yaml issues.a[0].us: 'us' not a finite number",
        ),
        ("issues:\n  - options: []\n", "s.yaml issues[0].issue: missing issue name"),
        ("issues:\n  - {issue: '', options: []}\n", "s.yaml issues[0].issue: empty issue name"),
        (
            "issues:\n  - {issue: a, options: 3}\n",
            "s.yaml issues[0].options: issue 'a' needs a list",
        ),
        ("issues:\n  - {issue: a, opts: []}\n", "s.yaml issues[0]: unknown field(s): opts"),
        (
            "issues:\n  - {issue: a, options: [{option: x, us: 1, them: 1},"
            " {option: y, us: 1, them: 1}]}\n  - {issue: a, options: []}\n",
            "s.yaml issues[1].options: duplicate issue 'a'",
        ),
        ("issues: 3\n", "s.yaml issues: expected a mapping"),
        ("deal: x\n", "s.yaml (top level): expected a mapping with an 'issues' key"),
        ("issues:\n", "s.yaml: the sheet has no options (empty sheet)"),
        ("issues: {}\n", "s.yaml: the sheet has no options (empty sheet)"),
        ("", "s.yaml: the sheet has no options (empty sheet)"),
        ("issues:\n  a: [\n", "s.yaml line"),
    ],
)
def test_yaml_errors_name_the_field(text: str, expected: str) -> None:
    with pytest.raises(SheetError) as caught:
        parse_sheet_yaml(text, "s.yaml")
    assert expected in str(caught.value)


def test_to_fraction_is_exact_for_decimal_text_and_yaml_floats() -> None:
    assert to_fraction("0.1") == Fraction(1, 10)
    assert to_fraction(0.1) == Fraction(1, 10)
    assert to_fraction("-6000") == -6000
    assert to_fraction("1_000") == 1000
    assert to_fraction(Fraction(1, 3)) == Fraction(1, 3)
    for bad in ("", " ", "abc", "1/0", True, None, float("nan"), [1]):
        with pytest.raises(ValueError):
            to_fraction(bad)


_labels = (
    st.text(
        alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters=" -_%."),
        min_size=1,
        max_size=8,
    )
    .map(str.strip)
    .filter(bool)
)
_numbers = st.fractions(min_value=-10_000, max_value=10_000, max_denominator=8).map(
    lambda f: Fraction(round(f * 100), 100)
)


@st.composite
def sheets(draw: st.DrawFn) -> Sheet:
    names = draw(st.lists(_labels, min_size=1, max_size=4, unique=True))
    issues = []
    for name in names:
        labels = draw(st.lists(_labels, min_size=2, max_size=4, unique=True))
        issues.append(
            Issue(name, tuple(Option(label, draw(_numbers), draw(_numbers)) for label in labels))
        )
    return Sheet(tuple(issues), "gen")


def _decimal(value: Fraction) -> str:
    # Values are multiples of 1/100, so two decimals are exact.
    return f"{value.numerator * 100 // value.denominator / 100:.2f}"


@given(sheets())
def test_csv_round_trip(sheet: Sheet) -> None:
    rows = ["issue,option,us,them"]
    for issue in sheet.issues:
        for o in issue.options:
            rows.append(f'"{issue.name}","{o.label}",{_decimal(o.us)},{_decimal(o.them)}')
    assert parse_sheet_csv("\n".join(rows), "gen") == sheet


@given(sheets())
def test_yaml_round_trip(sheet: Sheet) -> None:
    import yaml

    data = {
        "issues": {
            issue.name: [
                {"option": o.label, "us": str(o.us), "them": str(o.them)} for o in issue.options
            ]
            for issue in sheet.issues
        }
    }
    assert (
        parse_sheet_yaml(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "gen") == sheet
    )
