"""Credentials a hostile or careless server echoes back never reach the output.

Found by the adversarial sweep: a successful answer that echoes the credential
was printed as it came (table, json and yaml), a credential echoed
percent-encoded or JSON-escaped slipped past the redaction, and an error
snippet cut through a credential before redacting it, printing its first part.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.client.secrets import REDACTED, Redactor, Secret
from tests.client.fake_server import TASK, TASK_RESPONSE, FakeTasker, Reply, clean_env, run_cli

SECRET = "sk-3b9d1f7a0c5e48c2b6"
B64_KEY = "AbC+dEf/GhI=="  # a plain base64 API key: '+', '/' and '=' get escaped in URLs
PATH = f"/v1/tasks/{TASK}"


def _run(tmp: Path, orch: FakeTasker, key: str, *args: str) -> tuple[int, str]:
    env = clean_env(
        tmp,
        TASKER_ORCHESTRATION_URL=orch.url,
        TASKER_WORKER_URL="http://127.0.0.1:9",
        TASKER_API_KEY=key,
    )
    run = run_cli(["task", "get", TASK, *args], cwd=tmp, env=env)
    assert "Traceback" not in run.stderr
    return run.returncode, run.stdout + run.stderr


def test_a_credential_echoed_in_a_successful_answer_is_not_printed(tmp_path: Path) -> None:
    echoed = {
        **TASK_RESPONSE,
        "context": {"api_key": SECRET, SECRET: "as a key", "nested": [{"k": f"x{SECRET}y"}]},
        "reason": f"created with {SECRET}",
    }
    with FakeTasker() as orch:
        orch.reply("GET", PATH, Reply(200, echoed))
        outputs = {fmt: _run(tmp_path, orch, SECRET, "--format", fmt) for fmt in FORMATS}
    for fmt, (code, output) in outputs.items():
        assert code == 0, output
        assert SECRET not in output, fmt
    document = json.loads(outputs["json"][1])
    assert document["context"] == {
        "api_key": REDACTED,
        REDACTED: "as a key",
        "nested": [{"k": f"x{REDACTED}y"}],
    }
    assert document["reason"] == f"created with {REDACTED}"


FORMATS = ("table", "json", "yaml")


@pytest.mark.parametrize(
    ("reply", "shown"),
    [
        (
            Reply(302, headers={"Location": "https://sso/?k=" + quote(B64_KEY, safe="")}, raw=b""),
            "?k=",
        ),
        (Reply(401, raw=b"<p>bad key " + quote_plus(B64_KEY).encode() + b"</p>"), "bad key"),
        (
            Reply(401, raw=b'{"error": "bad key ' + B64_KEY.replace("/", "\\/").encode() + b'"}'),
            "bad key",
        ),
        (
            Reply(200, raw=b'{"reason": "' + B64_KEY.replace("/", "\\/").encode() + b'", "x": }'),
            "not JSON",
        ),
    ],
    ids=[
        "percent-encoded-redirect",
        "form-encoded-body",
        "json-escaped-error",
        "json-escaped-snippet",
    ],
)
def test_a_credential_echoed_encoded_is_redacted(tmp_path: Path, reply: Reply, shown: str) -> None:
    with FakeTasker() as orch:
        orch.reply("GET", PATH, reply)
        code, output = _run(tmp_path, orch, B64_KEY)
    assert code == 4
    assert shown in output and REDACTED in output
    assert "GhI" not in output, output


@pytest.mark.parametrize("spaces", [392, 200])
def test_an_error_snippet_never_shows_part_of_a_credential(tmp_path: Path, spaces: int) -> None:
    """The snippet is cut to 200 characters: the credential must be redacted before the cut."""
    body = b"<" + b"x" * (400 - spaces - 8) + b" " * spaces + SECRET.encode() + b" tail"
    with FakeTasker() as orch:
        orch.reply("GET", PATH, Reply(200, raw=body))
        code, output = _run(tmp_path, orch, SECRET)
    assert code == 4 and "is not JSON" in output
    assert SECRET[:6] not in output, output


_printable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=4, max_size=24)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(secret=_printable.filter(lambda s: s == s.strip()), before=st.text(), after=st.text())
def test_no_spelling_of_a_secret_survives(secret: str, before: str, after: str) -> None:
    redactor = Redactor([Secret(secret)])
    for spelled in (
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret)[1:-1].replace("/", "\\/"),
    ):
        text = before + spelled + after
        assert spelled not in redactor.scrub(text)
        assert spelled.encode() not in redactor.scrub_bytes(text.encode("utf-8", "surrogatepass"))
        scrubbed = redactor.scrub_data({text: [text, {"k": text}]})
        assert scrubbed == {
            redactor.scrub(text): [redactor.scrub(text), {"k": redactor.scrub(text)}]
        }
