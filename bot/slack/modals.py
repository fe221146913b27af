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


def say(key: str, /, **values: Any) -> str:
    """A form's words from the phrase library (``slack_form_*`` in ``phrases/slack.yaml``).

    Args:
        key: the reply key.
        values: what the text's template fills in.

    """
    return default_library().reply(key, **values)


@dataclass(frozen=True)
class Form:
    """A modal form: how it looks, and how its values become command lines.

    Its title and submit label are the library's ``slack_form_<callback_id>_title`` and
    ``slack_form_<callback_id>_submit``.
    """

    callback_id: str
    blocks: Callable[[Opening], list[Block]]
    lines: Callable[[Values], Lines]
    # Where an engine rejection that names no input (no active deal...) is shown.
    main_input: str
    # Its pickers are in the user's time zone: look it up as the form opens.
    zoned: bool = False

    @property
    def title(self) -> str:
        """The form's title."""
        return say(f"slack_form_{self.callback_id}_title")

    @property
    def submit(self) -> str:
        """What the form's submit button says."""
        return say(f"slack_form_{self.callback_id}_submit")

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
            "close": {"type": "plain_text", "text": say("slack_form_cancel")},
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
def text_input(
    block_id: str,
    label: str,
    *,
    optional: bool = True,
    multiline: bool = False,
    placeholder: str = "",
    hint: str = "",
    max_length: int = MAX_INPUT,
) -> Block:
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
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "multiline": multiline,
        "max_length": max_length,
    }
    if placeholder:
        element["placeholder"] = {"type": "plain_text", "text": placeholder[:150]}
    return _input_block(block_id, label, element, optional=optional, hint=hint)


def form_input(form: str, key: str, *, hint: bool = False, **options: Any) -> Block:
    """A form's text input whose words come from the library by name.

    Its label and placeholder are ``slack_form_<form>_<key>_label`` and ``_placeholder``,
    and, with ``hint``, its hint ``_hint``.

    Args:
        form: the form's callback id.
        key: the input's id.
        hint: whether the input has a hint.
        options: :func:`text_input`'s other keywords.

    """
    words = f"slack_form_{form}_{key}"
    return text_input(
        key,
        say(f"{words}_label"),
        placeholder=say(f"{words}_placeholder"),
        hint=say(f"{words}_hint") if hint else "",
        **options,
    )


def select_input(
    block_id: str,
    label: str,
    options: list[tuple[str, str]],
    *,
    optional: bool = True,
    initial: str | None = None,
) -> Block:
    """A static select input block whose element's ``action_id`` is ``value``.

    Args:
        block_id: the input's id.
        label: the label above the input.
        options: ``(value, text)`` pairs.
        optional: whether it may be left empty.
        initial: the value selected to begin with.

    """
    choices = [
        {"text": {"type": "plain_text", "text": text}, "value": value} for value, text in options
    ]
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": VALUE,
        "options": choices,
        "placeholder": {"type": "plain_text", "text": say("slack_form_choose")},
    }
    if initial is not None:
        element["initial_option"] = next(c for c in choices if c["value"] == initial)
    return _input_block(block_id, label, element, optional=optional)


def scores() -> list[tuple[str, str]]:
    """The choices of a "value to" select: 1 to 5, each with what it means."""
    return [(str(n), say(f"slack_form_score_{n}")) for n in range(1, 6)]


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
    element: dict[str, Any] = {
        "type": "datepicker",
        "action_id": VALUE,
        "placeholder": {"type": "plain_text", "text": say("slack_form_pick_day")},
    }
    if initial is not None:
        element["initial_date"] = initial.isoformat()
    return _input_block(block_id, label, element)


def time_input(block_id: str, label: str, *, initial: str, tz: str | None) -> Block:
    """A required time picker input in the user's time zone, with the zone as its hint.

    Args:
        block_id: the input's id.
        label: the label above the input.
        initial: the time picked to begin with, ``HH:MM``.
        tz: the user's IANA time zone (None: unknown, and the hint says UTC).

    """
    element: dict[str, Any] = {
        "type": "timepicker",
        "action_id": VALUE,
        "initial_time": initial,
        "placeholder": {"type": "plain_text", "text": say("slack_form_pick_time")},
    }
    if tz:
        element["timezone"] = tz
    hint = say("slack_zone_hint", tz=tz) if tz else say("slack_zone_unknown")
    return _input_block(block_id, label, element, hint=hint)


def _input_block(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = ""
) -> Block:
    """An input block around ``element``, with a hint under it when there is one."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- Log a move -----------------------------------------------------------------------------
def _move_blocks(_: Opening) -> list[Block]:
    return [
        select_input(
            "kind",
            say("slack_form_log_move_kind_label"),
            [(kind, say(f"slack_form_log_move_kind_{kind}")) for kind in ("give", "get", "trade")],
            optional=False,
            initial="give",
        ),
        form_input("log_move", "item", optional=False, max_length=500, hint=True),
        form_input("log_move", "in_return", max_length=500),
        select_input("us", say("slack_form_value_to_us"), scores()),
        select_input("them", say("slack_form_value_to_them"), scores()),
        form_input("log_move", "trigger", max_length=500, hint=True),
    ]


def move_lines(values: Values) -> Lines:
    """The "Log a move" values as one ``give``/``get``/``trade``/``if`` line.

    Args:
        values: the submitted ``view.state.values``.

    Raises:
        FieldErrors: the inputs do not make a move.

    """
    kind, item = value_of(values, "kind") or "give", _one_line(value_of(values, "item"))
    in_return, trigger = (
        _one_line(value_of(values, "in_return")),
        _one_line(value_of(values, "trigger")),
    )
    errors: dict[str, str] = {}
    if not item:
        errors["item"] = say("slack_form_log_move_no_item")
    if kind == "trade" and not in_return:
        errors["in_return"] = say("slack_form_log_move_trade_no_return")
    if kind != "trade" and in_return:
        errors["in_return"] = say("slack_form_log_move_return_not_trade")
    if trigger and kind != "give":
        errors["trigger"] = say("slack_form_log_move_trigger_not_give")
    if errors:
        raise FieldErrors(errors)
    scores = " ".join(
        f"{name}={value_of(values, name)}" for name in ("us", "them") if value_of(values, name)
    )
    if kind == "trade":
        line = f"trade {item} for {in_return}"
    elif trigger:
        # The form asks "what they do"; people still often start with "they".
        line = f"if we {item}, they {_THEY.sub('', trigger)}"
    else:
        line = f"{kind} {item}"
    return [("item", f"{line} {scores}".strip())]


# -- Prepare --------------------------------------------------------------------------------
# (input, command); the input's label and placeholder are slack_form_prepare_<input>_label
# and _placeholder in the phrase library.
_PREPARE_SINGLE = (
    ("batna", "batna"),
    ("walkaway", "walkaway"),
    ("counterparty", "counterparty"),
    ("win_mine", "win mine"),
    ("win_theirs", "win theirs"),
    ("win_shared", "win shared"),
    ("rule", "rule"),
)


def _prepare_blocks(_: Opening) -> list[Block]:
    blocks: list[Block] = [section(escape(say("slack_form_prepare_intro")))]
    for key in ("batna", "walkaway"):
        blocks.append(form_input("prepare", key, max_length=500))
    blocks.append(form_input("prepare", "issues", multiline=True, max_length=2000, hint=True))
    blocks.append(form_input("prepare", "counterparty", max_length=500))
    blocks.append(form_input("prepare", "evidence", multiline=True, max_length=2000, hint=True))
    for key in ("win_mine", "win_theirs", "win_shared", "rule"):
        blocks.append(form_input("prepare", key, max_length=500))
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
    for key, command in _PREPARE_SINGLE[:2]:
        if value_of(values, key):
            lines.append((key, f"{command} {_one_line(value_of(values, key))}"))
    for key, command in (
        ("issues", "issue"),
        ("counterparty", "counterparty"),
        ("evidence", "evidence"),
    ):
        rows = [r.strip() for r in value_of(values, key).splitlines() if r.strip()]
        if key == "counterparty":
            rows = [_one_line(" ".join(rows))] if rows else []
        for number, row in enumerate(rows, 1):
            lines.append((f"{key}:{number}" if key != "counterparty" else key, f"{command} {row}"))
    for key, command in _PREPARE_SINGLE[3:]:
        if value_of(values, key):
            lines.append((key, f"{command} {_one_line(value_of(values, key))}"))
    if not lines:
        raise FieldErrors({"batna": say("slack_form_prepare_empty")})
    return lines


# -- Bundle ---------------------------------------------------------------------------------
def _bundle_blocks(_: Opening) -> list[Block]:
    return [
        form_input("bundle", "label", optional=False, max_length=20, hint=True),
        form_input("bundle", "terms", optional=False, multiline=True, max_length=2000, hint=True),
        form_input("bundle", "worth", max_length=3, hint=True),
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
        errors["label"] = say("slack_form_bundle_bad_label")
    tokens: list[str] = []
    for number, row in enumerate(value_of(values, "terms").splitlines(), 1):
        if not row.strip():
            continue
        name, eq, value = row.partition("=")
        if not eq or not name.strip() or not value.strip():
            errors["terms"] = say("slack_form_bundle_bad_term", number=number)
            break
        tokens.append(shlex.quote(f"{_one_line(name)}={_one_line(value)}"))
    if not tokens and "terms" not in errors:
        errors["terms"] = say("slack_form_bundle_no_terms")
    if worth and not (worth.isdigit() and 0 <= int(worth) <= 100):
        errors["worth"] = say("slack_form_bundle_bad_worth")
    if errors:
        raise FieldErrors(errors)
    line = f"bundle {label} {' '.join(tokens)}" + (f" worth={worth}" if worth else "")
    return [("terms", line)]


# -- Safeguards -----------------------------------------------------------------------------
# Each input is saved as the command of the same name; its label, placeholder and hint are
# slack_form_safeguards_<input>_label, _placeholder and _hint in the phrase library.
_SAFEGUARD_INPUTS = ("safeguard", "governance", "exit")


def _safeguard_blocks(_: Opening) -> list[Block]:
    blocks: list[Block] = [section(escape(say("slack_form_safeguards_intro")))]
    for key in _SAFEGUARD_INPUTS:
        blocks.append(form_input("safeguards", key, multiline=True, max_length=500, hint=True))
    return blocks


def safeguard_lines(values: Values) -> Lines:
    """The "Safeguards" values as ``safeguard``, ``governance`` and ``exit`` lines.

    Args:
        values: the submitted ``view.state.values``.

    Raises:
        FieldErrors: every field was left empty.

    """
    lines = [
        (key, f"{key} {_one_line(value_of(values, key))}")
        for key in _SAFEGUARD_INPUTS
        if value_of(values, key)
    ]
    if not lines:
        raise FieldErrors({"safeguard": say("slack_form_safeguards_empty")})
    return lines


# -- What they give back (after a give) -----------------------------------------------------
def _get_blocks(_: Opening) -> list[Block]:
    return [
        section(escape(say("slack_get_intro"))),
        form_input("log_get", "item", optional=False, max_length=500),
        select_input("us", say("slack_form_value_to_us"), scores()),
        select_input("them", say("slack_form_value_to_them"), scores()),
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
        raise FieldErrors({"item": say("slack_get_no_item")})
    scores = " ".join(
        f"{name}={value_of(values, name)}" for name in ("us", "them") if value_of(values, name)
    )
    return [("item", f"get {item} {scores}".strip())]


# -- Next meeting ---------------------------------------------------------------------------
def _meeting_blocks(opening: Opening) -> list[Block]:
    return [
        section(escape(say("slack_meeting_intro"))),
        date_input("day", say("slack_form_meeting_day_label"), initial=opening.today),
        time_input("time", say("slack_form_meeting_time_label"), initial="10:00", tz=opening.tz),
    ]


def meeting_lines(values: Values) -> Lines:
    """The picked day and time as the line one would type: ``meeting 2026-12-03 10:30``.

    Args:
        values: the submitted ``view.state.values``.

    Raises:
        FieldErrors: a day or a time is missing or malformed.

    """
    day, at = value_of(values, "day"), value_of(values, "time")
    errors: dict[str, str] = {}
    if not _DAY.fullmatch(day):
        errors["day"] = say("slack_meeting_no_day")
    if not _TIME.fullmatch(at):
        errors["time"] = say("slack_meeting_no_time")
    if errors:
        raise FieldErrors(errors)
    return [("time", f"meeting {day} {at}")]


# -- Daily prep reminder ----------------------------------------------------------------------
def _reminder_blocks(opening: Opening) -> list[Block]:
    return [
        section(escape(say("slack_reminder_intro"))),
        time_input("time", say("slack_form_reminder_time_label"), initial="08:30", tz=opening.tz),
        select_input(
            "days",
            say("slack_form_reminder_days_label"),
            [(days, say(f"slack_form_reminder_days_{days}")) for days in ("weekdays", "daily")],
            optional=False,
            initial="weekdays",
        ),
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
        raise FieldErrors({"time": say("slack_reminder_no_time")})
    return [("time", f"remind {at}" + (" daily" if days == "daily" else ""))]


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


FORMS: dict[str, Form] = {
    MOVE: Form(MOVE, _move_blocks, move_lines, "item"),
    PREPARE: Form(PREPARE, _prepare_blocks, prepare_lines, "batna"),
    BUNDLE: Form(BUNDLE, _bundle_blocks, bundle_lines, "label"),
    SAFEGUARDS: Form(SAFEGUARDS, _safeguard_blocks, safeguard_lines, "safeguard"),
    GET_BACK: Form(GET_BACK, _get_blocks, get_lines, "item"),
    MEETING: Form(MEETING, _meeting_blocks, meeting_lines, "time", zoned=True),
    REMINDER: Form(REMINDER, _reminder_blocks, reminder_lines, "time", zoned=True),
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
        text = (
            f"{say('slack_form_line', row=row)} {rejection.message}" if row else rejection.message
        )
        errors.setdefault(block, []).append(text)
    # A rejection may quote what was typed; escaped like every other text Slack may parse.
    return {block: message_text(" ".join(texts), limit=2000) for block, texts in errors.items()}


def result_view(title: str, message: Message) -> dict[str, Any]:
    """The modal a submission turns into: the coach's answer, without buttons.

    Args:
        title: the form's title.
        message: the rendered reply.

    """
    # A modal has room for the whole reply, and no "More" button to open it with; it
    # cannot hold a table block, so a table is drawn as text.
    blocks = text_tables(
        [b for b in message.expanded or message.blocks if b.get("type") != "actions"]
    )
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": say("slack_form_done")},
        "blocks": fit(blocks, MAX_VIEW_BLOCKS),
    }
