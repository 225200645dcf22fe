"""The README and the documentation pages stay true: every `$ tco ...` example on them is the real
output, and CI runs the README's test command."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from clirun import invoke

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A shown warning depends on today's date (table prices age), so it is left out of both sides.
WARNINGS = re.compile(r"\nWarnings\n(?:  .*\n)+")


def examples() -> list[tuple[str, list[str], str]]:
    """Every example shell session in a fenced block: (where, the commands, the output shown).

    A block holds `$ tco ...` lines (a trailing `\\` continues one), each followed by its output.
    The commands of one block run in order in one folder, so a later one sees what an earlier wrote.
    """
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```[a-z]*\n(\$ tco .*?)```", text, re.S):
            commands: list[str] = []
            outputs: list[str] = []
            lines = block.splitlines(keepends=True)
            while lines:
                line = lines.pop(0)
                if line.startswith("$ "):
                    command = line[2:].rstrip("\n")
                    while command.endswith("\\"):
                        command = command[:-1] + " " + lines.pop(0).strip()
                    commands.append(command)
                    outputs.append("")
                else:
                    outputs[-1] += line
            name = f"{page.relative_to(ROOT)}: {commands[0][:60]}"
            found.append((name, commands, "\x00".join(outputs)))
    return found


EXAMPLES = examples()


def matches(shown: str, real: str) -> bool:
    """Equal, or, where the example elides lines with `...`, the shown lines in order within the real ones."""
    real = WARNINGS.sub("\n", real)
    shown = WARNINGS.sub("\n", shown)
    if not any(line.strip() == "..." for line in shown.splitlines()):
        return shown == real
    remaining = iter(real.splitlines())
    return all(line.strip() == "..." or any(line == seen for seen in remaining) for line in shown.splitlines())


def test_the_examples_are_found() -> None:
    where = {name.split(":", 1)[0] for name, _, _ in EXAMPLES}
    assert {"README.md", "docs/getting-started.md", "docs/mixed.md", "docs/uncertainty.md", "docs/pricing.md"} <= where


@pytest.mark.parametrize(("commands", "shown"), [(c, s) for _, c, s in EXAMPLES], ids=[n for n, _, _ in EXAMPLES])
def test_every_example_is_the_real_output(commands: list[str], shown: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The shown text is what the command prints on stdout (on stderr when it prints only there). A
    command with a `# comment` shows a view of its output (checked by its own test), or none."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TCO_PRICING", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for command, output in zip(commands, shown.split("\x00"), strict=True):
        words = shlex.split(command, comments=True)
        assert words[0] == "tco"
        result = invoke(words[1:])
        assert result.exit_code == 0, (command, result.stderr)
        if not re.search(r"\s#\s", command):
            shown_text = result.stdout or result.stderr  # a command that only reports prints on stderr
            assert matches(output, shown_text), f"{command}\n{shown_text}"


def test_the_readme_and_getting_started_show_the_same_example() -> None:
    page = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    first = "$ tco compare scenarios/support-assistant.yaml\n"
    assert README.split(first, 1)[1].split("```", 1)[0] == page.split(first, 1)[1].split("```", 1)[0]


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    run, test = commands[0], commands[1]
    assert "pip install ." in run and "tco compare scenarios/" in run
    assert "pytest" in test
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_is_short() -> None:
    """The pitch, the two set-up commands, the worked example and links: the rest is on the site."""
    assert README.count("\n") <= 200 and len(README.encode()) < 25_000
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{page.name}" in README or page.stem in ("index", "cli"), page.name


@pytest.mark.parametrize("page", [p for p in PAGES if "```python" in p.read_text(encoding="utf-8")],
                         ids=lambda p: p.name)
def test_the_python_examples_run(page: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The Python examples (docs/python-api.md) run as written, from the repository's root."""
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    for block in blocks:
        exec(compile(block, f"{page.name} example", "exec"), {})
    assert "vs GPT-4.1" in capsys.readouterr().out
