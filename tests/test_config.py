"""Configuration discovery and keys, through the CLI where the user would notice them."""

from __future__ import annotations

from pathlib import Path

from tasker_ctl.config import load_settings
from tests.helpers import build_file_tree, read_tree


def test_no_config_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path)
    assert settings.source is None
    assert settings.plugin_paths == ()


def test_default_language_and_output_dir_are_used(cli, tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {".tasker-ctl.toml": 'default-language = "python"\ndefault-output-dir = "generated"\n'},
    )
    result = cli(
        "template",
        "generate",
        "task_template",
        "-p",
        "name=Order",
        "-p",
        "handler_callable=handlers.order.order",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "generated/config/tasks/order.yaml").is_file()


def test_explicit_language_wins_over_the_default(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {".tasker-ctl.toml": 'default-language = "ruby"\n'})
    result = cli(
        "template",
        "generate",
        "task_template",
        "-l",
        "python",
        "-p",
        "name=Order",
        "-p",
        "handler_callable=x.y",
        "-o",
        "out",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.output
    assert "language:python" in (tmp_path / "out/config/tasks/order.yaml").read_text()


def test_invalid_toml_is_a_usage_error_with_line_and_column(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {".tasker-ctl.toml": 'plugin-paths = ["a"\ndefault-language = 1\n'})
    result = cli("template", "list", cwd=tmp_path)
    assert result.exit_code == 2
    assert ".tasker-ctl.toml:2:" in result.stderr
    assert "invalid TOML" in result.stderr


def test_wrong_value_type_is_reported(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {".tasker-ctl.toml": "plugin-paths = 3\n"})
    result = cli("template", "list", cwd=tmp_path)
    assert result.exit_code == 2
    assert "'plugin-paths' must be a list of strings" in result.stderr


def test_unknown_key_warns_with_a_suggestion(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {".tasker-ctl.toml": 'plugin-path = ["x"]\n'})
    result = cli("template", "list", "--language", "python", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "unknown key 'plugin-path' is ignored (did you mean 'plugin-paths'?)" in result.stderr


def test_explicit_config_file_that_is_missing_is_an_error(cli, tmp_path: Path) -> None:
    result = cli("--config", str(tmp_path / "nope.toml"), "template", "list")
    assert result.exit_code == 2
    assert "nope.toml does not exist" in result.stderr


def test_unified_config_cli_table_is_read_relative_to_the_project(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            ".config/tasker.toml": (
                '[profile.default]\ntransport = "rest"\n\n[cli]\nplugin-paths = ["plugins"]\n'
            )
        },
    )
    settings = load_settings(cwd=tmp_path)
    assert settings.plugin_paths == (tmp_path / "plugins",)


def test_local_file_wins_over_the_home_file(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "xdg"
    build_file_tree(home, {"tasker-ctl.toml": 'default-language = "rust"\n'})
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    project = tmp_path / "project"
    assert load_settings(cwd=project).default_language == "rust"
    build_file_tree(project, {".tasker-ctl.toml": 'default-language = "ruby"\n'})
    assert load_settings(cwd=project).default_language == "ruby"
    assert read_tree(home) == {"tasker-ctl.toml": b'default-language = "rust"\n'}


def test_config_is_found_walking_up_to_the_project_root(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            ".tasker-ctl.toml": 'handlers-root = ["app"]\nextend-exclude = ["x"]\n',
            "a/b/c/.keep": "",
        },
    )
    settings = load_settings(cwd=tmp_path / "a/b/c")
    assert settings.source == tmp_path / ".tasker-ctl.toml"
    # relative paths stay relative to the file's directory, not the working directory
    assert settings.handlers_roots == (tmp_path / "app",)
    assert settings.project_root == tmp_path
    assert settings.template_paths == (tmp_path / "config/tasks",)
    assert settings.exclude[-1] == "x"
    assert "node_modules" in settings.exclude
    assert settings.exclude_base == tmp_path


def test_the_nearest_file_wins_and_the_unified_file_counts_too(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            ".tasker-ctl.toml": 'default-language = "ruby"\n',
            "svc/.config/tasker.toml": '[cli]\ndefault-language = "rust"\n',
            "svc/src/.keep": "",
        },
    )
    settings = load_settings(cwd=tmp_path / "svc/src")
    assert settings.default_language == "rust"
    assert settings.project_root == tmp_path / "svc"


def test_the_walk_does_not_cross_a_git_root_or_reach_home(tmp_path: Path, monkeypatch) -> None:
    build_file_tree(
        tmp_path,
        {
            ".tasker-ctl.toml": 'default-language = "ruby"\n',
            "repo/.git/HEAD": "ref: refs/heads/main\n",
            "repo/src/.keep": "",
            "home/me/.tasker-ctl.toml": 'default-language = "rust"\n',
            "home/me/work/.keep": "",
        },
    )
    assert load_settings(cwd=tmp_path / "repo/src").source is None
    assert load_settings(cwd=tmp_path / "repo/src").project_root == tmp_path / "repo"
    monkeypatch.setenv("HOME", str(tmp_path / "home/me"))
    assert load_settings(cwd=tmp_path / "home/me/work").source is None
    # run from home itself, its own file is the local file
    assert load_settings(cwd=tmp_path / "home/me").default_language == "rust"


def test_template_paths_exclude_and_gitignore_keys(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            ".tasker-ctl.toml": (
                'template-paths = ["flows", "/abs/x"]\nexclude = ["only"]\n'
                'extend-exclude = "more"\nrespect-gitignore = false\n'
            )
        },
    )
    settings = load_settings(cwd=tmp_path)
    assert settings.template_paths == (tmp_path / "flows", Path("/abs/x"))
    assert settings.template_paths_configured
    assert settings.exclude == ("only", "more")
    assert settings.respect_gitignore is False
    assert settings.warnings == ()


def test_respect_gitignore_must_be_a_boolean(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {".tasker-ctl.toml": 'respect-gitignore = "no"\n'})
    result = cli("validate", ".", cwd=tmp_path)
    assert result.exit_code == 2
    assert "'respect-gitignore' must be true or false" in result.stderr


def test_a_config_nested_too_deeply_is_a_usage_error(cli, tmp_path: Path) -> None:
    build_file_tree(tmp_path, {".tasker-ctl.toml": "x = " + "[" * 3000 + "]" * 3000 + "\n"})
    result = cli("template", "list", cwd=tmp_path)
    assert result.exit_code == 2, result.stderr
    assert ".tasker-ctl.toml" in result.stderr and "nest too deeply" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_byte_order_mark_is_skipped_as_rust_toml_does(cli, tmp_path: Path) -> None:
    (tmp_path / ".tasker-ctl.toml").write_bytes(b"\xef\xbb\xbfplugin-paths = 3\n")
    result = cli("template", "list", cwd=tmp_path)
    assert result.exit_code == 2
    # the file was read (its value is judged), not refused as invalid TOML at 1:1
    assert "'plugin-paths' must be a list of strings" in result.stderr
