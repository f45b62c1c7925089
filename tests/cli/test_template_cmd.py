"""``tasker-ctl template ...`` through the CLI: exit codes, messages, and the disk afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import build_file_tree, read_tree

PY = ["--language", "python"]


def generate(cli, out: Path, *extra: str, kind: str = "step_handler"):
    return cli("template", "generate", kind, *PY, "--output", str(out), *extra)


def test_generate_writes_files_and_lists_them(cli, tmp_path: Path) -> None:
    result = generate(cli, tmp_path, "--param", "name=ProcessOrder")
    assert result.exit_code == 0, result.output
    assert sorted(read_tree(tmp_path)) == [
        "handlers/process_order_handler.py",
        "tests/test_process_order_handler.py",
    ]
    assert "created" in result.stdout
    assert "Generated 2 files from python/step_handler" in result.stdout


def test_dry_run_prints_files_and_diff_and_writes_nothing(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = generate(cli, out, "--param", "name=ProcessOrder", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would create" in result.stdout
    assert "+++ b/handlers/process_order_handler.py" in result.stdout
    assert "+def process_order(" in result.stdout
    assert "nothing was written" in result.stdout
    assert not out.exists()


def test_dry_run_over_existing_files_shows_the_change(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"handlers/process_order_handler.py": "old content\n"})
    before = read_tree(tmp_path)
    result = generate(cli, tmp_path, "--param", "name=ProcessOrder", "--dry-run", "--force")
    assert result.exit_code == 0, result.output
    assert "would overwrite" in result.stdout
    assert "-old content" in result.stdout
    assert read_tree(tmp_path) == before


def test_existing_file_is_a_conflict_and_nothing_is_written(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"handlers/process_order_handler.py": "# mine\n"})
    before = read_tree(tmp_path)
    result = generate(cli, tmp_path, "--param", "name=ProcessOrder")
    assert result.exit_code == 2
    assert "handlers/process_order_handler.py" in result.stderr
    assert "nothing was written" in result.stderr
    assert "--force" in result.stderr
    assert read_tree(tmp_path) == before  # the test file was not written either


def test_force_overwrites(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"handlers/process_order_handler.py": "# mine\n"})
    result = generate(cli, tmp_path, "--param", "name=ProcessOrder", "--force")
    assert result.exit_code == 0, result.output
    assert "overwrote" in result.stdout
    text = (tmp_path / "handlers/process_order_handler.py").read_text()
    assert "@step_handler(CALLABLE)" in text
    assert (tmp_path / "tests/test_process_order_handler.py").is_file()


def test_skip_existing_keeps_existing_files_and_writes_the_rest(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"handlers/process_order_handler.py": "# mine\n"})
    result = generate(cli, tmp_path, "--param", "name=ProcessOrder", "--skip-existing")
    assert result.exit_code == 0, result.output
    assert "skipped (exists)" in result.stdout
    assert (tmp_path / "handlers/process_order_handler.py").read_text() == "# mine\n"
    assert (tmp_path / "tests/test_process_order_handler.py").is_file()


def test_regenerating_identical_files_is_not_a_conflict(cli, tmp_path: Path) -> None:
    assert generate(cli, tmp_path, "--param", "name=ProcessOrder").exit_code == 0
    result = generate(cli, tmp_path, "--param", "name=ProcessOrder")
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.stdout


def test_force_and_skip_existing_together_is_a_usage_error(cli, tmp_path: Path) -> None:
    result = generate(cli, tmp_path, "--param", "name=X", "--force", "--skip-existing")
    assert result.exit_code == 2
    assert "--force and --skip-existing cannot be used together" in result.stderr
    assert read_tree(tmp_path) == {}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            ["name"],
            "invalid --param 'name': expected KEY=VALUE\nhint: write it as --param name=VALUE",
        ),
        (["=x"], "invalid --param '=x': expected KEY=VALUE"),
        (["name=ProcessOrder", "nmae=X"], "unknown parameter 'nmae'; did you mean 'name'?"),
        ([], "missing required parameter 'name'"),
        ([], "hint: see 'tasker-ctl template info step_handler --language python' for its"),
        (["name=ProcessOrder", "style=klass"], "parameter 'style' must be one of: dsl, class"),
        (["name=123abc"], "parameter 'name' has an invalid value '123abc'"),
        (["name=class"], "parameter 'name' has an invalid value 'class'"),
        (["name=IF"], "parameter 'name' has an invalid value 'IF'"),
        (
            ["name=Éclair"],
            "invalid value 'Éclair': handler name in any case, e.g. ProcessOrder; ASCII",
        ),
        (["name=async"], "parameter 'name' has an invalid value 'async'"),
        (["name=X", "module_name=app.import"], "invalid value 'app.import'"),
        (["name=X", "module_name=None.handlers"], "invalid value 'None.handlers'"),
        (
            ["name=X", "module_name=../evil"],
            "parameter 'module_name' has an invalid value '../evil'",
        ),
    ],
)
def test_bad_parameters_are_usage_errors_and_write_nothing(
    cli, tmp_path: Path, params: list[str], message: str
) -> None:
    args = [item for p in params for item in ("--param", p)]
    result = generate(cli, tmp_path, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert read_tree(tmp_path) == {}


def test_several_parameter_problems_are_reported_together(cli, tmp_path: Path) -> None:
    result = generate(cli, tmp_path, "--param", "style=klass", "--param", "colour=red")
    assert result.exit_code == 2
    for message in (
        "unknown parameter 'colour'",
        "missing required parameter 'name'",
        "must be one of",
    ):
        assert message in result.stderr


def test_unknown_template_suggests_the_closest(cli, tmp_path: Path) -> None:
    result = generate(cli, tmp_path, "--param", "name=X", kind="step_handlr")
    assert result.exit_code == 2
    assert "no template named 'step_handlr'" in result.stderr
    assert "did you mean 'step_handler'" in result.stderr


def test_unknown_language_lists_the_available_ones(cli, tmp_path: Path) -> None:
    result = cli(
        "template",
        "generate",
        "step_handler",
        "--language",
        "pyhton",
        "--param",
        "name=X",
        "--output",
        str(tmp_path),
    )
    assert result.exit_code == 2
    assert "not available for language 'pyhton'" in result.stderr
    assert "python" in result.stderr
    assert "did you mean 'python'" in result.stderr


def test_language_aliases_are_accepted(cli, tmp_path: Path) -> None:
    result = cli(
        "template", "generate", "step_handler", "-l", "py", "-p", "name=X", "-o", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "handlers/x_handler.py").is_file()


def test_symlinked_directory_pointing_outside_is_refused(cli, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "handlers").symlink_to(outside, target_is_directory=True)
    result = generate(cli, project, "--param", "name=ProcessOrder")
    assert result.exit_code == 2
    assert "symlink" in result.stderr
    assert "outside the output directory" in result.stderr
    assert list(outside.iterdir()) == []
    assert not (project / "tests").exists()


def test_output_path_that_is_a_file_is_refused(cli, tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("keep\n")
    result = generate(cli, target, "--param", "name=X")
    assert result.exit_code == 2
    assert target.read_text() == "keep\n"


def test_list_shows_every_builtin_language(cli) -> None:
    result = cli("template", "list")
    assert result.exit_code == 0, result.output
    assert "step_handler_batchable" in result.stdout
    for language in ("python", "ruby", "typescript", "rust"):
        assert language in result.stdout


def test_list_filters_by_language_and_speaks_json(cli) -> None:
    import json

    result = cli("template", "list", "--language", "python", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["language"] for r in rows} == {"python"}
    assert {r["name"] for r in rows} >= {"step_handler", "task_template"}
    assert all(r["source"] == "built-in" for r in rows)


def test_list_suggests_a_language_for_a_typo(cli) -> None:
    result = cli("template", "list", "--language", "pyton")
    assert result.exit_code == 0
    assert "no templates found for language 'pyton'; did you mean 'python'?" in result.stderr
    assert result.stdout == ""


def test_info_shows_parameters_and_outputs(cli) -> None:
    result = cli("template", "info", "step_handler", "--language", "python")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "module_name" in out and "handlers" in out
    assert "dsl, class" in out
    assert "{{ name | snake_case }}_handler.py" in out
    assert "tests/test_{{ name | snake_case }}_handler.py" in out


def test_info_without_language_for_a_multi_language_template_asks_for_one(cli) -> None:
    result = cli("template", "info", "task_template")
    assert result.exit_code == 2
    assert "exists for several languages" in result.stderr
    assert "--language" in result.stderr


def generate_rust_handler(cli, out: Path, name: str):
    return cli(
        "template", "generate", "step_handler", "-l", "rust", "-p", f"name={name}", "-o", str(out)
    )


def test_a_file_name_as_long_as_the_file_system_allows_is_written(cli, tmp_path: Path) -> None:
    name = "a" * 252  # src/handlers/aaa...a.rs: a 255-byte file name
    result = generate_rust_handler(cli, tmp_path, name)
    assert result.exit_code == 0, result.output
    assert sorted(read_tree(tmp_path)) == [f"src/handlers/{name}.rs"]


def test_a_file_name_too_long_for_the_file_system_is_refused(cli, tmp_path: Path) -> None:
    name = "a" * 300
    result = generate_rust_handler(cli, tmp_path, name)
    assert result.exit_code == 2
    assert "is 303 bytes long and the file system allows at most 255" in result.stderr
    assert "shorter" in result.stderr
    assert read_tree(tmp_path) == {}


def test_a_name_ending_in_handler_gets_a_note_about_the_double_suffix(cli, tmp_path: Path) -> None:
    result = generate(cli, tmp_path, "--param", "name=ProcessOrderHandler")
    assert result.exit_code == 0, result.output
    assert "note: name=ProcessOrderHandler already ends in 'Handler'" in result.stderr
    assert "pass name=ProcessOrder to avoid the double suffix" in result.stderr
    assert "handlers/process_order_handler_handler.py" in result.stdout
    plain = generate(cli, tmp_path / "plain", "--param", "name=Handler")
    assert plain.exit_code == 0, plain.output
    assert "double suffix" not in plain.stderr


def test_a_plugin_path_with_no_plugin_in_reach_is_warned_about(cli, tmp_path: Path) -> None:
    # plugins are looked for in the path, its subdirectories and their tasker-cli-plugin/
    build_file_tree(
        tmp_path,
        {
            ".tasker-ctl.toml": 'plugin-paths = ["vendor"]\n',
            "vendor/deep/nested/tasker-plugin.toml": "[plugin]\nname = 'too-deep'\n",
        },
    )
    result = cli("template", "list", cwd=tmp_path)
    assert result.exit_code == 0
    assert "holds no plugin" in result.stderr and "vendor" in result.stderr
    assert "too-deep" not in result.stdout
