"""The JSON Schema of a task template, generated from the pydantic model.

The shipped copy is ``tasker_ctl/schemas/task-template.json`` (package data,
printed by ``tasker-ctl schema``); regenerate it with
``python -m tasker_ctl.model.json_schema > tasker_ctl/schemas/task-template.json``.
A test fails when the two differ.

It describes what the real Rust loader accepts, unlike the upstream
``schemas/task-template.json``: ``retry.max_attempts`` (not ``limit``), the five
step types, ``batch_config``, ``result_schema``, ``publishes_events`` items as
objects, any callable shape, no backoff minimums, unknown keys allowed (the
loader ignores them). It adds the aliases ``step_type`` and ``depends_on``,
which may not be combined with ``type`` and ``dependencies``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

SCHEMA_ID = "https://github.com/tasker-systems/tasker-core/task-template.schema.json"


def build_json_schema() -> dict[str, Any]:
    """Generate the schema from :class:`~tasker_ctl.model.template.TaskTemplate`."""
    from tasker_ctl.model.template import TaskTemplate

    schema = TaskTemplate.model_json_schema(by_alias=True, mode="validation")
    step = schema["$defs"]["StepDefinition"]
    properties = step["properties"]
    properties["step_type"] = {**properties["type"], "description": "Alias of `type`."}
    properties["depends_on"] = {
        **properties["dependencies"],
        "description": "Alias of `dependencies`.",
    }
    step["not"] = {
        "anyOf": [
            {"required": ["type", "step_type"]},
            {"required": ["dependencies", "depends_on"]},
        ]
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "description": (
            "A Tasker task template, as the real (Rust, serde_yaml) loader reads it. Unknown "
            "keys are ignored by the loader; `tasker-ctl validate` reports them."
        ),
    }


def render_json_schema() -> str:
    """The schema as the text of the shipped file."""
    return json.dumps(build_json_schema(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(render_json_schema())
