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
from typer.testing import CliRunner, Result

from tco.breakeven import break_even_volumes
from tco.cli import app
from tco.inputs import ApiInputs, SelfHostedInputs, SharedCosts, WorkloadInputs

REPO = Path(__file__).resolve().parent.parent
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


def run(command: list[str], path: Path, *extra: str) -> Result:
    return CliRunner().invoke(app, [command[0], str(path), *command[1:], *extra])


def assert_clean(result: Result, path: Path, command: list[str]) -> None:
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
        result = run(command, path, *extra)
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
        result = run(command, path, *extra)
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
        assert_clean(run(command, path), path, command)


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
    before dividing, which overflowed to inf and crashed."""
    path = REPO / "scenarios" / "internal-rag.yaml"
    for command in (["chart", "--kind", "volume"], ["chart", "--kind", "volume", "-o", str(tmp_path / "x.svg")],
                    ["report", "-o", str(tmp_path / "r.html")], ["compare"]):
        result = run(command, path, "--set", "options[3].gpus_per_replica=1e290", "--set", "options[3].engine=trtllm",
                     "--set", "options[3].slo=none")
        assert result.exit_code == 0, (command, result.output)
        assert not NOT_FINITE.search(result.stdout)


def test_volume_chart_costs_beyond_the_limit_are_the_located_error() -> None:
    """The volume chart prices volumes no month had (up to 1.5 times the break-even volume): a cost
    there beyond 1e300 is the error compare gives for its own figures, at that option."""
    from dataclasses import replace

    from tco.compare import compare_inputs
    from tco.errors import TcoError
    from tco.inputs import ScenarioInputs
    from tco.render.series import volume_chart

    api = ApiInputs("A", price_per_million_input_tokens=1e10, price_per_million_output_tokens=1e10,
                    price_per_million_cached_input_tokens=1e10)
    hosted = SelfHostedInputs("S", input_tokens_per_second=1000, output_tokens_per_second=100, hourly_rate_per_gpu=2)
    inputs = ScenarioInputs("s", WorkloadInputs(1000, 100), (api, hosted), horizon_months=2, baseline="A")
    comparison = compare_inputs(inputs, source="s.yaml")
    far = replace(comparison, break_even=[replace(p, volume_tokens_per_month=1e297) for p in comparison.break_even])
    with pytest.raises(TcoError, match="too large to compute") as caught:
        volume_chart(far, inputs)
    assert caught.value.problems[0].field == "options[0]"
