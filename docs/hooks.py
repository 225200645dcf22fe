"""MkDocs hook: the pages that are generated from the code rather than written by hand.

A page asks for generated text with a marker line, `<!-- tco:NAME -->`, which `expand` replaces:

- `scenario-reference`: every scenario field, from the JSON Schema that `tco schema` prints, with
  the note the page's annotated example gives the field;
- `cli-reference`: every command, argument and option of the `tco` command line, with its help;
- `package-diagram` and `module-table`: the packages of `tco` and which imports which, read from
  the source with `ast`.

Everything here imports only `tco` (and what it depends on) and the standard library, never
MkDocs, so the tests call these functions directly (`tests/test_docs.py`). MkDocs calls
`on_page_markdown` for every page.
"""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tco"
MARKER = re.compile(r"^<!-- tco:([\w-]+) -->$", re.M)
RANGES_PAGE = "uncertainty.md#ranges"


# --- anchors, as MkDocs' table of contents makes them -------------------------------------------

def slugify(text: str) -> str:
    """The anchor MkDocs gives a heading (Python-Markdown's toc `slugify`): ASCII, lower case,
    punctuation dropped, runs of spaces and hyphens as one hyphen."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def heading_text(markdown: str) -> str:
    """A heading's visible text: code spans, links, emphasis and HTML reduced to their words."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"<[^>]+>", "", text)
    return text.replace("`", "").replace("*", "").strip()


def anchors(markdown: str) -> list[str]:
    """Every heading anchor of a page, in order: an explicit `{#id}`, else the slug of its text,
    a repeated slug numbered `_1`, `_2` as MkDocs does. Fenced code is skipped."""
    found: list[str] = []
    seen: set[str] = set()
    fence = ""
    for line in markdown.splitlines():
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        match = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        title = match.group(1)
        explicit = re.search(r"\{[^}]*#([\w-]+)[^}]*\}\s*$", title)
        if explicit:
            anchor = explicit.group(1)
        else:
            anchor = base = slugify(heading_text(title))
            number = 0
            while anchor in seen:
                number += 1
                anchor = f"{base}_{number}"
        seen.add(anchor)
        found.append(anchor)
    return found


# --- the scenario field reference, from the JSON Schema -----------------------------------------

def scenario_schema() -> dict[str, Any]:
    """The JSON Schema `tco schema` prints."""
    from tco.load.jsonschema import scenario_json_schema

    result: dict[str, Any] = json.loads(scenario_json_schema())
    return result


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return f"`{text}`"


def _def_anchor(name: str) -> str:
    return f"schema-{slugify(re.sub(r'(?<!^)(?=[A-Z])', '-', name))}"


def _bounds(alt: dict[str, Any]) -> str:
    parts = []
    if "minimum" in alt:
        parts.append(f"≥ {alt['minimum']}")
    if "exclusiveMinimum" in alt:
        parts.append(f"> {alt['exclusiveMinimum']}")
    if "maximum" in alt:
        parts.append(f"≤ {alt['maximum']}")
    if "exclusiveMaximum" in alt:
        parts.append(f"< {alt['exclusiveMaximum']}")
    return ", ".join(parts)


NUMBER_TEXT = re.compile(r"KkMmBbTt")


def _alternatives(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The flat list of what a property may be (nested anyOf/oneOf opened up)."""
    if "anyOf" in schema or "oneOf" in schema:
        return [leaf for alt in schema.get("anyOf", schema.get("oneOf", [])) for leaf in _alternatives(alt)]
    return [schema]


def accepts(schema: dict[str, Any]) -> tuple[str, bool]:
    """What a property accepts, in words, and whether null (leaving it out) is allowed."""
    words: list[str] = []
    ranges: list[str] = []
    optional = False
    for alt in _alternatives(schema):
        title = alt.get("title", "")
        kind = alt.get("type")
        if kind == "null":
            optional = True
        elif "$ref" in alt:
            name = alt["$ref"].rsplit("/", 1)[1]
            words.append(f"[{name}](#{_def_anchor(name)})")
        elif "const" in alt:
            words.append(_code(alt["const"]))
        elif "enum" in alt:
            words.append(" \\| ".join(_code(v) for v in alt["enum"]))
        elif kind == "object" and ("range" in title or "choices" in title):
            ranges.append(title.split(" (")[0].replace(" range", ""))
        elif kind == "object":
            keys = ", ".join(alt.get("properties", {}))
            words.append(f"`{{{keys}}}`")
        elif kind == "array":
            items = alt.get("items", {})
            refs = [a["$ref"].rsplit("/", 1)[1] for a in _alternatives(items) if "$ref" in a]
            links = ", ".join(f"[{name}](#{_def_anchor(name)})" for name in refs)
            inner = links or accepts(items)[0]
            count = alt.get("minItems"), alt.get("maxItems")
            size = f"{count[0]} " if count[0] is not None and count[0] == count[1] else ""
            words.append(f"a list of {size}{inner}")
        elif kind == "string" and NUMBER_TEXT.search(alt.get("pattern", "")):
            continue  # the number written as text (2.5M, 15%): said by the number alternative
        elif kind == "string":
            limits = []
            if "pattern" in alt:
                limits.append(f"matching `{alt['pattern']}`")
            if "maxLength" in alt:
                limits.append(f"at most {alt['maxLength']} characters")
            words.append("text" + (f" ({', '.join(limits)})" if limits else ""))
        elif kind in ("number", "integer") or isinstance(kind, list):
            noun = "whole number" if kind == "integer" else "number"
            bounds = _bounds(alt)
            words.append(noun + (f" {bounds}" if bounds else ""))
        else:
            words.append(_code(alt))
    if ranges:
        words.append(f"a [range]({RANGES_PAGE}): {', '.join(ranges)}")
    return "; ".join(words), optional


def _description(schema: dict[str, Any]) -> str:
    texts = [schema.get("description", "")] + [a.get("description", "") for a in schema.get("anyOf", [])]
    text = next((t for t in texts if t), "")
    return re.sub(r";? or a range \(see [^)]*\)", "", text).strip()


def example_notes(yaml_text: str) -> dict[tuple[str, str], tuple[str, str]]:
    """What an annotated example gives each field: `{(definition, field): (value, comment)}`.

    The example is a scenario YAML whose lines carry `# comments`; a comment alone on a line, in
    the comment column (right of its key), continues the comment of the field above it. The
    definition of a line is the section it is in: the top level (`Scenario`), `workload`,
    `finance`, or the option whose `kind` it follows. A flow mapping may run over several lines.
    """
    kinds = {"api": "ApiOption", "self_hosted": "SelfHostedOption", "hybrid": "HybridOption",
             "routed": "RoutedOption"}
    notes: dict[tuple[str, str], tuple[str, str]] = {}
    section = "Scenario"
    last: tuple[str, str] | None = None
    last_column = 0
    open_value = ""  # a flow mapping not closed yet
    pending: list[tuple[str, str, str]] = []  # an option's fields before its `kind` line

    def record(key: tuple[str, str], value: str, comment: str) -> None:
        if key[0] == "Option":
            pending.append((key[1], value, comment))
        else:
            notes[key] = (value, comment)

    for line in yaml_text.splitlines():
        if open_value and last is not None:
            body, _, comment = line.partition(" #")
            value, old_comment = notes.get(last, ("", ""))
            open_value += " " + body.strip()
            notes[last] = (open_value, " ".join(c for c in (old_comment, comment.strip()) if c))
            if open_value.count("{") <= open_value.count("}"):
                open_value = ""
            continue
        comment_only = re.match(r"(\s*)#\s?(.*)$", line)
        if comment_only:
            if last is not None and last in notes and len(comment_only.group(1)) > last_column:
                value, comment = notes[last]
                notes[last] = (value, f"{comment} {comment_only.group(2).strip()}".strip())
            continue
        match = re.match(r"(\s*)(- )?(\w+):\s*(.*)$", line)
        if not match:
            continue
        indent, dash, key, rest = len(match.group(1)), match.group(2), match.group(3), match.group(4)
        value, _, comment = ("", "", rest[1:]) if rest.startswith("#") else rest.partition(" #")
        value, comment = value.strip(), comment.strip()
        if indent == 0:
            section = {"workload": "Workload", "finance": "Finance", "options": "Option"}.get(key, "Scenario")
            if section != "Scenario":
                last = None
                continue
        elif dash and section.endswith("Option"):
            section, pending = "Option", []
        if section == "Option" and key == "kind" and value in kinds:
            section = kinds[value]
            for field, text_value, text_comment in pending:
                notes[(section, field)] = (text_value, text_comment)
            pending = []
        last, last_column = (section, key), indent + len(dash or "") + len(key)
        record(last, value, comment)
        if section == "Option":
            last = None
        elif value.startswith("{") and value.count("{") > value.count("}"):
            open_value = value
    return notes


def _note(value: str, comment: str) -> str:
    shown = f"`{value}`" if value and value not in ("{", "[") else ""
    return f"{shown} {_cell(comment)}".strip() if comment else shown


def _flow_notes(notes: dict[tuple[str, str], tuple[str, str]],
                definitions: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str]]:
    """The example values of an object's fields given inline (`staff: {fte: 0.5, ...}`), as notes
    of the object's own definition (`Staff.fte`), where the example gives them no line of their own."""
    import yaml

    found: dict[tuple[str, str], tuple[str, str]] = {}
    for (name, field), (value, _) in notes.items():
        prop = definitions.get(name, {}).get("properties", {}).get(field)
        refs = [a["$ref"].rsplit("/", 1)[1] for a in _alternatives(prop or {}) if "$ref" in a]
        if not refs or not value.startswith("{"):
            continue
        try:
            mapping = yaml.safe_load(value)
        except yaml.YAMLError:
            continue
        if isinstance(mapping, dict):
            for key in mapping:
                found.setdefault((refs[0], str(key)), (str(value_of(value, str(key))), ""))
    return found


def value_of(flow: str, key: str) -> str:
    """The text a flow mapping gives `key` (`{fte: 0.5, cost_per_fte_year: 220K}`, `fte` -> `0.5`)."""
    match = re.search(rf"[{{,]\s*{re.escape(key)}:\s*([^,}}]*)", flow)
    return match.group(1).strip() if match else ""


def scenario_reference(page_markdown: str = "") -> str:
    """The field reference: one table per object of the JSON Schema, with the annotated example's
    note for each field (the first ```yaml block of `page_markdown`)."""
    schema = scenario_schema()
    blocks = re.findall(r"```yaml\n(.*?)```", page_markdown, re.S)
    definitions = {"Scenario": schema, **schema.get("$defs", {})}
    notes = example_notes(blocks[0]) if blocks else {}
    notes = {**_flow_notes(notes, definitions), **notes}
    order = ["Scenario", "Workload", "Finance", "ApiOption", "SelfHostedOption", "HybridOption", "RoutedOption"]
    names = [n for n in order if n in definitions] + sorted(n for n in definitions if n not in order)
    lines = [
        "Generated from the JSON Schema that `tco schema` prints, so it lists exactly the fields `tco` "
        "accepts. **Accepts** is what the schema allows (a number may also be written as text such as "
        "`2.5M` or `15%`, see [numbers](#numbers)); **Example and default** is the value and comment "
        "the [annotated example](#the-scenario-file) gives the field. A field that is not required and "
        "not in the file takes its default, listed under *Defaults used* by `tco compare`.",
        "",
    ]
    for name in names:
        definition = definitions[name]
        title = "Scenario (the top level)" if name == "Scenario" else name
        lines += [f"### {title} {{#{_def_anchor(name)}}}", ""]
        description = definition.get("description", "")
        if description and name != "Scenario":
            lines += [_cell(description), ""]
        required = set(definition.get("required", []))
        lines += ["| Field | Required | Accepts | Description | Example and default |",
                  "|---|---|---|---|---|"]
        for field, prop in definition.get("properties", {}).items():
            what, _ = accepts(prop)
            note = _note(*notes.get((name, field), ("", "")))
            lines.append(f"| `{field}` | {'yes' if field in required else ''} | {what} | "
                         f"{_cell(_description(prop))} | {note.replace('|', chr(92) + '|')} |")
        lines.append("")
    return "\n".join(lines)


def schema_fields() -> set[tuple[str, str]]:
    """Every (definition, field) pair of the JSON Schema: what the reference must list."""
    schema = scenario_schema()
    definitions = {"Scenario": schema, **schema.get("$defs", {})}
    return {(name, field) for name, d in definitions.items() for field in d.get("properties", {})}


# --- the CLI reference, from the click command tree typer builds ---------------------------------

def root_command() -> Any:
    import typer.main

    from tco.cli import app

    return typer.main.get_command(app)


def commands(command: Any = None, words: tuple[str, ...] = ("tco",),
             parent: Any = None) -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    """Every command and group of the CLI with the words that run it, `("tco", "pricing", "list")`,
    and its click context (whose parents carry the settings, such as `-h` for help, down)."""
    command = command if command is not None else root_command()
    settings = dict(getattr(command, "context_settings", None) or {})
    ctx = command.context_class(command, info_name=words[-1], parent=parent, **settings)
    yield words, command, ctx
    children = getattr(command, "commands", None) or {}
    for name in command.list_commands(ctx) if children else []:
        yield from commands(children[name], (*words, name), ctx)


def option_names(command: Any, ctx: Any) -> list[str]:
    """The flags of every option of a command (`--format`, `-f`, ...), help and hidden ones included."""
    return [flag for p in command.get_params(ctx) if p.param_type_name == "option"
            for flag in (*p.opts, *p.secondary_opts)]


def _help_text(text: str) -> str:
    """A command's help as Markdown paragraphs: click's `\\b` (keep as is) markers dropped."""
    paragraphs = [p.replace("\b\n", "").strip() for p in re.split(r"\n\s*\n", text or "")]
    return "\n\n".join(_cell(p).replace("\\|", "|") for p in paragraphs if p)


def _command_section(words: tuple[str, ...], command: Any, ctx: Any) -> list[str]:
    path = " ".join(words)
    level = "#" * min(len(words) + 1, 4)
    lines = [f"{level} {path} {{#{slugify(path)}}}", ""]
    if getattr(command, "hidden", False):
        lines += ["*Hidden from `--help`.*", ""]
    help_text = _help_text(command.help or command.short_help or "")
    if help_text:
        lines += [help_text, ""]
    usage = " ".join([path, *command.collect_usage_pieces(ctx)])
    lines += ["```text", f"Usage: {usage}", "```", ""]
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    if arguments:
        lines += ["| Argument | Help |", "|---|---|"]
        for argument in arguments:
            record = argument.get_help_record(ctx) if hasattr(argument, "get_help_record") else None
            name, help_ = record if record else (argument.make_metavar(ctx), getattr(argument, "help", "") or "")
            lines.append(f"| `{name}` | {_cell(help_)} |")
        lines.append("")
    options = [p for p in command.get_params(ctx) if p.param_type_name == "option"]
    if options:
        lines += ["| Option | Help |", "|---|---|"]
        for option in options:
            record = option.get_help_record(ctx)
            if record is None:  # hidden: said here all the same, so no accepted flag goes unlisted
                flags = ", ".join([*option.opts, *option.secondary_opts])
                record = (flags, f"{option.help or ''} (hidden from --help)".strip())
            lines.append(f"| `{record[0]}` | {_cell(record[1])} |")
        lines.append("")
    return lines


def cli_reference() -> str:
    """Every command of `tco`, its usage, arguments and options with their help, as `--help` shows them."""
    lines = [
        "Generated from the command line itself (the click command tree that typer builds from "
        "`tco.cli.app`): every command, argument and option with the help `tco COMMAND --help` prints, "
        "including options hidden from `--help`. [Commands](commands.md) explains them together.",
        "",
    ]
    for words, command, ctx in commands():
        lines += _command_section(words, command, ctx)
    return "\n".join(lines)


# --- the package diagram, from the imports -------------------------------------------------------

def _unit(module: str) -> str:
    """The unit a module belongs to in the diagram: its subpackage, or `tco` for a top-level module."""
    parts = module.split(".")
    if len(parts) >= 2 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "tco"


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def modules() -> dict[str, str]:
    """Every module of the package with the first sentence of its docstring."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        doc = (ast.get_docstring(tree) or "").strip()
        paragraph = doc.split("\n\n", 1)[0].replace("\n", " ")
        first = re.split(r"(?<=\.)\s", paragraph, maxsplit=1)[0]
        found[_module_name(path)] = first
    return found


def imports() -> dict[str, set[str]]:
    """Which unit imports which (any import of `tco.X`, at module level or inside a function)."""
    edges: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _unit(_module_name(path))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target.startswith("tco.") and (PACKAGE / target.split(".")[1]).is_dir():
                    unit = target.split(".")[1]
                    if unit != source:
                        edges.setdefault(source, set()).add(unit)
    return edges


def package_diagram() -> str:
    """A Mermaid graph of the subpackages and which imports which. `tco` is the top-level modules: the
    lazy facade `__init__` and `__main__` import the packages; the shared modules (errors, docs,
    version, amounts, defaults) import none, and the arrows into them, from nearly everywhere, are left out."""
    edges = imports()
    units = sorted({u for u in edges} | {u for targets in edges.values() for u in targets})
    lines = ["```mermaid", "graph TD"]
    lines += [f"  {unit}[{unit}/]" if unit != "tco" else "  tco[tco: __init__, __main__]" for unit in units]
    for source in sorted(edges):
        for target in sorted(edges[source]):
            lines.append(f"  {source} --> {target}")
    lines.append("```")
    return "\n".join(lines)


def module_table() -> str:
    """One row per module: its path and the first sentence of its docstring."""
    lines = ["| Module | What it is |", "|---|---|"]
    for name, doc in modules().items():
        lines.append(f"| `{name}` | {_cell(doc)} |")
    return "\n".join(lines)


# --- expanding the markers -------------------------------------------------------------------------

GENERATORS: dict[str, Callable[[str], str]] = {
    "scenario-reference": scenario_reference,
    "cli-reference": lambda page: cli_reference(),
    "package-diagram": lambda page: package_diagram(),
    "module-table": lambda page: module_table(),
}


def expand(markdown: str) -> str:
    """The page with every `<!-- tco:NAME -->` marker replaced by what its generator writes."""
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in GENERATORS:
            raise ValueError(f"unknown generated section {name!r}: one of {', '.join(GENERATORS)}")
        return GENERATORS[name](markdown)

    return MARKER.sub(replace, markdown)


def on_page_markdown(markdown: str, **_: Any) -> str:
    """MkDocs' hook: expand the generated sections of every page."""
    return expand(markdown)
