"""Offers in plain words and by bundle label during a rehearsal, near misses included."""

from __future__ import annotations

import pytest

from auxil.transcripts import Transcript
from flows.practice.offers import OfferReadError, names_options, read_offer
from flows.practice.scenarios import builtin_scenarios
from flows.practice.session import Session
from flows.replies import Rejection, Reply

SAAS = builtin_scenarios()["saas-renewal"]  # price 120k..90k, term 1y/2y/3y, support, payment
JOB = builtin_scenarios()["job-offer"]  # salary, bonus 20k/10k/none, remote 4-days.., learning


def _named(
    scenario: object,
    text: str,
    bundles: dict[str, dict[str, str]] | None = None,
) -> dict[str, str]:
    chosen = read_offer(SAAS if scenario is None else scenario, text, bundles)  # type: ignore[arg-type]
    issues = (SAAS if scenario is None else scenario).sheet.issues  # type: ignore[attr-defined]
    return {issues[i].name: issues[i].options[k].label for i, k in chosen.items()}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("we can do 3 years at 110k", {"term": "3y", "price": "110k"}),
        ("3-year term, $110,000", {"term": "3y", "price": "110k"}),
        ("How about 110 thousand for 3y?", {"term": "3y", "price": "110k"}),
        (
            "100k with premium support and net 60",
            {"price": "100k", "support": "premium", "payment": "net-60"},
        ),
        ("Two things: dedicated support, net-90.", {"support": "dedicated", "payment": "net-90"}),
        ("price=90k term=1y", {"price": "90k", "term": "1y"}),
        ("we'd sign for 2 yrs", {"term": "2y"}),
    ],
)
def test_plain_words_name_options(text: str, named: dict[str, str]) -> None:
    assert _named(SAAS, text) == named


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "140k base, 10k bonus, 2 days remote",
            {"salary": "140k", "bonus": "10k", "remote": "2-days"},
        ),
        (
            "I could start next month with a 2k learning budget",
            {"start": "next-month", "learning": "2k"},
        ),
        ("no bonus is fine if learning is none", {"learning": "none"}),
        ("bonus none, and learning none too", {"learning": "none", "bonus": "none"}),
    ],
)
def test_words_in_the_job_offer(text: str, named: dict[str, str]) -> None:
    assert _named(JOB, text) == named


@pytest.mark.parametrize(
    ("text", "code", "values"),
    [
        # Near misses: a figure or a term that is no option is refused with the options.
        (
            "we can do 3 years at 105k",
            "practice_plain_near_miss",
            {"said": "105k", "issue": "price", "options": ["120k", "110k", "100k", "90k"]},
        ),
        (
            "4 years at 110k",
            "practice_plain_near_miss",
            {"said": "4 years", "issue": "term", "options": ["1y", "2y", "3y"]},
        ),
        (
            "$115,000",
            "practice_plain_near_miss",
            {"said": "$115,000", "issue": "price", "options": ["120k", "110k", "100k", "90k"]},
        ),
        # Two options of one issue in one package.
        (
            "from 120k down to 110k",
            "practice_plain_twice",
            {"issue": "price", "options": ["120k", "110k"]},
        ),
    ],
)
def test_near_misses_and_two_options_are_refused(
    text: str, code: str, values: dict[str, object]
) -> None:
    with pytest.raises(OfferReadError) as caught:
        read_offer(SAAS, text)
    assert caught.value.code == code and caught.value.values == values


def test_a_phrase_that_fits_two_issues_needs_its_issue() -> None:
    with pytest.raises(OfferReadError) as caught:
        read_offer(JOB, "none, thanks")
    assert caught.value.code == "practice_plain_ambiguous"
    assert caught.value.values == {"words": "none", "issues": ["bonus", "learning"]}
    assert _named(JOB, "bonus none") == {"bonus": "none"}


@pytest.mark.parametrize(
    "text",
    [
        "what matters most to you?",
        "A",
        "we need 200 seats",
        "let's talk on Monday",
        "premiums are up",
        "3y0",
        "net-3",
    ],
)
def test_lines_that_name_nothing_are_not_offers(text: str) -> None:
    with pytest.raises(OfferReadError) as caught:
        read_offer(SAAS, text)
    assert caught.value.code == "practice_plain_nothing"
    assert not names_options(SAAS, text)


def test_a_figure_that_fits_no_issue_is_an_offer_to_explain() -> None:
    # No option is counted in weeks or hours: nothing is named...
    for text in ("we can start in 3 weeks", "we'd add 2 hours of training"):
        with pytest.raises(OfferReadError) as caught:
            read_offer(SAAS, text)
        assert caught.value.code == "practice_plain_nothing"
        # ...but a figure in a rehearsal is a move: it is explained, not read as chat.
        assert names_options(SAAS, text)


def test_bundles_by_label() -> None:
    bundles = {
        "A": {"price": "110k", "term": "3 years", "onboarding": "free"},
        "B": {"price": "$100,000", "support": "Premium"},
        "C": {"price": "105k"},
        "D": {"colour": "red"},
    }
    assert _named(SAAS, "A", bundles) == {"price": "110k", "term": "3y"}  # onboarding: no issue
    assert _named(SAAS, "bundle b", bundles) == {"price": "100k", "support": "premium"}
    with pytest.raises(OfferReadError) as caught:
        read_offer(SAAS, "C", bundles)
    assert caught.value.code == "practice_bundle_term"
    assert caught.value.values["value"] == "105k"
    with pytest.raises(OfferReadError) as caught:
        read_offer(SAAS, "D", bundles)
    assert caught.value.code == "practice_bundle_empty"
    # Without bundles a label is just a word that names nothing.
    assert not names_options(SAAS, "A", {})


def test_in_chat_a_plain_line_is_an_offer_and_a_miss_is_explained(transcript: Transcript) -> None:
    transcript.send("practice saas-renewal seed 1")
    reply = transcript.send("we can do 3 years at 110k")
    assert isinstance(reply, Reply)
    assert "You offered price 110k, term 3y, support standard, payment net-30." in reply.text
    session = Session.from_doc(transcript.space.list_deals(practice=True)[-1].practice)
    assert session.rep == [[(1, 2, 0, 0)]]
    # A MESO in words.
    reply = transcript.send("110k for 3y with premium support or 100k for 2y")
    assert isinstance(reply, Reply) and "2 packages at once" in reply.text
    # A near miss: refused with the options, nothing played.
    miss = transcript.send("how about 105k for 3y")
    assert isinstance(miss, Rejection)
    assert (
        miss.message == "105k is not an option for price here. Pick one of: 120k, 110k, 100k, 90k."
    )
    # Nothing named: a clear sentence with an example.
    nothing = transcript.send("offer A")
    assert isinstance(nothing, Rejection)
    assert 'I could not find an option of this rehearsal in "A"' in nothing.message
    assert (
        "`offer price=110k term=2y`" in nothing.message
        and "we can do 110k for 2y" in nothing.message
    )
    # A line that names nothing is not an offer: it goes where it always went.
    chat = transcript.send("what matters most to you?")
    assert not (isinstance(chat, Reply) and "You offered" in chat.text)
    session = Session.from_doc(transcript.space.list_deals(practice=True)[-1].practice)
    assert len(session.rep) == 2


def test_outside_a_rehearsal_plain_lines_are_untouched(transcript: Transcript) -> None:
    transcript.send("new Acme renewal")
    reply = transcript.send("we can do 3 years at 110k")
    assert isinstance(reply, Reply) and "You offered" not in reply.text
    assert transcript.space.list_deals(practice=True) == []
