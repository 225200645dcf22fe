"""Shared test setup: no test ever reads or writes the real home folder or user pricing, and the
property tests take their example budget from a Hypothesis profile.

Profiles, chosen by the environment variable HYPOTHESIS_PROFILE:
- `ci` (the default): 100 examples as the unit a property test scales;
- `thorough`: ten times as many, and no deadline (`HYPOTHESIS_PROFILE=thorough python -m pytest`).
A test that needs more or fewer examples than others says so relative to the profile, with
`examples(share)`, never with a fixed `max_examples`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from clirun import Ran, run
from hypothesis import settings

TODAY = "2026-11-27"
EXAMPLES = {"ci": 100, "thorough": 1000}
settings.register_profile("ci", max_examples=EXAMPLES["ci"])
settings.register_profile("thorough", max_examples=EXAMPLES["thorough"], deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "ci")


def examples(share: float, **options: Any) -> settings:
    """Settings for a property test that runs `share` of the loaded profile's examples (at least 1),
    with any other Hypothesis `options` (deadline, derandomize, ...)."""
    return settings(max_examples=max(1, round(settings.default.max_examples * share)), **options)


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


@pytest.fixture
def cli() -> Callable[..., Ran]:
    """Run `tco` in-process: `code, out, err = cli("compare", path)`."""
    return run
