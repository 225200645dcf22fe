"""`tco sweep` agrees with `compare --set` point for point; `tco sensitivity` on a hand-worked case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import invoke

from tco.analyses.batch import open_scenario
from tco.analyses.sensitivity import sensitivity
from tco.analyses.sweep import sweep
from tco.errors import TcoError
from tco.scenario.compare import compare_file
from tests.analyses.test_simulate import CLOSED_FORM  # one uniform range on the API input price

ROOT = Path(__file__).resolve().parents[2]
SUPPORT = ROOT / "scenarios" / "support-assistant.yaml"
BATCH = ROOT / "scenarios" / "batch-documents.yaml"


def assert_point_matches_compare(path: Path, point, sets: list[str]) -> None:  # type: ignore[no-untyped-def]
    comparison = compare_file(str(path), overrides=sets)
    for option in point.options:
        expected = comparison.option(option.name)
        assert option.total == pytest.approx(expected.total, rel=1e-12, abs=1e-9), (sets, option.name)
        assert option.cost_per_million_tokens == pytest.approx(expected.cost_per_million_tokens, rel=1e-12)
    cheapest = min(comparison.options, key=lambda o: o.total).name
    assert point.cheapest == cheapest
    assert len(point.break_even) == len(comparison.break_even)
    for got, expected in zip(point.break_even, comparison.break_even, strict=True):
        assert (got.option, got.versus, got.month) == (expected.option, expected.versus, expected.month)
        assert got.savings_at_horizon == pytest.approx(expected.savings_at_horizon, rel=1e-12, abs=1e-6)
        for name in ("months", "volume_tokens_per_month", "first_volume_tokens_per_month",
                     "volume_requests_per_day", "first_volume_requests_per_day"):
            mine, theirs = getattr(got, name), getattr(expected, name)
            assert (mine is None) == (theirs is None), name
            assert theirs is None or mine == pytest.approx(theirs, rel=1e-12, abs=1e-9), name


def test_one_axis_sweep_agrees_with_compare_set_point_for_point() -> None:
    result = sweep(open_scenario(str(SUPPORT)), ["workload.requests_per_day=10K..2M"], steps=6)
    assert [p.values["workload.requests_per_day"] for p in result.points][::5] == [10_000, 2_000_000]
    for point in result.points:
        value = point.values["workload.requests_per_day"]
        assert_point_matches_compare(SUPPORT, point, [f"workload.requests_per_day={value!r}"])


def test_two_axis_log_sweep_with_a_share_and_a_whole_number_agrees_with_compare() -> None:
    """A percentage span (0%..40%), and go-live month 1..7, where a later go-live brings in the fallback API."""
    option = "Llama 3.3 70B on owned H100"
    vary = ["options.GPT-4.1 batch.discount=0%..40%", f"options.{option}.go_live_month=1..7"]
    result = sweep(open_scenario(str(BATCH)), vary, steps=4)
    assert len(result.points) == 16
    assert {p.values[f"options.{option}.go_live_month"] for p in result.points} == {1, 3, 5, 7}
    for point in result.points:
        sets = [f"{name}={value!r}" for name, value in point.values.items()]
        assert_point_matches_compare(BATCH, point, sets)
    logged = sweep(open_scenario(str(SUPPORT)), ["workload.requests_per_day=10K..1M"], steps=3, log=True)
    assert [p.values["workload.requests_per_day"] for p in logged.points] == pytest.approx([1e4, 1e5, 1e6])


def test_sweep_json_shape_and_grid_table() -> None:
    result = invoke(["sweep", str(SUPPORT), "--vary", "workload.requests_per_day=10K..2M", "--steps",
                                 "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"points"}
    point = data["points"][0]
    assert set(point) == {"values", "options", "cheapest", "break_even"}
    assert point["values"] == {"workload.requests_per_day": 10000.0}
    assert set(point["options"][0]) == {"name", "total", "cost_per_million_tokens"}
    assert set(point["break_even"][0]) >= {"option", "versus", "month", "months", "volume_tokens_per_month",
                                           "first_volume_tokens_per_month", "savings_at_horizon"}
    grid = invoke(["sweep", str(SUPPORT), "--vary", "workload.requests_per_day=10K..2M",
                               "--vary", "options.GPT-4.1.discount=0..50%", "--steps", "3"])
    assert grid.exit_code == 0, grid.output
    assert "Cheapest option" in grid.stdout
    assert "workload.requests_per_day \\ options.GPT-4.1.discount" in grid.stdout
    csv = invoke(["sweep", str(SUPPORT), "--vary", "workload.requests_per_day=10K..2M", "--steps", "3",
                              "--format", "csv"])
    assert csv.stdout.splitlines()[0].startswith("workload.requests_per_day,total:GPT-4.1,")
    assert len(csv.stdout.splitlines()) == 4


@pytest.mark.parametrize(("vary", "message"), [
    ("workload.requests_per_day", "--vary workload.requests_per_day: expected PATH=FROM..TO, e.g. "
                                  "workload.requests_per_day=100K..10M"),
    ("options.GPT-4.1.discount=0..150%", "--vary options.GPT-4.1.discount=0..150%: options[0].discount: "
                                         "must be at most 100% (got 150%)"),
    ("workload.requests_per_day=1%..5%", "--vary workload.requests_per_day=1%..5%: workload.requests_per_day: "
                                         "'1%': a percentage is only allowed for shares and rates"),
    ("options.Nope.discount=0..1", "--vary options.Nope.discount=0..1: no option matches"),
])
def test_sweep_errors_name_the_vary(vary: str, message: str) -> None:
    with pytest.raises(TcoError) as caught:
        sweep(open_scenario(str(SUPPORT)), [vary], steps=3)
    assert str(caught.value.problems[0]).startswith(message)


def test_tornado_on_the_closed_form(tmp_path: Path) -> None:
    """API price p from 1 to 3, 1B input tokens a month for 12 months: the API costs 12,000·p and the
    GPU 12 × 730 × 2 = 17,520, so savings run from 12,000 − 17,520 = −5,520 (never breaks even) to
    36,000 − 17,520 = 18,480 (month 1), a swing of 24,000. With --all the GPU rate moves ±20%
    (1.6..2.4): at p = 2, savings 24,000 − 14,016 = 9,984 and 24,000 − 21,024 = 2,976, swing 7,008."""
    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED_FORM)
    [tornado] = sensitivity(open_scenario(str(path))).tornados
    [row] = tornado.rows
    assert (row.input, row.low, row.high) == ("options.API.price.input", 1, 3)
    assert (row.savings_at_low, row.savings_at_high) == pytest.approx((-5_520, 18_480))
    assert (row.break_even_at_low, row.break_even_at_high) == (None, 1)
    assert tornado.savings == pytest.approx(6_480)
    [every] = sensitivity(open_scenario(str(path)), every_input=True).tornados
    rate = next(r for r in every.rows if r.input == "options.GPU.hourly_rate_per_gpu")
    assert (rate.low, rate.high) == pytest.approx((1.6, 2.4))
    assert (rate.savings_at_low, rate.savings_at_high) == pytest.approx((9_984, 2_976))
    assert every.rows[0].input == "options.API.price.input"  # the largest swing first
    swings = [r.savings_swing for r in every.rows]
    assert swings == sorted(swings, reverse=True)


def test_sensitivity_outputs(tmp_path: Path) -> None:
    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED_FORM)
    table = invoke(["sensitivity", str(path), "--all"])
    assert table.exit_code == 0, table.output
    assert "GPU against API: savings $6.5K, break-even month 1" in table.stdout
    assert "|" in table.stdout and "█" not in table.stdout
    data = json.loads(invoke(["sensitivity", str(path), "--format", "json"]).stdout)
    assert data["tornados"][0]["inputs"][0]["input"] == "options.API.price.input"
    csv = invoke(["sensitivity", str(path), "--format", "csv"]).stdout.splitlines()
    assert csv[0].startswith("option,versus,input,rule,low,high,savings_at_low")
    assert csv[1].startswith("GPU,API,options.API.price.input,range,1.0,3.0,")


HYBRID = ROOT / "scenarios" / "hybrid-overflow.yaml"


@pytest.mark.parametrize(("vary", "message"), [
    ("options.Easy to Llama, hard to GPT-4.1.routes.7.share=10%..90%", "options[3].routes has no item 7 (it has 2)"),
    ("workload.load_profile.3=1..5", "workload.load_profile is not a mapping"),
])
def test_sweep_into_a_list_or_a_plain_value_is_a_clean_error(vary: str, message: str) -> None:
    """A --vary path through a list position past its end, or into a plain value, is reported as
    --set reports it (these crashed with an internal error)."""
    result = invoke(["sweep", str(HYBRID), "--vary", vary, "--steps", "2"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"--vary {vary}: {message}\n"


def test_sweep_reaches_a_route_share() -> None:
    """`routes.0.share` names the first route's share: with the shares no longer adding up to 1 the
    sweep stops at the validation error, at the routes' line, like compare --set."""
    result = invoke(["sweep", str(HYBRID), "--vary",
                                      "options.Easy to Llama, hard to GPT-4.1.routes.0.share=10%..90%"])
    assert result.exit_code == 1
    assert "options[3].routes: the route shares add up to 40%" in result.stderr
    assert "internal error" not in result.stderr


def test_sweeping_the_horizon_is_refused_cleanly() -> None:
    """Every point of a sweep shares one month axis, so the horizon cannot be a sweep axis (as it cannot be
    a range); this crashed with an internal error. Exit 1, the --vary argument named, nothing on stdout."""
    result = invoke(["sweep", str(SUPPORT), "--vary", "horizon_months=6..12", "--steps", "3"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("--vary horizon_months=6..12: the horizon cannot be swept")


def test_sensitivity_all_leaves_route_shares_alone() -> None:
    """The route shares of a routed option must add up to 1, and a peak_to_average the load profile gives
    must match it, so neither can move ±20% alone: --all leaves them out (it stopped at 'the route shares
    add up to 86%') and moves the rest."""
    result = sensitivity(open_scenario(str(HYBRID)), every_input=True)
    inputs = {row.input for tornado in result.tornados for row in tornado.rows}
    assert "options.Llama 3.1 70B on rented H100.hourly_rate_per_gpu" in inputs
    assert not any(".routes" in name or "peak_to_average" in name for name in inputs)
    assert [t.option for t in result.tornados] == ["Llama 3.1 70B on rented H100", "Llama base + GPT-4.1 overflow",
                                                   "Easy to Llama, hard to GPT-4.1"]


def test_sensitivity_table_writes_the_ends_as_a_scenario_would(tmp_path: Path) -> None:
    """The ends read like the scenario's numbers (800M .. 1.2B, 1,600 .. 2,400), never in exponent form
    (the table showed 8e+08 .. 1.2e+09 and 8e+05)."""
    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED_FORM.replace("hourly_rate_per_gpu: 2", "hourly_rate_per_gpu: 2\n    other_monthly: 2000"))
    result = invoke(["sensitivity", str(path), "--all"])
    assert result.exit_code == 0, result.stderr
    assert "| 800M .. 1.2B " in result.stdout
    assert "| 1,600 .. 2,400 " in result.stdout
    assert "e+" not in result.stdout


@pytest.mark.parametrize("format", ["table", "json", "csv"])
def test_sensitivity_without_ranges_stops_and_suggests_all(format: str) -> None:
    """Three empty tables would answer nothing: one line says why and what to do instead."""
    result = invoke(["sensitivity", str(SUPPORT), "--format", format])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f"{SUPPORT}: no field is a range, so nothing moves: give a field a range such as "
                             "{low: 2, high: 3}, or run with --all to move every numeric input ±20%\n")
    assert invoke(["sensitivity", str(SUPPORT), "--all", "--format", format]).exit_code == 0


def _savings_and_month(path: Path, option: str, versus: str, sets: list[str]) -> tuple[float, int | None]:
    comparison = compare_file(str(path), overrides=sets)
    [pair] = [b for b in comparison.break_even if (b.option, b.versus) == (option, versus)]
    return pair.savings_at_horizon, pair.month


# Fields the file writes (requests_per_day, staff.fte), takes from a pricing table (hourly_rate_per_gpu,
# price.output), from a default (max_utilization) or from the latency model (throughput).
SUPPORT_LLAMA = "options.Llama 3.1 70B on rented H100"
ALL_CASES = [
    (SUPPORT, "Llama 3.1 70B on rented H100", [
        "workload.requests_per_day", f"{SUPPORT_LLAMA}.hourly_rate_per_gpu", "options.GPT-4.1.price.output",
        f"{SUPPORT_LLAMA}.max_utilization", f"{SUPPORT_LLAMA}.staff.fte",
        f"{SUPPORT_LLAMA}.throughput.output_tokens_per_second"]),
    (HYBRID, "Llama base + GPT-4.1 overflow", [
        "workload.requests_per_day", f"{SUPPORT_LLAMA}.hourly_rate_per_gpu", "options.GPT-4.1.price.input",
        f"{SUPPORT_LLAMA}.max_utilization"]),
    (HYBRID, "Easy to Llama, hard to GPT-4.1", ["workload.monthly_growth", f"{SUPPORT_LLAMA}.setup_cost"]),
]


@pytest.mark.parametrize(("path", "option", "inputs"), ALL_CASES)
def test_sensitivity_all_starts_from_compare_and_each_end_is_compare_set(path: Path, option: str,
                                                                        inputs: list[str]) -> None:
    """--all moved every input through a full resolve with every other input pinned at its central value,
    so an estimated throughput was pinned as if written and the latency model's replica size (4 GPUs) fell
    back to the memory fit (2): support-assistant's central row read $167K / month 8 where compare says
    $92,459.60 / month 15. The central row is compare's, each end is compare --set at that end."""
    result = sensitivity(open_scenario(str(path)), every_input=True)
    tornado = next(t for t in result.tornados if t.option == option)
    savings, month = _savings_and_month(path, option, result.baseline, [])
    assert tornado.savings == pytest.approx(savings, rel=1e-12, abs=1e-6)
    assert tornado.break_even_month == month
    rows = {row.input: row for row in tornado.rows}
    for name in inputs:
        row = rows[name]
        for value, got_savings, got_month in ((row.low, row.savings_at_low, row.break_even_at_low),
                                              (row.high, row.savings_at_high, row.break_even_at_high)):
            want_savings, want_month = _savings_and_month(path, option, result.baseline, [f"{name}={value!r}"])
            assert got_savings == pytest.approx(want_savings, rel=1e-12, abs=1e-6), (name, value)
            assert got_month == want_month, (name, value)


def test_sensitivity_all_on_support_assistant_by_hand() -> None:
    """compare's own figures: $92,459.60 saved over 36 months, break-even in month 15; requests/day at
    120K (150K − 20%) costs $56.4K more than GPT-4.1 and never breaks even (the tornado said +$36.2K, month 24)."""
    [tornado] = sensitivity(open_scenario(str(SUPPORT)), every_input=True).tornados
    assert round(tornado.savings, 2) == 92_459.60
    assert tornado.break_even_month == 15
    row = next(r for r in tornado.rows if r.input == "workload.requests_per_day")
    assert (row.low, row.high) == (120_000, 180_000)
    assert round(row.savings_at_low / 100) * 100 == -56_400
    assert row.break_even_at_low is None


def test_sweep_of_an_estimated_throughput_agrees_with_compare_set() -> None:
    """A sweep writes its axes at every point, the central value included, as compare --set does: a
    throughput the latency model estimated (879 tokens/s out) and a rate from the pricing table move
    together, and each point is compare --set with both."""
    vary = [f"{SUPPORT_LLAMA}.throughput.output_tokens_per_second=700..1100",
            f"{SUPPORT_LLAMA}.hourly_rate_per_gpu=2..3"]
    result = sweep(open_scenario(str(SUPPORT)), vary, steps=2)
    assert len(result.points) == 4
    for point in result.points:
        assert_point_matches_compare(SUPPORT, point, [f"{name}={value!r}" for name, value in point.values.items()])
