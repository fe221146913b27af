"""The frontier chart: a real PNG for small and sampled huge sheets, read back from its artists."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from auxil.sheets import random_sheet
from bot.analysis_chart import (
    ALL_PACKAGES_LIMIT,
    ALT_TEXT_LIMIT,
    SAMPLE_SIZE,
    WALKAWAY_LABEL,
    chart_alt_text,
    frontier_chart_png,
    frontier_figure,
    package_cloud,
    walkaway_on_sheet,
    write_frontier_chart,
)
from flows.analysis import AnalysisReport, analyze, parse_sheet_csv
from flows.analysis.sheet import Issue, Option, Sheet
from flows.model import Walkaway

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

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


# -- what the chart shows, read from the figure's artists -------------------------------------
MONEY = """issue,option,us,them
price,85k,85000,-85000
price,95k,95000,-95000
price,110k,110000,-110000
term,1 year,0,0
term,2 years,4000,3000
term,3 years,9000,5000
payment,net-30,2000,-3000
payment,net-60,0,0
"""


def _labels(ax: Axes) -> list[str]:
    """The texts of the point labels (arrows are annotations with no text)."""
    return [t.get_text() for t in ax.texts if t.get_text()]


def _drawn(report: AnalysisReport, walkaway: Fraction | None = None) -> tuple[Figure, Axes]:
    pytest.importorskip("matplotlib")
    fig = frontier_figure(report, walkaway=walkaway)
    (ax,) = fig.axes
    return fig, ax


def _offer_report() -> AnalysisReport:
    sheet = parse_sheet_csv(SHEET, "offer.csv")
    return analyze(sheet, {"salary": "95k", "bonus": "5%", "remote": "2 days"})


def test_key_packages_are_labelled_and_the_package_points_to_its_improvement() -> None:
    report = _offer_report()
    check = report.package
    assert check is not None and check.improvement is not None
    _, ax = _drawn(report)
    labels = _labels(ax)
    assert "biggest pie" in labels
    # The user's package is the all-middle compromise here: one label names both.
    assert "split the difference \N{MIDDLE DOT} your package" in labels
    assert "better for both: +250 us, +600 them" in labels
    arrows = [t for t in ax.texts if not t.get_text() and t.arrow_patch is not None]
    ends = {(t.xyann, t.xy) for t in arrows}
    better = check.improvement
    assert ((float(check.us), float(check.them)), (float(better.us), float(better.them))) in ends


def test_meso_proposals_are_lettered_as_in_the_summary() -> None:
    report = analyze(random_sheet(7, 6, 4, (0, 40), (0, 40)))
    assert len(report.meso.proposals) == 3
    _, ax = _drawn(report)
    labels = " | ".join(_labels(ax))
    assert all(f"MESO {letter}" in labels for letter in "ABC")
    assert any(t.get_label() == "MESO proposals A-C" for t in ax.collections)


def test_packages_at_one_spot_share_a_label_and_no_marker_hides_another() -> None:
    sheet = random_sheet(2, 5, 4, (0, 30), (0, 30))
    report = analyze(sheet, {i.name: i.options[0].label for i in sheet.issues})
    assert report.max_joint.us == report.meso.proposals[0].us  # the coincidence under test
    fig, ax = _drawn(report)
    assert "MESO A \N{MIDDLE DOT} biggest pie" in _labels(ax)
    markers = {c.get_label(): c for c in ax.collections}
    filled = [markers["MESO proposals A-C"], markers["split the difference"]]
    frames = [
        markers["biggest pie"],
        markers["your package"],
        markers["better for both than your package"],
    ]
    for frame in frames:  # hollow, and above every filled marker
        assert frame.get_facecolor().size == 0 or frame.get_facecolor()[0][3] == 0
        assert frame.get_zorder() > max(m.get_zorder() for m in filled)
    assert len({m.get_paths()[0].vertices.tobytes() for m in [*filled, *frames]}) == 5
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]
    for i, a in enumerate(boxes):
        assert ax.get_window_extent(renderer).contains(a.x0, a.y0)
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    # The legend sits below the plot, off the data.
    assert ax.get_legend() is None and len(fig.legends) == 1


def test_the_package_cloud_is_visible() -> None:
    _, ax = _drawn(_offer_report())
    (cloud,) = [c for c in ax.collections if c.get_label() == "all 27 packages"]
    alpha = cloud.get_alpha()
    assert alpha is not None and alpha >= 0.4 and cloud.get_sizes()[0] >= 20


def test_both_axes_have_thousands_separators() -> None:
    fig, ax = _drawn(analyze(parse_sheet_csv(MONEY, "renewal.csv")))
    fig.canvas.draw()
    xs = [t.get_text() for t in ax.get_xticklabels()]
    ys = [t.get_text() for t in ax.get_yticklabels()]
    assert "100,000" in xs and "\N{MINUS SIGN}100,000" in ys, (xs, ys)
    fmt = ax.xaxis.get_major_formatter()
    assert fmt(1234567.0, 0) == "1,234,567" and fmt(2.5, 0) == "2.5" and fmt(-0.0, 0) == "0"
    assert ax.yaxis.get_major_formatter()(-12000.0, 0) == "\N{MINUS SIGN}12,000"


def _walkaway_lines(ax: Axes) -> list[Line2D]:
    return [line for line in ax.lines if str(line.get_label()).startswith(WALKAWAY_LABEL)]


def test_the_walkaway_is_a_vertical_line_with_its_value() -> None:
    report = analyze(parse_sheet_csv(MONEY, "renewal.csv"))
    _, ax = _drawn(report, walkaway=Fraction(90000))
    (line,) = _walkaway_lines(ax)
    assert list(line.get_xdata()) == [90000.0, 90000.0]
    assert line.get_label() == f"{WALKAWAY_LABEL} (90,000)"
    assert f"{WALKAWAY_LABEL}: 90,000" in _labels(ax)
    assert ax.get_xlim()[0] < 90000 < ax.get_xlim()[1]
    _, plain = _drawn(report)
    assert not _walkaway_lines(plain)


def test_a_walkaway_beyond_every_package_still_shows() -> None:
    report = analyze(parse_sheet_csv(MONEY, "renewal.csv"))
    _, ax = _drawn(report, walkaway=Fraction(130000))
    assert _walkaway_lines(ax) and ax.get_xlim()[1] > 130000


def _walkaway(
    text: str, amount: int | None, direction: str = "min", currency: str | None = "$"
) -> Walkaway:
    return Walkaway(text, None if amount is None else Decimal(amount), currency, direction)


def test_the_deals_walkaway_is_placed_only_in_the_sheets_units() -> None:
    money = parse_sheet_csv(MONEY, "renewal.csv")  # our values 85,000 to 121,000
    assert walkaway_on_sheet(_walkaway("min 90k", 90000), money) == 90000
    assert walkaway_on_sheet(_walkaway("min 130k", 130000), money) == 130000  # none clears it
    assert walkaway_on_sheet(_walkaway("min 1M", 1_000_000), money) is None
    costs = parse_sheet_csv(
        MONEY.replace(",85000,-85000", ",-85000,85000")
        .replace(",95000,-95000", ",-95000,95000")
        .replace(",110000,-110000", ",-110000,110000"),
        "buy.csv",
    )
    assert walkaway_on_sheet(_walkaway("max 100k", 100000, "max"), costs) == -100000
    points = parse_sheet_csv(SHEET, "offer.csv")  # a few thousand points: not in dollars
    assert walkaway_on_sheet(_walkaway("min 90k", 90000), points) is None
    assert walkaway_on_sheet(_walkaway("min 20%", 20, currency="%"), money) is None
    assert walkaway_on_sheet(_walkaway("our floor", None), money) is None
    assert walkaway_on_sheet(None, money) is None


def test_the_png_comes_with_a_one_sentence_alt_text() -> None:
    pytest.importorskip("matplotlib")
    report = analyze(
        parse_sheet_csv(MONEY, "renewal.csv"),
        {"price": "95k", "term": "1 year", "payment": "net-30"},
    )
    chart = frontier_chart_png(report, walkaway=Fraction(90000))
    assert chart.png[:8] == PNG_MAGIC
    text = chart.alt_text
    assert text.startswith("Chart of the 18 possible packages of renewal.csv")
    assert text.endswith(".") and text.count(". ") == 0 and len(text) <= ALT_TEXT_LIMIT
    assert "your package at (us 97,000, them -98,000)" in text
    assert "better for both" in text and "biggest pie" in text
    assert "walk-away at 90,000" in text
    assert "walk-away" not in chart_alt_text(report)


def test_a_long_alt_text_is_cut_to_slacks_limit() -> None:
    sheet = parse_sheet_csv(SHEET, "x" * 2000 + ".csv")
    text = chart_alt_text(analyze(sheet))
    assert len(text) <= ALT_TEXT_LIMIT and text.endswith("\N{HORIZONTAL ELLIPSIS}")
