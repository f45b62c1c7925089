"""Shell completion: the scripts `tasker-ctl completion SHELL` prints, run for real.

Bash is driven for real: the script is sourced, ``COMP_WORDS``/``COMP_CWORD`` set as
bash sets them on <Tab>, the completion function called, and ``COMPREPLY`` read.
Zsh and fish are not installed on CI machines, so for them the test checks the
script's hook and calls the same protocol (``_TASKER_CTL_COMPLETE=complete_zsh``...)
that the script uses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("_TASKER_CTL")}
    env.update({"PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "RUST_LOG": "off", **extra})
    return env


def script(shell: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "completion", shell],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("completion") / "tasker-ctl.bash"
    path.write_text(script("bash"))
    return path


def complete_in_bash(bash_script: Path, *words: str) -> list[str]:
    """What bash offers for the last of ``words`` (an empty string: after a space)."""
    quoted = " ".join(f"'{word}'" for word in words)
    program = (
        f"source {bash_script}\n"
        f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}\n"
        "_tasker_ctl_completion tasker-ctl\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if line]


@needs_bash
def test_bash_completes_command_names(bash_script: Path) -> None:
    assert complete_in_bash(bash_script, "tasker-ctl", "te") == ["template"]
    assert complete_in_bash(bash_script, "tasker-ctl", "v") == ["validate", "visualize"]


@needs_bash
def test_bash_completes_subcommands_options_and_choices(bash_script: Path) -> None:
    assert complete_in_bash(bash_script, "tasker-ctl", "template", "g") == ["generate"]
    assert "--dry-run" in complete_in_bash(bash_script, "tasker-ctl", "template", "generate", "--")
    offered = complete_in_bash(bash_script, "tasker-ctl", "visualize", "t.yaml", "--format", "")
    assert offered == ["mermaid", "markdown", "dot"]
    assert complete_in_bash(bash_script, "tasker-ctl", "completion", "--he") == ["--help"]


def test_bash_script_hooks_the_command() -> None:
    text = script("bash")
    assert "complete -o default -F _tasker_ctl_completion tasker-ctl" in text
    assert "_TASKER_CTL_COMPLETE=complete_bash" in text


@pytest.mark.parametrize(
    ("shell", "hook"),
    [("zsh", "#compdef tasker-ctl"), ("fish", "complete --command tasker-ctl")],
)
def test_zsh_and_fish_scripts_and_their_protocol(shell: str, hook: str) -> None:
    text = script(shell)
    assert hook in text
    assert f"_TASKER_CTL_COMPLETE=complete_{shell}" in text
    extra = {"_TYPER_COMPLETE_FISH_ACTION": "get-args"} if shell == "fish" else {}
    done = subprocess.run(
        [str(BIN / "tasker-ctl")]
        if (BIN / "tasker-ctl").exists()
        else [sys.executable, "-m", "tasker_ctl"],
        capture_output=True,
        text=True,
        env=_env(
            _TASKER_CTL_COMPLETE=f"complete_{shell}",
            _TYPER_COMPLETE_ARGS="tasker-ctl tem",
            **extra,
        ),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "template" in done.stdout
    assert "validate" not in done.stdout


def test_unknown_shell_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "completion", "tcsh"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: no completion for shell 'tcsh'")
    assert "hint: " in done.stderr
