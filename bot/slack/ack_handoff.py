"""The ack goes out before the turn starts: a listener's work waits for the hand-over.

Over HTTP, Bolt runs a listener in a pool thread while the request's own thread polls
every 10 ms for the listener's ``ack()``, then writes the response. A listener that acks
and goes straight on to CPU-bound work (a turn) holds the GIL whenever the request's
thread wants it back, to wake from its poll or to write the response, and each time that
thread waits for the interpreter's switch interval (5 ms): the ack took 1.5x to 2x as long
as a bare Bolt app's (``tests/bench/bench_inbox_kill.py``). So here ``ack()``, called from
the listener's thread, waits (with a bound) until the response was sent: the WSGI server
closes the response body after its last byte went out. An ack called from the request's
own thread (Bolt acks events there, and the inbox commands, buttons and shortcuts) never
waits; this matters most for a form, whose listener answers with the ack.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

from slack_bolt import BoltRequest
from slack_bolt.context.ack import Ack

# Past this the listener goes on, whatever happened to the response (Bolt polls every
# 10 ms; sending an ack takes well under a millisecond).
HAND_OVER_SECONDS: Final = 0.05
ENVIRON_KEY: Final = "dealcoach.ack"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class HandedOverAck(Ack):
    """An ``ack`` that returns once the response was sent (or the bound passed)."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.sent = threading.Event()
        self.request_thread = threading.get_ident()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Acknowledge as Bolt's ``ack`` does, then wait for the hand-over (see the module)."""
        response = super().__call__(*args, **kwargs)
        if threading.get_ident() != self.request_thread:
            self.sent.wait(HAND_OVER_SECONDS)
        return response


class _ClosedWhenSent:
    """A response body that tells the ack once the server is done sending it."""

    def __init__(self, body: Iterable[bytes], ack: HandedOverAck):
        self.body = body
        self.ack = ack

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.ack.sent.set()


def handing_over(bolt: WsgiApp) -> WsgiApp:
    """Wrap Bolt's WSGI handler so that listeners' acks wait for the response to go out.

    Args:
        bolt: the WSGI handler; its Bolt requests take their ack from :func:`ack_for`.

    """

    def application(
        environ: dict[str, Any],
        start_response: Callable[..., Any],
    ) -> Iterable[bytes]:
        ack = HandedOverAck()
        environ[ENVIRON_KEY] = ack
        try:
            return _ClosedWhenSent(bolt(environ, start_response), ack)
        except BaseException:
            ack.sent.set()
            raise

    return application


def use_ack(request: BoltRequest, environ: dict[str, Any]) -> None:
    """Give a Bolt request the waiting ack :func:`handing_over` made for its HTTP request.

    Args:
        request: the Bolt request about to be dispatched.
        environ: the WSGI environment it came from.

    """
    ack = environ.get(ENVIRON_KEY)
    if isinstance(ack, HandedOverAck):
        request.context["ack"] = ack
