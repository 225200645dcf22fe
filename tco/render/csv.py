"""CSV output: one row per option and month (docs/commands.md), or one row per option for a summary.

Every CSV tco writes goes through `csv_cell`, so no spreadsheet can misread one: a text cell that
begins with `= + - @`, a tab, a carriage return or a line feed, or holds a carriage return or a
line feed anywhere, gets a leading apostrophe (the spreadsheet shows it as text and runs nothing)
and quotes (so its line breaks stay inside the cell). Numbers are written as numbers, without
float noise (`tco.render.numbers`): a negative number is a number, not a formula.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Iterable

from tco.engine.results import CATEGORIES, Comparison
from tco.render.numbers import number_for, tidy

MONTHLY_COLUMNS = ["scenario", "option", "kind", "month", "date", "input_tokens", "output_tokens", "gpus",
                   *CATEGORIES, "total", "cumulative"]
SUMMARY_COLUMNS = ["scenario", "option", "kind", "total", "npv", "cost_per_million_tokens", "first_month",
                   "last_month", "gpus_at_end", "break_even_month", "break_even_months",
                   "break_even_volume_tokens_per_month", "first_break_even_volume_tokens_per_month",
                   "savings_at_horizon", "versus", "self_hosted_share", "fleet_utilization",
                   "month1_input_tokens", "month1_output_tokens", "month1_requests_per_day"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_BREAKS = ("\r", "\n")


def csv_cell(value: object) -> str:
    """One cell as it is written in a CSV file: empty for None, a number in full precision (`repr` of
    a float), text made inert and quoted when a spreadsheet could run it or split the row on it, text
    quoted when it holds a comma or a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):  # numpy's integers too
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    text = str(value)
    inert = text.startswith(_FORMULA_STARTS) or any(c in text for c in _BREAKS)
    if inert:
        text = "'" + text
    if inert or "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """The header and the rows as CSV text, lines ending in `\\n`: each number written by its column's
    kind (`tco.render.numbers.number_for`), then every cell through `csv_cell`."""
    columns = [str(column) for column in header]
    lines = [",".join(csv_cell(column) for column in columns)]
    lines += [",".join(csv_cell(number_for(column, v)) for column, v in zip(columns, row, strict=True))
              for row in rows]
    return "\n".join(lines) + "\n"


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
        return write_csv(MONTHLY_COLUMNS, monthly_rows(comparisons))
    return write_csv(SUMMARY_COLUMNS, summary_rows(comparisons))


def render_rows_json(comparisons: list[Comparison]) -> str:
    """The monthly rows as a JSON list of objects keyed by the CSV's column names."""
    rows = [tidy(dict(zip(MONTHLY_COLUMNS, row, strict=True))) for row in monthly_rows(comparisons)]
    return json.dumps(rows, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
