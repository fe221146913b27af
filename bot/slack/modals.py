"""The forms Slack opens for a command that needs details: their views and their lines.

"Log a move", "Prepare", "Bundle", "Safeguards", "What they give back", "Next meeting"
and "Daily prep reminder".

A form is declared as data: its callback id, its inputs, and a function turning the
submitted values into engine command lines keyed by the input (``block_id``) each line
came from. The submission runs every line in one all-or-nothing transaction; a rejected
line comes back inline on its input (``response_action: errors``), and nothing is stored.

The meeting and reminder forms ask with Slack's date and time pickers in the user's time
zone (looked up when the form opens and carried in ``private_metadata``), and turn the
picks into the lines one would type: ``meeting 2026-12-03 10:30``, ``remind 08:30 daily``.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.slack.blocks import MAX_VIEW_BLOCKS, Block, Message, escape, fit, section, text_tables
from bot.slack.safe import message_text
from flows.commands import resolve
from flows.engine import default_library

MOVE = "log_move"
PREPARE = "prepare"
BUNDLE = "bundle"
SAFEGUARDS = "safeguards"
GET_BACK = "log_get"
MEETING = "meeting"
REMINDER = "reminder"
# The field a line-less problem (e.g. no active deal) is shown on, per form.
VALUE = "value"
MAX_INPUT = 3000
_LABEL = re.compile(r"^[\w-]{1,20}$")
_THEY = re.compile(r"^(they|you)\s+", re.I)

Values = dict[str, dict[str, Any]]
Lines = list[tuple[str, str]]


@dataclass(frozen=True)
class Opening:
    """What a form may need as it opens: the user's time zone and today's date there."""

    tz: str | None = None
    today: date | None = None


class FieldErrors(Exception):
    """Inputs that are wrong before the engine sees them, by ``block_id``."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Form:
    """A modal form: how it looks, and how its values become command lines."""

    callback_id: str
    title: str
    submit: str
    blocks: Callable[[Opening], list[Block]]
    lines: Callable[[Values], Lines]
    # Where an engine rejection that names no input (no active deal...) is shown.
    main_input: str
    # Its pickers are in the user's time zone: look it up as the form opens.
    zoned: bool = False

    def view(self, private_metadata: str = "", opening: Opening | None = None) -> dict[str, Any]:
        """The modal to open.

        Args:
            private_metadata: carried back with the submission (at most 3000 characters);
                a zoned form carries the user's time zone there instead.
            opening: the user's time zone and today's date, for a zoned form.

        """
        opening = opening or Opening()
        if self.zoned:
            private_metadata = json.dumps({"tz": opening.tz})
        return {
            "type": "modal",
            "callback_id": self.callback_id,
            "title": {"type": "plain_text", "text": self.title},
            "submit": {"type": "plain_text", "text": self.submit},
            "close": {"type": "plain_text", "text": "Cancel"},
            "private_metadata": private_metadata[:3000],
            "blocks": self.blocks(opening),
        }


def zone_of(private_metadata: str | None) -> str | None:
    """The time zone a zoned form carried in its ``private_metadata``, if any.

    Args:
        private_metadata: the submitted view's ``private_metadata``.

    """
    try:
        tz = json.loads(private_metadata or "").get("tz")
    except (ValueError, AttributeError):
        return None
    return tz if isinstance(tz, str) and tz else None


# -- inputs -------------------------------------------------------------------------------
def text_input(block_id: str, label: str, *, optional: bool = True, multiline: bool = False,
               placeholder: str = "", hint: str = "", max_length: int = MAX_INPUT) -> Block:
    """A plain text input block whose element's ``action_id`` is ``value``.

    Args:
        block_id: the input's id (errors are keyed by it).
        label: the label above the input.
        optional: whether it may be left empty.
        multiline: a text area instead of one line.
        placeholder: grey text inside the empty input.
        hint: small text under the input.
        max_length: the most characters Slack lets the user type.

    """
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": VALUE,
                               "multiline": multiline, "max_length": max_length}
    if placeholder:
        element["placeholder"] = {"type": "plain_text", "text": placeholder[:150]}
    block: Block = {"type": "input", "block_id": block_id, "optional": optional,
                    "label": {"type": "plain_text", "text": label}, "element": element}
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def select_input(block_id: str, label: str, options: list[tuple[str, str]], *,
                 optional: bool = True, initial: str | None = None) -> Block:
    """A static select input block whose element's ``action_id`` is ``value``.

    Args:
        block_id: the input's id.
        label: the label above the input.
        options: ``(value, text)`` pairs.
        optional: whether it may be left empty.
        initial: the value selected to begin with.

    """
    choices = [{"text": {"type": "plain_text", "text": text}, "value": value}
               for value, text in options]
    element: dict[str, Any] = {"type": "static_select", "action_id": VALUE,
                               "options": choices,
                               "placeholder": {"type": "plain_text", "text": "Choose"}}
    if initial is not None:
        element["initial_option"] = next(c for c in choices if c["value"] == initial)
    return {"type": "input", "block_id": block_id, "optional": optional,
            "label": {"type": "plain_text", "text": label}, "element": element}


SCORES = [(str(n), f"{n} - {word}") for n, word in
          ((1, "hardly matters"), (2, "minor"), (3, "matters"), (4, "important"), (5, "critical"))]


def value_of(values: Values, block_id: str) -> str:
    """What the user entered (or selected) in one input, stripped; "" when empty.

    Args:
        values: ``view.state.values`` from the submission.
        block_id: the input's id.

    """
    element = (values.get(block_id) or {}).get(VALUE) or {}
    if element.get("type") == "static_select" or "selected_option" in element:
        return str(((element.get("selected_option") or {}).get("value")) or "")
    if element.get("type") == "datepicker" or "selected_date" in element:
        return str(element.get("selected_date") or "")
    if element.get("type") == "timepicker" or "selected_time" in element:
        return str(element.get("selected_time") or "")
    return str(element.get("value") or "").strip()


def date_input(block_id: str, label: str, *, initial: date | None = None) -> Block:
    """A required date picker input whose element's ``action_id`` is ``value``.

    Args:
        block_id: the input's id.
        label: the label above the input.
        initial: the date picked to begin with (today in the user's zone).

    """
    element: dict[str, Any] = {"type": "datepicker", "action_id": VALUE,
                               "placeholder": {"type": "plain_text", "text": "Pick a day"}}
    if initial is not None:
        element["initial_date"] = initial.isoformat()
    return {"type": "input", "block_id": block_id, "optional": False,
            "label": {"type": "plain_text", "text": label}, "element": element}


def time_input(block_id: str, label: str, *, initial: str, tz: str | None) -> Block:
    """A required time picker input in the user's time zone, with the zone as its hint.

    Args:
        block_id: the input's id.
        label: the label above the input.
        initial: the time picked to begin with, ``HH:MM``.
        tz: the user's IANA time zone (None: unknown, and the hint says UTC).

    """
    element: dict[str, Any] = {"type": "timepicker", "action_id": VALUE,
                               "initial_time": initial,
                               "placeholder": {"type": "plain_text", "text": "Pick a time"}}
    if tz:
        element["timezone"] = tz
    lib = default_library()
    hint = lib.reply("slack_zone_hint", tz=tz) if tz else lib.reply("slack_zone_unknown")
    return {"type": "input", "block_id": block_id, "optional": False,
            "label": {"type": "plain_text", "text": label}, "element": element,
            "hint": {"type": "plain_text", "text": hint}}


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- Log a move -----------------------------------------------------------------------------
def _move_blocks(_: Opening) -> list[Block]:
    return [
        select_input("kind", "What happened", [
            ("give", "We gave something (a concession)"),
            ("get", "We got something"),
            ("trade", "A trade: we gave one thing for another"),
        ], optional=False, initial="give"),
        text_input("item", "What moved", optional=False, max_length=500,
                   placeholder="e.g. training, 60-day payment terms",
                   hint="For a trade: what we gave."),
        text_input("in_return", "In return (trades)", max_length=500,
                   placeholder="e.g. a 24-month term"),
        select_input("us", "Value to us", SCORES),
        select_input("them", "Value to them", SCORES),
        text_input("trigger", "Trigger or contingency (gives)", max_length=500,
                   placeholder="e.g. sign by Friday",
                   hint="What they do in return; makes the give conditional."),
    ]


def move_lines(values: Values) -> Lines:
    """The "Log a move" values as one ``give``/``get``/``trade``/``if`` line.

    Args:
        values: the submitted ``view.state.values``.

    Raises:
        FieldErrors: the inputs do not make a move.

    """
    kind, item = value_of(values, "kind") or "give", _one_line(value_of(values, "item"))
    in_return, trigger = (_one_line(value_of(values, "in_return")),
                          _one_line(value_of(values, "trigger")))
    errors: dict[str, str] = {}
    if not item:
        errors["item"] = "Say what moved."
    if kind == "trade" and not in_return:
        errors["in_return"] = "A trade needs what we got in return."
    if kind != "trade" and in_return:
        errors["in_return"] = "Only a trade has something in return; choose “A trade”."
    if trigger and kind != "give":
        errors["trigger"] = "A trigger makes a give conditional; choose “We gave something”."
    if errors:
        raise FieldErrors(errors)
    scores = " ".join(f"{name}={value_of(values, name)}" for name in ("us", "them")
                      if value_of(values, name))
    if kind == "trade":
        line = f"trade {item} for {in_return}"
    elif trigger:
        # The form asks "what they do"; people still often start with "they".
        line = f"if we {item}, they {_THEY.sub('', trigger)}"
    else:
        line = f"{kind} {item}"
    return [("item", f"{line} {scores}".strip())]


# -- Prepare --------------------------------------------------------------------------------
_PREPARE_SINGLE = (
    ("batna", "batna", "Your BATNA", "Your next-best option if this deal fails: price, timing"),
    ("walkaway", "walkaway", "Walk-away point (never disclosed)", "e.g. min 80k, or max 120k"),
    ("counterparty", "counterparty", "Counterparty", "Who can say yes, their constraints"),
    ("win_mine", "win mine", "Your win", "What you must achieve"),
    ("win_theirs", "win theirs", "Their win", "What they truly need"),
    ("win_shared", "win shared", "The shared win", "What you build together"),
    ("rule", "rule", "Decision rule", "e.g. adoption above 80% within 90 days"),
)


def _prepare_blocks(_: Opening) -> list[Block]:
    single = {key: (label, placeholder) for key, _, label, placeholder in _PREPARE_SINGLE}
    blocks: list[Block] = [section(escape(
        "Fill in what you know; empty fields are left as they are. Each field is saved as "
        "its command (`batna`, `walkaway`, `issue`...), all together or not at all."))]
    for key in ("batna", "walkaway"):
        blocks.append(text_input(key, single[key][0], placeholder=single[key][1], max_length=500))
    blocks.append(text_input(
        "issues", "Issues and their values", multiline=True, max_length=2000,
        placeholder="payment terms us=2 them=4",
        hint="One issue per line: its name, its value to us and to them (1-5)."))
    blocks.append(text_input("counterparty", single["counterparty"][0],
                             placeholder=single["counterparty"][1], max_length=500))
    blocks.append(text_input("evidence", "Evidence", multiline=True, max_length=2000,
                             placeholder="benchmark: 90-110k from three peers",
                             hint="One benchmark, cost driver or reference per line."))
    for key in ("win_mine", "win_theirs", "win_shared", "rule"):
        blocks.append(text_input(key, single[key][0], placeholder=single[key][1],
                                 max_length=500))
    return blocks


def prepare_lines(values: Values) -> Lines:
    """The "Prepare" values as lines; multi-line inputs give one line per row.

    Keys of multi-line inputs carry the row (``issues:2``) so an error can name it.

    Args:
        values: the submitted ``view.state.values``.

    Raises:
        FieldErrors: nothing was filled in.

    """
    lines: Lines = []
    for key, command, _, _ in _PREPARE_SINGLE[:2]:
        if value_of(values, key):
            lines.append((key, f"{command} {_one_line(value_of(values, key))}"))
    for key, command in (("issues", "issue"), ("counterparty", "counterparty"),
                         ("evidence", "evidence")):
        rows = [r.strip() for r in value_of(values, key).splitlines() if r.strip()]
        if key == "counterparty":
            rows = [_one_line(" ".join(rows))] if rows else []
        for number, row in enumerate(rows, 1):
            lines.append((f"{key}:{number}" if key != "counterparty" else key,
                          f"{command} {row}"))
    for key, command, _, _ in _PREPARE_SINGLE[3:]:
        if value_of(values, key):
            lines.append((key, f"{command} {_one_line(value_of(values, key))}"))
    if not lines:
        raise FieldErrors({"batna": "Fill in at least one field."})
    return lines


# -- Bundle ---------------------------------------------------------------------------------
def _bundle_blocks(_: Opening) -> list[Block]:
    return [
        text_input("label", "Label", optional=False, max_length=20, placeholder="A",
                   hint="One short word: A, B, premium..."),
        text_input("terms", "Terms", optional=False, multiline=True, max_length=2000,
                   placeholder="price = 95k\nterm = 24 months\npayment terms = 60 days",
                   hint="One term per line: its name, =, its value."),
        text_input("worth", "Worth to us (0-100)", max_length=3, placeholder="60",
                   hint="Bundles of a MESO should be worth about the same to you."),
    ]


def bundle_lines(values: Values) -> Lines:
    """The "Bundle" values as one ``bundle`` line.

    Args:
        values: the submitted ``view.state.values``.

    Raises:
        FieldErrors: the label, a term or the worth is malformed.

    """
    label, worth = value_of(values, "label"), value_of(values, "worth")
    errors: dict[str, str] = {}
    if not _LABEL.match(label):
        errors["label"] = "One short word of letters, digits or -, like A, B or premium."
    tokens: list[str] = []
    for number, row in enumerate(value_of(values, "terms").splitlines(), 1):
        if not row.strip():
            continue
        name, eq, value = row.partition("=")
        if not eq or not name.strip() or not value.strip():
            errors["terms"] = f"Line {number}: write the term, =, then its value."
            break
        tokens.append(shlex.quote(f"{_one_line(name)}={_one_line(value)}"))
    if not tokens and "terms" not in errors:
        errors["terms"] = "Add at least one term, like price = 95k."
    if worth and not (worth.isdigit() and 0 <= int(worth) <= 100):
        errors["worth"] = "A whole number from 0 to 100."
    if errors:
        raise FieldErrors(errors)
    line = f"bundle {label} {' '.join(tokens)}" + (f" worth={worth}" if worth else "")
    return [("terms", line)]


# -- Safeguards -----------------------------------------------------------------------------
# Each input is saved as the command of the same name.
_SAFEGUARD_INPUTS = (
    ("safeguard", "Contingent safeguard",
     "If adoption is below 60% at day 90, we add onboarding at no cost",
     "A measurable trigger (a number, a date, a threshold) and what happens then."),
    ("governance", "Governance", "Monthly steering call; quarterly review of adoption",
     "Who meets, how often, on which metrics, and how changes are agreed."),
    ("exit", "Exit path", "Either side may end after 12 months with 60 days' notice",
     "How either side can leave without destroying what was built."),
)


def _safeguard_blocks(_: Opening) -> list[Block]:
    blocks: list[Block] = [section(escape(
        "A deal holds when it says what happens if things go wrong. Fill in what you have; "
        "each field is saved as its command (`safeguard`, `governance`, `exit`), all "
        "together or not at all."))]
    for key, label, placeholder, hint in _SAFEGUARD_INPUTS:
        blocks.append(text_input(key, label, multiline=True, max_length=500,
                                 placeholder=placeholder, hint=hint))
    return blocks


def safeguard_lines(values: Values) -> Lines:
    """The "Safeguards" values as ``safeguard``, ``governance`` and ``exit`` lines.

    Args:
        values: the submitted ``view.state.values``.

    Raises:
        FieldErrors: every field was left empty.

    """
    lines = [(key, f"{key} {_one_line(value_of(values, key))}")
             for key, _, _, _ in _SAFEGUARD_INPUTS if value_of(values, key)]
    if not lines:
        raise FieldErrors({"safeguard": "Fill in at least one of the three."})
    return lines


# -- What they give back (after a give) -----------------------------------------------------
def _get_blocks(_: Opening) -> list[Block]:
    return [
        section(escape(default_library().reply("slack_get_intro"))),
        text_input("item", "What they give", optional=False, max_length=500,
                   placeholder="e.g. a 3-year term, a case study, payment on signature"),
        select_input("us", "Value to us", SCORES),
        select_input("them", "Value to them", SCORES),
    ]


def get_lines(values: Values) -> Lines:
    """The "What they give back" values as one ``get`` line; it pairs with the last give.

    Args:
        values: the submitted ``view.state.values``.

    Raises:
        FieldErrors: nothing was named.

    """
    item = _one_line(value_of(values, "item"))
    if not item:
        raise FieldErrors({"item": default_library().reply("slack_get_no_item")})
    scores = " ".join(f"{name}={value_of(values, name)}" for name in ("us", "them")
                      if value_of(values, name))
    return [("item", f"get {item} {scores}".strip())]


# -- Next meeting ---------------------------------------------------------------------------
def _meeting_blocks(opening: Opening) -> list[Block]:
    return [
        section(escape(default_library().reply("slack_meeting_intro"))),
        date_input("day", "Day", initial=opening.today),
        time_input("time", "Starts at", initial="10:00", tz=opening.tz),
    ]


def meeting_lines(values: Values) -> Lines:
    """The picked day and time as the line one would type: ``meeting 2026-12-03 10:30``.

    Args:
        values: the submitted ``view.state.values``.

    Raises:
        FieldErrors: a day or a time is missing or malformed.

    """
    lib = default_library()
    day, at = value_of(values, "day"), value_of(values, "time")
    errors: dict[str, str] = {}
    if not _DAY.fullmatch(day):
        errors["day"] = lib.reply("slack_meeting_no_day")
    if not _TIME.fullmatch(at):
        errors["time"] = lib.reply("slack_meeting_no_time")
    if errors:
        raise FieldErrors(errors)
    return [("time", f"meeting {day} {at}")]


# -- Daily prep reminder ----------------------------------------------------------------------
def _reminder_blocks(opening: Opening) -> list[Block]:
    return [
        section(escape(default_library().reply("slack_reminder_intro"))),
        time_input("time", "At", initial="08:30", tz=opening.tz),
        select_input("days", "On", [("weekdays", "Weekdays"), ("daily", "Every day")],
                     optional=False, initial="weekdays"),
    ]


def reminder_lines(values: Values) -> Lines:
    """The picked time and days as the line one would type: ``remind 08:30 daily``.

    Args:
        values: the submitted ``view.state.values``.

    Raises:
        FieldErrors: the time is missing or malformed.

    """
    at, days = value_of(values, "time"), value_of(values, "days")
    if not _TIME.fullmatch(at):
        raise FieldErrors({"time": default_library().reply("slack_reminder_no_time")})
    return [("time", f"remind {at}" + (" daily" if days == "daily" else ""))]


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


FORMS: dict[str, Form] = {
    MOVE: Form(MOVE, "Log a move", "Log it", _move_blocks, move_lines, "item"),
    PREPARE: Form(PREPARE, "Prepare", "Save", _prepare_blocks, prepare_lines, "batna"),
    BUNDLE: Form(BUNDLE, "Bundle", "Add bundle", _bundle_blocks, bundle_lines, "label"),
    SAFEGUARDS: Form(SAFEGUARDS, "Safeguards", "Save", _safeguard_blocks, safeguard_lines,
                     "safeguard"),
    GET_BACK: Form(GET_BACK, "What they give back", "Log it", _get_blocks, get_lines, "item"),
    MEETING: Form(MEETING, "Next meeting", "Save", _meeting_blocks, meeting_lines, "time",
                  zoned=True),
    REMINDER: Form(REMINDER, "Daily prep reminder", "Set it", _reminder_blocks,
                   reminder_lines, "time", zoned=True),
}
# Words of the Slack front's own that open a form (a bare command opens the form its
# registration names: flows.commands.CommandSpec.form).
FORM_ONLY_WORDS = {"move": MOVE, "prepare": PREPARE, "prep": PREPARE, "safeguards": SAFEGUARDS}


def form_for(line: str) -> Form | None:
    """The form a bare command word opens (``give``, ``prepare``...), or None.

    Args:
        line: a command line; only a single word opens a form.

    """
    words = line.strip().lower().split()
    if len(words) != 1:
        return None
    spec = resolve(words[0])
    name = spec.form if spec is not None else FORM_ONLY_WORDS.get(words[0])
    return FORMS.get(name or "")


def inline_errors(form: Form, rejections: dict[str, Any]) -> dict[str, str]:
    """Engine rejections as ``response_action: errors`` messages keyed by input.

    Args:
        form: the submitted form.
        rejections: rejections by line key (``issues:2`` names a row of ``issues``).

    """
    errors: dict[str, list[str]] = {}
    for key, rejection in rejections.items():
        block, _, row = key.partition(":")
        if block not in {b.get("block_id") for b in form.blocks(Opening())}:
            block = form.main_input
        text = f"Line {row}: {rejection.message}" if row else rejection.message
        errors.setdefault(block, []).append(text)
    # A rejection may quote what was typed; escaped like every other text Slack may parse.
    return {block: message_text(" ".join(texts), limit=2000)
            for block, texts in errors.items()}


def result_view(title: str, message: Message) -> dict[str, Any]:
    """The modal a submission turns into: the coach's answer, without buttons.

    Args:
        title: the form's title.
        message: the rendered reply.

    """
    # A modal has room for the whole reply, and no "More" button to open it with; it
    # cannot hold a table block, so a table is drawn as text.
    blocks = text_tables([b for b in message.expanded or message.blocks
                          if b.get("type") != "actions"])
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Done"},
        "blocks": fit(blocks, MAX_VIEW_BLOCKS),
    }
