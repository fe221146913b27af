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
from flows.gaps import Gap, exit_gaps
from flows.model import Deal
from flows.vocabulary import FINAL_PHASES
from phrases import PhraseLibrary

# Four blocks a deal, plus the header and intro, stays well inside 100 blocks a view.
MAX_DEALS_SHOWN = 20
BLOCKS_PER_DEAL = 4


def home_view(deals: list[Deal], active_id: int | None, labels: Labels,
              lib: PhraseLibrary | None = None, *,
              extra: list[Block] | None = None) -> dict[str, Any]:
    """The Home tab view for one user.

    Args:
        deals: the user's deals, oldest first.
        active_id: the id of the deal their commands act on.
        labels: titles for phase and warning codes.
        lib: the phrase library, to word the next step (optional).
        extra: blocks shown after the deals (the team and reminder part); the deals
            shown shrink so that both fit in one view.

    """
    extra = list(extra or [])[:MAX_VIEW_BLOCKS // 2]
    if not deals and lib is not None:
        return _view([header(lib.reply("slack_welcome_title")), *intro_blocks(lib), *extra])
    blocks: list[Block] = [header("Your deals")]
    if not deals:
        blocks.append(section(escape(
            "No deals yet. Start one with `/deal new <name>` in any channel, or send me "
            "`new <name>` in the Messages tab. Everything you prepare stays private to you "
            "until you `/deal share` it."
        )))
        return _view(blocks + extra)
    blocks.append(context(escape(
        "Your active deal first, then the most recently changed. Commands work as "
        "`/deal <command>` anywhere, or without `/deal` in the Messages tab; `help` lists them."
    )))
    recent = sorted(deals, key=lambda d: (d.id == active_id, _changed(d), d.id or 0),
                    reverse=True)
    # The header, the intro and the "older deals" note take three blocks.
    shown = min(MAX_DEALS_SHOWN, (MAX_VIEW_BLOCKS - len(extra) - 3) // BLOCKS_PER_DEAL)
    for deal in recent[:shown]:
        blocks.extend(deal_blocks(deal, deal.id == active_id, labels, lib))
    if len(deals) > shown:
        blocks.append(context(escape(
            f"{len(deals) - shown} older deals not shown; `deals` lists them all.")))
    return _view((blocks + extra)[:MAX_VIEW_BLOCKS])


def _changed(deal: Deal) -> float:
    when = deal.updated_at or deal.created_at
    return when.timestamp() if when is not None else 0.0


def _view(blocks: list[Block]) -> dict[str, Any]:
    return {"type": "home", "callback_id": "home", "blocks": blocks}


def deal_blocks(deal: Deal, active: bool, labels: Labels,
                lib: PhraseLibrary | None) -> list[Block]:
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
    facts = [
        "Open warnings: " + (", ".join(escape(labels.warning(code)) for code, _ in gaps)
                             if gaps else "none"),
        f"Unanswered gives: {deal.unpaired_gives}",
        "Safeguards: " + _coverage(deal),
    ]
    blocks: list[Block] = [
        {"type": "divider"},
        {"type": "section", "block_id": f"deal:{deal.id}",
         "text": {"type": "mrkdwn", "verbatim": True,
                  "text": truncate_markup(title + "\n" + "\n".join(facts), 3000)}},
        context(":arrow_right: " + escape(next_step(deal, gaps, lib))),
    ]
    if active:
        elements = [button("Status", f"{STEP_ACTION}:0", "status", primary=True),
                    button("Checklist", f"{STEP_ACTION}:1", "checklist")]
        if deal.phase not in FINAL_PHASES:
            elements += [button("Next phase", f"{STEP_ACTION}:2", "next"),
                         button("Log a move…", OPEN_FORM_ACTION, "log_move"),
                         button("Prepare…", f"{OPEN_FORM_ACTION}:prepare", "prepare"),
                         button(step_label("meeting"), f"{OPEN_FORM_ACTION}:meeting",
                                "meeting")]
    else:
        elements = [button("Make active", f"{STEP_ACTION}:0", f"use {deal.name}")]
    blocks.append({"type": "actions", "block_id": f"deal_actions:{deal.id}",
                   "elements": elements})
    return blocks


def _coverage(deal: Deal) -> str:
    sound = sum(1 for c in deal.safeguards if c.sound)
    governance = sum(1 for c in deal.governance if c.sound)
    exits = len(deal.exits)
    return (f"{sound} sound safeguard{'s' if sound != 1 else ''}, {governance} governance, "
            f"{exits} exit path{'s' if exits != 1 else ''}")


def next_step(deal: Deal, gaps: list[Gap],
              lib: PhraseLibrary | None) -> str:
    """The next thing to do on a deal, as a sentence.

    Args:
        deal: the deal.
        gaps: what still holds it in its phase (from :func:`flows.gaps.exit_gaps`).
        lib: the phrase library, to word a gap's fix (optional).

    """
    if deal.phase == "walked_away":
        return "You walked away. `back` resumes the deal; `debrief` records the lesson."
    if deal.phase == "review":
        return "Signed. Record what you learned with `debrief`."
    if gaps:
        code, values = gaps[0]
        if lib is not None:
            try:
                return lib.warning(code, **values)[1]
            except Exception:  # a phrase that cannot render must not break the Home tab
                pass
        return f"Close the gap: {code.replace('_', ' ')}."
    return "Nothing holds this phase open: move on with `next`."
