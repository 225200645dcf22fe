"""`tco simulate`: exact at zero width, the closed form at 100,000 runs, seeded, and its outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import invoke

from tco.analyses.batch import open_scenario
from tco.analyses.simulate import simulate
from tco.scenario.compare import compare_file

ROOT = Path(__file__).resolve().parents[2]
SUPPORT = ROOT / "scenarios" / "support-assistant.yaml"

# One uniform range on the API input price; everything else fixed.
CLOSED_FORM = """\
name: Closed form
horizon_months: 12
workload:
  input_tokens_per_month: 1B
  output_tokens_per_month: 0
options:
  - name: API
    kind: api
    price: {input: {low: 1, high: 3}, output: 8}
  - name: GPU
    kind: self_hosted
    throughput: {input_tokens_per_second: 100000, output_tokens_per_second: 1000}
    hourly_rate_per_gpu: 2
    staff: {fte: 0, cost_per_fte_year: 0}
"""

ZERO_WIDTH = [
    "workload.requests_per_day={low: 150K, high: 150K}",
    "workload.monthly_growth={low: 4%, mode: 4%, high: 4%}",
    "options.GPT-4.1.price_change_per_year={median: 0.5, p90: 0.5}",
    "options.Llama 3.1 70B on rented H100.min_replicas={choices: [2]}",
]


def test_zero_width_ranges_give_compare_figures_exactly_and_certain_probabilities() -> None:
    """Every range of zero width: each percentile of total and savings is compare's figure to the
    last bit, the break-even month percentiles are compare's month, and the probabilities are 0 or 1."""
    comparison = compare_file(str(SUPPORT), overrides=ZERO_WIDTH)
    result = simulate(open_scenario(str(SUPPORT), overrides=ZERO_WIDTH), runs=500, seed=3)
    assert len(result.inputs) == 4
    baseline = comparison.option(comparison.baseline or "")
    for outcome in result.results:
        option = comparison.option(outcome.option)
        pair = next(p for p in comparison.break_even if p.option == outcome.option and p.versus == baseline.name)
        assert outcome.total.p10 == outcome.total.p50 == outcome.total.p90 == option.total
        assert outcome.savings.p10 == outcome.savings.p90 == pair.savings_at_horizon
        assert outcome.probability_cheaper == (1.0 if pair.savings_at_horizon > 0 else 0.0)
        assert outcome.never_share == (1.0 if pair.month is None else 0.0)
        assert outcome.break_even_month.p10 == outcome.break_even_month.p90 == pair.month


def test_one_uniform_price_range_matches_the_closed_form(tmp_path: Path) -> None:
    """API input price p ~ U(1, 3) per 1M, 1B input tokens a month for 12 months:
    API total = 12 × 1000 × p = 12,000·p; the GPU option rents 1 GPU at $2/h: 12 × 730 × 2 = 17,520.
    Savings = 12,000·p − 17,520 > 0 iff p > 1.46: P(cheaper) = (3 − 1.46)/2 = 0.77.
    The q-quantile of p is 1 + 2q, so savings P10/P50/P90 = 12,000·(1.2, 2, 2.8) − 17,520
    = −3,120 / 6,480 / 16,080, and the GPU total is 17,520 in every run.
    Each month the API costs 1000·p against 1460, so the GPU breaks even in month 1 when p > 1.46
    and never otherwise: break-even P10 = P50 = 1, P90 never, never-share 0.23.
    Monte Carlo error at 100,000 runs: sd of the share √(0.77·0.23/1e5) ≈ 0.0013 (test: 0.006);
    sd of a savings quantile ≈ 12,000 · 2 · √(0.09/1e5) ≈ 23 (test: 120)."""
    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED_FORM)
    result = simulate(open_scenario(str(path)), runs=100_000, seed=11)
    [outcome] = result.results
    assert outcome.probability_cheaper == pytest.approx(0.77, abs=0.006)
    assert outcome.never_share == pytest.approx(0.23, abs=0.006)
    assert outcome.total.p10 == outcome.total.p90 == pytest.approx(17_520, rel=1e-12)
    assert outcome.savings.p10 == pytest.approx(-3_120, abs=120)
    assert outcome.savings.p50 == pytest.approx(6_480, abs=120)
    assert outcome.savings.p90 == pytest.approx(16_080, abs=120)
    assert (outcome.break_even_month.p10, outcome.break_even_month.p50, outcome.break_even_month.p90) == (1, 1, None)


def test_same_seed_same_numbers_other_seed_other_numbers(tmp_path: Path) -> None:
    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED_FORM)
    first = simulate(open_scenario(str(path)), runs=2000, seed=5)
    again = simulate(open_scenario(str(path)), runs=2000, seed=5)
    other = simulate(open_scenario(str(path)), runs=2000, seed=6)
    assert first.results[0].savings == again.results[0].savings
    assert (first.results[0].months == again.results[0].months).all()
    assert first.results[0].savings != other.results[0].savings


def test_simulate_json_has_the_issues_shape(tmp_path: Path) -> None:
    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED_FORM)
    result = invoke(["simulate", str(path), "--runs", "1000", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"runs", "seed", "results"}
    assert data["runs"] == 1000 and data["seed"] == 0
    [entry] = data["results"]
    assert set(entry) == {"option", "versus", "probability_cheaper", "total", "savings", "break_even_month"}
    assert set(entry["total"]) == set(entry["savings"]) == {"p10", "p50", "p90"}
    assert set(entry["break_even_month"]) == {"p10", "p50", "p90", "never_share"}
    assert (entry["option"], entry["versus"]) == ("GPU", "API")


def test_simulate_table_csv_and_samples(tmp_path: Path) -> None:
    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED_FORM)
    samples = tmp_path / "runs.csv"
    table = invoke(["simulate", str(path), "--runs", "200", "--samples", str(samples)])
    assert table.exit_code == 0, table.output
    assert "Break-even month of GPU against API (200 runs)" in table.stdout
    assert "never |" in table.stdout and "█" not in table.stdout  # plain ASCII when piped
    rows = samples.read_text().splitlines()
    assert rows[0] == "run,options.API.price.input,total:API,total:GPU,savings:GPU,break_even_month:GPU"
    assert len(rows) == 201
    csv = invoke(["simulate", str(path), "--runs", "200", "--format", "csv"])
    assert csv.stdout.splitlines()[0].startswith("option,versus,probability_cheaper,total_p10")
    assert csv.stdout.splitlines()[1].startswith("GPU,API,")


def test_simulate_usage_and_input_errors(tmp_path: Path) -> None:
    assert invoke(["simulate", str(SUPPORT), "--runs", "0"]).exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(CLOSED_FORM.replace("{low: 1, high: 3}", "{low: 3, high: 1}"))
    result = invoke(["simulate", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{bad}:9:26: options[0].price.input.low: low (3) is above high (1)"


def test_no_range_warns_and_every_run_is_the_same() -> None:
    result = simulate(open_scenario(str(SUPPORT)), runs=100)
    assert any("no field is a range" in w for w in result.warnings)
    assert all(r.probability_cheaper in (0.0, 1.0) for r in result.results)


def test_compare_never_imports_numpy() -> None:
    """numpy is for the analyses only: `tco compare` (even of a scenario with ranges) must not load it."""
    import subprocess
    import sys

    code = ("import sys; from typer.testing import CliRunner; from tco.cli import app; "
            f"r = CliRunner().invoke(app, ['compare', {str(SUPPORT)!r}, '--set', "
            "'options.GPT-4.1.discount={low: 0, high: 20%}']); "
            "assert r.exit_code == 0, r.output; print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_chunks_and_threads_do_not_change_the_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs are projected in chunks on two threads; the figures do not depend on the chunk size."""
    import tco.analyses.batch as batch

    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED_FORM.replace("output: 8}", "output: {low: 6, high: 10}}")
                    .replace("output_tokens_per_month: 0", "output_tokens_per_month: {median: 1e8, p90: 3e8}"))
    whole = simulate(open_scenario(str(path)), runs=3000, seed=2)
    monkeypatch.setattr(batch, "ROWS_PER_CHUNK_MONTHS", 12 * 7)  # 7 runs a chunk
    done: list[int] = []
    chunked = simulate(open_scenario(str(path)), runs=3000, seed=2, progress=done.append)
    assert sum(done) == 3000 and len(done) == 429
    assert (whole.results[0].savings_by_run == chunked.results[0].savings_by_run).all()
    assert (whole.results[0].months == chunked.results[0].months).all()


def test_samples_to_dash_is_refused_and_dot_slash_dash_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    """stdout carries the summary, so `--samples -` (which `-o -` would suggest means stdout) is a usage
    error that says how to name a file `-`, rather than a file silently named `-`."""
    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED_FORM)
    monkeypatch.chdir(tmp_path)
    refused = invoke(["simulate", str(path), "--runs", "20", "--samples", "-"])
    assert refused.exit_code == 2
    assert "--samples" in refused.stderr and "./-" in refused.stderr and "stdout" in refused.stderr
    assert not (tmp_path / "-").exists()
    named = invoke(["simulate", str(path), "--runs", "20", "--samples", "./-"])
    assert named.exit_code == 0, named.output
    assert (tmp_path / "-").read_text().splitlines()[0].startswith("run,")


def test_samples_and_output_cannot_be_the_same_file(tmp_path: Path) -> None:
    """One would overwrite the other: said before anything runs."""
    path = tmp_path / "closed.yaml"
    path.write_text(CLOSED_FORM)
    same = tmp_path / "same.txt"
    result = invoke(["simulate", str(path), "--runs", "20", "--samples", str(same), "-o", str(same)])
    assert result.exit_code == 2
    assert "--samples" in result.stderr and "same file" in result.stderr
    assert not same.exists()
