"""Every bad scenario is rejected cleanly by `tco compare` and `tco validate`.

Each file in `tests/bad_scenarios/` is a realistic scenario with one fault (one file has several).
Header comments say what the error must name:

    # expect-field: options[1].discount    a field path reported as FILE:LINE:COL: PATH: message
                                           (repeatable; a more specific path below it also counts)
    # expect-text: did you mean 'fte'      a case-insensitive substring of stderr
    # expect-line: 12                      the 1-based line reported for that field (or any problem)
    # run-in: subprocess                   hostile input that could hang: run `python -m tco` with
                                           a timeout instead of in-process

The contract: exit 1, nothing on stdout, one `FILE:LINE:COL: FIELD: message` (or
`FILE: message`) line per problem on stderr, never a traceback, no file written anywhere.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from clirun import invoke

import tco.cli as cli

CORPUS = Path(__file__).resolve().parents[1] / "bad_scenarios"
COMMANDS = ("compare", "validate")
SUBPROCESS_TIMEOUT_SECONDS = 20
MIN_CORPUS_FILES = 40

HEADER = re.compile(r"^# (?P<key>expect-field|expect-text|expect-line|run-in): (?P<value>.+)$")
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rest>.+)$")


@dataclass(frozen=True)
class Expectation:
    """What the stderr of a rejected file must contain, read from its header comments."""

    fields: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    line: int | None = None
    in_subprocess: bool = False


@dataclass(frozen=True)
class Problem:
    """One stderr line: its reported line number (if any) and the text after the location."""

    line: int | None
    message: str

    def names(self, field: str) -> bool:
        """Whether this problem is reported at `field` or at a path inside it."""
        if self.line is None:
            return False
        reported = self.message.partition(": ")[0]
        return reported == field or reported.startswith((f"{field}.", f"{field}["))


def read_expectation(path: Path) -> Expectation:
    """Parse the `# expect-...:` header comments of a corpus file."""
    fields: list[str] = []
    texts: list[str] = []
    line: int | None = None
    in_subprocess = False
    for raw in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        match = HEADER.match(raw.rstrip())
        if not match:
            continue
        key, value = match["key"], match["value"].strip()
        if key == "expect-field":
            fields.append(value)
        elif key == "expect-text":
            texts.append(value)
        elif key == "expect-line":
            line = int(value)
        else:
            in_subprocess = value == "subprocess"
    return Expectation(tuple(fields), tuple(texts), line, in_subprocess)


def corpus_files(*, in_subprocess: bool) -> list[Path]:
    return [
        path
        for path in sorted(CORPUS.glob("*.yaml"))
        if read_expectation(path).in_subprocess == in_subprocess
    ]


def parse_problems(stderr: str, path: Path) -> list[Problem]:
    """Split stderr into problems, checking that every line starts with the file's name."""
    problems = []
    for raw in stderr.splitlines():
        if not raw.strip():
            continue
        head, separator, rest = raw.partition(":")
        assert separator and head.endswith(path.name), (
            f"stderr line does not start with the file name {path.name!r}: {raw!r}\n{stderr}"
        )
        located = LOCATED.match(raw)
        if located:
            assert int(located["line"]) >= 1, f"line numbers are 1-based: {raw!r}"
            problems.append(Problem(int(located["line"]), located["rest"]))
        else:
            problems.append(Problem(None, rest.strip()))
    return problems


def assert_rejected(
    path: Path, exit_code: int, stdout: str, stderr: str, expectation: Expectation
) -> list[Problem]:
    """Check the error contract for one rejected file; return its problems."""
    assert "Traceback" not in stdout + stderr, stdout + stderr
    assert exit_code == 1, f"exit code {exit_code}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    assert stdout == "", f"stdout must stay empty on bad input, got:\n{stdout}"
    assert path.name in stderr, f"stderr does not name the file:\n{stderr}"
    problems = parse_problems(stderr, path)
    assert problems, "stderr has no problem lines"
    for field in expectation.fields:
        assert any(problem.names(field) for problem in problems), (
            f"no `{path.name}:LINE:COL: {field}: ...` line in stderr:\n{stderr}"
        )
    for text in expectation.texts:
        assert text.lower() in stderr.lower(), f"{text!r} not in stderr:\n{stderr}"
    if expectation.line is not None:
        at_line = [problem for problem in problems if problem.line == expectation.line]
        if expectation.fields:
            at_line = [p for p in at_line if any(p.names(f) for f in expectation.fields)]
        assert at_line, f"nothing reported as {path.name}:{expectation.line}: in stderr:\n{stderr}"
    return problems


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its content, to prove that a run wrote nothing."""
    return {
        str(item.relative_to(folder)): item.read_bytes() if item.is_file() else b""
        for item in sorted(folder.rglob("*"))
    }


def run_checked(command: str, path: Path) -> tuple[int, str, str]:
    """Run `tco COMMAND PATH` in-process; return exit code, stdout and stderr."""
    result = invoke([command, str(path)])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def run_in_subprocess(command: str, path: Path, cwd: Path) -> tuple[int, str, str]:
    """Run `python -m tco COMMAND PATH` with a timeout, so a hang fails instead of blocking."""
    # the folder that holds the `tco` imported here, so both ways of running test the same code
    package_parent = Path(cli.__file__).resolve().parents[2]
    python_path = [str(package_parent), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(python_path)}
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "tco", command, str(path)],
            cwd=cwd,
            env=env,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=SUBPROCESS_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`tco {command} {path.name}` ran longer than {SUBPROCESS_TIMEOUT_SECONDS} s")
    return completed.returncode, completed.stdout, completed.stderr


@pytest.fixture
def empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder; tests assert it is still empty afterwards."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A folder for files generated by a test, apart from the current folder."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    return folder


def write_binary_garbage(folder: Path) -> Path:
    path = folder / "binary_garbage.yaml"
    path.write_bytes(b"\x00\xff\xfe\x00\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return path


def write_deep_nesting(folder: Path) -> Path:
    """A scenario whose requests_per_day is a list nested 10,000 deep (recursion bomb)."""
    depth = 10_000
    path = folder / "deep_nesting.yaml"
    path.write_text(
        "name: Support assistant\n"
        "workload:\n"
        f"  requests_per_day: {'[' * depth}1{']' * depth}\n"
        "  input_tokens_per_request: 1800\n"
        "  output_tokens_per_request: 350\n"
        "options:\n"
        "  - name: GPT-4.1\n"
        "    kind: api\n"
        "    price: {input: 2, output: 8}\n"
    )
    return path


HOSTILE_GENERATED: dict[str, Callable[[Path], Path]] = {"deep_nesting": write_deep_nesting}


def test_corpus_is_complete() -> None:
    paths = sorted(CORPUS.glob("*.yaml"))
    assert len(paths) >= MIN_CORPUS_FILES
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for raw in text.splitlines():
            if raw.startswith(("# expect", "# run")):
                assert HEADER.match(raw.rstrip()), f"{path.name}: malformed header {raw!r}"
        expectation = read_expectation(path)
        if expectation.line is not None:
            assert 1 <= expectation.line <= len(text.splitlines()), path.name


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p.stem) for p in corpus_files(in_subprocess=False)]
)
def test_bad_scenario_is_rejected(
    path: Path, command: str, empty_cwd: Path, isolated_home: Path
) -> None:
    corpus_before = snapshot(CORPUS)
    exit_code, stdout, stderr = run_checked(command, path)
    assert_rejected(path, exit_code, stdout, stderr, read_expectation(path))
    assert snapshot(empty_cwd) == {}
    assert snapshot(isolated_home) == {}
    assert snapshot(CORPUS) == corpus_before


@pytest.mark.parametrize("command", COMMANDS)
def test_binary_garbage_is_rejected(
    command: str, empty_cwd: Path, inputs: Path, isolated_home: Path
) -> None:
    path = write_binary_garbage(inputs)
    inputs_before = snapshot(inputs)
    exit_code, stdout, stderr = run_checked(command, path)
    assert_rejected(path, exit_code, stdout, stderr, Expectation())
    assert snapshot(empty_cwd) == {}
    assert snapshot(isolated_home) == {}
    assert snapshot(inputs) == inputs_before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "source",
    [pytest.param(p, id=p.stem) for p in corpus_files(in_subprocess=True)]
    + [pytest.param(name, id=name) for name in HOSTILE_GENERATED],
)
def test_hostile_file_is_rejected_without_hanging(
    source: Path | str, command: str, empty_cwd: Path, inputs: Path, isolated_home: Path
) -> None:
    path = source if isinstance(source, Path) else HOSTILE_GENERATED[source](inputs)
    expectation = read_expectation(path) if isinstance(source, Path) else Expectation()
    inputs_before = snapshot(inputs)
    exit_code, stdout, stderr = run_in_subprocess(command, path, empty_cwd)
    assert_rejected(path, exit_code, stdout, stderr, expectation)
    assert snapshot(empty_cwd) == {}
    assert snapshot(isolated_home) == {}
    assert snapshot(inputs) == inputs_before


@pytest.mark.parametrize("command", COMMANDS)
def test_every_fault_in_a_file_is_reported(command: str, empty_cwd: Path) -> None:
    path = CORPUS / "multiple_faults.yaml"
    expectation = read_expectation(path)
    assert len(expectation.fields) >= 3
    exit_code, stdout, stderr = run_checked(command, path)
    problems = assert_rejected(path, exit_code, stdout, stderr, expectation)
    assert len(problems) >= len(expectation.fields), stderr
    assert snapshot(empty_cwd) == {}
