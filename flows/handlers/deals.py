"""Commands that create, list, switch and summarise deals."""

from __future__ import annotations

import difflib
import re

from flows.commands import BadArguments, UnknownDeal, command
from flows.gaps import exit_gaps
from flows.handlers.phases import introduce_phase
from flows.model import ACTIVE_PHASES, Deal
from flows.oversight import FIXES, gap_open, gap_title
from flows.replies import Table
from flows.turn import Turn
from flows.vocabulary import CONTEXTS, DEFAULT_CONTEXT

MAX_NAME = 60
# How many unanswered gives `status` names (it counts them all).
GIVES_SHOWN = 3
# With nothing open, what each phase asks for next (status's buttons).
_OPTIONAL = re.compile(r"\s*\[[^\]]*\]")
_AS_CONTEXT = re.compile(r"^(?P<name>.+?)\s+as\s+(?:an?\s+)?(?P<ctx>[\w-]+)(?:\s+deal)?$", re.I)


def parse_new(args: str) -> tuple[str, str]:
    """Split ``<name> [as <context>]``; a near-miss context is an error, not part of the name."""
    name, context = args.strip(), DEFAULT_CONTEXT
    match = _AS_CONTEXT.match(name)
    if match:
        word = match.group("ctx").lower()
        if word in CONTEXTS:
            name, context = match.group("name").strip(), word
        elif difflib.get_close_matches(word, CONTEXTS, n=1, cutoff=0.7):
            raise BadArguments(f"'{word}' is not a deal context; use one of {', '.join(CONTEXTS)}.")
    if not name:
        raise BadArguments("Give the deal a name.")
    if len(name) > MAX_NAME:
        raise BadArguments(f"Keep the deal name under {MAX_NAME} characters.")
    return name, context


@command("new", "create", needs_deal=False)
def handle_new(turn: Turn, args: str) -> None:
    """Create a deal and make it the active one."""
    name, context = parse_new(args)
    if turn.space.get_deal(name) is not None:
        raise BadArguments(
            f"You already have a deal called {name}; switch to it with `use {name}`."
        )
    deal = Deal(name=name, context=context, created_at=turn.now, updated_at=turn.now)
    turn.space.add_deal(deal)
    turn.space.set_active(deal)
    turn.deal = deal
    turn.say("deal_created", name=name, context=context)
    introduce_phase(turn)


@command("deals", "list", needs_deal=False, reads_only=True)
def handle_deals(turn: Turn, args: str) -> None:
    """List the user's deals."""
    deals = turn.space.list_deals()
    if not deals:
        turn.say("no_deals")
        turn.suggest("new")
        return
    active = turn.deal.id if turn.deal else None
    rows = [
        [
            ("* " if d.id == active else "  ") + d.name,
            d.context,
            turn.lib.phase(d.phase).title,
            str(d.moves_count),
            str(d.unpaired_gives),
        ]
        for d in deals
    ]
    turn.table = Table(["deal", "context", "phase", "moves", "open gives"], rows)
    turn.say("deals_listed", count=len(deals))


@command("use", "switch", "open", needs_deal=False)
def handle_use(turn: Turn, args: str) -> None:
    """Switch the active deal."""
    name = args.strip()
    if not name:
        raise BadArguments("Name the deal to switch to.")
    deal = turn.space.get_deal(name)
    if deal is None:
        names = [d.name for d in turn.space.list_deals()]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        hint = f" Did you mean `use {close[0]}`?" if close else ""
        raise UnknownDeal(f"You have no deal called {name}.{hint}")
    turn.space.set_active(deal)
    turn.deal = deal
    turn.say("deal_switched", name=deal.name, phase=turn.lib.phase(deal.phase).title)


@command("status", "summary", "show", reads_only=True)
def handle_status(turn: Turn, args: str) -> None:
    """What is open now (unanswered gives, the latest nudge, gaps), the next step, the deal."""
    deal = turn.active
    rows = [
        ["context", deal.context],
        ["phase", turn.lib.phase(deal.phase).title],
        ["BATNA", deal.batna or "-"],
        ["walk-away", deal.walkaway.formatted() if deal.walkaway else "-"],
        ["issues", ", ".join(f"{i.name} ({i.us}/{i.them})" for i in deal.issues) or "-"],
        ["tradeables", ", ".join(deal.tradeables) or "-"],
        ["counterparty", "; ".join(deal.counterparty) or "-"],
        ["evidence", str(len(deal.evidence))],
        [
            "three lines",
            ", ".join(k for k in ("mine", "theirs", "shared") if k in deal.wins) or "-",
        ],
        ["decision rule", deal.rule or "-"],
        ["meeting", deal.meeting or "-"],
        ["moves", f"{deal.moves_count} logged, {deal.unpaired_gives} give(s) unanswered"],
        ["bundles", ", ".join(b.label for b in deal.bundles) or "-"],
        ["safeguards", str(len(deal.safeguards))],
        ["governance", str(len(deal.governance))],
        ["exit path", str(len(deal.exits))],
    ]
    turn.table = Table(["", deal.name], rows)
    phase = turn.lib.phase(deal.phase).title
    gives = turn.space.unpaired_gives(deal, GIVES_SHOWN) if deal.unpaired_gives else []
    if gives:
        turn.say(
            "status_gives",
            count=deal.unpaired_gives,
            items=[m.give for m in gives],
            done=deal.phase not in ACTIVE_PHASES,
        )
    nudged = _say_nudge(turn, deal)
    gaps = exit_gaps(deal)
    # The gives were just listed; a close gap about them is counted once, as a give.
    others = [code for code, _ in gaps if not (gives and code == "unreciprocated_concessions")]
    if others:
        turn.say(
            "status_open",
            count=len(others),
            phase=phase,
            besides=deal.unpaired_gives if gives else 0,
        )
    else:
        turn.say("status_clear", phase=phase, besides=bool(gives) or nudged is not None)
    for code, values in gaps:
        turn.warn(code, **values)
    _say_next(
        turn,
        deal,
        gives[0].give if gives else "",
        [code for code, _ in gaps] + ([nudged] if nudged else []),
    )
    turn.suggest("checklist", "script")


def _say_nudge(turn: Turn, deal: Deal) -> str | None:
    """The latest manager's nudge on the deal and its fix; its gap when still open."""
    latest = turn.space.nudges(deal, 1)
    if not latest:
        return None
    nudge = latest[-1]
    still_open = gap_open(deal, nudge.gap)
    fix = FIXES[nudge.gap][1] if nudge.gap in FIXES else ""
    turn.people.append(nudge.manager_id)
    turn.say(
        "status_nudge",
        manager=nudge.manager_id,
        day=f"{nudge.created_at:%Y-%m-%d}",
        gap=gap_title(turn.lib, nudge.gap),
        note=nudge.message,
        open=still_open,
        fix=_usage(turn, fix) if fix else "",
    )
    return nudge.gap if still_open else None


def _say_next(turn: Turn, deal: Deal, give: str, gaps: list[str]) -> None:
    """The one next step, and its command as the first button.

    A give's get comes first (value handed over for free), then the phase's first gap in
    checklist order, then the gap of a manager's open nudge; with none, what the phase
    asks for.
    """
    gap = next((code for code in gaps if code in FIXES), None)
    step, title, usage = "phase", "", ""
    if give and deal.phase in ACTIVE_PHASES:
        step, usage = "get", _usage(turn, "get")
        turn.suggest("get")
    elif gap is not None:
        fix = FIXES[gap][1]
        step, title, usage = "gap", gap_title(turn.lib, gap), _usage(turn, fix)
        turn.suggest(fix)
    else:
        turn.suggest(*turn.lib.phase(deal.phase).status_steps)
    turn.say("status_next", step=step, item=give, title=title, usage=usage, phase=deal.phase)


def _usage(turn: Turn, command_name: str) -> str:
    """A command as one types it, without its optional parts: `get <item>`."""
    return _OPTIONAL.sub("", turn.lib.command_help(command_name).usage).strip()
