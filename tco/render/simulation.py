"""`tco simulate` output: one function per format over one `Simulation`."""

from __future__ import annotations

import math
from typing import Any

from tco.amounts import money_short
from tco.analyses.simulate import Percentiles, Simulation
from tco.render.csv import csv_cell, write_csv
from tco.render.formats import Formats, Target
from tco.render.layout import BOLD, Screen, paragraph, table_text
from tco.render.numbers import json_text, money_number, number_for

BAR_WIDTH = 40
MIN_BAR_WIDTH = 10  # the shortest bars a narrow terminal gets
HISTOGRAM_ROWS = 24


def _percentiles_dict(p: Percentiles) -> dict[str, float | None]:
    return {"p10": p.p10, "p50": p.p50, "p90": p.p90}


def render_simulation_json(sim: Simulation) -> str:
    """`{"runs", "seed", "results": [...]}`; money in the scenario's currency."""
    data: dict[str, Any] = {
        "runs": sim.runs,
        "seed": sim.seed,
        "results": [
            {
                "option": r.option,
                "versus": r.versus,
                "probability_cheaper": r.probability_cheaper,
                "total": _percentiles_dict(r.total),
                "savings": _percentiles_dict(r.savings),
                "break_even_month": {**_percentiles_dict(r.break_even_month), "never_share": r.never_share},
            }
            for r in sim.results
        ],
    }
    return json_text(data) + "\n"


SIMULATION_COLUMNS = ["option", "versus", "probability_cheaper", "total_p10", "total_p50", "total_p90",
                      "savings_p10", "savings_p50", "savings_p90", "break_even_month_p10",
                      "break_even_month_p50", "break_even_month_p90", "never_share"]


def render_simulation_csv(sim: Simulation) -> str:
    """One row per option against the baseline: the probability and the percentiles, full precision."""
    rows: list[list[object]] = []
    for r in sim.results:
        months = [None if v is None else int(v) for v in (r.break_even_month.p10, r.break_even_month.p50,
                                                          r.break_even_month.p90)]
        rows.append([r.option, r.versus, r.probability_cheaper, r.total.p10, r.total.p50, r.total.p90,
                     r.savings.p10, r.savings.p50, r.savings.p90, *months, r.never_share])
    return write_csv(SIMULATION_COLUMNS, rows)


def render_samples_csv(sim: Simulation) -> str:
    """Every run: its sampled inputs, each option's total, and each option's savings and break-even month.

    Money to 1e-6, other inputs to 12 significant digits; whole-number inputs as integers; an empty
    break-even month means the run never breaks even.
    """
    header = ["run", *(i.label for i in sim.inputs), *(f"total:{o.name}" for o in sim.options)]
    columns: list[list[str]] = [[str(run) for run in range(1, sim.runs + 1)]]
    for i in sim.inputs:
        values = i.values.tolist()
        columns.append([str(int(v)) for v in values] if i.distribution.whole else
                       [repr(number_for(i.label, v)) for v in values])
    columns += [[repr(money_number(v)) for v in o.total.tolist()] for o in sim.options]
    for r in sim.results:
        header += [f"savings:{r.option}", f"break_even_month:{r.option}"]
        columns.append([repr(money_number(v)) for v in r.savings_by_run.tolist()])
        columns.append([str(m) if m else "" for m in r.months.tolist()])
    # The numbers are written here, column by column (a million runs is too many for one call per
    # cell); the header's text goes through the one escaping function.
    lines = [",".join(csv_cell(h) for h in header), *(",".join(row) for row in zip(*columns, strict=True))]
    return "\n".join(lines) + "\n"


def _month(value: float | None) -> str:
    return "never" if value is None else f"{value:.0f}"


def histogram(months: Any, horizon: int, *, colour: bool, width: int | None = None) -> list[str]:
    """Text histogram of break-even months: one row per bin of months, one for runs that never break even.
    The bars are BAR_WIDTH long at most, shorter when the lines must fit in `width` columns."""
    bin_months = max(1, math.ceil(horizon / HISTOGRAM_ROWS))
    counts: list[tuple[str, int]] = []
    for start in range(1, horizon + 1, bin_months):
        stop = min(horizon, start + bin_months - 1)
        count = int(((months >= start) & (months <= stop)).sum())
        counts.append((f"{start}" if start == stop else f"{start}-{stop}", count))
    while counts and counts[-1][1] == 0:
        counts.pop()
    while counts and counts[0][1] == 0:
        counts.pop(0)
    counts.append(("never", int((months == 0).sum())))
    most = max(c for _, c in counts) or 1
    total = len(months)
    block = "█" if colour else "#"
    label_width = max(len(label) for label, _ in counts)
    # "  LABEL | BAR COUNT (SHARE)": 23 columns besides the label and the bar
    bar_width = BAR_WIDTH if width is None else max(MIN_BAR_WIDTH, min(BAR_WIDTH, width - label_width - 23))
    lines = []
    for label, count in counts:
        bar = block * round(bar_width * count / most)
        lines.append(f"  {label.rjust(label_width)} | {bar.ljust(bar_width)} {count:>8,} ({count / total:6.1%})")
    return lines


def render_simulation_table(sim: Simulation, screen: Screen | None = None) -> str:
    """Summary table, each range sampled, and a histogram of the break-even month per option.
    Plain ASCII when `screen` is None (piped), else fitted to the terminal."""
    c = sim.currency
    colour = screen is not None and screen.colour
    text = paragraph(f"{sim.scenario}: {sim.runs:,} runs (seed {sim.seed}), {len(sim.inputs)} input"
                     f"{'s' if len(sim.inputs) != 1 else ''} with a range, {sim.horizon_months} months, "
                     f"against {sim.baseline}", screen, style=BOLD) + "\n"
    rows = []
    for r in sim.results:
        rows.append([r.option, f"{r.probability_cheaper:.1%}",
                     " / ".join(money_short(v or 0.0, c) for v in (r.total.p10, r.total.p50, r.total.p90)),
                     " / ".join(money_short(v or 0.0, c) for v in (r.savings.p10, r.savings.p50, r.savings.p90)),
                     " / ".join(_month(v) for v in (r.break_even_month.p10, r.break_even_month.p50,
                                                    r.break_even_month.p90)),
                     f"{r.never_share:.1%}"])
    header = ["Option", "P(cheaper)", "Total P10 / P50 / P90", "Savings P10 / P50 / P90",
              "Break-even month P10 / P50 / P90", "Never"]
    # Each percentile stays whole; a narrow terminal may stack the three, one a line.
    text += table_text(header, rows, screen, title_text=f"Against {sim.baseline}", wrap=(0, 2, 3, 4),
                       keep=header[:5], more="--format json") + "\n"
    if sim.inputs:
        input_rows = [[i.label, i.distribution.kind, i.distribution.describe()] for i in sim.inputs]
        text += table_text(["Input", "Distribution", "Range"], input_rows, screen, title_text="Inputs sampled",
                           right_from=3, paths=(0,), wrap=(2,), keep=(0, 1, 2)) + "\n"
    for r in sim.results:
        text += paragraph(f"Break-even month of {r.option} against {r.versus} ({sim.runs:,} runs)", screen,
                          style=BOLD)
        text += "\n".join(histogram(r.months, sim.horizon_months, colour=colour,
                                    width=screen.width if screen else None)) + "\n\n"
    if sim.scalar_fallback:
        text += paragraph("Projected run by run with the scalar engine (kind not vectorised): "
                          + ", ".join(sim.scalar_fallback), screen) + "\n"
    text += paragraph("P10/P50/P90: 10%, 50% and 90% of runs are at or below the figure. Savings = baseline total "
                      "minus the option's total. A break-even percentile is 'never' when more runs than that never "
                      "break even within the horizon.", screen)
    return text


def _table(sim: Simulation, target: Target) -> str:
    return render_simulation_table(sim, target.screen)


SIMULATION_FORMATS: Formats[Simulation, str] = Formats("a simulation", {
    "table": _table,
    "json": lambda sim, target: render_simulation_json(sim),
    "csv": lambda sim, target: render_simulation_csv(sim),
})
