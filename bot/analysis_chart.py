"""Draw a deal analysis as a PNG: the packages, the efficient frontier and the key offers.

matplotlib is imported only when a chart is drawn, so importing this module (and
the CLI that uses it) stays cheap and works without matplotlib installed.

What is drawn:

* every package as a faint dot when there are at most :data:`ALL_PACKAGES_LIMIT`; above
  that, a uniform random sample of :data:`SAMPLE_SIZE` packages drawn with a fixed seed
  (so the same sheet always gives the same picture). The sample shows the shape of the
  attainable region; the frontier, drawn on top, is always exact;
* the frontier as a bold line through its points;
* the biggest-pie package, the all-middle compromise with an arrow to the efficient
  package of the same balance, the MESO proposals, and the named package if any.
"""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from flows.analysis.report import AnalysisReport
from flows.analysis.sheet import Sheet

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ALL_PACKAGES_LIMIT: Final = 50_000
SAMPLE_SIZE: Final = 20_000
_SEED: Final = 20240605


def package_cloud(sheet: Sheet) -> tuple[list[float], list[float], bool]:
    """Return the (us, them) values of all packages, or of a fixed random sample.

    Args:
        sheet: The scoring sheet.

    Returns:
        Our values, their values, and whether the cloud is a sample.

    """
    options = [[(float(o.us), float(o.them)) for o in issue.options] for issue in sheet.issues]
    combos: Iterable[tuple[tuple[float, float], ...]]
    if sheet.outcome_count <= ALL_PACKAGES_LIMIT:
        # Sums of floats are fine here: the cloud is only drawn, never compared.
        combos = itertools.product(*options)
        sampled = False
    else:
        rng = random.Random(_SEED)
        combos = (tuple(rng.choice(o) for o in options) for _ in range(SAMPLE_SIZE))
        sampled = True
    us: list[float] = []
    them: list[float] = []
    for combo in combos:
        us.append(sum(point[0] for point in combo))
        them.append(sum(point[1] for point in combo))
    return us, them, sampled


def write_frontier_chart(report: AnalysisReport, path: str | Path) -> None:
    """Write the frontier chart of a report as a PNG.

    Args:
        report: The analysis to draw.
        path: Where to write the PNG.

    Raises:
        ImportError: If matplotlib is not installed.
        OSError: If the file cannot be written.

    """
    _draw(report).savefig(str(path), format="png")


def frontier_chart_png(report: AnalysisReport) -> bytes:
    """Return the frontier chart of a report as PNG bytes (to upload, e.g. to Slack).

    Args:
        report: The analysis to draw.

    Returns:
        The PNG file's contents.

    Raises:
        ImportError: If matplotlib is not installed.

    """
    buffer = io.BytesIO()
    _draw(report).savefig(buffer, format="png")
    return buffer.getvalue()


def _draw(report: AnalysisReport) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    # A bare Figure (no pyplot) keeps no global state, so concurrent bot requests are safe.
    from matplotlib.figure import Figure

    cloud_us, cloud_them, sampled = package_cloud(report.sheet)
    fig = Figure(figsize=(8, 6), dpi=100)
    ax = fig.add_subplot()
    cloud_label = (
        f"packages (random sample of {len(cloud_us):,} of {report.outcomes:,})"
        if sampled
        else f"all {report.outcomes:,} packages"
    )
    ax.scatter(cloud_us, cloud_them, s=6, color="0.6", alpha=0.25, linewidths=0, label=cloud_label)

    frontier = sorted(report.frontier, key=lambda p: p.us)
    ax.plot(
        [float(p.us) for p in frontier],
        [float(p.them) for p in frontier],
        color="tab:blue",
        linewidth=2.5,
        marker="o",
        markersize=4,
        label=f"efficient frontier ({len(frontier)} points)",
        zorder=3,
    )

    best = report.max_joint
    ax.scatter(
        [float(best.us)],
        [float(best.them)],
        marker="D",
        s=70,
        color="tab:green",
        label="biggest pie",
        zorder=7,  # above the MESO stars, which often include it
    )

    comp = report.compromise
    ax.scatter(
        [float(comp.us)],
        [float(comp.them)],
        marker="X",
        s=110,
        color="tab:red",
        label="split the difference",
        zorder=5,
    )
    if not comp.on_frontier:
        ax.annotate(
            "",
            xy=(float(comp.efficient.us), float(comp.efficient.them)),
            xytext=(float(comp.us), float(comp.them)),
            arrowprops={"arrowstyle": "->", "color": "tab:red", "lw": 1.5},
            zorder=4,
        )

    if report.meso.proposals:
        ax.scatter(
            [float(p.us) for p in report.meso.proposals],
            [float(p.them) for p in report.meso.proposals],
            marker="*",
            s=180,
            color="tab:orange",
            edgecolors="black",
            linewidths=0.5,
            label="MESO proposals",
            zorder=6,
        )

    if report.package is not None:
        ax.scatter(
            [float(report.package.us)],
            [float(report.package.them)],
            marker="s",
            s=70,
            color="tab:purple",
            label="your package",
            zorder=6,
        )

    ax.set_xlabel("value to us")
    ax.set_ylabel("value to them")
    ax.set_title(f"{report.sheet.source}: packages and the efficient frontier")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    return fig
