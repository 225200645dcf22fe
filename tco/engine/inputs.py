"""Fully resolved engine inputs: every number known, every default applied, nothing left to look up.

`tco.scenario.resolve` builds these from a scenario file and the pricing tables; the engine reads only
these, so it can be called directly from Python with no files at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tco.engine import formulas
from tco.engine.formulas import DAYS_PER_MONTH as DAYS_PER_MONTH
from tco.engine.formulas import HOURS_PER_MONTH as HOURS_PER_MONTH
from tco.engine.formulas import TOKENS_PER_PRICE_UNIT as TOKENS_PER_PRICE_UNIT


@dataclass(frozen=True)
class WorkloadInputs:
    """Month-1 token volumes and the traffic's shape (docs/formulas.md, volume)."""

    input_tokens_month1: float
    output_tokens_month1: float
    monthly_growth: float = 0.0
    cached_input_share: float = 0.0
    peak_to_average: float = 2.0
    active_hours_per_month: float = HOURS_PER_MONTH
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class SharedCosts:
    """Costs any option may carry: staff, one-time setup, other monthly costs, fine-tuning."""

    staff_fte: float = 0.0
    cost_per_fte_year: float = 0.0
    setup_cost: float = 0.0
    other_monthly: float = 0.0
    fine_tuning: FineTuningInputs | None = None

    @property
    def staff_monthly(self) -> float:
        monthly: float = formulas.staff(self.staff_fte, self.cost_per_fte_year).amount
        return monthly


@dataclass(frozen=True)
class ApiInputs:
    """An API option: prices per 1M tokens and the adjustments of docs/formulas.md."""

    name: str
    price_per_million_input_tokens: float
    price_per_million_output_tokens: float
    price_per_million_cached_input_tokens: float
    batch_discount: float = 0.0
    batch_share: float = 0.0
    discount: float = 0.0
    price_change_per_year: float = 0.0
    fixed_monthly: float = 0.0
    shared: SharedCosts = field(default_factory=SharedCosts)
    model: str | None = None
    kind: Literal["api"] = "api"

    def price_factor(self, month: int) -> float:
        """Batch, negotiated discount and price drift, multiplied: the share of list price paid."""
        drift = formulas.yearly_compound(self.price_change_per_year, month)
        factor: float = formulas.price_factor(self.batch_share, self.batch_discount, self.discount, drift)
        return factor


@dataclass(frozen=True)
class ServingInputs:
    """How a self-hosted option serves, when the latency model sized it: engine, target, operating point."""

    engine: str
    slo: str  # the target as the assumptions list says it, or "none" (the offline maximum)
    ttft_target_ms: float | None
    tpot_target_ms: float | None
    concurrency: int  # requests in flight per replica
    ttft_ms: float  # predicted means at that point
    tpot_ms: float


@dataclass(frozen=True)
class SelfHostedInputs:
    """A self-hosted option: capacity, how the GPUs are paid for, and what runs them."""

    name: str
    input_tokens_per_second: float
    output_tokens_per_second: float
    gpus_per_replica: int = 1
    parallelism: Literal["tp", "tep", "dep"] = "tp"
    min_replicas: int = 1
    max_utilization: float = 0.7
    acquisition: Literal["rent", "buy"] = "rent"
    scaling: Literal["fixed", "scheduled", "autoscale"] = "fixed"
    hourly_rate_per_gpu: float = 0.0
    rent_change_per_year: float = 0.0
    purchase_price_per_gpu: float = 0.0
    server_cost_share: float = 0.25
    lifetime_months: int = 36
    residual_value: float = 0.0
    watts_per_gpu: float = 0.0
    price_per_kwh: float = 0.13
    pue: float = 1.4
    load_factor: float = 0.8
    power_hours_per_month: float = HOURS_PER_MONTH
    hosting_per_gpu_month: float = 0.0
    maintenance_per_year: float = 0.0
    go_live_month: int = 1
    fallback: ApiInputs | None = None
    shared: SharedCosts = field(default_factory=SharedCosts)
    model: str | None = None
    model_name: str | None = None
    gpu: str | None = None
    gpu_name: str | None = None
    # where the throughput came from: the scenario, throughput.yaml, or the capacity model
    throughput_source: Literal["given", "measured", "estimated"] = "given"
    precision: str = "bf16"
    serving: ServingInputs | None = None
    kind: Literal["self_hosted"] = "self_hosted"

    @property
    def capital_cost_per_gpu(self) -> float:
        """`c` (docs/formulas.md): GPU price plus its share of servers, network and storage."""
        c: float = formulas.capital_cost_per_gpu(self.purchase_price_per_gpu, self.server_cost_share)
        return c


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Route:
    """One route of a routed option: `share` of the tokens go to `option`."""

    option: OptionInputs
    share: float


@dataclass(frozen=True)
class RoutedInputs:
    """Traffic split across other options by share; the shares sum to 1."""

    name: str
    routes: tuple[Route, ...]
    shared: SharedCosts = field(default_factory=SharedCosts)
    kind: Literal["routed"] = "routed"


OptionInputs = ApiInputs | SelfHostedInputs | HybridInputs | RoutedInputs


@dataclass(frozen=True)
class ScenarioInputs:
    """Everything the engine needs for one scenario."""

    name: str
    workload: WorkloadInputs
    options: tuple[OptionInputs, ...]
    horizon_months: int = 36
    basis: Literal["cash", "amortized"] = "cash"
    discount_rate: float = 0.0
    # Cash basis: "book" credits the owned GPUs still held at the end at their book value, in the last month.
    terminal_value: Literal["none", "book"] = "none"
    baseline: str | None = None
    start: str | None = None
    currency: str = "USD"
