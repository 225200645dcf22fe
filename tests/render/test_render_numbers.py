"""JSON and CSV carry no float noise: money to 1e-6 of its unit, whole token counts as integers, other
figures to 12 significant digits (never `1825000000.0000002` tokens or `38027.98125000001` dollars)."""

from __future__ import annotations

import csv
import enum
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from clirun import invoke
from hypothesis import given
from hypothesis import strategies as st

from tco.render.numbers import figure_number, json_text, money_number, number_for, number_kind, tidy, token_number

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_money_is_kept_to_a_millionth_of_its_unit() -> None:
    assert money_number(38027.98125000001) == 38027.98125
    assert repr(money_number(25896.225207286254)) == "25896.225207"
    assert repr(money_number(-1e-9)) == "0.0"  # no "-0.0"
    assert money_number(1214039.2999999998) == 1214039.3


def test_whole_token_counts_are_integers() -> None:
    """1M requests a day of 60 tokens: 1e6 × 365/12 × 60 = 1,825,000,000, which floats carry as
    1825000000.0000002 after growth; a count with a real fraction keeps 12 significant digits."""
    assert token_number(1825000000.0000002) == 1825000000
    assert isinstance(token_number(1825000000.0000002), int)
    assert token_number(8882640000.000002) == 8882640000
    assert token_number(1234.5678901234567) == 1234.56789012
    assert token_number(12) == 12


def test_other_figures_keep_12_significant_digits() -> None:
    assert figure_number(0.1 + 0.2) == 0.3
    assert figure_number(3.7000000000000006) == 3.7
    assert figure_number(7) == 7 and isinstance(figure_number(7), int)
    assert figure_number(True) is True


@pytest.mark.parametrize(("key", "kind"), [
    ("total", "money"), ("npv", "money"), ("cumulative", "money"), ("api", "money"), ("gpu_rent", "money"),
    ("terminal_value", "money"), ("unit_price", "money"), ("amount", "money"), ("savings_at_horizon", "money"),
    ("total:GPT-4.1", "money"), ("savings_p50", "money"), ("cost_per_million_tokens", "money"),
    ("input_tokens", "tokens"), ("volume_tokens_per_month", "tokens"), ("tokens_per_month", "tokens"),
    ("first_break_even_volume_tokens_per_month", "tokens"), ("months", "figure"), ("quantity", "figure"),
    ("self_hosted_share", "figure"), ("requests_per_day", "figure"),
])
def test_each_key_has_its_kind(key: str, kind: str) -> None:
    value = 1825000000.0000002
    expected = {"money": money_number, "tokens": token_number, "figure": figure_number}[kind](value)
    assert number_for(key, value) == expected and type(number_for(key, value)) is type(expected)


SIGNIFICANT = re.compile(r"^-?(\d+)(?:\.(\d+))?(?:e[+-]?\d+)?$")


def noise(kind: str, text: str) -> str | None:
    """Why a number's text is noisy for its kind, or None when it is clean."""
    match = SIGNIFICANT.match(text)
    if match is None:
        return None  # text, or empty
    whole, fraction = match.group(1), match.group(2) or ""
    digits = (whole + fraction).lstrip("0")
    if kind == "money":
        return f"{len(fraction)} decimals" if len(fraction) > 6 else None
    if kind == "tokens" and fraction == "0":
        return "a whole token count written as a float"
    return f"{len(digits)} significant digits" if len(digits.rstrip("0")) > 12 else None


def kind_of(key: str, parent: str = "figure") -> str:
    return number_kind(key) or parent


def walk(value: Any, kind: str, found: list[str], where: str = "") -> None:
    """Every number inside JSON `value`: its kind is its key's, else its parent key's ({"total": {"p10": ...}})."""
    if isinstance(value, dict):
        for key, item in value.items():
            walk(item, kind_of(str(key), kind), found, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            walk(item, kind, found, where)
    elif isinstance(value, float | int) and not isinstance(value, bool):
        why = noise(kind, json.dumps(value))
        if why is not None:
            found.append(f"{where} {value!r}: {why}")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_export_and_json_carry_no_float_noise(scenario: Path) -> None:
    exported = invoke(["export", str(scenario)])
    assert exported.exit_code == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    found = [f"{column} {text}: {why}" for row in rows for column, text in row.items()
             if (why := noise(kind_of(column), text)) is not None]
    for args in (["compare", "--format", "json"], ["export", "--format", "json"]):
        result = invoke([args[0], str(scenario), *args[1:]])
        assert result.exit_code == 0, result.stderr
        walk(json.loads(result.stdout), "figure", found)
    summary = invoke(["compare", str(scenario), "--format", "csv"])
    found += [f"{column} {text}: {why}" for row in csv.DictReader(io.StringIO(summary.stdout))
              for column, text in row.items() if (why := noise(kind_of(column), text)) is not None]
    assert not found, "\n".join(found[:20])


def test_export_writes_whole_tokens_as_integers_and_cents_exactly() -> None:
    """Support assistant, month 3: 150K requests × 365/12 × 1,800 × 1.04² = 8,882,640,000 input tokens."""
    result = invoke(["export", str(ROOT / "scenarios" / "support-assistant.yaml")])
    third = list(csv.DictReader(io.StringIO(result.stdout)))[2]
    assert (third["month"], third["input_tokens"], third["output_tokens"]) == ("3", "8882640000", "1727180000")
    assert third["api"] == "26294.095816"


KEYS = st.sampled_from(["total", "amount", "input_tokens", "tokens_per_month", "p50", "total:API", "savings_p90",
                        "gpus", "a.b", "", "name", "ñame \"q\"\n\t\u2028", "volume_tokens_per_month"])
SCALARS = (st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False, allow_infinity=False)
           | st.floats(-1e13, 1e13) | st.text(max_size=8))
JSON_LIKE = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
                         | st.dictionaries(KEYS | st.text(max_size=5), inner, max_size=5), max_leaves=40)


@given(data=JSON_LIKE, ascii_only=st.booleans())
def test_json_text_is_json_dumps_of_the_tidied_data(data: Any, ascii_only: bool) -> None:
    """The one-pass writer of every JSON output writes what `json.dumps(tidy(data), indent=2)` writes."""
    assert json_text(data, ensure_ascii=ascii_only) == json.dumps(tidy(data), indent=2, ensure_ascii=ascii_only,
                                                                   allow_nan=False)


@pytest.mark.parametrize("data", [{"total": float("nan")}, [float("inf")], {1: 2.0}, {"x": {None: 1}},
                                  {"amount": __import__("decimal").Decimal("1.5")}, {"a": {1, 2}}])
def test_json_text_leaves_what_it_does_not_write_to_json_dumps(data: Any) -> None:
    """Keys that are not strings, NaN, sets, Decimals: written, or refused, exactly as `json.dumps` does."""
    try:
        expected: Any = json.dumps(tidy(data), indent=2, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error), match=re.escape(str(error))):
            json_text(data)
    else:
        assert json_text(data) == expected


def test_json_text_reads_a_key_s_kind_from_its_text_as_tidy_does() -> None:
    """A key of a str subclass whose text differs from its value (an Enum mixed with str): its number's
    kind comes from its text, as `tidy` reads it, and the key is written as its value, as json does."""
    class Key(str, enum.Enum):  # noqa: UP042 (a StrEnum's text is its value: the case is the other one)
        TOTAL = "total"

    data = {Key.TOTAL: 1.23456789012345, "total": 1.23456789012345}
    assert json_text(data) == json.dumps(tidy(data), indent=2, ensure_ascii=False, allow_nan=False)
