"""`tco size`: the capacity and latency models applied to table entries or to a scenario's self-hosted options.

`tco.capacity.model` and `tco.capacity.latency` are pure arithmetic; this module looks the model and the GPU up in the
pricing tables, chooses the replica as the engine does (at a latency target: the size cheapest per token
that meets it; at `slo: none`: the measured entry's, else the smallest that holds a useful KV cache),
gives the engine's offline maximum (a measured throughput.yaml entry where one applies) and the latency
curve of that replica, and adds the rent, so that the command and the engine tell the same story.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import field, replace

from tco.capacity.latency import (
    DEFAULT_ENGINE,
    DEFAULT_SLO,
    SLO_PRESETS,
    TABLES_ENGINE,
    LatencyPoint,
    Replica,
    Slo,
    kv_limit,
    latency_curve,
    latency_point,
    plan_serving,
)
from tco.capacity.model import (
    GpuSpec,
    MemoryBreakdown,
    ModelSpec,
    ReplicaSize,
    context_note,
    effective_output_rate,
    significant,
    size_replica,
)
from tco.capacity.tables import carried_figures, gpu_spec_of, measured_shape, model_spec_of
from tco.engine.results import StalePrice
from tco.errors import TcoError, did_you_mean
from tco.frozen import frozen
from tco.pricing.catalog import Catalog, Entry
from tco.pricing.origins import files_of, stale_price

DEFAULT_INPUT_TOKENS = 1000  # request shape of `tco size --model --gpu` when none is given
DEFAULT_OUTPUT_TOKENS = 1000
# Requests in flight a replica that `tco size` shows by default: doublings, cut just past the KV cache's limit.
CONCURRENCY_LADDER = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192)


def rent_per_million_tokens(hourly_rate_per_gpu: float, input_tokens: float, output_tokens: float,
                            input_tokens_per_second_per_gpu: float, output_tokens_per_second_per_gpu: float) -> float:
    """Rent per 1M tokens (input + output) with every GPU busy: a request takes I/X + O/Y GPU-seconds at
    the hourly rate, over its I + O tokens."""
    prefill = input_tokens / input_tokens_per_second_per_gpu if input_tokens else 0.0
    seconds = prefill + output_tokens / output_tokens_per_second_per_gpu
    return seconds * hourly_rate_per_gpu / 3600 / (input_tokens + output_tokens) * 1e6


@frozen
class MeasuredBy:
    """The figures are a throughput.yaml entry's, measured by `benchmark` (or its citation)."""

    benchmark: str


@frozen
class CarriedFrom:
    """A measurement at one request shape carried to the one asked for by the capacity model."""

    measured_input_tokens: float
    measured_output_tokens: float
    input_tokens: float
    output_tokens: float


@frozen
class LatencyModelMaximum:
    """The figures are `engine`'s offline maximum, by the latency model at the KV cache's limit."""

    engine: str
    kv_limit: int


@frozen
class OutOfReach:
    """No replica meets `target`: the best mean TTFT and TPOT reached (one request in flight); `asked`:
    the replica size was given, else the smallest that holds a request is shown."""

    target: Slo
    best_ttft_ms: float
    best_tpot_ms: float
    gpus_per_replica: int
    asked: bool


@frozen
class Queued:
    """At these concurrencies, more requests than a replica runs at once (`by_kv_cache`: its KV cache's
    limit, else the scheduler's): the others queue."""

    concurrencies: tuple[int, ...]
    kv_limit: int
    by_kv_cache: bool


@frozen
class NoKvRoom:
    """The weights leave no room for one request's KV cache on the replica: its given throughput is out of reach."""

    gpus_per_replica: int


@frozen
class GivenThroughput:
    """No latency curve: the option gives its own throughput, which is what it serves at."""


@frozen
class NoTableEntries:
    """The option names no model and gpu table entries: memory is not sized."""


# A note about a size report: a fact `tco.render.size.note_text` words, or a sentence from the capacity model.
SizeNote = str | MeasuredBy | CarriedFrom | LatencyModelMaximum | OutOfReach | Queued | NoKvRoom | GivenThroughput \
    | NoTableEntries


@frozen
class SizeReport:
    """One model on one GPU type: memory, concurrency, per-GPU throughput and what it costs."""

    model: str
    gpu: str
    precision: str
    parallelism: str
    gpus_per_replica: int
    memory: MemoryBreakdown
    max_concurrency: int
    input_tokens_per_request: float
    output_tokens_per_request: float
    input_tokens_per_second_per_gpu: float
    output_tokens_per_second_per_gpu: float
    source: str  # measured | estimated | given
    hourly_rate_per_gpu: float | None = None
    cloud: str | None = None
    option: str | None = None
    notes: tuple[SizeNote, ...] = field(default=())
    engine: str | None = None  # the serving engine whose latency curve this is; None: no latency model
    target: Slo | None = None  # the latency target; None: `slo: none` (or no latency model)
    replica: Replica | None = None  # what the latency model serves on; None: no latency model
    kv_limit: int = 0  # requests the replica's KV cache (and scheduler) run at once
    latency: tuple[LatencyPoint, ...] = ()  # the replica at each concurrency asked for
    latency_notes: tuple[SizeNote, ...] = ()  # about those rows (requests that would queue); with `notes` in the JSON
    operating_point: LatencyPoint | None = None  # where it serves: the target's point, or the KV limit at none
    # The replica from one request in flight to the KV cache's limit, evenly on a log scale: what a chart draws.
    chart_curve: tuple[LatencyPoint, ...] = ()

    @property
    def effective_output_tokens_per_second_per_gpu(self) -> float:
        """O / (I/X + O/Y): output tokens per GPU-second for this request mix."""
        return effective_output_rate(self.input_tokens_per_request, self.output_tokens_per_request,
                                     self.input_tokens_per_second_per_gpu, self.output_tokens_per_second_per_gpu)

    @property
    def cost_per_million_tokens(self) -> float | None:
        """Rent per 1M tokens (input + output) with every GPU fully busy at X and Y. None without a rent."""
        if self.hourly_rate_per_gpu is None:
            return None
        return rent_per_million_tokens(self.hourly_rate_per_gpu, self.input_tokens_per_request,
                                       self.output_tokens_per_request, self.input_tokens_per_second_per_gpu,
                                       self.output_tokens_per_second_per_gpu)

    @property
    def slo_point(self) -> LatencyPoint | None:
        """The point that meets the target with the most requests in flight; None at `slo: none` or when
        the target is out of reach."""
        return self.operating_point if self.target is not None else None

    def cost_per_million_tokens_at(self, point: LatencyPoint) -> float | None:
        """Rent per 1M tokens (input + output) at a point of the latency curve, every GPU busy there: the
        point's X and Y (I/X + O/Y = N x cycle / c GPU-seconds a request). None without a rent."""
        if self.hourly_rate_per_gpu is None:
            return None
        return rent_per_million_tokens(self.hourly_rate_per_gpu, self.input_tokens_per_request,
                                       self.output_tokens_per_request, point.input_tokens_per_second_per_gpu,
                                       point.decode_tokens_per_second_per_gpu)


def _entry(catalog: Catalog, kind: str, key: str, option: str) -> Entry:
    entry = catalog.get(kind, key)
    if entry is None:
        raise TcoError.single(catalog.table_label(kind), f"{key!r} is not in {catalog.table_label(kind)}"
                              f"{catalog.suggest(kind, key)}", field=option)
    return entry


def rent_of(gpu: Entry, cloud: str | None) -> tuple[float | None, str | None]:
    rents: dict[str, float] = gpu.get("rent_per_hour") or {}
    if cloud is not None:
        if cloud not in rents:
            raise TcoError.single(files_of(gpu, "rent_per_hour"), f"{gpu.key} has no rent price for {cloud!r} (listed: "
                                  f"{', '.join(sorted(rents)) or 'none'}){did_you_mean(cloud, rents, most=1)}",
                                  field="--cloud")
        return float(rents[cloud]), cloud
    if not rents:
        return None, None
    cheapest = min(rents, key=lambda c: rents[c])
    return float(rents[cheapest]), cheapest


def stale_rent(catalog: Catalog, report: SizeReport, today: dt.date, max_age_days: int) -> list[StalePrice]:
    """The warning about the rent `report` prices its GPU-hours at, when older than `max_age_days` on
    `today` (as a scenario's stale table prices are warned about); none without a rent."""
    gpu = catalog.get("gpus", report.gpu)
    if gpu is None or report.cloud is None or report.hourly_rate_per_gpu is None:
        return []
    stale = stale_price(gpu, "rent_per_hour", gpu.origin(f"rent_per_hour.{report.cloud}"), today, max_age_days)
    return [stale] if stale is not None else []


def size_from_tables(catalog: Catalog, model_key: str, gpu_key: str, precision: str = "bf16",
                     input_tokens: float = DEFAULT_INPUT_TOKENS, output_tokens: float = DEFAULT_OUTPUT_TOKENS,
                     gpus_per_replica: int | None = None, parallelism: str | None = None,
                     cloud: str | None = None, engine: str = DEFAULT_ENGINE,
                     target: Slo | None = SLO_PRESETS[DEFAULT_SLO],
                     concurrencies: Sequence[int] | None = None) -> SizeReport:
    """Size `model_key` on `gpu_key` for `engine` serving at `target` (None: `slo: none`).

    The replica: `gpus_per_replica` when given; else at a target the size cheapest per token that meets
    it (`tco.capacity.latency.plan_serving`), at none the measured entry's, else the smallest holding a useful KV
    cache. Its X and Y are the engine's offline maximum on that replica: a throughput.yaml entry measured
    on it with this engine (or with none named), else for TensorRT-LLM the capacity model's estimate, else
    the latency model's point at the most requests the KV cache holds. The latency curve is taken at
    `concurrencies` (default: doublings to just past the KV cache's limit, and the target's point).
    `parallelism` None means the measured entry's layout at `slo: none`, else tp.
    """
    problems = []
    for kind, key, flag in (("models", model_key, "--model"), ("gpus", gpu_key, "--gpu")):
        try:
            _entry(catalog, kind, key, flag)
        except TcoError as error:
            problems.extend(error.problems)
    if problems:
        raise TcoError(problems)
    model_entry = _entry(catalog, "models", model_key, "--model")
    gpu_entry = _entry(catalog, "gpus", gpu_key, "--gpu")
    model = model_spec_of(model_entry)
    gpu = gpu_spec_of(gpu_entry)
    hourly, chosen_cloud = rent_of(gpu_entry, cloud)
    request = (input_tokens, output_tokens)
    measured = catalog.get("throughput", f"{model_key}/{gpu_key}/{precision}")
    if measured is not None and not (measured.get("input_tokens_per_second") and
                                     measured.get("output_tokens_per_second")
                                     and measured.get("engine") in (None, engine)):
        measured = None  # not this engine's measurement (an entry naming no engine holds for any)
    measured_n = int(measured.get("gpus_per_replica") or 1) if measured else None
    measured_layout = str(measured.get("parallelism") or "tp") if measured else None
    if parallelism is None:
        parallelism = measured_layout if target is None and measured_layout else "tp"
    if measured_layout != parallelism:
        measured = None
    # size_replica checks the request, the layout and the fit, and says what is wrong in the user's terms.
    n_given = gpus_per_replica or (measured_n if target is None else None)
    # A replica too small for the request is the flag's that set its size: --gpus-per-replica, else the request
    # (on the measured replica), else the model (on the largest replica, too big on this GPU at this precision).
    flag = "--gpus-per-replica" if gpus_per_replica else "--input-tokens" if n_given else "--model"
    offline = _estimate(model, gpu, precision, request, n_given, parallelism, flag)
    n = offline.gpus_per_replica
    plan = None
    if target is not None:
        try:
            plan = plan_serving(model, gpu, precision, parallelism, engine, input_tokens, output_tokens, target,
                                gpus_per_replica)
        except TcoError as error:
            raise TcoError.single("tco size", error.problems[0].message,
                                  field="--gpu" if error.problems[0].field == "gpu" else "--model") from None
        if plan.gpus_per_replica != n:
            n = plan.gpus_per_replica
            offline = _estimate(model, gpu, precision, request, n, parallelism, "--gpus-per-replica")
    replica = Replica(model, gpu, precision, n, parallelism, engine)
    limit = kv_limit(replica, input_tokens, output_tokens)
    try:
        top = latency_point(replica, input_tokens, output_tokens, max(1, limit))
    except TcoError as error:  # figures beyond 1e300: the GPU's or the model's entry
        raise TcoError.single("tco size", error.problems[0].message, field="--gpu") from None
    notes: list[SizeNote] = []
    if measured is not None and measured_n == n:
        x, y = float(measured.get("input_tokens_per_second")), float(measured.get("output_tokens_per_second"))
        notes.append(MeasuredBy(str(measured.get("benchmark") or measured.origin("*").citation)))
        if (note := context_note(model, input_tokens, output_tokens)) is not None:
            notes.append(note)
        carried = measured_shape(measured)
        if carried is not None and carried != request:
            try:
                x, y = carried_figures(catalog, measured, model_entry, gpu_entry, precision, carried, request)
            except TcoError as error:
                raise TcoError.single("tco size", error.problems[0].message, field="--input-tokens") from None
            notes.append(CarriedFrom(carried[0], carried[1], input_tokens, output_tokens))
        source = "measured"
    elif engine == TABLES_ENGINE:  # the capacity model's offline maximum is its figure
        x = significant(offline.input_tokens_per_second_per_gpu)
        y = significant(offline.output_tokens_per_second_per_gpu)
        notes.extend(offline.notes)
        source = "estimated"
    else:
        x = significant(top.input_tokens_per_second_per_gpu)
        y = significant(top.decode_tokens_per_second_per_gpu)
        notes.extend(offline.notes)
        notes.append(LatencyModelMaximum(engine, limit))
        source = "estimated"
    point: LatencyPoint | None = top
    if plan is not None and target is not None:
        point = plan.point
        if point is None:
            notes.append(OutOfReach(target, plan.best_ttft_ms, plan.best_tpot_ms, n, asked=bool(gpus_per_replica)))
    report = SizeReport(
        model=model_key, gpu=gpu_key, precision=precision, parallelism=parallelism, gpus_per_replica=n,
        memory=offline.memory, max_concurrency=offline.max_concurrency, input_tokens_per_request=input_tokens,
        output_tokens_per_request=output_tokens, input_tokens_per_second_per_gpu=x,
        output_tokens_per_second_per_gpu=y, source=source, hourly_rate_per_gpu=hourly, cloud=chosen_cloud,
        notes=tuple(notes), engine=engine, target=target, replica=replica, kv_limit=limit, operating_point=point)
    try:
        return with_latency(report, concurrencies)
    except TcoError as error:  # a point of the curve beyond 1e300
        raise TcoError.single("tco size", error.problems[0].message, field="--gpu") from None


def _estimate(model: ModelSpec, gpu: GpuSpec, precision: str, request: tuple[float, float], n: int | None,
              parallelism: str, size_flag: str) -> ReplicaSize:
    """The capacity model's sizing, its errors named by the flag at fault (`size_flag`: the replica's size)."""
    try:
        return size_replica(model, gpu, precision, *request, n, parallelism)
    except TcoError as error:
        flags = {"gpus_per_replica": size_flag, "gpu": "--gpu",
                 "parallelism": "--parallelism", "precision": "--precision", "output_tokens": "--output-tokens"}
        raise TcoError.single("tco size", error.problems[0].message,
                              field=flags.get(error.problems[0].field, "")) from None


def concurrency_ladder(limit: int, point: LatencyPoint | None = None) -> list[int]:
    """The requests in flight `tco size` shows by default: doublings up to the first at or past the KV
    cache's `limit`, the limit itself (the offline maximum) and the operating `point`'s."""
    shown = {c for c in CONCURRENCY_LADDER if c < limit}
    shown.add(next((c for c in CONCURRENCY_LADDER if c >= limit), max(limit, 1)))
    shown.add(max(1, limit))
    if point is not None:
        shown.add(point.concurrency)
    return sorted(shown)


def with_latency(report: SizeReport, concurrencies: Sequence[int] | None) -> SizeReport:
    """`report` with its replica's latency curve at `concurrencies` (None: `concurrency_ladder`), and a note
    (`latency_notes`) for the concurrencies past what the KV cache holds."""
    if report.replica is None:
        return report
    wanted = list(concurrencies) if concurrencies else concurrency_ladder(report.kv_limit, report.operating_point)
    curve = latency_curve(report.replica, report.input_tokens_per_request, report.output_tokens_per_request, wanted)
    queued = tuple(sorted({p.concurrency for p in curve if p.queued}))
    notes = (Queued(queued, report.kv_limit, by_kv_cache=report.kv_limit >= report.max_concurrency),) if queued else ()
    return replace(report, latency=tuple(curve), latency_notes=notes)
