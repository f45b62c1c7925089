"""tasker-ctl: scaffold, lint and run Tasker workflows locally.

The package is split by noun: ``scaffold`` renders handler and task-template
files, ``model`` and ``validation`` read and lint task templates, ``executor``
runs a workflow in-process, ``reporting`` renders results, and ``cli`` is the
thin command-line layer on top. Importing this package is cheap on purpose:
``tasker-ctl --version`` must not pay for Jinja, jsonschema or the SDK.
"""

__version__ = "0.1.0"
