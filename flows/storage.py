"""The storage interface the engine talks to.

A :class:`DealSpace` is one user's deals inside one transaction. The shell opens the
transaction, hands the space to the engine for one command, and commits or rolls back;
the engine never sees a connection, a session or SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from flows.changes import JournalEntry, MoveChanges
from flows.model import Deal, Move, MoveKind, Nudge
from flows.schedule import Reminder


@dataclass(frozen=True)
class Profile:
    """Who is typing: their id, time zone, reminder, and whether they administer the workspace."""

    user_id: str
    tz: str = "UTC"
    # False until a front told us the zone (Slack's users.info); replies then say so.
    tz_known: bool = False
    is_admin: bool = False
    reminder: Reminder | None = None
    next_due: datetime | None = None


class TeamDirectory(Protocol):
    """Managers, their reps, team policies and nudges within one workspace.

    A manager reads their reps' deals through here, never through the reps' own spaces,
    so what a manager can see is decided in one place.
    """

    def manager_of(self, member_id: str) -> str | None:
        """The member's manager, if they have one."""
        ...

    def members_of(self, manager_id: str) -> list[str]:
        """The manager's reps, in the order they were added."""
        ...

    def set_manager(self, member_id: str, manager_id: str, added_by: str) -> None:
        """Put ``member_id`` on ``manager_id``'s team (moving them from any other team)."""
        ...

    def remove_member(self, member_id: str) -> None:
        """Take ``member_id`` off their team."""
        ...

    def deals_of(self, member_id: str) -> list[Deal]:
        """A member's real deals (no practice deals), oldest first, read-only."""
        ...

    def practice_of(self, member_id: str) -> list[Deal]:
        """A member's practice deals (rehearsals), oldest first, read-only.

        Only for scores: a manager's view reduces them to counts and joint values.
        """
        ...

    def oldest_unpaired_give(self, deal: Deal) -> Move | None:
        """The deal's oldest give with nothing received for it yet."""
        ...

    def policies(self, manager_id: str) -> dict[str, int | None]:
        """The manager's team policies that are switched on, with their values."""
        ...

    def set_policy(self, manager_id: str, code: str, value: int | None, *, on: bool) -> None:
        """Switch a team policy on (with its value) or off."""
        ...

    def add_nudge(
        self, deal: Deal, manager_id: str, gap: str, message: str, day: date, now: datetime
    ) -> bool:
        """Record a nudge; False when the deal was already nudged on ``day``."""
        ...

    # -- consent: a non-admin's `team add` is an invite until the rep accepts -------------
    def invite(self, member_id: str, manager_id: str, now: datetime) -> bool:
        """Record ``manager_id``'s invite to ``member_id``; False when one is pending."""
        ...

    def invites_to(self, member_id: str) -> list[str]:
        """The managers whose invites ``member_id`` has not answered, oldest first."""
        ...

    def invites_from(self, manager_id: str) -> list[str]:
        """The reps who have not answered ``manager_id``'s invites, oldest first."""
        ...

    def drop_invite(self, member_id: str, manager_id: str) -> bool:
        """Forget an invite (accepted, declined or withdrawn); False when there was none."""
        ...


class DealSpace(Protocol):
    """One user's deals (scoped by workspace and user) within one transaction."""

    def list_deals(self, *, practice: bool = False) -> list[Deal]:
        """The user's real deals, oldest first; with ``practice``, their practice deals."""
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

    def unpaired_gives(self, deal: Deal, limit: int) -> list[Move]:
        """The latest ``limit`` gives with nothing received for them yet, newest first."""
        ...

    def recent_moves(
        self, deal: Deal, limit: int, kinds: tuple[MoveKind, ...] | None = None
    ) -> list[Move]:
        """The last ``limit`` moves (of ``kinds``, when given), oldest first."""
        ...

    # -- the undo journal (see flows/journal.py) ----------------------------------------
    def take_move_changes(self) -> MoveChanges:
        """Moves added, and moves as they were before saved over, since the last call."""
        ...

    def delete_moves(self, deal: Deal, move_ids: list[int]) -> None:
        """Remove moves from the deal's log (the latest ones: undo takes back the tail)."""
        ...

    def add_journal_entry(self, entry: JournalEntry, keep: int) -> None:
        """Store ``entry`` (setting its ``id``); keep only the deal's latest ``keep``."""
        ...

    def last_journal_entry(self, deal: Deal) -> JournalEntry | None:
        """The deal's most recent entry, if any."""
        ...

    def drop_journal_entry(self, entry: JournalEntry) -> None:
        """Delete an entry (it has been undone)."""
        ...

    # -- the person ----------------------------------------------------------------------
    def profile(self) -> Profile:
        """The user's own settings (time zone, reminder)."""
        ...

    def save_reminder(self, reminder: Reminder | None, next_due: datetime | None) -> None:
        """Store the user's reminder and when it is next due (None switches it off)."""
        ...

    def nudges(self, deal: Deal, limit: int) -> list[Nudge]:
        """The latest nudges on ``deal``, oldest first."""
        ...

    def team(self) -> TeamDirectory:
        """The workspace's teams, as this user may use them."""
        ...
