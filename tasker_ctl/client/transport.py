"""HTTP to one Tasker API (orchestration or worker), with httpx, bounded retries and clear errors.

httpx is the HTTP library (imported when the first transport is built, so
``--help`` stays light): it verifies TLS by default against certifi's roots or
``SSL_CERT_FILE``/``SSL_CERT_DIR`` when set (the explicit way to trust a private
CA; verification cannot be switched off), has separate connect/read timeouts
and typed exceptions that map cleanly onto ours.

What this module guarantees:

* requests go to ``scheme://host:port`` of the endpoint's ``base_url`` plus the
  API path (the Rust client's ``Url::join`` drops a path in ``base_url`` too);
* the credential header is set on every request and redirects are *not*
  followed, so a credential never travels to another host; a 3xx is an error
  naming where the server pointed;
* 429/503 are retried per :class:`~tasker_ctl.client.retry.RetryPolicy`;
* every failure is a :class:`~tasker_ctl.client.errors.RemoteError` (or a
  :class:`~tasker_ctl.client.errors.ProfileError`) with one line naming the URL
  and a hint, scrubbed of secrets; answers over 32 MiB, non-JSON answers,
  ``NaN``, numbers too large for a double and nesting deeper than 200 levels
  are refused.
"""

from __future__ import annotations

import json
import math
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from tasker_ctl import __version__
from tasker_ctl.client.errors import (
    ConnectFailedError,
    HttpStatusError,
    InvalidResponseError,
    ProfileError,
    RemoteError,
    RequestTimeoutError,
    TlsError,
)
from tasker_ctl.client.profiles import MAX_RETRIES_CAP, Endpoint
from tasker_ctl.client.retry import RetryPolicy, parse_retry_after
from tasker_ctl.client.secrets import Redactor, display_url

if TYPE_CHECKING:
    import httpx

__all__ = ["MAX_BODY_BYTES", "MAX_DEPTH", "Answer", "Transport"]

MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 200
_SNIPPET = 200
_GRACE_S = 0.5
_PLAIN_HTTP_SIGNS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG")
"""What OpenSSL says when the other end answers a ClientHello in plain HTTP."""
USER_AGENT = f"tasker-ctl-py/{__version__}"


@dataclass(frozen=True)
class Answer:
    """A successful answer: its status, the URL asked, the parsed JSON and the attempts made."""

    status: int
    url: str
    data: Any
    attempts: int


class Transport:
    """Requests to one endpoint; reuse it for many calls (one connection pool)."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        label: str,
        redactor: Redactor | None = None,
        retries: int | None = None,
        timeout_ms: int | None = None,
        http: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        import httpx

        self.endpoint = endpoint
        self.label = label
        self.redactor = redactor or Redactor([endpoint.auth.secret] if endpoint.auth else [])
        self.policy = RetryPolicy(
            min(MAX_RETRIES_CAP, endpoint.max_retries if retries is None else retries)
        )
        self._sleep = sleep
        self._now = now
        self._on_retry = on_retry
        self._rng = random.Random()
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if endpoint.auth is not None:
            headers[endpoint.auth.header] = endpoint.auth.header_value()
        timeout = (timeout_ms or endpoint.timeout_ms) / 1000
        self._timeout_s = timeout
        try:
            self._client = httpx.Client(
                base_url=endpoint.origin,
                headers=headers,
                timeout=httpx.Timeout(timeout),
                follow_redirects=False,
                transport=http,
            )
        except (httpx.InvalidURL, ValueError) as exc:
            raise ProfileError(
                f"cannot use {self.where('')}: {self.scrub(str(exc))}",
                hint="check base_url and the credential values of the profile",
            ) from None

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """``text`` without secrets or control characters, on one line."""
        cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
        return self.redactor.scrub(cleaned)

    def where(self, path: str) -> str:
        """The URL of ``path`` as shown to users (no password)."""
        return self.scrub(display_url(self.endpoint.origin + path))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        ok: tuple[int, ...] = (200,),
        allow_empty: bool = False,
        check: Callable[[int, Any], str | None] | None = None,
        not_found_hint: str | None = None,
    ) -> Answer:
        """Send ``method path`` and return the parsed answer.

        ``check(status, data)`` says why a 2xx answer does not match the API
        document (or ``None``). Raises :class:`RemoteError` subclasses for
        transport, status and body problems.
        """
        import httpx

        url = self.where(path)
        query = {k: str(v) for k, v in (params or {}).items()}
        shown = url + ("?" + str(httpx.QueryParams(query)) if query else "")
        attempt = 0
        while True:
            attempt += 1
            status, headers, raw = self._send(method, path, query, body, shown)
            if self.policy.should_retry(status, attempt):
                wait = self.policy.delay(attempt, self._retry_after(headers), self._rng)
                if wait is not None:
                    if self._on_retry is not None:
                        self._on_retry(
                            f"{method} {shown}: HTTP {status}, retrying in {wait:.1f}s "
                            f"(retry {attempt} of {self.policy.max_retries})"
                        )
                    self._sleep(wait)
                    continue
            break
        if status in ok:
            data = self._parse(raw, method, shown, allow_empty, headers)
            if self.redactor.found_in(raw):  # a server that echoes the credential
                data = self.redactor.scrub_data(data)
            if check is not None:
                problem = check(status, data)
                if problem is not None:
                    raise InvalidResponseError(
                        f"the answer to {method} {shown} does not match the Tasker API: "
                        f"{self.scrub(problem)}",
                        url=url,
                        hint=f"is {self.where('')} a Tasker {self.label} of a compatible version?",
                    )
            return Answer(status, shown, data, attempt)
        raise self._status_error(method, shown, status, headers, raw, attempt, not_found_hint)

    # ------------------------------------------------------------------

    def _send(
        self, method: str, path: str, query: Mapping[str, str], body: Any, shown: str
    ) -> tuple[int, httpx.Headers, bytes]:
        """One exchange, bounded as a whole by the timeout (as reqwest's ``timeout``).

        httpx's timeouts bound each connect, write and read, so a server that sends a
        byte every few seconds would hold the command forever; the exchange runs in a
        daemon thread that is abandoned when the deadline passes. The deadline has a
        short grace so that a single connect or read that takes too long is reported
        by httpx's own timeout, which names the phase.
        """
        outcome: list[tuple[int, httpx.Headers, bytes] | BaseException] = []

        def exchange() -> None:
            try:
                outcome.append(self._exchange(method, path, query, body, shown))
            except BaseException as exc:  # handed to the caller's thread
                outcome.append(exc)

        worker = threading.Thread(target=exchange, name="tasker-ctl-http", daemon=True)
        worker.start()
        worker.join(self._timeout_s + _GRACE_S)
        if not outcome:
            raise RequestTimeoutError(
                f"{method} {shown} timed out after {self._timeout_s:g}s (the answer did not "
                "arrive in full in that time)",
                url=shown,
                hint=self._timeout_hint(),
            )
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def _timeout_hint(self) -> str:
        return (
            "the server is slow or unreachable; raise timeout_ms in the profile "
            f"(or TASKER_{self.label.split()[0].upper()}_TIMEOUT_MS) if it is just slow"
        )

    def _exchange(
        self, method: str, path: str, query: Mapping[str, str], body: Any, shown: str
    ) -> tuple[int, httpx.Headers, bytes]:
        import httpx

        try:
            request = self._client.build_request(
                method, path, params=query or None, json=body if body is not None else None
            )
            response = self._client.send(request, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        raise InvalidResponseError(
                            f"the answer to {method} {shown} is larger than "
                            f"{MAX_BODY_BYTES // (1024 * 1024)} MiB",
                            url=shown,
                            hint="narrow the request (--limit) or check the server",
                        )
                    chunks.append(chunk)
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            phase = (
                "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for the answer"
            )
            raise RequestTimeoutError(
                f"{method} {shown} timed out after {self._client.timeout.read or 0:g}s ({phase})",
                url=shown,
                hint=self._timeout_hint(),
            ) from None
        except httpx.ConnectError as exc:
            raise self._connect_error(exc, method, shown) from None
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
            raise ConnectFailedError(
                f"{method} {shown} failed: the connection broke ({self._reason(exc)})",
                url=shown,
                hint=f"is {self.where('')} an HTTP{'S' if shown.startswith('https') else ''} "
                f"Tasker {self.label}? check the scheme (http/https) and port of base_url",
            ) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError) as exc:
            raise ProfileError(
                f"cannot send {method} {shown}: {self._reason(exc)}",
                hint="check base_url and the credential values of the profile",
            ) from None
        except httpx.HTTPError as exc:
            raise RemoteError(f"{method} {shown} failed: {self._reason(exc)}", url=shown) from None
        except UnicodeError as exc:  # the resolver's IDNA encoding refused the host name
            raise ProfileError(
                f"cannot send {method} {shown}: the host name is not valid ({self._reason(exc)})",
                hint="check the host name in base_url (profile, or "
                f"TASKER_{self.label.split()[0].upper()}_URL)",
            ) from None
        return response.status_code, response.headers, b"".join(chunks)

    def _reason(self, exc: BaseException) -> str:
        text = str(exc) or type(exc).__name__
        return self.scrub(text)[:_SNIPPET]

    def _connect_error(self, exc: Exception, method: str, shown: str) -> RemoteError:
        cause = _root_cause(exc)
        host = self.where("")
        if isinstance(cause, ssl.SSLError) or "SSL" in str(exc) or "CERTIFICATE" in str(exc):
            detail = (
                getattr(cause, "verify_message", None)
                or getattr(cause, "reason", None)
                or self._reason(exc)
            )
            if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE" in str(exc):
                hint = (
                    "the server's certificate is not trusted (verification is always on); "
                    "if a private CA signed it, point SSL_CERT_FILE at that CA's certificate"
                )
            elif any(sign in str(detail).upper() for sign in _PLAIN_HTTP_SIGNS):
                plain = self.where("").replace("https://", "http://", 1)
                hint = (
                    "the server did not answer in TLS: if it serves plain HTTP, "
                    f"set base_url to {plain}"
                )
            else:
                hint = (
                    "the server and this client agree on no TLS version or cipher; "
                    "check the server's TLS settings, or that base_url names the right port"
                )
            return TlsError(
                f"TLS handshake with {host} failed: {self.scrub(str(detail))}",
                url=shown,
                hint=hint,
            )
        if isinstance(cause, socket.gaierror):
            return ConnectFailedError(
                f"cannot resolve the host of {host} ({self.scrub(str(cause.strerror or cause))})",
                url=shown,
                hint="check the host name in base_url (profile, or "
                f"TASKER_{self.label.split()[0].upper()}_URL)",
            )
        if isinstance(cause, ConnectionRefusedError):
            reason = "connection refused"
        else:
            reason = self._reason(cause if cause is not None else exc)
        return ConnectFailedError(
            f"cannot connect to the {self.label} at {host}: {reason}",
            url=shown,
            hint="is the server running and is base_url right? "
            f"(profile, or TASKER_{self.label.split()[0].upper()}_URL)",
        )

    def _retry_after(self, headers: httpx.Headers) -> float | None:
        return parse_retry_after(headers.get("retry-after"), self._now())

    def _parse(
        self, raw: bytes, method: str, shown: str, allow_empty: bool, headers: httpx.Headers
    ) -> Any:
        if not raw.strip():
            if allow_empty:
                return None
            raise InvalidResponseError(
                f"the answer to {method} {shown} is empty; a JSON document was expected",
                url=shown,
                hint=f"is {self.where('')} a Tasker {self.label}?",
            )
        try:
            data = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
        except (ValueError, RecursionError) as exc:
            kind = headers.get("content-type", "no content type")
            problem = "nests too deeply" if isinstance(exc, RecursionError) else _json_reason(exc)
            raise InvalidResponseError(
                f"the answer to {method} {shown} is not JSON ({self.scrub(kind)[:60]}; {problem}): "
                f"{self._snippet(raw)}",
                url=shown,
                hint=f"is {self.where('')} a Tasker {self.label} (and not a proxy or web page)?",
            ) from None
        if _too_deep(data):
            raise InvalidResponseError(
                f"the answer to {method} {shown} nests more than {MAX_DEPTH} levels deep",
                url=shown,
                hint=f"is {self.where('')} a Tasker {self.label}?",
            )
        return data

    def _snippet(self, raw: bytes) -> str:
        # the whole body is scrubbed before it is cut: a cut secret is no longer recognised
        head = self.redactor.scrub_bytes(raw)[: _SNIPPET * 2]
        text = self.scrub(" ".join(self.scrub(head.decode("utf-8", "replace")).split()))
        return repr(
            text[:_SNIPPET] + ("..." if len(text) > _SNIPPET or len(raw) > _SNIPPET * 2 else "")
        )

    def _status_error(
        self,
        method: str,
        shown: str,
        status: int,
        headers: httpx.Headers,
        raw: bytes,
        attempts: int,
        not_found_hint: str | None,
    ) -> HttpStatusError:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "unknown status"
        said = self._server_message(raw)
        tried = f" after {attempts} attempts" if attempts > 1 else ""
        message = f"{method} {shown} failed{tried}: HTTP {status} {phrase}" + (
            f": {said}" if said else ""
        )
        auth = self.endpoint.auth
        if 300 <= status < 400:
            target = self.scrub(headers.get("location", "?"))[:_SNIPPET]
            message = f"{method} {shown}: the server redirects (HTTP {status}) to {target}"
            hint = (
                "redirects are not followed, so credentials stay with the configured host; "
                "set base_url to the address the server points to"
            )
        elif status == 401:
            hint = (
                f"the credentials from {auth.source} were refused; check they are current"
                if auth
                else "the server wants credentials: set TASKER_AUTH_TOKEN (bearer) or "
                "TASKER_API_KEY, or auth in the profile"
            )
        elif status == 403:
            hint = (
                "the credentials are valid but lack the permission this call needs; "
                "ask for it or use another profile"
            )
        elif status == 404:
            hint = not_found_hint or "check the identifier"
        elif status == 409:
            hint = (
                "it conflicts with what the server has (e.g. a task with the same "
                "identity); change the request or look up the existing one"
            )
        elif status in (400, 422):
            hint = "the server refused the request as given; check the flags and the input"
        elif status in (429, 503):
            hint = (
                "the server is overloaded or unavailable; try again later, or raise "
                "max_retries in the profile"
            )
        elif status >= 500:
            hint = f"the {self.label} failed; its logs say why. Try again later"
        else:
            hint = f"unexpected status from the {self.label}"
        return HttpStatusError(message, url=shown, status=status, attempts=attempts, hint=hint)

    def _server_message(self, raw: bytes) -> str:
        if not raw.strip():
            return ""
        try:
            data = json.loads(raw, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            return self._snippet(raw)
        text = _error_text(data)
        if text is None:
            text = json.dumps(data, ensure_ascii=False)
        text = " ".join(self.scrub(text).split())
        return text[:_SNIPPET] + ("..." if len(text) > _SNIPPET else "")


def _error_text(data: Any) -> str | None:
    """The message of Tasker's error shapes: ``{"error": {"code", "message"}}`` or ``ApiError``."""
    if isinstance(data, str):
        return data
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        if isinstance(message, str):
            return f"{message} ({code})" if isinstance(code, str) else message
    if isinstance(error, str):
        return error
    if isinstance(data.get("message"), str):
        return str(data["message"])
    if len(data) == 1:
        ((kind, detail),) = data.items()
        if isinstance(detail, dict):
            for key in ("message", "reason", "operation", "uuid"):
                if isinstance(detail.get(key), str):
                    return f"{kind}: {detail[key]}"
    return None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    """A JSON number as a float; one too large for a double (``1e400``) is refused.

    Python would read it as infinity, which no JSON writer can give back (``--format
    json`` would print ``Infinity``); serde_json, the server's writer, never sends one.
    """
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"the number {text[:40]} is too large for a double")
    return value


def _json_reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return str(exc)[:_SNIPPET]


def _too_deep(data: Any) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _root_cause(exc: BaseException) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    found: BaseException | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (ssl.SSLError, socket.gaierror, ConnectionRefusedError, OSError)):
            found = current
            if isinstance(current, (ssl.SSLError, socket.gaierror, ConnectionRefusedError)):
                return current
        current = current.__cause__ or current.__context__
    return found
