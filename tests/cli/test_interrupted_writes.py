"""The single-file writers: a write interrupted by Ctrl-C (or failing) leaves the
directory as it was (the old file intact, no temporary file beside it), and a new file
gets the mode the umask gives, as any editor would create it."""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tasker_ctl.cli import visualize_cmd
from tasker_ctl.remotes import config_edit
from tasker_ctl.scaffold import writer

WRITERS: dict[str, Callable[[Path, str], None]] = {
    "generate types -o": writer.write_file,
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


def test_visualize_output_gets_the_umask_mode(tmp_path: Path) -> None:
    # it was created 0600, the temporary file's mode (generate types had the same bug)
    template = tmp_path / "t.yaml"
    template.write_text(
        "name: t\nnamespace_name: n\nversion: 1.0.0\nsteps:\n"
        "  - name: a\n    handler: {callable: h.a}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.umask(0o022); "
         "from tasker_ctl.cli import main; sys.argv[1:] = sys.argv[2:]; main()", "-",
         "visualize", str(template), "-o", str(tmp_path / "graph.md")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "graph.md").stat().st_mode) == 0o644
