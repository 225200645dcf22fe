"""The pricing tables (docs/pricing.md): bundled ones, overlaid field by field by a user pricing folder.

Bundled tables are read with libyaml and trusted (the test suite validates them); a user's
tables are read with positions and checked, so a mistake there names its file, line and key.
Every field keeps where it came from, so any default in an output can cite its source and date.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tco.errors import Problem, TcoError, did_you_mean
from tco.load.quantities import parse_number
from tco.load.yamlsource import YamlDocument, format_path, read_yaml, read_yaml_file

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

# Field names per table, and which of them are numbers that may not be negative.
_COMMON = {"source": "text", "as_of": "date", "notes": "text", "sources": "citations"}
TABLE_FIELDS: dict[str, dict[str, str]] = {
    "api": {"input": "number", "output": "number", "cached_input": "number", "batch_discount": "share",
            "training": "number", **_COMMON},
    "gpus": {"name": "text", "memory_gb": "number+", "memory_unit": "choice:GB|GiB", "bandwidth_tb_s": "number+",
             "bf16_tflops": "number+",
             "fp8_tflops": "number?", "fp4_tflops": "number?", "interconnect_gb_s": "number", "watts": "number",
             "tdp_watts": "number", "achieved_compute_share": "share", "achieved_bandwidth_share": "share",
             "purchase_price": "number", "rent_per_hour": "rents", **_COMMON},
    # The capacity model divides by and counts with the architecture's fields: sizes are whole numbers
    # above 0, an expert format or attention layout it does not know would be sized as something else.
    "models": {"name": "text", "params_b": "number+", "active_params_b": "number+", "layers": "count+",
               "hidden": "count+", "kv_heads": "count+", "head_dim": "count+", "context": "count",
               "license": "text", "attention_heads": "count+", "intermediate_size": "count",
               "experts": "count", "experts_per_token": "count", "shared_experts": "count",
               "vocab_size": "count", "kv_bytes_per_token_bf16": "number+", "attention": "attention",
               "sliding_window": "count", "sliding_window_layers": "count", "expert_precision": "choice:mxfp4|int4",
               **_COMMON},
    "throughput": {"model": "text", "gpu": "text", "precision": "text", "gpus_per_replica": "count+",
                   "parallelism": "choice:tp|tep|dep", "engine": "choice:vllm|sglang|trtllm",
                   "input_tokens_per_second": "number+", "output_tokens_per_second": "number+",
                   "input_tokens": "number", "output_tokens": "number+", "benchmark": "text", **_COMMON},
}


def bundled_pricing_dir() -> Path:
    """The tables shipped with tco: inside the wheel, or the repository's `pricing/` in a checkout."""
    package = Path(__file__).resolve().parent.parent  # tco/
    packaged = package / "_bundled_pricing"
    return packaged if packaged.is_dir() else package.parent / "pricing"


def default_user_pricing_dir() -> Path:
    """`tco/pricing` in the user configuration folder (`~/.config/tco/pricing` on Linux)."""
    import typer  # already loaded by the CLI; imported late so the library does not pay for it

    return Path(typer.get_app_dir("tco")) / "pricing"


def user_pricing_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The user pricing folder in force: `--pricing`, else $TCO_PRICING, else the config folder if it exists."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(ENV_PRICING)
    if from_env:
        return Path(from_env)
    folder = default_user_pricing_dir()
    return folder if folder.is_dir() else None


@dataclass(frozen=True)
class FieldOrigin:
    """Where one field of a table entry came from."""

    file: str
    citation: str
    as_of: str | None


@dataclass(frozen=True)
class Entry:
    """One table entry after the overlay, with the origin of each field."""

    table: str
    key: str
    values: dict[str, Any]
    origins: dict[str, FieldOrigin]

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
        self._user: dict[str, tuple[dict[str, dict[str, Any]], YamlDocument | None]] = {}
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
            entry = _entry(kind, key, dict(data[key]), self.table_label(kind))
        values, doc = self._user_table(kind)
        if key in values and doc is not None:
            line = doc.locate((key,), key=True)[0]
            label = f"{doc.source}:{line}" if line else doc.source
            mine = _entry(kind, key, values[key], label)
            entry = _overlay(entry, mine) if entry else mine
        return entry

    def _bundled_blocks(self, kind: str) -> dict[str, str]:
        if kind not in self._bundled:
            path = self.bundled_dir / f"{kind}.yaml"
            self._bundled[kind] = index_table(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return self._bundled[kind]

    def _user_table(self, kind: str) -> tuple[dict[str, dict[str, Any]], YamlDocument | None]:
        if kind not in self._user:
            user_file = self.user_dir / f"{kind}.yaml" if self.user_dir is not None else None
            if user_file is None or not user_file.is_file():
                self._user[kind] = ({}, None)
            else:
                doc = read_yaml_file(str(user_file), what="a pricing table")
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


def _entry(kind: str, key: str, values: dict[str, Any], label: str) -> Entry:
    citation = str(values.get("source") or "")
    as_of = _iso(values.get("as_of"))
    per_field = values.get("sources") or {}
    origins = {"*": FieldOrigin(label, citation, as_of)}
    for name in values:
        origins[name] = FieldOrigin(label, str(per_field.get(name, citation)), as_of)
    return Entry(kind, key, values, origins)


def _overlay(base: Entry, top: Entry) -> Entry:
    """Field by field: the user's fields win; a `rent_per_hour` mapping is merged cloud by cloud."""
    values = dict(base.values)
    origins = dict(base.origins)
    for name, value in top.values.items():
        if name in ("source", "sources"):
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
    return Entry(base.table, base.key, values, origins)


def check_user_table(kind: str, text: bytes, source: str) -> dict[str, dict[str, Any]]:
    """Parse and check a user table's text exactly as `Catalog` does; return entry -> checked fields.

    Raises TcoError with every problem (file, line, field) at once. `tco pricing set` and
    `tco compare` share this, so they agree on what a valid user table is.
    """
    return _checked_user_table(kind, read_yaml(text, source, what="a pricing table"))


def _checked_user_table(kind: str, doc: YamlDocument) -> dict[str, dict[str, Any]]:
    """Check a user table's shape and field types; raise every problem at once."""
    problems: list[Problem] = []
    data = doc.data
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TcoError.single(doc.source, "a pricing table must be a mapping of entry name to fields", line=1)
    fields = TABLE_FIELDS[kind]
    checked: dict[str, dict[str, Any]] = {}

    def problem(path: tuple[str, ...], message: str, *, key: bool = False) -> None:
        problems.append(Problem(doc.source, message, format_path(path), *doc.locate(path, key=key)))

    for key, values in data.items():
        if not isinstance(values, dict):
            problem((key,), "an entry must be a mapping of fields")
            continue
        clean: dict[str, Any] = {}
        for name, value in values.items():
            path = (key, name)
            rule = fields.get(name)
            if rule is None:
                problem(path, f"unknown field in {kind}.yaml{did_you_mean(name, fields, most=1)}", key=True)
                continue
            try:
                clean[name] = _check_field(rule, value)
            except ValueError as exc:
                problem(path, str(exc))
        checked[key] = clean
    if problems:
        raise TcoError(problems)
    return checked


def check_field(rule: str, value: Any) -> Any:
    """`value` checked against a TABLE_FIELDS rule, as the overlay reads it; raises ValueError."""
    return _check_field(rule, value)


# models.yaml `attention`: the layouts the capacity model knows, joined by "+" (docs/capacity.md).
ATTENTION_LAYOUTS = ("gqa", "mla")
ATTENTION_PARTS = ("sliding_window", "sinks")


def _check_field(rule: str, value: Any) -> Any:
    if rule.startswith("count"):
        number = parse_number(value)
        if number != int(number) or number < (1 if rule == "count+" else 0):
            raise ValueError(f"must be a whole number {'above' if rule == 'count+' else 'of at least'} 0 (got {value})")
        return int(number)
    if rule.startswith("choice:"):
        choices = rule.split(":", 1)[1].split("|")
        if str(value) not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}{did_you_mean(str(value), choices, most=1)}")
        return str(value)
    if rule == "attention":
        parts = str(value).split("+")
        if parts[0] not in ATTENTION_LAYOUTS or any(part not in ATTENTION_PARTS for part in parts[1:]):
            raise ValueError(f"{value!r} is not an attention layout the capacity model knows: "
                             f"{' or '.join(ATTENTION_LAYOUTS)}, then any of "
                             f"{', '.join('+' + part for part in ATTENTION_PARTS)} (e.g. gqa+sliding_window+sinks)")
        return str(value)
    if rule == "number+":
        number = parse_number(value)
        if number <= 0:
            raise ValueError(f"must be above 0 (got {value})")
        return number
    if rule.startswith("number"):
        if value is None and rule.endswith("?"):
            return None
        number = parse_number(value)
        if number < 0:
            raise ValueError(f"must not be negative (got {value})")
        return number
    if rule == "share":
        number = parse_number(value, percent=True)
        if not 0 <= number <= 1:
            raise ValueError(f"must be a share from 0 to 1 (got {value})")
        return number
    if rule == "rents":
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of cloud name to price per GPU-hour")
        rents = {}
        for cloud, price in value.items():
            number = parse_number(price)
            if number <= 0:
                raise ValueError(f"{cloud}: must be above 0 (got {price})")
            rents[str(cloud)] = number
        return rents
    if rule == "citations":
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of field name to citation")
        return {str(k): str(v) for k, v in value.items()}
    if rule == "date":
        if isinstance(value, dt.datetime):  # a YAML timestamp with a time of day: the day is what ages
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD") from None
    if isinstance(value, dict | list):
        raise ValueError("expected text")
    return str(value)
