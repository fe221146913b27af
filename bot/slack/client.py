"""Web API and response_url clients that retry what is worth retrying, and log what still fails.

``slack_sdk`` retries only connection errors by default. Ours also:

* wait out a 429 for as long as ``Retry-After`` says, up to a bound (30 s, so a worker
  thread is never parked for minutes), then try again;
* retry transient server errors (500, 502, 503, 504) with backoff - a load balancer in
  front of Slack answers 502/504, not only the 500/503 slack_sdk's own handler knows.

Every client the app makes goes through :func:`web_client`, so every one of them uses
``SLACK_API_URL`` (tests and staging point it at a fake Slack).

Every Web API call goes through here too: :func:`attempt` when the caller decides what a
failure means (it gets a :class:`CallResult`, never an exception), :func:`call` when a
logged failure and None will do. The few slack_sdk helpers that cannot go through
``api_call`` (uploads, token rotation, Socket Mode) catch :data:`SLACK_CALL_FAILURES`.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from bot.slack.safe import guard

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# The longest a 429's Retry-After is waited out before trying again: longer waits are
# not worth holding a listener thread for.
MAX_RETRY_AFTER_SECONDS = 30.0
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
# Read methods take query arguments: Slack accepts JSON bodies only on (most) write methods.
QUERY_METHODS = frozenset({"users.info", "conversations.history"})
# What a failed Web API call raises: Slack's refusals and HTTP errors (SlackApiError is a
# SlackClientError), and the network's errors.
SLACK_CALL_FAILURES: tuple[type[Exception], ...] = (SlackClientError, OSError)


class RateLimitRetry(RateLimitErrorRetryHandler):
    """Honour a 429's ``Retry-After``, waiting at most ``max_wait`` seconds before retrying.

    A longer ``Retry-After`` is waited out up to the bound and then tried again (it is
    logged); only when the retries are used up does the call fail.
    """

    def __init__(self, max_retry_count: int = 2, max_wait: float | None = None):
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Sleep for ``Retry-After`` (at most the bound), then let the client try again."""
        if response is None:
            raise error or RuntimeError("a 429 retry without a response")
        bound = MAX_RETRY_AFTER_SECONDS if self.max_wait is None else self.max_wait
        asked = _retry_after(response)
        wait = 1.0 if asked is None else float(asked)
        if wait > bound:
            log.warning(
                "Slack asked us to wait %ss before retrying %s; waiting %ss instead",
                asked,
                _method(request.url),
                bound,
            )
            wait = bound
        state.next_attempt_requested = True
        time.sleep(wait + random.random() * min(1.0, bound / 10))
        state.increment_current_attempt()


class TransientServerErrorRetry(RetryHandler):
    """Retry a call that failed with a transient server error, with exponential backoff."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in TRANSIENT_STATUSES


def _retry_after(response: HttpResponse) -> int | None:
    return retry_after(response.headers)


def retry_after(headers: Any) -> int | None:
    """The ``Retry-After`` seconds of a Slack answer's headers, if any.

    Args:
        headers: a mapping of header names to a value or a list of values.

    """
    for name, values in dict(headers or {}).items():
        if name.lower() == "retry-after" and values:
            value = values[0] if isinstance(values, list | tuple) else values
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _method(url: str) -> str:
    """The API method of a Web API URL (never the query, which may carry arguments)."""
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def retry_handlers() -> list[RetryHandler]:
    """Fresh retry handlers: connection errors, 429 with ``Retry-After``, transient 5xx."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitRetry(max_retry_count=2),
        TransientServerErrorRetry(max_retry_count=2),
    ]


def web_client(api_url: str, token: str | None = None) -> WebClient:
    """A Web API client on ``api_url`` with our retry handlers.

    Args:
        api_url: the Web API base URL (``SLACK_API_URL``), ending in ``/``.
        token: the bot token, when the client acts for one workspace.

    """
    return WebClient(
        token=token, base_url=api_url, timeout=TIMEOUT_SECONDS, retry_handlers=retry_handlers()
    )


def post_to_response_url(url: str, payload: dict[str, Any]) -> bool:
    """Send a message to a ``response_url`` (ephemeral or in-channel), retrying like the Web API.

    Bolt's ``respond()`` posts without retries; this is the same call with them. A failure
    is logged with the status and Slack's answer, and reported by the return value so the
    caller can try another way to reach the user.

    Args:
        url: the response_url from the command, shortcut or action payload.
        payload: the message (``text``, ``blocks``, ``response_type``...).

    Returns:
        Whether Slack accepted the message.

    """
    try:
        response = WebhookClient(
            url, timeout=TIMEOUT_SECONDS, retry_handlers=retry_handlers()
        ).send_dict(guard(payload))
    except SLACK_CALL_FAILURES as exc:
        log.error("posting to the response_url failed: %s", exc)
        return False
    if response.status_code != 200:
        log.error(
            "posting to the response_url failed: HTTP %s %s",
            response.status_code,
            (response.body or "")[:200],
        )
        return False
    return True


@dataclass(frozen=True)
class CallResult:
    """What a Web API call came to: Slack's answer, or why there is none.

    ``status`` is set whenever Slack answered (a refusal, a 429 or 5xx that outlasted the
    retries); it is None when no answer came (a lost connection, a timeout).
    """

    data: dict[str, Any] | None = None
    error: str | None = None  # Slack's error code, e.g. "ratelimited", "user_not_found"
    status: int | None = None  # the HTTP status of Slack's answer
    retry_after: int | None = None  # seconds, from the answer's Retry-After
    reason: str = ""  # the failure in a few words, for logs

    @property
    def ok(self) -> bool:
        """Whether Slack accepted the call."""
        return self.data is not None


def attempt(client: WebClient, method: str, **kwargs: Any) -> CallResult:
    """Call a Web API method (with the client's retries) and say how it went, never raising.

    Args:
        client: the client to call with (the request's, so its token is the workspace's).
        method: the API method, e.g. ``chat.postMessage``.
        **kwargs: the method's arguments: a query for read methods, JSON for the rest.

    Returns:
        Slack's answer, or the error code, HTTP status and ``Retry-After`` of the failure.

    """
    try:
        if method in QUERY_METHODS:
            response = client.api_call(method, http_verb="GET", params=kwargs)
        else:
            # Every message, view and ephemeral leaves through here: the last escaping check.
            response = client.api_call(method, json=guard(kwargs))
    except SlackApiError as exc:
        answer = exc.response.data if isinstance(exc.response.data, dict) else {}
        error = answer.get("error")
        status = exc.response.status_code
        return CallResult(
            error=str(error) if error else None,
            status=status,
            retry_after=retry_after(getattr(exc.response, "headers", None)),
            reason=f"{error} (HTTP {status})",
        )
    except SLACK_CALL_FAILURES as exc:
        return CallResult(reason=str(exc) or type(exc).__name__)
    return CallResult(data=response.data)  # type: ignore[arg-type]


def call(client: WebClient, method: str, **kwargs: Any) -> dict[str, Any] | None:
    """Call a Web API method; log a failure (after retries) instead of raising.

    Args:
        client: the client to call with (the request's, so its token is the workspace's).
        method: the API method, e.g. ``chat.postMessage``.
        **kwargs: the method's arguments: a query for read methods, JSON for the rest.

    Returns:
        Slack's answer, or None when the call failed.

    """
    result = attempt(client, method, **kwargs)
    if not result.ok:
        log.error("Slack %s failed: %s", method, result.reason)
    return result.data
