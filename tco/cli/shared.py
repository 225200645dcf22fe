"""What every command shares: the `app`, which loads each command's module only when that command runs,
option types declared once, error reporting and output writing."""

from __future__ import annotations

import functools
import importlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
import typer.main
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from tco.engine.results import ScenarioWarning
from tco.errors import TcoError, inert
from tco.render.formats import Formats, Target
from tco.render.layout import Screen
from tco.render.text import warning_text
from tco.version import __version__

E = TypeVar("E", bound=StrEnum)


# --- help that names what to type -----------------------------------------------------------------
# typer shows each parameter's Python type beside it (`<bool>`, `<path>`, `<list[Path]>`). Our
# options name their value with a metavar (N, DAYS, FILE, PATH=VALUE, table|json|csv) and our
# arguments with their name (SCENARIO, KIND), so the help shows those alone: a flag shows nothing,
# an argument its name, an option its metavar. Number ranges are checked by `whole_number` and
# said in the help text, not as `[1<=x<=1000000]`.


class _Argument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class _Option(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None if self.is_flag else super().display_type_rich(ctx)


def _plain_types(command: Any) -> None:
    """Give every parameter of `command` and of its sub-commands the help display above."""
    if type(command) is TyperCommand:
        command.__class__ = _Command
    for param in command.params:
        if type(param) is TyperArgument:
            param.__class__ = _Argument
        elif type(param) is TyperOption:
            param.__class__ = _Option
    for sub in (getattr(command, "commands", None) or {}).values():
        _plain_types(sub)


class _Command(TyperCommand):
    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if type(option) is TyperOption:
            option.__class__ = _Option
        return option


class Group(TyperGroup):
    """typer's group whose commands' help shows no Python type names (see above)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_types(self)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if type(option) is TyperOption:
            option.__class__ = _Option
        return option


# --- the commands, each loaded when it runs ---------------------------------------------------------
# `tco compare` imports the command modules it needs and nothing else: each module imports what its
# commands use at its top, and a command's module is imported only when that command is looked up
# (`tco --help` looks up every one). In the order `tco --help` lists them (README: Commands).
COMMAND_MODULES = {
    "compare": "scenario", "export": "scenario", "validate": "scenario", "init": "scenario", "schema": "scenario",
    "size": "size",
    "simulate": "analyses", "sensitivity": "analyses", "sweep": "analyses",
    "chart": "charts",
    "report": "report",
    "optimize": "optimize",
    "pricing": "pricing",  # a group of commands: listed after the commands
}


def command_app() -> typer.Typer:
    """The typer app on which the commands of one module of `tco.cli` register (`commands = command_app()`)."""
    return typer.Typer(cls=Group, add_completion=False)


@functools.cache
def _module_command(module: str, name: str) -> Any:
    """The click command `name` of a module of `tco.cli`, built alone: typer builds a command from its
    function's signature, and `tco compare` need not pay for the four other commands of its module."""
    commands: typer.Typer = importlib.import_module(f"tco.cli.{module}").commands
    for info in commands.registered_commands:
        if info.callback is not None and (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            command = typer.main.get_command_from_info(info, pretty_exceptions_short=commands.pretty_exceptions_short,
                                                       rich_markup_mode=commands.rich_markup_mode)
            break
    else:  # a group of commands (`tco pricing`)
        command = typer.main.get_group(commands).commands[name]
    _plain_types(command)
    return command


class _Commands(dict[str, Any]):
    """The root group's commands by name: each loaded from its module on first use."""

    def __init__(self, modules: dict[str, str]) -> None:
        super().__init__(dict.fromkeys(modules))
        self.modules = modules

    def __getitem__(self, name: str) -> Any:
        command = super().__getitem__(name)
        if command is None:
            command = _module_command(self.modules[name], name)
            super().__setitem__(name, command)
        return command

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def values(self) -> Iterator[Any]:  # type: ignore[override]
        return (self[name] for name in self)

    def items(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        return ((name, self[name]) for name in self)


class RootGroup(Group):
    """`tco`: its commands are loaded from their modules when they are looked up (COMMAND_MODULES)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(COMMAND_MODULES)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)


# --- option values --------------------------------------------------------------------------------


class MissingOption(typer.BadParameter):
    """A usage error (exit 2) for an option this invocation needs although the command does not always:
    "Missing option '--overflow-to': why", never "Invalid value for" a flag that was not given."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message, param_hint=f"'{option}'")

    def format_message(self) -> str:
        return f"Missing option {self.param_hint}: {self.message}"


def choice(kind: type[E] | Iterable[str]) -> dict[str, Any]:
    """The `parser` and `metavar` of an option or argument that takes one of `kind`'s values (an enum's,
    or names): the help lists them (`table|json|csv`), and any other value is one usage error (exit 2)
    naming them. The value is the enum member, or the name."""
    if isinstance(kind, type):
        enum = kind
        values = [member.value for member in enum]

        def parse_member(text: str | E) -> E:
            if isinstance(text, enum):
                return text
            try:
                return enum(text)
            except ValueError:
                raise typer.BadParameter(f"{text!r} is not one of: {', '.join(values)}") from None

        return {"parser": parse_member, "metavar": "|".join(values)}
    names = list(kind)

    def parse_name(text: str) -> str:
        if text not in names:
            raise typer.BadParameter(f"{text!r} is not one of: {', '.join(names)}")
        return text

    return {"parser": parse_name, "metavar": "|".join(names)}


def format_option(formats: Formats[Any, Any], help: str = "Output format.", **more: Any) -> Any:
    """`--format`/`-f`, offering exactly the formats of `formats` (the result's registry)."""
    parsed = choice(formats.names)
    parsed["parser"].formats = formats  # which registry the option offers (tests check each against it)
    return typer.Option("--format", "-f", help=help, **parsed, **more)


def whole_number(low: int, high: int | None = None, *, metavar: str = "N") -> dict[str, Any]:
    """The `parser` and `metavar` of an option that takes a whole number from `low` to `high`
    (no upper bound when None): anything else is one usage error (exit 2) saying what to give."""
    wanted = f"from {low:,} to {high:,}" if high is not None else f"of at least {low:,}"

    def parse(text: str | int) -> int:
        if isinstance(text, int):
            return text
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise typer.BadParameter(f"{text!r} is not a whole number; give one {wanted}") from None
        if value < low or (high is not None and value > high):
            raise typer.BadParameter(f"{value:,} is out of range; give a whole number {wanted}")
        return value

    return {"parser": parse, "metavar": metavar}


app = typer.Typer(
    cls=RootGroup,
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


# Options shared by several commands: declared once, used everywhere.
ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False, metavar="SCENARIO")]
ScenarioArgs = Annotated[list[Path], typer.Argument(help="Scenario YAML file(s).", show_default=False,
                                                    metavar="SCENARIO")]


def output_file(text: str | Path) -> Path | None:
    """-o's value: the file to write, or None for `-`, which is stdout as when -o is not given, so every
    check made for stdout (a PNG or a report refused on a terminal) holds for `-o -` alike. Only `-`
    itself: `./-` is a file of that name."""
    if isinstance(text, Path):
        return text
    if text == "-":
        return None
    if not text:
        raise typer.BadParameter("give a file name (or - for stdout).")
    if os.path.isdir(text):
        raise typer.BadParameter(f"file {text!r} is a directory.")
    return Path(text)


def _samples_file(text: str | Path) -> Path:
    """--samples' value: a file. stdout carries the summary, so `-` is refused, not taken as a file name."""
    if text == "-" or not text:
        raise typer.BadParameter("the samples need a file name, not stdout (./- for a file named -).")
    return output_file(text) or Path(text)


OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout ('-' for "
                                                "stdout).", metavar="FILE", parser=output_file)]
SamplesOpt = Annotated[Path | None, typer.Option("--samples", help="Also write every run's sampled inputs and "
                                                 "results to FILE (CSV).", metavar="FILE", parser=_samples_file)]
BasisOpt = Annotated[Basis | None, typer.Option("--basis", help="Override finance.basis: cash (pay for GPUs "
                                                "when bought) or amortized (depreciate them).",
                                                **choice(Basis))]
PricingOpt = Annotated[Path | None, typer.Option("--pricing", help="User pricing folder that overlays the "
                                                 "bundled tables (default: $TCO_PRICING, else "
                                                 "~/.config/tco/pricing when it exists).", metavar="DIR",
                                                 file_okay=False)]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="Override a scenario value by dotted path, "
                                                  "e.g. workload.requests_per_day=1M or "
                                                  "options.GPT-4.1.discount=15%. Repeatable.",
                                                  metavar="PATH=VALUE")]
RunsOpt = Annotated[int, typer.Option("--runs", "-n", help="Number of Monte Carlo runs (scenarios sampled), "
                                      "1 to 1,000,000.", **whole_number(1, 1_000_000))]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")]
MaxPriceAgeOpt = Annotated[int, typer.Option("--max-price-age", help="Warn about table prices older than "
                                             "DAYS (by their as_of date).", **whole_number(0, metavar="DAYS"))]

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
        except (typer.Exit, typer.Abort, typer.BadParameter, KeyboardInterrupt):
            raise  # exits and usage errors (exit 2) that a command raised on purpose
        except Exception as error:
            if debug:
                raise
            typer.echo(f"tco: internal error: {type(error).__name__}: {error} (run with --debug for the "
                       "traceback, and please report it)", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def print_warnings(source: str, warnings: Sequence[ScenarioWarning]) -> None:
    """Each warning on stderr, one line each: `warning: SOURCE: TEXT`, made inert (`tco.errors.inert`)
    like every message."""
    for warning in warnings:
        typer.echo(inert(f"warning: {source}: {warning_text(warning)}"), err=True)


def write_output(text: str | bytes, output: Path | None) -> None:
    """Write `text` (or an image's bytes) to stdout, or atomically to `output` (a temporary file
    renamed over it; through a link to the file it points to; straight into a device or a pipe)."""
    if output is None:
        try:
            if isinstance(text, bytes):
                sys.stdout.flush()
                sys.stdout.buffer.write(text)
                sys.stdout.buffer.flush()
            else:
                sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`tco compare ... | head`): not an error worth a message.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    # A link is written through, as a shell's `>` would: the file it points to gets the output.
    try:
        real = output.resolve() if output.is_symlink() else output
    except RuntimeError:  # Python 3.11 raises it for a loop of links
        raise TcoError.single(str(output), "is a link that loops back to itself") from None
    if real.exists() and not real.is_file():
        # A device or a pipe (`-o /dev/null`) is written into: renaming over it would replace it.
        with open(real, "wb") as stream:
            stream.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        typer.echo(f"wrote {output}", err=True)
        return
    folder = real.parent if str(real.parent) else Path(".")
    if not folder.is_dir():
        raise TcoError.single(str(output), "the folder to write into does not exist")
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{real.name}.", suffix=".tmp")
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        # mkstemp makes the file private (0600): a file written over keeps its own permissions, and a new
        # report or export is an ordinary file.
        if real.exists():
            os.chmod(temporary, real.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, real)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    typer.echo(f"wrote {output}", err=True)


DEFAULT_TERMINAL_WIDTH = 80  # columns, when a terminal does not say


def stdout_is_terminal() -> bool:
    """Whether stdout is a terminal: the one switch between output fitted to a terminal and plain
    text for pipes and files."""
    return sys.stdout.isatty()


def terminal_width() -> int | None:
    """$COLUMNS when set, else the terminal's width; None when neither says."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if stdout_is_terminal():
        try:
            return os.get_terminal_size().columns
        except OSError:
            return None
    return None


def use_colour(output: Path | None) -> bool:
    return output is None and stdout_is_terminal() and not os.environ.get("NO_COLOR") \
        and os.environ.get("TERM") != "dumb"


def target(output: Path | None) -> Target:
    """Where a renderer's output goes: the terminal it is fitted to, unless piped or written to `output`,
    and the width $COLUMNS or the terminal gives."""
    return Target(terminal_screen(output), terminal_width())


def terminal_screen(output: Path | None) -> Screen | None:
    """The terminal that tables and sentences are fitted to, or None when the output goes to a pipe
    or a file: there it is plain ASCII that never wraps, so it pastes cleanly."""
    if output is not None or not stdout_is_terminal():
        return None
    return Screen(terminal_width() or DEFAULT_TERMINAL_WIDTH, use_colour(output))


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
