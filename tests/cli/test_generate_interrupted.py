"""An interrupted `generate types -o FILE` leaves the directory as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasker_ctl.cli import generate_cmd


def test_ctrl_c_during_the_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "models.py"
    target.write_text("# the previous models\n", encoding="utf-8")

    def interrupted(self: Path, other: Path) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        generate_cmd._write_atomically(target, "# new models\n")
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models.py"]
    assert target.read_text(encoding="utf-8") == "# the previous models\n"
