"""An in-memory :class:`~flows.storage.DealSpace`: the engine's test double and scratch store.

It keeps the same contract as the SQL store (copies in and out, so the engine cannot
mutate stored state behind the store's back), which lets engine tests run without a
database.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flows.changes import JournalEntry, MoveChanges
from flows.model import Deal, Move, MoveKind, Nudge
from flows.schedule import Reminder
from flows.storage import Profile


@dataclass
class MemoryWorld:
    """Everything several in-memory users share: their spaces, teams, policies and nudges."""

    spaces: dict[str, MemoryDealSpace] = field(default_factory=dict)
    managers: dict[str, str] = field(default_factory=dict)
    policies: dict[str, dict[str, int | None]] = field(default_factory=dict)
    nudges: dict[tuple[int, date], tuple[int, Nudge]] = field(default_factory=dict)
    # Pending team invites as (rep, manager), oldest first.
    invites: list[tuple[str, str]] = field(default_factory=list)
    deal_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def space(self, user_id: str, *, tz: str = "UTC", is_admin: bool = False) -> MemoryDealSpace:
        """The user's space (made on first use)."""
        if user_id not in self.spaces:
            self.spaces[user_id] = MemoryDealSpace(user_id, world=self)
        space = self.spaces[user_id]
        space.profile_data = replace(
            space.profile_data, tz=tz, tz_known=tz != "UTC", is_admin=is_admin
        )
        return space


class MemoryTeams:
    """The in-memory :class:`~flows.storage.TeamDirectory` over a :class:`MemoryWorld`."""

    def __init__(self, world: MemoryWorld):
        self._world = world

    def manager_of(self, member_id: str) -> str | None:
        """The member's manager."""
        return self._world.managers.get(member_id)

    def members_of(self, manager_id: str) -> list[str]:
        """The manager's reps."""
        return [m for m, boss in self._world.managers.items() if boss == manager_id]

    def set_manager(self, member_id: str, manager_id: str, added_by: str) -> None:
        """Put a rep on a team."""
        self._world.managers[member_id] = manager_id

    def remove_member(self, member_id: str) -> None:
        """Take a rep off their team."""
        self._world.managers.pop(member_id, None)

    def deals_of(self, member_id: str) -> list[Deal]:
        """A rep's deals."""
        space = self._world.spaces.get(member_id)
        return space.list_deals() if space else []

    def practice_of(self, member_id: str) -> list[Deal]:
        """A rep's practice deals."""
        space = self._world.spaces.get(member_id)
        return space.list_deals(practice=True) if space else []

    def oldest_unpaired_give(self, deal: Deal) -> Move | None:
        """The deal's oldest unanswered give."""
        for space in self._world.spaces.values():
            if deal.id in space._moves:
                return next(
                    (copy.deepcopy(m) for m in space._moves[deal.id] if m.is_unpaired_give), None
                )
        return None

    def policies(self, manager_id: str) -> dict[str, int | None]:
        """The manager's policies that are on."""
        return dict(self._world.policies.get(manager_id, {}))

    def set_policy(self, manager_id: str, code: str, value: int | None, *, on: bool) -> None:
        """Switch a policy on or off."""
        rules = self._world.policies.setdefault(manager_id, {})
        if on:
            rules[code] = value
        else:
            rules.pop(code, None)

    def add_nudge(
        self, deal: Deal, manager_id: str, gap: str, message: str, day: date, now: datetime
    ) -> bool:
        """Record a nudge unless the deal had one that day."""
        assert deal.id is not None
        if (deal.id, day) in self._world.nudges:
            return False
        self._world.nudges[(deal.id, day)] = (deal.id, Nudge(manager_id, gap, message, now))
        return True

    def invite(self, member_id: str, manager_id: str, now: datetime) -> bool:
        """Record a pending invite unless one is pending."""
        if (member_id, manager_id) in self._world.invites:
            return False
        self._world.invites.append((member_id, manager_id))
        return True

    def invites_to(self, member_id: str) -> list[str]:
        """The managers who invited the rep."""
        return [boss for rep, boss in self._world.invites if rep == member_id]

    def invites_from(self, manager_id: str) -> list[str]:
        """The reps the manager invited."""
        return [rep for rep, boss in self._world.invites if boss == manager_id]

    def drop_invite(self, member_id: str, manager_id: str) -> bool:
        """Forget an invite."""
        if (member_id, manager_id) not in self._world.invites:
            return False
        self._world.invites.remove((member_id, manager_id))
        return True


class MemoryDealSpace:
    """One user's deals held in memory."""

    def __init__(self, user_id: str = "me", *, world: MemoryWorld | None = None) -> None:
        self._deals: dict[int, Deal] = {}
        self._moves: dict[int, list[Move]] = {}
        self._active: int | None = None
        self._next_move_id = 1
        self._changes = MoveChanges()
        self._journal: dict[int, list[JournalEntry]] = {}
        self._next_entry_id = 1
        self._world = world or MemoryWorld()
        self._world.spaces.setdefault(user_id, self)
        self.profile_data = Profile(user_id=user_id)

    def list_deals(self, *, practice: bool = False) -> list[Deal]:
        """Real deals (or, with ``practice``, practice deals), oldest first."""
        return [copy.deepcopy(d) for d in self._deals.values() if d.is_practice == practice]

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
        # Ids are unique across the world, as in the database: teams look deals up by id.
        deal.id = next(self._world.deal_ids)
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
        self._changes.note_added(deal.id, move.id)

    def save_move(self, deal: Deal, move: Move) -> None:
        """Write a changed move back."""
        assert deal.id is not None
        moves = self._moves[deal.id]
        self._changes.note_saved(deal.id, moves[move.seq - 1])
        moves[move.seq - 1] = copy.deepcopy(move)

    def last_unpaired_give(self, deal: Deal) -> Move | None:
        """The latest unpaired give."""
        assert deal.id is not None
        for move in reversed(self._moves[deal.id]):
            if move.is_unpaired_give:
                return copy.deepcopy(move)
        return None

    def unpaired_gives(self, deal: Deal, limit: int) -> list[Move]:
        """The latest unpaired gives, newest first."""
        assert deal.id is not None
        found = [m for m in reversed(self._moves[deal.id]) if m.is_unpaired_give]
        return [copy.deepcopy(m) for m in found[: max(limit, 0)]]

    def recent_moves(
        self, deal: Deal, limit: int, kinds: tuple[MoveKind, ...] | None = None
    ) -> list[Move]:
        """The last ``limit`` moves, oldest first."""
        assert deal.id is not None
        moves = [m for m in self._moves[deal.id] if kinds is None or m.kind in kinds]
        return [copy.deepcopy(m) for m in moves[-limit:]] if limit > 0 else []

    # -- the undo journal ----------------------------------------------------------------
    def take_move_changes(self) -> MoveChanges:
        """What was added and saved over since the last call."""
        changes, self._changes = self._changes, MoveChanges()
        return changes

    def delete_moves(self, deal: Deal, move_ids: list[int]) -> None:
        """Remove moves; they are the log's tail, so the others keep their seq."""
        assert deal.id is not None
        gone = set(move_ids)
        self._moves[deal.id] = [m for m in self._moves[deal.id] if m.id not in gone]

    def add_journal_entry(self, entry: JournalEntry, keep: int) -> None:
        """Store an entry and prune the deal's oldest beyond ``keep``."""
        entry.id = self._next_entry_id
        self._next_entry_id += 1
        entries = self._journal.setdefault(entry.deal_id, [])
        entries.append(copy.deepcopy(entry))
        del entries[:-keep]

    def last_journal_entry(self, deal: Deal) -> JournalEntry | None:
        """The deal's latest entry."""
        assert deal.id is not None
        entries = self._journal.get(deal.id)
        return copy.deepcopy(entries[-1]) if entries else None

    def drop_journal_entry(self, entry: JournalEntry) -> None:
        """Delete an entry."""
        entries = self._journal.get(entry.deal_id, [])
        self._journal[entry.deal_id] = [e for e in entries if e.id != entry.id]

    # -- the person ----------------------------------------------------------------------
    def profile(self) -> Profile:
        """The user's settings."""
        return self.profile_data

    def save_reminder(self, reminder: Reminder | None, next_due: datetime | None) -> None:
        """Store the reminder."""
        self.profile_data = replace(self.profile_data, reminder=reminder, next_due=next_due)

    def nudges(self, deal: Deal, limit: int) -> list[Nudge]:
        """The deal's latest nudges, oldest first."""
        found = sorted(
            (n for deal_id, n in self._world.nudges.values() if deal_id == deal.id),
            key=lambda n: n.created_at,
        )
        return found[-limit:] if limit > 0 else []

    def team(self) -> MemoryTeams:
        """The world's teams."""
        return MemoryTeams(self._world)
