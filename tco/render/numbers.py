"""Numbers as JSON and CSV write them: money to 1e-6 of its unit, whole token counts as integers, and
every other figure to 12 significant digits, so no float noise (`1825000000.0000002` tokens,
`38027.98125000001` dollars) reaches a file. Every JSON and CSV renderer goes through `json_text`,
`tidy` or `number_for`; the kind of a number is decided by its key (or column) name, here and nowhere
else.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any, Literal

from tco.engine.results import CATEGORIES

Kind = Literal["money", "tokens", "figure"]

MONEY_DECIMALS = 6
SIGNIFICANT_DIGITS = 12
# A token count within this share of a whole number is that whole number (noise of float arithmetic).
WHOLE_TOLERANCE = 1e-12

_MONEY_KEYS = frozenset({
    *CATEGORIES, "total", "npv", "cumulative", "cost_per_million_tokens", "unit_price", "amount",
    "savings", "savings_at_horizon", "savings_at_low", "savings_at_high", "savings_swing", "first_month",
    "last_month",
})
_PERCENTILE_SUFFIXES = ("_p10", "_p50", "_p90")


@functools.cache  # a comparison's JSON asks about the same few dozen keys thousands of times
def number_kind(key: str) -> Kind | None:
    """What a number under `key` (a JSON key or CSV column) is; None for a key with no kind of its own
    (a percentile `p10`, a path), whose number takes its parent key's kind."""
    name = key.split(":", 1)[0]  # "total:GPT-4.1", a column of the samples CSV
    for suffix in _PERCENTILE_SUFFIXES:
        name = name.removesuffix(suffix)
    if name in _MONEY_KEYS:
        return "money"
    if name.endswith(("tokens", "tokens_per_month")):
        return "tokens"
    if name in ("p10", "p50", "p90") or "." in name:
        return None
    return "figure"


def money_number(value: float) -> float:
    """Money rounded to 1e-6 of its unit (never `-0.0`)."""
    rounded = round(float(value), MONEY_DECIMALS)
    return rounded + 0.0 if rounded else 0.0


def figure_number(value: Any) -> Any:
    """A float to 12 significant digits; integers, booleans and anything else as they are."""
    if not isinstance(value, float) or not math.isfinite(value):
        return value
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") + 0.0


def token_number(value: Any) -> Any:
    """A token count: an integer when it is whole up to float noise, else 12 significant digits."""
    if not isinstance(value, float) or not math.isfinite(value):
        return value
    whole = round(value)
    if abs(value - whole) <= WHOLE_TOLERANCE * max(1.0, abs(value)):
        return int(whole)
    tidy = figure_number(value)
    return int(tidy) if float(tidy).is_integer() else tidy


def number_for(key: str, value: Any, parent: Kind = "figure") -> Any:
    """`value` as JSON and CSV write it under `key` (`parent`: the kind of the enclosing key)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    kind = number_kind(key) or parent
    if kind == "money":
        return money_number(value) if isinstance(value, float) else value
    if kind == "tokens":
        return token_number(value)
    return figure_number(value)


def tidy(data: Any, key: str = "", parent: Kind = "figure") -> Any:
    """A copy of JSON-ready `data` with every number written by its key's kind (see `number_for`)."""
    kind = number_kind(key) or parent if key else parent
    if isinstance(data, dict):
        return {k: tidy(v, str(k), kind) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [tidy(item, key, parent) for item in data]
    return number_for(key, data, parent) if key else figure_number(data)


class _NotPlain(Exception):
    """A value `json_text`'s own writer leaves to `json.dumps`."""


def json_text(data: Any, *, ensure_ascii: bool = False) -> str:
    """`json.dumps(tidy(data), indent=2, ensure_ascii=..., allow_nan=False)`, written in one pass
    instead of two, and by a writer faster than the pure-Python one `json.dumps` uses to indent: a
    comparison's JSON is thousands of numbers. Anything but dicts with string keys, lists, tuples,
    strings, finite numbers, booleans and None goes to `json.dumps` itself, which writes or refuses it."""
    parts: list[str] = []
    try:
        _write(data, "", "figure", "\n", parts.append, encode_basestring_ascii if ensure_ascii else encode_basestring)
    except _NotPlain:
        return json.dumps(tidy(data), indent=2, ensure_ascii=ensure_ascii, allow_nan=False)
    return "".join(parts)


def _write(data: Any, key: str, parent: Kind, newline: str, write: Callable[[str], None],
           quote: Callable[[str], str]) -> None:
    """Write `tidy(data, key, parent)` as indented JSON; `newline`: a line break and the current
    indentation."""
    if isinstance(data, str):
        write(quote(data))
    elif isinstance(data, dict):
        if not data:
            write("{}")
            return
        kind = number_kind(key) or parent if key else parent
        inner = newline + "  "
        separator = "{" + inner
        for name, value in data.items():
            if not isinstance(name, str):
                raise _NotPlain
            write(separator + quote(name) + ": ")
            _write(value, name if type(name) is str else str(name), kind, inner, write, quote)  # tidy's key
            separator = "," + inner
        write(newline + "}")
    elif isinstance(data, list | tuple):
        if not data:
            write("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in data:
            write(separator)
            _write(item, key, parent, inner, write, quote)
            separator = "," + inner
        write(newline + "]")
    elif data is None:
        write("null")
    elif data is True or data is False:
        write("true" if data else "false")
    elif isinstance(data, int | float):
        number = number_for(key, data, parent) if key else figure_number(data)
        if isinstance(number, float) and math.isfinite(number):
            write(float.__repr__(number))
        elif isinstance(number, int) and not isinstance(number, bool):
            write(int.__repr__(number))
        else:
            raise _NotPlain
    else:
        raise _NotPlain
