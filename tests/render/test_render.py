"""Renderers: every format has one, and the small formatting rules hold."""

from __future__ import annotations

import json

import pytest

from tco.amounts import money, money_precise, money_short, month_count, months_text, quantity_short
from tco.engine.inputs import ApiInputs, ScenarioInputs, SelfHostedInputs, WorkloadInputs
from tco.render.comparison import COMPARISON_FORMATS, Compared
from tco.render.csv import csv_cell
from tco.render.formats import Target
from tco.render.layout import Screen
from tco.scenario.compare import compare_inputs

COMPARISON = compare_inputs(ScenarioInputs(
    "r", WorkloadInputs(3.6e9, 3.6e8), (
        ApiInputs("API", 2, 8, 2),
        SelfHostedInputs("GPU", input_tokens_per_second=1000, output_tokens_per_second=100, hourly_rate_per_gpu=2),
    ), horizon_months=3, baseline="API"))


@pytest.mark.parametrize("fmt", COMPARISON_FORMATS.names)
def test_every_format_has_a_renderer(fmt: str) -> None:
    text = COMPARISON_FORMATS.render(fmt, Compared([COMPARISON]), Target(Screen(100, False)))
    assert text.strip()
    assert "GPU" in text


def test_json_is_strict_json_with_full_precision() -> None:
    data = json.loads(COMPARISON_FORMATS.render("json", Compared([COMPARISON])))
    assert data["schema_version"] == 1
    assert data["options"][0]["total"] == COMPARISON.options[0].total


def test_colour_is_only_drawn_when_asked() -> None:
    plain = COMPARISON_FORMATS.render("table", Compared([COMPARISON]), Target(Screen(100, False)))
    drawn = COMPARISON_FORMATS.render("table", Compared([COMPARISON]), Target(Screen(100, True)))
    assert "\x1b[" not in plain and "╭" not in plain
    assert "\x1b[" in drawn and "╭" in drawn


@pytest.mark.parametrize(("amount", "currency", "expected"), [
    (1234567.4, "USD", "$1,234,567"), (-1200, "USD", "-$1,200"), (0.4, "EUR", "€0"), (1234, "CHF", "CHF 1,234"),
    (-0.4, "USD", "$0"),
])
def test_money(amount: float, currency: str, expected: str) -> None:
    assert money(amount, currency) == expected


def test_short_forms() -> None:
    assert money_short(1_234_567, "USD") == "$1.2M"
    assert money_short(-340_000, "USD") == "-$340K"
    assert money_precise(2.345, "USD") == "$2.35"
    assert quantity_short(7.5e9) == "7.5B"
    assert quantity_short(123e6) == "123M"
    assert quantity_short(950) == "950"
    assert months_text(1.04) == "1.0 month" and months_text(3.66) == "3.7 months"
    assert month_count(1) == "1 month" and month_count(36) == "36 months"


@pytest.mark.parametrize(("cell", "expected"), [
    ("=SUM(A1)", "\"'=SUM(A1)\""), ("+1", "\"'+1\""), ("-x", "\"'-x\""), ("@cmd", "\"'@cmd\""), ("\tx", "\"'\tx\""),
    ("GPT-4.1", "GPT-4.1"), (-5.0, "-5.0"), (None, ""),
])
def test_spreadsheet_formula_escaping(cell: object, expected: object) -> None:
    assert csv_cell(cell) == expected
