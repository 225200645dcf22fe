"""The terminal view: headline, summary, break-even matrix and volumes, warnings, assumptions.

Colour and box drawing only on a terminal (and never with NO_COLOR); plain ASCII when piped.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tco.render import views
from tco.render.text import headlines, title
from tco.results import Comparison


def _table(header: list[str], rows: list[list[str]], *, colour: bool, title_text: str | None = None,
           right_from: int = 1) -> Table:
    table = Table(title=title_text, title_justify="left", box=box.ROUNDED if colour else box.ASCII,
                  header_style="bold" if colour else "", title_style="bold" if colour else "",
                  show_edge=True)
    for i, name in enumerate(header):
        table.add_column(name, justify="right" if i >= right_from else "left", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def render_comparison(console: Console, c: Comparison, *, monthly: bool, colour: bool) -> None:
    console.print(Text(title(c), style="bold" if colour else ""))
    console.print()
    for sentence in headlines(c):
        console.print(Text(sentence, style="bold green" if colour else ""))
    console.print()
    console.print(_table(views.SUMMARY_HEADER, views.summary_rows(c), colour=colour, title_text="Summary",
                         right_from=2))
    if c.break_even:
        header, rows = views.matrix(c)
        console.print(_table(header, rows, colour=colour, title_text="Break-even month (months)"))
        console.print(_table(views.VOLUME_HEADER, views.volume_rows(c), colour=colour,
                             title_text=f"Break-even volume against {c.baseline}"))
    if monthly:
        for option in c.options:
            console.print(_table(views.monthly_header(option), views.monthly_rows(option, c.currency),
                                 colour=colour, title_text=f"{option.name}, month by month", right_from=2))
    if c.warnings:
        console.print(Text("Warnings", style="bold yellow" if colour else ""))
        for warning in c.warnings:
            console.print(Text(f"  ! {warning}", style="yellow" if colour else ""))
        console.print()
    if c.assumptions:
        console.print(_table(["Field", "Value", "Source"], views.assumption_rows(c.assumptions), colour=colour,
                             title_text="Assumptions (values not given in the scenario)", right_from=3))


def render_table(comparisons: list[Comparison], *, monthly: bool = False, width: int | None = None,
                 colour: bool = False) -> str:
    """The table view as text; ANSI styles only when `colour`."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 120, force_terminal=colour, no_color=not colour,
                      color_system="auto" if colour else None, highlight=False, emoji=False, soft_wrap=False)
    for i, c in enumerate(comparisons):
        if i:
            console.print()
            console.rule(style="dim" if colour else "")
        render_comparison(console, c, monthly=monthly, colour=colour)
    return buffer.getvalue()
