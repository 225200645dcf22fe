"""The example scenarios in scenarios/: they validate, compare, break even, show different features,
and the rough checks and claims in their header comments hold."""

from __future__ import annotations

import datetime as dt
import shlex
from pathlib import Path

import pytest
from clirun import invoke

import tco
from tco.engine.inputs import ApiInputs, SelfHostedInputs
from tco.engine.results import BreakEven, Comparison
from tco.scenario.loader import LoadedScenario, load_scenario

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
IDS = [p.stem for p in SCENARIOS]
# A day shortly after the bundled tables' as_of date, so no price is reported as stale.
TODAY = dt.date(2026, 12, 1)


def compare(path: Path) -> Comparison:
    return tco.compare_file(str(path), today=TODAY)


def loaded(path: Path) -> LoadedScenario:
    return load_scenario(str(path), today=TODAY)


def pair(c: Comparison, option: str, versus: str) -> BreakEven:
    return next(p for p in c.break_even if p.option == option and p.versus == versus)


def test_there_are_five_scenarios() -> None:
    assert [p.name for p in SCENARIOS] == ["batch-documents.yaml", "fine-tuned-triage.yaml", "hybrid-overflow.yaml",
                                           "internal-rag.yaml",
                                           "support-assistant.yaml"]


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_validates(path: Path) -> None:
    result = invoke(["validate", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{path}: valid (")


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_compares_and_breaks_even(path: Path) -> None:
    c = compare(path)
    assert c.baseline is not None
    assert c.warnings == []
    assert len(c.options) >= 3
    assert {"api", "self_hosted"} <= {o.kind for o in c.options} <= {"api", "self_hosted", "hybrid", "routed"}
    against_baseline = [p for p in c.break_even if p.versus == c.baseline]
    winners = [p for p in against_baseline if p.month is not None]
    assert winners, f"no self-hosted option of {path.name} breaks even with {c.baseline}"
    for p in winners:
        assert p.months is not None and p.month - 1 <= p.months <= p.month
        assert p.savings_at_horizon > 0
        cumulative_s = [m.cumulative for m in c.option(p.option).months]
        cumulative_a = [m.cumulative for m in c.option(p.versus).months]
        assert all(s <= a + 1e-6 for s, a in zip(cumulative_s[p.month - 1:], cumulative_a[p.month - 1:], strict=True))
        if p.month > 1:
            assert cumulative_s[p.month - 2] > cumulative_a[p.month - 2]
    for o in c.options:
        assert len(o.months) == c.horizon_months
        assert o.total == pytest.approx(sum(m.total for m in o.months))
        assert o.total > 0


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_every_self_hosted_option_has_staff(path: Path) -> None:
    """An example a user copies should cost the people who run it."""
    for option in loaded(path).inputs.options:
        if isinstance(option, SelfHostedInputs):
            assert option.shared.staff_monthly > 0, option.name


def test_scenarios_use_different_features() -> None:
    inputs = {p.stem: loaded(p).inputs for p in SCENARIOS}
    form_b = [name for name, s in inputs.items() if s.workload.requests_per_day is None]
    buy = [name for name, s in inputs.items()
           if any(isinstance(o, SelfHostedInputs) and o.acquisition == "buy" for o in s.options)]
    elastic = [name for name, s in inputs.items()
               if any(isinstance(o, SelfHostedInputs) and o.scaling in ("scheduled", "autoscale") for o in s.options)]
    office_hours = [name for name, s in inputs.items() if s.workload.active_hours_per_month < 730]
    amortized = [name for name, s in inputs.items() if s.basis == "amortized"]
    cached = [name for name, s in inputs.items() if s.workload.cached_input_share > 0]
    batch = [name for name, s in inputs.items()
             if any(isinstance(o, ApiInputs) and o.batch_share > 0 for o in s.options)]
    assert form_b == ["batch-documents"]
    assert buy == ["batch-documents"]
    assert elastic == ["internal-rag"]
    assert office_hours == ["internal-rag"]
    assert amortized == ["batch-documents"]
    assert set(cached) == {"fine-tuned-triage", "hybrid-overflow", "internal-rag", "support-assistant"}
    assert batch == ["batch-documents"]
    go_live = [name for name, s in inputs.items()
               if any(isinstance(o, SelfHostedInputs) and o.go_live_month > 1 for o in s.options)]
    tuned = [name for name, s in inputs.items() if any(o.shared.fine_tuning for o in s.options)]
    assert go_live == tuned == ["fine-tuned-triage"]
    scalings = {o.scaling for s in inputs.values() for o in s.options if isinstance(o, SelfHostedInputs)}
    assert scalings == {"fixed", "scheduled", "autoscale"}


def test_support_assistant_rough_check() -> None:
    """Header: ~4.6M requests -> 8.2B input + 1.6B output tokens; GPT-4.1 ~$25.5K in month 1;
    served at the chat target (mean TTFT <= 800 ms, TPOT <= 30 ms), the 70B option overtakes GPT-4.1 only
    in its second year, as traffic grows; Claude Haiku 4.5 stays cheaper.

    150K x 365/12 = 4.5625M requests; x 1,800 = 8.2125B input, x 350 = 1.597B output.
    GPT-4.1: 8.2125B x (0.7 x $2 + 0.3 x $0.50) + 1.597B x $8 = $12,729 + $12,775 = $25,504.
    """
    c = compare(REPO / "scenarios" / "support-assistant.yaml")
    first = c.option("GPT-4.1").months[0]
    assert first.input_tokens == pytest.approx(8.2125e9)
    assert first.output_tokens == pytest.approx(1.596875e9)
    assert first.total == pytest.approx(25_504, rel=1e-3)
    llama = pair(c, "Llama 3.1 70B on rented H100", "GPT-4.1")
    assert llama.month is not None and 12 < llama.month <= 30
    assert pair(c, "Llama 3.1 70B on rented H100", "Claude Haiku 4.5").month is None


def test_batch_documents_rough_check() -> None:
    """Header: GPT-4.1 batch (20B x $2 + 2B x $8) x 0.5 x 0.9 = $25.2K in month 1; both owned
    options beat it within the first year; GPT-4.1 mini batch stays cheaper than owning GPUs."""
    c = compare(REPO / "scenarios" / "batch-documents.yaml")
    assert c.option("GPT-4.1 batch").months[0].total == pytest.approx(25_200)
    for name in ("Llama 3.3 70B on owned H100", "Llama 3.3 70B on owned H200"):
        month = pair(c, name, "GPT-4.1 batch").month
        assert month is not None and month <= 12
        assert pair(c, name, "GPT-4.1 mini batch").month is None
        owned = c.option(name)
        assert "depreciation" in owned.categories and "capex" not in owned.categories


def test_internal_rag_rough_check() -> None:
    """Header: ~0.9M requests -> 5.5B input + 0.37B output; GPT-4.1 ~$12.2K in month 1; the L40S
    option beats GPT-4.1 from month 2 to 3, never GPT-4.1 mini.

    30K x 365/12 = 912,500 requests; x 6,000 = 5.475B input, x 400 = 0.365B output.
    GPT-4.1: 5.475B x (0.8 x $2 + 0.2 x $0.50) + 0.365B x $8 = $9,307.5 + $2,920 = $12,227.5.
    """
    c = compare(REPO / "scenarios" / "internal-rag.yaml")
    assert c.option("GPT-4.1").months[0].total == pytest.approx(12_227.5)
    l40s = pair(c, "Llama 3.1 8B on L40S, office hours", "GPT-4.1")
    assert l40s.month in (2, 3)
    assert pair(c, "Llama 3.1 8B on L40S, office hours", "GPT-4.1 mini").month is None


def header_commands(path: Path) -> list[list[str]]:
    """The `# Run:` and `# Try:` commands in a scenario's header comment."""
    commands = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.lstrip("# ").strip()
        for prefix in ("Run:", "Try:"):
            if text.startswith(prefix):
                words = shlex.split(text[len(prefix):])
                assert words[:2] == ["tco", "compare"], line
                commands.append(words[2:])
    return commands


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_header_commands_work(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    commands = header_commands(path)
    assert len(commands) >= 2
    for args in commands:
        assert args[0] == f"scenarios/{path.name}"
        result = invoke(["compare", *args])
        assert result.exit_code == 0, (args, result.stderr)
        assert "Summary" in result.stdout
