"""The README's worked example of a hybrid is real output, and its hand arithmetic holds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from clirun import invoke

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Mixed strategies: hybrid and routed options", 1)[1].split("\n## ", 1)[0]
OPTIMIZE = ('$ tco optimize scenarios/hybrid-overflow.yaml --hybrid "Llama 3.1 70B on rented H100" '
            "--overflow-to GPT-4.1\n")
ITEMS = "$ tco compare scenarios/hybrid-overflow.yaml --format json   # the hybrid's month-1 line_items\n"


def block_after(command: str) -> str:
    return SECTION.split(command, 1)[1].split("```", 1)[0]


def hybrid_json(monkeypatch: pytest.MonkeyPatch) -> dict:  # type: ignore[type-arg]
    monkeypatch.chdir(ROOT)
    result = invoke(["compare", "scenarios/hybrid-overflow.yaml", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    return next(o for o in data["options"] if o["kind"] == "hybrid")  # type: ignore[no-any-return]


def test_optimize_block_is_the_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke(["optimize", "scenarios/hybrid-overflow.yaml", "--hybrid",
                                      "Llama 3.1 70B on rented H100", "--overflow-to", "GPT-4.1"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == block_after(OPTIMIZE)


def test_line_items_block_is_the_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    month = hybrid_json(monkeypatch)["months"][0]
    lines = [f'{i["category"]:<8} {i["description"]:<52} {i["quantity"]:>10,.2f} {i["unit"]:<11} x '
             f'{i["unit_price"]:>10,.2f} = {i["amount"]:>10,.2f}' for i in month["line_items"]]
    lines.append(f'{"":<8} {"month 1":<52} {"":>10} {"":<11}   {"":>10}   {month["total"]:>10,.2f}')
    assert block_after(ITEMS) == "\n".join(lines) + "\n"


def test_hand_arithmetic_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's steps 1-4, recomputed here from the numbers the text states."""
    busy = (36.5e9 / 5440 + 9.125e9 / 1090) / (730 * 3600)
    assert f"{busy:.4f}" in SECTION
    weights = [0.5, 0.35, 0.25, 0.2, 0.2, 0.25, 0.4, 0.6, 0.8, 0.9, 1.0, 1.05, 1.1, 1.05, 1.0, 1.0, 1.05, 1.2,
               1.45, 1.7, 1.85, 1.8, 1.45, 0.95]
    mean = sum(weights) / 24
    loads = [busy * w / mean for w in weights]
    excess = sum(max(0.0, x - 8.4) for x in loads)
    share = excess / sum(loads)
    assert f"{excess:.3f} of" in SECTION and f"{share:.2%}" in SECTION
    month = hybrid_json(monkeypatch)["months"][0]
    assert month["gpus"] == 12
    assert month["self_hosted_share"] == pytest.approx(1 - share)
    assert re.search(r"\*\*12 GPUs\*\*", SECTION)
