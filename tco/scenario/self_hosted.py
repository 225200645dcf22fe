"""The self-hosted option step of resolving a scenario: capacity, how the GPUs are paid for, what runs them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from tco.defaults import DEFAULTS, Default
from tco.engine.inputs import ApiInputs, SelfHostedInputs, WorkloadInputs
from tco.errors import did_you_mean, echoed
from tco.frozen import frozen
from tco.load import schema
from tco.load.yamlsource import Path
from tco.pricing.catalog import Entry
from tco.pricing.origins import files_of
from tco.scenario.costs import TuningRate, resolve_shared
from tco.scenario.record import Context, Record, Recorded, table_assumption
from tco.scenario.throughput import resolve_capacity

# Data centres run at a power usage effectiveness of 1.1 to 2; above this, `pue` is warned about.
HIGHEST_USUAL_PUE = 3.0
_RENT_ONLY = ("cloud", "hourly_rate_per_gpu", "rent_change_per_year")
_BUY_ONLY = ("purchase_price_per_gpu", "server_cost_share", "lifetime_months", "residual_value", "power",
             "hosting_per_gpu_month", "maintenance_per_year")


@frozen
class ResolvedSelfHosted:
    """A self-hosted option's engine inputs (None when it has problems, already reported), the GPU-hour
    rate fine-tuning runs on its fleet default to (a hybrid of this fleet defaults to it too), and what
    was assumed."""

    inputs: SelfHostedInputs | None
    tuning: TuningRate
    recorded: Recorded


def resolve_self_hosted(o: schema.SelfHostedOption, index: int, apis: dict[str, ApiInputs], baseline: str | None,
                        workload: WorkloadInputs, context: Context) -> ResolvedSelfHosted:
    """The option's capacity (`resolve_capacity`), its rent or purchase, power and hosting, go-live and
    fallback, and shared costs; warnings for the costs an option that runs its own GPUs leaves out."""
    record = Record(context)
    label = f"options.{o.name}"
    where: Path = ("options", index)
    model = context.lookup("models", o.model, (*where, "model"))
    gpu = context.lookup("gpus", o.gpu, (*where, "gpu"))
    acquisition = record.default(f"{label}.acquisition", o.acquisition, DEFAULTS.acquisition)
    scaling: Literal["fixed", "scheduled", "autoscale"] = (
        record.default(f"{label}.scaling", o.scaling, DEFAULTS.scaling) if acquisition == "rent" else "fixed")
    _warn_ignored_fields(o, acquisition, record)
    resolved = resolve_capacity(o, index, model, gpu, workload, context)
    record.take(resolved.recorded)
    capacity = resolved.capacity
    purchase: float | None = 0.0
    watts: float | None = 0.0
    if acquisition == "rent":
        hourly = _hourly_rate(o, gpu, where, label, record)
        tuning = TuningRate(hourly)
    else:
        hourly = 0.0
        purchase, watts = _purchase(o, label, where, gpu, record)
        tuning = _owned_tuning_rate(o, gpu, label)
    if not o.staff:
        record.warn(f"{o.name} has no staff cost: someone has to run, patch and watch it "
                    "(add staff: {fte, cost_per_fte_year})")
    if acquisition == "buy" and o.hosting_per_gpu_month is None:
        record.warn(f"{o.name} has no hosting cost: owned GPUs need rack space, power delivery and "
                    "cooling somewhere (add hosting_per_gpu_month)")
    if acquisition == "buy" and o.maintenance_per_year is None:
        record.warn(f"{o.name} has no maintenance cost: owned servers need support contracts and "
                    "spare parts (add maintenance_per_year, e.g. 8%)")
    if acquisition == "buy" and o.power is not None and o.power.pue is not None and o.power.pue > HIGHEST_USUAL_PUE:
        record.warn(_unusual_pue(o.name, o.power.pue))
    go_live, fallback = _go_live(o, label, where, apis, baseline, record)
    shared = resolve_shared(o, label, index, record, tuning)
    if capacity is None or (acquisition == "rent" and not hourly) or \
            (acquisition == "buy" and (purchase is None or watts is None)):
        return ResolvedSelfHosted(None, tuning, record.done())
    power = o.power or schema.Power()
    is_buy = acquisition == "buy"

    def buy_default(name: str, given: Any, default: Default[Any]) -> Any:
        return record.default(f"{label}.{name}", given, default) if is_buy else default.value

    inputs = SelfHostedInputs(
        name=o.name,
        input_tokens_per_second=capacity.input_tokens_per_second,
        output_tokens_per_second=capacity.output_tokens_per_second,
        gpus_per_replica=capacity.gpus_per_replica,
        parallelism=capacity.parallelism,
        throughput_source=capacity.source,
        precision=o.precision or DEFAULTS.precision.value,
        min_replicas=record.default(f"{label}.min_replicas", o.min_replicas, DEFAULTS.min_replicas),
        max_utilization=record.default(f"{label}.max_utilization", o.max_utilization, DEFAULTS.max_utilization),
        acquisition=acquisition,
        scaling=scaling,
        hourly_rate_per_gpu=hourly,
        rent_change_per_year=(DEFAULTS.rent_change_per_year.value if is_buy else
                              record.default(f"{label}.rent_change_per_year", o.rent_change_per_year,
                                             DEFAULTS.rent_change_per_year)),
        purchase_price_per_gpu=purchase or 0.0,
        server_cost_share=buy_default("server_cost_share", o.server_cost_share, DEFAULTS.server_cost_share),
        lifetime_months=buy_default("lifetime_months", o.lifetime_months, DEFAULTS.lifetime_months),
        residual_value=buy_default("residual_value", o.residual_value, DEFAULTS.residual_value),
        watts_per_gpu=watts or 0.0,
        price_per_kwh=buy_default("power.price_per_kwh", power.price_per_kwh, DEFAULTS.price_per_kwh),
        pue=buy_default("power.pue", power.pue, DEFAULTS.pue),
        load_factor=buy_default("power.load_factor", power.load_factor, DEFAULTS.load_factor),
        power_hours_per_month=buy_default("power.hours_per_month", power.hours_per_month,
                                          DEFAULTS.power_hours_per_month),
        hosting_per_gpu_month=buy_default("hosting_per_gpu_month", o.hosting_per_gpu_month,
                                          DEFAULTS.hosting_per_gpu_month),
        maintenance_per_year=buy_default("maintenance_per_year", o.maintenance_per_year,
                                         DEFAULTS.maintenance_per_year),
        go_live_month=go_live,
        fallback=fallback,
        shared=shared,
        model=o.model,
        model_name=str(model.get("name")) if model and model.get("name") else None,
        gpu=o.gpu,
        gpu_name=_short_gpu_name(gpu),
        serving=capacity.serving,
    )
    return ResolvedSelfHosted(inputs, tuning, record.done())


def _unusual_pue(name: str, pue: float) -> str:
    """The warning for a `power.pue` beyond any data centre's: 14 is more likely 1.4 with its point lost."""
    guess = f"; did you mean {pue / 10:g}?" if 10 <= pue < 10 * HIGHEST_USUAL_PUE else ""
    return (f"{name}: power.pue {pue:g} is far above a data centre's 1.1 to 2 ({DEFAULTS.pue.value:g} by default), "
            f"and multiplies its electricity by {pue:g}{guess}")


def _warn_ignored_fields(o: schema.SelfHostedOption, acquisition: str, record: Record) -> None:
    """Fields of the other acquisition are allowed (so `--set ...acquisition=buy` works) but said."""
    for name in _RENT_ONLY if acquisition == "buy" else _BUY_ONLY:
        if getattr(o, name) is not None:
            record.warn(f"{o.name}: {name} is ignored because the option "
                        f"{'buys' if acquisition == 'buy' else 'rents'} its GPUs")
    if acquisition == "buy" and o.scaling == "scheduled":
        record.warn(f"{o.name}: scaling: scheduled has no effect on owned GPUs; "
                    "set power.hours_per_month to power them only in the active hours")


def _purchase(o: schema.SelfHostedOption, label: str, where: Path, gpu: Entry | None,
              record: Record) -> tuple[float | None, float | None]:
    """Purchase price and whole-server watts per GPU of an option that buys: inline, else the GPU table."""
    problems = record.context.problems
    purchase = record.from_table(f"{label}.purchase_price_per_gpu", o.purchase_price_per_gpu, gpu, "purchase_price")
    if purchase is None:
        problems.add((*where, "purchase_price_per_gpu") if o.gpu is None else (*where, "gpu"),
                     "no purchase price: give purchase_price_per_gpu"
                     + (f" ({files_of(gpu, 'purchase_price')} {o.gpu} has none)" if gpu else ""))
    power = o.power or schema.Power()
    watts = record.from_table(f"{label}.power.watts_per_gpu", power.watts_per_gpu, gpu, "watts")
    if watts is None:
        problems.add((*where, "power", "watts_per_gpu") if o.gpu is None else (*where, "gpu"),
                     "no power draw: give power.watts_per_gpu (whole-server watts per GPU"
                     + (f"; {files_of(gpu, 'watts')} {o.gpu} has none)" if gpu else ")"))
    return purchase, watts


def _go_live(o: schema.SelfHostedOption, label: str, where: Path, apis: dict[str, ApiInputs],
             baseline: str | None, record: Record) -> tuple[int, ApiInputs | None]:
    """The go-live month and the API that serves the traffic before it (default: the baseline)."""
    go_live: int = record.default(f"{label}.go_live_month", o.go_live_month, DEFAULTS.go_live_month)
    if go_live == 1:
        return go_live, None
    name = o.fallback or baseline
    if name is None:
        record.context.problems.add((*where, "go_live_month"), "traffic before go-live needs an api option to "
                                    "serve it (fallback)")
        return go_live, None
    if o.fallback is None:
        record.assume(f"{label}.fallback", name, "tco default: the baseline")
    return go_live, apis.get(name)


def _owned_tuning_rate(o: schema.SelfHostedOption, gpu: Entry | None, label: str) -> TuningRate:
    """The rent per GPU-hour an owned option's fine-tuning runs default to (it has no rent of its
    own): the GPU's rent in gpus.yaml on the option's `cloud`, else the lowest listed, with the
    table's citation; none when the table lists no rent."""
    rents: dict[str, float] = (gpu.get("rent_per_hour") or {}) if gpu else {}
    if gpu is None or not rents:
        return TuningRate()
    cloud = o.cloud if o.cloud in rents else min(rents, key=lambda c: rents[c])
    cited = table_assumption(label, rents[cloud], gpu, "rent_per_hour", f"rent_per_hour.{cloud}")
    how = "" if cloud == o.cloud else " (the lowest listed)"
    return TuningRate(float(rents[cloud]), replace(cited, source=cited.source + how, brief=cited.brief + how))


def _hourly_rate(o: schema.SelfHostedOption, gpu: Entry | None, where: Path, label: str, record: Record) -> float:
    """Rent per GPU-hour: inline, else the GPU's rent in gpus.yaml on the option's `cloud`, else the lowest."""
    if o.hourly_rate_per_gpu is not None:
        return o.hourly_rate_per_gpu
    problems = record.context.problems
    rents: dict[str, float] = (gpu.get("rent_per_hour") or {}) if gpu else {}
    if gpu is None:
        if o.gpu is None:
            problems.add((*where, "hourly_rate_per_gpu"), "required for rented GPUs when no gpu key is given")
        return 0.0
    if not rents:
        problems.add((*where, "gpu"), f"{files_of(gpu, 'rent_per_hour')} {gpu.key} lists no rent_per_hour; "
                     "give hourly_rate_per_gpu")
        return 0.0
    if o.cloud is not None:
        if o.cloud not in rents:
            problems.add((*where, "cloud"), f"{files_of(gpu, 'rent_per_hour')} {gpu.key} has no rent price for "
                         f"{echoed(o.cloud)} (listed: {', '.join(sorted(rents))})"
                         f"{did_you_mean(o.cloud, rents, most=1)}")
            return 0.0
        cloud = o.cloud
    else:
        cloud = min(rents, key=lambda c: rents[c])
        record.assume(f"{label}.cloud", cloud,
                      f"tco default: the lowest rent listed in {files_of(gpu, 'rent_per_hour')}")
    # One cloud's price may come from the user's file and another's from the bundled table.
    record.assumptions.append(table_assumption(f"{label}.hourly_rate_per_gpu", rents[cloud], gpu,
                                               f"rent_per_hour.{cloud}"))
    record.check_age(gpu, "rent_per_hour", gpu.origin(f"rent_per_hour.{cloud}"))
    return float(rents[cloud])


def _short_gpu_name(gpu: Entry | None) -> str | None:
    """"NVIDIA H100 SXM" -> "H100 SXM": the vendor is noise in a sentence."""
    if gpu is None or not gpu.get("name"):
        return None
    name = str(gpu.get("name"))
    for vendor in ("NVIDIA ", "AMD "):
        name = name.removeprefix(vendor)
    return name
