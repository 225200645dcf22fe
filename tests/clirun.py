"""The one way the tests run the `tco` command line in-process."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from typer.testing import CliRunner

from tco.cli import app


@dataclass(frozen=True)
class Ran:
    """What one `tco` invocation gave. Unpacks as `(exit code, stdout, stderr)`; `exception` is what
    the command raised (None, or the SystemExit of its exit code) and `output` both streams."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None = None
    stdout_bytes: bytes = b""  # for binary output (a PNG on stdout)

    def __iter__(self) -> Iterator[object]:
        return iter((self.exit_code, self.stdout, self.stderr))

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def invoke(args: Sequence[object], input: str | None = None, env: Mapping[str, str | None] | None = None) -> Ran:
    """Run `tco ARGS` (each argument made a string) and return its exit code, stdout and stderr."""
    result = CliRunner().invoke(app, [str(a) for a in args], input=input, env=env)
    return Ran(result.exit_code, result.stdout, result.stderr, result.exception, result.stdout_bytes)


def run(*args: object, input: str | None = None, env: Mapping[str, str | None] | None = None) -> Ran:
    """`invoke` with the arguments spread: `run("compare", path, "--format", "json")`."""
    return invoke(args, input=input, env=env)
