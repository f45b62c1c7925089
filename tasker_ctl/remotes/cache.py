"""The local cache of fetched remotes.

Layout, as the real tool keeps it: ``<cache>/tasker-ctl/remotes/<name>/`` holds
the checked-out files of the remote's ref, and ``<name>/.tasker-last-fetch``
the time of the last successful fetch (Unix seconds). ``<cache>`` is
``$XDG_CACHE_HOME``, else ``~/.cache``; ``TASKER_CTL_CACHE_DIR`` replaces
``<cache>/tasker-ctl`` (for tests and CI caches). A ``--url`` without a
configured remote is cached under ``_url_<hash>``.

A cache older than ``cache-max-age-hours`` is still served, with a warning (the
tool works offline). A fetch goes to a fresh directory next to the cache and
replaces it only once it has succeeded, so a failed fetch leaves the previous
cache as it was. Fetches into one cache directory take turns (a lock on it), so
tasker-ctl runs started together (parallel CI jobs) do not trip over each
other's swap. A cache directory that is not a git checkout (emptied, or left
half-deleted) is fetched again rather than served, and what a killed fetch left
next to the cache is removed by the next fetch of that remote.

A fetched repository is data from elsewhere: a symbolic link in it that points
outside the checkout (an absolute path, or ``../..`` past its root), or to
nothing (broken, a loop), is removed after the checkout, with a warning, so
nothing read from the cache can lead out of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tasker_ctl.remotes.git import RemoteError, fetch_ref
from tasker_ctl.remotes.model import DEFAULT_GIT_REF, RemoteConfig

CACHE_DIR_ENV = "TASKER_CTL_CACHE_DIR"
LAST_FETCH_FILE = ".tasker-last-fetch"


def cache_base() -> Path:
    """The directory holding one subdirectory per cached remote."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser() / "remotes"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        root = Path(xdg)
    else:
        try:
            root = Path.home() / ".cache"
        except RuntimeError as exc:
            raise RemoteError(
                "cannot locate a cache directory: neither XDG_CACHE_HOME nor HOME is set",
                hint=f"set XDG_CACHE_HOME or {CACHE_DIR_ENV}",
            ) from exc
    return root / "tasker-ctl" / "remotes"


def cache_dir(name: str) -> Path:
    """Where remote ``name`` is cached."""
    return cache_base() / name


def url_remote(url: str, git_ref: str | None = None) -> RemoteConfig:
    """A remote for an ad-hoc ``--url``, cached under a name derived from the URL."""
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return RemoteConfig(name=f"_url_{digest}", url=url, git_ref=git_ref or DEFAULT_GIT_REF)


def last_fetch_time(directory: Path) -> float | None:
    """When ``directory`` was last fetched (Unix seconds), if it says."""
    try:
        return float(int((directory / LAST_FETCH_FILE).read_text(encoding="utf-8").strip()))
    except (OSError, ValueError):
        return None


def describe_age(seconds: float) -> str:
    """``42s ago``, ``5m ago``, ``3h ago``, ``2d ago``."""
    whole = max(0, int(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if whole >= size:
            return f"{whole // size}{unit} ago"
    return f"{whole}s ago"


def is_stale(directory: Path, max_age_hours: int, now: float | None = None) -> bool:
    """Whether the cache is older than ``max_age_hours`` (no timestamp: stale)."""
    fetched = last_fetch_time(directory)
    if fetched is None:
        return True
    return (now if now is not None else time.time()) - fetched > max_age_hours * 3600


@dataclass
class Resolved:
    """A remote's local files, and what the user should hear about them."""

    directory: Path | None
    warnings: list[str] = field(default_factory=list)
    fetched: bool = False


def is_checkout(directory: Path) -> bool:
    """Whether ``directory`` is a usable cache: a git checkout (ours or the real tool's)."""
    return directory.is_dir() and (directory / ".git").is_dir()


@contextlib.contextmanager
def _fetch_lock(base: Path) -> Iterator[None]:
    """Hold the cache's fetch lock (on its base directory, so it leaves no file behind)."""
    if sys.platform == "win32":  # pragma: no cover - no flock; fetches there do not take turns
        yield
        return
    import fcntl

    try:
        handle = os.open(base, os.O_RDONLY)
        fcntl.flock(handle, fcntl.LOCK_EX)
    except OSError as exc:
        raise RemoteError(f"cannot lock the cache directory {base}: {exc}") from exc
    try:
        yield
    finally:
        os.close(handle)


def fetch(remote: RemoteConfig, notes: list[str] | None = None) -> Path:
    """Fetch ``remote`` now and replace its cache; the previous cache survives a failure.

    What the user should hear about the fetched files (symbolic links removed) is
    appended to ``notes``.
    """
    return _fetch(remote, notes, only_if_missing=False)[0]


def _fetch(
    remote: RemoteConfig, notes: list[str] | None, *, only_if_missing: bool
) -> tuple[Path, bool]:
    """The cache of ``remote`` and whether it was fetched now (see :func:`fetch`)."""
    target = cache_dir(remote.name)
    base = target.parent
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RemoteError(f"cannot create the cache directory {base}: {exc}") from exc
    with _fetch_lock(base):
        if only_if_missing and is_checkout(target):
            return target, False  # another tasker-ctl fetched it while this one waited
        # what a fetch that was killed (no 'finally') left behind; none is running now
        for leftover in base.glob(f".{remote.name}.fetch-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{remote.name}.fetch-", dir=base))
        except OSError as exc:
            raise RemoteError(f"cannot create the cache directory {base}: {exc}") from exc
        try:
            checkout = staging / "checkout"
            fetch_ref(remote.url, remote.git_ref, checkout)
            removed = _remove_outside_links(checkout)
            (checkout / LAST_FETCH_FILE).write_text(f"{int(time.time())}\n", encoding="utf-8")
            _swap_in(checkout, target, staging / "previous")
        except OSError as exc:
            raise RemoteError(f"cannot update the cache {target}: {exc}") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    if removed and notes is not None:
        shown = ", ".join(removed[:5]) + (
            f" and {len(removed) - 5} more" if len(removed) > 5 else ""
        )
        notes.append(
            f"remote '{remote.name}': removed {len(removed)} symbolic link(s) that point outside "
            f"the repository or to nothing: {shown}"
        )
    return target, True


def _swap_in(new: Path, target: Path, parking: Path) -> None:
    """Put ``new`` at ``target``; the previous ``target`` is restored if that fails."""
    had_previous = target.exists()
    if had_previous:
        target.rename(parking)
    try:
        new.rename(target)
    except OSError:
        if had_previous:
            parking.rename(target)
        raise


def _remove_outside_links(checkout: Path) -> list[str]:
    """Delete the symbolic links under ``checkout`` that lead outside it or to nothing.

    A link to nothing (broken, or a loop) cannot serve a plugin, and a loop trips
    up whatever resolves it. Returns the paths removed.
    """
    root = os.path.realpath(checkout)
    removed: list[str] = []
    for directory, subdirectories, files in os.walk(checkout):
        if directory == str(checkout):
            subdirectories[:] = [d for d in subdirectories if d != ".git"]
        for name in sorted([*subdirectories, *files]):
            path = Path(directory) / name
            if not path.is_symlink():
                continue
            # os.path.realpath, not Path.resolve: it does not raise on a link loop
            target = os.path.realpath(path)
            outside = os.path.commonpath([root, target]) != root
            if path.readlink().is_absolute() or outside or not Path(target).exists():
                path.unlink()
                removed.append(path.relative_to(checkout).as_posix())
    return removed


def resolve(remote: RemoteConfig, max_age_hours: int) -> Resolved:
    """The remote's cached files, fetching them first if there is no usable cache.

    A stale cache is served with a warning; a failed first fetch raises
    :class:`RemoteError`. A cache directory that is not a git checkout is fetched
    again.
    """
    directory = cache_dir(remote.name)
    if is_checkout(directory):
        warnings = []
        if is_stale(directory, max_age_hours):
            fetched = last_fetch_time(directory)
            age = describe_age(time.time() - fetched) if fetched is not None else "at unknown time"
            warnings.append(
                f"remote '{remote.name}': cache is older than {max_age_hours}h "
                f"(fetched {age}); run 'tasker-ctl remote update {remote.name}' to refresh"
            )
        return Resolved(directory, warnings)
    damaged = os.path.lexists(directory)
    notes: list[str] = []
    try:
        path, fetched_now = _fetch(remote, notes, only_if_missing=True)
    except RemoteError as exc:
        where = "--url" if remote.name.startswith("_url_") else f"remote '{remote.name}'"
        missing = (
            f"the cache {directory} is not a git checkout (damaged), so there is no copy to use"
            if damaged
            else "there is no cached copy to use"
        )
        raise RemoteError(
            f"{where}: {exc.message}; {missing}",
            hint=exc.hint or "check the URL and ref and your network, then try again",
        ) from exc
    return Resolved(path, notes, fetched=fetched_now)


@dataclass
class UpdateOutcome:
    """What ``remote update`` did for one remote."""

    remote: RemoteConfig
    directory: Path | None
    error: RemoteError | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def kept_previous(self) -> bool:
        """The fetch failed but an older cache is still there."""
        return self.error is not None and self.directory is not None


def update(remote: RemoteConfig) -> UpdateOutcome:
    """Fetch ``remote`` again; on failure keep (and report) the previous cache."""
    notes: list[str] = []
    try:
        return UpdateOutcome(remote, fetch(remote, notes), warnings=notes)
    except RemoteError as exc:
        previous = cache_dir(remote.name)
        return UpdateOutcome(remote, previous if previous.is_dir() else None, exc)


def remove(name: str) -> bool:
    """Delete the cache of remote ``name``; whether there was one."""
    directory = cache_dir(name)
    if not os.path.lexists(directory):
        return False
    try:
        if directory.is_dir() and not directory.is_symlink():
            shutil.rmtree(directory)
        else:  # a file or a link where the cache should be: remove that, not what it names
            directory.unlink()
    except OSError as exc:
        raise RemoteError(f"cannot remove the cache {directory}: {exc}") from exc
    return True
