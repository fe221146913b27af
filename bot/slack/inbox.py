"""The durable inbox: no acknowledged Slack request is lost when a worker dies.

Bolt answers Slack (the ack) long before the turn behind it has run, in a thread pool. A
worker killed in between used to lose every request it had acknowledged: Slack does not
resend what got its 200. So every request that asks for work passes through here:

1. **Before the ack** a global middleware writes the raw body in one short transaction
   (:func:`~bot.store.inbox_rows.receive_request`), keyed so a repeat finds it: ``ev:`` and
   the ``event_id`` for a DM, ``cmd:`` and the ``trigger_id`` for ``/deal``, and for a
   button, a form or a shortcut a hash of the payload without what changes between two
   clicks (trigger id, action time, response URL). A repeat of a finished request within
   :data:`DEDUPE_WINDOW` - a double click, a form submitted twice, a command re-sent, a
   retried event - is only acknowledged (a form gets its first answer again), never run.
   A new command, button or shortcut is acknowledged right there, once stored
   (:data:`ACKED_ON_RECEIPT`); a form's answer and an event's ack are Bolt's as ever.
2. **The turn runs from the claim.** The listener thread holds the claim (a thread-local
   set by Bolt's listener start handler), and :class:`~bot.slack.coach.SlackCoach` moves
   the row to ``committed`` in the turn's own transaction, with the rendered reply. A
   claim that lost its lease to another worker changes nothing (:class:`InboxDropped`).
3. **After the listener** (Bolt's completion handler) the row is ``done``; its body is
   dropped.
4. **A sweeper** in every worker, at start-up and every :data:`SWEEP_SECONDS`, takes over
   rows whose lease ran out (``FOR UPDATE SKIP LOCKED`` on PostgreSQL). A ``pending`` row
   never committed, so it is replayed through the same Bolt app (so the same listener
   runs it). A ``committed`` row's turn is saved; only its reply may be missing. In a DM
   every reply carries metadata naming its inbox row, so the sweeper looks in the DM
   before posting (the outbox sender's trick); a reply through a ``response_url`` cannot be
   looked up, so it is posted again (the one case that may show twice: a crash in the
   milliseconds between Slack taking the post and the row being marked).
5. **At a stop** (SIGTERM) the process lets the requests in hand finish
   (:meth:`Inbox.drain`), then hands back the leases of those that did not
   (:meth:`Inbox.hand_back`), so another worker's sweeper takes them over at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.listener.listener_completion_handler import ListenerCompletionHandler
from slack_bolt.listener.listener_error_handler import ListenerErrorHandler
from slack_bolt.listener.listener_start_handler import ListenerStartHandler
from slack_bolt.request.internals import parse_body
from slack_sdk import WebClient

from bot.lifecycle import HeldLeases
from bot.slack.blocks import Message
from bot.slack.client import call, post_to_response_url
from bot.slack.config import SlackSettings
from bot.slack.sender import ClientFor
from bot.store.database import Database
from bot.store.inbox_rows import (
    InboxClaim,
    Unfinished,
    claim_unfinished,
    finish_request,
    hand_back_claim,
    prune_inbox,
    receive_request,
    record_ack,
    stored_ack,
)
from bot.store.slack_tables import COMMITTED, PENDING

log = logging.getLogger(__name__)

CLAIM = "dealcoach_inbox"
FAILED_FLAG = "dealcoach_inbox_failed"
METADATA_EVENT = "dealcoach_inbox"
# A request normally finishes in well under a second; a worker silent this long is dead
# (gunicorn itself restarts a worker stuck for 30 s).
LEASE = timedelta(seconds=20)
SWEEP_SECONDS = 5.0
# A second identical click or submission this soon after the first is the same request.
DEDUPE_WINDOW = timedelta(seconds=10)
REPEAT_WAIT_SECONDS = 2.0
KEEP_FINISHED = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)
HISTORY_PAGE = 100
# Interactive payload types that ask for work; options, view_closed and the like do not.
INTERACTIVE = {
    "block_actions": "action",
    "view_submission": "view",
    "message_action": "shortcut",
    "shortcut": "shortcut",
}
# Requests whose ack carries nothing, so it goes out once the request is stored. A form's
# ack may carry its errors or next view, so the listener answers it; Bolt acks events here.
ACKED_ON_RECEIPT = frozenset({"command", "action", "shortcut"})
# Fields that differ between two deliveries of the same click or submission.
VOLATILE = frozenset(
    {"trigger_id", "action_ts", "response_url", "response_urls", "token", "event_ts"}
)

_local = threading.local()


class InboxDropped(Exception):
    """The request's lease passed to another worker, which will act on it instead."""


def current_claim() -> InboxClaim | None:
    """The inbox claim of the request this listener thread is running, if any."""
    return getattr(_local, "claim", None)


@dataclass
class Inbox:
    """The store and clock the middleware, the handlers and the sweeper share."""

    database: Database
    clock: Callable[[], datetime]
    lease: timedelta = LEASE
    window: timedelta = DEDUPE_WINDOW
    # Where the sweeper's clients come from (None: from the environment).
    settings: SlackSettings | None = None
    # The claims this process holds, by lease token, until their rows are finished.
    held: HeldLeases[InboxClaim] = field(default_factory=HeldLeases, repr=False)

    def take(self, claim: InboxClaim) -> None:
        """Count ``claim`` as this process's until its row is finished (or handed back)."""
        now = self.clock()
        self.held.hold(claim.token, now + self.lease, claim, now)

    def drain(self, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for the requests in hand to finish; how many did not."""
        deadline = time.monotonic() + timeout
        for claim in self.held.live(self.clock()):
            claim.finished.wait(max(0.0, deadline - time.monotonic()))
        return sum(not claim.finished.is_set() for claim in self.held.live(self.clock()))

    def hand_back(self) -> int:
        """Give up the leases still held, so another worker's sweeper takes them at once.

        A row whose reply could not be posted, or whose turn is still running past the
        grace period, is left ``pending`` or ``committed`` with its lease ending now; the
        sweeper replays it or posts its saved reply, as after a crash, only sooner. Returns
        how many rows were handed back.
        """
        now = self.clock()
        claims = self.held.live(now)
        if not claims:
            return 0
        done = 0
        with self.database.session() as session:
            for claim in claims:
                self.held.release(claim.token)
                done += hand_back_claim(session, claim, now)
        if done:
            log.warning("inbox: handed back %d unfinished request(s) to the other workers", done)
        return done

    # -- before the ack ------------------------------------------------------------------
    def receive(
        self, req: BoltRequest, next: Callable[[], BoltResponse | None]
    ) -> BoltResponse | None:
        """Bolt global middleware: write the request to the inbox, or answer a repeat."""
        if req.context.get(CLAIM) is not None:  # a replay by the sweeper: already claimed
            return next()
        described = describe(req.body)
        if described is None:
            return next()
        key, kind, window = described
        workspace = str(req.context.team_id or req.context.enterprise_id or "unknown")
        content_type = (req.headers.get("content-type") or ["application/json"])[0]
        try:
            received = receive_request(
                self.database,
                key=key,
                workspace_id=workspace,
                kind=kind,
                content_type=content_type,
                body=req.raw_body or json.dumps(req.body),
                now=self.clock(),
                lease=self.lease,
                window=self.window if window else None,
            )
        except Exception as exc:  # the turn reports the outage to the user itself
            log.warning("the inbox could not record a %s request: %s", kind, exc)
            return next()
        if received.claim is None:
            log.info("a repeated %s request acted on once (%s)", kind, received.status)
            ack_body = received.ack_body
            if kind == "view" and not ack_body:
                ack_body = self._first_answer(key)
            if ack_body:
                return BoltResponse(
                    status=200, body=ack_body, headers={"content-type": "application/json"}
                )
            return BoltResponse(status=200, body="")
        req.context[CLAIM] = received.claim
        self.take(received.claim)
        if kind in ACKED_ON_RECEIPT:
            # Stored, so safe to acknowledge now, in this thread: Slack gets its 200 without
            # waiting for the listener's thread (Bolt polls for its ack every 10 ms). The
            # listener's own ack() then changes nothing.
            req.context.ack()
        return next()

    def _first_answer(self, key: str) -> str | None:
        """Wait briefly for the first submission's answer, to give the repeat the same one.

        Slack waits 3 seconds for a form's ack; the first submission acks well within that.
        """
        deadline = time.monotonic() + REPEAT_WAIT_SECONDS
        while time.monotonic() < deadline:
            found = stored_ack(self.database, key)
            if found is None or found[1] or found[0] not in (PENDING, COMMITTED):
                return found[1] if found else None
            time.sleep(0.05)
        return None

    # -- after the listener --------------------------------------------------------------
    def settle(self, request: BoltRequest) -> None:
        """Mark the request's row done once its listener returned (or raised)."""
        claim = request.context.get(CLAIM)
        if not isinstance(claim, InboxClaim):
            return
        _local.claim = None
        try:
            if claim.unsent:
                log.warning(
                    "inbox %s: the reply was not posted; the sweeper will retry it", claim.id
                )
                return
            ack = request.context.ack.response if request.context.ack else None
            body = ack.body if ack is not None and claim.kind == "view" else None
            finish_request(
                self.database,
                claim,
                self.clock(),
                ack_body=body or None,
                failed=bool(request.context.get(FAILED_FLAG)),
            )
            self.held.release(claim.token)
        except Exception:  # the row stays; the sweeper will finish it
            log.exception("inbox %s could not be marked done", claim.id)
        finally:
            claim.finished.set()


def describe(body: dict[str, Any]) -> tuple[str, str, bool] | None:
    """The inbox key and kind of a request, and whether its key is a payload hash.

    None for requests that ask for no work (the Home tab opened, a bot's own message, an
    install event, a menu's options), which are not written down.

    Args:
        body: the parsed request body.

    """
    if body.get("type") == "event_callback":
        event = body.get("event") or {}
        if (
            event.get("type") != "message"
            or event.get("channel_type") != "im"
            or event.get("bot_id")
            or not event.get("user")
            or event.get("subtype") not in (None, "file_share")
        ):
            return None
        event_id = body.get("event_id")
        key = f"ev:{event_id}" if event_id else f"evh:{payload_hash(body)}"
        return key, "event", False
    if body.get("command"):
        trigger = body.get("trigger_id")
        return (f"cmd:{trigger}" if trigger else f"cmdh:{payload_hash(body)}"), "command", False
    kind = INTERACTIVE.get(str(body.get("type") or ""))
    if kind is None:
        return None
    return f"{kind}:{payload_hash(body)}", kind, True


def payload_hash(body: dict[str, Any]) -> str:
    """SHA-256 of a payload without the fields that differ between two identical clicks.

    Args:
        body: the parsed payload.

    """
    stable = json.dumps(_strip(body), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(stable.encode()).hexdigest()


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


class _Start(ListenerStartHandler):
    def __init__(self, inner: ListenerStartHandler):
        self.inner = inner

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        # Runs in the listener's own thread, right before the listener: the coach finds
        # the claim there without every listener passing it along.
        claim = request.context.get(CLAIM)
        _local.claim = claim if isinstance(claim, InboxClaim) else None
        self.inner.handle(request, response)


class _Completion(ListenerCompletionHandler):
    def __init__(self, inbox: Inbox, inner: ListenerCompletionHandler):
        self.inbox = inbox
        self.inner = inner

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        try:
            self.inner.handle(request, response)
        finally:
            self.inbox.settle(request)


class _Errors(ListenerErrorHandler):
    def __init__(self, inner: ListenerErrorHandler):
        self.inner = inner

    def handle(self, error: Exception, request: BoltRequest, response: BoltResponse | None) -> None:
        if isinstance(error, InboxDropped):
            log.info("a request's lease passed to another worker, which acts on it")
            return
        request.context[FAILED_FLAG] = True
        self.inner.handle(error, request, response)


_INBOXES: weakref.WeakKeyDictionary[App, Inbox] = weakref.WeakKeyDictionary()


def install(app: App, inbox: Inbox) -> None:
    """Put the inbox in front of every listener of ``app``.

    Register it after the listeners: it adds catch-all listeners for buttons, forms,
    shortcuts and commands nobody else handles, so every written request finishes.

    Args:
        app: the Bolt app.
        inbox: the store and clock.

    """

    def inbox_middleware(
        req: BoltRequest,
        next: Callable[[], BoltResponse | None],
    ) -> BoltResponse | None:
        return inbox.receive(req, next)

    app.use(inbox_middleware)
    runner = app.listener_runner
    runner.listener_start_handler = _Start(runner.listener_start_handler)
    runner.listener_completion_handler = _Completion(inbox, runner.listener_completion_handler)
    runner.listener_error_handler = _Errors(runner.listener_error_handler)

    def acknowledge(ack: Callable[[], None]) -> None:
        ack()  # a URL button, a closed menu...: nothing to do, but it must finish

    anything = re.compile(".*")
    app.action(anything)(acknowledge)
    app.shortcut(anything)(acknowledge)
    app.view(anything)(acknowledge)
    app.command(anything)(acknowledge)
    _INBOXES[app] = inbox


def inbox_of(app: App) -> Inbox | None:
    """The inbox installed on ``app``, if any.

    Args:
        app: the Bolt app.

    """
    return _INBOXES.get(app)


def remember_form_answer(database: Database, answer: dict[str, Any]) -> None:
    """Keep the acknowledgement of the form submission being run, for its repeats.

    Called right after ``ack``: a second submission of the same form then gets the same
    answer (the same errors, or the same result view) instead of running again.

    Args:
        database: the store.
        answer: the acknowledgement's payload (``response_action`` and the rest).

    """
    claim = current_claim()
    if claim is None or claim.kind != "view":
        return
    try:
        record_ack(database, claim, json.dumps(answer))
    except Exception as exc:  # a repeat then just closes the form
        log.warning("inbox %s: the form's answer was not kept: %s", claim.id, exc)


# -- replies that can be found again ----------------------------------------------------
def marker(claim: InboxClaim | None) -> dict[str, Any]:
    """The metadata that lets the sweeper find a DM reply already posted for a request.

    Args:
        claim: the request's claim (none: no metadata).

    """
    if claim is None:
        return {}
    return {"metadata": {"event_type": METADATA_EVENT, "event_payload": {"inbox_id": claim.id}}}


def post_dm_reply_at(
    client: WebClient, channel: str, message: Message, *, thread_ts: str | None = None
) -> str | None:
    """Post a turn's reply in the DM, marked with the request's inbox row; where it is.

    A replayed request looks in the DM first, so a reply posted before a crash is not
    posted twice. A reply that could not be posted leaves the row for the sweeper.

    Returns:
        The reply's ``ts``; "" when an earlier attempt had posted it already (Slack is not
        asked where); None when it could not be posted.

    """
    claim = current_claim()
    if claim is not None and claim.attempts > 1:
        found = already_posted(client, channel, claim.id)
        if found:
            return ""
    threaded = {"thread_ts": thread_ts} if thread_ts else {}
    answer = call(
        client,
        "chat.postMessage",
        channel=channel,
        **message.payload(),
        **threaded,
        **marker(claim),
    )
    if answer is None and claim is not None:
        claim.unsent = True
    return None if answer is None else str(answer.get("ts") or "")


def already_posted(client: WebClient, channel: str, inbox_id: int) -> bool | None:
    """Whether the DM holds our reply to inbox row ``inbox_id``; None when Slack won't say.

    Args:
        client: a client with the workspace's token.
        channel: the DM.
        inbox_id: the row.

    """
    answer = call(
        client,
        "conversations.history",
        channel=channel,
        limit=HISTORY_PAGE,
        include_all_metadata=True,
    )
    if answer is None:
        return None
    for message in answer.get("messages") or []:
        metadata = message.get("metadata") or {}
        if (
            metadata.get("event_type") == METADATA_EVENT
            and (metadata.get("event_payload") or {}).get("inbox_id") == inbox_id
        ):
            return True
    return False


# -- the sweeper ----------------------------------------------------------------------------
@dataclass
class SweepStats:
    """What one sweep did."""

    replayed: int = 0
    reposted: int = 0
    found: int = 0
    failed: int = 0
    given_up: int = 0


class Sweeper:
    """Finishes rows whose worker died: replays them, or posts their saved reply."""

    def __init__(self, app: App, inbox: Inbox, clients: ClientFor):
        self.app = app
        self.inbox = inbox
        self.clients = clients
        self._pruned_at: datetime | None = None
        # Set when the process stops: the sweep in progress takes no further rows.
        self.stop = threading.Event()

    def sweep(self) -> SweepStats:
        """Take over every unfinished row whose lease ran out, and finish it."""
        stats = SweepStats()
        while not self.stop.is_set():
            now = self.inbox.clock()
            taken, given_up = claim_unfinished(self.inbox.database, now, self.inbox.lease)
            stats.given_up += given_up
            if given_up:
                log.error("inbox: gave up on %d request(s) after repeated failures", given_up)
            if not taken:
                break
            for item in taken:
                try:
                    self._finish(item, stats)
                except Exception:  # the lease runs out again and another sweep retries
                    log.exception("inbox %s could not be finished", item.claim.id)
                    stats.failed += 1
        self._prune(self.inbox.clock())
        return stats

    def _finish(self, item: Unfinished, stats: SweepStats) -> None:
        claim = item.claim
        self.inbox.take(claim)
        if claim.status == COMMITTED:
            try:
                if self._repost(claim, item.reply, stats):
                    finish_request(self.inbox.database, claim, self.inbox.clock())
                    self.inbox.held.release(claim.token)
            finally:
                claim.finished.set()
            return
        log.warning(
            "inbox %s: replaying a %s request its worker never finished (attempt %d)",
            claim.id,
            claim.kind,
            claim.attempts,
        )
        request = BoltRequest(
            body=claim.body,
            headers={"content-type": claim.content_type},
            mode="socket_mode",
            context={CLAIM: claim},
        )
        self.app.dispatch(request)
        claim.finished.wait(self.inbox.lease.total_seconds())
        stats.replayed += 1

    def _repost(self, claim: InboxClaim, reply: dict[str, Any] | None, stats: SweepStats) -> bool:
        """Post a committed turn's saved reply unless it is already there."""
        if not reply:
            return True  # nothing was saved to say (a file analysis, a form's errors)
        body = parse_body(claim.body, claim.content_type)
        message = Message(str(reply.get("text") or ""), list(reply.get("blocks") or []))
        client = self.clients(claim.workspace_id)
        if client is None:
            return True  # not installed any more: nobody to answer
        response_url = body.get("response_url")
        if claim.kind in ("command", "action", "shortcut") and response_url:
            # An ephemeral answer cannot be looked up: post it again.
            ok = post_to_response_url(
                str(response_url), {**message.payload(), "response_type": "ephemeral"}
            )
            stats.reposted += ok
            return ok
        channel = _dm_channel(client, body)
        if channel is None:
            return False
        found = already_posted(client, channel, claim.id)
        if found is None:
            return False
        if found:
            stats.found += 1
            return True
        ok = (
            call(client, "chat.postMessage", channel=channel, **message.payload(), **marker(claim))
            is not None
        )
        stats.reposted += ok
        return ok

    def _prune(self, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        removed = prune_inbox(self.inbox.database, now - KEEP_FINISHED)
        if removed:
            log.info("inbox: forgot %d finished request(s)", removed)

    def run_forever(self, stop: threading.Event, *, every_seconds: float = SWEEP_SECONDS) -> None:
        """Sweep at once, then every ``every_seconds`` until ``stop`` is set."""
        self.stop = stop
        while not stop.is_set():
            try:
                stats = self.sweep()
                if stats.replayed or stats.reposted or stats.found or stats.given_up:
                    log.warning("inbox sweep: %s", stats)
            except Exception:  # keep sweeping: the next pass retries
                log.exception("the inbox sweep failed")
            stop.wait(every_seconds)


def _dm_channel(client: WebClient, body: dict[str, Any]) -> str | None:
    event = body.get("event") or {}
    if event.get("channel"):
        return str(event["channel"])
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    if not user:
        return None
    answer = call(client, "conversations.open", users=str(user))
    channel = ((answer or {}).get("channel") or {}).get("id")
    return str(channel) if channel else None


def start_sweeper(app: App, *, every_seconds: float = SWEEP_SECONDS) -> App:
    """Run the inbox sweeper of ``app`` on a daemon thread (one per serving process).

    Returns the app, so ``dealcoach serve`` can wrap its ``build_app`` call in this.

    Args:
        app: a Bolt app built by :func:`bot.slack.app.build_app`.
        every_seconds: the pause between sweeps.

    """
    inbox = inbox_of(app)
    if inbox is None:
        return app
    from bot.slack.workspaces import workspace_clients

    try:
        clients = workspace_clients(inbox.settings or SlackSettings.from_env(), inbox.database)
    except Exception as exc:  # settings were checked at start-up; be safe anyway
        log.error("the inbox sweeper cannot start: %s", exc)
        return app
    stop = threading.Event()
    thread = threading.Thread(
        target=Sweeper(app, inbox, clients).run_forever,
        args=(stop,),
        kwargs={"every_seconds": every_seconds},
        name="dealcoach-inbox",
        daemon=True,
    )
    _STOPS[app] = (stop, thread)
    thread.start()
    return app


_STOPS: weakref.WeakKeyDictionary[App, tuple[threading.Event, threading.Thread]] = (
    weakref.WeakKeyDictionary()
)


def stop_sweeper(app: App) -> threading.Thread | None:
    """Stop the sweeper :func:`start_sweeper` started for ``app``; its thread, to join.

    The sweep in progress finishes the row in hand and takes no more.

    Args:
        app: the Bolt app.

    """
    found = _STOPS.pop(app, None)
    if found is None:
        return None
    found[0].set()
    return found[1]
