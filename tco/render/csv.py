"""CSV output: one row per option and month (README: Commands), or one row per option for a summary.

Text cells that begin with `= + - @` (or a tab or carriage return) get a leading apostrophe, so
no spreadsheet runs them as formulas. Numbers are written without float noise (`tco.render.numbers`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from tco.render.numbers import number_for, tidy
from tco.results import CATEGORIES, Comparison

MONTHLY_COLUMNS = ["scenario", "option", "kind", "month", "date", "input_tokens", "output_tokens", "gpus",
                   *CATEGORIES, "total", "cumulative"]
SUMMARY_COLUMNS = ["scenario", "option", "kind", "total", "npv", "cost_per_million_tokens", "first_month",
                   "last_month", "gpus_at_end", "break_even_month", "break_even_months",
                   "break_even_volume_tokens_per_month", "first_break_even_volume_tokens_per_month",
                   "savings_at_horizon", "versus", "self_hosted_share", "fleet_utilization",
                   "month1_input_tokens", "month1_output_tokens", "month1_requests_per_day"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Escape text a spreadsheet would read as a formula; leave numbers alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _write(header: list[str], rows: Iterable[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else repr(number) if isinstance(number := number_for(column, v), float)
                         else safe_cell(number) for column, v in zip(header, row, strict=True)])
    return out.getvalue()


def monthly_rows(comparisons: list[Comparison]) -> Iterable[list[object]]:
    for c in comparisons:
        for option in c.options:
            for m in option.months:
                yield [c.scenario, option.name, option.kind, m.month, m.date, m.input_tokens, m.output_tokens,
                       m.gpus, *(m.costs.get(cat, 0.0) for cat in CATEGORIES), m.total, m.cumulative]


def summary_rows(comparisons: list[Comparison]) -> Iterable[list[object]]:
    for c in comparisons:
        against = {p.option: p for p in c.break_even if p.versus == c.baseline}
        for option in c.options:
            pair = against.get(option.name)
            yield [c.scenario, option.name, option.kind, option.total, option.npv, option.cost_per_million_tokens,
                   option.months[0].total, option.months[-1].total, option.months[-1].gpus,
                   pair.month if pair else None, pair.months if pair else None,
                   pair.volume_tokens_per_month if pair else None,
                   pair.first_volume_tokens_per_month if pair else None,
                   pair.savings_at_horizon if pair else None, pair.versus if pair else None,
                   option.self_hosted_share, option.fleet_utilization, c.month1_input_tokens,
                   c.month1_output_tokens, c.month1_requests_per_day]


def render_csv(comparisons: list[Comparison], *, monthly: bool = True) -> str:
    """Monthly rows (the export shape), or the summary per option when `monthly` is False."""
    if monthly:
        return _write(MONTHLY_COLUMNS, monthly_rows(comparisons))
    return _write(SUMMARY_COLUMNS, summary_rows(comparisons))


def render_rows_json(comparisons: list[Comparison]) -> str:
    """The monthly rows as a JSON list of objects keyed by the CSV's column names."""
    rows = [tidy(dict(zip(MONTHLY_COLUMNS, row, strict=True))) for row in monthly_rows(comparisons)]
    return json.dumps(rows, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
