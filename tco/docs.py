"""Where the project's documentation explains something: the one place output points to docs from.

Each pointer is a section of the README for now (its GitHub anchor); a test checks that every
anchor names a heading the README has, so output never points to a section that moved.
"""

from __future__ import annotations

README = "README.md"
# Every scenario field with its default: the pointer beside "Defaults used".
SCENARIO_FILE = f"{README}#the-scenario-file"
# The formulas: volumes, API cost, fleet size, rent, owned GPUs, NPV, break-even.
FORMULAS = f"{README}#how-the-numbers-are-computed"

POINTERS = (SCENARIO_FILE, FORMULAS)
