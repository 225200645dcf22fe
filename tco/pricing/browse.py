"""Browsing the pricing tables after the overlay: listings, and one entry field by field with origins.

Backs `tco pricing list` and `tco pricing show`. Every value says whether it came from the
bundled table or the user's folder, with the file and line, and the `as_of` of that entry.
"""

from __future__ import annotations

from typing import Any

from tco.errors import TcoError
from tco.frozen import frozen
from tco.pricing.catalog import TABLE_KINDS, Catalog, Entry

# The columns a listing shows per table (every field is in `show` and in JSON).
SUMMARY_FIELDS = {
    "api": ("input", "output", "cached_input", "batch_discount", "training"),
    "gpus": ("memory_gb", "purchase_price", "rent_per_hour"),
    "models": ("params_b", "active_params_b", "context"),
    "throughput": ("model", "gpu", "precision", "output_tokens_per_second"),
}


@frozen
class FieldRow:
    """One field of an entry and where its value came from."""

    field: str
    value: Any
    origin: str  # "bundled" or "user"
    file: str
    line: int
    as_of: str | None
    citation: str


@frozen
class ListRow:
    """One entry of a listing."""

    table: str
    name: str
    origin: str  # "bundled", "user" (added by the user) or "bundled+user" (overlaid)
    as_of: str | None
    values: dict[str, Any]


def _is_user(catalog: Catalog, kind: str, key: str) -> bool:
    doc = catalog.user_document(kind)
    return doc is not None and isinstance(doc.data, dict) and key in doc.data


def list_rows(catalog: Catalog, kinds: tuple[str, ...] = TABLE_KINDS, search: str | None = None) -> list[ListRow]:
    """Every entry of the given tables after the overlay, filtered by a case-insensitive text search
    over the name and the text fields."""
    rows = []
    needle = (search or "").lower()
    for kind in kinds:
        bundled = set(catalog.bundled_keys(kind))
        for key, entry in catalog.table(kind).items():
            if needle and needle not in _haystack(key, entry):
                continue
            user = _is_user(catalog, kind, key)
            origin = "bundled+user" if user and key in bundled else "user" if user else "bundled"
            rows.append(ListRow(kind, key, origin, _oldest_as_of(entry), dict(entry.values)))
    return rows


def _haystack(key: str, entry: Entry) -> str:
    texts = [key] + [str(v) for k, v in entry.values.items()
                     if isinstance(v, str) and k not in ("source", "notes", "sources")]
    return " ".join(texts).lower()


def _oldest_as_of(entry: Entry) -> str | None:
    """The date of the entry's oldest figure (bundled or the user's): the one that goes stale first."""
    dates = [o.as_of for o in entry.origins.values() if o.as_of]
    return min(dates) if dates else None


def entry_fields(catalog: Catalog, kind: str, key: str) -> list[FieldRow]:
    """Every field of one entry after the overlay, in table order, each with its origin and line."""
    entry = catalog.get(kind, key)
    if entry is None:
        raise TcoError.single(catalog.table_label(kind), f"{key!r} is not in {kind}.yaml{catalog.suggest(kind, key)}")
    bundled_lines = _bundled_lines(catalog, kind, key)
    rows = []
    for name, value in entry.values.items():
        if name == "rent_per_hour" and isinstance(value, dict):
            # One row per cloud: an overlay merges them cloud by cloud, from different files and dates.
            for part, inner in value.items():
                rows.append(_row(catalog, kind, entry, (name, str(part)), inner, bundled_lines))
            continue
        rows.append(_row(catalog, kind, entry, (name,), value, bundled_lines))
    return rows


def _row(catalog: Catalog, kind: str, entry: Entry, path: tuple[str, ...], value: Any,
         bundled_lines: dict[str, int]) -> FieldRow:
    name = ".".join(path)
    origin = entry.origin(name)
    doc = catalog.user_document(kind)
    if doc is not None and (origin.file == doc.source or origin.file.startswith(doc.source + ":")):
        line = doc.locate((entry.key, *path), key=True)[0]
        return FieldRow(name, value, "user", doc.source, line, origin.as_of, origin.citation)
    return FieldRow(name, value, "bundled", str(catalog.bundled_dir / f"{kind}.yaml"),
                    bundled_lines.get(path[0], bundled_lines.get("", 0)), origin.as_of, origin.citation)


def _bundled_lines(catalog: Catalog, kind: str, key: str) -> dict[str, int]:
    """1-based line of each field of a bundled entry ('' -> the entry's own line)."""
    lines = catalog.bundled_text(kind).splitlines()
    found: dict[str, int] = {}
    start = None
    for number, line in enumerate(lines, 1):
        if start is None:
            if line.split(":", 1)[0].strip().strip("'\"") == key and not line.startswith((" ", "#")):
                start = number
                found[""] = number
            continue
        if line and not line.startswith((" ", "\t", "#")):
            break
        stripped = line.strip()
        if line.startswith("  ") and not line.startswith("   ") and ":" in stripped:
            found.setdefault(stripped.split(":", 1)[0], number)
    return found
