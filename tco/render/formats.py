"""One registry of output formats per result type: the format's name and the function that renders it.

A command offers exactly the formats of its result's registry (`tco.cli.shared.format_option`), and
renders through it; a format a registry does not know is an error, never another format's output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

from tco.frozen import frozen
from tco.render.layout import Screen

R = TypeVar("R")  # the result rendered
T = TypeVar("T")  # text, or an image's bytes


@frozen
class Target:
    """Where rendered output goes. `screen` is the terminal it is fitted to (None: a pipe or a file,
    where it is plain text that never wraps); `columns` the width $COLUMNS or the terminal gives
    (None when neither does), which a chart or a listing takes even when piped."""

    screen: Screen | None = None
    columns: int | None = None

    @property
    def colour(self) -> bool:
        return self.screen is not None and self.screen.colour


class UnknownFormat(ValueError):
    """A format that a result's registry has no renderer for."""


class Formats(Generic[R, T]):
    """The output formats of one result type: name -> renderer (result, target) -> text or bytes."""

    def __init__(self, result: str, renderers: Mapping[str, Callable[[R, Target], T]]) -> None:
        self.result = result
        self._renderers = dict(renderers)

    @property
    def names(self) -> tuple[str, ...]:
        """The format names, in the order a command's help lists them."""
        return tuple(self._renderers)

    def __contains__(self, name: object) -> bool:
        return name in self._renderers

    def renderer(self, name: str) -> Callable[[R, Target], T]:
        try:
            return self._renderers[name]
        except KeyError:
            raise UnknownFormat(f"{self.result} has no {name!r} format; it has {', '.join(self.names)}") from None

    def render(self, name: str, result: R, target: Target | None = None) -> T:
        """`result` in the format `name`, laid out for `target` (default: a pipe)."""
        return self.renderer(name)(result, target or Target())
