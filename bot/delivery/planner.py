"""Turn due reminders into queued messages, exactly once, with any number of workers.

Two short transactions per batch, so no lock is held while Slack is asked anything:

1. **Claim.** Due reminder rows get a lease (``lease_until``). On PostgreSQL the rows are
   picked ``FOR UPDATE SKIP LOCKED``, so two workers take different rows at the same time;
   on SQLite the ``BEGIN IMMEDIATE`` write lock makes claims take turns.
2. **Plan.** Per batch, under the row locks commands take: refresh the time zone (the
   reminder follows a traveller), decide whether today's reminder is still worth sending
   (it is, after downtime, until the user's local day ends), write the prep brief (and the
   Monday digest for a manager) into the ``deliveries`` outbox, and move ``next_due_at``
   on. The outbox's unique key (user, kind, local date) means a crash at any point, or a
   second worker with an expired lease, can never queue the same day twice.

The rows are claimed, read and handed back through :mod:`bot.store.reminders`. Sending
what the outbox holds is :mod:`bot.slack.sender`'s job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.lifecycle import HeldLeases
from bot.store.database import RETRIES, Database
from bot.store.deliveries import delivery_values, queue_deliveries
from bot.store.mapping import reminder_of, utc
from bot.store.models import UserRow
from bot.store.people import update_time_zone
from bot.store.reminders import (
    DueReminder,
    active_deals_of,
    claim_due_reminders,
    lock_users,
    release_reminders,
    reminders_by_id,
)
from bot.store.teams import SqlTeams
from flows.briefing import Brief, daily_brief, weekly_digest
from flows.engine import default_library
from flows.model import Deal
from flows.oversight import deal_health, watched
from flows.schedule import latest_due, local_date, next_due, resolve_local, still_useful
from flows.when import format_local
from phrases import PhraseLibrary

log = logging.getLogger(__name__)

# A worker that dies mid-plan loses its claim after this; planning one user takes ms.
PLAN_LEASE = timedelta(minutes=2)
# Slack's time zone is asked again when the stored one is older than this.
TZ_REFRESH = timedelta(hours=1)
MONDAY = 0
# Slack is asked for this many users' zones at a time.
LOOKUP_THREADS = 8

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
    """Claims due reminders and queues their messages.

    Once ``stop`` is set it claims no further batch; :meth:`hand_back` returns the
    reminders of a batch it did not finish planning.
    """

    def __init__(
        self,
        database: Database,
        lookup_tz: TimeZoneLookup | None = None,
        library: PhraseLibrary | None = None,
        stop: threading.Event | None = None,
    ):
        self.database = database
        self.lookup_tz = lookup_tz
        self.lib = library or default_library()
        self.stop = stop or threading.Event()
        self.held: HeldLeases[Claimed] = HeldLeases()

    def run(self, now: datetime, *, batch: int = 100) -> PlanStats:
        """Plan every reminder due at ``now``, in batches, until none is left (or a stop)."""
        stats = PlanStats()
        while not self.stop.is_set():
            claimed = self.claim(now, batch)
            if not claimed:
                return stats
            for item in claimed:
                self.held.hold(item.id, item.lease_until, item, now)
            stats.claimed += len(claimed)
            if self.plan(claimed, self._lookup_zones(claimed), now, stats):
                for item in claimed:
                    self.held.release(item.id)
        return stats

    def hand_back(self, now: datetime) -> int:
        """Release the leases of reminders claimed and not planned (a stop); how many.

        Another worker then plans them at once rather than when the lease runs out.
        """
        items = self.held.live(now)
        if not items:
            return 0
        for item in items:
            self.held.release(item.id)
        return release_reminders(self.database, [(item.id, item.lease_until) for item in items])

    def claim(self, now: datetime, limit: int) -> list[Claimed]:
        """Lease up to ``limit`` due reminders that no other worker holds."""
        lease = now + PLAN_LEASE
        due = claim_due_reminders(
            self.database, now, limit, lease, zone_checks=self.lookup_tz is not None
        )
        return [
            Claimed(row.id, row.workspace_id, row.user_id, lease, self._tz_stale(row, now))
            for row in due
        ]

    def _tz_stale(self, row: DueReminder, now: datetime) -> bool:
        """Whether Slack should be asked for the user's zone again (only with a lookup)."""
        if self.lookup_tz is None:
            return False
        checked = row.zone_checked_at
        return checked is None or checked <= now - TZ_REFRESH

    def _lookup_zones(self, claimed: list[Claimed]) -> dict[tuple[str, str], str | None]:
        """Ask Slack for the zones that may be out of date, several at a time."""
        stale = [c for c in claimed if c.refresh_tz]
        lookup = self.lookup_tz
        if not stale or lookup is None:
            return {}
        with ThreadPoolExecutor(LOOKUP_THREADS) as pool:
            found = list(pool.map(lambda c: lookup(c.workspace_id, c.user_id), stale))
        return {(c.workspace_id, c.user_id): tz for c, tz in zip(stale, found, strict=True)}

    def plan(
        self,
        claimed: list[Claimed],
        zones: dict[tuple[str, str], str | None],
        now: datetime,
        stats: PlanStats,
    ) -> bool:
        """Queue the claimed reminders' messages and schedule the next ones, in one go.

        One transaction for the batch, holding the users' row locks (taken in id order, as
        commands take them one at a time), so a command never interleaves with planning.
        If it keeps failing the leases simply run out and a later pass plans them (the
        result is then False).
        """
        for attempt in range(RETRIES):
            batch = PlanStats()
            try:
                with self.database.session() as session:
                    self._plan_in(session, claimed, zones, now, batch)
            except OperationalError as exc:
                log.warning("planning a batch failed, retrying: %s", exc.orig)
                time.sleep(0.05 * 2**attempt)
                continue
            for name in ("queued", "quiet", "missed", "moved"):
                setattr(stats, name, getattr(stats, name) + getattr(batch, name))
            return True
        log.error("gave up planning %d reminders for now; their leases will expire", len(claimed))
        return False

    def _plan_in(
        self,
        session: Session,
        claimed: list[Claimed],
        zones: dict[tuple[str, str], str | None],
        now: datetime,
        stats: PlanStats,
    ) -> None:
        keys = [(c.workspace_id, c.user_id) for c in claimed]
        users = lock_users(session, keys)
        rows = reminders_by_id(session, [c.id for c in claimed])
        deals = active_deals_of(session, keys)
        messages: list[dict[str, Any]] = []
        for item in claimed:
            key = (item.workspace_id, item.user_id)
            user, row = users.get(key), rows.get(item.id)
            if (
                user is None
                or row is None
                or row.lease_until is None
                or _aware(row.lease_until) != item.lease_until
            ):
                continue  # changed or switched off meanwhile, or another worker's now
            # A traveller's reminder is reckoned where they are now. The outbox key is the
            # local date, so crossing zones can never bring the same day's reminder twice.
            moved = update_time_zone(session, user, zones.get(key), now, reminder=row)
            zone = user.tz or "UTC"
            reminder = reminder_of(row, zone)
            occurrence = latest_due(reminder, now)
            useful = occurrence is not None and still_useful(occurrence, now, zone)
            if occurrence is not None and useful:
                found = self._messages(session, user, zone, occurrence, now, deals.get(key, []))
                messages.extend(found)
                stats.quiet += int(not found)
            elif moved and _aware(row.next_due_at) > now:
                stats.moved += 1  # not due yet where they are now
            else:
                stats.missed += 1
            row.next_due_at = next_due(reminder, now)
            row.lease_until = None
        stats.queued += len(queue_deliveries(session, messages))

    def _messages(
        self,
        session: Session,
        user: UserRow,
        zone: str,
        occurrence: datetime,
        now: datetime,
        deals: list[Deal],
    ) -> list[dict[str, Any]]:
        """The day's prep (if there is anything to say) and, on Mondays, a manager's digest."""
        day = local_date(occurrence, zone)
        # Anything planned for today is useless once the user's day is over.
        expires = resolve_local(day + timedelta(days=1), datetime.min.time(), zone)
        labels = {
            deal.name: format_local(datetime.fromisoformat(deal.meeting_at), zone, now)
            for deal in deals
            if deal.meeting_at
        }
        found: list[tuple[str, dict[str, Any]]] = []
        brief = daily_brief(self.lib, deals, now, labels)
        if brief is not None:
            found.append(("prep", brief_payload(brief)))
        if day.weekday() == MONDAY:
            digest, members = self._digest(session, user, now)
            if digest is not None:
                found.append(("digest", brief_payload(digest, members)))
        return [
            delivery_values(
                user.workspace_id,
                user.user_id,
                kind,
                day.isoformat(),
                payload,
                occurrence,
                expires,
                now,
            )
            for kind, payload in found
        ]

    def _digest(
        self, session: Session, user: UserRow, now: datetime
    ) -> tuple[Brief | None, list[str]]:
        teams = SqlTeams(session, user.workspace_id)
        members = teams.members_of(user.user_id)
        if not members:
            return None, []
        policies = teams.policies(user.user_id)
        team = []
        for member in members:
            rows = [
                deal_health(member, deal, now, teams.oldest_unpaired_give(deal), policies)
                for deal in teams.deals_of(member)
            ]
            team.append((member, [h for h in rows if watched(h)]))
        return weekly_digest(self.lib, team), members


def brief_payload(brief: Brief, people: list[str] | None = None) -> dict[str, Any]:
    """A brief as the JSON the outbox stores (rendered for Slack when it is sent).

    ``people`` are the user ids the text names (``@U123``), shown as mentions.
    """
    return {
        "heading": brief.heading,
        "people": list(people or []),
        "items": [
            {"deal": i.deal, "text": i.text, "step": i.step, "line": i.line} for i in brief.items
        ],
    }


def _aware(value: datetime) -> datetime:
    result = utc(value)
    assert result is not None
    return result
