"""The documentation site: every pointer the program prints names a heading a page has, the
generated references list every command, option and scenario field, and no output or source text
points to a document users do not have.

The generators live in docs/hooks.py and import only tco and the standard library, so these tests
need no MkDocs; `mkdocs build --strict` (run by .ci/run) checks the links between the pages.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from clirun import invoke

from tco import docs

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tco_docs_hooks", DOCS / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


hooks = load_hooks()


def page_anchors(page: str) -> list[str]:
    """The anchors of a docs page as MkDocs makes them, generated sections included."""
    return hooks.anchors(hooks.expand((DOCS / page).read_text(encoding="utf-8")))


# --- anchors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("heading", "anchor"), [
    ("The scenario file", "the-scenario-file"),
    ("`tco optimize`: the cheapest fleet", "tco-optimize-the-cheapest-fleet"),
    ("Capacity model (`tco size`, estimated throughput)", "capacity-model-tco-size-estimated-throughput"),
    ("Hybrid: self-host the base load, overflow the peaks", "hybrid-self-host-the-base-load-overflow-the-peaks"),
    ("Überblick — naïve", "uberblick-naive"),
])
def test_anchors_are_slugified_as_mkdocs_does(heading: str, anchor: str) -> None:
    assert hooks.anchors(f"## {heading}\n") == [anchor]


def test_explicit_ids_repeats_and_code_blocks() -> None:
    text = "# Title {#top}\n## Same\n## Same\n```yaml\n# not a heading\n```\n## `code` *em*\n"
    assert hooks.anchors(text) == ["top", "same", "same_1", "code-em"]


@pytest.mark.parametrize("pointer", docs.POINTERS)
def test_every_pointer_names_a_heading_of_a_docs_page(pointer: str) -> None:
    assert pointer.startswith(docs.SITE)
    page, _, anchor = pointer.removeprefix(docs.SITE).partition("/#")
    assert (DOCS / f"{page}.md").is_file(), pointer
    assert anchor in page_anchors(f"{page}.md"), pointer


def test_every_site_address_written_anywhere_names_a_page_and_heading() -> None:
    """The starter scenario, the README and the package's texts link to the site by address too."""
    files = [*(ROOT / "tco").rglob("*.py"), *(ROOT / "tco").rglob("*.yaml"), ROOT / "README.md"]
    found = 0
    for path in files:
        for address in re.findall(re.escape(docs.SITE) + r"[\w/#.-]*", path.read_text(encoding="utf-8")):
            found += 1
            rest = address.removeprefix(docs.SITE)
            page, _, anchor = rest.partition("#")
            page = page.rstrip("/") or "index"
            assert (DOCS / f"{page}.md").is_file(), (path.name, address)
            assert not anchor or anchor in page_anchors(f"{page}.md"), (path.name, address)
    assert found >= 15


def test_the_site_url_is_the_one_mkdocs_publishes() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"site_url: {docs.SITE}\n" in config
    assert "docs/hooks.py" in config


def test_every_page_is_in_the_nav_and_links_between_pages_name_real_anchors() -> None:
    """What `mkdocs build --strict` checks too, here without MkDocs: every page is in the nav and
    every `page.md#anchor` link names a heading of that page."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.name for p in DOCS.glob("*.md"))
    assert [p for p in pages if f": {p}\n" not in config] == []
    anchors = {p: set(page_anchors(p)) for p in pages}
    broken = []
    for page in pages:
        text = (DOCS / page).read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([\w-]*\.md)?#([\w.-]+)\)", hooks.expand(text)):
            if anchor.startswith("tco."):
                continue  # an API object's anchor, made by mkdocstrings
            if anchor not in anchors[target or page]:
                broken.append(f"{page}: {target}#{anchor}")
    assert broken == []


# --- the generated references -----------------------------------------------------------------------

def test_every_command_and_option_is_in_the_cli_reference() -> None:
    reference = hooks.cli_reference()
    anchors = hooks.anchors(reference)
    paths = list(hooks.commands())
    assert len(paths) >= 20
    for words, command, ctx in paths:
        assert hooks.slugify(" ".join(words)) in anchors, words
        section = reference.split(f"{' '.join(words)} {{#", 1)[1].split("\n#", 1)[0]
        for flag in hooks.option_names(command, ctx):
            assert re.search(rf"`[^`]*(?<![\w-]){re.escape(flag)}(?![\w-])", section), (words, flag)
        for param in command.params:
            if param.param_type_name == "argument":
                assert f"`{param.get_help_record(ctx)[0]}`" in section, (words, param.name)
        first_line = (command.help or "").strip().split("\n")[0]
        assert first_line[:40] in section, words


def test_the_cli_reference_shows_hidden_options_and_help() -> None:
    reference = hooks.cli_reference()
    assert "`--overflow`" in reference and "(hidden from --help)" in reference
    assert "`-h, --help`" in reference
    assert "tco pricing import litellm {#tco-pricing-import-litellm}" in reference


def test_every_scenario_field_is_in_the_field_reference() -> None:
    page = (DOCS / "scenario.md").read_text(encoding="utf-8")
    assert "<!-- tco:scenario-reference -->" in page
    reference = hooks.scenario_reference(page)
    sections = re.split(r"\n### ", reference)
    for definition, field in hooks.schema_fields():
        section = next((s for s in sections if f"{{#{hooks._def_anchor(definition)}}}" in s.split("\n")[0]), None)
        assert section is not None, definition
        assert f"| `{field}` |" in section, (definition, field)


def test_the_field_reference_carries_the_annotated_examples_defaults() -> None:
    reference = hooks.scenario_reference((DOCS / "scenario.md").read_text(encoding="utf-8"))
    row = next(line for line in reference.splitlines() if line.startswith("| `max_utilization` |"))
    assert "default 0.7" in row and "`70%`" in row
    staff = reference.split("{#schema-staff}", 1)[1]
    assert "| `fte` | yes |" in staff and "`0.5`" in staff


def test_the_architecture_page_names_every_package() -> None:
    page = (DOCS / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in (ROOT / "tco").glob("*/__init__.py"))
    assert packages and [p for p in packages if f"{p}/`" not in page] == []
    diagram = hooks.package_diagram()
    assert diagram.startswith("```mermaid\ngraph TD") and "cli --> render" in diagram
    table = hooks.module_table()
    assert all(f"| `{name}` |" in table for name in hooks.modules())


def test_the_hooks_import_only_tco_and_the_standard_library() -> None:
    """So the tests above run without MkDocs installed."""
    tree = ast.parse((DOCS / "hooks.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    allowed = set(sys.stdlib_module_names) | {"tco", "typer", "yaml", "__future__"}  # typer, PyYAML: tco's own
    assert imported - allowed == set()


# --- no pointer to what users do not have ------------------------------------------------------------

def test_no_internal_document_or_issue_is_cited() -> None:
    """Neither the package, the docs nor the README cites the internal design notes or an issue number."""
    files = [*sorted((ROOT / "tco").rglob("*.py")), *sorted((ROOT / "tco").rglob("*.yaml")),
             *sorted(DOCS.rglob("*.md")), *sorted(DOCS.rglob("*.py")), ROOT / "README.md", ROOT / "mkdocs.yml"]
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "DESIGN" in line or re.search(r"\bissues? #?\d", line, re.I):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_compare_output_points_to_the_site_for_defaults() -> None:
    scenario = ROOT / "scenarios" / "support-assistant.yaml"
    for fmt in ("table", "markdown", "json"):
        result = invoke(["compare", str(scenario), "--format", fmt])
        assert result.exit_code == 0
        assert "DESIGN" not in result.stdout and "README" not in result.stdout
    table = invoke(["compare", str(scenario)]).stdout
    assert f"Defaults used (see {docs.SCENARIO_FILE})" in table.splitlines()
    schema = invoke(["schema"]).stdout
    assert docs.SCENARIO_FILE in schema and docs.RANGES in schema and "README" not in schema


def test_a_single_process_run_is_written_as_the_configured_options_allow() -> None:
    """pyproject's addopts pass `-n auto`, which `-p no:xdist` turns into a usage error (`unrecognized
    arguments: -n`): every page, docstring and script tells `-n 0` instead."""
    addopts = re.search(r'^addopts = "(.*)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert addopts is not None and "-n auto" in addopts.group(1)
    texts = [ROOT / "README.md", *DOCS.rglob("*.md"), *(ROOT / "tests").rglob("*.py"), *(ROOT / "tco").rglob("*.py"),
             *(ROOT / ".ci").rglob("*")]
    written = [path for path in texts if path.is_file() and path.name != "test_docs.py"
               and "no:xdist" in path.read_text(encoding="utf-8", errors="replace")]
    assert written == []
    assert "-n0" in (DOCS / "development.md").read_text(encoding="utf-8")
