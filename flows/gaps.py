"""What is still open before a deal may leave its phase, as warning codes with values."""

from __future__ import annotations

from typing import Any

from flows.model import Deal
from flows.vocabulary import WarningCode

Gap = tuple[WarningCode, dict[str, Any]]


def exit_gaps(deal: Deal) -> list[Gap]:
    """The gaps that should stop ``deal`` leaving its current phase."""
    checks = {
        "setup": _setup_gaps,
        "first_move": _first_move_gaps,
        "close": _close_gaps,
    }
    check = checks.get(deal.phase)
    return check(deal) if check else []


def every_gap(deal: Deal) -> list[Gap]:
    """Every phase's gaps that ``deal`` has now, whatever its phase (a nudge's gap, say)."""
    return [*_setup_gaps(deal), *_first_move_gaps(deal), *_close_gaps(deal)]


def _setup_gaps(deal: Deal) -> list[Gap]:
    gaps: list[Gap] = []
    if not deal.batna:
        gaps.append(("missing_batna", {}))
    if deal.walkaway is None:
        gaps.append(("missing_walkaway", {}))
    if len(deal.issues) < 2:
        gaps.append(
            ("single_issue", {"count": len(deal.issues), "bundle": "", "other": "", "term": ""})
        )
    if not deal.evidence:
        gaps.append(("no_evidence", {}))
    if not deal.tradeables and not any(i.them > i.us for i in deal.issues):
        gaps.append(("no_tradeables", {}))
    return gaps


def _first_move_gaps(deal: Deal) -> list[Gap]:
    return [] if deal.bundles else [("no_meso", {})]


def _close_gaps(deal: Deal) -> list[Gap]:
    gaps: list[Gap] = []
    if not any(c.sound for c in deal.safeguards):
        gaps.append(("no_safeguards", {}))
    if not any(c.sound for c in deal.governance):
        gaps.append(("no_governance", {}))
    if not any(c.sound for c in deal.exits):
        gaps.append(("no_exit_path", {}))
    if deal.unpaired_gives:
        gaps.append(("unreciprocated_concessions", {"count": deal.unpaired_gives}))
    return gaps
