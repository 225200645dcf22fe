"""A seeded mutation corpus of the shipped scenarios holds tco to its exit-code contract: exit 0 with
finite JSON, or exit 1 with one located line per problem and nothing on stdout; never a traceback,
never "internal error".

Each mutant is a shipped scenario with one to three changes: a value replaced by a hostile one (NaN
text, 1e308, a negative count, a 10,000-character name, a range, a date), a number scaled by up to
1e300, a key deleted or added, a value turned into a list or a mapping, a YAML tag put in front of
a value, or the text cut short. Every mutant goes through the library as `compare --format json`
does (fast enough for hundreds in a few seconds); every tenth also through the CLI, `compare` and
`validate`, which must agree. A failure prints the mutant, so it can be replayed by hand.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from clirun import invoke

from tco.errors import TcoError
from tco.pricing.catalog import Catalog
from tco.render.json import comparison_to_dict
from tco.scenario.compare import compare_loaded
from tco.scenario.loader import load_scenario

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))
SEED = 20261127
MUTANTS_PER_SCENARIO = 60
THROUGH_THE_CLI_EVERY = 10

HOSTILE_VALUES: list[Any] = [
    0, -1, -0.5, 1e308, -1e308, 1.7e308, 1e-308, 1e300, 1e150, 2.5, 1000, 10**400, "1e999", "nan", ".nan", ".inf",
    "-.inf", "NaN", "inf", True, False, None, "", " ", "x" * 10_000, "\r=1+1", "10%", "-100%", "250%", "1e308T",
    "100T", "1T", "2.5M", "abc", "2027-13", "0x10", [], [1, 2], {}, {"low": 0, "high": 1e300},
    {"low": 5, "high": 1}, {"median": 1, "p90": 1e308}, {"choices": [1, 2], "weights": [0.5]}, 0.0, 240, 241,
    "2027-01", "self_hosted", "hybrid", "routed", "api", "fp4", "buy", "autoscale", "flat", "GPT-4.1",
]
TAGS = ["!!timestamp", "!!bool", "!!int", "!!float", "!!binary", "!!set", "!!omap", "!!null", "!!str", "!!map",
        "!!seq", "!!python/object/apply:os.system", "!include", "!<tag:example.com,2000:x>", "!!merge"]


def leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in the tree, containers included (the root excluded)."""
    if path:
        yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, (*path, index))


def parent_of(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for part in path[:-1]:
        node = node[part]
    return node


def mutate_data(data: Any, rng: random.Random) -> None:
    """One change to the tree, in place."""
    path, value = rng.choice(list(leaves(data)))
    parent, last = parent_of(data, path), path[-1]
    operation = rng.randrange(6)
    if operation == 0:
        parent[last] = copy.deepcopy(rng.choice(HOSTILE_VALUES))
    elif operation == 1 and isinstance(value, int | float) and not isinstance(value, bool):
        parent[last] = value * 10.0 ** rng.choice([-300, -20, -6, -1, 1, 2, 6, 12, 20, 100, 290, 300, 305])
    elif operation == 2:
        del parent[last]
    elif operation == 3 and isinstance(value, dict):
        value[rng.choice(["extra", "name", "kind", "staff", "price", "throughput", "<<"])] = \
            copy.deepcopy(rng.choice(HOSTILE_VALUES))
    elif operation == 4:
        parent[last] = rng.choice([[value], {"value": value}, str(value)])
    elif isinstance(parent, list):
        parent.append(copy.deepcopy(value))  # a second option, route, weight... of the same name
    else:
        parent[last] = copy.deepcopy(rng.choice(HOSTILE_VALUES))


def mutate_text(text: str, rng: random.Random) -> str:
    """One change to the YAML text: a tag in front of a value, or the file cut or spliced."""
    lines = text.splitlines(keepends=True)
    operation = rng.randrange(3)
    if operation == 0:
        candidates = [i for i, line in enumerate(lines) if ": " in line and not line.rstrip().endswith(":")]
        if candidates:
            i = rng.choice(candidates)
            key, _, value = lines[i].partition(": ")
            lines[i] = f"{key}: {rng.choice(TAGS)} {value}"
        return "".join(lines)
    if operation == 1:
        return text[: rng.randrange(len(text) + 1)]
    at = rng.randrange(len(text) + 1)
    splice = rng.choice(["\t", "\x00", "{", "]", "&a ", "*a", "<<: *a\n", "---\n", "\r", "'", '"'])
    return text[:at] + splice + text[at:]


def mutants(path: Path) -> Iterator[str]:
    """MUTANTS_PER_SCENARIO seeded mutants of the scenario at `path`, as YAML text."""
    original = yaml.safe_load(path.read_text(encoding="utf-8"))
    rng = random.Random(f"{SEED}:{path.name}")
    for _ in range(MUTANTS_PER_SCENARIO):
        data = copy.deepcopy(original)
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.8 and isinstance(data, dict) and data:
                mutate_data(data, rng)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200)
        if rng.random() < 0.3:
            text = mutate_text(text, rng)
        yield text


def assert_finite(data: Any) -> None:
    if isinstance(data, float):
        assert math.isfinite(data)
    elif isinstance(data, dict):
        for value in data.values():
            assert_finite(value)
    elif isinstance(data, list):
        for value in data:
            assert_finite(value)


def library_outcome(path: Path, catalog: Catalog) -> int:
    """What `compare --format json` does, in-process: 0 with finite JSON, 1 with located problems."""
    try:
        comparison = compare_loaded(load_scenario(str(path), catalog=catalog))
    except TcoError as error:
        assert error.problems
        for problem in error.problems:
            assert str(problem).startswith(str(path)), str(problem)
            assert problem.message and "\n" not in problem.message, str(problem)
        return 1
    assert_finite(json.loads(json.dumps(comparison_to_dict(comparison), allow_nan=False)))
    return 0


def cli_outcome(command: str, path: Path) -> int:
    result = invoke([command, str(path), *(["--format", "json"] if command == "compare" else [])])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith(str(path)) for line in lines), result.stderr
    elif command == "compare":
        assert_finite(json.loads(result.stdout))
    return result.exit_code


@pytest.mark.parametrize("scenario", SHIPPED, ids=lambda p: p.stem)
def test_mutants_keep_the_exit_code_contract(scenario: Path, tmp_path: Path) -> None:
    catalog = Catalog()
    outcomes = []
    for index, text in enumerate(mutants(scenario)):
        path = tmp_path / f"mutant-{index}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            code = library_outcome(path, catalog)
            if index % THROUGH_THE_CLI_EVERY == 0:
                assert cli_outcome("compare", path) == code
                assert cli_outcome("validate", path) == code
        except Exception as error:  # an assertion, or a crash the CLI would call an internal error
            pytest.fail(f"mutant {index} of {scenario.name} breaks the contract: {type(error).__name__}: {error}\n"
                        f"--- mutant ---\n{text}")
        outcomes.append(code)
    # The corpus is only worth something if it has both kinds: mutants that still compute, and ones
    # that are refused.
    assert 0 in outcomes and 1 in outcomes, outcomes
