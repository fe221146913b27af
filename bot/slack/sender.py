"""Send what the delivery outbox holds, once each, through Slack's rate limits and failures.

Each message is posted with metadata naming its outbox row. That is what makes a retry
safe: Slack has no idempotency key, so before posting a row a second time (its answer was
a 5xx or never came, or the worker holding it died) the sender looks in the DM for a
message carrying that row's id, and records it as sent instead of posting again.

* A 429 is not an ambiguous answer (Slack did nothing), so the client waits out
  ``Retry-After`` (up to 30 s) and tries again; a 429 that outlasts the retries
  reschedules the row no sooner than its ``Retry-After``.
* A 5xx or a lost connection may or may not have posted: the row is rescheduled with
  backoff, and the next attempt checks the DM first.
* Anything else (the user left, the app was removed) fails the row with the reason.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.lifecycle import HeldLeases
from bot.slack.client import TIMEOUT_SECONDS, RateLimitRetry, attempt
from bot.slack.notices import render_delivery
from bot.store.database import Database
from bot.store.deliveries import Outgoing, claim_deliveries, finish_delivery, release_deliveries

log = logging.getLogger(__name__)

METADATA_EVENT = "dealcoach_delivery"
BACKOFF_BASE = timedelta(seconds=2)
BACKOFF_MAX = timedelta(minutes=5)
HISTORY_PAGE = 200
SEND_THREADS = 8

# workspace id -> a client with that workspace's bot token, or None if not installed there.
ClientFor = Callable[[str], "WebClient | None"]


def sender_client(api_url: str, token: str | None) -> WebClient:
    """A client for posting queued messages: 429s are waited out, nothing else is retried.

    slack_sdk's own retries would re-post blindly after a 5xx or a dropped connection and
    could double a message; the sender retries those itself, after checking the DM.

    Args:
        api_url: the Web API base URL.
        token: the bot token.

    """
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[RateLimitRetry(max_retry_count=3)],
    )


@dataclass
class SendStats:
    """What one sending pass did (``sent`` includes ``found``: earlier posts recovered)."""

    sent: int = 0
    found: int = 0
    retried: int = 0
    failed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, name: str) -> None:
        """Count one outcome (sending threads share the stats)."""
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


class Sender:
    """Claims queued deliveries and posts them to the users' DMs.

    Once ``stop`` is set it claims nothing more, and a claimed delivery it has not started
    goes straight back to the outbox; :meth:`hand_back` returns the ones still in flight.
    """

    def __init__(
        self,
        database: Database,
        clients: ClientFor,
        clock: Callable[[], datetime],
        stop: threading.Event | None = None,
    ):
        self.database = database
        self.clients = clients
        self.clock = clock
        self.stop = stop or threading.Event()
        self.held: HeldLeases[Outgoing] = HeldLeases()

    def run(self, *, batch: int = 40, ids: list[int] | None = None) -> SendStats:
        """Send every due delivery (or just ``ids``) until none is left to claim now.

        A batch is posted by a few threads at once: each post waits on Slack, not on us.
        """
        stats = SendStats()
        with ThreadPoolExecutor(SEND_THREADS) as pool:
            while not self.stop.is_set():
                now = self.clock()
                claimed = claim_deliveries(self.database, now, batch, ids=ids)
                if not claimed:
                    return stats
                for item in claimed:
                    self.held.hold(item.id, item.lease_until, item, now)
                list(pool.map(lambda item: self._send_held(item, stats), claimed))
                if ids is not None:
                    return stats
        return stats

    def hand_back(self) -> int:
        """Return the deliveries still claimed (a stop) to the outbox; how many went back."""
        items = self.held.live(self.clock())
        for item in items:
            self.held.release(item.id)
        return release_deliveries(self.database, items)

    def _send_held(self, item: Outgoing, stats: SendStats) -> None:
        if self.stop.is_set():  # stopping: not even tried, so back it goes at once
            release_deliveries(self.database, [item], untried=True)
        else:
            self.send(item, stats)  # it records the outcome, whatever it is
        self.held.release(item.id)

    def send(self, item: Outgoing, stats: SendStats) -> None:
        """Post one claimed delivery and record the outcome."""
        client = self.clients(item.workspace_id)
        if client is None:
            self._finish(item, None, None, "not installed in this workspace", stats)
            return
        channel = item.channel
        if item.attempts > 1:
            # An earlier attempt may have posted it: look before posting again.
            channel = channel or self._open_dm(client, item.user_id)
            if channel is None:
                self._retry(item, None, "could not open the DM to check for an earlier post", stats)
                return
            found = self._already_posted(client, channel, item)
            if found is None:
                self._retry(item, channel, "could not read the DM history", stats)
                return
            if found:
                stats.add("found")
                self._finish(item, channel, found, None, stats)
                return
        message = render_delivery(item.kind, item.payload).payload()
        # attempt() runs the escaping guard over the message on its way out.
        result = attempt(
            client,
            "chat.postMessage",
            channel=channel or item.user_id,
            text=message["text"],
            blocks=message["blocks"],
            metadata={"event_type": METADATA_EVENT, "event_payload": {"delivery_id": item.id}},
            unfurl_links=False,
            unfurl_media=False,
        )
        answer, status = result.data, result.status
        if answer is not None:
            self._finish(
                item, str(answer.get("channel") or channel), str(answer.get("ts")), None, stats
            )
        elif status is None:  # no answer came: it may or may not have been posted
            self._retry(item, channel, f"connection: {result.reason}", stats)
        elif status == 429 or status >= 500:
            # Slack still says wait: the row comes back no sooner than it asked.
            wait = result.retry_after if status == 429 else None
            self._retry(item, channel, result.error or f"HTTP {status}", stats, at_least=wait)
        else:
            self._finish(item, channel, None, result.error or f"HTTP {status}", stats)

    # -- helpers -------------------------------------------------------------------------
    def _open_dm(self, client: WebClient, user_id: str) -> str | None:
        result = attempt(client, "conversations.open", users=user_id)
        if result.data is None:
            log.warning("conversations.open for %s failed: %s", user_id, result.reason)
            return None
        channel = (result.data.get("channel") or {}).get("id")
        return str(channel) if channel else None

    def _already_posted(self, client: WebClient, channel: str, item: Outgoing) -> str | None:
        """The ts of our earlier post of ``item`` in the DM, "" if none, None if unknown.

        Only the latest page is read: an earlier attempt is minutes old, and the history is
        not filtered by our clock, which need not agree with Slack's (replays use ``--now``).
        """
        result = attempt(
            client,
            "conversations.history",
            channel=channel,
            limit=HISTORY_PAGE,
            include_all_metadata=True,
        )
        if result.data is None:
            log.warning("conversations.history for %s failed: %s", channel, result.reason)
            return None
        for message in result.data.get("messages") or []:
            if _is_ours(message, item.id):
                return str(message.get("ts"))
        return ""

    def _retry(
        self,
        item: Outgoing,
        channel: str | None,
        error: str,
        stats: SendStats,
        *,
        at_least: int | None = None,
    ) -> None:
        now = self.clock()
        wait = min(BACKOFF_BASE * (2 ** (item.attempts - 1)), BACKOFF_MAX)
        if at_least:
            wait = min(max(wait, timedelta(seconds=at_least)), BACKOFF_MAX)
        log.warning(
            "delivery %s to %s: %s; retrying in %ss",
            item.id,
            item.user_id,
            error,
            int(wait.total_seconds()),
        )
        stats.add("retried")
        finish_delivery(
            self.database, item, now, channel=channel, ts=None, error=error, retry_at=now + wait
        )

    def _finish(
        self,
        item: Outgoing,
        channel: str | None,
        ts: str | None,
        error: str | None,
        stats: SendStats,
    ) -> None:
        if ts is None:
            log.error("delivery %s to %s failed: %s", item.id, item.user_id, error)
            stats.add("failed")
        elif error is None:
            stats.add("sent")
        if not finish_delivery(
            self.database, item, self.clock(), channel=channel, ts=ts, error=error
        ):
            log.warning(
                "delivery %s: the lease passed to another worker before it was "
                "recorded; that worker checks the DM before posting",
                item.id,
            )


def _is_ours(message: dict[str, Any], delivery_id: int) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return bool(
        metadata.get("event_type") == METADATA_EVENT and payload.get("delivery_id") == delivery_id
    )
