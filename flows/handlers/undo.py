"""`undo`: take back the user's last change to the active deal, then the one before, ...

Every change is journaled with what it replaced (see :mod:`flows.journal`), so undoing is
restoring a snapshot in the command's one transaction, never recomputing counters.
"""

from __future__ import annotations

from flows import journal
from flows.commands import BadArguments, command
from flows.turn import Turn


@command("undo", needs_deal=True)
def handle_undo(turn: Turn, args: str) -> None:
    """Reverse the latest journaled change to the active deal."""
    if args.strip():
        raise BadArguments("`undo` takes no arguments; say it again to go further back.")
    deal = turn.active
    entry = turn.space.last_journal_entry(deal)
    if entry is None:
        turn.say("undo_nothing", deal=deal.name)
        return
    phase_before = deal.phase
    journal.undo(turn.space, turn.touch(), entry)
    moved = deal.phase != phase_before
    turn.say("undone", label=entry.label, phase=turn.lib.phase(deal.phase).title if moved else "")
    turn.suggest("undo", "status")
