"""Engine replies as Block Kit: header, text, one block per warning, lines, table, buttons.

Everything the engine says may carry user text (deal names, items, quoted lines), so every
``mrkdwn`` string is escaped for Slack markup through :mod:`bot.slack.safe` (``&``, ``<``,
``>`` and nothing else) and marked ``verbatim`` so Slack does not turn ``#channel`` or bare
URLs into links either; the notification ``text`` goes through the same path.
``plain_text`` objects (the header, button labels) are never parsed for mentions or links,
so they carry the text as typed.

Limits are enforced here rather than trusted: at most 50 blocks per message (100 per
view), at most 3000 characters per section. Long text is split on line boundaries; what
still does not fit is cut with a note saying so. ``slack_sdk``'s Block models check each
block's field limits in the tests (:func:`validate`), not on every reply, to keep the
per-command cost low.

A table is Slack's native ``table`` block in a message (:func:`native_table`): one per
message, at most 100 rows of 20 cells. Its cells are ``rich_text`` (literal text, never
parsed for markup; a listed person is a ``user`` element). Views (modals, the Home tab)
cannot hold one, and a table past those limits or our own size budget is drawn as
monospaced code blocks instead (:func:`table_blocks`, :func:`text_tables`); the message's
notification text carries the rows as well, for clients that cannot draw a table block.

A next-step button shows a human label from the phrase library (:func:`step_label`); its
value stays the command it runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.slack.safe import USER_ID, message_text
from bot.slack.safe import escape as escape  # re-exported: builders import it from here
from bot.slack.safe import unescape as unescape
from bot.slack.safe import with_mentions as with_mentions
from flows.engine import default_library
from flows.replies import Outcome, Rejection, Reply, Table
from flows.screens import Part, split

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_BUTTONS = 5
# The widest cell a code-block table shows; longer cells are cut there and listed in full.
MAX_TABLE_CELL = 60
# Slack's table block: one per message, at most 100 rows of at most 20 cells (documented).
MAX_TABLE_ROWS = 100
MAX_TABLE_COLUMNS = 20
# Slack publishes no cell or table size limit; these are ours. A table past them (a long
# log, an item pasted as a paragraph) is drawn as code blocks, which split and fit.
MAX_NATIVE_CELL = 500
MAX_NATIVE_TABLE_TEXT = 10_000
TABLE_BLOCK_ID = "table"
# The notification text shown in push notifications and by clients that cannot draw blocks.
MAX_FALLBACK_TEXT = 3000
# Every "likely next step" button shares this action_id prefix; the suffix keeps ids unique
# within the actions block, as Slack requires.
STEP_ACTION = "deal_step"
STEP_ACTION_PATTERN = re.compile(rf"^{STEP_ACTION}:\d+$")
# A button that opens a form (bot.slack.modals) carries the form's callback id as its value.
OPEN_FORM_ACTION = "open_form"
# A call recap waiting for confirmation: its buttons carry the readings as a JSON list.
RECAP_LOG_ACTION = "recap_log_all"
RECAP_EDIT_ACTION = "recap_edit"
RECAP_CANCEL_ACTION = "recap_cancel"
UNDO_LINE = "undo"
# A better version of the user's risky line, with "Use this instead": it runs `say <line>`.
BETTER_LINE_BLOCK = "better_line"
BETTER_LINE_ACTION = f"{STEP_ACTION}:91"
# "More" under a long reply: its value is the key of the stored full reply.
MORE_ACTION = "reply_more"
# No cut: the whole reply, as "More" shows it.
WHOLE = 10**9

Block = dict[str, Any]


@dataclass(frozen=True)
class Labels:
    """Human titles for phase and warning codes (from the phrase library, when known)."""

    phases: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)

    def phase(self, code: str | None) -> str:
        """The title of a phase code, e.g. ``first_move`` -> ``First move``."""
        if not code:
            return ""
        return self.phases.get(code) or code.replace("_", " ").capitalize()

    def warning(self, code: str) -> str:
        """The title of a warning code, e.g. ``missing_batna`` -> ``No BATNA yet``."""
        return self.warnings.get(code) or code.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Message:
    """What is sent to Slack for one outcome: blocks plus the notification text."""

    text: str
    blocks: list[Block]
    # The whole reply, for "More" (empty when the first screen is all there is).
    expanded: list[Block] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """The message as keyword arguments for ``chat.postMessage`` or a response_url."""
        return {"text": self.text, "blocks": self.blocks}


# -- text objects and blocks --------------------------------------------------------------
def mrkdwn(text: str) -> dict[str, Any]:
    """A ``mrkdwn`` text object for text that is already escaped.

    Args:
        text: escaped markup (see :func:`escape`).

    """
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain(text: str, limit: int) -> dict[str, Any]:
    """A ``plain_text`` object, cut to ``limit`` characters.

    Args:
        text: the text as typed (plain text is never parsed for mentions or links).
        limit: the field's maximum length.

    """
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


def section(text: str, block_id: str | None = None) -> Block:
    """A section for escaped markup; longer than 3000 characters, it is cut with "…".

    Every section the app sends is built here, so none can exceed Slack's limit; builders
    with long text split it first (:func:`sections`), so nothing is cut in practice.

    Args:
        text: escaped markup.
        block_id: a stable id, if the block needs one.

    """
    block: Block = {
        "type": "section",
        "text": mrkdwn(truncate_markup(text, MAX_SECTION_TEXT) or " "),
    }
    if block_id:
        block["block_id"] = block_id
    return block


def context(text: str) -> Block:
    """A context block (small grey text) for escaped markup.

    Args:
        text: escaped markup, at most 3000 characters.

    """
    return {"type": "context", "elements": [mrkdwn(truncate_markup(text, MAX_SECTION_TEXT))]}


def sections(text: str) -> list[Block]:
    """Escaped markup of any length as as many sections as it takes (split on lines).

    Args:
        text: escaped markup.

    """
    return [section(piece) for piece in split_markup(text)]


def header(text: str) -> Block:
    """A header block.

    Args:
        text: plain text; cut to 150 characters.

    """
    return {"type": "header", "text": plain(text, MAX_HEADER_TEXT)}


def button(label: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    """A button element.

    Args:
        label: plain text shown on the button.
        action_id: the id its click arrives with.
        value: what the click carries back (at most 2000 characters).
        primary: draw it as the main action.

    """
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(label, MAX_BUTTON_TEXT),
        "action_id": action_id,
        "value": value[:MAX_BUTTON_VALUE],  # callers keep values short; this only guards
    }
    if primary:
        element["style"] = "primary"
    return element


# -- long text ----------------------------------------------------------------------------
def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis when it was longer.

    Args:
        text: any text.
        limit: the maximum length of the result.

    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def truncate_markup(text: str, limit: int) -> str:
    """Escaped markup cut to ``limit`` characters without breaking an entity like ``&amp;``.

    Args:
        text: escaped markup.
        limit: the maximum length of the result.

    """
    if len(text) <= limit:
        return text
    return _safe_cut(text, limit - 1).rstrip() + "…"


def _safe_cut(text: str, limit: int) -> str:
    """The first ``limit`` characters of markup, moved back off a half-cut entity."""
    cut = text[:limit]
    amp = cut.rfind("&", max(0, limit - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut


def split_markup(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Escaped markup in pieces of at most ``limit`` characters, split on line boundaries.

    A single line longer than ``limit`` is split at a space when there is one, and never
    inside an entity.

    Args:
        text: escaped markup.
        limit: the longest piece allowed.

    """
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            head = _safe_cut(line, limit)
            space = head.rfind(" ")
            if space > limit // 2:
                head = head[:space]
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
            line = line[len(head) :].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def table_blocks(table: Table, people: Iterable[str] = ()) -> list[Block]:
    """A table as monospaced code blocks; long tables repeat the header in each block.

    A cell wider than :data:`MAX_TABLE_CELL` is cut with "…" in the table (a code block
    is unreadable once a row wraps), and the cut cells follow the table in full, one line
    each, named by their row and column, so nothing the user typed is lost.

    Args:
        table: headers and rows (cells may hold user text).
        people: user ids whose ``@<id>`` in a cell becomes a mention (the team's reps).

    """
    people = list(people)
    if people and any(f"@{p}" in cell for row in table.rows for cell in row for p in people):
        return _listed_rows(table, people)
    narrow = Table(
        [truncate(h, MAX_TABLE_CELL) for h in table.headers],
        [[truncate(cell, MAX_TABLE_CELL) for cell in row] for row in table.rows],
    )
    lines = narrow.as_text().split("\n")
    head = [escape(line) for line in lines[:2]]
    rows = [with_mentions(line, people) for line in lines[2:]]
    budget = MAX_SECTION_TEXT - len("```\n\n```")
    chunks: list[list[str]] = []
    current: list[str] = list(head)
    for row in rows:
        row = truncate_markup(row, budget - len("\n".join(head)) - 1)
        if len("\n".join([*current, row])) > budget and len(current) > len(head):
            chunks.append(current)
            current = list(head)
        current.append(row)
    chunks.append(current)
    blocks = [section("```\n" + "\n".join(chunk) + "\n```") for chunk in chunks]
    cut = [
        f"• *{escape(truncate(row[0], MAX_TABLE_CELL))}* · {escape(head)}: "
        f"{with_mentions(cell, people)}"
        for row in table.rows
        for head, cell in zip(table.headers, row, strict=True)
        if len(cell) > MAX_TABLE_CELL
    ]
    if cut:
        blocks.extend(sections("_In full:_\n" + "\n".join(cut)))
    return blocks


def _listed_rows(table: Table, people: list[str]) -> list[Block]:
    """A table naming people, one line a row: Slack shows no mentions inside code blocks."""
    lines = []
    for row in table.rows:
        cells = [
            f"{escape(head)}: {with_mentions(cell, people)}"
            if i
            else f"*{with_mentions(cell, people)}*"
            for i, (head, cell) in enumerate(zip(table.headers, row, strict=True))
            if cell not in ("", "-")
        ]
        lines.append("• " + " · ".join(cells))
    return sections("\n".join(lines))


def native_table(table: Table, people: Iterable[str] = ()) -> Block | None:
    """A table as Slack's ``table`` block, or None when it is past the limits for one.

    Every cell is ``rich_text``: its text is shown literally (Slack parses no markup in
    it), the header row in bold, and an ``@<id>`` of a listed person is a ``user`` element,
    a real mention. Long cells wrap. None (draw it with :func:`table_blocks`) when the
    table has more than 100 rows with its header, more than 20 columns, a cell longer than
    :data:`MAX_NATIVE_CELL` or more than :data:`MAX_NATIVE_TABLE_TEXT` characters in all.

    Args:
        table: headers and rows (cells may hold user text).
        people: user ids whose ``@<id>`` in a cell becomes a mention.

    """
    rows = [table.headers, *table.rows]
    cells = [cell for row in rows for cell in row]
    if (
        not table.headers
        or len(rows) > MAX_TABLE_ROWS
        or len(table.headers) > MAX_TABLE_COLUMNS
        or any(len(row) != len(table.headers) for row in rows)
        or any(len(cell) > MAX_NATIVE_CELL for cell in cells)
        or sum(len(cell) for cell in cells) > MAX_NATIVE_TABLE_TEXT
    ):
        return None
    listed = [p for p in dict.fromkeys(people) if USER_ID.fullmatch(p)]
    return {
        "type": "table",
        "block_id": TABLE_BLOCK_ID,
        "column_settings": [{"is_wrapped": True} for _ in table.headers],
        "rows": [
            [_table_cell(cell, listed, bold=i == 0) for cell in row] for i, row in enumerate(rows)
        ],
    }


def _table_cell(text: str, people: list[str], *, bold: bool = False) -> dict[str, Any]:
    """One ``rich_text`` cell: literal text runs, and listed people as ``user`` elements."""
    elements: list[dict[str, Any]] = []
    pattern = (
        re.compile(r"(?<![\w@<])@(" + "|".join(map(re.escape, people)) + r")\b") if people else None
    )
    pos = 0
    for match in pattern.finditer(text) if pattern else ():
        elements.extend(_text_run(text[pos : match.start()], bold))
        elements.append({"type": "user", "user_id": match.group(1)})
        pos = match.end()
    elements.extend(_text_run(text[pos:], bold))
    if not elements:
        elements = [{"type": "text", "text": " "}]  # Slack refuses an empty cell
    return {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": elements}]}


def _text_run(text: str, bold: bool) -> list[dict[str, Any]]:
    if not text:
        return []
    # Rich text is literal, but the last check (bot.slack.safe.guard) treats any "text"
    # as parsed: a control sequence is defused here the same way, so it finds nothing.
    run: dict[str, Any] = {"type": "text", "text": _CONTROL.sub(r"&lt;\1&gt;", text)}
    if bold:
        run["style"] = {"bold": True}
    return [run]


_CONTROL = re.compile(r"<([^<>]*)>")


def text_tables(blocks: list[Block]) -> list[Block]:
    """``blocks`` with every table block drawn as code blocks (a view cannot hold a table).

    Args:
        blocks: a message's blocks.

    """
    out: list[Block] = []
    for block in blocks:
        if block.get("type") != "table":
            out.append(block)
            continue
        people: list[str] = []
        rows = [[_cell_text(cell, people) for cell in row] for row in block.get("rows") or []]
        if rows:
            out.extend(table_blocks(Table(rows[0], rows[1:]), people))
    return out


def _cell_text(cell: dict[str, Any], people: list[str]) -> str:
    """A table cell's text as the engine wrote it (a mention back to ``@<id>``)."""
    parts: list[str] = []
    for section_ in cell.get("elements") or []:
        for element in section_.get("elements") or []:
            if element.get("type") == "user":
                people.append(str(element.get("user_id")))
                parts.append(f"@{element.get('user_id')}")
            else:
                parts.append(unescape(str(element.get("text") or "")))
    return "".join(parts).strip() if cell.get("type") == "rich_text" else str(cell.get("text", ""))


def table_text(table: Table) -> str:
    """The table as plain lines for a message's notification text (escaped by the caller).

    Args:
        table: headers and rows.

    """
    return "\n".join(
        " · ".join(cell or "-" for cell in row) for row in [table.headers, *table.rows]
    )


# -- replies ------------------------------------------------------------------------------
def step_label(step: str) -> str:
    """What a button that runs ``step`` shows: its label from the phrase library.

    ``get`` reads "What do they give back?", ``log`` "Concession log"; a line the library
    has no label for shows as typed, with a capital (it still means what it says).

    Args:
        step: the command line the button sends.

    """
    label = default_library().button_label(step)
    if label:
        return label
    step = " ".join(step.split())
    return step[:1].upper() + step[1:]


def step_buttons(steps: Iterable[str]) -> Block | None:
    """An actions block with one button per likely next command, or None without any.

    Args:
        steps: command lines such as ``next``, ``get training`` or ``script opening``.

    """
    # A click carries at most 2000 characters back; a longer line cut short would run a
    # different command, so it gets no button (the user can still type it).
    usable = dict.fromkeys(s for s in steps if s.strip() and len(s) <= MAX_BUTTON_VALUE)
    elements = [
        button(step_label(step), f"{STEP_ACTION}:{i}", step, primary=i == 0)
        for i, step in enumerate(list(usable)[:MAX_BUTTONS])
    ]
    if not elements:
        return None
    return {"type": "actions", "block_id": "next_steps", "elements": elements}


def reply_blocks(
    reply: Reply,
    labels: Labels | None = None,
    *,
    buttons: bool = True,
    limit: int = MAX_MESSAGE_BLOCKS,
    more_key: str | None = None,
    budget: int | None = None,
    native_tables: bool = True,
) -> list[Block]:
    """A reply's first screen as blocks: header, text, warnings, lines, table, buttons.

    What does not fit the first screen (see :mod:`flows.screens`) waits behind a "More"
    button when ``more_key`` names where the whole reply is kept, and is left out otherwise.

    Args:
        reply: the engine's reply.
        labels: titles for phase and warning codes.
        buttons: include the next-step buttons (not in a reply shared to a channel).
        limit: the most blocks allowed (50 in a message, 100 in a view).
        more_key: the stored whole reply's key, for the "More" button.
        budget: the first screen's characters (None: the default; :data:`WHOLE`: all).
        native_tables: a table as Slack's table block when it fits one (messages only).

    """
    labels = labels or Labels()
    screens = (
        split(reply, labels.warning) if budget is None else split(reply, labels.warning, budget)
    )
    more = budget != WHOLE and _offers_more(reply, bool(screens.more), more_key, buttons)
    blocks: list[Block] = []
    if reply.deal:
        phase = labels.phase(reply.phase)
        blocks.append(header(f"{reply.deal} · {phase}" if phase else reply.deal))
    if isinstance(reply.read_as, str) and buttons:
        blocks.append(read_as_block(reply.read_as))
    first = screens.first
    for part in first:
        if part.kind == "text":
            blocks.extend(sections(with_mentions(part.text, reply.people)))
    blocks.extend(_part_block(p) for p in first if p.kind in ("warning", "still_open"))
    quoted = "\n".join(f"> {escape(p.text)}" for p in first if p.kind == "line")
    if quoted:
        blocks.extend(sections(quoted))
    if reply.better_line:
        blocks.append(better_line_block(reply.better_line, buttons=buttons))
    if reply.table is not None and reply.table.headers:
        native = native_table(reply.table, reply.people) if native_tables else None
        blocks.extend([native] if native else table_blocks(reply.table, reply.people))
    if budget == WHOLE:
        blocks.extend(more_blocks(screens.more))
    actions = step_buttons(reply.next_steps) if buttons else None
    if more and more_key:
        actions = _with_more(actions, more_key)
    if reply.is_recap:
        blocks.extend(recap_blocks(reply.recap_lines, buttons=buttons))
        actions = None
    if not blocks:
        blocks.append(section(escape("Done.")))
    return fit(blocks, limit, tail=[actions] if actions else [])


def _offers_more(reply: Reply, has_more: bool, more_key: str | None, buttons: bool) -> bool:
    """Whether a reply's first screen gets a "More" button (a recap has its own buttons)."""
    return has_more and bool(more_key) and buttons and not reply.is_recap


def _part_block(part: Part) -> Block:
    if part.kind == "still_open":
        block = context(f":warning: Still open: *{escape(part.text)}*")
        return {**block, "block_id": f"warning:{part.code}"[:255]}
    text = f":warning: *{escape(part.text)}*\n:arrow_right: {escape(part.fix)}"
    return section(truncate_markup(text, MAX_SECTION_TEXT), block_id=f"warning:{part.code}"[:255])


def more_blocks(parts: list[Part]) -> list[Block]:
    """What "More" adds below the first screen: details, why each warning matters, lines.

    Args:
        parts: the second screen's parts (see :func:`flows.screens.split`).

    """
    blocks: list[Block] = []
    for part in parts:
        if part.kind == "detail":
            blocks.extend(sections(escape(part.text)))
        elif part.kind == "why":
            blocks.extend(sections(f"*{escape(part.text)}*: {escape(part.fix)}"))
    quoted = "\n".join(f"> {escape(p.text)}" for p in parts if p.kind == "line")
    if quoted:
        blocks.extend(sections(quoted))
    return blocks


def _with_more(actions: Block | None, more_key: str) -> Block:
    more = button("More", MORE_ACTION, more_key)
    if actions is None:
        return {"type": "actions", "block_id": "next_steps", "elements": [more]}
    elements = actions["elements"][: MAX_BUTTONS - 1]
    return {**actions, "elements": [*elements, more]}


def read_as_block(line: str) -> Block:
    """How a plain line was read, with an Undo button beside it.

    Args:
        line: the canonical command the line was read as.

    """
    block = section(f"Read as: `{escape(truncate(line, 300))}`", block_id="read_as")
    block["accessory"] = button("Undo", f"{STEP_ACTION}:90", UNDO_LINE)
    return block


def better_line_block(line: str, *, buttons: bool = True) -> Block:
    """The user's risky line said the method's way, with a "Use this instead" button.

    The click runs ``say <line>`` like a next-step button, so the line is checked and
    answered as the user's own. Slack carries at most 2000 characters back with a click:
    a line too long for that gets no button rather than a cut one (the user can copy it).

    Args:
        line: the better line (user text, escaped here; the button value is never parsed).
        buttons: include the button (not in a reply shared to a channel).

    """
    block = section(f"*Try instead:* {escape(line)}", block_id=BETTER_LINE_BLOCK)
    value = f"say {line}"
    if buttons and len(value) <= MAX_BUTTON_VALUE:
        block["accessory"] = button("Use this instead", BETTER_LINE_ACTION, value)
    return block


def recap_blocks(lines: list[str], *, buttons: bool = True) -> list[Block]:
    """A call recap's readings, numbered, with Log all / Edit / Cancel.

    The buttons carry the readings themselves (Slack keeps no state for us); the engine
    runs only the commands a reading may produce, whatever a click sends back.

    Args:
        lines: the canonical command lines, in order.
        buttons: include the buttons.

    """
    listed = "\n".join(f"{i}. `{escape(line)}`" for i, line in enumerate(lines, 1))
    blocks: list[Block] = sections(listed)
    value = json.dumps(lines)
    if buttons and len(value) > MAX_BUTTON_VALUE:
        # Slack carries at most 2000 characters back with a click: too long to log in one.
        blocks.append(context(escape(default_library().reply("slack_recap_too_long"))))
    elif buttons:
        blocks.append(
            {
                "type": "actions",
                "block_id": "recap",
                "elements": [
                    button("Log all", RECAP_LOG_ACTION, value, primary=True),
                    button("Edit", RECAP_EDIT_ACTION, value),
                    button("Cancel", RECAP_CANCEL_ACTION, "cancel"),
                ],
            }
        )
    return blocks


def rejection_blocks(rejection: Rejection) -> list[Block]:
    """A rejected command: what was wrong and, when known, the usage.

    Args:
        rejection: the engine's rejection (nothing was stored).

    """
    icon = ":thinking_face:" if rejection.choices else ":no_entry:"
    blocks = [
        section(
            truncate_markup(f"{icon} {escape(rejection.message)}", MAX_SECTION_TEXT),
            block_id=f"rejection:{rejection.code}",
        )
    ]
    if rejection.usage:
        blocks.append(context(f"Usage: `{escape(rejection.usage)}`"))
    choices = step_buttons(rejection.choices)
    if choices is not None:
        # Each button runs that reading as typed, so it means exactly what it says; none is
        # styled as the main one, so a one-way give is never the nudged default.
        choices["block_id"] = "choices"
        for element in choices["elements"]:
            element.pop("style", None)
        blocks.append(choices)
    return blocks


def fit(blocks: list[Block], limit: int, tail: list[Block] | None = None) -> list[Block]:
    """``blocks`` + ``tail`` within ``limit`` blocks; what is cut is replaced by a note.

    The tail (the buttons) is always kept, at the end.

    Args:
        blocks: the content, most important first.
        limit: the most blocks allowed.
        tail: blocks that must stay last.

    """
    tail = tail or []
    room = limit - len(tail)
    if len(blocks) <= room:
        return blocks + tail
    kept = blocks[: room - 1]
    dropped = len(blocks) - len(kept)
    note = context(
        f"_{dropped} more part{'s' if dropped != 1 else ''} not shown: "
        "try a narrower command, e.g. `log 10`._"
    )
    return [*kept, note, *tail]


def fallback_text(outcome: Outcome, labels: Labels | None = None) -> str:
    """The notification text for an outcome (escaped, at most 3000 characters).

    Args:
        outcome: the engine's reply or rejection.
        labels: titles for phase and warning codes.

    """
    labels = labels or Labels()
    if isinstance(outcome, Rejection):
        return message_text(outcome.message, limit=MAX_FALLBACK_TEXT)
    parts = []
    if outcome.deal:
        parts.append(f"{outcome.deal} · {labels.phase(outcome.phase)}: ")
    first = outcome.text.strip().split("\n", 1)[0]
    parts.append(first)
    if outcome.warnings:
        parts.append(" (" + ", ".join(labels.warning(w.code) for w in outcome.warnings) + ")")
    if outcome.table is not None and outcome.table.headers:
        # For clients that cannot draw a table block (and notifications): the rows as text.
        parts.append(". " + table_text(outcome.table).replace("\n", "; "))
    return message_text("".join(parts), outcome.people, limit=MAX_FALLBACK_TEXT)


def render(
    outcome: Outcome,
    labels: Labels | None = None,
    *,
    buttons: bool = True,
    limit: int = MAX_MESSAGE_BLOCKS,
    more_key: str | None = None,
) -> Message:
    """An outcome as a Slack message: its first screen, and the whole reply for "More".

    Args:
        outcome: the engine's reply or rejection.
        labels: titles for phase and warning codes.
        buttons: include next-step buttons.
        limit: the most blocks allowed.
        more_key: where the whole reply will be kept; None: no "More" button.

    """
    if isinstance(outcome, Rejection):
        return Message(fallback_text(outcome, labels), rejection_blocks(outcome))
    blocks = reply_blocks(outcome, labels, buttons=buttons, limit=limit, more_key=more_key)
    expanded: list[Block] = []
    titles = (labels or Labels()).warning
    if _offers_more(outcome, bool(split(outcome, titles).more), more_key, buttons):
        expanded = reply_blocks(outcome, labels, buttons=buttons, limit=limit, budget=WHOLE)
    return Message(fallback_text(outcome, labels), blocks, expanded)


def shared(message: Message, user_id: str) -> Message:
    """A stored reply as posted to a channel by ``share``: no buttons, and who shared it.

    Args:
        message: the user's last reply.
        user_id: the Slack user sharing it (a Slack id, so the mention is ours, not theirs).

    """
    blocks = [b for b in message.blocks if b.get("type") != "actions"]
    mention = f"<@{user_id}>" if re.fullmatch(r"[UW][A-Z0-9]+", user_id) else escape(user_id)
    blocks = [*fit(blocks, MAX_MESSAGE_BLOCKS - 1), context(f"Shared by {mention} from dealcoach")]
    return Message(message.text, blocks)


# -- checks (used by the tests, cheap enough for debugging in production) ------------------
def validate(
    blocks: list[Block],
    limit: int = MAX_MESSAGE_BLOCKS,
    parse: Callable[[Block], Any] | None = None,
) -> None:
    """Check blocks against slack_sdk's Block Kit models and the limits they do not check.

    Args:
        blocks: the blocks about to be sent.
        limit: the most blocks allowed (50 in a message, 100 in a view).
        parse: the parser (default ``slack_sdk.models.blocks.Block.parse``).

    Raises:
        ValueError: a block is invalid, a block id repeats, there are too many blocks or
            tables, a table is past Slack's limits, or an image has no alt text.

    """
    if parse is None:
        from slack_sdk.models.blocks import Block as SdkBlock

        parse = SdkBlock.parse
    if len(blocks) > limit:
        raise ValueError(f"{len(blocks)} blocks, more than {limit}")
    tables = [block for block in blocks if block.get("type") == "table"]
    if len(tables) > 1:
        raise ValueError("more than one table block: Slack allows one a message")
    if tables and limit != MAX_MESSAGE_BLOCKS:
        raise ValueError("a table block in a view: Slack draws tables in messages only")
    for table in tables:
        check_table(table)
    for image in _images(blocks):
        if not str(image.get("alt_text") or "").strip():
            raise ValueError(f"an image without alt text: {image!r}")
    seen: set[str] = set()
    for block in blocks:
        model = parse(block)
        if model is None:
            raise ValueError(f"not a block: {block!r}")
        model.validate_json()
        if model.to_dict() != block:
            raise ValueError(f"the block does not round-trip through slack_sdk: {block!r}")
        block_id = block.get("block_id")
        if block_id in seen:
            raise ValueError(f"block_id {block_id!r} repeats")
        if block_id:
            seen.add(block_id)
        text = block.get("text")
        if block.get("type") == "section" and text and len(text["text"]) > MAX_SECTION_TEXT:
            raise ValueError("section text longer than 3000 characters")


def check_table(block: Block) -> None:
    """Check a table block against Slack's documented limits and our own size budget.

    slack_sdk's ``TableBlock`` checks only that there are rows; this checks the rest:
    1-100 rows of 1-20 cells, every row as wide as the header, at most 20 column
    settings, and every cell a ``rich_text`` with something in it.

    Args:
        block: a ``table`` block.

    Raises:
        ValueError: naming the first problem.

    """
    rows = block.get("rows") or []
    if not 1 <= len(rows) <= MAX_TABLE_ROWS:
        raise ValueError(f"a table with {len(rows)} rows (1 to {MAX_TABLE_ROWS})")
    width = len(rows[0])
    if not 1 <= width <= MAX_TABLE_COLUMNS or any(len(row) != width for row in rows):
        raise ValueError(
            f"a table's rows must all have the header's 1 to {MAX_TABLE_COLUMNS} cells"
        )
    if len(block.get("column_settings") or []) > MAX_TABLE_COLUMNS:
        raise ValueError("more than 20 column settings")
    total = 0
    for row in rows:
        for cell in row:
            runs = [e for part in cell.get("elements") or [] for e in part.get("elements") or []]
            if (
                cell.get("type") != "rich_text"
                or not runs
                or any(e.get("type") == "text" and not e.get("text") for e in runs)
            ):
                raise ValueError(f"a table cell must be non-empty rich text: {cell!r}")
            text = _cell_text(cell, [])
            total += len(text)
            if len(text) > MAX_NATIVE_CELL:
                raise ValueError(f"a table cell longer than {MAX_NATIVE_CELL} characters")
    if total > MAX_NATIVE_TABLE_TEXT:
        raise ValueError(f"a table of more than {MAX_NATIVE_TABLE_TEXT} characters")


def _images(node: Any) -> Iterable[dict[str, Any]]:
    """Every image block or image element in ``node``, however deep."""
    if isinstance(node, dict):
        if node.get("type") == "image":
            yield node
        for value in node.values():
            yield from _images(value)
    elif isinstance(node, list):
        for item in node:
            yield from _images(item)
