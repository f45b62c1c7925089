"""Every connected command against Prism serving upstream's OpenAPI documents.

Prism runs in its request-validating mode (``prism mock --errors``): a request whose
path, query, headers, credentials or body the document does not allow is answered
with a 4xx (so the command exits 4) and logged as a validator error; each test here
asserts both the command's exit code and that Prism's log holds no violation. Prism's
answers are generated from the document's schemas, so the commands also meet values
no hand-written fake would send ("string" statuses, extreme integers).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.client.fake_server import ENTRY, STEP2, TASK, clean_env, run_cli
from tests.client.prism import (
    DOCUMENTS,
    Prism,
    RequestedAtProxy,
    ensure_prism,
    start_prism,
)
from tests.conftest import ROOT

SECRET = "prism-secret-4b1d9e77c0a2"
DIAMOND_YAML = ROOT / "examples/diamond/config/tasks/customer_onboarding.yaml"
DIAMOND_CONTEXT = ROOT / "examples/diamond/context.json"
UPSTREAM = Path("/work/shared/upstream")


@dataclass
class Contract:
    prism: Prism
    proxy: RequestedAtProxy
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        return clean_env(
            self.home,
            TASKER_ORCHESTRATION_URL=self.proxy.url,
            TASKER_WORKER_URL=self.prism.worker.url,
            **extra,
        )


@pytest.fixture(scope="session")
def contract(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Contract]:
    found = ensure_prism()
    if isinstance(found, str):
        pytest.skip(found)
    logs = tmp_path_factory.mktemp("prism")
    prism = start_prism(found, logs)
    proxy = RequestedAtProxy(prism.orchestration.url)
    try:
        yield Contract(prism, proxy, tmp_path_factory.mktemp("home"))
    finally:
        proxy.close()
        prism.orchestration.stop()
        prism.worker.stop()


# (name, arguments, exit code with Prism's generated answers)
COMMANDS: list[tuple[str, list[str], int]] = [
    ("task create", ["task", "create", "--name", "process_order", "--input", '{"a": 1}'], 0),
    ("task get", ["task", "get", TASK], 0),
    ("task list", ["task", "list", "-n", "ecommerce", "-s", "complete", "-l", "5"], 0),
    ("task cancel", ["task", "cancel", TASK], 0),
    ("task steps", ["task", "steps", TASK], 0),
    ("task step", ["task", "step", TASK, STEP2], 0),
    ("task step-audit", ["task", "step-audit", TASK, STEP2], 0),
    ("task reset-step", ["task", "reset-step", TASK, STEP2, "-r", "db back"], 0),
    ("task resolve-step", ["task", "resolve-step", TASK, STEP2, "-r", "bypass"], 0),
    (
        "task complete-step",
        ["task", "complete-step", TASK, STEP2, "--result", '{"ok": true}', "-r", "by hand"],
        0,
    ),
    ("worker list", ["worker", "list", "-n", "ecommerce"], 0),
    ("worker status", ["worker", "status"], 0),
    # Prism's generated health status is the literal "string": not healthy
    ("worker health", ["worker", "health"], 1),
    ("system health", ["system", "health"], 1),
    ("system info", ["system", "info"], 0),
    ("dlq list", ["dlq", "list", "-s", "pending", "-l", "10", "-o", "5"], 0),
    ("dlq get", ["dlq", "get", TASK], 0),
    ("dlq update", ["dlq", "update", ENTRY, "-s", "manually_resolved", "-n", "fixed"], 0),
    ("dlq stats", ["dlq", "stats"], 0),
    ("profile check", ["profile", "check"], 0),
    # Prism's task never reaches a final state ("string"): followed until --timeout
    (
        "task create --wait",
        ["task", "create", "--name", "process_order", "-i", "{}", "--wait", "--timeout", "1"],
        1,
    ),
    # Prism's TemplateResponse.template is an empty object: not a template (exit 4, but
    # the request itself is valid, which is what this module checks)
    (
        "template diff",
        ["template", "diff", "banking/customer_onboarding/1.0.0", "-t", str(DIAMOND_YAML)],
        4,
    ),
]
if importlib.util.find_spec("tasker_core") is not None:
    # Prism's task differs from the local run everywhere: exit 1
    COMMANDS.append(
        (
            "task compare",
            ["task", "compare", TASK, "-t", str(DIAMOND_YAML), "-c", str(DIAMOND_CONTEXT)],
            1,
        )
    )


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str


def _invoke(args: list[str], env: dict[str, str], cwd: Path) -> Ran:
    """The CLI in this process (one import for all commands: the module stays fast)."""
    from typer.testing import CliRunner

    from tasker_ctl.cli.app import app

    overrides: dict[str, str | None] = {k: None for k in os.environ if k not in env}
    overrides.update(env)
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, args, env=overrides, catch_exceptions=True)
    finally:
        os.chdir(before)
    crash = result.exception
    stderr = result.stderr
    if crash is not None and not isinstance(crash, SystemExit):
        stderr += "Traceback: " + "".join(traceback.format_exception(crash))
    return Ran(result.exit_code, result.stdout, stderr)


@pytest.fixture(scope="module")
def ran(contract: Contract) -> dict[str, Ran]:
    env = contract.env(TASKER_AUTH_TOKEN=SECRET)
    return {name: _invoke(args, env, contract.home) for name, args, _ in COMMANDS}


def test_prism_serves_upstreams_documents() -> None:
    if not UPSTREAM.is_dir():
        pytest.skip("the upstream documents are not on this machine (only the vendored copies)")
    for name in ("orchestration-openapi.json", "worker-openapi.json"):
        assert (DOCUMENTS / name).read_bytes() == (UPSTREAM / name).read_bytes(), name


@pytest.mark.parametrize(("name", "args", "code"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_command_is_valid_against_the_document(
    name: str, args: list[str], code: int, ran: dict[str, Ran], contract: Contract
) -> None:
    result = ran[name]
    refused = contract.prism.violations()
    assert refused == [], f"Prism refused requests: {refused}"
    assert result.code == code, result.stderr
    assert "Traceback" not in result.stderr
    assert SECRET not in result.stdout + result.stderr
    if code == 4:
        assert "holds no task template" in result.stderr, result.stderr


def test_the_documented_divergence_is_the_only_rewrite(
    ran: dict[str, Ran], contract: Contract
) -> None:
    # task create went through the proxy once, with a naive timestamp, and nothing else
    # was changed on its way to Prism
    assert ran["task create"].code == 0
    assert contract.proxy.refused == []
    assert len(contract.proxy.rewritten) >= 1


def test_api_key_credentials_meet_the_documents_security_scheme(contract: Contract) -> None:
    env = contract.env(TASKER_API_KEY=SECRET)
    for args in (["task", "get", TASK, "--format", "json"], ["worker", "list"]):
        proc = _invoke(args, env, contract.home)
        assert proc.code == 0, proc.stderr
        assert SECRET not in proc.stdout + proc.stderr
    assert contract.prism.violations() == []


def test_a_request_the_document_forbids_fails(contract: Contract) -> None:
    """The harness catches a violation: no credential, and a body missing required fields."""
    server = contract.prism.orchestration
    mark = server.mark()
    # the real CLI, in a subprocess, without a credential: Prism refuses it (401)
    no_credential = run_cli(["task", "get", TASK], cwd=contract.home, env=contract.env())
    assert no_credential.returncode == 4
    assert "401" in no_credential.stderr

    import httpx

    answer = httpx.post(
        f"{server.url}/v1/tasks",
        json={"name": 5},
        headers={"Authorization": f"Bearer {SECRET}"},
        timeout=10,
    )
    assert answer.status_code in (400, 422)
    messages = [v.message for v in server.violations(mark)]
    assert any("required property 'namespace'" in m for m in messages), messages
    assert any(v.method == "POST" and v.path.endswith("/v1/tasks") for v in server.violations(mark))
    # forget these deliberate violations so the other tests keep asserting none
    time.sleep(0.3)  # Prism writes its log lines after answering
    server.excuse(mark)


def test_json_output_is_the_documents_answer(contract: Contract) -> None:
    proc = _invoke(
        ["task", "steps", TASK, "--format", "json"],
        contract.env(TASKER_AUTH_TOKEN=SECRET),
        contract.home,
    )
    assert proc.code == 0, proc.stderr
    assert isinstance(json.loads(proc.stdout), list)


def test_npm_is_present_in_ci() -> None:
    # the contract tests must not silently skip where npm exists
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    assert not isinstance(ensure_prism(), str)
