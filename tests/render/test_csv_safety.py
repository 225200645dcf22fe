"""Every CSV tco writes parses back to its rows and columns, and no spreadsheet can run a cell of it:
names built to break out of a cell (a carriage return, a line feed, a tab, then a formula) come
back inert and whole, from every command that writes CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from clirun import run

from tco.render.csv import csv_cell
from tco.render.numbers import number_kind

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Each breaks a naive writer in its own way: a bare CR ends the row in most readers, LF too, a tab
# or `=` starts a formula, a quote or comma splits the cell.
HOSTILE = ["\r=1+1", "\n@SUM(A1)", "\t=cmd|' /C calc'!A0", "-2+3", "+1", "=HYPERLINK(\"x\")", "a\rb=1", "x\ny",
           'say "hi", then', "@me"]

SCENARIO = """\
name: {name}
horizon_months: 6
workload: {{input_tokens_per_month: 1B, output_tokens_per_month: 100M, load_profile: office_hours}}
options:
  - name: {api}
    kind: api
    price: {{input: 2, output: 8}}
    discount: 10%
  - name: {hosted}
    kind: self_hosted
    throughput: {{input_tokens_per_second: 10000, output_tokens_per_second: 1000}}
    hourly_rate_per_gpu: 2
    staff: {{fte: 0.1, cost_per_fte_year: 120K}}
  - name: {hybrid}
    kind: hybrid
    self_hosted: {hosted}
    overflow_to: {api}
    size_for: p75
"""


def quoted(text: str) -> str:
    return json.dumps(text)  # a YAML double-quoted scalar with the same escapes




@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.yaml"
    path.write_text(SCENARIO.format(name=quoted(HOSTILE[0]), api=quoted(HOSTILE[1]), hosted=quoted(HOSTILE[2]),
                                    hybrid=quoted(HOSTILE[6])), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def prices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user pricing folder whose entry names are hostile (a hand-edited table)."""
    folder = tmp_path_factory.mktemp("prices")
    lines = [f"{quoted(name)}:\n  input: 1\n  output: 2\n  notes: {quoted(name)}\n  as_of: 2026-11-01\n"
             for name in HOSTILE]
    (folder / "api.yaml").write_text("".join(lines), encoding="utf-8")
    (folder / "gpus.yaml").write_text(f"{quoted(HOSTILE[3])}:\n  name: {quoted(HOSTILE[0])}\n  memory_gb: 80\n"
                                      "  bandwidth_tb_s: 3\n  bf16_tflops: 900\n  rent_per_hour: {x: 2}\n",
                                      encoding="utf-8")
    return folder


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_safe(text: str, rows: int, what: str) -> list[list[str]]:
    """`rows` data rows under a header, every row as wide as the header, no cell a formula."""
    table = parsed(text)
    assert len(table) == rows + 1, (what, len(table), rows + 1)
    assert {len(row) for row in table} == {len(table[0])}, what
    for row in table:
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                float(cell)  # only a number may start so (a negative number is a number)
            assert "\r" not in cell or cell.startswith("'"), (what, cell)
    return table


def test_every_csv_output_parses_back_and_runs_nothing(hostile: Path, tmp_path: Path) -> None:
    data = json.loads(run("compare", hostile, "--format", "json").stdout)
    options = len(data["options"])
    sweep_args = ["--vary", "options[0].discount=0..40%", "--steps", "3"]
    sim_args = ["--runs", "20", "--set", "options[0].discount={low: 0, high: 20%}"]
    sensitivity = json.loads(run("sensitivity", hostile, "--all", "--format", "json").stdout)
    optimize_args = ["--hybrid", HOSTILE[2], "--overflow", HOSTILE[1]]
    optimized = json.loads(run("optimize", hostile, *optimize_args, "--format", "json").stdout)
    samples = tmp_path / "samples.csv"
    outputs = {
        "compare": (run("compare", hostile, "--format", "csv"), options),
        "compare --monthly": (run("compare", hostile, "--format", "csv", "--monthly"), options * 6),
        "export": (run("export", hostile), options * 6),
        "simulate": (run("simulate", hostile, *sim_args, "--format", "csv", "--samples", samples), 2),
        "sensitivity": (run("sensitivity", hostile, "--all", "--format", "csv"),
                        sum(len(t["inputs"]) for t in sensitivity["tornados"])),
        "sweep": (run("sweep", hostile, *sweep_args, "--format", "csv"), 3),
        "optimize": (run("optimize", hostile, *optimize_args, "--format", "csv"),
                     len(optimized["fixed_fleets"]) + len(optimized["size_rules"])),
    }
    for what, (result, rows) in outputs.items():
        assert result.exit_code == 0, (what, result.stderr)
        assert_safe(result.stdout, rows, what)
    assert_safe(samples.read_text(encoding="utf-8"), 20, "simulate --samples")
    # The names come back whole, with the apostrophe that keeps them text.
    table = parsed(outputs["compare"][0].stdout)
    assert [row[1] for row in table[1:]] == ["'" + HOSTILE[1], "'" + HOSTILE[2], "'" + HOSTILE[6]]
    assert {row[0] for row in table[1:]} == {"'" + HOSTILE[0]}
    assert float(table[2][table[0].index("savings_at_horizon")]) != 0


@pytest.mark.parametrize("kind", [None, "api", "gpus"])
def test_pricing_list_csv_parses_back_and_runs_nothing(kind: str | None, prices: Path) -> None:
    args = ["pricing", "list", *([kind] if kind else []), "--pricing", prices]
    entries = json.loads(run(*args, "--format", "json").stdout)
    result = run(*args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    table = assert_safe(result.stdout, len(entries), f"pricing list {kind}")
    names = {row[table[0].index("name")] for row in table[1:]}
    if kind != "gpus":
        assert {"'" + name if name.startswith(FORMULA_STARTS) or "\r" in name or "\n" in name else name
                for name in HOSTILE} <= names


@pytest.mark.parametrize(("cell", "written"), [
    ("=SUM(A1)", "\"'=SUM(A1)\""), ("+1", "\"'+1\""), ("-x", "\"'-x\""), ("@cmd", "\"'@cmd\""),
    ("\tx", "\"'\tx\""), ("\rx", "\"'\rx\""), ("\nx", "\"'\nx\""), ("a\rb", "\"'a\rb\""), ("a\nb", "\"'a\nb\""),
    ("GPT-4.1", "GPT-4.1"), ("a,b", '"a,b"'), ('say "x"', '"say ""x"""'), ("", ""),
    (-5.0, "-5.0"), (3, "3"), (0.1, "0.1"), (None, ""),
])
def test_the_one_cell_escaping(cell: object, written: str) -> None:
    assert csv_cell(cell) == written


def test_every_csv_output_writes_numbers_without_float_noise(hostile: Path) -> None:
    """The one escaping and the one number writing meet in every CSV writer: token counts are whole,
    money and other figures carry no float noise, and the summary's month-1 volume and the export's
    terminal_value column come through both."""
    outputs = {
        "compare": run("compare", hostile, "--format", "csv").stdout,
        "export": run("export", hostile).stdout,
        "optimize": run("optimize", hostile, "--hybrid", HOSTILE[2], "--overflow", HOSTILE[1], "--format",
                        "csv").stdout,
        "sweep": run("sweep", hostile, "--vary", "options[0].discount=0..40%", "--steps", "3", "--format",
                     "csv").stdout,
    }
    for what, text in outputs.items():
        table = parsed(text)
        header = table[0]
        for row in table[1:]:
            for column, cell in zip(header, row, strict=True):
                if not cell.lstrip("-")[:1].isdigit() or "e" in cell or "." not in cell:
                    continue  # text, a whole number, or a number too large or small for noise to show
                if number_kind(column) == "money":
                    assert len(cell.split(".")[1]) <= 6, (what, column, cell)
                else:  # 12 significant digits at most
                    assert len(cell.lstrip("-").replace(".", "").lstrip("0")) <= 12, (what, column, cell)
    summary = parsed(outputs["compare"])
    assert summary[0][-3:] == ["month1_input_tokens", "month1_output_tokens", "month1_requests_per_day"]
    assert {(row[-3], row[-2], row[-1]) for row in summary[1:]} == {("1000000000", "100000000", "")}
    assert "terminal_value" in parsed(outputs["export"])[0]
