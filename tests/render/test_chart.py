"""Terminal charts: exact text at 80 columns without colour, the break-even mark where `compare`
puts it, a mark of its own for each break-even point, every line's symbol visible, words for a pair
that never breaks even, and the `chart` / `compare --chart` CLI."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from clirun import invoke, run

from tco.analyses.volume import cost_by_volume
from tco.engine.breakeven import steady_monthly_cost
from tco.render.chart import PLOT_ROWS, nice_step, render_line_chart, render_stacked_chart
from tco.render.series import cumulative_chart, monthly_chart, volume_chart
from tco.scenario.compare import compare_loaded
from tco.scenario.loader import load_scenario
from tests.cli.test_cli import SMALL

REPO = Path(__file__).resolve().parents[2]

# SMALL of test_cli.py (break-even in month 3, 2.9 months; see test_compare_table_golden there)
# plus a bought GPU that never pays off within the 12 months: $40K x 1.25 = $50K capex in month 1.
THREE = SMALL + """\
  - name: Owned GPU
    kind: self_hosted
    acquisition: buy
    purchase_price_per_gpu: 40K
    throughput: {input_tokens_per_second: 10000, output_tokens_per_second: 1000}
    power: {watts_per_gpu: 1000}
    hosting_per_gpu_month: 0
    maintenance_per_year: 0
    staff: {fte: 0.1, cost_per_fte_year: 120K}
"""

CUMULATIVE_80 = """\
Small: cumulative cost
Cumulative cost (USD)
$80.0K |
       |
       |
       |                                                             +++++++++++
$60.0K |                                 ++++++++++++++++++++++++++++
       |      +++++++++++++++++++++++++++
       |      +
       |     +
$40.0K |     +
       |    +                                                         *******o*o
       |   +                                               ******o*o*oooooooo
$20.0K |   +                                    ***o*o*o*o*ooooo
       |  +                          **o*o*o*o*oooo
       | +               o1o*o*o*o*o*o
       | +   o*o*o*o*o*o*
    $0 |*o*o**
       ++-----------+-----------+-----------+----------+-----------+-----------+
                          1
        0           2           4           6          8          10          12
                                                                           Month

  * API (api)
  o Rented GPU (self-hosted)
  + Owned GPU (self-hosted)
  1 Rented GPU breaks even with API in month 3 (after 2.9 months)
  - Owned GPU never breaks even with API within 12 months: it costs $29.7K more.
"""

MONTHLY_80 = """\
Small: Rented GPU, monthly cost by category
Monthly cost (USD)
$4.0K |
      |
      |
      |+++++
$3.0K |+++++
      |+++++
      |+++++
      |===== ===== ===== ===== ===== ===== ===== ===== ===== ===== ===== =====
$2.0K |===== ===== ===== ===== ===== ===== ===== ===== ===== ===== ===== =====
      |===== ===== ===== ===== ===== ===== ===== ===== ===== ===== ===== =====
      |===== ===== ===== ===== ===== ===== ===== ===== ===== ===== ===== =====
$1.0K |##### ##### ##### ##### ##### ##### ##### ##### ##### ##### ##### #####
      |##### ##### ##### ##### ##### ##### ##### ##### ##### ##### ##### #####
      |##### ##### ##### ##### ##### ##### ##### ##### ##### ##### ##### #####
      |##### ##### ##### ##### ##### ##### ##### ##### ##### ##### ##### #####
   $0 |##### ##### ##### ##### ##### ##### ##### ##### ##### ##### ##### #####
      +--+-----+-----------+-----------+-----------+-----------+-----------+----
         1     2           4           6           8          10          12
                                                                           Month

  # gpu_rent: $17.5K over 12 months
  = staff: $12.0K over 12 months
  + setup: $1.0K over 12 months
"""




@pytest.fixture
def three(tmp_path: Path) -> Path:
    path = tmp_path / "three.yaml"
    path.write_text(THREE, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def test_cumulative_golden(three: Path) -> None:
    """Rented GPU: $1,000 + $2,460 a month against the API's $2,800: cumulative $8,380 at month 3,
    the break-even month (2.9 months). Owned GPU: $50K in month 1 plus ~$1.1K a month never catches
    up within 12 months: $33,600 - ($50,000 + 12 x ($1,000 + power $56.45)) = -$29,677 ($29.7K more)."""
    result = run("chart", three)
    assert result.exit_code == 0, result.stderr
    # The only message: Owned GPU's book value at the end, which the cash basis does not credit.
    assert result.stderr.count("warning: ") == 1 and "finance.terminal_value: book would" in result.stderr
    assert result.stdout == CUMULATIVE_80
    assert "\x1b" not in result.stdout


def test_monthly_golden(three: Path) -> None:
    """The first self-hosted option by default: rent $1,460 + staff $1,000 a month, setup $1,000 in month 1."""
    result = run("chart", three, "--kind", "monthly")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == MONTHLY_80


def test_every_line_fits_the_width(three: Path) -> None:
    for width in (40, 80, 132):
        for kind in ("cumulative", "monthly", "volume"):
            result = invoke(["chart", str(three), "--kind", kind], env={"COLUMNS": str(width)})
            assert result.exit_code == 0, result.stderr
            assert max(len(line) for line in result.stdout.splitlines()) <= width, (kind, width)
            assert result.stdout.isascii()


def test_mark_sits_on_the_break_even_month(three: Path) -> None:
    """The mark `1` is in the column of the month `compare` reports, on the self-hosted line's row there."""
    data = json.loads(run("compare", three, "--format", "json").stdout)
    pair = next(p for p in data["break_even"] if p["option"] == "Rented GPU")
    lines = CUMULATIVE_80.splitlines()
    plot = lines[2:2 + PLOT_ROWS]
    axis = lines[2 + PLOT_ROWS]
    labels = lines[2 + PLOT_ROWS + 2]
    x_column = next(i for line in plot for i, ch in enumerate(line) if ch == "1")
    # The axis labels 0..12 sit under the `+` ticks: month m is at the tick column interpolated.
    ticks = [i for i, ch in enumerate(axis) if ch == "+"][1:]  # the first `+` is the corner
    months = [int(t) for t in labels.split()]
    per_month = (ticks[-1] - ticks[0]) / (months[-1] - months[0])
    assert round(ticks[0] + pair["month"] * per_month) == x_column
    assert lines[2 + PLOT_ROWS + 1].index("1") == x_column


def test_never_breaks_even_is_said_in_words(three: Path) -> None:
    result = run("chart", three)
    assert "Owned GPU never breaks even with API within 12 months: it costs $29.7K more." in result.stdout
    assert result.stdout.count("1 Rented GPU") == 1  # the key of Rented GPU's mark; none for Owned GPU
    assert "2 Owned GPU" not in result.stdout


def test_volume_chart_marks_the_break_even_volume(three: Path) -> None:
    """966M tokens/month for Rented GPU (worked out in test_cli.test_compare_table_golden)."""
    result = run("chart", three, "--kind", "volume")
    assert result.exit_code == 0, result.stderr
    assert "1 Rented GPU stays cheaper than API from 966M tokens/month" in result.stdout
    assert "2 Owned GPU stays cheaper than API from 980M tokens/month" in result.stdout
    assert "Monthly volume (tokens)" in result.stdout
    assert "month-1 volume 1.1B tokens/month" in result.stdout


def test_volume_series_cross_at_the_break_even_volume(three: Path) -> None:
    """At the break-even volume the self-hosted and API steady costs are equal; the curves are the
    same cost function the break-even volume is solved on."""
    loaded = load_scenario(str(three))
    c = compare_loaded(loaded)
    chart = volume_chart(c, cost_by_volume(c, loaded.inputs))
    by_name = {o.name: o for o in loaded.inputs.options}
    for mark in chart.marks:
        api = steady_monthly_cost(by_name[mark.versus], loaded.inputs.workload, mark.x)
        assert mark.y == pytest.approx(api, rel=1e-9)
        assert mark.y == pytest.approx(2460.0 if mark.option == "Rented GPU" else mark.y)
    xs = [x for x, _ in chart.series[0].points]
    assert xs == sorted(xs)
    assert xs[-1] >= 2 * 1.1e9


def test_monthly_chart_option(three: Path) -> None:
    result = run("chart", three, "--kind", "monthly", "--option", "API")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Small: API, monthly cost by category\n")
    assert "# api: $33.6K over 12 months" in result.stdout


def test_monthly_chart_unknown_option(three: Path) -> None:
    result = run("chart", three, "--kind", "monthly", "--option", "Rented")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--option: no option named 'Rented'; did you mean 'Rented GPU'?" in result.stderr


def test_option_needs_monthly(three: Path) -> None:
    result = run("chart", three, "--option", "API")
    assert result.exit_code == 2
    assert "--option goes with --kind monthly or latency" in result.stderr


def test_long_horizon_bars_sum_months(tmp_path: Path) -> None:
    """120 months in 72 columns: each bar is 2 months, and every purchase (months 1, 37, 73, 109)
    still shows as a spike."""
    path = tmp_path / "long.yaml"
    path.write_text(THREE.replace("horizon_months: 12", "horizon_months: 120"), encoding="utf-8")
    c = compare_loaded(load_scenario(str(path)))
    text = render_stacked_chart(monthly_chart(c, c.option("Owned GPU")), 80)
    assert "Cost per 2 months (USD)" in text
    assert "(each bar is 2 months" in text
    top_of_spikes = next(line for line in text.splitlines() if "=" in line)
    assert top_of_spikes.count("=") == 4


def test_chart_output_file(three: Path, tmp_path: Path) -> None:
    out = tmp_path / "chart.txt"
    result = run("chart", three, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == CUMULATIVE_80


def test_colour_only_tints(three: Path) -> None:
    c = compare_loaded(load_scenario(str(three)))
    plain = render_line_chart(cumulative_chart(c), 80, colour=False)
    tinted = render_line_chart(cumulative_chart(c), 80, colour=True)
    assert "\x1b[" in tinted
    assert re.sub(r"\x1b\[[0-9;]*m", "", tinted) == plain


def test_compare_chart_appends_cumulative(three: Path) -> None:
    table = run("compare", three).stdout
    result = run("compare", three, "--chart")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == table + "\n" + CUMULATIVE_80


def test_compare_chart_markdown_is_fenced(three: Path) -> None:
    markdown = run("compare", three, "--format", "markdown").stdout
    result = run("compare", three, "--format", "markdown", "--chart")
    assert result.stdout == markdown + "\n```text\n" + CUMULATIVE_80 + "```\n"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_compare_chart_keeps_data_pure(three: Path, fmt: str) -> None:
    result = run("compare", three, "--format", fmt, "--chart")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--chart goes with --format table or markdown" in result.stderr


def test_compare_without_chart_has_none(three: Path) -> None:
    assert "cumulative cost" not in run("compare", three).stdout


def test_nice_step() -> None:
    assert [nice_step(s) for s in (4, 10, 33_600, 80_000, 0.3)] == [1, 2.5, 10_000, 20_000, 0.1]


def test_shipped_scenarios_chart() -> None:
    for path in sorted((REPO / "scenarios").glob("*.yaml")):
        for kind in ("cumulative", "monthly", "volume"):
            result = run("chart", path, "--kind", kind)
            assert result.exit_code == 0, (path, kind, result.stderr)


API_ONLY = """\
name: API only
horizon_months: 1
currency: CHF
workload: {input_tokens_per_month: 0, output_tokens_per_month: 0}
options:
  - {name: Free, kind: api, price: {input: 0, output: 0}}
  - {name: Cheap, kind: api, price: {input: 1, output: 2}}
"""


def test_api_only_and_tiny_costs(tmp_path: Path) -> None:
    """No self-hosted option: no marks, no notes; monthly shows the first option. Costs of cents get
    cent labels, so no two ticks read the same."""
    path = tmp_path / "api.yaml"
    path.write_text(API_ONLY, encoding="utf-8")
    for kind in ("cumulative", "monthly", "volume"):
        result = run("chart", path, "--kind", kind)
        assert result.exit_code == 0, result.stderr
        assert "never" not in result.stdout and "  1 " not in result.stdout
        labels = [line.split("|")[0].strip() for line in result.stdout.splitlines() if "|" in line]
        labels = [label for label in labels if label]
        assert len(labels) == len(set(labels)), labels
    volume = run("chart", path, "--kind", "volume").stdout
    assert "CHF 0.50 |" in volume
    assert "# api: CHF 0 over 1 month\n" in run("chart", path, "--kind", "monthly").stdout


def test_volume_note_when_never_lastingly_cheaper(tmp_path: Path) -> None:
    """A GPU at $20/h serving 1.1B tokens a month costs more per token than the API at any volume:
    no mark, a sentence instead."""
    path = tmp_path / "dear.yaml"
    path.write_text(THREE.replace("hourly_rate_per_gpu: 2", "hourly_rate_per_gpu: 200"), encoding="utf-8")
    result = run("chart", path, "--kind", "volume")
    assert result.exit_code == 0, result.stderr
    assert "- Rented GPU is at no volume lastingly cheaper than API" in result.stdout
    assert "1 Rented GPU" not in result.stdout


# --- the latency chart: throughput per GPU against speed per user ---------------------------------------------

LATENCY = """\
name: Latency
workload: {requests_per_day: 100K, input_tokens_per_request: 1000, output_tokens_per_request: 1000}
options:
  - {name: API, kind: api, price: {input: 2, output: 8}}
  - name: Llama on H100
    kind: self_hosted
    model: llama-3.1-70b
    gpu: h100-sxm
    precision: fp8
    engine: vllm
    slo: chat
    staff: {fte: 0.5, cost_per_fte_year: 200K}
  - name: Llama offline
    kind: self_hosted
    model: llama-3.1-70b
    gpu: h100-sxm
    precision: fp8
    engine: trtllm
    slo: none
    staff: {fte: 0.5, cost_per_fte_year: 200K}
  - name: Inline
    kind: self_hosted
    throughput: {input_tokens_per_second: 9000, output_tokens_per_second: 1100}
    hourly_rate_per_gpu: 2
    staff: {fte: 0.5, cost_per_fte_year: 200K}
"""


@pytest.fixture
def latency_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "latency.yaml"
    path.write_text(LATENCY, encoding="utf-8")
    return path


def test_latency_chart_marks_the_target_and_the_operating_point(latency_scenario: Path) -> None:
    """The chat target's TPOT (30 ms) allows 1000/30 = 33.3 tokens/s per user: a column of `:` there and a `^`
    under the axis; the operating point (the one `tco size` reports) is an X; the measured offline option is
    drawn without a target; the option with its own throughput is left out, in words."""
    result = run("chart", latency_scenario, "--kind", "latency")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("Latency: throughput against speed per user\nOutput tokens/s per GPU\n")
    size = json.loads(run("size", latency_scenario, "--format", "json").stdout)
    point = size[0]["slo"]
    assert f"X Llama on H100 meets chat (TTFT <= 800 ms, TPOT <= 30 ms) up to {point['concurrency']:,} requests " \
        f"in flight a replica: {point['tokens_per_second_per_user']:,.1f} tokens/s per user" in " ".join(text.split())
    assert ": (^ under the axis) chat (TTFT <= 800 ms, TPOT <= 30 ms), the target of Llama on H100: its TPOT " \
        "allows 33.3 tokens/s per user" in " ".join(text.split())
    assert "* Llama on H100 (vllm, " in text and "o Llama offline (trtllm, 2 x h100-sxm (tp), fp8)" in text
    assert "X Llama offline serves at the most requests the KV cache holds" in " ".join(text.split())
    assert "- Inline is not drawn: it gives its own throughput, which is what it serves at." in " ".join(text.split())
    lines = text.splitlines()
    plot = lines[2:2 + PLOT_ROWS]
    guide = {line.index(":", line.index("|")) for line in plot if ":" in line[line.index("|"):]}
    assert len(guide) == 1
    assert lines[2 + PLOT_ROWS + 1].index("^") == guide.pop()
    assert sum(line.count("X") for line in plot) == 2


def test_latency_series_are_the_sizings_curves(latency_scenario: Path) -> None:
    """Each curve's points are latency points of the option's replica from 1 request to the KV cache's limit;
    the marked point is the one `tco size SCENARIO` reports, and the target line sits at 1000 / TPOT target."""
    from tco.analyses.size import size_scenario
    from tco.pricing.catalog import Catalog
    from tco.render.series import latency_chart

    loaded = load_scenario(str(latency_scenario))
    reports = size_scenario(loaded, Catalog())
    chart = latency_chart(loaded.inputs.name, reports)
    assert [c.option for c in chart.curves] == ["Llama on H100", "Llama offline"]
    served = chart.curves[0]
    assert served.target_x == pytest.approx(1000 / 30)
    point = reports[0].operating_point
    assert point is not None
    assert served.point == (point.tokens_per_second_per_user, point.output_tokens_per_second_per_gpu)
    xs = [x for x, _ in served.points]
    assert xs == sorted(xs)
    ys = [y for _, y in served.points]
    assert ys == sorted(ys, reverse=True)  # more requests in flight: more per GPU, less per user
    assert chart.curves[1].target_x is None and chart.curves[1].target is None


def test_latency_chart_option_and_widths(latency_scenario: Path) -> None:
    only = run("chart", latency_scenario, "--kind", "latency", "--option", "Llama offline")
    assert only.exit_code == 0, only.stderr
    assert "Llama on H100" not in only.stdout and ":" not in only.stdout.split("\n\n")[0].split("|", 1)[1]
    wrong = run("chart", latency_scenario, "--kind", "latency", "--option", "Llama")
    assert wrong.exit_code == 1 and wrong.stdout == ""
    assert "--option: no self-hosted option named 'Llama'; did you mean" in wrong.stderr
    for width in (40, 80, 132):
        result = invoke(["chart", str(latency_scenario), "--kind", "latency"],
                                    env={"COLUMNS": str(width)})
        assert result.exit_code == 0, result.stderr
        assert max(len(line) for line in result.stdout.splitlines()) <= width
        assert result.stdout.isascii()


def test_latency_chart_without_a_latency_model_is_a_one_line_error(three: Path, tmp_path: Path) -> None:
    """THREE's self-hosted options give their own throughput; an API-only scenario has nothing to size."""
    result = run("chart", three, "--kind", "latency")
    assert result.exit_code == 1 and result.stdout == ""
    # Besides the error, only the comparison's warning every chart prints: Owned GPU's book value at the
    # end, which the cash basis does not credit.
    errors = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.count("warning: ") == 1 and "finance.terminal_value: book would" in result.stderr
    assert "no self-hosted option has a latency curve to draw: Rented GPU is not drawn" in result.stderr
    path = tmp_path / "api.yaml"
    path.write_text(API_ONLY, encoding="utf-8")
    api = run("chart", path, "--kind", "latency")
    assert api.exit_code == 1 and len(api.stderr.splitlines()) == 1
    assert "no self_hosted option to size" in api.stderr


def test_shipped_scenarios_latency_chart() -> None:
    for path in sorted((REPO / "scenarios").glob("*.yaml")):
        result = run("chart", path, "--kind", "latency")
        assert result.exit_code == 0, (path, result.stderr)
        assert "X " in result.stdout, path


def plot_of(text: str) -> list[str]:
    """The plot rows of a line chart: the lines between the y-axis title and the x-axis rule."""
    lines = text.splitlines()
    start = 2
    end = next(i for i, line in enumerate(lines) if re.match(r"^ *\+[-+]{3}", line))
    return [line.split("|", 1)[1] for line in lines[start:end]]


@pytest.mark.parametrize("kind", ["cumulative", "volume"])
def test_every_break_even_point_has_its_own_mark(kind: str) -> None:
    """Two self-hosted options break even: marks 1 and 2, each in the plot, under the axis and in the key."""
    result = run("chart", REPO / "scenarios" / "batch-documents.yaml", "--kind", kind)
    assert result.exit_code == 0, result.stderr
    plot = "".join(plot_of(result.stdout))
    key = result.stdout.split("\n\n", 1)[1]
    for mark, option in (("1", "Llama 3.3 70B on owned H100"), ("2", "Llama 3.3 70B on owned H200")):
        assert plot.count(mark) == 1, (mark, result.stdout)
        assert f"  {mark} {option} " in key
    assert "X" not in result.stdout


@pytest.mark.parametrize("path", sorted((REPO / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_no_line_hides_another(path: Path) -> None:
    """Where lines run together they take turns, so every symbol the key names shows in the plot."""
    for kind in ("cumulative", "volume"):
        result = run("chart", path, "--kind", kind)
        plot = "".join(plot_of(result.stdout))
        symbols = [line.split()[0] for line in result.stdout.split("\n\n", 1)[1].splitlines()
                   if line.startswith("  ") and line.rstrip().endswith(")") and "(" in line
                   and line.split()[0] in "*o+x#@%&=~"]
        assert symbols, result.stdout
        for symbol in symbols:
            assert plot.count(symbol) >= 3, (path.stem, kind, symbol, result.stdout)


def huge_volume(path: Path, tokens: str) -> list[str]:
    """`--set` arguments that put a shipped scenario at a huge volume, in whichever workload form it uses."""
    if "requests_per_day" in path.read_text(encoding="utf-8"):
        return [f"workload.requests_per_day={tokens}"]
    return [f"workload.input_tokens_per_month={tokens}", f"workload.output_tokens_per_month={tokens}"]


@pytest.mark.parametrize("path", sorted((REPO / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_volume_chart_memory_does_not_grow_with_volume(path: Path) -> None:
    """At 1T and 100T a day a fleet has 1e6..1e10 replica steps in view: the chart samples them
    instead of listing them, so its memory and point count are those of a small scenario."""
    import tracemalloc

    from tco.analyses.volume import MAX_EXACT_STEPS, POINTS_ALONG_VOLUME

    for tokens in ("1T", "100T"):
        loaded = load_scenario(str(path), overrides=huge_volume(path, tokens))
        comparison = compare_loaded(loaded)
        tracemalloc.start()
        try:
            chart = volume_chart(comparison, cost_by_volume(comparison, loaded.inputs))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 5_000_000, (tokens, peak)
        for series in chart.series:
            assert len(series.points) <= POINTS_ALONG_VOLUME + 1 + 2 * MAX_EXACT_STEPS + 4, (series.name, tokens)


def test_replica_steps_are_counted_before_they_are_listed() -> None:
    """Far more steps than asked for give none (the chart samples), never a list per replica."""
    from tco.engine.breakeven import replica_step_volumes

    loaded = load_scenario(str(REPO / "scenarios" / "support-assistant.yaml"))
    option = loaded.inputs.options[2]
    workload = loaded.inputs.workload
    assert replica_step_volumes(option, workload, 1e300, 400) == []
    assert replica_step_volumes(option, workload, math.inf, 400) == []
    steps = replica_step_volumes(option, workload, 1e11, 400)
    assert 0 < len(steps) <= 400 and steps == sorted(steps)


def test_volume_image_at_a_huge_volume(tmp_path: Path) -> None:
    out = tmp_path / "x.svg"
    path = REPO / "scenarios" / "support-assistant.yaml"
    result = run("chart", path, "--kind", "volume", "-o", out, "--set", "workload.requests_per_day=100T")
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<?xml")
