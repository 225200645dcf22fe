"""The table view: headline, summary, break-even matrix and volumes, warnings, assumptions.

On a terminal it is drawn with rich (colour, box drawing, wrapped to the width); otherwise it is
plain ASCII that never wraps a cell, so it pastes cleanly. Both lay out the same `views` rows.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING

from tco.render import views
from tco.render.text import headlines, title
from tco.results import Comparison

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


MIXED_TITLE = "Self-hosted share of tokens and fleet utilisation (busy GPU-hours / GPU-hours paid)"


def plain_table(header: list[str], rows: list[list[str]], *, title_text: str | None = None,
                right_from: int = 1) -> str:
    """An ASCII table: `+---+` rules, `|` columns, numbers right-aligned from column `right_from`."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        padded = [c.rjust(w) if i >= right_from else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                              strict=True))]
        return "| " + " | ".join(padded) + " |"

    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [title_text] if title_text else []
    out += [rule, line(header), rule, *(line(r) for r in rows), rule]
    return "\n".join(out) + "\n"


def render_plain(c: Comparison, *, monthly: bool) -> str:
    parts = [title(c), "", *headlines(c), ""]
    text = "\n".join(parts) + "\n"
    text += plain_table(views.SUMMARY_HEADER, views.summary_rows(c), title_text=views.summary_title(c),
                        right_from=2) + "\n"
    mixed = views.mixed_rows(c)
    if mixed:
        text += plain_table(views.MIXED_HEADER, mixed, title_text=MIXED_TITLE, right_from=2) + "\n"
    if c.break_even:
        header, rows = views.matrix(c)
        text += plain_table(header, rows, title_text="Break-even month (months)") + "\n"
        text += plain_table(views.VOLUME_HEADER, views.volume_rows(c),
                            title_text=f"Break-even volume against {c.baseline}") + "\n"
    if monthly:
        for option in c.options:
            text += plain_table(views.monthly_header(option), views.monthly_rows(option, c.currency),
                                title_text=f"{option.name}, month by month", right_from=2) + "\n"
    if c.warnings:
        text += "Warnings\n" + "".join(f"  ! {w}\n" for w in c.warnings) + "\n"
    if c.assumptions:
        text += plain_table(["Field", "Value", "Source"], views.assumption_rows(c.assumptions),
                            title_text="Assumptions (values not given in the scenario)", right_from=3)
        defaults = views.default_lines(c.assumptions)
        if defaults:
            text += "\nDefaults used (DESIGN §3)\n" + "".join(
                textwrap.fill(line, width=100, initial_indent="  ", subsequent_indent="      ") + "\n"
                for line in defaults)
    return text


def _table(header: list[str], rows: list[list[str]], *, colour: bool, title_text: str | None = None,
           right_from: int = 1, wrap: tuple[int, ...] = (0,)) -> Table:
    """A rich table; only the columns in `wrap` (names, sources) may wrap, figures never do."""
    from rich import box
    from rich.table import Table

    table = Table(title=title_text, title_justify="left", box=box.ROUNDED if colour else box.ASCII,
                  header_style="bold" if colour else "", title_style="bold" if colour else "",
                  show_edge=True)
    for i, name in enumerate(header):
        table.add_column(name, justify="right" if i >= right_from else "left", no_wrap=i not in wrap,
                         overflow="fold" if i in wrap else "ellipsis")
    for row in rows:
        table.add_row(*row)
    return table


def _show(console: Console, table: Table) -> None:
    console.print(table)
    console.print()


def render_comparison(console: Console, c: Comparison, *, monthly: bool, colour: bool) -> None:
    from rich.text import Text

    console.print(Text(title(c), style="bold" if colour else ""))
    console.print()
    for sentence in headlines(c):
        console.print(Text(sentence, style="bold green" if colour else ""))
    console.print()
    _show(console, _table(views.SUMMARY_HEADER, views.summary_rows(c), colour=colour,
                         title_text=views.summary_title(c), right_from=2))
    mixed = views.mixed_rows(c)
    if mixed:
        _show(console, _table(views.MIXED_HEADER, mixed, colour=colour, title_text=MIXED_TITLE, right_from=2))
    if c.break_even:
        header, rows = views.matrix(c)
        _show(console, _table(header, rows, colour=colour, title_text="Break-even month (months)"))
        _show(console, _table(views.VOLUME_HEADER, views.volume_rows(c), colour=colour,
                             title_text=f"Break-even volume against {c.baseline}", wrap=(0, 1, 2)))
    if monthly:
        for option in c.options:
            _show(console, _table(views.monthly_header(option), views.monthly_rows(option, c.currency),
                                 colour=colour, title_text=f"{option.name}, month by month", right_from=2))
    if c.warnings:
        console.print(Text("Warnings", style="bold yellow" if colour else ""))
        for warning in c.warnings:
            console.print(Text(f"  ! {warning}", style="yellow" if colour else ""))
        console.print()
    if c.assumptions:
        _show(console, _table(["Field", "Value", "Source"], views.assumption_rows(c.assumptions), colour=colour,
                             title_text="Assumptions (values not given in the scenario)", right_from=3,
                             wrap=(0, 2)))
        defaults = views.default_lines(c.assumptions)
        if defaults:
            console.print(Text("Defaults used (DESIGN §3)", style="bold"))
            for line in defaults:
                console.print(Text(f"  {line}", style="dim"))


def render_table(comparisons: list[Comparison], *, monthly: bool = False, width: int | None = None,
                 colour: bool = False) -> str:
    """The table view as text: rich with ANSI styles when `colour`, else plain ASCII."""
    if not colour:
        return "\n".join(render_plain(c, monthly=monthly) for c in comparisons)
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 120, force_terminal=colour, no_color=not colour,
                      color_system="auto" if colour else None, highlight=False, emoji=False, soft_wrap=False)
    for i, c in enumerate(comparisons):
        if i:
            console.print()
            console.rule(style="dim" if colour else "")
        render_comparison(console, c, monthly=monthly, colour=colour)
    return buffer.getvalue()
