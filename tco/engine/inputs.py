"""Fully resolved engine inputs: every number known, every default applied, nothing left to look up.

`tco.scenario.resolve` builds these from a scenario file and the pricing tables; the engine reads only
these, so it can be called directly from Python with no files at all.
"""

from __future__ import annotations

from dataclasses import field
from typing import Literal

from tco.defaults import DEFAULTS
from tco.engine import formulas
from tco.engine.formulas import DAYS_PER_MONTH as DAYS_PER_MONTH
from tco.engine.formulas import HOURS_PER_MONTH as HOURS_PER_MONTH
from tco.engine.formulas import TOKENS_PER_PRICE_UNIT as TOKENS_PER_PRICE_UNIT
from tco.frozen import frozen


@frozen
class WorkloadInputs:
    """Month-1 token volumes and the traffic's shape (docs/formulas.md, volume)."""

    input_tokens_month1: float
    output_tokens_month1: float
    monthly_growth: float = DEFAULTS.monthly_growth.value
    cached_input_share: float = DEFAULTS.cached_input_share.value
    peak_to_average: float = DEFAULTS.peak_to_average.value
    active_hours_per_month: float = DEFAULTS.active_hours_per_month.value
    requests_per_day: float | None = None
    input_tokens_per_request: float | None = None
    output_tokens_per_request: float | None = None
    # 24 relative hourly loads (`load_profile`); None: only `peak_to_average` is known.
    hourly_weights: tuple[float, ...] | None = None

    def tokens(self, month: int) -> tuple[float, float]:
        """Input and output tokens in `month` (1-based), with compound growth."""
        factor = formulas.monthly_compound(self.monthly_growth, month)
        return self.input_tokens_month1 * factor, self.output_tokens_month1 * factor

    @property
    def tokens_per_request(self) -> float | None:
        if self.input_tokens_per_request is None or self.output_tokens_per_request is None:
            return None
        return self.input_tokens_per_request + self.output_tokens_per_request


@frozen
class FineTuningInputs:
    """One fine-tuning run's costs, repeated every `every_months` (None: month 1 only)."""

    gpu_hours: float = 0.0
    hourly_rate_per_gpu: float = 0.0
    training_tokens: float = 0.0
    price_per_million_training_tokens: float = 0.0
    data_cost: float = 0.0
    every_months: int | None = None

    def runs_in(self, month: int) -> bool:
        due: bool = formulas.fine_tuning_due(month, self.every_months)
        return due


@frozen
class SharedCosts:
    """Costs any option may carry: staff, one-time setup, other monthly costs, fine-tuning."""

    staff_fte: float = 0.0
    cost_per_fte_year: float = 0.0
    setup_cost: float = DEFAULTS.setup_cost.value
    other_monthly: float = DEFAULTS.other_monthly.value
    fine_tuning: FineTuningInputs | None = None

    @property
    def staff_monthly(self) -> float:
        monthly: float = formulas.staff(self.staff_fte, self.cost_per_fte_year).amount
        return monthly


@frozen
class ApiInputs:
    """An API option: prices per 1M tokens and the adjustments of docs/formulas.md."""

    name: str
    price_per_million_input_tokens: float
    price_per_million_output_tokens: float
    price_per_million_cached_input_tokens: float
    batch_discount: float = DEFAULTS.batch_discount.value
    batch_share: float = DEFAULTS.batch_share.value
    discount: float = DEFAULTS.discount.value
    price_change_per_year: float = DEFAULTS.price_change_per_year.value
    fixed_monthly: float = DEFAULTS.fixed_monthly.value
    shared: SharedCosts = field(default_factory=SharedCosts)
    model: str | None = None
    kind: Literal["api"] = "api"

    def price_factor(self, month: int) -> float:
        """Batch, negotiated discount and price drift, multiplied: the share of list price paid."""
        drift = formulas.yearly_compound(self.price_change_per_year, month)
        factor: float = formulas.price_factor(self.batch_share, self.batch_discount, self.discount, drift)
        return factor


@frozen
class ServingInputs:
    """How a self-hosted option serves, when the latency model sized it: engine, target, operating point."""

    engine: str
    slo: str  # the target as the assumptions list says it, or "none" (the offline maximum)
    ttft_target_ms: float | None
    tpot_target_ms: float | None
    concurrency: int  # requests in flight per replica
    ttft_ms: float  # predicted means at that point
    tpot_ms: float


@frozen
class SelfHostedInputs:
    """A self-hosted option: capacity, how the GPUs are paid for, and what runs them."""

    name: str
    input_tokens_per_second: float
    output_tokens_per_second: float
    gpus_per_replica: int = DEFAULTS.gpus_per_replica.value
    parallelism: Literal["tp", "tep", "dep"] = DEFAULTS.parallelism.value
    min_replicas: int = DEFAULTS.min_replicas.value
    max_utilization: float = DEFAULTS.max_utilization.value
    acquisition: Literal["rent", "buy"] = DEFAULTS.acquisition.value
    scaling: Literal["fixed", "scheduled", "autoscale"] = DEFAULTS.scaling.value
    hourly_rate_per_gpu: float = 0.0
    rent_change_per_year: float = DEFAULTS.rent_change_per_year.value
    purchase_price_per_gpu: float = 0.0
    server_cost_share: float = DEFAULTS.server_cost_share.value
    lifetime_months: int = DEFAULTS.lifetime_months.value
    residual_value: float = DEFAULTS.residual_value.value
    watts_per_gpu: float = 0.0
    price_per_kwh: float = DEFAULTS.price_per_kwh.value
    pue: float = DEFAULTS.pue.value
    load_factor: float = DEFAULTS.load_factor.value
    power_hours_per_month: float = DEFAULTS.power_hours_per_month.value
    hosting_per_gpu_month: float = DEFAULTS.hosting_per_gpu_month.value
    maintenance_per_year: float = DEFAULTS.maintenance_per_year.value
    go_live_month: int = DEFAULTS.go_live_month.value
    fallback: ApiInputs | None = None
    shared: SharedCosts = field(default_factory=SharedCosts)
    model: str | None = None
    model_name: str | None = None
    gpu: str | None = None
    gpu_name: str | None = None
    # where the throughput came from: the scenario, throughput.yaml, or the capacity model
    throughput_source: Literal["given", "measured", "estimated"] = "given"
    precision: str = DEFAULTS.precision.value
    serving: ServingInputs | None = None
    kind: Literal["self_hosted"] = "self_hosted"

    @property
    def capital_cost_per_gpu(self) -> float:
        """`c` (docs/formulas.md): GPU price plus its share of servers, network and storage."""
        c: float = formulas.capital_cost_per_gpu(self.purchase_price_per_gpu, self.server_cost_share)
        return c


@frozen
class HybridInputs:
    """A self-hosted fleet sized for part of the load, the rest sent to an API.

    `size_for` is "percentile" (of the day's hourly loads, `percentile` in 50..100), "average",
    or "gpus" (a fixed fleet of `fleet_gpus`).
    """

    name: str
    self_hosted: SelfHostedInputs
    overflow: ApiInputs
    size_for: Literal["percentile", "average", "gpus"]
    percentile: float = 100.0
    fleet_gpus: int = 0
    shared: SharedCosts = field(default_factory=SharedCosts)
    kind: Literal["hybrid"] = "hybrid"

    @property
    def size_label(self) -> str:
        """How the scenario wrote the size: `p75`, `average`, `8 GPUs`."""
        if self.size_for == "percentile":
            return f"p{self.percentile:g}"
        return "average" if self.size_for == "average" else f"{self.fleet_gpus} GPUs"


@frozen
class Route:
    """One route of a routed option: `share` of the tokens go to `option`."""

    option: OptionInputs
    share: float


@frozen
class RoutedInputs:
    """Traffic split across other options by share; the shares sum to 1."""

    name: str
    routes: tuple[Route, ...]
    shared: SharedCosts = field(default_factory=SharedCosts)
    kind: Literal["routed"] = "routed"


OptionInputs = ApiInputs | SelfHostedInputs | HybridInputs | RoutedInputs


@frozen
class ScenarioInputs:
    """Everything the engine needs for one scenario."""

    name: str
    workload: WorkloadInputs
    options: tuple[OptionInputs, ...]
    horizon_months: int = DEFAULTS.horizon_months.value
    basis: Literal["cash", "amortized"] = DEFAULTS.basis.value
    discount_rate: float = DEFAULTS.discount_rate.value
    # Cash basis: "book" credits the owned GPUs still held at the end at their book value, in the last month.
    terminal_value: Literal["none", "book"] = DEFAULTS.terminal_value.value
    baseline: str | None = None
    start: str | None = None
    currency: str = DEFAULTS.currency.value
