"""Differential test: the real CLI (`tco compare --format json`) against tests/reference_model.py.

Hypothesis draws random all-inline scenarios (the scenario reference: every price, throughput and power
figure given in the file, nothing from the pricing tables), writes each to YAML — numbers as
plain YAML numbers or, sometimes, as strings such as "2.5M", "1.5e+09", "1_000" or "15%" — runs
the CLI in-process and compares its JSON with the reference: totals, NPV, cost per
1M tokens, every month's total, cumulative, costs and GPUs, and every break-even figure, to 1e-6
relative (1e-6 absolute near zero).

Values are drawn off round numbers (see `_fraction`), so exact ties — where the formulas' answers
jump, e.g. a replica step landing exactly on a break-even crossing — have probability zero and
neither side's rounding can decide a result.

`test_reference_invariants` checks the generator and the reference on their own (no CLI).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from clirun import invoke
from hypothesis import HealthCheck, given, note
from hypothesis import strategies as st
from reference_model import (
    BreakEven,
    ScenarioCost,
    api_curve,
    evaluate,
    money_at_most,
    self_hosted_curve,
)

from tests.conftest import examples

REL_TOL = 1e-6
ABS_TOL = 1e-6

Draw = Callable[[st.SearchStrategy[Any]], Any]

# Categories whose split the formulas leave open are compared as a sum (reference_model note 2).
SUMMED_CATEGORIES = ("api", "other")
CATEGORIES = (
    "gpu_rent", "capex", "depreciation", "power", "hosting", "maintenance", "staff", "setup",
    "fallback_api", "fine_tuning", "terminal_value",
)  # fmt: skip

# ------------------------------------------------------------------------- number generation


def _fraction() -> st.SearchStrategy[float]:
    """A number in (0, 1) that is never round: i·φ mod 1, shifted off zero. Hypothesis shrinks
    i towards 0, which still gives an unremarkable 0.1234567."""
    return st.integers(0, 10**9).map(lambda i: (0.1234567 + i * 0.6180339887498949) % 1.0)


def _uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    """A float in (lo, hi), never an end point or a round number."""
    return _fraction().map(lambda f: lo + (hi - lo) * f)


def _log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    """A float in (lo, hi), uniform in log scale, for quantities spanning decades."""
    return _fraction().map(lambda f: lo * (hi / lo) ** f)


SUFFIXES = (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3))


def _render(draw: Draw, value: float | int, share: bool) -> tuple[Any, float | int]:
    """How `value` goes into the YAML file, and the number that text stands for.

    Mostly a YAML number; sometimes a string with a K/M/B/T suffix, an exponent, underscores
    (whole numbers) or, for share and rate fields, a percent sign."""
    styles = ["number"] * 6 + ["exponent"]
    if abs(value) >= 1e3:
        styles.append("suffix")
    if share:
        styles.append("percent")
    if isinstance(value, int):
        styles.append("underscore")
    style = draw(st.sampled_from(styles))
    if share and abs(value) > 1:
        style = "percent"  # a rate above 100% is refused as a plain number (a likely slip for a percentage)
    if style == "exponent":
        text = f"{value:.15e}"
        return text, float(text)
    if style == "suffix":
        letter, scale = next((s, m) for s, m in SUFFIXES if abs(value) >= m)
        mantissa = repr(value / scale)
        return f"{mantissa}{letter}", float(mantissa) * scale
    if style == "percent":
        percent = repr(value * 100)
        return f"{percent}%", float(percent) / 100
    if style == "underscore":
        return f"{value:_}", value
    return value, value


class _Builder:
    """Fills the reference's numeric dict and the YAML view side by side."""

    def __init__(self, draw: Draw) -> None:
        self.draw = draw

    def put(
        self,
        ref: dict[str, Any],
        view: dict[str, Any],
        key: str,
        strategy: st.SearchStrategy[Any],
        *,
        share: bool = False,
        count: bool = False,
        optional: bool = False,
    ) -> None:
        """Draw `key` (or leave it out, when optional) into both dicts; a count stays a plain
        YAML integer."""
        if optional and not self.draw(st.booleans()):
            return
        value = self.draw(strategy)
        text, number = (value, value) if count else _render(self.draw, value, share)
        view[key] = text
        ref[key] = number

    def sub(self, ref: dict[str, Any], view: dict[str, Any], key: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """A nested mapping under `key` in both dicts."""
        ref[key], view[key] = {}, {}
        return ref[key], view[key]


def _common_fields(b: _Builder, ref: dict[str, Any], view: dict[str, Any]) -> None:
    """staff, setup_cost, other_monthly, fine_tuning: allowed on every option."""
    if b.draw(st.booleans()):
        staff_ref, staff_view = b.sub(ref, view, "staff")
        b.put(staff_ref, staff_view, "fte", _uniform(0.05, 2.0))
        b.put(staff_ref, staff_view, "cost_per_fte_year", _log_uniform(50e3, 300e3))
    b.put(ref, view, "setup_cost", _log_uniform(100, 200e3), optional=True)
    b.put(ref, view, "other_monthly", _log_uniform(10, 10e3), optional=True)
    if b.draw(st.integers(0, 3)) == 0:
        tune_ref, tune_view = b.sub(ref, view, "fine_tuning")
        b.put(tune_ref, tune_view, "gpu_hours", _log_uniform(1, 5000))
        b.put(tune_ref, tune_view, "hourly_rate_per_gpu", _uniform(0.5, 10))
        b.put(tune_ref, tune_view, "training_tokens", _log_uniform(1e6, 1e10))
        b.put(tune_ref, tune_view, "price_per_million_training_tokens", _uniform(0, 20))
        b.put(tune_ref, tune_view, "data_cost", _log_uniform(10, 20e3))
        b.put(tune_ref, tune_view, "every_months", st.integers(1, 24), count=True, optional=True)


def _api_option(b: _Builder, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    ref: dict[str, Any] = {"name": name, "kind": "api"}
    view: dict[str, Any] = dict(ref)
    price_ref, price_view = b.sub(ref, view, "price")
    b.put(price_ref, price_view, "input", _log_uniform(0.05, 30))
    b.put(price_ref, price_view, "output", _log_uniform(0.1, 120))
    b.put(price_ref, price_view, "cached_input", _uniform(0, price_ref["input"]), optional=True)
    b.put(price_ref, price_view, "batch_discount", _uniform(0, 0.6), share=True, optional=True)
    b.put(ref, view, "batch_share", _uniform(0, 1), share=True, optional=True)
    b.put(ref, view, "discount", _uniform(0, 0.5), share=True, optional=True)
    b.put(ref, view, "price_change_per_year", _uniform(-0.5, 0.3), share=True, optional=True)
    b.put(ref, view, "fixed_monthly", _log_uniform(1, 5000), optional=True)
    _common_fields(b, ref, view)
    return ref, view


def _self_hosted_option(
    b: _Builder, name: str, horizon: int, api_names: list[str], *, buy: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    draw = b.draw
    acquisition = "buy" if buy else draw(st.sampled_from(["rent", "rent", "buy"]))
    ref: dict[str, Any] = {"name": name, "kind": "self_hosted", "acquisition": acquisition}
    view: dict[str, Any] = dict(ref)
    scaling = "fixed"
    if acquisition == "rent":
        scaling = draw(st.sampled_from(["default", "fixed", "scheduled", "autoscale"]))
        if scaling != "default":
            ref["scaling"] = view["scaling"] = scaling
        b.put(ref, view, "hourly_rate_per_gpu", _log_uniform(0.3, 12))
        b.put(ref, view, "rent_change_per_year", _uniform(-0.4, 0.2), share=True, optional=True)
    else:
        b.put(ref, view, "purchase_price_per_gpu", _log_uniform(2e3, 60e3))
        b.put(ref, view, "server_cost_share", _uniform(0, 0.6), share=True, optional=True)
        b.put(ref, view, "lifetime_months", st.integers(2, 48), count=True, optional=True)
        b.put(ref, view, "residual_value", _uniform(0, 0.6), share=True, optional=True)
        power_ref, power_view = b.sub(ref, view, "power")
        b.put(power_ref, power_view, "watts_per_gpu", _uniform(200, 2000))
        b.put(power_ref, power_view, "price_per_kwh", _uniform(0.03, 0.4), optional=True)
        b.put(power_ref, power_view, "pue", _uniform(1.0, 2.0), optional=True)
        b.put(power_ref, power_view, "load_factor", _uniform(0.1, 1.0), optional=True)
        b.put(power_ref, power_view, "hours_per_month", _uniform(100, 730), optional=True)
        b.put(ref, view, "hosting_per_gpu_month", _uniform(0, 500), optional=True)
        b.put(ref, view, "maintenance_per_year", _uniform(0, 0.2), share=True, optional=True)
    throughput_ref, throughput_view = b.sub(ref, view, "throughput")
    b.put(throughput_ref, throughput_view, "input_tokens_per_second", _log_uniform(500, 50e3))
    b.put(throughput_ref, throughput_view, "output_tokens_per_second", _log_uniform(30, 5e3))
    b.put(ref, view, "gpus_per_replica", st.sampled_from([1, 2, 4, 8]), count=True, optional=True)
    low = 0 if scaling == "autoscale" else 1
    b.put(ref, view, "min_replicas", st.integers(low, 4), count=True, optional=True)
    b.put(ref, view, "max_utilization", _uniform(0.05, 1.0), share=True, optional=True)
    _common_fields(b, ref, view)
    if draw(st.integers(0, 2)) == 0:
        b.put(ref, view, "go_live_month", st.integers(1, horizon), count=True)
        ref["fallback"] = view["fallback"] = draw(st.sampled_from(api_names))
    return ref, view


@st.composite
def scenarios(draw: Draw, *, book: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the scenario as numbers for the reference, the same scenario as written to YAML); with `book`,
    on the cash basis with `terminal_value: book` and the first self-hosted option owned."""
    b = _Builder(draw)
    horizon = draw(st.integers(1, 60))
    ref: dict[str, Any] = {"name": "differential", "horizon_months": horizon}
    view: dict[str, Any] = dict(ref)

    workload_ref, workload_view = b.sub(ref, view, "workload")
    if draw(st.booleans()):
        b.put(workload_ref, workload_view, "requests_per_day", st.integers(100, 2_000_000) | _log_uniform(100, 2e6))
        b.put(workload_ref, workload_view, "input_tokens_per_request", st.integers(20, 8000))
        b.put(workload_ref, workload_view, "output_tokens_per_request", st.integers(10, 2000))
    else:
        b.put(workload_ref, workload_view, "input_tokens_per_month", _log_uniform(1e6, 5e11))
        b.put(workload_ref, workload_view, "output_tokens_per_month", _log_uniform(1e5, 1e11))
    growth = draw(st.sampled_from(["none", "monthly", "annual"]))
    if growth == "monthly":
        b.put(workload_ref, workload_view, "monthly_growth", _uniform(-0.05, 0.12), share=True)
    elif growth == "annual":
        b.put(workload_ref, workload_view, "annual_growth", _uniform(0, 3), share=True)
    b.put(workload_ref, workload_view, "cached_input_share", _uniform(0, 1), share=True, optional=True)
    b.put(workload_ref, workload_view, "peak_to_average", _uniform(1, 4), optional=True)
    b.put(workload_ref, workload_view, "active_hours_per_month", _uniform(100, 730), optional=True)

    if book:
        finance_ref, finance_view = b.sub(ref, view, "finance")
        finance_ref["terminal_value"] = finance_view["terminal_value"] = "book"
        b.put(finance_ref, finance_view, "discount_rate", _uniform(0, 0.2), share=True, optional=True)
    elif draw(st.booleans()):
        finance_ref, finance_view = b.sub(ref, view, "finance")
        basis = draw(st.sampled_from(["default", "cash", "amortized", "amortized"]))
        if basis != "default":
            finance_ref["basis"] = finance_view["basis"] = basis
        b.put(finance_ref, finance_view, "discount_rate", _uniform(0, 0.2), share=True, optional=True)
        terminal = draw(st.sampled_from(["default", "none", "book", "book"]))
        if terminal != "default":
            finance_ref["terminal_value"] = finance_view["terminal_value"] = terminal

    api_names = [f"api-{i}" for i in range(1, draw(st.integers(1, 2)) + 1)]
    if len(api_names) == 2 and draw(st.booleans()):
        ref["baseline"] = view["baseline"] = api_names[1]
    ref["options"], view["options"] = [], []
    for name in api_names:
        option_ref, option_view = _api_option(b, name)
        ref["options"].append(option_ref)
        view["options"].append(option_view)
    for i in range(1, draw(st.integers(1, 3)) + 1):
        option_ref, option_view = _self_hosted_option(b, f"self-{i}", horizon, api_names, buy=book and i == 1)
        ref["options"].append(option_ref)
        view["options"].append(option_view)
    if draw(st.booleans()):  # self-hosted options first sometimes: order must not matter
        ref["options"].reverse()
        view["options"].reverse()
    return ref, view


# ------------------------------------------------------------------------- invariants


def _check_invariants(scenario: dict[str, Any], result: ScenarioCost) -> None:
    """What must hold for any scenario, whatever the formulas' details."""
    horizon = scenario["horizon_months"]
    for option in result.options:
        assert len(option.months) == horizon
        running = 0.0
        for row in option.months:
            credit = row.costs.get("terminal_value", 0.0)  # a credit, in the last month only
            assert credit <= 0 and (credit == 0 or row.month == horizon), (option.name, row)
            assert all(amount >= 0 for category, amount in row.costs.items() if category != "terminal_value"), \
                (option.name, row)
            assert math.isclose(row.total, sum(row.costs.values()), rel_tol=1e-12)
            running += row.total
            assert row.cumulative == pytest.approx(running, rel=1e-12)
            if not credit:
                assert row.cumulative >= (option.months[row.month - 2].cumulative if row.month > 1 else 0.0)
        assert option.total == pytest.approx(option.months[-1].cumulative, rel=1e-12)
        if not option.months[-1].costs.get("terminal_value"):  # a credit is discounted least: NPV may exceed
            assert option.npv <= option.total * (1 + 1e-12)  # the discount rate is never negative
        assert option.cost_per_million_tokens > 0
        source = next(o for o in scenario["options"] if o["name"] == option.name)
        gpus = [row.gpus for row in option.months]
        if option.kind == "api":
            assert all(g is None for g in gpus)
            continue
        go_live = int(source.get("go_live_month", 1))
        assert all(g == 0 for g in gpus[: go_live - 1])
        live = [g for g in gpus[go_live - 1 :] if g is not None]
        floor = int(source.get("min_replicas", 1)) * int(source.get("gpus_per_replica", 1))
        assert all(g >= floor for g in live)
        if source.get("acquisition") == "buy":
            assert live == sorted(live), "an owned fleet never shrinks"

    apis = [o for o in result.options if o.kind == "api"]
    hosted = [o for o in result.options if o.kind != "api"]
    assert len(result.break_even) == len(apis) * len(hosted)
    assert all(pair.versus == result.baseline for pair in result.break_even[: len(hosted)])
    for pair in result.break_even:
        _check_pair(scenario, result, pair)


def _check_pair(scenario: dict[str, Any], result: ScenarioCost, pair: BreakEven) -> None:
    s, a = result.option(pair.option), result.option(pair.versus)
    at_most = [money_at_most(rs.cumulative, ra.cumulative) for rs, ra in zip(s.months, a.months, strict=True)]
    if pair.month is None:
        assert not at_most[-1]
        assert pair.months is None
    else:
        assert all(at_most[pair.month - 1 :])
        assert pair.month == 1 or not at_most[pair.month - 2]
        assert pair.months is not None
        assert pair.month - 1 <= pair.months <= pair.month
    assert pair.savings_at_horizon == pytest.approx(a.total - s.total)

    options = {o["name"]: o for o in scenario["options"]}
    s_curve = self_hosted_curve(options[pair.option], scenario["workload"])
    a_curve = api_curve(options[pair.versus], scenario["workload"])

    def wins(volume: float) -> bool:
        return money_at_most(s_curve.cost(volume), a_curve.cost(volume))

    def dearer(volume: float) -> bool:
        """Strictly dearer, with no tolerance. A volume is where the curves cross: just below it the
        self-hosted cost is above the API's, though maybe by less than the money tolerance (an API
        with a large fixed fee moves by less than 1e-9 of its cost over a 1e-7 nudge), so `wins`
        cannot tell which side of the crossing a nudge lands on."""
        return s_curve.cost(volume) > a_curve.cost(volume)

    volume, first = pair.volume_tokens_per_month, pair.first_volume_tokens_per_month
    if volume is not None:
        assert first is not None and 0 <= first <= volume * (1 + 1e-12)
        for factor in (1 + 1e-7, 1.01, 1.5, 2, 10, 1000):
            assert wins(volume * factor), (pair, factor)
        if volume > 0:
            assert dearer(volume * (1 - 1e-7)), pair
    if first is not None:
        assert wins(first), pair
        assert first == 0 or dearer(first * (1 - 1e-7)), pair


@given(scenarios())
@examples(2.0, deadline=None, derandomize=True, database=None)
def test_reference_invariants(drawn: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """The generator makes valid scenarios and the reference keeps the formulas' invariants."""
    scenario, _ = drawn
    _check_invariants(scenario, evaluate(scenario))


# ------------------------------------------------------------------------- the differential test


def _close(actual: Any, expected: float | None) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    return math.isclose(float(actual), expected, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _compare(data: dict[str, Any], expected: ScenarioCost) -> list[str]:
    """Every disagreement between the CLI's JSON and the reference, as readable lines."""
    problems: list[str] = []

    def check(what: str, actual: Any, wanted: float | None) -> None:
        if not _close(actual, wanted):
            problems.append(f"{what}: CLI {actual!r}, reference {wanted!r}")

    if data.get("baseline") != expected.baseline:
        problems.append(f"baseline: CLI {data.get('baseline')!r}, reference {expected.baseline!r}")
    if data.get("basis") != expected.basis:
        problems.append(f"basis: CLI {data.get('basis')!r}, reference {expected.basis!r}")
    if data.get("horizon_months") != expected.horizon_months:
        problems.append(f"horizon_months: CLI {data.get('horizon_months')!r}")

    by_name = {option["name"]: option for option in data["options"]}
    if sorted(by_name) != sorted(o.name for o in expected.options):
        return [*problems, f"options: CLI {sorted(by_name)}"]
    for option in expected.options:
        got = by_name[option.name]
        check(f"{option.name} total", got["total"], option.total)
        check(f"{option.name} npv", got["npv"], option.npv)
        check(f"{option.name} cost_per_million_tokens", got["cost_per_million_tokens"], option.cost_per_million_tokens)
        if len(got["months"]) != len(option.months):
            problems.append(f"{option.name}: {len(got['months'])} months")
            continue
        for row, got_row in zip(option.months, got["months"], strict=True):
            where = f"{option.name} month {row.month}"
            if got_row["month"] != row.month:
                problems.append(f"{where}: numbered {got_row['month']}")
            check(f"{where} total", got_row["total"], row.total)
            check(f"{where} cumulative", got_row["cumulative"], row.cumulative)
            check(f"{where} input_tokens", got_row["input_tokens"], row.input_tokens)
            check(f"{where} output_tokens", got_row["output_tokens"], row.output_tokens)
            got_gpus = got_row["gpus"]
            if row.gpus == 0 and got_gpus is None:
                got_gpus = 0  # before go-live: no fleet, either way of saying it is fine
            if got_gpus != row.gpus:
                problems.append(f"{where} gpus: CLI {got_row['gpus']!r}, reference {row.gpus!r}")
            costs = got_row["costs"]
            check(f"{where} sum of costs", sum(costs.values()), got_row["total"])
            for category in CATEGORIES:
                check(f"{where} {category}", costs.get(category, 0.0), row.costs.get(category, 0.0))
            check(
                f"{where} {'+'.join(SUMMED_CATEGORIES)}",
                sum(costs.get(c, 0.0) for c in SUMMED_CATEGORIES),
                sum(row.costs.get(c, 0.0) for c in SUMMED_CATEGORIES),
            )
            unknown = set(costs) - set(CATEGORIES) - set(SUMMED_CATEGORIES)
            if unknown:
                problems.append(f"{where}: unknown categories {sorted(unknown)}")

    got_pairs = {(pair["option"], pair["versus"]): pair for pair in data["break_even"]}
    wanted_pairs = {(pair.option, pair.versus): pair for pair in expected.break_even}
    if set(got_pairs) != set(wanted_pairs) or len(data["break_even"]) != len(wanted_pairs):
        return [*problems, f"break_even pairs: CLI {sorted(got_pairs)}, reference {sorted(wanted_pairs)}"]
    n_hosted = sum(1 for o in expected.options if o.kind != "api")
    if any(pair["versus"] != expected.baseline for pair in data["break_even"][:n_hosted]):
        problems.append("break_even: the baseline's pairs do not come first")
    for key, pair in wanted_pairs.items():
        got = got_pairs[key]
        where = f"break-even {key[0]} vs {key[1]}"
        if got["month"] != pair.month:
            problems.append(f"{where} month: CLI {got['month']!r}, reference {pair.month!r}")
        check(f"{where} months", got["months"], pair.months)
        check(f"{where} volume", got["volume_tokens_per_month"], pair.volume_tokens_per_month)
        check(f"{where} first volume", got["first_volume_tokens_per_month"], pair.first_volume_tokens_per_month)
        check(f"{where} savings", got["savings_at_horizon"], pair.savings_at_horizon)
    return problems


@given(scenarios())
@examples(
    0.6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_cli_agrees_with_reference(tmp_path: Path, drawn: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """`tco compare --format json` matches the reference on a random all-inline scenario."""
    _agree(tmp_path, drawn)


@given(scenarios(book=True))
@examples(
    0.25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_cli_agrees_with_reference_on_the_terminal_value(
    tmp_path: Path, drawn: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """The same, on the cash basis with `terminal_value: book` and an owned fleet (reference note 13)."""
    _agree(tmp_path, drawn)


def _agree(tmp_path: Path, drawn: tuple[dict[str, Any], dict[str, Any]]) -> None:


    scenario, view = drawn
    text = yaml.safe_dump(view, sort_keys=False, allow_unicode=True)
    note(text)
    path = tmp_path / "scenario.yaml"  # one file, rewritten for each example
    path.write_text(text, encoding="utf-8")
    result = invoke(["compare", str(path), "--format", "json"])
    assert result.exit_code == 0, f"exit {result.exit_code}\n{result.stderr}\n{text}"
    data = json.loads(result.stdout)
    if isinstance(data, list):
        (data,) = data
    problems = _compare(data, evaluate(scenario))
    assert not problems, "\n".join([*problems[:40], f"({len(problems)} in all)", text])
