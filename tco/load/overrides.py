"""`--set PATH=VALUE`: what-ifs applied to a scenario's data before it is validated (docs/commands.md)."""

from __future__ import annotations

import re
from typing import Any

from tco.errors import TcoError, echoed, shortened
from tco.load.yamlsource import Path, format_path, read_yaml


def apply_overrides(data: dict[str, Any], overrides: tuple[str, ...] | list[str], source: str = "") -> dict[Path, str]:
    """Apply each `PATH=VALUE` to `data` (read from `source`) in place; return the label each path was set by.

    After `options.`, the longest option name that matches comes first, so names may contain
    dots; `options[2]` and `options.2` pick by position.
    """
    overridden: dict[Path, str] = {}
    for argument in overrides:
        label = f"{source}: --set {setting_text(argument)}" if source else f"--set {setting_text(argument)}"
        if "=" not in argument:
            raise TcoError.single(label, "expected PATH=VALUE, e.g. workload.requests_per_day=1M")
        text_path, _, text_value = argument.partition("=")
        path = override_path(data, text_path.strip(), label)
        try:
            value = read_yaml(text_value, label).data if text_value.strip() else None
        except TcoError:
            value = text_value
        target: Any = data
        for depth, part in enumerate(path):
            _check_step(target, path[:depth], part, label)
            if isinstance(part, int) and isinstance(target, dict):  # a key of digits, e.g. an option named "2"
                part = str(part)
                path = (*path[:depth], part, *path[depth + 1:])
            if depth == len(path) - 1:
                break
            child = target[part] if isinstance(part, int) else target.get(part)  # checked: a list takes a position
            if child is None:
                child = {}
                target[part] = child
            if not isinstance(child, dict | list):
                raise TcoError.single(label, f"{format_path(path[:depth + 1])} is not a mapping")
            target = child
        target[path[-1]] = value
        overridden[path] = label
    return overridden


# A path may name an option (up to 200 characters): it is shown whole up to this; a value up to LONGEST_QUOTE.
LONGEST_PATH = 250


def setting_text(argument: str) -> str:
    """A `PATH=VALUE` (of --set or --vary) as a message shows it: a very long path or value shortened."""
    path, equals, value = argument.partition("=")
    return shortened(path, LONGEST_PATH) + equals + shortened(value)


def override_path(data: dict[str, Any], text: str, label: str) -> Path:
    """The path in `data` that a `--set` path names (`options.NAME.field`, `options[2].field`, `a.b`)."""
    if not text:
        raise TcoError.single(label, "the path before '=' is empty")
    if text.startswith("options[") or text.startswith("options."):
        options = data.get("options")
        if not isinstance(options, list):
            raise TcoError.single(label, "the scenario has no options list", "options")
        rest = text[len("options"):]
        index: int | None = None
        if rest.startswith("["):
            closing = rest.find("]")
            if closing > 0 and rest[1:closing].isdigit():
                index, rest = int(rest[1:closing]), rest[closing + 1:]
        else:
            rest = rest[1:]
            names = [(i, str(o.get("name", ""))) for i, o in enumerate(options) if isinstance(o, dict)]
            for i, name in sorted(names, key=lambda pair: -len(pair[1])):
                if name and (rest == name or rest.startswith(name + ".")):
                    index, rest = i, rest[len(name):]
                    break
            else:
                head = rest.split(".", 1)[0]
                if head.isdigit():
                    index, rest = int(head), rest[len(head):]
        if index is None or index >= len(options):
            known = ", ".join(echoed(name) for _, name in names) if not text.startswith("options[") else ""
            raise TcoError.single(label, f"no option matches {echoed(text)}"
                                  + (f"; options are {known}" if known else ""))
        keys = _keys(rest.lstrip("."))
        if not keys:
            raise TcoError.single(label, "name a field of the option, e.g. options.NAME.discount=15%")
        return ("options", index, *keys)
    return _keys(text)


_ITEM = re.compile(r"^(?P<key>[^\[\]]*)\[(?P<index>\d+)\]$")


def _keys(text: str) -> Path:
    """Dotted keys, a position in a list written `.2` or `[2]` (`routes.0.share`, `routes[0].share`)."""
    keys: list[str | int] = []
    for part in text.split("."):
        item = _ITEM.match(part)
        if item is not None:
            if item["key"]:
                keys.append(item["key"])
            keys.append(int(item["index"]))
        elif part.isdigit():
            keys.append(int(part))
        elif part:
            keys.append(part)
    return tuple(keys)


def checked_override_path(data: dict[str, Any], text: str, label: str) -> Path:
    """`override_path`, with each list position checked against `data` (for `--vary`, which sets no value).

    Raises TcoError as `--set` would for a position past a list's end or a name where a position is needed.
    """
    path = override_path(data, text, label)
    target: Any = data
    for depth, part in enumerate(path):
        if target is None:  # a mapping `--set` would create
            break
        if not isinstance(target, dict | list):
            raise TcoError.single(label, f"{format_path(path[:depth])} is not a mapping")
        _check_step(target, path[:depth], part, label)
        if isinstance(part, int) and isinstance(target, dict):
            part = str(part)
            path = (*path[:depth], part, *path[depth + 1:])
        target = target[part] if isinstance(part, int) else target.get(part)
    return path


def _check_step(target: Any, where: Path, part: str | int, label: str) -> None:
    """Raise TcoError unless `part` can pick from `target` (a list takes a position in range)."""
    if isinstance(target, list):
        if not isinstance(part, int):
            raise TcoError.single(label, f"{format_path(where)} is a list: pick an item by its position, "
                                  f"e.g. {format_path(where)}.0")
        if part >= len(target):
            raise TcoError.single(label, f"{format_path(where)} has no item {part} (it has {len(target)})")
