"""From a scenario file to engine inputs: read, apply `--set`, validate, resolve (docs/scenario.md,
docs/pricing.md).

Every problem in a file is collected before anything is reported, each with its line, column
and field path. Every value that did not come from the file (a default, a table price) is
recorded as an `Assumption` with its source and date. The steps live in `tco.load.overrides`,
`tco.load.validation` and `tco.scenario.resolve`; this module runs them in order.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any

from tco.engine.inputs import ScenarioInputs
from tco.engine.results import Assumption, ScenarioWarning
from tco.errors import TcoError
from tco.load.overrides import apply_overrides
from tco.load.ranges import describe_central, ranged_fields
from tco.load.schema import Scenario
from tco.load.validation import Problems, validate
from tco.load.yamlsource import Path, YamlDocument, read_yaml_file
from tco.pricing.catalog import DEFAULT_MAX_PRICE_AGE_DAYS, Catalog
from tco.pricing.catalog import today as current_date
from tco.scenario.resolve import Context, resolve_scenario


@dataclass
class LoadedScenario:
    """A validated scenario ready for the engine, with what was assumed and what to warn about."""

    source: str
    inputs: ScenarioInputs
    assumptions: list[Assumption] = field(default_factory=list)
    warnings: list[ScenarioWarning] = field(default_factory=list)
    scenario: Scenario | None = None  # the validated file; its ranged fields carry their distributions
    document: YamlDocument | None = None  # the file as read, to locate a problem found later

    def locate(self, error: TcoError) -> TcoError:
        """`error` with each of its problems that names a field but no line placed where that field
        is in the file (e.g. `options[1]`, for figures of that option too large to compute)."""
        if self.document is None:
            return error
        problems = []
        for problem in error.problems:
            path = _parse_path(problem.field) if problem.field and not problem.line else None
            if path is not None:
                line, column = self.document.locate(path, key=True)
                problem = replace(problem, line=line, column=column)
            problems.append(problem)
        return TcoError(problems)


def load_scenario(
    path: str | os.PathLike[str],
    *,
    overrides: tuple[str, ...] | list[str] = (),
    catalog: Catalog | None = None,
    basis: str | None = None,
    today: dt.date | None = None,
    max_price_age_days: int = DEFAULT_MAX_PRICE_AGE_DAYS,
) -> LoadedScenario:
    """Read, check and resolve the scenario at `path`; raise TcoError with every problem found.

    `today` (default: `tco.pricing.catalog.today()`) and `max_price_age_days` decide which table prices
    are reported as stale.
    """
    doc = read_yaml_file(os.fspath(path))  # a Path works as well as its text
    return resolve_document(doc, overrides=overrides, catalog=catalog, basis=basis, today=today,
                            max_price_age_days=max_price_age_days)


def resolve_document(
    doc: YamlDocument,
    *,
    overrides: tuple[str, ...] | list[str] = (),
    catalog: Catalog | None = None,
    basis: str | None = None,
    today: dt.date | None = None,
    max_price_age_days: int = DEFAULT_MAX_PRICE_AGE_DAYS,
) -> LoadedScenario:
    """Check and resolve an already-read scenario document (see `load_scenario`)."""
    require_mapping(doc)
    overridden = apply_overrides(doc.data, overrides, doc.source)
    return resolve_data(doc, doc.data, overridden, catalog=catalog or Catalog(), basis=basis, today=today,
                        max_price_age_days=max_price_age_days)


def resolve_data(
    doc: YamlDocument,
    data: dict[str, Any],
    overridden: dict[Path, str],
    *,
    catalog: Catalog,
    basis: str | None = None,
    today: dt.date | None = None,
    max_price_age_days: int = DEFAULT_MAX_PRICE_AGE_DAYS,
) -> LoadedScenario:
    """Validate and resolve `data` (the document's data, or a changed copy of it); problems are
    located in `doc`, or attributed to the `--set` in `overridden` that introduced them."""
    problems = Problems(doc, overridden)
    scenario = validate(data, problems)
    problems.raise_if_any()
    assert scenario is not None  # validate returns None only after recording problems
    resolution = resolve_scenario(scenario, Context(catalog, problems, today or current_date(), max_price_age_days),
                                  basis)
    problems.raise_if_any()
    ranged = [Assumption(field_label(scenario, path), value.distribution.central, describe_central(value.distribution))
              for path, value in ranged_fields(scenario)]
    return LoadedScenario(doc.source, resolution.inputs, ranged + list(resolution.assumptions),
                          list(resolution.warnings), scenario, doc)


def _parse_path(field: str) -> Path:
    """`options[1].staff` -> ("options", 1, "staff"): the inverse of `format_path`."""
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        parts.append(int(index) if index else name)
    return tuple(parts)


def field_label(scenario: Scenario, path: Path) -> str:
    """A field's label as assumptions name it: ("options", 1, "discount") -> "options.NAME.discount"."""
    parts = [str(part) for part in path]
    if len(path) > 1 and path[0] == "options" and isinstance(path[1], int):
        parts[1] = scenario.options[path[1]].name
    return ".".join(parts)


def require_mapping(doc: YamlDocument) -> None:
    data = doc.data
    if data is None:
        raise TcoError.single(doc.source, "the file is empty; a scenario needs name, workload and options "
                              "(`tco init` writes a starter)")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({data!r:.40})"
        raise TcoError.single(doc.source, f"a scenario is a mapping of fields (name, workload, options), "
                              f"not {kind}", line=1, column=1)
