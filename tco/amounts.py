"""How an amount reads: money and quantities as text.

The one copy of these helpers: `tco.render` builds its tables and sentences with them, and the resolver
and the comparison word their assumptions and warnings with them, below the render layer.
"""

from __future__ import annotations

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}
# Totals within this share of the baseline's are too close to call: the headline says how close.
def money(amount: float, currency: str) -> str:
    """Full amount, whole units: `$1,234,567`, `-$1,200`, `CHF 1,234`."""
    symbol = _SYMBOLS.get(currency.upper())
    sign = "-" if round(amount) < 0 else ""
    digits = f"{abs(amount):,.0f}"
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency} {digits}"


def money_precise(amount: float, currency: str) -> str:
    """Amount with cents, for small unit costs: `$2.35`."""
    symbol = _SYMBOLS.get(currency.upper())
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.2f}"
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency} {digits}"


def money_small(amount: float, currency: str) -> str:
    """A small amount to 4 significant figures, for a price per request: `$0.003827`."""
    symbol = _SYMBOLS.get(currency.upper())
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):.4g}"
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency} {digits}"


def money_short(amount: float, currency: str) -> str:
    """Abbreviated for a sentence: `$1.2M`, `$340K`, `$950`."""
    symbol = _SYMBOLS.get(currency.upper())
    text = quantity_short(abs(amount))
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{currency} {text}"


def quantity_short(value: float) -> str:
    """`1.2B`, `340K`, `12.5M`, `950`."""
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= limit:
            scaled = value / limit
            return f"{scaled:.1f}{suffix}" if scaled < 100 else f"{scaled:.0f}{suffix}"
    return f"{value:.0f}"


def months_text(months: float) -> str:
    """`3.7 months`, `1.0 month`."""
    return f"{months:.1f} month" + ("" if f"{months:.1f}" == "1.0" else "s")


def month_count(months: int) -> str:
    """`36 months`, `1 month`."""
    return f"{months} month" + ("" if months == 1 else "s")
