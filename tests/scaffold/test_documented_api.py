"""Generated handlers follow the handler guides, and their headers say how to register them.

- The DSL handlers build their results with the helpers the guides (shared/seeds)
  document: ``Decision.route`` / ``Decision.skip`` for decisions, a batch config
  (``BatchConfig`` in Python and Ruby, ``{ totalItems, batchSize }`` in
  TypeScript) for batch analyzers, from which the SDK builds the outcome the
  orchestrator reads; none assembles that outcome by hand.
- Every handler file starts with a comment showing the steps to add to a task
  template. Taken out of the comment and given a name, namespace and version,
  it must pass ``tasker-ctl validate`` with the generated files as the handlers
  root: valid YAML (also for YAML 1.1 loaders, which read ``yes`` as a
  boolean), valid steps, and callables that resolve to the file's handlers.
  Steps whose callable is the placeholder ``...`` stand for the user's own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.scaffold.cases import Case, all_cases, render

DSL = {c.id: c for c in all_cases() if c.style == "dsl"}

EXPECTED = {
    "step_handler_decision": {
        "python": ["Decision.route(", "Decision.skip("],
        "ruby": ["Decision.route(", "Decision.skip("],
        "typescript": ["Decision.route(", "Decision.skip("],
    },
    "step_handler_batchable": {
        "python": ["BatchConfig(total_items="],
        "ruby": ["BatchConfig.new(", "total_items:", "batch_size:"],
        "typescript": ["defineBatchAnalyzer(", "totalItems:", "batchSize:"],
    },
}
CASES = [
    (DSL[f"{language}-{kind}-dsl"], needles)
    for kind, by_language in EXPECTED.items()
    for language, needles in by_language.items()
]


@pytest.mark.parametrize(("case", "needles"), CASES, ids=[c.id for c, _ in CASES])
def test_dsl_results_use_the_documented_helpers(
    case: Case, needles: list[str], tmp_path: Path
) -> None:
    handler = render(case, tmp_path)[0]  # the handler is each template's first output
    source = handler.read_text(encoding="utf-8")
    for needle in needles:
        assert needle in source, f"{handler.name} does not use {needle}"
    assert "decision_point_outcome: {" not in source
    assert "batch_processing_outcome: {" not in source


HANDLER_CASES = [c for c in all_cases() if c.kind != "task_template"]
PLACEHOLDER = "..."


def header_snippet(source: str) -> str:
    """The ``steps:`` block of the header comment, without the comment markers."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.rstrip().endswith("steps:"))
    prefix = lines[start][: lines[start].index("steps:")]
    block = []
    for line in lines[start:]:
        body = line[len(prefix) :] if line.startswith(prefix) else ""
        if not body.strip() or body.startswith("```"):
            break
        block.append(body)
    return "\n".join(block) + "\n"


@pytest.mark.parametrize("name", [None, "Yes"])
@pytest.mark.parametrize("case", HANDLER_CASES, ids=[c.id for c in HANDLER_CASES])
def test_header_snippet_validates_and_resolves(
    cli, case: Case, name: str | None, tmp_path: Path
) -> None:
    out = tmp_path / "project"
    handler = render(case, out, **({"name": name} if name else {}))[0]
    steps = header_snippet(handler.read_text(encoding="utf-8"))
    template = tmp_path / "snippet.yaml"
    template.write_text(f"name: snippet\nnamespace_name: test\nversion: 1.0.0\n{steps}")

    loaded = yaml.safe_load(template.read_text())["steps"]
    assert all(isinstance(step["name"], str) for step in loaded)
    own = [s for s in loaded if s["handler"]["callable"] != PLACEHOLDER]
    assert own, "the snippet registers none of the file's handlers"

    result = cli(
        "validate", "--format", "json", "--handlers-root", str(out),
        "--language", case.language, str(template),
    )  # fmt: skip
    report = json.loads(result.stdout)
    problems = [
        d
        for d in report["diagnostics"]
        if d["severity"] != "info" and f"'{PLACEHOLDER}'" not in d["message"]
    ]
    assert problems == [], steps
    if len(own) == len(loaded):
        assert result.exit_code == 0, result.output
