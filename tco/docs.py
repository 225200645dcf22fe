"""Where the project's documentation explains something: the one place output points to docs from.

Each pointer is a section of the documentation site, built from `docs/` by `mkdocs` and published
at `SITE`: an installed `tco` has no `docs/` folder beside it, so the pointers are addresses, not
repository paths. A page `docs/scenario.md` is published at `SITE + "scenario/"`, and the anchor is
its heading's id. A test checks that every pointer names a page and a heading that exist.
"""

from __future__ import annotations

# Where the site is published (Read the Docs, from .readthedocs.yaml; mkdocs.yml's site_url).
SITE = "https://tco-llm.readthedocs.io/"


def pointer(page: str, anchor: str) -> str:
    """The published address of heading `anchor` of page `page` (a file of docs/, e.g. "scenario.md")."""
    return f"{SITE}{page.removesuffix('.md')}/#{anchor}"


# Every scenario field with its default: the pointer beside "Defaults used".
SCENARIO_FILE = pointer("scenario.md", "field-reference")
# The formulas: volumes, API cost, fleet size, rent, owned GPUs, NPV, break-even.
FORMULAS = pointer("formulas.md", "how-the-numbers-are-computed")
# Ranged inputs: the four distributions and what compare, simulate and sensitivity take from them.
RANGES = pointer("uncertainty.md", "ranges")
# The load profiles: the named shapes (illustrative) and the single peak a hybrid assumes without one.
LOAD_PROFILE = pointer("mixed.md", "the-load-profile")
# How the latency and capacity models are calibrated, and how far off they are.
CAPACITY_CALIBRATION = pointer("capacity.md", "calibration")

POINTERS = (SCENARIO_FILE, FORMULAS, RANGES, LOAD_PROFILE, CAPACITY_CALIBRATION)
