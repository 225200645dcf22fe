"""The report in a real browser: headless Chromium (Debian's `chromium` package) opens
it at a desktop and a phone width and saves screenshots whose pixels are checked.

- no console message (a blocked request or a script error would be one: the page's CSP turns any
  fetch into a logged violation), checked on the real report; a deliberately bad copy proves the
  check sees violations;
- not blank, and the charts drawn (pixels of the charts' first colour, Okabe-Ito blue);
- no horizontal overflow at phone width: a copy whose body is held to 360 px in a 900 px window is
  all background to the right of the body, so nothing (table, label, chart) sticks out; the bad copy,
  with an element 800 px wide, shows the check fails when something does;
- the same on paper: the print styles applied on screen, in A4's printable width.

Skipped when no chromium binary exists, unless TCO_REQUIRE_BROWSER=1 (set by .ci/run): then it fails.
The five browser runs go in parallel, so this takes about as long as one (~1-2 s).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from clirun import invoke
from PIL import Image, ImageChops

from tests.render.test_chart import THREE

ROOT = Path(__file__).resolve().parents[2]

OKABE_ITO_BLUE = (0, 114, 178)
PHONE_BODY_PX = 360
A4_PRINTABLE_PX = 688
SCROLLBAR_PX = 24  # the window's own vertical scrollbar at the right edge is not overflow


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
    if found:
        return found
    if os.environ.get("TCO_REQUIRE_BROWSER") == "1":
        pytest.fail("TCO_REQUIRE_BROWSER=1 but no chromium binary: apt-get install -y chromium")
    pytest.skip("no chromium binary (Debian: apt-get install -y chromium); TCO_REQUIRE_BROWSER=1 makes this fail")


def screenshot(browser: str, page: Path, png: Path, width: int, height: int, profile: Path) -> subprocess.Popen[str]:
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}",
            f"--screenshot={png}", f"--window-size={width},{height}", page.as_uri()]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def count_drawn(image: Image.Image) -> int:
    """Pixels that are not (nearly) white."""
    return image.convert("L").point(lambda v: 255 if v < 250 else 0).histogram()[255]


def count_near(image: Image.Image, target: tuple[int, int, int], tolerance: int = 40) -> int:
    """Pixels within `tolerance` of `target` in every channel (masks per channel, multiplied)."""
    masks = [band.point(lambda v, t=t: 255 if abs(v - t) <= tolerance else 0)
             for band, t in zip(image.convert("RGB").split(), target, strict=True)]
    both = ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])
    return both.histogram()[255]


def region_is_white(png: Path, left: int, right: int) -> bool:
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        crop = rgb.crop((left, 0, right, rgb.height))
        return min(low for low, _ in crop.getextrema()) >= 250  # the darkest value of every channel


@pytest.mark.slow
def test_report_in_chromium(tmp_path: Path) -> None:
    browser = chromium()
    scenario = tmp_path / "three.yaml"
    scenario.write_text(THREE, encoding="utf-8")
    report = tmp_path / "report.html"
    result = invoke(["report", str(scenario), "-o", str(report)])
    assert result.exit_code == 0, result.stderr
    text = report.read_text(encoding="utf-8")
    narrow_style = (f"<style>body {{ width: {PHONE_BODY_PX}px; max-width: {PHONE_BODY_PX}px; margin: 0; }}"
                    "</style>\n</head>")
    narrow = tmp_path / "narrow.html"
    narrow.write_text(text.replace("</head>", narrow_style, 1), encoding="utf-8")
    # Paper: the print styles applied on screen, the body as wide as A4's printable width (210 mm less
    # 2 x 14 mm margins = 182 mm = 688 px at 96 px/in; Letter's is wider), nothing may stick out.
    printed = tmp_path / "printed.html"
    printed.write_text(text.replace("@media print {", "@media all {", 1).replace(
        "</head>", f"<style>body {{ width: {A4_PRINTABLE_PX}px; max-width: {A4_PRINTABLE_PX}px; margin: 0; }}"
                   "</style>\n</head>", 1), encoding="utf-8")
    bad = tmp_path / "bad.html"
    # A small page with the report's head (its CSP) and two faults: a fetch and an 800 px element.
    head = text[:text.index("</head>")]
    bad.write_text(head + narrow_style + '<body><img src="https://example.invalid/x.png" alt="">'
                   '<div style="width: 800px; background: #000">wide</div></body></html>\n', encoding="utf-8")

    runs = {
        "desktop": (report, 1280, 1600),
        "phone": (report, 390, 2400),
        "narrow": (narrow, 900, 3000),
        "printed": (printed, 1100, 3000),
        "bad": (bad, 900, 800),
    }
    processes = {name: screenshot(browser, page, tmp_path / f"{name}.png", width, height, tmp_path / f"profile-{name}")
                 for name, (page, width, height) in runs.items()}
    logs = {}
    for name, process in processes.items():
        _, stderr = process.communicate(timeout=90)
        assert process.returncode == 0, (name, stderr[-2000:])
        assert (tmp_path / f"{name}.png").exists(), (name, stderr[-2000:])
        logs[name] = stderr

    for name in ("desktop", "phone", "narrow", "printed"):
        console = [line for line in logs[name].splitlines() if ":CONSOLE" in line]
        assert console == [], name
    assert any(":CONSOLE" in line and "Content Security Policy" in line for line in logs["bad"].splitlines())

    for name in ("desktop", "phone"):
        with Image.open(tmp_path / f"{name}.png") as image:
            assert image.size == runs[name][1:]
            drawn = count_drawn(image)
            assert drawn > image.width * image.height * 0.03, f"{name}: the page looks blank ({drawn} pixels)"
            blue = count_near(image, OKABE_ITO_BLUE)
            assert blue > 300, f"{name}: no chart lines drawn ({blue} blue pixels)"

    assert region_is_white(tmp_path / "narrow.png", PHONE_BODY_PX + 8, 900 - SCROLLBAR_PX), \
        "something sticks out to the right of a 360 px body"
    assert not region_is_white(tmp_path / "bad.png", PHONE_BODY_PX + 8, 900 - SCROLLBAR_PX)
    assert region_is_white(tmp_path / "printed.png", A4_PRINTABLE_PX + 8, 1100 - SCROLLBAR_PX), \
        "something sticks out of an A4 page's printable width"


# Run in a copy of the report whose CSP is taken out (the real page forbids scripts): it opens every
# <details> (the month-by-month tables), then lists every box that scrolls sideways and says whether
# the page itself does.
OVERFLOW_PROBE = """<script>
window.addEventListener('load', () => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const boxes = [...document.querySelectorAll('.table-wrap, .chart-wrap, pre, figure, table')];
  const wide = boxes.filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => (e.querySelector('table') || e).getAttribute('data-table') || e.className || e.tagName);
  const page = document.documentElement.scrollWidth > document.documentElement.clientWidth;
  const out = document.createElement('pre');
  out.textContent = 'OVERFLOW' + JSON.stringify({wide: wide, page: page}) + 'OVERFLOW';
  document.body.appendChild(out);
});
</script></body>"""


def overflow_at(browser: str, report: Path, width: int, profile: Path) -> dict[str, Any]:
    """The boxes of `report` that scroll sideways in a window `width` px wide, and whether the page does."""
    probe = report.with_name(f"probe-{width}.html")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "", report.read_text(encoding="utf-8"))
    probe.write_text(text.replace("</body>", OVERFLOW_PROBE, 1), encoding="utf-8")
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", "--disable-background-networking", f"--user-data-dir={profile}",
                           f"--window-size={width},1000", "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
                          capture_output=True, text=True, timeout=90, check=False)
    found = re.findall(r"OVERFLOW(\{.*?\})OVERFLOW", done.stdout)
    assert found, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(found[-1])
    return result


@pytest.mark.slow
@pytest.mark.parametrize(("scenario", "extra"), [
    ("internal-rag", ["--set", "workload.input_tokens_per_request={low: 1000, high: 3000}", "-n", "200"]),
    ("batch-documents", []),
], ids=["sizing-simulation-tornado", "monthly-tables"])
def test_nothing_scrolls_sideways_on_a_desktop(tmp_path: Path, scenario: str, extra: list[str]) -> None:
    """At 1280 px no table, chart or block scrolls sideways, and neither does the page: with every
    section (the capacity sizing of two options, simulation, tornado) and with the month-by-month
    tables of owned fleets (a dozen columns) opened."""
    browser = chromium()
    report = tmp_path / "report.html"
    result = invoke(["report", str(ROOT / "scenarios" / f"{scenario}.yaml"), *extra,
                                      "-o", str(report)])
    assert result.exit_code == 0, result.stderr
    assert 'data-table="sizing"' in report.read_text(encoding="utf-8")
    assert overflow_at(browser, report, 1280, tmp_path / "profile") == {"wide": [], "page": False}


@pytest.mark.parametrize("required", [True, False])
def test_missing_browser(monkeypatch: pytest.MonkeyPatch, required: bool) -> None:
    """Without a chromium binary: a skip with the reason, or a failure when TCO_REQUIRE_BROWSER=1."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    monkeypatch.setenv("TCO_REQUIRE_BROWSER", "1" if required else "0")
    outcome = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(outcome, match="chromium"):
        chromium()
