"""The scenario file's JSON Schema, for editors (`tco schema`)."""

from __future__ import annotations

import json

from tco.docs import SCENARIO_FILE
from tco.load.schema import Scenario

SCHEMA_ID = "https://github.com/tco-developers/tco/schema/scenario.json"


def scenario_json_schema() -> str:
    """The JSON Schema of a scenario file, as indented JSON text."""
    schema = Scenario.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
              "title": "tco scenario", **schema}
    schema["description"] = ("A tco scenario: the workload, the API and self-hosted options, and the finance "
                             f"settings. Every field and its default: {SCENARIO_FILE}")
    return json.dumps(schema, indent=2) + "\n"
