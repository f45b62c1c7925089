"""Profiles: upstream's file search and precedence, env overrides, credentials, add/validate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasker_ctl.client.errors import ProfileError
from tasker_ctl.client.profiles import (
    add_profile,
    check_profile_file,
    find_profile_file,
    load_client_profile,
    read_profile_file,
)
from tests.client.fake_server import clean_env, run_cli, tasker

FILE = """\
[cli]
plugin-paths = ["plugins"]

[profile.default]
transport = "rest"

[profile.default.orchestration]
base_url = "http://orch.local:8080"
timeout_ms = 10000

[profile.staging]
description = "Staging"
namespaces = ["ecommerce"]

[profile.staging.orchestration]
base_url = "https://orch.staging.example"
max_retries = 5
auth = { method = { type = "BearerToken", value = "file-token-123456" } }

[profile.staging.worker]
base_url = "https://worker.staging.example"

[profile.staging.worker.auth.method]
type = "ApiKey"
value = { key = "file-key-abcdef", header_name = "X-Tasker-Key" }
"""


def _project(tmp_path: Path, name: str = ".config/tasker.toml", text: str = FILE) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_search_order_is_upstreams(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"HOME": str(home)}
    order = [
        tmp_path / ".config" / "tasker.toml",
        tmp_path / ".config" / "tasker-client.toml",
        tmp_path / "tasker-client.toml",
        home / ".config" / "tasker" / "client.toml",
        home / ".tasker" / "client.toml",
    ]
    assert find_profile_file(tmp_path, env) is None
    for path in reversed(order):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
        assert find_profile_file(tmp_path, env) == path


def test_layers_default_then_named_then_environment(tmp_path: Path) -> None:
    _project(tmp_path)
    staging = load_client_profile("staging", cwd=tmp_path, env={})
    # [profile.default] gives timeout_ms; [profile.staging] overrides the URL
    assert staging.orchestration.base_url == "https://orch.staging.example"
    assert staging.orchestration.timeout_ms == 10000 and staging.orchestration.max_retries == 5
    assert staging.orchestration.sources["timeout_ms"] == "[profile.default]"
    assert staging.orchestration.auth is not None
    assert staging.orchestration.auth.header_value() == "Bearer file-token-123456"
    assert staging.worker.auth is not None and staging.worker.auth.header == "X-Tasker-Key"
    # TASKER_CLIENT_PROFILE picks it; environment variables win over the file, as upstream
    env = {
        "TASKER_CLIENT_PROFILE": "staging",
        "TASKER_ORCHESTRATION_URL": "http://override:1",
        "TASKER_WORKER_TIMEOUT_MS": "1234",
        "TASKER_API_KEY": "env-key-999999",
    }
    resolved = load_client_profile(None, cwd=tmp_path, env=env)
    assert resolved.name == "staging"
    assert resolved.orchestration.base_url == "http://override:1"
    assert resolved.orchestration.sources["base_url"] == "TASKER_ORCHESTRATION_URL"
    assert resolved.worker.timeout_ms == 1234
    assert (
        resolved.worker.auth is not None
        and resolved.worker.auth.secret.reveal() == "env-key-999999"
    )
    assert resolved.worker.auth.header == "X-API-Key"
    # an endpoint token beats the shared one, which beats the API key
    env = {
        "TASKER_AUTH_TOKEN": "shared-tok-1",
        "TASKER_WORKER_AUTH_TOKEN": "worker-tok-1",
        "TASKER_API_KEY": "k-1234",
    }
    both = load_client_profile("default", cwd=tmp_path, env=env)
    assert (
        both.orchestration.auth is not None
        and both.orchestration.auth.secret.reveal() == "shared-tok-1"
    )
    assert both.worker.auth is not None and both.worker.auth.secret.reveal() == "worker-tok-1"


def test_without_a_file_default_works_and_others_are_refused(tmp_path: Path) -> None:
    profile = load_client_profile(None, cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert profile.orchestration.base_url == "http://localhost:8080"
    assert profile.worker.base_url == "http://localhost:8081"
    with pytest.raises(ProfileError, match="no profile file was found"):
        load_client_profile("prod", cwd=tmp_path, env={"HOME": str(tmp_path)})


def test_unknown_profile_suggests(tmp_path: Path) -> None:
    _project(tmp_path)
    with pytest.raises(ProfileError) as info:
        load_client_profile("stagin", cwd=tmp_path, env={})
    assert "did you mean 'staging'?" in str(info.value)
    assert info.value.hint == "available profiles: default, staging"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (
            '[profile.x.orchestration]\nbase_url = "ftp://h"\n',
            "must start with http:// or https://",
            2,
        ),
        ("[profile.x.worker]\ntimeout_ms = -1\n", "timeout_ms must be a whole number from 1", 2),
        ('[profile.x]\ntransport = "carrier-pigeon"\n', 'transport must be "rest" or "grpc"', 2),
        (
            '[profile.x.orchestration.auth]\nmethod = { type = "Basic", value = "s3cr3t-value" }\n',
            "method.type must be",
            1,
        ),
        (
            '[profile.x.orchestration.auth]\nmethod = { type = "BearerToken", value = 12345678 }\n',
            "value must be a non-empty string",
            1,
        ),
        ("[profile.x]\nname = \n", "invalid TOML", 2),
    ],
)
def test_file_errors_name_the_file_and_line(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    path = _project(tmp_path, text=text)
    with pytest.raises(ProfileError) as info:
        load_client_profile("x", cwd=tmp_path, env={})
    assert message in str(info.value)
    assert info.value.location is not None and info.value.location.path == path
    assert info.value.location.line == line
    assert "s3cr3t-value" not in str(info.value) and "12345678" not in str(info.value)


def test_bad_environment_values_are_errors(tmp_path: Path) -> None:
    for env, message in [
        ({"TASKER_ORCHESTRATION_TIMEOUT_MS": "soon"}, "is not a timeout in milliseconds"),
        ({"TASKER_WORKER_URL": "localhost:8081"}, "must start with http://"),
        ({"TASKER_AUTH_TOKEN": "a\nb"}, "characters an HTTP header cannot carry"),
        (
            {"TASKER_API_KEY": "k-1", "TASKER_API_KEY_FILE": "/x"},
            "both TASKER_API_KEY and TASKER_API_KEY_FILE",
        ),
        ({"TASKER_API_KEY_FILE": str(tmp_path / "missing")}, "cannot read the secret file"),
        ({"TASKER_CLIENT_TRANSPORT": "pigeon"}, "is not a transport"),
    ]:
        with pytest.raises(ProfileError, match=message) as info:
            load_client_profile(None, cwd=tmp_path, env={"HOME": str(tmp_path), **env})
        assert "a\nb" not in str(info.value)


def test_add_appends_and_keeps_the_file(tmp_path: Path) -> None:
    path = _project(tmp_path)
    before = path.read_text()
    written = add_profile(
        "prod-eu",
        orchestration_url="https://orch.eu",
        worker_url="https://worker.eu",
        description='EU "prod"\tcluster',
        tools=["tier1"],
        cwd=tmp_path,
        env={},
    )
    assert written == path
    text = path.read_text()
    assert text.startswith(before)
    prod = load_client_profile("prod-eu", cwd=tmp_path, env={})
    assert prod.description == 'EU "prod"\tcluster' and prod.tools == ("tier1",)
    assert prod.orchestration.base_url == "https://orch.eu"
    assert prod.orchestration.timeout_ms == 10000  # [profile.default] still applies
    with pytest.raises(ProfileError, match="already exists"):
        add_profile(
            "prod-eu", orchestration_url="http://a", worker_url="http://b", cwd=tmp_path, env={}
        )
    with pytest.raises(ProfileError, match="may hold only letters"):
        add_profile(
            "bad name", orchestration_url="http://a", worker_url="http://b", cwd=tmp_path, env={}
        )
    assert path.read_text() == text


def test_add_creates_the_unified_file_and_refuses_what_it_cannot_extend(tmp_path: Path) -> None:
    written = add_profile(
        "dev",
        orchestration_url="http://a:1",
        worker_url="http://b:2",
        cwd=tmp_path,
        env={"HOME": str(tmp_path)},
    )
    assert written == tmp_path / ".config" / "tasker.toml"
    assert read_profile_file(written).profiles["dev"]["worker"]["base_url"] == "http://b:2"
    inline = tmp_path / "other"
    _project(inline, text='profile = { old = { transport = "rest" } }\n')
    with pytest.raises(ProfileError, match="would make the file invalid"):
        add_profile("new", orchestration_url="http://a", worker_url="http://b", cwd=inline, env={})


def test_validate_collects_every_problem(tmp_path: Path) -> None:
    path = _project(
        tmp_path,
        text='[profile.a]\ntransprt = "rest"\n[profile.a.orchestration]\nbase_url = "http://h/api"\n'
        '[profile.b.worker]\nbase_url = "nope"\nmax_retries = "3"\n',
    )
    problems = check_profile_file(path, env={})
    rendered = [(p.location.line, p.warning, p.message) for p in problems]
    assert (
        2,
        True,
        "[profile.a]: unknown key 'transprt' is ignored (did you mean 'transport'?)",
    ) in rendered
    assert any(line == 4 and warning and "requests drop" in m for line, warning, m in rendered)
    assert any(
        line == 6 and not warning and "must start with http://" in m
        for line, warning, m in rendered
    )
    assert any(
        line == 7 and not warning and "max_retries must be a whole number" in m
        for line, warning, m in rendered
    )


def test_profile_commands_through_the_cli(tmp_path: Path) -> None:
    _project(tmp_path)
    with tasker() as (orch, worker):
        good = (
            f'[profile.up.orchestration]\nbase_url = "{orch.url}"\n'
            f'[profile.up.worker]\nbase_url = "{worker.url}"\n'
        )
        (tmp_path / ".config" / "tasker.toml").write_text(FILE + good)
        env = clean_env(tmp_path)
        listed = run_cli(
            ["profile", "list", "--format", "json", "-p", "staging"], cwd=tmp_path, env=env
        )
        shown = run_cli(["profile", "show", "staging"], cwd=tmp_path, env=env)
        check_up = run_cli(["profile", "check", "up"], cwd=tmp_path, env=env)
        check_all = run_cli(
            ["profile", "check", "--all", "--timeout-ms", "500", "--format", "json"],
            cwd=tmp_path,
            env=env,
        )
        valid = run_cli(["profile", "validate"], cwd=tmp_path, env=env)
        added = run_cli(
            ["profile", "add", "qa", "--orchestration-url", "http://qa:8080"], cwd=tmp_path, env=env
        )
    assert listed.returncode == 0, listed.stderr
    doc = json.loads(listed.stdout)
    assert doc["active"] == "staging" and [p["name"] for p in doc["profiles"]] == [
        "default",
        "staging",
        "up",
    ]
    assert shown.returncode == 0 and "https://orch.staging.example" in shown.stdout
    assert (
        "bearer via Authorization" in shown.stdout
        and ".config/tasker.toml [profile.staging.orchestration.auth]" in shown.stdout
    )
    for run in (listed, shown):
        assert "file-token-123456" not in run.stdout + run.stderr
        assert "file-key-abcdef" not in run.stdout + run.stderr
    assert check_up.returncode == 0 and "up: healthy" in check_up.stdout
    assert [s.path for s in orch.seen] == ["/health", "/health"]
    assert check_all.returncode == 1  # default and staging are unreachable
    statuses = {p["name"]: p["status"] for p in json.loads(check_all.stdout)["profiles"]}
    assert statuses == {"default": "unreachable", "staging": "unreachable", "up": "healthy"}
    assert valid.returncode == 0 and "valid" in valid.stdout
    assert added.returncode == 0 and "added profile 'qa'" in added.stdout
