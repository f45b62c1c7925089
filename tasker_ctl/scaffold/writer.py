"""Writing generated files: plan first, then apply all-or-nothing.

:func:`plan_writes` decides, for every rendered file, whether it is created,
overwritten, skipped or already identical, and refuses the whole plan when a
path would leave the output directory (``..``, absolute paths, a symlinked
directory pointing elsewhere) or when files exist and the policy is
``error``. :func:`apply_plan` writes each file to a temporary sibling first and
only then moves them into place, so a failure part-way leaves the disk as it
was: overwritten files are restored and new files and directories removed.
"""

from __future__ import annotations

import contextlib
import difflib
import enum
import errno
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from tasker_ctl.errors import FileConflictError, UnsafePathError, WriteRefusedError

if TYPE_CHECKING:  # rendering pulls in the template engines; planning does not need them
    from tasker_ctl.scaffold.render import RenderedFile

_DEFAULT_NAME_MAX = 255
_DEFAULT_PATH_MAX = 4096


class ConflictPolicy(enum.StrEnum):
    """What to do when a generated file already exists with other content."""

    ERROR = "error"
    FORCE = "force"
    SKIP = "skip"


class Action(enum.StrEnum):
    """What happens to one file."""

    CREATE = "create"
    OVERWRITE = "overwrite"
    SKIP = "skip"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class PlannedWrite:
    """One file of a plan."""

    relpath: PurePosixPath
    target: Path
    content: str
    existing: bytes | None
    action: Action
    conflict: bool = False
    """The file exists with other content and the policy is ``error``: a real run refuses."""

    @property
    def changes_disk(self) -> bool:
        """Whether applying this entry writes anything."""
        return self.action in (Action.CREATE, Action.OVERWRITE)

    def diff(self) -> str:
        """A unified diff from the current content (or nothing) to the new one."""
        old = "" if self.existing is None else self.existing.decode("utf-8", errors="replace")
        lines = difflib.unified_diff(
            old.splitlines(keepends=True),
            self.content.splitlines(keepends=True),
            fromfile="/dev/null" if self.existing is None else f"a/{self.relpath}",
            tofile=f"b/{self.relpath}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class WritePlan:
    """Every file of one generation, decided but not yet written."""

    output_dir: Path
    writes: tuple[PlannedWrite, ...]

    @property
    def conflicts(self) -> tuple[PlannedWrite, ...]:
        """The files that make a real (not dry) run refuse the whole plan."""
        return tuple(write for write in self.writes if write.conflict)


def _name_max(directory: Path) -> int:
    """The longest file name (in bytes) the file system under ``directory`` accepts."""
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent
    try:
        return os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return _DEFAULT_NAME_MAX


def _path_max(directory: Path) -> int:
    """The longest path (in bytes, with its terminating NUL) the OS accepts under ``directory``."""
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent
    try:
        return os.pathconf(directory, "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):
        return _DEFAULT_PATH_MAX


def _too_long(root: Path, relpath: PurePosixPath, detail: str) -> WriteRefusedError:
    return WriteRefusedError(
        f"cannot write '{relpath}' in {root}: {detail}; nothing was written",
        hint="choose a shorter value for the parameters used in file names, "
        "or a shorter --output directory",
    )


def _check_path_length(root: Path, relpath: PurePosixPath, path_max: int) -> None:
    size = len(os.fsencode(root / relpath))
    if size >= path_max:
        raise _too_long(
            root,
            relpath,
            f"the path would be {size} bytes long and the operating system allows at most "
            f"{path_max - 1} (ENAMETOOLONG)",
        )


def _check_name_lengths(root: Path, relpath: PurePosixPath, name_max: int) -> None:
    for part in relpath.parts:
        size = len(part.encode("utf-8"))
        if size > name_max:
            raise WriteRefusedError(
                f"cannot write '{relpath}' in {root}: the name '{part[:40]}...' is {size} bytes "
                f"long and the file system allows at most {name_max}; nothing was written",
                hint="choose a shorter value for the parameters used in file names",
            )


def _check_containment(root: Path, relpath: PurePosixPath) -> Path:
    """Return the target path, refusing symlinks that lead outside ``root``.

    A file where the path needs a directory is refused too.
    """
    current = root
    for index, part in enumerate(relpath.parts):
        current = current / part
        if index < len(relpath.parts) - 1 and current.exists() and not current.is_dir():
            raise WriteRefusedError(
                f"cannot write '{relpath}': {current} is a file, not a directory; "
                "nothing was written",
                hint="rename or remove that file, or choose another --output directory",
            )
        if current.is_symlink():
            resolved = current.resolve()
            if not resolved.is_relative_to(root):
                raise UnsafePathError(
                    f"refusing to write '{relpath}': {current} is a symlink to {resolved}, "
                    f"outside the output directory {root}",
                    hint="remove the symlink or choose another --output directory",
                )
    return root / relpath


def plan_writes(
    files: Sequence[RenderedFile],
    output_dir: Path,
    policy: ConflictPolicy,
    *,
    refuse_conflicts: bool = True,
) -> WritePlan:
    """Decide what happens to each file; raise if the plan must be refused.

    With ``refuse_conflicts=False`` (a dry run) existing files with other content are
    not an error: they are planned as overwrites marked ``conflict``, so the caller can
    show their diff and say that a real run would refuse. Unsafe paths are refused
    either way.
    """
    root = output_dir.expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise WriteRefusedError(
            f"output path {output_dir} exists and is not a directory",
            hint="choose a directory for the output, or rename that file",
        )
    writes: list[PlannedWrite] = []
    conflicts: list[str] = []
    name_max = _name_max(root)
    path_max = _path_max(root)
    for file in files:
        _check_name_lengths(root, file.relpath, name_max)
        _check_path_length(root, file.relpath, path_max)
        try:
            target = _check_containment(root, file.relpath)
        except OSError as exc:  # ENAMETOOLONG below a limit pathconf did not report, ELOOP...
            detail = exc.strerror or str(exc)
            if exc.errno == errno.ENAMETOOLONG:
                detail = "the path is longer than the operating system allows (ENAMETOOLONG)"
            raise _too_long(root, file.relpath, detail) from exc
        existing: bytes | None = None
        if target.exists() or target.is_symlink():
            if target.is_dir():
                raise WriteRefusedError(
                    f"cannot write {file.relpath}: a directory with that name exists",
                    hint="rename or remove the directory",
                )
            if target.exists() and not target.is_file():  # reading a FIFO would wait forever
                raise WriteRefusedError(
                    f"cannot write {file.relpath}: {target} exists and is not a regular file "
                    "(a FIFO, socket or device); nothing was written",
                    hint="rename or remove it, or choose another output directory",
                )
            try:
                existing = target.read_bytes()
            except OSError as exc:
                raise WriteRefusedError(f"cannot read existing {target}: {exc}") from exc
        if existing is None:
            action = Action.CREATE
        elif existing == file.content.encode("utf-8"):
            action = Action.UNCHANGED
        elif policy is ConflictPolicy.FORCE:
            action = Action.OVERWRITE
        elif policy is ConflictPolicy.SKIP:
            action = Action.SKIP
        else:
            action = Action.OVERWRITE
            conflicts.append(str(file.relpath))
        conflict = action is Action.OVERWRITE and policy is ConflictPolicy.ERROR
        writes.append(PlannedWrite(file.relpath, target, file.content, existing, action, conflict))
    if conflicts and refuse_conflicts:
        raise FileConflictError(
            f"{_files_exist(len(conflicts))} in {output_dir} with different content: "
            + ", ".join(conflicts)
            + "; nothing was written",
            hint="pass --force to overwrite, --skip-existing to keep them, "
            "or --dry-run to see the differences",
        )
    return WritePlan(output_dir=root, writes=tuple(writes))


def _mkdirs(directory: Path, created: list[Path]) -> None:
    missing = []
    current = directory
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)


def file_mode(existing_target: Path) -> int:
    """The mode a file written at ``existing_target`` gets: the old file's, else the umask's."""
    if existing_target.exists():
        return existing_target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place: all or nothing.

    A symlink is written through (the link stays), an existing file keeps its
    mode, and what is neither a file nor a directory (``/dev/stdout``, a FIFO) is
    written to as it is: renaming over it would replace the device itself.
    """
    if path.is_dir():
        raise WriteRefusedError(f"{path} is a directory", hint="pass a file path to --output")
    if path.exists() and not path.is_file():
        try:
            with path.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as exc:
            raise WriteRefusedError(
                f"cannot write {path}: {exc.strerror or exc}", hint="pass a file path to --output"
            ) from exc
        return
    parent = next((d for d in path.parents if d.exists()), None)
    if parent is not None and not parent.is_dir():
        raise WriteRefusedError(
            f"cannot write {path}: {parent} is a file, not a directory",
            hint="choose another --output path, or rename that file",
        )
    try:
        path = path.resolve() if path.is_symlink() else path
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = file_mode(path)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python 3.11)
        raise WriteRefusedError(
            f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}",
            hint="check the directory exists and is writable",
        ) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        Path(temp).chmod(mode)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise WriteRefusedError(
            f"cannot write {path}: {exc.strerror or exc}", hint="nothing was written"
        ) from exc
    except BaseException:  # Ctrl-C while writing: no temporary file left beside the output
        Path(temp).unlink(missing_ok=True)
        raise


def _files_exist(count: int) -> str:
    return "1 file already exists" if count == 1 else f"{count} files already exist"


def apply_plan(plan: WritePlan) -> None:
    """Write the plan atomically as a whole; on failure leave the disk unchanged."""
    if plan.conflicts:
        raise FileConflictError(
            f"{_files_exist(len(plan.conflicts))} in {plan.output_dir} with different "
            "content; nothing was written",
            hint="pass --force to overwrite or --skip-existing to keep them",
        )
    created_dirs: list[Path] = []
    staged: list[tuple[PlannedWrite, Path]] = []
    moved: list[PlannedWrite] = []
    current = plan.output_dir
    try:
        for write in plan.writes:
            if not write.changes_disk:
                continue
            current = write.target
            _mkdirs(write.target.parent, created_dirs)
            # A short temporary name: the target's own name may be as long as allowed.
            fd, tmp_name = tempfile.mkstemp(
                prefix=".tasker-ctl-", suffix=".tmp", dir=write.target.parent
            )
            tmp = Path(tmp_name)
            staged.append((write, tmp))
            with os.fdopen(fd, "wb") as handle:
                handle.write(write.content.encode("utf-8"))
            tmp.chmod(file_mode(write.target))
        for write, tmp in staged:
            current = write.target
            tmp.replace(write.target)
            moved.append(write)
    except OSError as exc:
        _rollback(staged, moved, created_dirs)
        # name the file being written, not the temporary file beside it
        raise WriteRefusedError(
            f"could not write {current}: {exc.strerror or exc}; nothing was written",
            hint="check permissions and free space in the output directory",
        ) from exc
    except BaseException:
        _rollback(staged, moved, created_dirs)
        raise


def _rollback(
    staged: list[tuple[PlannedWrite, Path]], moved: list[PlannedWrite], created_dirs: list[Path]
) -> None:
    for write in moved:
        try:
            if write.existing is None:
                write.target.unlink(missing_ok=True)
            else:
                write.target.write_bytes(write.existing)
        except OSError:
            pass
    for _, tmp in staged:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    for directory in reversed(created_dirs):
        with contextlib.suppress(OSError):
            directory.rmdir()
