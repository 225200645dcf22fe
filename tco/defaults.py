"""Every default tco applies to a scenario: its value and why, in one table.

The resolver (`tco.scenario`) takes a field's default from here and records it as an assumption
(the "Defaults used" list); the engine's input dataclasses (`tco.engine.inputs`) take their field
defaults from here; tests hold the annotated scenario of docs/scenario.md and `tco init`'s starter to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from typing import Any, Generic, Literal, TypeVar

from tco.frozen import frozen

T = TypeVar("T")

Acquisition = Literal["rent", "buy"]
Scaling = Literal["fixed", "scheduled", "autoscale"]
Parallelism = Literal["tp", "tep", "dep"]
Basis = Literal["cash", "amortized"]
TerminalValue = Literal["none", "book"]
Engine = Literal["vllm", "sglang", "trtllm"]

HOURS_IN_A_MONTH = 365 * 24 / 12  # 730.0


@frozen
class Default(Generic[T]):
    """One default: the field it fills (as the scenario file names it; an option's field as
    `options.FIELD`), the value, and a one-line reason or source."""

    field: str
    value: T
    reason: str


@frozen
class Defaults:
    """The defaults, by name; iterate for all of them, `by_field` to find one by its scenario field."""

    horizon_months: Default[int]
    currency: Default[str]
    monthly_growth: Default[float]
    cached_input_share: Default[float]
    peak_to_average: Default[float]
    active_hours_per_month: Default[float]
    basis: Default[Basis]
    discount_rate: Default[float]
    terminal_value: Default[TerminalValue]
    batch_share: Default[float]
    batch_discount: Default[float]
    discount: Default[float]
    price_change_per_year: Default[float]
    fixed_monthly: Default[float]
    setup_cost: Default[float]
    other_monthly: Default[float]
    staff: Default[None]
    acquisition: Default[Acquisition]
    scaling: Default[Scaling]
    precision: Default[str]
    parallelism: Default[Parallelism]
    engine: Default[Engine]
    slo: Default[str]
    gpus_per_replica: Default[int]
    min_replicas: Default[int]
    max_utilization: Default[float]
    rent_change_per_year: Default[float]
    server_cost_share: Default[float]
    lifetime_months: Default[int]
    residual_value: Default[float]
    price_per_kwh: Default[float]
    pue: Default[float]
    load_factor: Default[float]
    power_hours_per_month: Default[float]
    hosting_per_gpu_month: Default[float]
    maintenance_per_year: Default[float]
    go_live_month: Default[int]
    output_tokens_per_request: Default[int]

    def __iter__(self) -> Iterator[Default[Any]]:
        return iter([getattr(self, item.name) for item in fields(self)])

    def by_field(self, field: str) -> Default[Any] | None:
        """The default of scenario field `field` (`workload.peak_to_average`, `options.discount`), or None."""
        return next((default for default in self if default.field == field), None)


DEFAULTS = Defaults(
    horizon_months=Default("horizon_months", 36, "three years: the usual life of a GPU server, and of a plan"),
    currency=Default("currency", "USD", "the currency of the bundled pricing tables"),
    monthly_growth=Default("workload.monthly_growth", 0.0, "a flat volume unless the file says how it grows"),
    cached_input_share=Default("workload.cached_input_share", 0.0,
                               "no prompt caching unless stated: every input token at the full price"),
    peak_to_average=Default("workload.peak_to_average", 2.0,
                            "a busiest hour twice the average, a moderate daily peak; give your own"),
    active_hours_per_month=Default("workload.active_hours_per_month", HOURS_IN_A_MONTH,
                                   "traffic around the clock: every hour of the month, 365 × 24 / 12"),
    basis=Default("finance.basis", "cash", "what leaves the bank each month, the view a budget is kept in"),
    discount_rate=Default("finance.discount_rate", 0.0, "no discounting unless stated: NPV is the plain total"),
    terminal_value=Default("finance.terminal_value", "none",
                           "nothing credited for GPUs still owned after the last month: the cautious view"),
    batch_share=Default("options.batch_share", 0.0, "no traffic through a batch API unless stated"),
    batch_discount=Default("options.price.batch_discount", 0.0,
                           "no batch discount when neither the file nor the api table gives one"),
    discount=Default("options.discount", 0.0, "list prices unless a negotiated discount is stated"),
    price_change_per_year=Default("options.price_change_per_year", 0.0, "today's prices held over the horizon"),
    fixed_monthly=Default("options.fixed_monthly", 0.0, "no platform fee or support plan unless stated"),
    setup_cost=Default("options.setup_cost", 0.0, "no one-time cost unless stated"),
    other_monthly=Default("options.other_monthly", 0.0, "no other monthly cost unless stated"),
    staff=Default("options.staff", None, "no staff cost unless stated; warned for self-hosted options, "
                  "which someone has to run"),
    acquisition=Default("options.acquisition", "rent", "rented GPUs: no capital outlay, the common start"),
    scaling=Default("options.scaling", "fixed", "a fleet sized for the busiest hour and kept running all month"),
    precision=Default("options.precision", "bf16", "the precision open models are published in"),
    parallelism=Default("options.parallelism", "tp", "tensor parallel, the layout every serving engine supports"),
    engine=Default("options.engine", "vllm", "vLLM, the most used open serving engine"),
    slo=Default("options.slo", "chat", "an interactive chat, ConfigIQ's chat preset"),
    gpus_per_replica=Default("options.gpus_per_replica", 1,
                             "one GPU a replica when neither the file nor the tables can size it"),
    min_replicas=Default("options.min_replicas", 1, "one copy of the model always up"),
    max_utilization=Default("options.max_utilization", 0.7,
                            "headroom for bursts inside the hour and uneven load across replicas"),
    rent_change_per_year=Default("options.rent_change_per_year", 0.0, "today's rent held over the horizon"),
    server_cost_share=Default("options.server_cost_share", 0.25,
                              "servers, network and storage around the GPUs: about a quarter on top of them"),
    lifetime_months=Default("options.lifetime_months", 36, "three years, the usual depreciation life of a server"),
    residual_value=Default("options.residual_value", 0.0, "nothing recovered at end of life: the cautious view"),
    price_per_kwh=Default("options.power.price_per_kwh", 0.13,
                          "about the average US commercial electricity price, per kWh"),
    pue=Default("options.power.pue", 1.4, "a typical data centre's power usage effectiveness"),
    load_factor=Default("options.power.load_factor", 0.8, "the share of their rated power GPUs draw while serving"),
    power_hours_per_month=Default("options.power.hours_per_month", HOURS_IN_A_MONTH,
                                  "powered around the clock, 365 × 24 / 12 hours"),
    hosting_per_gpu_month=Default("options.hosting_per_gpu_month", 0.0, "none unless stated; warned for owned GPUs"),
    maintenance_per_year=Default("options.maintenance_per_year", 0.0, "none unless stated; warned for owned GPUs"),
    go_live_month=Default("options.go_live_month", 1, "serving from the first month"),
    output_tokens_per_request=Default("capacity.output_tokens_per_request", 500,
                                      "the request shape the capacity model assumes when the workload gives "
                                      "tokens per month, in the month's input/output mix"),
)
