"""The `tco` command line, through typer's CliRunner.

stdout, stderr and the exit code are asserted separately: data goes to stdout, messages to
stderr; exit 0 on success, 1 on bad input or data, 2 on usage errors. Most scenarios here are
small and all-inline (API options with `price:`, self-hosted ones with `throughput:` and
`hourly_rate_per_gpu`), with numbers picked so every result can be checked by hand; the shipped
scenarios in scenarios/ are run too.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from clirun import run

from tco.cli import app
from tco.errors import TcoError

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))
DAYS_PER_MONTH = 365 / 12

# One API and one rented GPU; 1,000M input + 100M output tokens a month, no growth. Worked out in
# test_compare_table_golden.
SMALL = """\
name: Small
horizon_months: 12
start: 2027-01
workload:
  input_tokens_per_month: 1B
  output_tokens_per_month: 100M
options:
  - name: API
    kind: api
    price: {input: 2, output: 8}
  - name: Rented GPU
    kind: self_hosted
    throughput: {input_tokens_per_second: 10000, output_tokens_per_second: 1000}
    hourly_rate_per_gpu: 2
    staff: {fte: 0.1, cost_per_fte_year: 120K}
    setup_cost: 1000
"""

# SMALL without staff: the option gets the "no staff cost" warning.
NO_STAFF = SMALL.replace("    staff: {fte: 0.1, cost_per_fte_year: 120K}\n", "")

# Two APIs and two self-hosted options, the baseline being the second API; no `start`.
PAIRS = """\
name: Pairs
horizon_months: 6
baseline: Dear API
workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
options:
  - name: Cheap API
    kind: api
    price: {input: 0.5, output: 1}
  - name: Dear API
    kind: api
    price: {input: 2, output: 8}
  - name: Small GPU
    kind: self_hosted
    throughput: {input_tokens_per_second: 10000, output_tokens_per_second: 1000}
    hourly_rate_per_gpu: 1
    staff: {fte: 0.1, cost_per_fte_year: 120K}
  - name: Big GPU
    kind: self_hosted
    throughput: {input_tokens_per_second: 20000, output_tokens_per_second: 2000}
    hourly_rate_per_gpu: 3
    staff: {fte: 0.1, cost_per_fte_year: 120K}
"""

# Two API options whose names contain dots, one a prefix of the other (for --set).
DOTTED = """\
name: Dotted names
horizon_months: 3
workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
options:
  - name: GPT-4.1
    kind: api
    price: {input: 2, output: 8}
  - name: GPT-4.1 mini
    kind: api
    price: {input: 0.4, output: 1.6}
"""

# Form A volumes: 10K requests a day of 1,000 input and 100 output tokens.
REQUESTS = """\
name: Requests
horizon_months: 2
workload:
  requests_per_day: 10K
  input_tokens_per_request: 1000
  output_tokens_per_request: 100
options:
  - name: API
    kind: api
    price: {input: 2, output: 8}
"""

# An owned GPU: $10K, no server share, 10-month life, no residual; 1 kW at $0.10/kWh, PUE 1.
BUY = """\
name: Buy
horizon_months: 12
workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
finance: {basis: cash}
options:
  - name: API
    kind: api
    price: {input: 2, output: 8}
  - name: Owned GPU
    kind: self_hosted
    throughput: {input_tokens_per_second: 10000, output_tokens_per_second: 1000}
    acquisition: buy
    purchase_price_per_gpu: 10K
    server_cost_share: 0
    lifetime_months: 10
    residual_value: 0
    power: {watts_per_gpu: 1000, price_per_kwh: 0.1, pue: 1, load_factor: 1}
    staff: {fte: 0.1, cost_per_fte_year: 120K}
"""

# Names a spreadsheet would run as formulas; the self-hosted option never breaks even, so its
# savings are a negative number (which must stay a number).
FORMULAS = """\
name: "=1+2"
horizon_months: 2
baseline: "@api"
workload: {input_tokens_per_month: 1M, output_tokens_per_month: 1M}
options:
  - name: "@api"
    kind: api
    price: {input: 1, output: 1}
  - name: '=HYPERLINK("http://example.com","click")'
    kind: self_hosted
    throughput: {input_tokens_per_second: 10000, output_tokens_per_second: 1000}
    hourly_rate_per_gpu: 1
    staff: {fte: 0.1, cost_per_fte_year: 120K}
  - name: "-x"
    kind: api
    price: {input: 1, output: 1}
  - name: "+y"
    kind: api
    price: {input: 1, output: 1}
"""

# A scenario that takes GPT-4.1's prices from pricing/api.yaml ($2 in / $8 out per 1M).
TABLE_PRICED = """\
name: Table priced
horizon_months: 3
workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
options:
  - name: GPT-4.1
    kind: api
    model: openai/gpt-4.1
"""

MONTHLY_COLUMNS = ["scenario", "option", "kind", "month", "date", "input_tokens", "output_tokens", "gpus", "api",
                   "gpu_rent", "capex", "depreciation", "power", "hosting", "maintenance", "staff", "setup", "other",
                   "fallback_api", "fine_tuning", "terminal_value", "total", "cumulative"]




def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def compare_json(*args: object) -> Any:
    result = run("compare", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def option(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(o for o in data["options"] if o["name"] == name)


def assumption(data: dict[str, Any], field: str) -> dict[str, Any]:
    return next(a for a in data["assumptions"] if a["field"] == field)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return write(tmp_path, "small.yaml", SMALL)


# --- compare: the table ------------------------------------------------------------------------

GOLDEN = """\
Small: 12 months from 2027-01, USD, cash basis

Self-hosting (Rented GPU) breaks even with API in month 3 (after 2.9 months) and saves $3.1K over 12 months; \
it stays cheaper from 966M tokens/month.

Summary, at a month-1 volume of 1.1B tokens/month
+------------+-------------+---------+---------+---------------+---------+------------+-------------+
| Option     | Kind        |   Total |     NPV | Per 1M tokens | Month 1 | Last month | GPUs at end |
+------------+-------------+---------+---------+---------------+---------+------------+-------------+
| API        | api         | $33,600 | $33,600 |         $2.55 |  $2,800 |     $2,800 |           - |
| Rented GPU | self-hosted | $30,520 | $30,520 |         $2.31 |  $3,460 |     $2,460 |           1 |
+------------+-------------+---------+---------+---------------+---------+------------+-------------+

Break-even month (months)
+-------------+-------------------+
| Self-hosted | vs API (baseline) |
+-------------+-------------------+
| Rented GPU  |     month 3 (2.9) |
+-------------+-------------------+

Break-even volume against API
+-------------+--------------------+-------------------+--------------------+
| Self-hosted | Stays cheaper from |  First cheaper at | Saves over horizon |
+-------------+--------------------+-------------------+--------------------+
| Rented GPU  |  966M tokens/month | 966M tokens/month |             $3,080 |
+-------------+--------------------+-------------------+--------------------+

Assumptions (values not given in the scenario)
+----------+-------+-----------------------------------+
| Field    | Value | Source                            |
+----------+-------+-----------------------------------+
| baseline | API   | tco default: the first api option |
+----------+-------+-----------------------------------+

Defaults used (see https://tco-llm.readthedocs.io/scenario/#field-reference)
  scenario: workload.monthly_growth 0, workload.cached_input_share 0, workload.peak_to_average 2,
      workload.active_hours_per_month 730, finance.basis cash, finance.discount_rate 0, currency USD
  options.API: batch_share 0, discount 0, price_change_per_year 0, fixed_monthly 0, setup_cost 0,
      other_monthly 0
  options.Rented GPU: acquisition rent, scaling fixed, gpus_per_replica 1, go_live_month 1,
      other_monthly 0, min_replicas 1, max_utilization 0.7, rent_change_per_year 0
"""


def test_compare_table_golden(small: Path) -> None:
    """The whole plain-text table of SMALL, every number checked by hand.

    Volumes: 1,000M input + 100M output = 1,100M tokens a month, no growth, 12 months.
    API: 1,000 x $2 + 100 x $8 = $2,800 a month; x 12 = $33,600; NPV = total (discount rate 0);
    per 1M tokens $2,800 / 1,100 = $2.545 -> $2.55.
    Rented GPU: busy = (1e9/10,000 + 1e8/1,000) / (730 x 3,600) = 200,000 / 2,628,000 = 0.076 GPUs;
    x 2 peak / 0.7 = 0.22 -> 1 replica of 1 GPU. Rent 1 x 730 h x $2 = $1,460; staff
    0.1 x $120K / 12 = $1,000; setup $1,000 in month 1. Month 1 $3,460, later months $2,460.
    Total $1,000 + 12 x $2,460 = $30,520; per 1M tokens $30,520 / 13,200 = $2.312 -> $2.31.
    Break-even: $1,000 + $2,460 m <= $2,800 m from m = 1,000 / 340 = 2.94: month 3 (2.9 months);
    saves $33,600 - $30,520 = $3,080 ($3.1K).
    Volume: one GPU serves up to 0.7 x 2,628,000 / 2 / (200,000 / 1.1e9) = 5.06B tokens a month;
    below that the GPU option costs a flat $2,460 against the API's $2,800 / 1.1e9 per token, so
    it is cheaper from 2,460 x 1.1e9 / 2,800 = 966.4M tokens; above 5.06B each further GPU adds
    $1,460 per 5.06B tokens ($0.29 per 1M), far below the API's $2.55, so it stays cheaper: 966M.
    """
    result = run("compare", small)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == GOLDEN


def test_compare_table_sections(tmp_path: Path) -> None:
    path = write(tmp_path, "no-staff.yaml", NO_STAFF)
    result = run("compare", path)
    assert result.exit_code == 0
    # piped, the table's warnings also go to stderr, where a script's log keeps them
    assert result.stderr == (f"warning: {path}: Rented GPU has no staff cost: someone has to run, patch and "
                             "watch it (add staff: {fte, cost_per_fte_year})\n")
    out = result.stdout
    lines = out.splitlines()
    assert lines[0] == "Small: 12 months from 2027-01, USD, cash basis"
    # Without staff the GPU option costs $1,460 a month + $1,000 setup: break-even in month 1
    # at $1,000 / ($2,800 - $1,460) = 0.75 months; saves $33,600 - $18,520 = $15,080.
    assert lines[2].startswith("Self-hosting (Rented GPU) breaks even with API in month 1 (after 0.7 months) "
                               "and saves $15.1K over 12 months")
    summary = "Summary, at a month-1 volume of 1.1B tokens/month"
    for heading in (summary, "Break-even month (months)", "Break-even volume against API", "Warnings",
                    "Assumptions (values not given in the scenario)",
                    "Defaults used (see https://tco-llm.readthedocs.io/scenario/#field-reference)"):
        assert heading in lines, heading
    assert lines.index(summary) < lines.index("Break-even month (months)") < lines.index("Warnings") \
        < lines.index("Assumptions (values not given in the scenario)")
    assert any(line.startswith("  ! Rented GPU has no staff cost") for line in lines)
    # plain text when piped: no colour, no box drawing
    assert "\x1b[" not in out
    assert not any(ch in out for ch in "╭╮│─")


def test_compare_monthly_table(small: Path) -> None:
    result = run("compare", small, "--monthly")
    assert result.exit_code == 0
    assert "Rented GPU, month by month" in result.stdout
    assert "API, month by month" in result.stdout
    # month 3 of the GPU option: 2027-03, 1.1B tokens, 1 GPU, rent $1,460, staff $1,000, no setup
    assert "| 3     | 2027-03 |   1.1B |    1 |   $1,460 | $1,000 |     $0 | $2,460 |     $8,380 |" in result.stdout


def test_compare_several_scenarios_table(tmp_path: Path, small: Path) -> None:
    other = write(tmp_path, "pairs.yaml", PAIRS)
    result = run("compare", small, other)
    assert result.exit_code == 0
    assert "Small: 12 months" in result.stdout
    assert "Pairs: 6 months, USD, cash basis" in result.stdout


def test_one_month_horizon_wording(small: Path) -> None:
    """Month 1 alone: the GPU option costs $3,460 against the API's $2,800, $660 more."""
    result = run("compare", small, "--set", "horizon_months=1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Small: 1 month from 2027-01, USD, cash basis"
    assert lines[2].startswith("Self-hosting (Rented GPU) does not break even with API within 1 month: "
                               "it costs $660 more")


def test_api_only_scenario(tmp_path: Path) -> None:
    """No self-hosted option: a cheapest-option headline, no break-even tables; mini costs 3 x $560."""
    path = write(tmp_path, "dotted.yaml", DOTTED)
    result = run("compare", path)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[2] == "GPT-4.1 mini is the cheapest option over 3 months at $1.7K."
    assert any(line.startswith("Summary, at a month-1 volume of ") for line in lines)
    assert not any(line.startswith("Break-even") for line in lines)
    data = compare_json(path)
    assert data["break_even"] == []
    assert data["baseline"] == "GPT-4.1"


def test_markdown_escapes_pipes(tmp_path: Path) -> None:
    path = write(tmp_path, "pipe.yaml", DOTTED.replace("name: GPT-4.1 mini", "name: mini|cheap"))
    result = run("compare", path, "--format", "markdown")
    assert result.exit_code == 0
    assert "| mini\\|cheap | api | $1,680 |" in result.stdout


# --- compare: JSON -----------------------------------------------------------------------------

NUMBER = (int, float)


def check_json_shape(data: dict[str, Any]) -> None:
    """The keys and types of the output reference."""
    assert data["schema_version"] == 1
    assert isinstance(data["scenario"], str)
    assert isinstance(data["currency"], str)
    assert isinstance(data["horizon_months"], int)
    assert data["basis"] in ("cash", "amortized")
    assert isinstance(data["baseline"], str)
    assert isinstance(data["warnings"], list) and all(isinstance(w, str) for w in data["warnings"])
    for a in data["assumptions"]:
        assert {"field", "value", "source"} <= set(a)
        assert isinstance(a["field"], str) and isinstance(a["source"], str) and a["source"]
    for o in data["options"]:
        assert {"name", "kind", "total", "npv", "cost_per_million_tokens", "months"} <= set(o)
        assert o["kind"] in ("api", "self_hosted", "hybrid", "routed")  # hybrid, routed: review
        assert isinstance(o["total"], NUMBER) and isinstance(o["npv"], NUMBER)
        assert isinstance(o["cost_per_million_tokens"], NUMBER)
        assert len(o["months"]) == data["horizon_months"]
        for i, m in enumerate(o["months"], start=1):
            assert {"month", "date", "input_tokens", "output_tokens", "gpus", "costs", "total",
                    "cumulative"} <= set(m)
            assert m["month"] == i
            assert m["date"] is None or isinstance(m["date"], str)
            assert isinstance(m["input_tokens"], NUMBER) and isinstance(m["output_tokens"], NUMBER)
            if o["kind"] == "api":
                assert m["gpus"] is None
            elif o["kind"] != "routed":  # a routed option has GPUs only when a route self-hosts
                assert isinstance(m["gpus"], int)
            assert isinstance(m["costs"], dict)
            assert set(m["costs"]) <= {"api", "gpu_rent", "capex", "depreciation", "power", "hosting",
                                       "maintenance", "staff", "setup", "other", "fallback_api", "fine_tuning"}
            assert m["total"] == pytest.approx(sum(m["costs"].values()))
        cumulative = [m["cumulative"] for m in o["months"]]
        assert cumulative[-1] == pytest.approx(o["total"])
    apis = [o["name"] for o in data["options"] if o["kind"] == "api"]
    # Self-hosting strategies: self-hosted, hybrid, and routed options with a self-hosted route.
    hosted = [o["name"] for o in data["options"] if o["kind"] != "api" and o["months"][0]["gpus"] is not None]
    pairs = [(b["option"], b["versus"]) for b in data["break_even"]]
    assert sorted(pairs) == sorted((s, a) for s in hosted for a in apis)
    baseline_pairs = [p for p in pairs if p[1] == data["baseline"]]
    assert pairs[: len(baseline_pairs)] == baseline_pairs
    for b in data["break_even"]:
        assert {"option", "versus", "month", "months", "volume_tokens_per_month", "first_volume_tokens_per_month",
                "savings_at_horizon"} <= set(b)
        assert b["month"] is None or isinstance(b["month"], int)
        assert b["months"] is None or isinstance(b["months"], NUMBER)
        assert isinstance(b["savings_at_horizon"], NUMBER)


def test_json_one_scenario_is_an_object(small: Path) -> None:
    result = run("compare", small, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    check_json_shape(data)
    assert data["scenario"] == "Small"
    assert data["baseline"] == "API"
    api, gpu = option(data, "API"), option(data, "Rented GPU")
    assert api["total"] == pytest.approx(33_600)
    assert api["cost_per_million_tokens"] == pytest.approx(2800 / 1100)
    assert gpu["total"] == pytest.approx(30_520)
    first = gpu["months"][0]
    assert first["date"] == "2027-01"
    assert first["input_tokens"] == pytest.approx(1e9) and first["output_tokens"] == pytest.approx(1e8)
    assert first["gpus"] == 1
    assert first["costs"] == pytest.approx({"gpu_rent": 1460, "staff": 1000, "setup": 1000})
    assert [m["cumulative"] for m in gpu["months"][:3]] == pytest.approx([3460, 5920, 8380])
    (pair,) = data["break_even"]
    assert pair["option"] == "Rented GPU" and pair["versus"] == "API"
    assert pair["month"] == 3
    assert pair["months"] == pytest.approx(2 + 320 / 340)  # $5,920 vs $5,600 after month 2, closing $340/month
    assert pair["volume_tokens_per_month"] == pytest.approx(2460 * 1.1e9 / 2800)
    assert pair["savings_at_horizon"] == pytest.approx(3080)


def test_json_pairs_baseline_first(tmp_path: Path) -> None:
    data = compare_json(write(tmp_path, "pairs.yaml", PAIRS))
    check_json_shape(data)
    assert data["baseline"] == "Dear API"
    assert [(b["option"], b["versus"]) for b in data["break_even"]] == [
        ("Small GPU", "Dear API"), ("Big GPU", "Dear API"), ("Small GPU", "Cheap API"), ("Big GPU", "Cheap API")]
    # no `start`: months carry no date
    assert all(m["date"] is None for o in data["options"] for m in o["months"])


def test_json_several_scenarios_is_a_list(tmp_path: Path, small: Path) -> None:
    other = write(tmp_path, "pairs.yaml", PAIRS)
    data = compare_json(small, other)
    assert isinstance(data, list)
    assert [d["scenario"] for d in data] == ["Small", "Pairs"]
    for d in data:
        check_json_shape(d)


def test_json_shipped_scenarios() -> None:
    data = compare_json(*SHIPPED)
    assert isinstance(data, list) and len(data) == len(SHIPPED)
    for d in data:
        check_json_shape(d)


# --- compare / export: CSV ---------------------------------------------------------------------


def test_csv_summary(small: Path) -> None:
    result = run("compare", small, "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == ""
    rows = csv_rows(result.stdout)
    assert [(r["option"], r["kind"]) for r in rows] == [("API", "api"), ("Rented GPU", "self_hosted")]
    api, gpu = rows
    assert float(api["total"]) == pytest.approx(33_600)
    assert api["break_even_month"] == "" and api["gpus_at_end"] == ""
    assert float(gpu["total"]) == pytest.approx(30_520)
    assert float(gpu["first_month"]) == pytest.approx(3460)
    assert float(gpu["last_month"]) == pytest.approx(2460)
    assert gpu["gpus_at_end"] == "1"
    assert gpu["break_even_month"] == "3"
    assert float(gpu["break_even_months"]) == pytest.approx(2 + 320 / 340)
    assert float(gpu["savings_at_horizon"]) == pytest.approx(3080)
    assert gpu["versus"] == "API"


def test_csv_warnings_go_to_stderr(tmp_path: Path) -> None:
    result = run("compare", write(tmp_path, "no-staff.yaml", NO_STAFF), "--format", "csv")
    assert result.exit_code == 0
    assert "no staff cost" in result.stderr
    assert "no staff cost" not in result.stdout
    assert len(csv_rows(result.stdout)) == 2


def test_csv_monthly_and_export(small: Path) -> None:
    monthly = run("compare", small, "--format", "csv", "--monthly")
    exported = run("export", small)
    assert monthly.exit_code == 0 and exported.exit_code == 0
    assert monthly.stdout == exported.stdout
    assert exported.stdout.splitlines()[0] == ",".join(MONTHLY_COLUMNS)
    rows = csv_rows(exported.stdout)
    assert len(rows) == 2 * 12
    assert [(r["option"], r["month"]) for r in rows[:2]] == [("API", "1"), ("API", "2")]
    gpu1 = next(r for r in rows if r["option"] == "Rented GPU" and r["month"] == "1")
    assert gpu1["scenario"] == "Small" and gpu1["kind"] == "self_hosted" and gpu1["date"] == "2027-01"
    assert float(gpu1["input_tokens"]) == pytest.approx(1e9)
    assert gpu1["gpus"] == "1"
    assert float(gpu1["gpu_rent"]) == pytest.approx(1460)
    assert float(gpu1["staff"]) == pytest.approx(1000)
    assert float(gpu1["setup"]) == pytest.approx(1000)
    assert float(gpu1["api"]) == 0.0
    assert float(gpu1["total"]) == pytest.approx(3460)
    api12 = next(r for r in rows if r["option"] == "API" and r["month"] == "12")
    assert api12["gpus"] == ""
    assert float(api12["cumulative"]) == pytest.approx(33_600)


def test_export_json(small: Path) -> None:
    result = run("export", small, "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 24
    assert all(list(r) == MONTHLY_COLUMNS for r in rows)
    gpu12 = rows[-1]
    assert (gpu12["option"], gpu12["month"], gpu12["date"]) == ("Rented GPU", 12, "2027-12")
    assert gpu12["gpus"] == 1
    assert gpu12["cumulative"] == pytest.approx(30_520)
    assert rows[0]["gpus"] is None


def test_csv_escapes_formulas(tmp_path: Path) -> None:
    path = write(tmp_path, "formulas.yaml", FORMULAS)
    summary = run("compare", path, "--format", "csv")
    monthly = run("export", path)
    assert summary.exit_code == 0, summary.stderr
    assert monthly.exit_code == 0, monthly.stderr
    expected_names = ["'@api", "'=HYPERLINK(\"http://example.com\",\"click\")", "'-x", "'+y"]
    rows = csv_rows(summary.stdout)
    assert [r["option"] for r in rows] == expected_names
    assert {r["scenario"] for r in rows} == {"'=1+2"}
    hosted = rows[1]
    assert hosted["versus"] == "'@api"
    # a negative number is a number, not a formula: it stays unescaped and parseable
    assert float(hosted["savings_at_horizon"]) < 0
    assert not hosted["savings_at_horizon"].startswith("'")
    export_rows = csv_rows(monthly.stdout)
    assert [r["option"] for r in export_rows[::2]] == expected_names
    assert {r["scenario"] for r in export_rows} == {"'=1+2"}
    # nothing in any cell starts with a formula character any more
    for row in [*rows, *export_rows]:
        for column, cell in row.items():
            if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and column in ("scenario", "option", "kind")):
                pytest.fail(f"{column}: {cell!r} is not escaped")


def test_export_json_does_not_escape(tmp_path: Path) -> None:
    """JSON is not a spreadsheet: names stay as written."""
    result = run("export", write(tmp_path, "formulas.yaml", FORMULAS), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["option"] == "@api"


# --- compare: Markdown -------------------------------------------------------------------------


def test_markdown(tmp_path: Path) -> None:
    path = write(tmp_path, "no-staff.yaml", NO_STAFF)
    result = run("compare", path, "--format", "markdown")
    assert result.exit_code == 0
    assert result.stderr.startswith(f"warning: {path}: Rented GPU has no staff cost")
    lines = result.stdout.splitlines()
    assert lines[0] == "## Small: 12 months from 2027-01, USD, cash basis"
    assert lines[2].startswith("**Self-hosting (Rented GPU) breaks even with API in month 1")
    assert lines[2].endswith(".**")
    for heading in ("### Summary", "### Break-even month (months)", "### Break-even volume against API",
                    "### Warnings", "### Assumptions"):
        assert heading in lines, heading
    assert "| API | api | $33,600 | $33,600 | $2.55 | $2,800 | $2,800 | - |" in lines
    assert "| Rented GPU | self-hosted | $18,520 | $18,520 | $1.40 | $2,460 | $1,460 | 1 |" in lines
    assert "| Rented GPU | month 1 (0.7) |" in lines
    assert any(line.startswith("- Rented GPU has no staff cost") for line in lines)


def test_markdown_headline_sentences_are_paragraphs() -> None:
    """Two self-hosted options give two sentences; Markdown joins lines without a blank line
    between them into one paragraph, so each sentence is followed by a blank line."""
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "batch-documents.yaml"
    result = run("compare", scenario, "--format", "markdown")
    assert result.exit_code == 0
    paragraphs = result.stdout.split("\n\n")
    sentences = [p for p in paragraphs if "breaks even" in p]
    assert len(sentences) == 2
    assert all("\n" not in p for p in sentences)
    assert sentences[0].startswith("**") and sentences[0].endswith("**")


# --- -o FILE -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_output_file(tmp_path: Path, small: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    result = run("compare", small, "--format", fmt, "-o", target)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert str(target) in result.stderr
    assert target.read_text(encoding="utf-8") == run("compare", small, "--format", fmt).stdout
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_file_relative_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: Path) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("compare", small, "--format", "json", "-o", "out.json")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["scenario"] == "Small"
    # an existing file is replaced
    result = run("compare", small, "--format", "csv", "-o", "out.json")
    assert result.exit_code == 0
    assert (tmp_path / "out.json").read_text(encoding="utf-8").startswith("scenario,option,kind,total,")


def test_export_output_file(tmp_path: Path, small: Path) -> None:
    target = tmp_path / "months.csv"
    result = run("export", small, "-o", target)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(csv_rows(target.read_text(encoding="utf-8"))) == 24


def test_output_into_missing_folder(tmp_path: Path, small: Path) -> None:
    target = tmp_path / "missing" / "out.json"
    result = run("compare", small, "--format", "json", "-o", target)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert str(target) in result.stderr
    assert "does not exist" in result.stderr
    assert not target.parent.exists()


# --- -o - : stdout ----------------------------------------------------------------------------
# `-o -` is stdout, as `tco init -` is, for every command that takes -o (one shared option): it once
# wrote a file named `-`. Everything that holds without -o holds with it: a PNG or a report is not
# for a terminal.

DASH_CASES = {
    "compare json": (["compare", "{s}", "--format", "json"], False),
    "compare table": (["compare", "{s}"], False),
    "export": (["export", "{s}"], False),
    "schema": (["schema"], False),
    "pricing list": (["pricing", "list", "gpus", "--format", "csv"], False),
    "chart text": (["chart", "{s}"], False),
    "chart svg": (["chart", "{s}", "-f", "svg"], True),
    "chart png": (["chart", "{s}", "--format", "png"], True),
    "report": (["report", "{s}"], True),
}


@pytest.mark.parametrize("case", list(DASH_CASES))
def test_dash_output_is_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: Path, case: str) -> None:
    args, images = DASH_CASES[case]
    if images:
        pytest.importorskip("matplotlib")
    args = [a.format(s=small) for a in args]
    monkeypatch.chdir(tmp_path)
    plain = run(*args)
    dashed = run(*args, "-o", "-")
    assert dashed.exit_code == plain.exit_code == 0, dashed.output
    assert dashed.stdout_bytes == plain.stdout_bytes and dashed.stdout_bytes
    assert dashed.stderr == plain.stderr and "wrote" not in dashed.stderr
    assert sorted(tmp_path.iterdir()) == [small]  # no file named `-`


def test_dash_output_gives_an_svg_chart_on_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  small: Path) -> None:
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    result = run("chart", small, "-f", "svg", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<?xml") and result.stdout.rstrip().endswith("</svg>")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["chart", "{s}", "-f", "png"], "a PNG is not for the terminal"),
    (["report", "{s}"], "the report is a file to open in a browser"),
])
def test_dash_output_on_a_terminal_is_refused_like_no_output(tmp_path: Path, small: Path, args: list[str],
                                                             message: str) -> None:
    """A PNG's bytes or a page of HTML on a terminal is a usage error, with `-o -` as without -o."""
    pytest.importorskip("matplotlib")
    from terminal import run_on_terminal

    args = [a.format(s=small) for a in args]
    for given in (args, [*args, "-o", "-"]):
        shown = run_on_terminal(given, 100, cwd=str(tmp_path))
        assert shown.exit_code == 2, shown.stderr
        assert message in " ".join(shown.stderr.replace("│", " ").split()), shown.stderr  # in rich's box
        assert shown.screen == ""
    assert sorted(tmp_path.iterdir()) == [small]


def test_a_file_named_dash_is_still_written_by_its_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        small: Path) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("compare", small, "--format", "json", "-o", "./-")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads((tmp_path / "-").read_text(encoding="utf-8"))["scenario"] == "Small"


# --- --set -------------------------------------------------------------------------------------


def test_set_requests_per_day(tmp_path: Path) -> None:
    path = write(tmp_path, "requests.yaml", REQUESTS)
    before = compare_json(path)["options"][0]["months"][0]
    assert before["input_tokens"] == pytest.approx(10_000 * DAYS_PER_MONTH * 1000)
    after = compare_json(path, "--set", "workload.requests_per_day=1M")["options"][0]["months"][0]
    assert after["input_tokens"] == pytest.approx(1_000_000 * DAYS_PER_MONTH * 1000)
    assert after["output_tokens"] == pytest.approx(1_000_000 * DAYS_PER_MONTH * 100)
    # $2 x 30,416.67M input + $8 x 3,041.67M output per month
    assert after["total"] == pytest.approx(2 * 30_416.666667 + 8 * 3_041.666667)


def test_set_option_names_with_dots(tmp_path: Path) -> None:
    """Longest option name first: `GPT-4.1` and `GPT-4.1 mini` are told apart.

    Without overrides: GPT-4.1 3 x (1,000 x $2 + 100 x $8) = $8,400; mini 3 x (400 + 160) = $1,680.
    """
    path = write(tmp_path, "dotted.yaml", DOTTED)
    data = compare_json(path, "--set", "options.GPT-4.1.discount=50%")
    assert option(data, "GPT-4.1")["total"] == pytest.approx(4200)
    assert option(data, "GPT-4.1 mini")["total"] == pytest.approx(1680)
    data = compare_json(path, "--set", "options.GPT-4.1 mini.discount=10%")
    assert option(data, "GPT-4.1")["total"] == pytest.approx(8400)
    assert option(data, "GPT-4.1 mini")["total"] == pytest.approx(1512)
    data = compare_json(path, "--set", "options.GPT-4.1 mini.discount=10%", "--set", "options.GPT-4.1.discount=50%")
    assert option(data, "GPT-4.1")["total"] == pytest.approx(4200)
    assert option(data, "GPT-4.1 mini")["total"] == pytest.approx(1512)


def test_set_by_index(tmp_path: Path) -> None:
    path = write(tmp_path, "dotted.yaml", DOTTED)
    data = compare_json(path, "--set", "options[0].discount=25%")
    assert option(data, "GPT-4.1")["total"] == pytest.approx(6300)
    assert option(data, "GPT-4.1 mini")["total"] == pytest.approx(1680)
    data = compare_json(path, "--set", "options[1].price.input=0.6")
    assert option(data, "GPT-4.1 mini")["total"] == pytest.approx(3 * (600 + 160))


def test_set_shipped_scenario(tmp_path: Path) -> None:
    path = REPO / "scenarios" / "support-assistant.yaml"
    base = option(compare_json(path), "GPT-4.1")["total"]
    discounted = option(compare_json(path, "--set", "options.GPT-4.1.discount=15%"), "GPT-4.1")["total"]
    assert discounted == pytest.approx(base * 0.85)


def test_set_error_names_the_scenario(tmp_path: Path) -> None:
    dotted = write(tmp_path, "dotted.yaml", DOTTED)
    other = write(tmp_path, "other.yaml", REQUESTS)
    result = run("compare", dotted, other, "--set", "options.GPT-4.1.discount=10%")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--set options.GPT-4.1.discount=10%" in result.stderr
    assert str(other) in result.stderr
    assert str(dotted) not in result.stderr


def test_set_bad_value(tmp_path: Path) -> None:
    path = write(tmp_path, "dotted.yaml", DOTTED)
    result = run("compare", path, "--set", "options.GPT-4.1.discount=lots")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--set options.GPT-4.1.discount=lots: " in result.stderr
    assert "discount" in result.stderr
    assert "Traceback" not in result.stderr


def test_set_bad_number(small: Path) -> None:
    result = run("compare", small, "--set", "workload.input_tokens_per_month=abc")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--set workload.input_tokens_per_month=abc: workload.input_tokens_per_month: " in result.stderr


def test_set_unknown_option(tmp_path: Path) -> None:
    path = write(tmp_path, "dotted.yaml", DOTTED)
    result = run("compare", path, "--set", "options.GPT-5.discount=15%")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--set options.GPT-5.discount=15%" in result.stderr
    assert "no option matches" in result.stderr
    result = run("compare", path, "--set", "options[7].discount=15%")
    assert result.exit_code == 1
    assert "--set options[7].discount=15%" in result.stderr


def test_set_unknown_field(tmp_path: Path) -> None:
    path = write(tmp_path, "dotted.yaml", DOTTED)
    result = run("compare", path, "--set", "options.GPT-4.1.discont=15%")
    assert result.exit_code == 1
    assert "--set options.GPT-4.1.discont=15%: " in result.stderr
    assert "did you mean 'discount'" in result.stderr


def test_set_without_equals(small: Path) -> None:
    result = run("compare", small, "--set", "workload.requests_per_day")
    assert result.exit_code == 1
    assert "--set workload.requests_per_day" in result.stderr


# --- --basis -----------------------------------------------------------------------------------


def test_basis_overrides_finance_basis(tmp_path: Path) -> None:
    """BUY: c = $10K per GPU, 10-month life, no residual; power 1 kW x 730 h x $0.10 = $73 a month.

    Cash: capex $10K in month 1 and again in month 11 (the GPU is replaced): total
    2 x $10,000 + 12 x ($73 + $1,000 staff) = $32,876. Amortized: depreciation $10K / 10 = $1,000
    every month (first cohort months 1-10, its replacement from month 11): 12 x $2,073 = $24,876.
    """
    path = write(tmp_path, "buy.yaml", BUY)
    cash = compare_json(path)
    assert cash["basis"] == "cash"
    owned = option(cash, "Owned GPU")
    assert owned["months"][0]["costs"] == pytest.approx({"capex": 10_000, "power": 73, "staff": 1000})
    assert owned["total"] == pytest.approx(32_876)
    amortized = compare_json(path, "--basis", "amortized")
    assert amortized["basis"] == "amortized"
    owned = option(amortized, "Owned GPU")
    for month in (owned["months"][0], owned["months"][10]):
        assert month["costs"] == pytest.approx({"depreciation": 1000, "power": 73, "staff": 1000})
    assert all("capex" not in m["costs"] for m in owned["months"])
    assert owned["total"] == pytest.approx(24_876)
    assert compare_json(path, "--basis", "cash")["basis"] == "cash"
    table = run("compare", path, "--basis", "amortized")
    assert table.stdout.startswith("Buy: 12 months, USD, amortized basis\n")


# --- pricing folders ---------------------------------------------------------------------------


def user_api_table(folder: Path, text: str = "openai/gpt-4.1: {input: 1.5}\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write(folder, "api.yaml", text)


def check_user_price(data: dict[str, Any], user_file: Path) -> None:
    """Input from the user table ($1.5), output still the bundled $8: 3 x (1,500 + 800) = $6,900."""
    gpt = option(data, "GPT-4.1")
    assert gpt["total"] == pytest.approx(6900)
    price_in = assumption(data, "options.GPT-4.1.price.input")
    assert price_in["value"] == 1.5
    assert str(user_file) in price_in["source"]
    price_out = assumption(data, "options.GPT-4.1.price.output")
    assert price_out["value"] == 8.0
    assert price_out["source"].startswith("pricing/api.yaml")
    assert str(user_file) not in price_out["source"]


def test_bundled_price(tmp_path: Path) -> None:
    data = compare_json(write(tmp_path, "priced.yaml", TABLE_PRICED))
    assert option(data, "GPT-4.1")["total"] == pytest.approx(8400)
    assert assumption(data, "options.GPT-4.1.price.input")["source"].startswith("pricing/api.yaml")


def test_pricing_option(tmp_path: Path) -> None:
    user_file = user_api_table(tmp_path / "prices")
    data = compare_json(write(tmp_path, "priced.yaml", TABLE_PRICED), "--pricing", tmp_path / "prices")
    check_user_price(data, user_file)


def test_pricing_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user_file = user_api_table(tmp_path / "prices")
    monkeypatch.setenv("TCO_PRICING", str(tmp_path / "prices"))
    check_user_price(compare_json(write(tmp_path, "priced.yaml", TABLE_PRICED)), user_file)


def test_pricing_option_beats_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user_api_table(tmp_path / "env", "openai/gpt-4.1: {input: 1.0}\n")
    user_file = user_api_table(tmp_path / "prices")
    monkeypatch.setenv("TCO_PRICING", str(tmp_path / "env"))
    data = compare_json(write(tmp_path, "priced.yaml", TABLE_PRICED), "--pricing", tmp_path / "prices")
    check_user_price(data, user_file)


def test_pricing_default_user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    user_file = user_api_table(config / "tco" / "pricing")
    check_user_price(compare_json(write(tmp_path, "priced.yaml", TABLE_PRICED)), user_file)


def test_pricing_default_folder_without_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without XDG_CONFIG_HOME the user folder is ~/.config/tco/pricing."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME")
    user_file = user_api_table(home / ".config" / "tco" / "pricing")
    check_user_price(compare_json(write(tmp_path, "priced.yaml", TABLE_PRICED)), user_file)


def test_pricing_no_user_folder_is_fine(tmp_path: Path) -> None:
    """No --pricing, no $TCO_PRICING and no config folder: the bundled tables alone."""
    data = compare_json(write(tmp_path, "priced.yaml", TABLE_PRICED))
    assert option(data, "GPT-4.1")["total"] == pytest.approx(8400)


def test_stale_user_price_warning_names_the_user_file(tmp_path: Path) -> None:
    user_file = user_api_table(tmp_path / "prices", "openai/gpt-4.1: {input: 1.5, as_of: 2020-01-01}\n")
    data = compare_json(write(tmp_path, "priced.yaml", TABLE_PRICED), "--pricing", tmp_path / "prices")
    assert assumption(data, "options.GPT-4.1.price.input")["source"].endswith("as of 2020-01-01")
    (warning,) = [w for w in data["warnings"] if "2020-01-01" in w]
    assert str(user_file) in warning
    assert "pricing/api.yaml" not in warning


def test_inline_price_beats_user_table(tmp_path: Path) -> None:
    user_api_table(tmp_path / "prices")
    scenario = TABLE_PRICED + "    price: {input: 3}\n"
    data = compare_json(write(tmp_path, "priced.yaml", scenario), "--pricing", tmp_path / "prices")
    assert option(data, "GPT-4.1")["total"] == pytest.approx(3 * (3000 + 800))
    assert not any(a["field"] == "options.GPT-4.1.price.input" for a in data["assumptions"])


def test_pricing_invalid_user_table(tmp_path: Path) -> None:
    user_file = user_api_table(tmp_path / "prices", "openai/gpt-4.1:\n  input: -1\n  inptu: 2\n")
    result = run("compare", write(tmp_path, "priced.yaml", TABLE_PRICED), "--pricing", tmp_path / "prices")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{user_file}:2:")
    assert "openai/gpt-4.1.input" in lines[0] and "negative" in lines[0]
    assert lines[1].startswith(f"{user_file}:3:")
    assert "inptu" in lines[1] and "did you mean 'input'" in lines[1]
    assert "Traceback" not in result.stderr


def test_pricing_missing_folder(tmp_path: Path, small: Path) -> None:
    result = run("compare", small, "--pricing", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert str(tmp_path / "nowhere") in result.stderr
    assert "does not exist" in result.stderr


def test_pricing_env_missing_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: Path) -> None:
    monkeypatch.setenv("TCO_PRICING", str(tmp_path / "nowhere"))
    result = run("compare", small)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert str(tmp_path / "nowhere") in result.stderr


# --- validate ----------------------------------------------------------------------------------


def test_validate_good_files(small: Path) -> None:
    result = run("validate", small, *SHIPPED)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"{small}: valid (2 options, 12 months)"
    assert len(lines) == 1 + len(SHIPPED)
    assert all(": valid (" in line for line in lines)


def test_validate_one_bad(tmp_path: Path, small: Path) -> None:
    bad = write(tmp_path, "bad.yaml", SMALL.replace("hourly_rate_per_gpu: 2", "hourly_rate_per_gpu: -2"))
    result = run("validate", small, bad)
    assert result.exit_code == 1
    assert f"{small}: valid" in result.stdout
    assert str(bad) not in result.stdout
    assert result.stderr.startswith(f"{bad}:")
    assert "hourly_rate_per_gpu" in result.stderr
    assert str(small) not in result.stderr


def test_validate_warnings_on_stderr(tmp_path: Path) -> None:
    path = write(tmp_path, "no-staff.yaml", NO_STAFF)
    result = run("validate", path)
    assert result.exit_code == 0
    assert result.stdout == f"{path}: valid (2 options, 12 months)\n"
    assert result.stderr == f"warning: {path}: Rented GPU has no staff cost: someone has to run, patch and watch " \
        "it (add staff: {fte, cost_per_fte_year})\n"


def test_validate_with_set(small: Path) -> None:
    result = run("validate", small, "--set", "options[1].hourly_rate_per_gpu=-1")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--set options[1].hourly_rate_per_gpu=-1: " in result.stderr


def test_validate_missing_file(tmp_path: Path) -> None:
    result = run("validate", tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no such file" in result.stderr


# --- init --------------------------------------------------------------------------------------


def test_init_writes_a_working_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "scenario.yaml" in result.stderr
    assert (tmp_path / "scenario.yaml").is_file()
    validated = run("validate", "scenario.yaml")
    assert validated.exit_code == 0
    assert "scenario.yaml: valid" in validated.stdout
    compared = run("compare", "scenario.yaml")
    assert compared.exit_code == 0
    assert "Summary" in compared.stdout
    assert "Self-hosting" in compared.stdout


def test_init_does_not_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenario.yaml").write_text("mine\n", encoding="utf-8")
    result = run("init")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "scenario.yaml" in result.stderr and "--force" in result.stderr
    assert (tmp_path / "scenario.yaml").read_text(encoding="utf-8") == "mine\n"
    forced = run("init", "--force")
    assert forced.exit_code == 0
    assert (tmp_path / "scenario.yaml").read_text(encoding="utf-8") != "mine\n"


def test_init_named_file(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    result = run("init", target)
    assert result.exit_code == 0
    assert run("validate", target).exit_code == 0


def test_init_to_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("#")
    assert "options:" in result.stdout
    assert list(tmp_path.iterdir()) == []
    written = write(tmp_path, "copy.yaml", result.stdout)
    assert run("validate", written).exit_code == 0


def test_init_dot_slash_dash_writes_a_file_named_dash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As with -o: only `-` itself is stdout."""
    monkeypatch.chdir(tmp_path)
    result = run("init", "./-")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert (tmp_path / "-").read_text(encoding="utf-8").startswith("#")


# --- schema ------------------------------------------------------------------------------------


def test_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stderr == ""
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"name", "workload", "options"} <= set(schema["properties"])
    assert {"name", "workload", "options"} <= set(schema["required"])


def test_schema_accepts_shipped_scenarios(tmp_path: Path) -> None:
    import jsonschema
    import yaml

    schema = json.loads(run("schema").stdout)
    validator = jsonschema.Draft202012Validator(schema)
    starter = run("init", "-").stdout
    documents = [p.read_text(encoding="utf-8") for p in SHIPPED] + [SMALL, BUY, PAIRS, starter]
    for text in documents:
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(text))]
        assert errors == []
    typo = yaml.safe_load(SMALL.replace("horizon_months", "horizon_month"))
    assert list(validator.iter_errors(typo))


# --- version, debug, usage errors --------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == "tco 0.1.0\n"


def test_debug_raises(tmp_path: Path) -> None:
    result = run("compare", "--debug", tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert isinstance(result.exception, TcoError)
    assert "no such file" in str(result.exception)


def test_debug_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TCO_DEBUG", "1")
    result = run("compare", tmp_path / "nope.yaml")
    assert isinstance(result.exception, TcoError)


def test_no_traceback_without_debug(tmp_path: Path) -> None:
    result = run("compare", tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr


def test_debug_traceback_in_a_process(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    missing = str(tmp_path / "nope.yaml")
    with_debug = subprocess.run([sys.executable, "-m", "tco", "compare", "--debug", missing], capture_output=True,
                                text=True, env=env, timeout=60)
    assert with_debug.returncode == 1
    assert "Traceback" in with_debug.stderr
    assert "no such file" in with_debug.stderr
    assert with_debug.stdout == ""
    plain = subprocess.run([sys.executable, "-m", "tco", "compare", missing], capture_output=True, text=True,
                           env=env, timeout=60)
    assert plain.returncode == 1
    assert plain.stderr == f"{missing}: no such file\n"


@pytest.mark.parametrize("args", [
    ["compare", "--no-such-option", "x.yaml"],
    ["compare", "{small}", "--format", "xml"],
    ["compare", "{small}", "--basis", "accrual"],
    ["compare"],
    ["export", "{small}", "--format", "markdown"],
    ["export"],
    ["validate"],
    ["no-such-command"],
], ids=["unknown-option", "bad-format", "bad-basis", "compare-no-argument", "export-bad-format",
        "export-no-argument", "validate-no-argument", "unknown-command"])
def test_usage_errors_exit_2(small: Path, args: list[str]) -> None:
    result = run(*[a.replace("{small}", str(small)) for a in args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr


# --- help --------------------------------------------------------------------------------------


def test_every_command_and_option_has_help() -> None:
    root = typer.main.get_command(app)
    seen = []

    def walk(command: Any, path: str) -> None:
        seen.append(path)
        assert (command.help or "").strip(), f"{path} has no help text"
        for param in command.params:
            assert (getattr(param, "help", None) or "").strip(), f"{path} {param.name} has no help"
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, f"{path} {name}")

    walk(root, "tco")
    assert {"tco compare", "tco export", "tco validate", "tco init", "tco schema"} <= set(seen)


@pytest.mark.parametrize("command", ["compare", "export", "validate", "init", "schema"])
def test_help_output(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert result.stderr == ""


# --- files and folders -------------------------------------------------------------------------


def test_missing_scenario_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = run("compare", missing)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{missing}: no such file\n"


def test_one_missing_among_several(tmp_path: Path, small: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = run("compare", small, missing, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{missing}: no such file" in result.stderr


def test_folder_as_scenario(tmp_path: Path) -> None:
    result = run("compare", tmp_path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert str(tmp_path) in result.stderr


@pytest.mark.parametrize("scenario", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_from_another_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: Path) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("compare", scenario.resolve())
    assert result.exit_code == 0, result.stderr
    headline = result.stdout.splitlines()[2]
    assert headline.startswith(("Self-hosting ", "The hybrid "))
    assert "breaks even" in headline
    assert list(tmp_path.iterdir()) == []


def test_warnings_go_to_stderr_unless_the_table_shows_them_on_a_terminal(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """JSON to a file must not swallow a warning; a table on the terminal need not say it twice."""
    path = write(tmp_path, "no-staff.yaml", NO_STAFF)
    as_json = run("compare", path, "--format", "json", "-o", tmp_path / "out.json")
    assert "warning: " in as_json.stderr and "no staff cost" in as_json.stderr
    assert json.loads((tmp_path / "out.json").read_text())["warnings"]

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setattr("tco.cli.shared.sys.stdout", terminal)
    from typer.main import get_command

    errors = io.StringIO()
    monkeypatch.setattr("sys.stderr", errors)
    with pytest.raises(SystemExit) as exited:
        get_command(app).main(["compare", str(path)], standalone_mode=True)
    assert exited.value.code == 0
    assert "no staff cost" in terminal.getvalue()  # in the table's warnings section
    assert errors.getvalue() == ""


# --- where output goes ---------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["compare", "{small}", "-o", ""], ["export", "{small}", "-o", ""],
                                  ["schema", "-o", ""], ["init", ""]])
def test_an_empty_output_path_is_a_usage_error(args: list[str], small: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*[str(small) if a == "{small}" else a for a in args])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.stderr and "give a file name" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [small.name]


def test_output_through_a_link_writes_the_linked_file(small: Path, tmp_path: Path) -> None:
    """A link stays a link: the file it points to gets the output, as a shell's `>` would do."""
    target = tmp_path / "target.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = run("compare", small, "--format", "json", "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["scenario"] == "Small"


def test_output_to_a_fifo_writes_into_it_and_leaves_it_a_fifo(small: Path, tmp_path: Path) -> None:
    """A device or a pipe (`-o /dev/null`, a FIFO) is written into, never replaced by a regular file."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    result = run("compare", small, "--format", "json", "-o", fifo)
    reader.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(received[0])["scenario"] == "Small"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", small.name]


def test_output_to_dev_null_leaves_it_a_device(small: Path) -> None:
    import stat

    result = run("compare", small, "--format", "json", "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_to_a_link_loop_is_a_located_error(small: Path, tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    result = run("compare", small, "-o", loop)
    assert result.exit_code == 1
    assert result.stderr == f"{loop}: is a link that loops back to itself\n"


def test_overwriting_a_file_keeps_its_permissions(small: Path, tmp_path: Path) -> None:
    """A private file (0600) stays private when tco writes over it."""
    private = tmp_path / "private.json"
    private.write_text("old", encoding="utf-8")
    private.chmod(0o600)
    assert run("compare", small, "--format", "json", "-o", private).exit_code == 0
    assert private.stat().st_mode & 0o777 == 0o600
    assert json.loads(private.read_text(encoding="utf-8"))["scenario"] == "Small"
