"""Draw a deal analysis as a PNG: the packages, the efficient frontier and the key offers.

matplotlib is imported only when a chart is drawn, so importing this module (and
the CLI that uses it) stays cheap and works without matplotlib installed.

What is drawn:

* every package as a grey dot when there are at most :data:`ALL_PACKAGES_LIMIT`; above
  that, a uniform random sample of :data:`SAMPLE_SIZE` packages drawn with a fixed seed
  (so the same sheet always gives the same picture). The sample shows the shape of the
  attainable region; the frontier, drawn on top, is always exact. Dots are larger and
  darker when there are few of them, so a small sheet's packages stay visible;
* the frontier as a bold line through its points;
* the key packages, each with its own shape and a label beside it: the biggest pie, the
  all-middle compromise (with a dashed arrow to the efficient package of the same
  balance), the MESO proposals (lettered as in the summary), and the user's package with
  an arrow to the package that is better for both. Frames (the biggest pie, the user's
  package, its improvement) are hollow and drawn above the filled markers, so a point
  that is two things at once shows both; labels of packages at the same spot are joined,
  and every label is placed where it covers the fewest other labels, markers and dots;
* the walk-away, when there is one in the sheet's units, as a dashed vertical line with
  the packages worse than walking away shaded;
* both axes with thousands separators, and the legend below the plot, off the data;
* optionally (a rehearsal's debrief) the path of offers: the rep's offers and the
  counterpart's, each a line through its packages in the order they were offered, with
  the first and last of each marked and the agreed package framed as "agreed package".

:func:`frontier_chart_png` returns the PNG with a one-sentence description of it, the alt
text a screen reader reads out (Slack takes it as the upload's ``alt_txt``).
"""

from __future__ import annotations

import io
import itertools
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from flows.analysis.report import AnalysisReport
from flows.analysis.sheet import Sheet

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation, Text
    from matplotlib.transforms import BboxBase
    from numpy.typing import NDArray

    from flows.model import Walkaway
    from flows.practice.debrief import OfferPath

ALL_PACKAGES_LIMIT: Final = 50_000
SAMPLE_SIZE: Final = 20_000
_SEED: Final = 20240605
ALT_TEXT_LIMIT: Final = 1000
"""Slack refuses a longer ``alt_txt`` (``alt_txt_too_large``)."""
WALKAWAY_REACH: Final = Fraction(1, 2)
"""How far outside our range of package values (as a share of that range) a walk-away may
lie and still be drawn: further out, it is in other units than the sheet (a salary of 90k
against points of a few thousand) and would only squash the chart."""

WALKAWAY_LABEL: Final = "your walk-away"
PATH_LABELS: Final = ("your offers", "their offers")
AGREED_LABEL: Final = "agreed package"
MESO_LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Colours of the key packages (matplotlib's default cycle, told apart by shape too).
_GREEN, _RED, _ORANGE, _PURPLE, _BLUE = (
    "tab:green",
    "tab:red",
    "tab:orange",
    "tab:purple",
    "tab:blue",
)
_PATH_COLORS: Final = ("tab:cyan", "tab:brown")
_MINUS = "\N{MINUS SIGN}"


class ChartImage(NamedTuple):
    """A drawn chart: the PNG file's contents and a one-sentence description of it."""

    png: bytes
    alt_text: str


@dataclass
class _Spot:
    """A labelled place on the chart: the names of the key packages that sit there."""

    us: Fraction
    them: Fraction
    names: list[str]
    color: str


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


def walkaway_on_sheet(walkaway: Walkaway | None, sheet: Sheet) -> Fraction | None:
    """Place a deal's numeric walk-away on the sheet's value-to-us axis, if it fits there.

    A walk-away is an amount on the deal's headline term, a sheet's points are whatever
    the user scored in; the two agree only when the sheet is scored in the same money
    (``price 95k us=95000``). A minimum is the value itself; a maximum we pay is a cost, so
    on a sheet where higher is better for us it stands at minus the amount. The result is
    kept only when it lies within our range of package values widened by
    :data:`WALKAWAY_REACH` on each side: a walk-away a little beyond every package still
    shows that none clears it, one far outside is in other units and is not drawn.

    Args:
        walkaway: The deal's walk-away, if any.
        sheet: The scoring sheet the chart draws.

    Returns:
        The walk-away in the sheet's points for us, or None when it has no amount, is a
        share (``walkaway 20%``), or is not in the sheet's units.

    """
    if walkaway is None or walkaway.amount is None or walkaway.currency == "%":
        return None
    amount = Fraction(walkaway.amount)
    value = -amount if walkaway.direction == "max" else amount
    low = sum((min(o.us for o in issue.options) for issue in sheet.issues), Fraction(0))
    high = sum((max(o.us for o in issue.options) for issue in sheet.issues), Fraction(0))
    reach = (high - low) * WALKAWAY_REACH
    return value if low - reach <= value <= high + reach else None


def write_frontier_chart(
    report: AnalysisReport,
    path: str | Path,
    *,
    walkaway: Fraction | None = None,
    offers: OfferPath | None = None,
) -> None:
    """Write the frontier chart of a report as a PNG.

    Args:
        report: The analysis to draw.
        path: Where to write the PNG.
        walkaway: Our walk-away in the sheet's points for us (see
            :func:`walkaway_on_sheet`), drawn as a line; None draws none.
        offers: A rehearsal's offers, drawn as a path in order; None draws none.

    Raises:
        ImportError: If matplotlib is not installed.
        OSError: If the file cannot be written.

    """
    frontier_figure(report, walkaway=walkaway, offers=offers).savefig(str(path), format="png")


def frontier_chart_png(
    report: AnalysisReport,
    *,
    walkaway: Fraction | None = None,
    offers: OfferPath | None = None,
) -> ChartImage:
    """Return the frontier chart of a report as PNG bytes with its alt text (to upload).

    Args:
        report: The analysis to draw.
        walkaway: Our walk-away in the sheet's points for us, drawn as a line.
        offers: A rehearsal's offers, drawn as a path in order.

    Returns:
        The PNG file's contents and a one-sentence description for screen readers.

    Raises:
        ImportError: If matplotlib is not installed.

    """
    buffer = io.BytesIO()
    frontier_figure(report, walkaway=walkaway, offers=offers).savefig(buffer, format="png")
    return ChartImage(buffer.getvalue(), chart_alt_text(report, walkaway=walkaway, offers=offers))


# -- the picture ----------------------------------------------------------------------------
def frontier_figure(
    report: AnalysisReport, *, walkaway: Fraction | None = None, offers: OfferPath | None = None
) -> Figure:
    """Draw the chart as a matplotlib figure (what the PNG is saved from).

    Args:
        report: The analysis to draw.
        walkaway: Our walk-away in the sheet's points for us, drawn as a line.
        offers: A rehearsal's offers, drawn as a path in order (the report's package is
            then the agreed one).

    Returns:
        The figure, laid out, with its labels placed.

    Raises:
        ImportError: If matplotlib is not installed.

    """
    import matplotlib

    matplotlib.use("Agg")
    # A bare Figure (no pyplot) keeps no global state, so concurrent bot requests are safe.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(9, 7), dpi=100, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()

    cloud_us, cloud_them, sampled = package_cloud(report.sheet)
    _draw_cloud(ax, report, cloud_us, cloud_them, sampled)
    frontier = sorted(report.frontier, key=lambda p: p.us)
    frontier_xy = [(float(p.us), float(p.them)) for p in frontier]
    ax.plot(
        [x for x, _ in frontier_xy],
        [y for _, y in frontier_xy],
        color=_BLUE,
        linewidth=2.2,
        marker="o",
        markersize=3.5,
        label=f"efficient frontier ({len(frontier):,} packages)",
        zorder=3,
    )
    spots, arrows = _draw_key_packages(
        ax, report, package_name="your package" if offers is None else AGREED_LABEL
    )
    paths = [] if offers is None else _draw_offers(ax, offers)
    keys = [(float(spot.us), float(spot.them)) for spot in spots]
    everything = [
        *zip(cloud_us, cloud_them, strict=True),
        *frontier_xy,
        *keys,
        *itertools.chain.from_iterable(paths),
    ]
    _set_limits(ax, everything, walkaway)
    fixed = [] if walkaway is None else [_draw_walkaway(ax, walkaway, everything, keys)]

    separators = FuncFormatter(lambda value, _pos: _tick(value))
    ax.xaxis.set_major_formatter(separators)
    ax.yaxis.set_major_formatter(separators)
    ax.set_xlabel("value to us \N{RIGHTWARDS ARROW}")
    ax.set_ylabel("value to them \N{RIGHTWARDS ARROW}")
    ax.set_title(
        f"{report.sheet.source}: packages and the efficient frontier"
        if offers is None
        else f"{report.sheet.source}: your offers and theirs"
    )
    ax.grid(True, alpha=0.3)
    legend = fig.legend(loc="outside lower center", ncols=3, fontsize="small", frameon=False)
    for handle in legend.legend_handles:  # big key markers and faint dots made legible
        if isinstance(handle, PathCollection):
            handle.set_sizes([min(max(float(handle.get_sizes()[0]), 20.0), 90.0)])
            handle.set_alpha(max(handle.get_alpha() or 1.0, 0.6))

    # Lay out once, place the labels against the final axes, then freeze the layout so
    # saving does not move the axes under the labels.
    fig.draw_without_rendering()
    renderer: Callable[[], RendererBase] = canvas.get_renderer  # backend_agg has no stubs
    _place_labels(
        ax,
        renderer(),
        fig.dpi / 72,
        spots,
        fixed,
        list(zip(cloud_us, cloud_them, strict=True)),
        [frontier_xy, *arrows, *paths],
    )
    fig.set_layout_engine("none")
    return fig


def _draw_cloud(
    ax: Axes, report: AnalysisReport, us: list[float], them: list[float], sampled: bool
) -> None:
    # Few dots: large and dark enough to see; many: smaller and lighter, so the density
    # still reads as shading.
    thin = min(1.0, math.sqrt(200 / max(len(us), 1)))
    label = (
        f"packages (random sample of {len(us):,} of {report.outcomes:,})"
        if sampled
        else f"all {report.outcomes:,} packages"
    )
    ax.scatter(
        us,
        them,
        s=max(5.0, 24 * thin),
        color="0.35",
        alpha=max(0.18, 0.5 * thin),
        linewidths=0,
        label=label,
        zorder=1,
    )


def _draw_key_packages(
    ax: Axes, report: AnalysisReport, *, package_name: str = "your package"
) -> tuple[list[_Spot], list[list[tuple[float, float]]]]:
    """Draw the key packages; return the labelled spots and the arrows drawn.

    Key packages at one place share a spot; an arrow is its (start, end) in data units.
    """
    spots: list[_Spot] = []
    arrows: list[list[tuple[float, float]]] = []

    def spot(us: Fraction, them: Fraction, name: str, color: str) -> None:
        for existing in spots:
            if existing.us == us and existing.them == them:
                existing.names.append(name)
                return
        spots.append(_Spot(us, them, [name], color))

    # Filled markers first (below), hollow frames above: nothing hides anything.
    proposals = report.meso.proposals
    if proposals:
        ax.scatter(
            [float(p.us) for p in proposals],
            [float(p.them) for p in proposals],
            marker="*",
            s=240,
            color=_ORANGE,
            edgecolors="black",
            linewidths=0.6,
            label=f"MESO proposals {_letters(len(proposals))}",
            zorder=5,
        )
        for letter, point in zip(MESO_LETTERS, proposals, strict=False):
            spot(point.us, point.them, f"MESO {letter}", _ORANGE)

    comp = report.compromise
    ax.scatter(
        [float(comp.us)],
        [float(comp.them)],
        marker="X",
        s=140,
        color=_RED,
        edgecolors="white",
        linewidths=0.8,
        label="split the difference",
        zorder=6,
    )
    spot(comp.us, comp.them, "split the difference", _RED)
    if not comp.on_frontier:
        arrows.append(
            _arrow(ax, comp.us, comp.them, comp.efficient.us, comp.efficient.them, _RED, "--")
        )

    best = report.max_joint
    ax.scatter(
        [float(best.us)],
        [float(best.them)],
        marker="D",
        s=300,
        facecolors="none",
        edgecolors=_GREEN,
        linewidths=2.2,
        label="biggest pie",
        zorder=7,
    )
    spot(best.us, best.them, "biggest pie", _GREEN)

    check = report.package
    if check is not None:
        ax.scatter(
            [float(check.us)],
            [float(check.them)],
            marker="s",
            s=280,
            facecolors="none",
            edgecolors=_PURPLE,
            linewidths=2.2,
            label=package_name,
            zorder=8,
        )
        spot(
            check.us,
            check.them,
            package_name + (" (efficient)" if check.on_frontier else ""),
            _PURPLE,
        )
        better = check.improvement
        if better is not None:
            ax.scatter(
                [float(better.us)],
                [float(better.them)],
                marker="o",
                s=150,
                facecolors="none",
                edgecolors=_PURPLE,
                linewidths=2.0,
                label=f"better for both than {package_name}",
                zorder=8,
            )
            arrows.append(_arrow(ax, check.us, check.them, better.us, better.them, _PURPLE, "-"))
            spot(
                better.us,
                better.them,
                f"better for both: {_gain(check.gain_us)} us, {_gain(check.gain_them)} them",
                _PURPLE,
            )
    return spots, arrows


def _draw_offers(ax: Axes, offers: OfferPath) -> list[list[tuple[float, float]]]:
    """Draw each side's offers as a line through its packages in order; return the lines.

    One point per offer, so a package offered twice is two points of the line. The first
    offer is a triangle and the last a larger one pointing the same way; small numbers
    beside the points would crowd a chart of a few packages, so the order is shown by
    the line and the two ends.
    """
    lines: list[list[tuple[float, float]]] = []
    for label, color, points in zip(
        PATH_LABELS, _PATH_COLORS, (offers.ours, offers.theirs), strict=True
    ):
        if not points:
            continue
        xy = [(float(us), float(them)) for us, them in points]
        ax.plot(
            [x for x, _ in xy],
            [y for _, y in xy],
            color=color,
            linewidth=1.6,
            marker="o",
            markersize=5,
            alpha=0.9,
            label=f"{label} ({len(xy)}, in order)",
            zorder=4,
            gid=label,
        )
        ax.scatter(
            [xy[0][0]],
            [xy[0][1]],
            marker="^",
            s=90,
            color=color,
            edgecolors="black",
            linewidths=0.6,
            zorder=4.5,
        )
        ax.scatter(
            [xy[-1][0]],
            [xy[-1][1]],
            marker="v",
            s=120,
            color=color,
            edgecolors="black",
            linewidths=0.6,
            zorder=4.5,
        )
        lines.append(xy)
    return lines


def _arrow(
    ax: Axes, x0: Fraction, y0: Fraction, x1: Fraction, y1: Fraction, color: str, style: str
) -> list[tuple[float, float]]:
    # Shrunk at both ends so the head stops at the marker's edge instead of inside it.
    ax.annotate(
        "",
        xy=(float(x1), float(y1)),
        xytext=(float(x0), float(y0)),
        arrowprops={
            "arrowstyle": "-|>",
            "color": color,
            "lw": 1.6,
            "linestyle": style,
            "shrinkA": 9,
            "shrinkB": 9,
            "mutation_scale": 14,
        },
        zorder=4,
    )
    return [(float(x0), float(y0)), (float(x1), float(y1))]


def _set_limits(ax: Axes, points: Sequence[tuple[float, float]], walkaway: Fraction | None) -> None:
    xs = [x for x, _ in points] + ([] if walkaway is None else [float(walkaway)])
    ys = [y for _, y in points]
    for values, setter in ((xs, ax.set_xlim), (ys, ax.set_ylim)):
        low, high = min(values), max(values)
        pad = (high - low) * 0.08 or max(abs(low), 1.0) * 0.1
        setter(low - pad, high + pad)


def _draw_walkaway(
    ax: Axes,
    walkaway: Fraction,
    points: Sequence[tuple[float, float]],
    keys: Sequence[tuple[float, float]],
) -> Text:
    """Draw the walk-away line, shade what is worse, and write it along the line.

    The words go at the end of the line (top or bottom) with fewer packages beside it.
    """
    x = float(walkaway)
    ax.axvline(
        x,
        color="0.15",
        linestyle="--",
        linewidth=1.6,
        label=f"{WALKAWAY_LABEL} ({_number(walkaway)})",
        zorder=2,
    )
    left, right = ax.get_xlim()
    bottom, top = ax.get_ylim()
    if left < x:
        ax.axvspan(
            left,
            x,
            color=_RED,
            alpha=0.06,
            linewidth=0,
            zorder=0,
            label="worse for us than walking away",
        )
    near = (right - left) * 0.05
    middle = (bottom + top) / 2

    def crowd(upper: bool) -> int:
        count = sum(1 for px, py in points if abs(px - x) <= near and (py > middle) == upper)
        return count + 100 * sum(
            1 for px, py in keys if abs(px - x) <= near and (py > middle) == upper
        )

    upper = crowd(True) <= crowd(False)
    # Beside the line, not on it: a white backing keeps it legible over dots and lines.
    return ax.annotate(
        f"{WALKAWAY_LABEL}: {_number(walkaway)}",
        xy=(x, 0.98 if upper else 0.02),
        xycoords=ax.get_xaxis_transform(),
        xytext=(-4, 0),
        textcoords="offset points",
        rotation=90,
        ha="right",
        va="top" if upper else "bottom",
        fontsize="small",
        color="0.15",
        zorder=9,
        bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "alpha": 0.8, "linewidth": 0},
    )


# -- labels ---------------------------------------------------------------------------------
# Offsets tried for a label, in points from its package: beside it first, then further out
# (with a leader line back to the package).
_NEAR: Final = 11
_OFFSETS: Final = tuple(
    (dx * reach, dy * reach)
    for reach in (1.0, 2.4, 4.0)
    for dx, dy in ((1, 1), (1, -1), (-1, 1), (-1, -1), (1.3, 0), (-1.3, 0), (0, 1.3), (0, -1.3))
)


def _place_labels(
    ax: Axes,
    renderer: RendererBase,
    scale: float,
    spots: Sequence[_Spot],
    fixed: Sequence[Text],
    cloud: Sequence[tuple[float, float]],
    lines: Sequence[Sequence[tuple[float, float]]],
) -> None:
    """Put each spot's label at the free-most offset beside it (greedy, in drawing order).

    The cost of an offset: overlap with labels already placed and with the walk-away's
    text, with key markers, and any part outside the axes (all in square pixels), then
    how much of the frontier and the arrows it covers, the cloud dots it covers, and how
    far it is from its package.
    """
    import numpy as np
    from matplotlib.transforms import Bbox

    to_screen = ax.transData.transform
    frame = ax.get_window_extent(renderer)
    dots = to_screen(np.array(cloud, dtype=float)) if cloud else np.empty((0, 2))
    drawn = [_densify(to_screen(np.array(line, dtype=float))) for line in lines if line]
    line = np.concatenate(drawn) if drawn else np.empty((0, 2))
    markers = [
        Bbox.from_bounds(x - 10 * scale, y - 10 * scale, 20 * scale, 20 * scale)
        for x, y in to_screen(np.array([(float(s.us), float(s.them)) for s in spots]))
    ]
    taken = [text.get_window_extent(renderer) for text in fixed]
    for spot in spots:
        text = " \N{MIDDLE DOT} ".join(spot.names)
        best: tuple[float, Annotation] | None = None
        for dx, dy in _OFFSETS:
            label = _label(ax, spot, text, dx * _NEAR, dy * _NEAR)
            box = label.get_window_extent(renderer).padded(2 * scale)
            cost = (
                1000.0 * sum(_overlap(box, other) for other in taken)
                + 300.0 * sum(_overlap(box, other) for other in markers)
                + 1000.0 * (box.width * box.height - _overlap(box, frame))
                + 40.0 * _inside(box, line)
                + 0.5 * _inside(box, dots)
                + 15.0 * math.hypot(dx, dy)  # nearer is better, all else equal
            )
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, label)
            else:
                label.remove()
        if best is not None:
            taken.append(best[1].get_window_extent(renderer).padded(2 * scale))


def _label(ax: Axes, spot: _Spot, text: str, dx: float, dy: float) -> Annotation:
    far = math.hypot(dx, dy) > 2 * _NEAR
    return ax.annotate(
        text,
        xy=(float(spot.us), float(spot.them)),
        xytext=(dx, dy),
        textcoords="offset points",
        ha="left" if dx > 0 else "right" if dx < 0 else "center",
        va="bottom" if dy > 0 else "top" if dy < 0 else "center",
        fontsize="small",
        color="black",
        bbox={
            "boxstyle": "round,pad=0.25",
            "facecolor": "white",
            "edgecolor": spot.color,
            "alpha": 0.9,
            "linewidth": 1.0,
        },
        arrowprops={"arrowstyle": "-", "color": spot.color, "lw": 0.9, "shrinkA": 0, "shrinkB": 8}
        if far
        else None,
        zorder=10,
    )


def _overlap(a: BboxBase, b: BboxBase) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def _inside(box: BboxBase, points: NDArray[np.float64]) -> int:
    import numpy as np

    if not len(points):
        return 0
    x, y = points[:, 0], points[:, 1]
    return int(np.count_nonzero((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)))


def _densify(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Points every few pixels along a polyline, so a label on a segment counts too."""
    import numpy as np

    pieces = [points[:1]]
    for start, end in itertools.pairwise(points):
        steps = max(1, int(np.hypot(*(end - start)) // 4))
        pieces.append(start + (end - start) * (np.arange(1, steps + 1)[:, None] / steps))
    return np.concatenate(pieces)


# -- words ----------------------------------------------------------------------------------
def chart_alt_text(
    report: AnalysisReport, *, walkaway: Fraction | None = None, offers: OfferPath | None = None
) -> str:
    """Describe the chart in one sentence, for screen readers.

    Args:
        report: The analysis drawn.
        walkaway: The walk-away drawn, in the sheet's points for us, if any.
        offers: The rehearsal's offers drawn, if any.

    Returns:
        At most :data:`ALT_TEXT_LIMIT` characters.

    """
    frontier = sorted(report.frontier, key=lambda p: p.us)
    first, last = frontier[0], frontier[-1]
    parts = [
        f"Chart of the {report.outcomes:,} possible packages of {report.sheet.source}, "
        "value to us across and value to them up, with the efficient frontier of "
        f"{len(frontier):,} packages running from {_at(first.us, first.them)} to "
        f"{_at(last.us, last.them)}",
        f"the biggest pie at {_at(report.max_joint.us, report.max_joint.them)}",
    ]
    comp = report.compromise
    parts.append(
        f"splitting the difference at {_at(comp.us, comp.them)}"
        + (
            ", on the frontier"
            if comp.on_frontier
            else f", below the frontier at {_at(comp.efficient.us, comp.efficient.them)}"
        )
    )
    proposals = report.meso.proposals
    if proposals:
        parts.append(
            f"{len(proposals)} MESO proposals, "
            + ", ".join(
                f"{letter} at {_at(p.us, p.them)}"
                for letter, p in zip(MESO_LETTERS, proposals, strict=False)
            )
        )
    if offers is not None:
        for label, points in zip(PATH_LABELS, (offers.ours, offers.theirs), strict=True):
            if points:
                parts.append(
                    f"{label}: a line through {len(points)} package"
                    f"{'s' if len(points) != 1 else ''} in order from "
                    f"{_at(*points[0])} to {_at(*points[-1])}"
                )
    name = "your package" if offers is None else AGREED_LABEL
    check = report.package
    if check is not None:
        where = f"{name} at {_at(check.us, check.them)}"
        if check.improvement is None:
            parts.append(f"{where}, which is efficient")
        else:
            better = check.improvement
            parts.append(
                f"{where} with an arrow to a package better for both at "
                f"{_at(better.us, better.them)}"
            )
    if walkaway is not None:
        clear = sum(1 for p in frontier if p.us >= walkaway)
        parts.append(
            f"and a dashed line for your walk-away at "
            f"{_number(walkaway, ascii_minus=True)} for us, which {clear:,} of the "
            f"{len(frontier):,} efficient packages clear"
        )
    text = "; ".join(parts) + "."
    if len(text) > ALT_TEXT_LIMIT:
        cut = text[: ALT_TEXT_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;")
        text = cut + "\N{HORIZONTAL ELLIPSIS}"
    return text


def _at(us: Fraction, them: Fraction) -> str:
    return f"(us {_number(us, ascii_minus=True)}, them {_number(them, ascii_minus=True)})"


def _letters(count: int) -> str:
    return MESO_LETTERS[0] if count == 1 else f"{MESO_LETTERS[0]}-{MESO_LETTERS[count - 1]}"


def _gain(value: Fraction) -> str:
    return ("+" if value > 0 else "") + _number(value)


def _number(value: Fraction | float, *, ascii_minus: bool = False) -> str:
    """A value with thousands separators, whole when it is, else up to two decimals."""
    number = float(value)
    if number == round(number):
        text = f"{round(number):,}"
    else:
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text if ascii_minus else text.replace("-", _MINUS)


def _tick(value: float) -> str:
    """A tick label with thousands separators and as many decimals as the step needs."""
    if abs(value - round(value)) < 1e-9 * max(1.0, abs(value)):
        text = f"{round(value):,}"
    else:
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", "0"} else text.replace("-", _MINUS)
