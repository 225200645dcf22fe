"""The HTML report: it parses, holds every section, loads nothing from anywhere, and every
figure of its summary table is the `tco compare --format json` figure, rounded as the table rounds."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from clirun import run

from tco.analyses.volume import cost_by_volume
from tco.render.html import (
    SensitivitySection,
    SimulationSection,
    SizingSection,
    TornadoBar,
    build_report,
)
from tco.render.text import headlines
from tco.scenario.compare import compare_loaded
from tco.scenario.loader import load_scenario
from tests.conftest import TODAY
from tests.render.test_chart import THREE

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))
SECTIONS = ["headline", "summary", "break-even", "cumulative", "monthly", "volume", "warnings", "assumptions",
            "scenario"]

# Euros, a name with markup in it, no staff (a warning), and an owned GPU that never breaks even.
ODD = """\
name: "Odd <b>&</b> \\"quoted\\" scenario"
horizon_months: 24
currency: EUR
workload: {requests_per_day: 50K, input_tokens_per_request: 900, output_tokens_per_request: 300}
options:
  - name: "=API<script>"
    kind: api
    price: {input: 0.4, output: 1.6}
  - name: Owned <GPU>
    kind: self_hosted
    acquisition: buy
    purchase_price_per_gpu: 30K
    throughput: {input_tokens_per_second: 5000, output_tokens_per_second: 800}
    power: {watts_per_gpu: 900}
"""


class Page(HTMLParser):
    """The parts of the page the tests read: section ids, tables by `data-table`, tags, texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.texts: dict[str, str] = {}  # id of the enclosing section -> its text
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "section":
            self._section = a.get("id") or ""
        if tag == "table":
            self._table = a.get("data-table") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
        if tag == "tr" and self._table:
            self.tables[self._table].append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        self.texts[self._section] = self.texts.get(self._section, "") + data


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page




def full(amount: float, symbol: str, decimals: int = 0) -> str:
    """How the tables write money, worked out here independently: `$1,234,567`, `-€12`, `$2.35`."""
    sign = "-" if round(amount, decimals) < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.{decimals}f}"


def report_of(path: Path, tmp_path: Path) -> tuple[str, Any]:
    out = tmp_path / "report.html"
    result = run("report", path, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file to share, not a private one
    data = json.loads(run("compare", path, "--format", "json").stdout)
    return out.read_text(encoding="utf-8"), data


_MADE: dict[str, tuple[Path, str, Any]] = {}


def made_for(name: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Any]:
    """(scenario, its report, its `compare --format json`); each report is made once per run."""
    if name not in _MADE:
        folder = tmp_path_factory.mktemp(name)
        if name in ("three", "odd"):
            path = folder / f"{name}.yaml"
            path.write_text(THREE if name == "three" else ODD, encoding="utf-8")
        else:
            path = REPO / "scenarios" / f"{name}.yaml"
        _MADE[name] = (path, *report_of(path, folder))
    return _MADE[name]


@pytest.fixture(scope="module", params=["three", "odd", *(p.stem for p in SHIPPED)])
def made(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Any]:
    return made_for(request.param, tmp_path_factory)


def test_summary_equals_compare_json(made: tuple[Path, str, Any]) -> None:
    _scenario, text, data = made
    page = parse(text)
    symbol = {"USD": "$", "EUR": "€"}[data["currency"]]
    header, *rows = page.tables["summary"]
    assert header == ["Option", "Kind", "Total", "NPV", "Per 1M tokens", "Month 1", "Last month", "GPUs at end"]
    assert [r[0] for r in rows] == [o["name"] for o in data["options"]]
    for row, option in zip(rows, data["options"], strict=True):
        gpus = option["months"][-1]["gpus"]
        assert row[1:] == [option["kind"].replace("_", "-"), full(option["total"], symbol),
                           full(option["npv"], symbol), full(option["cost_per_million_tokens"], symbol, 2),
                           full(option["months"][0]["total"], symbol), full(option["months"][-1]["total"], symbol),
                           "-" if gpus is None else str(gpus)]
        for cell in row[2:7]:
            assert re.fullmatch(r"-?[$€][0-9,]+(\.[0-9]{2})?", cell), cell  # full amounts, never $1.2M


def test_break_even_tables_equal_compare_json(made: tuple[Path, str, Any]) -> None:
    _scenario, text, data = made
    page = parse(text)
    months = {r[0]: r[1:] for r in page.tables["break-even-month"][1:]}
    versus = list(dict.fromkeys(p["versus"] for p in data["break_even"]))
    symbol = {"USD": "$", "EUR": "€"}[data["currency"]]
    for pair in data["break_even"]:
        cell = months[pair["option"]][versus.index(pair["versus"])]
        assert cell == ("never" if pair["month"] is None else f"month {pair['month']} ({pair['months']:.1f})")
    saves = {r[0]: r[3] for r in page.tables["break-even-volume"][1:]}
    for pair in data["break_even"]:
        if pair["versus"] == data["baseline"]:
            assert saves[pair["option"]] == full(pair["savings_at_horizon"], symbol)


def test_every_section_and_nothing_external(made: tuple[Path, str, Any]) -> None:
    _scenario, text, data = made
    page = parse(text)
    ids = [a.get("id") for tag, a in page.tags if tag == "section"]
    assert ids == [*SECTIONS[:6], "sizing", *SECTIONS[6:]]  # every one of these has a self-hosted option
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base", "form", "audio", "video"}
    assert not re.search(r"[a-z]+://|@import|@font-face|url\((?!#)", text, re.I)
    for _, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), name  # no event handlers
            if name in ("href", "src"):
                assert (value or "").startswith("#"), value
    csp = next(a for tag, a in page.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp["content"] == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in page.tags
    sized = json.loads(run("size", _scenario, "--format", "json").stdout)
    curves = sum(1 for option in sized if option["latency"])
    # cumulative, volume, one monthly per option, one latency chart per self-hosted option with a latency model
    assert text.count("<svg ") == 2 + len(data["options"]) + curves


def test_headline_assumptions_warnings_and_scenario(made: tuple[Path, str, Any]) -> None:
    scenario, text, data = made
    page = parse(text)
    c = compare_loaded(load_scenario(str(scenario)))
    for sentence in headlines(c):
        assert sentence in page.texts["headline"]
    rows = page.tables["assumptions"][1:]
    assert [(r[0], r[2]) for r in rows] == [(a["field"], a["source"]) for a in data["assumptions"]]
    for warning in data["warnings"]:
        assert warning in page.texts["warnings"]
    assert scenario.read_text(encoding="utf-8") in page.texts["scenario"]


def test_the_page_says_when_and_with_which_version_it_was_made(tmp_path: Path) -> None:
    """The date is $TCO_TODAY (pinned by the tests, as for price ages), else today."""
    from tco.version import __version__

    scenario = tmp_path / "three.yaml"
    scenario.write_text(THREE, encoding="utf-8")
    text, _data = report_of(scenario, tmp_path)
    made_with = f"Made with tco {__version__} on {TODAY}."
    header = text[text.index("<header>"):text.index("</header>")]
    footer = text[text.index("<footer>"):text.index("</footer>")]
    assert made_with in header and made_with in footer
    assert f'<meta name="generator" content="tco {__version__}">' in text
    assert f'<meta name="date" content="{TODAY}">' in text


def test_markup_in_names_is_escaped(tmp_path_factory: pytest.TempPathFactory) -> None:
    _, text, _ = made_for("odd", tmp_path_factory)
    page = parse(text)
    assert "b" not in {tag for tag, _ in page.tags}
    assert "&lt;script&gt;" in text and "Owned &lt;GPU&gt;" in text
    assert page.tables["summary"][1][0] == "=API<script>"
    assert 'Odd <b>&</b> "quoted" scenario' in "".join(page.texts.values())


def test_cumulative_chart_marks_and_words(tmp_path_factory: pytest.TempPathFactory) -> None:
    """THREE: Rented GPU breaks even in month 3 and is marked; Owned GPU never does and is said to."""
    _, text, _ = made_for("three", tmp_path_factory)
    figure = text[text.index('<figure data-chart="cumulative">'):]
    figure = figure[:figure.index("</figure>")]
    assert 'id="cumulative-break-even-1"' in figure
    assert 'id="cumulative-break-even-2"' not in figure
    assert "Rented GPU breaks even with API in month 3 (after 2.9 months)." in figure
    assert "Owned GPU never breaks even with API within 12 months: it costs $29.7K more." in figure
    assert "<!-- Rented GPU: break-even vs API, month 3 -->" in figure


def test_optional_sections_only_when_given(tmp_path_factory: pytest.TempPathFactory) -> None:
    path, plain, _ = made_for("three", tmp_path_factory)
    loaded = load_scenario(str(path))
    c = compare_loaded(loaded)
    assert 'id="sizing"' in plain and 'id="simulation"' not in plain and 'id="sensitivity"' not in plain
    bare = build_report(c, THREE, cost_by_volume(c, loaded.inputs))
    assert 'id="sizing"' not in bare and 'id="simulation"' not in bare and 'id="sensitivity"' not in bare
    text = build_report(
        c, THREE, cost_by_volume(c, loaded.inputs),
        sizing=SizingSection(["Option", "GPU", "Fits", "GPUs"], [["Rented GPU", "H100 <80GB>", "yes", "1"]],
                             notes=["Memory fit at bf16."]),
        simulation=SimulationSection(runs=2000, seed=7, percentiles=["P5", "P50", "P95"],
                                     totals={"API": [30_000.4, 33_600, 37_000.6]},
                                     break_even_months={"Rented GPU": [2.1, 2.9, None]}),
        sensitivity=SensitivitySection("Savings of Rented GPU vs API", 3080,
                                       [TornadoBar("workload.requests_per_day", "0.5M", "2M", -1200, 9000),
                                        TornadoBar("hourly_rate_per_gpu", "$1.5", "$3", 4000, 2000)]),
    )
    page = parse(text)
    ids = [a.get("id") for tag, a in page.tags if tag == "section"]
    assert ids == [*SECTIONS[:6], "sizing", "simulation", "sensitivity", *SECTIONS[6:]]
    assert page.tables["sizing"] == [["Option", "GPU", "Fits", "GPUs"], ["Rented GPU", "H100 <80GB>", "yes", "1"]]
    assert page.tables["simulation-totals"] == [["Option", "Total P5", "Total P50", "Total P95"],
                                                ["API", "$30,000", "$33,600", "$37,001"]]
    assert page.tables["simulation-break-even"][1] == ["Rented GPU", "2.1", "2.9", "never"]
    assert "2,000 runs, seed 7." in page.texts["simulation"]
    assert page.tables["sensitivity"][1] == ["workload.requests_per_day", "0.5M", "2M", "-$1,200", "$9,000",
                                             "$10,200"]  # largest swing first
    assert 'id="tornado-low"' in text and "Base case: $3,080." in page.texts["sensitivity"]


def test_report_to_stdout_when_piped_with_overrides(tmp_path: Path) -> None:
    path = tmp_path / "three.yaml"
    path.write_text(THREE, encoding="utf-8")
    result = run("report", path, "--set", "options.API.discount=10%")  # CliRunner's stdout is no terminal
    assert result.exit_code == 0, result.stderr
    # The only message: Owned GPU's book value at the end, which the cash basis does not credit.
    assert result.stderr.count("warning: ") == 1 and "finance.terminal_value: book would" in result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>\n")
    assert "Override: --set options.API.discount=10%" in result.stdout
    summary = parse(result.stdout).tables["summary"]
    assert summary[1][2] == "$30,240"  # $33,600 less 10%


def test_report_bad_scenario(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(THREE.replace("horizon_months: 12", "horizon_months: 0"), encoding="utf-8")
    out = tmp_path / "report.html"
    result = run("report", path, "-o", out)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:2:")
    assert not out.exists()


def test_report_without_self_hosted_option(tmp_path: Path) -> None:
    from tests.render.test_chart import API_ONLY

    path = tmp_path / "api.yaml"
    path.write_text(API_ONLY, encoding="utf-8")
    result = run("report", path)
    assert result.exit_code == 0, result.stderr
    page = parse(result.stdout)
    assert [a.get("id") for tag, a in page.tags if tag == "section"] == SECTIONS
    assert "No break-even to measure" in page.texts["break-even"]
    assert page.tables["summary"][2][2] == "CHF 0"


def test_sizing_equals_tco_size(made: tuple[Path, str, Any]) -> None:
    """The capacity section shows what `tco size SCENARIO --format json` reports, option by option."""
    scenario, text, _data = made
    result = run("size", scenario, "--format", "json")
    assert result.exit_code == 0, result.stderr
    sized = json.loads(result.stdout)
    sized = sized if isinstance(sized, list) else [sized]
    header, *rows = parse(text).tables["sizing"]
    assert header[0] == "Option" and header[8] == "Effective output tok/s per GPU"
    assert [row[0] for row in rows] == [s["option"] for s in sized]
    for row, s in zip(rows, sized, strict=True):
        assert row[2].startswith(f"{s['gpus_per_replica']} GPU")
        # the JSON carries the figure rounded, the page whole tokens/s: equal to within the rounding
        assert abs(float(row[8].replace(",", "")) - s["effective_output_tokens_per_second_per_gpu"]) <= 0.51
        assert row[9] == s["source"]
        assert row[11] == (s["engine"] or "-")
        slo = s["slo"]
        if slo is not None:
            target = slo["target"]
            assert row[12].startswith(target["name"] if target["name"] != "custom" else "TTFT")
            assert row[13:] == [f"{slo['concurrency']:,}", f"{slo['ttft_ms']:,.0f} ms", f"{slo['tpot_ms']:,.1f} ms"]
        elif not s["latency"]:
            assert row[11:] == ["-"] * 5


def test_the_capacity_section_has_a_latency_chart_per_option_with_a_target(tmp_path: Path) -> None:
    """Beside the table: each self-hosted option's latency chart, the target drawn as a line at the speed per
    user its TPOT allows, the operating point ringed and said in the caption; the table gains engine, target,
    requests in flight and the predicted TTFT/TPOT."""
    from tests.render.test_chart import LATENCY

    path = tmp_path / "latency.yaml"
    path.write_text(LATENCY, encoding="utf-8")
    text, _ = report_of(path, tmp_path)
    page = parse(text)
    header = page.tables["sizing"][0]
    assert header[11:] == ["Engine", "Latency target", "Requests in flight a replica", "TTFT, predicted mean",
                           "TPOT, predicted mean"]
    rows = {row[0]: row for row in page.tables["sizing"][1:]}
    assert rows["Llama on H100"][11:13] == ["vllm", "chat (TTFT <= 800 ms, TPOT <= 30 ms)"]
    assert rows["Llama offline"][11:13] == ["trtllm", "none (offline maximum)"]
    assert rows["Inline"][11:] == ["-"] * 5
    section = text[text.index('<section id="sizing">'):]
    section = section[:section.index("</section>")]
    assert section.count("<figure ") == 2  # Inline has no latency model
    served = section[section.index('<figure data-chart="latency-1">'):]
    served = served[:served.index("</figure>")]
    assert 'id="latency-1-target-1"' in served and 'id="latency-1-operating-point-1"' in served
    assert "Dotted line: chat (TTFT &lt;= 800 ms, TPOT &lt;= 30 ms), the TPOT of which allows 33.3 tokens/s per " \
        "user." in served
    assert "Llama on H100 meets chat (TTFT &lt;= 800 ms, TPOT &lt;= 30 ms) up to " in served
    offline = section[section.index('<figure data-chart="latency-2">'):]
    assert 'id="latency-2-target-1"' not in offline[:offline.index("</figure>")]
    assert "<h3>Latency: Llama on H100</h3>" in section
    assert "queue for a place" not in section  # a note about `tco size`'s rows past the KV cache: none shown here


def test_a_scenario_with_ranges_gets_the_simulation_and_the_tornado(tmp_path: Path) -> None:
    """With ranges, the report holds `tco simulate`'s percentiles (same runs and seed) and the tornado
    of `tco sensitivity`; without, neither section (test_every_section_and_nothing_external)."""
    scenario = REPO / "scenarios" / "support-assistant.yaml"
    ranges = ["--set", "workload.requests_per_day={low: 50K, high: 300K}",
              "--set", "options.GPT-4.1.price_change_per_year={low: -40%, high: 0}"]
    out = tmp_path / "r.html"
    result = run("report", scenario, "-o", out, "--runs", "2000", "--seed", "3", *ranges)
    assert result.exit_code == 0, result.stderr
    page = parse(out.read_text(encoding="utf-8"))
    ids = [a.get("id") for tag, a in page.tags if tag == "section"]
    assert ids == [*SECTIONS[:6], "sizing", "simulation", "sensitivity", *SECTIONS[6:]]
    simulated = json.loads(run("simulate", scenario, "--runs", "2000", "--seed", "3", "-f", "json", *ranges).stdout)
    (pair,) = simulated["results"]
    rows = {row[0]: row[1:] for row in page.tables["simulation-totals"][1:]}
    total = pair["total"]
    assert rows[pair["option"]] == [full(total[p], "$") for p in ("p10", "p50", "p90")]
    months = {row[0]: row[1:] for row in page.tables["simulation-break-even"][1:]}
    month = pair["break_even_month"]
    assert months[pair["option"]] == ["never" if month[p] is None else str(month[p]) for p in ("p10", "p50", "p90")]
    assert f"in {pair['probability_cheaper']:.1%} of runs" in page.texts["simulation"]
    assert "workload.requests_per_day" in page.texts["sensitivity"]


def test_reads_on_a_phone_and_prints_headings_with_their_content(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Review of review, from screenshots at 375 px: the charts shrank to the phone's width, their
    labels to about 5 px, unreadable; the assumptions table showed only field names, its values and
    sources scrolled out of sight. On a narrow screen a chart now keeps a legible width in its own
    sideways scroller (its caption stays put), and each assumption is a block of labelled lines.
    Printed, a sub-heading is kept with what follows it and the scenario file may break across pages
    (kept whole, it left its heading alone at the foot of a page)."""
    _, text, _ = made_for("three", tmp_path_factory)
    style = text[text.index("<style>"):text.index("</style>")]
    narrow = style[style.index("@media screen and (max-width: 40rem)"):]
    narrow = narrow[:narrow.index("\n}\n")]
    assert ".chart-wrap { overflow-x: auto; }" in narrow
    assert ".chart-wrap svg { width: 36rem; max-width: none; }" in narrow
    assert "table.stack td::before { content: attr(data-label)" in narrow
    figure = text[text.index('<figure data-chart="cumulative">'):]
    assert figure.startswith('<figure data-chart="cumulative"><div class="chart-wrap"><svg ')
    assert figure.index("</svg></div><figcaption>") < figure.index("</figure>")
    page = parse(text)
    assert ("table", {"data-table": "assumptions", "class": "stack"}) in page.tags
    table = text[text.index('data-table="assumptions"'):]
    table = table[:table.index("</table>")]
    rows = table.split("<tr>")[2:]  # past the header row
    assert rows and all(row.count('<td data-label="Field"') == 1 and row.count('<td data-label="Value"') == 1
                        and row.count('data-label="Source"') == 1 for row in rows)
    printed = style[style.index("@media print"):]
    assert "h2, h3, h2 + .meta { break-after: avoid; }" in printed
    assert "figure, .table-wrap, table { break-inside: avoid; }" in printed
