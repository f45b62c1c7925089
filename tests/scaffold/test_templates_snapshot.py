"""Every built-in template renders, and its output is pinned under snapshots/scaffold/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasker_ctl.scaffold.catalog import BUILTIN_LANGUAGES, build_catalog
from tests.cases_support import SNAPSHOT_ROOT
from tests.helpers import assert_matches_snapshot, read_tree
from tests.scaffold.cases import CANONICAL_NAMES, Case, all_cases

CASES = all_cases()


def test_every_language_has_all_five_templates() -> None:
    catalog = build_catalog()
    for language in BUILTIN_LANGUAGES:
        kinds = {t.name for t in catalog.filtered(language)}
        assert kinds == set(CANONICAL_NAMES), f"{language} has {sorted(kinds)}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_generate_matches_snapshot(case: Case, cli, tmp_path: Path, snapshot_update: bool) -> None:
    out = tmp_path / "out"
    result = cli(
        "template",
        "generate",
        case.kind,
        "--language",
        case.language,
        *case.param_args,
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    files = read_tree(out)
    assert files, "nothing was generated"
    for rel in files:
        assert str(out / rel) in result.stdout
    rendered = {rel: content.decode("utf-8") for rel, content in files.items()}
    assert_matches_snapshot(rendered, SNAPSHOT_ROOT / case.id, snapshot_update)
