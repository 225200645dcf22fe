"""Renderers: one function per output format, all reading the same `Comparison`."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from tco.engine.results import Comparison


class OutputFormat(StrEnum):
    """Formats `tco compare` can print."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def renderer(fmt: OutputFormat) -> Callable[[list[Comparison], bool, int | None, bool], str]:
    """The function that renders `fmt`: (comparisons, monthly, width, colour) -> text."""
    if fmt is OutputFormat.json:
        from tco.render.json import render_json

        return lambda comparisons, monthly, width, colour: render_json(comparisons)
    if fmt is OutputFormat.csv:
        from tco.render.csv import render_csv

        return lambda comparisons, monthly, width, colour: render_csv(comparisons, monthly=monthly)
    if fmt is OutputFormat.markdown:
        from tco.render.markdown import render_markdown

        return lambda comparisons, monthly, width, colour: render_markdown(comparisons, monthly=monthly)
    from tco.render.table import render_table

    return lambda comparisons, monthly, width, colour: render_table(comparisons, monthly=monthly, width=width,
                                                                   colour=colour)
