"""What the engine returns: one result model that every renderer reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from tco.docs import SCENARIO_FILE
from tco.errors import TcoError
from tco.frozen import frozen

CATEGORIES = (
    "api",
    "gpu_rent",
    "capex",
    "depreciation",
    "power",
    "hosting",
    "maintenance",
    "staff",
    "setup",
    "other",
    "fallback_api",
    "fine_tuning",
    "terminal_value",
)
ONE_TIME_CATEGORIES = frozenset({"setup", "capex", "fine_tuning"})
# Amounts that land at the very end of their month: the owned GPUs' book value credited after the last
# month (`finance.terminal_value: book`); the fractional break-even counts them there.
END_OF_MONTH_CATEGORIES = frozenset({"terminal_value"})
DEFAULT_SOURCE = f"tco default (see {SCENARIO_FILE})"  # the source of a value no file gave
# The largest figure (cost, volume, count) tco reports. Beyond it a scenario is refused as too large to
# compute: it is far past any budget or traffic, and far enough below a float's limit (1.8e308) that
# every sum, difference, ratio and chart axis drawn from the figures stays finite, so no output can
# ever say inf or nan.
MAX_FIGURE = 1e300  # said as "1e300" in `too_large`


def computable(value: float | None) -> bool:
    """Whether `value` is None or a finite figure no larger in size than MAX_FIGURE (NaN is not)."""
    return value is None or abs(value) <= MAX_FIGURE


def too_large(source: str, field: str = "", *, volumes: bool = False, runs: bool = False, npv: bool = False,
              ranged: bool = False, fields: str = "") -> TcoError:
    """The error for figures beyond MAX_FIGURE (or a float), at `field` (`options[1]`, `workload`, or
    "" when it is not known which); `runs` for some runs of a simulation, sweep or sensitivity, with
    `ranged` when the field is the one whose range takes them there, or `fields` naming the ranged
    fields whose values together do; `npv` when only an option's NPV is beyond it (a discount rate
    below 0 weighs the later months up)."""
    if npv:
        return TcoError.single(source, "its NPV is too large to compute (beyond 1e300): finance.discount_rate is "
                               "below 0, which weighs each later month's costs up, past the limit here; check the "
                               "discount rate and the option's costs", field=field)
    what = ("the volumes" if volumes else "the costs") + (" of some runs" if runs else "")
    if fields:
        advice = f"the ranges of {fields} take them there together; narrow them"
    elif ranged:
        advice = "this field's range takes them there; narrow it"
    else:
        advice = "check the workload's volumes and growth, the throughputs and the prices"
    return TcoError.single(source, f"{what} are too large to compute (beyond 1e300): {advice}", field=field)


@frozen
class LineItem:
    """One priced component of a month's cost: `quantity × unit_price = amount`."""

    category: str
    description: str
    quantity: float
    unit: str
    unit_price: float

    @property
    def amount(self) -> float:
        return self.quantity * self.unit_price


@dataclass
class MonthCost:
    """One option's costs in one month."""

    month: int
    date: str | None
    input_tokens: float
    output_tokens: float
    gpus: int | None
    items: list[LineItem]
    total: float = 0.0
    cumulative: float = 0.0
    one_time: float = 0.0
    at_end: float = 0.0  # the part of `total` in END_OF_MONTH_CATEGORIES
    costs: dict[str, float] = field(default_factory=dict)
    # Mixed strategies: tokens served on the option's own GPUs, the GPU-hours those tokens keep busy at
    # nominal throughput, and the GPU-hours paid for (rented hours, or owned GPUs × 730).
    self_hosted_tokens: float = 0.0
    served_gpu_hours: float = 0.0
    fleet_gpu_hours: float = 0.0

    @property
    def self_hosted_share(self) -> float | None:
        """Share of this month's tokens served on own GPUs; None when there are no tokens."""
        tokens = self.input_tokens + self.output_tokens
        return self.self_hosted_tokens / tokens if tokens else None

    @property
    def fleet_utilization(self) -> float | None:
        """Busy GPU-hours over GPU-hours paid for; None without a fleet."""
        return self.served_gpu_hours / self.fleet_gpu_hours if self.fleet_gpu_hours else None


@frozen
class Fleet:
    """What a sentence names a self-hosted option by: its model on its GPUs, rented or owned, with the
    fleet in the first month it has one and at the end (`tco.render.text.option_label` words it)."""

    model_name: str
    gpu_name: str
    acquisition: str  # "rent" or "buy"
    gpus_first: int | None
    gpus_at_end: int


@frozen
class StalePrice:
    """A table price older than the age allowed (`--max-price-age`): a warning `tco.render` words, with
    the command that refreshes the price."""

    table: str
    key: str
    file: str
    age_days: int
    as_of: str
    max_age_days: int


# A warning about a scenario: a sentence, or a fact that `tco.render.text.warning_text` words.
ScenarioWarning = str | StalePrice


@dataclass
class OptionResult:
    """One option projected over the horizon."""

    name: str
    kind: str
    months: list[MonthCost]
    total: float
    npv: float
    cost_per_million_tokens: float | None
    fleet: Fleet | None  # what the headline names a self-hosted option by; None: by its name
    go_live_month: int = 1  # self-hosted: the first month the fleet serves the traffic
    fallback: str | None = None  # self-hosted: the api option that serves it before then
    fine_tuning_months: tuple[int, ...] = ()  # the months in which a fine-tuning run is paid for
    # Cash basis: the straight-line book value of the owned GPUs still held after the last month
    # (credited in the last month with `finance.terminal_value: book`); 0 without owned GPUs.
    book_value_at_end: float = 0.0
    # An option that owns GPUs: the month it first buys them, and what that month costs in cash (GPUs and
    # servers, setup, running costs), on the cash basis whatever the scenario's basis; None otherwise.
    first_purchase_month: int | None = None
    first_purchase_cash: float | None = None

    def fine_tuning_runs(self, through_month: int) -> int:
        """How many fine-tuning runs fall in months 1..through_month."""
        return sum(1 for m in self.fine_tuning_months if m <= through_month)

    @property
    def self_hosted_share(self) -> float | None:
        """Share of the horizon's tokens served on own GPUs (0 for an API); None without tokens."""
        tokens = sum(m.input_tokens + m.output_tokens for m in self.months)
        return sum(m.self_hosted_tokens for m in self.months) / tokens if tokens else None

    @property
    def fleet_utilization(self) -> float | None:
        """Busy GPU-hours over GPU-hours paid for, over the horizon; None when no GPU was paid for."""
        paid = sum(m.fleet_gpu_hours for m in self.months)
        return sum(m.served_gpu_hours for m in self.months) / paid if paid else None

    @property
    def categories(self) -> list[str]:
        """The cost categories this option uses, in the order of CATEGORIES."""
        used = {c for m in self.months for c in m.costs}
        return [c for c in CATEGORIES if c in used]


@frozen
class BreakEven:
    """A self-hosted option against an API option (docs/formulas.md, break-even)."""

    option: str
    versus: str
    month: int | None
    months: float | None
    volume_tokens_per_month: float | None
    first_volume_tokens_per_month: float | None
    savings_at_horizon: float
    volume_requests_per_day: float | None = None
    first_volume_requests_per_day: float | None = None


@frozen
class Assumption:
    """A value that did not come from the scenario file, and its source."""

    field: str
    value: object
    source: str  # full: file, entry, citation and date
    brief: str = ""  # short form for tables: file, entry and date

    @property
    def short_source(self) -> str:
        return self.brief or self.source


@dataclass
class Comparison:
    """Every option of one scenario, the break-even pairs, warnings and assumptions."""

    scenario: str
    source: str
    currency: str
    horizon_months: int
    basis: str
    baseline: str | None
    start: str | None
    options: list[OptionResult]
    break_even: list[BreakEven]
    warnings: list[ScenarioWarning]
    assumptions: list[Assumption]
    # The month-1 volume every figure assumes, whichever way the workload gave it; requests per day
    # when the workload is in requests (or derived from the bill), else None.
    month1_input_tokens: float = 0.0
    month1_output_tokens: float = 0.0
    month1_requests_per_day: float | None = None

    def option(self, name: str) -> OptionResult:
        return next(o for o in self.options if o.name == name)
