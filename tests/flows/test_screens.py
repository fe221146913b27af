"""The first screen and "More": every front cuts a reply the same way, within budget."""

from __future__ import annotations

from datetime import UTC, datetime

from auxil.memory import MemoryDealSpace
from flows.engine import Engine
from flows.replies import Reply, WarningItem
from flows.screens import FIRST_SCREEN, split

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _title(code: str) -> str:
    return code.replace("_", " ").capitalize()


def _warning(code: str, size: int = 150) -> WarningItem:
    return WarningItem(code, "why " + "w" * size, "fix " + "f" * size)


def test_a_short_reply_is_all_first_screen() -> None:
    reply = Reply(
        text="Logged.",
        warnings=[_warning("one_way_concession", 40)],
        lines=["If you can commit to three years, we can do net-60."],
    )
    screens = split(reply, _title)
    assert [p.kind for p in screens.first] == ["text", "warning", "line"]
    # Why the warning matters is background: it waits behind More.
    assert [p.kind for p in screens.more] == ["why"]


def test_every_warning_keeps_its_title_and_fixes_come_in_order_while_they_fit() -> None:
    warnings = [_warning(f"gap_{i}") for i in range(6)]
    screens = split(Reply(text="Staying in Setup.", warnings=warnings), _title)
    kinds = [p.kind for p in screens.first if p.code]
    assert len(kinds) == 6 and kinds[0] == "warning"
    # Once one fix does not fit, the rest are titles only: the order never jumps.
    assert kinds == sorted(kinds, key=lambda k: k != "warning")
    assert len(screens.first_text()) <= FIRST_SCREEN


def test_lines_that_do_not_fit_wait_behind_more_in_order() -> None:
    lines = [f"line {i} " + "x" * 150 for i in range(6)]
    screens = split(Reply(text="Lines:", lines=lines), _title)
    shown = [p.text for p in screens.first if p.kind == "line"]
    waiting = [p.text for p in screens.more if p.kind == "line"]
    assert shown + waiting == lines and shown and waiting
    assert len(screens.first_text()) <= FIRST_SCREEN


def test_a_repeated_warning_is_a_still_open_line_without_its_why() -> None:
    repeat = WarningItem("below_walkaway", "why", "fix", repeat=True)
    screens = split(Reply(text="Logged their line.", warnings=[repeat]), _title)
    assert [p.kind for p in screens.first] == ["text", "still_open"]
    assert screens.more == []


def test_details_open_the_second_screen() -> None:
    screens = split(Reply(text="Phase: Setup.", details=["Checklist:\n- a\n- b"]), _title)
    assert screens.more[0].kind == "detail"
    assert "Checklist" in screens.more_text() and "Checklist" not in screens.first_text()


def test_the_same_figure_heard_again_is_not_explained_again() -> None:
    engine, space = Engine(), MemoryDealSpace()
    for line in ["new Acme", "walkaway 90k"]:
        engine.handle(line, space, NOW)
    first = engine.handle("they we can do 80k", space, NOW)
    again = engine.handle("they still 80k, that's it", space, NOW)
    other = engine.handle("they fine, 85k", space, NOW)
    assert isinstance(first, Reply) and isinstance(again, Reply) and isinstance(other, Reply)
    below = [
        next(w for w in r.warnings if w.code == "below_walkaway") for r in (first, again, other)
    ]
    assert [w.repeat for w in below] == [False, True, False]  # 85k is a new cause


def test_a_phase_intro_is_three_lines_with_its_checklist_behind_more() -> None:
    engine, space = Engine(), MemoryDealSpace()
    reply = engine.handle("new Acme", space, NOW)
    assert isinstance(reply, Reply)
    assert len(reply.text.splitlines()) <= 3
    assert any("Checklist" in d for d in reply.details)


def test_the_follow_up_after_their_line_changes_from_one_line_to_the_next() -> None:
    engine, space = Engine(), MemoryDealSpace()
    engine.handle("new Acme", space, NOW)
    asked = []
    for line in ["they we like the product", "they the team is busy", "they sounds good"]:
        reply = engine.handle(line, space, NOW)
        assert isinstance(reply, Reply) and len(reply.lines) == 1
        asked.append(reply.lines[0])
    assert len(set(asked)) == 3
