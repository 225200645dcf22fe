"""`tco pricing`: browse, overlay, edit and import the pricing tables (docs/pricing.md).

Reads go through `tco.pricing.catalog.Catalog` (the same overlay `tco compare` uses); writes go to the
user pricing folder only, through `tco.pricing.files` (locked, validated, atomic, comments kept).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from tco.cli.shared import (
    DataFormat,
    DebugOpt,
    Group,
    OutputOpt,
    PricingOpt,
    app,
    choice,
    reports_errors,
    terminal_screen,
    use_colour,
    write_output,
)
from tco.errors import TcoError, inert
from tco.render.layout import paragraph

if TYPE_CHECKING:
    from tco.pricing.catalog import Catalog
    from tco.pricing.importers import ImportPlan

pricing_app = typer.Typer(
    cls=Group,
    name="pricing",
    help="Browse, overlay, edit and import the pricing tables (api, gpus, models, throughput).",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
import_app = typer.Typer(cls=Group, name="import", help="Import prices from a dataset file into your pricing folder.",
                         no_args_is_help=True)
sync_app = typer.Typer(cls=Group, name="sync", help="Import prices from an installed package's snapshot.",
                       no_args_is_help=True)
pricing_app.add_typer(import_app)
pricing_app.add_typer(sync_app)
app.add_typer(pricing_app)


class TableKind(StrEnum):
    api = "api"
    gpus = "gpus"
    models = "models"
    throughput = "throughput"


class PlanFormat(StrEnum):
    table = "table"
    json = "json"


KindArg = Annotated[TableKind, typer.Argument(help="Which table: api, gpus, models or throughput.",
                                              show_default=False, **{**choice(TableKind), "metavar": "KIND"})]
NameArg = Annotated[str, typer.Argument(help="Entry name, e.g. openai/gpt-4.1 or h100-sxm.", show_default=False,
                                        metavar="NAME")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show what would change without writing anything.")]
ProviderOpt = Annotated[str | None, typer.Option("--provider", help="Only this provider (e.g. openai, "
                                                 "deepinfra).", metavar="NAME")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Only entries whose name matches GLOB "
                                              "(e.g. 'gpt-4*').", metavar="GLOB")]
OnlyExistingOpt = Annotated[bool, typer.Option("--only-existing", help="Only refresh entries tco already has "
                                               "(bundled or yours); add none.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Date the imported prices (default: today).",
                                             metavar="YYYY-MM-DD")]
PlanFormatOpt = Annotated[PlanFormat, typer.Option("--format", "-f", help="Output format of the report.",
                                                   **choice(PlanFormat))]


def _catalog(pricing: Path | None) -> Catalog:
    from tco.pricing.catalog import Catalog, user_pricing_dir

    return Catalog(user_pricing_dir(pricing))


def _catalog_to_update(pricing: Path | None) -> Catalog:
    """The catalog an import compares against; the folder it writes to may not exist yet."""
    from tco.pricing.catalog import Catalog

    folder = _write_folder(pricing)
    return Catalog(folder if folder.is_dir() else None)


def _write_folder(pricing: Path | None) -> Path:
    """The folder edits go to: --pricing, $TCO_PRICING, else the user configuration folder."""
    from tco.pricing.catalog import default_user_pricing_dir, user_pricing_dir

    return user_pricing_dir(pricing) or default_user_pricing_dir()


def _today() -> dt.date:
    from tco.pricing.catalog import today

    return today()


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return _today()
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise TcoError.single("--as-of", f"{text!r} is not a date; write YYYY-MM-DD") from None
    if date > _today():  # as in `set`: a future date would keep these prices from ever going stale
        raise TcoError.single("--as-of", f"{text} is in the future (today is {_today()})")
    return date


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k} {_cell(v) or '-'}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def _render_table(headers: list[str], rows: list[list[str]], colour: bool) -> str:
    """The listing as plain aligned columns, for pipes and files (a terminal gets the fitted tables
    of `tco.render.layout` instead)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from tco.cli.shared import terminal_width

    table = Table(box=box.SIMPLE_HEAD if colour else box.ASCII2, show_edge=False, pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:  # as Text, so a `[red]` in a name is shown, not taken for rich's markup
        table.add_row(*(Text(inert(cell)) for cell in row))
    stream = io.StringIO()
    console = Console(file=stream, width=terminal_width() or 200, color_system="auto" if colour else None,
                      force_terminal=colour, no_color=not colour, highlight=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in stream.getvalue().splitlines()) + "\n"


def _aligned(headers: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell and never wrapped, so a file:line stays whole."""
    rows = [[inert(cell) for cell in row] for row in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n" for line in lines)


# --- browse -------------------------------------------------------------------------------------


@pricing_app.command("list")
@reports_errors
def list_(
    kind: Annotated[TableKind | None, typer.Argument(help="Only this table: api, gpus, models or throughput "
                                                     "(default: all four).", show_default=False,
                                                     **{**choice(TableKind), "metavar": "KIND"})] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Only entries whose name (or model, gpu, "
                                               "...) contains TEXT, ignoring case.", metavar="TEXT")] = None,
    format: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.", **choice(DataFormat))]
    = DataFormat.table,
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """List the entries of the pricing tables after your overlay, with where each came from."""
    from tco.pricing.browse import SUMMARY_FIELDS, list_rows
    from tco.pricing.catalog import TABLE_KINDS

    kinds = (kind.value,) if kind else TABLE_KINDS
    rows = list_rows(_catalog(pricing), kinds, search)
    if format is DataFormat.json:
        import json

        data = [{"table": r.table, "name": r.name, "origin": r.origin, "as_of": r.as_of,
                 "fields": _json_value(r.values)} for r in rows]
        write_output(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
        return
    columns = list(dict.fromkeys(f for k in kinds for f in SUMMARY_FIELDS[k]))
    headers = ["table", "name", *columns, "as_of", "origin"] if len(kinds) > 1 else \
        ["name", *columns, "as_of", "origin"]
    cells = []
    for r in rows:
        line = [r.table] if len(kinds) > 1 else []
        line += [r.name, *(_cell(r.values.get(c)) for c in columns), r.as_of or "", r.origin]
        cells.append(line)
    if format is DataFormat.csv:
        from tco.render.csv import write_csv

        write_output(write_csv(headers, cells), output)
        return
    if not rows:
        typer.echo("no entries match" + (f" {search!r}" if search else ""), err=True)
        return
    screen = terminal_screen(output)
    if screen is not None:  # one table per kind, each with its own columns, fitted to the terminal
        from tco.render.layout import table_text

        text = ""
        for k in kinds:
            own = ["name", *SUMMARY_FIELDS[k], "as_of", "origin"]
            shown = [[r.name, *(_cell(r.values.get(c)) for c in SUMMARY_FIELDS[k]), r.as_of or "", r.origin]
                     for r in rows if r.table == k]
            if shown:
                text += ("\n" if text else "") + table_text(
                    own, shown, screen, title_text=k if len(kinds) > 1 else None, right_from=len(own),
                    wrap=("rent_per_hour", "origin"), paths=("name",), keep=("name",))
        write_output(text, output)
        return
    write_output(_render_table(headers, cells, use_colour(output)), output)


@pricing_app.command()
@reports_errors
def show(
    kind: KindArg,
    name: NameArg,
    format: Annotated[PlanFormat, typer.Option("--format", "-f", help="Output format.", **choice(PlanFormat))]
    = PlanFormat.table,
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Show every field of one entry with where it came from (bundled or your file, file:line) and as_of."""
    from tco.pricing.browse import entry_fields

    rows = entry_fields(_catalog(pricing), kind.value, name)
    if format is PlanFormat.json:
        import json

        data = {"table": kind.value, "name": name, "fields": [
            {"field": r.field, "value": _json_value(r.value), "origin": r.origin, "file": r.file,
             "line": r.line or None, "as_of": r.as_of, "source": r.citation} for r in rows]}
        write_output(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
        return
    cells = [[r.field, _cell(r.value), r.origin, r.as_of or "", f"{r.file}:{r.line}" if r.line else r.file]
             for r in rows if r.field not in ("source", "sources", "as_of")]
    header = ["field", "value", "from", "as_of", "file"]
    screen = terminal_screen(output)
    if screen is None:
        text = f"{kind.value} {name}\n" + _aligned(header, cells)
    else:
        from tco.render.layout import table_text

        text = table_text(header, cells, screen, title_text=f"{kind.value} {name}", right_from=len(header),
                          wrap=("value", "file"), paths=("field",), keep=("field", "value", "file"),
                          drop=("from", "as_of"))
    by_citation: dict[str, list[str]] = {}
    for r in rows:
        if r.field not in ("source", "sources", "as_of"):
            by_citation.setdefault(r.citation or f"{r.file} (your file is the source)", []).append(r.field)
    text += "\nsources:\n" + "".join(paragraph(f"{', '.join(fields)}: {citation}", screen, indent="  ",
                                                  hang="    ") for citation, fields in by_citation.items())
    write_output(text, output)


# --- user folder --------------------------------------------------------------------------------


@pricing_app.command()
@reports_errors
def init(
    folder: Annotated[Path | None, typer.Argument(help="Folder to create (default: your configuration folder, "
                                                  "~/.config/tco/pricing on Linux).", file_okay=False,
                                                  show_default=False, metavar="DIR")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite table files that already exist.")] = False,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Write a user pricing folder: one commented, empty file per table, explaining the overlay rule."""
    from tco.pricing.catalog import ENV_PRICING, TABLE_KINDS, default_user_pricing_dir
    from tco.pricing.files import atomic_write_text, table_template

    # DIR, else --pricing, else $TCO_PRICING, else the configuration folder: where every other
    # command would look.
    target = folder or pricing or (Path(os.environ[ENV_PRICING]) if os.environ.get(ENV_PRICING) else None) \
        or default_user_pricing_dir()
    files = [target / f"{kind}.yaml" for kind in TABLE_KINDS]
    existing = [f for f in files if f.exists()]
    if existing and not force:
        raise TcoError([TcoError.single(str(f), "already exists; use --force to overwrite it").problems[0]
                        for f in existing])
    try:
        target.mkdir(parents=True, exist_ok=True)
        for kind, path in zip(TABLE_KINDS, files, strict=True):
            atomic_write_text(path, table_template(kind))
            typer.echo(f"wrote {path}", err=True)
    except OSError as exc:
        raise TcoError.single(str(exc.filename or target), f"cannot write the pricing folder: "
                              f"{exc.strerror or exc}") from None
    if target.resolve() != default_user_pricing_dir().resolve() and not os.environ.get(ENV_PRICING):
        typer.echo(f"next: tco compare SCENARIO --pricing {target} (or export TCO_PRICING={target})", err=True)


@pricing_app.command("set")
@reports_errors
def set_(
    kind: KindArg,
    name: NameArg,
    assignments: Annotated[list[str], typer.Argument(help="FIELD=VALUE pairs, e.g. input=1.5 output=6 "
                                                     "rent_per_hour.lambda=2.99 batch_discount=50%.",
                                                     metavar="FIELD=VALUE...", show_default=False)],
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Set fields of an entry in your pricing folder (adds the entry when NAME is new); stamps as_of today."""
    from tco.pricing.files import apply_assignments, edit_table, parse_assignments, table_file

    parsed = parse_assignments(kind.value, name, assignments)
    today = _today()
    for assignment in parsed:
        # A date after today (a typo such as 2062) would keep the price from ever going stale.
        if assignment.field == "as_of" and assignment.value > today:
            raise TcoError.single(assignment.argument, f"as_of {assignment.value} is in the future "
                                  f"(today is {today}); give the date of the figures")
    path = table_file(_write_folder(pricing), kind.value)
    created, write = edit_table(path, kind.value,
                                lambda table: apply_assignments(table, name, parsed, today), only=name)
    what = "added" if created else "updated" if write.changed else "unchanged:"
    typer.echo(f"{what} {kind.value} {name} in {path}", err=True)


@pricing_app.command()
@reports_errors
def remove(
    kind: KindArg,
    name: NameArg,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Remove an entry from your pricing folder (the bundled entry, if any, applies again)."""
    from tco.pricing.files import edit_table, remove_entry, table_file

    folder = _write_folder(pricing)
    path = table_file(folder, kind.value)
    if not path.is_file():
        raise TcoError.single(str(path), f"no such file: your pricing folder has no {kind.value} table")
    bundled = _catalog_to_update(pricing).bundled_keys(kind.value)
    edit_table(path, kind.value, lambda table: remove_entry(table, kind.value, name, path, bundled))
    typer.echo(f"removed {kind.value} {name} from {path}", err=True)


def _editor() -> list[str]:
    import shlex

    variable = "$VISUAL" if os.environ.get("VISUAL") else "$EDITOR" if os.environ.get("EDITOR") else None
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise TcoError.single(variable or "editor", f"cannot read the editor command {command!r}: {exc}") from None
    if not words:
        raise TcoError.single(variable or "editor", "the editor command is empty")
    return words


@pricing_app.command()
@reports_errors
def edit(
    kind: KindArg,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Open your table in $VISUAL/$EDITOR, validated on save: an invalid edit can be re-opened or discarded."""
    import subprocess
    import tempfile

    from tco.pricing.catalog import check_user_table
    from tco.pricing.files import atomic_write_text, read_table_bytes, table_file, table_lock, table_template

    path = table_file(_write_folder(pricing), kind.value)
    editor = _editor()

    def current_bytes() -> bytes:
        raw = read_table_bytes(path)
        return raw if raw is not None else table_template(kind.value).encode("utf-8")

    # Bytes throughout, so the editor sees the file as it is (line endings, byte-order mark).
    original = current_bytes()
    try:
        original.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TcoError.single(str(path), f"not UTF-8 text (byte {exc.start}); tco edits UTF-8 files only") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, draft_name = tempfile.mkstemp(prefix=f"tco-{kind.value}-", suffix=".yaml")
    draft = Path(draft_name)
    keep_draft = False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(original)
        while True:
            try:
                subprocess.run([*editor, str(draft)], check=True)
            except (OSError, subprocess.CalledProcessError) as exc:
                raise TcoError.single(" ".join(editor), f"the editor failed ({exc}); {path} is unchanged") from None
            edited = draft.read_bytes()
            if edited == original:
                typer.echo(f"no changes; {path} is unchanged", err=True)
                return
            try:
                check_user_table(kind.value, edited, str(path))
            except TcoError as error:
                for problem in error.problems:
                    typer.echo(str(problem), err=True)
                if typer.confirm("the table is invalid: re-open it in the editor? (no discards your edit)",
                                 default=True, err=True):
                    continue
                typer.echo(f"edit discarded; {path} is unchanged", err=True)
                raise typer.Exit(1) from None
            with table_lock(path):
                if current_bytes() != original:
                    keep_draft = True
                    raise TcoError.single(str(path), f"changed by another process while you edited it; your "
                                          f"version is kept in {draft} (nothing written)")
                atomic_write_text(path, edited.decode("utf-8"))
            typer.echo(f"wrote {path}", err=True)
            return
    finally:
        if draft.exists() and not keep_draft:
            draft.unlink()


# --- imports ------------------------------------------------------------------------------------


def _report(plan: ImportPlan, path: Path, dry_run: bool, format: PlanFormat, output: Path | None) -> None:
    """Print the plan (data, to stdout or -o) and write it to the user's table unless dry-run."""
    from tco.pricing.importers import apply_plan

    counts = plan.counts()
    if format is PlanFormat.json:
        import json

        data = {"table": plan.kind, "source": plan.source, "file": str(path), "dry_run": dry_run,
                "counts": counts, "entries": [
                    {"name": e.key, "status": e.status, "record": e.record, "reason": e.reason or None,
                     "fields": _json_value(e.fields), "before": _json_value(e.before)} for e in plan.entries]}
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        lines = []
        for e in plan.entries:
            if e.status == "added":
                shown = {k: v for k, v in e.fields.items() if k not in ("source", "as_of", "notes")}
                lines.append(f"added      {e.key}: " + "; ".join(f"{k} {_cell(v)}" for k, v in shown.items()))
            elif e.status == "changed":
                changes = [f"{k} {_cell(e.before.get(k))} -> {_cell(v)}" for k, v in e.fields.items()
                           if k in e.before]
                lines.append(f"changed    {e.key}: " + "; ".join(changes))
        reasons: dict[str, list[str]] = {}
        for e in plan.entries:
            if e.status == "skipped":
                reasons.setdefault(e.reason, []).append(e.record)
        for reason, records in sorted(reasons.items(), key=lambda kv: -len(kv[1])):
            examples = ", ".join(records[:3]) + (", ..." if len(records) > 3 else "")
            lines.append(f"skipped    {len(records)} x {reason} ({examples})")
        lines.append(f"{plan.kind}.yaml from {plan.source}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
        text = "\n".join(lines) + "\n"
    # Write first: if the table cannot take the import, nothing claims it was applied.
    write = apply_plan(plan, path, dry_run=dry_run) if plan.to_write() else None
    write_output(text, output)
    if write is None:
        typer.echo(f"nothing to write; {path} is unchanged", err=True)
    elif dry_run:
        typer.echo(f"dry run: {path} not written", err=True)
    elif write.changed:
        typer.echo(f"wrote {path}", err=True)


@import_app.command("litellm")
@reports_errors
def import_litellm(
    file: Annotated[Path, typer.Argument(help="LiteLLM's model_prices_and_context_window.json.", dir_okay=False,
                                         show_default=False, metavar="FILE")],
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    only_existing: OnlyExistingOpt = False,
    dry_run: DryRunOpt = False,
    as_of: AsOfOpt = None,
    format: PlanFormatOpt = PlanFormat.table,
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Import API prices from LiteLLM's price map (per-token prices x 1e6) into your api.yaml."""
    from tco.pricing.files import table_file
    from tco.pricing.importers import Selection
    from tco.pricing.importers.litellm import plan_litellm, read_litellm

    data = read_litellm(file)
    if provider is not None:
        from tco.errors import did_you_mean
        from tco.pricing.importers.litellm import skip_reason, table_key

        providers = {table_key(k, r)[1] for k, r in data.items() if skip_reason(k, r) is None}
        if provider.lower() not in providers:
            raise TcoError.single("--provider", f"no chat model in {file.name} is from {provider!r}"
                                  f"{did_you_mean(provider.lower(), sorted(providers), most=2)}")
    plan = plan_litellm(data, _catalog_to_update(pricing), Selection(provider, model, only_existing), label=file.name,
                        as_of=_as_of(as_of))
    _report(plan, table_file(_write_folder(pricing), "api"), dry_run, format, output)


@import_app.command("skypilot")
@reports_errors
def import_skypilot(
    file: Annotated[Path, typer.Argument(help="A SkyPilot catalog vms.csv (catalogs/v8/CLOUD/vms.csv).",
                                         dir_okay=False, show_default=False, metavar="FILE")],
    cloud: Annotated[str | None, typer.Option("--cloud", help="The cloud the file lists (default: its folder "
                                              "name, e.g. lambda).", metavar="NAME")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only instances in this region (default: the "
                                               "cheapest of all).", metavar="NAME")] = None,
    model: Annotated[str | None, typer.Option("--gpu", help="Only GPUs whose key matches GLOB (e.g. 'h*').",
                                              metavar="GLOB")] = None,
    only_existing: OnlyExistingOpt = False,
    dry_run: DryRunOpt = False,
    as_of: AsOfOpt = None,
    format: PlanFormatOpt = PlanFormat.table,
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Import GPU rent prices (instance price / GPU count) from a SkyPilot catalog into your gpus.yaml."""
    from tco.pricing.files import table_file
    from tco.pricing.importers import Selection
    from tco.pricing.importers.skypilot import cloud_of, plan_skypilot

    plan = plan_skypilot(file, _catalog_to_update(pricing), cloud=cloud_of(file, cloud), region=region,
                         as_of=_as_of(as_of), selection=Selection(None, model, only_existing))
    _report(plan, table_file(_write_folder(pricing), "gpus"), dry_run, format, output)


@sync_app.command("genai-prices")
@reports_errors
def sync_genai_prices(
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    only_existing: OnlyExistingOpt = False,
    dry_run: DryRunOpt = False,
    format: PlanFormatOpt = PlanFormat.table,
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Import API prices from the installed genai-prices package's snapshot (extra: tco-llm[genai-prices])."""
    from tco.pricing.files import table_file
    from tco.pricing.importers import Selection
    from tco.pricing.importers.genai_prices import load_providers, plan_genai_prices

    providers, version = load_providers()
    plan = plan_genai_prices(providers, version, _catalog_to_update(pricing), Selection(provider, model, only_existing),
                             today=_today())
    _report(plan, table_file(_write_folder(pricing), "api"), dry_run, format, output)
