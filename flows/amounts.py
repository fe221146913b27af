"""Find money amounts in what people type: ``$95k``, ``95,000``, ``1.2M``, ``EUR 80k``.

A number counts as money when it carries a currency, a magnitude suffix (k, m, bn) or
is large enough to be a price (1,000 or more, and not a bare year). Amounts followed by a
unit that is not money ("3 years", "20 seats", "15%") are ignored; amounts quoted per
unit ("$40 per seat", "$9k/month") are kept but marked, so the deal's headline figure is
not confused with a unit price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CODES = {
    "usd": "USD", "dollars": "USD", "dollar": "USD", "bucks": "USD",
    "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "gbp": "GBP", "pounds": "GBP", "pound": "GBP",
    "chf": "CHF", "cad": "CAD", "aud": "AUD", "nzd": "NZD", "inr": "INR", "jpy": "JPY",
    "sek": "SEK", "nok": "NOK", "dkk": "DKK", "sgd": "SGD",
}
_SCALE = {
    "k": Decimal(1_000), "thousand": Decimal(1_000), "grand": Decimal(1_000),
    "m": Decimal(1_000_000), "mm": Decimal(1_000_000), "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "b": Decimal(1_000_000_000), "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
_SYMBOL_OF = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}

_CODE_ALT = "|".join(sorted(_CODES, key=len, reverse=True))
_SCALE_ALT = "|".join(sorted(_SCALE, key=len, reverse=True))

_AMOUNT = re.compile(
    rf"""
    (?<![\w.,])
    (?:(?P<sym>[$€£¥₹])\s?|(?P<precode>{_CODE_ALT})\s?)?
    (?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)
    (?:\s?(?P<scale>{_SCALE_ALT})\b)?
    (?:\s?(?P<postcode>{_CODE_ALT})\b)?
    """,
    re.IGNORECASE | re.VERBOSE,
)
# What follows a number that makes it not money.
_NOT_MONEY_AFTER = re.compile(
    r"\s*-?\s*(?:%|percent|pct|x\b|years?|yrs?|months?|mos?\b|weeks?|days?|hours?|hrs?|minutes?|"
    r"seats?|users?|licen[cs]es?|people|persons?|employees?|heads?|units?|pcs|pieces|items?|"
    r"times|points?|pts|am\b|pm\b|:\d|st\b|nd\b|rd\b|th\b|quarters?|q\d)",
    re.IGNORECASE,
)
_PER_UNIT_AFTER = re.compile(
    r"\s*(?:/\s*\w+|per\s+\w+|an?\s+(?:seat|user|month|hour|head|unit|license|licence)\b|each\b|"
    r"monthly\b|hourly\b|apiece\b)",
    re.IGNORECASE,
)


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


def find_amounts(text: str) -> list[Amount]:
    """Every money amount in ``text``, in order of appearance."""
    found: list[Amount] = []
    for match in _AMOUNT.finditer(text):
        amount = _to_amount(match, text)
        if amount is not None:
            found.append(amount)
    return found


def headline(amounts: list[Amount]) -> Amount | None:
    """The figure a line is about: the largest amount that is not a per-unit price."""
    whole = [a for a in amounts if not a.per_unit]
    return max(whole, key=lambda a: a.value) if whole else None


def _value(match: re.Match[str], scale: str | None = None) -> Decimal | None:
    try:
        value = Decimal(match.group("num").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex only admits digits
        return None
    if scale:
        value *= _SCALE[scale.lower()]
    return value


def _to_amount(match: re.Match[str], text: str) -> Amount | None:
    sym, precode, postcode = match.group("sym"), match.group("precode"), match.group("postcode")
    scale = match.group("scale")
    raw = match.group("num")
    # Single-letter suffixes are ambiguous ("5 m" could be metres); accept them only glued
    # to the number or after a currency.
    if scale and scale.lower() in {"m", "b"} and " " in match.group(0).strip() and not sym:
        scale = None
    currency = None
    if sym:
        currency = _SYMBOLS[sym]
    elif precode or postcode:
        currency = _CODES[(precode or postcode or "").lower()]
    after = text[match.end():]
    if not (sym or precode or postcode or scale) and _NOT_MONEY_AFTER.match(after):
        return None
    value = _value(match, scale)
    if value is None:
        return None
    plain = not (sym or precode or postcode or scale)
    if plain:
        if value < 1000:
            return None
        if "," not in raw and "." not in raw and 1900 <= value <= 2100:
            return None  # a year, not a price
    per_unit = bool(_PER_UNIT_AFTER.match(after))
    shown = match.group(0).strip() if scale or not match.group("scale") else raw
    return Amount(value=value, currency=currency, text=shown, per_unit=per_unit)
