"""`tco pricing` output: a listing of the tables, one entry field by field, and an import's plan."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tco.errors import inert
from tco.frozen import frozen
from tco.pricing.browse import SUMMARY_FIELDS, FieldRow, ListRow
from tco.pricing.importers import ImportPlan
from tco.render.csv import write_csv
from tco.render.formats import Formats, Target
from tco.render.layout import paragraph, table_text

PLAIN_LISTING_WIDTH = 200  # columns of a piped listing, when COLUMNS is not set
PROVENANCE_FIELDS = ("source", "sources", "as_of")  # said under `sources:`, not as rows of `show`


def cell(value: Any) -> str:
    """A table value as a listing shows it: `2.5`, `lambda 2.99, runpod -`, a date, or empty for none."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k} {cell(v) or '-'}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def json_value(value: Any) -> Any:
    """A table value for JSON: dates as YYYY-MM-DD, mappings with text keys."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def _plain_table(headers: list[str], rows: list[list[str]], width: int, colour: bool) -> str:
    """The listing as plain aligned columns, for pipes and files (a terminal gets the fitted tables
    of `tco.render.layout` instead)."""
    table = Table(box=box.SIMPLE_HEAD if colour else box.ASCII2, show_edge=False, pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:  # as Text, so a `[red]` in a name is shown, not taken for rich's markup
        table.add_row(*(Text(inert(c)) for c in row))
    stream = io.StringIO()
    console = Console(file=stream, width=width, color_system="auto" if colour else None,
                      force_terminal=colour, no_color=not colour, highlight=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in stream.getvalue().splitlines()) + "\n"


def _aligned(headers: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell and never wrapped, so a file:line stays whole."""
    rows = [[inert(c) for c in row] for row in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n" for line in lines)


# --- pricing list ---------------------------------------------------------------------------------


@frozen
class Listing:
    """The entries `tco pricing list` found, of the tables `kinds`."""

    rows: list[ListRow]
    kinds: tuple[str, ...]


def _listing_cells(listing: Listing) -> tuple[list[str], list[list[str]]]:
    """One header and one row per entry: the table (when several are listed), the name, each table's
    summary fields, as_of and origin."""
    kinds = listing.kinds
    columns = list(dict.fromkeys(f for k in kinds for f in SUMMARY_FIELDS[k]))
    headers = ["table", "name", *columns, "as_of", "origin"] if len(kinds) > 1 else \
        ["name", *columns, "as_of", "origin"]
    cells = []
    for r in listing.rows:
        line = [r.table] if len(kinds) > 1 else []
        line += [r.name, *(cell(r.values.get(c)) for c in columns), r.as_of or "", r.origin]
        cells.append(line)
    return headers, cells


def render_listing_json(listing: Listing) -> str:
    data = [{"table": r.table, "name": r.name, "origin": r.origin, "as_of": r.as_of,
             "fields": json_value(r.values)} for r in listing.rows]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_listing_csv(listing: Listing) -> str:
    return write_csv(*_listing_cells(listing))


def render_listing_table(listing: Listing, target: Target) -> str:
    """On a terminal one table per kind, each with its own columns, fitted to it; else plain columns."""
    screen = target.screen
    if screen is None:
        headers, cells = _listing_cells(listing)
        return _plain_table(headers, cells, target.columns or PLAIN_LISTING_WIDTH, target.colour)
    text = ""
    for k in listing.kinds:
        own = ["name", *SUMMARY_FIELDS[k], "as_of", "origin"]
        shown = [[r.name, *(cell(r.values.get(c)) for c in SUMMARY_FIELDS[k]), r.as_of or "", r.origin]
                 for r in listing.rows if r.table == k]
        if shown:
            text += ("\n" if text else "") + table_text(
                own, shown, screen, title_text=k if len(listing.kinds) > 1 else None, right_from=len(own),
                wrap=("rent_per_hour", "origin"), paths=("name",), keep=("name",))
    return text


LISTING_FORMATS: Formats[Listing, str] = Formats("a pricing listing", {
    "table": render_listing_table,
    "json": lambda listing, target: render_listing_json(listing),
    "csv": lambda listing, target: render_listing_csv(listing),
})


# --- pricing show ---------------------------------------------------------------------------------


@frozen
class EntryFields:
    """One entry of a table, field by field with where each came from (`tco pricing show`)."""

    kind: str
    name: str
    rows: list[FieldRow]


def render_entry_json(entry: EntryFields) -> str:
    data = {"table": entry.kind, "name": entry.name, "fields": [
        {"field": r.field, "value": json_value(r.value), "origin": r.origin, "file": r.file,
         "line": r.line or None, "as_of": r.as_of, "source": r.citation} for r in entry.rows]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_entry_table(entry: EntryFields, target: Target) -> str:
    """Field, value, origin, as_of and file:line of each field, then the sources each field cites."""
    screen = target.screen
    cells = [[r.field, cell(r.value), r.origin, r.as_of or "", f"{r.file}:{r.line}" if r.line else r.file]
             for r in entry.rows if r.field not in PROVENANCE_FIELDS]
    header = ["field", "value", "from", "as_of", "file"]
    if screen is None:
        text = f"{entry.kind} {entry.name}\n" + _aligned(header, cells)
    else:
        text = table_text(header, cells, screen, title_text=f"{entry.kind} {entry.name}", right_from=len(header),
                          wrap=("value", "file"), paths=("field",), keep=("field", "value", "file"),
                          drop=("from", "as_of"))
    by_citation: dict[str, list[str]] = {}
    for r in entry.rows:
        if r.field not in PROVENANCE_FIELDS:
            by_citation.setdefault(r.citation or f"{r.file} (your file is the source)", []).append(r.field)
    text += "\nsources:\n" + "".join(paragraph(f"{', '.join(fields)}: {citation}", screen, indent="  ",
                                                  hang="    ") for citation, fields in by_citation.items())
    return text


ENTRY_FORMATS: Formats[EntryFields, str] = Formats("a pricing entry", {
    "table": render_entry_table,
    "json": lambda entry, target: render_entry_json(entry),
})


# --- pricing import / sync ------------------------------------------------------------------------


@frozen
class PlannedImport:
    """What an import would write to the user's table `file` (nothing when `dry_run`)."""

    plan: ImportPlan
    file: Path
    dry_run: bool


def render_plan_json(planned: PlannedImport) -> str:
    plan = planned.plan
    data = {"table": plan.kind, "source": plan.source, "file": str(planned.file), "dry_run": planned.dry_run,
            "counts": plan.counts(), "entries": [
                {"name": e.key, "status": e.status, "record": e.record, "reason": e.reason or None,
                 "fields": json_value(e.fields), "before": json_value(e.before)} for e in plan.entries]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_plan_text(planned: PlannedImport) -> str:
    """A line per entry added or changed, a line per reason records were skipped, and the counts."""
    plan = planned.plan
    lines = []
    for e in plan.entries:
        if e.status == "added":
            shown = {k: v for k, v in e.fields.items() if k not in ("source", "as_of", "notes")}
            lines.append(f"added      {e.key}: " + "; ".join(f"{k} {cell(v)}" for k, v in shown.items()))
        elif e.status == "changed":
            changes = [f"{k} {cell(e.before.get(k))} -> {cell(v)}" for k, v in e.fields.items() if k in e.before]
            lines.append(f"changed    {e.key}: " + "; ".join(changes))
    reasons: dict[str, list[str]] = {}
    for e in plan.entries:
        if e.status == "skipped":
            reasons.setdefault(e.reason, []).append(e.record)
    for reason, records in sorted(reasons.items(), key=lambda kv: -len(kv[1])):
        examples = ", ".join(records[:3]) + (", ..." if len(records) > 3 else "")
        lines.append(f"skipped    {len(records)} x {reason} ({examples})")
    lines.append(f"{plan.kind}.yaml from {plan.source}: " + ", ".join(f"{n} {s}" for s, n in plan.counts().items()))
    return "\n".join(lines) + "\n"


IMPORT_FORMATS: Formats[PlannedImport, str] = Formats("an import plan", {
    "table": lambda planned, target: render_plan_text(planned),
    "json": lambda planned, target: render_plan_json(planned),
})
