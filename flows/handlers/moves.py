"""The concession log: gives, gets, trades, offers, and what the other side said.

Every give is one-way until a get pairs with it, so the coach flags it the moment it is
logged; the deal's counters (unpaired gives, one-way streak) make that a constant-time
check however long the log grows.
"""

from __future__ import annotations

import re

from flows.amounts import find_amounts, headline
from flows.commands import BadArguments, command
from flows.detectors import Detectors, Finding
from flows.handlers.prep import parse_scores
from flows.model import CONCESSION_KINDS, Deal, IssueScore, Move
from flows.oversight import gap_title
from flows.replies import Table
from flows.rewrite import RISKY, better_line
from flows.turn import Turn, require_text

_CONDITIONAL = re.compile(
    r"^we\s+(?P<give>.+?)(?:\s*,\s*(?:then\s+)?|\s+then\s+)"
    r"(?:they|you)(?:'ll| will)?\s+(?P<get>.+)$",
    re.I,
)
_TRADE = re.compile(r"^(?P<give>.+?)\s+(?:for|in exchange for|in return for)\s+(?P<get>.+)$", re.I)
LOG_DEFAULT, LOG_MAX = 20, 200
# The trigger cell of a trade made conditional with `if we <X>, they <Y>`.
CONDITIONAL = "conditional"
NUDGES_SHOWN = 5


def _item(args: str, what: str) -> tuple[str, dict[str, int]]:
    text, scores = parse_scores(require_text(args, what))
    if not text:  # only scores were given
        raise BadArguments(f"Say what the {what} is.")
    return text, scores


def _values(deal: Deal, text: str, scores: dict[str, int]) -> tuple[int | None, int | None]:
    """Value to us and to them: given explicitly, else from the mapped issue it names."""
    issue = deal.find_issue(text)
    us = scores.get("us", issue.us if issue else None)
    them = scores.get("them", issue.them if issue else None)
    return us, them


def _issue_name(deal: Deal, text: str) -> str:
    issue: IssueScore | None = deal.find_issue(text)
    return issue.name if issue else text


def _log(turn: Turn, move: Move) -> None:
    deal = turn.touch()
    move.created_at = turn.now
    move.warnings = [w.code for w in turn.warnings]
    turn.space.add_move(deal, move)
    deal.moves_count += 1
    deal.last_move_at = turn.now


def _check_numbers(turn: Turn, text: str) -> None:
    """The walk-away check on every figure of a line of ours, whatever its kind."""
    below = Detectors(turn.lib).past_walkaway(turn.active, text)
    if below is not None:
        turn.warn(below.code, **below.values)


def _check_trade(turn: Turn, give: str, get: str, move: Move) -> None:
    if move.give_us is not None and move.get_us is not None and move.give_us - move.get_us >= 2:
        turn.warn("uneven_trade", give=give, get=get, give_us=move.give_us, get_us=move.get_us)


@command("give", "concede", "gave", form="log_move")
def handle_give(turn: Turn, args: str) -> None:
    """Log something we gave; it stays one-way until a get pairs with it."""
    text, scores = _item(args, "give")
    deal = turn.active
    us, them = _values(deal, text, scores)
    streak = deal.one_way_streak + 1
    turn.warn("one_way_concession", item=text)
    _check_numbers(turn, text)
    if streak >= 2:
        turn.warn("reciprocity_stalled", count=streak)
    move = Move(kind="give", item=_issue_name(deal, text), give=text, give_us=us, give_them=them)
    _log(turn, move)
    deal = turn.touch()
    deal.unpaired_gives += 1
    deal.one_way_streak = streak
    deal.last_give = text
    turn.say("give_logged", item=text, open=deal.unpaired_gives)
    turn.add_script("concession", limit=2)
    # What they give back is theirs to name: a bare `get` asks for it (a form in Slack). A
    # `get` of the give's own item would pair the give with itself.
    turn.suggest("get", "log")


@command("get", "got", "receive", "gain", form="log_get")
def handle_get(turn: Turn, args: str) -> None:
    """Log something we received; it pairs with the most recent unpaired give."""
    text, scores = _item(args, "get")
    deal = turn.touch()
    us, them = _values(deal, text, scores)
    _check_numbers(turn, text)
    give = turn.space.last_unpaired_give(deal)
    deal.one_way_streak = 0
    deal.last_get = text
    if give is None:
        _log(
            turn, Move(kind="get", item=_issue_name(deal, text), get=text, get_us=us, get_them=them)
        )
        turn.say("get_logged_alone", item=text)
        return
    give.get, give.get_us, give.get_them, give.paired = text, us, them, True
    _check_trade(turn, give.give, text, give)
    give.warnings = sorted({*give.warnings, *(w.code for w in turn.warnings)})
    turn.space.save_move(deal, give)
    deal.unpaired_gives -= 1
    deal.last_move_at = turn.now
    turn.say("get_paired", give=give.give, item=text, open=deal.unpaired_gives)


def _log_trade(turn: Turn, give: str, get: str, trigger: str, scores: dict[str, int]) -> None:
    deal = turn.active
    give_us, give_them = _values(deal, give, {})
    get_us, get_them = _values(deal, get, {})
    # Explicit scores describe the give (what the user is weighing up).
    give_us, give_them = scores.get("us", give_us), scores.get("them", give_them)
    move = Move(
        kind="trade",
        item=_issue_name(deal, give),
        give=give,
        get=get,
        give_us=give_us,
        give_them=give_them,
        get_us=get_us,
        get_them=get_them,
        trigger=trigger,
        paired=True,
    )
    _check_trade(turn, give, get, move)
    _check_numbers(turn, f"{give} ; {get}")
    _log(turn, move)
    deal = turn.touch()
    deal.one_way_streak = 0
    deal.last_give, deal.last_get = give, get


@command("trade", "swap", form="log_move")
def handle_trade(turn: Turn, args: str) -> None:
    """Log a two-way trade: ``trade <give> for <get>``."""
    text, scores = _item(args, "trade")
    match = _TRADE.match(text)
    if not match:
        raise BadArguments("Name both sides: `trade <what we give> for <what we get>`.")
    give, get = match.group("give").strip(), match.group("get").strip()
    _log_trade(turn, give, get, "", scores)
    turn.say("trade_logged", give=give, get=get)


@command("if")
def handle_if(turn: Turn, args: str) -> None:
    """Log a conditional trade: ``if we <X>, they <Y>``."""
    text, scores = _item(args, "conditional trade")
    match = _CONDITIONAL.match(text)
    if not match:
        raise BadArguments("Phrase it as `if we <X>, they <Y>` or `if we <X> then you <Y>`.")
    give, get = match.group("give").strip(" ,"), match.group("get").strip(" .")
    _log_trade(turn, give, get, f"if we {give}", scores)
    turn.say("conditional_logged", give=give, get=get)


def _apply(turn: Turn, findings: list[Finding]) -> None:
    for finding in findings:
        turn.warn(finding.code, **finding.values)


@command("offer", "propose", "anchor")
def handle_offer(turn: Turn, args: str) -> None:
    """Log our proposal or anchor, checking it before it goes out."""
    if turn.active.is_practice:  # a rehearsal: the counterpart answers the package
        from flows.handlers.practice import practice_offer

        practice_offer(turn, args)
        return
    text, _ = _item(args, "offer")
    deal = turn.active
    if deal.phase == "setup":
        turn.warn("premature_offer")
    if not deal.evidence:
        turn.warn("anchor_without_evidence")
    _apply(turn, Detectors(turn.lib).check_our_line(deal, text, is_offer=True))
    figure = headline(find_amounts(text))
    _log(
        turn,
        Move(
            kind="offer",
            text=text,
            amount=figure.value if figure else None,
            currency=figure.currency if figure else None,
        ),
    )
    turn.say("offer_logged", warned=bool(turn.warnings))
    if not turn.warnings:
        turn.add_script("anchor", limit=1)


_THEIR_TOPICS = {
    "their_anchor": "anchor",
    "price_pushback": "objection",
    "unbundling": "objection",
    "their_hard_line": "hardball_reply",
    "their_split": "split_reply",
    "competitor_claim": "competitor_reply",
    "their_cherry_pick": "cherry_pick_reply",
}


@command("they", "heard")
def handle_they(turn: Turn, args: str) -> None:
    """Log what the other side said or asked, and how to answer it."""
    text, _ = _item(args, "line from the other side")
    deal = turn.active
    findings = Detectors(turn.lib).check_their_line(deal, text)
    _apply(turn, findings)
    figure = headline(find_amounts(text))
    _log(
        turn,
        Move(
            kind="they",
            text=text,
            amount=figure.value if figure else None,
            currency=figure.currency if figure else None,
        ),
    )
    turn.say("they_logged", warned=bool(findings))
    topics = [_THEIR_TOPICS[f.code] for f in findings if f.code in _THEIR_TOPICS]
    for topic in dict.fromkeys(topics):
        turn.add_script(topic, limit=2)
    if not topics:  # one open question, a different one each time they speak
        turn.add_script("interests", limit=1, rotate=deal.moves_count)


@command("say", "check", "draft", reads_only=True)
def handle_say(turn: Turn, args: str) -> None:
    """Check a line before saying it (nothing is logged)."""
    text, _ = _item(args, "line")
    _apply(turn, Detectors(turn.lib).check_our_line(turn.active, text, is_offer=False))
    _check_numbers(turn, text)
    if any(w.code in RISKY for w in turn.warnings):
        turn.better_line = better_line(turn.lib, turn.active, text)
    turn.say("say_checked", warned=bool(turn.warnings))


def _values_cell(us: int | None, them: int | None) -> str:
    return f"{us if us is not None else '?'}/{them if them is not None else '?'}"


def _item_cell(move: Move) -> str:
    """The mapped issue a move is about; "-" when that would only repeat what was traded."""
    item = move.item.strip()
    if not item or item.lower() in (move.give.strip().lower(), move.get.strip().lower()):
        return "-"
    return item


def _trigger_cell(move: Move) -> str:
    """The trigger or contingency; an `if we X, they Y` trade is conditional on its get."""
    if not move.trigger:
        return "-"
    return CONDITIONAL if move.trigger == f"if we {move.give}" else move.trigger


def _concession_cells(move: Move) -> list[str]:
    """One fact a column: issue, give, get, each side's value, trigger."""
    return [
        _item_cell(move),
        move.give or "-",
        move.get or "-",
        _values_cell(move.give_us, move.give_them) if move.give else "-",
        _values_cell(move.get_us, move.get_them) if move.get else "-",
        _trigger_cell(move),
    ]


def _say_nudges(turn: Turn, deal: Deal) -> None:
    """Managers' nudges belong to the deal's history, next to the moves."""
    nudges = turn.space.nudges(deal, NUDGES_SHOWN)
    if nudges:
        turn.people.extend(n.manager_id for n in nudges)
        turn.say(
            "nudges_shown",
            nudges=[
                f"{n.created_at:%Y-%m-%d} @{n.manager_id}: {gap_title(turn.lib, n.gap)}"
                + (f' ("{n.message}")' if n.message else "")
                for n in nudges
            ],
        )


@command("log", "concessions", "history", reads_only=True)
def handle_log(turn: Turn, args: str) -> None:
    """Show the concession log (``log all`` adds offers and their lines; ``log 50`` more rows)."""
    words = args.lower().split()
    show_all = "all" in words
    numbers = [w for w in words if w.isdigit()]
    if len(words) != int(show_all) + len(numbers) or len(numbers) > 1:
        raise BadArguments("`log` takes an optional `all` and a number of rows.")
    limit = min(int(numbers[0]), LOG_MAX) if numbers else LOG_DEFAULT
    deal = turn.active
    moves = turn.space.recent_moves(deal, limit, None if show_all else CONCESSION_KINDS)
    _say_nudges(turn, deal)
    if not moves:
        turn.say("log_empty")
        turn.suggest("give", "get", "trade")
        return
    headers = [
        "#",
        "item",
        "we give",
        "we get",
        "give value us/them",
        "get value us/them",
        "trigger",
    ]
    if show_all:
        # Offers and their lines are no concessions: their words go in a column of their own.
        headers = ["#", "move", *headers[1:], "said"]
    rows = []
    for m in moves:
        if m.kind not in CONCESSION_KINDS:
            cells = ["-"] * (len(headers) - 3)
            rows.append([str(m.seq), m.kind, *cells, m.text or "-"])
        elif show_all:
            rows.append([str(m.seq), m.kind, *_concession_cells(m), "-"])
        else:
            rows.append([str(m.seq), *_concession_cells(m)])
    turn.table = Table(headers, rows)
    turn.say("log_shown", shown=len(moves), total=deal.moves_count, open=deal.unpaired_gives)
