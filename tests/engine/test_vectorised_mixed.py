"""The vectorised engine projects hybrid and routed options on arrays, run for run as the scalar engine does,
and the shared formulas give for an array what they give for each of its numbers."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from tco.analyses.batch import open_scenario
from tco.analyses.simulate import sample_ranges, simulate
from tco.engine import formulas
from tco.engine.breakeven import break_even_month, break_even_months
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
from tco.engine.mixed import overflow_share
from tco.engine.profiles import NAMED_PROFILES, percentile
from tco.engine.projection import project
from tco.engine.vectorised import break_even_batch, project_batch
from tco.load.ranges import ranged_fields
from tests.conftest import examples
from tests.engine.test_vectorised import batch_of, close

ROOT = Path(__file__).resolve().parent.parent.parent
HYBRID = ROOT / "scenarios" / "hybrid-overflow.yaml"
RUNS = 4


@st.composite
def mixed_runs(draw: Any) -> list[ScenarioInputs]:
    """RUNS scenarios of one structure with hybrid and routed options (routes to an API, a
    self-hosted option, a hybrid and another routed option), their numbers drawn per run: the
    route shares, hybrid fleets, lifetimes and the load's shape too."""
    horizon = draw(st.integers(1, 30))
    basis = draw(st.sampled_from(["cash", "amortized"]))
    terminal = draw(st.sampled_from(["none", "book"]))
    kind = draw(st.sampled_from(["fixed", "scheduled", "autoscale", "buy"]))
    size_for = draw(st.sampled_from(["percentile", "average", "gpus"]))
    percent = draw(st.sampled_from([50.0, 75.0, 100.0]) | st.floats(50, 100))
    profile = draw(st.sampled_from([None, "named", "drawn"]))
    named = draw(st.sampled_from(sorted(NAMED_PROFILES)))
    cached = draw(st.booleans())
    tuning_every = draw(st.sampled_from([None, 1, 3]))
    with_tuning = draw(st.booleans())
    with_fallback = draw(st.booleans())
    k = draw(st.integers(1, 4))
    money = st.floats(0, 5e4, allow_nan=False)

    def shared() -> SharedCosts:
        tuning = None
        if with_tuning:
            tuning = FineTuningInputs(draw(st.floats(0, 500)), draw(st.floats(0, 5)), draw(st.floats(0, 1e9)),
                                      draw(st.floats(0, 10)), draw(money), tuning_every)
        return SharedCosts(draw(st.floats(0, 3)), draw(st.floats(0, 3e5)), draw(money), draw(money), tuning)

    def api(name: str) -> ApiInputs:
        price = draw(st.floats(0.01, 20))
        return ApiInputs(name, price, draw(st.floats(0.01, 60)), draw(st.floats(0, price)),
                         batch_discount=draw(st.floats(0, 1)), batch_share=draw(st.floats(0, 1)),
                         discount=draw(st.floats(0, 0.5)), price_change_per_year=draw(st.floats(-0.5, 0.5)),
                         fixed_monthly=draw(money), shared=shared())

    runs = []
    for _ in range(RUNS):
        base, other = api("api"), api("other api")
        hosted = SelfHostedInputs(
            "hosted", draw(st.floats(100, 2e4)), draw(st.floats(10, 3e3)), gpus_per_replica=k,
            min_replicas=draw(st.integers(0 if kind == "autoscale" else 1, 3)),
            max_utilization=draw(st.floats(0.1, 1)), acquisition="buy" if kind == "buy" else "rent",
            scaling="fixed" if kind == "buy" else kind,  # type: ignore[arg-type]
            hourly_rate_per_gpu=draw(st.floats(0.5, 8)), rent_change_per_year=draw(st.floats(-0.5, 0.3)),
            purchase_price_per_gpu=draw(st.floats(1e3, 5e4)), server_cost_share=draw(st.floats(0, 0.5)),
            lifetime_months=draw(st.integers(1, 24)), residual_value=draw(st.floats(0, 0.5)),
            watts_per_gpu=draw(st.floats(0, 1500)), price_per_kwh=draw(st.floats(0, 0.4)),
            hosting_per_gpu_month=draw(st.floats(0, 300)), maintenance_per_year=draw(st.floats(0, 0.2)),
            go_live_month=draw(st.integers(1, horizon)), fallback=base if with_fallback else None, shared=shared())
        hybrid = HybridInputs("hybrid", hosted, other, size_for, percentile=percent,  # type: ignore[arg-type]
                              fleet_gpus=k * draw(st.integers(0, 6)), shared=shared())
        share = draw(st.floats(0, 1))
        inner = RoutedInputs("inner", (Route(base, share), Route(hybrid, 1 - share)), shared=shared())
        split = draw(st.lists(st.floats(0.01, 1), min_size=3, max_size=3))
        shares = [s / sum(split) for s in split]
        routed = RoutedInputs("routed", (Route(other, shares[0]), Route(hosted, shares[1]), Route(inner, shares[2])),
                              shared=shared())
        weights: tuple[float, ...] | None = None
        if profile == "named":
            weights = NAMED_PROFILES[named]
        elif profile == "drawn":
            weights = tuple(draw(st.lists(st.floats(0.05, 3), min_size=24, max_size=24)))
        peak = max(weights) / (math.fsum(weights) / 24) if weights else draw(st.floats(1, 4))
        volume = st.just(0.0) | st.floats(1, 5e10)
        workload = WorkloadInputs(draw(volume), draw(volume), monthly_growth=draw(st.floats(-0.1, 0.15)),
                                  cached_input_share=draw(st.floats(0, 1)) if cached else 0.0,
                                  peak_to_average=peak, hourly_weights=weights,
                                  active_hours_per_month=730.0 if weights else draw(st.floats(20, 730)))
        options: tuple[OptionInputs, ...] = (base, other, hosted, hybrid, inner, routed)
        runs.append(ScenarioInputs("t", workload, options, horizon_months=horizon, basis=basis,  # type: ignore[arg-type]
                                   discount_rate=draw(st.floats(0, 0.2)), baseline="api", terminal_value=terminal))
    return runs


@examples(0.6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_runs())
def test_hybrid_and_routed_runs_equal_the_scalar_engine(runs: list[ScenarioInputs]) -> None:
    """Hybrid and routed options (nested, sharing their parts with the scenario's other options) are
    projected on arrays, never run by run, and every month's total, the cumulative costs, totals, NPV,
    cost per 1M tokens and break-even month (and its fraction) of each run equal the scalar engine's."""
    batch = project_batch(batch_of(runs), len(runs), lambda i: runs[i])
    assert not any(o.scalar_fallback for o in batch)
    base = batch[0]
    for i, run in enumerate(runs):
        results = project(run)
        for scalar, vector in zip(results, batch, strict=True):
            for month in scalar.months:
                assert close(month.total, vector.monthly[i, month.month - 1]), (scalar.name, month.month)
                assert close(month.cumulative, vector.cumulative[i, month.month - 1]), (scalar.name, month.month)
                assert close(month.one_time, vector.one_time[i, month.month - 1]), (scalar.name, month.month)
                assert close(month.at_end, vector.at_end[i, month.month - 1]), (scalar.name, month.month)
            assert close(scalar.total, vector.total[i])
            assert close(scalar.npv, vector.npv[i])
            expected = scalar.cost_per_million_tokens
            assert (np.isnan(vector.cost_per_million_tokens[i]) if expected is None
                    else close(expected, vector.cost_per_million_tokens[i]))
        for scalar, vector in zip(results[1:], batch[1:], strict=True):
            month = break_even_month(scalar, results[0])
            months = break_even_months(scalar, results[0], month)
            got_month, got_months = break_even_batch(vector, base)
            assert (month or 0) == got_month[i], scalar.name
            assert (np.isnan(got_months[i]) if months is None else abs(months - got_months[i]) <= 1e-6)


def test_ranged_hybrid_scenario_runs_equal_compare_run_for_run(tmp_path: Path) -> None:
    """hybrid-overflow.yaml with its volume, growth, profile-free peak, prices and route share
    ranged: every run of the batch plan equals a full validate-and-resolve of the file with the
    run's values, projected by the scalar engine; no option goes run by run."""
    text = HYBRID.read_text()
    ranged = (text.replace("requests_per_day: 1M ", "requests_per_day: {low: 800K, high: 1.2M} ")
              .replace("monthly_growth: 3%", "monthly_growth: {low: 0, mode: 3%, high: 6%}")
              .replace("cloud: lambda ", "hourly_rate_per_gpu: {low: 2, high: 4} ")
              .replace("min_replicas: 2", "min_replicas: {choices: [1, 2, 3]}"))
    path = tmp_path / "hybrid.yaml"
    path.write_text(ranged)
    opened = open_scenario(str(path))
    fields = [(p, v.distribution) for p, v in ranged_fields(opened.model)]
    assert len(fields) == 4
    plan = opened.plan([(p, list(d.ends)) for p, d in fields])
    assert not plan.generic
    values = sample_ranges(fields, 12, seed=5)
    batch = plan.evaluate(values)
    assert [o.kind for o in batch] == ["api", "self_hosted", "hybrid", "routed"]
    assert not any(o.scalar_fallback for o in batch)
    for run in range(12):
        picked = {f.path: (int(values[f.path][run]) if f.whole else float(values[f.path][run])) for f in plan.fields}
        for scalar, vector in zip(project(plan.resolve(picked).inputs), batch, strict=True):
            assert all(close(m.cumulative, vector.cumulative[run, m.month - 1]) for m in scalar.months), scalar.name


def test_simulate_projects_hybrid_and_routed_options_on_arrays(tmp_path: Path) -> None:
    """`tco simulate` of a scenario with a hybrid and a routed option names no option as projected run by run."""
    path = tmp_path / "hybrid.yaml"
    path.write_text(HYBRID.read_text().replace("requests_per_day: 1M ", "requests_per_day: {low: 800K, high: 1.2M} "))
    result = simulate(open_scenario(str(path)), runs=200)
    assert result.scalar_fallback == []
    assert [r.option for r in result.results] == ["Llama 3.1 70B on rented H100", "Llama base + GPT-4.1 overflow",
                                                  "Easy to Llama, hard to GPT-4.1"]


# --- the shared formulas take arrays as they take numbers ----------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False)
whole_or_not = finite | st.integers(-1000, 1000).map(float) | st.integers(0, 10**6).map(lambda n: n * (1 + 1e-10))


@given(st.lists(whole_or_not, min_size=1, max_size=8), st.lists(finite, min_size=1, max_size=8))
def test_operations_on_arrays_are_the_operations_on_each_number(xs: list[float], ys: list[float]) -> None:
    """tolerant_ceil, maximum, minimum and where give for an array, element by element, exactly what
    they give for each of its numbers."""
    n = min(len(xs), len(ys))
    a, b = np.array(xs[:n]), np.array(ys[:n])
    assert list(formulas.tolerant_ceil(a)) == [formulas.tolerant_ceil(x) for x in xs[:n]]
    assert list(formulas.maximum(a, b)) == [formulas.maximum(x, y) for x, y in zip(xs, ys, strict=False)]
    assert list(formulas.minimum(a, b)) == [formulas.minimum(x, y) for x, y in zip(xs, ys, strict=False)]
    assert list(formulas.where(a > b, a, b)) == [formulas.where(x > y, x, y) for x, y in zip(xs, ys, strict=False)]


@given(st.lists(st.lists(st.floats(0, 1e12), min_size=3, max_size=3), min_size=1, max_size=24))
def test_exact_sum_of_arrays_is_fsum_to_the_last_bit_at_most(hours: list[list[float]]) -> None:
    """The compensated sum of arrays is `math.fsum` of each run's numbers, but for the last bit at most."""
    got = formulas.exact_sum([np.array(values) for values in hours])
    for run in range(3):
        expected = math.fsum(values[run] for values in hours)
        assert abs(got[run] - expected) <= math.ulp(expected)


@given(st.lists(st.lists(st.floats(0, 5), min_size=3, max_size=3), min_size=24, max_size=24),
       st.floats(50, 100), st.floats(0, 30))
def test_percentile_and_overflow_of_arrays_are_those_of_each_run(hours: list[list[float]], percent: float,
                                                                 capacity: float) -> None:
    """Each run's percentile of the hourly loads and overflow share, from arrays of runs, are those of
    its own 24 loads."""
    loads = tuple(np.array(values) for values in hours)
    got_percentile = percentile(loads, percent)
    got_share = overflow_share(loads, np.full(3, capacity))
    for run in range(3):
        own = tuple(values[run] for values in hours)
        assert got_percentile[run] == percentile(own, percent)
        expected = overflow_share(own, capacity)
        assert abs(got_share[run] - expected) <= 4 * math.ulp(max(expected, 1e-300))
