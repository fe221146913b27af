"""Content checks for the phrase library: it loads, covers the vocabulary and renders cleanly.

Every script line is rendered for every context with full facts, with empty facts, and with
each fact filled or emptied on its own, because the engine passes "" for anything the rep
has not recorded yet. Every warning is rendered with sample values for its variables.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from flows.vocabulary import (
    CONTEXTS,
    PHASES,
    SCRIPT_VARS,
    TOPICS,
    WARNING_CODES,
    WARNING_VARS,
)
from phrases.library import PhraseLibrary, Vocabulary, load_library

VOCAB = Vocabulary(
    phases=PHASES,
    contexts=CONTEXTS,
    warning_codes=WARNING_CODES,
    script_vars=SCRIPT_VARS,
    detectors=(),
    commands=(),
    replies=(),
    topics=TOPICS,
    warning_vars=WARNING_VARS,
)

TOPIC_PHASE = {
    "prep": "setup",
    "opening": "first_move",
    "interests": "first_move",
    "meso": "first_move",
    "anchor": "first_move",
    "concession": "midgame",
    "objection": "midgame",
    "fairness": "midgame",
    "contingent": "midgame",
    "safeguard": "close",
    "governance": "close",
    "exit": "close",
    "close": "close",
    "walkaway": "walked_away",
    "debrief": "review",
    "improve": "review",
    "issues": "setup",
    "walkaway_point": "setup",
    "their_anchor": "first_move",
    "ask_back": "midgame",
    "discount": "midgame",
    "deadline": "midgame",
}

LIST_VARS = frozenset({"issues", "bundles"})
STRING_VARS = sorted(SCRIPT_VARS - LIST_VARS - {"counterparty", "context", "phase"})

FULL_FACTS: dict[str, Any] = {
    "deal": "Acme renewal",
    "counterparty": "Acme procurement",
    "issues": ["price", "rollout speed", "support tier"],
    "top_issue": "rollout speed",
    "our_priority": "a multi-year commitment",
    "cheap_give": "onboarding training",
    "evidence": "the 2024 industry pricing benchmark",
    "rule": "weekly active users above 60% within 90 days",
    "win_mine": "a two-year term at list price",
    "win_theirs": "a live system before their June audit",
    "win_shared": "a reference rollout both teams can point to",
    "last_give": "net-60 payment terms",
    "last_get": "a named reference call",
    "bundles": ["A", "B", "C"],
    "meeting": "Thursday's call",
    "walk_reason": "they would not accept any service credits",
}

# Text that shows a template went wrong: unrendered syntax, Python's None, a gap left by an
# empty value (space before punctuation, doubled punctuation, empty brackets or quotes).
BAD_TEXT = [
    (re.compile(r"None|\{\{|\}\}|\{%|%\}|\{#|#\}"), "leftover template syntax or None"),
    (re.compile(r"\s{2,}"), "doubled whitespace"),
    (re.compile(r"\s[.,;:!?)]"), "space before punctuation"),
    (re.compile(r"[.,;:!?]\s?[.,;:!?]"), "doubled punctuation"),
    (re.compile(r"\(\s*\)|\"\s*\"|''"), "empty brackets or quotes"),
    (re.compile(r"\b(\w+) \1\b", re.IGNORECASE), "repeated word"),
    (re.compile(r"\[|\]"), "a list rendered as Python"),
]


@pytest.fixture(scope="module")
def lib() -> PhraseLibrary:
    return load_library(VOCAB)


def facts_for(context: str, phase: str, **overrides: Any) -> dict[str, Any]:
    facts = {**FULL_FACTS, "context": context, "phase": phase}
    facts.update(overrides)
    return facts


def empty_facts(context: str, phase: str) -> dict[str, Any]:
    facts: dict[str, Any] = {name: "" for name in SCRIPT_VARS}
    facts.update(
        issues=[], bundles=[], counterparty="your counterpart", context=context, phase=phase
    )
    return facts


def fact_variants(context: str, phase: str) -> list[tuple[str, dict[str, Any]]]:
    """Full, empty, and each string fact alone emptied or alone filled; lists of one."""
    variants = [
        ("full", facts_for(context, phase)),
        ("empty", empty_facts(context, phase)),
        ("single items", facts_for(context, phase, issues=["price"], bundles=["A"])),
        ("two bundles", facts_for(context, phase, bundles=["cost", "reliability"])),
    ]
    for name in STRING_VARS:
        variants.append((f"without {name}", facts_for(context, phase, **{name: ""})))
        only = empty_facts(context, phase)
        only[name] = FULL_FACTS[name]
        variants.append((f"only {name}", only))
    return variants


def script(lib: PhraseLibrary, topic: str, context: str, facts: dict[str, Any]) -> list[str]:
    return lib.script(topic, context, **facts)


def assert_clean(text: str, where: str, *, sentence: bool = True) -> None:
    assert text.strip(), f"{where}: rendered empty"
    for pattern, problem in BAD_TEXT:
        match = pattern.search(text)
        assert match is None, f"{where}: {problem} at {match.group(0)!r} in {text!r}"
    assert text[0].isupper() or text[0] in '"`$0123456789', f"{where}: starts oddly: {text!r}"
    if sentence:
        assert text[-1] in '.?!"`', f"{where}: no closing punctuation: {text!r}"


def test_library_loads(lib: PhraseLibrary) -> None:
    assert set(lib.topics) >= set(TOPICS)
    assert lib.guides.refusal


def test_topics_sit_in_their_phase(lib: PhraseLibrary) -> None:
    for topic, phase in TOPIC_PHASE.items():
        assert lib.topics[topic].phase == phase, topic


def test_default_topics_belong_to_the_phase(lib: PhraseLibrary) -> None:
    for phase in PHASES:
        names = lib.default_topics(phase)
        assert 1 <= len(names) <= 3, phase
        for name in names:
            assert lib.topics[name].phase == phase, (phase, name)


@pytest.mark.parametrize("context", CONTEXTS)
def test_every_script_line_renders_cleanly(lib: PhraseLibrary, context: str) -> None:
    for topic_name, topic in lib.topics.items():
        for label, facts in fact_variants(context, topic.phase):
            for i, line in enumerate(script(lib, topic_name, context, facts)):
                assert_clean(line, f"{topic_name}[{context}][{i}] ({label})")


def test_empty_facts_never_leak_full_values(lib: PhraseLibrary) -> None:
    # With nothing recorded, no sample value may appear: each guard takes its else branch.
    samples = [v for k, v in FULL_FACTS.items() if isinstance(v, str) and k != "counterparty"]
    for topic_name, topic in lib.topics.items():
        for context in CONTEXTS:
            for line in script(lib, topic_name, context, empty_facts(context, topic.phase)):
                for sample in samples:
                    assert sample not in line, (topic_name, context, line)


def test_script_lines_use_the_facts(lib: PhraseLibrary) -> None:
    # Each fact that the library uses shows up when it is filled in.
    rendered = " ".join(
        line
        for name, topic in lib.topics.items()
        for context in CONTEXTS
        for line in script(lib, name, context, facts_for(context, topic.phase))
    )
    for name in STRING_VARS:
        if name in ("deal", "win_mine"):
            continue  # optional in the content; not every fact needs a line of its own
        if name == "evidence":
            # The evidence pack is the rep's own notes: no line may quote it (issue 11).
            assert FULL_FACTS[name] not in rendered
            continue
        assert FULL_FACTS[name] in rendered, name


@pytest.mark.parametrize("phase", PHASES)
def test_phase_texts(lib: PhraseLibrary, phase: str) -> None:
    text = lib.phase(phase)
    assert 4 <= len(text.checklist) <= 8
    assert set(text.focus) == set(CONTEXTS)
    facts = facts_for("sales", phase)
    for s in (text.title, text.purpose, text.principle, *text.checklist, *text.focus.values()):
        assert_clean(lib.render(s, **facts), f"phases.{phase}", sentence=s is not text.title)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("context", CONTEXTS)
def test_at_least_five_lines_per_phase_and_context(
    lib: PhraseLibrary, phase: str, context: str
) -> None:
    count = sum(
        len(t.lines.get("all", [])) + len(t.lines.get(context, []))
        for t in lib.topics.values()
        if t.phase == phase
    )
    assert count >= 5, (phase, context, count)


def test_warning_vars_match_the_engine_contract(lib: PhraseLibrary) -> None:
    # The loader only checks that templates stay within the declared vars; the declared
    # vars themselves must equal what the engine passes.
    assert set(lib.warnings) == set(WARNING_CODES)
    for code, text in lib.warnings.items():
        assert tuple(text.vars) == WARNING_VARS[code], code


SAMPLE_WARNING_VALUES: dict[str, list[dict[str, Any]]] = {
    "single_issue": [
        {"count": 0, "bundle": "", "other": "", "term": ""},
        {"count": 1, "bundle": "", "other": "", "term": ""},
        {"count": "", "bundle": "B", "other": "A", "term": "price"},
    ],
    "one_way_concession": [{"item": "onboarding training"}, {"item": "we can throw in"}],
    "reciprocity_stalled": [{"count": 2}, {"count": "3"}],
    "uneven_trade": [{"give": "net-60 terms", "get": "a logo", "give_us": 4, "get_us": 1}],
    "overshare_walkaway": [{"phrase": "our bottom line is"}, {"phrase": "$80,000"}],
    "hard_line_tone": [{"phrase": "take it or leave it"}],
    "split_the_difference": [{"phrase": "meet in the middle"}],
    "their_anchor": [{"amount": "$350,000"}, {"amount": ""}],
    "price_pushback": [{"phrase": "too expensive"}],
    "unbundling": [{"phrase": "just the licence"}],
    "their_hard_line": [{"phrase": "best and final"}],
    "their_split": [{"phrase": "meet us halfway"}],
    "competitor_claim": [{"phrase": "Globex will do it for less"}],
    "their_cherry_pick": [{"phrase": "your price from option A with the support from option B"}],
    "below_walkaway": [
        {"amount": "$70,000", "walkaway": "$80,000", "direction": "min"},
        {"amount": "$90,000", "walkaway": "$80,000", "direction": "max"},
    ],
    "too_many_bundles": [{"count": 5}],
    "bundles_not_equivalent": [{"low": "A", "high": "C"}],
    "cherry_picking": [{"labels": "A and C"}, {"labels": ["A", "C"]}],
    "vague_safeguard": [
        {"text": "reasonable uptime", "missing": "both"},
        {"text": "respond promptly to P1 incidents", "missing": "trigger"},
        {"text": "99.9% uptime each month", "missing": "remedy"},
    ],
    "governance_deferred": [
        {"phrase": "we'll see later", "part": "governance"},
        {"phrase": "TBD", "part": "exit"},
    ],
    "false_deadline": [{"phrase": "only valid until 5pm today"}],
    "invented_alternative": [{"phrase": "another buyer lined up"}],
    "hidden_terms": [{"phrase": "don't worry about that"}],
    "unreciprocated_concessions": [{"count": 1}, {"count": 3}],
}


@pytest.mark.parametrize("code", WARNING_CODES)
def test_every_warning_renders(lib: PhraseLibrary, code: str) -> None:
    variants = SAMPLE_WARNING_VALUES.get(code, [{}])
    for values in variants:
        assert set(values) == set(WARNING_VARS[code]), f"test samples for {code} are stale"
        message, suggestion = lib.warning(code, **values)
        assert_clean(message, f"warnings.{code}.message {values}")
        assert_clean(suggestion, f"warnings.{code}.suggestion {values}")
        assert lib.warnings[code].title.strip()


def test_warning_wording_follows_its_values(lib: PhraseLibrary) -> None:
    setup_use, _ = lib.warning("single_issue", count=1, bundle="", other="", term="")
    bundle_use, _ = lib.warning("single_issue", count="", bundle="B", other="A", term="price")
    assert "one issue" in setup_use
    assert "price" in bundle_use and "B" in bundle_use
    floor, _ = lib.warning("below_walkaway", amount="$70k", walkaway="$80k", direction="min")
    ceiling, _ = lib.warning("below_walkaway", amount="$90k", walkaway="$80k", direction="max")
    assert "below" in floor and "above" in ceiling
    capped, _ = lib.warning("their_anchor", amount="")
    assert "without" in capped
    # A vague safeguard says which half is missing, in plain words.
    halves = {
        m: lib.warning("vague_safeguard", text="x", missing=m)
        for m in ("trigger", "remedy", "both")
    }
    assert "nothing to measure" in halves["trigger"][0] and "P1" in halves["trigger"][1]
    assert "what happens then" in halves["remedy"][0] and "credit" in halves["remedy"][1]
    assert "neither" in halves["both"][0]
    exit_put_off, exit_fix = lib.warning("governance_deferred", phrase="TBD", part="exit")
    assert "exit path" in exit_put_off and "notice period" in exit_fix
    review_put_off, _ = lib.warning("governance_deferred", phrase="later", part="governance")
    assert "governance" in review_put_off


# Codes that are deliberately in no pitfall's list: none. Every code the engine raises
# traces back to a row of the method's pitfall table (their_anchor, price_pushback and
# unbundling, the other side's price tactics, sit with the pitfall they lead you into).
CODES_WITHOUT_PITFALL: frozenset[str] = frozenset()


def test_pitfalls_cover_the_table(lib: PhraseLibrary) -> None:
    assert len(lib.pitfalls) == 15
    used: set[str] = set()
    for key, pitfall in lib.pitfalls.items():
        assert set(pitfall.codes) <= set(WARNING_CODES), key
        used.update(pitfall.codes)
    assert lib.pitfalls["culture_blind"].codes == []
    assert set(WARNING_CODES) - used == CODES_WITHOUT_PITFALL


def test_reference_material(lib: PhraseLibrary) -> None:
    for context in CONTEXTS:
        book = lib.playbook(context)
        assert len(book.stages) >= 4 and book.questions and book.tradeables
    wanted_faq = {
        "weak_batna",
        "reveal_priorities",
        "hard_bargainer",
        "not_a_fit",
        "meso",
        "batna_reservation",
        "split_vs_trade",
        "how_many_bundles",
        "contingent_terms",
        "three_lines",
        "culture",
        "walking_away",
    }
    assert wanted_faq <= set(lib.faq)
    guides = lib.guides
    assert set(guides.price_tactics) == {"their_anchor", "constant_pushback", "unbundling"}
    assert {
        "concession_log",
        "meso_grid",
        "tradeables_library",
        "anchor_worksheet",
        "three_lines",
        "decision_rule",
        "move_guide",
    } == set(guides.artifacts)


def test_plain_text_sections_render_as_written(lib: PhraseLibrary) -> None:
    strings: list[str] = []
    for entry in lib.faq.values():
        strings += [entry.question, entry.answer]
        assert entry.keywords
    for context in CONTEXTS:
        book = lib.playbook(context)
        strings += [book.title, *book.stages, *book.questions, *book.tradeables]
    for pitfall in lib.pitfalls.values():
        strings += [pitfall.name, pitfall.why, pitfall.fix]
    g = lib.guides
    strings += [
        *g.ethics,
        g.refusal,
        *g.debrief,
        *g.tradeables,
        *g.not_a_fit,
        *g.artifacts.values(),
        *g.checklist_do,
        *g.checklist_avoid,
        *g.price_tactics.values(),
    ]
    for s in strings:
        assert lib.render(s) == " ".join(s.split())
        assert_clean(s, "plain text", sentence=False)
