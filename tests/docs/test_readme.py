"""The README stays true: its worked example is real output, and CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clirun import invoke

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_worked_example_is_the_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compared up to the warnings: those depend on today's date (prices age)."""
    block = README.split("$ tco compare scenarios/support-assistant.yaml\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    result = invoke(["compare", "scenarios/support-assistant.yaml"])
    assert result.exit_code == 0

    def head(text: str) -> str:
        return re.split(r"\n(?:Warnings|Assumptions)", text, maxsplit=1)[0]

    assert head(result.stdout) == head(block)


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    run, test = commands[0], commands[1]
    assert "pip install ." in run and "tco compare scenarios/" in run
    assert "pytest" in test
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
