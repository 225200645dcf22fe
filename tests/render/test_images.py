"""Static images through matplotlib: SVG structure rather than pixel goldens, the missing
extra's message, and that `tco compare` never imports matplotlib."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from clirun import run

from tco.analyses.volume import cost_by_volume
from tco.render.images import image_bytes, inline_svg, line_figure, stacked_figure
from tco.render.series import cumulative_chart, monthly_chart, volume_chart
from tco.scenario.compare import compare_loaded
from tco.scenario.loader import load_scenario
from tests.render.test_chart import THREE

SVG = "{http://www.w3.org/2000/svg}"
INSTALL_MESSAGE = ("tco: images and the HTML report need matplotlib, which is not installed: "
                   "pip install 'tco-llm[report]'\n")




@pytest.fixture
def three(tmp_path: Path) -> Path:
    path = tmp_path / "three.yaml"
    path.write_text(THREE, encoding="utf-8")
    return path


def parse_svg(data: bytes) -> ET.Element:
    return ET.fromstring(data, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))


def group(root: ET.Element, gid: str) -> ET.Element:
    found = root.find(f".//{SVG}g[@id='{gid}']")
    assert found is not None, gid
    return found


def texts(root: ET.Element) -> list[str]:
    """Every text of the chart: with text drawn as paths, matplotlib keeps each string as a comment."""
    return [str(node.text).strip() for node in root.iter() if node.tag is ET.Comment]


def x_ticks(root: ET.Element) -> list[tuple[float, float]]:
    """(value, x in SVG units) of each labelled x-axis tick."""
    ticks = []
    for tick in root.iter(f"{SVG}g"):
        if not tick.get("id", "").startswith("xtick_"):
            continue
        mark = next(u for u in tick.iter(f"{SVG}use") if u.get("x"))
        label = next(str(n.text).strip() for n in tick.iter() if n.tag is ET.Comment)
        ticks.append((float(label), float(mark.get("x", "nan"))))
    return ticks


def test_cumulative_svg_marks_the_break_even_month(three: Path) -> None:
    """The marker's x is where the x-axis puts the month `compare` reports (month 3)."""
    data = json.loads(run("compare", three, "--format", "json").stdout)
    pair = next(p for p in data["break_even"] if p["option"] == "Rented GPU")
    c = compare_loaded(load_scenario(str(three)))
    root = parse_svg(image_bytes(line_figure(cumulative_chart(c)), "svg"))
    marker = next(u for u in group(root, "break-even-1").iter(f"{SVG}use"))
    (v0, x0), (v1, x1) = x_ticks(root)[0], x_ticks(root)[-1]
    expected = x0 + (pair["month"] - v0) * (x1 - x0) / (v1 - v0)
    assert float(marker.get("x", "nan")) == pytest.approx(expected, abs=0.01)
    assert root.find(f".//{SVG}g[@id='break-even-2']") is None  # Owned GPU never breaks even: no mark
    words = texts(root)
    for label in ("Month", "Cumulative cost (USD)", "API", "Rented GPU", "Owned GPU", "Small: cumulative cost",
                  "Rented GPU: break-even vs API, month 3", "$0", "$20.0K"):
        assert label in words, label


def test_volume_svg_marks_the_break_even_volume(three: Path) -> None:
    loaded = load_scenario(str(three))
    c = compare_loaded(loaded)
    chart = volume_chart(c, cost_by_volume(c, loaded.inputs))
    root = parse_svg(image_bytes(line_figure(chart), "svg"))
    words = texts(root)
    assert "Monthly volume (tokens)" in words
    assert "Monthly cost (USD)" in words
    assert "Rented GPU: break-even vs API, 966M tokens/month" in words
    ticks = x_ticks_by_text(root)
    (v0, x0), (v1, x1) = ticks[0], ticks[-1]
    marker = next(u for u in group(root, "break-even-1").iter(f"{SVG}use"))
    expected = x0 + (chart.marks[0].x - v0) * (x1 - x0) / (v1 - v0)
    assert float(marker.get("x", "nan")) == pytest.approx(expected, abs=0.01)


def x_ticks_by_text(root: ET.Element) -> list[tuple[float, float]]:
    """Like x_ticks, for labels such as `500M` and `1.0B`."""
    scale = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
    out = []
    for tick in root.iter(f"{SVG}g"):
        if tick.get("id", "").startswith("xtick_"):
            mark = next(u for u in tick.iter(f"{SVG}use") if u.get("x"))
            label = next(str(n.text).strip() for n in tick.iter() if n.tag is ET.Comment)
            value = float(label[:-1]) * scale[label[-1]] if label[-1] in scale else float(label)
            out.append((value, float(mark.get("x", "nan"))))
    return out


def test_svg_is_deterministic_and_needs_no_fonts(three: Path) -> None:
    c = compare_loaded(load_scenario(str(three)))
    first = image_bytes(line_figure(cumulative_chart(c)), "svg")
    assert first == image_bytes(line_figure(cumulative_chart(c)), "svg")
    assert b"<text" not in first and b"font-family" not in first


def test_inline_svg_has_no_url_and_prefixed_ids(three: Path) -> None:
    c = compare_loaded(load_scenario(str(three)))
    svg = inline_svg(line_figure(cumulative_chart(c)), "cumulative", "Small: cumulative cost")
    assert svg.startswith("<svg ")
    assert "http" not in svg and "xmlns" not in svg and "<metadata" not in svg
    assert 'aria-label="Small: cumulative cost"' in svg
    assert ' id="' in svg
    assert ' id="' not in svg.replace(' id="cumulative-', "")


@pytest.mark.parametrize(("suffix", "kind"), [("png", "cumulative"), ("svg", "monthly")])
def test_chart_image_files(three: Path, tmp_path: Path, suffix: str, kind: str) -> None:
    out = tmp_path / f"chart.{suffix}"
    result = run("chart", three, "--kind", kind, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    data = out.read_bytes()
    if suffix == "png":
        from PIL import Image

        assert data.startswith(b"\x89PNG")
        with Image.open(out) as image:
            assert image.size == (1200, 675)
    else:
        root = parse_svg(data)
        assert root.find(f".//{SVG}g[@id='category-gpu_rent']") is not None
        assert {"Monthly cost (USD)", "Month", "gpu_rent", "staff", "setup"} <= set(texts(root))


def test_images_to_stdout_with_format(three: Path) -> None:
    result = run("chart", three, "--format", "svg")
    assert result.exit_code == 0, result.stderr
    assert "<svg" in result.stdout
    result = run("chart", three, "--kind", "volume", "--format", "png")  # stdout is a pipe here, not a terminal
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"\x89PNG\r\n")


def test_pdf_is_refused(three: Path, tmp_path: Path) -> None:
    result = run("chart", three, "-o", tmp_path / "chart.pdf")
    assert result.exit_code == 2
    assert "PDF is not supported" in result.stderr


@pytest.mark.parametrize("args", [["chart", "{s}", "-o", "{d}/c.svg"], ["chart", "{s}", "-o", "{d}/c.png"],
                                  ["chart", "{s}", "--format", "svg"], ["report", "{s}", "-o", "{d}/r.html"]])
def test_missing_matplotlib_says_how_to_install(three: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                args: list[str]) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    result = run(*(a.format(s=three, d=tmp_path) for a in args))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == INSTALL_MESSAGE
    assert list(tmp_path.glob("c.*")) == [] and list(tmp_path.glob("r.*")) == []


def test_text_chart_works_without_matplotlib(three: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert run("chart", three).exit_code == 0


def test_compare_never_imports_matplotlib(three: Path) -> None:
    """In a fresh interpreter: compare (with and without --chart) and the text chart load no plotting."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from tco.cli import app\n"
        f"for args in (['compare', {str(three)!r}], ['compare', {str(three)!r}, '--chart'],"
        f" ['chart', {str(three)!r}]):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'PIL', 'numpy')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


@pytest.mark.parametrize("name", ["chart.jpg", "chart.jpeg", "chart.gif", "chart.webp", "chart.eps", "chart.tif"])
def test_other_image_suffixes_are_refused(three: Path, tmp_path: Path, name: str) -> None:
    """Found in review: `-o slide.jpg` wrote the text chart into slide.jpg; an image suffix that is
    not .svg or .png is a usage error naming the two that work, and no file is written."""
    result = run("chart", three, "-o", tmp_path / name)
    assert result.exit_code == 2
    assert "use FILE.svg or FILE.png" in result.stderr
    assert list(tmp_path.glob("chart.*")) == []


def test_a_text_chart_still_goes_to_any_other_file(three: Path, tmp_path: Path) -> None:
    for name in ("chart.txt", "chart"):
        assert run("chart", three, "-o", tmp_path / name).exit_code == 0
        assert (tmp_path / name).read_text(encoding="utf-8").startswith("Small: cumulative cost")


def category_colours(root: ET.Element) -> dict[str, str]:
    colours = {}
    for node in root.iter(f"{SVG}g"):
        gid = node.get("id", "")
        if gid.startswith("category-"):
            path = next(node.iter(f"{SVG}path"))
            colours[gid.removeprefix("category-")] = re.search(r"fill: ([^;]+)", path.get("style", "")).group(1)
    return colours


def test_a_category_has_one_colour_in_every_monthly_chart(three: Path) -> None:
    """Found in review: the report's monthly charts coloured categories by their place within each
    option, so `api` was blue in one chart and `gpu_rent` blue in the next; a reader comparing them
    side by side was misled. Each category now keeps its colour across options."""
    loaded = load_scenario(str(three))
    comparison = compare_loaded(loaded)
    seen: dict[str, set[str]] = {}
    for option in comparison.options:
        root = parse_svg(image_bytes(stacked_figure(monthly_chart(comparison, option)), "svg"))
        for category, colour in category_colours(root).items():
            seen.setdefault(category, set()).add(colour)
    assert len(seen) >= 3
    assert all(len(colours) == 1 for colours in seen.values()), seen
    assert len({next(iter(c)) for c in seen.values()}) == len(seen)  # and no two categories share one


def test_tornado_key_sits_beside_the_bars() -> None:
    """Found in review: the tornado's key (low input / high input) was drawn inside the axes, over
    the high bar, in the report of a scenario with one range. It now sits to the right of the axes."""
    from tco.render.images import tornado_figure

    root = parse_svg(image_bytes(tornado_figure("T", "Savings", 100.0, [("workload.requests_per_day", -50.0, 300.0)],
                                                "USD"), "svg"))
    axes_right = max(float(v) for v in re.findall(r"L ([\d.]+) ", next(group(root, "patch_2").iter(f"{SVG}path"))
                                                  .get("d", "")))
    key_left = min(float(v) for v in re.findall(r"[ML] ([\d.]+) ", next(group(root, "legend_1").iter(f"{SVG}path"))
                                                .get("d", "")))
    assert key_left > axes_right


@pytest.mark.parametrize("chart_of", [cumulative_chart, "volume"])
def test_a_long_option_name_keeps_its_break_even_note_inside_the_axes(three: Path, chart_of: Any) -> None:
    """Found in review: with a long option name, the break-even note ran past the axes' right edge
    over the name at the end of the top line (GPT-4.1's, hidden behind the note's white box). The
    note now wraps within the axes, and the notes stacked below one another do not overlap."""
    long_name = "Llama 3.1 70B Instruct on ten rented H100 SXM GPUs at Lambda Cloud, fp8"
    loaded = load_scenario(str(three), overrides=[f"options.Rented GPU.name={long_name}",
                                                  "options.Owned GPU.purchase_price_per_gpu=1000"])
    comparison = compare_loaded(loaded)
    chart = volume_chart(comparison, cost_by_volume(comparison, loaded.inputs)) if chart_of == "volume" \
        else chart_of(comparison)
    assert len(chart.marks) == 2
    figure = line_figure(chart)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    [ax] = figure.axes
    axes_box = ax.get_window_extent(renderer)
    notes = sorted((t for t in ax.texts if str(t.get_gid()).startswith("break-even-label-")), key=lambda t: t.get_gid())
    figure.canvas.draw()  # type: ignore[no-untyped-call]
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in notes]  # the note's box, not its leader line
    assert len(boxes) == 2
    assert all(box.x1 <= axes_box.x1 for box in boxes), [(box.x1, axes_box.x1) for box in boxes]
    assert boxes[0].y0 > boxes[1].y1  # the first above the second, apart


def test_latency_svg_draws_the_target_line_and_the_operating_point(tmp_path: Path) -> None:
    """The chat target's line stands at 1000/30 = 33.3 tokens/s per user on the x-axis; the ring is at the
    operating point `tco size` reports; the measured offline option has a ring and no line."""
    from tco.analyses.size import size_scenario
    from tco.pricing.catalog import Catalog
    from tco.render.images import latency_figure
    from tco.render.series import latency_chart
    from tests.render.test_chart import LATENCY

    path = tmp_path / "latency.yaml"
    path.write_text(LATENCY, encoding="utf-8")
    loaded = load_scenario(str(path))
    chart = latency_chart(loaded.inputs.name, size_scenario(loaded, Catalog()))
    root = parse_svg(image_bytes(latency_figure(chart), "svg"))
    (v0, x0), (v1, x1) = x_ticks(root)[0], x_ticks(root)[-1]

    def at(value: float) -> float:
        return x0 + (value - v0) * (x1 - x0) / (v1 - v0)

    line = next(p for p in group(root, "target-1").iter(f"{SVG}path"))
    xs = {float(x) for x in re.findall(r"[ML] ?([0-9.]+) ", line.get("d", ""))}
    assert len(xs) == 1 and xs.pop() == pytest.approx(at(1000 / 30), abs=0.01)
    assert root.find(f".//{SVG}g[@id='target-2']") is None
    ring = next(u for u in group(root, "operating-point-1").iter(f"{SVG}use"))
    point = chart.curves[0].point
    assert point is not None
    assert float(ring.get("x", "nan")) == pytest.approx(at(point[0]), abs=0.01)
    group(root, "operating-point-2")
    words = texts(root)
    for label in ("Tokens/s per user (1000 / TPOT)", "Output tokens/s per GPU", "Llama on H100", "Llama offline",
                  "chat: TPOT target", "Latency: throughput against speed per user"):
        assert label in words, label


def test_latency_chart_image_file(tmp_path: Path) -> None:
    from tests.render.test_chart import LATENCY

    path = tmp_path / "latency.yaml"
    path.write_text(LATENCY, encoding="utf-8")
    out = tmp_path / "x.svg"
    result = run("chart", path, "--kind", "latency", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    root = parse_svg(out.read_bytes())
    group(root, "target-1")
    png = run("chart", path, "--kind", "latency", "-o", tmp_path / "x.png")
    assert png.exit_code == 0 and (tmp_path / "x.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(("fmt", "name"), [("png", "c.svg"), ("svg", "c.png"), ("text", "c.svg"), ("png", "c.jpg"),
                                           ("svg", "c.pdf")])
def test_a_format_the_output_suffix_contradicts_is_refused(three: Path, tmp_path: Path, fmt: str, name: str) -> None:
    """`--format png -o y.svg` would write PNG bytes into y.svg: a usage error, and nothing written."""
    out = tmp_path / "out"
    out.mkdir()
    result = run("chart", three, "--format", fmt, "-o", out / name)
    assert result.exit_code == 2
    suffix = name.rsplit(".", 1)[1]
    assert re.search(rf"'--output': {name}: --format {fmt} does not write \.{suffix} files",
                     " ".join(result.stderr.replace("│", " ").split())), result.stderr
    assert list(out.iterdir()) == []


def test_a_format_the_output_suffix_agrees_with_is_written(three: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert run("chart", three, "--format", "svg", "-o", out / "c.SVG").exit_code == 0
    assert run("chart", three, "--format", "text", "-o", out / "c.txt").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["c.SVG", "c.txt"]


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_a_name_the_font_cannot_draw_gives_no_warning(three: Path, fmt: str) -> None:
    """A printable name in a script the bundled font lacks (CJK in DejaVu Sans) is drawn as boxes;
    matplotlib's "Glyph ... missing from font(s)" UserWarning, which named a file inside tco, stays
    off stderr. Any other warning still shows."""
    import warnings

    c = compare_loaded(load_scenario(str(three), overrides=["options.Rented GPU.name=東京 GPU"]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = image_bytes(line_figure(cumulative_chart(c)), fmt)
    assert [str(w.message) for w in caught] == []
    if fmt == "svg":
        assert "東京 GPU" in texts(parse_svg(data))  # the name as written: it is printable
    else:
        assert data.startswith(b"\x89PNG")


@pytest.mark.parametrize("name", ["Plan $_$", "GPT ($2 in / $8 out)", "Budget $5K to $10K"])
def test_dollar_signs_in_names_are_drawn_as_written_not_as_math(three: Path, name: str) -> None:
    """matplotlib reads text between two `$` as math: "Plan $_$" raised a parse error (an internal
    error of every image and the report), and "GPT ($2 in / $8 out)" lost its dollars to italics.
    In a cost tool, names with prices in them are common: they are plain text."""
    c = compare_loaded(load_scenario(str(three), overrides=[f"options.Rented GPU.name={name}"]))
    option = next(o for o in c.options if o.name == name)
    for figure in (line_figure(cumulative_chart(c)), stacked_figure(monthly_chart(c, option))):
        assert any(name in text for text in texts(parse_svg(image_bytes(figure, "svg"))))
    assert image_bytes(line_figure(cumulative_chart(c)), "png").startswith(b"\x89PNG")


def test_a_dollar_sign_in_the_scenario_name_does_not_stop_the_report(three: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "dollar.yaml"
    renamed.write_text(three.read_text(encoding="utf-8").replace("name: ", "name: Plan $_$ ", 1), encoding="utf-8")
    code, _, stderr = run("report", renamed, "-o", tmp_path / "r.html")
    assert code == 0 and stderr.endswith(f"wrote {tmp_path / 'r.html'}\n") and "error" not in stderr
    assert "Plan $_$" in (tmp_path / "r.html").read_text(encoding="utf-8")
