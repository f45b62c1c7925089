"""Client profiles: where the orchestration and worker APIs are, and how to log in.

The file format and the search are the real ``tasker-ctl``'s (tasker-client):

* The profile file is the first of these that exists, relative to the current
  directory (no walking up): ``.config/tasker.toml`` (the unified file; only
  its ``[profile.*]`` tables are read here), ``.config/tasker-client.toml``,
  ``./tasker-client.toml``, ``$XDG_CONFIG_HOME/tasker/client.toml`` (default
  ``~/.config/tasker/client.toml``), ``~/.tasker/client.toml``.
* The active profile is ``--profile``, else ``TASKER_CLIENT_PROFILE``, else
  ``default``. A profile is resolved from built-in defaults, then
  ``[profile.default]``, then ``[profile.NAME]``, then environment variables,
  which win over every file value (as upstream).
* Keys: ``description``, ``namespaces``, ``transport`` (``rest``/``grpc``),
  ``tools``, and per endpoint (``[profile.NAME.orchestration]``,
  ``[profile.NAME.worker]``) ``base_url``, ``timeout_ms`` (default 30000),
  ``max_retries`` (default 3) and ``auth.method``, either
  ``{type = "BearerToken", value = "..."}`` or
  ``{type = "ApiKey", value = {key = "...", header_name = "X-API-Key"}}``.
* Environment: ``TASKER_ORCHESTRATION_URL``, ``TASKER_WORKER_URL``,
  ``TASKER_ORCHESTRATION_TIMEOUT_MS``, ``TASKER_WORKER_TIMEOUT_MS``,
  ``TASKER_CLIENT_TRANSPORT`` (or ``TASKER_TEST_TRANSPORT``) and, per endpoint,
  the first of ``TASKER_ORCHESTRATION_AUTH_TOKEN``/``TASKER_WORKER_AUTH_TOKEN``,
  ``TASKER_AUTH_TOKEN`` (bearer), ``TASKER_API_KEY`` (header
  ``TASKER_API_KEY_HEADER``, default ``X-API-Key``).

Ours, beyond upstream: each credential variable also has a ``..._FILE`` form
naming a file that holds the secret (Docker/Kubernetes secrets; surrounding
whitespace is stripped); unknown keys are warned about; values upstream would
silently drop (a bad ``TASKER_ORCHESTRATION_TIMEOUT_MS``) are errors; the
origin of every value is kept so ``profile show`` can say where it came from.
Secrets are :class:`~tasker_ctl.client.secrets.Secret` objects and are never
part of a message.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from tasker_ctl.client.errors import ProfileError
from tasker_ctl.client.secrets import Redactor, Secret, display_url
from tasker_ctl.errors import Location
from tasker_ctl.suggest import did_you_mean
from tasker_ctl.toml_files import key_line

__all__ = [
    "DEFAULT_PROFILE",
    "MAX_RETRIES_CAP",
    "PROFILE_ENV_VAR",
    "Auth",
    "ClientProfile",
    "Endpoint",
    "Problem",
    "ProfileFile",
    "active_profile_name",
    "add_profile",
    "candidate_paths",
    "check_profile_file",
    "find_profile_file",
    "load_client_profile",
    "read_profile_file",
    "resolve_profile",
]

DEFAULT_PROFILE = "default"
PROFILE_ENV_VAR = "TASKER_CLIENT_PROFILE"
DEFAULT_TIMEOUT_MS = 30_000
DEFAULT_MAX_RETRIES = 3
MAX_RETRIES_CAP = 10
"""Retries actually made, whatever ``max_retries`` says: a CLI call stays bounded."""
MAX_TIMEOUT_MS = 86_400_000
DEFAULT_URLS = {"orchestration": "http://localhost:8080", "worker": "http://localhost:8081"}
DEFAULT_API_KEY_HEADER = "X-API-Key"
TOOL_TIERS = ("tier1", "tier2", "tier3")
TRANSPORTS = ("rest", "grpc")
ENDPOINTS: tuple[Literal["orchestration"], Literal["worker"]] = ("orchestration", "worker")

_NAME = re.compile(r"[A-Za-z0-9_-]+")
_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_PROFILE_KEYS = frozenset({"description", "namespaces", "transport", "tools", *ENDPOINTS})
_ENDPOINT_KEYS = frozenset({"base_url", "timeout_ms", "max_retries", "auth"})
_U32_MAX = 2**32 - 1
_SECRET_FILE_MAX = 64 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a profile file; ``warning`` ones do not stop a command."""

    message: str
    location: Location
    warning: bool = False


@dataclass(frozen=True)
class Auth:
    """How requests authenticate: ``Authorization: Bearer ...`` or an API-key header."""

    kind: Literal["bearer", "api_key"]
    secret: Secret
    header: str
    source: str
    """Where the secret came from (a variable or file name), never the secret itself."""

    def header_value(self) -> str:
        """The header's value (holds the secret: for the HTTP layer only)."""
        token = self.secret.reveal()
        return f"Bearer {token}" if self.kind == "bearer" else token

    def describe(self) -> dict[str, str]:
        """What ``profile show`` prints: the kind, header and source, no value."""
        return {
            "type": self.kind,
            "header": self.header,
            "source": self.source,
            "value": str(self.secret),
        }


@dataclass(frozen=True)
class Endpoint:
    """One API (orchestration or worker), resolved."""

    base_url: str
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    max_retries: int = DEFAULT_MAX_RETRIES
    auth: Auth | None = None
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """``scheme://host:port``: requests go to this plus ``/v1/...`` (as upstream)."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def ignored_path(self) -> str | None:
        """A path in ``base_url`` that the request URLs drop (as the Rust client does)."""
        path = urlsplit(self.base_url).path
        return path if path not in ("", "/") else None

    def describe(self) -> dict[str, Any]:
        """The endpoint for ``profile show`` (secrets redacted)."""
        return {
            "base_url": display_url(self.base_url),
            "timeout_ms": self.timeout_ms,
            "max_retries": self.max_retries,
            "auth": self.auth.describe() if self.auth else None,
            "sources": dict(self.sources),
        }


@dataclass(frozen=True)
class ClientProfile:
    """A resolved profile: everything a connected command needs."""

    name: str
    orchestration: Endpoint
    worker: Endpoint
    transport: str = "rest"
    description: str | None = None
    namespaces: tuple[str, ...] | None = None
    tools: tuple[str, ...] | None = None
    path: Path | None = None
    warnings: tuple[str, ...] = ()

    def endpoint(self, which: Literal["orchestration", "worker"]) -> Endpoint:
        """The orchestration or the worker endpoint."""
        return self.orchestration if which == "orchestration" else self.worker

    def redactor(self) -> Redactor:
        """A redactor that knows this profile's secrets (and URL passwords)."""
        values: list[Secret | str] = []
        for endpoint in (self.orchestration, self.worker):
            if endpoint.auth is not None:
                values.append(endpoint.auth.secret)
            password = _url_password(endpoint.base_url)
            if password:
                values.append(password)
        return Redactor(values)

    def describe(self, *, active: bool = False) -> dict[str, Any]:
        """The profile for ``profile show``/``list`` output (secrets redacted)."""
        return {
            "name": self.name,
            "active": active,
            "description": self.description,
            "transport": self.transport,
            "orchestration": self.orchestration.describe(),
            "worker": self.worker.describe(),
            "namespaces": list(self.namespaces) if self.namespaces is not None else None,
            "tools": list(self.tools) if self.tools is not None else None,
            "file": str(self.path) if self.path else None,
        }


@dataclass(frozen=True)
class ProfileFile:
    """The profile tables of one file (``path`` is ``None`` when no file was found)."""

    path: Path | None
    profiles: Mapping[str, Mapping[str, Any]]
    problems: tuple[Problem, ...] = ()

    @property
    def names(self) -> list[str]:
        """Profile names, sorted; ``default`` is always available."""
        return sorted({*self.profiles, DEFAULT_PROFILE})


# ---------------------------------------------------------------------------
# Finding and reading the file


def candidate_paths(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> list[Path]:
    """The profile file locations, in the order they are tried."""
    env = os.environ if env is None else env
    base = Path.cwd() if cwd is None else cwd
    home = Path(env.get("HOME") or Path.home())
    config_home = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    return [
        base / ".config" / "tasker.toml",
        base / ".config" / "tasker-client.toml",
        base / "tasker-client.toml",
        config_home / "tasker" / "client.toml",
        home / ".tasker" / "client.toml",
    ]


def find_profile_file(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """The profile file in use, or ``None``."""
    for path in candidate_paths(cwd, env):
        if path.is_file():
            return path
    return None


def read_profile_file(path: Path) -> ProfileFile:
    """Read and check the ``[profile.*]`` tables of ``path``; problems are collected.

    Raises:
        ProfileError: The file cannot be read or is not TOML.
    """
    return parse_profile_text(_read_text(path), path)


def _read_text(path: Path) -> str:
    """The profile file's text, as it is (CRLF stays CRLF); errors name the file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError(
            f"cannot read the profile file: {exc.strerror or exc}",
            location=Location(path),
            hint="check the path and its permissions",
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(
            f"the profile file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
            location=Location.of_byte(path, raw, exc.start),
            hint="TOML files are UTF-8: save it as UTF-8 (it looks like another encoding)",
        ) from None
    return text


def parse_profile_text(text: str, path: Path) -> ProfileFile:
    """Check the profile tables of a TOML document read from ``path``."""
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))  # a BOM, as the Rust toml crate
    except tomllib.TOMLDecodeError as exc:
        message, line, column = _toml_message(exc)
        raise ProfileError(
            f"invalid TOML: {message}",
            location=Location(path, line, column),
            hint="fix the syntax of the profile file",
        ) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ProfileError(
            "invalid TOML: arrays or inline tables nest too deeply to read",
            location=Location(path),
            hint="a profile file needs no nesting deeper than a few levels; fix the file",
        ) from None
    checker = _Checker(path)
    raw = data.get("profile", {})
    profiles: dict[str, dict[str, Any]] = {}
    if not isinstance(raw, dict):
        checker.error(("profile",), "'profile' must be a table of profiles ([profile.NAME])")
    else:
        for name, table in raw.items():
            checked = checker.profile(name, table)
            if checked is not None:
                profiles[name] = checked
    return ProfileFile(path, profiles, tuple(checker.problems))


def _toml_message(exc: tomllib.TOMLDecodeError) -> tuple[str, int | None, int | None]:
    message = str(exc.args[0]) if exc.args else str(exc)
    line: int | None = getattr(exc, "lineno", None)
    column: int | None = getattr(exc, "colno", None)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        message = message[: found.start()]
        line, column = int(found.group(1)), int(found.group(2))
    elif message.endswith("(at end of document)"):
        message = message.removesuffix("(at end of document)").rstrip()
    return message, line, column


class _Checker:
    """Checks profile tables against upstream's types, collecting :class:`Problem`s."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def _location(self, keys: tuple[str, ...]) -> Location:
        return Location(self.path, key_line(self.path, keys))

    def error(self, keys: tuple[str, ...], message: str) -> None:
        self.problems.append(Problem(message, self._location(keys)))

    def warn(self, keys: tuple[str, ...], message: str) -> None:
        self.problems.append(Problem(message, self._location(keys), warning=True))

    def profile(self, name: str, table: object) -> dict[str, Any] | None:
        keys = ("profile", name)
        where = f"[profile.{name}]"
        if not _NAME.fullmatch(name):
            self.warn(keys, f"{where}: profile names are letters, digits, '-' and '_'")
        if not isinstance(table, dict):
            self.error(keys, f"{where} must be a table")
            return None
        result: dict[str, Any] = {}
        for key, value in table.items():
            here = (*keys, key)
            if key not in _PROFILE_KEYS:
                close = did_you_mean(key, sorted(_PROFILE_KEYS))
                self.warn(
                    here,
                    f"{where}: unknown key '{key}' is ignored" + (f" ({close})" if close else ""),
                )
            elif key == "description":
                result[key] = self._string(here, f"{where} description", value)
            elif key in ("namespaces", "tools"):
                items = self._strings(here, f"{where} {key}", value)
                if items is not None and key == "tools":
                    for tier in items:
                        if tier not in TOOL_TIERS:
                            self.error(
                                here,
                                f"{where} tools: unknown tier '{tier}' "
                                "(expected tier1, tier2 or tier3)",
                            )
                result[key] = items
            elif key == "transport":
                if value not in TRANSPORTS:
                    self.error(
                        here, f'{where} transport must be "rest" or "grpc", not {_show(value)}'
                    )
                else:
                    result[key] = value
            else:
                result[key] = self.endpoint(here, f"[profile.{name}.{key}]", value)
        return result

    def endpoint(self, keys: tuple[str, ...], where: str, table: object) -> dict[str, Any] | None:
        if not isinstance(table, dict):
            self.error(keys, f"{where} must be a table")
            return None
        result: dict[str, Any] = {}
        for key, value in table.items():
            here = (*keys, key)
            if key not in _ENDPOINT_KEYS:
                close = did_you_mean(key, sorted(_ENDPOINT_KEYS))
                self.warn(
                    here,
                    f"{where}: unknown key '{key}' is ignored" + (f" ({close})" if close else ""),
                )
            elif key == "base_url":
                url = self._string(here, f"{where} base_url", value)
                if url is not None:
                    problem = url_problem(url)
                    if problem:
                        self.error(here, f"{where} base_url {problem}")
                    else:
                        result[key] = url
            elif key == "timeout_ms":
                result[key] = self._integer(here, f"{where} timeout_ms", value, 1, MAX_TIMEOUT_MS)
            elif key == "max_retries":
                result[key] = self._integer(here, f"{where} max_retries", value, 0, _U32_MAX)
            else:
                result[key] = self.auth(here, f"{where} auth", value)
        return result

    def auth(self, keys: tuple[str, ...], where: str, table: object) -> Auth | None:
        # Values under auth are secrets: messages describe them, never show them.
        method = table.get("method") if isinstance(table, dict) else None
        if not isinstance(method, dict):
            self.error(
                keys,
                f"{where} must be a table with a 'method' table: "
                'method = {type = "BearerToken", value = "..."} or '
                'method = {type = "ApiKey", value = {key = "...", header_name = "X-API-Key"}}',
            )
            return None
        kind, value = method.get("type"), method.get("value")
        source = f"{self.path} [{'.'.join(keys)}]"
        if kind == "BearerToken":
            if not isinstance(value, str) or not value:
                self.error(keys, f"{where}: a BearerToken's value must be a non-empty string")
                return None
            return self._checked_auth(
                keys, where, Auth("bearer", Secret(value), "Authorization", source)
            )
        if kind == "ApiKey":
            key = value.get("key") if isinstance(value, dict) else None
            header = (
                value.get("header_name", DEFAULT_API_KEY_HEADER)
                if isinstance(value, dict)
                else None
            )
            if not isinstance(key, str) or not key:
                self.error(
                    keys, f"{where}: an ApiKey's value must be a table with a non-empty 'key'"
                )
                return None
            if not isinstance(header, str) or not _HEADER_NAME.fullmatch(header):
                self.error(
                    keys, f"{where}: header_name must be an HTTP header name such as X-API-Key"
                )
                return None
            return self._checked_auth(keys, where, Auth("api_key", Secret(key), header, source))
        self.error(keys, f'{where}: method.type must be "BearerToken" or "ApiKey"')
        return None

    def _checked_auth(self, keys: tuple[str, ...], where: str, auth: Auth) -> Auth | None:
        problem = secret_problem(auth.secret.reveal())
        if problem:
            self.error(keys, f"{where}: the secret {problem}")
            return None
        return auth

    def _string(self, keys: tuple[str, ...], what: str, value: object) -> str | None:
        if isinstance(value, str):
            return value
        self.error(keys, f"{what} must be a string, not {_show(value)}")
        return None

    def _strings(self, keys: tuple[str, ...], what: str, value: object) -> tuple[str, ...] | None:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        self.error(keys, f"{what} must be a list of strings")
        return None

    def _integer(
        self, keys: tuple[str, ...], what: str, value: object, low: int, high: int
    ) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        self.error(keys, f"{what} must be a whole number from {low} to {high}, not {_show(value)}")
        return None


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a base URL, or ``None``."""
    if not url.startswith(("http://", "https://")):
        return f"must start with http:// or https:// (got {_show(display_url(url))})"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"is not a valid URL: {exc}"
    if not parts.hostname:
        return f"has no host (got {_show(display_url(url))})"
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "holds whitespace or control characters"
    return _host_problem(parts.hostname)


def _host_problem(host: str) -> str | None:
    """Why ``host`` (not an IP literal) cannot be looked up in DNS, or ``None``."""
    if ":" in host or _IPV4.fullmatch(host):
        return None  # an IPv6 literal, or an IPv4 address (httpx checks those)
    try:
        ascii_host = host.encode("idna").decode("ascii")  # RFC 3490; non-ASCII names too
    except UnicodeError:
        ascii_host = ""
    labels = ascii_host.removesuffix(".").split(".")
    if not ascii_host or len(ascii_host) > 253 or not all(0 < len(p) <= 63 for p in labels):
        return (
            f"has an invalid host name {_show(host)} (dot-separated labels of 1 to 63 "
            "characters, 253 in all)"
        )
    return None


def secret_problem(value: str) -> str | None:
    """Why ``value`` cannot go in an HTTP header, or ``None`` (never quotes the value)."""
    if not value:
        return "is empty"
    if any(not (" " <= ch <= "~") for ch in value):
        return "holds characters an HTTP header cannot carry (only printable ASCII)"
    if value != value.strip():
        return "starts or ends with whitespace"
    return None


def _url_password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# Resolving a profile


def active_profile_name(explicit: str | None, env: Mapping[str, str] | None = None) -> str:
    """``--profile``, else ``TASKER_CLIENT_PROFILE``, else ``default``."""
    env = os.environ if env is None else env
    return explicit or env.get(PROFILE_ENV_VAR) or DEFAULT_PROFILE


def load_client_profile(
    explicit: str | None = None, *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> ClientProfile:
    """Find the profile file and resolve the active profile.

    Raises:
        ProfileError: The file is invalid, the profile does not exist, or an
            environment variable is invalid.
    """
    env = os.environ if env is None else env
    path = find_profile_file(cwd, env)
    file = read_profile_file(path) if path is not None else ProfileFile(None, {})
    return resolve_profile(active_profile_name(explicit, env), file, env)


def resolve_profile(
    name: str, file: ProfileFile, env: Mapping[str, str] | None = None
) -> ClientProfile:
    """Defaults, then ``[profile.default]``, then ``[profile.NAME]``, then the environment.

    Raises:
        ProfileError: An error in the file, an unknown profile, a bad variable.
    """
    env = os.environ if env is None else env
    errors = [p for p in file.problems if not p.warning]
    if errors:
        first = errors[0]
        more = (
            f" (and {len(errors) - 1} more problem(s); run 'tasker-ctl profile validate')"
            if len(errors) > 1
            else ""
        )
        raise ProfileError(
            first.message + more, location=first.location, hint="fix the profile file"
        )
    if name != DEFAULT_PROFILE and name not in file.profiles:
        raise _unknown_profile(name, file)
    layers = [(f"[profile.{DEFAULT_PROFILE}]", file.profiles.get(DEFAULT_PROFILE, {}))]
    if name != DEFAULT_PROFILE:
        layers.append((f"[profile.{name}]", file.profiles[name]))
    settings: dict[str, Any] = {"transport": "rest"}
    endpoints: dict[str, dict[str, Any]] = {
        which: {
            "base_url": DEFAULT_URLS[which],
            "timeout_ms": DEFAULT_TIMEOUT_MS,
            "max_retries": DEFAULT_MAX_RETRIES,
            "auth": None,
        }
        for which in ENDPOINTS
    }
    sources: dict[str, dict[str, str]] = {
        which: dict.fromkeys(endpoints[which], "default") for which in ENDPOINTS
    }
    for label, layer in layers:
        for key in ("description", "namespaces", "transport", "tools"):
            if layer.get(key) is not None:
                settings[key] = layer[key]
        for which in ENDPOINTS:
            for key, value in (layer.get(which) or {}).items():
                if value is not None:
                    endpoints[which][key] = value
                    sources[which][key] = label
    _apply_env(env, settings, endpoints, sources)
    warnings = tuple(f"{p.location}: {p.message}" for p in file.problems if p.warning)
    built = {
        which: Endpoint(
            base_url=endpoints[which]["base_url"],
            timeout_ms=endpoints[which]["timeout_ms"],
            max_retries=endpoints[which]["max_retries"],
            auth=endpoints[which]["auth"],
            sources={
                k: v
                for k, v in sources[which].items()
                if not (k == "auth" and endpoints[which]["auth"] is None)
            },
        )
        for which in ENDPOINTS
    }
    return ClientProfile(
        name=name,
        orchestration=built["orchestration"],
        worker=built["worker"],
        transport=settings["transport"],
        description=settings.get("description"),
        namespaces=settings.get("namespaces"),
        tools=settings.get("tools"),
        path=file.path,
        warnings=warnings,
    )


def _unknown_profile(name: str, file: ProfileFile) -> ProfileError:
    if file.path is None:
        return ProfileError(
            f"profile '{name}' was asked for, but no profile file was found",
            hint=f"create .config/tasker.toml with a [profile.{name}] table, or run "
            f"'tasker-ctl profile add {name} --orchestration-url URL'",
        )
    close = did_you_mean(name, file.names)
    return ProfileError(
        f"profile '{name}' is not defined" + (f" ({close})" if close else ""),
        location=Location(file.path),
        hint=f"available profiles: {', '.join(file.names)}",
    )


def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value if value else None


def _apply_env(
    env: Mapping[str, str],
    settings: dict[str, Any],
    endpoints: dict[str, dict[str, Any]],
    sources: dict[str, dict[str, str]],
) -> None:
    for var in ("TASKER_CLIENT_TRANSPORT", "TASKER_TEST_TRANSPORT"):
        value = _env(env, var)
        if value is not None:
            lowered = value.lower()
            if lowered not in ("rest", "http", "grpc"):
                raise ProfileError(f"{var}={value!r} is not a transport", hint="use rest or grpc")
            settings["transport"] = "grpc" if lowered == "grpc" else "rest"
            break
    prefix = {"orchestration": "TASKER_ORCHESTRATION", "worker": "TASKER_WORKER"}
    api_key = _secret_from_env(env, "TASKER_API_KEY")
    header = _env(env, "TASKER_API_KEY_HEADER") or DEFAULT_API_KEY_HEADER
    if not _HEADER_NAME.fullmatch(header):
        raise ProfileError(
            "TASKER_API_KEY_HEADER is not an HTTP header name", hint="use a name such as X-API-Key"
        )
    shared_token = _secret_from_env(env, "TASKER_AUTH_TOKEN")
    for which in ENDPOINTS:
        url_var = f"{prefix[which]}_URL"
        url = _env(env, url_var)
        if url is not None:
            problem = url_problem(url)
            if problem:
                raise ProfileError(
                    f"{url_var} {problem}",
                    hint="set it to the API's base URL, e.g. http://localhost:8080",
                )
            endpoints[which]["base_url"] = url
            sources[which]["base_url"] = url_var
        timeout_var = f"{prefix[which]}_TIMEOUT_MS"
        timeout = _env(env, timeout_var)
        if timeout is not None:
            if not timeout.isdigit() or not 1 <= int(timeout) <= MAX_TIMEOUT_MS:
                raise ProfileError(
                    f"{timeout_var}={timeout[:40]!r} is not a timeout in milliseconds",
                    hint=f"use a whole number from 1 to {MAX_TIMEOUT_MS}",
                )
            endpoints[which]["timeout_ms"] = int(timeout)
            sources[which]["timeout_ms"] = timeout_var
        token = _secret_from_env(env, f"{prefix[which]}_AUTH_TOKEN") or shared_token
        if token is not None:
            endpoints[which]["auth"] = Auth("bearer", token[0], "Authorization", token[1])
            sources[which]["auth"] = token[1]
        elif api_key is not None:
            endpoints[which]["auth"] = Auth("api_key", api_key[0], header, api_key[1])
            sources[which]["auth"] = api_key[1]


def _secret_from_env(env: Mapping[str, str], var: str) -> tuple[Secret, str] | None:
    """The secret in ``var``, or in the file ``var_FILE`` names; with its source."""
    value, file_var = _env(env, var), f"{var}_FILE"
    file_name = _env(env, file_var)
    if value is not None and file_name is not None:
        raise ProfileError(f"both {var} and {file_var} are set", hint="unset one of them")
    source = var
    if file_name is not None:
        path = Path(file_name).expanduser()
        try:
            with path.open("rb") as handle:
                raw = handle.read(_SECRET_FILE_MAX + 1)
        except OSError as exc:
            raise ProfileError(
                f"cannot read the secret file named by {file_var}: {exc.strerror or exc}",
                location=Location(path),
                hint="check the path and its permissions",
            ) from None
        if len(raw) > _SECRET_FILE_MAX:
            raise ProfileError(
                f"the secret file named by {file_var} is larger than 64 KiB",
                location=Location(path),
            )
        try:
            value = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise ProfileError(
                f"the secret file named by {file_var} is not UTF-8 text", location=Location(path)
            ) from None
        source = f"{file_var} ({path})"
    if value is None:
        return None
    problem = secret_problem(value)
    if problem:
        raise ProfileError(
            f"the secret in {source} {problem}",
            hint="check the value; it is sent as an HTTP header",
        )
    return Secret(value), source


# ---------------------------------------------------------------------------
# profile validate / add


def check_profile_file(path: Path, env: Mapping[str, str] | None = None) -> list[Problem]:
    """Every problem of ``path`` (syntax, types, profiles that do not resolve), in file order.

    Raises:
        ProfileError: The file cannot be read.
    """
    try:
        file = read_profile_file(path)
    except ProfileError as exc:
        if exc.location is None or not str(exc.message).startswith("invalid TOML"):
            raise
        return [Problem(exc.message, exc.location)]
    problems = list(file.problems)
    if not file.profiles and not any(not p.warning for p in problems):
        problems.append(Problem("no [profile.NAME] tables are defined", Location(path)))
    clean = replace(file, problems=())
    for name in sorted(file.profiles):
        try:
            profile = resolve_profile(name, clean, env)
        except ProfileError as exc:
            problems.append(
                Problem(f"[profile.{name}]: {exc.message}", exc.location or Location(path))
            )
            continue
        for which in ENDPOINTS:
            ignored = profile.endpoint(which).ignored_path
            if ignored:
                problems.append(
                    Problem(
                        f"[profile.{name}.{which}] base_url has the path {ignored!r}, which "
                        "requests drop (they go to /v1/... and /health on the host, as with "
                        "the Rust client)",
                        Location(path, key_line(path, ("profile", name, which, "base_url"))),
                        warning=True,
                    )
                )
    return sorted(problems, key=lambda p: (p.location.line or 0, p.message))


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch < " " or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def add_profile(
    name: str,
    *,
    orchestration_url: str,
    worker_url: str,
    description: str | None = None,
    transport: str = "rest",
    tools: list[str] | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Path:
    """Append ``[profile.NAME]`` to the profile file in use (or create ``.config/tasker.toml``).

    The existing text is kept byte for byte; the new file is checked before it
    replaces the old one. Returns the file written.

    Raises:
        ProfileError: Bad name/URL/transport/tier, the profile exists, the file
            is invalid or cannot be written.
    """
    if not _NAME.fullmatch(name):
        raise ProfileError(
            f"profile name {name!r} may hold only letters, digits, '-' and '_'",
            hint="e.g. staging, prod-eu, ci_local",
        )
    if transport not in TRANSPORTS:
        raise ProfileError(f"transport must be rest or grpc, not {transport!r}")
    for label, url in (("--orchestration-url", orchestration_url), ("--worker-url", worker_url)):
        problem = url_problem(url)
        if problem:
            raise ProfileError(f"{label} {problem}")
    for tier in tools or []:
        if tier not in TOOL_TIERS:
            raise ProfileError(f"unknown tool tier {tier!r}", hint="use tier1, tier2 or tier3")
    for text in (description or "", *(tools or [])):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ProfileError(
                "the description holds characters that are not valid UTF-8"
            ) from None
    path = find_profile_file(cwd, env)
    if path is None:
        path = (Path.cwd() if cwd is None else cwd) / ".config" / "tasker.toml"
        old = ""
    else:
        old = _read_text(path)
        existing = parse_profile_text(old, path)
        if name in existing.profiles:
            raise ProfileError(
                f"profile '{name}' already exists",
                location=Location(path, key_line(path, ("profile", name))),
                hint="edit the file to change it, or choose another name",
            )
    lines = [f"[profile.{name}]"]
    if description is not None:
        lines.append(f"description = {toml_string(description)}")
    lines.append(f"transport = {toml_string(transport)}")
    if tools:
        lines.append("tools = [" + ", ".join(toml_string(t) for t in tools) + "]")
    for which, url in (("orchestration", orchestration_url), ("worker", worker_url)):
        lines += ["", f"[profile.{name}.{which}]", f"base_url = {toml_string(url)}"]
    eol = "\r\n" if "\r\n" in old else "\n"  # the file's own line ends
    separator = "" if not old else ("" if old.endswith("\n") else eol) + eol
    new = old + separator + eol.join(lines) + eol
    try:
        checked = parse_profile_text(new, path)
    except ProfileError as exc:
        raise ProfileError(
            f"adding the profile would make the file invalid: {exc.message}",
            location=Location(path),
            hint="the file defines 'profile' in a way new tables cannot extend; edit it by hand",
        ) from None
    if name not in checked.profiles:
        raise ProfileError(
            "adding the profile would not define it; edit the file by hand", location=Location(path)
        )
    # a symlinked file (dotfiles) is written where it lives; the link stays a link
    _write_atomically(path.resolve() if path.is_symlink() else path, new)
    return path


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        temp = path.with_name(f".{path.name}.tasker-ctl-{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            temp.replace(path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ProfileError(
            f"cannot write the profile file: {exc.strerror or exc}", location=Location(path)
        ) from None
