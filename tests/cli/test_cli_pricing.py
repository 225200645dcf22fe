"""`tco pricing ...` and the stale-price warnings of `tco compare`, through typer's CliRunner."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from clirun import run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LITELLM = FIXTURES / "litellm" / "model_prices_and_context_window.json"
BUNDLED_API = ROOT / "pricing" / "api.yaml"

PRICED = """\
name: Table priced
horizon_months: 3
workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
options:
  - name: GPT-4.1
    kind: api
    model: openai/gpt-4.1
"""




def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "priced.yaml"
    path.write_text(PRICED, encoding="utf-8")
    return path


def option(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(o for o in data["options"] if o["name"] == name)


# --- acceptance: a one-field overlay -------------------------------------------------------------


def test_set_one_field_and_compare_uses_it_naming_the_user_file(tmp_path: Path) -> None:
    prices = tmp_path / "prices"
    result = run("pricing", "set", "api", "openai/gpt-4.1", "input=1.5", "--pricing", prices)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    user_file = prices / "api.yaml"
    assert result.stderr == f"added api openai/gpt-4.1 in {user_file}\n"
    assert user_file.read_text().endswith("\nopenai/gpt-4.1:\n  input: 1.5\n  as_of: 2026-11-27\n")

    compared = run("compare", scenario(tmp_path), "--pricing", prices, "--format", "json")
    assert compared.exit_code == 0, compared.stderr
    data = json.loads(compared.stdout)
    assert option(data, "GPT-4.1")["total"] == pytest.approx(3 * (1.5 * 1000 + 8 * 100))  # output still bundled
    sources = {a["field"]: a["source"] for a in data["assumptions"]}
    assert sources["options.GPT-4.1.price.input"].startswith(f"{user_file}:")
    assert "as of 2026-11-27" in sources["options.GPT-4.1.price.input"]
    assert "pricing/api.yaml" in sources["options.GPT-4.1.price.output"]


def test_invalid_set_exits_1_and_leaves_the_file_byte_identical(tmp_path: Path) -> None:
    prices = tmp_path / "prices"
    assert run("pricing", "set", "api", "openai/gpt-4.1", "input=1.5", "--pricing", prices).exit_code == 0
    before = (prices / "api.yaml").read_bytes()
    result = run("pricing", "set", "api", "openai/gpt-4.1", "input=-2", "outptu=3", "cached_input=cheap",
                 "--pricing", prices)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "input=-2: openai/gpt-4.1.input: must not be negative (got -2)",
        "outptu=3: openai/gpt-4.1.outptu: unknown field in api.yaml; did you mean 'output'?",
        "cached_input=cheap: openai/gpt-4.1.cached_input: 'cheap' is not a number such as 2.5M or 750K",
    ]
    assert (prices / "api.yaml").read_bytes() == before


def test_set_unknown_table_is_a_usage_error(tmp_path: Path) -> None:
    result = run("pricing", "set", "apis", "x", "input=1", "--pricing", tmp_path)
    assert result.exit_code == 2


def test_set_writes_to_the_configuration_folder_by_default(isolated_home: Path) -> None:
    result = run("pricing", "set", "gpus", "h100-sxm", "rent_per_hour.lambda=2.49")
    assert result.exit_code == 0, result.stderr
    assert (isolated_home / ".config" / "tco" / "pricing" / "gpus.yaml").is_file()
    shown = run("pricing", "show", "gpus", "h100-sxm", "--format", "json")
    rent = next(f for f in json.loads(shown.stdout)["fields"] if f["field"] == "rent_per_hour.lambda")
    assert rent["value"] == 2.49 and rent["origin"] == "user"


def test_remove(tmp_path: Path) -> None:
    prices = tmp_path / "prices"
    run("pricing", "set", "api", "acme/model", "input=1", "output=2", "--pricing", prices)
    result = run("pricing", "remove", "api", "acme/model", "--pricing", prices)
    assert result.exit_code == 0, result.stderr
    assert "acme/model" not in (prices / "api.yaml").read_text()
    again = run("pricing", "remove", "api", "acme/model", "--pricing", prices)
    assert again.exit_code == 1 and "is not in this file" in again.stderr
    bundled = run("pricing", "remove", "api", "openai/gpt-4o", "--pricing", prices)
    assert bundled.exit_code == 1 and "bundled entry" in bundled.stderr


# --- browse ------------------------------------------------------------------------------------


def test_list_search_table_and_formats(tmp_path: Path) -> None:
    result = run("pricing", "list", "api", "--search", "GPT-4.1")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "|", "input", "|", "output", "|", "cached_input", "|", "batch_discount", "|",
                                "training", "|", "as_of", "|", "origin"]
    assert [line.split()[0] for line in lines[2:]] == ["openai/gpt-4.1", "openai/gpt-4.1-mini", "openai/ft:gpt-4.1",
                                                        "openai/ft:gpt-4.1-mini"]
    assert all(ord(c) < 128 for c in result.stdout)  # plain ASCII when piped

    as_csv = run("pricing", "list", "api", "--search", "gpt-4.1", "--format", "csv")
    assert as_csv.stdout.splitlines()[:2] == ["name,input,output,cached_input,batch_discount,training,as_of,origin",
                                              "openai/gpt-4.1,2,8,0.5,0.5,,2026-11-20,bundled"]
    assert as_csv.stdout.splitlines()[3] == "openai/ft:gpt-4.1,3,12,0.75,0.5,25,2026-11-20,bundled"
    out = tmp_path / "list.json"
    as_json = run("pricing", "list", "--search", "h100", "--format", "json", "-o", out)
    assert as_json.exit_code == 0 and as_json.stdout == ""
    rows = json.loads(out.read_text())
    assert next((r["table"], r["name"]) for r in rows) == ("gpus", "h100-sxm")
    assert rows[0]["fields"]["rent_per_hour"]["lambda"] == 2.99


def test_list_marks_user_entries(tmp_path: Path) -> None:
    run("pricing", "set", "api", "openai/gpt-4.1", "input=1.5", "--pricing", tmp_path)
    run("pricing", "set", "api", "acme/mine", "input=1", "output=2", "--pricing", tmp_path)
    data = json.loads(run("pricing", "list", "api", "--format", "json", "--pricing", tmp_path).stdout)
    origins = {r["name"]: r["origin"] for r in data}
    assert origins["openai/gpt-4.1"] == "bundled+user"
    assert origins["acme/mine"] == "user"
    assert origins["openai/gpt-4o"] == "bundled"


def test_show_names_file_line_and_as_of_for_every_field(tmp_path: Path) -> None:
    run("pricing", "set", "api", "openai/gpt-4.1", "input=1.5", "--pricing", tmp_path)
    result = run("pricing", "show", "api", "openai/gpt-4.1", "--pricing", tmp_path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    fields = {f["field"]: f for f in json.loads(result.stdout)["fields"]}
    user_text = (tmp_path / "api.yaml").read_text().splitlines()
    assert fields["input"]["origin"] == "user" and fields["input"]["as_of"] == "2026-11-27"
    assert user_text[fields["input"]["line"] - 1] == "  input: 1.5"
    assert fields["output"]["origin"] == "bundled" and fields["output"]["as_of"] == "2026-11-20"
    bundled_text = Path(fields["output"]["file"]).read_text().splitlines()
    assert bundled_text[fields["output"]["line"] - 1] == "  output: 8.0"

    table = run("pricing", "show", "api", "openai/gpt-4.1", "--pricing", tmp_path)
    assert f"{tmp_path / 'api.yaml'}:" in table.stdout and "bundled" in table.stdout


def test_show_unknown_entry_suggests(tmp_path: Path) -> None:
    result = run("pricing", "show", "gpus", "h100")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "'h100' is not in gpus.yaml; did you mean 'h100-sxm'" in result.stderr


# --- init --------------------------------------------------------------------------------------


def test_init_writes_commented_files_and_refuses_to_overwrite(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    result = run("pricing", "init", folder)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["api.yaml", "gpus.yaml", "models.yaml", "throughput.yaml"]
    assert "overlay rule" in (folder / "api.yaml").read_text()
    (folder / "api.yaml").write_text("openai/gpt-4.1: {input: 1}\n")
    again = run("pricing", "init", folder)
    assert again.exit_code == 1
    assert f"{folder / 'api.yaml'}: already exists; use --force" in again.stderr
    assert (folder / "api.yaml").read_text() == "openai/gpt-4.1: {input: 1}\n"
    assert run("pricing", "init", folder, "--force").exit_code == 0
    assert "overlay rule" in (folder / "api.yaml").read_text()
    assert run("compare", scenario(tmp_path), "--pricing", folder).exit_code == 0  # valid as written


def test_init_defaults_to_the_configuration_folder(isolated_home: Path) -> None:
    assert run("pricing", "init").exit_code == 0
    assert (isolated_home / ".config" / "tco" / "pricing" / "gpus.yaml").is_file()


def test_init_follows_pricing_and_the_environment(tmp_path: Path) -> None:
    assert run("pricing", "init", "--pricing", tmp_path / "a").exit_code == 0
    assert (tmp_path / "a" / "api.yaml").is_file()
    assert run("pricing", "init", env={"TCO_PRICING": str(tmp_path / "b")}).exit_code == 0
    assert (tmp_path / "b" / "api.yaml").is_file()


# --- edit --------------------------------------------------------------------------------------


def fake_editor(tmp_path: Path, *contents: str) -> dict[str, str]:
    """An $EDITOR that writes the next of `contents` into the file it is given, one per run."""
    script = tmp_path / "editor.py"
    for n, text in enumerate(contents):
        (tmp_path / f"edit{n}.yaml").write_text(text)
    script.write_text(
        "import sys, pathlib\n"
        f"folder = pathlib.Path({str(tmp_path)!r})\n"
        "count = folder / 'runs'\n"
        "n = int(count.read_text()) if count.exists() else 0\n"
        "count.write_text(str(n + 1))\n"
        "pathlib.Path(sys.argv[1]).write_text((folder / f'edit{n}.yaml').read_text())\n")
    return {"VISUAL": f"{sys.executable} {script}", "EDITOR": ""}


def test_edit_valid_file_is_written(tmp_path: Path) -> None:
    prices = tmp_path / "prices"
    env = fake_editor(tmp_path, "# mine\nopenai/gpt-4.1:\n  input: 1.25\n")
    result = run("pricing", "edit", "api", "--pricing", prices, env=env)
    assert result.exit_code == 0, result.stderr
    assert (prices / "api.yaml").read_text() == "# mine\nopenai/gpt-4.1:\n  input: 1.25\n"


def test_edit_invalid_then_reopen_then_fixed(tmp_path: Path) -> None:
    prices = tmp_path / "prices"
    env = fake_editor(tmp_path, "openai/gpt-4.1:\n  input: -1\n", "openai/gpt-4.1:\n  input: 1\n")
    result = run("pricing", "edit", "api", "--pricing", prices, env=env, input="y\n")
    assert result.exit_code == 0, result.stderr
    assert f"{prices / 'api.yaml'}:2:" in result.stderr and "must not be negative" in result.stderr
    assert (prices / "api.yaml").read_text() == "openai/gpt-4.1:\n  input: 1\n"


def test_edit_invalid_then_discard_leaves_the_file(tmp_path: Path) -> None:
    prices = tmp_path / "prices"
    run("pricing", "set", "api", "openai/gpt-4.1", "input=1.5", "--pricing", prices)
    before = (prices / "api.yaml").read_bytes()
    env = fake_editor(tmp_path, "openai/gpt-4.1:\n  inptu: 1\n")
    result = run("pricing", "edit", "api", "--pricing", prices, env=env, input="n\n")
    assert result.exit_code == 1
    assert "did you mean 'input'" in result.stderr and "edit discarded" in result.stderr
    assert (prices / "api.yaml").read_bytes() == before


def test_edit_without_changes(tmp_path: Path) -> None:
    script = tmp_path / "noop.py"
    script.write_text("pass\n")
    result = run("pricing", "edit", "gpus", "--pricing", tmp_path, env={"VISUAL": f"{sys.executable} {script}"})
    assert result.exit_code == 0
    assert "no changes" in result.stderr
    assert not (tmp_path / "gpus.yaml").exists()


# --- imports -----------------------------------------------------------------------------------


def test_import_litellm_dry_run_then_for_real(tmp_path: Path) -> None:
    dry = run("pricing", "import", "litellm", LITELLM, "--provider", "azure", "--dry-run", "--pricing", tmp_path)
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "added      azure/gpt-4.1: input 2; output 8; cached_input 0.5; batch_discount 0.5",
        "added      azure/codex-mini: input 1.5; output 6; cached_input 0.375",
        "api.yaml from model_prices_and_context_window.json: 2 added, 0 changed, 0 unchanged, 0 skipped",
    ]
    assert "dry run" in dry.stderr
    assert not (tmp_path / "api.yaml").exists()
    real = run("pricing", "import", "litellm", LITELLM, "--provider", "azure", "--pricing", tmp_path)
    assert real.exit_code == 0
    assert "azure/codex-mini:" in (tmp_path / "api.yaml").read_text()
    again = run("pricing", "import", "litellm", LITELLM, "--provider", "azure", "--pricing", tmp_path,
                "--format", "json")
    assert json.loads(again.stdout)["counts"] == {"added": 0, "changed": 0, "unchanged": 2, "skipped": 0}
    assert "nothing to write" in again.stderr


def test_import_litellm_only_existing_refreshes_a_stale_override(tmp_path: Path) -> None:
    run("pricing", "set", "api", "openai/gpt-4.1", "input=1.5", "as_of=2025-01-01", "--pricing", tmp_path)
    result = run("pricing", "import", "litellm", LITELLM, "--only-existing", "--model", "openai/gpt-4.1",
                 "--pricing", tmp_path)
    assert result.stdout.splitlines()[0] == "changed    openai/gpt-4.1: input 1.5 -> 2"
    text = (tmp_path / "api.yaml").read_text()
    assert "  input: 2.0\n  as_of: 2026-11-27\n" in text


def test_import_skypilot_cloud_from_folder(tmp_path: Path) -> None:
    result = run("pricing", "import", "skypilot", FIXTURES / "skypilot" / "gcp" / "vms.csv", "--pricing", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "changed    h100-sxm: rent_per_hour gcp - -> gcp 5.38327" in result.stdout
    assert run("pricing", "show", "gpus", "h100-sxm", "--pricing", tmp_path).exit_code == 0
    elsewhere = tmp_path / "vms.csv"
    elsewhere.write_text((FIXTURES / "skypilot" / "aws" / "vms.csv").read_text())
    unknown = run("pricing", "import", "skypilot", elsewhere, "--pricing", tmp_path)
    assert unknown.exit_code == 1 and "--cloud" in unknown.stderr


def test_sync_genai_prices_without_the_package_names_the_extra(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "genai_prices", None)
    result = run("pricing", "sync", "genai-prices", "--pricing", tmp_path)
    assert result.exit_code == 1
    assert "pip install 'tco-llm[genai-prices]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_sync_genai_prices_dry_run(tmp_path: Path) -> None:
    pytest.importorskip("genai_prices")
    result = run("pricing", "sync", "genai-prices", "--provider", "openai", "--model", "gpt-4.1", "--dry-run",
                 "--pricing", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "api.yaml from genai-prices" in result.stdout
    assert not (tmp_path / "api.yaml").exists()


# --- freshness ---------------------------------------------------------------------------------


def test_stale_prices_warn_once_with_the_refresh_command(tmp_path: Path) -> None:
    """Bundled API prices are as of 2026-11-20: on 2027-06-01 they are 193 days old (> 180)."""
    result = run("compare", scenario(tmp_path), "--format", "json", env={"TCO_TODAY": "2027-06-01"})
    warnings = [w for w in json.loads(result.stdout)["warnings"] if "days old" in w]
    assert warnings == [
        "the api price of openai/gpt-4.1 in pricing/api.yaml is 193 days old (as of 2026-11-20, over 180); "
        "refresh it with `tco pricing import litellm model_prices_and_context_window.json --model openai/gpt-4.1 "
        "--only-existing` or `tco pricing set api openai/gpt-4.1 input=... output=...`, or set the current one "
        "inline"]
    lenient = run("compare", scenario(tmp_path), "--format", "json", "--max-price-age", "365",
                  env={"TCO_TODAY": "2027-06-01"})
    assert not [w for w in json.loads(lenient.stdout)["warnings"] if "days old" in w]


def test_fresh_prices_do_not_warn_today(tmp_path: Path) -> None:
    result = run("compare", scenario(tmp_path), "--format", "json")  # TCO_TODAY=2026-11-27 (conftest)
    assert not [w for w in json.loads(result.stdout)["warnings"] if "days old" in w]


def test_validate_and_export_take_max_price_age(tmp_path: Path) -> None:
    env = {"TCO_TODAY": "2026-12-27"}  # 37 days after the bundled as_of
    validated = run("validate", scenario(tmp_path), "--max-price-age", "30", env=env)
    assert validated.exit_code == 0
    assert "37 days old" in validated.stderr
    exported = run("export", scenario(tmp_path), "--max-price-age", "30", env=env)
    assert exported.exit_code == 0 and "37 days old" in exported.stderr


def test_bad_pinned_date_is_reported(tmp_path: Path) -> None:
    result = run("compare", scenario(tmp_path), env={"TCO_TODAY": "soon"})
    assert result.exit_code == 1
    assert "$TCO_TODAY: 'soon' is not a date" in result.stderr


@pytest.mark.parametrize("command", ["list", "show", "init", "set", "remove", "edit", "import", "sync"])
def test_pricing_help(command: str) -> None:
    result = run("pricing", command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
