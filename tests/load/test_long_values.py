"""A very long value is quoted in a message shortened to its first 60 characters and `…`, whichever
way it came in (the file, a --set, a --vary), so a 10,000-character input gives a one-line error,
not a 10 KB one; and a problem with an option's name does not also blame what refers to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from clirun import run

from tco.errors import LONGEST_QUOTE, echoed, shortened

SUPPORT = Path(__file__).resolve().parents[2] / "scenarios" / "support-assistant.yaml"
LONG = "A" * 10_000
DIGITS = "1" * 10_000


def test_shortened_keeps_short_text_and_cuts_long_text_to_the_limit() -> None:
    assert shortened("GPT-4.1") == "GPT-4.1"
    assert shortened("x" * LONGEST_QUOTE) == "x" * LONGEST_QUOTE
    cut = shortened(LONG)
    assert len(cut) == LONGEST_QUOTE and cut.endswith("…") and cut.startswith("AAAA")
    assert echoed(LONG) == repr(cut) and echoed("a'b") == repr("a'b")


def one_short_line(*args: object) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1, result.stderr[:500]
    assert len(result.stderr) < 600, result.stderr[:700]
    return result.stderr


def test_a_long_baseline_in_the_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SUPPORT.read_text(encoding="utf-8").replace("baseline: GPT-4.1", f"baseline: {LONG}"),
                    encoding="utf-8")
    assert "baseline: too long: 10,000 characters (at most 200)" in one_short_line("compare", path)


def test_a_long_number_in_the_file_is_one_short_line(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    text = SUPPORT.read_text(encoding="utf-8").replace("requests_per_day: 150K", f"requests_per_day: {DIGITS}")
    path.write_text(text, encoding="utf-8")
    assert "workload.requests_per_day" in one_short_line("compare", path)


@pytest.mark.parametrize("setting", [f"currency={LONG}", f"name={LONG}", f"workload.requests_per_day={DIGITS}",
                                     f"workload.requests_per_day={LONG}", f"options.{LONG}.discount=1"])
def test_a_long_set_is_quoted_shortened(setting: str) -> None:
    text = one_short_line("compare", SUPPORT, "--set", setting)
    assert "…" in text


def test_renaming_an_option_badly_does_not_also_blame_the_baseline() -> None:
    text = one_short_line("compare", SUPPORT, "--set", f"options.GPT-4.1.name={LONG}")
    assert "no option is named" not in text and "too long" in text


def test_a_long_vary_is_quoted_shortened() -> None:
    text = one_short_line("sweep", SUPPORT, "--vary", f"workload.requests_per_day=1..{LONG}")
    assert "…" in text
