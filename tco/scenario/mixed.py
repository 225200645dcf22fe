"""The mixed step of resolving a scenario: hybrid and routed options, once the api and self-hosted ones are known."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from tco.docs import LOAD_PROFILE
from tco.engine.inputs import (
    ApiInputs,
    HybridInputs,
    OptionInputs,
    Route,
    RoutedInputs,
    SelfHostedInputs,
    WorkloadInputs,
)
from tco.engine.profiles import HOURS_PER_DAY, single_peak
from tco.frozen import frozen
from tco.load import schema
from tco.scenario.costs import TuningRate, resolve_shared
from tco.scenario.record import Context, Record, Recorded


@frozen
class ResolvedMixed:
    """The hybrid and routed options (in the file's order, a routed option's mixed targets first), the
    workload with the daily shape a hybrid needs, and what was assumed."""

    workload: WorkloadInputs
    options: tuple[OptionInputs, ...]
    recorded: Recorded


def resolve_mixed(scenario: schema.Scenario, workload: WorkloadInputs, resolved: dict[str, OptionInputs],
                  tuning: dict[str, TuningRate], context: Context) -> ResolvedMixed:
    """Every hybrid and routed option of `scenario`, given the api and self-hosted ones `resolved` (by name)
    and the GPU-hour rate each self-hosted fleet's fine-tuning defaults to (`tuning`, by name)."""
    record = Record(context)
    workload = _shape_needed(scenario, workload, record)
    done: dict[str, OptionInputs] = dict(resolved)
    options = {o.name: (i, o) for i, o in enumerate(scenario.options)}

    def resolve(name: str, trail: tuple[str, ...]) -> OptionInputs | None:
        """The option called `name`, resolving routed targets first; None if it cannot be (a problem
        was reported) or if it lies on a cycle (reported by validation)."""
        if name in done:
            return done[name]
        if name in trail or name not in options:
            return None
        index, option = options[name]
        result: OptionInputs | None = None
        if isinstance(option, schema.HybridOption):
            result = _hybrid(option, index, done, tuning, record)
        elif isinstance(option, schema.RoutedOption):
            result = _routed(option, index, record, lambda target: resolve(target, (*trail, name)))
        if result is not None:
            done[name] = result
        return result

    found: list[OptionInputs] = []
    for name, (_, option) in options.items():
        if isinstance(option, schema.HybridOption | schema.RoutedOption):
            mixed = resolve(name, ())
            if mixed is not None:
                found.append(mixed)
    return ResolvedMixed(workload, tuple(found), record.done())


def _shape_needed(scenario: schema.Scenario, workload: WorkloadInputs, record: Record) -> WorkloadInputs:
    """A hybrid needs the load's shape over the day; without a profile, assume a single peak hour."""
    has_hybrid = any(isinstance(o, schema.HybridOption) for o in scenario.options)
    if not has_hybrid or workload.hourly_weights is not None:
        return workload
    peak = workload.peak_to_average
    if peak > HOURS_PER_DAY:
        record.context.problems.add(("workload", "peak_to_average"), f"{peak:g} is more than a day of 24 "
                                    "hours can hold; give workload.load_profile for the hybrid options")
        return workload
    weights = single_peak(peak)
    record.assume("workload.load_profile", "single_peak",
                  "tco default for hybrid options without a load_profile: one hour at peak_to_average times the "
                  f"average, the other 23 level (see {LOAD_PROFILE})")
    record.warn("no workload.load_profile: the hybrid options assume one peak hour at "
                f"{peak:g}x the average and 23 level hours; give the real shape of your "
                "load (24 hourly weights or a named profile) for a sound overflow share")
    return replace(workload, hourly_weights=weights)


def _hybrid(o: schema.HybridOption, index: int, done: dict[str, OptionInputs], tuning: dict[str, TuningRate],
            record: Record) -> HybridInputs | None:
    label = f"options.{o.name}"
    hosted = done.get(o.self_hosted)
    overflow = done.get(o.overflow_to)
    # The hybrid's own fine-tuning runs default to its fleet's GPU-hour rate, as the self-hosted
    # option's do: its rent, or for an owned fleet the GPU's rent in gpus.yaml.
    shared = resolve_shared(o, label, index, record, tuning.get(o.self_hosted))
    if not isinstance(hosted, SelfHostedInputs) or not isinstance(overflow, ApiInputs):
        return None  # the named option had problems of its own, already reported
    if isinstance(o.size_for, dict):
        gpus = int(o.size_for["gpus"])
        k = hosted.gpus_per_replica
        if gpus % k:
            record.context.problems.add(("options", index, "size_for", "gpus"),
                                        f"{gpus} GPUs is not a whole number of replicas of {k} GPUs "
                                        f"({o.self_hosted} runs {k} GPUs per replica); give "
                                        f"{gpus // k * k} or {(gpus // k + 1) * k}")
            return None
        return HybridInputs(o.name, hosted, overflow, "gpus", fleet_gpus=gpus, shared=shared)
    if o.size_for == "average":
        return HybridInputs(o.name, hosted, overflow, "average", shared=shared)
    return HybridInputs(o.name, hosted, overflow, "percentile", percentile=float(o.size_for[1:]), shared=shared)


def _routed(o: schema.RoutedOption, index: int, record: Record,
            target_of: Callable[[str], OptionInputs | None]) -> RoutedInputs | None:
    label = f"options.{o.name}"
    shared = resolve_shared(o, label, index, record)
    routes: list[Route] = []
    for route in o.routes:
        target = target_of(route.to)
        if target is None:
            return None
        routes.append(Route(target, route.share))
    return RoutedInputs(o.name, tuple(routes), shared=shared)
