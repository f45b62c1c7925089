"""Fuzzing ``validate``: no input makes the engine raise, every output format stays valid.

Inputs start from the committed valid and realistic templates and are mutated
as text (delete, duplicate and swap lines; scalars replaced by other types,
huge numbers, unicode, control characters, tags, anchors and aliases, tabs,
deep nesting, other line endings, a BOM, invalid UTF-8, truncation) and as
parsed structures that are dumped again. Three loops share one oracle
(:func:`check_input`):

* a bounded, seeded mutation loop through the :class:`Linter` directly (fast),
  ``FUZZ_ITERATIONS`` inputs (``TASKER_FUZZ_ITERATIONS`` / ``TASKER_FUZZ_SEED``
  run it longer or elsewhere);
* Hypothesis strategies over the same mutations (derandomized, so CI is stable);
* a smaller sample through the real CLI in-process, every ``--format``.

The oracle: linting never raises; the exit code is 0 or 1 (0/1/2 through the
CLI); ``json`` parses and has the documented version-1 shape; ``sarif``
validates against the SARIF 2.1.0 schema; every ``github`` line is a workflow
command (or the summary line); ``text`` and ``github`` hold no raw control
characters (newlines apart; the GitHub escaping keeps tabs) and are valid UTF-8.
A crash is reported with the input shrunk line by line.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasker_ctl.reporting.lint_github import render_github
from tasker_ctl.reporting.lint_json import render_json
from tasker_ctl.reporting.lint_sarif import render_sarif
from tasker_ctl.reporting.lint_text import render_plain, report_lines
from tasker_ctl.validation import Linter, LintOptions, LintReport
from tests.conftest import ROOT

TEMPLATES = ROOT / "tests" / "fixtures" / "templates"
SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
CORPUS = [
    path.read_bytes()
    for folder in ("valid", "realistic")
    for path in sorted((TEMPLATES / folder).glob("*.y*ml"))
]
FUZZ_ITERATIONS = int(os.environ.get("TASKER_FUZZ_ITERATIONS", "2500"))
FUZZ_SEED = int(os.environ.get("TASKER_FUZZ_SEED", "20240610"))
SARIF_EVERY = 5
"""Validating SARIF against the schema costs the most: every fifth input of the loop."""

# -- mutations -----------------------------------------------------------------

HUGE_NUMBERS = [
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "-9223372036854775809",
    "340282366920938463463374607431768211456",
    "9" * 400,
    "9" * 5000,
    "1e400",
    "-1e400",
    "0x" + "f" * 40,
    "0o777777777777777777777777",
    "1_000_000",
    ".nan",
    "-.inf",
    "4294967296",
    "-1",
    "0",
]
WEIRD_SCALARS = [
    "",
    "~",
    "null",
    "yes",
    "no",
    "on",
    "true",
    "False",
    "[]",
    "{}",
    "[a, [b, [c]]]",
    "{a: {b: {c: d}}}",
    '"\\u202e\\x1b[31mred\\a"',
    "'quoted ''x'''",
    '"\\ud800"',
    "名前",
    "🙂" * 3,
    "e\u0301",
    "a\u200bb",
    "!!binary aGVsbG8=",
    "!!python/object/apply:os.system [echo]",
    "!custom tag",
    "!!int x",
    "!!str 5",
    "!!float 1",
    "!!timestamp 2001-12-14",
    "&anchor value",
    "*anchor",
    "*undefined_alias",
    "|\n  block\n  text",
    ">-\n  folded",
    "- a\n- b",
    "x" * 5000,
    "::error::forged",
    "[link=https://example.com]x[/link]",
    "%0A%25",
    "?",
    "- ",
    ": :",
    "@reserved",
    "`backtick",
]
CONTROL_CHARACTERS = [chr(c) for c in range(0x20) if c not in (0x0A,)] + [
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "\ufeff",
    "\ufffe",
    "\U0001f600",
    "\u0301",
]
SNIPPETS = [
    "---\n",
    "...\n",
    "%YAML 1.2\n---\n",
    "? [complex, key]\n: value\n",
    "<<: {merged: 1}\n",
    "base: &b {x: 1}\nother: *b\n",
    "loop: &l [*l]\n",
    "lol: &a [x, x, x, x, x, x, x, x, x, x]\n"
    "lol2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "lol3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "lol4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "lol5: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    "steps:\n  - name: again\n",
    "name: duplicate\n",
    "\t- tabbed: item\n",
    "  - name: x\n    dependencies: [x]\n",
    "  - name: y\n    type: decision\n",
    "  - name: z\n    type: batchable\n    batch_config: {}\n",
    "!!map {a: b}\n",
    "steps: !!set {a, b}\n",
    "#" * 200 + "\n",
]


def _deep(rng: random.Random) -> str:
    depth = rng.choice([10, 64, 127, 128, 129, 300, 2000])
    if rng.random() < 0.5:
        return "[" * depth + "]" * depth
    return "{a: " * depth + "x" + "}" * depth


def _block_deep(rng: random.Random) -> str:
    depth = rng.choice([20, 126, 127, 128, 129, 200])
    return "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"


_SCALAR = re.compile(r"^(\s*(?:- )?[\w.-]+:)( .*)?$")


def _pick_line(lines: list[str], rng: random.Random) -> int:
    return rng.randrange(len(lines)) if lines else 0


def _scalar_value(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.3:
        return rng.choice(HUGE_NUMBERS)
    if choice < 0.4:
        return _deep(rng)
    return rng.choice(WEIRD_SCALARS)


def m_delete(lines: list[str], rng: random.Random) -> None:
    if lines:
        del lines[_pick_line(lines, rng)]


def m_duplicate(lines: list[str], rng: random.Random) -> None:
    if lines:
        i = _pick_line(lines, rng)
        lines.insert(rng.randrange(len(lines) + 1), lines[i])


def m_swap(lines: list[str], rng: random.Random) -> None:
    if len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]


def m_scalar(lines: list[str], rng: random.Random) -> None:
    candidates = [i for i, line in enumerate(lines) if _SCALAR.match(line)]
    if not candidates:
        return
    i = rng.choice(candidates)
    match = _SCALAR.match(lines[i])
    assert match is not None
    value = _scalar_value(rng)
    if "\n" in value:  # block scalars and sequences go under the key, indented
        indent = " " * (len(match.group(1)) - len(match.group(1).lstrip()) + 2)
        value = "\n".join((indent if n else "") + part for n, part in enumerate(value.split("\n")))
    lines[i] = f"{match.group(1)} {value}"


def m_control(lines: list[str], rng: random.Random) -> None:
    if lines:
        i = _pick_line(lines, rng)
        line = lines[i]
        at = rng.randrange(len(line) + 1)
        lines[i] = line[:at] + rng.choice(CONTROL_CHARACTERS) + line[at:]


def m_unicode(lines: list[str], rng: random.Random) -> None:
    if lines:
        i = _pick_line(lines, rng)
        at = rng.randrange(len(lines[i]) + 1)
        text = "".join(chr(rng.randrange(0xA0, 0x2FFFF)) for _ in range(rng.randrange(1, 6)))
        text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
        lines[i] = lines[i][:at] + text + lines[i][at:]


def m_tabs(lines: list[str], rng: random.Random) -> None:
    if lines:
        i = _pick_line(lines, rng)
        stripped = lines[i].lstrip(" ")
        lines[i] = "\t" * rng.randrange(1, 3) + stripped


def m_indent(lines: list[str], rng: random.Random) -> None:
    if lines:
        i = _pick_line(lines, rng)
        if rng.random() < 0.5:
            lines[i] = " " * rng.randrange(1, 4) + lines[i]
        else:
            lines[i] = lines[i][rng.randrange(1, 4) :]


def m_snippet(lines: list[str], rng: random.Random) -> None:
    at = rng.randrange(len(lines) + 1)
    snippet = rng.choice([*SNIPPETS, _block_deep(rng)])
    lines[at:at] = snippet.rstrip("\n").split("\n")


def m_anchor(lines: list[str], rng: random.Random) -> None:
    candidates = [i for i, line in enumerate(lines) if _SCALAR.match(line)]
    if len(candidates) < 2:
        return
    i, j = rng.sample(candidates, 2)
    name = rng.choice(["a", "x", "名", "a" * 300])
    head = _SCALAR.match(lines[i])
    assert head is not None
    lines[i] = f"{head.group(1)} &{name}{head.group(2) or ''}"
    target = _SCALAR.match(lines[j])
    assert target is not None
    lines[j] = f"{target.group(1)} *{name}"


def m_long_line(lines: list[str], rng: random.Random) -> None:
    if lines:
        i = _pick_line(lines, rng)
        lines[i] = lines[i] + " # " + "\t\u202e\x1bé漢" * rng.choice([10, 100, 3000])


LINE_MUTATIONS: list[Callable[[list[str], random.Random], None]] = [
    m_delete,
    m_duplicate,
    m_swap,
    m_scalar,
    m_scalar,
    m_control,
    m_unicode,
    m_tabs,
    m_indent,
    m_snippet,
    m_anchor,
    m_long_line,
]


def b_truncate(raw: bytes, rng: random.Random) -> bytes:
    return raw[: rng.randrange(len(raw) + 1)]


def b_flip(raw: bytes, rng: random.Random) -> bytes:
    if not raw:
        return raw
    at = rng.randrange(len(raw))
    return raw[:at] + bytes([rng.randrange(256)]) + raw[at + 1 :]


def b_invalid_utf8(raw: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(raw) + 1)
    bad = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82", b"\x00", b"\xf4\x90\x80\x80"])
    return raw[:at] + bad + raw[at:]


def b_line_endings(raw: bytes, rng: random.Random) -> bytes:
    return raw.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\xc2\x85", b"\xe2\x80\xa8"]))


def b_bom(raw: bytes, rng: random.Random) -> bytes:
    return rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xef\xbb\xbf\xef\xbb\xbf"]) + raw


BYTE_MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    b_truncate,
    b_flip,
    b_invalid_utf8,
    b_line_endings,
    b_bom,
]


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(10 if depth < 4 else 7)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 2**31, 2**63, 2**64, 2**127, 2**200, -(2**70), 10**400])
    if kind == 3:
        return rng.choice([0.5, -0.0, float("inf"), float("nan"), 1e308])
    if kind in (4, 5):
        return rng.choice(["", "x", "Bad Name", "a" * 300, "\x1b[31m", "名", "all", "a.b.C"])
    if kind == 6:
        return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(1, 8)))
    if kind in (7, 8):
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys: list[Any] = ["name", "type", "x", 1, None, True, "dependencies", "handler"]
    return {rng.choice(keys): _random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def _containers(value: Any, found: list[Any], depth: int = 0) -> list[Any]:
    """The dicts and lists in ``value`` (each once: aliases can make cycles)."""
    if isinstance(value, dict | list) and depth < 50 and all(f is not value for f in found):
        found.append(value)
        for child in list(value.values() if isinstance(value, dict) else value):
            _containers(child, found, depth + 1)
    return found


def mutate_structure(data: Any, rng: random.Random) -> Any:
    """Change one place of a parsed template: another type, a deletion, a copy, a new key."""
    containers = _containers(data, [])
    if not containers:
        return _random_value(rng)
    target = rng.choice(containers)
    op = rng.randrange(5)
    if isinstance(target, dict):
        if not target or op == 0:
            target[rng.choice(["x", "steps", "retry", 7, None, "名"])] = _random_value(rng)
        else:
            key = rng.choice(list(target))
            if op == 1:
                del target[key]
            elif op == 2:
                target[key] = _random_value(rng)
            elif op == 3:
                target[key] = [target[key], target[key]] if rng.random() < 0.5 else target
            else:
                target[f"{key}_"] = target.pop(key)
    else:
        if not target or op == 0:
            target.append(_random_value(rng))
        elif op == 1:
            del target[rng.randrange(len(target))]
        elif op == 2:
            target[rng.randrange(len(target))] = _random_value(rng)
        elif op == 3:
            target.append(target[rng.randrange(len(target))])
        else:
            rng.shuffle(target)
    return data


def dump(data: Any, rng: random.Random) -> str:
    try:
        return yaml.safe_dump(
            data,
            sort_keys=False,
            allow_unicode=rng.random() < 0.5,
            default_flow_style=rng.choice([False, None, True]),
            width=rng.choice([80, 20, 10_000]),
        )
    except (yaml.YAMLError, RecursionError):  # a self-referencing list: dump something else
        return yaml.safe_dump({"steps": repr(data)[:1000]})


def mutate(raw: bytes, rng: random.Random, rounds: int) -> tuple[bytes, list[str]]:
    """``rounds`` random mutations of ``raw``, and their names (for a crash report)."""
    applied: list[str] = []
    for _ in range(rounds):
        kind = rng.random()
        if kind < 0.15:
            try:
                data = yaml.safe_load(raw.decode("utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError, RecursionError, ValueError):
                continue
            raw = dump(mutate_structure(data, rng), rng).encode("utf-8")
            applied.append("structure")
        elif kind < 0.3:
            byte_mutation = rng.choice(BYTE_MUTATIONS)
            raw = byte_mutation(raw, rng)
            applied.append(byte_mutation.__name__)
        else:
            text = raw.decode("utf-8", "surrogateescape")
            lines = text.split("\n")
            line_mutation = rng.choice(LINE_MUTATIONS)
            line_mutation(lines, rng)
            raw = "\n".join(lines).encode("utf-8", "surrogateescape")
            applied.append(line_mutation.__name__)
    return raw, applied


# -- the oracle ----------------------------------------------------------------

_SCHEMA_VALIDATOR: list[jsonschema.Draft4Validator] = []
GITHUB_LINE = re.compile(
    r"^::(error|warning|notice) file=[^:,\n]*(,line=[1-9]\d*(,col=[1-9]\d*)?)?,title=[A-Z0-9_]+::"
    r"[^\r\n]*$"
)
GITHUB_SUMMARY = re.compile(
    r"^tasker-ctl validate: \d+ file\(s\), \d+ error\(s\), \d+ warning\(s\), \d+ note\(s\)$"
)
DIAGNOSTIC_KEYS = {
    "rule_id",
    "severity",
    "message",
    "path",
    "line",
    "column",
    "pointer",
    "step",
    "hint",
}


def sarif_validator() -> jsonschema.Draft4Validator:
    if not _SCHEMA_VALIDATOR:
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        _SCHEMA_VALIDATOR.append(jsonschema.Draft4Validator(schema))
    return _SCHEMA_VALIDATOR[0]


def raw_controls(text: str, allowed: str = "\n") -> list[str]:
    """Characters a terminal or CI log would act on (not printable, not ``allowed``)."""
    return sorted({c for c in text if not c.isprintable() and c not in allowed})


def check_json(text: str, files: int) -> None:
    document = json.loads(text)
    assert set(document) == {"version", "tool", "summary", "files", "diagnostics"}
    assert document["version"] == 1
    assert document["tool"]["name"] == "tasker-ctl"
    summary = document["summary"]
    assert set(summary) == {"files", "files_with_findings", "error", "warning", "info", "exit_code"}
    assert summary["files"] == files == len(document["files"])
    assert summary["exit_code"] in (0, 1)
    found = {"error": 0, "warning": 0, "info": 0}
    for entry in document["files"]:
        assert set(entry) == {"path", "loads", "diagnostics"}
        assert isinstance(entry["loads"], bool)
        for diagnostic in [*entry["diagnostics"], *document["diagnostics"]]:
            assert set(diagnostic) == DIAGNOSTIC_KEYS
            assert diagnostic["severity"] in found
            assert isinstance(diagnostic["message"], str) and diagnostic["message"]
            for key in ("line", "column"):
                assert diagnostic[key] is None or (
                    isinstance(diagnostic[key], int) and diagnostic[key] >= 1
                )
            assert isinstance(diagnostic["pointer"], str)
            assert diagnostic["pointer"] == "" or diagnostic["pointer"].startswith("/")
        for diagnostic in entry["diagnostics"]:
            found[diagnostic["severity"]] += 1
    for diagnostic in document["diagnostics"]:
        found[diagnostic["severity"]] += 1
    assert {k: summary[k] for k in found} == found


def check_github(text: str) -> None:
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    for line in lines[:-1]:
        assert GITHUB_LINE.match(line), line
    assert GITHUB_SUMMARY.match(lines[-1]), lines[-1]
    assert raw_controls(text, "\n\t") == [], text


def check_text(text: str) -> None:
    assert text.endswith("\n")
    assert raw_controls(text) == [], text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.lstrip().startswith("| ") and line.rstrip().endswith("^"):
            assert " | " in lines[i - 1]  # the caret is under a source line


def check_outputs(report: LintReport, *, sarif: bool = True) -> None:
    """Every format renders, is valid UTF-8 and keeps its grammar."""
    outputs = {
        "json": render_json(report),
        "github": render_github(report),
        "text": render_plain(report_lines(report)),
    }
    if sarif:
        outputs["sarif"] = render_sarif(report)
    for text in outputs.values():
        text.encode("utf-8")  # no lone surrogates
    check_json(outputs["json"], len(report.files))
    check_github(outputs["github"])
    check_text(outputs["text"])
    if sarif:
        document = json.loads(outputs["sarif"])
        errors = [e.message for e in sarif_validator().iter_errors(document)]
        assert errors == [], errors[:3]


SEEN_RULES: set[str] = set()
"""Rule IDs the fuzzed inputs produced: the loop asserts it reaches far into the engine."""


def check_input(linter: Linter, path: Path, raw: bytes, *, sarif: bool = True) -> None:
    """Lint ``raw`` written at ``path`` and check the exit code and every output format."""
    path.write_bytes(raw)
    result = linter.lint_file(path)
    SEEN_RULES.update(d.rule_id for d in result.diagnostics)
    report = LintReport((result,))
    assert report.exit_code() in (0, 1)
    assert report.exit_code(strict=True) in (0, 1)
    check_outputs(report, sarif=sarif)


# -- crash collection and shrinking ----------------------------------------------


@dataclass
class Crash:
    raw: bytes
    mutations: list[str]
    error: str
    minimal: bytes = b""


@dataclass
class Stats:
    inputs: int = 0
    seconds: float = 0.0
    crashes: list[Crash] = field(default_factory=list)


def _signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


def shrink(check: Callable[[bytes], None], raw: bytes, signature: str) -> bytes:
    """Remove lines (then characters of the last line kept) while the same failure remains."""

    def fails(candidate: bytes) -> bool:
        try:
            check(candidate)
        except Exception as exc:
            return _signature(exc) == signature
        return False

    lines = raw.split(b"\n")
    chunk = max(1, len(lines) // 2)
    while chunk >= 1:
        i = 0
        while i < len(lines):
            candidate = lines[:i] + lines[i + chunk :]
            if candidate and fails(b"\n".join(candidate)):
                lines = candidate
            else:
                i += chunk
        chunk //= 2
    return b"\n".join(lines)


def run_loop(tmp_path: Path, iterations: int, seed: int) -> Stats:
    rng = random.Random(seed)
    stats = Stats()
    plain = Linter(LintOptions(handler_check=False))
    handlers = tmp_path / "handlers_root"
    handlers.mkdir()
    (handlers / "h.py").write_text("class Handler:\n    def call(self, context):\n        pass\n")
    checking = Linter(LintOptions(handlers_roots=(handlers,)))
    path = tmp_path / "fuzz.yaml"
    start = time.perf_counter()
    for n in range(iterations):
        raw, applied = mutate(rng.choice(CORPUS), rng, rng.choice([1, 1, 2, 3, 5]))
        linter = checking if n % 7 == 0 else plain
        sarif = n % SARIF_EVERY == 0

        def check(candidate: bytes, linter: Linter = linter, sarif: bool = sarif) -> None:
            check_input(linter, path, candidate, sarif=sarif)

        try:
            check(raw)
        except Exception as exc:
            crash = Crash(raw, applied, f"{_signature(exc)}: {exc!r}"[:500])
            if len(stats.crashes) < 5:
                crash.minimal = shrink(check, raw, _signature(exc))
            stats.crashes.append(crash)
        stats.inputs += 1
    stats.seconds = time.perf_counter() - start
    return stats


def _describe(crashes: list[Crash]) -> str:
    seen: dict[str, Crash] = {}
    for crash in crashes:
        seen.setdefault(crash.error.split(":", 1)[0], crash)
    return "\n".join(
        f"- {c.error}\n  mutations: {c.mutations}\n  minimal input: {c.minimal or c.raw[:300]!r}"
        for c in seen.values()
    )


# -- the tests -----------------------------------------------------------------


def test_corpus_is_present() -> None:
    assert len(CORPUS) >= 10


def test_shrink_keeps_the_failure() -> None:
    def check(raw: bytes) -> None:
        if b"boom" in raw:
            raise KeyError("boom")

    raw = b"a: 1\nb: boom\nc: 3\nd: 4\n"
    try:
        check(raw)
    except KeyError as exc:
        assert shrink(check, raw, _signature(exc)) == b"b: boom"


def test_seeded_mutation_loop(tmp_path: Path) -> None:
    stats = run_loop(tmp_path, FUZZ_ITERATIONS, FUZZ_SEED)
    print(
        f"fuzz: {stats.inputs} inputs in {stats.seconds:.1f} s, {len(stats.crashes)} failures, "
        f"{len(SEEN_RULES)} rules hit"
    )
    assert stats.inputs == FUZZ_ITERATIONS
    if FUZZ_ITERATIONS >= 1000:  # the mutations get past the parser into the semantic rules
        assert {"INVALID_YAML", "INVALID_TYPE", "MISSING_DEP_REF", "INVALID_ENCODING"} <= SEEN_RULES
        assert len(SEEN_RULES) >= 25
    assert not stats.crashes, f"{len(stats.crashes)} failing inputs:\n{_describe(stats.crashes)}"


_HYPOTHESIS_DIR: list[Path] = []


def _hypothesis_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not _HYPOTHESIS_DIR:
        _HYPOTHESIS_DIR.append(tmp_path_factory.mktemp("hyp"))
    return _HYPOTHESIS_DIR[0] / "fuzz.yaml"


@pytest.fixture(scope="module")
def hyp_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _hypothesis_path(tmp_path_factory)


LINTER = Linter(LintOptions(handler_check=False))


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    base=st.sampled_from(CORPUS),
    seeds=st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=4),
)
def test_hypothesis_text_mutations(hyp_path: Path, base: bytes, seeds: list[int]) -> None:
    raw = base
    for seed in seeds:
        raw, _ = mutate(raw, random.Random(seed), 1)
    check_input(LINTER, hyp_path, raw, sarif=False)


_yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**130), max_value=2**130),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["name", "all", "a.b.C", "x" * 70, "snake_case"]),
)
_yaml_values = st.recursive(
    _yaml_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=12) | st.sampled_from(["name", "type"]), children, max_size=4
        )
    ),
    max_leaves=20,
)
_step = st.fixed_dictionaries(
    {"name": st.text(max_size=15) | st.sampled_from(["a", "b", "c"])},
    optional={
        "handler": st.fixed_dictionaries({"callable": st.text(max_size=20)}) | _yaml_values,
        "dependencies": st.lists(st.sampled_from(["a", "b", "c", "all"]) | st.text(max_size=5))
        | _yaml_values,
        "type": st.sampled_from(["standard", "decision", "deferred_convergence", "batchable"])
        | _yaml_values,
        "retry": st.dictionaries(
            st.sampled_from(["retryable", "max_attempts", "backoff", "backoff_base_ms"]),
            _yaml_values,
        ),
        "result_schema": _yaml_values,
        "timeout_seconds": _yaml_values,
        "batch_config": _yaml_values,
    },
)
_template = st.fixed_dictionaries(
    {},
    optional={
        "name": _yaml_values,
        "namespace_name": st.text(max_size=70) | _yaml_values,
        "version": st.sampled_from(["1.0.0", "1.0", "x"]) | _yaml_values,
        "steps": st.lists(_step, max_size=5) | _yaml_values,
        "input_schema": _yaml_values,
        "environments": _yaml_values,
        "domain_events": _yaml_values,
    },
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=_template, flow=st.sampled_from([False, True, None]), unicode=st.booleans())
def test_hypothesis_structures(
    hyp_path: Path, data: dict[str, Any], flow: Any, unicode: bool
) -> None:
    raw = yaml.safe_dump(data, sort_keys=False, default_flow_style=flow, allow_unicode=unicode)
    check_input(LINTER, hyp_path, raw.encode("utf-8"), sarif=False)


CLI_SAMPLE = 40


def test_cli_sample_every_format(cli, tmp_path: Path) -> None:
    rng = random.Random(FUZZ_SEED + 1)
    formats = ["text", "json", "github", "sarif"]
    failures: list[str] = []
    for n in range(CLI_SAMPLE):
        raw, applied = mutate(rng.choice(CORPUS), rng, rng.choice([1, 2, 3]))
        folder = tmp_path / f"case{n}"
        folder.mkdir()
        (folder / "t.yaml").write_bytes(raw)
        # a second, valid file: the cross-file rules and the multi-file summary see it too
        (folder / "ok.yaml").write_bytes(CORPUS[n % len(CORPUS)])
        fmt = formats[n % len(formats)]
        # named, not walked: a walked file that does not look like a template is skipped
        args = ["validate", "t.yaml", "ok.yaml", "--format", fmt, "--no-handler-check"]
        if n % 3 == 0:
            args.append("--strict")
        result = cli(*args, cwd=folder)
        try:
            assert result.exit_code in (0, 1, 2), result.stderr
            assert "Traceback" not in result.stdout + result.stderr
            out = result.stdout
            if fmt == "json":
                check_json(out, 2)
            elif fmt == "github":
                check_github(out)
            elif fmt == "text":
                check_text(out)
            else:
                errors = [e.message for e in sarif_validator().iter_errors(json.loads(out))]
                assert errors == [], errors[:3]
        except AssertionError as exc:
            failures.append(f"{fmt} {applied}: {exc!s:.300} input={raw[:200]!r}")
    assert not failures, "\n".join(failures)
