"""Tables and paragraphs laid out for where they go: one layout for every command's tables.

Piped or written to a file (no `Screen`), a table is plain ASCII that never wraps a cell, so it
pastes cleanly (`plain_table`). On a terminal (a `Screen` of so many columns), `table_text` lays
the same header and rows out within the width and never cuts a figure off:

1. every column at its natural width, when that fits;
2. else headers wrap on words, then text columns (sources, descriptions) wrap on words, never
   inside a word; figures (money, counts, bars) never wrap at all;
3. else columns are left out, least important first, with a note naming them and how to see
   them; the row's name (an option's) stays whole on one line while that is enough, and only
   then wraps on words too;
4. else each row becomes a block: its name on a line of its own, then one `label  value` line per
   column, so nothing is left out however narrow the terminal.

Any header and rows work: callers say which columns are text (`wrap`) or paths (`paths`, which
may also break after a `.` or `/`), which must stay (`keep`) and in which order the others may go
(`drop`). `paragraph` wraps the sentences around the tables the same way; `stacked` is the block
layout on its own, for label/value sheets such as `tco size`.

Every text these lay out, a user's names included, goes through `tco.errors.inert` first, so a
control character or a bidi override in a name is shown as an escape and never reaches the
terminal; the only escape sequences in the output are the styles `styled` adds.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from tco.errors import inert
from tco.frozen import frozen

BOLD = "1"
DIM = "2"
# Columns a table may leave out at most, as a share of its columns: beyond that the stacked layout,
# which shows every column, reads better than a table of a name and a figure.
MOST_LEFT_OUT = 0.5
# A text column narrower than this wraps a name into a tower of one word a line: the table gives
# way (fewer columns, then blocks) before that.
NARROWEST_TEXT = 12


@frozen
class Screen:
    """A terminal `width` columns wide, drawn in colour (ANSI styles, box lines) or not."""

    width: int
    colour: bool = False


def cell_width(text: str) -> int:
    """Columns `text` takes on a terminal: wide (East Asian) characters count two, combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def styled(text: str, style: str, screen: Screen | None) -> str:
    """`text` in an ANSI `style` (e.g. BOLD, "1;32") when the screen has colour: tco's own text, or a
    user's once made inert (as `paragraph` and the tables do)."""
    return f"\x1b[{style}m{text}\x1b[0m" if screen is not None and screen.colour and text else text


def _inert_table(header: list[str], rows: Sequence[Sequence[str]],
                 title_text: str | None) -> tuple[list[str], list[list[str]], str | None]:
    return ([inert(h) for h in header], [[inert(cell) for cell in row] for row in rows],
            None if title_text is None else inert(title_text))


def _ljust(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_width(text))


def _rjust(text: str, width: int) -> str:
    return " " * max(0, width - cell_width(text)) + text


def _pieces(word: str, paths: bool) -> list[str]:
    """`word` whole, or for a path (`paths`) cut after each `.` or `/` that a letter follows: the
    places a dotted field path (`options.GPT-4.1.price.input`) or a file path may break, but not a
    number (`3.1`)."""
    if not paths:
        return [word]
    pieces, start = [], 0
    for i, ch in enumerate(word[:-1]):
        if ch in "./" and (word[i + 1].isalpha() or word[i + 1] == "_"):
            pieces.append(word[start:i + 1])
            start = i + 1
    return [*pieces, word[start:]]


def _fold(piece: str, width: int) -> list[str]:
    """`piece` in chunks of at most `width` columns, every character kept."""
    chunks = []
    while cell_width(piece) > width:
        cut = width
        while cut > 1 and cell_width(piece[:cut]) > width:
            cut -= 1
        chunks.append(piece[:cut])
        piece = piece[cut:]
    return [*chunks, piece]


def wrap_words(text: str, width: int, *, paths: bool = False) -> list[str]:
    """`text` in lines of at most `width` columns, broken at spaces; in `paths`, a word longer than
    the width breaks after a `.` or `/`; only what is still longer than the width is folded.
    Nothing is ever cut off."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if cell_width(word) <= width:
            if line and cell_width(line) + 1 + cell_width(word) <= width:
                line += " " + word
            else:
                if line:
                    lines.append(line)
                line = word
            continue
        joiner = " " if line else ""
        for piece in (chunk for part in _pieces(word, paths) for chunk in _fold(part, width)):
            if cell_width(line) + len(joiner) + cell_width(piece) <= width:
                line += joiner + piece
            else:
                if line:
                    lines.append(line)
                line = piece
            joiner = ""
    if line or not lines:
        lines.append(line)
    return lines


def paragraph(text: str, screen: Screen | None, *, indent: str = "", hang: str | None = None,
              style: str | None = None) -> str:
    """One paragraph and its newline: as it is when piped, wrapped on words to the screen's width
    (continuation lines indented by `hang`, default `indent`) on a terminal."""
    text = inert(text)
    if screen is None:
        return f"{indent}{text}\n"
    hang = indent if hang is None else hang
    width = max(1, screen.width - max(cell_width(indent), cell_width(hang)))
    lines = wrap_words(text, width)
    out = [f"{indent if i == 0 else hang}{line}" for i, line in enumerate(lines)]
    return "".join((styled(line, style, screen) if style else line) + "\n" for line in out)


def plain_table(header: list[str], rows: list[list[str]], *, title_text: str | None = None,
                right_from: int = 1) -> str:
    """An ASCII table: `+---+` rules, `|` columns, numbers right-aligned from column `right_from`."""
    header, rows, title_text = _inert_table(header, rows, title_text)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        padded = [c.rjust(w) if i >= right_from else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                              strict=True))]
        return "| " + " | ".join(padded) + " |"

    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [title_text] if title_text else []
    out += [rule, line(header), rule, *(line(r) for r in rows), rule]
    return "\n".join(out) + "\n"


def _longest_word(text: str, paths: bool = False) -> int:
    """The widest piece of `text` that never breaks: a word, or in `paths` a piece of a path."""
    return max((cell_width(piece) for word in text.split() for piece in _pieces(word, paths)), default=0)


def _width_for_lines(text: str, lines: int, paths: bool) -> int:
    """The narrowest width at which `text` wraps on words into at most `lines` lines."""
    width = _longest_word(text, paths)
    while len(wrap_words(text, width, paths=paths)) > lines:
        width += 1
    return width


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], wrap: Sequence[int],
                  space: int, paths: Sequence[int] = ()) -> list[int] | None:
    """Widths for the columns within `space` columns of text (borders excluded), or None when they
    cannot fit without cutting a word of a text column or any part of a figure.

    Widest columns give way first: headers wrap on words into two lines, then text cells wrap on
    words, then headers into as many lines as their words need. Only the columns in `wrap` ever
    wrap their cells."""
    count = len(header)
    body = [max((cell_width(r[i]) for r in rows), default=0) for i in range(count)]
    natural = [max(cell_width(header[i]), body[i]) for i in range(count)]
    header_floor = [max(body[i], _longest_word(header[i], i in paths)) for i in range(count)]
    two_lines = [max(body[i], _width_for_lines(header[i], 2, i in paths)) for i in range(count)]
    floor = [max([_longest_word(header[i], i in paths), min(body[i], NARROWEST_TEXT),
                  *(_longest_word(r[i], i in paths) for r in rows)])
             if i in wrap else header_floor[i] for i in range(count)]
    if sum(floor) > space:
        return None
    widths = list(natural)
    text_first = [floor[i] if i in wrap else two_lines[i] for i in range(count)]
    for limit in (two_lines, text_first, floor):
        while sum(widths) > space:
            shrinkable = [i for i in range(count) if widths[i] > limit[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
    return widths if sum(widths) <= space else None


def _boxed(header: list[str], rows: list[list[str]], widths: list[int], right_from: int,
           screen: Screen, paths: Sequence[int] = ()) -> list[str]:
    """The table drawn with box lines (rounded ones in colour, ASCII otherwise), cells wrapped to `widths`."""
    if screen.colour:
        top, mid, bottom, bar = ("╭", "┬", "╮"), ("├", "┼", "┤"), ("╰", "┴", "╯"), "│"
        horizontal = "─"
    else:
        top = mid = bottom = ("+", "+", "+")
        bar, horizontal = "|", "-"

    def rule(ends: tuple[str, str, str]) -> str:
        return ends[0] + ends[1].join(horizontal * (w + 2) for w in widths) + ends[2]

    def lines_of(cells: list[str], bold: bool) -> list[str]:
        wrapped = [[cell] if cell_width(cell) <= w else wrap_words(cell, w, paths=i in paths)
                   for i, (cell, w) in enumerate(zip(cells, widths, strict=True))]
        height = max(len(w) for w in wrapped)
        out = []
        for n in range(height):
            parts = []
            for i, (lines, w) in enumerate(zip(wrapped, widths, strict=True)):
                text = lines[n] if n < len(lines) else ""
                text = _rjust(text, w) if i >= right_from else _ljust(text, w)
                parts.append(styled(text, BOLD, screen) if bold else text)
            out.append(f"{bar} " + f" {bar} ".join(parts) + f" {bar}")
        return out

    out = [rule(top), *lines_of(header, True), rule(mid)]
    for row in rows:
        out += lines_of(row, False)
    out.append(rule(bottom))
    return out


def stacked(header: Sequence[str], rows: Sequence[Sequence[str]], screen: Screen, *, name: int = 0,
            wrap: Sequence[int] = (), paths: Sequence[int] = (), skip_empty: bool = False) -> list[str]:
    """Each row as a block: the cell of column `name` on its own line, then `  label  value` for
    every other column, values wrapped to the width (text on words; a figure that
    does not fit beside its label goes on the next line, indented, whole). Empty cells are left
    out with `skip_empty`; without it an empty value leaves its label as a sub-heading."""
    header, rows, _ = _inert_table(list(header), [list(r) for r in rows], None)
    labels = [(i, h) for i, h in enumerate(header) if i != name]
    label_width = max((cell_width(h) for _, h in labels), default=0)
    out: list[str] = []
    for number, row in enumerate(rows):
        if number:
            out.append("")
        out += [styled(line, BOLD, screen) for line in wrap_words(row[name], screen.width, paths=name in paths)]
        for i, label in labels:
            value = row[i]
            if not value and skip_empty:
                continue  # an empty cell (a field only other kinds of row have) says nothing here
            beside = screen.width - 4 - label_width
            need = _longest_word(value, i in paths) if i in wrap else cell_width(value)
            if need <= beside and cell_width(label) <= label_width:
                lines = [value] if cell_width(value) <= beside else wrap_words(value, beside, paths=i in paths)
                out.append(f"  {_ljust(label, label_width)}  {lines[0]}".rstrip())
                out += [f"  {' ' * label_width}  {line}".rstrip() for line in lines[1:]]
            else:
                out += [f"  {line}" for line in wrap_words(label, screen.width - 2)]
                whole = cell_width(value) <= screen.width - 4 and (i not in wrap or need <= screen.width - 4)
                lines = [value] if whole else wrap_words(value, screen.width - 4, paths=i in paths)
                out += [f"    {line}".rstrip() for line in lines]
    return out


Columns = Sequence[int | str]  # columns by position or by header


def _positions(header: Sequence[str], columns: Columns) -> list[int]:
    """The positions of `columns` given by position or header; a header the table lacks is skipped,
    so a renderer's list stays valid when a column is added or renamed."""
    found = []
    for column in columns:
        position = column if isinstance(column, int) else header.index(column) if column in header else None
        if position is not None and 0 <= position < len(header) and position not in found:
            found.append(position)
    return found


def table_text(header: list[str], rows: list[list[str]], screen: Screen | None, *, title_text: str | None = None,
               right_from: int = 1, wrap: Columns = (0,), paths: Columns = (), keep: Columns = (0,),
               drop: Columns = (), more: str = "--format json") -> str:
    """A table and its title, as text ending in a newline: `plain_table` when piped (`screen` None),
    else fitted to the screen (see the module's docstring).

    Columns are given by position or header. `wrap`: the text columns, which may wrap on words
    (names, sources); every other column is a figure and never wraps. `paths`: columns of dotted
    field paths or file paths, which may also break after a `.` or `/`. `keep`: columns never left
    out; the first names a row in the stacked layout. `drop`: the columns to leave out first, in
    order; the others follow from the last column back. `more`: how to see a left-out column, for
    the note (`--format json`)."""
    header, rows, title_text = _inert_table(header, rows, title_text)
    if screen is None:
        return plain_table(header, rows, title_text=title_text, right_from=right_from)
    out = [styled(line, BOLD, screen) for line in wrap_words(title_text, screen.width)] if title_text else []
    kept = _positions(header, keep)
    path_columns = _positions(header, paths)
    text_columns = [*_positions(header, wrap), *path_columns]
    order = [i for i in _positions(header, drop) if i not in kept]
    order += [i for i in reversed(range(len(header))) if i not in kept and i not in order]
    most = math.floor(len(header) * MOST_LEFT_OUT)
    name = kept[0] if kept else 0
    # The row's name stays on one line while leaving columns out allows; only then does it wrap.
    attempts = [(count, whole) for whole in ((name,), ()) if not whole or name in text_columns
                for count in range(min(len(order), most) + 1)]
    for count, whole in attempts:
        shown = [i for i in range(len(header)) if i not in order[:count]]
        widths = column_widths([header[i] for i in shown], [[r[i] for i in shown] for r in rows],
                               [n for n, i in enumerate(shown) if i in text_columns and i not in whole],
                               screen.width - 3 * len(shown) - 1,
                               [n for n, i in enumerate(shown) if i in path_columns])
        if widths is None:
            continue
        out += _boxed([header[i] for i in shown], [[r[i] for i in shown] for r in rows], widths,
                      sum(1 for i in shown if i < right_from), screen,
                      [n for n, i in enumerate(shown) if i in path_columns])
        if count:
            left_out = ", ".join(header[i].strip() for i in sorted(order[:count]))
            note = (f"({left_out} left out to fit {screen.width} columns; {more} or a wider terminal "
                    "shows every column)")
            out += [styled(line, DIM, screen) for line in wrap_words(note, screen.width)]
        return "\n".join(out) + "\n"
    out += stacked(header, rows, screen, name=name, wrap=text_columns, paths=path_columns, skip_empty=True)
    return "\n".join(out) + "\n"
