"""`tco sensitivity` output: one function per format over one `Sensitivity`."""

from __future__ import annotations

from typing import Any

from tco.amounts import money_short
from tco.analyses.sensitivity import Sensitivity, Tornado
from tco.render.csv import write_csv
from tco.render.formats import Formats, Target
from tco.render.layout import BOLD, Screen, paragraph, table_text
from tco.render.numbers import json_text

BAR_HALF = 20  # characters each side of the central value


def _row_dict(t: Tornado, horizon: int) -> list[dict[str, Any]]:
    return [{"input": r.input, "rule": r.rule, "low": r.low, "high": r.high,
             "savings_at_low": r.savings_at_low, "savings_at_high": r.savings_at_high,
             "savings_swing": r.savings_swing, "break_even_month_at_low": r.break_even_at_low,
             "break_even_month_at_high": r.break_even_at_high, "break_even_swing_months": r.month_swing(horizon)}
            for r in t.rows]


def render_sensitivity_json(result: Sensitivity) -> str:
    """`{"baseline", "every_input", "tornados": [{"option", "versus", "savings", "break_even_month", "inputs"}]}`."""
    data = {
        "scenario": result.scenario,
        "currency": result.currency,
        "horizon_months": result.horizon_months,
        "baseline": result.baseline,
        "every_input": result.every_input,
        "tornados": [{"option": t.option, "versus": t.versus, "savings": t.savings,
                      "break_even_month": t.break_even_month, "inputs": _row_dict(t, result.horizon_months)}
                     for t in result.tornados],
    }
    return json_text(data) + "\n"


SENSITIVITY_COLUMNS = ["option", "versus", "input", "rule", "low", "high", "savings_at_low", "savings_at_high",
                       "savings_swing", "break_even_month_at_low", "break_even_month_at_high",
                       "break_even_swing_months"]


def render_sensitivity_csv(result: Sensitivity) -> str:
    """One row per option and input, largest swing first."""
    rows: list[list[object]] = []
    for t in result.tornados:
        for r in _row_dict(t, result.horizon_months):
            rows.append([t.option, t.versus, *r.values()])
    return write_csv(SENSITIVITY_COLUMNS, rows)


def bar(low: float, high: float, centre: float, scale: float, *, colour: bool) -> str:
    """A tornado bar: savings from `low` to `high` around the central savings, `scale` money per character."""
    block = "█" if colour else "="
    left = min(BAR_HALF, round(max(0.0, centre - min(low, high)) / scale)) if scale else 0
    right = min(BAR_HALF, round(max(0.0, max(low, high) - centre) / scale)) if scale else 0
    return " " * (BAR_HALF - left) + block * left + "|" + block * right + " " * (BAR_HALF - right)


def _month(month: int | None) -> str:
    return "never" if month is None else str(month)


def _number(value: float) -> str:
    """An end as a scenario writes it: `0.56`, `2,624`, `176,000`, `1.2M`, `25B` (no exponents in a table)."""
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= limit:
            return f"{value / limit:.4g}{suffix}"
    return f"{round(value):,}" if abs(value) >= 1000 else f"{value:.4g}"


def render_sensitivity_table(result: Sensitivity, screen: Screen | None = None) -> str:
    """A tornado per option: inputs by swing in savings (then in break-even month), with bars.
    Plain ASCII when `screen` is None (piped), else fitted to the terminal."""
    c = result.currency
    colour = screen is not None and screen.colour
    text = ""
    for t in result.tornados:
        swing = max((r.savings_swing for r in t.rows), default=0.0)
        scale = max((max(abs(r.savings_at_low - t.savings), abs(r.savings_at_high - t.savings)) for r in t.rows),
                    default=0.0) / BAR_HALF
        rows = [[r.input, r.rule, f"{_number(r.low)} .. {_number(r.high)}",
                 f"{money_short(r.savings_at_low, c)} .. {money_short(r.savings_at_high, c)}",
                 money_short(r.savings_swing, c),
                 f"{_month(r.break_even_at_low)} .. {_month(r.break_even_at_high)}",
                 bar(r.savings_at_low, r.savings_at_high, t.savings, scale, colour=colour)]
                for r in t.rows if r.savings_swing or r.month_swing(result.horizon_months)]
        still = len(t.rows) - len(rows)
        title = (f"{t.option} against {t.versus}: savings {money_short(t.savings, c)}, break-even month "
                 f"{_month(t.break_even_month)} at the central values (largest swing {money_short(swing, c)})")
        header = ["Input", "Moved by", "Low .. high", "Savings at low .. high", "Swing", "Break-even month",
                  "Savings (bar: centre = central value)"]
        if screen is not None:  # a title as long as a sentence wraps as one, above its table
            text += paragraph(title, screen, style=BOLD)
        text += table_text(header, rows, screen, title_text=None if screen else title, right_from=7, paths=(0,),
                           keep=("Input", "Savings at low .. high", "Swing", "Break-even month"),
                           drop=("Savings (bar: centre = central value)", "Moved by", "Low .. high"),
                           more="--format csv")
        if still:
            text += paragraph(f"({still} input{'s' if still != 1 else ''} that move neither the savings nor the "
                              "break-even month left out; --format csv lists every input)", screen)
        text += "\n"
    text += paragraph("Each input moves alone from its low to its high value, every other input at its central "
                      "value. Savings = baseline total minus the option's total over the horizon.", screen)
    return text


def _table(result: Sensitivity, target: Target) -> str:
    return render_sensitivity_table(result, target.screen)


SENSITIVITY_FORMATS: Formats[Sensitivity, str] = Formats("a sensitivity analysis", {
    "table": _table,
    "json": lambda result, target: render_sensitivity_json(result),
    "csv": lambda result, target: render_sensitivity_csv(result),
})
