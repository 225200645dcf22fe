"""Many variants of one scenario, evaluated at once: which resolved input each varied field feeds.

Validating and resolving a scenario runs pydantic and the pricing lookups: far too slow to do for
each of 100,000 runs. A `BatchPlan` resolves the scenario once at its central values, then once
more per varied field at two probe values, and compares the resolved inputs (`tco.engine.inputs`) leaf
by leaf. A leaf that takes the probe value each time is fed by the field one to one (a price,
and the fallback API's copy of it, and the cached price that defaults to it); the workload's
month-1 volumes and monthly growth are recomputed from the workload fields with the resolver's
own formulas. Anything else (a field that switches a default on or off, or feeds a value through
another rule) makes the plan resolve every run in full: correct, and slow.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from tco.engine.inputs import ScenarioInputs
from tco.engine.results import MAX_FIGURE, too_large
from tco.engine.vectorised import BatchOption, project_batch
from tco.errors import TcoError
from tco.frozen import frozen
from tco.load import schema
from tco.load.overrides import apply_overrides
from tco.load.quantities import ReadNumber
from tco.load.validation import Problems
from tco.load.yamlsource import Path, YamlDocument, read_yaml_file
from tco.pricing.catalog import DEFAULT_MAX_PRICE_AGE_DAYS, Catalog
from tco.pricing.catalog import today as current_date
from tco.scenario.compare import compare_loaded
from tco.scenario.loader import LoadedScenario, field_label, require_mapping, resolve_data
from tco.scenario.resolve import month1_tokens, monthly_from_annual

Leaf = tuple[str | int, ...]  # attribute names and tuple indices from ScenarioInputs down to a number
Array = NDArray[np.float64]

# Resolved workload inputs derived from several fields (docs/formulas.md, volume).
_DERIVED: frozenset[Leaf] = frozenset({("workload", "input_tokens_month1"), ("workload", "output_tokens_month1"),
                                        ("workload", "monthly_growth")})
_WORKLOAD_FIELDS = ("requests_per_day", "input_tokens_per_request", "output_tokens_per_request",
                    "input_tokens_per_month", "output_tokens_per_month", "annual_growth", "monthly_growth")
ROWS_PER_CHUNK_MONTHS = 60_000
THREADS = 2
T = TypeVar("T")  # runs × months per chunk: ~5 MB per array, so memory stays flat


@frozen
class VariedField:
    """A scenario field that takes a different value in each run."""

    path: Path  # in the scenario's data
    label: str  # as assumptions name it: options.NAME.price.input
    whole: bool
    leaves: tuple[Leaf, ...]  # resolved inputs equal to the field's value
    workload: str | None  # the workload field's name when it feeds the month-1 volumes or growth
    central: float | None = None  # the value the scenario resolves the field to (written, default or table)


def leaves_of(value: Any, prefix: Leaf = ()) -> dict[Leaf, Any]:
    """Every non-dataclass value inside resolved inputs, by its address."""
    if is_dataclass(value) and not isinstance(value, type):
        found: dict[Leaf, Any] = {}
        for item in fields(value):
            found.update(leaves_of(getattr(value, item.name), (*prefix, item.name)))
        return found
    if isinstance(value, tuple):
        found = {}
        for index, item in enumerate(value):
            found.update(leaves_of(item, (*prefix, index)))
        return found
    return {prefix: value}


def with_leaves(value: Any, new: dict[Leaf, Any]) -> Any:
    """A copy of resolved inputs `value` with every leaf in `new` replaced, one copy per object changed."""
    if not new:
        return value
    if () in new:
        return new[()]
    by_head: dict[str | int, dict[Leaf, Any]] = {}
    for leaf, item in new.items():
        by_head.setdefault(leaf[0], {})[leaf[1:]] = item
    if isinstance(value, tuple):
        return tuple(with_leaves(item, by_head.get(index, {})) for index, item in enumerate(value))
    return replace(value, **{str(head): with_leaves(getattr(value, str(head)), rest) for head, rest in by_head.items()})


def set_at(data: dict[str, Any], path: Path, value: Any) -> None:
    """Put `value` at `path` in scenario data, creating mappings on the way."""
    target: Any = data
    for part in path[:-1]:
        child = target[part] if isinstance(part, int) else target.get(part)
        if child is None:
            child = {}
            target[part] = child
        target = child
    target[path[-1]] = value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class BatchPlan:
    """How to evaluate a scenario for many values of some of its fields at once."""

    def __init__(
        self,
        doc: YamlDocument,
        data: dict[str, Any],
        overridden: dict[Path, str],
        varied: list[tuple[Path, list[float]]],
        *,
        catalog: Catalog,
        basis: str | None = None,
        today: dt.date | None = None,
        max_price_age_days: int = DEFAULT_MAX_PRICE_AGE_DAYS,
        labels: dict[Path, str] | None = None,
        unset_at_central: bool = False,
    ) -> None:
        """`varied`: each field's path and two or more probe values (values a run may take). `today`
        (default: `tco.pricing.catalog.today()`, which $TCO_TODAY pins) and `max_price_age_days` decide
        which table prices are stale, as for `load_scenario`.

        `unset_at_central`: a run whose value of a field is the field's central value leaves the field as
        the scenario has it instead of writing it (what "every other input at its central value" means to
        `tco sensitivity`). Writing a value the scenario does not give is not neutral: a throughput written
        in the option replaces the latency model's estimate, and with it the replica size it chose.
        """
        self.doc, self.data, self.overridden = doc, data, overridden
        self.unset_at_central = unset_at_central
        self.catalog, self.basis, self.today = catalog, basis, today or current_date()
        self.max_price_age_days = max_price_age_days
        self.labels = labels or {}
        self.central = self.resolve({})
        assert self.central.scenario is not None
        self.model: schema.Scenario = self.central.scenario
        central_leaves = leaves_of(self.central.inputs)
        self.generic = False  # some field feeds the inputs by a rule not mapped here: resolve every run
        self.fields: list[VariedField] = []
        for path, probes in varied:
            self.fields.append(self._map_field(path, probes, central_leaves))

    def resolve(self, values: dict[Path, Any]) -> LoadedScenario:
        """Validate and resolve the scenario with `values` put at their paths."""
        data = copy.deepcopy(self.data)
        for path, value in values.items():
            # A number computed here (a probe, a run) is taken as it is; text (a --vary end) as written.
            set_at(data, path, ReadNumber(value) if isinstance(value, float) else value)
        overridden = dict(self.overridden)
        for path in values:
            if path in self.labels:
                overridden[path] = self.labels[path]
        return resolve_data(self.doc, data, overridden, catalog=self.catalog, basis=self.basis, today=self.today,
                            max_price_age_days=self.max_price_age_days)

    def _map_field(self, path: Path, probes: list[float], central: dict[Leaf, Any]) -> VariedField:
        changed: set[Leaf] = set()
        identity: set[Leaf] = set()
        not_identity: set[Leaf] = set()
        whole = False
        for probe in probes:
            loaded = self.resolve({path: probe})
            probed = leaves_of(loaded.inputs)
            if probed.keys() != central.keys():
                self.generic = True
                continue
            for leaf, value in probed.items():
                before = central[leaf]
                if value == before and type(value) is type(before):
                    if _is_number(value):
                        (identity if value == probe else not_identity).add(leaf)
                    continue
                changed.add(leaf)
                if not (_is_number(value) and _is_number(before)):
                    self.generic = True
                elif value == probe:
                    identity.add(leaf)
                    whole = whole or isinstance(value, int)
                else:
                    not_identity.add(leaf)
        feeds = tuple(sorted((leaf for leaf in changed if leaf in identity and leaf not in not_identity),
                             key=str))
        derived = {leaf for leaf in changed if leaf not in feeds}
        workload: str | None = None
        if derived:
            if derived <= _DERIVED and len(path) == 2 and path[0] == "workload" and path[1] in _WORKLOAD_FIELDS:
                workload = str(path[1])
            else:
                self.generic = True
        # Leaves equal to the probe only by coincidence of an unchanged default are not fed by the field.
        feeds = tuple(leaf for leaf in feeds if leaf not in _DERIVED or workload is None)
        label = field_label(self.model, path)
        return VariedField(path, label, whole or _whole_field(self.model, path), feeds, workload,
                           self._central_value(path, label))

    def _central_value(self, path: Path, label: str) -> float | None:
        """The field's value in the validated scenario, or failing that in the assumptions (a default, a
        pricing table, an estimate); None when neither has a number there."""
        node: Any = self.model
        for part in path:
            if isinstance(part, int):
                node = node[part] if isinstance(node, list) and part < len(node) else None
            else:
                node = getattr(node, str(part), None)
        if _is_number(node):
            return float(node)
        for assumption in self.central.assumptions:
            if assumption.field == label and _is_number(assumption.value):
                return float(assumption.value)  # type: ignore[arg-type]
        return None

    # building inputs for runs
    def _workload_leaves(self, values: dict[str, Any]) -> dict[Leaf, Any]:
        """The month-1 volumes and growth for varied workload fields, by the resolver's formulas."""
        w = self.model.workload
        def get(name: str) -> Any:
            return values[name] if name in values else getattr(w, name)
        if w.requests_per_day is not None:
            tokens_in = month1_tokens(get("requests_per_day"), get("input_tokens_per_request"))
            tokens_out = month1_tokens(get("requests_per_day"), get("output_tokens_per_request"))
        else:
            tokens_in, tokens_out = get("input_tokens_per_month"), get("output_tokens_per_month")
        found: dict[Leaf, Any] = {("workload", "input_tokens_month1"): tokens_in,
                                  ("workload", "output_tokens_month1"): tokens_out}
        if "annual_growth" in values:
            found[("workload", "monthly_growth")] = monthly_from_annual(values["annual_growth"])
        return found

    def inputs_with(self, values: dict[Path, Any]) -> ScenarioInputs:
        """The central inputs with each varied field set to `values[path]` (numbers, or arrays of shape (runs, 1));
        a field `values` leaves out stays at its central value."""
        new: dict[Leaf, Any] = {}
        workload_values: dict[str, Any] = {}
        for field in self.fields:
            if field.path not in values:  # at its central value
                continue
            value = values[field.path]
            for leaf in field.leaves:
                new[leaf] = value
            if field.path[0] == "workload" and field.path[-1] in _WORKLOAD_FIELDS:
                workload_values[str(field.path[-1])] = value
        if any(field.workload is not None for field in self.fields):
            new.update(self._workload_leaves(workload_values))
        result: ScenarioInputs = with_leaves(self.central.inputs, new)
        return result

    def run_inputs(self, values: dict[Path, Array], run: int) -> ScenarioInputs:
        """Plain inputs of one run (`values` hold every run's value of each field; one left out stays central)."""
        picked = {f.path: _plain(values[f.path][run], f.whole) for f in self.fields if f.path in values}
        if self.generic:
            if self.unset_at_central:
                picked = {f.path: picked[f.path] for f in self.fields
                          if f.path in picked and picked[f.path] != f.central}
            return self.resolve(picked).inputs
        return self.inputs_with(picked)

    def chunks(self, values: dict[Path, Array], reduce: Callable[[list[BatchOption]], T],
               progress: Callable[[int], None] | None = None, runs: int = 1) -> Iterator[tuple[slice, T]]:
        """`reduce(options)` of the runs of each chunk in turn, in order, so memory stays flat however many runs.

        `values[path]` holds each field's value per run, shape (runs,). Chunks are projected on two
        threads (numpy releases the GIL inside its loops); each chunk's numbers do not depend on that.
        """
        runs = len(next(iter(values.values()))) if values else runs  # no field varies: `runs` equal runs
        horizon = self.central.inputs.horizon_months
        size = max(1, ROWS_PER_CHUNK_MONTHS // horizon)
        bounds = [(start, min(runs, start + size)) for start in range(0, runs, size)]
        workers = 1 if self.generic or len(bounds) == 1 else min(THREADS, os.cpu_count() or 1)
        if workers == 1:
            for start, stop in bounds:
                yield slice(start, stop), self._reduce_chunk(values, reduce, start, stop)
                if progress is not None:
                    progress(stop - start)
            return
        with ThreadPoolExecutor(workers) as pool:
            pending: deque[tuple[slice, Future[T]]] = deque()
            def finish() -> tuple[slice, T]:
                where, future = pending.popleft()
                done = future.result()
                if progress is not None:
                    progress(where.stop - where.start)
                return where, done
            for start, stop in bounds:
                pending.append((slice(start, stop), pool.submit(self._reduce_chunk, values, reduce, start, stop)))
                if len(pending) > workers:
                    yield finish()
            while pending:
                yield finish()

    def _reduce_chunk(self, values: dict[Path, Array], reduce: Callable[[list[BatchOption]], T], start: int,
                      stop: int) -> T:
        with quiet_numpy():  # errstate is per thread: set where the chunk is computed
            return reduce(self._project_chunk(values, start, stop))

    def _project_chunk(self, values: dict[Path, Array], start: int, stop: int) -> list[BatchOption]:
        chunk = {path: array[start:stop] for path, array in values.items()}
        options = self._projected(chunk, stop - start)
        if options is None:
            raise self._too_large_runs(chunk, stop - start)
        return options

    def _projected(self, chunk: dict[Path, Array], runs: int) -> list[BatchOption] | None:
        """Every option for the `runs` of `chunk` (each varied field's values; one left out stays central), or
        None when a figure of some run is beyond MAX_FIGURE or a float (NaN too): `compare`'s guard on the
        costs of every month and the tokens over the horizon, for every run."""
        with quiet_numpy():  # an overflow is reported as an error, not as numpy's warning
            try:
                scenario = self.central.inputs if self.generic else \
                    self.inputs_with({path: array[:, None] for path, array in chunk.items()})
                options = project_batch(scenario, runs, functools.partial(self.run_inputs, chunk),
                                        scalar_only=self.generic)
            except OverflowError:
                return None
            fine = all((np.abs(o.monthly) <= MAX_FIGURE).all() and (np.abs(o.cumulative) <= MAX_FIGURE).all()
                       and (np.abs(o.tokens) <= MAX_FIGURE).all() for o in options)
        return options if fine else None

    def _too_large_runs(self, chunk: dict[Path, Array], runs: int) -> TcoError:
        """The error for runs whose figures go beyond the limit, at the varied field whose values alone take
        them there (its line in the file, or the --set or --vary that gave it); at the file when only the
        fields together do."""
        source = self.central.source
        for field in self.fields:
            if len(self.fields) > 1 and self._projected({field.path: chunk[field.path]}, runs) is not None:
                continue
            labels = {**self.overridden, **{path: f"{source}: {label}" for path, label in self.labels.items()
                                            if path == field.path}}  # a --vary, after the file as a --set is
            problems = Problems(self.doc, labels)
            problems.add(field.path, too_large(source, runs=True, ranged=True).problems[0].message)
            return TcoError(problems.items)
        together = ", ".join(f.label for f in self.fields)
        return too_large(source, runs=True, ranged=len(self.fields) > 1, fields=together)

    def evaluate(self, values: dict[Path, Array]) -> list[BatchOption]:
        """Every option for every run, month by month (for a modest number of runs: a sweep's points)."""
        parts = [options for _, options in self.chunks(values, lambda options: options)]
        return [_join([part[i] for part in parts]) for i in range(len(parts[0]))]


def quiet_numpy() -> Any:
    """numpy's floating-point warnings off (overflow, invalid, divide): figures beyond the limit are found by
    the guard and reported as the located error, never as a RuntimeWarning with a source line."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def _plain(value: Any, whole: bool) -> float | int:
    return int(value) if whole else float(value)


def _join(parts: list[BatchOption]) -> BatchOption:
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    def stack(name: str) -> Array:
        return np.concatenate([getattr(p, name) for p in parts], axis=0)
    return BatchOption(first.name, first.kind, stack("monthly"), stack("cumulative"), stack("one_time"),
                       first.discount, np.concatenate([p.tokens for p in parts]), any(p.scalar_fallback for p in parts),
                       stack("at_end"))


def _whole_field(model: schema.Scenario, path: Path) -> bool:
    """Whether the field at `path` holds whole numbers (months, counts), from its validated value."""
    node: Any = model
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            node = getattr(node, str(part), None)
    return isinstance(node, int) and not isinstance(node, bool)


@dataclass
class OpenedScenario:
    """A scenario file read, with `--set` applied and checked at its central values."""

    doc: YamlDocument
    overridden: dict[Path, str]
    catalog: Catalog
    basis: str | None
    loaded: LoadedScenario
    today: dt.date | None = None  # the date price ages are measured from (None: today, or $TCO_TODAY)
    max_price_age_days: int = DEFAULT_MAX_PRICE_AGE_DAYS
    overrides: tuple[str, ...] = ()  # the `--set PATH=VALUE` applied, as given

    @property
    def model(self) -> schema.Scenario:
        assert self.loaded.scenario is not None
        return self.loaded.scenario

    def plan(self, varied: list[tuple[Path, list[float]]], labels: dict[Path, str] | None = None, *,
             unset_at_central: bool = False) -> BatchPlan:
        """A batch plan over `varied` fields (path, probe values); `unset_at_central` as BatchPlan takes it."""
        return BatchPlan(self.doc, self.doc.data, self.overridden, varied, catalog=self.catalog, basis=self.basis,
                         today=self.today, max_price_age_days=self.max_price_age_days, labels=labels,
                         unset_at_central=unset_at_central)


def open_scenario(path: str | os.PathLike[str], *, overrides: list[str] | tuple[str, ...] = (),
                  catalog: Catalog | None = None, basis: str | None = None, today: dt.date | None = None,
                  max_price_age_days: int = DEFAULT_MAX_PRICE_AGE_DAYS) -> OpenedScenario:
    """Read the scenario at `path`, apply `overrides` and check it (raises TcoError with every problem).
    `today` and `max_price_age_days` decide which table prices are stale, as for `load_scenario`."""

    doc = read_yaml_file(os.fspath(path))
    require_mapping(doc)
    overridden = apply_overrides(doc.data, overrides, doc.source)
    catalog = catalog or Catalog()
    loaded = resolve_data(doc, copy.deepcopy(doc.data), overridden, catalog=catalog, basis=basis, today=today,
                          max_price_age_days=max_price_age_days)
    compare_loaded(loaded)  # compare's one guard: a scenario beyond 1e300 at its central values is its located error
    return OpenedScenario(doc, overridden, catalog, basis, loaded, today, max_price_age_days, tuple(overrides))
