"""`tco size` on a scenario: each self-hosted option's replica, memory, throughput and latency curve, with
the figures the engine uses (the resolved inputs), so that the command and the engine tell the same story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tco.capacity.latency import (
    SLO_PRESETS,
    TABLES_ENGINE,
    LatencyPoint,
    Replica,
    Slo,
    kv_limit,
    latency_curve,
    latency_point,
)
from tco.capacity.model import MemoryBreakdown, concurrency, gpu_spec, kv_precision, memory_fit, model_spec
from tco.capacity.sizing import (
    GivenThroughput,
    NoKvRoom,
    NoTableEntries,
    SizeNote,
    SizeReport,
    rent_of,
    with_latency,
)
from tco.defaults import DEFAULTS
from tco.engine.inputs import SelfHostedInputs
from tco.errors import TcoError
from tco.load.schema import SelfHostedOption
from tco.pricing.catalog import Catalog
from tco.scenario.loader import LoadedScenario

POINTS_ALONG_CURVE = 48  # concurrencies of a chart's latency curve, evenly on a log scale from 1 to the KV limit


def size_scenario(loaded: LoadedScenario, catalog: Catalog,
                  concurrencies: Sequence[int] | None = None) -> list[SizeReport]:
    """One report per self-hosted option of a resolved scenario, with the figures the engine uses and the
    latency curve of its replica at its engine and target (at `concurrencies`, default the ladder)."""
    workload = loaded.inputs.workload
    options = loaded.scenario.options if loaded.scenario is not None else []
    engines = {o.name: o.engine for o in options if isinstance(o, SelfHostedOption)}
    # The cloud a rented option's rate is from: the option's own, or the lowest-priced one the resolver chose.
    clouds = {o.name: o.cloud for o in options if isinstance(o, SelfHostedOption) and o.cloud is not None}
    for assumption in loaded.assumptions:
        name = assumption.field.removeprefix("options.").removesuffix(".cloud")
        if assumption.field == f"options.{name}.cloud" and isinstance(assumption.value, str):
            clouds.setdefault(name, assumption.value)
    reports = []
    for index, option in enumerate(loaded.inputs.options):
        if not isinstance(option, SelfHostedInputs):
            continue
        report = _option_report(option, workload.input_tokens_per_request, workload.output_tokens_per_request,
                                workload.input_tokens_month1, workload.output_tokens_month1, catalog,
                                engines.get(option.name), clouds.get(option.name))
        try:
            reports.append(with_chart_curve(with_latency(report, concurrencies)))
        except TcoError as error:  # a point of the curve beyond 1e300, at the option's GPU
            raise loaded.locate(TcoError.single(loaded.source, error.problems[0].message,
                                                field=f"options[{index}].gpu")) from None
    if not reports:
        raise TcoError.single(loaded.source, "the scenario has no self_hosted option to size", field="options")
    return reports


def _curve_concurrencies(limit: int, at: int | None) -> list[int]:
    """1 .. `limit` evenly on a log scale, and the operating point `at`."""
    top = max(1, limit)
    shown = {max(1, round(top ** (i / POINTS_ALONG_CURVE))) for i in range(POINTS_ALONG_CURVE + 1)} | {top}
    if at is not None and at <= top:
        shown.add(at)
    return sorted(shown)


def with_chart_curve(report: SizeReport) -> SizeReport:
    """`report` with the latency curve a chart draws (`SizeReport.chart_curve`): from one request in flight
    to all the KV cache holds, and the operating point; none without a latency model."""
    if report.replica is None:
        return report
    point = report.operating_point
    wanted = _curve_concurrencies(report.kv_limit, point.concurrency if point is not None else None)
    curve = latency_curve(report.replica, report.input_tokens_per_request, report.output_tokens_per_request, wanted)
    return replace(report, chart_curve=tuple(curve))


def _option_target(option: SelfHostedInputs) -> Slo | None:
    """The latency target the resolver sized the option at (None: `slo: none` or no latency model)."""
    serving = option.serving
    if serving is None or (serving.ttft_target_ms is None and serving.tpot_target_ms is None):
        return None
    name = serving.slo.split(" (", 1)[0]
    return Slo(name if name in SLO_PRESETS else "custom", serving.ttft_target_ms, serving.tpot_target_ms)


def _option_report(option: SelfHostedInputs, request_in: float | None, request_out: float | None,
                   month_in: float, month_out: float, catalog: Catalog, engine: str | None,
                   cloud: str | None = None) -> SizeReport:
    """The figures the engine uses for `option`; with a latency model (not for inline throughput), its
    replica, engine, target and operating point (`option.serving`; a measured or estimated option at
    `slo: none` serves at the KV cache's limit, on `engine`, the scenario's, by default TensorRT-LLM's)."""
    if request_in is None or request_out is None:
        request_out = float(DEFAULTS.output_tokens_per_request.value)
        request_in = request_out * (month_in / month_out if month_out else 1.0)
    notes: list[SizeNote] = []
    memory = MemoryBreakdown(0.0, 0.0, 0.0, 0.0)
    fits = 0
    replica: Replica | None = None
    limit = 0
    point: LatencyPoint | None = None
    model_entry = catalog.get("models", option.model) if option.model else None
    gpu_entry = catalog.get("gpus", option.gpu) if option.gpu else None
    if model_entry is not None and gpu_entry is not None:
        try:
            model = model_spec(model_entry)
            gpu = gpu_spec(gpu_entry)
            memory, kv_tokens = memory_fit(model, gpu, option.precision, option.gpus_per_replica, option.parallelism)
            fits = concurrency(model, kv_precision(model, gpu, option.precision), kv_tokens, request_in,
                               request_out)
            if fits < 1:
                notes.append(NoKvRoom(option.gpus_per_replica))
            elif option.serving is not None or option.throughput_source != "given":
                serving_engine = option.serving.engine if option.serving is not None else engine or TABLES_ENGINE
                candidate = Replica(model, gpu, option.precision, option.gpus_per_replica, option.parallelism,
                                    serving_engine)
                limit = kv_limit(candidate, request_in, request_out)
                at = option.serving.concurrency if option.serving is not None else max(1, limit)
                point = latency_point(candidate, request_in, request_out, at)
                replica = candidate  # only a replica the latency model can size gets a curve
            else:
                notes.append(GivenThroughput())
        except TcoError as error:
            notes.extend(problem.message for problem in error.problems)
    else:
        notes.append(NoTableEntries())
    hourly: float | None = option.hourly_rate_per_gpu or None
    if option.acquisition == "buy":
        cloud = None
        if gpu_entry is not None:  # owned GPUs: what renting them would cost, for comparison
            hourly, cloud = rent_of(gpu_entry, None)
    return SizeReport(
        model=option.model or "", gpu=option.gpu or "", precision=option.precision,
        parallelism=option.parallelism, gpus_per_replica=option.gpus_per_replica, memory=memory,
        max_concurrency=fits, input_tokens_per_request=request_in, output_tokens_per_request=request_out,
        input_tokens_per_second_per_gpu=option.input_tokens_per_second,
        output_tokens_per_second_per_gpu=option.output_tokens_per_second, source=option.throughput_source,
        hourly_rate_per_gpu=hourly, cloud=cloud, option=option.name, notes=tuple(notes),
        engine=replica.engine if replica is not None else None, target=_option_target(option), replica=replica,
        kv_limit=limit, operating_point=point)
