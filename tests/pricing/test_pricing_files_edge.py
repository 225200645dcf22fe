"""Found in review: user pricing files a real user has (Windows line endings, a byte-order mark,
a `---` start marker, non-UTF-8 bytes, a folder where the file should be) keep every byte outside
the changed lines, and every failure is a one-line message with exit 1, never an internal error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import run

BOM = b"\xef\xbb\xbf"



def write(folder: Path, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "api.yaml"
    path.write_bytes(data)
    return path


CRLF = (b"# top\r\n"
        b"openai/gpt-4.1:\r\n"
        b"  input: 2\r\n"
        b"  output: 8   # list\r\n"
        b"\r\n"
        b"# other\r\n"
        b"acme/x:\r\n"
        b"  input: 3\r\n")


def test_set_keeps_windows_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path, CRLF)
    result = run("pricing", "set", "api", "acme/x", "input=1.5", "--pricing", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == CRLF.replace(b"  input: 3\r\n", b"  input: 1.5\r\n  as_of: 2026-11-27\r\n")


def test_set_of_a_new_entry_and_remove_keep_windows_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path, CRLF)
    assert run("pricing", "set", "api", "new/one", "input=1", "--pricing", tmp_path).exit_code == 0
    assert path.read_bytes() == CRLF + b"\r\nnew/one:\r\n  input: 1\r\n  as_of: 2026-11-27\r\n"
    assert run("pricing", "remove", "api", "openai/gpt-4.1", "--pricing", tmp_path).exit_code == 0
    assert b"\n" not in path.read_bytes().replace(b"\r\n", b"")
    assert path.read_bytes().startswith(b"# top\r\n# other\r\nacme/x:\r\n")  # the entry goes with its blank line


def test_edit_keeps_windows_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path, CRLF)
    script = tmp_path / "editor.py"
    script.write_text("import pathlib, sys\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_bytes(p.read_bytes().replace(b'input: 3', b'input: 4'))\n")
    result = run("pricing", "edit", "api", "--pricing", tmp_path, env={"VISUAL": f"{sys.executable} {script}"})
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == CRLF.replace(b"input: 3", b"input: 4")


def test_set_keeps_a_byte_order_mark(tmp_path: Path) -> None:
    original = BOM + b"# mine\nacme/x:\n  input: 3\n"
    path = write(tmp_path, original)
    result = run("pricing", "set", "api", "acme/x", "input=1.5", "--pricing", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == BOM + b"# mine\nacme/x:\n  input: 1.5\n  as_of: 2026-11-27\n"


def test_set_keeps_a_document_start_marker(tmp_path: Path) -> None:
    original = b"---\n# mine\nacme/x:\n  input: 3   # spaced\nacme/y: {input: 1}\n"
    path = write(tmp_path, original)
    result = run("pricing", "set", "api", "acme/y", "input=2", "--pricing", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == b"---\n# mine\nacme/x:\n  input: 3   # spaced\nacme/y: {input: 2, as_of: 2026-11-27}\n"


def test_unicode_and_tabs_in_comments_survive(tmp_path: Path) -> None:
    original = "# café ☕\t🚀\nacme/x:\n  input: 3\t# négocié\n  notes: \"prix 🚀\"\nacme/y:\n  input: 1\n"
    path = write(tmp_path, original.encode())
    assert run("pricing", "set", "api", "acme/y", "input=2", "--pricing", tmp_path).exit_code == 0
    assert path.read_text(encoding="utf-8") == original.replace("  input: 1\n", "  input: 2\n  as_of: 2026-11-27\n")


@pytest.mark.parametrize("command", [["set", "api", "acme/x", "input=1"], ["remove", "api", "acme/x"]])
def test_a_file_that_is_not_utf8_is_a_positioned_error(tmp_path: Path, command: list[str]) -> None:
    path = write(tmp_path, b"acme/x:\n  input: 1\n  notes: caf\xe9\n")
    result = run("pricing", *command, "--pricing", tmp_path)
    assert result.exit_code == 1
    assert "internal error" not in result.stderr and "UTF-8" in result.stderr and str(path) in result.stderr
    assert path.read_bytes() == b"acme/x:\n  input: 1\n  notes: caf\xe9\n"


def test_edit_of_a_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, b"acme/x:\n  notes: caf\xe9\n")
    result = run("pricing", "edit", "api", "--pricing", tmp_path, env={"VISUAL": "true"})
    assert result.exit_code == 1
    assert "internal error" not in result.stderr and "UTF-8" in result.stderr


def test_a_folder_in_place_of_the_table_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").mkdir()
    result = run("pricing", "set", "api", "acme/x", "input=1", "--pricing", tmp_path)
    assert result.exit_code == 1
    assert "internal error" not in result.stderr and "api.yaml" in result.stderr and "not a file" in result.stderr


SUPPORT = Path(__file__).resolve().parents[2] / "scenarios" / "support-assistant.yaml"


@pytest.mark.parametrize(("make", "message"), [
    (lambda table: table.mkdir(), "is a folder, not a file"),
    (lambda table: table.symlink_to(table.parent / "gone.yaml"), "is a link to a file that does not exist"),
    (lambda table: table.symlink_to("/dev/zero"), "not a regular file (a device, a pipe or a socket)"),
    (lambda table: os.mkfifo(table), "not a regular file (a device, a pipe or a socket)"),
], ids=["folder", "dangling-link", "dev-zero", "fifo"])
@pytest.mark.parametrize("command", [["compare", str(SUPPORT)], ["validate", str(SUPPORT)], ["pricing", "list"],
                                     ["pricing", "show", "api", "openai/gpt-4.1"]], ids=lambda c: " ".join(c[:2]))
def test_a_table_that_is_not_a_regular_file_is_a_one_line_error(tmp_path: Path, make: object, message: str,
                                                                 command: list[str]) -> None:
    """Not silently skipped: the overlay the user meant would not apply."""
    table = tmp_path / "api.yaml"
    make(table)  # type: ignore[operator]
    result = run(*command, "--pricing", tmp_path)
    assert result.exit_code == 1, result.output
    assert result.stderr == f"{table}: {message}\n", result.stderr
    assert result.stdout == ""


def test_a_binary_pricing_table_is_called_a_pricing_table(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_bytes(b"\x00\x01binary")
    result = run("pricing", "list", "--pricing", tmp_path)
    assert result.exit_code == 1
    assert "pricing table" in result.stderr and "scenario" not in result.stderr, result.stderr


def test_an_unreadable_editor_command_is_an_error(tmp_path: Path) -> None:
    result = run("pricing", "edit", "api", "--pricing", tmp_path, env={"VISUAL": '"unclosed'})
    assert result.exit_code == 1
    assert "internal error" not in result.stderr and "$VISUAL" in result.stderr


def test_a_field_given_twice_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, b"acme/x:\n  input: 3\n")
    result = run("pricing", "set", "api", "acme/x", "input=1", "input=2", "--pricing", tmp_path)
    assert result.exit_code == 1
    assert "given twice" in result.stderr
    assert path.read_bytes() == b"acme/x:\n  input: 3\n"


SLOW_SET = """\
import sys, time
import tco.pricing.files as files
render = files.TableText.render
def slow(self):  # widen the window between reading the file and writing it
    time.sleep(0.3)
    return render(self)
files.TableText.render = slow
from tco.cli import app
app(["pricing", "set", "api", sys.argv[2], "input=1.5", "--pricing", sys.argv[1]])
"""


def test_concurrent_sets_with_a_wide_race_window_all_take_effect(tmp_path: Path) -> None:
    """Four processes read-modify-write the same file, each holding it 0.3 s between read and write.
    Without the lock, all four read the same old file and the last rename wins (checked by hand:
    1 or 2 of 4 survived in each of 4 runs); with it, every entry lands."""
    path = write(tmp_path, b"# mine\nacme/x:\n  input: 3\n")
    env = {**os.environ, "TCO_TODAY": "2026-11-27"}
    names = [f"acme/m{i}" for i in range(4)]
    processes = [subprocess.Popen([sys.executable, "-c", SLOW_SET, str(tmp_path), name], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name in names]
    for process in processes:
        assert process.wait(60) == 0, process.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# mine\nacme/x:\n  input: 3\n")
    assert all(f"{name}:\n  input: 1.5\n" in text for name in names), text


def test_init_under_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = run("pricing", "init", tmp_path / "afile" / "sub")
    assert result.exit_code == 1
    assert "internal error" not in result.stderr and "afile" in result.stderr


ANCHORED = b"""\
# keep   me
acme/x: &shared
  input: 3   # c1
  output: 4
acme/alias: *shared
q/q:
    input: 7    # four-space indent, two spaces before the comment
"""


def test_anchors_elsewhere_do_not_make_an_edit_rewrite_the_whole_file(tmp_path: Path) -> None:
    """An anchor and its alias tie two entries together; an edit of a third entry touches its lines only."""
    path = write(tmp_path, ANCHORED)
    result = run("pricing", "set", "api", "q/q", "input=1.5", "--pricing", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == ANCHORED.replace(b"    input: 7    # four-space indent",
                                                 b"    input: 1.5  # four-space indent") + b"    as_of: 2026-11-27\n"


def test_removing_an_anchored_entry_keeps_its_alias_whole(tmp_path: Path) -> None:
    path = write(tmp_path, ANCHORED)
    assert run("pricing", "remove", "api", "acme/x", "--pricing", tmp_path).exit_code == 0
    from tco.pricing.catalog import check_user_table

    table = check_user_table("api", path.read_bytes(), "api.yaml")
    assert "acme/x" not in table and table["acme/alias"] == {"input": 3, "output": 4}
    assert path.read_bytes().startswith(b"# keep   me\n")


SUPPORT = Path(__file__).resolve().parents[2] / "scenarios" / "support-assistant.yaml"  # rents h100-sxm on lambda


def test_a_rent_for_another_cloud_leaves_the_bundled_cloud_price_cited_and_dated(tmp_path: Path) -> None:
    """`set gpus h100-sxm rent_per_hour.gcp=...` merges cloud by cloud: the scenario's lambda price is
    still the bundled one, so its assumption cites pricing/gpus.yaml and its date (2026-11-20), and
    it goes stale on the bundled date, not on the date of the user's gcp price."""
    import json

    prices = tmp_path / "prices"
    env = {"TCO_TODAY": "2027-05-20"}  # 181 days after the bundled as_of
    assert run("pricing", "set", "gpus", "h100-sxm", "rent_per_hour.gcp=5.38", "--pricing", prices,
               env=env).exit_code == 0
    result = run("compare", SUPPORT, "--pricing", prices, "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    rate = next(a for a in data["assumptions"] if a["field"].endswith("hourly_rate_per_gpu"))
    assert rate["value"] == 2.99
    assert rate["source"].startswith("pricing/gpus.yaml h100-sxm rent_per_hour.lambda: SkyPilot")
    assert rate["source"].endswith("as of 2026-11-20")
    assert any("h100-sxm in pricing/gpus.yaml is 181 days old" in w for w in data["warnings"])


def test_show_gives_each_cloud_rent_its_own_origin(tmp_path: Path) -> None:
    prices = tmp_path / "prices"
    assert run("pricing", "set", "gpus", "h100-sxm", "rent_per_hour.gcp=5.38", "--pricing", prices).exit_code == 0
    result = run("pricing", "show", "gpus", "h100-sxm", "--pricing", prices)
    assert result.exit_code == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.startswith("rent_per_hour")}
    assert rows["rent_per_hour.gcp"][1:4] == ["5.38", "user", "2026-11-27"]
    assert rows["rent_per_hour.lambda"][1:4] == ["2.99", "bundled", "2026-11-20"]


def test_an_unknown_litellm_provider_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    """A typo in --provider used to import nothing and exit 0 with all counts at zero."""
    litellm = Path(__file__).resolve().parents[1] / "fixtures" / "litellm" / "model_prices_and_context_window.json"
    result = run("pricing", "import", "litellm", litellm, "--provider", "opneai", "--pricing", tmp_path)
    assert result.exit_code == 1
    assert "--provider" in result.stderr and "did you mean 'openai'" in result.stderr
    assert not (tmp_path / "api.yaml").exists()


def test_an_as_of_in_the_future_is_refused(tmp_path: Path) -> None:
    """A typo like 2062-11-27 would keep the price from ever being reported stale."""
    path = write(tmp_path, b"acme/x:\n  input: 3\n")
    result = run("pricing", "set", "api", "acme/x", "input=2", "as_of=2062-11-27", "--pricing", tmp_path)
    assert result.exit_code == 1
    assert "as_of" in result.stderr and "future" in result.stderr
    assert path.read_bytes() == b"acme/x:\n  input: 3\n"
    assert run("pricing", "set", "api", "acme/x", "as_of=2026-11-27", "--pricing", tmp_path).exit_code == 0


def test_an_import_dated_in_the_future_is_refused(tmp_path: Path) -> None:
    litellm = Path(__file__).resolve().parents[1] / "fixtures" / "litellm" / "model_prices_and_context_window.json"
    result = run("pricing", "import", "litellm", litellm, "--as-of", "2062-01-01", "--pricing", tmp_path)
    assert result.exit_code == 1 and "future" in result.stderr
    assert not (tmp_path / "api.yaml").exists()


def test_list_dates_an_overlaid_entry_by_its_oldest_figure(tmp_path: Path) -> None:
    """The user's input price dated 2026-10-01 over bundled figures dated 2026-11-20: the listing's
    as_of is the older date, the one that goes stale first (it used to show the newer one)."""
    import json

    write(tmp_path, b"openai/gpt-4.1:\n  input: 1.5\n  as_of: 2026-10-01\n")
    result = run("pricing", "list", "api", "--search", "openai/gpt-4.1", "--format", "json", "--pricing", tmp_path)
    assert result.exit_code == 0, result.stderr
    row = next(r for r in json.loads(result.stdout) if r["name"] == "openai/gpt-4.1")
    assert row["origin"] == "bundled+user" and row["as_of"] == "2026-10-01"


def test_a_set_that_would_also_change_an_aliased_entry_is_refused(tmp_path: Path) -> None:
    """`acme/alias: *shared` is the same mapping as acme/x: setting acme/x's output would silently
    change acme/alias too. `set` changes the named entry only, so it refuses and writes nothing."""
    path = write(tmp_path, ANCHORED)
    result = run("pricing", "set", "api", "acme/x", "output=5", "--pricing", tmp_path)
    assert result.exit_code == 1
    assert "acme/alias" in result.stderr and "anchor" in result.stderr
    assert path.read_bytes() == ANCHORED
