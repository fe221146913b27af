"""Property: whatever a user types, the engine answers with a reply or a clear rejection."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auxil.memory import MemoryDealSpace
from flows.commands import REGISTRY
from flows.engine import Engine
from flows.replies import Rejection, Reply

ENGINE = Engine()
NOW = datetime(2026, 11, 23, tzinfo=UTC)
WORDS = sorted({w for spec in REGISTRY.values() for w in (spec.name, *spec.aliases)})
FRAGMENTS = [
    "us=3",
    "them=9",
    "worth=50",
    "=",
    "anyway",
    "for",
    "if we",
    ", they",
    "+",
    "$95k",
    "1.2M",
    "{{ x }}",
    "{% for %}",
    "<!channel>",
    '"',
    "'",
    "A",
    "B",
    "\\n",
    "price",
    "min",
    "max",
    "50/50",
    "take it or leave it",
    "later",
    "99.9%",
]

line = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda w, rest: f"{w} {' '.join(rest)}",
        st.sampled_from(WORDS),
        st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=6),
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=12), st.booleans())
def test_random_input_never_crashes(lines: list[str], start_with_deal: bool) -> None:
    space = MemoryDealSpace()
    if start_with_deal:
        ENGINE.handle("new Fuzz", space, NOW)
    seen = ""
    for text in lines:
        seen += text
        outcome = ENGINE.handle(text, space, NOW)
        assert isinstance(outcome, (Reply, Rejection))
        if isinstance(outcome, Rejection):
            assert outcome.code and outcome.message
        else:
            assert outcome.text or outcome.lines or outcome.table is not None
            if "{" not in seen:  # user text (echoed later by undo) may carry braces
                assert "{{" not in outcome.text and "{%" not in outcome.text
