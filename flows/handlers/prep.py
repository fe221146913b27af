"""Preparation commands: BATNA, walk-away, the issue matrix, evidence, the three lines."""

from __future__ import annotations

import re
from decimal import Decimal

from flows.amounts import amount_problem, find_amounts, read_number
from flows.commands import BadArguments, command
from flows.detectors import walkaway_label
from flows.model import IssueScore, Walkaway
from flows.turn import Turn, require_text
from flows.vocabulary import CONTEXTS, MINIMUM_CONTEXTS
from flows.when import format_local, parse_when

# "us=5", and "us: 5" only with a score after it: "they told us: no way" is a sentence.
_SCORE = re.compile(r"\b(us|them)(?:\s*=\s*|\s*:\s*(?=\d(?![\w.,%$€£-])))(\S+)", re.I)
_MIN_WORDS = re.compile(r"\b(min|minimum|at least|no less than|not below|floor|lowest)\b", re.I)
_MAX_WORDS = re.compile(
    r"\b(max|maximum|at most|no more than|not above|ceiling|cap|up to|highest)\b", re.I
)
_DIRECTION_ONLY = re.compile(r"^\s*(min|minimum|max|maximum)\s*$", re.I)
# A share as a walk-away ("walkaway 20%", "min a 15% revenue share"): one figure, numeric.
_SHARE = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s?(?:%|per ?cent\b)", re.I)


def parse_scores(args: str) -> tuple[str, dict[str, int]]:
    """Pull ``us=<1-5>`` and ``them=<1-5>`` out of ``args``; return the rest and the scores."""
    scores: dict[str, int] = {}
    for side, raw in _SCORE.findall(args):
        try:
            value = int(raw)
        except ValueError:
            raise BadArguments(f"{side}= takes a whole number from 1 to 5, not {raw!r}.") from None
        if not 1 <= value <= 5:
            raise BadArguments(f"{side}= takes a number from 1 to 5, not {value}.")
        scores[side.lower()] = value
    rest = " ".join(_SCORE.sub(" ", args).split())
    return rest, scores


def parse_walkaway(text: str, context: str) -> Walkaway:
    """Read a walk-away: its amount (if any) and which way it protects us."""
    amounts = [a for a in find_amounts(text) if not a.per_unit]
    amount = amounts[0] if amounts else None
    value, currency = (amount.value, amount.currency) if amount else (None, None)
    if amount is not None:
        problem = amount_problem(amount.value)
        if problem is None and _signed(text, amount.text):
            problem = "An amount can't be negative."
        if problem:
            raise BadArguments(problem)
    if value is None:
        # A bare small number ("walkaway min 90") is an amount only when it is all there is.
        # Never through Decimal(text): it reads "NaN", "inf" and "1e309" as numbers.
        rest = _MAX_WORDS.sub(" ", _MIN_WORDS.sub(" ", text)).strip()
        try:
            value = read_number(rest)
        except ValueError as exc:
            raise BadArguments(str(exc)) from None
    if value is None:
        shares = _SHARE.findall(text)
        if len(shares) != 1 or Decimal(shares[0]) > 100:
            return Walkaway(text=text)
        value, currency = Decimal(shares[0]), "%"
    if _MIN_WORDS.search(text):
        direction = "min"
    elif _MAX_WORDS.search(text):
        direction = "max"
    else:
        direction = "min" if context in MINIMUM_CONTEXTS else "max"
    return Walkaway(text=text, amount=value, currency=currency, direction=direction)  # type: ignore[arg-type]


def _signed(text: str, amount: str) -> bool:
    """Whether a minus sign stands right before ``amount`` ("-90k"), not a range's dash."""
    before = text[: max(text.find(amount), 0)].rstrip()
    return before.endswith("-") and not before[:-1].rstrip()[-1:].isalnum()


@command("batna", form="prepare")
def handle_batna(turn: Turn, args: str) -> None:
    """Record the best alternative to a negotiated agreement."""
    turn.touch().batna = require_text(args, "BATNA")
    turn.say("batna_saved")


@command("walkaway", "walk-away", "reservation", "floor", form="prepare")
def handle_walkaway(turn: Turn, args: str) -> None:
    """Record the walk-away point; an amount in it makes it numeric."""
    deal = turn.active
    text = require_text(args, "walk-away point")
    only = _DIRECTION_ONLY.match(text)
    if only:
        # "walkaway max": the same point, protected the other way (a candidate's minimum).
        _turn_direction(turn, "min" if only.group(1).lower().startswith("min") else "max")
        return
    walkaway = parse_walkaway(text, deal.context)
    turn.touch().walkaway = walkaway
    if walkaway.amount is None:
        turn.say("walkaway_saved_text")
    else:
        turn.say("walkaway_saved", amount=walkaway_label(walkaway), direction=walkaway.direction)


def _turn_direction(turn: Turn, direction: str) -> None:
    current = turn.active.walkaway
    if current is None or current.amount is None:
        raise BadArguments(
            "Set a walk-away amount first, e.g. `walkaway min 130k`; "
            "`walkaway min` or `walkaway max` then turns its direction."
        )
    current.direction = direction  # type: ignore[assignment]
    if not (_MIN_WORDS.search(current.text) or _MAX_WORDS.search(current.text)):
        # Written into the text too, so a later `context` change keeps the chosen direction.
        current.text = f"{direction} {current.text}"
    turn.touch()
    turn.say("walkaway_saved", amount=walkaway_label(current), direction=direction)


@command("context")
def handle_context(turn: Turn, args: str) -> None:
    """Change the deal's context; a walk-away set without min/max follows the new default."""
    word = args.strip().lower()
    if word not in CONTEXTS:
        raise BadArguments(f"Name one of {', '.join(CONTEXTS)}: `context hiring`.")
    deal = turn.touch()
    deal.context = word
    walkaway = deal.walkaway
    if (
        walkaway is not None
        and walkaway.amount is not None
        and not (_MIN_WORDS.search(walkaway.text) or _MAX_WORDS.search(walkaway.text))
    ):
        walkaway.direction = "min" if word in MINIMUM_CONTEXTS else "max"
    direction = walkaway.direction if walkaway is not None and walkaway.amount is not None else ""
    turn.say("context_changed", context=word, direction=direction or "")


@command("issue", form="prepare")
def handle_issue(turn: Turn, args: str) -> None:
    """Map an issue with its value to us and its estimated value to them (1-5)."""
    name, scores = parse_scores(require_text(args, "issue"))
    if not name:
        raise BadArguments("Name the issue, e.g. `issue payment terms us=2 them=4`.")
    if set(scores) != {"us", "them"}:
        raise BadArguments("Score the issue for both sides: `us=<1-5> them=<1-5>`.")
    deal = turn.touch()
    existing = next((i for i in deal.issues if i.name.lower() == name.lower()), None)
    if existing:
        existing.us, existing.them = scores["us"], scores["them"]
        turn.say("issue_updated", name=existing.name, us=existing.us, them=existing.them)
    else:
        if len(deal.issues) >= 30:
            raise BadArguments("Thirty issues is the limit; merge some before adding more.")
        deal.issues.append(IssueScore(name=name, us=scores["us"], them=scores["them"]))
        turn.say(
            "issue_added", name=name, us=scores["us"], them=scores["them"], count=len(deal.issues)
        )
    if scores["them"] > scores["us"]:
        turn.say("issue_is_tradeable", name=name)


def _append_note(turn: Turn, args: str, field_name: str, what: str, reply: str) -> None:
    text = require_text(args, what)
    notes: list[str] = getattr(turn.touch(), field_name)
    if len(notes) >= 50:
        raise BadArguments(f"That is fifty {what} notes already; edit your list elsewhere.")
    notes.append(text)
    turn.say(reply, count=len(notes))


@command("tradeable", "tradable")
def handle_tradeable(turn: Turn, args: str) -> None:
    """Add a tradeable; with no text, show the tradeables library."""
    if not args.strip():
        turn.say("tradeables_library")
        turn.lines.extend(turn.lib.guides.tradeables)
        turn.lines.extend(turn.lib.playbook(turn.active.context).tradeables)
        return
    _append_note(turn, args, "tradeables", "tradeable", "tradeable_added")


@command("counterparty", "stakeholders", form="prepare")
def handle_counterparty(turn: Turn, args: str) -> None:
    """Add a note on the other side: stakeholders, decision path, constraints, culture."""
    _append_note(turn, args, "counterparty", "counterparty", "counterparty_added")


@command("evidence", form="prepare")
def handle_evidence(turn: Turn, args: str) -> None:
    """Add to the evidence pack: benchmarks, cost drivers, references."""
    _append_note(turn, args, "evidence", "evidence", "evidence_added")


@command("win", form="prepare")
def handle_win(turn: Turn, args: str) -> None:
    """Write one of the three lines: my win, their win, our shared win."""
    which, _, text = args.strip().partition(" ")
    which = {
        "me": "mine",
        "my": "mine",
        "their": "theirs",
        "our": "shared",
        "ours": "shared",
        "joint": "shared",
    }.get(which.lower(), which.lower())
    if which not in ("mine", "theirs", "shared"):
        raise BadArguments("Say which line: `win mine|theirs|shared <text>`.")
    turn.touch().wins[which] = require_text(text, f"{which} win")
    turn.say("win_saved", which=which)


@command("rule", "decision-rule", form="prepare")
def handle_rule(turn: Turn, args: str) -> None:
    """Set the decision rule: success is judged by a metric within a time."""
    turn.touch().rule = require_text(args, "decision rule")
    turn.say("rule_saved")


@command("meeting", "meet", needs_profile=True, form="meeting")
def handle_meeting(turn: Turn, args: str) -> None:
    """Record when the next meeting is."""
    text = require_text(args, "meeting time")
    profile = turn.space.profile()
    try:
        when = parse_when(text, turn.now, profile.tz)
    except ValueError as exc:
        raise BadArguments(str(exc)) from None
    deal = turn.touch()
    deal.meeting = format_local(when, profile.tz, turn.now)
    deal.meeting_at = when.isoformat()
    turn.say("meeting_saved", when=deal.meeting, tz_known=profile.tz_known)
