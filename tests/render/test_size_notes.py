"""`tco size` notes: the analysis returns facts (`tco.capacity.sizing` note types), `tco.render.size` words them."""

from __future__ import annotations

import ast
from pathlib import Path

from tco.capacity.latency import SLO_PRESETS
from tco.capacity.sizing import (
    CarriedFrom,
    GivenThroughput,
    LatencyModelMaximum,
    MeasuredBy,
    NoKvRoom,
    NoTableEntries,
    OutOfReach,
    Queued,
    size_from_tables,
)
from tco.pricing.catalog import Catalog
from tco.render.size import note_text

ROOT = Path(__file__).resolve().parents[2] / "tco"


def test_each_note_is_worded_as_before() -> None:
    chat = SLO_PRESETS["chat"]
    assert note_text("as given") == "as given"
    assert note_text(MeasuredBy("bench")) == "measured: bench"
    assert note_text(CarriedFrom(1000, 1000, 1800, 350)) == (
        "measured at 1,000 in / 1,000 out tokens per request; carried to 1,800 in / 350 out by the capacity model")
    assert note_text(LatencyModelMaximum("vllm", 754)) == (
        "input and output tokens/s per GPU: vllm's offline maximum, by the latency model at the most requests the "
        "KV cache holds (754 a replica)")
    assert note_text(OutOfReach(chat, 204.4, 33.81, 2, asked=True)) == (
        f"a replica of 2 GPU(s) does not meet {chat.describe()}: the best it reaches is TTFT 204 ms and TPOT 33.8 ms "
        "(one request in flight); loosen the target, or choose a faster GPU or a lower precision")
    assert note_text(OutOfReach(chat, 121, 12.8, 1, asked=False)) == (
        f"no replica of 1, 2, 4 or 8 GPUs meets {chat.describe()}: the best reached is TTFT 121 ms and TPOT 12.8 ms "
        "(one request in flight); loosen the target, or choose a faster GPU or a lower precision; shown: 1 GPU(s), "
        "the smallest that holds a request")
    assert note_text(Queued((256, 1024), 251, by_kv_cache=True)) == (
        "at 256, 1,024 requests in flight a replica, more than the 251 the KV cache holds at once, the others queue "
        "for a place: their wait adds to TTFT, not to throughput")
    assert "the scheduler runs at once" in note_text(Queued((256,), 251, by_kv_cache=False))
    assert note_text(NoKvRoom(8)) == ("the weights do not leave room for one request's KV cache on 8 GPU(s): the "
                                      "throughput given cannot be reached")
    assert note_text(GivenThroughput()) == ("no latency curve: the option gives its own throughput, which is what it "
                                            "serves at")
    assert note_text(NoTableEntries()) == "no model and gpu table entries: memory not sized"


def test_the_analysis_returns_facts() -> None:
    report = size_from_tables(Catalog(), "llama-3.1-70b", "h100-sxm", concurrencies=[1, 4096])
    assert any(isinstance(note, LatencyModelMaximum) for note in report.notes)
    assert any(isinstance(note, Queued) for note in report.latency_notes)


def test_no_note_sentence_is_composed_outside_render() -> None:
    """No `notes.append(f"...")` / `notes.append("...")` with a sentence in the size analyses."""
    for module in ("analyses/size.py", "capacity/sizing.py"):
        for node in ast.walk(ast.parse((ROOT / module).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "notes":
                assert not isinstance(node.args[0], ast.Constant | ast.JoinedStr), (module, node.lineno)
