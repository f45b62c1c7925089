"""Property tests: no answer and no profile file makes the client or its output raise a traceback.

Answers go through the real transport (httpx with a MockTransport in place of the
network), the API layer's OpenAPI checks and every output format; profile files go
through the real reader and resolver. Bounded and derandomized.
"""

from __future__ import annotations

import contextlib
import io
import json
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasker_ctl.client.api import OrchestrationApi, WorkerApi
from tasker_ctl.client.errors import ProfileError, RemoteError
from tasker_ctl.client.profiles import (
    Auth,
    Endpoint,
    check_profile_file,
    load_client_profile,
    toml_string,
)
from tasker_ctl.client.retry import parse_retry_after
from tasker_ctl.client.secrets import REDACTED, Redactor, Secret
from tasker_ctl.client.transport import Transport
from tasker_ctl.reporting.client_output import VIEWS, emit
from tests.client.fake_server import ENTRY, SAMPLES, STEP2, TASK
from tests.client.test_profiles import FILE

SECRET = "tok-prop-5e6f7a8b9c"
PROPS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)

# (how to call, table view, the sample the API documents)
CALLS: list[tuple[str, Callable[[Any], Any], str, Any]] = [
    (
        "get_task",
        lambda api: api.get_task(TASK),
        "task",
        SAMPLES[("orchestration", "GET", "/v1/tasks/{uuid}", 200)],
    ),
    (
        "list_tasks",
        lambda api: api.list_tasks(),
        "task_list",
        SAMPLES[("orchestration", "GET", "/v1/tasks", 200)],
    ),
    (
        "list_steps",
        lambda api: api.list_steps(TASK),
        "steps",
        SAMPLES[("orchestration", "GET", "/v1/tasks/{uuid}/workflow_steps", 200)],
    ),
    (
        "get_step",
        lambda api: api.get_step(TASK, STEP2),
        "step",
        SAMPLES[("orchestration", "GET", "/v1/tasks/{uuid}/workflow_steps/{step_uuid}", 200)],
    ),
    (
        "step_audit",
        lambda api: api.step_audit(TASK, STEP2),
        "step_audit",
        SAMPLES[("orchestration", "GET", "/v1/tasks/{uuid}/workflow_steps/{step_uuid}/audit", 200)],
    ),
    (
        "list_dlq",
        lambda api: api.list_dlq(),
        "dlq_list",
        SAMPLES[("orchestration", "GET", "/v1/dlq", 200)],
    ),
    (
        "get_dlq",
        lambda api: api.get_dlq(TASK),
        "dlq_entry",
        SAMPLES[("orchestration", "GET", "/v1/dlq/task/{task_uuid}", 200)],
    ),
    (
        "update_dlq",
        lambda api: api.update_dlq(ENTRY, {}),
        "dlq_update",
        SAMPLES[("orchestration", "PATCH", "/v1/dlq/entry/{dlq_entry_uuid}", 200)],
    ),
    (
        "dlq_stats",
        lambda api: api.dlq_stats(),
        "dlq_stats",
        SAMPLES[("orchestration", "GET", "/v1/dlq/stats", 200)],
    ),
    (
        "health",
        lambda api: api.detailed_health(),
        "system_health",
        SAMPLES[("orchestration", "GET", "/health/detailed", 200)],
    ),
    (
        "templates",
        lambda api: api.list_templates(),
        "worker_templates",
        SAMPLES[("worker", "GET", "/v1/templates", 200)],
    ),
    (
        "worker",
        lambda api: api.detailed_health(),
        "worker_status",
        SAMPLES[("worker", "GET", "/health/detailed", 200)],
    ),
]


def _mutated(sample: Any, data: st.DataObject) -> Any:
    """The sample with some fields (at any depth) replaced by arbitrary JSON."""
    if isinstance(sample, dict) and sample:
        keys = data.draw(st.lists(st.sampled_from(sorted(sample)), max_size=3, unique=True))
        out = dict(sample)
        for key in keys:
            deeper = data.draw(st.booleans())
            out[key] = _mutated(sample[key], data) if deeper else data.draw(JSON)
        return out
    if isinstance(sample, list) and sample:
        return [_mutated(sample[0], data), *sample[1:]]
    return data.draw(JSON)


BODIES = st.one_of(
    st.binary(max_size=200),
    JSON.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(
        [
            b"",
            b"null",
            b"NaN",
            b"{",
            b'{"a": Infinity}',
            b"<html>proxy</html>",
            b"[" * 300 + b"]" * 300,
        ]
    ),
)


def _api(
    kind: str, handler: Callable[[httpx.Request], httpx.Response]
) -> OrchestrationApi | WorkerApi:
    endpoint = Endpoint(
        "http://tasker.test:8080", auth=Auth("bearer", Secret(SECRET), "Authorization", "test")
    )
    transport = Transport(
        endpoint, label="orchestration API", http=httpx.MockTransport(handler), sleep=lambda s: None
    )
    return WorkerApi(transport) if kind in ("templates", "worker") else OrchestrationApi(transport)


def _render_everything(view: str, data: Any) -> None:
    for fmt in ("table", "json", "yaml"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            emit(view, data, fmt)
        assert SECRET not in out.getvalue()


@PROPS
@given(
    call=st.sampled_from(CALLS),
    status=st.sampled_from([200, 200, 200, 201, 301, 400, 401, 404, 409, 429, 500, 503]),
    shaped=st.booleans(),
    data=st.data(),
)
def test_any_answer_is_data_or_a_clear_remote_error(
    call: Any, status: int, shaped: bool, data: st.DataObject
) -> None:
    name, invoke, view, sample = call
    body = json.dumps(_mutated(sample, data)).encode() if shaped else data.draw(BODIES)
    echo = data.draw(st.booleans())
    if echo:
        body += f" Bearer {SECRET}".encode()

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {SECRET}"
        return httpx.Response(status, content=body, headers={"Retry-After": "0"})

    api = _api(name, handler)
    try:
        answer = invoke(api)
    except RemoteError as exc:
        text = f"{exc.message}\n{exc.hint or ''}"
        assert SECRET not in text
        assert "\n" not in exc.message and "\r" not in exc.message
        assert "http://tasker.test:8080" in exc.message
        return
    finally:
        api.close()
    assert status in (200, 201)
    _render_everything(view, answer)


@PROPS
@given(data=JSON)
def test_every_view_renders_any_json(data: Any) -> None:
    for view in VIEWS:
        _render_everything(view, data)


def _emit_toml(value: Any, table: tuple[str, ...] = ()) -> list[str]:
    scalars = {k: v for k, v in value.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in value.items() if isinstance(v, dict)}
    lines = [f"[{'.'.join(toml_string(p) for p in table)}]"] if table else []
    lines += [f"{toml_string(k)} = {_toml_value(v)}" for k, v in scalars.items()]
    for key, sub in tables.items():
        lines += _emit_toml(sub, (*table, key))
    return lines


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, str):
        return toml_string(value)
    if value is None:
        return '""'
    return "[" + ", ".join(_toml_value(v) for v in value) + "]"


KEYS = st.sampled_from(
    [
        "profile",
        "default",
        "staging",
        "orchestration",
        "worker",
        "base_url",
        "timeout_ms",
        "max_retries",
        "auth",
        "method",
        "type",
        "value",
        "key",
        "header_name",
        "transport",
        "tools",
        "namespaces",
        "description",
        "x",
    ]
)
SCALARS = st.one_of(
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "http://h:1",
            "https://h",
            "rest",
            "grpc",
            "BearerToken",
            "ApiKey",
            "tier1",
            "",
            "X-API-Key",
        ]
    ),
    st.text(max_size=10),
    st.lists(st.sampled_from(["tier1", "a", "tier9"]), max_size=3),
)
TOML_DOCS = st.recursive(
    st.dictionaries(KEYS, SCALARS, max_size=4),
    lambda inner: st.dictionaries(KEYS, st.one_of(SCALARS, inner), max_size=4),
    max_leaves=20,
)


def _load_all(tmp: Path, text: str) -> None:
    path = tmp / ".config" / "tasker.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    for name in ("default", "staging", None):
        with contextlib.suppress(ProfileError):
            profile = load_client_profile(name, cwd=tmp, env={"HOME": str(tmp)})
            _render_everything("profile", profile.describe())
    with contextlib.suppress(ProfileError):
        for problem in check_profile_file(path, env={}):
            assert problem.location.path == path


@PROPS
@given(doc=TOML_DOCS)
def test_generated_profile_files_never_crash(
    doc: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    _load_all(tmp_path_factory.mktemp("p"), "\n".join(_emit_toml(doc)) + "\n")


@PROPS
@given(
    cuts=st.lists(
        st.tuples(st.integers(0, len(FILE)), st.integers(0, 8), st.text(max_size=6)), max_size=4
    )
)
def test_mutated_profile_files_never_crash(
    cuts: list[tuple[int, int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    text = FILE
    for at, drop, insert in cuts:
        text = text[:at] + insert + text[at + drop :]
    _load_all(tmp_path_factory.mktemp("m"), text)


@PROPS
@given(value=st.text(max_size=40))
def test_retry_after_never_raises_and_reads_both_forms(value: str) -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    wait = parse_retry_after(value, now)
    assert wait is None or wait >= 0
    seconds = sum(ord(c) for c in value) % 5000
    assert parse_retry_after(str(seconds), now) == seconds
    later = format_datetime(now + timedelta(seconds=seconds), usegmt=True)
    assert parse_retry_after(later, now) == seconds
    assert parse_retry_after(format_datetime(now - timedelta(seconds=5), usegmt=True), now) == 0


@PROPS
@given(value=st.text(st.characters(exclude_categories=["Cs"]), max_size=40))
def test_toml_strings_round_trip(value: str) -> None:
    assert tomllib.loads(f"k = {toml_string(value)}")["k"] == value


@PROPS
@given(
    secret=st.text(min_size=1, max_size=20), before=st.text(max_size=20), after=st.text(max_size=20)
)
def test_redactor_removes_every_occurrence(secret: str, before: str, after: str) -> None:
    if secret in REDACTED:
        return  # "<redacted>" itself would still hold it
    text = Redactor([Secret(secret)]).scrub(before + secret + after + secret)
    assert secret not in text
    assert str(Secret(secret)) == REDACTED and secret not in repr(Secret(secret))
