"""Find money amounts in what people type: ``$95k``, ``95,000``, ``1.2M``, ``EUR 80k``.

A number counts as money when it carries a currency (``$``, ``€``, ``US$``, ``EUR``,
``dollars``...), a magnitude suffix (``k``, ``m``, ``mn``, ``bn``, ``million``, ``grand``) or
is large enough to be a price (1,000 or more, and not a bare year such as ``2026``).
Number words count only with a magnitude: ``ninety thousand``, ``half a million``.

Thousands may be grouped with commas (``95,000``) or with spaces (``95 000``, also the
no-break and thin spaces); a decimal comma is read only before a magnitude (``1,5M``).
Dotted thousands (``95.000``) are read as decimals, as in English.

Not money: numbers followed by a unit that is not money (``3 years``, ``20 seats``,
``15%``, ``5k users``, ``10am``), numbers inside dates, times, phone numbers and version
strings (``2026-12-03``, ``12/03``, ``24/7``, ``555-123-4567``, ``v2.1``, ``1.2.3``),
numbers after an identifier label (``ISO 27001``, ``order #12345``, ``room 1204``),
``401k`` plans and digit runs longer than any price (16 digits or more).

Amounts quoted per unit (``$40 per seat``, ``$9k/month``, ``$12 a user``, ``an hourly rate
of $150``) are kept but marked ``per_unit``, so the deal's headline figure is not confused
with a unit price. A yearly figure (``$100k per year``, ``/yr``, ``annually``) or a cap
``per vendor`` / ``per contract`` is not per unit: contract values and walk-away points are
usually quoted that way.

The two ends of a range share magnitude, currency and unit: ``85-110k`` and ``between 85
and 110k`` are 85k and 110k, ``$30-40 per seat`` is two unit prices and ``1,000-2,000
users`` is no money at all.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_SYMBOLS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "us$": "USD",
    "a$": "AUD",
    "au$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "nz$": "NZD",
    "s$": "SGD",
    "hk$": "HKD",
}
_CODES = {
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "bucks": "USD",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "gbp": "GBP",
    "pounds": "GBP",
    "pound": "GBP",
    "quid": "GBP",
    "chf": "CHF",
    "cad": "CAD",
    "aud": "AUD",
    "nzd": "NZD",
    "inr": "INR",
    "jpy": "JPY",
    "sek": "SEK",
    "nok": "NOK",
    "dkk": "DKK",
    "sgd": "SGD",
    "hkd": "HKD",
}
_SCALE = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "grand": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "mio": Decimal(1_000_000),
    "mil": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
_WINDOW = 48  # characters either side of a number that can change how it reads
_MAX_DIGITS = 15  # digits before the decimal point, before any magnitude
_SYMBOL_OF = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SYM_ALT = _alternatives(_SYMBOLS)
_CODE_ALT = _alternatives(_CODES)
_SCALE_ALT = _alternatives(_SCALE)
_SPACE = "[ \u00a0\u202f\u2009]"

_AMOUNT = re.compile(
    rf"""
    (?<![\w.,$€£¥₹#+/\\@])
    (?:(?P<sym>{_SYM_ALT})\s?|(?P<precode>{_CODE_ALT})\s?)?
    (?P<num>
        \d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?![\d,])             # 95,000  1,200.50
      | \d{{1,3}}(?:{_SPACE}\d{{3}})+(?![\d,.]|{_SPACE}\d)      # 95 000
      | \d+,\d{{1,2}}(?=\s?(?:{_SCALE_ALT})\b)               # 1,5M (decimal comma)
      | \d+(?:\.\d+)?
    )
    (?:\s?(?P<scale>{_SCALE_ALT})\b)?
    (?:\s?(?P<postcode>{_CODE_ALT})\b|\s?(?P<postsym>[€£$¥₹]))?
    (?!\w)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_GROUPED = re.compile(rf"\d{{1,3}}(?:(?:,|{_SPACE})\d{{3}})+(?:\.\d+)?")

# Digit runs that are never money: dates, times, phone numbers, versions, 401k plans.
_NOT_MONEY_SPANS = re.compile(
    r"""
      (?<![\w.])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?![\w.])   # +1 415 555 0100
    | \(\d{2,4}\)\s?\d{3,4}[\s.-]?\d{3,4}\b                    # (415) 555-0100
    | (?<![\w.,])\d{1,4}([-./])\d{1,4}(?:\1\d{1,4})+(?![\w])    # 555-123-4567 2026-12-03 1.2.3
    | (?<![\w.,-])\d{3}-\d{4}(?![\w-])                          # 555-1234
    | (?<![\w.,])\d{3}\s\d{3}\s\d{4}(?![\w])                    # 415 555 0100
    | (?<![\w.,$€£¥₹])\d{1,2}/\d{1,2}(?![\d/])                  # 12/03 24/7
    | \b\d{1,2}:\d{2}(?::\d{2})?\b                              # 10:30
    | \bv(?:er(?:sion)?)?\.?\s?\d+(?:\.\d+)*\b                  # v2.1, version 10
    | \b40[13]\s?\(?[kb]\)?(?!\w)                               # a 401(k)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# A label right before a plain number makes it an identifier ("ISO 27001", "order #12345").
_ID_LABEL_BEFORE = re.compile(
    r"(?:#|\b(?:no|nr|num|number|iso|iec|rfc|soc|room|order|po|ticket|invoice|inv|case|"
    r"ref|reference|id|ext|extension|port|zip|postcode|build|release|article|art|section|"
    r"sec|clause|page|pg|item|model|part|sku|flight|suite|route|error|code|pin|account|"
    r"acct|cve|bug|issue|pr|jira|appendix|exhibit|annex|form)\.?)\s*(?:#|no\.?)?\s*$",
    re.IGNORECASE,
)
# What follows a number (without a currency) that makes it not money.
_NOT_MONEY_AFTER = re.compile(
    r"""\s*+(?:-\s*+)?(?:
        %|per\s?cent\b|percent\b|pct\b|bps\b|basis\s+points?\b|x\b|s\b
      | years?\b|yrs?\b|months?\b|mos?\b|weeks?\b|wks?\b|days?\b|nights?\b|hours?\b|hrs?\b
      | h\b|minutes?\b|mins?\b|seconds?\b|secs?\b|ms\b|am\b|pm\b|:\d|st\b|nd\b|rd\b|th\b
      | quarters?\b|q\d\b
      | seats?\b|users?\b|people\b|persons?\b|employees?\b|heads?\b
      | headcount\b|staff\b|ftes?\b|units?\b|pcs\b|pieces\b|times\b|points?\b|pts\b
      | customers?\b|clients?\b|members?\b|subscribers?\b|students?\b
      | patients?\b|stores?\b|shops?\b|locations?\b|sites?\b|offices?\b|branches\b
      | devices?\b|endpoints?\b|servers?\b|nodes?\b|cores?\b|v?cpus?\b|gpus?\b
      | instances?\b|agents?\b|hires?\b|candidates?\b|engineers?\b|developers?\b|devs?\b
      | reps?\b|api\b|calls?\b|requests?\b|transactions?\b|messages?\b|emails?\b
      | documents?\b|docs?\b|records?\b|rows?\b|pages?\b|words?\b|characters?\b
      | tokens?\b|events?\b|sms\b|texts?\b|downloads?\b|installs?\b|visits?\b|visitors?\b
      | sessions?\b|views?\b|impressions?\b|clicks?\b|leads?\b|loc\b|tests?\b
      | pallets?\b|boxes\b|skus?\b|products?\b|vehicles?\b|trucks?\b|beds?\b|rooms?\b
      | sign-?ups?\b|steps?\b|calories\b|cals?\b|kcals?\b|reps\b|laps\b|stones?\b
      | [kmgtp]i?b\b|[kmg]bps\b|rpm\b|rps\b|qps\b|tps\b|iops\b|k?wh?\b|mw\b|hz\b|[kmg]hz\b
      | km\b|kms\b|miles?\b|mi\b|kg\b|kgs\b|lbs?\b|tons?\b|tonnes?\b|sq\b|square\b|m2\b
      | feet\b|ft\b|meters?\b|metres?\b|litres?\b|liters?\b|gallons?\b|degrees?\b|°
      | px\b|pixels?\b|dpi\b|fps\b|video\b|monitors?\b|displays?\b|resolution\b|screens?\b
      | tv\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_WEIGHT_AFTER = re.compile(
    r"\s*(?:of\b|heavier|lighter|down\b|overweight|in weight|of weight|on the scale)", re.IGNORECASE
)
_WEIGHT_BEFORE = re.compile(
    r"\b(?:weigh\w*|lost|gained|lose|gain|dropped)\s+(?:about\s+)?$", re.IGNORECASE
)
# Things that are counted, or priced with an article: "10,000 orders", "a 95k order".
_COUNTED_AFTER = re.compile(
    r"\s*+(?:-\s*+)?(?:orders?|deals?|contracts?|projects?|accounts?|licen[cs]es?|tickets?|"
    r"shipments?|deliveries|delivery|lines?|items?)\b",
    re.IGNORECASE,
)
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an)\s+(?:[$€£¥₹]|[a-z]{3}\s?)?$", re.IGNORECASE)
# Per-unit prices; a year is not a unit here (see the module docstring).
_UNIT_WORDS = (
    r"seat|user|month|week|day|hour|head|unit|license|licence|person|employee|member|piece|"
    r"call|transaction|gb|tb|mile|night|room|ticket|device|endpoint|server|node|location|"
    r"site|login|agent|hire|module|instance|order|shipment|delivery|student|patient|store|"
    r"click|lead|visit|session|sms|message|email|api call|request"
)
# "Per year" or "per vendor" is no unit price: a yearly value is the deal's headline and a
# cap "per vendor" or "per contract" is a whole figure.
_NOT_UNITS = (
    r"(?:y(?:ea)?rs?|yr|annum|vendor|supplier|contract|agreement|engagement|term|renewal|po)\b"
)
_PER_UNIT_AFTER = re.compile(
    rf"""\s*+(?:
        /\s*(?!{_NOT_UNITS}|pa\b)[a-z]
      | -?\s*per[\s-]+(?!{_NOT_UNITS})[a-z]
      | [\s-]?(?:an?|each|every)[\s-]+(?:{_UNIT_WORDS})s?\b
      | (?:for\s+)?(?:each|every)\s+(?:{_UNIT_WORDS})s?\b
      | each\b(?!\s+y(?:ea)?r)|apiece\b|monthly\b|hourly\b|daily\b|weekly\b|a\s+pop\b
      | pupm\b|pepm\b|pmpm\b|pupy\b|pu\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_PER_UNIT_BEFORE = re.compile(
    r"(?:\b(?:per[\s-]\w+|unit|hourly|daily|weekly|monthly|day|hour|seat|user)"
    r"\s+(?:price|rate|fee|cost|charge)s?|\b(?:price|rate|fee|cost|charge)s?\s+per\s+\w+)"
    r"\s*(?:is|of|at|would be|will be|:|=)?\s*(?:about|around|roughly|approximately|only|just|~)?"
    r"\s*$",
    re.IGNORECASE,
)
# Numbers in words, read only with a magnitude: "ninety thousand", "half a million".
_UNITS = {
    w: i
    for i, w in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        )
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
    )
    if w
}
_SMALL = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_WORDED = re.compile(
    rf"""
    (?<![\w-])
    (?P<words>
        half\s+a
      | (?:a|(?:{_SMALL})(?:[\s-]+(?:{_SMALL}))?)\s+hundred(?:\s+and)?(?:[\s-]+(?:{_SMALL})){{0,2}}
      | (?:{_SMALL})(?:[\s-]+(?:{_SMALL}))?
      | a
    )
    \s+(?P<scale>thousand|grand|million|billion)\b
    (?:\s+(?P<postcode>{_CODE_ALT})\b)?
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Two numbers joined as a range: "85-110k", "$85 - $110k", "85 to 110k", "between 85 and 110k".
_RANGE_JOIN = re.compile(r"\s?(?:-|–|—|to)\s?", re.IGNORECASE)
_AND_JOIN = re.compile(r"\s(?:and|&)\s", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s$", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    """A money amount found in text."""

    value: Decimal
    currency: str | None
    text: str
    per_unit: bool = False

    def formatted(self) -> str:
        """The amount written back the way a person reads it, e.g. ``$95,000``."""
        return format_money(self.value, self.currency)


def format_money(value: Decimal, currency: str | None) -> str:
    """Write ``value`` with thousands separators and the currency's symbol or code."""
    number = f"{value:,.2f}".removesuffix(".00")
    if currency is None:
        return number
    symbol = _SYMBOL_OF.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


# Beyond this a figure is a typo or a probe, not a deal (and it would swamp every check).
MAX_AMOUNT = Decimal(10) ** 12
# What a person may mean as a bare number, including the forms Python's Decimal would read
# but no amount can be: NaN, infinities, exponents, a sign.
_NUMBERISH = re.compile(
    r"[+-]?\s*(?:s?nan|inf(?:inity)?|(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)", re.I
)
_PLAIN_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def amount_problem(value: Decimal) -> str | None:
    """Why ``value`` cannot be a deal's amount, or None when it can.

    Only finite amounts from 0 to :data:`MAX_AMOUNT` are kept: a NaN compares false with
    everything, so a NaN walk-away would silence the below-walk-away check for good.
    """
    if not value.is_finite():
        return "That is not a number I can use as an amount."
    if value < 0:
        return "An amount can't be negative."
    if value > MAX_AMOUNT:
        return "That amount is too large to be a deal's; check the number of zeros."
    return None


def read_number(text: str) -> Decimal | None:
    """A bare number as people type it (``90``, ``90,000``, ``1.5``); None for other text.

    Raises:
        ValueError: ``text`` is a number but no amount (NaN, infinity, an exponent, a
            sign, too large); the message says which.

    """
    raw = text.strip()
    if not _NUMBERISH.fullmatch(raw):
        return None
    if not _PLAIN_NUMBER.fullmatch(raw):
        if raw.lstrip("+- ").lower().startswith(("nan", "snan", "inf")):
            raise ValueError("That is not a number I can use as an amount.")
        if raw.startswith("-"):
            raise ValueError("An amount can't be negative.")
        raise ValueError("Write the amount in plain digits, like 90000 or 90k.")
    value = Decimal(raw.replace(",", ""))
    problem = amount_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def find_amounts(text: str) -> list[Amount]:
    """Every money amount in ``text``, in order of appearance."""
    masked = _NOT_MONEY_SPANS.sub(lambda m: "_" * len(m.group(0)), text)
    readings = [_Reading(m, _currency(m)) for m in _AMOUNT.finditer(masked)]
    for reading in readings:
        reading.scale = _scale(reading.match, reading.currency)
    for first, second in itertools.pairwise(readings):
        _join_range(first, second, masked)
    found = [(r.match.start(), _to_amount(r, masked, text)) for r in readings]
    found += [(m.start(), _worded(m, masked)) for m in _WORDED.finditer(masked)]
    return [a for _, a in sorted(found, key=lambda f: f[0]) if a is not None]


def headline(amounts: list[Amount]) -> Amount | None:
    """The figure a line is about: the largest amount that is not a per-unit price."""
    whole = [a for a in amounts if not a.per_unit]
    return max(whole, key=lambda a: a.value) if whole else None


def _number(raw: str) -> Decimal | None:
    if _GROUPED.fullmatch(raw):
        digits = re.sub(rf"[,{_SPACE[1:-1]}]", "", raw)
    else:
        digits = raw.replace(",", ".")  # a decimal comma ("1,5M"), or no comma at all
    try:
        value = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the regex only admits digits
        return None
    return value


def _currency(match: re.Match[str]) -> str | None:
    sym = match.group("sym") or match.group("postsym")
    if sym:
        return _SYMBOLS[sym.lower()]
    code = match.group("precode") or match.group("postcode")
    return _CODES[code.lower()] if code else None


def _scale(match: re.Match[str], currency: str | None) -> str | None:
    scale = match.group("scale")
    if not scale:
        return None
    # Single letters are ambiguous ("5 m" could be metres, "phase 2b" is no billion):
    # "m" counts glued to the number or after a currency, "b" only after a currency.
    glued = match.group(0)[match.start("scale") - match.start() - 1].isdigit()
    if scale.lower() == "m" and not (glued or currency):
        return None
    if scale.lower() == "b" and not currency:
        return None
    return scale.lower()


@dataclass
class _Reading:
    """One candidate number while its currency and scale are being worked out."""

    match: re.Match[str]
    currency: str | None
    scale: str | None = None
    counted: bool = False  # a range whose unit is not money: "1,000-2,000 users"
    per_unit: bool = False  # a range of unit prices: "$30-40 per seat"


def _join_range(first: _Reading, second: _Reading, text: str) -> None:
    """Share scale, currency and unit across a range: "85-110k", "between $85 and 110k"."""
    joint = text[first.match.end() : second.match.start()]
    if not _RANGE_JOIN.fullmatch(joint) and not (
        _AND_JOIN.fullmatch(joint) and _BETWEEN.search(_around(text, first.match)[1])
    ):
        return
    low, high = _number(first.match.group("num")), _number(second.match.group("num"))
    if low is None or high is None:
        return
    after, before = _around(text, second.match)
    if first.currency is None and second.currency is None:
        first.counted = _not_money_after(before, after)
    first.per_unit = bool(_PER_UNIT_AFTER.match(after))
    if first.scale is None and second.scale is not None:
        if low >= high:
            return
        first.scale = second.scale
    if first.currency is None and second.currency is not None:
        first.currency = second.currency
    elif second.currency is None and first.currency is not None:
        second.currency = first.currency


def _to_amount(reading: _Reading, masked: str, text: str) -> Amount | None:
    match, currency, scale = reading.match, reading.currency, reading.scale
    after, before = _around(masked, match)
    plain = not (currency or scale)
    if reading.counted or (currency is None and _not_money_after(before, after)):
        return None
    if _is_weight(match.group(0), before, after):
        return None  # "12 pounds of paperwork", "lost 12 pounds": a weight
    value = _number(match.group("num"))
    if value is None or value.adjusted() >= _MAX_DIGITS:
        return None  # a digit run that long is an identifier, not a price
    if scale:
        value *= _SCALE[scale]
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    if plain:
        raw = match.group("num")
        if value < 1000 or _ID_LABEL_BEFORE.search(before):
            return None
        if raw.isdigit() and 1900 <= value <= 2100:
            return None  # a year, not a price
    per_unit = reading.per_unit or bool(
        _PER_UNIT_AFTER.match(after) or _PER_UNIT_BEFORE.search(before)
    )
    shown = text[match.start() : match.end()].strip()
    if match.group("scale") and scale is None:
        shown = text[match.start() : match.start("scale")].strip()
    return Amount(value=value, currency=currency, text=shown, per_unit=per_unit)


def _is_weight(raw: str, before: str, after: str) -> bool:
    """Whether "pounds" weigh rather than pay: "12 pounds of paperwork", "lost 12 pounds"."""
    if not re.search(r"pounds?\s*$", raw, re.IGNORECASE):
        return False
    return bool(_WEIGHT_AFTER.match(after) or _WEIGHT_BEFORE.search(before))


def _worded(match: re.Match[str], masked: str) -> Amount | None:
    code = match.group("postcode")
    currency = _CODES[code.lower()] if code else None
    after, before = _around(masked, match)
    if currency is None and _not_money_after(before, after):
        return None
    words = re.findall(r"[a-z]+", match.group("words").lower())
    total = 0
    for word in words:
        if word == "a":
            total = 1
        elif word == "hundred":
            total = max(total, 1) * 100
        else:
            total += _UNITS.get(word, 0) + _TENS.get(word, 0)
    value = Decimal("0.5") if words[0] == "half" else Decimal(total)
    if value == 0:
        return None
    value = (value * _SCALE[match.group("scale").lower()]).quantize(Decimal(1))
    per_unit = bool(_PER_UNIT_AFTER.match(after))
    return Amount(value=value, currency=currency, text=match.group(0), per_unit=per_unit)


def _around(text: str, match: re.Match[str]) -> tuple[str, str]:
    """The text right after and right before a number: all that its reading depends on."""
    start, end = match.start(), match.end()
    return text[end : end + _WINDOW], text[max(0, start - _WINDOW) : start]


def _not_money_after(before: str, after: str) -> bool:
    if _NOT_MONEY_AFTER.match(after):
        return True
    # "10,000 orders" counts orders, "a 95k order" is worth 95k.
    return bool(_COUNTED_AFTER.match(after)) and not _ARTICLE_BEFORE.search(before)
