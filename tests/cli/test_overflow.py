"""Figures at the edge of what a float holds: every command either computes finite figures or exits 1
naming the option (or the workload) at fault; no output ever says inf or nan, nothing is an internal
error, and `validate` agrees with `compare`."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from clirun import Ran, invoke

from tco.engine.breakeven import break_even_volumes
from tco.engine.inputs import ApiInputs, SelfHostedInputs, SharedCosts, WorkloadInputs

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "bad_scenarios"
NOT_FINITE = re.compile(r"\b(inf|infinity|nan)\b", re.IGNORECASE)

# Every command and format that prints the figures of one scenario (images: the SVG text).
COMMANDS: list[list[str]] = [
    ["compare"], ["compare", "--format", "json"], ["compare", "--format", "csv"],
    ["compare", "--format", "csv", "--monthly"], ["compare", "--format", "markdown"], ["compare", "--monthly"],
    ["compare", "--chart"], ["export"], ["export", "--format", "json"], ["validate"],
    ["chart"], ["chart", "--kind", "monthly"], ["chart", "--kind", "volume"],
    ["chart", "--kind", "volume", "--format", "svg"], ["report"],
]

STAFFED = """\
name: Staffed
workload: {requests_per_day: 1000, input_tokens_per_request: 100, output_tokens_per_request: 10}
options:
  - {name: A, kind: api, price: {input: 1, output: 2}}
  - name: S
    kind: self_hosted
    throughput: {input_tokens_per_second: 1000, output_tokens_per_second: 100}
    hourly_rate_per_gpu: 2
    staff: {fte: 1, cost_per_fte_year: COST}
"""


def run_on(command: list[str], path: Path, *extra: str) -> Ran:
    return invoke([command[0], str(path), *command[1:], *extra])


def assert_clean(result: Ran, path: Path, command: list[str]) -> None:
    """Exit 0 with finite figures, or exit 1 with located messages and nothing on stdout."""
    where = (path.name, command)
    assert "internal error" not in result.stderr and "Traceback" not in result.output, (where, result.output)
    assert result.exit_code in (0, 1), (where, result.exit_code, result.output)
    if result.exit_code == 1:
        assert result.stdout == "", where
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith(str(path)) for line in lines), (where, result.stderr)
        return
    assert not NOT_FINITE.search(result.stdout), (where, NOT_FINITE.search(result.stdout))
    if "--format" in command and command[command.index("--format") + 1] == "json":
        assert_finite(json.loads(result.stdout))


def assert_finite(data: Any) -> None:
    if isinstance(data, float):
        assert math.isfinite(data)
    elif isinstance(data, dict):
        for value in data.values():
            assert_finite(value)
    elif isinstance(data, list):
        for value in data:
            assert_finite(value)


@pytest.mark.parametrize("name", ["staff_cost_overflow", "cost_overflow", "volume_overflow"])
def test_figures_beyond_a_float_exit_1_located_in_every_command(name: str, tmp_path: Path) -> None:
    path = CORPUS / f"{name}.yaml"
    field = "workload" if name == "volume_overflow" else "options[1]"
    for command in COMMANDS:
        extra = ["-o", str(tmp_path / "r.html")] if command == ["report"] else []
        result = run_on(command, path, *extra)
        assert result.exit_code == 1, (command, result.output)
        assert result.stdout == ""
        assert re.match(rf"^{re.escape(str(path))}:\d+:\d+: {re.escape(field)}: .*too large to compute",
                        result.stderr), (command, result.stderr)


@pytest.mark.parametrize("cost", ["1e290", "1e297", "3e299", "1e300", "1e303", "1e304", "1e305", "1e306", "1e307",
                                  "5e307", "1.7e308"])
def test_costs_just_below_the_limit_compute_or_exit_1_in_every_command(cost: str, tmp_path: Path) -> None:
    """1e303 computed and 1e305 printed `infT tokens/month` (the break-even volume overflowed)."""
    path = tmp_path / "staffed.yaml"
    path.write_text(STAFFED.replace("COST", cost), encoding="utf-8")
    codes = {}
    for command in COMMANDS:
        extra = ["-o", str(tmp_path / "r.html")] if command == ["report"] else []
        result = run_on(command, path, *extra)
        assert_clean(result, path, command)
        codes[" ".join(command)] = result.exit_code
        if command == ["report"] and result.exit_code == 0:
            assert not NOT_FINITE.search((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert codes["validate"] == codes["compare"], codes


ANALYSES: list[list[str]] = [
    ["simulate", "--runs", "200", "--set", "options.S.hourly_rate_per_gpu={low: 1, high: 3}"],
    ["simulate", "--runs", "200", "--format", "json", "--set", "options.S.hourly_rate_per_gpu={low: 1, high: 3}"],
    ["simulate", "--runs", "200", "--format", "csv", "--set", "options.S.hourly_rate_per_gpu={low: 1, high: 3}"],
    ["sensitivity", "--all"], ["sensitivity", "--all", "--format", "json"],
    ["sweep", "--vary", "workload.requests_per_day=1K..1M", "--steps", "3"],
    ["sweep", "--vary", "workload.requests_per_day=1K..1M", "--steps", "3", "--format", "json"],
    ["sweep", "--vary", "options.S.staff.fte=0..2", "--steps", "3", "--format", "csv"],
    ["optimize", "--hybrid", "S", "--overflow", "A"], ["optimize", "--hybrid", "S", "--overflow", "A", "-f", "json"],
    ["size"], ["size", "--format", "json"],
]


@pytest.mark.parametrize("cost", ["1e297", "3e299", "1e303", "1e307", "1.7e308"])
def test_costs_near_the_limit_in_the_analyses(cost: str, tmp_path: Path) -> None:
    path = tmp_path / "staffed.yaml"
    path.write_text(STAFFED.replace("COST", cost), encoding="utf-8")
    for command in ANALYSES:
        assert_clean(run_on(command, path), path, command)


def test_a_break_even_volume_beyond_a_float_is_none() -> None:
    """Fixed costs of 1e307 a month against a saving of 1e-12 per token: the volume that pays for
    them is 1e319 tokens, beyond a float; it never breaks even, as far as figures go."""
    workload = WorkloadInputs(1e9, 1e8)
    api = ApiInputs("A", price_per_million_input_tokens=1e-6, price_per_million_output_tokens=1e-6,
                      price_per_million_cached_input_tokens=1e-6)
    hosted = SelfHostedInputs("S", input_tokens_per_second=1e12, output_tokens_per_second=1e12,
                              hourly_rate_per_gpu=1e-9, shared=SharedCosts(staff_fte=1, cost_per_fte_year=1.2e308))
    assert break_even_volumes(hosted, api, workload) == (None, None)
    autoscale = SelfHostedInputs("S", input_tokens_per_second=1e12, output_tokens_per_second=1e12,
                                 hourly_rate_per_gpu=1e-9, scaling="autoscale",
                                 shared=SharedCosts(staff_fte=1, cost_per_fte_year=1.2e308))
    assert break_even_volumes(autoscale, api, workload) == (None, None)


def test_a_fleet_of_1e290_gpus_per_replica_draws_its_volume_chart(tmp_path: Path) -> None:
    """Costs near 1e293 at volumes near 1e200: the terminal chart interpolated (y1 − y0)·(x − x0)
    before dividing, which overflowed to inf and crashed. The option gives its own throughput, since
    the latency model serves on replicas of at most 8 GPUs."""
    path = REPO / "scenarios" / "internal-rag.yaml"
    huge = ["--set", "options[3].gpus_per_replica=1e290", "--set", "options[3].throughput.input_tokens_per_second=20K",
            "--set", "options[3].throughput.output_tokens_per_second=2K"]
    for command in (["chart", "--kind", "volume"], ["chart", "--kind", "volume", "-o", str(tmp_path / "x.svg")],
                    ["report", "-o", str(tmp_path / "r.html")], ["compare"]):
        result = run_on(command, path, *huge)
        assert result.exit_code == 0, (command, result.output)
        assert not NOT_FINITE.search(result.stdout)


def test_volume_chart_costs_beyond_the_limit_are_the_located_error() -> None:
    """The volume chart prices volumes no month had (up to 1.5 times the break-even volume): a cost
    there beyond 1e300 is the error compare gives for its own figures, at that option."""
    from dataclasses import replace

    from tco.analyses.volume import cost_by_volume
    from tco.engine.inputs import ScenarioInputs
    from tco.errors import TcoError
    from tco.scenario.compare import compare_inputs

    api = ApiInputs("A", price_per_million_input_tokens=1e10, price_per_million_output_tokens=1e10,
                    price_per_million_cached_input_tokens=1e10)
    hosted = SelfHostedInputs("S", input_tokens_per_second=1000, output_tokens_per_second=100, hourly_rate_per_gpu=2)
    inputs = ScenarioInputs("s", WorkloadInputs(1000, 100), (api, hosted), horizon_months=2, baseline="A")
    comparison = compare_inputs(inputs, source="s.yaml")
    far = replace(comparison, break_even=[replace(p, volume_tokens_per_month=1e297) for p in comparison.break_even])
    with pytest.raises(TcoError, match="too large to compute") as caught:
        cost_by_volume(far, inputs)
    assert caught.value.problems[0].field == "options[0]"


# --- the figures of the latency model, a monthly_spend and the terminal value pass the same guard ---

SERVED = """\
name: Served
workload: {requests_per_day: 100K, input_tokens_per_request: 1000, output_tokens_per_request: 300}
options:
  - {name: A, kind: api, price: {input: 2, output: 8}}
  - {name: S, kind: self_hosted, model: llama-3.1-8b, gpu: GPU, precision: fp8, SERVING}
"""
GPUS = """\
fast:
  name: Fast
  memory_gb: 80
  bandwidth_tb_s: 1e305
  bf16_tflops: 1e305
  fp8_tflops: 1e305
  interconnect_gb_s: 1e305
  rent_per_hour: {x: 2}
slow:
  name: Slow
  memory_gb: 80
  bandwidth_tb_s: 1e-300
  bf16_tflops: 1e-300
  fp8_tflops: 1e-300
  interconnect_gb_s: 1e-300
  rent_per_hour: {x: 2}
"""


@pytest.mark.parametrize("gpu", ["fast", "slow"])
@pytest.mark.parametrize("serving", ["slo: chat", "slo: none", "engine: sglang, slo: batch",
                                     "engine: trtllm, slo: none"])
def test_latency_model_figures_beyond_the_limit_are_located_errors(gpu: str, serving: str, tmp_path: Path) -> None:
    """GPU specs of 1e305 TB/s gave 4.6e303 input tokens/s per GPU, printed in full by `tco size`; specs
    of 1e-300 an internal ZeroDivisionError. Both are the located error at the option's GPU, in every
    command, and at --gpu for `tco size --model --gpu`."""
    (tmp_path / "pricing").mkdir()
    (tmp_path / "pricing" / "gpus.yaml").write_text(GPUS, encoding="utf-8")
    path = tmp_path / "served.yaml"
    path.write_text(SERVED.replace("GPU", gpu).replace("SERVING", serving), encoding="utf-8")
    pricing = ["--pricing", str(tmp_path / "pricing")]
    for command in [*COMMANDS, ["size"], ["size", "--format", "json"], ["chart", "--kind", "latency"]]:
        extra = ["-o", str(tmp_path / "r.html")] if command == ["report"] else []
        result = run_on(command, path, *extra, *pricing)
        assert result.exit_code == 1, (command, result.output)
        assert result.stdout == ""
        assert re.match(rf"^{re.escape(str(path))}:\d+:\d+: options\[1\]\.gpu: .*too large to compute "
                        r"\(beyond 1e300\)", result.stderr), (command, result.stderr)
    engine = serving.replace(",", "").replace(":", "").split()
    flags = (["--engine", engine[engine.index("engine") + 1]] if "engine" in engine else []) + \
        ["--slo", engine[engine.index("slo") + 1]]
    sized = invoke(["size", "--model", "llama-3.1-8b", "--gpu", gpu, "--precision", "fp8", *flags,
                                     *pricing])
    assert sized.exit_code == 1 and sized.stdout == "", sized.output
    assert sized.stderr.startswith("tco size: --gpu: ") and "too large to compute" in sized.stderr, sized.stderr


BILL = """\
name: Bill
workload: {monthly_spend: SPEND, input_tokens_per_request: 1000, output_tokens_per_request: 300}
baseline: A
options:
  - {name: A, kind: api, price: {input: PRICE, output: PRICE}}
  - name: S
    kind: self_hosted
    throughput: {input_tokens_per_second: 1000, output_tokens_per_second: 100}
    hourly_rate_per_gpu: 2
"""


@pytest.mark.parametrize(("spend", "price"), [("1e299", "1e-6"), ("1e300", "1e-300"), ("1e300", "1e-10")])
def test_a_volume_derived_from_monthly_spend_beyond_the_limit_is_the_workload_error(
        spend: str, price: str, tmp_path: Path) -> None:
    path = tmp_path / "bill.yaml"
    path.write_text(BILL.replace("SPEND", spend).replace("PRICE", price), encoding="utf-8")
    for command in COMMANDS:
        extra = ["-o", str(tmp_path / "r.html")] if command == ["report"] else []
        result = run_on(command, path, *extra)
        assert result.exit_code == 1, (command, result.output)
        assert re.match(rf"^{re.escape(str(path))}:\d+:\d+: workload: the volumes are too large to compute",
                        result.stderr), (command, result.stderr)


OWNED = """\
name: Owned
finance: {basis: cash, terminal_value: TERMINAL}
workload: {requests_per_day: 1000, input_tokens_per_request: 100, output_tokens_per_request: 10}
options:
  - {name: A, kind: api, price: {input: 1, output: 2}}
  - name: S
    kind: self_hosted
    acquisition: buy
    purchase_price_per_gpu: PRICE
    power: {watts_per_gpu: 1000}
    throughput: {input_tokens_per_second: 1000, output_tokens_per_second: 100}
"""


@pytest.mark.parametrize("terminal", ["book", "none"])
@pytest.mark.parametrize("price", ["1e297", "1e303", "1e307"])
def test_terminal_value_near_the_limit_computes_or_exits_1_in_every_command(
        terminal: str, price: str, tmp_path: Path) -> None:
    """The book value credited after the last month (and the one warned about without it) is a figure
    like any other: finite in every output, or the located error at its option."""
    path = tmp_path / "owned.yaml"
    path.write_text(OWNED.replace("TERMINAL", terminal).replace("PRICE", price), encoding="utf-8")
    codes = {}
    for command in COMMANDS:
        extra = ["-o", str(tmp_path / "r.html")] if command == ["report"] else []
        result = run_on(command, path, *extra)
        assert_clean(result, path, command)
        assert not NOT_FINITE.search(result.stderr), (command, result.stderr)
        codes[" ".join(command)] = result.exit_code
        if result.exit_code == 1:
            assert "options[1]: the costs are too large to compute" in result.stderr, (command, result.stderr)
    assert codes["validate"] == codes["compare"], codes
    assert set(codes.values()) == ({0} if price == "1e297" else {1}), codes
