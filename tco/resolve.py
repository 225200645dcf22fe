"""Resolving a validated scenario: defaults and pricing-table values applied, each one recorded.

Every value that did not come from the file becomes an `Assumption` naming its source and date
(DESIGN §3, §5); table lookups that fail become problems naming the table and the key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from tco import schema
from tco.catalog import Catalog, Entry, FieldOrigin
from tco.errors import did_you_mean
from tco.inputs import (
    DAYS_PER_MONTH,
    ApiInputs,
    FineTuningInputs,
    OptionInputs,
    ScenarioInputs,
    SelfHostedInputs,
    SharedCosts,
    WorkloadInputs,
)
from tco.results import DEFAULT_SOURCE, Assumption
from tco.validation import Problems
from tco.yamlsource import Path

STALE_AFTER_DAYS = 365
_RENT_ONLY = ("cloud", "hourly_rate_per_gpu", "rent_change_per_year")
_BUY_ONLY = ("purchase_price_per_gpu", "server_cost_share", "lifetime_months", "residual_value", "power",
             "hosting_per_gpu_month", "maintenance_per_year")


def month1_tokens(requests_per_day: Any, tokens_per_request: Any) -> Any:
    """Month-1 tokens of form A (DESIGN §4): requests/day × 365/12 × tokens/request (numbers or arrays)."""
    return requests_per_day * DAYS_PER_MONTH * tokens_per_request


def monthly_from_annual(annual_growth: Any) -> Any:
    """Monthly growth g of an annual growth G (DESIGN §4): (1 + G)^(1/12) − 1 (numbers or arrays)."""
    return (1 + annual_growth) ** (1 / 12) - 1


class Resolver:
    """Applies defaults and table values to a validated scenario, recording each as an assumption."""

    def __init__(self, scenario: schema.Scenario, catalog: Catalog, problems: Problems, today: dt.date) -> None:
        self.scenario = scenario
        self.catalog = catalog
        self.problems = problems
        self.today = today
        self.assumptions: list[Assumption] = []
        self.warnings: list[str] = []
        self._stale_warned: set[tuple[str, str]] = set()
        self.cached_share = 0.0

    # helpers
    def default(self, label: str, given: Any, value: Any, source: str = DEFAULT_SOURCE) -> Any:
        """`given` if the file gave it, else `value`, recorded as an assumption."""
        if given is not None:
            return given
        self.assumptions.append(Assumption(label, value, source))
        return value

    def from_table(self, label: str, given: Any, entry: Entry | None, name: str) -> Any:
        if given is not None:
            return given
        if entry is None or entry.get(name) is None:
            return None
        self.assumptions.append(_table_assumption(label, entry.get(name), entry, name))
        self._check_age(entry, entry.origin(name))
        return entry.get(name)

    def _check_age(self, entry: Entry, origin: FieldOrigin) -> None:
        """Warn once per entry about a price older than a year (measurements do not go stale)."""
        as_of = origin.as_of
        if entry.table not in ("api", "gpus") or as_of is None or (entry.table, entry.key) in self._stale_warned:
            return
        try:
            age = (self.today - dt.date.fromisoformat(as_of)).days
        except ValueError:
            return
        if age > STALE_AFTER_DAYS:
            self._stale_warned.add((entry.table, entry.key))
            self.warnings.append(f"the price of {entry.key} in {origin.file} is "
                                 f"{age} days old (as of {as_of}); check it, and set the current one inline "
                                 "or in your pricing folder")

    def lookup(self, kind: str, key: str | None, path: Path) -> Entry | None:
        if key is None:
            return None
        entry = self.catalog.get(kind, key)
        if entry is None:
            self.problems.add(path, f"{key!r} is not in {self.catalog.table_label(kind)}"
                              f"{self.catalog.suggest(kind, key)}")
        return entry

    # the scenario
    def resolve(self, basis: str | None) -> ScenarioInputs:
        s = self.scenario
        finance = s.finance or schema.Finance()
        horizon = self.default("horizon_months", s.horizon_months, 36)
        workload = self.workload(s.workload)
        self.cached_share = workload.cached_input_share
        api_names = [o.name for o in s.options if isinstance(o, schema.ApiOption)]
        baseline = s.baseline
        if baseline is None and api_names:
            baseline = self.default("baseline", None, api_names[0], "tco default: the first api option")
        apis: dict[str, ApiInputs] = {}
        resolved: list[OptionInputs] = []
        for index, option in enumerate(s.options):
            if isinstance(option, schema.ApiOption):
                api = self.api_option(option, index)
                if api is not None:
                    apis[option.name] = api
                    resolved.append(api)
        for index, option in enumerate(s.options):
            if isinstance(option, schema.SelfHostedOption):
                hosted = self.self_hosted_option(option, index, apis, baseline, horizon)
                if hosted is not None:
                    resolved.append(hosted)
        order = {o.name: i for i, o in enumerate(s.options)}
        resolved.sort(key=lambda o: order[o.name])
        return ScenarioInputs(
            name=s.name,
            workload=workload,
            options=tuple(resolved),
            horizon_months=horizon,
            basis=basis or self.default("finance.basis", finance.basis, "cash"),  # type: ignore[arg-type]
            discount_rate=self.default("finance.discount_rate", finance.discount_rate, 0.0),
            baseline=baseline,
            start=s.start,
            currency=self.default("currency", s.currency, "USD"),
        )

    def workload(self, w: schema.Workload) -> WorkloadInputs:
        if w.requests_per_day is not None:
            assert w.input_tokens_per_request is not None and w.output_tokens_per_request is not None
            tokens_in = month1_tokens(w.requests_per_day, w.input_tokens_per_request)
            tokens_out = month1_tokens(w.requests_per_day, w.output_tokens_per_request)
        else:
            assert w.input_tokens_per_month is not None and w.output_tokens_per_month is not None
            tokens_in, tokens_out = w.input_tokens_per_month, w.output_tokens_per_month
        if w.annual_growth is not None:
            growth = monthly_from_annual(w.annual_growth)
        else:
            growth = self.default("workload.monthly_growth", w.monthly_growth, 0.0)
        return WorkloadInputs(
            input_tokens_month1=tokens_in,
            output_tokens_month1=tokens_out,
            monthly_growth=growth,
            cached_input_share=self.default("workload.cached_input_share", w.cached_input_share, 0.0),
            peak_to_average=self.default("workload.peak_to_average", w.peak_to_average, 2.0),
            active_hours_per_month=self.default("workload.active_hours_per_month", w.active_hours_per_month, 730.0),
            requests_per_day=w.requests_per_day,
            input_tokens_per_request=w.input_tokens_per_request,
            output_tokens_per_request=w.output_tokens_per_request,
        )

    def shared(self, option: schema.ApiOption | schema.SelfHostedOption, label: str,
               rent_rate: float | None, index: int) -> SharedCosts:
        staff = option.staff
        tuning = option.fine_tuning
        fine_tuning: FineTuningInputs | None = None
        if tuning is not None:
            rate = tuning.hourly_rate_per_gpu
            if rate is None and tuning.gpu_hours:
                if rent_rate is None:
                    self.problems.add(("options", index, "fine_tuning", "hourly_rate_per_gpu"),
                                      "required: this option has no GPU rent rate to default to")
                else:
                    rate = self.default(f"{label}.fine_tuning.hourly_rate_per_gpu", None, rent_rate,
                                        "tco default: the option's own GPU rent rate")
            fine_tuning = FineTuningInputs(
                gpu_hours=tuning.gpu_hours or 0.0,
                hourly_rate_per_gpu=rate or 0.0,
                training_tokens=tuning.training_tokens or 0.0,
                price_per_million_training_tokens=tuning.price_per_million_training_tokens or 0.0,
                data_cost=tuning.data_cost or 0.0,
                every_months=tuning.every_months,
            )
        return SharedCosts(
            staff_fte=staff.fte if staff else 0.0,
            cost_per_fte_year=staff.cost_per_fte_year if staff else 0.0,
            setup_cost=self.default(f"{label}.setup_cost", option.setup_cost, 0.0),
            other_monthly=self.default(f"{label}.other_monthly", option.other_monthly, 0.0),
            fine_tuning=fine_tuning,
        )

    def api_option(self, o: schema.ApiOption, index: int) -> ApiInputs | None:
        label = f"options.{o.name}"
        where: Path = ("options", index)
        entry = self.lookup("api", o.model, (*where, "model"))
        price = o.price or schema.TokenPrice()
        p_in = self.from_table(f"{label}.price.input", price.input, entry, "input")
        p_out = self.from_table(f"{label}.price.output", price.output, entry, "output")
        for name, value in (("input", p_in), ("output", p_out)):
            if value is None and (entry is not None or o.model is None):
                where_missing = (*where, "price", name) if o.price is not None else (*where, "price")
                self.problems.add(where_missing, f"no {name} price: give price.{name}"
                                  + (f" (pricing/api.yaml {o.model} has none)" if entry else ""))
        if p_in is None or p_out is None:
            return None
        # A cached price or batch discount that cannot change the result is not worth reporting.
        cached = price.cached_input
        if self.cached_share:
            cached = self.from_table(f"{label}.price.cached_input", cached, entry, "cached_input")
            if cached is None:
                cached = self.default(f"{label}.price.cached_input", None, p_in,
                                      "tco default: the input price (no cached price listed)")
        batch_share = self.default(f"{label}.batch_share", o.batch_share, 0.0)
        batch_discount = price.batch_discount
        if batch_share:
            batch_discount = self.from_table(f"{label}.price.batch_discount", batch_discount, entry,
                                             "batch_discount")
            batch_discount = self.default(f"{label}.price.batch_discount", batch_discount, 0.0)
        return ApiInputs(
            name=o.name,
            price_per_million_input_tokens=p_in,
            price_per_million_output_tokens=p_out,
            price_per_million_cached_input_tokens=p_in if cached is None else cached,
            batch_discount=batch_discount or 0.0,
            batch_share=batch_share,
            discount=self.default(f"{label}.discount", o.discount, 0.0),
            price_change_per_year=self.default(f"{label}.price_change_per_year", o.price_change_per_year, 0.0),
            fixed_monthly=self.default(f"{label}.fixed_monthly", o.fixed_monthly, 0.0),
            shared=self.shared(o, label, None, index),
            model=o.model,
        )

    def self_hosted_option(
        self,
        o: schema.SelfHostedOption,
        index: int,
        apis: dict[str, ApiInputs],
        baseline: str | None,
        horizon: int,
    ) -> SelfHostedInputs | None:
        label = f"options.{o.name}"
        where: Path = ("options", index)
        model = self.lookup("models", o.model, (*where, "model"))
        gpu = self.lookup("gpus", o.gpu, (*where, "gpu"))
        acquisition = self.default(f"{label}.acquisition", o.acquisition, "rent")
        scaling: Literal["fixed", "scheduled", "autoscale"] = (
            self.default(f"{label}.scaling", o.scaling, "fixed") if acquisition == "rent" else "fixed")
        self._warn_ignored_fields(o, acquisition)
        capacity = self._capacity(o, label, where, model, gpu)
        purchase: float | None = 0.0
        watts: float | None = 0.0
        if acquisition == "rent":
            hourly = self._hourly_rate(o, gpu, where, label)
            tuning_rate: float | None = hourly
        else:
            hourly = 0.0
            purchase, watts = self._purchase(o, label, where, gpu)
            tuning_rate = min(gpu.get("rent_per_hour").values()) if gpu and gpu.get("rent_per_hour") else None
        if not o.staff:
            self.warnings.append(f"{o.name} has no staff cost: someone has to run, patch and watch it "
                                 "(add staff: {fte, cost_per_fte_year})")
        go_live, fallback = self._go_live(o, label, where, apis, baseline)
        shared = self.shared(o, label, tuning_rate, index)
        if capacity is None or (acquisition == "rent" and not hourly) or \
                (acquisition == "buy" and (purchase is None or watts is None)):
            return None
        throughput_in, throughput_out, gpus_per_replica = capacity
        power = o.power or schema.Power()
        is_buy = acquisition == "buy"

        def buy_default(name: str, given: Any, value: Any) -> Any:
            return self.default(f"{label}.{name}", given, value) if is_buy else value

        return SelfHostedInputs(
            name=o.name,
            input_tokens_per_second=throughput_in,
            output_tokens_per_second=throughput_out,
            gpus_per_replica=gpus_per_replica,
            min_replicas=self.default(f"{label}.min_replicas", o.min_replicas, 1),
            max_utilization=self.default(f"{label}.max_utilization", o.max_utilization, 0.7),
            acquisition=acquisition,
            scaling=scaling,
            hourly_rate_per_gpu=hourly,
            rent_change_per_year=(0.0 if is_buy else
                                  self.default(f"{label}.rent_change_per_year", o.rent_change_per_year, 0.0)),
            purchase_price_per_gpu=purchase or 0.0,
            server_cost_share=buy_default("server_cost_share", o.server_cost_share, 0.25),
            lifetime_months=buy_default("lifetime_months", o.lifetime_months, 36),
            residual_value=buy_default("residual_value", o.residual_value, 0.0),
            watts_per_gpu=watts or 0.0,
            price_per_kwh=buy_default("power.price_per_kwh", power.price_per_kwh, 0.13),
            pue=buy_default("power.pue", power.pue, 1.4),
            load_factor=buy_default("power.load_factor", power.load_factor, 0.8),
            power_hours_per_month=buy_default("power.hours_per_month", power.hours_per_month, 730.0),
            hosting_per_gpu_month=buy_default("hosting_per_gpu_month", o.hosting_per_gpu_month, 0.0),
            maintenance_per_year=buy_default("maintenance_per_year", o.maintenance_per_year, 0.0),
            go_live_month=go_live,
            fallback=fallback,
            shared=shared,
            model=o.model,
            model_name=str(model.get("name")) if model and model.get("name") else None,
            gpu=o.gpu,
            gpu_name=_short_gpu_name(gpu),
        )

    def _warn_ignored_fields(self, o: schema.SelfHostedOption, acquisition: str) -> None:
        """Fields of the other acquisition are allowed (so `--set ...acquisition=buy` works) but said."""
        for name in _RENT_ONLY if acquisition == "buy" else _BUY_ONLY:
            if getattr(o, name) is not None:
                self.warnings.append(f"{o.name}: {name} is ignored because the option "
                                     f"{'buys' if acquisition == 'buy' else 'rents'} its GPUs")
        if acquisition == "buy" and o.scaling == "scheduled":
            self.warnings.append(f"{o.name}: scaling: scheduled has no effect on owned GPUs; "
                                 "set power.hours_per_month to power them only in the active hours")

    def _capacity(self, o: schema.SelfHostedOption, label: str, where: Path, model: Entry | None,
                  gpu: Entry | None) -> tuple[float, float, int] | None:
        """Per-GPU input and output tokens/s and GPUs per replica: inline, else the measured table entry."""
        measured: Entry | None = None
        if o.model and o.gpu:
            precision = self.default(f"{label}.precision", o.precision, "bf16")
            self.default(f"{label}.parallelism", o.parallelism, "tp")
            measured = self.catalog.get("throughput", f"{o.model}/{o.gpu}/{precision}")
        given = o.throughput or schema.Throughput()
        x = self.from_table(f"{label}.throughput.input_tokens_per_second", given.input_tokens_per_second,
                            measured, "input_tokens_per_second")
        y = self.from_table(f"{label}.throughput.output_tokens_per_second", given.output_tokens_per_second,
                            measured, "output_tokens_per_second")
        if x is None or y is None:
            if not (o.model and o.gpu):
                self.problems.add(where, "needs throughput: {input_tokens_per_second, output_tokens_per_second}, "
                                  "or model and gpu with a measured entry in pricing/throughput.yaml")
            elif model is not None and gpu is not None:
                self.problems.add((*where, "throughput"), f"no measured throughput for {o.model} on {o.gpu} in "
                                  f"{o.precision or 'bf16'} in pricing/throughput.yaml"
                                  f"{self._measured_hint(o.model, o.gpu)}; give throughput: "
                                  "{input_tokens_per_second, output_tokens_per_second}")
            return None
        # Per-GPU throughput measured on a replica of N GPUs holds for replicas of N GPUs.
        if o.gpus_per_replica is None and o.throughput is None and measured and measured.get("gpus_per_replica"):
            gpus_per_replica = int(self.from_table(f"{label}.gpus_per_replica", None, measured, "gpus_per_replica"))
        else:
            gpus_per_replica = self.default(f"{label}.gpus_per_replica", o.gpus_per_replica, 1)
        return x, y, gpus_per_replica

    def _purchase(self, o: schema.SelfHostedOption, label: str, where: Path,
                  gpu: Entry | None) -> tuple[float | None, float | None]:
        """Purchase price and whole-server watts per GPU of an option that buys: inline, else the GPU table."""
        purchase = self.from_table(f"{label}.purchase_price_per_gpu", o.purchase_price_per_gpu, gpu,
                                   "purchase_price")
        if purchase is None:
            self.problems.add((*where, "purchase_price_per_gpu") if o.gpu is None else (*where, "gpu"),
                              "no purchase price: give purchase_price_per_gpu"
                              + (f" (pricing/gpus.yaml {o.gpu} has none)" if gpu else ""))
        power = o.power or schema.Power()
        watts = self.from_table(f"{label}.power.watts_per_gpu", power.watts_per_gpu, gpu, "watts")
        if watts is None:
            self.problems.add((*where, "power", "watts_per_gpu") if o.gpu is None else (*where, "gpu"),
                              "no power draw: give power.watts_per_gpu (whole-server watts per GPU)")
        return purchase, watts

    def _go_live(self, o: schema.SelfHostedOption, label: str, where: Path, apis: dict[str, ApiInputs],
                 baseline: str | None) -> tuple[int, ApiInputs | None]:
        """The go-live month and the API that serves the traffic before it (default: the baseline)."""
        go_live: int = self.default(f"{label}.go_live_month", o.go_live_month, 1)
        if go_live == 1:
            return go_live, None
        name = o.fallback or baseline
        if name is None:
            self.problems.add((*where, "go_live_month"), "traffic before go-live needs an api option to "
                              "serve it (fallback)")
            return go_live, None
        if o.fallback is None:
            self.default(f"{label}.fallback", None, name, "tco default: the baseline")
        return go_live, apis.get(name)

    def _measured_hint(self, model: str, gpu: str) -> str:
        have = sorted(k.rsplit("/", 1)[-1] for k in self.catalog.keys("throughput")
                      if k.startswith(f"{model}/{gpu}/"))
        return f" (measured precisions: {', '.join(have)})" if have else ""

    def _hourly_rate(self, o: schema.SelfHostedOption, gpu: Entry | None, where: Path, label: str) -> float:
        if o.hourly_rate_per_gpu is not None:
            return o.hourly_rate_per_gpu
        rents: dict[str, float] = (gpu.get("rent_per_hour") or {}) if gpu else {}
        if gpu is None:
            if o.gpu is None:
                self.problems.add((*where, "hourly_rate_per_gpu"), "required for rented GPUs when no gpu "
                                  "key is given")
            return 0.0
        if not rents:
            self.problems.add((*where, "gpu"), f"pricing/gpus.yaml {gpu.key} lists no rent_per_hour; "
                              "give hourly_rate_per_gpu")
            return 0.0
        if o.cloud is not None:
            if o.cloud not in rents:
                self.problems.add((*where, "cloud"), f"pricing/gpus.yaml {gpu.key} has no rent price for "
                                  f"{o.cloud!r} (listed: {', '.join(sorted(rents))})"
                                  f"{did_you_mean(o.cloud, rents, most=1)}")
                return 0.0
            cloud = o.cloud
        else:
            cloud = min(rents, key=lambda c: rents[c])
            self.assumptions.append(Assumption(f"{label}.cloud", cloud,
                                               "tco default: the lowest rent listed in pricing/gpus.yaml"))
        self.assumptions.append(_table_assumption(f"{label}.hourly_rate_per_gpu", rents[cloud], gpu,
                                                  "rent_per_hour", f"rent_per_hour.{cloud}"))
        self._check_age(gpu, gpu.origin("rent_per_hour"))
        return float(rents[cloud])


def _table_assumption(label: str, value: Any, entry: Entry, name: str, shown: str | None = None) -> Assumption:
    """An assumption taken from a table field, citing the file, the entry, the source and the date."""
    origin = entry.origin(name)
    where = f"{origin.file} {entry.key} {shown or name}"
    dated = f", as of {origin.as_of}" if origin.as_of else ""
    cited = f": {origin.citation}" if origin.citation else ""
    return Assumption(label, value, f"{where}{cited}{dated}", f"{where}{dated}")


def _short_gpu_name(gpu: Entry | None) -> str | None:
    """"NVIDIA H100 SXM" -> "H100 SXM": the vendor is noise in a sentence."""
    if gpu is None or not gpu.get("name"):
        return None
    name = str(gpu.get("name"))
    for vendor in ("NVIDIA ", "AMD "):
        name = name.removeprefix(vendor)
    return name
