"""Shared test setup: no test ever reads or writes the real home folder or user pricing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

TODAY = "2026-11-27"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point HOME and XDG_CONFIG_HOME at an empty folder, clear TCO_PRICING, and pin today's date.

    TCO_TODAY pins the date price ages are measured from, so golden outputs (which include
    stale-price warnings) do not change as the calendar moves.
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("TCO_PRICING", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TCO_TODAY", TODAY)
    yield home
