"""The coach as the fronts see it: lines from one user in, one outcome out.

This is the only place that joins the engine and the store, for every front:
:meth:`CoachService.run` opens the user's transaction, updates their time zone, opens
their deal space and runs the engine. Each call is one transaction: a reply commits, a
rejection rolls back, and a database that keeps failing becomes a clear rejection rather
than a traceback. A front that keeps rows of its own (Slack: the event id, the inbox row,
the rendered reply) writes them in that same transaction through ``claim`` and ``finish``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

from sqlalchemy.orm import Session

from bot.clock import Clock, system_clock
from bot.store.database import Database, StorageUnavailable
from bot.store.models import UserRow
from bot.store.people import update_time_zone
from bot.store.space import SqlDealSpace
from flows.engine import Engine
from flows.model import Deal
from flows.replies import Outcome, Rejection, Reply, merge_replies

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Asker:
    """Who runs lines, and what their front knows of them."""

    workspace_id: str
    user_id: str
    # Their IANA time zone when the front knows it (None: the stored one).
    tz: str | None = None
    # Whether they administer the workspace (may assign managers).
    is_admin: bool = False
    # For a line written in a Slack DM, its thread ("" at the DM's top level): rehearsals
    # are kept apart, each in its own thread. None for a line from anywhere else.
    dm_thread: str | None = None


# The front's own writes in the same transaction: ``claim`` runs first and says whether
# to act at all (False: the request was acted on already, nothing more is written);
# ``finish`` runs after the engine with its single outcome (not with a form's rejections)
# and returns what the front delivers once the transaction committed.
Claim = Callable[[Session], bool]
Finish = Callable[[Session, Outcome], T]
# A form's lines that were refused, by the input each came from; nothing was stored.
Rejections = dict[str, Rejection]


class NotActed:
    """What :meth:`CoachService.run` returns when the front's claim said not to act."""


NOT_ACTED: Final = NotActed()


class CoachService:
    """Runs commands for users against the database: the one door into engine and store."""

    def __init__(
        self, database: Database, engine: Engine | None = None, clock: Clock = system_clock
    ):
        self.database = database
        self.engine = engine or Engine()
        self.clock = clock

    def run(
        self,
        asker: Asker,
        lines: str | Sequence[tuple[str, str]],
        *,
        recap: bool = False,
        claim: Claim | None = None,
        finish: Finish[T] | None = None,
    ) -> Outcome | Rejections | T | NotActed:
        """Run lines for a user in one transaction; never raises for bad input or an outage.

        Args:
            asker: who runs them.
            lines: one line; or ``(key, line)`` pairs run all-or-nothing (a form's fields),
                each in its own savepoint, the key naming the input a rejection belongs to.
            recap: the pairs' lines are a confirmed call recap, run as one change.
            claim: the front's first write (see :data:`Claim`). With a claim the engine's
                writes run in a savepoint, so a refused line still keeps the claim.
            finish: the front's last writes (see :data:`Finish`).

        Returns:
            ``finish``'s result for a single outcome when given, else the outcome (a form's
            merged reply); a form's rejections; :data:`NOT_ACTED` when the claim said so;
            or the rejection that reports a database outage or a bug.

        """
        now = self.clock()
        label = lines if isinstance(lines, str) else " / ".join(line for _, line in lines)

        def work(session: Session, user: UserRow) -> tuple[Any, bool]:
            if claim is not None and not claim(session):
                return NOT_ACTED, False
            space = self._open_space(session, user, asker, now)
            savepoint = session.begin_nested() if claim is not None else None
            outcome = self._run_lines(session, space, lines, now, recap=recap)
            accepted = not isinstance(outcome, Rejection | dict)
            if savepoint is not None:
                (savepoint.commit if accepted else savepoint.rollback)()
            if isinstance(outcome, dict):
                return outcome, claim is not None
            result = finish(session, outcome) if finish is not None else outcome
            return result, accepted or claim is not None

        return self.transaction(asker.workspace_id, asker.user_id, work, now, line=label)

    def handle(
        self,
        workspace_id: str,
        user_id: str,
        line: str,
        *,
        tz: str | None = None,
        is_admin: bool = False,
    ) -> Outcome:
        """Run ``line`` for the user (see :meth:`run`): the terminal's way in."""
        outcome = self.run(Asker(workspace_id, user_id, tz=tz, is_admin=is_admin), line)
        assert isinstance(outcome, Reply | Rejection)
        return outcome

    def handle_batch(
        self, workspace_id: str, user_id: str, lines: Sequence[str], *, tz: str | None = None
    ) -> Outcome:
        """Run a confirmed call recap: every reading as one change, or nothing at all.

        Args:
            workspace_id: the workspace (``local`` in the terminal).
            user_id: the user.
            lines: the canonical command lines the recap reply listed (minus dropped ones).
            tz: the user's IANA time zone when the front knows it.

        """
        outcome = self.run(
            Asker(workspace_id, user_id, tz=tz), [("recap", line) for line in lines], recap=True
        )
        assert isinstance(outcome, Reply | Rejection)
        return outcome

    def _open_space(
        self, session: Session, user: UserRow, asker: Asker, now: datetime
    ) -> SqlDealSpace:
        update_time_zone(session, user, asker.tz, now)
        space = SqlDealSpace(
            session, user, is_admin=asker.is_admin, practice_apart=asker.dm_thread is not None
        )
        if asker.dm_thread:
            space.focus_thread(asker.dm_thread)
        return space

    def _run_lines(
        self,
        session: Session,
        space: SqlDealSpace,
        lines: str | Sequence[tuple[str, str]],
        now: datetime,
        *,
        recap: bool,
    ) -> Outcome | Rejections:
        if isinstance(lines, str):
            return self.engine.handle(lines, space, now)
        if recap:
            return self.engine.handle_batch([line for _, line in lines], space, now)
        rejections: Rejections = {}
        replies: list[Reply] = []
        for key, line in lines:
            savepoint = session.begin_nested()
            outcome = self.engine.handle(line, space, now)
            if isinstance(outcome, Rejection):
                savepoint.rollback()
                rejections[key] = outcome
            else:
                savepoint.commit()
                replies.append(outcome)
        if rejections or not replies:
            return rejections
        return merge_replies(replies)

    def overview(self, workspace_id: str, user_id: str) -> tuple[list[str], Deal | None]:
        """The user's deal names and active deal, read-only (for prompts and completion).

        Args:
            workspace_id: the workspace (``local`` in the terminal).
            user_id: the user.

        """

        def work(session: Session, user: UserRow) -> tuple[tuple[list[str], Deal | None], bool]:
            space = SqlDealSpace(session, user)
            return ([d.name for d in space.list_deals()], space.active_deal()), False

        found = self.transaction(workspace_id, user_id, work, self.clock(), line="overview")
        return ([], None) if isinstance(found, Rejection) else found

    def transaction(
        self,
        workspace_id: str,
        user_id: str,
        work: Callable[[Session, UserRow], tuple[T, bool]],
        now: datetime,
        *,
        line: str,
    ) -> T | Rejection:
        """Run ``work`` in the user's transaction; a failure becomes a clear rejection.

        Fronts that need their own rows in the same transaction (Slack's event ids) pass
        their own ``work``; ``line`` only labels the log entry if something breaks.
        """
        try:
            return self.database.for_user(workspace_id, user_id, work, now)
        except StorageUnavailable:
            log.exception("database unavailable for %s/%s", workspace_id, user_id)
            return Rejection(
                code="storage_unavailable",
                message=self.engine.lib.reply("storage_unavailable"),
            )
        except Exception:  # a bug: log it for us, show the user a sentence, not a trace
            # The command word only: what the user wrote after it stays out of the logs.
            log.exception(
                "command failed for %s/%s: %r", workspace_id, user_id, line.split(" ", 1)[0][:40]
            )
            return Rejection(
                code="internal_error",
                message=self.engine.lib.reply("internal_error"),
            )


def open_service(db_arg: str | None) -> CoachService:
    """The coach service on the configured database, its schema checked (or upgraded).

    Args:
        db_arg: the ``--db`` value, if any (else ``DATABASE_URL`` or the default file).

    """
    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import SettingsError, database_settings

    db = database_settings(db_arg)
    database = Database(db.url)
    try:
        database.prepare(embedded_default=db.embedded_default)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise SettingsError(
            f"The database could not be used: {first[0] if first else exc}"
        ) from exc
    return CoachService(database)
