"""`tco pricing`: browse, overlay, edit and import the pricing tables (docs/pricing.md).

Reads go through `tco.pricing.catalog.Catalog` (the same overlay `tco compare` uses); writes go to the
user pricing folder only, through `tco.pricing.files` (locked, validated, atomic, comments kept).
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tco.cli.shared import (
    DebugOpt,
    Group,
    OutputOpt,
    PricingOpt,
    choice,
    command_app,
    format_option,
    reports_errors,
    target,
    write_output,
)
from tco.errors import TcoError, did_you_mean
from tco.pricing.browse import entry_fields, list_rows
from tco.pricing.catalog import (
    ENV_PRICING,
    TABLE_KINDS,
    Catalog,
    check_user_table,
    default_user_pricing_dir,
    today,
    user_pricing_dir,
)
from tco.pricing.files import (
    apply_assignments,
    atomic_write_text,
    edit_table,
    parse_assignments,
    read_table_bytes,
    remove_entry,
    table_file,
    table_lock,
    table_template,
)
from tco.pricing.importers import ImportPlan, Selection, apply_plan
from tco.pricing.importers.genai_prices import load_providers, plan_genai_prices
from tco.pricing.importers.litellm import plan_litellm, read_litellm, skip_reason, table_key
from tco.pricing.importers.skypilot import cloud_of, plan_skypilot
from tco.render.pricing import ENTRY_FORMATS, IMPORT_FORMATS, LISTING_FORMATS, EntryFields, Listing, PlannedImport

commands = command_app()
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
commands.add_typer(pricing_app)


class TableKind(StrEnum):
    api = "api"
    gpus = "gpus"
    models = "models"
    throughput = "throughput"


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
PlanFormatOpt = Annotated[str, format_option(IMPORT_FORMATS, help="Output format of the report.")]


def _catalog(pricing: Path | None) -> Catalog:
    return Catalog(user_pricing_dir(pricing))


def _catalog_to_update(pricing: Path | None) -> Catalog:
    """The catalog an import compares against; the folder it writes to may not exist yet."""
    folder = _write_folder(pricing)
    return Catalog(folder if folder.is_dir() else None)


def _write_folder(pricing: Path | None) -> Path:
    """The folder edits go to: --pricing, $TCO_PRICING, else the user configuration folder."""
    return user_pricing_dir(pricing) or default_user_pricing_dir()


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return today()
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise TcoError.single("--as-of", f"{text!r} is not a date; write YYYY-MM-DD") from None
    if date > today():  # as in `set`: a future date would keep these prices from ever going stale
        raise TcoError.single("--as-of", f"{text} is in the future (today is {today()})")
    return date


# --- browse -------------------------------------------------------------------------------------


@pricing_app.command("list")
@reports_errors
def list_(
    kind: Annotated[TableKind | None, typer.Argument(help="Only this table: api, gpus, models or throughput "
                                                     "(default: all four).", show_default=False,
                                                     **{**choice(TableKind), "metavar": "KIND"})] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Only entries whose name (or model, gpu, "
                                               "...) contains TEXT, ignoring case.", metavar="TEXT")] = None,
    format: Annotated[str, format_option(LISTING_FORMATS)] = "table",
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """List the entries of the pricing tables after your overlay, with where each came from."""
    kinds = (kind.value,) if kind else TABLE_KINDS
    rows = list_rows(_catalog(pricing), kinds, search)
    if not rows and format == "table":
        typer.echo("no entries match" + (f" {search!r}" if search else ""), err=True)
        return
    write_output(LISTING_FORMATS.render(format, Listing(rows, kinds), target(output)), output)


@pricing_app.command()
@reports_errors
def show(
    kind: KindArg,
    name: NameArg,
    format: Annotated[str, format_option(ENTRY_FORMATS)] = "table",
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Show every field of one entry with where it came from (bundled or your file, file:line) and as_of."""
    rows = entry_fields(_catalog(pricing), kind.value, name)
    write_output(ENTRY_FORMATS.render(format, EntryFields(kind.value, name, rows), target(output)), output)


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
    parsed = parse_assignments(kind.value, name, assignments)
    now = today()
    for assignment in parsed:
        # A date after today (a typo such as 2062) would keep the price from ever going stale.
        if assignment.field == "as_of" and assignment.value > now:
            raise TcoError.single(assignment.argument, f"as_of {assignment.value} is in the future "
                                  f"(today is {now}); give the date of the figures")
    path = table_file(_write_folder(pricing), kind.value)
    created, write = edit_table(path, kind.value,
                                lambda table: apply_assignments(table, name, parsed, now), only=name)
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
    folder = _write_folder(pricing)
    path = table_file(folder, kind.value)
    if not path.is_file():
        raise TcoError.single(str(path), f"no such file: your pricing folder has no {kind.value} table")
    bundled = _catalog_to_update(pricing).bundled_keys(kind.value)
    edit_table(path, kind.value, lambda table: remove_entry(table, kind.value, name, path, bundled))
    typer.echo(f"removed {kind.value} {name} from {path}", err=True)


def _editor() -> list[str]:
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


def _report(plan: ImportPlan, path: Path, dry_run: bool, format: str, output: Path | None) -> None:
    """Print the plan (data, to stdout or -o) and write it to the user's table unless dry-run."""
    text = IMPORT_FORMATS.render(format, PlannedImport(plan, path, dry_run), target(output))
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
    format: PlanFormatOpt = "table",
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Import API prices from LiteLLM's price map (per-token prices x 1e6) into your api.yaml."""
    data = read_litellm(file)
    if provider is not None:
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
    format: PlanFormatOpt = "table",
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Import GPU rent prices (instance price / GPU count) from a SkyPilot catalog into your gpus.yaml."""
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
    format: PlanFormatOpt = "table",
    output: OutputOpt = None,
    pricing: PricingOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Import API prices from the installed genai-prices package's snapshot (extra: tco-llm[genai-prices])."""
    providers, version = load_providers()
    plan = plan_genai_prices(providers, version, _catalog_to_update(pricing), Selection(provider, model, only_existing),
                             today=today())
    _report(plan, table_file(_write_folder(pricing), "api"), dry_run, format, output)
