"""Property-based tests of the cost engine and the break-even analysis.

Scenarios are built directly as `ScenarioInputs` (no YAML, no pricing tables) from Hypothesis
strategies over realistic ranges: token volumes 0..1e12 a month, prices 0..100 per 1M tokens,
throughputs 10..1e5 tok/s, rent 0.1..20 per GPU-hour, purchase 1e3..1e5 per GPU, lifetimes
1..60 months, horizons 1..120 months, growth −5%..+20% a month, utilisation 0.05..1, peak 1..5,
active hours 1..730, min_replicas 0..4 (0 only with autoscale), rent fixed/scheduled/autoscale,
buy on a cash or amortized basis, go-live with a fallback API, and fine-tuning.

Every test is derandomized so CI is stable.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import signal
from collections.abc import Iterable
from typing import Literal

from hypothesis import given
from hypothesis import strategies as st

from tco.engine.breakeven import _api_line, _Fleet, _fleet, break_even_volumes, fleet_cost_at
from tco.engine.inputs import (
    ApiInputs,
    FineTuningInputs,
    HybridInputs,
    OptionInputs,
    Route,
    RoutedInputs,
    ScenarioInputs,
    SelfHostedInputs,
    SharedCosts,
    WorkloadInputs,
)
from tco.engine.projection import project_option
from tco.engine.results import Comparison, OptionResult
from tco.scenario.compare import compare_inputs
from tests.conftest import examples

REL = 1e-9
PROPERTY_SETTINGS = examples(1.5, deadline=None, derandomize=True, database=None)
PRE_GO_LIVE_CATEGORIES = frozenset({"fallback_api", "staff", "setup", "other", "fine_tuning"})


# --- helpers -----------------------------------------------------------------------------------


def at_most(value: float, reference: float, rel: float = REL) -> bool:
    """`value ≤ reference`, allowing `rel·max(1, |reference|)` (the engine's money tolerance)."""
    return value <= reference + rel * max(1.0, abs(reference))


def close(a: float, b: float, rel: float = REL) -> bool:
    """`a == b` to `rel` relative (absolute near zero)."""
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def is_resale(category: str, description: str) -> bool:
    return category == "capex" and "resale" in description


def run(scenario: ScenarioInputs) -> Comparison:
    return compare_inputs(scenario)


# --- strategies --------------------------------------------------------------------------------


# Strategies are built once and cached: building (and validating) them on every draw costs more
# than running the engine.


@functools.cache
def floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi)


@functools.cache
def ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@functools.cache
def log_floats(lo: float, hi: float, zero: bool = False) -> st.SearchStrategy[float]:
    """Floats spread evenly over the orders of magnitude between `lo` and `hi` (both > 0), or, with
    `zero`, exactly 0 about a fifth of the time (one draw either way)."""
    top, bottom = math.log10(hi), math.log10(lo)
    start = bottom - (top - bottom) / 4 if zero else bottom
    return st.floats(start, top).map(lambda e: 0.0 if e < bottom else min(hi, max(lo, 10.0**e)))


@functools.cache
def zero_or(lo: float, hi: float) -> st.SearchStrategy[float]:
    """A float in [lo, hi], or exactly 0 about a fifth of the time (a cost or share often left out)."""
    return st.floats(lo - (hi - lo) / 4, hi).map(lambda x: 0.0 if x < lo else x)


def tokens() -> st.SearchStrategy[float]:
    return log_floats(1.0, 1e12, zero=True)


def prices() -> st.SearchStrategy[float]:
    """A price per 1M tokens in 0..100."""
    return log_floats(0.01, 100.0, zero=True)


def shares() -> st.SearchStrategy[float]:
    return floats(0.0, 1.0)


Acquisition = Literal["rent", "buy"]
Scaling = Literal["fixed", "scheduled", "autoscale"]
Basis = Literal["cash", "amortized"]

BOOLS = st.booleans()
ACQUISITIONS: st.SearchStrategy[Acquisition] = st.sampled_from(("rent", "buy"))
RENT_SCALINGS: st.SearchStrategy[Scaling] = st.sampled_from(("fixed", "scheduled", "autoscale"))
BASES: st.SearchStrategy[Basis] = st.sampled_from(("cash", "amortized"))
REPLICA_SIZES = st.sampled_from((1, 2, 4, 8))
FTES = st.sampled_from((0.0, 0.25, 0.5, 1.0, 2.0))
# Horizons of 1..120 months, half of them drawn from 1..36 (the engine's cost grows with the horizon).
HORIZONS = st.one_of(st.integers(1, 36), st.integers(1, 120))
EVERY_MONTHS = st.none() | st.integers(1, 24)
# Monthly growth in −5%..+20%: none, shrinking or growing (plain floats(−0.05, 0.2) rarely shrinks by much).
GROWTHS = st.one_of(st.just(0.0), st.floats(-0.05, -0.001), st.floats(0.001, 0.2))


@st.composite
def workloads(draw: st.DrawFn, growth: float | None = None) -> WorkloadInputs:
    return WorkloadInputs(
        input_tokens_month1=draw(tokens()),
        output_tokens_month1=draw(tokens()),
        monthly_growth=draw(GROWTHS) if growth is None else growth,
        cached_input_share=draw(shares()),
        peak_to_average=draw(floats(1.0, 5.0)),
        active_hours_per_month=draw(floats(1.0, 730.0)),
    )


@st.composite
def fine_tunings(draw: st.DrawFn) -> FineTuningInputs:
    return FineTuningInputs(
        gpu_hours=draw(floats(0.0, 1000.0)),
        hourly_rate_per_gpu=draw(floats(0.0, 20.0)),
        training_tokens=draw(floats(0.0, 1e10)),
        price_per_million_training_tokens=draw(floats(0.0, 50.0)),
        data_cost=draw(floats(0.0, 1e5)),
        every_months=draw(EVERY_MONTHS),
    )


@st.composite
def shared_costs(draw: st.DrawFn, fine_tuning: bool = True) -> SharedCosts:
    """Staff, setup, other monthly costs and (sometimes) fine-tuning; half the time none at all."""
    if not draw(BOOLS):
        return SharedCosts()
    return SharedCosts(
        staff_fte=draw(FTES),
        cost_per_fte_year=draw(floats(0.0, 3e5)),
        setup_cost=draw(floats(0.0, 1e5)),
        other_monthly=draw(floats(0.0, 1e4)),
        fine_tuning=draw(fine_tunings()) if fine_tuning and draw(BOOLS) else None,
    )


@st.composite
def api_options(draw: st.DrawFn, name: str = "API") -> ApiInputs:
    return ApiInputs(
        name=name,
        price_per_million_input_tokens=draw(prices()),
        price_per_million_output_tokens=draw(prices()),
        price_per_million_cached_input_tokens=draw(prices()),
        batch_discount=draw(shares()),
        batch_share=draw(shares()),
        discount=draw(floats(0.0, 0.9)),
        price_change_per_year=draw(floats(-0.5, 0.5)),
        fixed_monthly=draw(zero_or(0.0, 1e4)),
        shared=draw(shared_costs()),
    )


@st.composite
def self_hosted_options(
    draw: st.DrawFn,
    name: str = "Self",
    *,
    horizon: int = 36,
    acquisition: Acquisition | None = None,
    scaling: Scaling | None = None,
    fallback: ApiInputs | None = None,
    go_live: bool = True,
    fine_tuning: bool = True,
) -> SelfHostedInputs:
    acq: Acquisition = draw(ACQUISITIONS) if acquisition is None else acquisition
    scale: Scaling = "fixed"
    if acq == "rent":
        scale = draw(RENT_SCALINGS) if scaling is None else scaling
    min_replicas = draw(ints(0 if scale == "autoscale" else 1, 4))
    go_live_month = draw(ints(1, horizon)) if go_live and draw(BOOLS) else 1
    option = SelfHostedInputs(
        name=name,
        input_tokens_per_second=draw(log_floats(10.0, 1e5)),
        output_tokens_per_second=draw(log_floats(10.0, 1e5)),
        gpus_per_replica=draw(REPLICA_SIZES),
        min_replicas=min_replicas,
        max_utilization=draw(floats(0.05, 1.0)),
        acquisition=acq,
        scaling=scale,
        go_live_month=go_live_month,
        fallback=fallback if go_live_month > 1 or draw(BOOLS) else None,
        shared=draw(shared_costs(fine_tuning=fine_tuning)),
    )
    if acq == "rent":  # only the rent is used
        return dataclasses.replace(option, hourly_rate_per_gpu=draw(floats(0.1, 20.0)),
                                   rent_change_per_year=draw(floats(-0.5, 0.5)))
    # pue, load factor and powered hours only multiply watts × price per kWh: left at their defaults
    return dataclasses.replace(
        option,
        purchase_price_per_gpu=draw(floats(1e3, 1e5)),
        server_cost_share=draw(floats(0.0, 1.0)),
        lifetime_months=draw(ints(1, 60)),
        residual_value=draw(zero_or(0.0, 1.0)),
        watts_per_gpu=draw(zero_or(100.0, 2000.0)),
        price_per_kwh=draw(floats(0.0, 0.5)),
        hosting_per_gpu_month=draw(zero_or(0.0, 500.0)),
        maintenance_per_year=draw(zero_or(0.0, 0.2)),
    )


@st.composite
def scenarios(
    draw: st.DrawFn,
    *,
    n_api: tuple[int, int] = (0, 1),
    n_self: tuple[int, int] = (1, 1),
    acquisition: Acquisition | None = None,
    scaling: Scaling | None = None,
    basis: Basis | None = None,
    horizon: int | None = None,
    growth: float | None = None,
    go_live: bool = True,
) -> ScenarioInputs:
    """A scenario with `n_api` API options and `n_self` self-hosted ones (at least one option)."""
    h = horizon if horizon is not None else draw(HORIZONS)
    apis = [draw(api_options(f"API {i}")) for i in range(draw(ints(*n_api)))]
    low_self = n_self[0] if apis else max(1, n_self[0])
    selfs: list[SelfHostedInputs] = []
    for i in range(draw(ints(low_self, max(low_self, n_self[1])))):
        fallback = apis[draw(ints(0, len(apis) - 1))] if draw(BOOLS) and apis else None
        selfs.append(draw(self_hosted_options(f"Self {i}", horizon=h, acquisition=acquisition, scaling=scaling,
                                              fallback=fallback, go_live=go_live)))
    options: tuple[OptionInputs, ...] = (*apis, *selfs)
    return ScenarioInputs(
        name="property",
        workload=draw(workloads(growth)),
        options=options,
        horizon_months=h,
        basis=draw(BASES) if basis is None else basis,
        discount_rate=draw(zero_or(0.0, 0.3)),
        baseline=apis[0].name if apis else None,
    )


def scaled_workload(workload: WorkloadInputs, factor: float) -> WorkloadInputs:
    return dataclasses.replace(workload, input_tokens_month1=workload.input_tokens_month1 * factor,
                               output_tokens_month1=workload.output_tokens_month1 * factor)


def self_hosted(scenario: ScenarioInputs) -> Iterable[SelfHostedInputs]:
    return (o for o in scenario.options if isinstance(o, SelfHostedInputs))


def apis(scenario: ScenarioInputs) -> Iterable[ApiInputs]:
    return (o for o in scenario.options if isinstance(o, ApiInputs))


# --- the monthly projection --------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios())
def test_costs_are_non_negative_and_cumulative_is_the_running_sum(scenario: ScenarioInputs) -> None:
    """Every line item, month total and option total is ≥ 0 (only capex resale items may be negative);
    cumulative never decreases and equals the running sum of the month totals."""
    for result in run(scenario).options:
        running = 0.0
        previous = 0.0
        for month in result.months:
            for item in month.items:
                if not is_resale(item.category, item.description):
                    assert item.amount >= 0, (result.name, month.month, item)
            assert month.total >= 0, (result.name, month.month, month.costs)
            running += month.total
            assert close(month.cumulative, running), (result.name, month.month)
            assert month.cumulative >= previous, (result.name, month.month)
            previous = month.cumulative
        assert result.total >= 0
        assert close(result.total, running)


@PROPERTY_SETTINGS
@given(scenarios())
def test_categories_sum_to_the_month_total(scenario: ScenarioInputs) -> None:
    """Each month's `costs` dict sums to its total, and each category equals the sum of its line items
    (quantity × unit price)."""
    for result in run(scenario).options:
        for month in result.months:
            assert close(sum(month.costs.values()), month.total), (result.name, month.month)
            by_category: dict[str, float] = {}
            for item in month.items:
                assert item.amount == item.quantity * item.unit_price
                by_category[item.category] = by_category.get(item.category, 0.0) + item.quantity * item.unit_price
            assert set(by_category) == set(month.costs), (result.name, month.month)
            for category, amount in by_category.items():
                assert close(month.costs[category], amount), (result.name, month.month, category)


# --- monotonicity ------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios(n_api=(1, 1), n_self=(1, 1)), st.floats(1.0, 10.0))
def test_more_volume_never_lowers_api_totals_or_gpus(scenario: ScenarioInputs, factor: float) -> None:
    """Scaling month-1 input and output tokens by a factor ≥ 1 never lowers an API option's total nor a
    self-hosted option's GPUs in any month."""
    more = dataclasses.replace(scenario, workload=scaled_workload(scenario.workload, factor))
    for option in scenario.options:
        before, after = project_option(option, scenario), project_option(option, more)
        if before.kind == "api":
            assert at_most(before.total, after.total, 1e-12), (before.name, before.total, after.total)
            continue
        for m_before, m_after in zip(before.months, after.months, strict=True):
            assert m_before.gpus is not None and m_after.gpus is not None
            assert m_before.gpus <= m_after.gpus, (before.name, m_before.month)


@PROPERTY_SETTINGS
@given(scenarios(n_api=(1, 1), n_self=(0, 0)), st.floats(1.0, 10.0), st.floats(1.0, 10.0), st.floats(1.0, 10.0))
def test_higher_token_price_never_lowers_api_total(
    scenario: ScenarioInputs, f_in: float, f_cached: float, f_out: float
) -> None:
    """Raising an API option's input, cached-input or output price never lowers its total."""
    api = next(iter(apis(scenario)))
    dearer = dataclasses.replace(
        api,
        price_per_million_input_tokens=api.price_per_million_input_tokens * f_in,
        price_per_million_cached_input_tokens=api.price_per_million_cached_input_tokens * f_cached,
        price_per_million_output_tokens=api.price_per_million_output_tokens * f_out,
    )
    before = project_option(api, scenario).total
    after = project_option(dearer, scenario).total
    assert at_most(before, after, 1e-12), (before, after)


@PROPERTY_SETTINGS
@given(scenarios(n_api=(0, 1), n_self=(1, 1), acquisition="rent"), st.floats(1.0, 10.0))
def test_higher_hourly_rate_never_lowers_rented_total(scenario: ScenarioInputs, factor: float) -> None:
    """Raising a rented option's hourly rate per GPU never lowers its total."""
    option = next(iter(self_hosted(scenario)))
    dearer = dataclasses.replace(option, hourly_rate_per_gpu=option.hourly_rate_per_gpu * factor)
    before = project_option(option, scenario).total
    after = project_option(dearer, scenario).total
    assert at_most(before, after, 1e-12), (before, after)


# --- GPUs --------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios(n_api=(0, 1), n_self=(1, 1)))
def test_gpus_are_whole_replicas_above_the_floor(scenario: ScenarioInputs) -> None:
    """From go-live on, gpus(m) is a multiple of gpus_per_replica and ≥ min_replicas·gpus_per_replica
    (0 before go-live); a bought fleet never shrinks."""
    results = {r.name: r for r in run(scenario).options}
    for option in self_hosted(scenario):
        k = option.gpus_per_replica
        previous = 0
        for month in results[option.name].months:
            gpus = month.gpus
            assert gpus is not None
            if month.month < option.go_live_month:
                assert gpus == 0
                continue
            assert gpus % k == 0, (month.month, gpus, k)
            assert gpus >= option.min_replicas * k, (month.month, gpus)
            if option.acquisition == "buy":
                assert gpus >= previous, (month.month, gpus, previous)
            previous = gpus


# --- cash vs amortized -------------------------------------------------------------------------


def _both_bases(scenario: ScenarioInputs, option: SelfHostedInputs) -> tuple[OptionResult, OptionResult]:
    cash = project_option(option, dataclasses.replace(scenario, basis="cash"))
    amortized = project_option(option, dataclasses.replace(scenario, basis="amortized"))
    return cash, amortized


@PROPERTY_SETTINGS
@given(scenarios(n_api=(0, 1), n_self=(1, 1), acquisition="buy"))
def test_amortized_total_never_exceeds_cash_total(scenario: ScenarioInputs) -> None:
    """For the same bought fleet, the amortized total is ≤ the cash total: cash pays each purchase up
    front, amortized spreads it and leaves the undepreciated rest beyond the horizon."""
    option = next(iter(self_hosted(scenario)))
    cash, amortized = _both_bases(scenario, option)
    assert at_most(amortized.total, cash.total), (amortized.total, cash.total)


@PROPERTY_SETTINGS
@given(
    scenarios(n_api=(0, 0), n_self=(1, 1), acquisition="buy", growth=0.0, go_live=False, horizon=1),
    st.integers(1, 60).flatmap(lambda life: st.tuples(st.just(life), st.integers(1, max(1, 120 // life)))),
)
def test_amortized_equals_cash_for_a_constant_fleet_over_whole_lifetimes(
    scenario: ScenarioInputs, lifetime_and_lives: tuple[int, int]
) -> None:
    """With a constant fleet (no growth, live from month 1), no residual value and a horizon that is a
    whole number of lifetimes, the cash and amortized totals are equal."""
    lifetime, lives = lifetime_and_lives
    option = dataclasses.replace(next(iter(self_hosted(scenario))), lifetime_months=lifetime, residual_value=0.0)
    scenario = dataclasses.replace(scenario, horizon_months=lifetime * lives, options=(option,))
    cash, amortized = _both_bases(scenario, option)
    assert close(amortized.total, cash.total), (amortized.total, cash.total)


@PROPERTY_SETTINGS
@given(scenarios(n_api=(1, 1), n_self=(1, 1), acquisition="buy"), st.sampled_from(("percentile", "average", "gpus")),
       floats(50.0, 100.0), ints(0, 6), floats(0.0, 1.0))
def test_cash_with_book_terminal_value_equals_amortized(
    scenario: ScenarioInputs, size_for: Literal["percentile", "average", "gpus"], percent: float, replicas: int,
    share: float,
) -> None:
    """With `terminal_value: book` and no discounting, the cash total equals the amortized total for every
    option that owns GPUs: the self-hosted option, a hybrid of it (any size rule) and a routed option
    over both, whatever the lifetimes (1..60 months against horizons of 1..120: cohorts replaced, some
    whose life ends exactly in the last month), residual values, growth and go-live. Each cohort's
    capex less its resale on replacement and less its book value at the end is what the amortized basis
    depreciates month by month."""
    api, option = next(iter(apis(scenario))), next(iter(self_hosted(scenario)))
    hybrid = HybridInputs("Hybrid", option, api, size_for, percentile=percent,
                          fleet_gpus=replicas * option.gpus_per_replica)
    routed = RoutedInputs("Routed", (Route(option, share), Route(hybrid, 1 - share)))
    book = dataclasses.replace(scenario, options=(api, option, hybrid, routed), discount_rate=0.0,
                               terminal_value="book", workload=dataclasses.replace(
                                   scenario.workload, hourly_weights=(1.0,) * 23 + (3.0,)))
    for owned in (option, hybrid, routed):
        cash = project_option(owned, dataclasses.replace(book, basis="cash"))
        amortized = project_option(owned, dataclasses.replace(book, basis="amortized"))
        assert close(cash.total, amortized.total), (owned.name, cash.total, amortized.total)


# --- NPV ---------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios())
def test_npv_at_most_total_and_equal_at_zero_rate(scenario: ScenarioInputs) -> None:
    """With a discount rate ≥ 0 the NPV is ≤ the total; with a rate of 0 it equals the total."""
    for result in run(scenario).options:
        assert at_most(result.npv, result.total), (result.name, result.npv, result.total)
        if scenario.discount_rate == 0:
            assert close(result.npv, result.total), (result.name, result.npv, result.total)


# --- break-even month --------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios(n_api=(1, 1), n_self=(1, 1)))
def test_break_even_month_is_consistent_with_the_cumulative_curves(scenario: ScenarioInputs) -> None:
    """When the break-even month m exists, S's cumulative is ≤ A's at every month from m to H and > A's at
    m − 1; the fractional months lie in [m − 1, m]; m is None iff S(H) > A(H); the savings at the
    horizon are A's total − S's total."""
    comparison = run(scenario)
    h = scenario.horizon_months
    for pair in comparison.break_even:
        s, a = comparison.option(pair.option), comparison.option(pair.versus)
        s_cum = [m.cumulative for m in s.months]
        a_cum = [m.cumulative for m in a.months]
        assert (pair.month is None) == (not at_most(s_cum[h - 1], a_cum[h - 1])), pair
        assert pair.savings_at_horizon == a.total - s.total
        if pair.month is None:
            assert pair.months is None
            continue
        m = pair.month
        assert 1 <= m <= h
        for j in range(m, h + 1):
            assert at_most(s_cum[j - 1], a_cum[j - 1]), (pair, j)
        if m > 1:
            assert not at_most(s_cum[m - 2], a_cum[m - 2]), pair
        assert pair.months is not None
        assert m - 1 <= pair.months <= m, pair


# --- break-even volume -------------------------------------------------------------------------


def marginal_cost_per_token(fleet: _Fleet) -> float:
    """The fleet's cost of one more token: one replica's month ÷ its monthly volume, or the autoscale slope."""
    return fleet.slope if fleet.autoscale else fleet.gpu_month * fleet.k / fleet.per_replica


# Off 1 so that the API's and the fleet's marginal costs never tie; often just above 1, where the fleet's
# fixed costs take many replicas to win back and the first and stays-cheaper volumes differ.
RATIOS = st.one_of(st.floats(0.2, 0.999), st.floats(1.001, 1.2), st.floats(1.001, 20.0))


@st.composite
def volume_cases(draw: st.DrawFn) -> tuple[WorkloadInputs, ApiInputs, SelfHostedInputs]:
    """A workload, an API option and a self-hosted option; half the time the API's price per token is set
    to 0.2..20 times the fleet's marginal cost, so that break-even volumes (and their gaps) are common."""
    workload = draw(workloads())
    api = draw(api_options())
    option = draw(self_hosted_options(go_live=False))
    if draw(BOOLS):
        ratio = draw(RATIOS)
        factor = api.price_factor(1)
        marginal = marginal_cost_per_token(_fleet(option, workload))
        if factor > 1e-3 and marginal > 0:
            price = ratio * marginal * 1e6 / factor
            api = dataclasses.replace(api, price_per_million_input_tokens=price, price_per_million_output_tokens=price,
                                      price_per_million_cached_input_tokens=price)
    return workload, api, option


@PROPERTY_SETTINGS
@given(volume_cases(), st.lists(st.floats(0.0, 10.0), min_size=1, max_size=6))
def test_break_even_volume_stays_cheaper_above(
    case: tuple[WorkloadInputs, ApiInputs, SelfHostedInputs], xs: list[float]
) -> None:
    """The first break-even volume is ≤ the stays-cheaper volume; at every volume V ≥ the stays-cheaper
    volume the fleet's steady monthly cost is ≤ the API's; at the first volume it is ≤ the API's."""
    workload, api, option = case
    volume, first = break_even_volumes(option, api, workload)
    fleet, line = _fleet(option, workload), _api_line(api, workload)

    def api_cost(v: float) -> float:
        return line.per_token * v + line.fixed

    if volume is not None and first is not None:
        # Compared as money, as the engine compares: a fleet within the money tolerance of the API at
        # V = 0 stays cheaper "from 0" while its exact crossing lies a sub-tolerance sliver above it.
        assert at_most(api_cost(first), api_cost(volume)), (first, volume)
    if first is not None:
        assert at_most(fleet_cost_at(fleet, first), api_cost(first)), (first, fleet, line)
    if volume is not None:
        assert volume >= 0
        for x in [0.0, *xs]:
            for v in (volume * (1 + x), volume + x * fleet.per_replica):
                assert at_most(fleet_cost_at(fleet, v), api_cost(v)), (volume, v, fleet, line)


@PROPERTY_SETTINGS
@given(volume_cases())
def test_break_even_volume_is_none_iff_marginal_cost_not_below_api(
    case: tuple[WorkloadInputs, ApiInputs, SelfHostedInputs],
) -> None:
    """The break-even volume is None exactly when the fleet's marginal cost per token (one replica's
    monthly cost ÷ its monthly volume, or the autoscale slope) is ≥ the API's cost per token."""
    workload, api, option = case
    volume, _ = break_even_volumes(option, api, workload)
    fleet, line = _fleet(option, workload), _api_line(api, workload)
    marginal = marginal_cost_per_token(fleet)
    assert (volume is None) == (marginal >= line.per_token), (volume, marginal, line.per_token)


class _TooSlow(Exception):
    pass


def _raise_too_slow(signum: int, frame: object) -> None:
    raise _TooSlow


# Near a price tie the 1e-9 money tolerance moves the boundary ~1e9 replicas from the closed-form
# estimate; stepping one replica at a time took minutes (found by these tests), a search takes ~100 calls.
def test_break_even_volume_is_closed_form_near_a_price_tie() -> None:
    """The break-even volume is computed in closed form: it returns promptly even when the API's price per
    token is only a hair above the fleet's marginal cost."""
    workload = WorkloadInputs(input_tokens_month1=1e9, output_tokens_month1=0.0, peak_to_average=1.0)
    option = SelfHostedInputs("S", 1000.0, 1000.0, max_utilization=1.0, hourly_rate_per_gpu=1.0,
                              shared=SharedCosts(other_monthly=50_000.0))
    price = 1 / 3.6 * (1 + 1e-8)  # per 1M tokens; the fleet's marginal cost is exactly 1/3.6
    api = ApiInputs("A", price, price, price)
    previous = signal.signal(signal.SIGALRM, _raise_too_slow)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        volume, first = break_even_volumes(option, api, workload)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert volume is not None and first is not None
    assert at_most(first, volume)
    fleet, line = _fleet(option, workload), _api_line(api, workload)
    for factor in (1.0, 1.5, 10.0, 1000.0):
        assert at_most(fleet_cost_at(fleet, volume * factor), line.per_token * volume * factor + line.fixed)


# --- go-live and fine-tuning -------------------------------------------------------------------


@st.composite
def go_live_scenarios(draw: st.DrawFn) -> tuple[ScenarioInputs, SelfHostedInputs, ApiInputs]:
    horizon = max(2, draw(HORIZONS))
    fallback = draw(api_options("Fallback"))
    option = draw(self_hosted_options("Self", horizon=horizon, fallback=fallback, go_live=False))
    option = dataclasses.replace(option, go_live_month=draw(ints(2, horizon)), fallback=fallback)
    scenario = ScenarioInputs(
        name="go-live",
        workload=draw(workloads()),
        options=(fallback, option),
        horizon_months=horizon,
        basis=draw(BASES),
    )
    return scenario, option, fallback


@PROPERTY_SETTINGS
@given(go_live_scenarios())
def test_before_go_live_only_the_fallback_and_shared_costs(
    case: tuple[ScenarioInputs, SelfHostedInputs, ApiInputs],
) -> None:
    """Before go_live_month g > 1 a self-hosted option has 0 GPUs and only fallback_api, staff, setup,
    other and fine_tuning costs; its fallback_api cost is the fallback API option's token cost (its
    `api` category less the fixed monthly fee) in the same month."""
    scenario, option, fallback = case
    comparison = run(scenario)
    s, a = comparison.option(option.name), comparison.option(fallback.name)
    for s_month, a_month in zip(s.months, a.months, strict=True):
        if s_month.month >= option.go_live_month:
            break
        assert s_month.gpus == 0
        assert set(s_month.costs) <= PRE_GO_LIVE_CATEGORIES, s_month.costs
        token_cost = a_month.costs["api"] - fallback.fixed_monthly
        assert close(s_month.costs["fallback_api"], token_cost), (s_month.month, s_month.costs, a_month.costs)


@PROPERTY_SETTINGS
@given(scenarios(n_api=(1, 1), n_self=(1, 1)), st.booleans())
def test_go_live_month_one_without_fine_tuning_changes_nothing(scenario: ScenarioInputs, zero_run: bool) -> None:
    """An option live from month 1 with a fallback and no fine-tuning (or a fine-tuning run that costs
    nothing) costs exactly what the same option without those fields costs."""
    option = next(iter(self_hosted(scenario)))
    plain = dataclasses.replace(option, go_live_month=1, fallback=None,
                                shared=dataclasses.replace(option.shared, fine_tuning=None))
    fallback = next(iter(apis(scenario)))
    tuning = FineTuningInputs(every_months=3) if zero_run else None
    decorated = dataclasses.replace(plain, go_live_month=1, fallback=fallback,
                                    shared=dataclasses.replace(plain.shared, fine_tuning=tuning))
    left = project_option(plain, scenario)
    right = project_option(decorated, scenario)
    assert left.total == right.total
    assert left.npv == right.npv
    assert [m.total for m in left.months] == [m.total for m in right.months]
    assert [m.gpus for m in left.months] == [m.gpus for m in right.months]
