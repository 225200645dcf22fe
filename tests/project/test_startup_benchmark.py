"""benchmarks/startup.py: the commands are timed round-robin (so machine load hits all alike), against the
documented floor and against a stricter one of only what `tco compare` imports from the stack."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "startup.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("startup_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_documented_floor_is_kept_and_the_strict_floor_drops_only_rich() -> None:
    startup = load()
    assert startup.BASELINE == ("import typer, rich.table, pydantic, yaml; "
                                "M = pydantic.create_model('M', x=(int, ...)); M(x=1)")
    assert startup.STRICT_BASELINE == ("import typer, pydantic, yaml; "
                                       "M = pydantic.create_model('M', x=(int, ...)); M(x=1)")


def test_runs_are_interleaved_round_robin_after_one_warm_up_each() -> None:
    startup = load()
    calls: list[str] = []

    def fake(command: list[str], cwd: str) -> float:
        calls.append(command[0])
        return {"a": 1.0, "b": 2.0, "c": 3.0}[command[0]] + len(calls) / 1000

    medians = startup.interleaved_medians({"A": ["a"], "B": ["b"], "C": ["c"]}, 3, "/", time_one=fake)
    assert calls == ["a", "b", "c"] + ["a", "b", "c"] * 3
    assert set(medians) == {"A", "B", "C"}
    assert round(medians["A"]) == 1 and round(medians["C"]) == 3


def test_every_line_gives_both_ratios_labelled() -> None:
    startup = load()
    lines = startup.report_lines({"baseline": 0.2, "strict": 0.1, "tco compare x.yaml": 0.3})
    assert lines[0].startswith("baseline (typer + rich.table + pydantic + yaml + one model):")
    assert lines[1].startswith("strict baseline (typer + pydantic + yaml + one model, what tco compare imports):")
    assert "1.50x baseline" in lines[2] and "3.00x strict baseline" in lines[2]


def test_the_flags_still_parse() -> None:
    startup = load()
    assert startup.parse_args(["--runs", "4"]).runs == 4
    assert startup.parse_args([]).runs == 15
