"""A numeric field's rule, `Number`: how a number may be written (2.5M, 750K, 1e9, 15% where a share or
rate is meant), its bounds, its messages and its JSON Schema.

The scenario's schema (`tco.load.schema`) and the pricing tables' (`tco.pricing.schema`) both use it, so
a number is read and refused in the same words wherever it is written; this module stays small, so the
pricing commands do not load the scenario's models to read a table.
"""

from __future__ import annotations

from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from tco.docs import RANGES
from tco.frozen import frozen
from tco.load.quantities import parse_number, plain_rate_problem, quoted
from tco.load.ranges import parse_range

NUMBER_TEXT = r"^\s*[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*[KkMmBbTt]?\s*$"
PERCENT_TEXT = r"^\s*[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*[KkMmBbTt%]?\s*$"


@frozen
class Number:
    """A numeric field's rule: parsing (suffixes, percentages), bounds, and its JSON Schema.

    Used as `Annotated[float, Number(...)]`; messages are written for the person editing the file.
    """

    description: str
    percent: bool = False
    whole: bool = False
    minimum: float | None = None
    exclusive_minimum: float | None = None
    maximum: float | None = None
    what: str | None = "value"  # what the number is, to say why it cannot be negative; None: the bound alone
    # The bounds in words (`a share from 0 to 1`), said instead of the one bound a value breaks.
    bounds: str | None = None
    ranged: bool = True  # may be a range: {low, high}, {low, mode, high}, {median, p90}, {choices}
    # A rate (growth, discount rate, drift, maintenance) or the server cost share: its field name and what
    # it is per ("a month", "of the purchase price"); a plain number above 1 is then refused as a likely
    # slip for a percentage.
    rate: tuple[str, str] | None = None

    def check(self, value: Any) -> float | int:
        if isinstance(value, dict):
            if not self.ranged:
                raise ValueError("must be a single number, not a range")
            return parse_range(value, self.check_number, whole=self.whole,
                               lognormal_allowed=self.maximum is None and (self.minimum or 0) <= 0
                               and (self.exclusive_minimum or 0) <= 0)
        return self.check_number(value)

    def check_number(self, value: Any) -> float | int:
        """`value` as a number obeying this rule (a range's own values are checked with it too)."""
        number = parse_number(value, percent=self.percent)
        if self.rate is not None:
            problem = plain_rate_problem(value, number, *self.rate, allowed=self._within)
            if problem is not None:
                raise ValueError(problem)
        shown = show(value)
        if self.bounds is not None and not self._within(number):
            raise ValueError(f"must be {self.bounds} (got {shown})")
        if self.minimum is not None and number < self.minimum:
            if self.minimum == 0:
                article = "an" if (self.what or "")[:1] in "aeiou" else "a"
                why = f": {article} {self.what} cannot be below 0" if self.what is not None else ""
                raise ValueError(f"must not be negative (got {shown}){why}")
            raise ValueError(f"must be at least {self.minimum:g} (got {shown})")
        if self.exclusive_minimum is not None and number <= self.exclusive_minimum:
            bound = f"{self.exclusive_minimum:.0%}" if self.percent and self.exclusive_minimum else \
                f"{self.exclusive_minimum:g}"
            raise ValueError(f"must be above {bound} (got {shown})")
        if self.maximum is not None and number > self.maximum:
            limit = "100%" if self.percent and self.maximum == 1 else f"{self.maximum:g}"
            raise ValueError(f"must be at most {limit} (got {shown})")
        if self.whole:
            if number != int(number):
                raise ValueError(f"must be a whole number (got {shown})")
            return int(number)
        return number

    def _within(self, number: float) -> bool:
        return not ((self.minimum is not None and number < self.minimum)
                    or (self.exclusive_minimum is not None and number <= self.exclusive_minimum)
                    or (self.maximum is not None and number > self.maximum))

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        number: dict[str, Any] = {"type": "integer" if self.whole else "number"}
        # A rate as a plain number is at most 1 in size (above: refused as a slip for a percentage).
        maximum = 1 if self.rate is not None and self.maximum is None else self.maximum
        for key, bound in (("minimum", self.minimum), ("exclusiveMinimum", self.exclusive_minimum),
                           ("maximum", maximum)):
            if bound is not None:
                number[key] = bound
        text = {"type": "string", "pattern": PERCENT_TEXT if self.percent else NUMBER_TEXT}
        if not self.ranged:
            return {"anyOf": [number, text], "description": self.description}
        one = {"anyOf": [number, text]}
        ranges = _range_json_schemas(one, self.whole, lognormal=self.maximum is None
                                     and (self.minimum or 0) <= 0 and (self.exclusive_minimum or 0) <= 0)
        return {"anyOf": [number, text, *ranges],
                "description": f"{self.description}; or a range (see {RANGES})"}


def _range_json_schemas(one: dict[str, Any], whole: bool, lognormal: bool) -> list[dict[str, Any]]:
    """JSON Schemas of the range forms a field accepts."""
    def form(title: str, keys: tuple[str, ...]) -> dict[str, Any]:
        return {"type": "object", "title": title, "properties": {k: one for k in keys}, "required": list(keys),
                "additionalProperties": False}

    weight = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": PERCENT_TEXT}]}
    choices = {"type": "object", "title": "choices (most likely one used by compare)",
               "properties": {"choices": {"type": "array", "items": one, "minItems": 1},
                              "weights": {"type": "array", "items": weight}},
               "required": ["choices"], "additionalProperties": False}
    forms = [form("uniform range (midpoint used by compare)", ("low", "high"))]
    if not whole:
        forms.append(form("triangular range (mode used by compare)", ("low", "mode", "high")))
        if lognormal:
            forms.append(form("lognormal range (median used by compare)", ("median", "p90")))
    forms.append(choices)
    return forms


def show(value: Any) -> str:
    """A value as a message quotes it: a float without trailing zeros and up to 12 significant digits
    (2.5, 1.0000001, 1e+20), anything else as text."""
    return quoted(value) if isinstance(value, float) else str(value)
