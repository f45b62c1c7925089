"""The client of the real Tasker services: profiles, HTTP transport, typed API calls.

Where a team outgrows one machine it runs the same task templates and handlers
on Tasker's orchestration (Postgres + pgmq) and workers. This package is how
the connected commands (``task``, ``worker``, ``system``, ``dlq``, ``profile``)
talk to them over the REST API documented by upstream's OpenAPI files:

* :mod:`~tasker_ctl.client.profiles`: the profile file, environment variables and
  credentials (the real ``tasker-ctl``'s format and search order);
* :mod:`~tasker_ctl.client.transport`: httpx with TLS verification, timeouts,
  bounded retries on 429/503 (``Retry-After`` honoured) and one-line errors;
* :mod:`~tasker_ctl.client.api`: one method per endpoint, answers checked against
  the OpenAPI schemas (:mod:`~tasker_ctl.client.openapi`);
* :mod:`~tasker_ctl.client.secrets`: credentials that never print.

It imports neither Typer nor Rich; httpx and jsonschema are imported on first use.
"""
