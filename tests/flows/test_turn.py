"""Tests for flows/turn.py: the warnings a deal remembers as already read."""

from __future__ import annotations

from datetime import UTC, datetime

from auxil.memory import MemoryDealSpace
from flows.engine import Engine
from flows.replies import Reply
from flows.turn import SHOWN_WARNINGS_KEPT

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _below_walkaway(engine: Engine, space: MemoryDealSpace, line: str) -> bool:
    reply = engine.handle(line, space, NOW)
    assert isinstance(reply, Reply)
    return next(w for w in reply.warnings if w.code == "below_walkaway").repeat


def test_a_deal_keeps_short_causes_however_many_warnings_it_heard() -> None:
    engine, space = Engine(), MemoryDealSpace()
    engine.handle("new Acme", space, NOW)
    for n in range(SHOWN_WARNINGS_KEPT + 5):
        engine.handle(f"give extra seat number {n} for the whole team this year", space, NOW)
    deal = space.active_deal()
    assert deal is not None and len(deal.shown_warnings) == SHOWN_WARNINGS_KEPT
    # A code and a digest, not the message: the deal is written on every move.
    assert all(len(cause) <= 40 for cause in deal.shown_warnings)


def test_causes_saved_as_text_before_digests_still_count_as_read() -> None:
    engine, space = Engine(), MemoryDealSpace()
    for line in ["new Acme", "walkaway 90k"]:
        engine.handle(line, space, NOW)
    assert _below_walkaway(engine, space, "they we can do 80k") is False
    deal = space.active_deal()
    assert deal is not None
    # What a deal saved by an earlier version holds: the code and message, cut at 300.
    reply = engine.handle("they we can do 80k", space, NOW)
    assert isinstance(reply, Reply)
    warning = next(w for w in reply.warnings if w.code == "below_walkaway")
    deal.shown_warnings = [f"{warning.code}:{warning.message}"[:300]]
    space.save_deal(deal)
    assert _below_walkaway(engine, space, "they still 80k, that's it") is True
    assert _below_walkaway(engine, space, "they fine, 85k") is False
