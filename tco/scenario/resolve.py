"""Resolving a validated scenario: defaults and pricing-table values applied, each one recorded.

Every value that did not come from the file becomes an `Assumption` naming its source and date
(README: The scenario file, Pricing tables); table lookups that fail become problems naming the table and the key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from tco.engine.inputs import (
    DAYS_PER_MONTH,
    ApiInputs,
    FineTuningInputs,
    HybridInputs,
    OptionInputs,
    Route,
    RoutedInputs,
    ScenarioInputs,
    SelfHostedInputs,
    ServingInputs,
    SharedCosts,
    WorkloadInputs,
)
from tco.engine.profiles import HOURS_PER_DAY, NAMED_PROFILES, peak_to_average, single_peak
from tco.engine.results import DEFAULT_SOURCE, Assumption, ScenarioWarning, StalePrice
from tco.errors import TcoError, did_you_mean
from tco.load import schema
from tco.load.validation import Problems
from tco.load.yamlsource import Path
from tco.pricing.catalog import DEFAULT_MAX_PRICE_AGE_DAYS, PRICE_FIELDS, Catalog, Entry, FieldOrigin

if TYPE_CHECKING:
    from tco.capacity.model import ReplicaSize

DEFAULT_OUTPUT_TOKENS_PER_REQUEST = 500  # request shape for the capacity model when the workload is in tokens/month

_RENT_ONLY = ("cloud", "hourly_rate_per_gpu", "rent_change_per_year")
_BUY_ONLY = ("purchase_price_per_gpu", "server_cost_share", "lifetime_months", "residual_value", "power",
             "hosting_per_gpu_month", "maintenance_per_year")


def month1_tokens(requests_per_day: Any, tokens_per_request: Any) -> Any:
    """Month-1 tokens of form A (README: How the numbers are computed): requests/day × 365/12 × tokens/request
    (numbers or arrays)."""
    return requests_per_day * DAYS_PER_MONTH * tokens_per_request


def monthly_from_annual(annual_growth: Any) -> Any:
    """Monthly growth g of an annual growth G (README: How the numbers are computed): (1 + G)^(1/12) − 1 (numbers
    or arrays)."""
    return (1 + annual_growth) ** (1 / 12) - 1


class Resolver:
    """Applies defaults and table values to a validated scenario, recording each as an assumption."""

    def __init__(self, scenario: schema.Scenario, catalog: Catalog, problems: Problems, today: dt.date,
                 max_price_age_days: int = DEFAULT_MAX_PRICE_AGE_DAYS) -> None:
        self.scenario = scenario
        self.max_price_age_days = max_price_age_days
        self.catalog = catalog
        self.problems = problems
        self.today = today
        self.assumptions: list[Assumption] = []
        self.warnings: list[ScenarioWarning] = []
        self.serving: dict[str, tuple[str, Any, int, float, float]] = {}
        self._stale_warned: set[tuple[str, str, str]] = set()
        self.cached_share = 0.0
        # per self-hosted option: the GPU-hour rate its fine-tuning runs default to, and its citation
        self.tuning_rates: dict[str, tuple[float | None, Assumption | None]] = {}
        self.workload_inputs: WorkloadInputs | None = None

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
        self._check_age(entry, name, entry.origin(name))
        return entry.get(name)

    def _check_age(self, entry: Entry, name: str, origin: FieldOrigin) -> None:
        """Warn once per entry and file about a price older than `max_price_age_days` .

        Only prices go stale (PRICE_FIELDS); specs and measured throughput do not.
        """
        as_of = origin.as_of
        key = (entry.table, entry.key, origin.file.rsplit(":", 1)[0])
        if name not in PRICE_FIELDS.get(entry.table, ()) or as_of is None or key in self._stale_warned:
            return
        try:
            age = (self.today - dt.date.fromisoformat(as_of)).days
        except ValueError:
            return
        if age > self.max_price_age_days:
            self._stale_warned.add(key)
            self.warnings.append(StalePrice(entry.table, entry.key, origin.file, age, as_of, self.max_price_age_days))

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
        self.workload_inputs = workload
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
        if s.workload.monthly_spend is not None:  # form C: the volume follows from the baseline's prices
            workload = self.bill_volume(s.workload.monthly_spend, workload, baseline, apis)
            self.workload_inputs = workload
        hosted_by_name: dict[str, SelfHostedInputs] = {}
        for index, option in enumerate(s.options):
            if isinstance(option, schema.SelfHostedOption):
                hosted = self.self_hosted_option(option, index, apis, baseline, horizon)
                if hosted is not None:
                    resolved.append(hosted)
                    hosted_by_name[option.name] = hosted
        mixed = MixedResolver(self, workload, apis, hosted_by_name)
        workload = mixed.workload
        resolved.extend(mixed.resolve_all())
        order = {o.name: i for i, o in enumerate(s.options)}
        resolved.sort(key=lambda o: order[o.name])
        basis = basis or self.default("finance.basis", finance.basis, "cash")
        terminal_value = finance.terminal_value or "none"
        if basis == "cash" and any(isinstance(o, SelfHostedInputs) and o.acquisition == "buy" for o in resolved):
            terminal_value = self.default("finance.terminal_value", finance.terminal_value, "none")
        elif basis == "amortized" and finance.terminal_value == "book":
            self.warnings.append("finance.terminal_value: book has no effect on the amortized basis, which already "
                                 "leaves out the value the GPUs keep after the last month")
        return ScenarioInputs(
            name=s.name,
            workload=workload,
            options=tuple(resolved),
            horizon_months=horizon,
            basis=basis,  # type: ignore[arg-type]
            discount_rate=self.default("finance.discount_rate", finance.discount_rate, 0.0),
            terminal_value=terminal_value,
            baseline=baseline,
            start=s.start,
            currency=self.default("currency", s.currency, "USD"),
        )

    def load_profile(self, w: schema.Workload) -> tuple[tuple[float, ...] | None, float]:
        """The 24 hourly weights (None without a profile) and `peak_to_average`.

        A profile's max/mean is the peak ratio; a given `peak_to_average` was checked against it
        in validation, and the profile's exact ratio is used so every option sees one shape.
        """
        if w.load_profile is None:
            return None, self.default("workload.peak_to_average", w.peak_to_average, 2.0)
        weights = NAMED_PROFILES[w.load_profile] if isinstance(w.load_profile, str) else tuple(w.load_profile)
        if isinstance(w.load_profile, str):
            self.assumptions.append(Assumption("workload.load_profile.weights", list(weights),
                                               f"tco named profile {w.load_profile!r} (illustrative, see README)"))
        peak = peak_to_average(weights)
        if w.peak_to_average is None:
            self.assumptions.append(Assumption("workload.peak_to_average", peak,
                                               "tco: the load_profile's max weight / mean weight"))
        return weights, peak

    def workload(self, w: schema.Workload) -> WorkloadInputs:
        if w.requests_per_day is not None:
            assert w.input_tokens_per_request is not None and w.output_tokens_per_request is not None
            tokens_in = month1_tokens(w.requests_per_day, w.input_tokens_per_request)
            tokens_out = month1_tokens(w.requests_per_day, w.output_tokens_per_request)
        elif w.monthly_spend is not None:
            tokens_in = tokens_out = 0.0  # form C: set by `bill_volume` once the baseline's prices are known
        else:
            assert w.input_tokens_per_month is not None and w.output_tokens_per_month is not None
            tokens_in, tokens_out = w.input_tokens_per_month, w.output_tokens_per_month
        if w.annual_growth is not None:
            growth = monthly_from_annual(w.annual_growth)
        else:
            growth = self.default("workload.monthly_growth", w.monthly_growth, 0.0)
        cached = self.default("workload.cached_input_share", w.cached_input_share, 0.0)
        weights, peak = self.load_profile(w)
        return WorkloadInputs(
            input_tokens_month1=tokens_in,
            output_tokens_month1=tokens_out,
            monthly_growth=growth,
            cached_input_share=cached,
            peak_to_average=peak,
            hourly_weights=weights,
            active_hours_per_month=self.default("workload.active_hours_per_month", w.active_hours_per_month, 730.0),
            requests_per_day=w.requests_per_day,
            input_tokens_per_request=w.input_tokens_per_request,
            output_tokens_per_request=w.output_tokens_per_request,
        )

    def bill_volume(self, spend: float, workload: WorkloadInputs, baseline: str | None,
                    apis: dict[str, ApiInputs]) -> WorkloadInputs:
        """Form C: the workload at the month-1 requests per day whose token cost on the baseline api
        option (its prices, cached share, batch share and discount; not its fixed fee) is `spend`.

        With `b` the baseline's month-1 cost of one request (the engine's own line items for one
        request's tokens), requests_per_day = spend / (b · 365/12); the tokens follow as in form A.
        The derived requests and tokens are recorded as assumptions.
        """
        from tco.amounts import money, money_small
        from tco.engine.line_items import api_items_for_tokens

        where: Path = ("workload", "monthly_spend")
        api = apis.get(baseline) if baseline is not None else None
        if baseline is None:
            self.problems.add(where, "monthly_spend is the bill of an api option (the baseline), and the scenario "
                              "has none: give requests_per_day or tokens per month instead")
            return workload
        if api is None:  # the baseline has problems of its own, already reported
            return workload
        per_in, per_out = workload.input_tokens_per_request, workload.output_tokens_per_request
        assert per_in is not None and per_out is not None  # validation requires them with monthly_spend
        currency = self.scenario.currency or "USD"
        per_request = sum(i.amount for i in api_items_for_tokens(api, per_in, per_out, workload.cached_input_share,
                                                                 1, "api"))
        if per_request <= 0:
            self.problems.add(where, f"{api.name} bills nothing for these requests (its month-1 price per request "
                              f"is 0), so no volume makes a bill of {money(spend, currency)}: give "
                              "requests_per_day or tokens per month instead")
            return workload
        requests_per_day = spend / (per_request * DAYS_PER_MONTH)
        tokens_in = month1_tokens(requests_per_day, per_in)
        tokens_out = month1_tokens(requests_per_day, per_out)
        derived = (f"derived from workload.monthly_spend: the volume at which {api.name}'s month-1 token cost (its "
                   "prices, cached share, batch share and discount; no fixed fee) is "
                   f"{money(spend, currency)}, at {money_small(per_request, currency)} a request")
        brief = f"derived: {api.name}'s month-1 token cost = monthly_spend"
        self.assumptions += [
            Assumption("workload.requests_per_day", requests_per_day, derived, brief),
            Assumption("workload.input_tokens_per_month", tokens_in,
                       "derived from workload.monthly_spend: requests_per_day × 365/12 × input_tokens_per_request",
                       brief),
            Assumption("workload.output_tokens_per_month", tokens_out,
                       "derived from workload.monthly_spend: requests_per_day × 365/12 × output_tokens_per_request",
                       brief),
        ]
        return replace(workload, input_tokens_month1=tokens_in, output_tokens_month1=tokens_out,
                       requests_per_day=requests_per_day)

    def shared(self, option: schema.ApiOption | schema.SelfHostedOption | schema.HybridOption | schema.RoutedOption,
               label: str, rent_rate: float | None, index: int, api_entry: Entry | None = None,
               rent_source: Assumption | None = None) -> SharedCosts:
        """Staff, setup, other and fine-tuning costs. An API option's training price defaults to its
        model's `training` price in api.yaml (the provider's fine-tuning price per 1M tokens); the
        GPU-hours' rate to `rent_rate`, cited as `rent_source` when it came from a table."""
        staff = option.staff
        tuning = option.fine_tuning
        fine_tuning: FineTuningInputs | None = None
        if tuning is not None:
            rate = tuning.hourly_rate_per_gpu
            if rate is None and tuning.gpu_hours:
                if rent_rate is None:
                    self.problems.add(("options", index, "fine_tuning", "hourly_rate_per_gpu"),
                                      "required: this option has no GPU rent rate to default to")
                elif rent_source is not None:
                    rate = rent_rate
                    self.assumptions.append(replace(rent_source, field=f"{label}.fine_tuning.hourly_rate_per_gpu"))
                else:
                    rate = self.default(f"{label}.fine_tuning.hourly_rate_per_gpu", None, rent_rate,
                                        "tco default: the option's own GPU rent rate")
            training_price = tuning.price_per_million_training_tokens
            if training_price is None and tuning.training_tokens:
                training_price = self.from_table(f"{label}.fine_tuning.price_per_million_training_tokens",
                                                 None, api_entry, "training")
                if training_price is None:
                    # Billing training tokens at nothing would flatter the option: ask for the price.
                    self.problems.add(("options", index, "fine_tuning", "price_per_million_training_tokens"),
                                      "required with training_tokens"
                                      + (f": {api_entry.key} in {self.catalog.table_label('api')} lists no "
                                         "training price" if api_entry is not None else ""))
            fine_tuning = FineTuningInputs(
                gpu_hours=tuning.gpu_hours or 0.0,
                hourly_rate_per_gpu=rate or 0.0,
                training_tokens=tuning.training_tokens or 0.0,
                price_per_million_training_tokens=training_price or 0.0,
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
            shared=self.shared(o, label, None, index, entry),
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
            tuning_source: Assumption | None = None
        else:
            hourly = 0.0
            purchase, watts = self._purchase(o, label, where, gpu)
            tuning_rate, tuning_source = self._owned_tuning_rate(o, gpu, label)
        if not o.staff:
            self.warnings.append(f"{o.name} has no staff cost: someone has to run, patch and watch it "
                                 "(add staff: {fte, cost_per_fte_year})")
        if acquisition == "buy" and o.hosting_per_gpu_month is None:
            self.warnings.append(f"{o.name} has no hosting cost: owned GPUs need rack space, power delivery and "
                                 "cooling somewhere (add hosting_per_gpu_month)")
        if acquisition == "buy" and o.maintenance_per_year is None:
            self.warnings.append(f"{o.name} has no maintenance cost: owned servers need support contracts and "
                                 "spare parts (add maintenance_per_year, e.g. 8%)")
        go_live, fallback = self._go_live(o, label, where, apis, baseline)
        self.tuning_rates[o.name] = (tuning_rate, tuning_source)  # a hybrid of this fleet defaults to it too
        shared = self.shared(o, label, tuning_rate, index, rent_source=tuning_source)
        if capacity is None or (acquisition == "rent" and not hourly) or \
                (acquisition == "buy" and (purchase is None or watts is None)):
            return None
        throughput_in, throughput_out, gpus_per_replica, parallelism, throughput_source = capacity
        power = o.power or schema.Power()
        is_buy = acquisition == "buy"

        def buy_default(name: str, given: Any, value: Any) -> Any:
            return self.default(f"{label}.{name}", given, value) if is_buy else value

        return SelfHostedInputs(
            name=o.name,
            input_tokens_per_second=throughput_in,
            output_tokens_per_second=throughput_out,
            gpus_per_replica=gpus_per_replica,
            parallelism=parallelism,  # type: ignore[arg-type]
            throughput_source=throughput_source,  # type: ignore[arg-type]
            precision=o.precision or "bf16",
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
            serving=self._serving_inputs(o.name),
        )

    def _serving_inputs(self, name: str) -> ServingInputs | None:
        if name not in self.serving:
            return None
        engine, slo, concurrency, ttft, tpot = self.serving[name]
        return ServingInputs(engine=engine, slo=slo.describe() if slo is not None else "none",
                             ttft_target_ms=slo.ttft_ms if slo is not None else None,
                             tpot_target_ms=slo.tpot_ms if slo is not None else None,
                             concurrency=concurrency, ttft_ms=ttft, tpot_ms=tpot)

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
                  gpu: Entry | None) -> tuple[float, float, int, str, str] | None:
        """Per-GPU input and output tokens/s, GPUs per replica, layout and where the throughput came from.

        Field by field: the scenario's value; else, serving at a latency target (the default, `chat`),
        the operating point of the latency model (tco/capacity/latency.py) for the option's engine; else, at
        `slo: none`, the engine's offline maximum: for TensorRT-LLM the measured entry of throughput.yaml
        for the exact model x gpu x precision, else the capacity model's estimate for the workload's
        request shape; each default is recorded as an assumption saying which and why.
        """
        measured: Entry | None = None
        precision = "bf16"
        parallelism: str = o.parallelism or "tp"
        given = o.throughput or schema.Throughput()
        inline = given.input_tokens_per_second is not None and given.output_tokens_per_second is not None
        engine: str | None = None
        slo: Any = None
        if o.model and o.gpu:
            precision = self.default(f"{label}.precision", o.precision, "bf16")
            if not inline and model is not None and gpu is not None and _has_capacity_fields(model, gpu):
                engine, slo = self._serving_target(o, label)
            elif inline and (o.engine is not None or o.slo is not None):
                self.warnings.append(f"{o.name}: engine and slo are ignored: the option gives its own throughput, "
                                     "which is what it serves at")
            measured = self.catalog.get("throughput", f"{o.model}/{o.gpu}/{precision}")
            if measured is not None and not inline and not _measured_applies(measured, engine, slo):
                measured = None
            measured_layout = str(measured.get("parallelism") or "tp") if measured else None
            if measured is not None and o.parallelism is not None and o.parallelism != measured_layout:
                # A measurement of another layout does not describe this one: estimate instead.
                self.warnings.append(f"{o.name}: the measured {o.model}/{o.gpu}/{precision} entry is for "
                                     f"parallelism {measured_layout}, not {o.parallelism}: using the capacity "
                                     "model's estimate")
                measured = None
            if measured is not None and o.parallelism is None and measured_layout != "tp":
                parallelism = self.from_table(f"{label}.parallelism", None, measured, "parallelism")
            else:
                parallelism = self.default(f"{label}.parallelism", o.parallelism, "tp")
        if engine is not None and model is not None and gpu is not None and measured is None \
                and (slo is not None or engine != "trtllm"):
            return self._serving(o, label, where, model, gpu, precision, parallelism, engine, slo, given)
        given = o.throughput or schema.Throughput()
        x = self.from_table(f"{label}.throughput.input_tokens_per_second", given.input_tokens_per_second,
                            measured, "input_tokens_per_second")
        y = self.from_table(f"{label}.throughput.output_tokens_per_second", given.output_tokens_per_second,
                            measured, "output_tokens_per_second")
        # Per-GPU throughput measured on a replica of N GPUs holds for replicas of N GPUs.
        gpus_per_replica: int | None = o.gpus_per_replica
        if gpus_per_replica is None and o.throughput is None and measured and measured.get("gpus_per_replica"):
            gpus_per_replica = int(self.from_table(f"{label}.gpus_per_replica", None, measured, "gpus_per_replica"))
        if measured is not None and o.throughput is None and x is not None and y is not None:
            x, y = self._carry_measured(o, label, measured, model, gpu, precision, x, y)
        if x is not None and y is not None and gpus_per_replica is not None:
            return x, y, gpus_per_replica, parallelism, "measured" if measured and o.throughput is None else "given"
        if model is None or gpu is None:
            if x is None or y is None:
                if not (o.model and o.gpu):
                    self.problems.add(where, "needs throughput: {input_tokens_per_second, output_tokens_per_second}, "
                                      "or model and gpu for the capacity model to estimate it")
                return None
            return x, y, self.default(f"{label}.gpus_per_replica", None, 1), parallelism, "given"
        if x is not None and y is not None and not _has_capacity_fields(model, gpu):
            # Throughput given, replica size not, and no architecture to size it from: as before the capacity model.
            self.warnings.append(f"{o.name}: gpus_per_replica defaults to 1: {o.model} or {o.gpu} lacks the fields "
                                 "the capacity model needs to check the memory fit; give gpus_per_replica")
            kind = "measured" if measured and o.throughput is None else "given"
            return x, y, self.default(f"{label}.gpus_per_replica", None, 1), parallelism, kind
        estimate = self._estimate(o, label, where, model, gpu, precision, parallelism, gpus_per_replica)
        if estimate is None:
            return None
        size, brief, source = estimate
        from tco.capacity.model import CALIBRATION

        if gpus_per_replica is None:
            gpus_per_replica = size.gpus_per_replica
            useful = CALIBRATION.min_useful_concurrency
            holds = (f"smallest of 1, 2, 4, 8 {o.gpu} GPUs holding {o.model} in {precision} "
                     f"({size.memory.weights_gb:,.0f} GB of weights) and a KV cache for at least {useful} requests"
                     if size.max_concurrency >= useful else
                     f"no replica of 1, 2, 4 or 8 {o.gpu} GPUs holds {o.model} in {precision} "
                     f"({size.memory.weights_gb:,.0f} GB of weights) and a KV cache for {useful} requests; 8 hold "
                     f"the most, {size.max_concurrency:,} at once")
            self.assumptions.append(Assumption(f"{label}.gpus_per_replica", gpus_per_replica,
                                               f"capacity model memory fit: {holds} ({brief})",
                                               "capacity model memory fit"))
        # To 3 significant figures, as the tables' figures are: the engine uses what the list shows.
        from tco.capacity.model import significant

        if x is None:
            x = significant(size.input_tokens_per_second_per_gpu)
            self.assumptions.append(Assumption(f"{label}.throughput.input_tokens_per_second", _shown(x), source,
                                               "estimated by the capacity model"))
        if y is None:
            y = significant(size.output_tokens_per_second_per_gpu)
            self.assumptions.append(Assumption(f"{label}.throughput.output_tokens_per_second", _shown(y), source,
                                               "estimated by the capacity model"))
        for note in size.notes:
            self.warnings.append(f"{o.name}: {note}")
        kind = "given" if o.throughput is not None and o.throughput.input_tokens_per_second is not None \
            and o.throughput.output_tokens_per_second is not None else "estimated"
        return x, y, gpus_per_replica, parallelism, kind

    def _capacity_problem(self, o: schema.SelfHostedOption, where: Path, error: TcoError) -> None:
        """The capacity model's objection, at the field the option gave that caused it, else at its model."""
        field_name = error.problems[0].field if error.problems else ""
        path = (*where, field_name) if field_name in ("gpus_per_replica", "parallelism", "precision", "gpu") and \
            getattr(o, field_name) is not None else (*where, "model")
        for problem in error.problems:
            self.problems.add(path, problem.message)

    def _serving_target(self, o: schema.SelfHostedOption, label: str) -> tuple[str, Any]:
        """The option's serving engine and latency target (None: `slo: none`, the offline maximum), with
        their defaults recorded."""
        from tco.capacity.latency import DEFAULT_ENGINE, DEFAULT_SLO, SLO_PRESETS, SLO_SOURCE, Slo

        engine = self.default(f"{label}.engine", o.engine, DEFAULT_ENGINE,
                              "tco default: vLLM, the most used open serving engine")
        if o.slo is None:
            preset = SLO_PRESETS[DEFAULT_SLO]
            self.assumptions.append(Assumption(f"{label}.slo", f"{preset.describe()}",
                                               f"tco default, an interactive chat; {SLO_SOURCE}",
                                               "tco default (ConfigIQ chat preset)"))
            return engine, preset
        if o.slo.preset == "none":
            return engine, None
        if o.slo.preset is not None:
            return engine, SLO_PRESETS[o.slo.preset]
        return engine, Slo("custom", o.slo.ttft_ms, o.slo.tpot_ms)

    def _serving(self, o: schema.SelfHostedOption, label: str, where: Path, model: Entry, gpu: Entry,
                 precision: str, parallelism: str, engine: str, slo: Any,
                 given: schema.Throughput) -> tuple[float, float, int, str, str] | None:
        """Throughput where the option serves: at its latency target's operating point, or (slo none) at the
        most requests the KV cache holds, by the latency model for its engine."""
        from tco.capacity.latency import Replica, kv_limit, latency_point, plan_serving
        from tco.capacity.model import TP_SIZES, gpu_spec, model_spec, significant, smallest_replica

        request = self._request_shape(label)
        gpus_per_replica: int | None = o.gpus_per_replica
        try:
            m, g = model_spec(model.key, model.values), gpu_spec(gpu.key, gpu.values)
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
                    self.problems.add((*where, "slo") if o.slo is not None else (*where, "model"),
                                      f"no replica of {sizes} {o.gpu} GPU(s) serving {o.model} in {precision} with "
                                      f"{engine} meets {slo.describe()} for {request[0]:,.0f} in / "
                                      f"{request[1]:,.0f} out tokens: the best it reaches is TTFT "
                                      f"{plan.best_ttft_ms:,.0f} ms and TPOT {plan.best_tpot_ms:,.1f} ms (one "
                                      "request in flight); loosen the target, or choose a faster GPU or a lower "
                                      "precision")
                    return None
                point = plan.point
        except TcoError as error:
            self._capacity_problem(o, where, error)
            return None
        from tco.capacity.model import context_note

        if (too_long := context_note(m, *request)) is not None:
            self.warnings.append(f"{o.name}: {too_long}")
        shape = f"{request[0]:,.0f} in / {request[1]:,.0f} out tokens per request"
        where_text = f"{engine}, {parallelism}={n}, {precision}, {shape}"
        if slo is None:
            how = (f"at the most requests the KV cache holds, {point.concurrency:,} a replica (slo: none, the "
                   "offline maximum)")
        else:
            how = f"at the operating point of {slo.describe()}: {point.concurrency:,} requests in flight a replica"
        source = (f"latency model (tco/capacity/latency.py) for {where_text}, {how}; predicted mean TTFT "
                  f"{point.ttft_ms:,.0f} ms, TPOT {point.tpot_ms:,.1f} ms; calibrated on measured serving runs "
                  "(README, Capacity model)")
        brief = f"latency model, {engine} {parallelism}={n} at {point.concurrency:,} in flight"
        if gpus_per_replica is None:
            why = (f"cheapest per token of 1, 2, 4 and 8 {o.gpu} GPUs that meet {slo.describe()}"
                   if slo is not None else
                   f"smallest of 1, 2, 4, 8 {o.gpu} GPUs holding {o.model} in {precision} and a useful KV cache")
            self.assumptions.append(Assumption(f"{label}.gpus_per_replica", n, f"{why} ({where_text})",
                                               "latency model" if slo is not None else "capacity model memory fit"))
        self.assumptions.append(Assumption(
            f"{label}.concurrency", point.concurrency,
            f"requests in flight per replica, {how.split(': ')[0] if slo is not None else how}; the KV cache holds "
            f"{limit:,}", "latency model"))
        self.assumptions.append(Assumption(
            f"{label}.latency", f"TTFT {point.ttft_ms:,.0f} ms, TPOT {point.tpot_ms:,.1f} ms",
            f"predicted means at {point.concurrency:,} requests in flight ({where_text})", "latency model"))
        x = given.input_tokens_per_second
        y = given.output_tokens_per_second
        if x is None:
            x = significant(point.input_tokens_per_second_per_gpu)
            self.assumptions.append(Assumption(f"{label}.throughput.input_tokens_per_second", _shown(x), source,
                                               brief))
        if y is None:
            y = significant(point.decode_tokens_per_second_per_gpu)
            self.assumptions.append(Assumption(f"{label}.throughput.output_tokens_per_second", _shown(y), source,
                                               brief))
        self.serving[o.name] = (engine, slo, point.concurrency, point.ttft_ms, point.tpot_ms)
        return x, y, n, parallelism, "estimated"

    def _carry_measured(self, o: schema.SelfHostedOption, label: str, measured: Entry, model: Entry | None,
                        gpu: Entry | None, precision: str, x: float, y: float) -> tuple[float, float]:
        """A measured entry's X and Y carried from the request shape they were measured at to this
        workload's, by the capacity model (throughput.yaml `input_tokens`, `output_tokens`); recorded in
        the two assumptions. Unchanged when the entry states no shape or the tables cannot size the model."""
        from tco.capacity.sizing import measured_shape

        try:
            measured_at = measured_shape(measured)
        except TcoError as error:  # the table's own mistake: name its file and entry, not the scenario's line
            self.problems.items.extend(error.problems)
            return x, y
        if measured_at is None or model is None or gpu is None or not _has_capacity_fields(model, gpu):
            return x, y
        request = self._request_shape(label)
        if request == measured_at:
            return x, y
        from tco.capacity.model import context_note, model_spec
        from tco.capacity.sizing import carried_figures

        n = int(measured.get("gpus_per_replica") or 1)
        layout = str(measured.get("parallelism") or "tp")
        try:
            if (too_long := context_note(model_spec(model.key, model.values), *request)) is not None:
                self.warnings.append(f"{o.name}: {too_long}")
            carried = carried_figures(self.catalog, measured, model, gpu, precision, measured_at, request)
        except TcoError as error:
            self.warnings.append(f"{o.name}: the measured {measured.key} figures cannot be carried to "
                                 f"{request[0]:,.0f} in / {request[1]:,.0f} out tokens per request: "
                                 f"{error.problems[0].message}; using them as measured")
            return x, y
        note = (f"; measured at {measured_at[0]:,.0f} in / {measured_at[1]:,.0f} out tokens per request, carried to "
                f"{request[0]:,.0f} in / {request[1]:,.0f} out by the capacity model (tco/capacity/model.py, same "
                f"{layout}={n} replica)")
        short = (f"carried from {measured_at[0]:,.0f}/{measured_at[1]:,.0f} to {request[0]:,.0f}/{request[1]:,.0f} "
                 "tokens")
        for i, assumption in enumerate(self.assumptions):
            for name, value in (("input_tokens_per_second", carried[0]), ("output_tokens_per_second", carried[1])):
                if assumption.field == f"{label}.throughput.{name}":
                    self.assumptions[i] = replace(assumption, value=_shown(value), source=assumption.source + note,
                                                  brief=f"{assumption.short_source}, {short}")
        return carried

    def _estimate(self, o: schema.SelfHostedOption, label: str, where: Path, model: Entry, gpu: Entry,
                  precision: str, parallelism: str,
                  gpus_per_replica: int | None) -> tuple[ReplicaSize, str, str] | None:
        """The capacity model's sizing of this option, a short description of the case, and the full source."""
        # Imported here: only options without measured figures pay for it (tco compare start-up).
        from tco.capacity.model import CALIBRATION_TYPICAL_ERROR, gpu_spec, model_spec, size_replica

        request_in, request_out = self._request_shape(label)
        try:
            size = size_replica(model_spec(model.key, model.values), gpu_spec(gpu.key, gpu.values), precision,
                                request_in, request_out, gpus_per_replica, parallelism)
        except TcoError as error:
            self._capacity_problem(o, where, error)
            return None
        brief = (f"{request_in:,.0f} in / {request_out:,.0f} out tokens per request, {parallelism}="
                 f"{size.gpus_per_replica}, {precision}")
        measured_note = f"no measured entry {o.model}/{o.gpu}/{precision} in pricing/throughput.yaml"
        source = (f"estimated by the capacity model (tco/capacity/model.py) for {brief}: {measured_note}; "
                  f"calibrated on published measurements: within {CALIBRATION_TYPICAL_ERROR} "
                  "(README, Capacity model); give measured figures in throughput: when you have them")
        return size, brief, source

    def _request_shape(self, label: str) -> tuple[float, float]:
        """Input and output tokens of one request: the workload's own, else its monthly mix scaled to
        DEFAULT_OUTPUT_TOKENS_PER_REQUEST output tokens (recorded)."""
        w = self.workload_inputs
        if w is not None and w.input_tokens_per_request is not None and w.output_tokens_per_request is not None:
            return w.input_tokens_per_request, w.output_tokens_per_request
        ratio = (w.input_tokens_month1 / w.output_tokens_month1) if w and w.output_tokens_month1 else 1.0
        shape = (DEFAULT_OUTPUT_TOKENS_PER_REQUEST * ratio, float(DEFAULT_OUTPUT_TOKENS_PER_REQUEST))
        self.assumptions.append(Assumption(
            f"{label}.throughput (request shape)", f"{shape[0]:,.0f} in / {shape[1]:,.0f} out",
            f"tco default: the workload gives tokens per month, not per request; the capacity model assumes "
            f"{DEFAULT_OUTPUT_TOKENS_PER_REQUEST} output tokens per request in the month-1 input/output mix"))
        return shape

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

    def _owned_tuning_rate(self, o: schema.SelfHostedOption, gpu: Entry | None,
                           label: str) -> tuple[float | None, Assumption | None]:
        """The rent per GPU-hour an owned option's fine-tuning runs default to (it has no rent of its
        own): the GPU's rent in gpus.yaml on the option's `cloud`, else the lowest listed, with the
        table's citation; None when the table lists no rent."""
        rents: dict[str, float] = (gpu.get("rent_per_hour") or {}) if gpu else {}
        if gpu is None or not rents:
            return None, None
        cloud = o.cloud if o.cloud in rents else min(rents, key=lambda c: rents[c])
        cited = _table_assumption(label, rents[cloud], gpu, "rent_per_hour", f"rent_per_hour.{cloud}")
        how = "" if cloud == o.cloud else " (the lowest listed)"
        return float(rents[cloud]), replace(cited, source=cited.source + how, brief=cited.brief + how)

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
        # One cloud's price may come from the user's file and another's from the bundled table.
        self.assumptions.append(_table_assumption(f"{label}.hourly_rate_per_gpu", rents[cloud], gpu,
                                                  f"rent_per_hour.{cloud}"))
        self._check_age(gpu, "rent_per_hour", gpu.origin(f"rent_per_hour.{cloud}"))
        return float(rents[cloud])


def _has_capacity_fields(model: Entry, gpu: Entry) -> bool:
    """Whether the capacity model can size this model on this GPU (a user's own entries may lack fields)."""
    from tco.capacity.model import GPU_FIELDS, MODEL_FIELDS

    return all(model.get(name) is not None for name in MODEL_FIELDS) and \
        all(gpu.get(name) is not None for name in GPU_FIELDS)


def _shown(value: float) -> float | int:
    """A figure as the assumptions list shows it: 9,610.0 -> 9610, 18.5 stays 18.5."""
    return int(value) if float(value).is_integer() else value


def _measured_applies(measured: Entry, engine: str | None, slo: Any) -> bool:
    """Whether a throughput.yaml entry describes how this option serves: measured figures are an offline
    maximum, so they hold at `slo: none`, for the engine they were measured on (an entry without `engine`
    is the user's own and holds for any)."""
    if engine is None:
        return True
    measured_engine = measured.get("engine")
    return slo is None and (measured_engine is None or measured_engine == engine)


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


class MixedResolver:
    """Resolves hybrid and routed options once the api and self-hosted ones are known."""

    def __init__(self, resolver: Resolver, workload: WorkloadInputs, apis: dict[str, ApiInputs],
                 hosted: dict[str, SelfHostedInputs]) -> None:
        self.resolver = resolver
        self.workload = workload
        self.done: dict[str, OptionInputs] = {**apis, **hosted}
        self.options = {o.name: (i, o) for i, o in enumerate(resolver.scenario.options)}
        self._shape_needed()

    def _shape_needed(self) -> None:
        """A hybrid needs the load's shape over the day; without a profile, assume a single peak hour."""
        has_hybrid = any(isinstance(o, schema.HybridOption) for o in self.resolver.scenario.options)
        if not has_hybrid or self.workload.hourly_weights is not None:
            return
        peak = self.workload.peak_to_average
        if peak > HOURS_PER_DAY:
            self.resolver.problems.add(("workload", "peak_to_average"), f"{peak:g} is more than a day of 24 "
                                       "hours can hold; give workload.load_profile for the hybrid options")
            return
        weights = single_peak(peak)
        self.resolver.assumptions.append(Assumption(
            "workload.load_profile", "single_peak",
            "tco default for hybrid options without a load_profile: one hour at peak_to_average times the "
            "average, the other 23 level (see README)"))
        self.resolver.warnings.append("no workload.load_profile: the hybrid options assume one peak hour at "
                                      f"{peak:g}x the average and 23 level hours; give the real shape of your "
                                      "load (24 hourly weights or a named profile) for a sound overflow share")
        self.workload = replace(self.workload, hourly_weights=weights)

    def resolve_all(self) -> list[OptionInputs]:
        found: list[OptionInputs] = []
        for name, (_, option) in self.options.items():
            if isinstance(option, schema.HybridOption | schema.RoutedOption):
                resolved = self.resolve(name, ())
                if resolved is not None:
                    found.append(resolved)
        return found

    def resolve(self, name: str, trail: tuple[str, ...]) -> OptionInputs | None:
        """The option called `name`, resolving routed targets first; None if it cannot be (a problem
        was reported) or if it lies on a cycle (reported by validation)."""
        if name in self.done:
            return self.done[name]
        if name in trail or name not in self.options:
            return None
        index, option = self.options[name]
        result: OptionInputs | None = None
        if isinstance(option, schema.HybridOption):
            result = self.hybrid(option, index)
        elif isinstance(option, schema.RoutedOption):
            result = self.routed(option, index, (*trail, name))
        if result is not None:
            self.done[name] = result
        return result

    def hybrid(self, o: schema.HybridOption, index: int) -> HybridInputs | None:
        label = f"options.{o.name}"
        hosted = self.done.get(o.self_hosted)
        overflow = self.done.get(o.overflow_to)
        # The hybrid's own fine-tuning runs default to its fleet's GPU-hour rate, as the self-hosted
        # option's do: its rent, or for an owned fleet the GPU's rent in gpus.yaml.
        rent, rent_source = self.resolver.tuning_rates.get(o.self_hosted, (None, None))
        shared = self.resolver.shared(o, label, rent, index, rent_source=rent_source)
        if not isinstance(hosted, SelfHostedInputs) or not isinstance(overflow, ApiInputs):
            return None  # the named option had problems of its own, already reported
        if isinstance(o.size_for, dict):
            gpus = int(o.size_for["gpus"])
            k = hosted.gpus_per_replica
            if gpus % k:
                self.resolver.problems.add(("options", index, "size_for", "gpus"),
                                           f"{gpus} GPUs is not a whole number of replicas of {k} GPUs "
                                           f"({o.self_hosted} runs {k} GPUs per replica); give "
                                           f"{gpus // k * k} or {(gpus // k + 1) * k}")
                return None
            return HybridInputs(o.name, hosted, overflow, "gpus", fleet_gpus=gpus, shared=shared)
        if o.size_for == "average":
            return HybridInputs(o.name, hosted, overflow, "average", shared=shared)
        return HybridInputs(o.name, hosted, overflow, "percentile", percentile=float(o.size_for[1:]), shared=shared)

    def routed(self, o: schema.RoutedOption, index: int, trail: tuple[str, ...]) -> RoutedInputs | None:
        label = f"options.{o.name}"
        shared = self.resolver.shared(o, label, None, index)
        routes: list[Route] = []
        for route in o.routes:
            target = self.resolve(route.to, trail)
            if target is None:
                return None
            routes.append(Route(target, route.share))
        return RoutedInputs(o.name, tuple(routes), shared=shared)
