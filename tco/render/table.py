"""The table view: headline, summary, break-even matrix and volumes, warnings, assumptions.

Piped or written to a file it is plain ASCII that never wraps a cell, so it pastes cleanly; on a
terminal every table and sentence is fitted to the terminal's width (`tco.render.layout`), in
colour unless NO_COLOR. Both lay out the same `views` rows.
"""

from __future__ import annotations

import textwrap

from tco.docs import SCENARIO_FILE
from tco.engine.results import Comparison
from tco.errors import inert
from tco.render import views
from tco.render.layout import BOLD, DIM, Screen, paragraph, plain_table, styled, table_text
from tco.render.text import headlines, title, warning_text

__all__ = ["MIXED_TITLE", "plain_table", "render_comparison", "render_table"]

MIXED_TITLE = "Self-hosted share of tokens and fleet utilisation (busy GPU-hours / GPU-hours paid)"
DEFAULT_WIDTH = 120  # columns, for colour asked for without a width
# How a reader sees what a narrow terminal leaves out of a table.
MORE = "--format json"
MORE_MONTHLY = "--format csv --monthly"
# The Summary keeps the name and the total; the other columns go first to last.
SUMMARY_DROP = ("Kind", "GPUs at end", "Last month", "Month 1", "NPV", "Per 1M tokens")
DEFAULTS_WIDTH = 100  # the wrap of the "Defaults used" lines when piped


def render_comparison(c: Comparison, *, monthly: bool, screen: Screen | None) -> str:
    """One scenario's table view: plain ASCII when `screen` is None, else fitted to the screen."""
    text = paragraph(title(c), screen, style=BOLD) + "\n"
    text += "".join(paragraph(sentence, screen, style="1;32") for sentence in headlines(c)) + "\n"
    text += table_text(views.SUMMARY_HEADER, views.summary_rows(c), screen, title_text=views.summary_title(c),
                       right_from=2, keep=("Option", "Total"), drop=SUMMARY_DROP, more=MORE) + "\n"
    mixed = views.mixed_rows(c)
    if mixed:
        text += table_text(views.MIXED_HEADER, mixed, screen, title_text=MIXED_TITLE, right_from=2,
                           drop=("Kind",), more=MORE) + "\n"
    if c.break_even:
        header, rows = views.matrix(c)
        text += table_text(header, rows, screen, title_text="Break-even month (months)", keep=(0, 1),
                           more=MORE) + "\n"
        text += table_text(views.VOLUME_HEADER, views.volume_rows(c), screen,
                           title_text=f"Break-even volume against {c.baseline}", wrap=(0, 1, 2),
                           keep=range(len(views.VOLUME_HEADER)), more=MORE) + "\n"
    if monthly:
        for option in c.options:
            text += table_text(views.monthly_header(option), views.monthly_rows(option, c.currency), screen,
                               title_text=f"{option.name}, month by month", right_from=2,
                               keep=("Month", "Total", "Cumulative"), more=MORE_MONTHLY) + "\n"
    if c.warnings:
        text += styled("Warnings", "1;33", screen) + "\n"
        text += "".join(paragraph(f"! {warning_text(w)}", screen, indent="  ", hang="    ", style="33")
                       for w in c.warnings)
        text += "\n"
    if c.assumptions:
        text += table_text(["Field", "Value", "Source"], views.assumption_rows(c.assumptions), screen,
                           title_text="Assumptions (values not given in the scenario)", right_from=3,
                           paths=(0, 2), keep=(0, 1, 2), more=MORE)
        defaults = views.default_lines(c.assumptions)
        if defaults:
            heading = f"Defaults used (see {SCENARIO_FILE})"
            if screen is not None and len(heading) > screen.width:  # the address on a line of its own
                heading = f"Defaults used, see\n  {SCENARIO_FILE}"
            text += "\n" + styled(heading, BOLD, screen) + "\n"
            if screen is None:
                text += "".join(textwrap.fill(inert(line), width=DEFAULTS_WIDTH, initial_indent="  ",
                                              subsequent_indent="      ") + "\n" for line in defaults)
            else:
                text += "".join(paragraph(line, screen, indent="  ", hang="      ", style=DIM) for line in defaults)
    return text


def render_table(comparisons: list[Comparison], *, monthly: bool = False, width: int | None = None,
                 colour: bool = False) -> str:
    """The table view as text: fitted to a terminal `width` columns wide (in colour when `colour`),
    or plain ASCII when no width is given (piped output)."""
    screen = Screen(width, colour) if width is not None else Screen(DEFAULT_WIDTH, True) if colour else None
    if screen is None:
        return "\n".join(render_comparison(c, monthly=monthly, screen=None) for c in comparisons)
    rule = "\n" + styled("─" * screen.width if screen.colour else "-" * screen.width, DIM, screen) + "\n"
    return rule.join(render_comparison(c, monthly=monthly, screen=screen) for c in comparisons)
