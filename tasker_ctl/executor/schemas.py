"""``input_schema`` and ``result_schema`` checks the real system never makes.

Tasker does not validate the task context against ``input_schema`` nor step
results against ``result_schema`` at runtime (``docs/run-semantics.md`` §5). ``run`` checks both
and reports mismatches as warnings (errors with ``--strict``), so a template
whose schemas drifted from the handlers is caught before production.
``jsonschema`` is imported only when a template declares a schema.
"""

from __future__ import annotations

import importlib
from typing import Any

from tasker_ctl.executor.notices import Notice, WarningCode
from tasker_ctl.model import TaskTemplate

_MAX_ERRORS = 3


def _jsonschema(module: str) -> Any:
    return importlib.import_module(f"jsonschema.{module}")


def _validator(schema: Any) -> Any:
    cls = _jsonschema("validators").validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _describe(errors: list[Any]) -> str:
    parts = []
    for error in errors[:_MAX_ERRORS]:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        parts.append(f"{where}: {error.message}")
    more = f" (and {len(errors) - _MAX_ERRORS} more)" if len(errors) > _MAX_ERRORS else ""
    return "; ".join(parts) + more


def check_input_schema(template: TaskTemplate, context: Any) -> list[Notice]:
    """Mismatches between the task context and the template's ``input_schema``."""
    schema = template.input_schema
    if not isinstance(schema, dict) or not schema:
        return []
    schema_error = _jsonschema("exceptions").SchemaError
    try:
        validator = _validator(schema)
    except schema_error as exc:
        return [
            Notice(WarningCode.SCHEMA_INVALID, f"input_schema is not a valid schema: {exc.message}")
        ]
    errors = sorted(validator.iter_errors(context), key=lambda e: list(e.absolute_path))
    if not errors:
        return []
    return [
        Notice(
            WarningCode.INPUT_SCHEMA_MISMATCH,
            f"the task context does not match input_schema: {_describe(errors)} "
            "(production does not check it)",
        )
    ]


class ResultSchemas:
    """Validators for the ``result_schema`` of each template step, built on first use."""

    def __init__(self, template: TaskTemplate) -> None:
        self._schemas = {
            step.name: step.result_schema
            for step in template.steps
            if isinstance(step.result_schema, dict) and step.result_schema
        }
        self._validators: dict[str, Any] = {}

    def check(self, template_step: str, result: Any) -> Notice | None:
        """A notice if ``result`` does not match the step's ``result_schema``."""
        schema = self._schemas.get(template_step)
        if schema is None:
            return None
        validator = self._validators.get(template_step)
        if validator is None:
            try:
                validator = self._validators[template_step] = _validator(schema)
            except _jsonschema("exceptions").SchemaError as exc:
                self._schemas.pop(template_step)
                return Notice(
                    WarningCode.SCHEMA_INVALID,
                    f"result_schema of '{template_step}' is not a valid schema: {exc.message}",
                )
        errors = sorted(validator.iter_errors(result), key=lambda e: list(e.absolute_path))
        if not errors:
            return None
        return Notice(
            WarningCode.RESULT_SCHEMA_MISMATCH,
            f"the result does not match result_schema: {_describe(errors)} "
            "(production does not check it)",
        )
