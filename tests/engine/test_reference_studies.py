"""Published break-even figures, reproduced through the CLI.

Pan, Chodnekar, Roy, Wang (2025), "A Cost-Benefit Analysis of On-Premise Large Language Model
Deployment: Breaking Even with Commercial LLM Services", arXiv:2509.18101, Table IV. Each scenario
in tests/reference_studies/ writes one open model's deployment (Tables II and III) and four of the
study's API options (Table I); tests/reference_studies/CASES.md gives the mapping and a hand check
(tests/reference_studies/handcheck.py) of every figure below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from clirun import invoke

CASES_DIR = Path(__file__).resolve().parents[1] / "reference_studies"
TOLERANCE = 0.06  # months; Table IV rounds to 0.1 (0.01 for a few small-model cells)

APIS = ("GPT-5", "Claude-4 Opus", "Claude-4 Sonnet", "Grok-4")

# scenario file -> (self-hosted option name, Table IV months against GPT-5, Opus, Sonnet, Grok-4)
PUBLISHED: dict[str, tuple[str, tuple[float, float, float, float]]] = {
    "pan2025_kimi_k2.yaml": ("Kimi-K2 on-prem", (69.3, 8.7, 44.0, 44.0)),
    "pan2025_glm_4_5.yaml": ("GLM-4.5 on-prem", (51.5, 6.5, 32.8, 32.8)),
    "pan2025_qwen3_235b.yaml": ("Qwen3-235B on-prem", (34.0, 4.3, 21.8, 21.8)),
    "pan2025_gpt_oss_120b.yaml": ("gpt-oss-120B on-prem", (30.9, 3.9, 19.8, 19.8)),
    "pan2025_glm_4_5_air.yaml": ("GLM-4.5-Air on-prem", (34.0, 4.3, 21.8, 21.8)),
    "pan2025_llama_3_3_70b.yaml": ("Llama-3.3-70B on-prem", (17.8, 2.3, 11.4, 11.4)),
    "pan2025_exaone_4_0_32b.yaml": ("EXAONE 4.0 32B on-prem", (2.26, 0.3, 1.4, 1.4)),
    "pan2025_qwen3_30b.yaml": ("Qwen3-30B on-prem", (2.5, 0.3, 1.6, 1.6)),
    "pan2025_magistral_small.yaml": ("Magistral Small on-prem", (3.0, 0.4, 1.9, 1.9)),
}

# the fleet each deployment needs (Table III "Hardware Deployment")
GPUS = {
    "pan2025_kimi_k2.yaml": 16,
    "pan2025_glm_4_5.yaml": 6,
    "pan2025_qwen3_235b.yaml": 4,
    "pan2025_gpt_oss_120b.yaml": 2,
    "pan2025_glm_4_5_air.yaml": 2,
    "pan2025_llama_3_3_70b.yaml": 1,
    "pan2025_exaone_4_0_32b.yaml": 1,
    "pan2025_qwen3_30b.yaml": 1,
    "pan2025_magistral_small.yaml": 1,
}

_results: dict[str, dict[str, Any]] = {}


def compare_json(case: str) -> dict[str, Any]:
    """`tco compare CASE --format json`, run once per scenario file."""
    if case not in _results:
        path = CASES_DIR / case
        r = invoke(["compare", str(path), "--format", "json"])
        assert r.exit_code == 0, f"{case}: exit {r.exit_code}\n{r.stdout}\n{r.stderr}"
        data = json.loads(r.stdout)
        _results[case] = data[0] if isinstance(data, list) else data
    return _results[case]


def test_every_scenario_file_is_a_case() -> None:
    assert sorted(p.name for p in CASES_DIR.glob("*.yaml")) == sorted(PUBLISHED)


@pytest.mark.parametrize("case", sorted(GPUS))
def test_fleet_is_the_studys_hardware(case: str) -> None:
    option, _ = PUBLISHED[case]
    data = compare_json(case)
    (entry,) = [o for o in data["options"] if o["name"] == option]
    assert {m["gpus"] for m in entry["months"]} == {GPUS[case]}


@pytest.mark.parametrize(
    ("case", "api", "expected"),
    [
        (case, api, months)
        for case, (_, figures) in sorted(PUBLISHED.items())
        for api, months in zip(APIS, figures, strict=True)
    ],
)
def test_break_even_months_match_the_study(case: str, api: str, expected: float) -> None:
    option, _ = PUBLISHED[case]
    data = compare_json(case)
    (entry,) = [b for b in data["break_even"] if b["option"] == option and b["versus"] == api]
    assert entry["months"] is not None, f"{option} never breaks even against {api}"
    assert entry["months"] == pytest.approx(expected, abs=TOLERANCE), (case, api)
    assert entry["month"] - 1 <= entry["months"] <= entry["month"]
