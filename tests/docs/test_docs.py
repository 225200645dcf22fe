"""Pointers into the documentation: every one names a section the README has, and no output or
source text points to a document users do not have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clirun import invoke

from tco import docs

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@pytest.mark.parametrize("pointer", docs.POINTERS)
def test_every_pointer_names_a_readme_heading(pointer: str) -> None:
    page, _, anchor = pointer.partition("#")
    assert page == "README.md"
    headings = [line.lstrip("#") for line in README.splitlines() if line.startswith("#")]
    assert anchor in {github_anchor(h) for h in headings}, pointer


def test_no_internal_document_or_issue_is_cited() -> None:
    """Neither the package nor the README cites the internal design notes or an issue number."""
    files = [*sorted((ROOT / "tco").rglob("*.py")), *sorted((ROOT / "tco").rglob("*.yaml")), ROOT / "README.md"]
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "DESIGN" in line or re.search(r"\bissues? \d", line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_compare_output_points_to_the_readme_for_defaults(tmp_path: Path) -> None:


    scenario = ROOT / "scenarios" / "support-assistant.yaml"
    for fmt in ("table", "markdown", "json"):
        result = invoke(["compare", str(scenario), "--format", fmt])
        assert result.exit_code == 0
        assert "DESIGN" not in result.stdout
    table = invoke(["compare", str(scenario)]).stdout
    assert f"Defaults used (see {docs.SCENARIO_FILE})" in table.splitlines()

