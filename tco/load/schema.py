"""The scenario file's schema (docs/scenario.md): pydantic models, every field with its rule and default.

Only types and single-field rules live here; rules that relate fields or options to each other
(one workload form, unique names, references) are in `tco.scenario.loader`, so that every problem in a
file can be reported at once with the path of the field at fault.

Annotations here are evaluated as the classes are made, not postponed: pydantic would otherwise compile
each one from its text, which costs every command that reads a scenario about 2 ms more to start.
"""

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from tco.errors import did_you_mean, echoed
from tco.load.numbers import NUMBER_TEXT, show
from tco.load.numbers import Number as Number  # every numeric field's rule, shared with the pricing tables
from tco.load.quantities import parse_number

# Money, volumes and prices: never negative.
Amount = Annotated[float, Number("a non-negative amount; text like 2.5M or 750K allowed", minimum=0, what="amount")]
Price = Annotated[float, Number("a non-negative price", minimum=0, what="price")]
Volume = Annotated[float, Number("a non-negative volume; text like 2.5M, 3B allowed", minimum=0, what="volume")]
# Rates that must be above zero (throughputs, hourly rates).
PositiveRate = Annotated[float, Number("a number above zero", exclusive_minimum=0)]
Share = Annotated[float, Number("a share from 0 to 1, or a percentage such as 15%", percent=True, minimum=0,
                                maximum=1, what="share")]
Utilization = Annotated[float, Number("a share above 0 and at most 1, or a percentage such as 70%", percent=True,
                                      exclusive_minimum=0, maximum=1)]


# Growth, price drift, the discount rate and maintenance: rates. Changes may be negative, never -100% or below.
def _rate(field: str, per: str, description: str, *, minimum: float | None = None,
          exclusive_minimum: float | None = None) -> Number:
    """The rule of a rate field: a percentage, or a plain number of at most 1 in size (above: an error)."""
    return Number(f"{description}; a plain number above 1 is refused (write 5% or 0.05, not 5)", percent=True,
                  minimum=minimum, exclusive_minimum=exclusive_minimum, what="rate", rate=(field, per))


_CHANGE = "a rate of change per {}, such as 4% or -25%"
MonthlyGrowth = Annotated[float, _rate("monthly_growth", "a month", _CHANGE.format("month"), exclusive_minimum=-1)]
AnnualGrowth = Annotated[float, _rate("annual_growth", "a year", _CHANGE.format("year"), exclusive_minimum=-1)]
DiscountRate = Annotated[float, _rate("discount_rate", "a year", "an annual discount rate, such as 8%",
                                      exclusive_minimum=-1)]
PriceChange = Annotated[float, _rate("price_change_per_year", "a year", _CHANGE.format("year"),
                                     exclusive_minimum=-1)]
RentChange = Annotated[float, _rate("rent_change_per_year", "a year", _CHANGE.format("year"), exclusive_minimum=-1)]
MaintenanceRate = Annotated[float, _rate("maintenance_per_year", "a year",
                                         "a share of the capital cost per year, such as 8%", minimum=0)]
# Servers, network and storage as a share of the GPU price: it may pass 100% (a cheap GPU in a costly
# server), written so; a plain number above 1 is refused as a rate is (`25` would be 2,500%).
ServerCostShare = Annotated[float, Number(
    "servers, network and storage as a share of the GPU price, such as 25%; a plain number above 1 is refused "
    "(write 25% or 0.25, not 25)", percent=True, minimum=0, what="share",
    rate=("server_cost_share", "of the purchase price"))]
PeakRatio = Annotated[float, Number("busiest-hour load over average load, at least 1", minimum=1)]
PowerUsage = Annotated[float, Number("power usage effectiveness, at least 1", minimum=1)]
HoursPerMonth = Annotated[float, Number("hours in a month, above 0 and at most 730", exclusive_minimum=0,
                                        maximum=730)]
Months = Annotated[int, Number("a whole number of months, at least 1", whole=True, minimum=1)]
# The horizon sets the shape of every result, so it cannot be a range.
Horizon = Annotated[int, Number("months projected, 1 to 240", whole=True, minimum=1, maximum=240, ranged=False)]
GpuCount = Annotated[int, Number("a whole number of GPUs, at least 1", whole=True, minimum=1)]
ReplicaCount = Annotated[int, Number("a whole number of replicas, at least 0", whole=True, minimum=0, what="count")]

# A label is a line of a table, not a document: a name of thousands of characters is a wrong file.
MAX_NAME_CHARACTERS = 200
MAX_CURRENCY_CHARACTERS = 8  # a code (USD, CHF) or a symbol ($, €, US$): a label, never converted
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARACTERS)]
Currency = Annotated[str, Field(min_length=1, max_length=MAX_CURRENCY_CHARACTERS)]
Precision = Literal["bf16", "fp8", "fp4", "int4"]


def _year_month(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value.strip()):
        month = value.strip().split("-")[1]
        if not 1 <= int(month) <= 12:
            raise ValueError(f"{echoed(value)} has no month {int(month)}; write YYYY-MM, e.g. 2027-01")
        return value.strip()
    raise ValueError(f"{echoed(value)} is not a month; write YYYY-MM, e.g. 2027-01")


YearMonth = Annotated[
    str,
    BeforeValidator(_year_month),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "YYYY-MM"}),
]


_PROFILE_NAMES = ("flat", "office_hours", "consumer_evening", "batch_night")


def _load_profile(value: Any) -> Any:
    """A named profile, or exactly 24 non-negative hourly weights, not all zero."""
    if isinstance(value, str) and value.strip() in _PROFILE_NAMES:
        return value.strip()
    if isinstance(value, list):
        if len(value) != 24:
            raise ValueError(f"must be 24 hourly weights, one per hour from 00:00 (got {len(value)})")
        weights = []
        for hour, weight in enumerate(value):
            if isinstance(weight, bool) or not isinstance(weight, int | float | str):
                raise ValueError(f"hour {hour} (weight {hour + 1} of 24): expected a number, got {echoed(weight)}")
            try:
                number = parse_number(weight)
            except ValueError as exc:
                raise ValueError(f"hour {hour} (weight {hour + 1} of 24): {exc}") from None
            if number < 0:
                raise ValueError(f"hour {hour} (weight {hour + 1} of 24): must not be negative (got {show(weight)})")
            weights.append(float(number))
        if not any(weights):
            raise ValueError("the 24 weights are all zero: give the relative load of each hour")
        return tuple(weights)
    shown = echoed(value) if isinstance(value, str) else type(value).__name__
    hint = did_you_mean(value, _PROFILE_NAMES, most=1) if isinstance(value, str) else ""
    raise ValueError(f"must be one of {', '.join(_PROFILE_NAMES)}, or a list of 24 hourly weights "
                     f"(got {shown}){hint}")


LoadProfile = Annotated[
    Any,
    BeforeValidator(_load_profile),
    WithJsonSchema({
        "anyOf": [
            {"type": "string", "enum": list(_PROFILE_NAMES)},
            {"type": "array", "minItems": 24, "maxItems": 24,
             "items": {"anyOf": [{"type": "number", "minimum": 0},
                                 {"type": "string", "pattern": NUMBER_TEXT}]}},
        ],
        "description": "the load's shape over the day: a named profile or 24 hourly weights from 00:00",
    }),
]


def _size_for(value: Any) -> Any:
    """`p50`..`p100` (a percentile of the hourly loads), `average`, or `{gpus: N}`."""
    if isinstance(value, dict):
        extra = [str(k) for k in value if k != "gpus"]
        if extra or "gpus" not in value:
            raise ValueError(f"a fixed fleet is written {{gpus: N}} (got the keys {', '.join(map(str, value))})")
        try:
            gpus = _FLEET_GPUS.check(value["gpus"])
        except ValueError as exc:
            raise ValueError(f"gpus {exc}") from None
        return {"gpus": int(gpus)}
    text = value.strip() if isinstance(value, str) else None
    if text == "average":
        return text
    match = re.fullmatch(r"p(\d+(?:\.\d+)?)", text or "")
    if text is None or match is None or not 50 <= float(match.group(1)) <= 100:
        raise ValueError(f"must be p50 to p100 (a percentile of the hourly load), average, or {{gpus: N}} "
                         f"(got {show(value)})")
    return text


_FLEET_GPUS = Number("a whole number of GPUs, at least 0", whole=True, minimum=0, what="count")

SizeFor = Annotated[
    Any,
    BeforeValidator(_size_for),
    WithJsonSchema({
        "anyOf": [
            {"type": "string", "pattern": r"^(p(100|[5-9][0-9](\.[0-9]+)?)|average)$"},
            {"type": "object", "properties": {"gpus": {"type": "integer", "minimum": 0}},
             "required": ["gpus"], "additionalProperties": False},
        ],
        "description": "p50..p100 of the hourly load, average, or {gpus: N} for a fixed fleet",
    }),
]


class _Strict(BaseModel):
    # Built when first used: a scenario is validated as a whole by `Scenario`, which is built at
    # import and builds every part's schema inside its own; building each part's validator too
    # would cost `tco compare` 2 ms for validators it never calls.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True, defer_build=True)


class Workload(_Strict):
    """The traffic: requests (form A), monthly tokens (form B) or the monthly bill (form C), growth and shape."""

    monthly_spend: Annotated[float | None, Number(
        "form C: what the baseline api option bills a month for tokens today; the month-1 volume is the one "
        "that makes its month-1 token cost this amount (with input_tokens_per_request and "
        "output_tokens_per_request)", minimum=0, what="amount")] = None
    requests_per_day: Volume | None = None
    input_tokens_per_request: Volume | None = None
    output_tokens_per_request: Volume | None = None
    input_tokens_per_month: Volume | None = None
    output_tokens_per_month: Volume | None = None
    monthly_growth: MonthlyGrowth | None = None
    annual_growth: AnnualGrowth | None = None
    cached_input_share: Share | None = None
    peak_to_average: PeakRatio | None = None
    active_hours_per_month: HoursPerMonth | None = None
    load_profile: LoadProfile | None = None


class Finance(_Strict):
    basis: Literal["cash", "amortized"] | None = None
    discount_rate: DiscountRate | None = None
    # Cash basis: credit the owned GPUs still held at the end at their book value ("book"), or not ("none").
    terminal_value: Literal["none", "book"] | None = None


class Staff(_Strict):
    fte: Amount
    cost_per_fte_year: Price


class TokenPrice(_Strict):
    """Inline API prices per 1M tokens; each overrides the table's field when `model` is given."""

    input: Price | None = None
    output: Price | None = None
    cached_input: Price | None = None
    batch_discount: Share | None = None


class Throughput(_Strict):
    """Per-GPU throughput in tokens per second; each overrides the measured table figure."""

    input_tokens_per_second: PositiveRate | None = None
    output_tokens_per_second: PositiveRate | None = None


SLO_PRESET_NAMES = ("chat", "rag", "agentic", "batch", "voice", "none")
LatencyMs = Annotated[float, Number("a time in ms, above zero", exclusive_minimum=0)]


def _slo_from_name(value: Any) -> Any:
    """`slo: chat` is the preset of that name; `none` sizes at the offline maximum."""
    if isinstance(value, str):
        if value not in SLO_PRESET_NAMES:
            raise ValueError(f"unknown latency target {echoed(value)}{did_you_mean(value, SLO_PRESET_NAMES, most=1)}; "
                             f"one of {', '.join(SLO_PRESET_NAMES)}, or {{ttft_ms, tpot_ms}}")
        return {"preset": value}
    if isinstance(value, dict):
        if "preset" in value:  # the field a preset's name fills in; a mapping stating it would drop its times
            raise ValueError("a custom target is {ttft_ms, tpot_ms}; a preset is written by its name alone "
                             "(slo: chat)")
        if set(value) <= {"ttft_ms", "tpot_ms"} and all(value.get(key) is None for key in ("ttft_ms", "tpot_ms")):
            raise ValueError("give ttft_ms, tpot_ms or both (a custom target), a preset's name, or none for the "
                             "offline maximum")
    return value


class SloTarget(_Strict):
    """A latency target: a preset's name (chat, rag, agentic, batch, voice, or none for the offline maximum),
    or mean time to first token and time per output token in ms (either may be left out, not both)."""

    preset: Literal["chat", "rag", "agentic", "batch", "voice", "none"] | None = None
    ttft_ms: LatencyMs | None = None
    tpot_ms: LatencyMs | None = None


Slo = Annotated[SloTarget, BeforeValidator(_slo_from_name), WithJsonSchema({
    "description": "Latency target: a preset (chat 800/30, rag 1500/40, agentic 3000/50, batch 10000/100, "
                   "voice 200/15 ms mean TTFT/TPOT; none: the offline maximum), or {ttft_ms, tpot_ms}",
    "anyOf": [{"enum": list(SLO_PRESET_NAMES)},
              {"type": "object", "additionalProperties": False,
               "properties": {"ttft_ms": {"type": ["number", "string"]}, "tpot_ms": {"type": ["number", "string"]}}}],
})]


class Power(_Strict):
    watts_per_gpu: PositiveRate | None = None
    price_per_kwh: Price | None = None
    pue: PowerUsage | None = None
    load_factor: Share | None = None
    hours_per_month: HoursPerMonth | None = None


class FineTuning(_Strict):
    """One fine-tuning run's costs; repeated every `every_months` when given."""

    gpu_hours: Amount | None = None
    hourly_rate_per_gpu: Price | None = None
    training_tokens: Volume | None = None
    price_per_million_training_tokens: Price | None = None
    data_cost: Amount | None = None
    every_months: Months | None = None


class _OptionBase(_Strict):
    name: Name
    staff: Staff | None = None
    setup_cost: Amount | None = None
    other_monthly: Amount | None = None
    fine_tuning: FineTuning | None = None


class ApiOption(_OptionBase):
    kind: Literal["api"]
    model: Name | None = None
    price: TokenPrice | None = None
    batch_share: Share | None = None
    discount: Share | None = None
    price_change_per_year: PriceChange | None = None
    fixed_monthly: Amount | None = None


class SelfHostedOption(_OptionBase):
    kind: Literal["self_hosted"]
    model: Name | None = None
    gpu: Name | None = None
    precision: Precision | None = None
    acquisition: Literal["rent", "buy"] | None = None
    # rent
    cloud: Name | None = None
    hourly_rate_per_gpu: PositiveRate | None = None
    rent_change_per_year: RentChange | None = None
    scaling: Literal["fixed", "scheduled", "autoscale"] | None = None
    # capacity
    throughput: Throughput | None = None
    gpus_per_replica: GpuCount | None = None
    parallelism: Literal["tp", "tep", "dep"] | None = None
    engine: Literal["vllm", "sglang", "trtllm"] | None = None
    slo: Slo | None = None
    min_replicas: ReplicaCount | None = None
    max_utilization: Utilization | None = None
    # buy
    purchase_price_per_gpu: Price | None = None
    server_cost_share: ServerCostShare | None = None
    lifetime_months: Months | None = None
    residual_value: Share | None = None
    power: Power | None = None
    hosting_per_gpu_month: Price | None = None
    maintenance_per_year: MaintenanceRate | None = None
    # before go-live
    go_live_month: Months | None = None
    fallback: Name | None = None


class HybridOption(_OptionBase):
    """Self-host the base load on a fleet sized by `size_for`, send the rest to an API."""

    kind: Literal["hybrid"]
    self_hosted: Name
    overflow_to: Name
    # "p75", "average", or {"gpus": N} (a whole number of GPUs), as `_size_for` checks it.
    size_for: SizeFor


class Route(_Strict):
    to: Name
    share: Share


class RoutedOption(_OptionBase):
    """Traffic split across other options by share."""

    kind: Literal["routed"]
    routes: Annotated[list[Route], Field(min_length=1)]


OPTION_KINDS = ("api", "self_hosted", "hybrid", "routed")
Option = Annotated[ApiOption | SelfHostedOption | HybridOption | RoutedOption, Field(discriminator="kind")]


class Scenario(_Strict):
    """A whole scenario file. Fields left out are None here; `tco.scenario.loader` applies defaults."""

    model_config = ConfigDict(defer_build=False)

    name: Name
    horizon_months: Horizon | None = None
    start: YearMonth | None = None
    currency: Currency | None = None
    baseline: Name | None = None
    workload: Workload
    finance: Finance | None = None
    options: Annotated[list[Option], Field(min_length=1)]
