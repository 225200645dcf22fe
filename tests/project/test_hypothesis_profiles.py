"""The property tests' example budget comes from a Hypothesis profile (see conftest.py), so the
whole suite can be run ten times harder without editing a test."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import settings

from tests.conftest import EXAMPLES, examples

TESTS = Path(__file__).resolve().parents[1]


def test_profiles_and_the_loaded_one() -> None:
    assert settings.get_profile("ci").max_examples == EXAMPLES["ci"]
    thorough = settings.get_profile("thorough")
    assert thorough.max_examples == 10 * EXAMPLES["ci"] and thorough.deadline is None
    loaded = os.environ.get("HYPOTHESIS_PROFILE") or "ci"
    assert settings.default.max_examples == EXAMPLES[loaded]


def test_a_share_of_the_budget() -> None:
    budget = settings.default.max_examples
    assert examples(0.6).max_examples == round(0.6 * budget)
    assert examples(2.0, deadline=None).deadline is None
    assert examples(1e-9).max_examples == 1


def test_no_test_fixes_its_own_example_count() -> None:
    fixed = [f"{path.name}:{text[: match.start()].count(chr(10)) + 1}"
             for path in sorted(TESTS.rglob("*.py")) if path.name != "conftest.py"
             for text in [path.read_text(encoding="utf-8")]
             for match in re.finditer(r"max_examples\s*=(?!=)", text)]
    assert fixed == [], "use examples(share) from conftest.py instead"
