"""The worker pool at the pipe level: what happens when a worker is gone."""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.executor.conftest import FIXTURES

pytestmark = pytest.mark.sdk


def test_writing_to_a_dead_worker_is_noticed_not_a_sigpipe(tmp_path: Path) -> None:
    # The CLI restores SIGPIPE's default action (to end quietly when its reader goes away),
    # so a write to a worker that just died must not raise SIGPIPE in the orchestrator.
    pytest.importorskip("tasker_core")
    script = textwrap.dedent(
        f"""
        import os, signal, time
        from pathlib import Path
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        from tasker_ctl.executor.discovery import HandlerSources
        from tasker_ctl.executor.workers import WorkerPool
        pool = WorkerPool(HandlerSources((Path({str(FIXTURES)!r}),), ("runfx",)), [], 1)
        pool.start()
        [pid] = pool.pids()
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        for _ in range(50):  # enough bytes to fill any buffer a dead peer leaves
            pool.call(1, b'{{"op":"call"}}\\n' * 2000)
        replies = pool.poll(5)
        print("died:", [r.died for r in replies])
        pool.close()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "died: ['killed by signal SIGKILL']" in done.stdout


def test_only_done_messages_have_their_entry_split_off() -> None:
    from tasker_ctl.executor import protocol

    ready = protocol.encode(
        {"op": "ready", "misdecorated": {"a": "x", "entry": "a handler named entry"}}
    )
    assert protocol.decode_answer(ready.rstrip(b"\n"))["misdecorated"]["entry"] == (
        "a handler named entry"
    )
    done = protocol.ENCODER.encode({"op": "done", "job": 1, "kind": "completion"})
    line = f'{done[:-1]},"entry":{{"result":{{"entry":1}}}}}}'.encode()
    message = protocol.decode_answer(line)
    assert message["entry"] == {"result": {"entry": 1}}
    assert message["entry_text"] == b'{"result":{"entry":1}}'


def test_the_sdk_loads_without_httpx_command_line_client() -> None:
    # a worker's start-up: the SDK imports httpx, whose optional CLI (rich, click) costs
    # ~40 ms and no handler needs; httpx works and the block is lifted afterwards
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tasker_ctl.executor.sdk import load_sdk\n"
        "load_sdk()\n"
        "import httpx\n"
        "print(sorted(m for m in ('rich', 'click') if m in sys.modules), callable(httpx.main))\n"
        "print(sys.modules.get('httpx._main', 'not blocked'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines() == ["[] True", "not blocked"]


@given(
    lines=st.lists(st.binary().map(lambda b: b.replace(b"\n", b"")), max_size=8),
    tail=st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"")),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
)
def test_lines_read_in_any_pieces_are_the_lines_written(
    lines: list[bytes], tail: bytes, cuts: list[int]
) -> None:
    # a pipe hands a stream over in arbitrary pieces: the reader gives back exactly the
    # complete lines, and keeps an unterminated tail for the next read
    from tasker_ctl.executor.protocol import LineReader

    stream = b"".join(line + b"\n" for line in lines) + tail
    bounds = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    reader = LineReader()
    got: list[bytes] = []
    for start, end in itertools.pairwise(bounds):
        got.extend(reader.feed(stream[start:end]))
    got.extend(reader.feed(b""))
    assert got == lines
    assert reader.feed(b"\n") == [tail]
