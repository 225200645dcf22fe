"""The `tco` command line: parses arguments, calls the library, picks a renderer. Nothing more.

Exit codes: 0 success, 1 bad input or data (one line per problem on stderr), 2 usage error.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from tco import __version__
from tco.errors import TcoError
from tco.render import OutputFormat

app = typer.Typer(
    name="tco",
    help="What an LLM workload costs on a proprietary API versus self-hosted GPUs, month by month, "
    "and when self-hosting breaks even.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Basis(StrEnum):
    cash = "cash"
    amortized = "amortized"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


# Options shared by several commands: declared once, used everywhere.
ScenarioArgs = Annotated[list[Path], typer.Argument(help="Scenario YAML file(s).", show_default=False,
                                                    metavar="SCENARIO")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.",
                                                metavar="FILE", dir_okay=False)]
BasisOpt = Annotated[Basis | None, typer.Option("--basis", help="Override finance.basis: cash (pay for GPUs "
                                                "when bought) or amortized (depreciate them).")]
PricingOpt = Annotated[Path | None, typer.Option("--pricing", help="User pricing folder that overlays the "
                                                 "bundled tables (default: $TCO_PRICING, else "
                                                 "~/.config/tco/pricing when it exists).", metavar="DIR",
                                                 file_okay=False)]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="Override a scenario value by dotted path, "
                                                  "e.g. workload.requests_per_day=1M or "
                                                  "options.GPT-4.1.discount=15%. Repeatable.",
                                                  metavar="PATH=VALUE")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")]

F = TypeVar("F", bound=Callable[..., Any])


def fail(error: TcoError) -> NoReturn:
    """Print every problem on stderr, one line each, and exit 1."""
    for problem in error.problems:
        typer.echo(str(problem), err=True)
    raise typer.Exit(1)


def reports_errors(command: F) -> F:
    """Turn TcoError (and, without --debug, any crash) into a clear message and exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = kwargs.get("debug", False) or os.environ.get("TCO_DEBUG") == "1"
        try:
            return command(*args, **kwargs)
        except TcoError as error:
            if debug:
                raise
            fail(error)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as error:
            if debug:
                raise
            typer.echo(f"tco: internal error: {type(error).__name__}: {error} (run with --debug for the "
                       "traceback, and please report it)", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def write_output(text: str, output: Path | None) -> None:
    """Write `text` to stdout, or atomically to `output` (a temporary file renamed over it)."""
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`tco compare ... | head`): not an error worth a message.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise TcoError.single(str(output), "the folder to write into does not exist")
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, output)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    typer.echo(f"wrote {output}", err=True)


def _terminal_width() -> int | None:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return os.get_terminal_size().columns
    return None


def _use_colour(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR") \
        and os.environ.get("TERM") != "dumb"


def _compare_all(paths: list[Path], overrides: list[str] | None, pricing: Path | None,
                 basis: Basis | None) -> list[Any]:
    """Compare every scenario; report the problems of all files before failing."""
    from tco.catalog import Catalog, user_pricing_dir
    from tco.compare import compare_loaded
    from tco.scenario import load_scenario

    catalog = Catalog(user_pricing_dir(pricing))
    comparisons = []
    problems = []
    for path in paths:
        try:
            loaded = load_scenario(str(path), overrides=overrides or [], catalog=catalog,
                                   basis=basis.value if basis else None)
            comparisons.append(compare_loaded(loaded))
        except TcoError as error:
            problems.extend(error.problems)
    if problems:
        raise TcoError(problems)
    return comparisons


def _print_warnings(comparisons: list[Any]) -> None:
    for c in comparisons:
        for warning in c.warnings:
            typer.echo(f"warning: {c.source}: {warning}", err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tco {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.", callback=_version,
                                          is_eager=True)] = False,
) -> None:
    """What an LLM workload costs on a proprietary API versus self-hosted GPUs, and when self-hosting
    breaks even. Start with `tco init`, then `tco compare scenario.yaml`."""


@app.command()
@reports_errors
def compare(
    scenarios: ScenarioArgs,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    output: OutputOpt = None,
    monthly: Annotated[bool, typer.Option("--monthly", help="Show every month of every option (CSV: one "
                                          "row per option and month instead of one per option).")] = False,
    basis: BasisOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Compare every option of one or more scenarios: totals, break-even month and volume."""
    from tco.render import renderer

    comparisons = _compare_all(scenarios, set_, pricing, basis)
    colour = _use_colour(output)
    text = renderer(format)(comparisons, monthly, _terminal_width(), colour)
    if format is OutputFormat.csv:  # the other formats carry their warnings in the output itself
        _print_warnings(comparisons)
    write_output(text, output)


@app.command()
@reports_errors
def export(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)],
    output: OutputOpt = None,
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")] = ExportFormat.csv,
    basis: BasisOpt = None,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Export one row per option and month (CSV for spreadsheets, or JSON rows)."""
    from tco.render.csv import render_csv, render_rows_json

    comparisons = _compare_all([scenario], set_, pricing, basis)
    text = render_csv(comparisons, monthly=True) if format is ExportFormat.csv else render_rows_json(comparisons)
    _print_warnings(comparisons)
    write_output(text, output)


@app.command()
@reports_errors
def validate(
    scenarios: ScenarioArgs,
    pricing: PricingOpt = None,
    set_: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Check scenarios: exit 0 when every one would compare cleanly, 1 otherwise (prints no figures)."""
    from tco.catalog import Catalog, user_pricing_dir
    from tco.compare import compare_loaded
    from tco.scenario import load_scenario

    catalog = Catalog(user_pricing_dir(pricing))
    problems = []
    for path in scenarios:
        try:
            loaded = load_scenario(str(path), overrides=set_ or [], catalog=catalog)
            compare_loaded(loaded)  # valid means `compare` works: the numbers must be computable too
        except TcoError as error:
            problems.extend(error.problems)
            continue
        count = len(loaded.inputs.options)
        typer.echo(f"{path}: valid ({count} option{'s' if count != 1 else ''}, "
                   f"{loaded.inputs.horizon_months} months)")
        for warning in loaded.warnings:
            typer.echo(f"warning: {path}: {warning}", err=True)
    if problems:
        raise TcoError(problems)


@app.command()
@reports_errors
def init(
    file: Annotated[Path, typer.Argument(help="Where to write the starter scenario ('-' for stdout).",
                                         dir_okay=False)] = Path("scenario.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Write a commented starter scenario that validates as it is."""
    from tco.starter import starter_scenario

    text = starter_scenario()
    if str(file) == "-":
        write_output(text, None)
        return
    if file.exists() and not force:
        raise TcoError.single(str(file), "already exists; use --force to overwrite it")
    write_output(text, file)
    typer.echo(f"next: tco compare {file}", err=True)


@app.command()
@reports_errors
def schema(output: OutputOpt = None, debug: DebugOpt = False) -> None:
    """Print the scenario file's JSON Schema, for editors with a YAML language server."""
    from tco.jsonschema import scenario_json_schema

    write_output(scenario_json_schema(), output)
