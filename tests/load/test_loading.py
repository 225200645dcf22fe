"""Reading scenarios: numbers as people write them, safe YAML with positions, defaults and sources."""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from clirun import invoke

from tco.errors import TcoError
from tco.load.overrides import apply_overrides
from tco.load.quantities import parse_number
from tco.load.yamlsource import read_yaml, read_yaml_file
from tco.pricing.catalog import Catalog
from tco.render.text import warning_text
from tco.scenario.loader import load_scenario


@pytest.mark.parametrize(("text", "expected"), [
    (1e9, 1e9), (250, 250.0), ("1e9", 1e9), ("2.5M", 2.5e6), ("3B", 3e9), ("1.2T", 1.2e12), ("750K", 750e3),
    ("750k", 750e3), ("1_000_000", 1e6), (" 42 ", 42.0), ("-25", -25.0), (".5", 0.5), ("2.5 M", 2.5e6),
])
def test_numbers_with_suffixes(text: object, expected: float) -> None:
    assert parse_number(text) == expected


def test_percent_only_where_allowed() -> None:
    assert parse_number("15%", percent=True) == pytest.approx(0.15)
    assert parse_number("-25%", percent=True) == pytest.approx(-0.25)
    with pytest.raises(ValueError, match="only allowed for shares and rates"):
        parse_number("15%")


@pytest.mark.parametrize("bad", ["nan", ".nan", "2.5Q", "12 apples", "", True, None, [1], {"a": 1}, math.inf,
                                 float("nan"), "1e999", 10**400])
def test_not_numbers(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_number(bad)


def test_positions_are_one_based_and_point_at_values_and_keys() -> None:
    doc = read_yaml("name: x\nworkload:\n  requests_per_day: 5\noptions: [ {a: 1} ]\n", "f.yaml")
    assert doc.value_marks[("workload", "requests_per_day")] == (3, 21)
    assert doc.key_marks[("workload", "requests_per_day")] == (3, 3)
    assert doc.value_marks[("options", 0, "a")] == (4, 16)
    assert doc.locate(("workload", "missing")) == (2, 1)


def test_yaml_keys_stay_text() -> None:
    """`yes`, `on` and `1` as keys stay the text written, not True or 1."""
    assert read_yaml("yes: 1\non: 2\n1: 3\n", "f").data == {"yes": 1, "on": 2, "1": 3}


@pytest.mark.parametrize(("text", "message"), [
    ("a: 1\na: 2\n", "duplicate key"),
    ("a: !!python/object/apply:os.system ['true']\n", "not allowed"),
    ("a: !include other.yaml\n", "not allowed"),
    ("!!set {a, b}\n", "not allowed"),
    ("a: 1\n---\nb: 2\n", "one YAML document"),
    ("a: [1, 2\n", "invalid YAML"),
    ("a: *nothing\n", "unknown alias"),
    ("<<: {a: 1}\n", "merge keys"),
])
def test_unsafe_or_broken_yaml_is_an_error(text: str, message: str) -> None:
    with pytest.raises(TcoError, match=message):
        read_yaml(text, "f.yaml")


@pytest.mark.parametrize(("text", "line", "column"), [
    ("name: x\nworkload:\n\trequests_per_day: 1K\n", 3, 1),  # a tab alone as indentation
    ("name: x\nworkload:\n  requests_per_day: 1K\n\toutput_tokens_per_request: 10\n", 4, 1),
    ("name: x\nworkload:\n  a: 1\n  \tb: 2\n", 4, 3),  # spaces, then a tab
])
def test_a_tab_in_the_indentation_says_use_spaces(text: str, line: int, column: int) -> None:
    """PyYAML's own words ("found character that cannot start any token") do not say what to do."""
    with pytest.raises(TcoError) as caught:
        read_yaml(text, "f.yaml")
    (problem,) = caught.value.problems
    assert problem.message == "tabs are not allowed for indentation in YAML; use spaces"
    assert (problem.line, problem.column) == (line, column)


def test_a_tab_between_a_key_and_its_value_is_fine() -> None:
    assert read_yaml("a:\t1\nb: [1,\t2]\n", "f.yaml").data == {"a": 1, "b": [1, 2]}


def test_a_tab_in_a_pricing_table_says_use_spaces(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text("acme/model:\n\tinput: 1\n", encoding="utf-8")
    with pytest.raises(TcoError, match="use spaces"):
        Catalog(tmp_path).get("api", "acme/model")


def test_alias_bomb_is_refused_without_expanding() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    with pytest.raises(TcoError, match="alias bomb"):
        read_yaml("\n".join(lines), "bomb.yaml")


def test_aliases_within_bounds_are_copies() -> None:
    doc = read_yaml("base: &b {x: 1}\nother: *b\n", "f")
    assert doc.data["other"] == {"x": 1}
    doc.data["other"]["x"] = 2
    assert doc.data["base"]["x"] == 1


def test_huge_files_are_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * 1_100_000)
    with pytest.raises(TcoError, match="too large for a scenario"):
        read_yaml_file(str(big))


def test_binary_and_non_utf8_files() -> None:
    with pytest.raises(TcoError, match="binary"):
        read_yaml(b"\x00\x01\x02", "f")
    with pytest.raises(TcoError, match="UTF-8"):
        read_yaml(b"name: \xff\xfe\n", "f")


@pytest.mark.parametrize(("text", "line", "column"), [
    ("name: a\x1bb\n", 1, 8),
    ("name: x\nworkload:\n  requests_per_day: 1K\x07\n", 3, 23),
    ("a: 1\n\x9b31m: 2\n", 2, 1),
])
def test_a_control_character_is_an_error_at_its_line_and_column(text: str, line: int, column: int) -> None:
    with pytest.raises(TcoError) as caught:
        read_yaml(text, "f.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (line, column), problem
    assert "\n" not in str(problem) and "<unicode string>" not in str(problem)
    assert "control character" in problem.message


def test_a_str_tag_on_a_key_means_what_it_says_and_other_key_tags_are_errors() -> None:
    """As docs/scenario.md says: a key is text, so `!!str` on it is accepted; any other tag is not."""
    assert read_yaml("!!str requests_per_day: 150K\n", "f").data == {"requests_per_day": "150K"}
    for tag in ("!!int", "!!binary", "!!bool"):
        with pytest.raises(TcoError, match="not allowed on a key"):
            read_yaml(f"{tag} 1: x\n", "f")
    page = (Path(__file__).resolve().parents[2] / "docs" / "scenario.md").read_text(encoding="utf-8")
    assert "a tag on a key other than `!!str`" in " ".join(page.split())


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text))
    return str(path)


INLINE = """\
name: t
workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
options:
  - {name: A.1, kind: api, price: {input: 1, output: 2}}
  - {name: A.1 mini, kind: api, price: {input: 0.1, output: 0.2}}
  - name: S
    kind: self_hosted
    throughput: {input_tokens_per_second: 1000, output_tokens_per_second: 100}
    hourly_rate_per_gpu: 2
"""


def test_set_picks_the_longest_option_name(tmp_path: Path) -> None:
    data = read_yaml(INLINE, "s").data
    apply_overrides(data, ["options.A.1 mini.discount=15%", "options.A.1.discount=5%", "options[2].min_replicas=3",
                           "workload.monthly_growth=2%", "finance.basis=amortized"])
    assert data["options"][1]["discount"] == "15%"
    assert data["options"][0]["discount"] == "5%"
    assert data["options"][2]["min_replicas"] == 3
    assert data["finance"] == {"basis": "amortized"}


@pytest.mark.parametrize(("argument", "message"), [
    ("workload.requests_per_day", "PATH=VALUE"),
    ("options.Nope.discount=1", "no option matches"),
    ("options.A.1=3", "name a field"),
    ("=3", "empty"),
])
def test_bad_set_arguments(argument: str, message: str) -> None:
    with pytest.raises(TcoError, match=message) as caught:
        apply_overrides(read_yaml(INLINE, "s").data, [argument])
    assert str(caught.value).startswith(f"--set {argument}")


def test_a_bad_value_from_set_names_the_argument(tmp_path: Path) -> None:
    path = write(tmp_path, INLINE)
    with pytest.raises(TcoError) as caught:
        load_scenario(path, overrides=["options.S.max_utilization=150%"])
    assert str(caught.value) == (f"{path}: --set options.S.max_utilization=150%: options[2].max_utilization: "
                                 "must be at most 100% (got 150%)")


def test_every_problem_is_reported_in_file_order(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        name: t
        horizon_months: 0
        workload: {input_tokens_per_month: -1, output_tokens_per_month: 1, peak_to_averge: 2}
        options:
          - {name: A, kind: api, price: {input: 1, output: 2}, discount: 2}
    """)
    with pytest.raises(TcoError) as caught:
        load_scenario(path)
    lines = str(caught.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == [
        "horizon_months", "workload.input_tokens_per_month", "workload.peak_to_averge", "options[0].discount"]
    assert lines[2].endswith("unknown field; did you mean 'peak_to_average'?")
    assert lines[0].startswith(f"{path}:2:17: ")


def test_defaults_and_table_values_are_assumptions_with_sources(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        name: t
        workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M, cached_input_share: 0.5}
        options:
          - {name: G, kind: api, model: openai/gpt-4.1}
          - {name: L, kind: self_hosted, model: llama-3.1-70b, gpu: h100-sxm, precision: fp8, cloud: lambda,
             engine: trtllm, slo: none}
    """)
    loaded = load_scenario(path)
    found = {a.field: a for a in loaded.assumptions}
    assert found["options.G.price.input"].value == 2.0
    assert found["options.G.price.input"].source.startswith("pricing/api.yaml openai/gpt-4.1 input: ")
    assert found["options.G.price.input"].source.endswith("as of 2026-11-20")
    assert found["options.G.price.cached_input"].value == 0.5
    assert found["options.L.hourly_rate_per_gpu"].value == 2.99
    assert "rent_per_hour.lambda" in found["options.L.hourly_rate_per_gpu"].source
    assert found["options.L.gpus_per_replica"].value == 2  # the measured replica size
    assert found["workload.peak_to_average"].value == 2.0
    assert found["horizon_months"].value == 36
    hosted = loaded.inputs.options[1]
    assert hosted.gpus_per_replica == 2
    assert hosted.gpu_name == "H100 SXM"
    assert any("has no staff cost" in w for w in loaded.warnings)


def test_lowest_rent_is_chosen_and_said(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        name: t
        workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
        options:
          - {name: L, kind: self_hosted, model: llama-3.1-8b, gpu: h100-sxm, precision: fp8}
    """)
    loaded = load_scenario(path)
    rents = Catalog().get("gpus", "h100-sxm").get("rent_per_hour")  # type: ignore[union-attr]
    cloud = next(a for a in loaded.assumptions if a.field == "options.L.cloud")
    assert rents[cloud.value] == min(rents.values())
    assert loaded.inputs.options[0].hourly_rate_per_gpu == min(rents.values())


def test_old_prices_warn_once_with_the_entry(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        name: t
        workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
        options:
          - {name: G, kind: api, model: openai/gpt-4.1}
    """)
    fresh = load_scenario(path, today=dt.date(2027, 1, 1))
    assert fresh.warnings == []
    stale = load_scenario(path, today=dt.date(2028, 1, 1))
    assert len(stale.warnings) == 1
    (warning,) = stale.warnings
    assert "openai/gpt-4.1" in warning_text(warning) and "407 days old" in warning_text(warning)


def test_unknown_table_keys_suggest_close_names(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        name: t
        workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
        options:
          - {name: G, kind: api, model: openai/gpt-4.2}
          - {name: L, kind: self_hosted, model: llama-3.1-70b, gpu: h100, precision: fp8}
          - {name: M, kind: self_hosted, model: llama-3.1-70b, gpu: h100-sxm, precision: int4}
    """)
    with pytest.raises(TcoError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert "options[0].model: 'openai/gpt-4.2' is not in pricing/api.yaml; did you mean " in text
    assert "'openai/gpt-4.1'" in text.splitlines()[0]
    assert "options[1].gpu: 'h100' is not in pricing/gpus.yaml; did you mean 'h100-sxm'" in text
    # No measured int4 entry: the capacity model estimates it, so options[2] is no problem.
    assert "options[2]" not in text


def test_fields_of_the_other_acquisition_are_ignored_with_a_warning(tmp_path: Path) -> None:
    """So `--set options.S.acquisition=buy` works on a file that also lists rent fields."""
    path = write(tmp_path, INLINE + "    purchase_price_per_gpu: 20000\n    power: {watts_per_gpu: 1000}\n")
    rented = load_scenario(path)
    assert any("purchase_price_per_gpu is ignored" in w for w in rented.warnings)
    bought = load_scenario(path, overrides=["options.S.acquisition=buy"])
    assert bought.inputs.options[2].acquisition == "buy"
    assert any("hourly_rate_per_gpu is ignored" in w for w in bought.warnings)


def test_an_owned_fleet_without_hosting_or_maintenance_is_warned_like_missing_staff(tmp_path: Path) -> None:
    """Rack space and support contracts are real costs of owned GPUs; left out, the option looks cheaper than
    it is. Written out, even as 0, they are the user's statement and not warned about."""
    path = write(tmp_path, INLINE + "    purchase_price_per_gpu: 20000\n    power: {watts_per_gpu: 1000}\n")
    hosting = ("S has no hosting cost: owned GPUs need rack space, power delivery and cooling somewhere "
               "(add hosting_per_gpu_month)")
    maintenance = ("S has no maintenance cost: owned servers need support contracts and spare parts "
                   "(add maintenance_per_year, e.g. 8%)")
    bought = load_scenario(path, overrides=["options.S.acquisition=buy"])
    staff = bought.warnings.index("S has no staff cost: someone has to run, patch and watch it "
                                  "(add staff: {fte, cost_per_fte_year})")
    assert bought.warnings[staff + 1: staff + 3] == [hosting, maintenance]
    given = load_scenario(path, overrides=["options.S.acquisition=buy", "options.S.hosting_per_gpu_month=0",
                                           "options.S.maintenance_per_year=8%"])
    assert hosting not in given.warnings and maintenance not in given.warnings
    rented = load_scenario(path)
    assert not any("hosting cost" in w or "maintenance cost" in w for w in rented.warnings)


def test_a_power_usage_effectiveness_far_above_any_data_centre_is_warned(tmp_path: Path) -> None:
    """`pue: 14` multiplies the electricity bill by 14; real data centres run at 1.1 to 2. It stays the
    user's statement (an old or odd site may be worse), but it is said, with what it does to the bill."""
    path = write(tmp_path, INLINE + "    purchase_price_per_gpu: 20000\n    power: {watts_per_gpu: 1000, pue: 14}\n")
    bought = load_scenario(path, overrides=["options.S.acquisition=buy"])
    assert ("S: power.pue 14 is far above a data centre's 1.1 to 2 (1.4 by default), and multiplies its "
            "electricity by 14; did you mean 1.4?") in bought.warnings
    assert bought.inputs.options[2].pue == 14
    usual = load_scenario(path, overrides=["options.S.acquisition=buy", "options.S.power.pue=1.6"])
    assert not any("power.pue" in w for w in usual.warnings)
    high = load_scenario(path, overrides=["options.S.acquisition=buy", "options.S.power.pue=3"])
    assert not any("power.pue" in w for w in high.warnings)
    odd = load_scenario(path, overrides=["options.S.acquisition=buy", "options.S.power.pue=3.5"])
    assert ("S: power.pue 3.5 is far above a data centre's 1.1 to 2 (1.4 by default), and multiplies its "
            "electricity by 3.5") in odd.warnings
    rented = load_scenario(path)
    assert not any("power.pue" in w for w in rented.warnings)


ROUTED = INLINE + """\
  - name: R
    kind: routed
    routes:
      - {to: S, share: 70%}
      - {to: A.1, share: 30%}
"""


@pytest.mark.parametrize("argument", ["options.R.routes.0.share=60%", "options.R.routes[0].share=60%",
                                      "options[3].routes.0.share=60%"])
def test_set_reaches_into_a_list_of_an_option(argument: str) -> None:
    """A route's share is a field like any other: `routes.0.share` and `routes[0].share` both pick the
    first route (this crashed with an internal error, or was read as an unknown field `routes[0]`)."""
    data = read_yaml(ROUTED, "s").data
    apply_overrides(data, [argument, "options.R.routes.1.share=40%"])
    assert data["options"][3]["routes"] == [{"to": "S", "share": "60%"}, {"to": "A.1", "share": "40%"}]


@pytest.mark.parametrize(("argument", "message"), [
    ("options.R.routes.5.share=60%", "options[3].routes has no item 5 (it has 2)"),
    ("options.R.routes.first.share=60%",
     "options[3].routes is a list: pick an item by its position, e.g. options[3].routes.0"),
    ("options.R.name.0=x", "options[3].name is not a mapping"),
])
def test_set_into_a_list_reports_a_bad_position(argument: str, message: str) -> None:
    with pytest.raises(TcoError) as caught:
        apply_overrides(read_yaml(ROUTED, "s").data, [argument])
    assert str(caught.value) == f"--set {argument}: {message}"


# --- explicit YAML tags: each means what it says, or is an error at its line and field ---------

# (value as written after `discount: `, a piece of the message): none of these may reach the engine.
MISFIT_TAGS = [
    ("!!timestamp 10%", "is not a date"),
    ("!!bool maybe", "is not true or false"),
    ("!!bool", "is not true or false"),
    ("!!int 1.5", "is not a whole number"),
    ("!!int", "is not a whole number"),
    ("!!float abc", "is not a number"),
    ("!!float", "is not a number"),
    ("!!null x", "is not null"),
    ("!!binary aGVsbG8=", "!!binary is not allowed"),
    ("!!set {a, b}", "!!set is not allowed"),
    ("!!omap [{a: 1}]", "!!omap is not allowed"),
    ("!!pairs [{a: 1}]", "!!pairs is not allowed"),
    ("!!python/none ''", "not allowed"),
    ("!include other.yaml", "!include is not allowed"),
    ("!<tag:example.com,2000:price> 3", "not allowed"),
    ("!!map [1]", "!!map does not fit a list"),
    ("!!seq {a: 1}", "!!seq does not fit a mapping"),
    ("!!str {a: 1}", "!!str does not fit a mapping"),
]


@pytest.mark.parametrize(("value", "message"), MISFIT_TAGS)
def test_a_tag_that_does_not_fit_is_a_located_error(value: str, message: str) -> None:
    with pytest.raises(TcoError) as caught:
        read_yaml(f"name: x\noptions:\n  - discount: {value}\n", "f.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.field) == (3, 15, "options[0].discount")
    assert message in problem.message


@pytest.mark.parametrize(("value", "expected"), [
    ("!!int 0x10", 16), ("!!int 1_000", 1000), ("!!float 1e3", 1000.0), ("!!float 2.5", 2.5),
    ("!!bool yes", True), ("!!str 10%", "10%"), ("!!str", ""), ("!!null ~", None), ("!!null", None),
    ("!!timestamp 2027-01-05", dt.date(2027, 1, 5)), ("!!map {a: 1}", {"a": 1}), ("!!seq [1]", [1]),
    ("!<tag:yaml.org,2002:int> 7", 7), ("<<", "<<"), ("=", "="),
])
def test_a_tag_that_fits_means_what_it_says(value: str, expected: object) -> None:
    assert read_yaml(f"a: {value}\n", "f.yaml").data == {"a": expected}


@pytest.mark.parametrize("text", ["a:\n  !!int 5: 3\n", "a:\n  !!merge <<: {b: 1}\n", "a:\n  !!binary eA==: 3\n"])
def test_keys_carry_no_tag(text: str) -> None:
    with pytest.raises(TcoError, match=r"is not allowed on a key \(keys are plain text\)") as caught:
        read_yaml(text, "f.yaml")
    assert caught.value.problems[0].line == 2


def test_a_key_may_say_it_is_text() -> None:
    assert read_yaml("!!str a: 1\n", "f.yaml").data == {"a": 1}


def test_merge_keys_are_located(tmp_path: Path) -> None:
    with pytest.raises(TcoError, match="merge keys") as caught:
        read_yaml("base: &b {x: 1}\nother:\n  <<: *b\n", "f.yaml")
    assert (caught.value.problems[0].line, caught.value.problems[0].field) == (3, "other")


SHIPPED = Path(__file__).resolve().parents[2] / "scenarios" / "support-assistant.yaml"
CLI_TAGS = [value for value, _ in MISFIT_TAGS] + ["MERGE", "KEYTAG"]


def tagged(value: str, indent: str, field: str) -> str:
    """One line of YAML at `indent` giving `field` the tagged `value` (or a merge key, a tagged key)."""
    if value == "MERGE":
        return f"{indent}<<: {{{field}: 1}}\n"
    if value == "KEYTAG":
        return f"{indent}!!int 5: 1\n"
    return f"{indent}{field}: {value}\n"


def assert_located(result: Any, source: str, line: int) -> None:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.stdout == ""
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert re.match(rf"^{re.escape(source)}:{line}:\d+: \S.*: .+", first), result.stderr


@pytest.mark.parametrize("value", CLI_TAGS)
@pytest.mark.parametrize("command", ["compare", "validate", "export", "chart", "report"])
def test_tags_in_a_scenario_exit_1_located(value: str, command: str, tmp_path: Path) -> None:


    lines = SHIPPED.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines) if "model: openai/gpt-4.1 " in text) + 2  # the line below it
    lines.insert(line - 1, tagged(value, "    ", "discount"))
    path = tmp_path / "tagged.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    extra = ["-o", str(tmp_path / "out.html")] if command == "report" else []
    result = invoke([command, str(path), *extra])
    assert_located(result, str(path), line)


@pytest.mark.parametrize("value", CLI_TAGS)
@pytest.mark.parametrize(("table", "entry", "field"), [("api", "openai/gpt-4.1", "input"),
                                                       ("gpus", "h100-sxm", "purchase_price")])
def test_tags_in_a_user_pricing_table_exit_1_located(value: str, table: str, entry: str, field: str,
                                                     tmp_path: Path) -> None:


    folder = tmp_path / "prices"
    folder.mkdir()
    (folder / f"{table}.yaml").write_text(f"# mine\n{entry}:\n  as_of: 2026-11-01\n{tagged(value, '  ', field)}",
                                          encoding="utf-8")
    source = str(folder / f"{table}.yaml")
    for command in (["compare", str(SHIPPED)], ["validate", str(SHIPPED)], ["pricing", "list"],
                    ["pricing", "list", table, "--format", "csv"], ["pricing", "show", table, entry],
                    ["pricing", "set", table, entry, "notes=x"]):
        result = invoke([*command, "--pricing", str(folder)])
        assert_located(result, source, 4)


def test_a_timestamp_with_a_time_dates_a_price_by_its_day() -> None:
    from tco.pricing.catalog import check_user_table

    checked = check_user_table("api", b"openai/gpt-4.1:\n  input: 1\n  as_of: 2026-01-05 10:30:00\n", "api.yaml")
    assert checked["openai/gpt-4.1"]["as_of"] == dt.date(2026, 1, 5)
    assert type(checked["openai/gpt-4.1"]["as_of"]) is dt.date


# --- size limits: a label is a label, a currency a code or a symbol, a table kilobytes ----------

LIMITED = """\
name: NAME
currency: CURRENCY
workload: {input_tokens_per_month: 1B, output_tokens_per_month: 100M}
options:
  - {name: OPTION, kind: api, price: {input: 1, output: 2}}
"""


def limited(tmp_path: Path, name: str = "S", currency: str = "USD", option: str = "A") -> str:
    return write(tmp_path, LIMITED.replace("NAME", name).replace("CURRENCY", currency).replace("OPTION", option))


@pytest.mark.parametrize(("fields", "path", "line"), [
    ({"name": "n" * 201}, "name", 1), ({"option": "o" * 201}, "options[0].name", 5),
    ({"currency": "C" * 9}, "currency", 2), ({"currency": "x" * 10_000}, "currency", 2),
])
def test_labels_have_a_size_limit(fields: dict[str, str], path: str, line: int, tmp_path: Path) -> None:
    with pytest.raises(TcoError) as caught:
        load_scenario(limited(tmp_path, **fields))
    [problem] = caught.value.problems
    assert (problem.field, problem.line) == (path, line)
    assert "too long" in problem.message and "\n" not in str(problem)
    assert len(str(problem)) < 300  # the value is not echoed back


@pytest.mark.parametrize("fields", [{"name": "n" * 200}, {"option": "o" * 200}, {"currency": "C" * 8},
                                    {"currency": "€"}, {"currency": "US$"}, {"currency": "CHF"}])
def test_labels_within_the_limits(fields: dict[str, str], tmp_path: Path) -> None:
    load_scenario(limited(tmp_path, **fields))


def test_huge_pricing_tables_are_refused_unread(tmp_path: Path) -> None:


    folder = tmp_path / "prices"
    folder.mkdir()
    (folder / "api.yaml").write_bytes(b"# padding\n" * 1_100_000)  # 11 MB of comments
    for command in (["compare", str(SHIPPED)], ["validate", str(SHIPPED)], ["pricing", "list", "api"],
                    ["pricing", "show", "api", "openai/gpt-4.1"],
                    ["pricing", "set", "api", "openai/gpt-4.1", "input=1"]):
        result = invoke([*command, "--pricing", str(folder)])
        assert result.exit_code == 1, (command, result.output)
        assert result.stdout == ""
        assert result.stderr == f"{folder / 'api.yaml'}: too large for a pricing table (over 10 MiB)\n", command
