"""`tasker-ctl run --context`: every bad context is refused cleanly, as serde_json would.

The CLI cases run the real command in a subprocess (what the user sees: exit
code 2, one error naming the file, line/column or JSON path, no traceback,
nothing on stdout). The property tests drive the loader directly.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl import context_file
from tasker_ctl.context_file import MAX_BYTES, MAX_DEPTH, load_context, parse_context
from tasker_ctl.errors import InputFileError
from tests.conftest import ROOT
from tests.helpers import build_file_tree

TEMPLATE = (
    "name: ctx\nnamespace_name: inputs\nversion: 1.0.0\nsteps:\n"
    "  - name: echo\n    handler: {callable: inputs.echo}\n"
)
HANDLERS = (
    "from tasker_core.step_handler.functional import step_handler\n"
    "@step_handler('inputs.echo')\ndef echo(context):\n"
    "    return {'n': context.get_input('n')}\n"
)


def run_cli(
    tmp_path: Path, *args: str, stdin: Any = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    build_file_tree(tmp_path, {"task.yaml": TEMPLATE, "inputs_fx/__init__.py": HANDLERS})
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "run", str(tmp_path / "task.yaml"), *args],
        capture_output=True,
        text=True,
        stdin=stdin,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )


def refused(tmp_path: Path, context: Path | str, *fragments: str, **kw: Any) -> str:
    """Run with ``--context context``; assert a clean usage error holding ``fragments``."""
    done = run_cli(tmp_path, "--context", str(context), **kw)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stdout == ""
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert done.stderr.startswith("error: "), done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr
    assert "hint: " in done.stderr
    return done.stderr


def write(tmp_path: Path, content: str | bytes, name: str = "ctx.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# -- what the user sees -------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_before_reading_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "ctx.json"
    os.mkfifo(fifo)  # nobody ever writes to it: opening it for reading would block
    refused(tmp_path, fifo, f"context file {fifo} is not a regular file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, "/dev/zero", "context file /dev/zero is not a regular file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_standard_input_stops_at_the_size_limit(tmp_path: Path) -> None:
    with Path("/dev/zero").open("rb") as zero:
        refused(tmp_path, "-", "standard input: the context is larger than 64 MiB", stdin=zero)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ctx").mkdir()
    refused(tmp_path, tmp_path / "ctx", f"context file {tmp_path / 'ctx'} is a directory")


def test_an_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(MAX_BYTES + 1)
    refused(tmp_path, big, f"{big}: the context is larger than 64 MiB")


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ('{"a": [1,\n  NaN]}', [":2:3: NaN at $.a[1] is not JSON"]),
        ('{"limits": {"max": Infinity}}', [":1:20: Infinity at $.limits.max is not JSON"]),
        ('{"delta": -Infinity}', [":1:11: -Infinity at $.delta is not JSON"]),
        ('{"x": 1e400}', [":1:7: number out of range at $.x: 1e400"]),
        (
            '{"ids": [1, ' + "7" * 5000 + "]}",
            [":1:13: number out of range at $.ids[1]", "(5000 digits)"],
        ),
        ('{"a": 1,}', [":1:9: invalid JSON in the context"]),
        ('{"s": "\\ud800"}', [":1:7: a string at $.s holds a lone UTF-16 surrogate escape"]),
        ("\ufeff{}", [":1:1: the context starts with a UTF-8 byte-order mark"]),
        ("[1, 2]", ["the context must be a JSON object, not list"]),
    ],
)
def test_malformed_contexts_name_the_place(
    tmp_path: Path, content: str, fragments: list[str]
) -> None:
    path = write(tmp_path, content)
    refused(tmp_path, path, *(f"{path}{f}" if f.startswith(":") else f for f in fragments))


def test_deep_nesting_is_refused_with_its_path(tmp_path: Path) -> None:
    depth = 100_000
    path = write(tmp_path, '{"a": {"b": ' + "[" * depth + "]" * depth + "}}")
    stderr = refused(tmp_path, path, f"{path}:1:138: the context nests arrays/objects more")
    assert "(at $.a.b[0][0][0]...(119 more)...[0][0][0])" in stderr
    assert "refuses the 128th level" in stderr


def test_invalid_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, b'{\n  "name": "caf\xe9"\n}\n')
    refused(tmp_path, path, f"{path}:2:15: the context is not UTF-8: invalid byte 0xe9")


def test_missing_file_and_standard_input_errors(tmp_path: Path) -> None:
    refused(tmp_path, tmp_path / "none.json", f"context file {tmp_path / 'none.json'} does not")
    with (tmp_path / "in.json").open("w+b") as handle:
        handle.write(b"[NaN]")
        handle.seek(0)
        refused(tmp_path, "-", "standard input:1:2: NaN at $[0] is not JSON", stdin=handle)


def test_integers_beyond_64_bits_arrive_as_floats_with_a_warning(tmp_path: Path) -> None:
    pytest.importorskip("tasker_core")
    path = write(tmp_path, '{"n": 18446744073709551616}')
    done = run_cli(
        tmp_path,
        "--context", str(path), "-f", "json",
        "--handlers-root", str(tmp_path), "--handler-package", "inputs_fx",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)["steps"][0]["result"]
    assert result == {"n": 1.8446744073709552e19}  # what the production handler sees
    assert "warning: " in done.stderr and "beyond 64 bits" in done.stderr
    assert "at $.n:" in done.stderr and "Traceback" not in done.stderr


# -- the loader ---------------------------------------------------------------------------


def test_the_size_limit_holds_when_stat_reports_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /proc files report st_size 0: the read itself must stop at the limit
    monkeypatch.setattr(context_file, "MAX_BYTES", 100)
    path = write(tmp_path, '{"a": "' + "x" * 500 + '"}')
    real_stat = Path.stat

    def small_stat(self: Path, *args: Any, **kwargs: Any) -> os.stat_result:
        info = real_stat(self, *args, **kwargs)
        return os.stat_result((info.st_mode, *info[1:6], 0, *info[7:]))

    monkeypatch.setattr(Path, "stat", small_stat)
    with pytest.raises(InputFileError, match="larger than"):
        load_context(path)


def test_none_is_an_empty_context() -> None:
    assert load_context(None) == {}


@pytest.mark.parametrize(
    ("literal", "expected", "wide"),
    [
        ("9223372036854775807", 9223372036854775807, False),
        ("-9223372036854775808", -9223372036854775808, False),
        ("18446744073709551615", 18446744073709551615, False),
        ("18446744073709551616", 1.8446744073709552e19, True),
        ("-9223372036854775809", -9.223372036854776e18, True),
        ("1" + "0" * 308, 1e308, True),
        ("-0", -0.0, True),
        ("0", 0, False),
        ("1e-400", 0.0, False),
        ("-1.5e308", -1.5e308, False),
    ],
)
def test_numbers_follow_serde_json(literal: str, expected: float, wide: bool) -> None:
    notes: list[str] = []
    value = parse_context(f'{{"n": {literal}}}'.encode(), "ctx", on_warning=notes.append)["n"]
    assert value == expected and type(value) is type(expected)
    assert math.copysign(1, value) == math.copysign(1, expected)
    assert bool(notes) is wide
    if wide:
        assert "$.n" in notes[0]


@pytest.mark.parametrize("literal", ["1" + "0" * 309, "-" + "9" * 400, "1e309", "-2e308"])
def test_numbers_beyond_f64_are_out_of_range(literal: str) -> None:
    with pytest.raises(InputFileError, match=r"number out of range at \$\.n"):
        parse_context(f'{{"n": {literal}}}'.encode(), "ctx")


def test_many_wide_integers_are_named_briefly() -> None:
    notes: list[str] = []
    big = str(2**70)
    parse_context(
        ('{"a": [' + ", ".join([big] * 5) + "]}").encode(), "ctx", on_warning=notes.append
    )
    assert len(notes) == 1
    assert "at $.a[0], $.a[1], $.a[2] and 2 more:" in notes[0]


def test_odd_keys_and_long_paths_are_rendered_readably() -> None:
    nested = '{"a b": {"' + "k" * 60 + '": [{"ok_key": [NaN]}]}}'
    with pytest.raises(InputFileError) as caught:
        parse_context(nested.encode(), "ctx")
    assert '$["a b"]["' + "k" * 37 + '..."][0].ok_key[0]' in caught.value.message


@pytest.mark.parametrize("depth", [1, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 1000])
def test_the_depth_limit_is_serde_jsons(depth: int) -> None:
    # the outer object is level 1; serde_json accepts 127 levels and refuses the 128th
    text = '{"x": ' + "[" * (depth - 1) + "0" + "]" * (depth - 1) + "}"
    if depth <= MAX_DEPTH:
        assert "x" in parse_context(text.encode(), "ctx")
    else:
        with pytest.raises(InputFileError, match="more than 127 deep"):
            parse_context(text.encode(), "ctx")


# -- properties ---------------------------------------------------------------------------

JSONISH = st.text(alphabet='[]{}",:-+.0123456789eE \n\t\\utrfalsnNIiy\ud800x', max_size=200)

# Values serde_json keeps as they are: integers within 64 bits, finite floats.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)
objects = st.dictionaries(st.text(), values, max_size=6)


def only_input_errors(load: Callable[[], object]) -> None:
    try:
        load()
    except InputFileError as exc:
        assert exc.message and exc.location is not None


@settings(max_examples=400, deadline=None)
@given(JSONISH)
def test_jsonish_text_never_raises_anything_but_input_file_error(text: str) -> None:
    only_input_errors(lambda: parse_context(text.encode("utf-8", "surrogatepass"), "ctx"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise_anything_but_input_file_error(raw: bytes) -> None:
    only_input_errors(lambda: parse_context(raw, "ctx"))


@settings(max_examples=200, deadline=None)
@given(objects, st.booleans(), st.sampled_from([None, 2]))
def test_valid_objects_round_trip_as_json_loads(
    data: dict[str, Any], ascii_only: bool, indent: int | None
) -> None:
    text = json.dumps(data, ensure_ascii=ascii_only, indent=indent)
    notes: list[str] = []
    assert parse_context(text.encode(), "ctx", on_warning=notes.append) == json.loads(text)
    # -0 is the one value serde_json changes (to -0.0), and it is equal
    assert not notes or "-0" in text


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=300),
    st.text(alphabet='[]{}"\\ab', max_size=8),
    st.booleans(),
)
def test_depth_is_counted_outside_strings(depth: int, noise: str, objects_too: bool) -> None:
    # strings full of brackets, quotes and backslashes never count as nesting
    item = json.dumps(noise)
    key = '"k' + item[1:]
    text = item
    for level in range(depth - 1):
        text = f"{{{key}: {text}}}" if objects_too and level % 2 else f"[{item}, {text}]"
    document = '{"x": ' + text + "}"
    if depth <= MAX_DEPTH:
        assert parse_context(document.encode(), "ctx") == json.loads(document)
    else:
        with pytest.raises(InputFileError, match="more than 127 deep"):
            parse_context(document.encode(), "ctx")


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=2**64, max_value=10**300)
    | st.integers(min_value=-(10**300), max_value=-(2**63) - 1)
)
def test_wide_integers_become_the_floats_production_sees(number: int) -> None:
    notes: list[str] = []
    data = parse_context(f'{{"n": [{number}]}}'.encode(), "ctx", on_warning=notes.append)
    assert data == {"n": [float(number)]}
    assert "$.n[0]" in notes[0]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, categories=["Cs", "Lu", "Ps", "Pe"])))
def test_lone_surrogates_are_refused_and_pairs_accepted(value: str) -> None:
    document = json.dumps({"s": [value]})  # ensure_ascii: every surrogate is a \u escape
    try:
        json.loads(document)["s"][0].encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(InputFileError, match=r"at \$\.s\[0\] holds a lone UTF-16 surrogate"):
            parse_context(document.encode(), "ctx")
    else:
        assert parse_context(document.encode(), "ctx") == json.loads(document)
