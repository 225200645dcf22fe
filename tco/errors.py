"""The one error type for problems a user can fix: bad scenarios, bad tables, bad arguments."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
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
        return ": ".join(parts)


class TcoError(Exception):
    """Raised with every problem found in an input; the CLI prints each and exits 1."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, source: str, message: str, field: str = "", line: int = 0, column: int = 0) -> TcoError:
        return cls([Problem(source, message, field, line, column)])
