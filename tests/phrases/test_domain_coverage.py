"""Everything in the coaching method (shared/domain.md) is reachable from some command.

Each row names a part of the method, the command that shows it, and wording that must
appear in what the user sees (text, table, warnings and lines together).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from auxil.memory import MemoryDealSpace
from flows.engine import Engine
from flows.replies import Reply

PREPARED = [
    "new Acme",
    "batna Globex at 88k",
    "walkaway 90k",
    "issue price us=5 them=3",
    "issue onboarding us=2 them=4",
    "evidence benchmark 85-110k",
]

COVERAGE: list[tuple[str, str, str]] = [
    # Setup
    ("BATNA", "checklist", r"BATNA"),
    ("reservation point", "checklist", r"walk-away"),
    ("issue map beyond price", "script prep", r"scope|data rights|governance"),
    ("priority and tradeables matrix", "help issue", r"value to you"),
    ("tradeables library", "tradeable", r"payment terms"),
    ("tradeables library: audit rights", "tradeable", r"audit rights"),
    ("tradeables library: indexation caps", "tradeable", r"indexation"),
    ("counterparty map", "checklist", r"can say yes|decision"),
    ("evidence pack", "checklist", r"evidence"),
    ("the three lines", "checklist", r"three lines|your win"),
    ("decision rule", "checklist", r"decision rule"),
    ("anchor worksheet", "method", r"anchor worksheet"),
    ("pre-meeting questions", "script questions", r"\?"),
    ("setup principle", "checklist", r"[Cc]lear standards"),
    # First move
    ("frame the game", "script opening", r"every issue|all the issues|whole"),
    ("diagnostic questions", "script interests", r"\?"),
    ("ranges, never the floor", "faq reveal priorities", r"range|reservation|walk-away"),
    ("MESO", "script meso", r"package|bundle|option"),
    ("first-move principle", "faq meso", r"bundle|package"),
    # Midgame
    ("conditional ask", "script concession", r"[Ii]f we"),
    ("fairness narrative", "script fairness", r"benchmark|cost"),
    ("contingent terms", "script contingent", r"[Ii]f "),
    ("loss aversion and face-saving", "faq culture face", r"face"),
    ("joint problem framing", "script objection", r"\?"),
    # Close
    ("safeguards with triggers", "script safeguard", r"\d|measur"),
    ("governance", "script governance", r"review|cadence"),
    ("exit path", "script exit", r"exit|notice|end"),
    ("post-settlement improvement", "script improve", r"better|tweak|improve"),
    # Review
    ("debrief prompts", "debrief", r"value"),
    # Contexts
    ("sales playbook", "playbook sales", r"[Dd]iscovery"),
    ("partnership playbook", "playbook partnership", r"[Gg]overnance|IP|brand"),
    ("procurement playbook", "playbook procurement", r"criteria|holdback|credits"),
    ("hiring playbook", "playbook hiring", r"equity|compensation|comp"),
    # Pitfalls and tactics
    ("pitfall catalogue", "pitfalls", r"[Ss]plitting the difference"),
    ("culture-blind framing", "pitfalls", r"[Cc]ulture"),
    ("their anchor tactic", "method", r"their anchor"),
    ("constant push-back", "method", r"constant pushback"),
    ("unbundling tactic", "method", r"unbundling"),
    # Method-wide
    ("when win-win does not fit", "method", r"[Aa]uction|one-shot|trust"),
    ("ethics guardrails", "ethics", r"auto-renew|dark pattern|hidden"),
    ("relationship-safe refusal", "ethics", r"[Ww]e can|could"),
    ("artifacts: concession log", "method", r"concession log"),
    ("artifacts: MESO grid", "method", r"MESO grid"),
    ("artifacts: move/step guide", "method", r"move guide"),
    ("checklist do/avoid", "method", r"Avoid:"),
    ("FAQ: weak BATNA", "faq weak batna", r"BATNA"),
    ("FAQ: distributive other side", "faq hard bargainer distributive", r"reciproc|trade"),
    ("walking away", "script walkaway", r"\w"),
]


def _seen(outcome: Reply) -> str:
    parts = [outcome.full_text(), *outcome.details, *outcome.lines]
    parts += [f"{w.message} {w.suggestion}" for w in outcome.warnings]
    return "\n".join(parts)


@pytest.mark.parametrize(("concept", "command", "pattern"), COVERAGE, ids=[c[0] for c in COVERAGE])
def test_domain_concept_is_reachable(concept: str, command: str, pattern: str) -> None:
    engine, space = Engine(), MemoryDealSpace()
    now = datetime(2026, 11, 23, tzinfo=UTC)
    for line in PREPARED:
        engine.handle(line, space, now)
    outcome = engine.handle(command, space, now)
    assert isinstance(outcome, Reply), f"{concept}: `{command}` was rejected: {outcome}"
    shown = _seen(outcome)
    assert re.search(pattern, shown, re.IGNORECASE), f"{concept}: `{command}` lacks /{pattern}/"


def test_every_phase_introduces_itself() -> None:
    engine, space = Engine(), MemoryDealSpace()
    now = datetime(2026, 11, 23, tzinfo=UTC)
    seen = []
    for line in ["new Acme", "next anyway", "next anyway", "next anyway", "signed anyway"]:
        outcome = engine.handle(line, space, now)
        assert isinstance(outcome, Reply)
        seen.append("\n".join([outcome.full_text(), *outcome.details]))
    for text in seen:
        assert "Principle:" in text and "Checklist:" in text
    walked = engine.handle("new Beta", space, now), engine.handle("walk no fit", space, now)
    assert "Principle:" in "\n".join(walked[1].details)  # type: ignore[union-attr]
