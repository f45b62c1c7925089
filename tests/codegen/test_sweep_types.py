"""`generate types` on task templates nobody here wrote (adversarial sweep).

Each case is a template `validate` accepts (at most with warnings) whose
generated types once failed to compile; the generated code goes through the
real CLI and then the language's own parser.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ENV = {**os.environ, "NO_COLOR": "1", "RUST_LOG": "off"}


def tasker_ctl(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        capture_output=True, text=True, env=ENV, timeout=timeout, check=False,
    )  # fmt: skip


def template(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / "task.yaml"
    path.write_text(
        f"name: {name}\nnamespace_name: payments\nversion: 1.0.0\n{body}", encoding="utf-8"
    )
    return path


NESTED_INPUT = """\
input_schema:
  type: object
  properties:
    card: {type: object, properties: {number: {type: string}}}
steps:
  - name: charge
    handler: {callable: payments.charge}
    result_schema: {type: object, properties: {id: {type: string}}}
"""


@pytest.mark.parametrize("name", ["2fa_flow", "'名前'", "'_'"])
def test_task_names_that_do_not_start_a_class_name(tmp_path: Path, name: str) -> None:
    path = template(tmp_path, name, NESTED_INPUT)
    assert tasker_ctl("validate", "--no-handler-check", str(path)).returncode == 0
    python = tasker_ctl("generate", "types", "-t", str(path), "-l", "python")
    assert python.returncode == 0, python.stderr
    classes = [n.name for n in ast.parse(python.stdout).body if isinstance(n, ast.ClassDef)]
    assert len(classes) == 3 and all(c.endswith(("Input", "InputCard", "Result")) for c in classes)
    ruby = tasker_ctl("generate", "types", "-t", str(path), "-l", "ruby")
    assert ruby.returncode == 0, ruby.stderr
    constants = re.findall(r"^class (\S+) < Dry::Struct$", ruby.stdout, re.MULTILINE)
    assert len(constants) == 3 and all(re.fullmatch(r"[A-Z]\w*", c) for c in constants)
    if shutil.which("ruby"):
        (tmp_path / "models.rb").write_text(ruby.stdout, encoding="utf-8")
        check = subprocess.run(
            ["ruby", "-wc", str(tmp_path / "models.rb")], capture_output=True, text=True
        )
        assert check.returncode == 0 and check.stderr == "", check.stderr


SHARED_NOT = """\
steps:
  - name: charge
    handler: {callable: payments.charge}
    result_schema:
      type: object
      properties:
        first: {$ref: "#/$defs/Code"}
        second: {$ref: "#/$defs/Code"}
        again: {$ref: "#/$defs/Code"}
      $defs:
        Code: {type: string, not: {const: ""}}
"""


def test_a_definition_used_three_times_warns_once(tmp_path: Path) -> None:
    result = tasker_ctl(
        "generate", "types", "-t", str(template(tmp_path, "t", SHARED_NOT)), "-l", "py"
    )
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and "'not' is not expressed" in warnings[0], warnings
    assert "task.yaml:14:" in warnings[0] and "$defs.Code.not" in warnings[0]


WIDE_ENUM = """\
steps:
  - name: charge
    handler: {callable: payments.charge}
    result_schema:
      type: object
      required: [id, legacy]
      properties:
        id: {enum: [1, 9223372036854775808, 18446744073709551615]}
        legacy: {enum: ["none", 9223372036854775807, -9223372036854775807]}
"""


def test_enums_of_integers_beyond_64_bits(tmp_path: Path) -> None:
    result = tasker_ctl(
        "generate", "types", "-t", str(template(tmp_path, "t", WIDE_ENUM)), "-l", "py"
    )
    assert result.returncode == 0, result.stderr
    assert "integers beyond 64 bits cannot be literal types" in result.stderr
    assert "task.yaml:11:14:" in result.stderr and result.stderr.count("warning:") == 1
    assert "    id: int\n" in result.stdout
    assert "Literal[9223372036854775808" not in result.stdout
    assert '"none", 9223372036854775807, -9223372036854775807' in result.stdout
    (tmp_path / "models.py").write_text(result.stdout, encoding="utf-8")
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "models.py"],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert mypy.returncode == 0, mypy.stdout


def doubling_refs(levels: int) -> str:
    """``D0`` uses ``D1`` twice, which uses ``D2`` twice...: 2**levels types written out."""
    lines = [
        "steps:",
        "  - name: charge",
        "    handler: {callable: payments.charge}",
        "    result_schema:",
        "      type: object",
        "      properties:",
        "        top: {$ref: '#/$defs/D0'}",
        "      $defs:",
    ]
    for i in range(levels):
        pair = (
            f"[{{$ref: '#/$defs/D{i + 1}'}}, {{type: array, items: {{$ref: '#/$defs/D{i + 1}'}}}}]"
        )
        lines.append(f"        D{i}: {{type: array, items: {{anyOf: {pair}}}}}")
    lines.append(f"        D{levels}: {{type: string}}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("language", ["python", "rust"])
def test_refs_that_double_at_each_level_end_quickly(tmp_path: Path, language: str) -> None:
    path = template(tmp_path, "t", doubling_refs(40))
    result = tasker_ctl("generate", "types", "-t", str(path), "-l", language, timeout=20)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) < 2_000
    assert "expands to more than 256 nested types" in result.stderr


def test_optional_fields_of_every_length_are_ruff_formatted(tmp_path: Path) -> None:
    """`x: T = None` one to three columns too long: ruff parenthesises the None, not T."""
    from tasker_ctl.codegen import render
    from tasker_ctl.codegen.schema import SchemaBuilder

    kinds = [
        {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "integer"}}},
        {"type": ["string", "integer", "null"]},
    ]
    for length in range(40, 70):
        for i, kind in enumerate(kinds):
            builder = SchemaBuilder()
            properties = {"f" * length: kind, "fX" + "f" * length: kind}
            builder.add_root("Result", {"type": "object", "properties": properties}, ("x",))
            (tmp_path / f"m_{length}_{i}.py").write_text(render(builder.module, "python"))
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "."],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout


@pytest.mark.toolchain
def test_rust_layout_matches_rustfmt_at_every_width(tmp_path: Path) -> None:
    """Long names near rustfmt's width: a HashMap split one argument per line, an empty
    struct's braces, a type alias moved to its own line (each once differed)."""
    if shutil.which("rustfmt") is None:
        pytest.skip("rustfmt is not installed")
    from tasker_ctl.codegen import render
    from tasker_ctl.codegen.schema import SchemaBuilder

    inners: list[dict[str, object]] = [
        {"type": ["object", "null"], "properties": {}},
        {"type": "array", "items": {"type": "string"}},
        {"type": "object", "additionalProperties": {"type": "integer"}},
    ]
    for length in range(20, 100, 2):
        for i, inner in enumerate(inners):
            name = "p" * length
            as_map = {"type": "object", "additionalProperties": inner}
            for j, schema in enumerate([
                {"type": "object", "properties": {name: as_map}},
                {"type": "object", "properties": {name: as_map}, "required": [name]},
                {"type": "array", "items": as_map},
            ]):  # fmt: skip
                builder = SchemaBuilder()
                builder.add_root("R" + "X" * (length // 3), schema, ("x",))
                (tmp_path / f"m_{length}_{i}_{j}.rs").write_text(render(builder.module, "rust"))
    files = sorted(str(p) for p in tmp_path.iterdir())
    check = subprocess.run(
        ["rustfmt", "--check", "--edition", "2021", *files],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout[:3000]


def test_descriptions_of_quotes_and_backslashes_make_valid_docstrings(tmp_path: Path) -> None:
    """Every description of up to four of ``"``, ``\\``, ``'``, ``a`` or a newline
    (``a\"\"\"`` once ended the docstring early: a syntax error)."""
    import inspect
    import itertools

    from tasker_ctl.codegen import render
    from tasker_ctl.codegen.schema import SchemaBuilder

    alphabet = ['"', "\\", "'", "a", "\n"]
    texts = ["".join(p) for n in range(1, 5) for p in itertools.product(alphabet, repeat=n)]
    for i, text in enumerate(texts):
        builder = SchemaBuilder()
        schema = {"type": "object", "description": text, "properties": {"x": {"type": "string"}}}
        builder.add_root("Result", schema, ("x",))
        source = render(builder.module, "python")
        namespace: dict[str, Any] = {}
        exec(compile(source, f"<{text!r}>", "exec"), namespace)
        doc = inspect.cleandoc(namespace["Result"].__doc__ or "")
        expected = "".join(line.strip() for line in text.strip().splitlines())
        assert doc.replace("\n", "") == expected, (text, source)
        (tmp_path / f"m{i}.py").write_text(source, encoding="utf-8")
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "."],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout[:2000]


def test_nested_type_names_keep_only_identifier_characters() -> None:
    """``j¹`` is a word to the name splitter but ``¹`` is in no identifier (syntax errors)."""
    from tasker_ctl.codegen import render
    from tasker_ctl.codegen.schema import SchemaBuilder

    nested = {"type": "object", "properties": {"a": {"type": "string"}}}
    builder = SchemaBuilder()
    properties = {"j¹硔": nested, "x²": {"type": "array", "items": nested}, "½": nested}
    builder.add_root("Result", {"type": "object", "properties": properties}, ("x",))
    names = [d.name for d in builder.module.definitions]
    assert all(name.isidentifier() for name in names), names
    compile(render(builder.module, "python"), "<models>", "exec")
