"""Which files ``tasker-ctl validate`` lints: project-aware discovery, as ruff does it.

Files named on the command line are always linted. Directories are walked
(sorted, symlinked directories not followed, hidden directories skipped) for
``*.yaml``/``*.yml``, and a file found that way is linted only when:

* no exclude pattern matches it or a directory above it (below the walked root).
  Patterns are gitignore-style globs (:class:`ExcludePattern`): ``node_modules``
  or ``*.generated.yaml`` (no slash) match a name at any depth, ``/build`` or
  ``docs/*.yaml`` (a slash) match a path relative to the pattern's base
  directory (``../x`` climbs from it), ``**`` spans directories and a trailing
  ``/`` matches directories only; negation (``!``) is not supported;
* git does not ignore it, when ``respect_gitignore`` is on and the walked
  directory is in a git work tree. The ``git`` command decides
  (``git ls-files --cached --others --exclude-standard``), so ``.gitignore`` at
  every level, ``.git/info/exclude`` and the user's global excludes file mean
  exactly what they mean to git, with no new dependency; tracked files are never
  ignored (git's rule). Without ``git``, or outside a work tree, nothing is
  filtered this way. Submodules are walked unfiltered;
* it looks like a task template (:func:`looks_like_template`); the others are
  counted in :attr:`Discovery.skipped`.

A file reached twice (named twice, or also inside a named directory) is linted once.
"""

# The walk works on path strings (os.path), not Path objects: it may meet 10,000s of files.
# ruff: noqa: PTH100, PTH118, PTH119, PTH120

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tasker_ctl.validation.diagnostic import LintReport
from tasker_ctl.validation.engine import (
    TEMPLATE_SUFFIXES,
    LintOptions,
    check_named,
    file_identity,
    lint_files,
)

_TEMPLATE_KEY = re.compile(
    rb"^(?:steps|namespace_name|\"steps\"|'steps'|\"namespace_name\"|'namespace_name')[ \t]*:",
    re.MULTILINE,
)
_FLOW_START = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s|#[^\n]*\n|---)*\{")
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_SCAN_BYTES = 10 * 1024 * 1024


def looks_like_template(path: Path) -> bool:
    """Whether a YAML file found by walking may be a task template: a cheap text scan.

    Yes when a line starts with a top-level ``steps:`` or ``namespace_name:`` key
    (quoted or not), or the document is a flow mapping (``{...}``, JSON) that
    mentions either. ``docker-compose.yml`` (``services:``), GitHub workflows
    (``steps:`` only indented), ``.pre-commit-hooks.yaml`` (a list), Helm charts
    and Kubernetes manifests have neither. A file that cannot be scanned (not a
    regular file, unreadable, UTF-16/32) is kept, so the linter reports it.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return True
        with path.open("rb") as handle:
            data = handle.read(_SCAN_BYTES)
    except OSError:
        return True
    if data.startswith(_WIDE_BOMS) or _TEMPLATE_KEY.search(data):
        return True
    return bool(_FLOW_START.match(data)) and (b"steps" in data or b"namespace_name" in data)


@dataclass(frozen=True)
class ExcludePattern:
    """One gitignore-style glob and the directory its anchored form is relative to."""

    pattern: str
    base: str
    regex: re.Pattern[str]
    anchored: bool
    directories_only: bool

    @classmethod
    def compile(cls, pattern: str, base: Path) -> ExcludePattern:
        """Compile ``pattern``; :class:`ValueError` says what is wrong with it."""
        text = pattern.strip()
        if not text:
            raise ValueError("an exclude pattern is empty")
        if text.startswith("!"):
            raise ValueError(f"exclude pattern '{pattern}': negation ('!') is not supported")
        directories_only = text.endswith("/")
        text = text.rstrip("/")
        base = Path(os.path.abspath(base))
        anchored = "/" in text
        while text.startswith(("./", "../")):  # relative to the base (or its parents)
            if text.startswith("../"):
                base = base.parent
            text = text.split("/", 1)[1]
        text = text.lstrip("/")
        if not text:
            raise ValueError(f"exclude pattern '{pattern}' matches nothing")
        return cls(
            pattern,
            os.path.abspath(base),
            re.compile(_translate(text)),
            anchored,
            directories_only,
        )

    def matches(self, absolute: str, is_dir: bool) -> bool:
        """Whether the file or directory at ``absolute`` (an absolute path) is excluded."""
        if self.directories_only and not is_dir:
            return False
        if not self.anchored:
            return self.regex.fullmatch(os.path.basename(absolute)) is not None
        prefix = self.base.rstrip(os.sep) + os.sep
        if not absolute.startswith(prefix):
            return False
        relative = absolute[len(prefix) :].replace(os.sep, "/")
        return self.regex.fullmatch(relative) is not None


def _translate(glob: str) -> str:
    """A gitignore glob (no leading or trailing slash) as a regular expression."""
    out: list[str] = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**", index):
            after = index + 2
            at_start = index == 0 or glob[index - 1] == "/"
            if at_start and glob.startswith("/", after):
                out.append("(?:.*/)?")
                index = after + 1
                continue
            out.append(".*")
            index = after
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = glob.find("]", index + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = glob[index + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def compile_patterns(patterns: Iterable[str], base: Path) -> tuple[ExcludePattern, ...]:
    """Compile several patterns sharing one base (:class:`ValueError` on a bad one)."""
    return tuple(ExcludePattern.compile(p, base) for p in patterns)


@dataclass(frozen=True)
class Discovery:
    """The files to lint, in order, with whether each was found by walking a directory."""

    files: tuple[tuple[Path, bool], ...]
    skipped: tuple[Path, ...] = ()
    """YAML files found by walking that do not look like task templates."""


def discover(
    paths: Sequence[Path],
    excludes: Sequence[ExcludePattern] = (),
    *,
    respect_gitignore: bool = True,
) -> Discovery:
    """Expand ``paths`` (see the module docstring); :class:`InputFileError` for a missing one."""
    seen: set[str] = set()
    files: list[tuple[Path, bool]] = []
    skipped: list[Path] = []
    for path in paths:
        if path.is_dir():
            visible = _git_visible(path) if respect_gitignore else None
            for found in _walk(path, excludes, visible):
                key = file_identity(found)
                if key in seen:
                    continue
                seen.add(key)
                if looks_like_template(found):
                    files.append((found, True))
                else:
                    skipped.append(found)
        else:
            check_named(path)
            key = file_identity(path)
            if key not in seen:
                seen.add(key)
                files.append((path, False))
    return Discovery(tuple(files), tuple(skipped))


@dataclass(frozen=True)
class _GitView:
    """What git shows under one walked directory (absolute paths)."""

    files: frozenset[str]
    directories: frozenset[str]


def _git_visible(root: Path) -> _GitView | None:
    """Files under ``root`` that git does not ignore, or ``None`` if git cannot say."""
    import shutil
    import subprocess  # only when a directory is walked: linting named files stays light

    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(
            [git, "-C", str(root), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    if done.returncode != 0:  # not a work tree (or inside .git, or an unsafe directory)
        return None
    base = os.path.abspath(root)
    files: set[str] = set()
    directories: set[str] = {base}
    for raw in done.stdout.split(b"\0"):
        if not raw:
            continue
        absolute = os.path.join(base, os.path.normpath(os.fsdecode(raw)))
        files.add(absolute)
        parent = os.path.dirname(absolute)
        while parent not in directories and len(parent) > len(base):
            directories.add(parent)
            parent = os.path.dirname(parent)
    return _GitView(frozenset(files), frozenset(directories))


def _walk(
    root: Path, excludes: Sequence[ExcludePattern], visible: _GitView | None
) -> Iterable[Path]:
    # a directory maps to whether git filtering applies inside it (not in submodules)
    filtered = {os.path.abspath(root): visible is not None}
    # symlinked directories are not followed, so a symlink loop cannot trap the walk
    for directory, dirnames, filenames in os.walk(root):
        here = os.path.abspath(directory)
        git = visible if filtered.get(here, False) else None
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            absolute = os.path.join(here, name)
            if any(p.matches(absolute, True) for p in excludes):
                continue
            if git is not None:
                if absolute in git.files:  # a submodule: git lists it as one entry
                    filtered[absolute] = False
                elif absolute in git.directories:
                    filtered[absolute] = True
                else:
                    continue
            else:
                filtered[absolute] = False
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.endswith(TEMPLATE_SUFFIXES):
                continue
            absolute = os.path.join(here, name)
            if git is not None and absolute not in git.files:
                continue
            if any(p.matches(absolute, False) for p in excludes):
                continue
            yield Path(directory, name)


def lint_discovered(discovery: Discovery, options: LintOptions) -> LintReport:
    """Lint what :func:`discover` found, as :func:`~tasker_ctl.validation.lint_paths` does.

    A named file that cannot be read is a usage error (:class:`InputFileError`); one
    found by walking becomes a ``FILE_UNREADABLE`` finding and the rest is linted.
    """
    return lint_files(discovery.files, options)
