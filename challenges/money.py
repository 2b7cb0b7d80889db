"""Amounts are integer minor units with an ISO currency beside them; these turn them into text
and back. Zero-decimal currencies (JPY) have no minor unit, as in Stripe."""

from __future__ import annotations

import re
from decimal import Decimal, DecimalException

CURRENCIES = {
    "usd": ("$", 2),
    "eur": ("€", 2),
    "gbp": ("£", 2),
    "cad": ("CA$", 2),
    "aud": ("A$", 2),
    "chf": ("CHF ", 2),
    "jpy": ("¥", 0),
}
# Rewards below this (in major units) are not worth a challenge; above it, a mistyped zero.
MIN_MAJOR, MAX_MAJOR = 50, 10_000_000
_AMOUNT = re.compile(r"[+-]?([0-9]{1,15}(\.[0-9]{0,15})?|\.[0-9]{1,15})")


def exponent(currency: str) -> int:
    return CURRENCIES[currency.lower()][1]


def format_money(amount: int, currency: str, cents: bool | None = None) -> str:
    """`format_money(500000, "usd")` -> "$5,000"; cents shown only when there are any."""
    symbol, exp = CURRENCIES.get(currency.lower(), (currency.upper() + " ", 2))
    major = Decimal(amount) / (10**exp)
    show_cents = exp and (cents if cents is not None else amount % (10**exp) != 0)
    text = f"{major:,.{exp}f}" if show_cents else f"{major:,.0f}"
    return f"{symbol}{text}"


def parse_major(text: str, currency: str) -> int:
    """ "5,000.50" in usd -> 500050. Raises ValueError with a message a person can act on."""
    exp = exponent(currency)
    text = str(text).replace(",", "").replace("_", "").strip()
    # Plain decimals only: an exponent ("9e999999") would overflow the multiplication below.
    if not _AMOUNT.fullmatch(text):
        raise ValueError("Enter an amount like 5000 or 5000.50.")
    try:
        value = Decimal(text)
    except DecimalException:
        raise ValueError("Enter an amount like 5000 or 5000.50.") from None
    if not value.is_finite() or value <= 0:
        raise ValueError("Enter an amount greater than zero.")
    minor = value * (10**exp)
    if minor != minor.to_integral_value():
        raise ValueError("That currency has no smaller unit than " + ("a cent." if exp else "one."))
    return int(minor)


def split_amount(total: int, percents: list[int]) -> list[int]:
    """Shares of `total` by percent, in minor units, adding up exactly to the percent of the total
    (the remainder from rounding down goes to the first places)."""
    shares = [total * p // 100 for p in percents]
    target = total * sum(percents) // 100
    for i in range(target - sum(shares)):
        shares[i % len(shares)] += 1
    return shares
