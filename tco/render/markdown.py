"""Markdown output: the table view as GitHub-flavoured Markdown, for issues, wikis and slides.

Every line goes through `tco.errors.inert`, so a name's control characters and bidi overrides are
shown as escapes, as in the table view.
"""

from __future__ import annotations

from tco.docs import SCENARIO_FILE
from tco.engine.results import Comparison
from tco.errors import inert
from tco.render import views
from tco.render.text import headlines, title, warning_text


def _table(header: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def render_comparison(c: Comparison, *, monthly: bool = False) -> str:
    lines = [f"## {title(c)}", ""]
    for i, sentence in enumerate(headlines(c)):  # one paragraph each: a blank line between them
        lines += [f"**{sentence}**" if i == 0 else sentence, ""]
    lines += ["### Summary", "", f"Month-1 volume: {views.month1_volume(c)}.", "",
              *_table(views.SUMMARY_HEADER, views.summary_rows(c), right_from=2)]
    mixed = views.mixed_rows(c)
    if mixed:
        lines += ["", "### Self-hosted share of tokens and fleet utilisation", "",
                  *_table(views.MIXED_HEADER, mixed, right_from=2)]
    if c.break_even:
        header, rows = views.matrix(c)
        lines += ["", "### Break-even month (months)", "", *_table(header, rows)]
        lines += ["", f"### Break-even volume against {c.baseline}", "",
                  *_table(views.VOLUME_HEADER, views.volume_rows(c))]
    if monthly:
        for option in c.options:
            lines += ["", f"### {option.name}, month by month", "",
                      *_table(views.monthly_header(option), views.monthly_rows(option, c.currency), right_from=2)]
    if c.warnings:
        lines += ["", "### Warnings", "", *[f"- {warning_text(w)}" for w in c.warnings]]
    if c.assumptions:
        lines += ["", "### Assumptions", "", *_table(["Field", "Value", "Source"],
                                                      views.assumption_rows(c.assumptions), right_from=3)]
        defaults = views.default_lines(c.assumptions)
        if defaults:
            lines += ["", f"Defaults used (see {SCENARIO_FILE}):", "", *[f"- {line}" for line in defaults]]
    return "\n".join(inert(line) for line in lines) + "\n"


def render_markdown(comparisons: list[Comparison], *, monthly: bool = False) -> str:
    return "\n".join(render_comparison(c, monthly=monthly) for c in comparisons)
