"""Generated DSL handlers build their results with the helpers the handler guides document.

The guides (shared/seeds) show each DSL's result helpers: ``Decision.route`` /
``Decision.skip`` for decision handlers and a batch config (``BatchConfig`` in
Python and Ruby, ``{ totalItems, batchSize }`` in TypeScript) for batch
analyzers, from which the SDK builds the outcome the orchestrator reads. A DSL
handler that assembled that outcome by hand would bypass them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
