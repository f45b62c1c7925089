"""``template diff`` through the CLI against a fake worker, and the diff's properties."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasker_ctl.client.errors import InvalidArgumentError
from tasker_ctl.client.openapi import check_response
from tasker_ctl.client.template_diff import (
    TemplateRef,
    diff_templates,
    normalized,
    parse_ref,
    resolve_for_environment,
)
from tests.client.fake_server import NOW, FakeTasker, Reply, clean_env, run_cli, tasker
from tests.conftest import ROOT

SECRET = "tk-live-5d1e0b7a9c3f2e41"
DIAMOND_YAML = ROOT / "examples/diamond/config/tasks/customer_onboarding.yaml"
PATH = "/v1/templates/banking/customer_onboarding/1.0.0"


def _local_data(path: Path = DIAMOND_YAML) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _registered(template: dict[str, Any], environment: str = "production") -> dict[str, Any]:
    """A TemplateResponse as the worker answers: the template resolved for ``environment``,
    every serde default written out (as Rust serializes a struct)."""
    resolved = normalized(resolve_for_environment(template, environment))
    return {
        "template": {"template": resolved, "environment": environment, "resolved_at": NOW},
        "handler_metadata": {
            "namespace": "banking",
            "name": "customer_onboarding",
            "version": "1.0.0",
            "handler_class": "onboarding.load_applicant",
            "registered_at": NOW,
        },
        "cached": True,
        "cache_age_seconds": 12,
        "access_count": 3,
    }


def _diff(
    tmp: Path, worker: FakeTasker, orch: FakeTasker, *args: str
) -> subprocess.CompletedProcess[str]:
    env = clean_env(
        tmp,
        TASKER_ORCHESTRATION_URL=orch.url,
        TASKER_WORKER_URL=worker.url,
        TASKER_AUTH_TOKEN=SECRET,
    )
    return run_cli(["template", "diff", *args], cwd=tmp, env=env)


def test_registered_sample_matches_the_openapi_document() -> None:
    answer = _registered(_local_data())
    path = "/v1/templates/{namespace}/{name}/{version}"
    assert check_response("worker", path, "GET", 200, answer) is None


def test_identical_template_exits_0_and_the_ref_defaults_to_the_files(tmp_path: Path) -> None:
    with tasker() as (orch, worker):
        worker.reply("GET", PATH, Reply(200, _registered(_local_data())))
        table = _diff(tmp_path, worker, orch, "--template", str(DIAMOND_YAML))
        as_json = _diff(
            tmp_path,
            worker,
            orch,
            "banking/customer_onboarding/1.0.0",
            "-t",
            str(DIAMOND_YAML),
            "--format",
            "json",
        )
        paths = [s.path for s in worker.seen]
        auth = {s.headers["authorization"] for s in worker.seen}
    assert table.returncode == 0, table.stderr
    assert "Identical: the workers run what this file says." in table.stdout
    assert "(resolved for production)" in table.stdout
    assert paths == [PATH, PATH] and auth == {f"Bearer {SECRET}"}
    doc = json.loads(as_json.stdout)
    assert as_json.returncode == 0 and doc["identical"] is True and doc["differences"] == []
    assert SECRET not in table.stdout + table.stderr + as_json.stdout + as_json.stderr


def test_each_difference_is_named_by_path_and_exits_1(tmp_path: Path) -> None:
    deployed = copy.deepcopy(_local_data())
    steps = deployed["steps"]
    steps[2]["retry"] = {"max_attempts": 5}  # check_credit
    steps[1]["handler"]["initialization"]["accepted_documents"] = ["passport"]
    del steps[3]  # approve_account is not deployed
    steps.append({"name": "send_welcome", "handler": {"callable": "onboarding.welcome"}})
    with tasker() as (orch, worker):
        worker.reply("GET", PATH, Reply(200, _registered(deployed)))
        table = _diff(tmp_path, worker, orch, "-t", str(DIAMOND_YAML))
        as_json = _diff(tmp_path, worker, orch, "-t", str(DIAMOND_YAML), "--format", "json")
    assert table.returncode == 1, table.stderr
    out = table.stdout
    assert "~ steps[check_credit].retry.max_attempts: local 3, deployed 5" in out
    assert "~ steps[check_credit].retry.backoff_base_ms: local 1000, deployed null" in out
    assert (
        '~ steps[verify_identity].handler.initialization.accepted_documents: local ["passport", '
        '"national_id", "driving_licence"], deployed ["passport"]' in out
    )
    assert "+ steps[approve_account]: only in the local file" in out
    assert "- steps[send_welcome]: only in the registered version" in out
    assert "the workers do not run what this file says" in out
    doc = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and doc["identical"] is False
    changes = {(c["path"], c["change"]) for c in doc["differences"]}
    assert ("steps[approve_account]", "local_only") in changes
    assert ("steps[send_welcome]", "deployed_only") in changes
    assert ("steps[check_credit].retry.max_attempts", "changed") in changes


def test_the_deployed_environments_overrides_are_applied_to_the_local_file(
    tmp_path: Path,
) -> None:
    local = _local_data()
    local["environments"] = {
        "production": {"steps": [{"name": "ALL", "timeout_seconds": 99}]},
        "staging": {"steps": [{"name": "check_credit", "retry": {"max_attempts": 9}}]},
    }
    path = tmp_path / "onboarding.yaml"
    path.write_text(yaml.safe_dump(local), encoding="utf-8")
    with tasker() as (orch, worker):
        worker.reply("GET", PATH, Reply(200, _registered(local, "production")))
        production = _diff(tmp_path, worker, orch, "-t", str(path), "--format", "json")
        worker.reply("GET", PATH, Reply(200, _registered(local, "staging")))
        staging = _diff(tmp_path, worker, orch, "-t", str(path), "--format", "json")
        # the workers registered the file without its production overrides
        worker.reply(
            "GET",
            PATH,
            Reply(200, {**_registered(local), "template": {"template": normalized(local),
                                                           "environment": "production",
                                                           "resolved_at": NOW}}),
        )  # fmt: skip
        unresolved = _diff(tmp_path, worker, orch, "-t", str(path), "--format", "json")
    assert production.returncode == 0, production.stdout + production.stderr
    assert staging.returncode == 0, staging.stdout + staging.stderr
    assert json.loads(staging.stdout)["environment"] == "staging"
    assert unresolved.returncode == 1
    paths = {c["path"] for c in json.loads(unresolved.stdout)["differences"]}
    assert "steps[load_applicant].timeout_seconds" in paths


def test_input_and_server_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nsteps: [\n", encoding="utf-8")
    with tasker() as (orch, worker):
        no_template = _diff(tmp_path, worker, orch, "a/b/c")
        bad_ref = _diff(tmp_path, worker, orch, "banking/onboarding", "-t", str(DIAMOND_YAML))
        missing = _diff(tmp_path, worker, orch, "-t", str(tmp_path / "none.yaml"))
        not_loading = _diff(tmp_path, worker, orch, "-t", str(broken))
        asked = list(worker.seen)
        not_registered = _diff(tmp_path, worker, orch, "-t", str(DIAMOND_YAML))
        worker.reply("GET", PATH, Reply(200, {**_registered(_local_data()), "template": {}}))
        unreadable = _diff(tmp_path, worker, orch, "-t", str(DIAMOND_YAML))
        odd = {"template": {"name": "x", "steps": [{"name": 5}]}, "environment": "production"}
        worker.reply("GET", PATH, Reply(200, {**_registered(_local_data()), "template": odd}))
        not_ours = _diff(tmp_path, worker, orch, "-t", str(DIAMOND_YAML))
    for proc in (no_template, bad_ref, missing, not_loading):
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
    assert asked == []
    assert "missing option '--template'" in no_template.stderr
    assert "'banking/onboarding' is not NAMESPACE/NAME/VERSION" in bad_ref.stderr
    assert "none.yaml does not exist" in missing.stderr
    assert f"{broken}:3:1: error" in not_loading.stderr
    assert "does not load as a task template" in not_loading.stderr
    assert not_registered.returncode == 4
    assert "404" in not_registered.stderr and "have not registered" in not_registered.stderr
    assert unreadable.returncode == 4
    assert "holds no task template" in unreadable.stderr
    assert not_ours.returncode == 4 and "Traceback" not in not_ours.stderr
    assert "the registered template is not one tasker-ctl can read: at $." in not_ours.stderr


# --- properties --------------------------------------------------------------------------

_names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=8))


@st.composite
def _templates(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(_names, min_size=1, max_size=5, unique=True))
    steps = []
    for i, name in enumerate(names):
        step: dict[str, Any] = {
            "name": name,
            "handler": {
                "callable": draw(_names),
                "initialization": draw(st.dictionaries(_names, _scalars, max_size=3)),
            },
            "dependencies": draw(st.lists(st.sampled_from(names[:i]), unique=True)) if i else [],
        }
        if draw(st.booleans()):
            step["retry"] = {"max_attempts": draw(st.integers(0, 10))}
        if draw(st.booleans()):
            step["timeout_seconds"] = draw(st.integers(1, 600))
        steps.append(step)
    return {
        "name": draw(_names),
        "namespace_name": draw(_names),
        "version": "1.0.0",
        "description": draw(st.none() | st.text(max_size=10)),
        "steps": steps,
    }


@settings(max_examples=60, deadline=None, derandomize=True)
@given(_templates())
def test_a_template_does_not_differ_from_itself_written_out_in_full(
    template: dict[str, Any],
) -> None:
    assert diff_templates(normalized(template), normalized(normalized(template))) == []


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_templates(), st.data())
def test_one_changed_field_is_exactly_one_difference_at_its_path(
    template: dict[str, Any], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(template["steps"]) - 1))
    step = template["steps"][index]
    changed = copy.deepcopy(template)
    new_timeout = data.draw(st.integers(601, 900))
    changed["steps"][index]["timeout_seconds"] = new_timeout
    changes = diff_templates(normalized(template), normalized(changed))
    assert [(c.path, c.kind) for c in changes] == [
        (f"steps[{step['name']}].timeout_seconds", "changed")
    ]
    assert changes[0].deployed == new_timeout
    # a step only on one side is one difference, not one per field
    removed = copy.deepcopy(template)
    del removed["steps"][index]
    gone = diff_templates(normalized(template), normalized(removed))
    assert [(c.path, c.kind) for c in gone if c.path != "steps (order)"] == [
        (f"steps[{step['name']}]", "local_only")
    ]


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_parse_ref_reads_three_parts_or_refuses_with_a_usage_error(text: str) -> None:
    parts = text.strip().split("/")
    try:
        ref = parse_ref(text)
    except InvalidArgumentError as exc:
        assert "NAMESPACE/NAME/VERSION" in str(exc)
        assert len(parts) != 3 or not all(p.strip() for p in parts)
    else:
        assert isinstance(ref, TemplateRef)
        assert str(ref) == "/".join(p.strip() for p in parts)


@pytest.mark.parametrize("ref", ["a/b/c", " ns / name / 1.0.0 "])
def test_parse_ref_examples(ref: str) -> None:
    assert str(parse_ref(ref)).count("/") == 2
