"""The pricing tables (docs/pricing.md): bundled ones, overlaid field by field by a user pricing folder.

Every entry is validated by its table's model (`tco.pricing.schema`). A bundled entry is read with
libyaml, without positions, only when a run asks for it, and validated only when a run computes with
its fields (the test suite checks every one); a user's tables are read with positions and validated
whole, so a mistake there names its file, line and key. Every field keeps where it came from, so any
default in an output can cite its source and date.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from tco.errors import Problem, TcoError, did_you_mean
from tco.frozen import frozen
from tco.load.yamlsource import YamlDocument, format_path, read_yaml, read_yaml_file
from tco.pricing.schema import InvalidEntry, TableFields, validate_entry

TABLE_KINDS = ("api", "gpus", "models", "throughput")
ENV_PRICING = "TCO_PRICING"
ENV_TODAY = "TCO_TODAY"
DEFAULT_MAX_PRICE_AGE_DAYS = 180
# The fields that are prices (they go stale); specs and measurements do not.
PRICE_FIELDS = {"api": ("input", "output", "cached_input", "batch_discount"),
                "gpus": ("rent_per_hour", "purchase_price")}


def today() -> dt.date:
    """Today's date, or $TCO_TODAY (YYYY-MM-DD) when set: for reproducible runs and tests."""
    pinned = os.environ.get(ENV_TODAY)
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            raise TcoError.single(f"${ENV_TODAY}", f"{pinned!r} is not a date; write YYYY-MM-DD") from None
    return dt.date.today()


def bundled_pricing_dir() -> Path:
    """The tables shipped with tco: inside the wheel, or the repository's `pricing/` in a checkout."""
    package = Path(__file__).resolve().parent.parent  # tco/
    packaged = package / "_bundled_pricing"
    return packaged if packaged.is_dir() else package.parent / "pricing"


def default_user_pricing_dir() -> Path:
    """`tco/pricing` in the user configuration folder: `$XDG_CONFIG_HOME/tco/pricing` (by default
    `~/.config/tco/pricing`) on Linux, `~/Library/Application Support/tco/pricing` on macOS,
    `%APPDATA%\\tco\\pricing` on Windows: the folder click's `get_app_dir("tco")` names, without
    importing the command-line stack into the library."""
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or os.path.expanduser("~")
        return Path(base) / "tco" / "pricing"
    if sys.platform == "darwin":
        return Path(os.path.expanduser("~/Library/Application Support")) / "tco" / "pricing"
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(base) / "tco" / "pricing"


def user_pricing_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The user pricing folder in force: `--pricing`, else $TCO_PRICING, else the config folder if it exists."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(ENV_PRICING)
    if from_env:
        return Path(from_env)
    folder = default_user_pricing_dir()
    return folder if folder.is_dir() else None


@frozen
class FieldOrigin:
    """Where one field of a table entry came from."""

    file: str
    citation: str
    as_of: str | None


@frozen
class Entry:
    """One table entry after the overlay, with the origin of each field.

    `values` are the fields as the files give them (a bundled figure as written: 80, not 80.0), for
    showing and citing; `fields` the same fields validated by the table's model, for computing with.
    """

    table: str
    key: str
    values: dict[str, Any]
    origins: dict[str, FieldOrigin]
    # What `fields` is made of: the bundled entry as written, validated when first asked for (a run
    # validates only the entries it computes with), and the user's, validated with the user's table.
    bundled: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    user: TableFields | None = field(default=None, repr=False, compare=False)

    @cached_property
    def fields(self) -> TableFields:
        """The entry's fields validated by its table's model, the user's overlaid on the bundled ones
        as `values` are (each side is valid, so the overlay is: it is not checked again)."""
        base = _bundled_fields(self.table, self.key, self.bundled) if self.bundled is not None else None
        if self.user is None:
            assert base is not None, "an entry comes from the bundled table, the user's, or both"
            return base
        if base is None:
            return self.user
        update = {name: getattr(self.user, name) for name in self.user.model_fields_set
                  if name not in _OWN_PROVENANCE}
        below, above = getattr(base, "rent_per_hour", None), update.get("rent_per_hour")
        if isinstance(below, dict) and isinstance(above, dict):
            update["rent_per_hour"] = {**below, **above}
        return base.model_copy(update=update)

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def origin(self, name: str) -> FieldOrigin:
        """Where field `name` came from; `rent_per_hour.CLOUD` names one cloud's price, which an
        overlay may take from another file than the rest of the mapping."""
        return self.origins.get(name) or self.origins.get(name.split(".", 1)[0]) or self.origins["*"]


class Catalog:
    """Lazy access to the four tables: a bundled entry is parsed only when a scenario asks for it."""

    def __init__(self, user_dir: Path | None = None, bundled_dir: Path | None = None) -> None:
        self.user_dir = user_dir
        self.bundled_dir = bundled_dir or bundled_pricing_dir()
        self._bundled: dict[str, dict[str, str]] = {}
        self._user: dict[str, tuple[dict[str, TableFields], YamlDocument | None]] = {}
        self._entries: dict[tuple[str, str], Entry | None] = {}
        self._bundled_catalog: Catalog | None = None
        if user_dir is not None and not user_dir.is_dir():
            raise TcoError.single(str(user_dir), "the pricing folder does not exist")

    def table_label(self, kind: str) -> str:
        return f"pricing/{kind}.yaml"

    def bundled_only(self) -> Catalog:
        """The bundled tables without the user's overlay (what a bundled measurement was taken on)."""
        if self.user_dir is None:
            return self
        if self._bundled_catalog is None:
            self._bundled_catalog = Catalog(bundled_dir=self.bundled_dir)
        return self._bundled_catalog

    def is_bundled(self, entry: Entry, name: str) -> bool:
        """Whether field `name` of `entry` comes from the bundled table, not the user's."""
        return entry.origin(name).file == self.table_label(entry.table)

    def keys(self, kind: str) -> list[str]:
        """Every entry name of a table, bundled and user's, in file order."""
        bundled = list(self._bundled_blocks(kind))
        user = [k for k in self._user_table(kind)[0] if k not in self._bundled_blocks(kind)]
        return bundled + user

    def bundled_keys(self, kind: str) -> list[str]:
        """The entry names of the bundled table, in file order."""
        return list(self._bundled_blocks(kind))

    def table(self, kind: str) -> dict[str, Entry]:
        """Every entry of a table after the overlay (parses them all: for listings and tests)."""
        return {key: entry for key in self.keys(kind) if (entry := self.get(kind, key)) is not None}

    def get(self, kind: str, key: str) -> Entry | None:
        if (kind, key) not in self._entries:
            self._entries[(kind, key)] = self._build(kind, key)
        return self._entries[(kind, key)]

    def suggest(self, kind: str, key: str) -> str:
        """A `; did you mean ...?` hint for an unknown key, or ''."""
        return did_you_mean(key, self.keys(kind))

    def _build(self, kind: str, key: str) -> Entry | None:
        entry: Entry | None = None
        block = self._bundled_blocks(kind).get(key)
        if block is not None:
            data = yaml.load(block, Loader=_FAST_LOADER) or {}
            values = dict(data[key])
            entry = _entry(kind, key, values, self.table_label(kind), bundled=values)
        checked, doc = self._user_table(kind)
        if key in checked and doc is not None:
            line = doc.locate((key,), key=True)[0]
            label = f"{doc.source}:{line}" if line else doc.source
            mine = _entry(kind, key, _as_given(checked[key], doc.data[key]), label, user=checked[key])
            entry = _overlay(entry, mine) if entry else mine
        return entry

    def _bundled_blocks(self, kind: str) -> dict[str, str]:
        if kind not in self._bundled:
            path = self.bundled_dir / f"{kind}.yaml"
            self._bundled[kind] = index_table(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return self._bundled[kind]

    def _user_table(self, kind: str) -> tuple[dict[str, TableFields], YamlDocument | None]:
        if kind not in self._user:
            user_file = self.user_dir / f"{kind}.yaml" if self.user_dir is not None else None
            if user_file is None or not os.path.lexists(user_file):
                self._user[kind] = ({}, None)
            else:  # a folder, a dangling link or a device there is an error, not a table silently left out
                doc = read_yaml_file(str(user_file), what="a pricing table", regular=True)
                self._user[kind] = (_checked_user_table(kind, doc), doc)
        return self._user[kind]

    def user_document(self, kind: str) -> YamlDocument | None:
        """The user's table as read (with positions), or None when the user folder has no such file."""
        return self._user_table(kind)[1]

    def bundled_text(self, kind: str) -> str:
        """The bundled table's text ('' when absent), e.g. to find the line of an entry."""
        path = self.bundled_dir / f"{kind}.yaml"
        return path.read_text(encoding="utf-8") if path.is_file() else ""


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOP_KEY = re.compile(r"^(?P<key>[^\s#'\"][^:#]*?|'[^']*'|\"[^\"]*\"):[ \t]*(#.*)?$")


def index_table(text: str) -> dict[str, str]:
    """Split a bundled table into its entries' YAML blocks, by top-level key, without parsing it.

    Bundled tables are written one block-style entry per top-level key; a run parses only the
    entries it uses. The test suite checks this index against a full parse of every table.
    """
    blocks: dict[str, str] = {}
    key: str | None = None
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        if line[:1] not in (" ", "\t", "#", "\n", "\r", ""):
            match = _TOP_KEY.match(line.rstrip("\r\n"))
            if match is None:
                raise ValueError(f"unexpected top-level line in a bundled table: {line!r}")
            if key is not None:
                blocks[key] = "".join(lines)
            key = match["key"].strip().strip("'\"")
            lines = [line]
        elif key is not None:
            lines.append(line)
    if key is not None:
        blocks[key] = "".join(lines)
    return blocks


def _iso(value: Any) -> str | None:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value) if value is not None else None


def _entry(kind: str, key: str, values: dict[str, Any], label: str, *, bundled: dict[str, Any] | None = None,
           user: TableFields | None = None) -> Entry:
    citation = str(values.get("source") or "")
    as_of = _iso(values.get("as_of"))
    per_field = values.get("sources") or {}
    origins = {"*": FieldOrigin(label, citation, as_of)}
    for name in values:
        origins[name] = FieldOrigin(label, str(per_field.get(name, citation)), as_of)
    return Entry(kind, key, values, origins, bundled, user)


def _bundled_fields(kind: str, key: str, values: dict[str, Any]) -> TableFields:
    """A bundled entry validated by its table's model (the test suite keeps every one valid)."""
    try:
        return validate_entry(kind, values)
    except InvalidEntry as exc:
        raise TcoError([Problem(f"pricing/{kind}.yaml", p.message, f"{key}.{p.field}")
                        for p in exc.problems]) from None


def _as_given(fields: TableFields, written: dict[str, Any]) -> dict[str, Any]:
    """The validated value of each field an entry gives, in the file's order."""
    return {name: getattr(fields, name) for name in written}


# The fields of a user's entry that describe the entry itself, and never override the bundled one's.
_OWN_PROVENANCE = ("source", "sources")


def _overlay(base: Entry, top: Entry) -> Entry:
    """Field by field: the user's fields win; a `rent_per_hour` mapping is merged cloud by cloud."""
    values = dict(base.values)
    origins = dict(base.origins)
    for name, value in top.values.items():
        if name in _OWN_PROVENANCE:
            continue
        if name == "rent_per_hour" and isinstance(value, dict) and isinstance(values.get(name), dict):
            below = base.origin(name)
            for cloud in values[name]:
                origins[f"{name}.{cloud}"] = base.origins.get(f"{name}.{cloud}", below)
            for cloud in value:
                origins[f"{name}.{cloud}"] = top.origins[name]
            values[name] = {**values[name], **value}
        else:
            values[name] = value
        origins[name] = top.origins[name]
    return Entry(base.table, base.key, values, origins, base.bundled, top.user)


def check_user_table(kind: str, text: bytes, source: str) -> dict[str, dict[str, Any]]:
    """Parse and check a user table's text exactly as `Catalog` does; return entry -> checked fields.

    Raises TcoError with every problem (file, line, field) at once. `tco pricing set` and
    `tco compare` share this, so they agree on what a valid user table is.
    """
    doc = read_yaml(text, source, what="a pricing table")
    return {key: _as_given(fields, doc.data[key]) for key, fields in _checked_user_table(kind, doc).items()}


def _checked_user_table(kind: str, doc: YamlDocument) -> dict[str, TableFields]:
    """Check a user table's shape and every entry with its table's model; raise every problem at once."""
    problems: list[Problem] = []
    data = doc.data
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TcoError.single(doc.source, "a pricing table must be a mapping of entry name to fields", line=1)
    checked: dict[str, TableFields] = {}

    def problem(path: tuple[str, ...], message: str, *, key: bool = False) -> None:
        problems.append(Problem(doc.source, message, format_path(path), *doc.locate(path, key=key)))

    for key, values in data.items():
        if not isinstance(values, dict):
            problem((key,), "an entry must be a mapping of fields")
            continue
        try:
            checked[key] = validate_entry(kind, values)
        except InvalidEntry as exc:
            for found in exc.problems:
                problem((key, found.field), found.message, key=found.unknown)
    if problems:
        raise TcoError(problems)
    return checked
