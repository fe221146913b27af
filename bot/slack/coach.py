"""The coach as the Slack front uses it: the service's one door, with Slack's rows in it.

Every line runs through :meth:`bot.service.CoachService.run`, in one transaction that
also holds what Slack keeps of it:

* the Events API ``event_id`` of a DM, so a retried delivery finds it and does nothing
  (recording it afterwards would leave a window where a retry acts twice; recording it
  before, in its own transaction, would drop the message if the command then failed);
* the rendered reply, for ``/deal share`` and the "More" button;
* the request's inbox row (:mod:`bot.slack.inbox`), moved to ``committed`` with the reply,
  so a request whose worker dies runs again exactly when its turn did not commit. The
  claim comes from the listener's thread; without one (a test's bare app) there is none.

The statements are the store's (:mod:`bot.store.reply_rows`, :mod:`bot.store.inbox_rows`);
this module decides when they run and how long rows are kept: old event ids and "More"
replies are pruned at most once an hour per process (the throttles live on the coach).

Like the service, it never raises for bad input or a database that keeps failing.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from bot.service import Asker, CoachService, NotActed
from bot.slack.blocks import Labels, Message, render
from bot.slack.inbox import InboxDropped, current_claim
from bot.slack.outbox import queue_notices
from bot.store.inbox_rows import commit_turn, store_reply
from bot.store.people import find_user, stored_time_zone
from bot.store.reply_rows import (
    claim_event,
    forget_slack_rows,
    keep_last_reply,
    keep_whole_reply,
    last_reply,
    prune_events,
    prune_whole_replies,
    whole_reply,
)
from bot.store.space import SqlDealSpace
from flows.model import Deal
from flows.replies import Outcome, Rejection, Reply
from flows.schedule import valid_zone

log = logging.getLogger(__name__)
T = TypeVar("T")

# Slack retries a delivery three times within about five minutes; a day is ample.
EVENT_MEMORY = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)
# How long "More" under a reply still shows the whole of it.
MORE_MEMORY = timedelta(days=7)


@dataclass(frozen=True)
class SlackTurn:
    """What one command produced: the engine's outcome and the message to send."""

    outcome: Outcome
    message: Message
    # Outbox rows the command queued for other people (its notices), to send right away.
    deliveries: tuple[int, ...] = ()

    @property
    def accepted(self) -> bool:
        """Whether the command was accepted (and so may have changed something)."""
        return isinstance(self.outcome, Reply)


class SlackCoach:
    """Runs lines for Slack users; every deal is scoped by workspace and user."""

    def __init__(self, service: CoachService, labels: Labels | None = None):
        self.service = service
        self.database = service.database
        self.engine = service.engine
        self.labels = labels or labels_from_library(service)
        # The prune throttles: when this process last pruned event ids and "More" replies.
        self._pruned_at: datetime | None = None
        self._more_pruned_at: datetime | None = None
        self._prune_lock = threading.Lock()

    # -- commands ------------------------------------------------------------------------
    def run(
        self,
        workspace_id: str,
        user_id: str,
        line: str,
        *,
        event_id: str | None = None,
        tz: str | None = None,
        is_admin: bool = False,
        dm_thread: str | None = None,
    ) -> SlackTurn | None:
        """Run one line for a user.

        Args:
            workspace_id: the Slack team (or enterprise) id.
            user_id: the Slack user id.
            line: the command line, without ``/deal``.
            event_id: the Events API delivery this line came from, if any.
            tz: the user's IANA time zone from Slack, when looked up (None: the stored one).
            is_admin: whether the user administers the workspace (may assign managers).
            dm_thread: for a line written in the DM, the thread it was written in ("" at
                the DM's top level): rehearsals are kept apart, each in its own thread
                (:mod:`bot.slack.rehearsal_threads`). None for a line from anywhere else.

        Returns:
            The turn, or None when ``event_id`` was already acted on (a retry).

        """
        asker = Asker(workspace_id, user_id, tz=tz, is_admin=is_admin, dm_thread=dm_thread)
        result = self._run(asker, line, event_id=event_id)
        assert result is None or isinstance(result, SlackTurn)
        return result

    def run_batch(
        self, workspace_id: str, user_id: str, lines: Sequence[str], *, tz: str | None = None
    ) -> SlackTurn:
        """Run a confirmed call recap as one change (one transaction, one undo).

        Args:
            workspace_id: the Slack team id.
            user_id: the Slack user id.
            lines: the readings the recap listed (a click sends them back; the engine runs
                only commands a reading may produce).
            tz: the user's IANA time zone from Slack, when looked up.

        """
        result = self._run(
            Asker(workspace_id, user_id, tz=tz), [("recap", line) for line in lines], recap=True
        )
        assert isinstance(result, SlackTurn)
        return result

    def run_all(
        self,
        workspace_id: str,
        user_id: str,
        lines: Sequence[tuple[str, str]],
        *,
        tz: str | None = None,
        is_admin: bool = False,
    ) -> SlackTurn | dict[str, Rejection]:
        """Run several lines as one all-or-nothing transaction (a modal's fields).

        Args:
            workspace_id: the Slack team id.
            user_id: the Slack user id.
            lines: ``(key, line)`` pairs; the key names the input a rejection belongs to.
            tz: the user's IANA time zone from Slack, when looked up (see :meth:`run`).
            is_admin: whether the user administers the workspace.

        Returns:
            The last line's turn when every line was accepted (the replies' warnings are
            merged into it), else every rejection by key and nothing stored.

        """
        result = self._run(Asker(workspace_id, user_id, tz=tz, is_admin=is_admin), lines)
        assert result is not None
        return result

    def run_once(
        self, workspace_id: str, user_id: str, event_id: str, lines: Sequence[tuple[str, str]] = ()
    ) -> SlackTurn | dict[str, Rejection] | None:
        """Claim an Events API delivery, then run ``lines`` all-or-nothing in that transaction.

        For an event that is not one typed line (a scoring sheet uploaded to the DM): a
        retried delivery acts once, and when a line is rejected the event stays claimed
        while every line's writes roll back.

        Args:
            workspace_id: the Slack team id.
            user_id: the Slack user id.
            event_id: the Events API delivery.
            lines: ``(key, line)`` pairs, as for :meth:`run_all`; none just claims the event.

        Returns:
            None when ``event_id`` was already acted on (a retry); else as :meth:`run_all`
            (an empty dict when there were no lines).

        """
        return self._run(Asker(workspace_id, user_id), lines, event_id=event_id)

    def _run(
        self,
        asker: Asker,
        lines: str | Sequence[tuple[str, str]],
        *,
        recap: bool = False,
        event_id: str | None = None,
    ) -> SlackTurn | dict[str, Rejection] | None:
        """Run through the service's one door, with Slack's rows in the same transaction.

        First the request's inbox row is moved to ``committed`` (:mod:`bot.slack.inbox`)
        and the event id recorded; last the reply is rendered and kept.
        """
        claim = current_claim()
        dropped = False
        now = self.service.clock()

        def claim_request(session: Session) -> bool:
            nonlocal dropped
            if claim is not None and not commit_turn(session, claim):
                dropped = True  # another worker holds the request now
                return False
            return event_id is None or self._claim_event(session, asker.workspace_id, event_id, now)

        def finish(session: Session, outcome: Outcome) -> SlackTurn:
            turn = self._finish(session, asker.workspace_id, asker.user_id, outcome, now)
            if claim is not None:
                store_reply(
                    session, claim, {"text": turn.message.text, "blocks": turn.message.blocks}
                )
            return turn

        wants_claim = claim is not None or event_id is not None
        result = self.service.run(
            asker, lines, recap=recap, claim=claim_request if wants_claim else None, finish=finish
        )
        if dropped:
            raise InboxDropped(claim.key if claim is not None else "")
        if isinstance(result, NotActed):
            return None
        if isinstance(result, Rejection):  # the service's outage or failure reply
            return self._failed(result)
        assert isinstance(result, SlackTurn | dict)
        return result

    def _failed(self, rejection: Rejection) -> SlackTurn:
        return SlackTurn(rejection, render(rejection, self.labels))

    def _finish(
        self, session: Session, workspace_id: str, user_id: str, outcome: Outcome, now: datetime
    ) -> SlackTurn:
        more_key = secrets.token_hex(12) if isinstance(outcome, Reply) else None
        turn = SlackTurn(outcome, render(outcome, self.labels, more_key=more_key))
        if more_key is not None and turn.message.expanded:
            keep_whole_reply(
                session,
                more_key,
                workspace_id,
                user_id,
                turn.message.text,
                turn.message.expanded,
                now,
            )
            self._prune_more(session, now)
        if isinstance(outcome, Reply):
            if outcome.notices:  # in this transaction: they exist exactly if it commits
                turn = replace(
                    turn, deliveries=queue_notices(session, workspace_id, outcome.notices, now)
                )
            keep_last_reply(
                session,
                workspace_id,
                user_id,
                outcome.command,
                turn.message.text,
                turn.message.blocks,
                now,
                on_sqlite=self.database.is_sqlite,
            )
        return turn

    def _claim_event(
        self, session: Session, workspace_id: str, event_id: str, now: datetime
    ) -> bool:
        """Record ``event_id``; False when it was recorded before (the delivery is a retry)."""
        claimed = claim_event(
            session, workspace_id, event_id, now, on_sqlite=self.database.is_sqlite
        )
        if claimed:
            self._prune(session, now)
        return claimed

    def _prune(self, session: Session, now: datetime) -> None:
        """Forget old event ids, at most once an hour per process."""
        with self._prune_lock:
            if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
                return
            self._pruned_at = now
        prune_events(session, now - EVENT_MEMORY)

    def _prune_more(self, session: Session, now: datetime) -> None:
        """Forget whole replies older than a week, at most once an hour per process."""
        with self._prune_lock:
            if self._more_pruned_at is not None and now - self._more_pruned_at < PRUNE_EVERY:
                return
            self._more_pruned_at = now
        prune_whole_replies(session, now - MORE_MEMORY)

    # -- reads ---------------------------------------------------------------------------
    def whole_reply(self, workspace_id: str, user_id: str, key: str) -> Message | None:
        """The whole reply behind a "More" button; None if gone or someone else's.

        Args:
            workspace_id: the Slack team id of the click.
            user_id: who clicked.
            key: the button's value.

        """
        kept = whole_reply(self.database, workspace_id, user_id, key)
        return Message(kept.text, kept.blocks) if kept is not None else None

    def last_message(self, workspace_id: str, user_id: str) -> Message | None:
        """The user's last reply as rendered, for ``share``; None before their first.

        Args:
            workspace_id: the Slack team id.
            user_id: the Slack user id.

        """
        kept = last_reply(self.database, workspace_id, user_id)
        return Message(kept.text, kept.blocks) if kept is not None else None

    def forget_workspace(self, workspace_id: str) -> int:
        """Delete the Slack front's own rows for a workspace (after an uninstall).

        Deals are the users' work and stay: reinstalling brings them back. Returns the
        number of rows deleted.

        Args:
            workspace_id: the Slack team id.

        """
        return forget_slack_rows(self.database, workspace_id)

    def time_zone(self, workspace_id: str, user_id: str) -> str | None:
        """The user's stored IANA time zone (from their last command that needed it), or None.

        Args:
            workspace_id: the Slack team id.
            user_id: the Slack user id.

        """
        with self.database.read_session() as session:
            tz = stored_time_zone(session, workspace_id, user_id)
        return tz if tz and valid_zone(tz) else None

    def deals(self, workspace_id: str, user_id: str) -> tuple[list[Deal], int | None]:
        """The user's deals (oldest first) and the active deal's id, read-only.

        Args:
            workspace_id: the Slack team id.
            user_id: the Slack user id.

        """
        with self.database.read_session() as session:
            user = find_user(session, workspace_id, user_id)
            if user is None:
                return [], None
            return SqlDealSpace(session, user).list_deals(), user.active_deal_id


def labels_from_library(service: CoachService) -> Labels:
    """Phase and warning titles from the engine's phrase library.

    Args:
        service: the coach service whose engine holds the library.

    """
    lib = service.engine.lib
    phases: dict[str, str] = {}
    from flows.vocabulary import PHASES

    for code in PHASES:
        try:
            phases[code] = lib.phase(code).title
        except (KeyError, LookupError):
            continue
    return Labels(phases=phases, warnings={code: w.title for code, w in lib.warnings.items()})
