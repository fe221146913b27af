"""``dealcoach analyze``: summary, JSON, chart, and one-line errors with exit code 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from auxil.sheets import SAMPLE_CSV
from bot.analyze_command import run_analyze

CSV = SAMPLE_CSV

YAML = """issues:
  salary:
    - {option: 90k, us: 0, them: -6000}
    - {option: 100k, us: -6000, them: 0}
  remote:
    - {option: 0 days, us: 300, them: -2000}
    - {option: 5 days, us: 0, them: 0}
"""


def _run(path: Path | str, **kwargs: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    options: dict[str, object] = {"as_json": False, "chart": None, "package": None}
    options.update(kwargs)
    code = run_analyze(str(path), out=out, err=err, **options)  # type: ignore[arg-type]
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def csv_sheet(tmp_path: Path) -> Path:
    path = tmp_path / "offer.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_summary(csv_sheet: Path) -> None:
    code, out, err = _run(csv_sheet)
    assert code == 0 and not err
    assert "9 possible packages" in out and "Biggest pie" in out


def test_summary_says_why_no_meso_set_in_a_plain_sentence(csv_sheet: Path) -> None:
    _, out, _ = _run(csv_sheet)
    line = next(line for line in out.splitlines() if "MESO" in line)
    assert line.startswith("No MESO set: near the biggest pie, no two packages")
    assert "within 5% of each other in value to us" in line


def test_json(csv_sheet: Path) -> None:
    code, out, _ = _run(csv_sheet, as_json=True)
    assert code == 0
    data = json.loads(out)
    assert data["outcomes"] == 9 and "package" not in data


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".YML"])
def test_yaml_by_extension(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"offer{suffix}"
    path.write_text(YAML, encoding="utf-8")
    code, out, _ = _run(path, as_json=True)
    assert code == 0 and json.loads(out)["outcomes"] == 4


def test_named_package(csv_sheet: Path) -> None:
    code, out, _ = _run(csv_sheet, as_json=True, package=["salary=95k", "remote = 2 days"])
    assert code == 0
    assert json.loads(out)["package"]["package"] == {"salary": "95k", "remote": "2 days"}


@pytest.mark.parametrize(
    ("package", "message"),
    [
        (["salary"], "must look like ISSUE=OPTION"),
        (["salary=95k"], "leaves out: remote"),
        (["salary=95k", "remote=9 days"], "unknown option '9 days'"),
        (["salary=95k", "salary=90k"], "names issue 'salary' twice"),
    ],
)
def test_bad_package_is_one_line_and_exit_2(
    csv_sheet: Path, package: list[str], message: str
) -> None:
    code, out, err = _run(csv_sheet, package=package)
    assert code == 2 and not out
    assert message in err and err.count("\n") == 1


def test_bad_sheet_is_one_line_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("issue,option,us,them\na,x,1,2\na,x,3,4\n", encoding="utf-8")
    code, out, err = _run(path)
    assert code == 2 and not out
    expected = "bad.csv line 3: duplicate option 'x' for issue 'a' (first at line 2)"
    assert err == f"dealcoach analyze: {expected}\n"
    assert "Traceback" not in err


def test_invalid_yaml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("issues:\n  a: [\n", encoding="utf-8")
    code, _, err = _run(path)
    assert code == 2 and err.count("\n") == 1 and "bad.yaml line" in err


def test_missing_file_and_unknown_extension(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path / "nope.csv")
    assert code == 2 and "cannot read" in err
    other = tmp_path / "sheet.txt"
    other.write_text(CSV, encoding="utf-8")
    code, _, err = _run(other)
    assert code == 2 and "use .csv, .yaml or .yml" in err


def test_errors_go_to_stderr_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert run_analyze(str(tmp_path / "nope.csv"), False, None, None, out) == 2
    assert "cannot read" in capsys.readouterr().err and not out.getvalue()


def test_chart(csv_sheet: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    chart = tmp_path / "frontier.png"
    code, out, _ = _run(csv_sheet, chart=str(chart))
    assert code == 0 and "Chart written" in out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, _ = _run(csv_sheet, as_json=True, chart=str(chart))
    assert code == 0 and json.loads(out)["outcomes"] == 9


def test_chart_write_failure_is_exit_1(csv_sheet: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    code, _, err = _run(csv_sheet, chart=str(tmp_path / "no such dir" / "c.png"))
    assert code == 1 and "cannot write chart" in err
