"""Safe YAML reading that remembers where every value came from.

Scenario and pricing files are read from PyYAML's event stream with an explicit stack, not
with `yaml.load`: only plain data tags are accepted (no object construction), duplicate keys
are errors, aliases are bounded (an alias bomb is rejected, not expanded), nesting is bounded,
and every key and value keeps its line and column so errors can point at them.
"""

from __future__ import annotations

import codecs
import copy
import os
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from tco.errors import Problem, TcoError, echoed

Path = tuple[str | int, ...]

MAX_DEPTH = 64
MAX_VALUES = 200_000
MAX_BYTES = 10 * 1024 * 1024  # a scenario or pricing table is kilobytes; anything this big is a wrong file
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ALLOWED_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_NULL_TEXTS = ("", "~", "null", "Null", "NULL")
# What the text of a value with an explicit tag must be, said when it is not.
_TAG_NEEDS = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:null": "null (empty, ~ or null)",
    "tag:yaml.org,2002:timestamp": "a date (YYYY-MM-DD) or a time",
}
_KEY_TAGS = (None, "!", "tag:yaml.org,2002:str")
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()


@dataclass
class YamlDocument:
    """Plain data read from one YAML file, with the 1-based (line, column) of each path."""

    source: str
    data: Any
    value_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    text: str = ""  # the text parsed, a byte-order mark it began with kept (a report quotes the file)

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of `path` (its key when `key`), else where its nearest parent is named."""
        found = (self.key_marks if key else self.value_marks).get(path)
        if found:
            return found
        for end in range(len(path), -1, -1):
            found = self.key_marks.get(path[:end]) or self.value_marks.get(path[:end])
            if found:
                return found
        return (0, 0)


def format_path(path: Path) -> str:
    """`("options", 1, "discount")` -> `options[1].discount`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class _Container:
    path: Path
    value: dict[str, Any] | list[Any]
    anchor: str | None
    pending_key: str | None = None
    pending_key_mark: tuple[int, int] | None = None
    size_at_start: int = 0


def _mark(event: Any) -> tuple[int, int]:
    return (event.start_mark.line + 1, event.start_mark.column + 1)


def read_yaml(text: str | bytes, source: str, *, what: str = "a scenario") -> YamlDocument:
    """Parse one YAML document; raise TcoError naming the file, line and column on any fault.
    Over MAX_BYTES it is refused unparsed, as too large for `what`."""
    if len(text) > MAX_BYTES:
        raise too_large_file(source, what)
    bom = ""
    if isinstance(text, bytes):
        if b"\x00" in text:
            raise TcoError.single(source, f"this is a binary file, not a YAML {what.removeprefix('a ')}")
        bom = "\ufeff" if text.startswith(codecs.BOM_UTF8) else ""
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TcoError.single(source, f"not UTF-8 text (byte {exc.start})") from None
    if "\x00" in text:
        raise TcoError.single(source, f"this is a binary file, not a YAML {what.removeprefix('a ')}")
    try:
        doc = _build(text, source)
        doc.text = bom + text
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        tab = _indenting_tab(text, line)
        if tab is not None:
            raise TcoError.single(source, TAB_MESSAGE, line=line, column=tab) from None
        raise TcoError.single(source, f"invalid YAML: {message}", line=line, column=column) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses: PyYAML gives only its offset
        before = text[:exc.position]
        line, column = before.count("\n") + 1, exc.position - before.rfind("\n")
        found = _character(exc.character)
        raise TcoError.single(source, f"invalid YAML: the control character {found!r} is not allowed (write it as "
                              "an escape inside double quotes, e.g. \"\\x1b\")", line=line, column=column) from None
    except yaml.YAMLError as exc:
        raise TcoError.single(source, f"invalid YAML: {exc}") from None


def _character(found: int | str) -> str:
    """The character a ReaderError found (PyYAML gives a code point for text, a byte for bytes)."""
    return chr(found) if isinstance(found, int) else found


TAB_MESSAGE = "tabs are not allowed for indentation in YAML; use spaces"


def _indenting_tab(text: str, line: int) -> int | None:
    """The 1-based column of a tab in the indentation of `line` (1-based), if it has one.

    PyYAML stops at such a tab with words that do not say what to do ("found character that
    cannot start any token"); a tab after the indentation (between a key and its value) is fine.
    """
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    content = lines[line - 1]
    indentation = content[: len(content) - len(content.lstrip(" \t"))]
    return indentation.index("\t") + 1 if "\t" in indentation else None


def _build(text: str, source: str) -> YamlDocument:
    doc = YamlDocument(source, None)
    stack: list[_Container] = []
    anchors: dict[str, tuple[Any, int]] = {}
    problems: list[Problem] = []
    count = 0
    documents = 0
    root_set = False

    def fail(message: str, mark: tuple[int, int], path: Path = ()) -> TcoError:
        return TcoError([*problems, Problem(source, message, format_path(path), *mark)])

    def child_path() -> Path:
        top = stack[-1]
        if isinstance(top.value, list):
            return (*top.path, len(top.value))
        assert top.pending_key is not None
        return (*top.path, top.pending_key)

    def attach(value: Any, mark: tuple[int, int]) -> None:
        nonlocal root_set
        if not stack:
            doc.data = value
            root_set = True
            return
        top = stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
            return
        key = top.pending_key
        assert key is not None
        top.value[key] = value
        top.pending_key = None

    loader = _PARSER(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise fail("expected one YAML document, found several (a second `---`)", _mark(event))
                continue
            if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent):
                continue
            # A scalar in key position of a mapping is a key, not a value.
            if (
                stack
                and isinstance(stack[-1].value, dict)
                and stack[-1].pending_key is None
                and not isinstance(event, yaml.MappingEndEvent)
            ):
                top = stack[-1]
                if not isinstance(event, yaml.ScalarEvent):
                    raise fail("mapping keys must be plain text", _mark(event), top.path)
                key = event.value
                if event.tag not in _KEY_TAGS:
                    raise fail(f"the tag {_short(event.tag)} is not allowed on a key (keys are plain text)",
                               _mark(event), top.path)
                if key == "<<" and event.implicit[0]:
                    raise fail("merge keys (<<) are not supported; write the values out", _mark(event), top.path)
                assert isinstance(top.value, dict)
                if key in top.value or (*top.path, key) in doc.key_marks:
                    first = doc.key_marks.get((*top.path, key), (0, 0))
                    problems.append(
                        Problem(source, f"duplicate key (first given on line {first[0]})",
                                format_path((*top.path, key)), *_mark(event))
                    )
                    key = f"{key}\x00duplicate{len(problems)}"
                top.pending_key = key
                doc.key_marks[(*top.path, key)] = _mark(event)
                continue

            count += 1
            if count > MAX_VALUES:
                raise fail(f"too large: more than {MAX_VALUES} values", _mark(event))
            if isinstance(event, yaml.AliasEvent):
                path = child_path() if stack else ()
                if event.anchor not in anchors:
                    raise fail(f"unknown alias *{event.anchor}", _mark(event), path)
                value, size = anchors[event.anchor]
                count += size
                if count > MAX_VALUES:
                    raise fail("too large: aliases expand to more than "
                               f"{MAX_VALUES} values (an alias bomb?)", _mark(event), path)
                doc.value_marks[path] = _mark(event)
                attach(copy.deepcopy(value), _mark(event))
            elif isinstance(event, yaml.ScalarEvent):
                path = child_path() if stack else ()
                value = _scalar(event, source, path)
                doc.value_marks[path] = _mark(event)
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                attach(value, _mark(event))
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                path = child_path() if stack else ()
                if len(stack) >= MAX_DEPTH:
                    raise fail(f"nested deeper than {MAX_DEPTH} levels", _mark(event), path)
                is_map = isinstance(event, yaml.MappingStartEvent)
                expected = "tag:yaml.org,2002:map" if is_map else "tag:yaml.org,2002:seq"
                if event.tag not in (None, "!", expected):
                    raise fail(_not_allowed(event.tag, "a mapping" if is_map else "a list"), _mark(event), path)
                doc.value_marks[path] = _mark(event)
                container: dict[str, Any] | list[Any] = {} if is_map else []
                stack.append(_Container(path, container, event.anchor, size_at_start=count))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                done = stack.pop()
                if isinstance(done.value, dict):
                    done.value = {k: v for k, v in done.value.items() if "\x00duplicate" not in k}
                if done.anchor:
                    anchors[done.anchor] = (done.value, count - done.size_at_start)
                attach(done.value, _mark(event))
    finally:
        loader.dispose()
    if problems:
        raise TcoError(problems)
    if not root_set:
        doc.data = None
    return doc


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _not_allowed(tag: str, shape: str) -> str:
    if tag in _ALLOWED_SCALAR_TAGS or tag in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
        return f"the tag {_short(tag)} does not fit {shape}"
    return (f"the tag {_short(tag)} is not allowed (plain data only: "
            "!!str, !!int, !!float, !!bool, !!null, !!timestamp, !!map, !!seq)")


def _scalar(event: Any, source: str, path: Path) -> Any:
    """The value of a scalar: by its explicit tag, else as YAML 1.1 resolves plain text. An explicit
    tag must fit the text (`!!bool maybe`, `!!timestamp 10%` and `!!null x` are errors, never
    guessed at), and only plain data tags are read."""
    tag = event.tag
    explicit = tag not in (None, "!")
    if not explicit:
        tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        if tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):  # plain `<<` or `=` as a value: text
            tag = "tag:yaml.org,2002:str"
    if tag not in _ALLOWED_SCALAR_TAGS:
        raise TcoError.single(source, _not_allowed(event.tag, "a single value"), format_path(path), *_mark(event))

    def misfit() -> TcoError:  # made only for a value that does not fit, not for every scalar read
        return TcoError.single(source, f"{echoed(event.value)} is not {_TAG_NEEDS.get(tag, 'text')}, as its tag "
                               f"{_short(tag)} says", format_path(path), *_mark(event))

    if explicit and tag == "tag:yaml.org,2002:null" and event.value not in _NULL_TEXTS:
        raise misfit()  # PyYAML reads any text as null under this tag
    node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        return SafeConstructor.yaml_constructors[tag](_CONSTRUCTOR, node)
    # PyYAML's constructors fail on text that does not fit the tag with whatever error the parsing
    # step hits (KeyError for `!!bool maybe`, AttributeError for `!!timestamp 10%`): all mean the same.
    except Exception:
        raise misfit() from None


def _require_regular(path: str, label: str) -> None:
    if os.path.isdir(path):
        raise TcoError.single(label, "is a folder, not a file")
    if os.path.islink(path) and not os.path.exists(path):
        raise TcoError.single(label, "is a link to a file that does not exist")
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except OSError as exc:
        raise TcoError.single(label, f"cannot read: {exc.strerror}") from None
    if not regular:
        raise TcoError.single(label, "not a regular file (a device, a pipe or a socket)")


def too_large_file(source: str, what: str) -> TcoError:
    return TcoError.single(source, f"too large for {what} (over {MAX_BYTES // 1024 // 1024} MiB)")


def read_bounded(path: str, source: str, what: str) -> bytes:
    """The bytes of `path`, reading no more than MAX_BYTES + 1 of them: a larger file is a TcoError."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise too_large_file(source, what)
    return raw


def read_yaml_file(path: str, source: str | None = None, *, what: str = "a scenario",
                   regular: bool = False) -> YamlDocument:
    """Read and parse `path` (a scenario, or `what` it is); a missing, unreadable or huge file is a
    TcoError too, and with `regular` anything but a regular file (a folder, a link to nothing, a
    device, a pipe): a pricing table is read from where it lies, never from a stream."""
    label = source or path
    if regular:
        _require_regular(path, label)
    try:
        raw = read_bounded(path, label, what)
    except FileNotFoundError:
        raise TcoError.single(label, "no such file") from None
    except IsADirectoryError:
        raise TcoError.single(label, "is a folder, not a file") from None
    except OSError as exc:
        raise TcoError.single(label, f"cannot read: {exc.strerror}") from None
    return read_yaml(raw, label, what=what)
