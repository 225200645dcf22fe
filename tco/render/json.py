"""JSON output (docs/commands.md): stable keys, `schema_version` 1, numbers without float noise
(`tco.render.numbers`)."""

from __future__ import annotations

from typing import Any

from tco.engine.results import BreakEven, Comparison, MonthCost, OptionResult
from tco.render.numbers import json_text
from tco.render.text import warning_text

SCHEMA_VERSION = 1


def month_to_dict(month: MonthCost) -> dict[str, Any]:
    return {
        "month": month.month,
        "date": month.date,
        "input_tokens": month.input_tokens,
        "output_tokens": month.output_tokens,
        "gpus": month.gpus,
        "costs": dict(month.costs),
        "total": month.total,
        "cumulative": month.cumulative,
        "self_hosted_tokens": month.self_hosted_tokens,
        "self_hosted_share": month.self_hosted_share,
        "fleet_utilization": month.fleet_utilization,
        "line_items": [
            {"category": i.category, "description": i.description, "quantity": i.quantity, "unit": i.unit,
             "unit_price": i.unit_price, "amount": i.amount}
            for i in month.items
        ],
    }


def option_to_dict(option: OptionResult) -> dict[str, Any]:
    return {
        "name": option.name,
        "kind": option.kind,
        "total": option.total,
        "npv": option.npv,
        "cost_per_million_tokens": option.cost_per_million_tokens,
        "self_hosted_share": option.self_hosted_share,
        "fleet_utilization": option.fleet_utilization,
        "months": [month_to_dict(m) for m in option.months],
    }


def break_even_to_dict(p: BreakEven) -> dict[str, Any]:
    """One break-even pair in the documented JSON shape (docs/commands.md, Output formats), also each
    point of `tco sweep`."""
    return {
        "option": p.option,
        "versus": p.versus,
        "month": p.month,
        "months": p.months,
        "volume_tokens_per_month": p.volume_tokens_per_month,
        "first_volume_tokens_per_month": p.first_volume_tokens_per_month,
        "volume_requests_per_day": p.volume_requests_per_day,
        "first_volume_requests_per_day": p.first_volume_requests_per_day,
        "savings_at_horizon": p.savings_at_horizon,
    }


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """The JSON object of one scenario, in the documented JSON shape (docs/commands.md, Output formats)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "scenario": comparison.scenario,
        "currency": comparison.currency,
        "horizon_months": comparison.horizon_months,
        "basis": comparison.basis,
        "baseline": comparison.baseline,
        "month1_volume": {"input_tokens": comparison.month1_input_tokens,
                          "output_tokens": comparison.month1_output_tokens,
                          "requests_per_day": comparison.month1_requests_per_day},
        "options": [option_to_dict(o) for o in comparison.options],
        "break_even": [break_even_to_dict(p) for p in comparison.break_even],
        "warnings": [warning_text(w) for w in comparison.warnings],
        "assumptions": [{"field": a.field, "value": a.value, "source": a.source} for a in comparison.assumptions],
    }


def render_json(comparisons: list[Comparison]) -> str:
    """One object for one scenario, a list for several."""
    data: Any = [comparison_to_dict(c) for c in comparisons]
    return json_text(data[0] if len(data) == 1 else data) + "\n"
