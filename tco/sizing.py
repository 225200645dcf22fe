"""`tco size`: the capacity model applied to table entries or to a scenario's self-hosted options.

`tco.capacity` is pure arithmetic; this module looks the model and the GPU up in the pricing tables,
prefers a measured throughput.yaml entry where one exists (as the engine does), and adds the rent,
so that the command and the engine tell the same story.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tco.capacity import (
    GpuSpec,
    MemoryBreakdown,
    ModelSpec,
    carry_measured,
    concurrency,
    context_note,
    effective_output_rate,
    gpu_spec,
    kv_precision,
    memory_fit,
    model_spec,
    significant,
    size_replica,
)
from tco.catalog import Catalog, Entry
from tco.errors import TcoError
from tco.inputs import SelfHostedInputs
from tco.scenario import LoadedScenario

DEFAULT_INPUT_TOKENS = 1000  # request shape of `tco size --model --gpu` when none is given
DEFAULT_OUTPUT_TOKENS = 1000


@dataclass(frozen=True)
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
    notes: tuple[str, ...] = field(default=())

    @property
    def effective_output_tokens_per_second_per_gpu(self) -> float:
        """O / (I/X + O/Y): output tokens per GPU-second for this request mix."""
        return effective_output_rate(self.input_tokens_per_request, self.output_tokens_per_request,
                                     self.input_tokens_per_second_per_gpu, self.output_tokens_per_second_per_gpu)

    @property
    def cost_per_million_tokens(self) -> float | None:
        """Rent per 1M tokens (input + output) with every GPU fully busy: (I/X + O/Y) GPU-seconds per
        request at the hourly rate, over the request's I + O tokens. None without a rent."""
        if self.hourly_rate_per_gpu is None:
            return None
        seconds = (self.input_tokens_per_request / self.input_tokens_per_second_per_gpu
                   + self.output_tokens_per_request / self.output_tokens_per_second_per_gpu)
        tokens = self.input_tokens_per_request + self.output_tokens_per_request
        return seconds * self.hourly_rate_per_gpu / 3600 / tokens * 1e6


def _entry(catalog: Catalog, kind: str, key: str, option: str) -> Entry:
    entry = catalog.get(kind, key)
    if entry is None:
        raise TcoError.single(catalog.table_label(kind), f"{key!r} is not in {catalog.table_label(kind)}"
                              f"{catalog.suggest(kind, key)}", field=option)
    return entry


def _rent(gpu: Entry, cloud: str | None) -> tuple[float | None, str | None]:
    rents: dict[str, float] = gpu.get("rent_per_hour") or {}
    if cloud is not None:
        if cloud not in rents:
            from tco.errors import did_you_mean

            raise TcoError.single("pricing/gpus.yaml", f"{gpu.key} has no rent price for {cloud!r} (listed: "
                                  f"{', '.join(sorted(rents)) or 'none'}){did_you_mean(cloud, rents, most=1)}",
                                  field="--cloud")
        return float(rents[cloud]), cloud
    if not rents:
        return None, None
    cheapest = min(rents, key=lambda c: rents[c])
    return float(rents[cheapest]), cheapest


def measured_shape(entry: Entry) -> tuple[float, float] | None:
    """The request shape (input, output tokens) a throughput.yaml entry's X and Y hold for, when it says.

    Raises TcoError when the entry states one of the two: X and Y for half a shape cannot be carried,
    and using them as they are would silently apply them to any request."""
    at_in, at_out = entry.get("input_tokens"), entry.get("output_tokens")
    if (at_in is None) != (at_out is None):
        given, lacking = ("input_tokens", "output_tokens") if at_out is None else ("output_tokens", "input_tokens")
        raise TcoError.single(entry.origin(given).file, f"states {given} but not {lacking}: the request shape its "
                              "X and Y hold for needs both (or neither, to use them for any request)",
                              field=f"{entry.key}.{lacking}")
    if at_in is None or at_out is None:
        return None
    return float(at_in), float(at_out)


def measured_on(catalog: Catalog, measured: Entry, model: Entry, gpu: Entry) -> tuple[ModelSpec, GpuSpec]:
    """The model and GPU a measured entry describes, for carrying it to another request shape.

    A bundled measurement was taken on the bundled model and GPU, so it is carried with their specs
    even where the user's tables change them (a GPU's bandwidth edited does not change what was
    measured, and must not bend the measured figures); the user's own measurement uses the specs as
    the tables give them after the overlay.
    """
    source = catalog
    if catalog.is_bundled(measured, "input_tokens_per_second") and \
            catalog.is_bundled(measured, "output_tokens_per_second"):
        source = catalog.bundled_only()
    model = source.get("models", model.key) or model
    gpu = source.get("gpus", gpu.key) or gpu
    return model_spec(model.key, model.values), gpu_spec(gpu.key, gpu.values)


def carried_figures(catalog: Catalog, measured: Entry, model: Entry, gpu: Entry, precision: str,
                    measured_at: tuple[float, float], request: tuple[float, float]) -> tuple[float, float]:
    """A measured entry's X and Y carried from the shape they hold for to `request`, on the measured
    replica and the hardware it was measured on (`measured_on`). Raises TcoError when the request
    does not fit that replica."""
    n = int(measured.get("gpus_per_replica") or 1)
    layout = str(measured.get("parallelism") or "tp")
    figures = float(measured.get("input_tokens_per_second")), float(measured.get("output_tokens_per_second"))
    return carry_measured(*measured_on(catalog, measured, model, gpu), precision, n, layout, figures, measured_at,
                          request)


def size_from_tables(catalog: Catalog, model_key: str, gpu_key: str, precision: str = "bf16",
                     input_tokens: float = DEFAULT_INPUT_TOKENS, output_tokens: float = DEFAULT_OUTPUT_TOKENS,
                     gpus_per_replica: int | None = None, parallelism: str | None = None,
                     cloud: str | None = None) -> SizeReport:
    """Size `model_key` on `gpu_key`: the measured throughput.yaml entry when it exists for this model,
    GPU and precision (and replica size and layout, if asked for), else the capacity model's estimate.
    `parallelism` None means the measured entry's layout, else tp."""
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
    model = model_spec(model_key, model_entry.values)
    gpu = gpu_spec(gpu_key, gpu_entry.values)
    hourly, chosen_cloud = _rent(gpu_entry, cloud)
    measured = catalog.get("throughput", f"{model_key}/{gpu_key}/{precision}")
    measured_n = int(measured.get("gpus_per_replica") or 1) if measured else None
    measured_layout = str(measured.get("parallelism") or "tp") if measured else "tp"
    if measured is not None and gpus_per_replica in (None, measured_n) and parallelism in (None, measured_layout) \
            and measured.get("input_tokens_per_second") and measured.get("output_tokens_per_second"):
        assert measured_n is not None
        parallelism = measured_layout
        breakdown, kv_tokens = memory_fit(model, gpu, precision, measured_n, parallelism)
        x, y = float(measured.get("input_tokens_per_second")), float(measured.get("output_tokens_per_second"))
        notes = [f"measured: {measured.get('benchmark') or measured.origin('*').citation}"]
        if (note := context_note(model, input_tokens, output_tokens)) is not None:
            notes.append(note)
        carried = measured_shape(measured)
        if carried is not None and carried != (input_tokens, output_tokens):
            try:
                x, y = carried_figures(catalog, measured, model_entry, gpu_entry, precision, carried,
                                       (input_tokens, output_tokens))
            except TcoError as error:
                raise TcoError.single("tco size", error.problems[0].message, field="--input-tokens") from None
            notes.append(f"measured at {carried[0]:,.0f} in / {carried[1]:,.0f} out tokens per request; carried to "
                         f"{input_tokens:,.0f} in / {output_tokens:,.0f} out by the capacity model")
        return SizeReport(
            model=model_key, gpu=gpu_key, precision=precision, parallelism=parallelism,
            gpus_per_replica=measured_n, memory=breakdown,
            max_concurrency=concurrency(model, kv_precision(model, gpu, precision), kv_tokens, input_tokens,
                                        output_tokens),
            input_tokens_per_request=input_tokens, output_tokens_per_request=output_tokens,
            input_tokens_per_second_per_gpu=x, output_tokens_per_second_per_gpu=y,
            source="measured", hourly_rate_per_gpu=hourly, cloud=chosen_cloud, notes=tuple(notes))
    parallelism = parallelism or "tp"
    try:
        size = size_replica(model, gpu, precision, input_tokens, output_tokens, gpus_per_replica, parallelism)
    except TcoError as error:
        # A model too big for any replica is the model's (on this GPU, at this precision), not a flag's the
        # user did not give.
        flags = {"gpus_per_replica": "--gpus-per-replica" if gpus_per_replica is not None else "--model",
                 "parallelism": "--parallelism", "precision": "--precision", "output_tokens": "--output-tokens"}
        raise TcoError.single("tco size", error.problems[0].message,
                              field=flags.get(error.problems[0].field, "")) from None
    return SizeReport(
        model=model_key, gpu=gpu_key, precision=precision, parallelism=parallelism,
        gpus_per_replica=size.gpus_per_replica, memory=size.memory, max_concurrency=size.max_concurrency,
        input_tokens_per_request=input_tokens, output_tokens_per_request=output_tokens,
        input_tokens_per_second_per_gpu=significant(size.input_tokens_per_second_per_gpu),
        output_tokens_per_second_per_gpu=significant(size.output_tokens_per_second_per_gpu), source="estimated",
        hourly_rate_per_gpu=hourly, cloud=chosen_cloud, notes=size.notes)


def size_scenario(loaded: LoadedScenario, catalog: Catalog) -> list[SizeReport]:
    """One report per self-hosted option of a resolved scenario, with the figures the engine uses."""
    workload = loaded.inputs.workload
    reports = []
    for option in loaded.inputs.options:
        if not isinstance(option, SelfHostedInputs):
            continue
        reports.append(_option_report(option, workload.input_tokens_per_request,
                                      workload.output_tokens_per_request,
                                      workload.input_tokens_month1, workload.output_tokens_month1, catalog))
    if not reports:
        raise TcoError.single(loaded.source, "the scenario has no self_hosted option to size", field="options")
    return reports


def _option_report(option: SelfHostedInputs, request_in: float | None, request_out: float | None,
                   month_in: float, month_out: float, catalog: Catalog) -> SizeReport:
    from tco.resolve import DEFAULT_OUTPUT_TOKENS_PER_REQUEST

    if request_in is None or request_out is None:
        request_out = float(DEFAULT_OUTPUT_TOKENS_PER_REQUEST)
        request_in = request_out * (month_in / month_out if month_out else 1.0)
    notes: list[str] = []
    memory = MemoryBreakdown(0.0, 0.0, 0.0, 0.0)
    fits = 0
    model_entry = catalog.get("models", option.model) if option.model else None
    gpu_entry = catalog.get("gpus", option.gpu) if option.gpu else None
    if model_entry is not None and gpu_entry is not None:
        try:
            model = model_spec(model_entry.key, model_entry.values)
            gpu = gpu_spec(gpu_entry.key, gpu_entry.values)
            memory, kv_tokens = memory_fit(model, gpu, option.precision, option.gpus_per_replica, option.parallelism)
            fits = concurrency(model, kv_precision(model, gpu, option.precision), kv_tokens, request_in,
                               request_out)
            if fits < 1:
                notes.append(f"the weights do not leave room for one request's KV cache on {option.gpus_per_replica} "
                             "GPU(s): the throughput given cannot be reached")
        except TcoError as error:
            notes.extend(problem.message for problem in error.problems)
    else:
        notes.append("no model and gpu table entries: memory not sized")
    hourly: float | None = option.hourly_rate_per_gpu or None
    cloud = None
    if option.acquisition == "buy" and gpu_entry is not None:
        hourly, cloud = _rent(gpu_entry, None)  # owned GPUs: what renting them would cost, for comparison
    return SizeReport(
        model=option.model or "", gpu=option.gpu or "", precision=option.precision,
        parallelism=option.parallelism, gpus_per_replica=option.gpus_per_replica, memory=memory,
        max_concurrency=fits, input_tokens_per_request=request_in, output_tokens_per_request=request_out,
        input_tokens_per_second_per_gpu=option.input_tokens_per_second,
        output_tokens_per_second_per_gpu=option.output_tokens_per_second, source=option.throughput_source,
        hourly_rate_per_gpu=hourly, cloud=cloud, option=option.name, notes=tuple(notes))
