"""The ack is sent before the listener's work goes on (bot.slack.ack_handoff)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from bot.slack.ack_handoff import ENVIRON_KEY, HAND_OVER_SECONDS, HandedOverAck, handing_over


def _ack_in_a_thread(ack: HandedOverAck) -> tuple[threading.Thread, list[float]]:
    took: list[float] = []

    def listener() -> None:
        start = time.monotonic()
        ack()
        took.append(time.monotonic() - start)

    thread = threading.Thread(target=listener)
    thread.start()
    return thread, took


def test_a_listener_waits_until_the_response_body_is_closed() -> None:
    seen: dict[str, Any] = {}

    def bolt(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen["ack"] = environ[ENVIRON_KEY]
        start_response("200 OK", [])
        return [b""]

    body = handing_over(bolt)({}, lambda *args: None)
    ack = seen["ack"]
    thread, took = _ack_in_a_thread(ack)
    time.sleep(HAND_OVER_SECONDS / 5)
    assert thread.is_alive() and ack.response is not None  # acked, waiting for the send
    assert list(body) == [b""]
    body.close()  # type: ignore[attr-defined]  # the server sent the last byte
    thread.join(1)
    assert not thread.is_alive() and took[0] < HAND_OVER_SECONDS


def test_the_wait_is_bounded_and_the_request_thread_never_waits() -> None:
    ack = HandedOverAck()  # made in this thread: Bolt acks events here itself
    start = time.monotonic()
    ack()
    assert time.monotonic() - start < HAND_OVER_SECONDS / 2
    other = HandedOverAck()
    thread, took = _ack_in_a_thread(other)
    thread.join(1)  # never sent: the listener goes on after the bound
    assert HAND_OVER_SECONDS * 0.9 <= took[0] < 1


def test_a_failing_handler_releases_the_listener() -> None:
    seen: dict[str, Any] = {}

    def bolt(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen["ack"] = environ[ENVIRON_KEY]
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError):
        handing_over(bolt)({}, lambda *args: None)
    assert seen["ack"].sent.is_set()
