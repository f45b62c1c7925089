"""Errors of the connected commands, and the exit code of a failed server call.

Two families, told apart by what the user has to fix:

* :class:`ProfileError` (a :class:`~tasker_ctl.errors.ConfigError`, exit 2): the
  profile file, an environment variable or a flag is wrong; nothing was sent.
* :class:`RemoteError` (exit :data:`REMOTE_EXIT_CODE`, 4): the request was
  made (or tried) and the connection, the TLS handshake, the server's status or
  its answer failed. The product contract reserves 0-3 and 130; 4 is ours, and
  the CLI maps :class:`RemoteError` to it.

Every message names the URL it concerns and never holds a secret: they are
built from values that went through :class:`~tasker_ctl.client.secrets.Redactor`.
"""

from __future__ import annotations

from tasker_ctl.errors import ConfigError, TaskerCtlError

__all__ = [
    "REMOTE_EXIT_CODE",
    "ConnectFailedError",
    "HttpStatusError",
    "InvalidArgumentError",
    "InvalidResponseError",
    "ProfileError",
    "RemoteError",
    "RequestTimeoutError",
    "TlsError",
]

REMOTE_EXIT_CODE = 4
"""Exit code of a connected command whose server call failed (transport or HTTP status)."""


class ProfileError(ConfigError):
    """A client profile, its file, or a client environment variable is invalid."""


class InvalidArgumentError(TaskerCtlError):
    """A command-line value is malformed (a UUID, a JSON flag, a status name); exit 2."""


class RemoteError(TaskerCtlError):
    """A call to the orchestration or worker API failed (exit :data:`REMOTE_EXIT_CODE`)."""

    def __init__(self, message: str, *, url: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.url = url


class ConnectFailedError(RemoteError):
    """No connection: refused, DNS failure, network unreachable, reset."""


class TlsError(RemoteError):
    """The TLS handshake failed (untrusted or mismatched certificate, protocol error)."""


class RequestTimeoutError(RemoteError):
    """The server did not answer within the profile's ``timeout_ms``."""


class HttpStatusError(RemoteError):
    """The server answered with a non-2xx status."""

    def __init__(
        self, message: str, *, url: str, status: int, attempts: int = 1, hint: str | None = None
    ) -> None:
        super().__init__(message, url=url, hint=hint)
        self.status = status
        self.attempts = attempts


class InvalidResponseError(RemoteError):
    """A 2xx answer that is not JSON, or not shaped as the API document says."""
