"""Phase commands: next, back, signed, walk, checklist."""

from __future__ import annotations

from flows.commands import BadArguments, NotNow, command
from flows.gaps import exit_gaps
from flows.phase_machine import PhaseChangeRefused, can_fire, fire
from flows.turn import Turn


def introduce_phase(turn: Turn) -> None:
    """Explain the deal's (new) phase: purpose, principle, checklist, and opening lines."""
    deal = turn.active
    text = turn.lib.phase(deal.phase)
    facts = turn.facts()
    turn.say(
        "phase_intro",
        title=turn.lib.render(text.title, **facts),
        tagline=turn.lib.render(text.tagline, **facts),
        focus=turn.lib.render(text.focus[deal.context], **facts),
    )
    turn.detail(
        "phase_background",
        purpose=turn.lib.render(text.purpose, **facts),
        principle=turn.lib.render(text.principle, **facts),
        checklist=[turn.lib.render(item, **facts) for item in text.checklist],
    )
    for topic in turn.lib.default_topics(deal.phase)[:1]:
        turn.add_script(topic, limit=2)
    turn.suggest(*turn.lib.phase(deal.phase).next_steps)


def _anyway(args: str, command_name: str) -> bool:
    word = args.strip().lower()
    if word in ("", "anyway", "anyways", "regardless", "now", "!"):
        return word not in ("",)
    raise BadArguments(f"`{command_name}` takes nothing or `anyway`.")


def _move(turn: Turn, trigger: str, anyway: bool, retry: str) -> None:
    """Leave the phase with ``trigger`` unless gaps are open and the user did not insist."""
    deal = turn.active
    gaps = exit_gaps(deal)
    for code, values in gaps:
        turn.warn(code, **values)
    if gaps and not anyway:
        turn.say(
            "phase_blocked", phase=turn.lib.phase(deal.phase).title, count=len(gaps), retry=retry
        )
        turn.suggest(retry)
        return
    try:
        new_phase = fire(deal.phase, trigger)
    except PhaseChangeRefused:  # pragma: no cover - callers check can_fire first
        raise NotNow(turn.lib.reply("phase_cannot_move")) from None
    if gaps:
        turn.say("phase_forced", count=len(gaps))
    turn.touch().phase = new_phase
    introduce_phase(turn)


@command("next", "forward", "advance")
def handle_next(turn: Turn, args: str) -> None:
    """Move one phase forward (close -> review is the same as `signed`)."""
    anyway = _anyway(args, "next")
    phase = turn.active.phase
    if phase == "close":
        _move(turn, "sign", anyway, "next anyway")
    elif can_fire(phase, "advance"):
        _move(turn, "advance", anyway, "next anyway")
    else:
        raise NotNow(turn.lib.reply(f"no_next_from_{phase}"))


@command("back", "previous", "prev", "resume")
def handle_back(turn: Turn, args: str) -> None:
    """Move one phase back, or resume a deal you walked away from."""
    if args.strip():
        raise BadArguments("`back` takes no arguments.")
    deal = turn.active
    if deal.phase == "walked_away":
        resume_to = deal.walked_from or "setup"
        new_phase = fire(deal.phase, f"resume_{resume_to}")
        deal = turn.touch()
        deal.walked_from, deal.walk_reason = None, ""
        turn.say("walk_undone")
    elif can_fire(deal.phase, "retreat"):
        new_phase = fire(deal.phase, "retreat")
        deal = turn.touch()
    else:
        raise NotNow(turn.lib.reply("no_back_from_setup"))
    deal.phase = new_phase
    introduce_phase(turn)


@command("signed", "sign", "signature")
def handle_signed(turn: Turn, args: str) -> None:
    """Record the signature: close -> review."""
    anyway = _anyway(args, "signed")
    if turn.active.phase != "close":
        raise NotNow(
            turn.lib.reply("sign_only_at_close", phase=turn.lib.phase(turn.active.phase).title)
        )
    _move(turn, "sign", anyway, "signed anyway")


@command("walk", "walkout", "walk-away-now", "abandon")
def handle_walk(turn: Turn, args: str) -> None:
    """Walk away from the deal, from any phase before review."""
    deal = turn.active
    if deal.is_practice:  # a rehearsal ends with its debrief
        from flows.handlers.practice import practice_walk

        practice_walk(turn)
        return
    if not can_fire(deal.phase, "walk"):
        raise NotNow(turn.lib.reply("walk_not_now", phase=turn.lib.phase(deal.phase).title))
    reason = args.strip()[:500]
    deal = turn.touch()
    deal.walked_from, deal.walk_reason = deal.phase, reason
    deal.phase = fire(deal.phase, "walk")
    turn.say("walked", reason=reason, batna=deal.batna)
    introduce_phase(turn)
    turn.lines.append(turn.lib.render(turn.lib.guides.refusal))


@command("checklist", "todo", "gaps", reads_only=True)
def handle_checklist(turn: Turn, args: str) -> None:
    """The current phase's checklist and what is still open."""
    deal = turn.active
    text = turn.lib.phase(deal.phase)
    facts = turn.facts()
    gaps = exit_gaps(deal)
    for code, values in gaps:
        turn.warn(code, **values)
    turn.say(
        "checklist",
        title=turn.lib.render(text.title, **facts),
        count=len(text.checklist),
        open=len(gaps),
    )
    turn.detail(
        "checklist_items",
        principle=turn.lib.render(text.principle, **facts),
        checklist=[turn.lib.render(item, **facts) for item in text.checklist],
    )
    turn.suggest(*turn.lib.phase(deal.phase).next_steps)
