"""An independent, deliberately plain re-implementation of the formulas, to cross-check the engine.

It reads a scenario as a Python dict shaped exactly like the YAML file in which every
value is inline and already a number (no pricing-table lookups, no "2.5M"/"15%" strings): API
options give `price: {input, output, cached_input?, batch_discount?}`; self-hosted options give
`throughput`, and `hourly_rate_per_gpu` (rent) or `purchase_price_per_gpu` + `power` (buy). It
returns per-option monthly costs, totals, NPV and the break-even figures of the output reference.

It is written to be read, not to be fast: one loop per month, one branch per rule, and the
break-even volume solved analytically step by step (never by sampling).

How this reference reads the places where the formulas is silent or ambiguous
-------------------------------------------------------------------------
 1. Calendar drift. `f(m)` (API prices) and `r(m)` (rent) use the scenario month m, also for an
    option that goes live late and for the fallback API's token cost: drift is calendar time,
    not time since go-live.
 2. `fixed_monthly` is part of `api(m)` (as the §4 formula writes it), so it is reported in the
    `api` category. The differential test compares `api + other` together, never apart.
 3. The cached share `c` and batch terms apply only to API token prices; a self-hosted fleet is
    sized from all input and output tokens, cached or not.
 4. `busy(m)` uses the active hours h for every scaling mode; *fixed* only differs in billing
    730 h. Autoscale bills `busy(m)/u` GPUs in the active hours, neither rounded to whole replicas
    nor multiplied by peak_to_average (the formula says so), and reports the peak-sized fleet.
 5. Before go-live a self-hosted option has no fleet: `gpus` is 0 (the engine may print null;
    the differential test accepts either), and it pays staff, setup (month 1), other_monthly,
    fine-tuning and `fallback_api` = the fallback's token cost with its own batch share, batch
    discount, discount and drift, but NOT the fallback's fixed_monthly, staff, setup or other.
    A `go_live_month > 1` without `fallback` falls back to the baseline API.
 6. Buy: the running maximum of the fleet starts at go-live (months before it count as 0). A
    cohort bought in month b is bought again in b+L, b+2L, ... (L = lifetime_months) while
    that month is within the horizon. Cash basis: capex(m) = c·new(m) + c·(1 − residual)·
    replaced(m); the fleet still owned at the end of the horizon is NOT credited its residual
    value (the text only credits GPUs sold on replacement), unless `finance.terminal_value` is
    `book` (note 13). Amortized basis: every GPU in the fleet costs c·(1 − residual)/L in each
    month from the month it was bought, and since every cohort is renewed,
    depreciation(m) = fleet(m)·c·(1 − residual)/L.
 7. Power, hosting and maintenance are charged on the owned fleet (the running maximum), not on
    the GPUs needed that month. Power uses `power.hours_per_month`, not the active hours.
 8. Fine-tuning schema (the formulas name the terms but not the keys): `fine_tuning: {gpu_hours,
    hourly_rate_per_gpu, training_tokens, price_per_million_training_tokens, data_cost,
    every_months}`, each cost term defaulting to 0 (`hourly_rate_per_gpu` defaults to the
    option's own rent rate when it has one). Without `every_months` it runs once, in month 1;
    with it, in months 1, 1+e, 1+2e, ... up to H, whatever the go-live month.
 9. One-time costs for the fractional break-even are setup, cash capex (net of residual credits)
    and fine-tuning; depreciation, rent, power, fallback_api etc. accrue evenly through a month.
    Fractional months = (m − 1) + t where t ∈ [0, 1] is where the exact difference
    D = C_S − C_A crosses zero after the one-time jump; t = 0 when the difference just after the
    one-time costs is already ≤ the money tolerance (this gives "0 in month 1 when S's one-time
    costs do not exceed A's"); t is clamped to 1 when the end-of-month difference is only
    within tolerance of zero.
10. Break-even month: "≤" everywhere means `C_S ≤ C_A + 1e-9·max(1, |C_A|)`, also in the null
    test at H. `savings_at_horizon` = C_A(H) − C_S(H) (positive when S is cheaper).
11. Break-even volume. Steady state after go-live (no fallback), month-1 prices (f = r = 1),
    V split by the month-1 input share α = in₁/(in₁ + out₁). A(V) = F_A + a·V with
    a = [α((1−c)p_in + c·p_cached) + (1−α)p_out]/1e6 · (1 − s_b·d_b)(1 − d) and
    F_A = fixed_monthly + staff + other_monthly. S(V) = F_S + G·gpus(V) for fixed / scheduled /
    buy with F_S = staff + other_monthly and G the cost of one GPU-month (730·r₁, h·r₁, or
    c(1−residual)/L + power + hosting + c·maintenance/12), gpus(V) = k·max(min_replicas,
    ceil(V/Q)) with Q = h·3600·u·k/(β·p) tokens a replica serves, β = α/X + (1−α)/Y seconds
    of GPU per token. Autoscale: S(V) = F_S + r₁·[h·max(n₀k, V·β/(3600·h·u)) + (730−h)·n₀k].
    "Marginal cost per token" of a step function is its asymptotic slope G·k/Q (autoscale: its
    slope above the floor); null break-even volume when that is ≥ a.
    Break-even volume = sup{V ≥ 0 : S(V) > A(V)} (0 when S ≤ A everywhere); at a replica step
    where S loses on the whole step this is the step's right end n·Q (S wins at every strictly
    higher volume). First break-even volume = inf{V ≥ 0 : S(V) ≤ A(V)}, null if empty.
    The money tolerance is not applied to volumes: the answers are the exact crossing points.
12. Knife edges. The break-even volume is discontinuous where a step's losing stretch shrinks
    to nothing (n_c in `_step_volumes` a whole number: the answer jumps by G·k/a), and so is
    the first volume where (F_S − F_A)/(aQ − Gk) is whole; the month answers jump where
    cumulative curves touch. Two correct implementations may differ there by rounding, so the
    differential test draws values off round numbers, making such ties improbable.
13. Terminal value (cash basis, `finance.terminal_value: book`). A cohort first bought in month b
    is last bought in b + L·⌊(H − b)/L⌋ and has then been used H − that month + 1 months (the
    purchase month counts); each of its GPUs is credited c − used·c·(1 − residual)/L in month H,
    in the category `terminal_value` (negative), which lands at the very END of month H for the
    fractional break-even (a third kind of cost besides one-time and evenly accruing). A
    cohort whose life ends in month H (used = L) is credited its residual value. On the amortized
    basis, and with `none` (the default), nothing is credited.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HOURS_PER_MONTH = 730.0
DAYS_PER_MONTH = 365.0 / 12.0
SECONDS_PER_HOUR = 3600.0
MONEY_TOLERANCE = 1e-9  # relative, the formulas "Comparisons of money"
CEIL_TOLERANCE = 1e-9  # relative, the formulas ceil()

DEFAULTS: dict[str, float] = {
    "peak_to_average": 2.0,
    "max_utilization": 0.7,
    "min_replicas": 1,
    "gpus_per_replica": 1,
    "active_hours_per_month": 730.0,
    "price_per_kwh": 0.13,
    "pue": 1.4,
    "load_factor": 0.8,
    "hours_per_month": 730.0,
    "server_cost_share": 0.25,
    "lifetime_months": 36,
    "residual_value": 0.0,
    "discount_rate": 0.0,
    "horizon_months": 36,
}

ONE_TIME_CATEGORIES = ("setup", "capex", "fine_tuning")
END_OF_MONTH_CATEGORIES = ("terminal_value",)  # note 13

Scenario = Mapping[str, Any]


@dataclass(frozen=True)
class MonthCost:
    """One option's costs in one month; money in the scenario currency, tokens per month."""

    month: int
    input_tokens: float
    output_tokens: float
    gpus: int | None  # None for API options
    costs: dict[str, float]  # category -> money in this month
    total: float
    cumulative: float  # sum of `total` over months 1..month

    @property
    def one_time(self) -> float:
        """Money in this month's one-time categories (setup, cash capex, fine-tuning)."""
        return sum(self.costs.get(category, 0.0) for category in ONE_TIME_CATEGORIES)

    @property
    def at_end(self) -> float:
        """Money landing at the very end of this month (the terminal value's credit, note 13)."""
        return sum(self.costs.get(category, 0.0) for category in END_OF_MONTH_CATEGORIES)


@dataclass(frozen=True)
class OptionCost:
    """One option over the horizon: money totals and the monthly rows."""

    name: str
    kind: str
    months: list[MonthCost]
    total: float
    npv: float
    cost_per_million_tokens: float


@dataclass(frozen=True)
class BreakEven:
    """A self-hosted option against an API option (the formulas break-even, §6 JSON)."""

    option: str
    versus: str
    month: int | None
    months: float | None  # fractional months since the start
    volume_tokens_per_month: float | None
    first_volume_tokens_per_month: float | None
    savings_at_horizon: float  # C_A(H) − C_S(H), money


@dataclass(frozen=True)
class ScenarioCost:
    """Everything the reference computes for one scenario."""

    basis: str
    baseline: str
    horizon_months: int
    options: list[OptionCost]
    break_even: list[BreakEven]

    def option(self, name: str) -> OptionCost:
        """The option called `name`."""
        return next(option for option in self.options if option.name == name)


# --------------------------------------------------------------------------- small helpers


def ceil_with_tolerance(x: float) -> int:
    """ceil(x), ignoring an excess of at most 1e-9·max(1, x) over a whole number."""
    whole = math.floor(x)
    if x - whole <= CEIL_TOLERANCE * max(1.0, x):
        return int(whole)
    return int(whole) + 1


def money_at_most(cost: float, other: float) -> bool:
    """`cost ≤ other` with the formulas' money tolerance 1e-9·max(1, |other|)."""
    return cost <= other + MONEY_TOLERANCE * max(1.0, abs(other))


def _get(mapping: Mapping[str, Any] | None, key: str, default: float | None = None) -> float:
    """A numeric field as float, its the scenario reference default when absent."""
    if mapping is not None and key in mapping and mapping[key] is not None:
        return float(mapping[key])
    if default is None:
        raise KeyError(key)
    return float(default)


def _is_api(option: Mapping[str, Any]) -> bool:
    return bool(option["kind"] == "api")


def baseline_name(scenario: Scenario) -> str:
    """The baseline option: `baseline`, else the first API option."""
    if scenario.get("baseline"):
        return str(scenario["baseline"])
    return str(next(o["name"] for o in scenario["options"] if _is_api(o)))


def _basis(scenario: Scenario) -> str:
    return str((scenario.get("finance") or {}).get("basis", "cash"))


def _credits_book_value(scenario: Scenario) -> bool:
    """Cash basis with `finance.terminal_value: book` (note 13)."""
    return _basis(scenario) == "cash" and (scenario.get("finance") or {}).get("terminal_value") == "book"


# --------------------------------------------------------------------------- workload


def month_one_volume(workload: Mapping[str, Any]) -> tuple[float, float]:
    """(input, output) tokens in month 1 (the formulas, form A or form B)."""
    if "requests_per_day" in workload:
        requests_per_month = _get(workload, "requests_per_day") * DAYS_PER_MONTH
        return (
            requests_per_month * _get(workload, "input_tokens_per_request"),
            requests_per_month * _get(workload, "output_tokens_per_request"),
        )
    return _get(workload, "input_tokens_per_month"), _get(workload, "output_tokens_per_month")


def monthly_growth(workload: Mapping[str, Any]) -> float:
    """Monthly growth g; `annual_growth` G gives g = (1+G)^(1/12) − 1."""
    if "annual_growth" in workload:
        return float((1.0 + _get(workload, "annual_growth")) ** (1.0 / 12.0) - 1.0)
    return _get(workload, "monthly_growth", 0.0)


def volumes(workload: Mapping[str, Any], horizon: int) -> list[tuple[float, float]]:
    """(input, output) tokens of months 1..horizon; index m−1 holds month m."""
    in_1, out_1 = month_one_volume(workload)
    g = monthly_growth(workload)
    return [(in_1 * (1 + g) ** (m - 1), out_1 * (1 + g) ** (m - 1)) for m in range(1, horizon + 1)]


# --------------------------------------------------------------------------- API prices


def api_rate_per_token(
    option: Mapping[str, Any],
    workload: Mapping[str, Any],
    input_tokens: float,
    output_tokens: float,
) -> float:
    """Token cost of `input_tokens` + `output_tokens` at month-1 prices, after batch and
    negotiated discounts, without drift or fixed_monthly; money."""
    price = option["price"]
    p_in = _get(price, "input")
    p_cached = _get(price, "cached_input", p_in)
    p_out = _get(price, "output")
    d_b = _get(price, "batch_discount", 0.0)
    c = _get(workload, "cached_input_share", 0.0)
    s_b = _get(option, "batch_share", 0.0)
    d = _get(option, "discount", 0.0)
    token_cost = (input_tokens * ((1 - c) * p_in + c * p_cached) + output_tokens * p_out) / 1e6
    return token_cost * (1 - s_b * d_b) * (1 - d)


def api_drift(option: Mapping[str, Any], month: int) -> float:
    """f(m) = (1+k)^((m−1)/12) for the option's price_change_per_year k."""
    k = _get(option, "price_change_per_year", 0.0)
    return float((1 + k) ** ((month - 1) / 12))


def api_token_cost(
    option: Mapping[str, Any],
    workload: Mapping[str, Any],
    month: int,
    input_tokens: float,
    output_tokens: float,
) -> float:
    """token_cost(m)·(1 − s_b·d_b)·(1 − d)·f(m): the API bill without fixed_monthly; money."""
    return api_rate_per_token(option, workload, input_tokens, output_tokens) * api_drift(option, month)


# --------------------------------------------------------------------------- costs of any option


def staff_per_month(option: Mapping[str, Any]) -> float:
    """fte · cost_per_fte_year / 12; money per month."""
    staff = option.get("staff")
    if not staff:
        return 0.0
    return _get(staff, "fte") * _get(staff, "cost_per_fte_year") / 12


def fine_tuning_cost(option: Mapping[str, Any], month: int) -> float:
    """The fine-tuning run paid in `month` (month 1 and every `every_months` after); money."""
    tuning = option.get("fine_tuning")
    if not tuning:
        return 0.0
    every = int(tuning.get("every_months") or 0)
    runs_now = month == 1 or (every > 0 and (month - 1) % every == 0)
    if not runs_now:
        return 0.0
    hourly = _get(tuning, "hourly_rate_per_gpu", _get(option, "hourly_rate_per_gpu", 0.0))
    return (
        _get(tuning, "gpu_hours", 0.0) * hourly
        + _get(tuning, "training_tokens", 0.0) / 1e6 * _get(tuning, "price_per_million_training_tokens", 0.0)
        + _get(tuning, "data_cost", 0.0)
    )


def _common_costs(option: Mapping[str, Any], month: int) -> dict[str, float]:
    """staff, setup (month 1), other and fine-tuning: what every option pays; money."""
    return {
        "staff": staff_per_month(option),
        "setup": _get(option, "setup_cost", 0.0) if month == 1 else 0.0,
        "other": _get(option, "other_monthly", 0.0),
        "fine_tuning": fine_tuning_cost(option, month),
    }


# --------------------------------------------------------------------------- self-hosted fleet


@dataclass(frozen=True)
class Fleet:
    """The sizing inputs of a self-hosted option, defaults applied."""

    input_tokens_per_second: float  # X, per GPU
    output_tokens_per_second: float  # Y, per GPU
    gpus_per_replica: int  # k
    max_utilization: float  # u
    peak_to_average: float  # p
    min_replicas: int
    active_hours: float  # h

    @classmethod
    def of(cls, option: Mapping[str, Any], workload: Mapping[str, Any]) -> Fleet:
        """Read the option's and the workload's sizing fields."""
        throughput = option["throughput"]
        return cls(
            input_tokens_per_second=_get(throughput, "input_tokens_per_second"),
            output_tokens_per_second=_get(throughput, "output_tokens_per_second"),
            gpus_per_replica=int(_get(option, "gpus_per_replica", DEFAULTS["gpus_per_replica"])),
            max_utilization=_get(option, "max_utilization", DEFAULTS["max_utilization"]),
            peak_to_average=_get(workload, "peak_to_average", DEFAULTS["peak_to_average"]),
            min_replicas=int(_get(option, "min_replicas", DEFAULTS["min_replicas"])),
            active_hours=_get(workload, "active_hours_per_month", DEFAULTS["active_hours_per_month"]),
        )

    def busy(self, input_tokens: float, output_tokens: float) -> float:
        """GPUs busy on average during the active hours."""
        gpu_seconds = input_tokens / self.input_tokens_per_second + output_tokens / self.output_tokens_per_second
        return gpu_seconds / (self.active_hours * SECONDS_PER_HOUR)

    def gpus_needed(self, input_tokens: float, output_tokens: float) -> int:
        """Peak-sized GPUs: k · max(min_replicas, ceil(busy·p/(u·k)))."""
        busy = self.busy(input_tokens, output_tokens)
        k = self.gpus_per_replica
        replicas = max(
            self.min_replicas,
            ceil_with_tolerance(busy * self.peak_to_average / (self.max_utilization * k)),
        )
        return replicas * k


def rent_per_gpu_hour(option: Mapping[str, Any], month: int) -> float:
    """r(m) = hourly · (1 + rent_change_per_year)^((m−1)/12); money per GPU-hour."""
    drift = _get(option, "rent_change_per_year", 0.0)
    return _get(option, "hourly_rate_per_gpu") * float((1 + drift) ** ((month - 1) / 12))


def capital_cost_per_gpu(option: Mapping[str, Any]) -> float:
    """c = purchase_price_per_gpu · (1 + server_cost_share); money per GPU."""
    share = _get(option, "server_cost_share", DEFAULTS["server_cost_share"])
    return _get(option, "purchase_price_per_gpu") * (1 + share)


def power_per_gpu_month(option: Mapping[str, Any]) -> float:
    """watts · load_factor · pue · hours_per_month / 1000 · price_per_kwh; money per GPU-month."""
    power = option.get("power") or {}
    return (
        _get(power, "watts_per_gpu")
        * _get(power, "load_factor", DEFAULTS["load_factor"])
        * _get(power, "pue", DEFAULTS["pue"])
        * _get(power, "hours_per_month", DEFAULTS["hours_per_month"])
        / 1000
        * _get(power, "price_per_kwh", DEFAULTS["price_per_kwh"])
    )


def owned_gpu_month_cost(option: Mapping[str, Any]) -> float:
    """Steady-state cost of one owned GPU for one month with capex amortized; money."""
    c = capital_cost_per_gpu(option)
    lifetime = _get(option, "lifetime_months", DEFAULTS["lifetime_months"])
    residual = _get(option, "residual_value", DEFAULTS["residual_value"])
    return (
        c * (1 - residual) / lifetime
        + power_per_gpu_month(option)
        + _get(option, "hosting_per_gpu_month", 0.0)
        + c * _get(option, "maintenance_per_year", 0.0) / 12
    )


# --------------------------------------------------------------------------- monthly projection


def _project_api(
    option: Mapping[str, Any], scenario: Scenario, vols: list[tuple[float, float]]
) -> list[tuple[int | None, dict[str, float]]]:
    rows: list[tuple[int | None, dict[str, float]]] = []
    fixed_monthly = _get(option, "fixed_monthly", 0.0)
    for month, (tin, tout) in enumerate(vols, start=1):
        costs = _common_costs(option, month)
        token_cost = api_token_cost(option, scenario["workload"], month, tin, tout)
        costs["api"] = token_cost + fixed_monthly  # ambiguity 2
        rows.append((None, costs))
    return rows


def _project_self_hosted(
    option: Mapping[str, Any], scenario: Scenario, vols: list[tuple[float, float]]
) -> list[tuple[int | None, dict[str, float]]]:
    workload = scenario["workload"]
    fleet = Fleet.of(option, workload)
    basis = _basis(scenario)
    go_live = int(option.get("go_live_month") or 1)
    fallback_name = option.get("fallback") or baseline_name(scenario)
    fallback = next(o for o in scenario["options"] if o["name"] == fallback_name)
    buying = option.get("acquisition") == "buy"
    scaling = option.get("scaling", "fixed")
    k = fleet.gpus_per_replica
    floor_gpus = fleet.min_replicas * k
    h = fleet.active_hours

    owned = 0  # buy: the running maximum of the GPUs needed since go-live
    cohorts: list[tuple[int, int]] = []  # buy: (month bought first, GPUs)
    lifetime = int(_get(option, "lifetime_months", DEFAULTS["lifetime_months"]))
    residual = _get(option, "residual_value", DEFAULTS["residual_value"])

    rows: list[tuple[int | None, dict[str, float]]] = []
    for month, (tin, tout) in enumerate(vols, start=1):
        costs = _common_costs(option, month)
        if month < go_live:
            costs["fallback_api"] = api_token_cost(fallback, workload, month, tin, tout)
            rows.append((0, costs))
            continue
        needed = fleet.gpus_needed(tin, tout)
        if not buying:
            rate = rent_per_gpu_hour(option, month)
            if scaling == "fixed":
                gpu_hours = needed * HOURS_PER_MONTH
            elif scaling == "scheduled":
                gpu_hours = needed * h
            elif scaling == "autoscale":
                busy = fleet.busy(tin, tout)
                gpu_hours = h * max(floor_gpus, busy / fleet.max_utilization) + (HOURS_PER_MONTH - h) * floor_gpus
            else:
                raise ValueError(f"unknown scaling {scaling!r}")
            costs["gpu_rent"] = gpu_hours * rate
            rows.append((needed, costs))
            continue

        c = capital_cost_per_gpu(option)
        new = max(0, needed - owned)
        owned += new
        replaced = sum(gpus for bought, gpus in cohorts if month > bought and (month - bought) % lifetime == 0)
        if new:
            cohorts.append((month, new))
        if basis == "cash":
            costs["capex"] = c * new + c * (1 - residual) * replaced
        else:
            costs["depreciation"] = owned * c * (1 - residual) / lifetime
        costs["power"] = owned * power_per_gpu_month(option)
        costs["hosting"] = owned * _get(option, "hosting_per_gpu_month", 0.0)
        costs["maintenance"] = owned * c * _get(option, "maintenance_per_year", 0.0) / 12
        rows.append((owned, costs))
    if buying and rows and _credits_book_value(scenario):
        rows[-1][1]["terminal_value"] = -book_value_at_end(option, cohorts, len(vols))
    return rows


def book_value_at_end(option: Mapping[str, Any], cohorts: list[tuple[int, int]], horizon: int) -> float:
    """Straight-line book value after month `horizon` of the GPUs of `cohorts` (month first bought,
    GPUs), each at its last purchase (note 13); money."""
    c = capital_cost_per_gpu(option)
    lifetime = int(_get(option, "lifetime_months", DEFAULTS["lifetime_months"]))
    residual = _get(option, "residual_value", DEFAULTS["residual_value"])
    value = 0.0
    for first, gpus in cohorts:
        last = first + lifetime * ((horizon - first) // lifetime)
        used = horizon - last + 1
        value += gpus * (c - used * c * (1 - residual) / lifetime)
    return value


def project_option(option: Mapping[str, Any], scenario: Scenario) -> OptionCost:
    """Month-by-month costs, total, NPV and cost per 1M tokens of one option."""
    horizon = int(scenario.get("horizon_months", DEFAULTS["horizon_months"]))
    workload = scenario["workload"]
    vols = volumes(workload, horizon)
    project = _project_api if _is_api(option) else _project_self_hosted
    rows = project(option, scenario, vols)

    rate = _get(scenario.get("finance"), "discount_rate", DEFAULTS["discount_rate"])
    months: list[MonthCost] = []
    cumulative = 0.0
    npv = 0.0
    for month, ((tin, tout), (gpus, costs)) in enumerate(zip(vols, rows, strict=True), start=1):
        total = sum(costs.values())
        cumulative += total
        npv += total / (1 + rate) ** ((month - 1) / 12)
        months.append(MonthCost(month, tin, tout, gpus, costs, total, cumulative))
    tokens = sum(tin + tout for tin, tout in vols)
    return OptionCost(
        name=str(option["name"]),
        kind=str(option["kind"]),
        months=months,
        total=cumulative,
        npv=npv,
        cost_per_million_tokens=cumulative / (tokens / 1e6),
    )


# --------------------------------------------------------------------------- break-even month


def break_even_month(s: OptionCost, a: OptionCost) -> int | None:
    """Smallest m with C_S(j) ≤ C_A(j) for every j in m..H; None if C_S(H) > C_A(H)."""
    result: int | None = None
    for j in range(len(s.months), 0, -1):
        if not money_at_most(s.months[j - 1].cumulative, a.months[j - 1].cumulative):
            break
        result = j
    return result


def break_even_months(s: OptionCost, a: OptionCost, month: int | None) -> float | None:
    """Fractional break-even in months, in [month − 1, month]; None when `month` is None.

    One-time costs land at the start of their month, the terminal value's credit at its very end
    (note 13), all other costs accrue evenly: a crossing only the credit brings about is at t = 1."""
    if month is None:
        return None
    s_row, a_row = s.months[month - 1], a.months[month - 1]
    s_after_jump = s_row.cumulative - s_row.total + s_row.one_time  # C_S at t = 0+
    a_after_jump = a_row.cumulative - a_row.total + a_row.one_time  # C_A at t = 0+
    gap_after_jump = s_after_jump - a_after_jump  # D(0+)
    gap_at_end = (s_row.cumulative - s_row.at_end) - (a_row.cumulative - a_row.at_end)  # D(1−): note 13
    if money_at_most(s_after_jump, a_after_jump):
        t = 0.0
    elif gap_at_end > 0 or gap_at_end >= gap_after_jump:
        t = 1.0  # the gap closes only with the credit at the end, or is within tolerance of zero there
    else:
        t = gap_after_jump / (gap_after_jump - gap_at_end)
    return month - 1 + t


# --------------------------------------------------------------------------- break-even volume


@dataclass(frozen=True)
class ApiCurve:
    """A(V) = fixed + rate·V: an API option's steady monthly cost at V tokens/month."""

    fixed: float  # fixed_monthly + staff + other_monthly, money per month
    rate: float  # money per token, month-1 prices, all discounts

    def cost(self, volume: float) -> float:
        """Monthly cost at `volume` tokens per month; money."""
        return self.fixed + self.rate * volume


@dataclass(frozen=True)
class StepCurve:
    """S(V) = fixed + replica_cost·max(min_replicas, ceil(V/replica_tokens)) (fixed, scheduled,
    buy)."""

    fixed: float  # staff + other_monthly, money per month
    replica_cost: float  # G·k, money per replica-month
    replica_tokens: float  # Q, tokens per month one replica serves at the peak-sized load
    min_replicas: int

    def cost(self, volume: float) -> float:
        """Monthly cost at `volume` tokens per month; money."""
        replicas = max(self.min_replicas, ceil_with_tolerance(volume / self.replica_tokens))
        return self.fixed + self.replica_cost * replicas


@dataclass(frozen=True)
class AutoscaleCurve:
    """S(V) = floor_cost for V ≤ knee, then floor_cost + slope·(V − knee) (rent autoscale)."""

    floor_cost: float  # fixed + 730·r₁·min_replicas·k, money per month
    knee: float  # tokens per month at which the load exceeds the replica floor
    slope: float  # r₁·β/(3600·u), money per token above the knee

    def cost(self, volume: float) -> float:
        """Monthly cost at `volume` tokens per month; money."""
        return self.floor_cost + self.slope * max(0.0, volume - self.knee)


def api_curve(option: Mapping[str, Any], workload: Mapping[str, Any]) -> ApiCurve:
    """The API option's steady monthly cost as a function of total tokens (ambiguity 11)."""
    in_1, out_1 = month_one_volume(workload)
    alpha = in_1 / (in_1 + out_1)
    return ApiCurve(
        fixed=_get(option, "fixed_monthly", 0.0) + staff_per_month(option) + _get(option, "other_monthly", 0.0),
        rate=api_rate_per_token(option, workload, alpha, 1 - alpha),
    )


def self_hosted_curve(option: Mapping[str, Any], workload: Mapping[str, Any]) -> StepCurve | AutoscaleCurve:
    """The self-hosted option's steady monthly cost as a function of total tokens."""
    in_1, out_1 = month_one_volume(workload)
    alpha = in_1 / (in_1 + out_1)
    fleet = Fleet.of(option, workload)
    k = fleet.gpus_per_replica
    h = fleet.active_hours
    u = fleet.max_utilization
    fixed = staff_per_month(option) + _get(option, "other_monthly", 0.0)
    gpu_seconds_per_token = alpha / fleet.input_tokens_per_second + (1 - alpha) / fleet.output_tokens_per_second
    scaling = option.get("scaling", "fixed")
    if option.get("acquisition") == "buy":
        gpu_month = owned_gpu_month_cost(option)
    else:
        rate = _get(option, "hourly_rate_per_gpu")
        if scaling == "autoscale":
            floor_gpus = fleet.min_replicas * k
            return AutoscaleCurve(
                floor_cost=fixed + HOURS_PER_MONTH * rate * floor_gpus,
                knee=floor_gpus * SECONDS_PER_HOUR * h * u / gpu_seconds_per_token,
                slope=rate * gpu_seconds_per_token / (SECONDS_PER_HOUR * u),
            )
        gpu_month = rate * (HOURS_PER_MONTH if scaling == "fixed" else h)
    return StepCurve(
        fixed=fixed,
        replica_cost=gpu_month * k,
        replica_tokens=h * SECONDS_PER_HOUR * u * k / (gpu_seconds_per_token * fleet.peak_to_average),
        min_replicas=fleet.min_replicas,
    )


def _step_volumes(s: StepCurve, a: ApiCurve) -> tuple[float | None, float | None]:
    """(break-even volume, first break-even volume) of a step curve against a line; tokens.

    Write Δ(n) = S_n − F_A for the cost S_n of n replicas. On step n (V in ((n−1)Q, nQ], or
    [0, n₀Q] for the floor n₀ = min_replicas) S is flat and A rises, so S ≤ A exactly where
    V ≥ Δ(n)/a: S loses on the left part of each step and wins on the right part, if any.
      * S loses somewhere on step n > n₀ iff Δ(n)/a > (n−1)Q, i.e. n < n_c with
        n_c = (F_S − F_A + aQ)/(aQ − G·k) when aQ > G·k: the losing steps are n₀+1 .. ⌈n_c⌉−1.
      * S wins somewhere on step n > n₀ iff Δ(n) ≤ a·n·Q, i.e. n·(aQ − Gk) ≥ F_S − F_A.
    """
    q, step, n0, a_rate = s.replica_tokens, s.replica_cost, s.min_replicas, a.rate

    def delta(n: int) -> float:
        return s.fixed + step * n - a.fixed

    # first break-even volume
    first: float | None
    if a_rate <= 0:
        first = 0.0 if delta(n0) <= 0 else None
    elif delta(n0) <= a_rate * n0 * q:
        first = max(0.0, delta(n0) / a_rate)
    elif a_rate * q - step <= 0:
        first = None
    else:
        n_first = max(n0 + 1, math.ceil((s.fixed - a.fixed) / (a_rate * q - step)))
        first = max((n_first - 1) * q, delta(n_first) / a_rate)

    # break-even volume
    if a_rate <= 0 or step / q >= a_rate:
        return None, first
    n_c = (s.fixed - a.fixed + a_rate * q) / (a_rate * q - step)
    n_last = math.ceil(n_c) - 1  # the last step on which S loses, if > n0
    if n_last >= n0 + 1:
        return min(n_last * q, delta(n_last) / a_rate), first
    if delta(n0) > 0:
        return min(n0 * q, delta(n0) / a_rate), first
    return 0.0, first


def _autoscale_volumes(s: AutoscaleCurve, a: ApiCurve) -> tuple[float | None, float | None]:
    """(break-even volume, first break-even volume) of an autoscale curve against a line.

    D(V) = S(V) − A(V) falls with slope −a up to the knee, then has slope (slope − a)."""
    d0 = s.floor_cost - a.fixed  # D(0)
    d_knee = d0 - a.rate * s.knee  # D(knee)

    def root() -> float:
        if d0 <= 0:
            return 0.0
        if d_knee <= 0:
            return d0 / a.rate
        return s.knee + d_knee / (a.rate - s.slope)

    if s.slope < a.rate:
        volume = root()
        return volume, volume
    if d0 <= 0:
        return None, 0.0
    if d_knee <= 0:
        return None, d0 / a.rate
    return None, None


def break_even_volumes(
    s_option: Mapping[str, Any], a_option: Mapping[str, Any], workload: Mapping[str, Any]
) -> tuple[float | None, float | None]:
    """(break-even volume, first break-even volume) of S against A; tokens per month."""
    s = self_hosted_curve(s_option, workload)
    a = api_curve(a_option, workload)
    if isinstance(s, AutoscaleCurve):
        return _autoscale_volumes(s, a)
    return _step_volumes(s, a)


# --------------------------------------------------------------------------- scenario


def evaluate(scenario: Scenario) -> ScenarioCost:
    """Project every option and every break-even pair of an all-inline scenario dict."""
    options = [project_option(option, scenario) for option in scenario["options"]]
    by_name = {option.name: option for option in options}
    baseline = baseline_name(scenario)
    apis = [o for o in scenario["options"] if _is_api(o)]
    apis.sort(key=lambda o: o["name"] != baseline)  # the baseline's pairs first, stable otherwise
    pairs: list[BreakEven] = []
    for a_option in apis:
        for s_option in scenario["options"]:
            if _is_api(s_option):
                continue
            s, a = by_name[s_option["name"]], by_name[a_option["name"]]
            month = break_even_month(s, a)
            volume, first_volume = break_even_volumes(s_option, a_option, scenario["workload"])
            pairs.append(
                BreakEven(
                    option=s.name,
                    versus=a.name,
                    month=month,
                    months=break_even_months(s, a, month),
                    volume_tokens_per_month=volume,
                    first_volume_tokens_per_month=first_volume,
                    savings_at_horizon=a.total - s.total,
                )
            )
    return ScenarioCost(
        basis=_basis(scenario),
        baseline=baseline,
        horizon_months=int(scenario.get("horizon_months", DEFAULTS["horizon_months"])),
        options=options,
        break_even=pairs,
    )
