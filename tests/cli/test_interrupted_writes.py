"""A write interrupted by Ctrl-C (or failing) leaves the directory as it was: the old
file intact and no temporary file beside it, for every command that writes one file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tasker_ctl.cli import generate_cmd, visualize_cmd
from tasker_ctl.remotes import config_edit

WRITERS: dict[str, Callable[[Path, str], None]] = {
    "generate types -o": generate_cmd._write_atomically,
    "visualize -o": visualize_cmd._write_all_or_nothing,
    "remote add/remove": config_edit.write_atomically,
}


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError], ids=["ctrl-c", "oserror"])
@pytest.mark.parametrize("writer", list(WRITERS), ids=list(WRITERS))
def test_an_interrupted_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str, stop: type[BaseException]
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("before\n", encoding="utf-8")

    def interrupted(self: Path, other: Path) -> Path:
        raise stop(28, "No space left on device") if stop is OSError else stop()

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(BaseException) as caught:
        WRITERS[writer](target, "after\n")
    monkeypatch.undo()
    if stop is KeyboardInterrupt:
        assert caught.type is KeyboardInterrupt
    else:  # reported as the command's own error, naming the file
        assert "No space left" in str(caught.value) or "out.txt" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    assert target.read_text(encoding="utf-8") == "before\n"
