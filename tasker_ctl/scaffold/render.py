"""Turning a template and its parameters into files in memory (writes nothing).

:func:`parse_param_args` reads ``--param KEY=VALUE`` items exactly like the
real tool (split at the first ``=``, later duplicates win) and
:func:`resolve_parameters` checks them against the manifest: unknown keys,
missing required parameters, values outside ``choices`` or not matching
``pattern`` are all reported together. :func:`render_template` then renders
every output and checks that each rendered path stays inside the output
directory (no absolute paths, no ``..``).

Built-in templates are Jinja files rendered in Jinja's sandbox; plugin
templates are Tera files rendered by :mod:`tasker_ctl.scaffold.tera`, which
reproduces Tera 1.20 (what the real tool uses), reads only the plugin's own
``*.tera`` files and stops a render that exceeds its time, size or nesting
budget. Either way nothing is written until every file has rendered.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jinja2
from jinja2.exceptions import SecurityError

from tasker_ctl.errors import Location, ParameterError, RenderError, UnsafePathError
from tasker_ctl.scaffold.catalog import BUILTIN_ROOT, TemplateSource
from tasker_ctl.scaffold.environment import make_environment
from tasker_ctl.scaffold.manifest import (
    PLUGIN_MANIFEST,
    TEMPLATE_MANIFEST,
    OutputSpec,
    TemplateManifest,
)
from tasker_ctl.scaffold.tera import (
    BudgetExceeded,
    RenderBudget,
    TemplateAccessError,
    TemplateNotFound,
    TemplateSet,
    TeraError,
    TeraSyntaxError,
    UnsupportedConstruct,
)
from tasker_ctl.suggest import did_you_mean


@dataclass(frozen=True)
class RenderedFile:
    """One generated file: its path relative to the output directory and its text."""

    relpath: PurePosixPath
    content: str
    template: str


def parse_param_args(items: Iterable[str]) -> dict[str, str]:
    """Parse ``KEY=VALUE`` items; values may contain ``=``; later keys win."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ParameterError(
                f"invalid --param '{item}': expected KEY=VALUE",
                hint=f"write it as --param {key.strip() or 'name'}=VALUE",
            )
        params[key.strip()] = value
    return params


def info_command(source: TemplateSource) -> str:
    """The ``template info`` command line that shows exactly this template."""
    plugin = "" if source.builtin else f" --plugin {source.origin}"
    return f"tasker-ctl template info {source.name} --language {source.language}{plugin}"


def resolve_parameters(
    manifest: TemplateManifest, given: Mapping[str, str], source: TemplateSource
) -> dict[str, str]:
    """Validate ``given`` against the manifest and fill in defaults."""
    problems: list[str] = []
    declared = [p.name for p in manifest.parameters]
    for key in given:
        if manifest.parameter(key) is None:
            close = did_you_mean(key, declared)
            suggestion = f"; {close}" if close else ""
            accepted = ", ".join(declared) if declared else "none"
            problems.append(f"unknown parameter '{key}'{suggestion} (accepted: {accepted})")
    values: dict[str, str] = {}
    for spec in manifest.parameters:
        if spec.name in given:
            value = given[spec.name]
        elif spec.default is not None:
            value = spec.default
        elif spec.required:
            problems.append(f"missing required parameter '{spec.name}' ({spec.description})")
            continue
        else:
            continue
        problem = spec.problem(value)
        if problem is not None:
            problems.append(f"parameter '{spec.name}' {problem}")
        values[spec.name] = value
    if problems:
        raise ParameterError(
            f"invalid parameters for template {source.label}:\n  - " + "\n  - ".join(problems),
            hint=f"see '{info_command(source)}' for its parameters",
        )
    return values


def _template_location(exc: BaseException, template_dir: Path) -> Location | None:
    """Find the template file and line a Jinja runtime error points at."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Location(exc.filename or exc.name or "?", exc.lineno)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(str(template_dir)):
            return Location(frame.filename, frame.lineno)
    return None


def _render(
    env: jinja2.Environment,
    source: TemplateSource,
    output: OutputSpec,
    context: dict[str, str],
    pattern: str | None = None,
) -> str:
    """Render ``output``'s template file, or (given) one of its path ``pattern``s."""
    manifest_at = Location(source.directory / TEMPLATE_MANIFEST, output.line)
    try:
        if pattern is not None:
            template = env.from_string(pattern)
        else:
            try:
                template = env.get_template(output.template)
            except jinja2.TemplateNotFound as exc:
                raise RenderError(
                    f"template {source.label}: its output template '{output.template}' is not "
                    f"a file in {source.directory}",
                    location=manifest_at,
                    hint="create that file next to template.toml, or correct 'template' in "
                    "this [[outputs]] entry",
                ) from exc
        return template.render(context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"template {source.label} includes a missing file '{exc.name}'",
            location=_template_location(exc, source.directory) or manifest_at,
            hint=f"included files are looked up in {source.directory}",
        ) from exc
    except SecurityError as exc:
        raise RenderError(
            f"template {source.label} tried an operation the sandbox forbids: {exc}",
            location=_template_location(exc, source.directory) or manifest_at,
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(
            f"template syntax error in {source.label}: {exc.message}",
            location=_template_location(exc, source.directory) or manifest_at,
            hint="templates use Jinja syntax (Tera templates work where the syntax is shared)",
        ) from exc
    except (jinja2.UndefinedError, TypeError, ValueError) as exc:
        raise RenderError(
            f"rendering {source.label} failed: {exc}",
            location=_template_location(exc, source.directory) or manifest_at,
        ) from exc
    except RecursionError as exc:
        raise RenderError(
            f"rendering {source.label} failed: it recurses without end",
            location=manifest_at,
            hint="look for a file that includes itself or a macro that calls itself",
        ) from exc
    except Exception as exc:  # anything else a template's own code raises (1 / 0, ...)
        raise RenderError(
            f"rendering {source.label} failed: {type(exc).__name__}: {exc}",
            location=_template_location(exc, source.directory) or manifest_at,
        ) from exc


def check_relative_path(text: str, *, origin: str) -> PurePosixPath:
    """Accept only a plain relative path; anything that could escape is refused."""
    escape = ", so the file could land outside the output directory"
    problem = None
    if not text.strip():
        problem = "is empty"
    elif any(ord(char) < 0x20 or ord(char) == 0x7F for char in text):
        problem = "contains a control character (a newline, tab or NUL, for instance)"
    elif "\\" in text:
        problem = "contains a backslash" + escape
    elif text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        problem = "is absolute" + escape
    elif ".." in PurePosixPath(text).parts:
        problem = "contains '..'" + escape
    if problem is not None:
        raise UnsafePathError(
            f"refusing to write {text!r} ({origin}): the path {problem}",
            hint="check the parameter values used in file names (no '/', '..' or absolute paths)",
        )
    return PurePosixPath(*[p for p in PurePosixPath(text).parts if p != "."])


def render_template(
    source: TemplateSource,
    manifest: TemplateManifest,
    params: Mapping[str, str],
    budget: RenderBudget | None = None,
) -> list[RenderedFile]:
    """Render every output of ``manifest`` with ``params`` (already resolved)."""
    if source.builtin:
        env = make_environment(source.directory, (BUILTIN_ROOT / "_shared",))
        context = dict(params)

        def render_file(output: OutputSpec, pattern: str | None) -> str:
            return _render(env, source, output, context, pattern)

    else:
        tera = _TeraRender(source, dict(params), (budget or RenderBudget()).start())
        render_file = tera.render
    files: list[RenderedFile] = []
    seen: dict[PurePosixPath, str] = {}
    for output in manifest.outputs:
        filename = render_file(output, output.filename)
        subdir = render_file(output, output.subdir) if output.subdir else ""
        text_path = f"{subdir.rstrip('/')}/{filename}" if subdir.strip() else filename
        relpath = check_relative_path(text_path, origin=f"output of {output.template}")
        if relpath in seen:
            raise RenderError(
                f"template {source.label} renders two outputs to the same path '{relpath}' "
                f"({seen[relpath]} and {output.template})",
                location=Location(source.directory / TEMPLATE_MANIFEST, output.line),
            )
        seen[relpath] = output.template
        content = render_file(output, None)
        files.append(RenderedFile(relpath=relpath, content=content, template=output.template))
    return files


def plugin_root(template_dir: Path) -> Path:
    """The plugin directory holding ``template_dir`` (the nearest ``tasker-plugin.toml``)."""
    for candidate in (template_dir, *template_dir.parents):
        if (candidate / PLUGIN_MANIFEST).is_file():
            return candidate
    return template_dir


_COMPAT_DOC = "docs/tera-compatibility.md"


class _TeraRender:
    """Renders a plugin template's outputs with the Tera engine, errors made readable."""

    def __init__(self, source: TemplateSource, context: dict[str, str], budget: RenderBudget):
        self.source = source
        self.context = context
        self.templates = TemplateSet(source.directory, plugin_root(source.directory), budget)
        self.loaded = False

    def render(self, output: OutputSpec, pattern: str | None) -> str:
        manifest_at = Location(self.source.directory / TEMPLATE_MANIFEST, output.line)
        try:
            if not self.loaded:
                self.templates.parse_all()
                self.loaded = True
            if pattern is not None:
                origin = f"{self.source.directory / TEMPLATE_MANIFEST}:{output.line}"
                return self.templates.render_inline(pattern, origin, self.context)
            if (
                output.template not in self.templates.files
                and output.template not in self.templates.refused
            ):
                raise RenderError(
                    f"template {self.source.label}: its output template '{output.template}' is "
                    f"not a file in {self.source.directory}",
                    location=manifest_at,
                    hint="plugin templates are the *.tera files directly in the template "
                    "directory; create it there, or correct 'template' in this [[outputs]] entry",
                )
            return self.templates.render(output.template, self.context)
        except TeraError as exc:
            raise self._error(exc, manifest_at, pattern) from None

    def _error(self, exc: TeraError, manifest_at: Location, pattern: str | None) -> RenderError:
        label = self.source.label
        where = manifest_at
        if exc.file is not None and not exc.file.endswith(f":{manifest_at.line}"):
            where = Location(exc.file, exc.line, exc.column)
        if pattern is not None:
            label = f"{label} (file name pattern {pattern!r})"
        if isinstance(exc, BudgetExceeded):
            return RenderError(
                f"rendering {label} was stopped: {exc.message}",
                location=where,
                hint="nothing was written; look for a loop that never ends or output that keeps "
                "growing",
            )
        if isinstance(exc, UnsupportedConstruct):
            return RenderError(
                f"template {label} uses a Tera construct tasker-ctl does not support: "
                f"{exc.message}",
                location=where,
                hint=f"see {_COMPAT_DOC} for what is supported and why",
            )
        if isinstance(exc, TeraSyntaxError):
            return RenderError(
                f"Tera syntax error in {label}: {exc.message}",
                location=where,
                hint="plugin templates are Tera 1 templates (https://keats.github.io/tera/docs/)",
            )
        if isinstance(exc, TemplateAccessError | TemplateNotFound):
            return RenderError(
                f"template {label}: {exc.message}",
                location=where,
                hint=f"only the *.tera files directly in {self.source.directory} can be "
                "included, imported or extended, by their file name",
            )
        return RenderError(f"rendering {label} failed: {exc.message}", location=where)
