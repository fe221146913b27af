"""What one engine call changed: the moves it touched, and the journal entry it leaves.

These are plain records shared by the store interface (:mod:`flows.storage`) and the undo
logic (:mod:`flows.journal`); keeping them here lets both use them without importing each
other.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flows.model import Move


@dataclass
class JournalEntry:
    """One undoable change to one deal."""

    deal_id: int
    label: str
    # The deal before the change, as made by :func:`deal_state` (JSON-ready).
    state: dict[str, Any]
    added_moves: list[int]
    # Moves the change altered, as they were before (JSON-ready, see :func:`move_document`).
    moves_before: list[dict[str, Any]]
    created_at: datetime
    id: int | None = None


@dataclass
class MoveChanges:
    """What the calls on a space did to the logs since it was last asked.

    Stores fill this in from ``add_move`` and ``save_move``: only they know how a move
    looked before it was saved over.
    """

    added: dict[int, list[int]] = field(default_factory=dict)
    before: dict[int, dict[int, Move]] = field(default_factory=dict)

    def note_added(self, deal_id: int, move_id: int) -> None:
        """A move was appended to the deal's log."""
        self.added.setdefault(deal_id, []).append(move_id)

    def note_saved(self, deal_id: int, stored: Move) -> None:
        """A move is about to be overwritten; ``stored`` is how it looks now."""
        assert stored.id is not None
        # The first save in a call holds the state to go back to; later ones do not.
        self.before.setdefault(deal_id, {}).setdefault(stored.id, copy.deepcopy(stored))

    def of_deal(self, deal_id: int) -> tuple[list[int], list[Move]]:
        """The deal's added move ids, and the before-state of moves it changed but did not add."""
        added = list(self.added.get(deal_id, []))
        changed = [m for i, m in self.before.get(deal_id, {}).items() if i not in added]
        return added, changed
