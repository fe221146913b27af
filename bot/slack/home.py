"""The App Home tab: the user's deals with phase, open warnings, safeguards and the next step.

The view is rebuilt from the database every time (on ``app_home_opened`` and after each
command that changes something), so it cannot drift from the deals. Buttons reuse the
next-step action: their value is a command line run for the clicking user. With no deals
yet, the tab says what the app does, lines to send and how to start (the welcome's words,
:func:`bot.slack.onboarding.intro_blocks`).
"""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import (
    MAX_VIEW_BLOCKS,
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
    truncate_markup,
)
from bot.slack.onboarding import intro_blocks
from flows.engine import default_library
from flows.gaps import Gap, exit_gaps
from flows.model import Deal
from flows.vocabulary import FINAL_PHASES
from phrases import PhraseLibrary

# Four blocks a deal, plus the header and intro, stays well inside 100 blocks a view.
MAX_DEALS_SHOWN = 20
BLOCKS_PER_DEAL = 4


def home_view(
    deals: list[Deal],
    active_id: int | None,
    labels: Labels,
    lib: PhraseLibrary | None = None,
    *,
    extra: list[Block] | None = None,
) -> dict[str, Any]:
    """The Home tab view for one user.

    Args:
        deals: the user's deals, oldest first.
        active_id: the id of the deal their commands act on.
        labels: titles for phase and warning codes.
        lib: the phrase library, to word the next step (optional).
        extra: blocks shown after the deals (the team and reminder part); the deals
            shown shrink so that both fit in one view.

    """
    extra = list(extra or [])[: MAX_VIEW_BLOCKS // 2]
    if not deals and lib is not None:
        return _view([header(lib.reply("slack_welcome_title")), *intro_blocks(lib), *extra])
    words = lib or default_library()
    blocks: list[Block] = [header(words.reply("slack_home_title"))]
    if not deals:
        blocks.append(section(escape(words.reply("slack_home_no_deals"))))
        return _view(blocks + extra)
    blocks.append(context(escape(words.reply("slack_home_intro"))))
    recent = sorted(deals, key=lambda d: (d.id == active_id, _changed(d), d.id or 0), reverse=True)
    # The header, the intro and the "older deals" note take three blocks.
    shown = min(MAX_DEALS_SHOWN, (MAX_VIEW_BLOCKS - len(extra) - 3) // BLOCKS_PER_DEAL)
    for deal in recent[:shown]:
        blocks.extend(deal_blocks(deal, deal.id == active_id, labels, lib))
    if len(deals) > shown:
        blocks.append(context(escape(words.reply("slack_home_older", count=len(deals) - shown))))
    return _view((blocks + extra)[:MAX_VIEW_BLOCKS])


def _changed(deal: Deal) -> float:
    when = deal.updated_at or deal.created_at
    return when.timestamp() if when is not None else 0.0


def _view(blocks: list[Block]) -> dict[str, Any]:
    return {"type": "home", "callback_id": "home", "blocks": blocks}


def deal_blocks(deal: Deal, active: bool, labels: Labels, lib: PhraseLibrary | None) -> list[Block]:
    """One deal on the Home tab: a summary, the next step, and buttons.

    Args:
        deal: the deal.
        active: whether it is the user's active deal.
        labels: titles for phase and warning codes.
        lib: the phrase library, to word the next step (optional).

    """
    gaps = exit_gaps(deal)
    title = f"*{escape(deal.name)}* · {escape(labels.phase(deal.phase))}"
    if active:
        title += " · _active_"
    words = lib or default_library()
    facts = words.reply(
        "slack_home_facts",
        warnings=[escape(labels.warning(code)) for code, _ in gaps],
        gives=deal.unpaired_gives,
        **_coverage(deal),
    )
    blocks: list[Block] = [
        {"type": "divider"},
        {
            "type": "section",
            "block_id": f"deal:{deal.id}",
            "text": {
                "type": "mrkdwn",
                "verbatim": True,
                "text": truncate_markup(title + "\n" + facts, 3000),
            },
        },
        context(":arrow_right: " + escape(next_step(deal, gaps, lib))),
    ]
    if active:
        elements = [
            button(step_label("status"), f"{STEP_ACTION}:0", "status", primary=True),
            button(step_label("checklist"), f"{STEP_ACTION}:1", "checklist"),
        ]
        if deal.phase not in FINAL_PHASES:
            elements += [
                button(step_label("next"), f"{STEP_ACTION}:2", "next"),
                button(words.reply("slack_log_move_button"), OPEN_FORM_ACTION, "log_move"),
                button(
                    words.reply("slack_prepare_button"), f"{OPEN_FORM_ACTION}:prepare", "prepare"
                ),
                button(step_label("meeting"), f"{OPEN_FORM_ACTION}:meeting", "meeting"),
            ]
    else:
        elements = [
            button(words.reply("slack_home_make_active"), f"{STEP_ACTION}:0", f"use {deal.name}")
        ]
    blocks.append({"type": "actions", "block_id": f"deal_actions:{deal.id}", "elements": elements})
    return blocks


def _coverage(deal: Deal) -> dict[str, int]:
    return {
        "sound": sum(1 for c in deal.safeguards if c.sound),
        "governance": sum(1 for c in deal.governance if c.sound),
        "exits": len(deal.exits),
    }


def next_step(deal: Deal, gaps: list[Gap], lib: PhraseLibrary | None) -> str:
    """The next thing to do on a deal, as a sentence.

    Args:
        deal: the deal.
        gaps: what still holds it in its phase (from :func:`flows.gaps.exit_gaps`).
        lib: the phrase library, to word a gap's fix (optional).

    """
    words = lib or default_library()
    if deal.phase == "walked_away":
        return words.reply("slack_home_walked_away")
    if deal.phase == "review":
        return words.reply("slack_home_signed")
    if gaps:
        code, values = gaps[0]
        if lib is not None:
            try:
                return lib.warning(code, **values)[1]
            except Exception:  # a phrase that cannot render must not break the Home tab
                pass
        return words.reply("slack_home_close_gap", gap=code.replace("_", " "))
    return words.reply("slack_home_nothing_open")
