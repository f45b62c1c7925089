"""Composition steps (``grammar:`` virtual handlers) checked as upstream's SDK validator does.

The templates under ``tests/fixtures/templates/composition/`` reproduce the
situations of upstream's own validator tests (``tasker-sdk``'s
``composition_validator`` and ``tasker-grammar``'s validation tests) and its
three working workflows. Each finding is asserted with its rule, the upstream
grammar code at the start of its message, and its line and column.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tasker_ctl.validation import Diagnostic, LintOptions, Severity, lint_file
from tasker_ctl.validation.rules import RULES
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "templates" / "composition"
NO_HANDLERS = LintOptions(handler_check=False)

PARSE = "COMPOSITION_PARSE_ERROR"
INVALID = "COMPOSITION_INVALID"
MISMATCH = "COMPOSITION_RESULT_SCHEMA_MISMATCH"
WARNING = "COMPOSITION_WARNING"
UNVERIFIED = "COMPOSITION_UNVERIFIED"
CONVENTION = "COMPOSITION_CALLABLE_CONVENTION"

# file -> every finding: (rule, grammar code at the start of the message or None, line, column)
EXPECTED: dict[str, list[tuple[str, str | None, int, int]]] = {
    "parse_error.yaml": [(PARSE, None, 10, 5), (PARSE, None, 10, 5)],
    "parse_error_fields.yaml": [
        (PARSE, None, 11, 13),  # name: a sequence
        (PARSE, None, 12, 7),  # outcome without output_schema
        (PARSE, None, 13, 22),  # description: 42
        (PARSE, None, 17, 23),  # checkpoint: "yes"
        (PARSE, None, 18, 11),  # an invocation without capability
        (PARSE, None, 24, 18),  # composition: a string
    ],
    "result_schema_mismatch.yaml": [(MISMATCH, "MISSING_REQUIRED_FIELD", 12, 11)],
    "result_schema_types.yaml": [
        (MISMATCH, "TYPE_MISMATCH", 14, 23),  # count: required, integer vs string
        (WARNING, "TYPE_MISMATCH", 16, 22),  # note: optional
        (MISMATCH, "TYPE_MISMATCH", 21, 24),  # customer.id: nested
    ],
    "callable_convention.yaml": [(CONVENTION, None, 8, 17)],
    "unknown_capability.yaml": [
        (INVALID, "MISSING_CAPABILITY", 16, 23),
        (INVALID, "MISSING_CAPABILITY", 18, 23),
    ],
    "checkpoints.yaml": [
        (INVALID, "CHECKPOINT_REQUIRED", 17, 23),  # persist, no checkpoint key: at capability
        (INVALID, "CHECKPOINT_REQUIRED", 23, 23),  # emit, checkpoint: false
    ],
    "empty_composition.yaml": [(INVALID, "EMPTY_COMPOSITION", 14, 7)],
    "config_schema.yaml": [
        (MISMATCH, "MISSING_PRODUCER_SCHEMA", 13, 24),  # output_schema: {} meets no requirement
        (INVALID, "CONFIG_SCHEMA_VIOLATION", 16, 11),  # transform without filter
        (INVALID, "CONFIG_SCHEMA_VIOLATION", 19, 11),  # transform without output
        (INVALID, "MISSING_OUTPUT_SCHEMA", 19, 11),
        (INVALID, "MISSING_OUTPUT_SCHEMA", 24, 13),  # output: null
        (INVALID, "CONFIG_SCHEMA_VIOLATION", 24, 21),
        (INVALID, "CONFIG_SCHEMA_VIOLATION", 27, 21),  # assert filter: 42
        (INVALID, "CONFIG_SCHEMA_VIOLATION", 30, 11),  # validate config: a string
    ],
    "expressions.yaml": [
        (MISMATCH, "MISSING_PRODUCER_SCHEMA", 13, 24),
        (INVALID, "INVALID_EXPRESSION", 16, 28),  # transform filter
        (INVALID, "INVALID_EXPRESSION", 18, 28),  # assert filter
        (INVALID, "INVALID_EXPRESSION", 22, 32),  # persist data
        (INVALID, "INVALID_EXPRESSION", 23, 44),  # persist validate_success
        (INVALID, "INVALID_EXPRESSION", 24, 40),  # persist result_shape
        (INVALID, "INVALID_EXPRESSION", 29, 34),  # acquire params
        (INVALID, "INVALID_EXPRESSION", 30, 44),  # acquire validate_success
        (INVALID, "INVALID_EXPRESSION", 31, 40),  # acquire result_shape
        (INVALID, "INVALID_EXPRESSION", 35, 35),  # emit payload
        (INVALID, "INVALID_EXPRESSION", 36, 24),  # emit condition
        (INVALID, "INVALID_EXPRESSION", 37, 44),  # emit validate_success
        (INVALID, "INVALID_EXPRESSION", 38, 40),  # emit result_shape
        (INVALID, "INVALID_EXPRESSION", 40, 44),  # emit metadata.correlation_id
        (INVALID, "INVALID_EXPRESSION", 41, 32),  # emit metadata.idempotency_key
    ],
    "outcome_convergence.yaml": [
        (INVALID, "MISSING_REQUIRED_FIELD", 15, 22),
        (WARNING, "TYPE_MISMATCH", 19, 26),  # note: optional in the outcome
        (INVALID, "TYPE_MISMATCH", 41, 30),
    ],
    "unverifiable_outcome.yaml": [(UNVERIFIED, "UNVERIFIABLE_OUTCOME", 13, 9)],
}

VALID = sorted(FIXTURES.glob("valid_*.yaml"))


def _code(diagnostic: Diagnostic) -> str | None:
    message = diagnostic.message
    return message[1 : message.index("]")] if message.startswith("[") else None


def _found(path: Path) -> list[tuple[str, str | None, int, int]]:
    result = lint_file(path, NO_HANDLERS)
    return sorted(
        (d.rule_id, _code(d), d.location.line or 0, d.location.column or 0)
        for d in result.diagnostics
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_upstream_situation_gives_its_codes_at_their_places(name: str) -> None:
    assert _found(FIXTURES / name) == sorted(EXPECTED[name])


def test_every_composition_rule_is_exercised_and_every_fixture_is_listed() -> None:
    rules = {rule for findings in EXPECTED.values() for rule, *_ in findings}
    assert {r for r in RULES if r.startswith("COMPOSITION_")} == rules
    listed = set(EXPECTED) | {p.name for p in VALID}
    assert listed == {p.name for p in FIXTURES.glob("*.yaml")}


def test_severities_follow_upstream_except_what_production_does_not_feel() -> None:
    assert RULES[PARSE].severity is Severity.ERROR
    assert RULES[INVALID].severity is Severity.ERROR
    assert RULES[MISMATCH].severity is Severity.ERROR
    assert RULES[WARNING].severity is Severity.WARNING
    # upstream warns, but production behaves the same: only a check is missing
    assert RULES[UNVERIFIED].severity is Severity.INFO


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_working_compositions_give_no_error_or_warning(path: Path) -> None:
    result = lint_file(path, NO_HANDLERS)
    serious = [d for d in result.diagnostics if d.severity is not Severity.INFO]
    assert serious == []
    assert {d.rule_id for d in result.diagnostics} <= {UNVERIFIED}
    assert result.template is not None


def test_onboarding_ends_in_a_transform_so_its_whole_contract_is_checked() -> None:
    assert lint_file(FIXTURES / "valid_customer_onboarding.yaml", NO_HANDLERS).diagnostics == ()


def _by_line(path: Path, line: int) -> list[Diagnostic]:
    return [d for d in lint_file(path, NO_HANDLERS).diagnostics if d.location.line == line]


def test_messages_say_what_happens_and_what_to_change() -> None:
    (persit,) = _by_line(FIXTURES / "unknown_capability.yaml", 18)
    assert "capability 'persit' not found in vocabulary" in persit.message
    assert persit.hint is not None and "did you mean 'persist'?" in persit.hint
    assert persit.pointer == "/steps/0/composition/invocations/1/capability"
    assert persit.step == "bad_step"

    (jq_error,) = _by_line(FIXTURES / "expressions.yaml", 16)
    assert "'config.filter'" in jq_error.message
    assert "syntax error, unexpected '|'" in jq_error.message
    assert "column 7" in jq_error.message  # jq's position inside the filter
    assert "fails on every run" in jq_error.message

    (undefined,) = _by_line(FIXTURES / "expressions.yaml", 41)
    assert "undefined_fn/0 is not defined" in undefined.message

    (checkpoint,) = _by_line(FIXTURES / "checkpoints.yaml", 17)
    assert checkpoint.hint == "add `checkpoint: true` to this invocation"
    assert "repeats the mutation" in checkpoint.message

    missing = _by_line(FIXTURES / "parse_error.yaml", 10)
    assert sorted(d.message.split(":")[1].strip() for d in missing) == [
        "missing field `invocations`",
        "missing field `outcome`",
    ]

    (required,) = _by_line(FIXTURES / "result_schema_mismatch.yaml", 12)
    assert "'field_that_composition_does_not_produce'" in required.message
    assert "result will not match" in required.message


# -- situations built in the test: limits and odd shapes ----------------------


def _template(tmp_path: Path, composition: str, result_schema: str = "{type: object}") -> Path:
    path = tmp_path / "generated.yaml"
    path.write_text(
        "name: generated\nnamespace_name: test\nversion: 1.0.0\nsteps:\n"
        "  - name: step\n    handler: {callable: 'grammar:step'}\n"
        f"    result_schema: {result_schema}\n    composition:\n{composition}",
        encoding="utf-8",
    )
    return path


TRANSFORM = "{capability: transform, config: {filter: '.', output: {type: object}}}"
OUTCOME = "      outcome: {description: d, output_schema: {type: object}}\n"


@pytest.mark.parametrize(("count", "flagged"), [(100, False), (101, True)])
def test_more_than_100_invocations_are_refused(tmp_path: Path, count: int, flagged: bool) -> None:
    items = ", ".join([TRANSFORM] * count)
    path = _template(tmp_path, OUTCOME + f"      invocations: [{items}]\n")
    found = _found(path)
    assert found == ([(INVALID, "TOO_MANY_INVOCATIONS", 10, 7)] if flagged else [])


def test_lengths_are_counted_in_utf8_bytes(tmp_path: Path) -> None:
    name = "é" * 129  # 129 characters, 258 bytes > 256
    capability = "c" * 129
    description = "d" * 4097
    path = _template(
        tmp_path,
        f"      name: {name}\n"
        f"      outcome: {{description: {description}, output_schema: {{type: object}}}}\n"
        f"      invocations:\n        - {{capability: {capability}, config: {{}}}}\n",
    )
    assert _found(path) == [
        (INVALID, "FIELD_TOO_LONG", 9, 13),
        (INVALID, "FIELD_TOO_LONG", 10, 30),
        (INVALID, "FIELD_TOO_LONG", 12, 24),
        (INVALID, "MISSING_CAPABILITY", 12, 24),
    ]
    ok = _template(
        tmp_path, f"      name: {'é' * 128}\n" + OUTCOME + f"      invocations: [{TRANSFORM}]\n"
    )
    assert _found(ok) == []


def _nested(depth: int) -> str:
    schema = "{type: object, required: [leaf], properties: {leaf: {type: string}}}"
    for _ in range(depth):
        schema = f"{{type: object, required: [n], properties: {{n: {schema}}}}}"
    return schema


def test_schemas_nested_deeper_than_32_levels_are_compared_only_that_far(tmp_path: Path) -> None:
    deep = _nested(40)
    path = _template(
        tmp_path,
        f"      outcome: {{description: d, output_schema: {deep}}}\n"
        f"      invocations:\n        - {{capability: transform, config: {{filter: '.', "
        f"output: {deep}}}}}\n",
        result_schema=deep,
    )
    found = _found(path)
    assert {(rule, code) for rule, code, *_ in found} == {(UNVERIFIED, "SCHEMA_DEPTH_EXCEEDED")}
    assert len(found) == 2  # the outcome contract and the result_schema contract
    assert _found(_template(tmp_path, "", result_schema=_nested(30))) == []


def test_a_sequence_reads_positionally_as_serde_reads_a_struct(tmp_path: Path) -> None:
    positional = _template(
        tmp_path,
        "      - null\n      - [a description, {type: object}]\n"
        "      - [[transform, {filter: '.', output: {type: object}}], [persist, {resource: r, "
        "data: '.'}, true], [transform, {filter: '.', output: {type: object}}]]\n",
    )
    assert _found(positional) == []
    short = _template(tmp_path, "      - null\n      - [a description]\n")
    messages = [d.message for d in lint_file(short, NO_HANDLERS).diagnostics]
    assert any("invalid length 2, expected struct CompositionSpec with 3" in m for m in messages)
    assert any("invalid length 1, expected struct OutcomeDeclaration with 2" in m for m in messages)


def test_null_or_empty_composition_is_no_composition(tmp_path: Path) -> None:
    assert _found(_template(tmp_path, "")) == []
    assert _found(_template(tmp_path, "      ~\n")) == []


def test_module_directives_are_refused_without_reading_files(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    path = _template(
        tmp_path,
        OUTCOME + "      invocations:\n"
        "        - {capability: transform, config: {filter: 'include \"x\"; .', "
        "output: {type: object}}}\n",
    )
    (finding,) = lint_file(path, NO_HANDLERS).diagnostics
    assert "cannot use modules" in finding.message


# -- lazy jq, and the real CLI ------------------------------------------------


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return done.stdout.strip()


def test_jq_is_imported_only_for_a_composition_with_an_expression() -> None:
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from tasker_ctl.validation import LintOptions, lint_file\n"
        "o = LintOptions(handler_check=False)\n"
        "lint_file(Path('tests/fixtures/templates/valid/linear.yaml'), o)\n"
        "print('jq' in sys.modules)\n"
        "lint_file(Path('tests/fixtures/templates/composition/empty_composition.yaml'), o)\n"
        "print('jq' in sys.modules)\n"
        "lint_file(Path('tests/fixtures/templates/composition/expressions.yaml'), o)\n"
        "print('jq' in sys.modules)\n"
    )
    assert _python(code).split() == ["False", "False", "True"]


def test_help_and_version_do_not_import_jq() -> None:
    code = (
        "import sys\nfrom tasker_ctl.cli import main\n"
        "for argv in (['--version'], ['--help'], ['validate', '--help']):\n"
        "    sys.argv = ['tasker-ctl', *argv]\n"
        "    try:\n        main()\n    except SystemExit:\n        pass\n"
        "print('JQ', 'jq' in sys.modules)\n"
    )
    assert _python(code).splitlines()[-1] == "JQ False"


def _validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "validate", "--no-handler-check", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_cli_json_reports_codes_and_places() -> None:
    files = ["result_schema_mismatch.yaml", "expressions.yaml", "parse_error_fields.yaml"]
    done = _validate("--format", "json", *(str(FIXTURES / f) for f in files))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    for entry, name in zip(report["files"], files, strict=True):
        got = sorted(
            (
                d["rule_id"],
                d["message"][1 : d["message"].index("]")] if d["message"][0] == "[" else None,
                d["line"],
                d["column"],
            )
            for d in entry["diagnostics"]
        )
        assert got == sorted(EXPECTED[name]), name
    first = report["files"][0]["diagnostics"][0]
    assert first["pointer"] == "/steps/0/result_schema/required/0"
    assert first["step"] == "mismatched_step"
    assert first["severity"] == "error"


def test_cli_passes_working_compositions_even_with_strict() -> None:
    done = _validate("--strict", *(str(p) for p in VALID))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors, 0 warnings" in done.stdout


def test_cli_text_shows_the_filter_line_and_a_caret() -> None:
    done = _validate(str(FIXTURES / "outcome_convergence.yaml"))
    assert done.returncode == 1
    assert "41:30" in done.stdout and "COMPOSITION_INVALID" in done.stdout
    assert "order_id: {type: string}" in done.stdout


def test_cli_explains_the_new_rules() -> None:
    done = _validate("--explain", INVALID)
    assert done.returncode == 0, done.stderr
    assert "MISSING_CAPABILITY" in done.stdout and "FAIL" in done.stdout
