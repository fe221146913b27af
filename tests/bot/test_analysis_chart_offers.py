"""The debrief's chart: the frontier with a rehearsal's offers drawn as a path, in order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from bot.analysis_chart import (
    AGREED_LABEL,
    PATH_LABELS,
    chart_alt_text,
    frontier_chart_png,
    frontier_figure,
)
from flows.practice.debrief import debrief_report, offer_path
from flows.practice.scenarios import builtin_scenarios
from flows.practice.session import Session


def _played(key: str = "saas-renewal") -> Session:
    """A rehearsal with a MESO, a few single offers and an accepted deal."""
    scenario = builtin_scenarios()[key]
    session = Session(scenario=key, style=scenario.style, seed=3)
    session.open()
    ranked = sorted(scenario.packages(), key=lambda p: -scenario.value(p)[0])
    session.offer([ranked[0]])
    if session.is_open:
        session.offer([ranked[20], ranked[25]])
    step = 30
    while session.is_open and session.round < scenario.rounds - 1:
        session.offer([ranked[min(step, len(ranked) - 1)]])
        step += 10
    if session.is_open:
        session.accept()
    return session


def _path_line(ax: Axes, label: str) -> Line2D:
    lines = [line for line in ax.get_lines() if line.get_gid() == label]
    assert len(lines) == 1
    return lines[0]


def test_each_sides_offers_are_one_line_with_one_point_per_offer_in_order() -> None:
    session = _played()
    scenario = session.scenario_data
    path = offer_path(session)
    report = debrief_report(session)
    ax = frontier_figure(report, walkaway=scenario.walkaway_us, offers=path).axes[0]
    ours = [scenario.value(p) for move in session.rep for p in move]
    theirs = [scenario.value(p) for p in session.theirs]
    assert any(len(move) > 1 for move in session.rep)  # a MESO's packages are all offers
    for label, expected in zip(PATH_LABELS, (ours, theirs), strict=True):
        line = _path_line(ax, label)
        xy = [(float(x), float(y)) for x, y in np.asarray(line.get_xydata()).tolist()]
        assert xy == [(float(us), float(them)) for us, them in expected]
        assert f"{label} ({len(expected)}, in order)" == line.get_label()


def test_the_agreed_package_is_marked_with_the_package_better_for_both() -> None:
    session = _played()
    assert session.agreed is not None
    report = debrief_report(session)
    assert report.package is not None
    assert (report.package.us, report.package.them) == session.scenario_data.value(session.agreed)
    ax = frontier_figure(report, offers=offer_path(session)).axes[0]
    labels = [t.get_text() for t in ax.texts]
    assert any(AGREED_LABEL in text for text in labels)
    legend = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert AGREED_LABEL in legend and "efficient frontier" in " ".join(legend)
    if report.package.improvement is not None:
        assert f"better for both than {AGREED_LABEL}" in legend
        assert any(text.startswith("better for both") for text in labels)
    assert "your offers and theirs" in ax.get_title()


def test_no_deal_draws_the_path_without_an_agreed_package() -> None:
    scenario = builtin_scenarios()["price-haggle"]
    session = Session(scenario="price-haggle", style=scenario.style, seed=2)
    session.open()
    session.offer([max(scenario.packages(), key=scenario.value)])
    session.end("no_deal", "you_walked")
    path = offer_path(session)
    assert path.agreed is None and len(path.ours) == 1 and len(path.theirs) == len(session.theirs)
    report = debrief_report(session)
    assert report.package is None
    text = chart_alt_text(report, offers=path)
    assert "your offers: a line through 1 package in order" in text
    assert AGREED_LABEL not in text


def test_existing_charts_are_unchanged_without_offers() -> None:
    report = debrief_report(_played())
    ax = frontier_figure(report).axes[0]
    assert not [line for line in ax.get_lines() if line.get_gid() in PATH_LABELS]
    assert "packages and the efficient frontier" in ax.get_title()
    assert "your offers" not in chart_alt_text(report)


def test_the_png_and_its_alt_text_describe_the_path() -> None:
    session = _played()
    chart = frontier_chart_png(debrief_report(session), offers=offer_path(session))
    assert chart.png.startswith(b"\x89PNG")
    assert "your offers: a line through" in chart.alt_text
    assert "their offers: a line through" in chart.alt_text
    assert f"{AGREED_LABEL} at" in chart.alt_text


def test_the_terminal_writes_the_debrief_chart(tmp_path: Path) -> None:
    lines = "practice price-haggle seed 2\nwalk\npractice debrief --chart {}\n".format(
        tmp_path / "debrief.png"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DEALCOACH_LOG_FILE"] = str(tmp_path / "log.txt")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--db", str(tmp_path / "c.db"), "--user", "ann"],
        input=lines,
        text=True,
        capture_output=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert f"Chart written to {tmp_path / 'debrief.png'}" in result.stdout
    assert "and where you agreed" not in result.stdout  # no deal
    assert (tmp_path / "debrief.png").read_bytes().startswith(b"\x89PNG")
    assert "Debrief:" in result.stdout.rsplit("Chart written", 1)[1]
