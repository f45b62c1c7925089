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
cache as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
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


def fetch(remote: RemoteConfig) -> Path:
    """Fetch ``remote`` now and replace its cache; the previous cache survives a failure."""
    target = cache_dir(remote.name)
    base = target.parent
    try:
        base.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{remote.name}.fetch-", dir=base))
    except OSError as exc:
        raise RemoteError(f"cannot create the cache directory {base}: {exc}") from exc
    try:
        checkout = staging / "checkout"
        fetch_ref(remote.url, remote.git_ref, checkout)
        (checkout / LAST_FETCH_FILE).write_text(f"{int(time.time())}\n", encoding="utf-8")
        _swap_in(checkout, target, staging / "previous")
    except OSError as exc:
        raise RemoteError(f"cannot update the cache {target}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


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


def resolve(remote: RemoteConfig, max_age_hours: int) -> Resolved:
    """The remote's cached files, fetching them first if there is no cache.

    A stale cache is served with a warning; a failed first fetch raises
    :class:`RemoteError`.
    """
    directory = cache_dir(remote.name)
    if directory.is_dir():
        warnings = []
        if is_stale(directory, max_age_hours):
            fetched = last_fetch_time(directory)
            age = describe_age(time.time() - fetched) if fetched is not None else "at unknown time"
            warnings.append(
                f"remote '{remote.name}': cache is older than {max_age_hours}h "
                f"(fetched {age}); run 'tasker-ctl remote update {remote.name}' to refresh"
            )
        return Resolved(directory, warnings)
    try:
        return Resolved(fetch(remote), fetched=True)
    except RemoteError as exc:
        where = "--url" if remote.name.startswith("_url_") else f"remote '{remote.name}'"
        raise RemoteError(
            f"{where}: {exc.message}; there is no cached copy to use",
            hint=exc.hint or "check the URL and ref and your network, then try again",
        ) from exc


@dataclass
class UpdateOutcome:
    """What ``remote update`` did for one remote."""

    remote: RemoteConfig
    directory: Path | None
    error: RemoteError | None = None

    @property
    def kept_previous(self) -> bool:
        """The fetch failed but an older cache is still there."""
        return self.error is not None and self.directory is not None


def update(remote: RemoteConfig) -> UpdateOutcome:
    """Fetch ``remote`` again; on failure keep (and report) the previous cache."""
    try:
        return UpdateOutcome(remote, fetch(remote))
    except RemoteError as exc:
        previous = cache_dir(remote.name)
        return UpdateOutcome(remote, previous if previous.is_dir() else None, exc)


def remove(name: str) -> bool:
    """Delete the cache of remote ``name``; whether there was one."""
    directory = cache_dir(name)
    if not directory.exists():
        return False
    try:
        shutil.rmtree(directory)
    except OSError as exc:
        raise RemoteError(f"cannot remove the cache {directory}: {exc}") from exc
    return True
