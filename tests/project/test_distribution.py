"""The distribution has a name of its own on the package registry (`tco` there is an unrelated
project); the command and the import package stay `tco`, and every install hint names the
distribution users can actually install."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import tco

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_distribution_is_not_named_tco() -> None:
    assert PROJECT["name"] == tco.DISTRIBUTION == "tco-llm"
    assert PROJECT["scripts"] == {"tco": "tco.cli:app"}


def test_the_installed_distribution_carries_the_package_version() -> None:
    assert importlib.metadata.version(tco.DISTRIBUTION) == tco.__version__ == PROJECT["version"]


def test_every_install_hint_names_the_distribution() -> None:
    """No `pip install tco` or `tco[extra]` in the package or the README; the extras exist."""
    texts = {path: path.read_text(encoding="utf-8") for path in [*(ROOT / "tco").rglob("*.py"), ROOT / "README.md"]}
    wrong = [f"{path.relative_to(ROOT)}: {match.group(0)}" for path, text in texts.items()
             for match in re.finditer(r"pip install '?tco\b(?!-llm)|(?<![\w-])tco\[", text)]
    assert wrong == []
    hinted = {extra for text in texts.values() for extra in re.findall(r"tco-llm\[([\w-]+)\]", text)}
    assert hinted and hinted <= set(PROJECT["optional-dependencies"])
