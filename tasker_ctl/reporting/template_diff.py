"""``template diff``: each field where the local template and the registered one differ."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text

from tasker_ctl.reporting.console import literal, stdout_console

_VALUE_MAX = 160
_MARKS = {
    "changed": ("~ ", "yellow"),
    "local_only": ("+ ", "green"),
    "deployed_only": ("- ", "red"),
}


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= _VALUE_MAX else text[: _VALUE_MAX - 3] + "..."


def print_template_diff(document: dict[str, Any]) -> None:
    """The diff for people: a heading, one line per difference, a verdict."""
    console = stdout_console()
    environment = document.get("environment")
    console.print(
        literal(
            ("template diff ", "bold"),
            str(document["template"]),
            ": local ",
            str(document["local"]),
            " vs the workers' registered version",
            f" (resolved for {environment})" if environment else "",
        ),
        soft_wrap=True,
    )
    for change in document["differences"]:
        mark = _MARKS.get(change["change"], ("? ", ""))
        if change["change"] == "changed":
            detail = f": local {_value(change['local'])}, deployed {_value(change['deployed'])}"
        elif change["change"] == "local_only":
            detail = f": only in the local file ({_value(change['local'])})"
        else:
            detail = f": only in the registered version ({_value(change['deployed'])})"
        console.print(literal(mark, (change["path"], "bold"), detail), soft_wrap=True)
    count = len(document["differences"])
    if count == 0:
        console.print(Text("Identical: the workers run what this file says.", style="bold green"))
    else:
        console.print(
            Text(
                f"{count} difference{'s' if count != 1 else ''}: the workers do not run "
                "what this file says.",
                style="bold red",
            )
        )
