"""The one error type for problems a user can fix: bad scenarios, bad tables, bad arguments."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from tco.frozen import frozen


def inert(text: str) -> str:
    """`text` as a terminal cannot act on it: every character Python's `repr` would escape (control
    characters such as ESC and BEL, C1 codes, bidi overrides like U+202E and other invisible format
    characters, line and paragraph separators) written as that escape (`\\x1b`, `\\u202e`), the rest as it is.

    Error messages show a user's text through `repr`; tables, Markdown and terminal charts show it
    through this, so a name in a shared scenario or pricing table can neither restyle nor retitle
    the reader's terminal nor reorder what it shows. Printable text comes back unchanged, so
    escaping twice is escaping once. CSV and JSON keep the exact text.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


# The most of a user's value a message quotes: a 10,000-character name or number is shown by its start.
LONGEST_QUOTE = 60


def shortened(text: str, longest: int = LONGEST_QUOTE) -> str:
    """`text`, or its first `longest` - 1 characters and `…` when it is longer than `longest`."""
    return text if len(text) <= longest else text[:longest - 1] + "…"


def echoed(value: object) -> str:
    """A user's value as a message quotes it: the `repr` of its text, shortened; every message that
    echoes what a user wrote goes through this, so a huge input gives a one-line error."""
    return repr(shortened(value)) if isinstance(value, str) else shortened(repr(value))


def described(value: object) -> str:
    """What a value is, for "expected text, got ...": `true`, `nothing`, `a list`, `the number 3`, `'text'`."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        try:
            return f"the number {shortened(str(value))}"
        except ValueError:  # an integer of more digits than Python turns into text
            return "a number of thousands of digits"
    return echoed(value) if isinstance(value, str) else type(value).__name__


@frozen
class Problem:
    """One thing wrong with an input, and where it is.

    `source` is the file (or `--set ARG`) the problem is in; `line` and `column` are 1-based
    and 0 when unknown; `field` is the dotted path (`options[1].discount`) or "" when the
    problem concerns the file as a whole.
    """

    source: str
    message: str
    field: str = ""
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        where = self.source
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        parts = [where, self.field, self.message] if self.field else [where, self.message]
        return inert(": ".join(parts))


class TcoError(Exception):
    """Raised with every problem found in an input; the CLI prints each and exits 1."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, source: str, message: str, field: str = "", line: int = 0, column: int = 0) -> TcoError:
        return cls([Problem(source, message, field, line, column)])


def did_you_mean(name: str, known: Iterable[str], *, most: int = 3) -> str:
    """`; did you mean 'x' or 'y'?` for an unknown name, or '' when nothing is close.

    Names that start with or contain what was typed come first (`h100` → `h100-sxm`), then the
    closest by spelling.
    """
    known = list(dict.fromkeys(known))
    lowered = name.lower()
    ranked = [k for k in known if k.lower().startswith(lowered)]
    ranked += [k for k in known if lowered in k.lower() and k not in ranked]
    ranked += [k for k in difflib.get_close_matches(name, known, n=most, cutoff=0.5) if k not in ranked]
    if not ranked or not name:
        return ""
    return "; did you mean " + " or ".join(repr(k) for k in ranked[:most]) + "?"
