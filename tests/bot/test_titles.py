"""Titles, not codes: no warning or policy code reaches text a person reads.

One deal collects many warnings, a manager with policies watches it and nudges its rep;
then every rendering a person reads is walked: the terminal (plain and in colour), Slack
replies (status, `log`, the team table), the App Home (deals and team), the Monday digest,
the daily prep and the nudge DM. Codes stay where programs read them: `--json` and Slack
block ids.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import select

from auxil.databases import make_database
from bot.delivery.planner import brief_payload
from bot.service import CoachService
from bot.slack.blocks import render
from bot.slack.coach import labels_from_library
from bot.slack.home import home_view
from bot.slack.home_team import read_team_home, team_home_blocks
from bot.slack.notices import render_delivery
from bot.slack.outbox import notice_payload
from bot.store.models import UserRow
from bot.store.space import SqlDealSpace
from bot.terminal import WORKSPACE, TerminalSession, print_rich, run_piped
from flows.briefing import daily_brief, weekly_digest
from flows.oversight import POLICIES, gap_title
from flows.replies import Outcome, Reply
from flows.vocabulary import WARNING_CODES

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday
# A code as the pattern finds it in text; only the known ones count (phase names like
# first_move are not warning codes).
CODE = re.compile(r"[a-z]+_[a-z_]+")
KNOWN = frozenset(WARNING_CODES) | frozenset(POLICIES)

REP_LINES = """new Acme renewal
next
status
walkaway 90k
offer 85k for two years
next anyway
next anyway
give net-60 payment terms
give free training
say this is our final offer, take it or leave it
say let's just split the difference
they our budget is capped at 80k
checklist
status
log
log all
"""
MANAGER_LINES = "team policy give-get 1\nteam policy sign-safe on"
REP_AFTER = "status\nlog\nnext anyway\nstatus\n"
# What the walk raises, at least: a deal with several warnings.
SEVERAL = frozenset(
    {
        "missing_batna",
        "premature_offer",
        "anchor_without_evidence",
        "below_walkaway",
        "one_way_concession",
        "reciprocity_stalled",
        "hard_line_tone",
        "split_the_difference",
        "their_anchor",
    }
)


def raw_codes(text: str) -> list[str]:
    """The known codes that appear as words in ``text``."""
    return sorted({m for m in CODE.findall(text) if m in KNOWN})


def human_text(node: Any) -> Iterator[str]:
    """Every string a person reads in Slack JSON: ``text`` fields, not ids or values."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            elif key not in ("block_id", "action_id", "value", "callback_id", "url"):
                yield from human_text(value)
    elif isinstance(node, list):
        for item in node:
            yield from human_text(item)


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def office(tmp_path: Path) -> Iterator[tuple[CoachService, Clock]]:
    with make_database("sqlite", tmp_path) as database:
        clock = Clock()
        yield CoachService(database, clock=clock), clock


def piped(service: CoachService, user: str, lines: str, *, as_json: bool = False) -> str:
    out = io.StringIO()
    run_piped(service, user, io.StringIO(lines), out, as_json)
    return out.getvalue()


def replies(service: CoachService, user: str, lines: str) -> list[Reply]:
    found: list[Reply] = []
    for line in lines.strip().splitlines():
        outcome: Outcome = service.handle(WORKSPACE, user, line)
        assert isinstance(outcome, Reply), f"{user}: {line!r}: {outcome}"
        found.append(outcome)
    return found


def form_team(service: CoachService, clock: Clock) -> None:
    """The manager's team and policies, then time passes: the first give breaches give-get."""
    replies(service, "mgr", "team add @rep")
    replies(service, "rep", "team accept @mgr")
    replies(service, "mgr", MANAGER_LINES)
    clock.now = NOW + timedelta(hours=3)


def test_no_code_reaches_slack_the_home_tab_digests_or_nudges(
    office: tuple[CoachService, Clock],
) -> None:
    service, clock = office
    lib = service.engine.lib
    labels = labels_from_library(service)
    shown: dict[str, str] = {}
    walked = replies(service, "rep", REP_LINES)
    raised = {w.code for reply in walked for w in reply.warnings}
    assert raised >= SEVERAL, raised
    form_team(service, clock)
    team = replies(service, "mgr", "team\nnudge @rep Acme renewal ask for the term")
    (nudge,) = [n for n in team[1].notices if n.kind == "nudge"]
    walked += [*team, *replies(service, "rep", REP_AFTER)]
    walked += replies(
        service,
        "rep",
        "new Beta\ngive extra seats\nsay take it or leave it\nstatus\nlog all\nchecklist",
    )

    # Slack: every reply of the walk, as blocks and as the notification text.
    messages = [render(reply, labels) for reply in walked]
    shown["slack replies"] = "\n".join(
        [m.text for m in messages] + [t for m in messages for t in human_text(m.blocks)]
    )
    assert any(b.get("block_id", "").startswith("warning:") for m in messages for b in m.blocks), (
        "codes stay in block ids"
    )

    # App Home: the rep's deals, the manager's team; the Monday digest and the daily prep.
    database = service.database
    for user in ("rep", "mgr"):
        with database.session() as session:
            row = session.scalar(
                select(UserRow).where(UserRow.workspace_id == WORKSPACE, UserRow.user_id == user)
            )
            assert row is not None
            deals = SqlDealSpace(session, row).list_deals()
            active = row.active_deal_id
            home = read_team_home(session, row, lib, WORKSPACE, user, clock.now)
        view = home_view(deals, active, labels, lib, extra=team_home_blocks(home, labels, lib))
        shown[f"home {user}"] = "\n".join(human_text(view["blocks"]))
        if user == "mgr":
            assert home.rows, "the manager's Home shows the rep's deals"
            message = render_delivery(
                "digest", brief_payload(weekly_digest(lib, [("rep", home.rows)]), ["rep"])
            )
            shown["digest"] = "\n".join([message.text, *human_text(message.blocks)])
        else:
            brief = daily_brief(lib, deals, clock.now, {})
            assert brief is not None
            message = render_delivery("prep", brief_payload(brief))
            shown["prep"] = "\n".join([message.text, *human_text(message.blocks)])
    message = render_delivery("nudge", notice_payload(nudge))
    shown["nudge"] = "\n".join([message.text, *human_text(message.blocks)])

    assert {where: raw_codes(text) for where, text in shown.items() if raw_codes(text)} == {}
    # The titles are really there, where codes would be.
    breach = gap_title(lib, "give_get_within")
    assert lib.warnings["one_way_concession"].title in shown["slack replies"]
    assert lib.warnings["hard_line_tone"].title in shown["slack replies"]
    for where in ("slack replies", "home mgr", "digest"):
        assert breach in shown[where], where
    assert gap_title(lib, nudge.gap) in shown["nudge"]
    assert "Latest nudge, from @mgr" in shown["slack replies"]


def test_no_code_reaches_the_terminal(office: tuple[CoachService, Clock]) -> None:
    service, clock = office
    lib = service.engine.lib
    shown: dict[str, str] = {"terminal": piped(service, "rep", REP_LINES)}
    form_team(service, clock)
    replies(service, "mgr", "nudge @rep Acme renewal")  # teams live in Slack, not here
    shown["terminal after nudge"] = piped(service, "rep", REP_AFTER)
    # The same replies in colour.
    console = Console(file=io.StringIO(), width=200, record=True)
    session = TerminalSession(service, "rep")
    for line in [*REP_AFTER.strip().splitlines(), "new Beta", "give a free seat", "more", "log"]:
        outcome = session.send(line)
        print_rich(console, outcome, session.hint(), session.read_as_label(), session.title_of)
    shown["terminal colour"] = console.export_text()

    assert {where: raw_codes(text) for where, text in shown.items() if raw_codes(text)} == {}
    one_way = lib.warnings["one_way_concession"].title
    for where in ("terminal", "terminal colour"):
        assert one_way in shown[where], where
    assert (
        f"Latest nudge, from @mgr on 2026-11-23: {gap_title(lib, 'give_get_within')}"
        in shown["terminal after nudge"]
    )
    # --json keeps the codes, for programs.
    as_json = [
        json.loads(line)
        for line in piped(
            service, "rep", REP_LINES.replace("new Acme renewal", "new Gamma"), as_json=True
        ).splitlines()
    ]
    raised = {w["code"] for doc in as_json for w in doc.get("warnings", [])}
    assert raised >= SEVERAL, raised


def test_every_code_has_a_title_that_is_not_a_code(office: tuple[CoachService, Clock]) -> None:
    lib = office[0].engine.lib
    assert set(lib.warnings) == set(WARNING_CODES)
    for code in KNOWN:
        title = gap_title(lib, code)
        assert title.strip() and not raw_codes(title) and "_" not in title, code
    assert len({gap_title(lib, code) for code in KNOWN}) == len(KNOWN), "titles repeat"
