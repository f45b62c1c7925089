"""Profiles and base URLs nobody here chose: bad host names, hostile profile files.

Found by the adversarial sweep (each test names what used to happen).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.client.errors import ProfileError
from tasker_ctl.client.profiles import Endpoint, url_problem
from tasker_ctl.client.transport import Transport
from tests.client.fake_server import clean_env, run_cli


@pytest.mark.parametrize("host", ["tasker..internal", "a" * 64 + ".example", ".tasker"])
def test_a_host_name_dns_cannot_carry_is_a_profile_error(tmp_path: Path, host: str) -> None:
    """It reached the resolver and crashed there (UnicodeError from IDNA encoding, exit 3)."""
    env = clean_env(tmp_path, TASKER_ORCHESTRATION_URL=f"http://{host}:8080")
    run = run_cli(["task", "list"], cwd=tmp_path, env=env)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "TASKER_ORCHESTRATION_URL has an invalid host name" in run.stderr


def test_profile_validate_names_the_line_of_a_bad_host(tmp_path: Path) -> None:
    config = tmp_path / ".config"
    config.mkdir()
    (config / "tasker.toml").write_text(
        '[profile.staging]\ndescription = "x"\n\n[profile.staging.worker]\n'
        'base_url = "http://workers..svc:8081"\n',
        encoding="utf-8",
    )
    run = run_cli(["profile", "validate"], cwd=tmp_path, env=clean_env(tmp_path))
    assert run.returncode == 1, run.stderr
    assert "tasker.toml:5: [profile.staging.worker] base_url has an invalid host name" in run.stdout


_host = st.text(st.sampled_from("ab.-_1é"), min_size=1, max_size=80)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(host=_host)
def test_a_url_that_passes_has_a_host_the_resolver_can_encode(host: str) -> None:
    if url_problem(f"http://{host}:8080") is None:
        host.encode("idna")  # what socket.getaddrinfo does with it


def test_the_transport_reports_a_host_the_resolver_refuses_as_a_profile_error() -> None:
    """Second line of defence, for endpoints built without the profile checks."""
    endpoint = Endpoint("http://tasker..internal:8080")
    with (
        Transport(endpoint, label="orchestration API") as api,
        pytest.raises(ProfileError, match="the host name is not valid"),
    ):
        api.request("GET", "/health")


@pytest.mark.parametrize("command", [["task", "list"], ["profile", "validate"]])
def test_a_profile_file_nested_too_deeply_is_a_clear_error(
    tmp_path: Path, command: list[str]
) -> None:
    """tomllib recursed until RecursionError: a traceback and exit 3."""
    config = tmp_path / ".config"
    config.mkdir()
    (config / "tasker.toml").write_text(
        "[profile.default]\nnamespaces = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8"
    )
    run = run_cli(command, cwd=tmp_path, env=clean_env(tmp_path))
    assert "Traceback" not in run.stderr
    output = run.stdout + run.stderr
    assert f"{config / 'tasker.toml'}: invalid TOML: arrays or inline tables nest too deeply" in (
        output
    )
    assert run.returncode == (1 if command[0] == "profile" else 2), output


def test_profile_add_writes_through_a_symlink_and_keeps_crlf_line_ends(tmp_path: Path) -> None:
    """The link was replaced by a copy (the real file never changed) and CRLF became LF."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "tasker.toml"
    old = b'# mine\r\n[profile.a]\r\ntransport = "rest"\r\n'
    real.write_bytes(old)
    (tmp_path / ".config").mkdir()
    link = tmp_path / ".config" / "tasker.toml"
    link.symlink_to(real)
    run = run_cli(["profile", "add", "b"], cwd=tmp_path, env=clean_env(tmp_path))
    assert run.returncode == 0, run.stderr
    assert link.is_symlink() and link.resolve() == real
    text = real.read_bytes()
    assert text.startswith(old) and b"[profile.b]\r\n" in text
    assert text.count(b"\n") == text.count(b"\r\n")  # every line end is the file's CRLF
    check = run_cli(["profile", "list", "--format", "json"], cwd=tmp_path, env=clean_env(tmp_path))
    assert '"name": "b"' in check.stdout


def test_a_profile_file_with_a_bom_is_read_as_the_rust_toml_crate_reads_it(
    tmp_path: Path,
) -> None:
    """'invalid TOML: Invalid statement' at 1:1, for a file upstream reads (editors add BOMs)."""
    (tmp_path / ".config").mkdir()
    path = tmp_path / ".config" / "tasker.toml"
    old = b'\xef\xbb\xbf[profile.staging.orchestration]\nbase_url = "http://orch:8080"\n'
    path.write_bytes(old)
    env = clean_env(tmp_path)
    shown = run_cli(["profile", "show", "staging", "--format", "json"], cwd=tmp_path, env=env)
    added = run_cli(["profile", "add", "ci"], cwd=tmp_path, env=env)
    assert shown.returncode == 0, shown.stderr
    assert '"base_url": "http://orch:8080"' in shown.stdout
    assert added.returncode == 0, added.stderr
    assert path.read_bytes().startswith(old)  # the BOM and the text are kept as they were


def test_a_profile_file_in_another_encoding_names_the_line_and_says_what_to_do(
    tmp_path: Path,
) -> None:
    """It printed the codec's exception and blamed the file's permissions."""
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "tasker.toml").write_bytes(
        b'[profile.default]\ndescription = "caf\xe9"\n'
    )
    run = run_cli(["task", "list"], cwd=tmp_path, env=clean_env(tmp_path))
    assert run.returncode == 2
    assert "tasker.toml:2:19: the profile file is not UTF-8 text (byte 0xe9)" in run.stderr
    assert "save it as UTF-8" in run.stderr and "permissions" not in run.stderr
