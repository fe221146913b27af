"""The coach as the fronts see it: one line from one user in, one outcome out.

This is the only place that joins the engine and the store. Each call is one
transaction: a reply commits, a rejection rolls back, and a database that keeps failing
becomes a clear rejection rather than a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from bot.clock import Clock, system_clock
from bot.store.database import Database, StorageUnavailable
from bot.store.models import UserRow
from bot.store.people import update_time_zone
from bot.store.space import SqlDealSpace
from flows.engine import Engine
from flows.model import Deal
from flows.replies import Outcome, Rejection, Reply

log = logging.getLogger(__name__)
T = TypeVar("T")


class CoachService:
    """Runs commands for users against the database."""

    def __init__(self, database: Database, engine: Engine | None = None,
                 clock: Clock = system_clock):
        self.database = database
        self.engine = engine or Engine()
        self.clock = clock

    def handle(self, workspace_id: str, user_id: str, line: str, *, tz: str | None = None,
               is_admin: bool = False) -> Outcome:
        """Run ``line`` for the user; never raises for bad input or a database hiccup.

        ``tz`` is the user's IANA time zone when the front knows it, and ``is_admin``
        whether they administer the workspace (may assign managers).
        """
        now = self.clock()

        def work(session: Session, user: UserRow) -> tuple[Outcome, bool]:
            update_time_zone(session, user, tz, now)
            outcome = self.engine.handle(line, SqlDealSpace(session, user, is_admin=is_admin),
                                         now)
            return outcome, isinstance(outcome, Reply)

        return self.transaction(workspace_id, user_id, work, now, line=line)

    def handle_batch(self, workspace_id: str, user_id: str, lines: Sequence[str], *,
                     tz: str | None = None) -> Outcome:
        """Run a confirmed call recap: every reading as one change, or nothing at all.

        Args:
            workspace_id: the workspace (``local`` in the terminal).
            user_id: the user.
            lines: the canonical command lines the recap reply listed (minus dropped ones).
            tz: the user's IANA time zone when the front knows it.

        """
        now = self.clock()

        def work(session: Session, user: UserRow) -> tuple[Outcome, bool]:
            update_time_zone(session, user, tz, now)
            outcome = self.engine.handle_batch(lines, SqlDealSpace(session, user), now)
            return outcome, isinstance(outcome, Reply)

        return self.transaction(workspace_id, user_id, work, now, line=" / ".join(lines))

    def overview(self, workspace_id: str, user_id: str) -> tuple[list[str], Deal | None]:
        """The user's deal names and active deal, read-only (for prompts and completion).

        Args:
            workspace_id: the workspace (``local`` in the terminal).
            user_id: the user.

        """
        def work(session: Session, user: UserRow) -> tuple[tuple[list[str], Deal | None],
                                                           bool]:
            space = SqlDealSpace(session, user)
            return ([d.name for d in space.list_deals()], space.active_deal()), False

        found = self.transaction(workspace_id, user_id, work, self.clock(), line="overview")
        return ([], None) if isinstance(found, Rejection) else found

    def transaction(
        self, workspace_id: str, user_id: str, work: Callable[[Session, UserRow], tuple[T, bool]],
        now: datetime, *, line: str,
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
                message="I could not reach the database, so nothing was saved. "
                "Please try again in a moment.",
            )
        except Exception:  # a bug: log it for us, show the user a sentence, not a trace
            # The command word only: what the user wrote after it stays out of the logs.
            log.exception("command failed for %s/%s: %r", workspace_id, user_id,
                          line.split(" ", 1)[0][:40])
            return Rejection(
                code="internal_error",
                message="Something went wrong on my side and nothing was saved. "
                "The error has been logged.",
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
        raise SettingsError(f"The database could not be used: {first[0] if first else exc}") \
            from exc
    return CoachService(database)
