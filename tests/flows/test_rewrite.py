"""A better version of the rep's own risky line (issue 11 item 3).

Over the tuning corpus (tests/flows/rewrite_corpus/lines.yaml), through the real engine:
every risky line gets a better line that keeps the rep's key words and figure, drops the
floor, and passes our own `say` checks when sent back as `say`; no fine line gets one.
The held-out set is scored only by tests/bench/bench_rewrites.py. Then the parts: the ask
chosen from the issue map, each kind of rewrite, the templates, and what the reply carries.
"""

from __future__ import annotations

import copy

import pytest

from auxil.memory import MemoryDealSpace
from auxil.reader_corpus import NOW, fresh_space
from auxil.rewrite_corpus import Case, load_cases, run_case, score
from flows.detectors import Detectors
from flows.engine import Engine
from flows.model import Deal, IssueScore
from flows.replies import Reply, merge_replies
from flows.rewrite import MAX_LINE, RISKY, better_line
from phrases import PhraseLibrary

CASES = load_cases()


def test_the_corpus_has_every_voice_code_and_near_misses() -> None:
    assert {c.deal for c in CASES} == {"sales", "procurement", "partnership", "hiring", "candidate"}
    assert {c for case in CASES for c in case.expect} == set(RISKY)
    assert {c.command for c in CASES} == {"say", "plain"}
    assert sum(not c.risky for c in CASES) >= 0.25 * len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.deal}:{c.text[:50]}" for c in CASES])
def test_case(engine: Engine, case: Case) -> None:
    result = run_case(engine, case)
    assert result.ok, f"{result.better!r}: {'; '.join(result.problems)}"


def test_every_risky_line_of_the_tuning_set(engine: Engine) -> None:
    figures = score([run_case(engine, c) for c in CASES])
    assert figures["risky_rate"] == 1.0 and figures["near_rate"] == 1.0, figures


# -- the parts ---------------------------------------------------------------------------
def _deal(engine: Engine, name: str = "sales", **changes: object) -> Deal:
    deal = copy.deepcopy(fresh_space(engine, name).active_deal())
    assert deal is not None
    for key, value in changes.items():
        setattr(deal, key, value)
    return deal


def test_a_give_asks_for_what_is_worth_more_to_us_than_to_them(engine: Engine) -> None:
    deal = _deal(
        engine,
        issues=[
            IssueScore("price", 5, 4),
            IssueScore("term length", 4, 1),
            IssueScore("training", 1, 3),
        ],
    )
    assert better_line(engine.lib, deal, "we can throw in the onboarding") == (
        "If you can move on term length, we can throw in the onboarding."
    )


def test_the_ask_is_never_what_the_line_names_nor_the_price_beside_a_figure(engine: Engine) -> None:
    deal = _deal(engine, issues=[IssueScore("price", 5, 4), IssueScore("case study", 4, 2)])
    line = better_line(engine.lib, deal, "we'll give you the case study rights")
    assert line == "If you can move on price, we'll give you the case study rights."
    # A figure is the price: asking them to move on price beside it says the same twice.
    assert better_line(engine.lib, deal, "we can come down to 98k") == (
        "If you can move on case study, we can come down to 98k."
    )


def test_without_a_mapped_ask_the_sides_own_ask_is_used(engine: Engine) -> None:
    lib = engine.lib
    for name, ask in (
        ("sales", "commit to a longer term"),
        ("procurement", "strengthen the service credits"),
        ("partnership", "commit to joint pipeline targets"),
        ("hiring", "confirm the start date"),
        ("candidate", "add a pay review at six months"),
    ):
        deal = _deal(engine, name, issues=[])
        line = better_line(lib, deal, "We can throw in the training.")
        assert line is not None and line.startswith(f"If you can {ask}, "), (name, line)


def test_a_hard_line_keeps_its_figure_and_invites_the_other_issues(engine: Engine) -> None:
    # A threat cut out of its condition leaves no dangling "if you can't sign this week".
    assert better_line(engine.lib, _deal(engine), "if you can't sign this week we'll walk") == (
        "If part of this doesn't work for you, tell me which part, and let's look at the whole "
        "package together."
    )
    deal = _deal(engine)
    assert better_line(engine.lib, deal, "take it or leave it, 120k is final") == (
        "120k is where we are on price; if payment terms or training can move, tell me "
        "and let's look at the whole package together."
    )
    # A share is no price: it stands on "the number", and price is one of the levers.
    assert better_line(engine.lib, deal, "18% and not a point more, or we walk.") == (
        "18% is where we are on the number; if price or payment terms can move, tell me and "
        "let's look at the whole package together."
    )
    bare = _deal(engine, issues=[])
    assert better_line(engine.lib, bare, "110k, take it or leave it") == (
        "110k is where we are on the number; if the term or the scope can move, tell me "
        "and let's look at the whole package together."
    )


def test_a_floor_goes_with_its_number_and_the_rest_stays(engine: Engine) -> None:
    deal = _deal(engine)
    line = better_line(engine.lib, deal, "We can do 100k, but that's our floor.")
    assert line is not None and "100k" in line and "floor" not in line
    rest = better_line(engine.lib, deal, "our bottom line is 95k but we'd love to close this")
    assert rest is not None and rest.startswith("We'd love to close this. Our number comes from")
    assert "95" not in rest
    alone = better_line(engine.lib, deal, "our walk-away is 90k")
    assert alone is not None and "90" not in alone and alone.startswith("Our number comes from")
    candidate = better_line(engine.lib, _deal(engine, "candidate"), "I won't go under 130k.")
    assert candidate is not None and candidate.startswith("My number") and "130" not in candidate


def test_a_split_becomes_a_trade_across_issues(engine: Engine) -> None:
    deal = _deal(engine)
    assert better_line(engine.lib, deal, "Let's meet in the middle at 105k.") == (
        "We can look at 105k if you can commit to a longer term."
    )
    item = better_line(engine.lib, deal, "how about we split the implementation cost 50/50?")
    assert item == (
        "If you can move on price, we can look again at how we divide the implementation cost."
    )
    halfway = better_line(engine.lib, deal, "We'll meet you halfway on the support hours.")
    assert halfway == (
        "If you can move on price, we can look again at how we divide the support hours."
    )
    plain = better_line(engine.lib, deal, "let's just split the difference")
    assert plain == (
        "Let's look for a trade instead: if you can move on price, we can look at payment terms."
    )


def test_a_give_already_made_asks_for_the_return_now(engine: Engine) -> None:
    deal = _deal(engine)
    assert better_line(engine.lib, deal, "we threw in onboarding", item="onboarding") == (
        "We have put onboarding on the table; in return, could you move on price?"
    )
    # Said as done in a `say` line: the rep's words, then the ask.
    assert better_line(engine.lib, deal, "we threw in training for free") == (
        "We threw in training for free; in return, could you move on price?"
    )


def test_a_give_keeps_the_reps_own_joins_and_drops_only_fillers(engine: Engine) -> None:
    deal = _deal(engine)
    assert better_line(
        engine.lib,
        deal,
        "ok ok, fine, we're happy to include training, free "
        "of charge, and we'll waive setup too, no problem",
    ) == (
        "If you can move on price, we're happy to include training, free of charge, and "
        "we'll waive setup too."
    )
    assert better_line(engine.lib, deal, "happy to cover the travel if that helps") == (
        "If you can move on price, we're happy to cover the travel."
    )


def test_a_give_past_the_walkaway_gets_no_better_line(engine: Engine) -> None:
    # 85k is below the 90k floor: no wording makes that line one to say.
    assert better_line(engine.lib, _deal(engine), "We can do 85k.") is None


def test_fine_odd_and_long_lines_get_no_better_line(engine: Engine) -> None:
    deal = _deal(engine)
    for text in (
        "",
        "   ",
        "If you can sign for three years, we can add onboarding.",
        "What matters most to you beyond price?",
        "😀😀😀",
        "we can throw in the onboarding " * 20,
    ):
        assert better_line(engine.lib, deal, text) is None, text
    assert len("we can throw in the onboarding " * 20) > MAX_LINE


def test_a_better_line_never_holds_the_walkaway_figure(engine: Engine) -> None:
    deal = _deal(engine)
    detectors = Detectors(engine.lib)
    for text in (
        "Honestly, we can't go below 90k, take it or leave it.",
        "we'll throw in training, our floor is 90,000",
        "Let's meet in the middle at 90k, that's our bottom line.",
    ):
        line = better_line(engine.lib, deal, text)
        assert line is not None, text
        assert "90" not in line, line
        assert detectors.check_our_line(deal, line, is_offer=False) == [], line


def test_user_text_that_reads_oddly_is_kept_as_written(engine: Engine) -> None:
    deal = _deal(engine, issues=[IssueScore("SLA {{ credits }}", 5, 1)])
    line = better_line(engine.lib, deal, "We'll waive the <b>setup</b> fee & {{ x }}")
    assert line == (
        "If you can move on SLA {{ credits }}, we'll waive the <b>setup</b> fee & {{ x }}."
    )


def test_the_templates_render_cleanly_for_every_side(engine: Engine) -> None:
    lib: PhraseLibrary = engine.lib
    rw = lib.rewrites
    values = {
        "line": "we can add onboarding",
        "ask": "move on price",
        "issue": "price",
        "item": "the support hours",
        "figure": "105k",
        "subject": "price",
        "levers": "the term or the scope",
        "give": "training",
    }
    for i in (True, False):
        for hiring in (True, False):
            for source in (
                rw.give,
                rw.give_made,
                rw.firm_figure,
                rw.firm_kept,
                rw.firm_open,
                rw.rationale,
                rw.split_figure,
                rw.split_item,
                rw.split_trade,
            ):
                text = lib.render(source, i=i, hiring=hiring, **values)
                # `give` ends with the rep's own line; the rewriter closes the sentence.
                assert text[0].isupper() or text[0].isdigit(), text
                assert text[-1] in ".?" or source == rw.give, text
                assert "  " not in text and "{" not in text, text
            assert lib.render(rw.split_trade, i=i, hiring=hiring, ask="x", give="")


# -- the reply ---------------------------------------------------------------------------
def _space(engine: Engine) -> MemoryDealSpace:
    return fresh_space(engine, "sales")


def test_a_say_line_carries_its_better_line_and_json_shows_it(engine: Engine) -> None:
    space = _space(engine)
    reply = engine.handle("say we can throw in the onboarding", space, NOW)
    assert isinstance(reply, Reply)
    assert reply.better_line == "If you can move on price, we can throw in the onboarding."
    assert reply.to_json()["better_line"] == reply.better_line
    fine = engine.handle(f"say {reply.better_line}", space, NOW)
    assert isinstance(fine, Reply) and fine.better_line is None and not fine.warnings
    assert "better_line" not in fine.to_json()


def test_a_plain_give_is_rewritten_from_the_words_typed(engine: Engine) -> None:
    space = _space(engine)
    reply = engine.handle("we'll throw in onboarding", space, NOW)
    assert isinstance(reply, Reply) and reply.read_as == "give onboarding"
    assert reply.better_line == "If you can move on price, we'll throw in onboarding."
    typed = engine.handle("give onboarding", space, NOW)
    assert isinstance(typed, Reply) and typed.better_line is None  # a logged give, typed


def test_merged_replies_keep_the_last_better_line() -> None:
    first, second = Reply(text="a", better_line="one"), Reply(text="b")
    assert merge_replies([first, second]).better_line == "one"
    assert merge_replies([first, Reply(text="c", better_line="two")]).better_line == "two"
