"""What the steps of resolving a scenario share: what they read, and how each records what it assumed.

Every value that did not come from the scenario file becomes an `Assumption` naming its source and
date (docs/scenario.md, docs/pricing.md). Each step (`tco.scenario.resolve`) makes its own
`Record`, hands it to its helpers, and returns what it holds, frozen (`Recorded`), in its result:
nothing is kept from one step to the next but what the steps return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tco.defaults import Default
from tco.engine.results import DEFAULT_SOURCE, Assumption, ScenarioWarning
from tco.errors import echoed
from tco.frozen import frozen
from tco.load.validation import Problems
from tco.load.yamlsource import Path
from tco.pricing.catalog import DEFAULT_MAX_PRICE_AGE_DAYS, Catalog, Entry, FieldOrigin
from tco.pricing.origins import stale_price

T = TypeVar("T")


@frozen
class Context:
    """What every step reads: the pricing tables, the date prices age from and the age they may reach;
    and the scenario's problem collector, the one thing the steps add to (each problem at its field)."""

    catalog: Catalog
    problems: Problems
    today: dt.date
    max_price_age_days: int = DEFAULT_MAX_PRICE_AGE_DAYS

    def lookup(self, kind: str, key: str | None, path: Path) -> Entry | None:
        """The entry `key` of table `kind`; a problem at `path` when the tables lack it."""
        if key is None:
            return None
        entry = self.catalog.get(kind, key)
        if entry is None:
            self.problems.add(path, f"{echoed(key)} is not in {self.catalog.table_label(kind)}"
                              f"{self.catalog.suggest(kind, key)}")
        return entry


@frozen
class Notice:
    """A warning. One about a stale price names it in `stale` (table, entry, file), and is given once
    however many fields and steps use that price."""

    text: ScenarioWarning
    stale: tuple[str, str, str] | None = None


@frozen
class Recorded:
    """What one step assumed and warned about, each in the order it found them."""

    assumptions: tuple[Assumption, ...] = ()
    notices: tuple[Notice, ...] = ()

    def __add__(self, other: Recorded) -> Recorded:
        return Recorded(self.assumptions + other.assumptions, self.notices + other.notices)


def warnings_of(notices: tuple[Notice, ...]) -> list[ScenarioWarning]:
    """The warnings to print, in order, each stale price once."""
    said: set[tuple[str, str, str]] = set()
    warnings: list[ScenarioWarning] = []
    for notice in notices:
        if notice.stale is not None:
            if notice.stale in said:
                continue
            said.add(notice.stale)
        warnings.append(notice.text)
    return warnings


@dataclass
class Record:
    """The assumptions and notices of one step as it goes; `done()` freezes them for its result."""

    context: Context
    assumptions: list[Assumption] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def done(self) -> Recorded:
        return Recorded(tuple(self.assumptions), tuple(self.notices))

    def take(self, recorded: Recorded) -> None:
        """Add what a step called by this one recorded, after what this one has."""
        self.assumptions += recorded.assumptions
        self.notices += recorded.notices

    def warn(self, text: str) -> None:
        self.notices.append(Notice(text))

    def default(self, label: str, given: T | None, default: Default[T], source: str = DEFAULT_SOURCE) -> T:
        """`given` if the file gave it, else the default's value, recorded as an assumption."""
        if given is not None:
            return given
        self.assumptions.append(Assumption(label, default.value, source))
        return default.value

    def assume(self, label: str, value: T, source: str, brief: str = "") -> T:
        """A value tco chose or derived (the first api option, the lowest rent, ...), recorded with why."""
        self.assumptions.append(Assumption(label, value, source, brief))
        return value

    def from_table(self, label: str, given: Any, entry: Entry | None, name: str) -> Any:
        """`given` if the file gave it, else field `name` of a table entry (cited), else None."""
        if given is not None:
            return given
        if entry is None or entry.get(name) is None:
            return None
        self.assumptions.append(table_assumption(label, entry.get(name), entry, name))
        self.check_age(entry, name, entry.origin(name))
        return entry.get(name)

    def check_age(self, entry: Entry, name: str, origin: FieldOrigin) -> None:
        """A notice about a price older than `max_price_age_days` (once per entry and file: `Notice.stale`).

        Only prices go stale (PRICE_FIELDS); specs and measured throughput do not.
        """
        stale = stale_price(entry, name, origin, self.context.today, self.context.max_price_age_days)
        if stale is not None:
            self.notices.append(Notice(stale, stale=(entry.table, entry.key, origin.file.rsplit(":", 1)[0])))


def table_assumption(label: str, value: Any, entry: Entry, name: str, shown: str | None = None) -> Assumption:
    """An assumption taken from a table field, citing the file, the entry, the source and the date."""
    origin = entry.origin(name)
    where = f"{origin.file} {entry.key} {shown or name}"
    dated = f", as of {origin.as_of}" if origin.as_of else ""
    cited = f": {origin.citation}" if origin.citation else ""
    return Assumption(label, value, f"{where}{cited}{dated}", f"{where}{dated}")


def shown(value: float) -> float | int:
    """A figure as the assumptions list shows it: 9,610.0 -> 9610, 18.5 stays 18.5."""
    return int(value) if float(value).is_integer() else value
