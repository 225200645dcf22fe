"""A shared scenario or pricing table cannot drive its reader's terminal: names, notes and every other
text a user wrote reach table, Markdown and terminal-chart output with their control characters
(ESC sequences, bell, C1 codes) and bidi overrides written as escapes, the way error messages show
them; CSV and JSON keep the exact text."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import unicodedata
import warnings
from pathlib import Path
from xml.dom import minidom

import pytest
from clirun import run
from terminal import ANSI, run_on_terminal

from tco.errors import inert

# Retitles the window, clears the screen and turns the text red; then a right-to-left override.
TAKEOVER = "\x1b]0;owned\x07\x1b[2J\x1b[31mRED"
BIDI = "evil\u202etxt.exe"
SCENARIO_NAME = "\x1b[5mblink\u202eevil\x9b31m"

SCENARIO = """\
name: {name}
horizon_months: 12
start: 2027-01
currency: {currency}
baseline: {api}
workload:
  requests_per_day: {{low: 100K, high: 200K}}
  input_tokens_per_request: 1800
  output_tokens_per_request: 350
  peak_to_average: 2.5
options:
  - name: {api}
    kind: api
    model: openai/gpt-4.1
  - name: {hosted}
    kind: self_hosted
    model: {model}
    gpu: h100-sxm
    precision: fp8
    cloud: lambda
    staff: {{fte: 0.5, cost_per_fte_year: 220K}}
  - name: {hybrid}
    kind: hybrid
    self_hosted: {hosted}
    overflow_to: {api}
    size_for: p75
"""

MODELS = """\
{key}:
  name: {name}
  params_b: 8.03
  active_params_b: 8.03
  layers: 32
  hidden: 4096
  attention_heads: 32
  kv_heads: 8
  head_dim: 128
  intermediate_size: 14336
  vocab_size: 128256
  context: 131072
  kv_bytes_per_token_bf16: 131072
  attention: "gqa"
  license: {name}
  source: {name}
  as_of: 2026-11-20
"""

API = """\
{key}:
  input: 2.0
  output: 8.0
  notes: {name}
  source: {name}
  as_of: 2026-11-20
"""

BIDI_CONTROLS = {"\u061c", "\u200e", "\u200f", *(chr(c) for c in range(0x202A, 0x202F)),
                 *(chr(c) for c in range(0x2066, 0x206A))}


def quoted(text: str) -> str:
    return json.dumps(text)  # a YAML double-quoted scalar with the same escapes


def controls_in(text: str) -> list[str]:
    """Every character of `text` a terminal would act on: C0 (but the line feed), DEL, C1, bidi
    controls and other invisible format characters."""
    return sorted({ch for ch in text if ch != "\n" and (unicodedata.category(ch) in ("Cc", "Cf")
                                                         or ch in BIDI_CONTROLS)})


@pytest.fixture(scope="module")
def pricing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pricing")
    (folder / "models.yaml").write_text(MODELS.format(key="hostile-8b", name=quoted(TAKEOVER + BIDI)),
                                        encoding="utf-8")
    (folder / "api.yaml").write_text(API.format(key="acme/hostile", name=quoted(BIDI + TAKEOVER)), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "hostile.yaml"
    path.write_text(SCENARIO.format(name=quoted(SCENARIO_NAME), currency=quoted("\x1b[8m"), api=quoted(TAKEOVER),
                                    hosted=quoted(BIDI), hybrid=quoted("mix\x07\u2066"),
                                    model="hostile-8b"), encoding="utf-8")
    return path


def test_inert_writes_controls_as_escapes_and_leaves_text_alone() -> None:
    assert inert(TAKEOVER) == "\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mRED"
    assert inert(BIDI) == "evil\\u202etxt.exe"
    assert inert("a\nb\tc\x9b") == "a\\nb\\tc\\x9b"
    for text in ("GPT-4.1", "Llama 3.1 70B on rented H100", "Ünïcødé 東京 €", "C:\\path", "'quoted'"):
        assert inert(text) == text
    assert inert(inert(TAKEOVER)) == inert(TAKEOVER)  # escaping twice changes nothing more


COMMANDS = [
    ["compare", "{s}"],
    ["compare", "{s}", "--format", "markdown"],
    ["compare", "{s}", "--monthly"],
    ["compare", "{s}", "--format", "markdown", "--monthly"],
    ["compare", "{s}", "--chart"],
    ["sensitivity", "{s}"],
    ["sensitivity", "{s}", "--all"],
    ["sweep", "{s}", "--vary", "workload.input_tokens_per_request=1000..3000", "--steps", "3"],
    ["sweep", "{s}", "--vary", "workload.input_tokens_per_request=1000..3000", "--steps", "3",
     "--vary", "options.1.staff.fte=0.5..1"],
    ["simulate", "{s}", "-n", "200"],
    ["optimize", "{s}", "--hybrid", "mix\x07\u2066"],
    ["size", "{s}"],
    ["chart", "{s}", "--format", "text"],
    ["chart", "{s}", "--format", "text", "--kind", "monthly"],
    ["validate", "{s}"],
    ["pricing", "list"],
    ["pricing", "list", "models"],
    ["pricing", "show", "models", "hostile-8b"],
    ["pricing", "show", "api", "acme/hostile"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:1] + a[2:4]))
def test_no_control_character_reaches_human_output(args: list[str], scenario: Path, pricing: Path) -> None:
    result = run(*(a.format(s=scenario) for a in args), "--pricing", pricing)
    assert result.exit_code == 0, result.output
    assert controls_in(result.stdout) == [], result.stdout
    assert controls_in(result.stderr) == [], result.stderr
    if args[0] in ("compare", "sweep", "simulate", "sensitivity", "optimize") or "show" in args:
        assert "RED" in result.stdout or "txt.exe" in result.stdout  # the names are shown, escaped


def test_the_names_are_shown_escaped(scenario: Path, pricing: Path) -> None:
    result = run("compare", scenario, "--pricing", pricing, "--format", "markdown")
    assert inert(TAKEOVER) in result.stdout
    assert inert(BIDI) in result.stdout
    assert inert(SCENARIO_NAME) in result.stdout


def test_a_terminal_gets_only_tco_s_own_styles(scenario: Path, pricing: Path) -> None:
    """On a colour terminal the only escape sequences are tco's own colours, whatever the names hold."""
    for args in (["compare", str(scenario)], ["simulate", str(scenario), "-n", "100"],
                 ["compare", str(scenario), "--chart"]):
        shown = run_on_terminal([*args, "--pricing", str(pricing)], 100, colour=True)
        assert shown.exit_code == 0, shown.stderr
        assert "\x1b[" in shown.raw  # in colour
        assert controls_in(ANSI.sub("", shown.raw)) == [], shown.raw
        assert "\x1b[2J" not in shown.raw and "\x1b[5m" not in shown.raw


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_json_and_csv_keep_the_exact_names(fmt: str, scenario: Path, pricing: Path) -> None:
    result = run("compare", scenario, "--pricing", pricing, "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        data = json.loads(result.stdout)
        names = [o["name"] for o in (data[0] if isinstance(data, list) else data)["options"]]
        assert TAKEOVER in names and BIDI in names
    else:
        assert BIDI in result.stdout  # a bidi override is no formula: the cell is the name as written


def test_errors_and_warnings_are_inert_too(scenario: Path, pricing: Path) -> None:
    """A message shows the text it quotes, and the `--set` it blames, with the same escapes."""
    for args in (["--set", f"options.{BIDI}\x07x.discount=1"], ["--set", f"workload.requests_per_day={BIDI}"]):
        result = run("compare", scenario, "--pricing", pricing, *args)
        assert result.exit_code == 1
        assert controls_in(result.stderr) == [] and "\\u202e" in result.stderr, result.stderr
    warned = run("compare", scenario, "--pricing", pricing, "--set", "options.1.acquisition=buy",
                 "--set", "options.1.purchase_price_per_gpu=10M", "--set", "options.1.lifetime_months=120")
    assert warned.exit_code == 0, warned.output
    assert "warning:" in warned.stderr and inert(BIDI) in warned.stderr, warned.stderr
    assert controls_in(warned.stderr) == []


# --- images and the HTML report ---------------------------------------------------------------------
# The same names reach chart images and the report page: a raw ESC there made the SVG unparseable as
# XML and put matplotlib's "Glyph 27 missing" warning on stderr. They show the escapes the text does.

C0_BUT_WHITESPACE = {chr(c) for c in range(0x20)} - {"\t", "\n", "\r"}


def raw_controls(text: str) -> list[str]:
    """Every C0 control character of `text` but tab, line feed and carriage return, and DEL."""
    return sorted({ch for ch in text if ch in C0_BUT_WHITESPACE or ch == "\x7f"})


def glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


@pytest.mark.parametrize("kind", ["cumulative", "monthly", "volume", "latency"])
def test_svg_charts_show_the_names_escaped_and_parse_as_xml(kind: str, scenario: Path, pricing: Path,
                                                            tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    image = tmp_path / f"{kind}.svg"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        to_file = run("chart", scenario, "--pricing", pricing, "--kind", kind, "-o", image)
        to_stdout = run("chart", scenario, "--pricing", pricing, "--kind", kind, "--format", "svg")
    for result in (to_file, to_stdout):
        assert result.exit_code == 0, result.output
        assert "UserWarning" not in result.stderr and controls_in(result.stderr) == [], result.stderr
    assert glyph_warnings(caught) == []
    for svg in (image.read_text(encoding="utf-8"), to_stdout.stdout):
        assert raw_controls(svg) == []
        minidom.parseString(svg.encode("utf-8"))  # well-formed XML
        # matplotlib keeps each text drawn as paths in a comment: the scenario's name is in the title
        assert html.escape(inert(SCENARIO_NAME), quote=False) in svg


def test_a_png_chart_of_such_names_puts_no_python_warning_on_stderr(scenario: Path, pricing: Path,
                                                                    tmp_path: Path) -> None:
    """In a fresh interpreter, so stderr is what a user sees (pytest would catch the warning itself)."""
    pytest.importorskip("matplotlib")
    image = tmp_path / "chart.png"
    result = subprocess.run([sys.executable, "-m", "tco", "chart", str(scenario), "--pricing", str(pricing),
                             "-o", str(image)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "Glyph" not in result.stderr, result.stderr
    assert controls_in(result.stderr) == [], result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith("warning: ")] == [f"wrote {image}"]
    assert image.read_bytes().startswith(b"\x89PNG")


def test_the_report_holds_no_control_character(scenario: Path, pricing: Path) -> None:
    pytest.importorskip("matplotlib")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run("report", scenario, "--pricing", pricing, "-n", "200")
    assert result.exit_code == 0, result.output
    assert glyph_warnings(caught) == []
    page = result.stdout
    assert controls_in(page) == [], sorted({repr(ch) for ch in controls_in(page)})
    assert controls_in(result.stderr) == [], result.stderr
    shown = html.escape(inert(SCENARIO_NAME))
    assert f"<h1>{shown}</h1>" in page
    assert f'aria-label="{shown}: cumulative cost"' in page  # the charts' accessible names
    assert f"<li>{html.escape(inert(BIDI))} never breaks even" in page or \
        f"<li>{html.escape(inert(BIDI))} breaks even" in page  # a figure's caption
    for section in ("sizing", "simulation", "sensitivity"):  # the optional sections' figures and tables too
        assert f'id="{section}"' in page
