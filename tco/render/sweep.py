"""`tco sweep` output: one function per format over one `Sweep`."""

from __future__ import annotations

from typing import Any

from tco.amounts import money, money_precise
from tco.analyses.sweep import Sweep, SweepPoint
from tco.render.csv import write_csv
from tco.render.formats import Formats, Target
from tco.render.json import break_even_to_dict
from tco.render.layout import BOLD, Screen, paragraph, table_text
from tco.render.numbers import json_text


def render_sweep_json(result: Sweep) -> str:
    """`{"points": [{"values", "options", "cheapest", "break_even"}]}`."""
    data = {"points": [
        {
            "values": dict(p.values),
            "options": [{"name": o.name, "total": o.total, "cost_per_million_tokens": o.cost_per_million_tokens}
                        for o in p.options],
            "cheapest": p.cheapest,
            "break_even": [break_even_to_dict(b) for b in p.break_even],
        }
        for p in result.points
    ]}
    return json_text(data) + "\n"


def render_sweep_csv(result: Sweep) -> str:
    """One row per point: the values, each option's total and cost per 1M tokens, the cheapest, break-even."""
    first = result.points[0]
    header = [a.name for a in result.axes]
    for o in first.options:
        header += [f"total:{o.name}", f"cost_per_million_tokens:{o.name}"]
    header.append("cheapest")
    for b in first.break_even:
        header += [f"break_even_month:{b.option} vs {b.versus}", f"break_even_months:{b.option} vs {b.versus}"]
    rows: list[list[object]] = []
    for p in result.points:
        row: list[object] = [p.values[a.name] for a in result.axes]
        for o in p.options:
            row += [o.total, o.cost_per_million_tokens]
        row.append(p.cheapest)
        for b in p.break_even:
            row += [b.month, b.months]
        rows.append(row)
    return write_csv(header, rows)


def _value(value: float) -> str:
    """An axis value as a reader writes it: `0.15`, `2.5`, `1,366,667` (no exponents in a table)."""
    return f"{round(value):,}" if abs(value) >= 1000 else f"{value:,.6g}"


def _baseline_pairs(point: SweepPoint, baseline: str | None) -> list[Any]:
    return [b for b in point.break_even if b.versus == baseline]


def render_sweep_table(result: Sweep, screen: Screen | None = None) -> str:
    """One axis: a row per point (totals, cheapest, break-even month); two axes: a grid of the cheapest option.
    Plain ASCII when `screen` is None (piped), else fitted to the terminal: the totals always stay."""
    c = result.currency
    axes = " and ".join(f"{a.name} from {_value(a.values[0])} to {_value(a.values[-1])}" for a in result.axes)
    text = paragraph(f"{result.scenario}: {axes}, {result.horizon_months} months", screen, style=BOLD) + "\n"
    first = result.points[0]
    if len(result.axes) == 1:
        name = result.axes[0].name
        header = [name, *(f"{o.name}" for o in first.options), "Cheapest",
                  *(f"{b.option}: break-even" for b in _baseline_pairs(first, result.baseline))]
        rows = []
        for p in result.points:
            rows.append([_value(p.values[name]), *(money(o.total, c) for o in p.options), p.cheapest,
                         *("never" if b.month is None else f"month {b.month}"
                           for b in _baseline_pairs(p, result.baseline))])
        totals = range(len(first.options) + 1)  # the axis and every option's total
        text += table_text(header, rows, screen, title_text="Total over the horizon", right_from=0, paths=(0,),
                           wrap=(len(first.options) + 1,), keep=totals, more="--format csv") + "\n"
        per_million = [[_value(p.values[name]),
                        *("-" if o.cost_per_million_tokens is None else money_precise(o.cost_per_million_tokens, c)
                          for o in p.options)] for p in result.points]
        text += table_text([name, *(o.name for o in first.options)], per_million, screen,
                           title_text="Cost per 1M tokens", right_from=0, wrap=(), paths=(0,), keep=totals,
                           more="--format csv")
        return text
    row_axis, column_axis = result.axes
    cells: dict[tuple[float, float], str] = {}
    for p in result.points:
        cells[(p.values[row_axis.name], p.values[column_axis.name])] = p.cheapest
    header = [f"{row_axis.name} \\ {column_axis.name}", *(_value(v) for v in column_axis.values)]
    rows = [[_value(r), *(cells[(_as_shown(r, result, 0), _as_shown(v, result, 1))] for v in column_axis.values)]
            for r in row_axis.values]
    text += table_text(header, rows, screen, title_text="Cheapest option", right_from=len(header),
                       wrap=range(1, len(header)), paths=(0,), keep=range(len(header)), more="--format csv")
    return text


def _as_shown(value: float, result: Sweep, axis: int) -> float:
    """The key a point's value has in `SweepPoint.values` (whole-number fields are ints)."""
    sample = result.points[0].values[result.axes[axis].name]
    return int(value) if isinstance(sample, int) else value


def _table(result: Sweep, target: Target) -> str:
    return render_sweep_table(result, target.screen)


SWEEP_FORMATS: Formats[Sweep, str] = Formats("a sweep", {
    "table": _table,
    "json": lambda result, target: render_sweep_json(result),
    "csv": lambda result, target: render_sweep_csv(result),
})
