"""The SQL implementation of the engine's :class:`~flows.storage.DealSpace`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Select, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bot.store import journal_rows
from bot.store.mapping import copy_move, deal_of, move_of, move_values, reminder_of, utc
from bot.store.models import DealRow, MoveRow, NudgeRow, ReminderRow, UserRow
from bot.store.set_values import bound_set, set_values
from bot.store.teams import SqlTeams
from flows.changes import JournalEntry, MoveChanges
from flows.model import Deal, Move, MoveKind, Nudge
from flows.schedule import Reminder
from flows.storage import Profile

# The active deal, read by nearly every command: built once, not per call.
_USERS_DEAL = select(DealRow).where(
    DealRow.workspace_id == bindparam("workspace"),
    DealRow.user_id == bindparam("user"),
    DealRow.id == bindparam("deal"),
)
_DEAL_COLUMNS = (
    "phase",
    "facts",
    "moves_count",
    "unpaired_gives",
    "one_way_streak",
    "updated_at",
    "last_move_at",
)
_DEALS = cast(Table, DealRow.__table__)
_UPDATE_DEAL = (
    update(_DEALS).where(_DEALS.c.id == bindparam("deal")).values(bound_set(_DEAL_COLUMNS))
)
_MOVES = cast(Table, MoveRow.__table__)
_INSERT_MOVE = insert(_MOVES).returning(_MOVES.c.id)


class SqlDealSpace:
    """One user's deals inside the caller's open session (one transaction).

    With ``practice_apart`` (a Slack DM, where each rehearsal has its own thread), a
    practice deal is never made the user's active deal: starting one only focuses this
    space on it, and :meth:`focus_thread` focuses a line written in a rehearsal's thread
    on that rehearsal. Lines elsewhere keep working on the user's real active deal.
    """

    def __init__(
        self,
        session: Session,
        user: UserRow,
        *,
        is_admin: bool = False,
        practice_apart: bool = False,
    ):
        self._session = session
        self._user = user
        self._is_admin = is_admin
        self._rows: dict[int, DealRow] = {}
        self._changes = MoveChanges()
        self._practice_apart = practice_apart
        self._focus: int | None = None

    def focus_thread(self, thread: str) -> Deal | None:
        """Focus on the practice deal played in ``thread``; None when no rehearsal is there."""
        for deal in self.list_deals(practice=True):
            if thread and deal.practice.get("thread") == thread:
                self._focus = deal.id
                return deal
        return None

    def _scoped(self) -> Select[DealRow]:
        return select(DealRow).where(
            DealRow.workspace_id == self._user.workspace_id,
            DealRow.user_id == self._user.user_id,
        )

    def list_deals(self, *, practice: bool = False) -> list[Deal]:
        """The user's real deals (or, with ``practice``, practice deals), oldest first."""
        rows = self._session.scalars(self._scoped().order_by(DealRow.id)).all()
        return [deal for deal in map(self._to_deal, rows) if deal.is_practice == practice]

    def get_deal(self, name: str) -> Deal | None:
        """The user's deal called ``name``, case-insensitively."""
        row = self._session.scalar(self._scoped().where(DealRow.name_key == name.lower()))
        return self._to_deal(row) if row else None

    def active_deal(self) -> Deal | None:
        """The user's active deal (or the rehearsal this space is focused on)."""
        wanted = self._focus if self._focus is not None else self._user.active_deal_id
        if wanted is None:
            return None
        row = self._users_row(wanted)
        return self._to_deal(row) if row else None

    def add_deal(self, deal: Deal) -> None:
        """Insert a new deal for this user."""
        now = deal.created_at or datetime.now(UTC)
        row = DealRow(
            workspace_id=self._user.workspace_id,
            user_id=self._user.user_id,
            name=deal.name,
            name_key=deal.name.lower(),
            context=deal.context,
            phase=deal.phase,
            facts=deal.facts_document(),
            moves_count=0,
            unpaired_gives=0,
            one_way_streak=0,
            created_at=now,
            updated_at=deal.updated_at or now,
        )
        self._session.add(row)
        self._session.flush()
        deal.id = row.id
        self._rows[row.id] = row

    def set_active(self, deal: Deal) -> None:
        """Point the user at ``deal`` (kept apart: a practice deal only focuses this space)."""
        if self._practice_apart and deal.is_practice:
            self._focus = deal.id
            return
        self._focus = None
        self._user.active_deal_id = deal.id

    def save_deal(self, deal: Deal) -> None:
        """Write back phase, counters and the preparation document."""
        row = self._row(deal)
        values = {
            "phase": deal.phase,
            "facts": deal.facts_document(),
            "moves_count": deal.moves_count,
            "unpaired_gives": deal.unpaired_gives,
            "one_way_streak": deal.one_way_streak,
            "updated_at": deal.updated_at or datetime.now(UTC),
            "last_move_at": deal.last_move_at,
        }
        # One Core update now, and the loaded row told it is saved: the ORM's flush of a
        # changed row at commit cost more than the statement. (A later read in this
        # session gets the row from the identity map, so it must hold the new values.)
        self._session.execute(_UPDATE_DEAL, {"deal": row.id, **set_values(values)})
        for name, value in values.items():
            set_committed_value(row, name, value)

    def add_move(self, deal: Deal, move: Move) -> None:
        """Append a move; its sequence number follows the deal's move counter."""
        assert deal.id is not None
        move.seq = deal.moves_count + 1
        # One Core insert: the ORM's unit of work cost more than the statement.
        move_id: int = self._session.execute(
            _INSERT_MOVE, {"deal_id": deal.id, "seq": move.seq, **move_values(move)}
        ).scalar_one()
        move.id = move_id
        self._changes.note_added(deal.id, move_id)

    def save_move(self, deal: Deal, move: Move) -> None:
        """Write back a move changed after it was logged."""
        row = self._session.get(MoveRow, move.id)
        if row is None or row.deal_id != deal.id:
            raise LookupError(f"move {move.id} is not in deal {deal.id}")
        self._changes.note_saved(row.deal_id, move_of(row))
        copy_move(move, row)

    def last_unpaired_give(self, deal: Deal) -> Move | None:
        """The most recent unpaired give (an index lookup, not a scan)."""
        row = self._session.scalar(
            select(MoveRow)
            .where(MoveRow.deal_id == deal.id, MoveRow.kind == "give", MoveRow.paired.is_(False))
            .order_by(MoveRow.seq.desc())
            .limit(1)
        )
        return move_of(row) if row else None

    def unpaired_gives(self, deal: Deal, limit: int) -> list[Move]:
        """The latest unpaired gives, newest first (by the same index)."""
        rows = self._session.scalars(
            select(MoveRow)
            .where(MoveRow.deal_id == deal.id, MoveRow.kind == "give", MoveRow.paired.is_(False))
            .order_by(MoveRow.seq.desc())
            .limit(max(limit, 0))
        ).all()
        return [move_of(r) for r in rows]

    def recent_moves(
        self, deal: Deal, limit: int, kinds: tuple[MoveKind, ...] | None = None
    ) -> list[Move]:
        """The last ``limit`` moves of ``kinds``, oldest first."""
        query = select(MoveRow).where(MoveRow.deal_id == deal.id)
        if kinds is not None:
            query = query.where(MoveRow.kind.in_(kinds))
        rows = self._session.scalars(query.order_by(MoveRow.seq.desc()).limit(limit)).all()
        return [move_of(r) for r in reversed(rows)]

    # -- the undo journal ----------------------------------------------------------------
    def take_move_changes(self) -> MoveChanges:
        """What was added and saved over since the last call."""
        changes, self._changes = self._changes, MoveChanges()
        return changes

    def delete_moves(self, deal: Deal, move_ids: list[int]) -> None:
        """Delete moves of the deal (the log's tail, so the others keep their seq)."""
        self._session.execute(
            delete(MoveRow).where(MoveRow.deal_id == self._row(deal).id, MoveRow.id.in_(move_ids))
        )

    def add_journal_entry(self, entry: JournalEntry, keep: int) -> None:
        """Store an entry and prune the deal's oldest beyond ``keep``."""
        journal_rows.add_entry(self._session, entry, keep)

    def last_journal_entry(self, deal: Deal) -> JournalEntry | None:
        """The deal's newest entry."""
        return journal_rows.last_entry(self._session, self._row(deal).id)

    def drop_journal_entry(self, entry: JournalEntry) -> None:
        """Delete an entry."""
        journal_rows.drop_entry(self._session, entry)

    # -- the person ----------------------------------------------------------------------
    def profile(self) -> Profile:
        """The user's time zone and reminder."""
        row = self._reminder_row()
        tz = self._user.tz or "UTC"
        reminder = reminder_of(row, tz) if row is not None else None
        return Profile(
            user_id=self._user.user_id,
            tz=tz,
            tz_known=self._user.tz is not None,
            is_admin=self._is_admin,
            reminder=reminder,
            next_due=utc(row.next_due_at) if row is not None else None,
        )

    def save_reminder(self, reminder: Reminder | None, next_due: datetime | None) -> None:
        """Store the reminder and when it is next due; None deletes it."""
        row = self._reminder_row()
        if reminder is None or next_due is None:
            if row is not None:
                self._session.delete(row)
            return
        if row is None:
            row = ReminderRow(workspace_id=self._user.workspace_id, user_id=self._user.user_id)
            self._session.add(row)
        row.at_minutes = reminder.at.hour * 60 + reminder.at.minute
        row.days = reminder.days
        row.snoozed_until = reminder.snoozed_until
        row.next_due_at = next_due
        row.lease_until = None
        row.updated_at = datetime.now(UTC)

    def _reminder_row(self) -> ReminderRow | None:
        return self._session.scalar(
            select(ReminderRow).where(
                ReminderRow.workspace_id == self._user.workspace_id,
                ReminderRow.user_id == self._user.user_id,
            )
        )

    def nudges(self, deal: Deal, limit: int) -> list[Nudge]:
        """The deal's latest nudges, oldest first."""
        rows = self._session.scalars(
            select(NudgeRow)
            .where(NudgeRow.deal_id == self._row(deal).id)
            .order_by(NudgeRow.created_at.desc(), NudgeRow.id.desc())
            .limit(limit)
        ).all()
        return [
            Nudge(r.manager_id, r.gap, r.message, utc(r.created_at) or r.created_at)
            for r in reversed(rows)
        ]

    def team(self) -> SqlTeams:
        """The workspace's teams."""
        return SqlTeams(self._session, self._user.workspace_id)

    # -- mapping -------------------------------------------------------------------------
    def _row(self, deal: Deal) -> DealRow:
        assert deal.id is not None
        row = self._rows.get(deal.id)
        if row is None:
            row = self._users_row(deal.id)
            if row is None:
                raise LookupError(f"deal {deal.id} is not this user's")
            self._rows[deal.id] = row
        return row

    def _users_row(self, deal_id: int) -> DealRow | None:
        """The row of this user's deal ``deal_id``; None if there is none (or not theirs)."""
        return self._session.scalar(
            _USERS_DEAL,
            {"workspace": self._user.workspace_id, "user": self._user.user_id, "deal": deal_id},
        )

    def _to_deal(self, row: DealRow) -> Deal:
        self._rows[row.id] = row
        return deal_of(row)
