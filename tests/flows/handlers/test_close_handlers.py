"""The close handlers (flows/handlers/close.py).

Safeguards need a trigger and a remedy, an exit path put off is no exit path, and the
follow-up line asks for what is missing, never for what is already there.
"""

from __future__ import annotations

from auxil.memory import MemoryDealSpace
from auxil.reader_corpus import NOW, fresh_space
from flows.engine import Engine
from flows.gaps import exit_gaps
from flows.replies import Reply

MEASURABLE_LINE = "Let's make that measurable"
REMEDY_LINE = "what happens automatically"


def _send(engine: Engine, space: MemoryDealSpace, line: str) -> Reply:
    outcome = engine.handle(line, space, NOW)
    assert isinstance(outcome, Reply), outcome
    return outcome


def _gaps(space: MemoryDealSpace) -> set[str]:
    deal = space.active_deal()
    assert deal is not None
    deal.phase = "close"
    return {code for code, _ in exit_gaps(deal)}


def _warning(reply: Reply, code: str) -> tuple[str, str]:
    found = [w for w in reply.warnings if w.code == code]
    assert found, [w.code for w in reply.warnings]
    return found[0].message, found[0].suggestion


def test_a_sound_safeguard_gets_no_warning_and_no_measurable_nudge(engine: Engine) -> None:
    space = fresh_space(engine, "sales")
    reply = _send(
        engine,
        space,
        "safeguard if uptime is below 99.9% in a month, Acme gets a 10% service credit",
    )
    assert reply.warnings == []
    assert "Safeguard added (1)" in reply.text
    assert not any(MEASURABLE_LINE in line or REMEDY_LINE in line for line in reply.lines)
    deal = space.active_deal()
    assert deal is not None and deal.safeguards[-1].sound
    assert "no_safeguards" not in _gaps(space)


def test_a_label_is_no_trigger(engine: Engine) -> None:
    # Issue 11: the digit of "P1" made this pass as measurable.
    space = fresh_space(engine, "sales")
    reply = _send(engine, space, "safeguard respond promptly to P1 incidents")
    message, _ = _warning(reply, "vague_safeguard")
    assert "neither a measurable trigger nor a remedy" in message
    assert "neither" in reply.text
    assert any(MEASURABLE_LINE in line for line in reply.lines)
    assert any(REMEDY_LINE in line for line in reply.lines)
    deal = space.active_deal()
    assert deal is not None and not deal.safeguards[-1].sound
    assert "no_safeguards" in _gaps(space)


def test_a_remedy_without_a_trigger_asks_for_the_number(engine: Engine) -> None:
    space = fresh_space(engine, "procurement")
    reply = _send(engine, space, "safeguard a 10% credit if the service is unreliable")
    message, suggestion = _warning(reply, "vague_safeguard")
    assert "nothing to measure" in message and "P1" in suggestion
    assert "nothing in it can be measured" in reply.text
    assert any(MEASURABLE_LINE in line for line in reply.lines)
    assert not any(REMEDY_LINE in line for line in reply.lines)


def test_a_trigger_without_a_remedy_asks_what_happens(engine: Engine) -> None:
    space = fresh_space(engine, "partnership")
    reply = _send(
        engine, space, "safeguard Initech sends at least 25 qualified referrals per quarter"
    )
    message, suggestion = _warning(reply, "vague_safeguard")
    assert "what happens then" in message and "credit" in suggestion
    assert "needs a remedy" in reply.text
    assert any(REMEDY_LINE in line for line in reply.lines)
    assert not any(MEASURABLE_LINE in line for line in reply.lines)
    assert "no_safeguards" in _gaps(space)  # half a safeguard does not close the gap


def test_the_safeguard_aliases_read_the_same_way(engine: Engine) -> None:
    space = fresh_space(engine, "hiring")
    reply = _send(engine, space, "sla support within 4 hours")
    assert [w.code for w in reply.warnings] == ["vague_safeguard"]
    reply = _send(
        engine,
        space,
        "contingency if Sam ships the migration by 30 June, a 10k bonus is paid in July",
    )
    assert reply.warnings == []


def test_a_deferred_exit_is_flagged_and_leaves_the_gap_open(engine: Engine) -> None:
    space = fresh_space(engine, "sales")
    reply = _send(engine, space, "exit TBD")
    message, suggestion = _warning(reply, "governance_deferred")
    assert '"tbd"' in message.lower() and "exit path" in message
    assert "notice period" in suggestion and "`script exit`" in suggestion
    assert "still open-ended" in reply.text
    deal = space.active_deal()
    assert deal is not None and not deal.exits[-1].sound
    assert "no_exit_path" in _gaps(space)
    for line in ("exit we'll figure it out later", "exit to be agreed", "exit tbc"):
        assert "governance_deferred" in {w.code for w in _send(engine, space, line).warnings}


def test_a_written_exit_closes_the_gap(engine: Engine) -> None:
    space = fresh_space(engine, "procurement")
    reply = _send(
        engine,
        space,
        "exit either side may terminate with 90 days' notice; "
        "Globex gives 3 months of transition support",
    )
    assert reply.warnings == []
    assert reply.text == "Exit path noted."
    assert "no_exit_path" not in _gaps(space)


def test_deferred_governance_still_reads_as_governance(engine: Engine) -> None:
    space = fresh_space(engine, "partnership")
    reply = _send(engine, space, "governance we'll work out reviews later")
    message, _ = _warning(reply, "governance_deferred")
    assert "governance off" in message and "exit" not in message
