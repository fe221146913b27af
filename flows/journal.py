"""The undo journal: each change to a deal is kept with what it replaced, for `undo`.

One :meth:`Engine.handle <flows.engine.Engine.handle>` call that changed the active deal
writes one :class:`JournalEntry`, in the same transaction as the change: the deal's state
before the call (phase, counters, the preparation document), the ids of the moves the
call added, and how the moves it changed looked before. ``undo`` restores that snapshot,
deletes those moves and puts the changed ones back, again in one transaction, so the
counters agree with the log without recounting anything.

The entry is per call, not per handler, because one call may run several commands (a
call recap read into several commands is one change for the user, and one undo).

This module is pure: the store only keeps entries and tells which moves a call touched.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, fields
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flows.changes import JournalEntry
from flows.model import Deal, Move

if TYPE_CHECKING:
    from flows.storage import DealSpace
    from flows.turn import Turn

# Entries kept per deal; older ones are pruned in the transaction that adds a new one.
KEEP_ENTRIES = 50
LABEL_MAX = 200
# Commands that never make an entry: `undo` itself (undoing an undo would be a redo, and
# its own writes must not become the next thing to undo), commands that switch which deal
# is active, and commands about people rather than the deal.
NOT_JOURNALED = frozenset({"undo", "new", "use", "team", "remind", "nudge"})


# -- snapshots -------------------------------------------------------------------------
def deal_state(deal: Deal) -> dict[str, Any]:
    """What a change can alter on the deal row, as a JSON-ready document."""
    return {
        "phase": deal.phase,
        "moves_count": deal.moves_count,
        "unpaired_gives": deal.unpaired_gives,
        "one_way_streak": deal.one_way_streak,
        "last_move_at": deal.last_move_at.isoformat() if deal.last_move_at else None,
        "facts": _detached(deal.facts_document()),
    }


def _detached(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with no list or dict shared with the deal, which handlers mutate.

    ``facts_document`` already builds fresh dicts for dataclass items (``asdict`` copies
    deeply); lists of text and the wins dict are the deal's own, and one level of copy
    detaches them. Much cheaper than a deep copy, and this runs on every command.
    """
    return {
        k: list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v
        for k, v in doc.items()
    }


def restore_state(deal: Deal, state: dict[str, Any]) -> None:
    """Put ``deal`` back to a state made by :func:`deal_state`."""
    deal.phase = state["phase"]
    deal.moves_count = state["moves_count"]
    deal.unpaired_gives = state["unpaired_gives"]
    deal.one_way_streak = state["one_way_streak"]
    last = state["last_move_at"]
    deal.last_move_at = datetime.fromisoformat(last) if last else None
    # load_facts leaves the walk-away alone when the document has none.
    deal.walkaway = None
    deal.load_facts(copy.deepcopy(state["facts"]))


def move_document(move: Move) -> dict[str, Any]:
    """A move as a JSON-ready document."""
    doc = asdict(move)
    doc["amount"] = str(move.amount) if move.amount is not None else None
    doc["created_at"] = move.created_at.isoformat() if move.created_at else None
    return doc


def move_from_document(doc: dict[str, Any]) -> Move:
    """The move a document made by :func:`move_document` holds."""
    known = {f.name for f in fields(Move)}
    values = {k: v for k, v in doc.items() if k in known}
    if values.get("amount") is not None:
        values["amount"] = Decimal(values["amount"])
    if values.get("created_at"):
        values["created_at"] = datetime.fromisoformat(values["created_at"])
    values["warnings"] = list(values.get("warnings") or [])
    return Move(**values)


def clean_label(line: str) -> str:
    """The line as the user typed it, on one line, without a pasted ``/deal``, trimmed."""
    text = " ".join(line.split())
    if text.lower().startswith("/deal"):
        text = text[5:].lstrip()
    return text[:LABEL_MAX]


# -- recording -------------------------------------------------------------------------
class Recorder:
    """Watches one :meth:`Engine.handle` call and journals it if it changed the active deal.

    Make it before the first handler runs, then call :meth:`finish` with every turn the
    call ran, after the deal was saved. Set :attr:`label` to name the change better than
    the typed line (a reader's canonical command, for example).
    """

    def __init__(self, space: DealSpace, deal: Deal | None, label: str, now: datetime):
        self.space = space
        self.label = label
        self.now = now
        self._deal_id = deal.id if deal is not None else None
        self._before = deal_state(deal) if deal is not None else None
        # Forget what earlier calls on a long-lived space (the in-memory one) did.
        space.take_move_changes()

    def finish(self, *turns: Turn) -> JournalEntry | None:
        """Write the entry if the call changed the deal it started on; returns it."""
        changes = self.space.take_move_changes()
        if self._deal_id is None or self._before is None:
            return None
        if not turns or any(t.command in NOT_JOURNALED for t in turns):
            return None
        added, changed = changes.of_deal(self._deal_id)
        if not (added or changed or self._altered(turns)):
            return None  # read-only, or a write that left everything as it was
        entry = JournalEntry(
            deal_id=self._deal_id,
            label=clean_label(self.label),
            state=self._before,
            added_moves=added,
            moves_before=[move_document(m) for m in changed],
            created_at=self.now,
        )
        self.space.add_journal_entry(entry, KEEP_ENTRIES)
        return entry

    def _altered(self, turns: tuple[Turn, ...]) -> bool:
        """Whether the call left the deal row different from its snapshot."""
        if not any(t.deal_changed for t in turns):
            return False  # nothing was written back, so nothing can differ
        after = next(
            (t.deal for t in reversed(turns) if t.deal is not None and t.deal.id == self._deal_id),
            None,
        )
        return after is not None and deal_state(after) != self._before


# -- undoing ---------------------------------------------------------------------------
def undo(space: DealSpace, deal: Deal, entry: JournalEntry) -> None:
    """Reverse ``entry`` on ``deal`` (the caller writes the deal back) and drop it."""
    moves_before = [move_from_document(d) for d in entry.moves_before]
    # Put changed moves back before deleting added ones: a give paired by a get logged in
    # the same call is then simply deleted.
    for move in moves_before:
        space.save_move(deal, move)
    if entry.added_moves:
        space.delete_moves(deal, entry.added_moves)
    restore_state(deal, entry.state)
    space.drop_journal_entry(entry)
