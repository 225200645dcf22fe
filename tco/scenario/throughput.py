"""The throughput step of resolving a self-hosted option: what one GPU serves, on replicas of how many.

Field by field: the scenario's value; else, serving at a latency target (the default, `chat`), the
operating point of the latency model (tco/capacity/latency.py) for the option's engine; else, at
`slo: none`, the engine's offline maximum: for TensorRT-LLM the measured entry of throughput.yaml for
the exact model x gpu x precision, else the capacity model's estimate for the workload's request
shape; each default is recorded as an assumption saying which and why.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from tco.capacity.latency import (
    SLO_PRESETS,
    SLO_SOURCE,
    TABLES_ENGINE,
    Replica,
    Slo,
    kv_limit,
    latency_point,
    plan_serving,
)
from tco.capacity.model import (
    CALIBRATION,
    CALIBRATION_TYPICAL_ERROR,
    GPU_FIELDS,
    MODEL_FIELDS,
    TP_SIZES,
    ReplicaSize,
    context_note,
    significant,
    size_replica,
    smallest_replica,
)
from tco.capacity.tables import carried_figures, gpu_spec_of, measured_shape, model_spec_of
from tco.defaults import DEFAULTS, Parallelism
from tco.docs import CAPACITY_CALIBRATION
from tco.engine.inputs import ServingInputs, WorkloadInputs
from tco.engine.results import Assumption
from tco.errors import Problem, TcoError
from tco.frozen import frozen
from tco.load import schema
from tco.load.yamlsource import Path
from tco.pricing.catalog import Entry
from tco.scenario.record import Context, Record, Recorded, shown

ThroughputSource = Literal["given", "measured", "estimated"]


@frozen
class Capacity:
    """What one GPU of a self-hosted option serves and how its replicas are laid out."""

    input_tokens_per_second: float  # per GPU
    output_tokens_per_second: float  # per GPU
    gpus_per_replica: int
    parallelism: Parallelism
    source: ThroughputSource  # the scenario, throughput.yaml, or the capacity or latency model
    serving: ServingInputs | None = None  # engine, target and operating point, when the latency model sized it


@frozen
class ResolvedCapacity:
    """An option's capacity (None when it cannot be had: a problem was reported), and what was assumed."""

    capacity: Capacity | None
    recorded: Recorded


@frozen
class _Option:
    """The self-hosted option being sized, and where its figures go in the file and the assumptions."""

    o: schema.SelfHostedOption
    label: str  # options.NAME
    where: Path  # ("options", index)
    workload: WorkloadInputs


def resolve_capacity(o: schema.SelfHostedOption, index: int, model: Entry | None, gpu: Entry | None,
                     workload: WorkloadInputs, context: Context) -> ResolvedCapacity:
    """Per-GPU input and output tokens/s, GPUs per replica, layout and where the throughput came from."""
    record = Record(context)
    option = _Option(o, f"options.{o.name}", ("options", index), workload)
    capacity = _capacity(option, model, gpu, record)
    return ResolvedCapacity(capacity, record.done())


def _capacity(option: _Option, model: Entry | None, gpu: Entry | None, record: Record) -> Capacity | None:
    o, label, where = option.o, option.label, option.where
    measured: Entry | None = None
    precision = DEFAULTS.precision.value
    parallelism: Parallelism = o.parallelism or DEFAULTS.parallelism.value
    given = o.throughput or schema.Throughput()
    inline = given.input_tokens_per_second is not None and given.output_tokens_per_second is not None
    engine: str | None = None
    slo: Slo | None = None
    if o.model and o.gpu:
        precision = record.default(f"{label}.precision", o.precision, DEFAULTS.precision)
        if not inline and model is not None and gpu is not None and _has_capacity_fields(model, gpu):
            engine, slo = _serving_target(option, record)
        elif inline and (o.engine is not None or o.slo is not None):
            record.warn(f"{o.name}: engine and slo are ignored: the option gives its own throughput, "
                        "which is what it serves at")
        measured = record.context.catalog.get("throughput", f"{o.model}/{o.gpu}/{precision}")
        if measured is not None and not inline and not _measured_applies(measured, engine, slo):
            measured = None
        measured_layout = str(measured.get("parallelism") or "tp") if measured else None
        if measured is not None and o.parallelism is not None and o.parallelism != measured_layout:
            # A measurement of another layout does not describe this one: estimate instead.
            record.warn(f"{o.name}: the measured {o.model}/{o.gpu}/{precision} entry is for "
                        f"parallelism {measured_layout}, not {o.parallelism}: using the capacity "
                        "model's estimate")
            measured = None
        if measured is not None and o.parallelism is None and measured_layout != "tp":
            parallelism = record.from_table(f"{label}.parallelism", None, measured, "parallelism")
        else:
            parallelism = record.default(f"{label}.parallelism", o.parallelism, DEFAULTS.parallelism)
    if engine is not None and model is not None and gpu is not None and measured is None \
            and (slo is not None or engine != TABLES_ENGINE):
        return _serving(option, model, gpu, precision, parallelism, engine, slo, given, record)
    x = record.from_table(f"{label}.throughput.input_tokens_per_second", given.input_tokens_per_second,
                          measured, "input_tokens_per_second")
    y = record.from_table(f"{label}.throughput.output_tokens_per_second", given.output_tokens_per_second,
                          measured, "output_tokens_per_second")
    # Per-GPU throughput measured on a replica of N GPUs holds for replicas of N GPUs.
    gpus_per_replica: int | None = o.gpus_per_replica
    if gpus_per_replica is None and o.throughput is None and measured and measured.get("gpus_per_replica"):
        gpus_per_replica = int(record.from_table(f"{label}.gpus_per_replica", None, measured, "gpus_per_replica"))
    if measured is not None and o.throughput is None and x is not None and y is not None:
        x, y = _carry_measured(option, measured, model, gpu, precision, x, y, record)
    from_file: ThroughputSource = "measured" if measured and o.throughput is None else "given"
    if x is not None and y is not None and gpus_per_replica is not None:
        return Capacity(x, y, gpus_per_replica, parallelism, from_file)
    if model is None or gpu is None:
        if x is None or y is None:
            if not (o.model and o.gpu):
                record.context.problems.add(where, "needs throughput: {input_tokens_per_second, "
                                            "output_tokens_per_second}, or model and gpu for the capacity model "
                                            "to estimate it")
            return None
        return Capacity(x, y, record.default(f"{label}.gpus_per_replica", None, DEFAULTS.gpus_per_replica),
                        parallelism, "given")
    if x is not None and y is not None and not _has_capacity_fields(model, gpu):
        # Throughput given, replica size not, and no architecture to size it from: as before the capacity model.
        record.warn(f"{o.name}: gpus_per_replica defaults to 1: {o.model} or {o.gpu} lacks the fields "
                    "the capacity model needs to check the memory fit; give gpus_per_replica")
        return Capacity(x, y, record.default(f"{label}.gpus_per_replica", None, DEFAULTS.gpus_per_replica),
                        parallelism, from_file)
    estimate = _estimate(option, model, gpu, precision, parallelism, gpus_per_replica, record)
    if estimate is None:
        return None
    size, brief, source = estimate
    if gpus_per_replica is None:
        gpus_per_replica = size.gpus_per_replica
        useful = CALIBRATION.min_useful_concurrency
        holds = (f"smallest of 1, 2, 4, 8 {o.gpu} GPUs holding {o.model} in {precision} "
                 f"({size.memory.weights_gb:,.0f} GB of weights) and a KV cache for at least {useful} requests"
                 if size.max_concurrency >= useful else
                 f"no replica of 1, 2, 4 or 8 {o.gpu} GPUs holds {o.model} in {precision} "
                 f"({size.memory.weights_gb:,.0f} GB of weights) and a KV cache for {useful} requests; 8 hold "
                 f"the most, {size.max_concurrency:,} at once")
        record.assume(f"{label}.gpus_per_replica", gpus_per_replica, f"capacity model memory fit: {holds} ({brief})",
                      "capacity model memory fit")
    # To 3 significant figures, as the tables' figures are: the engine uses what the list shows.
    if x is None:
        x = significant(size.input_tokens_per_second_per_gpu)
        record.assume(f"{label}.throughput.input_tokens_per_second", shown(x), source,
                      "estimated by the capacity model")
    if y is None:
        y = significant(size.output_tokens_per_second_per_gpu)
        record.assume(f"{label}.throughput.output_tokens_per_second", shown(y), source,
                      "estimated by the capacity model")
    for note in size.notes:
        record.warn(f"{o.name}: {note}")
    kind: ThroughputSource = "given" if o.throughput is not None and o.throughput.input_tokens_per_second is not None \
        and o.throughput.output_tokens_per_second is not None else "estimated"
    return Capacity(x, y, gpus_per_replica, parallelism, kind)


def _has_capacity_fields(model: Entry, gpu: Entry) -> bool:
    """Whether the capacity model can size this model on this GPU (a user's own entries may lack fields)."""
    return all(model.get(name) is not None for name in MODEL_FIELDS) and \
        all(gpu.get(name) is not None for name in GPU_FIELDS)


def _measured_applies(measured: Entry, engine: str | None, slo: Slo | None) -> bool:
    """Whether a throughput.yaml entry describes how this option serves: measured figures are an offline
    maximum, so they hold at `slo: none`, for the engine they were measured on (an entry without `engine`
    is the user's own and holds for any)."""
    if engine is None:
        return True
    measured_engine = measured.get("engine")
    return slo is None and (measured_engine is None or measured_engine == engine)


def _capacity_problem(option: _Option, error: TcoError, record: Record) -> None:
    """The capacity model's objections, each at the field the option gave that caused it, else at its model;
    one about the option's model or GPU entry at that field, naming the file the entry came from."""
    o, where = option.o, option.where
    for problem in error.problems:
        entry = _entry_named(o, problem)
        if entry is not None:
            record.context.problems.add((*where, entry), f"{problem.source} {problem.message}")
            continue
        name = problem.field
        path = (*where, name) if name in ("gpus_per_replica", "parallelism", "precision", "gpu") and \
            getattr(o, name) is not None else (*where, "model")
        record.context.problems.add(path, problem.message)


def _entry_named(o: schema.SelfHostedOption, problem: Problem) -> str | None:
    """"gpu" or "model" when `problem` is about that table entry of the option (its field the entry's key,
    or a field of it, in that table's file), else None."""
    for name, key in (("gpu", o.gpu), ("model", o.model)):
        if key is not None and (problem.field == key or problem.field.startswith(f"{key}.")) \
                and f"{name}s.yaml" in problem.source:
            return name
    return None


def _serving_target(option: _Option, record: Record) -> tuple[str, Slo | None]:
    """The option's serving engine and latency target (None: `slo: none`, the offline maximum), with
    their defaults recorded."""
    o, label = option.o, option.label
    engine = record.default(f"{label}.engine", o.engine, DEFAULTS.engine, f"tco default: {DEFAULTS.engine.reason}")
    if o.slo is None:
        preset = SLO_PRESETS[DEFAULTS.slo.value]
        record.assume(f"{label}.slo", f"{preset.describe()}", f"tco default, an interactive chat; {SLO_SOURCE}",
                      "tco default (ConfigIQ chat preset)")
        return engine, preset
    if o.slo.preset == "none":
        return engine, None
    if o.slo.preset is not None:
        return engine, SLO_PRESETS[o.slo.preset]
    return engine, Slo("custom", o.slo.ttft_ms, o.slo.tpot_ms)


def _request_shape(option: _Option, record: Record) -> tuple[float, float]:
    """Input and output tokens of one request: the workload's own, else its monthly mix scaled to
    DEFAULTS.output_tokens_per_request output tokens (recorded)."""
    w = option.workload
    if w.input_tokens_per_request is not None and w.output_tokens_per_request is not None:
        return w.input_tokens_per_request, w.output_tokens_per_request
    ratio = (w.input_tokens_month1 / w.output_tokens_month1) if w.output_tokens_month1 else 1.0
    out = DEFAULTS.output_tokens_per_request.value
    shape = (out * ratio, float(out))
    record.assume(f"{option.label}.throughput (request shape)", f"{shape[0]:,.0f} in / {shape[1]:,.0f} out",
                  f"tco default: the workload gives tokens per month, not per request; the capacity model assumes "
                  f"{out} output tokens per request in the month-1 input/output mix")
    return shape


def _serving(option: _Option, model: Entry, gpu: Entry, precision: str, parallelism: Parallelism, engine: str,
             slo: Slo | None, given: schema.Throughput, record: Record) -> Capacity | None:
    """Throughput where the option serves: at its latency target's operating point, or (slo none) at the
    most requests the KV cache holds, by the latency model for its engine."""
    o, label, where = option.o, option.label, option.where
    request = _request_shape(option, record)
    gpus_per_replica: int | None = o.gpus_per_replica
    try:
        m, g = model_spec_of(model), gpu_spec_of(gpu)
        if slo is None:
            n = gpus_per_replica or smallest_replica(m, g, precision, *request, parallelism)
            replica = Replica(m, g, precision, n, parallelism, engine)
            limit = kv_limit(replica, *request)
            point = latency_point(replica, *request, max(1, limit))
        else:
            plan = plan_serving(m, g, precision, parallelism, engine, *request, slo, gpus_per_replica)
            n, limit = plan.gpus_per_replica, plan.kv_limit
            if plan.point is None:
                sizes = f"{n}" if gpus_per_replica else ", ".join(str(t) for t in TP_SIZES)
                record.context.problems.add(
                    (*where, "slo") if o.slo is not None else (*where, "model"),
                    f"no replica of {sizes} {o.gpu} GPU(s) serving {o.model} in {precision} with "
                    f"{engine} meets {slo.describe()} for {request[0]:,.0f} in / "
                    f"{request[1]:,.0f} out tokens: the best it reaches is TTFT "
                    f"{plan.best_ttft_ms:,.0f} ms and TPOT {plan.best_tpot_ms:,.1f} ms (one "
                    "request in flight); loosen the target, or choose a faster GPU or a lower "
                    "precision")
                return None
            point = plan.point
    except TcoError as error:
        _capacity_problem(option, error, record)
        return None
    if (too_long := context_note(m, *request)) is not None:
        record.warn(f"{o.name}: {too_long}")
    shape = f"{request[0]:,.0f} in / {request[1]:,.0f} out tokens per request"
    where_text = f"{engine}, {parallelism}={n}, {precision}, {shape}"
    if slo is None:
        how = (f"at the most requests the KV cache holds, {point.concurrency:,} a replica (slo: none, the "
               "offline maximum)")
    else:
        how = f"at the operating point of {slo.describe()}: {point.concurrency:,} requests in flight a replica"
    source = (f"latency model (tco/capacity/latency.py) for {where_text}, {how}; predicted mean TTFT "
              f"{point.ttft_ms:,.0f} ms, TPOT {point.tpot_ms:,.1f} ms; calibrated on measured serving runs "
              f"({CAPACITY_CALIBRATION})")
    brief = f"latency model, {engine} {parallelism}={n} at {point.concurrency:,} in flight"
    if gpus_per_replica is None:
        why = (f"cheapest per token of 1, 2, 4 and 8 {o.gpu} GPUs that meet {slo.describe()}"
               if slo is not None else
               f"smallest of 1, 2, 4, 8 {o.gpu} GPUs holding {o.model} in {precision} and a useful KV cache")
        record.assume(f"{label}.gpus_per_replica", n, f"{why} ({where_text})",
                      "latency model" if slo is not None else "capacity model memory fit")
    record.assume(f"{label}.concurrency", point.concurrency,
                  f"requests in flight per replica, {how.split(': ')[0] if slo is not None else how}; the KV cache "
                  f"holds {limit:,}", "latency model")
    record.assume(f"{label}.latency", f"TTFT {point.ttft_ms:,.0f} ms, TPOT {point.tpot_ms:,.1f} ms",
                  f"predicted means at {point.concurrency:,} requests in flight ({where_text})", "latency model")
    x = given.input_tokens_per_second
    y = given.output_tokens_per_second
    if x is None:
        x = significant(point.input_tokens_per_second_per_gpu)
        record.assume(f"{label}.throughput.input_tokens_per_second", shown(x), source, brief)
    if y is None:
        y = significant(point.decode_tokens_per_second_per_gpu)
        record.assume(f"{label}.throughput.output_tokens_per_second", shown(y), source, brief)
    serving = ServingInputs(engine=engine, slo=slo.describe() if slo is not None else "none",
                            ttft_target_ms=slo.ttft_ms if slo is not None else None,
                            tpot_target_ms=slo.tpot_ms if slo is not None else None,
                            concurrency=point.concurrency, ttft_ms=point.ttft_ms, tpot_ms=point.tpot_ms)
    return Capacity(x, y, n, parallelism, "estimated", serving)


def _estimate(option: _Option, model: Entry, gpu: Entry, precision: str, parallelism: Parallelism,
              gpus_per_replica: int | None, record: Record) -> tuple[ReplicaSize, str, str] | None:
    """The capacity model's sizing of this option, a short description of the case, and the full source."""
    o = option.o
    request_in, request_out = _request_shape(option, record)
    try:
        size = size_replica(model_spec_of(model), gpu_spec_of(gpu), precision, request_in, request_out,
                            gpus_per_replica, parallelism)
    except TcoError as error:
        _capacity_problem(option, error, record)
        return None
    brief = (f"{request_in:,.0f} in / {request_out:,.0f} out tokens per request, {parallelism}="
             f"{size.gpus_per_replica}, {precision}")
    measured_note = f"no measured entry {o.model}/{o.gpu}/{precision} in pricing/throughput.yaml"
    source = (f"estimated by the capacity model (tco/capacity/model.py) for {brief}: {measured_note}; "
              f"calibrated on published measurements: within {CALIBRATION_TYPICAL_ERROR} "
              f"({CAPACITY_CALIBRATION}); give measured figures in throughput: when you have them")
    return size, brief, source


def _carry_measured(option: _Option, measured: Entry, model: Entry | None, gpu: Entry | None, precision: str,
                    x: float, y: float, record: Record) -> tuple[float, float]:
    """A measured entry's X and Y carried from the request shape they were measured at to this
    workload's, by the capacity model (throughput.yaml `input_tokens`, `output_tokens`); recorded in
    the two assumptions. Unchanged when the entry states no shape or the tables cannot size the model."""
    o, label = option.o, option.label
    try:
        measured_at = measured_shape(measured)
    except TcoError as error:  # the table's own mistake: name its file and entry, not the scenario's line
        record.context.problems.items.extend(error.problems)
        return x, y
    if measured_at is None or model is None or gpu is None or not _has_capacity_fields(model, gpu):
        return x, y
    request = _request_shape(option, record)
    if request == measured_at:
        return x, y
    n = int(measured.get("gpus_per_replica") or 1)
    layout = str(measured.get("parallelism") or "tp")
    try:
        if (too_long := context_note(model_spec_of(model), *request)) is not None:
            record.warn(f"{o.name}: {too_long}")
        carried = carried_figures(record.context.catalog, measured, model, gpu, precision, measured_at, request)
    except TcoError as error:
        record.warn(f"{o.name}: the measured {measured.key} figures cannot be carried to "
                    f"{request[0]:,.0f} in / {request[1]:,.0f} out tokens per request: "
                    f"{error.problems[0].message}; using them as measured")
        return x, y
    note = (f"; measured at {measured_at[0]:,.0f} in / {measured_at[1]:,.0f} out tokens per request, carried to "
            f"{request[0]:,.0f} in / {request[1]:,.0f} out by the capacity model (tco/capacity/model.py, same "
            f"{layout}={n} replica)")
    short = (f"carried from {measured_at[0]:,.0f}/{measured_at[1]:,.0f} to {request[0]:,.0f}/{request[1]:,.0f} "
             "tokens")
    for i, assumption in enumerate(record.assumptions):
        for name, value in (("input_tokens_per_second", carried[0]), ("output_tokens_per_second", carried[1])):
            if assumption.field == f"{label}.throughput.{name}":
                record.assumptions[i] = _carried(assumption, shown(value), note, short)
    return carried


def _carried(assumption: Assumption, value: float | int, note: str, short: str) -> Assumption:
    return replace(assumption, value=value, source=assumption.source + note,
                   brief=f"{assumption.short_source}, {short}")
