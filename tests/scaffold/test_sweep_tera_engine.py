"""The Tera engine on templates nobody here chose: large files, and what the budget says.

Plugin templates come from remotes; a large one (a vendored file, a generated
fixture) must render in proportion to its size, a file too large to render must
be refused without being read whole, and running out of time while *parsing* must
say so rather than suggest a loop that never ends.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.scaffold.tera import BudgetExceeded, RenderBudget, TemplateSet, TeraError, grammar
from tests.helpers import build_file_tree
from tests.scaffold.plugin_support import plugin_files, prefixed, write_config

TEMPLATE_DIR = "plug/templates/greeting"


def generate(
    project: Path, limit_memory: bool = False
) -> tuple[subprocess.CompletedProcess[str], float]:
    def cap_address_space() -> None:  # runs in the child only
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "template", "generate", "greeting", "-l", "python",
         "-p", "name=X", "-o", str(project / "out")],
        cwd=project, capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=cap_address_space if limit_memory else None,
    )  # fmt: skip
    return result, time.monotonic() - started


def make_plugin(project: Path, body: str) -> Path:
    files: dict[str, str | bytes] = {
        **prefixed("plug", plugin_files("p", body=body, filename="x.txt"))
    }
    build_file_tree(project, files)
    write_config(project, "plug")
    return project / TEMPLATE_DIR / "body.tera"


def test_a_megabyte_of_plain_text_renders_quickly(tmp_path: Path) -> None:
    body = "plain text line, no tags at all; {not a tag} # nor this\n" * 20_000  # ~1.1 MB
    make_plugin(tmp_path, body + "{# a comment #}{{ name }}\n")
    result, elapsed = generate(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "x.txt").read_text() == body + "X\n"
    assert elapsed < 15, f"took {elapsed:.1f} s"


def test_a_huge_template_file_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    huge = make_plugin(tmp_path, "")
    with huge.open("wb") as handle:  # 2 GiB, sparse: cheap to make, costly to read whole
        handle.truncate(2 << 30)
    result, elapsed = generate(tmp_path, limit_memory=True)
    assert result.returncode == 2, result.stderr
    assert "body.tera is larger than 16,777,216 bytes" in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 15
    assert not (tmp_path / "out").exists()


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    return tmp_path


def test_running_out_of_time_while_parsing_says_so(template_dir: Path) -> None:
    (template_dir / "big.tera").write_text("{{ a }}" * 20_000)
    templates = TemplateSet(template_dir, template_dir, RenderBudget(seconds=0.05).start())
    with pytest.raises(BudgetExceeded) as raised:
        templates.render("big.tera", {"a": 1})
    message = str(raised.value)
    assert "parsing big.tera (140,000 characters) did not finish within 0.05 s" in message
    assert "loop" not in message


def test_a_template_larger_than_the_budget_is_described_as_such(template_dir: Path) -> None:
    (template_dir / "big.tera").write_text("x" * 200)
    templates = TemplateSet(template_dir, template_dir, RenderBudget(max_text=100).start())
    with pytest.raises(BudgetExceeded, match=r"big\.tera has 200 characters, more than the 100"):
        templates.render("big.tera", {})


def _outcome(source: str) -> object:
    def dump(pair: grammar.Pair) -> object:
        return pair.rule, pair.start, pair.end, [dump(child) for child in pair.children]

    try:
        return dump(grammar.parse_template(source))
    except TeraError as exc:
        return str(exc), exc.line


PIECES = ["{{", "}}", "{%", "%}", "{#", "#}", "-#}", "{#-", "{{-", "-}}", "{%-", "-%}", "-",
          " ", "\n", "x", "é", "{", "}", "#", "%", "if a", "endif", "for a in b", "endfor",
          "raw", "endraw", "'", '"', "|", "upper", "(", ")", "1", "set y = 2"]  # fmt: skip


def _generic_outcome(source: str) -> object:
    """The parse with Tera's own rules for text and comments, stated as combinators."""
    saved = grammar.text.body, grammar.comment_text.body
    grammar.text.body = grammar.some(grammar.neg(grammar.block_start), grammar.ANY)
    grammar.comment_text.body = grammar.some(grammar.neg(grammar.comment_end), grammar.ANY)
    try:
        return _outcome(source)
    finally:
        grammar.text.body, grammar.comment_text.body = saved


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_text_and_comments_parse_exactly_as_tera_states_them(source: str) -> None:
    # the same tree, or the same error at the same place with the same expectations
    assert _outcome(source) == _generic_outcome(source)


def test_a_symbolic_link_loop_among_the_tera_files_is_not_a_crash(tmp_path: Path) -> None:
    body = make_plugin(tmp_path, "Hello {{ name }}\n")
    (body.parent / "loop1.tera").symlink_to("loop2.tera")
    (body.parent / "loop2.tera").symlink_to("loop1.tera")
    result, _ = generate(tmp_path)
    assert result.returncode == 0, result.stderr  # a loop nobody names is left out
    assert (tmp_path / "out" / "x.txt").read_text() == "Hello X\n"

    body.write_text('{% include "loop1.tera" %}\n')
    result, _ = generate(tmp_path)
    assert result.returncode == 2
    assert "body.tera:1" in result.stderr and "missing file 'loop1.tera'" in result.stderr
    assert "Traceback" not in result.stderr


BIG_ARRAY = (
    "{% set s = 'xxxxxxxxxx' %}{% for i in range(end=18) %}{% set_global s = s ~ s %}"
    "{% endfor %}{% set arr = [] %}{% for i in range(end=1000) %}"
    "{% set_global arr = arr | concat(with=s) %}{% endfor %}"
)  # 1,000 references to one 2.6 MB string: printed, 2.6 GB


@pytest.mark.parametrize(
    "expr", ["{{ arr }}", "{{ arr | json_encode }}", "{{ arr | as_str }}", "{{ [arr] | join }}"]
)
def test_printing_an_array_that_would_be_gigabytes_stops_before_building_it(
    tmp_path: Path, expr: str
) -> None:
    make_plugin(tmp_path, BIG_ARRAY + expr + "\n")
    result, elapsed = generate(tmp_path, limit_memory=True)
    assert result.returncode == 2, result.stderr
    assert "printing this array would produce more than 4,194,304 characters" in result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert elapsed < 15
    assert not (tmp_path / "out").exists()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_the_print_guard_never_refuses_what_fits(value: object) -> None:
    # sound: with the limit set to the printed length itself, nothing is refused
    from tasker_ctl.scaffold.tera import values

    printed = {False: values._render(value), True: values._to_json(value, False, 0)}
    with pytest.MonkeyPatch.context() as patch:
        for as_json, text in printed.items():
            patch.setattr(values, "MAX_TEXT", len(text))
            values._check_printable(value, as_json)
            if isinstance(value, list | dict) and len(text) > 0:
                patch.setattr(values, "MAX_TEXT", 0)  # and it does refuse what cannot fit
                with pytest.raises(BudgetExceeded):
                    values._check_printable(value, as_json)
