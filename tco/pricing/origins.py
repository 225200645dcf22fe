"""Which file a table value came from, for messages: the bundled table or the user's overlay."""

from __future__ import annotations

import datetime as dt

from tco.engine.results import StalePrice
from tco.errors import Problem, TcoError
from tco.pricing.catalog import PRICE_FIELDS, Entry, FieldOrigin


def files_of(entry: Entry, name: str) -> str:
    """The file(s) field `name` of `entry` came from: `pricing/gpus.yaml` for a bundled field, the user's
    file (with the entry's line) for an overlaid one; a `rent_per_hour` mapping merged from both names
    both. A field the entry lacks names the file that holds the entry."""
    files = [origin.file for key, origin in entry.origins.items() if key.startswith(f"{name}.")]
    return " and ".join(dict.fromkeys(files or [entry.origin(name).file]))


def in_its_file(error: TcoError, entry: Entry) -> TcoError:
    """`error` about `entry` with each problem that names the entry's table (`pricing/models.yaml`) naming
    the file its field came from instead: the field after the entry's key in the problem's `field`, or
    the entry as a whole."""
    table = f"pricing/{entry.table}.yaml"
    problems = []
    for problem in error.problems:
        if problem.source == table:
            name = problem.field.removeprefix(f"{entry.key}.") if problem.field != entry.key else ""
            source = files_of(entry, name) if name else entry.origin("*").file
            problem = Problem(source, problem.message, problem.field, problem.line, problem.column)
        problems.append(problem)
    return TcoError(problems)


def stale_price(entry: Entry, name: str, origin: FieldOrigin, today: dt.date, max_age_days: int) -> StalePrice | None:
    """The warning about price field `name` of `entry` (as of `origin`'s date) when it is older than
    `max_age_days` on `today`, else None. Only prices go stale (PRICE_FIELDS); specs and measured
    throughput do not."""
    as_of = origin.as_of
    if name not in PRICE_FIELDS.get(entry.table, ()) or as_of is None:
        return None
    try:
        age = (today - dt.date.fromisoformat(as_of)).days
    except ValueError:
        return None
    return StalePrice(entry.table, entry.key, origin.file, age, as_of, max_age_days) if age > max_age_days else None
