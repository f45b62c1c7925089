"""The plugin sandbox through the real CLI: nothing outside the plugin is read, no render runs away.

Each test runs ``python -m tasker_ctl template generate`` in a subprocess,
as a user would, and checks the exit code, the message and that nothing was
written.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import build_file_tree
from tests.scaffold.plugin_support import plugin_files, prefixed, write_config

SECRET = "TOP-SECRET-CONTENT"
TEMPLATE_DIR = "plug/templates/greeting"


def generate(project: Path, name: str = "X") -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "template", "generate", "greeting", "-l", "python",
         "-p", f"name={name}", "-o", str(project / "out")],
        cwd=project, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return result, time.monotonic() - started


def make_plugin(project: Path, body: str, **files: str) -> None:
    tree = prefixed("plug", plugin_files("p", body=body, filename="x.txt"))
    tree.update({f"{TEMPLATE_DIR}/{name}": text for name, text in files.items()})
    build_file_tree(project, tree)
    write_config(project, "plug")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the plugin directory that no template may read."""
    path = tmp_path / "outside" / "secret.tera"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n")
    return path


def assert_refused(result: subprocess.CompletedProcess[str], project: Path) -> None:
    assert result.returncode == 2, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "out").exists()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symlinked_include_pointing_outside_is_not_read(tmp_path: Path, secret: Path) -> None:
    make_plugin(tmp_path, 'start\n{% include "leak.tera" %}\n')
    (tmp_path / TEMPLATE_DIR / "leak.tera").symlink_to(secret)
    result, _ = generate(tmp_path)
    assert_refused(result, tmp_path)
    assert "body.tera:2" in result.stderr
    assert "refusing to read leak.tera" in result.stderr
    assert "outside the plugin directory" in result.stderr


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symlink_to_etc_passwd_is_not_read(tmp_path: Path) -> None:
    make_plugin(tmp_path, '{% include "passwd.tera" %}\n')
    (tmp_path / TEMPLATE_DIR / "passwd.tera").symlink_to("/etc/passwd")
    result, _ = generate(tmp_path)
    assert result.returncode == 2, result.stderr
    assert "root:" not in result.stdout + result.stderr
    assert "refusing to read passwd.tera" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symlinked_output_template_pointing_outside_is_not_read(
    tmp_path: Path, secret: Path
) -> None:
    make_plugin(tmp_path, "unused")
    body = tmp_path / TEMPLATE_DIR / "body.tera"
    body.unlink()
    body.symlink_to(secret)
    result, _ = generate(tmp_path)
    assert_refused(result, tmp_path)
    assert "refusing to read body.tera" in result.stderr


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symlink_to_another_file_of_the_same_plugin_is_followed(tmp_path: Path) -> None:
    make_plugin(tmp_path, '{% include "shared.tera" %}\n')
    build_file_tree(tmp_path, {"plug/common/shared.tera": "shared text"})
    (tmp_path / TEMPLATE_DIR / "shared.tera").symlink_to(tmp_path / "plug/common/shared.tera")
    result, _ = generate(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "x.txt").read_text() == "shared text\n"


@pytest.mark.parametrize("how", ["relative", "absolute", "subdirectory"])
def test_an_include_by_path_reads_nothing_outside(tmp_path: Path, secret: Path, how: str) -> None:
    name = {
        "relative": "../../../outside/secret.tera",
        "absolute": str(secret),
        "subdirectory": "../greeting/body.tera",
    }[how]
    make_plugin(tmp_path, f'first\n{{% include "{name}" %}}\n')
    result, _ = generate(tmp_path)
    assert_refused(result, tmp_path)
    assert "body.tera:2" in result.stderr
    assert "includes a missing file" in result.stderr
    assert "only the *.tera files directly in" in result.stderr


def test_ignore_missing_skips_paths_outside_instead_of_reading_them(
    tmp_path: Path, secret: Path
) -> None:
    make_plugin(tmp_path, f'[{{% include "{secret}" ignore missing %}}]\n')
    result, _ = generate(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "x.txt").read_text() == "[]\n"


def test_extends_and_import_cannot_reach_outside_either(tmp_path: Path, secret: Path) -> None:
    for body in (f'{{% extends "{secret}" %}}', f'{{% import "{secret}" as m %}}{{{{ m::x() }}}}'):
        make_plugin(tmp_path, body)
        result, _ = generate(tmp_path)
        assert_refused(result, tmp_path)
        assert "not found" in result.stderr


RUNAWAYS = [
    pytest.param(
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}x{% endfor %}"
        "{% endfor %}\n",
        ["was stopped"],
        id="nested-range-loops",
    ),
    pytest.param(
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% set k = i * j %}"
        "{% endfor %}{% endfor %}\n",
        ["was stopped", "took longer than"],
        id="nested-range-loops-that-print-nothing",
    ),
    pytest.param(
        "{% for i in range(end=100000) %}{{ '" + "x" * 1000 + "' }}{% endfor %}\n",
        ["was stopped", "grew past 4,194,304 characters"],
        id="output-that-keeps-growing",
    ),
    pytest.param(
        "{% macro m(n) %}{{ self::m(n=n + 1) }}{% endmacro m %}{{ self::m(n=0) }}\n",
        ["was stopped", "nest deeper than"],
        id="endless-macro-recursion",
    ),
    pytest.param(
        '{% include "body.tera" %}\n',
        ["was stopped", "nest deeper than"],
        id="a-file-that-includes-itself",
    ),
    pytest.param(
        "{% set_global s = [] %}{% for i in range(end=100000) %}"
        "{% set_global s = s | concat(with=range(end=100000)) %}{% endfor %}\n",
        ["was stopped", "elements"],
        id="an-array-that-keeps-growing",
    ),
    pytest.param(
        "{{ 9**(9**9) }}\n",
        ["Tera syntax error", "body.tera:1:6"],
        id="power-is-not-tera-syntax",
    ),
    pytest.param(
        "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}\n",
        ["nests too deeply"],
        id="deeply-nested-parentheses",
    ),
]


@pytest.mark.parametrize(("body", "messages"), RUNAWAYS)
def test_a_runaway_render_stops_quickly_with_exit_2_and_writes_nothing(
    tmp_path: Path, body: str, messages: list[str]
) -> None:
    make_plugin(tmp_path, body)
    result, elapsed = generate(tmp_path)
    assert result.returncode == 2, result.stderr
    for message in messages:
        assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 15, f"took {elapsed:.1f} s"
    assert not (tmp_path / "out").exists()


def test_a_catastrophic_regex_matches_in_linear_time(tmp_path: Path) -> None:
    # `(a+)+$` against "aaaa...b" backtracks exponentially in Python's re; Tera's regex
    # crate and RE2 match it in linear time, so the render simply finishes.
    make_plugin(
        tmp_path, '{% if name is matching("^(a+)+$") %}match{% else %}no match{% endif %}\n'
    )
    result, elapsed = generate(tmp_path, name="a" * 5000 + "b")
    assert result.returncode == 0, result.stderr
    assert elapsed < 15
    [written] = (tmp_path / "out").iterdir()
    assert written.read_text() == "no match\n"
