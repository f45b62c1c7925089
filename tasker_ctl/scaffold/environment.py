"""The Jinja environment factory for the built-in scaffold templates.

The built-in templates (``tasker_ctl/templates``, ``*.j2``) render in Jinja's
immutable sandbox: no autoescaping, trailing newline kept, no block trimming,
and undefined variables are errors. Their filters accept both Jinja's
positional arguments and the keyword spellings of the Tera originals
(``replace(from=..., to=...)``, ``join(sep=...)``, ``split(pat=...)``...).

Plugin templates (Tera, ``*.tera``) do not come here: they render with
:mod:`tasker_ctl.scaffold.tera`, which reproduces Tera itself.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tasker_ctl.scaffold.filters import CASE_FILTERS, QUOTE_FILTERS


def _tera_default(obj: Any, default_value: Any = "", boolean: bool = False, **kwargs: Any) -> Any:
    if "value" in kwargs:
        default_value = kwargs.pop("value")
    if kwargs:
        raise TypeError(f"default() got unexpected arguments: {', '.join(kwargs)}")
    if isinstance(obj, jinja2.Undefined) or (boolean and not obj):
        return default_value
    return obj


def _tera_replace(value: Any, old: str | None = None, new: str | None = None, **kwargs: Any) -> str:
    old = kwargs.pop("from", old)
    new = kwargs.pop("to", new)
    if kwargs or old is None or new is None:
        raise TypeError("replace() needs the text to find and its replacement")
    return str(value).replace(old, new)


def _tera_truncate(
    value: Any, length: int = 255, killwords: bool = False, end: str = "...", **kwargs: Any
) -> str:
    text = str(value)
    length = int(kwargs.pop("length", length))
    end = str(kwargs.pop("end", end))
    if len(text) <= length:
        return text
    return text[:length] + end


def _tera_join(value: Any, d: str = "", attribute: Any = None, **kwargs: Any) -> str:
    sep = str(kwargs.pop("sep", d))
    return sep.join(str(v) for v in value)


def _tera_split(value: Any, sep: str | None = None, **kwargs: Any) -> list[str]:
    pat = kwargs.pop("pat", sep)
    return str(value).split(pat)


def _json_encode(value: Any, pretty: bool = False) -> str:
    return json.dumps(value, indent=2 if pretty else None, ensure_ascii=False)


def _slugify(value: Any) -> str:
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s_]+", "-", text)


def make_environment(template_dir: Path, shared_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """Build the sandboxed environment that renders files from ``template_dir``.

    ``shared_dirs`` are searched after ``template_dir`` for ``{% include %}``d
    snippets; only the built-in templates use one.
    """
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(template_dir), *(str(d) for d in shared_dirs)]),
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters.update(CASE_FILTERS)
    env.filters.update(QUOTE_FILTERS)
    env.filters.update(
        {
            "default": _tera_default,
            "replace": _tera_replace,
            "truncate": _tera_truncate,
            "join": _tera_join,
            "split": _tera_split,
            "json_encode": _json_encode,
            "slugify": _slugify,
        }
    )
    env.tests.update(
        {
            "containing": lambda value, needle: needle in value,
            "starting_with": lambda value, prefix: str(value).startswith(prefix),
            "ending_with": lambda value, suffix: str(value).endswith(suffix),
            "matching": lambda value, pattern: re.search(pattern, str(value)) is not None,
        }
    )
    return env
