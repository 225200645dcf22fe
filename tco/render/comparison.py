"""The formats of `tco compare` and `tco export`: one registry each over the same `Comparison`s."""

from __future__ import annotations

from tco.engine.results import Comparison
from tco.frozen import frozen
from tco.render.chart import render_line_chart
from tco.render.csv import render_csv, render_rows_json
from tco.render.formats import Formats, Target
from tco.render.json import render_json
from tco.render.markdown import render_markdown
from tco.render.series import cumulative_chart
from tco.render.table import render_table

DEFAULT_CHART_WIDTH = 80  # columns of a terminal chart, when stdout is not a terminal and COLUMNS is not set


@frozen
class Compared:
    """What `tco compare` prints: its scenarios' comparisons, every month of every option or not, and
    whether to append each scenario's cumulative cost chart (table and markdown formats)."""

    comparisons: list[Comparison]
    monthly: bool = False
    chart: bool = False


def chart_width(target: Target) -> int:
    """Columns for a terminal chart: the terminal's (or $COLUMNS), else 80."""
    return target.columns or DEFAULT_CHART_WIDTH


def cumulative_charts(comparisons: list[Comparison], target: Target, *, fenced: bool) -> str:
    """The cumulative chart of each scenario, as `tco compare --chart` appends them (in a Markdown code
    block when `fenced`, and then never in colour)."""
    text = ""
    for comparison in comparisons:
        drawn = render_line_chart(cumulative_chart(comparison), chart_width(target), target.colour and not fenced)
        text += f"\n```text\n{drawn}```\n" if fenced else f"\n{drawn}"
    return text


def _table(result: Compared, target: Target) -> str:
    screen = target.screen
    text = render_table(result.comparisons, monthly=result.monthly, width=screen.width if screen else None,
                        colour=target.colour)
    return text + (cumulative_charts(result.comparisons, target, fenced=False) if result.chart else "")


def _markdown(result: Compared, target: Target) -> str:
    text = render_markdown(result.comparisons, monthly=result.monthly)
    return text + (cumulative_charts(result.comparisons, target, fenced=True) if result.chart else "")


COMPARISON_FORMATS: Formats[Compared, str] = Formats("a comparison", {
    "table": _table,
    "json": lambda result, target: render_json(result.comparisons),
    "csv": lambda result, target: render_csv(result.comparisons, monthly=result.monthly),
    "markdown": _markdown,
})
# Charts go with the formats people read; json and csv stay pure data.
CHART_GOES_WITH = ("table", "markdown")

EXPORT_FORMATS: Formats[list[Comparison], str] = Formats("an export of monthly rows", {
    "csv": lambda comparisons, target: render_csv(comparisons, monthly=True),
    "json": lambda comparisons, target: render_rows_json(comparisons),
})
