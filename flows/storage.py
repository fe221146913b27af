"""The storage interface the engine talks to.

A :class:`DealSpace` is one user's deals inside one transaction. The shell opens the
transaction, hands the space to the engine for one command, and commits or rolls back;
the engine never sees a connection, a session or SQL.
"""

from __future__ import annotations

from typing import Protocol

from flows.model import Deal, Move, MoveKind


class DealSpace(Protocol):
    """One user's deals (scoped by workspace and user) within one transaction."""

    def list_deals(self) -> list[Deal]:
        """All of the user's deals, oldest first."""
        ...

    def get_deal(self, name: str) -> Deal | None:
        """The deal called ``name`` (case-insensitive), if any."""
        ...

    def active_deal(self) -> Deal | None:
        """The deal the user is working on, if any."""
        ...

    def add_deal(self, deal: Deal) -> None:
        """Store a new deal and set its ``id``."""
        ...

    def set_active(self, deal: Deal) -> None:
        """Make ``deal`` the one later commands act on."""
        ...

    def save_deal(self, deal: Deal) -> None:
        """Write back the deal's phase, counters and preparation."""
        ...

    def add_move(self, deal: Deal, move: Move) -> None:
        """Append ``move`` to the deal's log and set its ``id`` and ``seq``."""
        ...

    def save_move(self, deal: Deal, move: Move) -> None:
        """Write back a move changed after it was logged (a give that got paired)."""
        ...

    def last_unpaired_give(self, deal: Deal) -> Move | None:
        """The most recent give with nothing received for it yet."""
        ...

    def recent_moves(
        self, deal: Deal, limit: int, kinds: tuple[MoveKind, ...] | None = None
    ) -> list[Move]:
        """The last ``limit`` moves (of ``kinds``, when given), oldest first."""
        ...
