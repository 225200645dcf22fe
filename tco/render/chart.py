"""Terminal charts drawn with plain characters: a line chart (cumulative cost, cost against volume),
a stacked bar chart (one option's monthly cost by category) and the latency curves (throughput per GPU
against tokens/s per user).

Each line is drawn with its own character (`*`, `o`, `+`, ...) and named below the chart. Where lines
run together, their characters take turns column by column, so no line hides another and every
character in the key shows in the plot. Each break-even point has its own mark (`1`, `2`, ...),
repeated under the x-axis and said in words in the key, as is a pair that never breaks even, so
nothing depends on colour. Colour (on a terminal only, never with NO_COLOR) only tints the characters.
Every text a chart shows (option names, the currency, titles) goes through `tco.errors.inert` first
(`tco.render.series.inert_texts`).
"""

from __future__ import annotations

import bisect
import math
import textwrap
from collections.abc import Callable

from tco.amounts import money_precise, money_short, month_count, quantity_short
from tco.render.series import LatencyChart, LineChart, StackedChart, inert_texts

LINE_SYMBOLS = "*o+x#@%&=~"
STACK_SYMBOLS = "#=+o%@:x~&$^"
# One mark per break-even point, in order: digits, then letters no line symbol uses.
MARKS = "123456789ABCDEFGHJKLMNPQRSTUVWYZ"
MARK = "X"
GUIDE = ":"  # a vertical line across the plot: a latency target
PLOT_ROWS = 16
MIN_WIDTH = 40
MIN_PLOT_COLUMNS = 12
# ANSI colours for the symbols, in order (blue, orange-ish yellow, green, magenta, cyan, red).
_ANSI = ("34", "33", "32", "35", "36", "31")


def nice_step(span: float, intervals: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts `span` into about `intervals` parts."""
    if span <= 0:
        return 1.0
    raw = span / intervals
    power = float(10 ** math.floor(math.log10(raw)))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power * (1 + 1e-12):
            return float(factor * power)
    return 10 * power


def month_step(horizon: float, intervals: int) -> int:
    """Whole-month tick step: 1, 2, 3, 6, 12, 24, ... months."""
    for step in (1, 2, 3, 6, 12, 24, 36, 60, 120):
        if horizon / step <= intervals:
            return step
    return 240


def _tint(text: str, index: int, colour: bool) -> str:
    return f"\x1b[{_ANSI[index % len(_ANSI)]}m{text}\x1b[0m" if colour else text


class _Canvas:
    """A grid of characters with a money y-axis on the left and an x-axis below."""

    def __init__(self, width: int, y_low: float, y_high: float, currency: str,
                 quantity: Callable[[float, float], str] | None = None) -> None:
        """`quantity(value, step)` labels the y-axis instead of money (`currency` is then unused)."""
        step = nice_step(y_high - y_low)
        self.y_low = step * math.floor(y_low / step) if y_low < 0 else 0.0
        self.y_high = step * math.ceil(y_high / step) if y_high > 0 else step
        self.ticks = []
        value = self.y_low
        while value <= self.y_high + step * 1e-9:
            self.ticks.append(value)
            value += step
        # Sub-unit steps (costs of a few cents) get cents, so no two ticks read the same.
        def label(v: float) -> str:
            if quantity is not None:
                return quantity(v, step)
            return money_precise(v, currency) if step < 1 else money_short(v, currency)

        self.labels = {self.row(v): label(v) for v in self.ticks}
        self.label_width = max(len(text) for text in self.labels.values())
        # Labels of absurd amounts ($1e300 written out) leave the plot a few columns rather than none.
        self.columns = max(MIN_PLOT_COLUMNS, max(MIN_WIDTH, width) - self.label_width - 2)
        self.cells = [[" "] * self.columns for _ in range(PLOT_ROWS)]
        self.tints: dict[tuple[int, int], int] = {}

    def row(self, y: float) -> int:
        """Row of value `y`: 0 at the top."""
        share = (self.y_high - y) / (self.y_high - self.y_low)
        return min(PLOT_ROWS - 1, max(0, round(share * (PLOT_ROWS - 1))))

    def put(self, row: int, column: int, symbol: str, tint: int | None = None) -> None:
        if 0 <= row < PLOT_ROWS and 0 <= column < self.columns:
            self.cells[row][column] = symbol
            if tint is not None:
                self.tints[(row, column)] = tint

    def lines(self, colour: bool) -> list[str]:
        out = []
        for r, cells in enumerate(self.cells):
            label = self.labels.get(r, "")
            text = "".join(_tint(ch, self.tints[(r, i)], colour) if colour and (r, i) in self.tints and ch != " "
                           else ch for i, ch in enumerate(cells)).rstrip()
            out.append(f"{label.rjust(self.label_width)} |{text}".rstrip())
        return out


def _interpolate(points: list[tuple[float, float]], x: float) -> float:
    xs = [p[0] for p in points]
    i = bisect.bisect_left(xs, x)
    if i <= 0:
        return points[0][1]
    if i >= len(points):
        return points[-1][1]
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    if x1 == x0:
        return y1
    return y0 + (y1 - y0) * ((x - x0) / (x1 - x0))  # the share first: costs near 1e300 times volumes overflow


def mark_symbol(index: int) -> str:
    """The mark of the `index`-th break-even point (from 0): `1`..`9`, then `A`, `B`, ..."""
    return MARKS[index % len(MARKS)]


def _x_axis(columns: int, label_width: int, x_low: float, x_high: float, months: bool,
            marks_at: list[tuple[int, str]]) -> list[str]:
    """The axis rule with `+` at each tick, each mark's symbol under it (a second row when two
    share a column), then the tick labels."""
    span = x_high - x_low
    if months:
        step: float = month_step(span, max(2, columns // 8))
    else:
        step = nice_step(span, max(2, columns // 10))
    rule = ["-"] * columns
    label_line = [" "] * columns
    value = x_low
    free_from = 0
    while value <= x_high + step * 1e-9:
        column = round((value - x_low) / span * (columns - 1))
        rule[column] = "+"
        text = str(round(value)) if months else quantity_short(value)
        start = min(max(0, column - len(text) // 2), columns - len(text))  # the last one ends at the edge
        if start >= free_from:
            label_line[start:start + len(text)] = list(text)
            free_from = start + len(text) + 1
        value += step
    marks_lines: list[list[str]] = []
    for column, symbol in marks_at:
        line = next((line for line in marks_lines if line[column] == " "), None)
        if line is None:
            line = [" "] * columns
            marks_lines.append(line)
        line[column] = symbol
    pad = " " * label_width
    out = [f"{pad} +{''.join(rule)}"]
    out += [f"{pad}  {''.join(line)}".rstrip() for line in marks_lines]
    out.append(f"{pad}  {''.join(label_line)}".rstrip())
    return out


def _wrap(text: str, width: int, indent: str = "  ", hang: str = "    ") -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=hang,
                         break_on_hyphens=False) or [indent]


def render_line_chart(chart: LineChart, width: int = 80, colour: bool = False) -> str:
    """The chart as text, `width` columns wide (at least 40): title, plot, x-axis, the key and the
    break-even sentences."""
    chart = inert_texts(chart)
    width = max(MIN_WIDTH, width)
    ys = [y for s in chart.series for _, y in s.points]
    xs = [x for s in chart.series for x, _ in s.points]
    canvas = _Canvas(width, min(0.0, *ys), max(0.0, *ys), chart.currency)
    x_low, x_high = min(xs), max(xs)
    span = (x_high - x_low) or 1.0

    def column(x: float) -> int:
        return round((x - x_low) / span * (canvas.columns - 1))

    claims: dict[tuple[int, int], list[int]] = {}  # cell -> the lines through it, in order
    for index, series in enumerate(chart.series):
        previous: int | None = None
        for c in range(canvas.columns):
            row = canvas.row(_interpolate(series.points, x_low + span * c / (canvas.columns - 1)))
            # Fill the rows between this column's point and the last one so a steep line stays joined.
            if previous is None or previous == row:
                rows = [row]
            elif previous < row:
                rows = list(range(previous + 1, row + 1))
            else:
                rows = list(range(row, previous))
            for r in rows:
                owners = claims.setdefault((r, c), [])
                if index not in owners:
                    owners.append(index)
            previous = row
    # A later line drawn over an earlier one would hide it where they run together (and with it
    # the symbol the key names); there they take turns, one column each.
    for (r, c), owners in claims.items():
        index = owners[c % len(owners)]
        canvas.put(r, c, LINE_SYMBOLS[index % len(LINE_SYMBOLS)], index)
    mark_columns = []
    marked: set[tuple[int, int]] = set()
    for number, mark in enumerate(chart.marks):
        row, at = canvas.row(mark.y), column(mark.x)
        # Two break-even points in one cell: the later goes beside it, so both marks show (the
        # axis below still gives each its own column).
        at = next((c for c in (at, at + 1, at - 1, at + 2, at - 2) if 0 <= c < canvas.columns
                   and (row, c) not in marked), at)
        marked.add((row, at))
        canvas.put(row, at, mark_symbol(number))
        mark_columns.append((column(mark.x), mark_symbol(number)))
    if chart.reference_x is not None and x_low <= chart.reference_x <= x_high:
        mark_columns.append((column(chart.reference_x), "^"))

    out = [*_wrap(chart.title, width, "", "  "), chart.y_label]
    out += canvas.lines(colour)
    out += _x_axis(canvas.columns, canvas.label_width, x_low, x_high, not chart.x_is_volume, mark_columns)
    out.append(chart.x_label.rjust(width).rstrip() if len(chart.x_label) < width else chart.x_label)
    out.append("")
    for index, series in enumerate(chart.series):
        symbol = _tint(LINE_SYMBOLS[index % len(LINE_SYMBOLS)], index, colour)
        out += _wrap(f"{symbol} {series.name} ({series.kind.replace('_', '-')})", width)
    for number, mark in enumerate(chart.marks):
        out += _wrap(f"{mark_symbol(number)} {mark.label}", width)
    if chart.reference_x is not None and chart.reference_label:
        out += _wrap(f"^ under the axis: the {chart.reference_label}", width)
    for note in chart.notes:
        out += _wrap(f"- {note}", width)
    return "\n".join(out) + "\n"


def _month_axis(months: list[int], shown: int, bar: int, gap: int, columns: int, label_width: int) -> list[str]:
    """The axis under the bars: `+` and the month number under the middle of the first bar and of
    the first bar past each multiple of a round step of months."""
    step = month_step(months[-1] - months[0] + 1, max(2, columns // 8))
    rule = ["-"] * columns
    labels = [" "] * columns
    free_from = 0
    for position in range(shown):
        month = months[position]
        if position > 0 and month // step == months[position - 1] // step:
            continue  # label month 1 and the first bar past each multiple of `step`
        column = position * bar + (bar - gap - 1) // 2
        rule[column] = "+"
        text = str(month)
        start = min(max(0, column - len(text) // 2), columns - len(text))
        if start >= free_from:
            labels[start:start + len(text)] = list(text)
            free_from = start + len(text) + 1
    pad = " " * label_width
    return [f"{pad} +{''.join(rule)}", f"{pad}  {''.join(labels)}".rstrip()]


def render_stacked_chart(chart: StackedChart, width: int = 80, colour: bool = False) -> str:
    """One option's monthly cost as stacked bars, one column group per month, `width` columns wide.

    Negative amounts (a GPU sold at the end of its life in a month with no purchase) are left out
    of the bars; the key gives each category's total over the horizon, negatives included. When the
    months outnumber the columns, each bar sums several months, and the y-axis says so.
    """
    chart = inert_texts(chart)
    width = max(MIN_WIDTH, width)
    label_width = len(money_short(max(chart.totals, default=0.0), chart.currency)) + 2
    per = max(1, math.ceil(len(chart.months) / (width - label_width - 2)))
    # Too many months for the columns: each bar sums `per` months, so every cost is still drawn
    # (sampling months would drop a purchase that falls between samples).
    months = chart.months[::per]
    amounts = {cat: [sum(values[i:i + per]) for i in range(0, len(values), per)]
               for cat, values in chart.amounts.items()}
    count = len(months)
    stacked = [sum(max(0.0, amounts[cat][i]) for cat in chart.categories) for i in range(count)]
    canvas = _Canvas(width, 0.0, max(0.0, *stacked), chart.currency)
    bar = max(1, canvas.columns // count)
    gap = 1 if bar >= 3 else 0
    shown = min(count, canvas.columns)
    scale = (PLOT_ROWS - 1) / (canvas.y_high - canvas.y_low)
    for i in range(shown):
        bottom = 0.0
        for index, cat in enumerate(chart.categories):
            top = bottom + max(0.0, amounts[cat][i])
            # Whole rows from the rounded boundaries of the stack, so the bar's height is its total.
            for level in range(round(bottom * scale), round(top * scale)):
                for c in range(i * bar, i * bar + bar - gap):
                    canvas.put(PLOT_ROWS - 1 - level, c, STACK_SYMBOLS[index % len(STACK_SYMBOLS)], index)
            bottom = top
    unit = "Monthly cost" if per == 1 else f"Cost per {per} months"
    out = [*_wrap(chart.title, width, "", "  "), f"{unit} ({chart.currency})"]
    out += canvas.lines(colour)
    out += _month_axis(months[:shown], shown, bar, gap, canvas.columns, canvas.label_width)
    out.append("Month".rjust(width))
    if per > 1:
        out += _wrap(f"(each bar is {per} months, from the month under it: {len(chart.months)} months do not "
                     f"fit in {canvas.columns} columns)", width)
    out.append("")
    for index, cat in enumerate(chart.categories):
        symbol = _tint(STACK_SYMBOLS[index % len(STACK_SYMBOLS)], index, colour)
        out += _wrap(f"{symbol} {cat}: {money_short(sum(chart.amounts[cat]), chart.currency)} over "
                     f"{month_count(len(chart.months))}", width)
    return "\n".join(out) + "\n"


def _rate_label(value: float, step: float) -> str:
    """A tokens/s tick: `1,500`, `500`, or `2.5` when the ticks are closer than 1."""
    return f"{value:g}" if step < 1 else f"{value:,.0f}"


def render_latency_chart(chart: LatencyChart, width: int = 80, colour: bool = False) -> str:
    """The latency curves as text, `width` columns wide (at least 40): each option's line, its target's
    speed per user as a column of `:` (and a `^` under the axis), its operating point an `X`, then the
    key and the notes."""
    chart = inert_texts(chart)
    width = max(MIN_WIDTH, width)
    xs = [x for curve in chart.curves for x, _ in curve.points]
    ys = [y for curve in chart.curves for _, y in curve.points]
    guides = [c.target_x for c in chart.curves if c.target_x is not None]
    x_high = max(xs + guides) * 1.05
    canvas = _Canvas(width, 0.0, max(ys), "", quantity=_rate_label)

    def column(x: float) -> int:
        return round(x / x_high * (canvas.columns - 1))

    for guide in guides:
        for row in range(PLOT_ROWS):
            canvas.put(row, column(guide), GUIDE)
    for index, curve in enumerate(chart.curves):
        symbol = LINE_SYMBOLS[index % len(LINE_SYMBOLS)]
        first, last = column(curve.points[0][0]), column(curve.points[-1][0])
        previous: int | None = None
        for c in range(first, last + 1):
            row = canvas.row(_interpolate(curve.points, x_high * c / (canvas.columns - 1)))
            rows = [row] if previous is None or previous == row else \
                list(range(previous + 1, row + 1)) if previous < row else list(range(row, previous))
            for r in rows:
                canvas.put(r, c, symbol, index)
            previous = row
    for curve in chart.curves:
        if curve.point is not None:
            canvas.put(canvas.row(curve.point[1]), column(curve.point[0]), MARK)

    out = [*_wrap(chart.title, width, "", "  "), chart.y_label]
    out += canvas.lines(colour)
    out += _x_axis(canvas.columns, canvas.label_width, 0.0, x_high, False, [(column(g), "^") for g in guides])
    out.append(chart.x_label.rjust(width).rstrip() if len(chart.x_label) < width else chart.x_label)
    out.append("")
    for index, curve in enumerate(chart.curves):
        symbol = _tint(LINE_SYMBOLS[index % len(LINE_SYMBOLS)], index, colour)
        out += _wrap(f"{symbol} {curve.option} ({curve.replica})", width)
    for curve in chart.curves:
        if curve.point is not None:
            out += _wrap(f"{MARK} {curve.point_label}", width)
    targets: dict[tuple[float, str], list[str]] = {}  # options often share one target: one line says it
    for curve in chart.curves:
        if curve.target_x is not None:
            targets.setdefault((curve.target_x, curve.target or ""), []).append(curve.option)
    for (x, target), options in targets.items():
        out += _wrap(f"{GUIDE} (^ under the axis) {target}, the target of {' and '.join(options)}: its TPOT allows "
                     f"{x:,.1f} tokens/s per user; points left of the line are too slow", width)
    for note in chart.notes:
        out += _wrap(f"- {note}", width)
    return "\n".join(out) + "\n"
