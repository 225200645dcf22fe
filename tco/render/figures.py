"""`tco chart` output: any chart as terminal text, or as an SVG or PNG image (matplotlib, the report extra)."""

from __future__ import annotations

from tco.render.chart import render_latency_chart, render_line_chart, render_stacked_chart
from tco.render.comparison import chart_width
from tco.render.formats import Formats, Target
from tco.render.images import image_bytes, latency_figure, line_figure, stacked_figure
from tco.render.series import LatencyChart, LineChart, StackedChart

Chart = LineChart | StackedChart | LatencyChart


def render_chart_text(chart: Chart, target: Target) -> str:
    """The chart in terminal characters, as wide as the terminal (or $COLUMNS, else 80), in colour on one."""
    width = chart_width(target)
    if isinstance(chart, LineChart):
        return render_line_chart(chart, width, target.colour)
    if isinstance(chart, StackedChart):
        return render_stacked_chart(chart, width, target.colour)
    return render_latency_chart(chart, width, target.colour)


def chart_image(chart: Chart, fmt: str) -> bytes:
    """The chart as an image file's bytes, `fmt` svg or png."""
    if isinstance(chart, LineChart):
        figure = line_figure(chart)
    elif isinstance(chart, StackedChart):
        figure = stacked_figure(chart)
    else:
        figure = latency_figure(chart)
    return image_bytes(figure, fmt)


CHART_FORMATS: Formats[Chart, str | bytes] = Formats("a chart", {
    "text": render_chart_text,
    "svg": lambda chart, target: chart_image(chart, "svg"),
    "png": lambda chart, target: chart_image(chart, "png"),
})
# The formats that are images: they need matplotlib, and a PNG is not for a terminal.
IMAGE_FORMATS = ("svg", "png")
