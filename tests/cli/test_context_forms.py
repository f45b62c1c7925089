"""``run --context`` forms (JSON/YAML file, stdin, inline JSON) and ``--set key.path=value``."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.context_file import (
    apply_overrides,
    parse_context,
    parse_path,
    parse_yaml_context,
    read_context,
)
from tasker_ctl.errors import InputFileError
from tests.conftest import ROOT
from tests.helpers import build_file_tree

ECHO_HANDLER = """
from tasker_core.step_handler.functional import step_handler


@step_handler("echo.context")
def echo(context):
    return {"context": context.input_data}
"""
ECHO_TEMPLATE = """\
name: echo
namespace_name: demo
version: 1.0.0
steps:
  - name: echo
    handler: {callable: echo.context}
"""
YAML_CONTEXT = """\
order:
  id: 42
  items:
    - {sku: a, qty: 1}
approved: yes      # YAML 1.2, as serde_yaml: a string, not a boolean
ratio: 0.5
note: ~
"""


def values_equal(a: Any, b: Any) -> bool:
    """Equality that tells 1 from 1.0 and True from 1 (JSON types matter to handlers)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(values_equal, a, b))
    return bool(a == b)


# -- through the CLI -------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    pytest.importorskip("tasker_core")
    build_file_tree(
        tmp_path,
        {
            "handlers/__init__.py": "",
            "handlers/echo.py": ECHO_HANDLER,
            "config/tasks/echo.yaml": ECHO_TEMPLATE,
            "context.yaml": YAML_CONTEXT,
        },
    )
    return tmp_path


def run(project: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "run", "config/tasks/echo.yaml", "-f", "json", *args],
        cwd=project,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "RUST_LOG": "off", "PYTHONPATH": str(ROOT)},
    )


def handler_saw(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)["steps"][0]["result"]["context"]


@pytest.mark.sdk
def test_a_yaml_file_with_overrides_reaches_the_handler(project: Path) -> None:
    done = run(
        project, "-c", "context.yaml", "--set", "order.items[0].qty=3",
        "--set", 'order.items[1]={"sku": "b", "qty": 1}', "--set", "order.gift=true",
        "--set", "customer.name=Ada Lovelace",
    )  # fmt: skip
    assert handler_saw(done) == {
        "order": {
            "id": 42,
            "items": [{"sku": "a", "qty": 3}, {"sku": "b", "qty": 1}],
            "gift": True,
        },
        "approved": "yes",
        "ratio": 0.5,
        "note": None,
        "customer": {"name": "Ada Lovelace"},
    }


@pytest.mark.sdk
@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["-c", '{"order_id": 7}'], None),
        (["-c", "-"], '{"order_id": 7}'),
        (["-c", "-"], "order_id: 7\n"),
        (["--set", "order_id=7"], None),
    ],
    ids=["inline", "stdin-json", "stdin-yaml", "set-only"],
)
def test_inline_json_and_stdin(project: Path, args: list[str], stdin: str | None) -> None:
    assert handler_saw(run(project, *args, stdin=stdin)) == {"order_id": 7}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", '{"a": 1'], "--context (inline JSON):1:8: invalid JSON in the context"),
        (["-c", "ctx.yaml"], "ctx.yaml:2:1: duplicate key 'a' at $; serde_yaml refuses it"),
        (["-c", "{}", "--set", "a..b=1"], "--set a..b: a key is empty"),
        (["-c", '{"a": "x"}', "--set", "a.b=1"], "--set a.b: $.a is a string, not an object"),
        (["-c", '{"a": []}', "--set", "a[2]=1"], "index [2] is out of range: $.a has 0 item(s)"),
        (["--set", "novalue"], "--set novalue: there is no '='"),
        (["--set", "n=1e400"], "--set n: production refuses the JSON value: number out of range"),
    ],
    ids=["inline", "yaml-duplicate", "empty-key", "not-object", "index", "no-equals", "range"],
)
def test_bad_context_input_is_a_clear_error(tmp_path: Path, args: list[str], message: str) -> None:
    build_file_tree(tmp_path, {"t.yaml": ECHO_TEMPLATE, "ctx.yaml": "a: 1\na: 2\n"})
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "run", "t.yaml", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "RUST_LOG": "off", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "hint:" in done.stderr and "Traceback" not in done.stderr


# -- the parsers -----------------------------------------------------------------------------

# Characters YAML text holds raw as JSON does (JSON escapes those below 0x20): DEL, the
# C1 controls and U+FFFE/U+FFFF are not YAML text, and NEL, U+2028 and U+2029 are line
# breaks that YAML folds inside a quoted string.
chars = st.characters(
    codec="utf-8",
    exclude_characters="".join(map(chr, range(0x7F, 0xA0))) + "\ufffe\uffff\u2028\u2029",
)
texts = st.text(chars, max_size=20)
finite = st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | finite.filter(lambda f: f != 0 or math.copysign(1, f) > 0)
    | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)
objects = st.dictionaries(texts, json_values, max_size=5)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(context=objects)
def test_json_text_read_as_yaml_is_the_same_context(context: dict[str, Any]) -> None:
    # raw non-ASCII: YAML refuses \u escapes of surrogate pairs, which JSON writes for 𐀀
    text = json.dumps(context, ensure_ascii=False).encode()
    try:
        as_json = parse_context(text, "c.json")
    except InputFileError:  # lone surrogates: refused either way
        with pytest.raises(InputFileError):
            parse_yaml_context(text, "c.yaml")
        return
    assert values_equal(parse_yaml_context(text, "c.yaml"), as_json)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(context=objects)
def test_block_yaml_of_plain_data_is_the_same_context(context: dict[str, Any]) -> None:
    import yaml

    # PyYAML quotes every string its YAML 1.1 resolver would read as something else, a
    # superset of YAML 1.2's; the surrogate-free, printable values dump and read back exactly
    text = yaml.safe_dump(context, allow_unicode=False, default_flow_style=False)
    try:
        expected = parse_context(json.dumps(context).encode(), "c.json")
    except InputFileError:
        return
    assert values_equal(parse_yaml_context(text.encode(), "c.yaml"), expected)


keys = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters=".[]="),
    min_size=1,
    max_size=6,
)
paths = st.lists(st.tuples(keys, st.booleans()), min_size=1, max_size=5)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(path=paths, value=json_values)
def test_set_puts_the_value_at_the_path(path: list[tuple[str, bool]], value: Any) -> None:
    spec = ".".join(key + ("[0]" if listed else "") for key, listed in path)
    assert parse_path(spec) == tuple(
        part for key, listed in path for part in ((key, 0) if listed else (key,))
    )
    try:
        context = apply_overrides({}, [f"{spec}={json.dumps(value)}"])
    except InputFileError:  # only a value production refuses (it nests too deep)
        return
    current: Any = context
    for part in parse_path(spec):
        current = current[part]
    assert values_equal(current, parse_context(json.dumps({"v": value}).encode(), "v")["v"])


@settings(max_examples=100, deadline=None, derandomize=True)
@given(text=st.text(max_size=30))
def test_any_override_text_is_set_or_a_clear_error(text: str) -> None:
    try:
        apply_overrides({"a": {"b": [1]}}, [text])
    except InputFileError as exc:
        assert exc.message.startswith("--set ")
        assert exc.hint


def test_a_value_that_is_not_json_is_a_string() -> None:
    assert apply_overrides({}, ["a=NaN", "b=hello world", "c=[1,", "d=", 'e="x"']) == {
        "a": "NaN",
        "b": "hello world",
        "c": "[1,",
        "d": "",
        "e": "x",
    }


def test_yaml_limits_and_parity(tmp_path: Path) -> None:
    warnings: list[str] = []
    big = parse_yaml_context(b"n: 18446744073709551616\nx: .nan\n", "c.yaml",
                             on_warning=warnings.append)  # fmt: skip
    assert big == {"n": 1.8446744073709552e19, "x": None}
    assert any("$.n" in w for w in warnings) and any(".nan" in w for w in warnings)
    deep = ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 140))).encode()
    with pytest.raises(InputFileError, match="deep"):
        parse_yaml_context(deep, "deep.yaml")
    bomb = b"a: &a [1,1,1,1,1,1,1,1,1,1]\n" + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)}]\n".encode()
        for i in range(8)
    )
    with pytest.raises(InputFileError):
        parse_yaml_context(bomb, "bomb.yaml")
    (tmp_path / "c.yml").write_text("a: [1, 2]\n", encoding="utf-8")
    assert read_context(str(tmp_path / "c.yml"), ["a[2]=3"]) == {"a": [1, 2, 3]}
