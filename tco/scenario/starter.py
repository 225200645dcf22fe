"""The starter scenario that `tco init` writes."""

from __future__ import annotations

from pathlib import Path

STARTER_PATH = Path(__file__).with_name("starter_scenario.yaml")


def starter_scenario() -> str:
    """The commented starter scenario, as text."""
    return STARTER_PATH.read_text(encoding="utf-8")
