"""The registration snippet in each generated handler's header is a working task template.

Every handler file starts with a comment showing the steps to add to a task
template. Taken out of the comment and given a name, namespace and version, it
must pass ``tasker-ctl validate`` with the generated files as the handlers root:
valid YAML (also for YAML 1.1 loaders, which read ``yes`` as a boolean), valid
steps, and callables that resolve to the handlers the file defines. Steps whose
callable is the placeholder ``...`` stand for the user's own handlers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.scaffold.cases import Case, all_cases, render

CASES = [c for c in all_cases() if c.kind != "task_template"]
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
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
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
