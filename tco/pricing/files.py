"""Safe edits of a user's pricing tables (docs/pricing.md): comments kept, validated, atomic, locked.

Every write goes through `edit_table`, which
1. takes a lock beside the file (`.api.yaml.lock`), so two `tco pricing` processes editing the
   same table run one after the other and neither loses the other's change;
2. reads the file *inside* the lock with ruamel.yaml's round-trip mode, which keeps comments,
   key order, quoting and flow style, and applies the change to that tree;
3. checks the whole resulting table with the very function `tco compare` reads it with
   (`tco.pricing.catalog.check_user_table`), so nothing `compare` would reject is ever written;
4. writes a temporary file in the same folder, flushes it to disk and renames it over the old
   one, so a crash at any moment leaves either the old file or the new one, never half of one.

ruamel.yaml is imported only here, inside the functions: `tco compare` never pays for it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout

from tco.errors import Problem, TcoError, did_you_mean
from tco.frozen import frozen
from tco.load.numbers import Number
from tco.load.quantities import parse_number
from tco.load.yamlsource import read_bounded
from tco.pricing.catalog import TABLE_KINDS, check_user_table
from tco.pricing.schema import TABLE_MODELS, Citations, Day, Nullable, Rents, Rule, field_rule

LOCK_TIMEOUT_SECONDS = 60.0
# Fields that describe an entry rather than state a figure: setting only these does not
# restamp `as_of`, which dates the figures.
DESCRIPTIVE_FIELDS = frozenset({"notes", "source", "sources", "as_of", "name", "license", "benchmark"})

R = TypeVar("R")


def table_file(folder: Path, kind: str) -> Path:
    """The user's file for one table: `FOLDER/KIND.yaml`."""
    if kind not in TABLE_KINDS:
        raise TcoError.single(kind, f"unknown table{did_you_mean(kind, TABLE_KINDS)}; "
                              f"the tables are {', '.join(TABLE_KINDS)}")
    return folder / f"{kind}.yaml"


_HEADER = """\
# {kind}.yaml - your own {what}, overlaid on the tables bundled with tco.
#
# The overlay rule, field by field: a value in a scenario file wins over this file, and a
# field in this file wins over the same field of the bundled entry with the same name.
# Fields you leave out keep their bundled values; a name the bundled table lacks adds a new
# entry. `tco pricing show {kind} NAME` prints every field with the file and line it came from.
#
# This folder is read by every tco command: --pricing DIR, else $TCO_PRICING, else the user
# configuration folder (~/.config/tco/pricing on Linux). Change it with
# `tco pricing set {kind} NAME FIELD=VALUE`, `tco pricing remove {kind} NAME`,
# `tco pricing edit {kind}` or the imports; they keep your comments and never leave a
# half-written file. Numbers accept 2.5M, 750K, 1e9 and, for shares, 15%.
#
# Fields: {fields}
# Date each entry with `as_of: YYYY-MM-DD` (the date of the figures): prices older than
# 180 days get a warning in `tco compare`. An entry you add needs no `source`: this file is
# its source.
#
# Example:
{example}
"""

_WHAT = {
    "api": "API token prices (USD per 1M tokens; key provider/model)",
    "gpus": "GPU specs and prices (rent_per_hour is USD per GPU-hour by cloud)",
    "models": "open-weights model architectures",
    "throughput": "measured throughput per GPU",
}
_EXAMPLE = {
    "api": "# openai/gpt-4.1:\n#   input: 1.5        # your negotiated price\n#   as_of: 2026-11-27\n",
    "gpus": "# h100-sxm:\n#   rent_per_hour: {lambda: 2.49}\n#   as_of: 2026-11-27\n",
    "models": "# my-model-8b:\n#   params_b: 8\n#   layers: 32\n#   hidden: 4096\n#   kv_heads: 8\n"
              "#   head_dim: 128\n#   context: 128K\n",
    "throughput": "# my-model-8b@h100-sxm:\n#   model: my-model-8b\n#   gpu: h100-sxm\n#   precision: fp8\n"
                  "#   gpus_per_replica: 1\n#   input_tokens_per_second: 20000\n"
                  "#   output_tokens_per_second: 3000\n#   benchmark: my load test, 2026-11\n",
}


def table_template(kind: str) -> str:
    """The commented, empty user table `tco pricing init` writes for `kind` (valid as it is)."""
    fields = ", ".join(TABLE_MODELS[kind].model_fields)
    return _HEADER.format(kind=kind, what=_WHAT[kind], fields=fields, example=_EXAMPLE[kind])


@frozen
class TableWrite:
    """What one edit did to a user table: its text before (None: no file yet) and after."""

    path: Path
    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@contextmanager
def table_lock(path: Path) -> Iterator[None]:
    """Hold the lock of one table file (a `.NAME.lock` file beside it) for the duration."""
    lock = FileLock(str(path.with_name(f".{path.name}.lock")))
    try:
        with lock.acquire(timeout=LOCK_TIMEOUT_SECONDS):
            yield
    except Timeout:
        raise TcoError.single(str(path), f"another tco process has held its lock for over "
                              f"{LOCK_TIMEOUT_SECONDS:.0f} s; try again") from None


def edit_table(path: Path, kind: str, change: Callable[[TableText], R], *,
               dry_run: bool = False, only: str | None = None) -> tuple[R, TableWrite]:
    """Apply `change` to a user table and write it back safely (see the module docstring).

    `change` receives the table as a `TableText` and edits entries through it. Returns its
    result and the `TableWrite`. Nothing is written when the change makes no difference, when
    `dry_run`, or when the new table is invalid (TcoError listing every problem; the file is
    untouched). A missing file starts from `table_template(kind)`. With `only`, the change may
    alter that entry alone: one that would also alter another (an alias of it) is refused.
    """
    folder = path.parent
    try:
        if not dry_run:
            folder.mkdir(parents=True, exist_ok=True)
        lock = table_lock(path) if folder.is_dir() else _no_lock()
        with lock:
            raw = read_table_bytes(path)
            before = None
            old: dict[str, dict[str, Any]] = {}
            if raw is not None:
                # Refuse to build on a table that is already broken: the user must see its problems.
                old = check_user_table(kind, raw, str(path))
                before = raw.decode("utf-8")
            shape = TextShape.of(before or "")
            table = TableText(shape.plain(before) if before is not None else table_template(kind))
            result = change(table)
            after = shape.restore(table.render())
            new = check_user_table(kind, after.encode("utf-8"), f"{path} (as it would be written)")
            if only is not None:
                _check_only(path, kind, only, old, new)
            write = TableWrite(path, before, after)
            if write.changed and not dry_run:
                atomic_write_text(path, after)
    except OSError as exc:
        raise TcoError.single(str(path), f"cannot update the table: {exc.strerror or exc}") from None
    return result, write


def _check_only(path: Path, kind: str, only: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Refuse a change to `only` that alters other entries too (they share its mapping through a
    YAML anchor and alias): the user asked to change one entry."""
    others = sorted(k for k in {*old, *new} if k != only and old.get(k) != new.get(k))
    if others:
        raise TcoError.single(str(path), f"{', '.join(map(repr, others))} shares its fields with {only!r} "
                              f"through a YAML anchor and alias, so this change would alter it too; nothing "
                              f"written (untie them with `tco pricing edit {kind}`)")


def read_table_bytes(path: Path) -> bytes | None:
    """The bytes of a user table file, or None when there is none; a TcoError when the path is a
    folder or cannot be read."""
    if not os.path.lexists(path):
        return None
    if not path.is_file():
        raise TcoError.single(str(path), "not a file (a folder or something else is in the way)")
    try:
        return read_bounded(str(path), str(path), "a pricing table")
    except OSError as exc:
        raise TcoError.single(str(path), f"cannot read it: {exc.strerror or exc}") from None


@frozen
class TextShape:
    """The byte-level habits of a user's file that YAML tools drop: a byte-order mark and Windows
    line endings. Edits work on the plain text; `restore` puts both back, so untouched lines keep
    every byte and new lines match their neighbours."""

    bom: bool
    crlf: bool

    @classmethod
    def of(cls, text: str) -> TextShape:
        newlines = text.count("\n")
        # Only a file that is CRLF throughout is converted; a mixed one is left as it is.
        return cls(text.startswith("\ufeff"), newlines > 0 and text.count("\r\n") == newlines)

    def plain(self, text: str) -> str:
        text = text.removeprefix("\ufeff") if self.bom else text
        return text.replace("\r\n", "\n") if self.crlf else text

    def restore(self, text: str) -> str:
        text = text.replace("\n", "\r\n") if self.crlf else text
        return "\ufeff" + text if self.bom else text


@contextmanager
def _no_lock() -> Iterator[None]:
    yield


_TOP_KEY = re.compile(r"^(?P<key>[^\s#'\"\-?&*!|>%@`{\[][^:#]*?|'[^']*'|\"[^\"\\]*\"):(?:[ \t].*)?$")
_DOC_START = re.compile(r"^---[ \t]*(?:#.*)?$")
# Anchors, aliases and merge keys tie entries together: such a file is round-tripped whole.
_LINKS = re.compile(r"(?:^|[\s\[{,:])[&*][^\s,\]}]|<<:")


class TableText:
    """A user table as text, split into its top-level entries so that an edit re-writes only the
    entries it touches: every other byte of the file stays as it was.

    Each entry's block is its key line, its body and the blank lines after it, plus the comment
    lines directly above its key (so removing an entry removes its heading comment). A touched
    entry is loaded and dumped with ruamel.yaml's round-trip mode (its comments and order kept);
    a new entry is appended as plain block YAML. A file that does not split cleanly (flow style
    at the top, several documents) is round-tripped by ruamel.yaml as a whole, and so is one
    whose touched entry holds an anchor or alias (entries tied together must be dumped together);
    anchors between other entries leave an edit local.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.prefix = ""
        self.blocks: dict[str, str] = {}
        self._edited: dict[str, Any] = {}  # key -> ruamel top-level mapping of that one block
        self._added: dict[str, dict[str, Any]] = {}
        self._yaml: Any = None
        self._whole: Any = None
        if not self._split(text):
            self._become_whole(text)

    def _become_whole(self, text: str) -> None:
        from ruamel.yaml.comments import CommentedMap

        self.text = text
        self._yaml = _round_trip(text)
        loaded = self._yaml.load(text)
        self._whole = loaded if isinstance(loaded, CommentedMap) else CommentedMap()

    def _unlink(self, key: str) -> None:
        """Switch to a whole-file round trip (keeping the edits so far) before touching an entry
        that holds an anchor or an alias: its partners live in other entries."""
        if self._whole is None and key in self.blocks and _LINKS.search(self.blocks[key]):
            self._become_whole(self.render())

    def _split(self, text: str) -> bool:
        if "<<:" in text:
            return False
        lines = text.splitlines(keepends=True)
        pending: list[str] = []  # blank and comment lines not yet given to an entry
        key: str | None = None
        body: list[str] = []
        prefix: list[str] = []
        blocks: dict[str, str] = {}
        for line in lines:
            first = line[:1]
            if first in (" ", "\t"):
                if key is None:
                    return False
                body.extend(pending)
                pending = []
                body.append(line)
            elif first in ("#", "\n", "\r", ""):
                pending.append(line)
                if first != "#" and key is not None:  # a blank line ends any heading comment
                    body.extend(pending)
                    pending = []
            elif key is None and _DOC_START.match(line.rstrip("\r\n")):
                pending.append(line)  # a `---` above the first entry stays in the file's header
            else:
                match = _TOP_KEY.match(line.rstrip("\r\n"))
                if match is None:
                    return False
                if key is None:
                    prefix.extend(_leading_split(pending)[0])
                    heading = _leading_split(pending)[1]
                else:
                    blocks[key] = "".join(body)
                    heading = pending
                name = match["key"].strip()
                if name[:1] in "'\"":
                    name = name[1:-1]
                if name in blocks:
                    return False
                key, body, pending = name, [*heading, line], []
        if key is None:
            self.prefix = text
            self.blocks = {}
            return True
        body.extend(pending)
        blocks[key] = "".join(body)
        self.prefix = "".join(prefix)
        self.blocks = blocks
        return True

    def __contains__(self, key: object) -> bool:
        if self._whole is not None:
            return key in self._whole
        return key in self.blocks or key in self._added

    def keys(self) -> list[str]:
        if self._whole is not None:
            return [str(k) for k in self._whole]
        return [*self.blocks, *self._added]

    def entry(self, key: str) -> Any:
        """The mapping of entry `key`, to change in place (a new, empty one when `key` is new)."""
        from ruamel.yaml.comments import CommentedMap

        self._unlink(key)
        if self._whole is not None:
            if key not in self._whole:
                put(self._whole, key, CommentedMap())
            return self._whole[key]
        if key in self._added:
            return self._added[key]
        if key not in self.blocks:
            self._added[key] = CommentedMap()
            return self._added[key]
        if key not in self._edited:
            block = self.blocks[key]
            yaml = _round_trip(block)
            loaded = yaml.load(block)
            if not isinstance(loaded, dict) or list(loaded) != [key] or not isinstance(loaded[key], dict):
                raise TcoError.single(key, "this entry is not a mapping of fields; fix it with `tco pricing edit`")
            self._edited[key] = (yaml, loaded)
        return self._edited[key][1][key]

    def remove(self, key: str) -> None:
        self._unlink(key)
        if self._whole is not None:
            del self._whole[key]
        elif key in self._added:
            del self._added[key]
        else:
            del self.blocks[key]
            self._edited.pop(key, None)

    def render(self) -> str:
        """The whole table's text after the edits."""
        if self._whole is not None:
            after = _dump(self._yaml, self._whole)
            return after[: -len("{}\n")] if not self._whole and after.endswith("{}\n") else after
        parts = [self.prefix]
        for key, block in self.blocks.items():
            if key in self._edited:
                yaml, loaded = self._edited[key]
                block = _dump(yaml, loaded)
            parts.append(block)
        text = "".join(parts)
        if self._added:
            if text and not text.endswith("\n"):
                text += "\n"
            if text.strip() and not text.endswith("\n\n"):
                text += "\n"
            text += "\n".join(plain_entry(k, v) for k, v in self._added.items())
        return text


def _leading_split(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split the lines before the first entry into the file's header and the entry's own heading
    (the comment lines right above it, after the last blank line)."""
    cut = len(lines)
    while cut > 0 and lines[cut - 1].startswith("#"):
        cut -= 1
    if cut == 0:  # only comments above the first entry, no blank line: they head the file
        return lines, []
    return lines[:cut], lines[cut:]


def plain_entry(key: str, fields: dict[str, Any]) -> str:
    """One new entry as block YAML, as the bundled tables write it (fast: no YAML library)."""
    lines = [f"{_plain_key(key)}:\n"]
    for name, value in fields.items():
        lines.append(f"  {_plain_key(str(name))}: {_plain_value(value)}\n")
    return "".join(lines)


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./@+\-]*$")
_RESERVED = re.compile(r"^(?:[-+]?[0-9][0-9_.:eE+-]*|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|"
                       r"on|On|ON|off|Off|OFF|null|Null|NULL)$")


def _plain_key(key: str) -> str:
    return key if _PLAIN_KEY.match(key) and not _RESERVED.match(key) else json.dumps(key, ensure_ascii=False)


def _plain_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text and "." not in text:  # YAML 1.1 reads 1e-07 as text; 1.0e-07 is a float
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent if exponent[0] in '+-' else '+' + exponent}"
        return text
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_plain_key(str(k))}: {_plain_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def _round_trip(text: str) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap a user's long line
    mapping, sequence, offset = _guess_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _guess_indent(text: str) -> tuple[int, int, int]:
    """The file's own indentation (mapping, sequence, dash offset), so untouched lines keep it."""
    from ruamel.yaml.util import load_yaml_guess_indent

    try:
        _, indent, block_seq_indent = load_yaml_guess_indent(text)
    except Exception:  # an unparsable file fails later with a positioned message
        return 2, 4, 2
    mapping = indent or 2
    offset = block_seq_indent or 0
    return mapping, max(mapping, offset + 2), offset


def _dump(yaml: Any, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def atomic_write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a crash leaves the old file or the new one, whole.

    The text goes to a temporary file in the same folder (same file system, so the rename is
    atomic), is flushed to disk, keeps the old file's permissions, and is renamed over `path`.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- tco pricing set ------------------------------------------------------------------------------


@frozen
class Assignment:
    """One `FIELD=VALUE` (or `FIELD.SUBKEY=VALUE`) argument, checked and converted."""

    argument: str
    field: str
    subkey: str | None
    value: Any


def parse_assignments(kind: str, name: str, arguments: list[str]) -> list[Assignment]:
    """Check every `FIELD=VALUE` with the rule of its field in the table's model; raise one TcoError listing
    every problem.

    Values take the scenario number syntax (2.5M, 750K, 1e9, 15% for shares); `rent_per_hour`
    and `sources` are set one key at a time (`rent_per_hour.lambda=2.99`).
    """
    fields = TABLE_MODELS[kind].model_fields
    problems: list[Problem] = []
    assignments: list[Assignment] = []
    seen: set[str] = set()
    if not name.strip() or name != name.strip() or any(ord(c) < 32 for c in name):
        problems.append(Problem(repr(name), "an entry name must be non-empty text without surrounding spaces "
                                "or control characters"))
    if not arguments:
        problems.append(Problem(name, "give at least one FIELD=VALUE"))
    for argument in arguments:
        target, equals, text = argument.partition("=")
        target = target.strip()
        field, _, subkey = target.partition(".")
        where = f"{name}.{target}" if target else name

        def problem(message: str, where: str = where, argument: str = argument) -> None:
            problems.append(Problem(argument, message, where))

        if not equals or not field:
            problem("write FIELD=VALUE, e.g. input=1.5")
            continue
        if field not in fields:
            problem(f"unknown field in {kind}.yaml{did_you_mean(field, fields, most=2)}")
            continue
        if target in seen:  # which one should win is a guess; the user says
            problem(f"{target} is given twice")
            continue
        seen.add(target)
        try:
            value = _convert(field_rule(kind, field), field, subkey, text.strip())
        except ValueError as exc:
            problem(str(exc))
            continue
        assignments.append(Assignment(argument, field, subkey or None, value))
    if problems:
        raise TcoError(problems)
    return assignments


def _convert(rule: Number | Rule, field: str, subkey: str, text: str) -> Any:
    """The value to write for `FIELD[.SUBKEY]=TEXT`, checked by the field's rule: a number as written (80
    stays 80, 2.5M becomes 2500000), a share as a plain fraction, a date, text; ValueError when invalid."""
    if isinstance(rule, Rents | Citations):
        if not subkey:
            what = "CLOUD=PRICE (USD per GPU-hour)" if isinstance(rule, Rents) else "FIELD=CITATION"
            raise ValueError(f"set one key at a time: {field}.{what}")
        if isinstance(rule, Rents):
            price = _number(text)
            rule.check({subkey: price})
            return price
        return text
    if subkey:
        raise ValueError(f"{field} has no parts; write {field}=VALUE")
    if isinstance(rule, Nullable):
        if text.lower() in ("null", "none", "~"):
            return None
        rule = rule.rule
    if isinstance(rule, Number):
        number = rule.check_number(text)
        if rule.percent:
            return _tidy(number)
        return number if rule.whole else _number(text)
    if isinstance(rule, Day):
        return rule.check(text)
    if not text:
        raise ValueError("expected text, got nothing")
    return rule.check(text)


def _number(text: str) -> float | int:
    """A number as written: `2.5M` -> 2500000, `80` -> 80, `1.5` -> 1.5, `1e9` -> 1000000000.0."""
    value = parse_number(text)
    plain = text.replace("_", "").strip()
    suffixed = plain[-1:].upper() in ("K", "M", "B", "T")
    if value.is_integer() and abs(value) < 1e15 and "e" not in plain.lower() and (suffixed or "." not in plain):
        return int(value)
    return _tidy(value)


def _tidy(value: float) -> float:
    """Drop binary noise (0.15000000000000002 -> 0.15) so the file shows what was meant."""
    return float(f"{value:.12g}")


def apply_assignments(data: TableText, name: str, assignments: list[Assignment], today: dt.date) -> bool:
    """Set the fields on entry `name` of a round-trip table (adding the entry if new); stamp `as_of`.

    Returns True when the entry is new. `as_of` becomes `today` unless it is among the
    assignments or only descriptive fields (notes, source, ...) are set.
    """
    from ruamel.yaml.comments import CommentedMap

    created = name not in data
    entry = data.entry(name)
    for assignment in assignments:
        if assignment.subkey is None:
            put(entry, assignment.field, assignment.value)
            continue
        inner = entry.get(assignment.field)
        if not isinstance(inner, dict):
            inner = CommentedMap()
            if assignment.field == "rent_per_hour":
                inner.fa.set_flow_style()  # as the bundled table writes it: {lambda: 2.99}
            put(entry, assignment.field, inner)
        put(inner, assignment.subkey, assignment.value)
    given = {a.field for a in assignments}
    if "as_of" not in given and not given <= DESCRIPTIVE_FIELDS:
        put(entry, "as_of", today)
    return created


def put(mapping: Any, key: str, value: Any) -> None:
    """`mapping[key] = value`, keeping the comment lines that follow the old last key below the new one.

    ruamel attaches the comment lines after a mapping's last value (often the heading of the
    next entry) to that last key; a plainly appended key would land after them.
    """
    if key in mapping or not len(mapping):
        mapping[key] = value
        return
    last = next(reversed(mapping))
    mapping[key] = value
    slots = mapping.ca.items.get(last)
    token = slots[2] if slots and len(slots) > 2 else None
    if token is None:
        return
    own_line, newline, following = token.value.partition("\n")
    if not following:
        return
    from ruamel.yaml.tokens import CommentToken

    token.value = own_line + newline
    mapping.ca.items[key] = [None, None, CommentToken("\n" + following, token.start_mark, None), None]


def remove_entry(data: TableText, kind: str, name: str, path: Path, bundled: list[str]) -> None:
    """Delete entry `name` from a round-trip table, or raise a TcoError that says why it cannot."""
    if name in data:
        data.remove(name)
        return
    if name in bundled:
        raise TcoError.single(str(path), f"{name!r} is a bundled entry, not one of yours: there is nothing to "
                              f"remove (bundled tables are never edited; override its fields with "
                              f"`tco pricing set {kind} {name} FIELD=VALUE`)")
    raise TcoError.single(str(path), f"{name!r} is not in this file{did_you_mean(name, data.keys())}")


def tidy_number(value: float) -> float | int:
    """A price as it should appear in a table: 10 significant digits, an int when whole."""
    rounded = float(f"{value:.10g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded
