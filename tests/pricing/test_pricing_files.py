"""Safe edits of user pricing tables (review item 3): comments kept byte for byte, validation
before writing, atomic replacement, and a lock that serialises concurrent writers."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tco.errors import TcoError
from tco.pricing.files import (
    TableText,
    apply_assignments,
    edit_table,
    parse_assignments,
    remove_entry,
    table_lock,
    table_template,
)

TODAY = dt.date(2026, 11, 27)

USER_API = """\
# My negotiated prices.   (header comment, two spaces inside)
# Reviewed every quarter.

# OpenAI: contract 2026-Q3
openai/gpt-4.1:
  output: 8     # list price, deliberately first
  input: 2.0
  as_of: 2026-11-20

# the one we are trialling
deepinfra/x:
    input: 0.5      # four-space indent, kept
    output: '0.7'
    notes: "quoted on purpose"

zeta/last: {input: 1, output: 2}   # flow style
# trailing comment
"""


def set_fields(path: Path, kind: str, name: str, *args: str) -> None:
    parsed = parse_assignments(kind, name, list(args))
    edit_table(path, kind, lambda table: apply_assignments(table, name, parsed, TODAY))


def lines_outside(old: str, new: str, changed: set[int]) -> None:
    """Every line of `old` except those numbered in `changed` (1-based) appears in `new`, in order."""
    kept = [line for n, line in enumerate(old.splitlines(keepends=True), 1) if n not in changed]
    remaining = iter(new.splitlines(keepends=True))
    for line in kept:
        assert any(line == candidate for candidate in remaining), f"lost or altered: {line!r}"


def test_set_changes_only_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    set_fields(path, "api", "openai/gpt-4.1", "input=1.5")
    expected = USER_API.replace("  input: 2.0\n  as_of: 2026-11-20\n", "  input: 1.5\n  as_of: 2026-11-27\n")
    assert path.read_bytes() == expected.encode()


def test_set_new_field_goes_inside_the_entry_before_the_next_heading(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    set_fields(path, "api", "openai/gpt-4.1", "cached_input=0.25", "as_of=2026-11-01")
    expected = USER_API.replace("  as_of: 2026-11-20\n", "  as_of: 2026-11-01\n  cached_input: 0.25\n")
    assert path.read_bytes() == expected.encode()


def test_set_on_an_oddly_indented_entry_keeps_every_other_entry(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    set_fields(path, "api", "deepinfra/x", "output=0.8")
    new = path.read_text(encoding="utf-8")
    before, after = USER_API.split("deepinfra/x:")[0], USER_API.split("zeta/last")[1]
    assert new.startswith(before) and new.endswith(after)
    assert "# the one we are trialling\ndeepinfra/x:\n" in new
    assert "output: 0.8" in new and "notes: \"quoted on purpose\"" in new and "# four-space indent, kept" in new


def test_new_entry_is_appended_after_everything(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    set_fields(path, "api", "acme/new-model", "input=2.5M", "output=1e-7", "batch_discount=15%")
    new = path.read_bytes().decode()
    assert new.startswith(USER_API)
    assert new[len(USER_API):] == ("\nacme/new-model:\n  input: 2500000\n  output: 1.0e-07\n"
                                   "  batch_discount: 0.15\n  as_of: 2026-11-27\n")


def test_remove_takes_the_entry_and_its_heading_only(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    edit_table(path, "api", lambda table: remove_entry(table, "api", "deepinfra/x", path, []))
    start = USER_API.index("# the one we are trialling")
    end = USER_API.index("zeta/last")
    assert path.read_bytes() == (USER_API[:start] + USER_API[end:]).encode()


def test_remove_unknown_and_bundled_entries(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    with pytest.raises(TcoError, match=re.escape("did you mean 'openai/gpt-4.1'")):
        edit_table(path, "api", lambda table: remove_entry(table, "api", "openai/gpt-4.2", path, []))
    with pytest.raises(TcoError, match="bundled entry"):
        edit_table(path, "api", lambda table: remove_entry(table, "api", "openai/gpt-4o", path, ["openai/gpt-4o"]))
    assert path.read_text(encoding="utf-8") == USER_API


def test_flow_style_entry_stays_flow(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    set_fields(path, "api", "zeta/last", "input=3")
    assert "zeta/last: {input: 3, output: 2, as_of: 2026-11-27}" in path.read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith(USER_API.split("zeta/last")[0])


@pytest.mark.parametrize(("args", "message"), [
    (["input=-1"], "must not be negative"),
    (["inptu=1"], "did you mean 'input'"),
    (["input=abc"], "is not a number"),
    (["batch_discount=150%"], "share from 0 to 1"),
    (["as_of=yesterday"], "not a date"),
    (["input"], "FIELD=VALUE"),
    (["input.x=1"], "has no parts"),
])
def test_invalid_set_writes_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    with pytest.raises(TcoError, match=message):
        set_fields(path, "api", "openai/gpt-4.1", *args)
    assert path.read_bytes() == USER_API.encode()


def test_rent_is_set_cloud_by_cloud(tmp_path: Path) -> None:
    path = tmp_path / "gpus.yaml"
    set_fields(path, "gpus", "h100-sxm", "rent_per_hour.lambda=2.49")
    set_fields(path, "gpus", "h100-sxm", "rent_per_hour.aws=6.88")
    assert path.read_text(encoding="utf-8").endswith("h100-sxm:\n  rent_per_hour: {lambda: 2.49, aws: 6.88}\n"
                                                     "  as_of: 2026-11-27\n")
    with pytest.raises(TcoError, match="one key at a time"):
        set_fields(path, "gpus", "h100-sxm", "rent_per_hour=3")
    with pytest.raises(TcoError, match="above 0"):
        set_fields(path, "gpus", "h100-sxm", "rent_per_hour.aws=0")


def test_descriptive_fields_do_not_restamp_as_of(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    set_fields(path, "api", "openai/gpt-4.1", "notes=renegotiate in March")
    assert "as_of: 2026-11-20" in path.read_text(encoding="utf-8")


def test_a_broken_file_is_refused_not_built_on(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text("openai/gpt-4.1:\n  input: -3\n", encoding="utf-8")
    with pytest.raises(TcoError) as caught:
        set_fields(path, "api", "openai/gpt-4.1", "output=1")
    assert str(path) in str(caught.value) and ":2:" in str(caught.value)
    assert path.read_text(encoding="utf-8") == "openai/gpt-4.1:\n  input: -3\n"


def test_new_file_starts_from_the_template(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "api.yaml"
    set_fields(path, "api", "openai/gpt-4.1", "input=1.5")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(table_template("api"))
    assert text.endswith("\nopenai/gpt-4.1:\n  input: 1.5\n  as_of: 2026-11-27\n")


def test_unsplittable_file_falls_back_to_a_whole_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text("{a/b: {input: 1}, c/d: {input: 2}}  # one line\n", encoding="utf-8")
    assert TableText(path.read_text()).blocks == {}
    set_fields(path, "api", "c/d", "input=3")
    assert "c/d: {input: 3, as_of: 2026-11-27}" in path.read_text(encoding="utf-8")


def test_failure_between_temporary_write_and_rename_keeps_the_old_file(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")

    def fail(*_: object) -> None:
        raise OSError("disk went away")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(TcoError, match="cannot update the table: disk went away"):  # exit 1, not a crash
        set_fields(path, "api", "openai/gpt-4.1", "input=1.5")
    assert path.read_bytes() == USER_API.encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".api.yaml.lock", "api.yaml"]  # no temporary left


KILLER = """\
import os, signal, sys
from pathlib import Path
import tco.pricing.files as files
real_replace = os.replace
def die_before(*args):  # killed after the temporary file is complete, before the rename
    os.kill(os.getpid(), signal.SIGKILL)
def die_after(*args):  # killed right after the rename
    real_replace(*args)
    os.kill(os.getpid(), signal.SIGKILL)
os.replace = die_before if sys.argv[2] == "before" else die_after
from tco.cli import app
app(["pricing", "set", "api", "openai/gpt-4.1", "input=1.5", "--pricing", sys.argv[1]])
"""


@pytest.mark.parametrize("moment", ["before", "after"])
def test_killed_process_leaves_old_or_new_file_whole(tmp_path: Path, moment: str) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", KILLER, str(tmp_path), moment], capture_output=True, timeout=60)
    assert done.returncode == -signal.SIGKILL
    text = path.read_text(encoding="utf-8")
    if moment == "before":
        assert text == USER_API
    else:
        assert "  input: 1.5\n" in text and text.startswith(USER_API.split("  input: 2.0")[0])


def tco_process(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tco", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "TCO_TODAY": "2026-11-27"})


def test_a_writer_waits_for_the_lock_and_reads_the_file_inside_it(tmp_path: Path) -> None:
    """Hold the lock, start `set`, change the file while it waits: its write must include our change."""
    path = tmp_path / "api.yaml"
    path.write_text(USER_API, encoding="utf-8")
    with table_lock(path):
        waiting = tco_process("pricing", "set", "api", "openai/gpt-4.1", "input=1.5", "--pricing", str(tmp_path))
        time.sleep(0.5)
        assert waiting.poll() is None  # still blocked on the lock
        path.write_text(USER_API + "\nacme/other:\n  input: 7\n", encoding="utf-8")
    assert waiting.wait(60) == 0, waiting.stderr
    text = path.read_text(encoding="utf-8")
    assert "acme/other:\n  input: 7\n" in text and "  input: 1.5\n" in text


def test_template_is_a_valid_empty_table() -> None:
    from tco.pricing.catalog import TABLE_KINDS, check_user_table

    for kind in TABLE_KINDS:
        text = table_template(kind)
        assert check_user_table(kind, text.encode(), kind) == {}
        assert "overlay rule" in text and all(line.startswith("#") or not line for line in text.splitlines())


def test_comments_only_file_keeps_its_comments(tmp_path: Path) -> None:
    path = tmp_path / "gpus.yaml"
    path.write_text(textwrap.dedent("""\
        # just a note
        # another
        """), encoding="utf-8")
    set_fields(path, "gpus", "l4", "purchase_price=2600")
    assert path.read_text(encoding="utf-8") == "# just a note\n# another\n\nl4:\n  purchase_price: 2600\n" \
                                               "  as_of: 2026-11-27\n"


@pytest.mark.parametrize("name", ["", " padded", "two\nlines"])
def test_bad_entry_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(TcoError, match="entry name"):
        set_fields(tmp_path / "api.yaml", "api", name, "input=1")
    assert not (tmp_path / "api.yaml").exists()
