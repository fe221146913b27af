"""Close and after: safeguards, governance, exit paths and the debrief."""

from __future__ import annotations

from flows.commands import command
from flows.detectors import Detectors
from flows.model import Clause
from flows.turn import Turn, require_text
from flows.vocabulary import FINAL_PHASES


@command("safeguard", "contingency", "sla", form="safeguards")
def handle_safeguard(turn: Turn, args: str) -> None:
    """Add a contingent term; it needs a measurable trigger and a remedy.

    A vague one is kept (it is still the user's note) but not counted as sound; the reply
    says which half is missing and offers the question that fills it in.
    """
    text = require_text(args, "safeguard")
    reading = Detectors(turn.lib).read_safeguard(text)
    missing = reading.missing
    if missing:
        turn.warn("vague_safeguard", text=text, missing=missing)
    turn.touch().safeguards.append(Clause(text=text, sound=not missing))
    turn.say("safeguard_added", missing=missing, count=len(turn.active.safeguards))
    if reading.trigger is None:
        turn.lines.append(turn.lib.reply("safeguard_ask_trigger"))
    if reading.remedy is None:
        turn.lines.append(turn.lib.reply("safeguard_ask_remedy"))


@command("governance", "cadence", form="safeguards")
def handle_governance(turn: Turn, args: str) -> None:
    """Add governance: review cadence, metrics, change process."""
    text = require_text(args, "governance")
    deferral = Detectors(turn.lib).deferral(text)
    if deferral is not None:
        turn.warn("governance_deferred", phrase=deferral, part="governance")
    turn.touch().governance.append(Clause(text=text, sound=deferral is None))
    turn.say("governance_added", sound=deferral is None)


@command("exit", "offramp", "termination", form="safeguards")
def handle_exit(turn: Turn, args: str) -> None:
    """Add an exit path that does not destroy value already created; "TBD" is no exit path."""
    text = require_text(args, "exit path")
    deferral = Detectors(turn.lib).deferral(text)
    if deferral is not None:
        turn.warn("governance_deferred", phrase=deferral, part="exit")
    turn.touch().exits.append(Clause(text=text, sound=deferral is None))
    turn.say("exit_added", sound=deferral is None)


@command("debrief", "lesson", "retro")
def handle_debrief(turn: Turn, args: str) -> None:
    """Add a debrief note; with no text, show the debrief prompts."""
    if not args.strip():
        turn.say("debrief_prompts")
        turn.lines.extend(turn.lib.render(p) for p in turn.lib.guides.debrief)
        return
    deal = turn.touch()
    deal.debriefs.append(require_text(args, "debrief note"))
    turn.say("debrief_added", count=len(deal.debriefs), reviewing=deal.phase in FINAL_PHASES)
