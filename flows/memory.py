"""An in-memory :class:`~flows.storage.DealSpace`: the engine's test double and scratch store.

It keeps the same contract as the SQL store (copies in and out, so the engine cannot
mutate stored state behind the store's back), which lets engine tests run without a
database.
"""

from __future__ import annotations

import copy

from flows.model import Deal, Move, MoveKind


class MemoryDealSpace:
    """One user's deals held in memory."""

    def __init__(self) -> None:
        self._deals: dict[int, Deal] = {}
        self._moves: dict[int, list[Move]] = {}
        self._active: int | None = None
        self._next_move_id = 1

    def list_deals(self) -> list[Deal]:
        """All deals, oldest first."""
        return [copy.deepcopy(d) for d in self._deals.values()]

    def get_deal(self, name: str) -> Deal | None:
        """The deal called ``name``, case-insensitively."""
        for deal in self._deals.values():
            if deal.name.lower() == name.lower():
                return copy.deepcopy(deal)
        return None

    def active_deal(self) -> Deal | None:
        """The active deal."""
        return copy.deepcopy(self._deals[self._active]) if self._active is not None else None

    def add_deal(self, deal: Deal) -> None:
        """Store a new deal."""
        deal.id = len(self._deals) + 1
        self._deals[deal.id] = copy.deepcopy(deal)
        self._moves[deal.id] = []

    def set_active(self, deal: Deal) -> None:
        """Make ``deal`` active."""
        self._active = deal.id

    def save_deal(self, deal: Deal) -> None:
        """Write the deal back."""
        assert deal.id is not None
        self._deals[deal.id] = copy.deepcopy(deal)

    def add_move(self, deal: Deal, move: Move) -> None:
        """Append a move."""
        assert deal.id is not None
        moves = self._moves[deal.id]
        move.id = self._next_move_id
        self._next_move_id += 1
        move.seq = len(moves) + 1
        moves.append(copy.deepcopy(move))

    def save_move(self, deal: Deal, move: Move) -> None:
        """Write a changed move back."""
        assert deal.id is not None
        moves = self._moves[deal.id]
        moves[move.seq - 1] = copy.deepcopy(move)

    def last_unpaired_give(self, deal: Deal) -> Move | None:
        """The latest unpaired give."""
        assert deal.id is not None
        for move in reversed(self._moves[deal.id]):
            if move.is_unpaired_give:
                return copy.deepcopy(move)
        return None

    def recent_moves(
        self, deal: Deal, limit: int, kinds: tuple[MoveKind, ...] | None = None
    ) -> list[Move]:
        """The last ``limit`` moves, oldest first."""
        assert deal.id is not None
        moves = [m for m in self._moves[deal.id] if kinds is None or m.kind in kinds]
        return [copy.deepcopy(m) for m in moves[-limit:]] if limit > 0 else []
