"""What the daily prep reminder and the weekly manager digest say.

Pure: deals (or a team's :class:`~flows.oversight.DealHealth` rows) and the time in, text out.
A day with nothing to prepare gives no brief at all, so the sender sends nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flows.gaps import exit_gaps
from flows.model import ACTIVE_PHASES, Deal
from flows.oversight import FIXES, NUDGE_ORDER, DealHealth, gap_title
from flows.script_lines import offered_lines
from flows.turn import deal_facts
from phrases import PhraseLibrary

MEETING_WINDOW = timedelta(hours=24)
# Slack caps a message at 50 blocks; a handful of deals a day is what anyone can prepare.
MAX_ITEMS = 8
# With a meeting coming and no gap left, the most useful next step for the phase.


@dataclass(frozen=True)
class BriefItem:
    """One deal in the daily brief: why it is there, the next step and a line to say."""

    deal: str
    text: str
    step: str
    line: str
    # A meeting within 24 hours: listed first.
    meeting_soon: bool = False


@dataclass(frozen=True)
class Brief:
    """A daily prep reminder, or a weekly digest: a heading and its items."""

    heading: str
    items: list[BriefItem]


def daily_brief(
    lib: PhraseLibrary, deals: list[Deal], now: datetime, when_label: dict[str, str]
) -> Brief | None:
    """The day's prep for one user; None when there is nothing to prepare.

    Args:
        lib: the phrase library.
        deals: the user's deals.
        now: the time the reminder is for.
        when_label: meeting labels by deal name, already in the user's time zone.

    """
    items: list[BriefItem] = []
    for deal in deals:
        if deal.phase not in ACTIVE_PHASES or deal.is_practice:
            continue  # a rehearsal is nothing to prepare for
        item = _item(lib, deal, now, when_label.get(deal.name, deal.meeting))
        if item is not None:
            items.append(item)
    if not items:
        return None
    # Meetings first: they are what the day is about.
    items.sort(key=lambda i: not i.meeting_soon)
    shown = items[:MAX_ITEMS]
    return Brief(heading=lib.reply("prep_heading", count=len(items)), items=shown)


def meeting_soon(deal: Deal, now: datetime) -> bool:
    """Whether the deal's next meeting is within the next 24 hours."""
    if not deal.meeting_at:
        return False
    try:
        when = datetime.fromisoformat(deal.meeting_at)
    except ValueError:
        return False
    return now <= when <= now + MEETING_WINDOW


def _item(lib: PhraseLibrary, deal: Deal, now: datetime, when: str) -> BriefItem | None:
    gaps = [code for code, _ in exit_gaps(deal)]
    if deal.unpaired_gives and "unreciprocated_concessions" not in gaps:
        gaps.append("unreciprocated_concessions")  # a give waiting for its get, in any phase
    gap = next((code for code in NUDGE_ORDER if code in gaps), gaps[0] if gaps else None)
    soon = meeting_soon(deal, now)
    if not soon and gap is None:
        return None
    if gap is not None:
        topic, step = FIXES[gap]
    else:
        brief = lib.phase(deal.phase).brief
        assert brief is not None, deal.phase  # a brief is only for a deal still negotiated
        topic, step = brief.topic, brief.step
    phase = lib.phase(deal.phase).title
    if soon:
        text = lib.reply("prep_meeting", deal=deal.name, phase=phase, when=when)
        if gap is not None:
            text += " " + lib.reply(
                "prep_gap", deal=deal.name, phase=phase, gap=gap_title(lib, gap)
            )
    else:
        assert gap is not None
        text = lib.reply("prep_gap", deal=deal.name, phase=phase, gap=gap_title(lib, gap))
    line = next(iter(offered_lines(lib, deal, deal_facts(deal), topic, 1)), "")
    return BriefItem(deal=deal.name, text=text, step=step, line=line, meeting_soon=soon)


def weekly_digest(lib: PhraseLibrary, team: list[tuple[str, list[DealHealth]]]) -> Brief:
    """The Monday digest for a manager: per rep, phases, gives, safeguards, breaches.

    Args:
        lib: the phrase library.
        team: each rep with their watched deals, in the order they joined.

    """
    lines: list[BriefItem] = []
    total = 0
    for member, deals in team:
        total += len(deals)
        if not deals:
            lines.append(BriefItem("", lib.reply("digest_quiet", member=member), "", ""))
            continue
        phases = Counter(lib.phase(d.phase).title for d in deals)
        covered = sum(1 for d in deals if d.coverage == 3)
        violations = sorted({gap_title(lib, v) for d in deals for v in d.violations})
        text = lib.reply(
            "digest_rep",
            member=member,
            phases=", ".join(f"{n} {title}" for title, n in phases.most_common()),
            gives=sum(d.unpaired_gives for d in deals),
            coverage=f"{covered} of {len(deals)} fully covered",
            violations="; ".join(violations),
        )
        nudge = next((d for d in deals if d.nudge_gap), None)
        step = f"nudge @{member} {nudge.deal}" if nudge is not None else ""
        lines.append(BriefItem(nudge.deal if nudge else "", text, step, ""))
    heading = lib.reply("digest_heading", members=len(team), deals=total)
    return Brief(heading=heading, items=lines)
