"""Real git repositories made in the test, and tasker-ctl run as a subprocess against them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import build_file_tree

ROOT = Path(__file__).resolve().parents[2]
CONTRIB = ROOT / "tests" / "fixtures" / "contrib"


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (fixed identity, no user or system configuration)."""
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env=_git_env(),
    )
    return done.stdout.strip()


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return env


@dataclass
class GitRepo:
    """A repository to serve as a remote: commit files, branch, tag."""

    path: Path

    @property
    def url(self) -> str:
        return self.path.as_uri()

    def commit(self, files: Mapping[str, str | bytes], message: str = "change") -> str:
        build_file_tree(self.path, dict(files))
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "-m", message)
        return git(self.path, "rev-parse", "HEAD")

    def branch(self, name: str) -> None:
        git(self.path, "checkout", "-q", "-b", name)

    def checkout(self, name: str) -> None:
        git(self.path, "checkout", "-q", name)

    def tag(self, name: str) -> None:
        git(self.path, "tag", name)


def plugin_files(
    plugin: str = "demo", template: str = "hello", body: str = "Hello {{ name }}!\n"
) -> dict[str, str | bytes]:
    """A one-template plugin (language python) at the repository root's ``plugins/<plugin>``."""
    base = f"plugins/{plugin}"
    return {
        f"{base}/tasker-plugin.toml": (
            f'[plugin]\nname = "{plugin}"\ndescription = "Demo plugin"\nversion = "0.1.0"\n'
            f'language = "python"\nframework = "flask"\n\n'
            f'[[templates]]\nname = "{template}"\npath = "templates/{template}"\n'
            f'description = "Says hello"\n'
        ),
        f"{base}/templates/{template}/template.toml": (
            f'name = "{template}"\ndescription = "Says hello"\n\n'
            '[[parameters]]\nname = "name"\ndescription = "Who"\nrequired = true\n\n'
            '[[outputs]]\ntemplate = "hello.txt.tera"\nfilename = "{{ name }}.txt"\n'
        ),
        f"{base}/templates/{template}/hello.txt.tera": body,
    }


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], GitRepo]:
    """Create an empty repository (default branch ``main``) under the test's directory."""

    def make(name: str = "remote") -> GitRepo:
        path = tmp_path / "repos" / name
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main")
        return GitRepo(path)

    return make


@dataclass
class Run:
    """``tasker-ctl`` as a user runs it: a subprocess with its own cache and config dirs."""

    project: Path
    cache: Path
    env: dict[str, str]

    def __call__(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tasker_ctl", *args],
            cwd=cwd or self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """Run tasker-ctl in ``tmp_path/project`` (a git work tree, so it is the project root)."""
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    cache = tmp_path / "cache"
    env = _git_env()
    env.pop("TASKER_CTL_CONFIG", None)
    env.update(
        TASKER_CTL_CACHE_DIR=str(cache),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
        HOME=str(tmp_path / "home"),
        NO_COLOR="1",
        COLUMNS="200",
        RUST_LOG="off",
        PYTHONPATH=str(ROOT),
        TASKER_CTL_GIT_TIMEOUT="30",
    )
    return Run(project, cache, env)
