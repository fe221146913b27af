"""Money amounts as people type them, and the numbers that are not money.

Decisions recorded here (see also the ``flows.amounts`` docstring):

- ``95 000`` (thousands grouped with a space, as in much of Europe) is 95,000; so are the
  no-break and thin-space forms. A digit run that looks like a phone number is not.
- ``95.000`` is read the English way (95), so it is not a price on its own.
- A yearly price (``$100k per year``, ``/yr``, ``annually``) is not per unit: contract values
  and walk-away points are quoted per year. Per seat, user, month, hour... is per unit.
- In a range the first number borrows the second's magnitude and currency (``85-110k``).
- Number words count only with a magnitude (``ninety thousand``, ``half a million``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auxil.memory import MemoryDealSpace
from flows.amounts import Amount, amount_problem, find_amounts, format_money, headline, read_number
from flows.engine import Engine
from flows.replies import Rejection, Reply

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

USD, EUR, GBP = "USD", "EUR", "GBP"

# text -> [(value, currency, per_unit), ...] in order of appearance.
MONEY: list[tuple[str, list[tuple[str, str | None, bool]]]] = [
    ("$95k", [("95000", USD, False)]),
    ("$95K", [("95000", USD, False)]),
    ("95,000", [("95000", None, False)]),
    ("1.2M", [("1200000", None, False)]),
    ("1.2MM", [("1200000", None, False)]),
    ("€80k", [("80000", EUR, False)]),
    ("€ 80k", [("80000", EUR, False)]),
    ("EUR 80,000", [("80000", EUR, False)]),
    ("eur 80,000", [("80000", EUR, False)]),
    ("80k EUR", [("80000", EUR, False)]),
    ("80 k€", [("80000", EUR, False)]),
    ("80.000,00 € is not read", []),
    ("£1.5m", [("1500000", GBP, False)]),
    ("£80,000.00", [("80000", GBP, False)]),
    ("USD 95000", [("95000", USD, False)]),
    ("USD95k", [("95000", USD, False)]),
    ("US$95k", [("95000", USD, False)]),
    ("CHF 90k", [("90000", "CHF", False)]),
    ("90k CHF", [("90000", "CHF", False)]),
    ("95 000", [("95000", None, False)]),
    ("95\u00a0000 €", [("95000", EUR, False)]),
    ("1 200 000", [("1200000", None, False)]),
    ("$1,200.50", [("1200.50", USD, False)]),
    ("2.5 million dollars", [("2500000", USD, False)]),
    ("$2.5 million", [("2500000", USD, False)]),
    ("1,5M €", [("1500000", EUR, False)]),
    ("1.5bn", [("1500000000", None, False)]),
    ("$2b", [("2000000000", USD, False)]),
    ("5m", [("5000000", None, False)]),
    ("90 grand", [("90000", None, False)]),
    ("95 thousand", [("95000", None, False)]),
    ("ninety thousand", [("90000", None, False)]),
    ("ninety-five thousand dollars", [("95000", USD, False)]),
    ("a hundred and twenty grand", [("120000", None, False)]),
    ("half a million", [("500000", None, False)]),
    ("a million euros", [("1000000", EUR, False)]),
    ("we're at 120k for 3 years", [("120000", None, False)]),
    ("they quoted 1,250", [("1250", None, False)]),
    ("about 1500 all in", [("1500", None, False)]),
    ("a 95k order", [("95000", None, False)]),
    ("a 95k run rate", [("95000", None, False)]),
    # ranges
    ("85-110k", [("85000", None, False), ("110000", None, False)]),
    ("$85-110k", [("85000", USD, False), ("110000", USD, False)]),
    ("$95k-$110k", [("95000", USD, False), ("110000", USD, False)]),
    ("€95k – 110k", [("95000", EUR, False), ("110000", EUR, False)]),
    ("95 to 110k", [("95000", None, False), ("110000", None, False)]),
    ("between 100k and 120k", [("100000", None, False), ("120000", None, False)]),
    ("2-3M", [("2000000", None, False), ("3000000", None, False)]),
    ("1,000 - 2,000", [("1000", None, False), ("2000", None, False)]),
    ("$1,000-2,000 per month", [("1000", USD, True), ("2000", USD, True)]),
    ("$30 to $40 a seat", [("30", USD, True), ("40", USD, True)]),
    ("between 95 and 110k", [("95000", None, False), ("110000", None, False)]),
    ("between $95k and 110k", [("95000", USD, False), ("110000", USD, False)]),
    ("95k and 2,000 seats", [("95000", None, False)]),
    # per unit
    ("$40 per seat", [("40", USD, True)]),
    ("$40 per-seat", [("40", USD, True)]),
    ("$40/seat/month", [("40", USD, True)]),
    ("$9k/month", [("9000", USD, True)]),
    ("$9k / mo", [("9000", USD, True)]),
    ("$9k a month", [("9000", USD, True)]),
    ("$9k monthly", [("9000", USD, True)]),
    ("$12 a user", [("12", USD, True)]),
    ("$12 for each user", [("12", USD, True)]),
    ("€150 an hour", [("150", EUR, True)]),
    ("$5k each", [("5000", USD, True)]),
    ("$8 pupm", [("8", USD, True)]),
    ("eighty grand a month", [("80000", None, True)]),
    ("our hourly rate is $150", [("150", USD, True)]),
    ("a day rate of £800", [("800", GBP, True)]),
    ("the price per seat is $40", [("40", USD, True)]),
    ("a monthly fee of $9k", [("9000", USD, True)]),
    # a year is not a unit: yearly prices are headline figures
    ("$100k per year", [("100000", USD, False)]),
    ("$100k a year", [("100000", USD, False)]),
    ("$100k/yr", [("100000", USD, False)]),
    ("$100k annually", [("100000", USD, False)]),
    ("$100k per annum", [("100000", USD, False)]),
    ("$5k each year", [("5000", USD, False)]),
    ("the license fee is $95k", [("95000", USD, False)]),
    # mixed
    ("120k with 20 seats at $40 per seat", [("120000", None, False), ("40", USD, True)]),
    ("FY2027 budget is 80k", [("80000", None, False)]),
    ("in 2026 we could do 95k", [("95000", None, False)]),
    ("call 555-123-4567 about the $95k quote", [("95000", USD, False)]),
]

NOT_MONEY = [
    "in 2026",
    "by 2030",
    "3 years",
    "20 seats",
    "2,000 users",
    "20,000 users across 3 regions",
    "5k users",
    "1.2M requests a month",
    "10,000 API calls",
    "10,000 orders a month",
    "1,000s of users",
    "1,200 employees",
    "15%",
    "15 percent",
    "15 per cent",
    "150 bps",
    "10am",
    "10:30",
    "Q3",
    "Q3 2026",
    "99.9% uptime",
    "24/7",
    "net-30",
    "net 60",
    "2-year term",
    "a 36-month term",
    "3x",
    "1000ms",
    "2500 GB",
    "v2.1",
    "version 10.4.1",
    "1.2.3",
    "ISO 27001",
    "SOC 2",
    "RFC 2119",
    "order #12345",
    "ticket 4521",
    "room 1204",
    "PO 45678",
    "555-123-4567",
    "555-1234",
    "1-800-555-1234",
    "+1 415 555 0100",
    "+44 20 7946 0958",
    "(415) 555-0100",
    "415 555 0100",
    "2026-12-03",
    "12/03",
    "12/03/2026",
    "03.12.2026",
    "Dec 3, 2026",
    "3 December 2026",
    "a 401k match",
    "a 401(k)",
    "phase 2b",
    "5 m",
    "4k video",
    "95.000",
    "thousands of users",
    "one million users",
    "a thousand times",
    "1,000-2,000 users",
    "5,000 to 10,000 API calls",
    "between 1,500 and 2,000 seats",
    "",
]


@pytest.mark.parametrize(("text", "expected"), MONEY, ids=[t for t, _ in MONEY])
def test_money(text: str, expected: list[tuple[str, str | None, bool]]) -> None:
    got = [(a.value, a.currency, a.per_unit) for a in find_amounts(text)]
    assert got == [(Decimal(v), c, p) for v, c, p in expected]


@pytest.mark.parametrize("text", NOT_MONEY)
def test_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_text_is_what_was_typed() -> None:
    assert [a.text for a in find_amounts("we could do €80k, or 95,000 USD at most")] == [
        "€80k",
        "95,000 USD",
    ]
    assert [a.text for a in find_amounts("maybe 5 m")] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("120k with 20 seats at $40 per seat", "120000"),
        ("$9k/month, so $108k a year", "108000"),
        ("$40 per seat or 1.2M for the site", "1200000"),
        ("we'd take 85k - no, 95k", "95000"),
        ("20 seats for 3 years", None),
        ("$40 per seat", None),
        ("", None),
    ],
)
def test_headline_is_the_largest_whole_figure(text: str, value: str | None) -> None:
    figure = headline(find_amounts(text))
    assert (figure.value if figure else None) == (Decimal(value) if value else None)


def test_headline_of_nothing() -> None:
    assert headline([]) is None
    per_unit = Amount(Decimal(40), "USD", "$40", per_unit=True)
    assert headline([per_unit]) is None


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        ("95000", "USD", "$95,000"),
        ("1200.5", "EUR", "€1,200.50"),
        ("80000", "CHF", "80,000 CHF"),
        ("80000", None, "80,000"),
        ("1500000", "GBP", "£1,500,000"),
    ],
)
def test_format_money(value: str, currency: str | None, shown: str) -> None:
    assert format_money(Decimal(value), currency) == shown
    assert Amount(Decimal(value), currency, "x").formatted() == shown


@pytest.mark.parametrize(
    "text",
    [
        "1" * 4000,
        "1" * 2000 + "." + "5" * 1999,
        "$" + "9" * 3999,
        "1" + " " * 3998 + "1",
        "1" + "\u00a0" * 3998 + "k",
        "1 - " * 1000,
        "$95k " * 800,
        "ninety " * 570 + "thousand",
    ],
)
def test_long_lines_neither_crash_nor_crawl(text: str) -> None:
    # The engine accepts lines up to 4,000 characters; a digit run that long is no price,
    # and nothing here may backtrack its way into seconds.
    import time

    started = time.perf_counter()
    for amount in find_amounts(text):
        assert amount.value.adjusted() < 30
    assert time.perf_counter() - started < 2


# -- numbers no amount can be (issue 12, finding 6) ------------------------------------------
@pytest.mark.parametrize(
    ("args", "why"),
    [
        ("NaN", "not a number"),
        ("nan", "not a number"),
        ("sNaN", "not a number"),
        ("inf", "not a number"),
        ("-inf", "not a number"),
        ("Infinity", "not a number"),
        ("-5", "negative"),
        ("min -5", "negative"),
        ("-90k", "negative"),
        ("- $90,000", "negative"),
        ("1e309", "plain digits"),
        ("1e5", "plain digits"),
        ("+5", "plain digits"),
        ("5000000000000", "too large"),
        ("$5,000,000,000,000", "too large"),
        ("max $2000b", "too large"),
    ],
)
def test_a_walkaway_that_is_no_amount_is_refused(args: str, why: str) -> None:
    engine, space = Engine(), MemoryDealSpace()
    engine.handle("new Acme", space, NOW)
    outcome = engine.handle(f"walkaway {args}", space, NOW)
    assert isinstance(outcome, Rejection) and outcome.code == "bad_arguments", outcome
    assert why in outcome.message
    deal = space.active_deal()
    assert deal is not None and deal.walkaway is None  # nothing was stored


@pytest.mark.parametrize(
    ("args", "amount"),
    [
        ("0", "0"),
        ("90", "90"),
        ("min 90,000", "90000"),
        ("85-110k", "85000"),
        ("1000000000000", "1000000000000"),
        ("max 1.5M", "1500000"),
    ],
)
def test_ordinary_walkaways_still_read(args: str, amount: str) -> None:
    engine, space = Engine(), MemoryDealSpace()
    engine.handle("new Acme", space, NOW)
    assert isinstance(engine.handle(f"walkaway {args}", space, NOW), Reply)
    deal = space.active_deal()
    assert deal is not None and deal.walkaway is not None
    assert deal.walkaway.amount == Decimal(amount)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "1e309", "Infinity", "-0"])
def test_read_number_never_returns_a_non_finite_decimal(text: str) -> None:
    try:
        value = read_number(text)
    except ValueError:
        return
    assert value is None or (value.is_finite() and value >= 0)


@given(st.text(max_size=40))
def test_no_text_becomes_a_non_finite_or_absurd_amount(text: str) -> None:
    for amount in find_amounts(text):
        assert amount.value.is_finite() and amount.value >= 0
    try:
        value = read_number(text)
    except ValueError:
        return
    assert value is None or amount_problem(value) is None
