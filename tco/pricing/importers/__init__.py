"""Imports from the price datasets the ecosystem maintains, as a plan a user can read first.

Each importer (`litellm`, `skypilot`, `genai_prices`) maps external records onto our table
fields and returns an `ImportPlan`: every record is added, changed, unchanged or skipped (with
the reason; a record whose fields the table's model refuses is skipped with its problems). The
plan compares against the prices in force (bundled overlaid by the user's folder), so "unchanged"
means tco already uses that figure. `apply_plan` writes the added and
changed entries to the user's table through `tco.pricing.files.edit_table`; bundled tables are
never written.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tco.frozen import frozen
from tco.pricing.catalog import Catalog
from tco.pricing.files import TableText, TableWrite, edit_table, put
from tco.pricing.schema import InvalidEntry, validate_entry

Status = Literal["added", "changed", "unchanged", "skipped"]
STATUSES: tuple[Status, ...] = ("added", "changed", "unchanged", "skipped")
# Fields that describe a figure rather than state one: a difference in them alone is no change
# (they are written along with a changed figure).
_PROVENANCE = ("source", "sources", "as_of", "notes")


@frozen
class PlannedEntry:
    """One record of the import: what it would write to `key`, or why it is skipped.

    `fields` holds the values to write (for `changed`, only those that differ, plus the
    provenance); `before` the values in force now for those fields.
    """

    key: str
    status: Status
    record: str
    fields: dict[str, Any] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass
class ImportPlan:
    """Everything an import would do to one table."""

    kind: str
    source: str
    entries: list[PlannedEntry] = field(default_factory=list)

    def counts(self) -> dict[Status, int]:
        counted = Counter(e.status for e in self.entries)
        return {status: counted.get(status, 0) for status in STATUSES}

    def to_write(self) -> list[PlannedEntry]:
        return [e for e in self.entries if e.status in ("added", "changed")]


@frozen
class Selection:
    """Which records to import: by provider, by a glob on the name, only names tco already has."""

    provider: str | None = None
    model: str | None = None
    only_existing: bool = False

    def wants(self, key: str, provider: str, other_names: tuple[str, ...] = ()) -> bool:
        if self.provider is not None and self.provider.lower() != provider.lower():
            return False
        if self.model is not None:
            names = (key, key.split("/", 1)[-1], *other_names)
            if not any(fnmatch.fnmatchcase(n.lower(), self.model.lower()) for n in names):
                return False
        return True


def plan_entry(catalog: Catalog, kind: str, key: str, record: str, fields: dict[str, Any],
               only_existing: bool) -> PlannedEntry:
    """Compare imported `fields` with the entry in force and say what importing them would do.

    Fields the table's model refuses skip the record (with why), rather than fail the whole import
    when it is written.
    """
    try:
        validate_entry(kind, fields)
    except InvalidEntry as invalid:
        return PlannedEntry(key, "skipped", record, reason=str(invalid))
    current = catalog.get(kind, key)
    if current is None:
        if only_existing:
            return PlannedEntry(key, "skipped", record, reason="not in your tables (--only-existing)")
        return PlannedEntry(key, "added", record, fields=fields)
    differing: dict[str, Any] = {}
    before: dict[str, Any] = {}
    for name, value in fields.items():
        if name in _PROVENANCE:
            continue
        now = current.get(name)
        if isinstance(value, dict):
            now_map = now if isinstance(now, dict) else {}
            changed = {k: v for k, v in value.items() if not _same(now_map.get(k), v)}
            if changed:
                differing[name] = changed
                before[name] = {k: now_map.get(k) for k in changed}
        elif not _same(now, value):
            differing[name] = value
            before[name] = now
    if not differing:
        return PlannedEntry(key, "unchanged", record)
    for name in _PROVENANCE:
        if name in fields:
            differing[name] = fields[name]
    return PlannedEntry(key, "changed", record, fields=differing, before=before)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1.0)
    return bool(a == b)


def apply_plan(plan: ImportPlan, path: Path, *, dry_run: bool = False) -> TableWrite:
    """Write the plan's added and changed entries into the user table at `path` (one locked write)."""

    def change(data: TableText) -> None:
        from ruamel.yaml.comments import CommentedMap

        for entry in plan.to_write():
            target = data.entry(entry.key)
            for name, value in entry.fields.items():
                if isinstance(value, dict):
                    inner = target.get(name)
                    if not isinstance(inner, dict):
                        inner = CommentedMap()
                        inner.fa.set_flow_style()
                        put(target, name, inner)
                    for sub, sub_value in value.items():
                        put(inner, sub, sub_value)
                else:
                    put(target, name, _plain(value))

    _, write = edit_table(path, plan.kind, change, dry_run=dry_run)
    return write


def _plain(value: Any) -> Any:
    if isinstance(value, str) and _looks_like_date(value):
        return dt.date.fromisoformat(value)
    return value


def _looks_like_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
