"""Fetching one ref of a repository with the ``git`` command, safely.

A fetched repository is data: nothing in it runs. Every call disables hooks
(``core.hooksPath=/dev/null``), submodules, Git LFS smudging and fsmonitor, never
prompts for credentials (``GIT_TERMINAL_PROMPT=0``) and has a time limit
(``TASKER_CTL_GIT_TIMEOUT`` seconds, default 120). The repository's own
``.gitattributes`` filters cannot run either: a filter only runs when the local
configuration defines it, and ours defines none.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

from tasker_ctl.errors import TaskerCtlError

GIT_TIMEOUT_ENV = "TASKER_CTL_GIT_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 120.0

_SAFE_CONFIG = (
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "submodule.recurse=false",
    "-c",
    "filter.lfs.smudge=",
    "-c",
    "filter.lfs.process=",
    "-c",
    "filter.lfs.required=false",
    "-c",
    "advice.detachedHead=false",
    "-c",
    "protocol.ext.allow=never",
)


class RemoteError(TaskerCtlError):
    """A remote cannot be fetched, or its cache cannot be used."""


def timeout_seconds() -> float:
    """The time limit of one git command."""
    raw = os.environ.get(GIT_TIMEOUT_ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_LFS_SKIP_SMUDGE="1",
        GCM_INTERACTIVE="never",
        GIT_ASKPASS="",
        SSH_ASKPASS="",
    )
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_TEMPLATE_DIR"):
        env.pop(name, None)
    return env


def run_git(args: list[str], cwd: Path, what: str) -> None:
    """Run ``git ARGS`` in ``cwd``; raise :class:`RemoteError` naming ``what`` if it fails."""
    if shutil.which("git") is None:
        raise RemoteError(
            "git is not installed or not on PATH", hint="install git to use remote repositories"
        )
    limit = timeout_seconds()
    try:
        # its own process group, so a timeout also ends git's helpers (remote-https, ssh)
        process = subprocess.Popen(
            ["git", *_SAFE_CONFIG, *args],
            cwd=cwd,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise RemoteError(f"{what}: cannot run git: {exc}") from exc
    try:
        _, stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired as exc:
        _kill_group(process)
        raise RemoteError(
            f"{what}: git did not finish within {limit:g} s",
            hint=f"check the network, or raise {GIT_TIMEOUT_ENV}",
        ) from exc
    except BaseException:
        _kill_group(process)
        raise
    done = subprocess.CompletedProcess(process.args, process.returncode, b"", stderr)
    if done.returncode != 0:
        detail = _last_lines(done.stderr.decode("utf-8", "replace"))
        raise RemoteError(f"{what}: {detail or f'git exited with status {done.returncode}'}")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def _last_lines(text: str, count: int = 2) -> str:
    """The cause git gives: the last lines of its first paragraph.

    git ends many failures with a generic paragraph ("Please make sure you have the
    correct access rights / and the repository exists."); the reason ("... does not
    appear to be a git repository", "Could not resolve hostname") comes before it.
    """
    paragraph: list[str] = []
    for line in text.splitlines():
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            break
    return " ".join(paragraph[-count:]).rstrip(".")


def fetch_ref(url: str, ref: str, target: Path) -> None:
    """Create ``target`` holding the files of ``ref`` (branch, tag or commit) of ``url``.

    A shallow fetch of that one ref into a fresh repository (whose ``origin`` is
    ``url``), then a checkout of it: no submodules, no LFS objects, no hooks.
    """
    what = f"cannot fetch '{ref}' from {url}"
    target.mkdir(parents=True)
    run_git(["init", "--quiet", "--template=", str(target)], target, what)
    # `origin` as a clone would have it, so the real tool's `remote update` (a fetch
    # from origin inside the cache) also works on a cache made here
    run_git(["config", "remote.origin.url", url], target, what)
    run_git(["config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"], target, what)
    try:
        run_git(
            [
                "fetch",
                "--quiet",
                "--depth",
                "1",
                "--no-tags",
                "--no-recurse-submodules",
                "--",
                url,
                ref,
            ],
            target,
            what,
        )
    except RemoteError as exc:
        if "couldn't find remote ref" in exc.message:
            raise RemoteError(exc.message, hint=_missing_ref_hint(ref)) from None
        raise
    run_git(["checkout", "--quiet", "--detach", "FETCH_HEAD"], target, what)


def _missing_ref_hint(ref: str) -> str:
    """What to do when the repository has no ``ref``."""
    if 4 <= len(ref) < 40 and all(c in "0123456789abcdefABCDEF" for c in ref):
        return (
            f"'{ref}' looks like an abbreviated commit, which git cannot fetch: give the "
            "full 40-character commit id, or a branch or tag"
        )
    hint = f"the repository has no branch or tag '{ref}': check git-ref in the configuration"
    if ref == "main":
        hint += " (it defaults to 'main'; older repositories use 'master')"
    return hint
