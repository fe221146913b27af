"""The frontier chart is a real PNG, for small sheets and for sampled huge ones."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest

from bot.analysis_chart import ALL_PACKAGES_LIMIT, SAMPLE_SIZE, package_cloud, write_frontier_chart
from flows.analysis import analyze, parse_sheet_csv
from flows.analysis.sheet import Issue, Option, Sheet

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

SHEET = """issue,option,us,them
salary,90k,0,-6000
salary,95k,-3000,-3000
salary,100k,-6000,0
bonus,none,0,-500
bonus,5%,-400,-100
bonus,10%,-800,0
remote,0 days,300,-2000
remote,2 days,150,-1000
remote,5 days,0,0
"""


def test_importing_the_module_does_not_import_matplotlib() -> None:
    import subprocess
    import sys

    code = "import sys, bot.analysis_chart; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    sheet = parse_sheet_csv(SHEET, "offer.csv")
    report = analyze(sheet, {"salary": "95k", "bonus": "5%", "remote": "2 days"})
    path = tmp_path / "frontier.png"
    write_frontier_chart(report, path)
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_huge_sheets_are_sampled(tmp_path: Path) -> None:
    rng = random.Random(3)
    sheet = Sheet(
        tuple(
            Issue(
                f"i{n}",
                tuple(
                    Option(f"o{k}", Fraction(rng.randint(-9, 9)), Fraction(rng.randint(-9, 9)))
                    for k in range(6)
                ),
            )
            for n in range(12)
        )
    )
    assert sheet.outcome_count > ALL_PACKAGES_LIMIT
    us, them, sampled = package_cloud(sheet)
    assert sampled and len(us) == len(them) == SAMPLE_SIZE
    assert package_cloud(sheet)[0] == us  # fixed seed: the same picture every time
    pytest.importorskip("matplotlib")
    path = tmp_path / "big.png"
    write_frontier_chart(analyze(sheet), str(path))
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_small_sheets_draw_every_package() -> None:
    sheet = parse_sheet_csv(SHEET, "offer.csv")
    us, _, sampled = package_cloud(sheet)
    assert not sampled and len(us) == 27
