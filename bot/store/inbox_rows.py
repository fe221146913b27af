"""The Slack inbox's SQL: a request stored before its ack, claimed, committed, finished.

The table is ``slack_inbox`` (:mod:`bot.store.slack_tables`); :mod:`bot.slack.inbox`
decides when each of these runs. Every function takes the store or the turn's open
session; the statements each request runs are built once.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from threading import Event
from typing import Any, cast

from sqlalchemy import (
    Table,
    bindparam,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, Update

from bot.store.database import Database
from bot.store.insert import insert_or_ignore
from bot.store.mapping import utc
from bot.store.set_values import bound_set, set_values
from bot.store.slack_tables import (
    COMMITTED,
    DONE,
    FAILED,
    KEY_LENGTH,
    MAX_INBOX_ATTEMPTS,
    PENDING,
    SlackInboxRow,
)


@dataclass
class InboxClaim:
    """A request's hold on its inbox row: only the holder of the lease may act on it."""

    id: int
    key: str
    kind: str
    workspace_id: str
    token: str
    attempts: int
    body: str = ""
    content_type: str = ""
    status: str = PENDING
    # Set when the listener finished with this claim (the sweeper waits on it).
    finished: Event = field(default_factory=Event, repr=False, compare=False)
    # The reply could not be posted: leave the row committed for the sweeper to post.
    unsent: bool = False


@dataclass(frozen=True)
class Received:
    """What :func:`receive_request` found: a claim to act on, or a repeat to only ack."""

    claim: InboxClaim | None
    # For a repeat: the first delivery's stored acknowledgement body, if any.
    ack_body: str | None = None
    status: str = PENDING


def _token() -> str:
    return uuid.uuid4().hex


def receive_request(
    database: Database,
    *,
    key: str,
    workspace_id: str,
    kind: str,
    content_type: str,
    body: str,
    now: datetime,
    lease: timedelta,
    window: timedelta | None,
) -> Received:
    """Write a request to the inbox before it is acknowledged (one short transaction).

    Args:
        database: the store.
        key: what makes a repeat of this request (see :mod:`bot.slack.inbox`).
        workspace_id: the Slack team id.
        kind: ``event``, ``command``, ``action``, ``view`` or ``shortcut``.
        content_type: the request's content type, for replaying the body.
        body: the raw request body.
        now: the current time.
        lease: how long this request has to finish before another worker takes it over.
        window: for payload-hash keys, how long a repeat counts as the same request (None:
            for ever, for event ids and trigger ids).

    Returns:
        A claim for a new request (or one whose earlier holder died), else the repeat's
        status and stored acknowledgement.

    """
    key = key[:KEY_LENGTH]
    token = _token()
    values = {
        "key": key,
        "workspace_id": workspace_id[:64],
        "kind": kind,
        "content_type": content_type[:100],
        "body": body,
        "status": PENDING,
        "attempts": 1,
        "lease_token": token,
        "lease_until": now + lease,
        "received_at": now,
    }
    # The common case, a new request, in one short transaction of one prepared statement:
    # it is on the ack's path. On PostgreSQL its commit does not wait for the disk flush
    # (asynchronous commit, this transaction only): a dead worker loses nothing - the row
    # is in the server - and only a crash of the database server itself within a fraction
    # of a second could lose an acknowledged row, never corrupt one. (SQLite in WAL mode
    # with synchronous=NORMAL does not flush at commit either.)
    with database.engine.begin() as conn:
        if not database.is_sqlite:
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        first = conn.execute(_new_row_insert(database.is_sqlite), values).first()
    if first is not None:
        return Received(
            InboxClaim(int(first.id), key, kind, workspace_id, token, 1, body, content_type)
        )
    with database.session() as session:
        new_id = _insert(session, database, values)
        if new_id is None:
            row = session.scalar(select(SlackInboxRow).where(SlackInboxRow.key == key))
            if row is None:  # pruned between the two statements: treat as new
                new_id = _insert(session, database, values)
            elif (
                window is not None
                and row.status in (DONE, FAILED)
                and (utc(row.received_at) or now) < now - window
            ):
                # The same button pressed again later on purpose: retire the old row.
                session.execute(
                    update(SlackInboxRow)
                    .where(SlackInboxRow.id == row.id)
                    .values(key=f"{key}#{row.id}")
                )
                new_id = _insert(session, database, values)
            elif row.status == PENDING and (utc(row.lease_until) or now) < now:
                # A repeat of a request whose worker died before acting: take it over.
                attempts = row.attempts + 1  # read first: the update refreshes the row
                taken = session.execute(
                    update(SlackInboxRow)
                    .where(
                        SlackInboxRow.id == row.id,
                        SlackInboxRow.status == PENDING,
                        SlackInboxRow.lease_token == row.lease_token,
                    )
                    .values(
                        lease_token=token,
                        lease_until=now + lease,
                        attempts=SlackInboxRow.attempts + 1,
                    )
                )
                if getattr(taken, "rowcount", 0) == 1:
                    return Received(
                        InboxClaim(
                            row.id,
                            key,
                            kind,
                            workspace_id,
                            token,
                            attempts,
                            row.body or body,
                            row.content_type,
                        )
                    )
                return Received(None, None, row.status)
            else:
                return Received(None, row.ack_body, row.status)
        if new_id is None:
            return Received(None, None, PENDING)
        return Received(InboxClaim(new_id, key, kind, workspace_id, token, 1, body, content_type))


@functools.cache
def _new_row_insert(is_sqlite: bool) -> Insert:
    """The inbox insert, built once: building it per request cost as much as running it."""
    columns = (
        "key",
        "workspace_id",
        "kind",
        "content_type",
        "body",
        "status",
        "attempts",
        "lease_token",
        "lease_until",
        "received_at",
    )
    return insert_or_ignore(SlackInboxRow, ["key"], SlackInboxRow.id, on_sqlite=is_sqlite).values(
        {name: bindparam(name) for name in columns}
    )


def _insert(session: Session, database: Database, values: dict[str, Any]) -> int | None:
    result = session.execute(
        insert_or_ignore(
            SlackInboxRow, ["key"], SlackInboxRow.id, on_sqlite=database.is_sqlite
        ).values(**values)
    )
    row = result.first()
    return int(row.id) if row is not None else None


@dataclass(frozen=True)
class _TurnStatements:
    commit: Update
    reply: Update
    finish: Update


@functools.cache
def _turn_statements() -> _TurnStatements:
    """The updates every request makes, built once (building one cost as much as running it).

    Core statements on the table: the ORM's bulk update adds as much again. A row still
    this claim's is pending or committed under the claim's lease token.
    """
    table = cast(Table, SlackInboxRow.__table__)
    columns = table.c
    held = (
        columns.id == bindparam("row"),
        columns.lease_token == bindparam("token"),
        or_(columns.status == PENDING, columns.status == COMMITTED),
    )
    return _TurnStatements(
        commit=update(table).where(*held).values(status=COMMITTED),
        reply=update(table).where(columns.id == bindparam("row")).values(bound_set(["reply"])),
        finish=update(table)
        .where(*held)
        .values(bound_set(["status", "finished_at", "body", "reply", "lease_until", "ack_body"])),
    )


def commit_turn(session: Session, claim: InboxClaim) -> bool:
    """In a turn's transaction: mark the row committed; False when the claim was lost.

    A request whose lease another worker took over must not act: that worker does. The
    first turn of a request moves the row from pending; a second turn of the same request
    (a fix button switches deals, then runs the step) finds it committed under its own
    lease.

    Args:
        session: the turn's open session (it holds the user's lock).
        claim: the request's claim.

    """
    result = session.execute(_turn_statements().commit, {"row": claim.id, "token": claim.token})
    return bool(getattr(result, "rowcount", 0) == 1)


def store_reply(session: Session, claim: InboxClaim, reply: dict[str, Any]) -> None:
    """In the turn's transaction: keep the rendered reply until it is known to be posted.

    Args:
        session: the turn's open session.
        claim: the request's claim.
        reply: ``{"text", "blocks"}``.

    """
    session.execute(_turn_statements().reply, {"row": claim.id, **set_values({"reply": reply})})


def finish_request(
    database: Database,
    claim: InboxClaim,
    now: datetime,
    *,
    ack_body: str | None = None,
    failed: bool = False,
) -> bool:
    """Mark a claimed row done (or failed); the body and reply are dropped.

    Args:
        database: the store.
        claim: the request's claim; a claim another worker took over changes nothing.
        now: the current time.
        ack_body: the acknowledgement body, answered again to a repeat of the request.
        failed: the listener raised: keep the row as failed, never retried.

    Returns:
        Whether the row was still this claim's.

    """
    values = {
        "row": claim.id,
        "token": claim.token,
        **set_values(
            {
                "status": FAILED if failed else DONE,
                "finished_at": now,
                "body": None,
                "reply": None,
                "lease_until": None,
                "ack_body": ack_body[:20000] if ack_body else None,
            }
        ),
    }
    with database.engine.begin() as conn:
        result = conn.execute(_turn_statements().finish, values)
    return bool(result.rowcount == 1)


def hand_back_claim(session: Session, claim: InboxClaim, now: datetime) -> bool:
    """End a claim's lease now, so another worker's sweeper takes the row at once.

    The row keeps its status: pending is replayed, committed has its saved reply posted.

    Args:
        session: an open session (one for all the claims handed back together).
        claim: the request's claim; a row finished or taken over is left alone.
        now: the current time (the lease's new end).

    Returns:
        Whether the row was still this claim's.

    """
    result = session.execute(
        update(SlackInboxRow)
        .where(
            SlackInboxRow.id == claim.id,
            SlackInboxRow.lease_token == claim.token,
            SlackInboxRow.status.in_((PENDING, COMMITTED)),
        )
        .values(lease_until=now)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def record_ack(database: Database, claim: InboxClaim, ack_body: str) -> None:
    """Keep a form's acknowledgement as soon as it is sent, for a repeat of the submission.

    Args:
        database: the store.
        claim: the request's claim.
        ack_body: the acknowledgement's JSON.

    """
    with database.session() as session:
        session.execute(
            update(SlackInboxRow)
            .where(SlackInboxRow.id == claim.id, SlackInboxRow.lease_token == claim.token)
            .values(ack_body=ack_body[:20000])
        )


def stored_ack(database: Database, key: str) -> tuple[str, str | None] | None:
    """The status and stored acknowledgement of the row under ``key``, if there is one.

    Args:
        database: the store.
        key: the inbox key.

    """
    with database.session() as session:
        found = session.execute(
            select(SlackInboxRow.status, SlackInboxRow.ack_body).where(
                SlackInboxRow.key == key[:KEY_LENGTH]
            )
        ).first()
        return (found[0], found[1]) if found is not None else None


@dataclass(frozen=True)
class Unfinished:
    """A row the sweeper took over: replay it (pending) or post its reply (committed)."""

    claim: InboxClaim
    reply: dict[str, Any] | None


def claim_unfinished(
    database: Database, now: datetime, lease: timedelta, limit: int = 20
) -> tuple[list[Unfinished], int]:
    """Take over rows whose lease ran out: acknowledged, but their worker never finished.

    PostgreSQL skips rows another sweeper is claiming (``FOR UPDATE SKIP LOCKED``); SQLite
    has one writer at a time. Rows tried :data:`MAX_INBOX_ATTEMPTS` times are failed.

    Args:
        database: the store.
        now: the current time.
        lease: the new lease.
        limit: at most this many rows.

    Returns:
        The rows now held by the caller, and how many were given up on.

    """
    with database.session() as session:
        query = (
            select(SlackInboxRow)
            .where(
                SlackInboxRow.status.in_((PENDING, COMMITTED)),
                or_(SlackInboxRow.lease_until.is_(None), SlackInboxRow.lease_until < now),
            )
            .order_by(SlackInboxRow.id)
            .limit(limit)
        )
        if not database.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        taken: list[Unfinished] = []
        given_up = 0
        for row in session.scalars(query).all():
            if row.attempts >= MAX_INBOX_ATTEMPTS:
                row.status, row.finished_at, row.body, row.lease_until = FAILED, now, None, None
                given_up += 1
                continue
            token = _token()
            row.lease_token, row.lease_until = token, now + lease
            row.attempts += 1
            taken.append(
                Unfinished(
                    InboxClaim(
                        row.id,
                        row.key,
                        row.kind,
                        row.workspace_id,
                        token,
                        row.attempts,
                        row.body or "",
                        row.content_type,
                        row.status,
                    ),
                    dict(row.reply) if row.reply else None,
                )
            )
        return taken, given_up


def prune_inbox(database: Database, before: datetime) -> int:
    """Delete finished rows received before ``before``; the number deleted.

    Args:
        database: the store.
        before: rows received earlier than this go (repeats come within minutes).

    """
    with database.session() as session:
        result = session.execute(
            delete(SlackInboxRow).where(
                SlackInboxRow.status.in_((DONE, FAILED)), SlackInboxRow.received_at < before
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
