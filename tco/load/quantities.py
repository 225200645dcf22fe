"""Numbers as people write them in YAML: `1e9`, `"2.5M"`, `"750K"`, `"1_000_000"`, `"15%"` (docs/scenario.md).

PyYAML reads `1e9` (no dot) as text, so every numeric field goes through `parse_number`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

_SUFFIXES = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_NUMBER = re.compile(
    r"""^\s*(?P<num>[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?)\s*(?P<suffix>[KkMmBbTt%]?)\s*$"""
)


class ReadNumber(float):
    """A number tco computed itself (a sensitivity probe, a sweep point, a simulated run): taken as
    it is. Only text a person wrote can be a rate misread, so `plain_rate_problem` skips these."""


def written_as_percent(value: object) -> bool:
    """Whether `value` is text with a `%` sign (`"5%"`, `" 4.5 % "`), as opposed to a plain number."""
    return isinstance(value, str) and value.strip().endswith("%")


def plain_rate_problem(value: object, number: float, field: str, per: str,
                       allowed: Callable[[float], bool] = lambda _: True) -> str | None:
    """Why a rate written as a plain number above 1 (in size) is refused, or None when it is not.

    `monthly_growth: 5` reads as 500% a month, almost always a slip for 5%; an explicit `500%`
    (text with the sign), or a number tco computed itself (`ReadNumber`), is taken as it stands.
    The message offers only the readings the field takes (`allowed`): `5%`, and `500%` "if you mean
    it"; with neither (maintenance of -3 is negative either way) the field's bounds say what is wrong.
    """
    if abs(number) <= 1 or written_as_percent(value) or isinstance(value, ReadNumber):
        return None
    offers = []
    if allowed(number / 100):
        offers.append(f"write {figure(number)}% (or {figure(number / 100)})")
    if allowed(number):
        offers.append(f"{'or ' if offers else 'write '}{figure(number * 100)}% if you mean it")
    if not offers:
        return None
    return f"`{field}: {quoted(value)}` would be {figure(number * 100)}% {per}; {', '.join(offers)}"


def figure(number: float) -> str:
    """A number in a message: up to 12 significant digits, so 1.0000001 is not quoted as 1, while the
    float noise of a product (0.07 × 100 = 7.000000000000001) is left out."""
    return f"{number:.12g}"


def quoted(value: object) -> str:
    """A value as the person wrote it: text stripped, a number with up to 12 significant digits."""
    return value.strip() if isinstance(value, str) else figure(value) if isinstance(value, float) else str(value)


def parse_number(value: object, *, percent: bool = False) -> float:
    """Return `value` as a float; strings may carry a K/M/B/T multiplier or, when `percent`, a `%`.

    Raises ValueError with a message fit for the user on anything else (booleans, lists,
    NaN, infinities, unknown suffixes).
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(f"{value} is too large a number") from None
    elif isinstance(value, str):
        match = _NUMBER.match(value)
        if match is None:
            hint = " such as 2.5M, 750K or 15%" if percent else " such as 2.5M or 750K"
            raise ValueError(f"{value!r} is not a number{hint}")
        number = float(match["num"].replace("_", ""))  # float() of text overflows to inf, never raises
        suffix = match["suffix"]
        if suffix == "%":
            if not percent:
                raise ValueError(f"{value!r}: a percentage is only allowed for shares and rates")
            number /= 100
        elif suffix:
            number *= _SUFFIXES[suffix.upper()]
    else:
        raise ValueError(f"expected a number, got {_kind(value)}")
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
