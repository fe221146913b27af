"""Queued messages as Slack blocks: the daily prep, the weekly digest, nudges, team notes.

The outbox stores front-neutral JSON (see :mod:`bot.store.deliveries`); this renders it.
User text is escaped; only the user ids the payload lists as ``people`` become mentions,
so a note that contains ``@U123`` or ``<!channel>`` cannot ping anyone.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.slack.blocks import (
    MAX_BUTTONS,
    STEP_ACTION,
    Block,
    Message,
    button,
    context,
    escape,
    fit,
    header,
    section,
    step_label,
    truncate,
    validate,
    with_mentions,
)
from bot.slack.safe import message_text
from flows.engine import default_library

# A button that switches to a deal, then runs its step (opening the step's form when the
# step needs details). Its value is JSON: {"deal": ..., "step": ...}.
FIX_ACTION = "deal_fix"
FIX_ACTION_PATTERN = re.compile(rf"^{FIX_ACTION}:\d+$")
SNOOZE_STEP = "remind snooze"
MAX_NOTICE_BLOCKS = 40
MAX_NOTICE_TEXT = 300


def _say(key: str, /, **values: Any) -> str:
    """A notice's words from the phrase library."""
    return default_library().reply(key, **values)


def fix_value(deal: str, step: str) -> str:
    """A fix button's value."""
    return json.dumps({"deal": deal, "step": step})


def parse_fix_value(value: str) -> tuple[str, str] | None:
    """The (deal, step) a fix button carries, or None when the value is not one."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    deal, step = data.get("deal"), data.get("step")
    if not isinstance(deal, str) or not isinstance(step, str) or not step:
        return None
    return deal, step


def render_delivery(kind: str, payload: dict[str, Any]) -> Message:
    """The Slack message for a queued delivery.

    Args:
        kind: ``prep``, ``digest``, ``nudge`` or ``team``.
        payload: the stored JSON.

    """
    people = [str(p) for p in payload.get("people", [])]
    if kind in ("prep", "digest"):
        blocks = _brief_blocks(payload, people, snooze=kind == "prep")
        text = str(payload.get("heading", ""))
    else:
        text = str(payload.get("text", ""))
        blocks = [section(with_mentions(text, people))]
        blocks += [context(escape(f"Try: {line}")) for line in payload.get("lines", [])[:2]]
        steps = [s for s in payload.get("steps", []) if s]
        if steps and payload.get("deal"):
            blocks.append(
                {
                    "type": "actions",
                    "block_id": "fixes",
                    "elements": [
                        button(
                            step_label(step),
                            f"{FIX_ACTION}:{i}",
                            fix_value(str(payload["deal"]), step),
                            primary=i == 0,
                        )
                        for i, step in enumerate(steps[:MAX_BUTTONS])
                    ],
                }
            )
        elif steps:
            # No deal to switch to (a team invite: Accept, Decline): plain commands, run
            # for whoever clicks, like any next-step button.
            blocks.append(
                {
                    "type": "actions",
                    "block_id": "steps",
                    "elements": [
                        button(step_label(step), f"{STEP_ACTION}:{i}", step, primary=i == 0)
                        for i, step in enumerate(steps[:MAX_BUTTONS])
                    ],
                }
            )
    blocks = fit(blocks, MAX_NOTICE_BLOCKS)
    validate(blocks)
    # The notification text is parsed like the blocks: escaped the same way, by one function.
    return Message(message_text(text, people, limit=MAX_NOTICE_TEXT), blocks)


def _brief_blocks(payload: dict[str, Any], people: list[str], *, snooze: bool) -> list[Block]:
    blocks: list[Block] = [header(str(payload.get("heading", "")))]
    for item in payload.get("items", []):
        blocks.append(section(with_mentions(str(item.get("text", "")), people)))
        if item.get("line"):
            blocks.append(context(escape(f"{_say('slack_notice_try')} {item['line']}")))
        step, deal = str(item.get("step") or ""), str(item.get("deal") or "")
        if step.startswith("nudge "):
            # A manager's step: a plain command, it must not switch to the rep's deal.
            blocks.append(
                {
                    "type": "actions",
                    "elements": [
                        button(
                            _say("slack_notice_nudge", deal=truncate(deal, 30)),
                            f"{STEP_ACTION}:0",
                            step,
                        )
                    ],
                }
            )
        elif step and deal:
            label = f"{step_label(step)} ({truncate(deal, 30)})"
            blocks.append(
                {
                    "type": "actions",
                    "elements": [button(label, f"{FIX_ACTION}:0", fix_value(deal, step))],
                }
            )
    if snooze:
        blocks.append(
            {
                "type": "actions",
                "block_id": "reminder",
                "elements": [
                    button(step_label(SNOOZE_STEP), f"{STEP_ACTION}:0", SNOOZE_STEP),
                    button(step_label("remind off"), f"{STEP_ACTION}:1", "remind off"),
                ],
            }
        )
    return blocks
