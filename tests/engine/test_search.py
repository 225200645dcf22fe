"""The break-even search of mixed options: the answers it settles from bounds, without computing them,
are those that computing every volume of its grid gives, so its volumes are too."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tco.engine import breakeven
from tco.engine.breakeven import (
    _api_line,
    _Search,
    _within,
    live_from_month_one,
    search_grid,
    searched_volumes,
    steady_cost,
)
from tco.engine.inputs import (
    ApiInputs,
    HybridInputs,
    OptionInputs,
    Route,
    RoutedInputs,
    ScenarioInputs,
    SelfHostedInputs,
    SharedCosts,
    WorkloadInputs,
)
from tco.engine.profiles import NAMED_PROFILES
from tco.frozen import replace
from tco.scenario.loader import load_scenario
from tests.conftest import examples

REPO = Path(__file__).resolve().parents[2]

CHEAP = ApiInputs("cheap", price_per_million_input_tokens=0.5, price_per_million_output_tokens=2,
                  price_per_million_cached_input_tokens=0.1)
DEAR = ApiInputs("dear", price_per_million_input_tokens=10, price_per_million_output_tokens=40,
                 price_per_million_cached_input_tokens=2.5, fixed_monthly=300)
HOSTED = SelfHostedInputs("GPU", input_tokens_per_second=2000, output_tokens_per_second=150, gpus_per_replica=2,
                          max_utilization=0.6, hourly_rate_per_gpu=2.5, min_replicas=1,
                          shared=SharedCosts(staff_fte=0.5, cost_per_fte_year=200_000))


def computed(option: OptionInputs, api: ApiInputs, scenario: ScenarioInputs) -> tuple[list[bool], list[bool]]:
    """(the search's answers on its grid, the answers of computing every volume of it)."""
    live, line = live_from_month_one(option), _api_line(api, scenario.workload)
    grid = search_grid(option, scenario.workload)
    every = [_within(steady_cost(live, scenario, v), line.per_token * v + line.fixed) for v in grid]
    return _Search(live, line, scenario).grid_answers(grid), every


def scanned_volumes(option: OptionInputs, api: ApiInputs, scenario: ScenarioInputs) -> tuple[float | None,
                                                                                           float | None]:
    """The search as it was before it settled answers from bounds: every volume of the grid computed,
    and every bisection step."""
    live, line = live_from_month_one(option), _api_line(api, scenario.workload)

    def cheaper(volume: float) -> bool:
        return _within(steady_cost(live, scenario, volume), line.per_token * volume + line.fixed)

    grid = search_grid(option, scenario.workload)
    flags = [cheaper(v) for v in grid]

    def boundary(dearer: float, cheap: float) -> float:
        for _ in range(breakeven.BISECTIONS):
            middle = (dearer + cheap) / 2
            if middle in (dearer, cheap) or abs(dearer - cheap) <= 1e-12 * abs(cheap):
                break
            if cheaper(middle):
                cheap = middle
            else:
                dearer = middle
        return cheap

    first = 0.0 if flags[0] else None
    if not flags[0] and any(flags):
        index = flags.index(True)
        first = boundary(grid[index - 1], grid[index])
    if not flags[-1]:
        return None, first
    if all(flags):
        return 0.0, first
    last_dearer = max(i for i, flag in enumerate(flags) if not flag)
    return boundary(grid[last_dearer], grid[last_dearer + 1]), first


def inputs(option: OptionInputs, workload: WorkloadInputs) -> ScenarioInputs:
    return ScenarioInputs("t", workload, (CHEAP, DEAR, option), horizon_months=1, baseline="cheap")


def counting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The volumes the search computes a month at, as it computes them."""
    volumes: list[float] = []
    month = breakeven._steady_plan

    def counted(option: OptionInputs, scenario: ScenarioInputs, volume: float):  # type: ignore[no-untyped-def]
        volumes.append(volume)
        return month(option, scenario, volume)

    monkeypatch.setattr(breakeven, "_steady_plan", counted)
    return volumes


apis = st.builds(
    ApiInputs, st.just("api"), price_per_million_input_tokens=st.floats(0, 20),
    price_per_million_output_tokens=st.floats(0, 60), price_per_million_cached_input_tokens=st.floats(0, 5),
    fixed_monthly=st.sampled_from([0.0, 50.0, 2000.0]), discount=st.floats(0, 0.5),
    batch_share=st.floats(0, 1), batch_discount=st.sampled_from([0.0, 0.5]),
    shared=st.sampled_from([SharedCosts(), SharedCosts(staff_fte=0.25, cost_per_fte_year=150_000)]))


@st.composite
def hosted_options(draw: st.DrawFn) -> SelfHostedInputs:
    acquisition = draw(st.sampled_from(["rent", "buy"]))
    return SelfHostedInputs(
        "GPU", input_tokens_per_second=draw(st.floats(50, 20_000)), output_tokens_per_second=draw(st.floats(5, 2_000)),
        gpus_per_replica=draw(st.sampled_from([1, 2, 4, 8])), min_replicas=draw(st.integers(0, 3)),
        max_utilization=draw(st.floats(0.2, 1.0)), acquisition=acquisition,  # type: ignore[arg-type]
        scaling=draw(st.sampled_from(["fixed", "scheduled", "autoscale"])) if acquisition == "rent" else "fixed",
        hourly_rate_per_gpu=draw(st.floats(0.2, 12)), purchase_price_per_gpu=draw(st.floats(0, 60_000)),
        residual_value=draw(st.floats(0, 1)), lifetime_months=draw(st.integers(6, 72)),
        watts_per_gpu=draw(st.sampled_from([0.0, 700.0, 1200.0])), hosting_per_gpu_month=draw(st.floats(0, 400)),
        maintenance_per_year=draw(st.floats(0, 0.2)), go_live_month=draw(st.integers(1, 6)), fallback=CHEAP,
        shared=draw(st.sampled_from([SharedCosts(), SharedCosts(staff_fte=1, cost_per_fte_year=180_000,
                                                                 setup_cost=20_000, other_monthly=1500)])))


@st.composite
def hybrids(draw: st.DrawFn) -> HybridInputs:
    size_for = draw(st.sampled_from(["percentile", "percentile", "average", "gpus"]))
    return HybridInputs("H", draw(hosted_options()), draw(st.sampled_from([CHEAP, DEAR]) | apis), size_for,  # type: ignore[arg-type]
                        percentile=draw(st.floats(50, 100)), fleet_gpus=draw(st.integers(0, 64)))


@st.composite
def routed_options(draw: st.DrawFn) -> RoutedInputs:
    parts = draw(st.lists(st.one_of(hosted_options(), hybrids(), st.sampled_from([CHEAP, DEAR]), apis),
                          min_size=1, max_size=3))
    weights = draw(st.lists(st.floats(0, 1), min_size=len(parts), max_size=len(parts)))
    total = sum(weights) or 1.0
    shares = [w / total for w in weights] if sum(weights) else [1.0 / len(parts)] * len(parts)
    return RoutedInputs("R", tuple(Route(part, share) for part, share in zip(parts, shares, strict=True)))


@st.composite
def workloads(draw: st.DrawFn) -> WorkloadInputs:
    weights = draw(st.one_of(st.none(), st.sampled_from(sorted(NAMED_PROFILES)).map(NAMED_PROFILES.__getitem__),
                             st.lists(st.floats(0, 5), min_size=24, max_size=24).filter(any).map(tuple)))
    volume = 10 ** draw(st.floats(1, 13))
    alpha = draw(st.floats(0, 1))
    peak = max(weights) / (sum(weights) / 24) if weights else draw(st.floats(1, 6))
    return WorkloadInputs(volume * alpha, volume * (1 - alpha), cached_input_share=draw(st.floats(0, 1)),
                          peak_to_average=peak, active_hours_per_month=draw(st.sampled_from([730.0, 500.0, 220.0])),
                          hourly_weights=weights)


@examples(1, deadline=None)
@given(option=st.one_of(hybrids(), routed_options()), workload=workloads(), api=st.sampled_from([CHEAP, DEAR]) | apis)
def test_settled_answers_are_the_computed_ones(option: OptionInputs, workload: WorkloadInputs,
                                                api: ApiInputs) -> None:
    scenario = inputs(option, workload)
    settled, every = computed(option, api, scenario)
    assert settled == every
    assert searched_volumes(option, api, scenario) == scanned_volumes(option, api, scenario)



@examples(0.5, deadline=None)
@given(hybrid=hybrids(), rate=st.floats(0.01, 1), volume=st.floats(1, 9))
def test_hybrids_that_may_have_no_fleet_at_small_volumes(hybrid: HybridInputs, rate: float, volume: float) -> None:
    """min_replicas 0, cheap autoscaled GPUs, a flat day and volumes from 10 tokens a month, overflowing
    to the dearer API: where a fleet rounds to no GPUs at all and the hybrid costs more than the cheaper
    API it is compared with."""
    hosted = replace(hybrid.self_hosted, min_replicas=0, shared=SharedCosts(), acquisition="rent",
                     scaling="autoscale", hourly_rate_per_gpu=rate)
    hybrid = replace(hybrid, self_hosted=hosted, overflow=DEAR)
    scenario = inputs(hybrid, WorkloadInputs(10 ** volume / 2, 10 ** volume / 2, peak_to_average=1.0,
                                             hourly_weights=(1.0,) * 24))
    settled, every = computed(hybrid, CHEAP, scenario)
    assert settled == every
    assert searched_volumes(hybrid, CHEAP, scenario) == scanned_volumes(hybrid, CHEAP, scenario)

@pytest.mark.parametrize("size_for", ["percentile", "average", "gpus"])
@pytest.mark.parametrize("scaling", ["fixed", "scheduled", "autoscale"])
def test_hybrids_of_each_kind_near_their_break_even(size_for: str, scaling: str) -> None:
    """Month-1 volumes around each hybrid's break-even, where the answers change, on the evening profile."""
    hosted = SelfHostedInputs("GPU", 2000, 150, gpus_per_replica=2, max_utilization=0.6, hourly_rate_per_gpu=2.5,
                              scaling=scaling)  # type: ignore[arg-type]
    hybrid = HybridInputs("H", hosted, DEAR, size_for, percentile=80, fleet_gpus=6)  # type: ignore[arg-type]
    for volume in (1e9, 2e10, 3e11, 5e12):
        workload = WorkloadInputs(volume * 0.8, volume * 0.2, peak_to_average=2.01,
                                  hourly_weights=NAMED_PROFILES["consumer_evening"])
        for api in (CHEAP, DEAR):
            scenario = inputs(hybrid, workload)
            settled, every = computed(hybrid, api, scenario)
            assert settled == every
            assert searched_volumes(hybrid, api, scenario) == scanned_volumes(hybrid, api, scenario)


def test_a_hybrid_that_is_its_api_is_computed_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """No fleet and the API it is compared with: the costs are equal at every volume, so no bound
    clears the API's cost and every answer (cheaper: equal counts) is computed."""
    api = ApiInputs("A", 2, 8, 0.5)
    hybrid = HybridInputs("H", HOSTED, api, "gpus", fleet_gpus=0)
    scenario = inputs(hybrid, WorkloadInputs(8e9, 2e9))
    volumes = counting(monkeypatch)
    settled, every = computed(hybrid, api, scenario)
    assert settled == every == [True] * len(every)
    assert len(volumes) == 2 * len(every)  # the search's, then the test's own
    assert searched_volumes(hybrid, api, scenario) == (0.0, 0.0)


def test_a_cost_that_may_fall_is_computed_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the Python API a price may be negative; then no bound holds, and the search computes
    every volume of its grid, as it did before it settled any from bounds."""
    hybrid = HybridInputs("H", HOSTED, ApiInputs("rebate", -1, -1, -1), "percentile", percentile=75)
    scenario = inputs(hybrid, WorkloadInputs(8e9, 2e9, hourly_weights=NAMED_PROFILES["office_hours"]))
    volumes = counting(monkeypatch)
    settled, every = computed(hybrid, DEAR, scenario)
    assert settled == every
    assert len(volumes) == 2 * len(every)


def test_the_shipped_mixed_scenario_computes_a_few_volumes(monkeypatch: pytest.MonkeyPatch) -> None:
    """hybrid-overflow.yaml: its p75 hybrid and its routed option each have about 320 volumes on the grid;
    the search computes under a quarter as many months in all, bisections included, for the same volumes."""
    scenario = load_scenario(str(REPO / "scenarios" / "hybrid-overflow.yaml")).inputs
    api = next(o for o in scenario.options if isinstance(o, ApiInputs))
    for option in scenario.options:
        if isinstance(option, HybridInputs | RoutedInputs):
            volumes = counting(monkeypatch)
            grid = search_grid(option, scenario.workload)
            volume = searched_volumes(option, api, scenario)
            assert len(volumes) < len(grid) / 4
            assert volume == scanned_volumes(option, api, scenario)


def test_a_hybrid_whose_fleet_rounds_to_none_at_a_tiny_volume() -> None:
    """Found in review: min_replicas 0 and a load of at most a billionth of a replica give no GPUs at
    all (the tolerant ceiling), so every token overflows, to an API dearer than the one compared. The
    search must not settle those volumes as cheaper: the hybrid stays cheaper from about 5.5 tokens
    a month, not from 0."""
    cheap = ApiInputs("Cheap", 10, 10, 10)
    dear = ApiInputs("Dear", 20, 20, 20)
    hosted = SelfHostedInputs("GPU", 3000, 3000, min_replicas=0, hourly_rate_per_gpu=0.1, scaling="autoscale")
    hybrid = HybridInputs("H", hosted, dear, "average")
    scenario = ScenarioInputs("t", WorkloadInputs(5e6, 5e6, peak_to_average=1.0, hourly_weights=(1.0,) * 24),
                              (cheap, dear, hosted, hybrid), horizon_months=12, baseline="Cheap")
    settled, every = computed(hybrid, cheap, scenario)
    assert settled == every
    volume, _ = searched_volumes(hybrid, cheap, scenario)
    assert volume == scanned_volumes(hybrid, cheap, scenario)[0]
    assert volume == pytest.approx(5.5188, rel=1e-4)


def test_costs_that_cancel_are_computed_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found in review: through the Python API, +1.5e20 of staff and -1.5e20 of other costs cancel, and
    rounding then moves a month's cost by more than the bounds allow for. A cost below zero anywhere
    turns the bounds off."""
    hosted = replace(HOSTED, shared=SharedCosts(staff_fte=1, cost_per_fte_year=1.8e21, other_monthly=-1.5e20))
    hybrid = HybridInputs("H", hosted, DEAR, "percentile", percentile=75)
    scenario = inputs(hybrid, WorkloadInputs(8e9, 2e9, hourly_weights=NAMED_PROFILES["office_hours"]))
    volumes = counting(monkeypatch)
    settled, every = computed(hybrid, CHEAP, scenario)
    assert settled == every
    assert len(volumes) == 2 * len(every)

