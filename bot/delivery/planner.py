"""Turn due reminders into queued messages, exactly once, with any number of workers.

Two short transactions per batch, so no lock is held while Slack is asked anything:

1. **Claim.** Due reminder rows get a lease (``lease_until``). On PostgreSQL the rows are
   picked ``FOR UPDATE SKIP LOCKED``, so two workers take different rows at the same time;
   on SQLite the ``BEGIN IMMEDIATE`` write lock makes claims take turns.
2. **Plan.** Per user, under the same row lock commands take: refresh the time zone (the
   reminder follows a traveller), decide whether today's reminder is still worth sending
   (it is, after downtime, until the user's local day ends), write the prep brief (and the
   Monday digest for a manager) into the ``deliveries`` outbox, and move ``next_due_at``
   on. The outbox's unique key (user, kind, local date) means a crash at any point, or a
   second worker with an expired lease, can never queue the same day twice.

Sending what the outbox holds is :mod:`bot.slack.sender`'s job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.store.database import Database
from bot.store.deliveries import queue_delivery
from bot.store.mapping import reminder_of, utc
from bot.store.models import ReminderRow, UserRow
from bot.store.people import update_time_zone
from bot.store.space import SqlDealSpace
from bot.store.teams import SqlTeams
from flows.briefing import Brief, daily_brief, weekly_digest
from flows.engine import default_library
from flows.schedule import latest_due, local_date, next_due, resolve_local, still_useful
from flows.team import deal_health, watched
from flows.when import format_local
from phrases import PhraseLibrary

log = logging.getLogger(__name__)

# A worker that dies mid-plan loses its claim after this; planning one user takes ms.
PLAN_LEASE = timedelta(minutes=2)
# Slack's time zone is asked again when the stored one is older than this.
TZ_REFRESH = timedelta(hours=1)
MONDAY = 0

# workspace, user -> the user's IANA zone (None when unknown); Slack's users.info in prod.
TimeZoneLookup = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class Claimed:
    """A reminder a worker holds the lease on."""

    id: int
    workspace_id: str
    user_id: str
    lease_until: datetime
    refresh_tz: bool


@dataclass
class PlanStats:
    """What one planning pass did."""

    claimed: int = 0
    queued: int = 0
    quiet: int = 0
    missed: int = 0
    moved: int = 0


class Planner:
    """Claims due reminders and queues their messages."""

    def __init__(self, database: Database, lookup_tz: TimeZoneLookup | None = None,
                 library: PhraseLibrary | None = None):
        self.database = database
        self.lookup_tz = lookup_tz
        self.lib = library or default_library()

    def run(self, now: datetime, *, batch: int = 50) -> PlanStats:
        """Plan every reminder due at ``now``, in batches, until none is left."""
        stats = PlanStats()
        while True:
            claimed = self.claim(now, batch)
            if not claimed:
                return stats
            stats.claimed += len(claimed)
            for item in claimed:
                self.plan(item, now, stats)

    def claim(self, now: datetime, limit: int) -> list[Claimed]:
        """Lease up to ``limit`` due reminders that no other worker holds."""
        lease = now + PLAN_LEASE
        with self.database.session() as session:
            query = (
                select(ReminderRow.id, ReminderRow.workspace_id, ReminderRow.user_id)
                .where(ReminderRow.next_due_at <= now,
                       or_(ReminderRow.lease_until.is_(None), ReminderRow.lease_until < now))
                .order_by(ReminderRow.next_due_at)
                .limit(limit)
            )
            if not self.database.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            rows = session.execute(query).all()
            if not rows:
                return []
            ids = [row.id for row in rows]
            session.execute(update(ReminderRow).where(ReminderRow.id.in_(ids))
                            .values(lease_until=lease))
            stale = self._tz_stale(session, rows, now)
        return [Claimed(row.id, row.workspace_id, row.user_id, lease,
                        (row.workspace_id, row.user_id) in stale) for row in rows]

    def _tz_stale(self, session: Session, rows: Sequence[Any],
                  now: datetime) -> set[tuple[str, str]]:
        if self.lookup_tz is None:
            return set()
        users = session.execute(select(UserRow.workspace_id, UserRow.user_id,
                                       UserRow.tz_checked_at).where(
            UserRow.user_id.in_({row.user_id for row in rows}))).all()
        fresh = {(u.workspace_id, u.user_id) for u in users
                 if u.tz_checked_at is not None and _aware(u.tz_checked_at) > now - TZ_REFRESH}
        return {(row.workspace_id, row.user_id) for row in rows} - fresh

    def plan(self, item: Claimed, now: datetime, stats: PlanStats) -> None:
        """Queue the claimed reminder's messages and schedule the next one."""
        tz = None
        if item.refresh_tz and self.lookup_tz is not None:
            tz = self.lookup_tz(item.workspace_id, item.user_id)

        def work(session: Session, user: UserRow) -> tuple[None, bool]:
            row = session.get(ReminderRow, item.id, with_for_update=True)
            if (row is None or row.lease_until is None
                    or _aware(row.lease_until) != item.lease_until):
                return None, False  # changed or switched off meanwhile, or another worker's now
            if update_time_zone(session, user, tz, now) and _aware(row.next_due_at) > now:
                stats.moved += 1  # the traveller's reminder is not due yet where they are
                row.lease_until = None
                return None, True
            zone = user.tz or "UTC"
            reminder = reminder_of(row, zone)
            occurrence = latest_due(reminder, now)
            if occurrence is not None and still_useful(occurrence, now, zone):
                day = local_date(occurrence, zone)
                queued = self._queue_day(session, user, zone, occurrence, now)
                stats.queued += queued
                stats.quiet += int(queued == 0)
                log.debug("planned %s/%s for %s: %d message(s)", user.workspace_id,
                          user.user_id, day, queued)
            else:
                stats.missed += 1
            row.next_due_at = next_due(reminder, now)
            row.lease_until = None
            return None, True

        self.database.for_user(item.workspace_id, item.user_id, work, now)

    def _queue_day(self, session: Session, user: UserRow, zone: str, occurrence: datetime,
                   now: datetime) -> int:
        day = local_date(occurrence, zone)
        # Anything planned for today is useless once the user's day is over.
        expires = resolve_local(day + timedelta(days=1), datetime.min.time(), zone)
        deals = SqlDealSpace(session, user).list_deals()
        labels = {}
        for deal in deals:
            if deal.meeting_at:
                labels[deal.name] = format_local(datetime.fromisoformat(deal.meeting_at),
                                                 zone, now)
        queued = 0
        brief = daily_brief(self.lib, deals, now, labels)
        if brief is not None:
            queued += queue_delivery(session, user.workspace_id, user.user_id, "prep",
                                     day.isoformat(), brief_payload(brief), occurrence,
                                     expires, now)
        if day.weekday() == MONDAY:
            digest, members = self._digest(session, user, now)
            if digest is not None:
                queued += queue_delivery(session, user.workspace_id, user.user_id, "digest",
                                         day.isoformat(), brief_payload(digest, members),
                                         occurrence, expires, now)
        return queued

    def _digest(self, session: Session, user: UserRow,
                now: datetime) -> tuple[Brief | None, list[str]]:
        teams = SqlTeams(session, user.workspace_id)
        members = teams.members_of(user.user_id)
        if not members:
            return None, []
        policies = teams.policies(user.user_id)
        team = []
        for member in members:
            rows = [deal_health(member, deal, now, teams.oldest_unpaired_give(deal), policies)
                    for deal in teams.deals_of(member)]
            team.append((member, [h for h in rows if watched(h)]))
        return weekly_digest(self.lib, team), members


def brief_payload(brief: Brief, people: list[str] | None = None) -> dict[str, Any]:
    """A brief as the JSON the outbox stores (rendered for Slack when it is sent).

    ``people`` are the user ids the text names (``@U123``), shown as mentions.
    """
    return {"heading": brief.heading, "people": list(people or []),
            "items": [{"deal": i.deal, "text": i.text, "step": i.step, "line": i.line}
                      for i in brief.items]}


def _aware(value: datetime) -> datetime:
    result = utc(value)
    assert result is not None
    return result
