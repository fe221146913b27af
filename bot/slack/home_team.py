"""The App Home's people part: a manager's team, a rep's manager, everyone's reminder.

A manager's rows come from the engine's own :func:`flows.handlers.team.team_view` (the
same :class:`~flows.oversight.DealHealth` the ``team`` command shows), so the Home tab can show
no more of a rep's deal than the command does: phase, gap codes and counters, never a
BATNA, walk-away or note. The data is read in one session that writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.slack.blocks import (
    OPEN_FORM_ACTION,
    STEP_ACTION,
    Block,
    Labels,
    button,
    context,
    escape,
    header,
    section,
    step_label,
    truncate,
    truncate_markup,
)
from bot.slack.notices import SNOOZE_STEP
from bot.store.models import UserRow
from bot.store.space import SqlDealSpace
from flows.handlers.team import team_view
from flows.oversight import DealHealth, gap_title
from flows.storage import Profile
from flows.turn import Turn
from flows.when import format_local
from phrases import PhraseLibrary

# One block a deal keeps a big team inside the view's 100 blocks, beside the user's deals.
MAX_TEAM_ROWS = 25
# The most blocks this part can take: a divider, header and summary, the rows, the "more"
# and quiet notes, the manager line, and the reminder's divider, line and buttons.
MAX_TEAM_BLOCKS = 3 + MAX_TEAM_ROWS + 2 + 1 + 3
_SLACK_ID = re.compile(r"[UW][A-Z0-9]+")


@dataclass(frozen=True)
class TeamHome:
    """What the people part of one user's Home tab shows."""

    user_id: str
    now: datetime
    profile: Profile
    manager: str | None = None
    members: list[str] = field(default_factory=list)
    rows: list[DealHealth] = field(default_factory=list)


def read_team_home(
    session: Session,
    user: UserRow | None,
    lib: PhraseLibrary,
    workspace_id: str,
    user_id: str,
    now: datetime,
) -> TeamHome:
    """Read the user's manager, team rows and reminder in the caller's session; writes nothing.

    Args:
        session: an open session; nothing is written in it.
        user: the user's row, None when they never typed a command.
        lib: the phrase library.
        workspace_id: the Slack team id.
        user_id: whose Home tab.
        now: the current time.

    """
    if user is None:
        # Never typed a command, yet maybe on a team (added or assigned by someone
        # else): a row that is only read, never added to the session.
        user = UserRow(workspace_id=workspace_id, user_id=user_id)
    space = SqlDealSpace(session, user)
    team = space.team()
    members = team.members_of(user_id)
    rows: list[DealHealth] = []
    if members:
        turn = Turn(lib=lib, space=space, now=now, deal=None, command="team")
        rows = team_view(team, user_id, turn)
    return TeamHome(user_id, now, space.profile(), team.manager_of(user_id), members, rows)


def team_home_blocks(home: TeamHome, labels: Labels, lib: PhraseLibrary) -> list[Block]:
    """The blocks: a manager's team, a rep's manager, then the reminder status.

    Args:
        home: what :func:`read_team_home` read.
        labels: titles for phase and warning codes.
        lib: the phrase library (policy titles).

    """
    blocks: list[Block] = []
    if home.members:
        blocks.extend(_team_blocks(home, labels, lib))
    if home.manager:
        blocks.append(context(lib.reply("slack_team_manager", manager=_person(home.manager))))
    blocks.extend(_reminder_blocks(home, lib))
    return blocks[:MAX_TEAM_BLOCKS]


def _team_blocks(home: TeamHome, labels: Labels, lib: PhraseLibrary) -> list[Block]:
    rows = home.rows
    nudges = sum(1 for h in rows if h.nudge_gap)
    blocks: list[Block] = [
        {"type": "divider"},
        header(lib.reply("slack_team_title")),
        context(
            escape(
                lib.reply(
                    "slack_team_intro", reps=len(home.members), deals=len(rows), nudges=nudges
                )
            )
        ),
    ]
    for number, health in enumerate(rows[:MAX_TEAM_ROWS]):
        blocks.append(_row_block(number, health, labels, lib))
    if len(rows) > MAX_TEAM_ROWS:
        blocks.append(
            context(escape(lib.reply("slack_team_more", count=len(rows) - MAX_TEAM_ROWS)))
        )
    busy = {h.owner for h in rows}
    quiet = [m for m in home.members if m not in busy]
    if quiet:
        blocks.append(
            context(lib.reply("slack_team_quiet", people=[_person(m) for m in quiet[:20]]))
        )
    return blocks


def _row_block(number: int, health: DealHealth, labels: Labels, lib: PhraseLibrary) -> Block:
    """One deal of a rep: who, which deal, where it stands; a Nudge button when it has a gap."""
    gaps = [escape(labels.warning(code)) for code in health.gaps]
    policy = ", ".join(escape(gap_title(lib, code)) for code in health.violations)
    idle = "-" if health.days_idle is None else str(health.days_idle)
    text = (
        f"{_person(health.owner)} · *{escape(health.deal)}* · "
        f"{escape(labels.phase(health.phase))}\n"
        + lib.reply(
            "slack_team_row",
            gaps=gaps,
            coverage=health.coverage,
            gives=health.unpaired_gives,
            idle=idle,
        )
    )
    if policy:
        text += "\n:rotating_light: " + lib.reply("slack_team_breaches", policy=policy)
    block = section(truncate_markup(text, 3000), block_id=f"team:{number}")
    if health.nudge_gap:
        # A plain next-step button: the existing listener runs it as the manager's command.
        step = f"nudge @{health.owner} {health.deal}"
        block["accessory"] = button(step_label(step), f"{STEP_ACTION}:{number}", step)
    return block


def _reminder_blocks(home: TeamHome, lib: PhraseLibrary) -> list[Block]:
    profile = home.profile
    reminder = profile.reminder
    if reminder is None or profile.next_due is None:
        return [
            {"type": "divider"},
            context(escape(lib.reply("slack_reminder_none"))),
            {
                "type": "actions",
                "block_id": "reminder",
                "elements": [
                    button(step_label("remind 08:30"), f"{STEP_ACTION}:0", "remind 08:30"),
                    # The reminder form: a time picker in the user's own zone.
                    button(lib.reply("slack_reminder_other_time"), OPEN_FORM_ACTION, "reminder"),
                ],
            },
        ]
    when = format_local(profile.next_due, profile.tz, home.now)
    return [
        {"type": "divider"},
        context(
            escape(
                lib.reply(
                    "slack_reminder_set",
                    at=reminder.at.strftime("%H:%M"),
                    daily=reminder.days == "daily",
                    tz=profile.tz,
                    when=when,
                )
            )
        ),
        {
            "type": "actions",
            "block_id": "reminder",
            "elements": [
                button(step_label(SNOOZE_STEP), f"{STEP_ACTION}:0", SNOOZE_STEP),
                button(lib.reply("slack_reminder_change_time"), OPEN_FORM_ACTION, "reminder"),
                button(step_label("remind off"), f"{STEP_ACTION}:1", "remind off"),
            ],
        },
    ]


def _person(user_id: str) -> str:
    """A mention for a Slack user id the team directory holds; escaped text otherwise."""
    if _SLACK_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return escape(f"@{truncate(user_id, 40)}")
