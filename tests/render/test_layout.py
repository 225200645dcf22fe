"""Tables fitted to a terminal (tco.render.layout): figures are never cut, names wrap on words,
columns give way with a note, then rows stack; piped output stays the plain ASCII table."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from tco.render.layout import Screen, cell_width, plain_table, table_text, wrap_words
from tests.conftest import examples

ANSI = re.compile(r"\x1b\[[0-9;]*m")
HEADER = ["Option", "Kind", "Total", "NPV", "Per 1M tokens", "Month 1", "Last month", "GPUs at end"]
ROWS = [
    ["GPT-4.1", "api", "$1,214,039", "$1,076,174", "$1.59", "$25,504", "$43,489", "-"],
    ["Claude Haiku 4.5", "api", "$748,710", "$662,425", "$0.98", "$23,980", "$28,774", "-"],
    ["Llama 3.1 70B on rented H100", "self-hosted", "$749,238", "$670,686", "$0.98", "$44,397", "$24,254", "10"],
]


def lines(text: str) -> list[str]:
    return ANSI.sub("", text).splitlines()


def test_piped_is_the_plain_table() -> None:
    assert table_text(HEADER, ROWS, None, title_text="Summary", right_from=2) == \
        plain_table(HEADER, ROWS, title_text="Summary", right_from=2)


def test_wide_enough_is_one_line_per_row_at_natural_widths() -> None:
    text = table_text(HEADER, ROWS, Screen(200), title_text="Summary", right_from=2)
    shown = lines(text)
    assert shown[0] == "Summary"
    assert len(shown) == 1 + 3 + 3 + 1  # title, rule/header/rule, rows, rule
    assert "| Llama 3.1 70B on rented H100 | self-hosted |   $749,238 |" in shown[6]
    assert text.replace("Summary\n", "") == plain_table(HEADER, ROWS, right_from=2)  # the same drawing


def test_narrow_headers_wrap_before_any_column_goes() -> None:
    text = table_text(HEADER, ROWS, Screen(110), right_from=2, keep=(0, 2))
    shown = lines(text)
    assert all(cell_width(line) <= 110 for line in shown)
    assert "left out" not in text
    assert any("| Per 1M " in line for line in shown) and any("| tokens " in line for line in shown)
    for row in ROWS:
        assert any(f"| {row[0]} " in line for line in shown), row[0]  # names whole, on one line
        for cell in row[1:]:
            assert any(f" {cell} " in line for line in shown), cell


def test_too_narrow_leaves_columns_out_with_a_note_and_names_whole() -> None:
    text = table_text(HEADER, ROWS, Screen(80), right_from=2, keep=(0, 2), drop=(1, 7, 6, 5, 4, 3),
                      more="--format json")
    shown = lines(text)
    assert all(cell_width(line) <= 80 for line in shown)
    assert ("(Kind, Last month, GPUs at end left out to fit 80 columns; --format json or a wider terminal "
            "shows every column)") in " ".join(shown)
    for row in ROWS:
        assert any(f"| {row[0]} " in line and f" {row[2]} " in line for line in shown)


def test_names_wrap_on_words_when_leaving_columns_out_is_not_enough() -> None:
    text = table_text(HEADER, ROWS, Screen(60), right_from=2, keep=(0, 2), drop=(1, 7, 6, 5, 4, 3))
    shown = lines(text)
    assert all(cell_width(line) <= 60 for line in shown)
    assert any("| Llama 3.1 70B on " in line for line in shown) and any("| rented H100 " in line for line in shown)


def test_narrower_still_stacks_every_column_under_each_row() -> None:
    text = table_text(HEADER, ROWS, Screen(40), title_text="Summary", right_from=2, keep=(0, 2))
    shown = lines(text)
    assert all(cell_width(line) <= 40 for line in shown)
    assert shown[:4] == ["Summary", "GPT-4.1", "  Kind           api", "  Total          $1,214,039"]
    assert "Llama 3.1 70B on rented H100" in shown
    assert "  GPUs at end    10" in shown
    assert "left out" not in text


def test_colour_draws_rounded_boxes_and_bold_headers() -> None:
    text = table_text(HEADER, ROWS, Screen(200, colour=True), right_from=2)
    assert text.startswith("╭") and "\x1b[1m" in text
    assert all(cell_width(line) <= 200 for line in lines(text))


def test_wrap_words_never_cuts_a_word_that_fits() -> None:
    assert wrap_words("Llama 3.1 70B on rented H100", 14) == ["Llama 3.1 70B", "on rented H100"]
    assert wrap_words("abcdefghij", 4) == ["abcd", "efgh", "ij"]  # folded, every character kept
    # a path breaks after a dot or slash that a letter follows, never inside a number
    assert wrap_words("options.Llama 3.1 70B.hourly_rate_per_gpu", 21, paths=True) == [
        "options.Llama 3.1", "70B.", "hourly_rate_per_gpu"]
    assert wrap_words("options.GPT-4.1.price.cached_input", 16, paths=True) == ["options.GPT-4.1.", "price.",
                                                                                "cached_input"]
    assert wrap_words("(114K requests/day)", 10) == ["(114K", "requests/d", "ay)"]  # not a path: folded only
    assert wrap_words("", 10) == [""]


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-/", min_size=1, max_size=14)
FIGURE = st.builds(lambda n: f"${n:,}", st.integers(0, 10**12))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], list[int], list[int]]:
    columns = draw(st.integers(1, 9))
    wrap = [i for i in range(columns) if i == 0 or draw(st.booleans())]
    paths = [i for i in wrap if draw(st.booleans())]
    header = [" ".join([f"c{i}", *draw(st.lists(WORD, max_size=3))]) for i in range(columns)]
    rows = [[" ".join(draw(st.lists(WORD, min_size=1, max_size=5))) if i in wrap else draw(FIGURE)
             for i in range(columns)] for _ in range(draw(st.integers(0, 5)))]
    return header, rows, wrap, paths


@examples(1.5, deadline=None)
@given(tables(), st.integers(30, 160), st.booleans())
def test_any_table_fits_and_keeps_every_figure_whole(
        table: tuple[list[str], list[list[str]], list[int], list[int]], width: int, colour: bool) -> None:
    header, rows, wrap, paths = table
    text = table_text(header, rows, Screen(width, colour), title_text="T", wrap=wrap, paths=paths,
                      more="--format json")
    shown = lines(text)
    assert all(cell_width(line) <= width for line in shown), text
    assert "…" not in text
    flat = "\n".join(shown)
    joined = " ".join(shown)
    note = joined.rpartition("(")[2] if "left out to fit" in joined else ""
    for row in rows:
        for i, cell in enumerate(row):
            if i not in wrap and header[i].strip() + "," not in note + "," and f"{header[i].strip()} left" not in note:
                assert cell in flat, (cell, text)
