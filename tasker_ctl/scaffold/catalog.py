"""Finding scaffold templates: the built-in set and plugins on ``plugin-paths``.

Built-in templates live in ``tasker_ctl/templates/<language>/<kind>/``. Plugin
directories are discovered exactly as the real tasker-ctl does it, for each
configured path: the path itself if it holds ``tasker-plugin.toml``;
otherwise each immediate subdirectory holding one, or holding
``tasker-cli-plugin/tasker-plugin.toml``. Nothing deeper is scanned.

The search paths arrive in precedence order (``plugin-paths``, then the
remotes' checkouts: see :mod:`tasker_ctl.remotes.sources`). Unlike the real
tool the order inside a path is deterministic: subdirectories sorted by name.
Our built-ins come last, after every plugin, so a configuration that declares
remotes or plugin paths is served what the real tool serves, and the built-ins
only fill in templates no plugin offers. When several sources offer the same
template for the same language, the first one wins and the choice is
reported; ``--plugin`` picks a source explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasker_ctl.errors import TaskerCtlError, TemplateDefinitionError, TemplateNotFoundError
from tasker_ctl.scaffold.manifest import (
    PLUGIN_MANIFEST,
    TEMPLATE_MANIFEST,
    PluginManifest,
    TemplateManifest,
    load_plugin_manifest,
    load_template_manifest,
)
from tasker_ctl.suggest import did_you_mean
from tasker_ctl.toml_files import read_toml

BUILTIN_ROOT = Path(__file__).resolve().parent.parent / "templates"
BUILTIN_PLUGIN = "built-in"
BUILTIN_ALIASES = frozenset({"built-in", "builtin", "tasker-ctl"})

LANGUAGE_ALIASES = {
    "py": "python",
    "python": "python",
    "rb": "ruby",
    "ruby": "ruby",
    "ts": "typescript",
    "typescript": "typescript",
    "rs": "rust",
    "rust": "rust",
}
BUILTIN_LANGUAGES = ("python", "ruby", "typescript", "rust")


def normalize_language(language: str) -> str:
    """Lower-case a language name and map the short aliases (``py``, ``rb``...)."""
    lowered = language.strip().lower()
    return LANGUAGE_ALIASES.get(lowered, lowered)


@dataclass(frozen=True)
class TemplateSource:
    """A template that can be rendered, and where it comes from."""

    name: str
    language: str
    description: str
    directory: Path
    origin: str
    """``built-in`` or the plugin's name."""
    origin_version: str | None = None
    framework: str | None = None

    @property
    def builtin(self) -> bool:
        """Whether the template ships with tasker-ctl."""
        return self.origin == BUILTIN_PLUGIN

    @property
    def label(self) -> str:
        """``kind (language, origin)`` for messages."""
        return f"{self.name} ({self.language}, {self.origin})"


@dataclass(frozen=True)
class Selection:
    """The result of a lookup: the chosen template and the ones it shadowed."""

    source: TemplateSource
    shadowed: tuple[TemplateSource, ...] = ()


@dataclass
class Catalog:
    """Every template known to this run, in precedence order."""

    templates: list[TemplateSource] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def filtered(
        self, language: str | None = None, framework: str | None = None
    ) -> list[TemplateSource]:
        """Templates for ``language`` and ``framework`` (a filter left ``None`` keeps all).

        The framework is the plugin's ``framework`` (case-insensitive), so built-ins and
        plugins without one are left out when it is given, as in the real tool.
        """
        found = list(self.templates)
        if language is not None:
            wanted = normalize_language(language)
            found = [t for t in found if t.language == wanted]
        if framework is not None:
            fw = framework.strip().lower()
            found = [t for t in found if t.framework is not None and t.framework.lower() == fw]
        return found

    def frameworks(self) -> list[str]:
        """The frameworks some plugin declares, sorted."""
        return sorted({t.framework for t in self.templates if t.framework})

    def languages(self) -> list[str]:
        """The languages that have at least one template, sorted."""
        return sorted({t.language for t in self.templates})

    def find(
        self,
        name: str,
        *,
        language: str | None = None,
        plugin: str | None = None,
        preferred_language: str | None = None,
    ) -> Selection:
        """Pick one template by name; raise :class:`TemplateNotFoundError` with suggestions."""
        wanted = name.strip().lower()
        candidates = [t for t in self.templates if t.name.lower() == wanted]
        if not candidates:
            raise TemplateNotFoundError(
                f"no template named '{name}'",
                hint=did_you_mean(name.lower(), sorted({t.name.lower() for t in self.templates}), 3)
                or "run 'tasker-ctl template list' to see the available templates",
            )
        if plugin is not None:
            candidates = _filter_plugin(candidates, plugin, name)
        if language is not None:
            lang = normalize_language(language)
            matching = [t for t in candidates if t.language == lang]
            if not matching:
                available = sorted({t.language for t in candidates})
                close = did_you_mean(language.lower(), available)
                raise TemplateNotFoundError(
                    f"template '{name}' is not available for language '{language}'",
                    hint=f"it exists for: {', '.join(available)}" + (f"; {close}" if close else ""),
                )
            candidates = matching
        elif preferred_language is not None:
            lang = normalize_language(preferred_language)
            preferred = [t for t in candidates if t.language == lang]
            candidates = preferred or candidates
        languages = sorted({t.language for t in candidates})
        if len(languages) > 1:
            raise TemplateNotFoundError(
                f"template '{name}' exists for several languages: {', '.join(languages)}",
                hint="choose one with --language (or set default-language in .tasker-ctl.toml)",
            )
        return Selection(source=candidates[0], shadowed=tuple(candidates[1:]))


def _filter_plugin(
    candidates: list[TemplateSource], plugin: str, name: str
) -> list[TemplateSource]:
    wanted = plugin.strip().lower()
    if wanted in BUILTIN_ALIASES:
        wanted = BUILTIN_PLUGIN
    chosen = [t for t in candidates if t.origin.lower() == wanted]
    if not chosen:
        origins = sorted({t.origin for t in candidates})
        raise TemplateNotFoundError(
            f"plugin '{plugin}' does not offer template '{name}'",
            hint=f"'{name}' is offered by: {', '.join(origins)}",
        )
    return chosen


def discover_plugin_dirs(plugin_paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Plugin directories under the configured paths, and warnings about the paths."""
    found: list[Path] = []
    warnings: list[str] = []
    for raw in plugin_paths:
        path = raw.expanduser()
        if not path.is_dir():
            warnings.append(f"plugin path {path} is not a directory; skipped")
            continue
        if (path / PLUGIN_MANIFEST).is_file():
            found.append(path)
            continue
        before = len(found)
        for sub in sorted(p for p in path.iterdir() if p.is_dir()):
            if (sub / PLUGIN_MANIFEST).is_file():
                found.append(sub)
            elif (sub / "tasker-cli-plugin" / PLUGIN_MANIFEST).is_file():
                found.append(sub / "tasker-cli-plugin")
        if len(found) == before:
            warnings.append(
                f"plugin path {path} holds no plugin: a {PLUGIN_MANIFEST} is looked for in it, "
                "in its direct subdirectories and in their tasker-cli-plugin/ (nothing deeper, "
                "as in the Rust tool)"
            )
    return found, warnings


def builtin_templates() -> list[TemplateSource]:
    """The templates shipped in ``tasker_ctl/templates``."""
    sources = []
    for language in BUILTIN_LANGUAGES:
        lang_dir = BUILTIN_ROOT / language
        if not lang_dir.is_dir():
            continue
        for kind_dir in sorted(p for p in lang_dir.iterdir() if (p / TEMPLATE_MANIFEST).is_file()):
            manifest = load_template_manifest(kind_dir)
            sources.append(
                TemplateSource(
                    name=manifest.name,
                    language=language,
                    description=manifest.description,
                    directory=kind_dir,
                    origin=BUILTIN_PLUGIN,
                )
            )
    return sources


def build_catalog(plugin_paths: Sequence[Path] = ()) -> Catalog:
    """Collect plugin templates (in precedence order) followed by the built-ins."""
    catalog = Catalog()
    plugin_dirs, catalog.warnings = discover_plugin_dirs(plugin_paths)
    seen_dirs: set[Path] = set()
    for directory in plugin_dirs:
        resolved = directory.resolve()
        if resolved in seen_dirs:
            continue
        seen_dirs.add(resolved)
        try:
            manifest = load_plugin_manifest(directory)
        except TemplateDefinitionError as exc:
            catalog.warnings.append(f"skipped plugin {directory}: {exc}")
            continue
        catalog.warnings.extend(manifest.warnings)
        catalog.templates.extend(
            TemplateSource(
                name=ref.name,
                language=normalize_language(manifest.language),
                description=ref.description,
                directory=ref.path,
                origin=manifest.name,
                origin_version=manifest.version,
                framework=manifest.framework,
            )
            for ref in manifest.templates
        )
    catalog.templates.extend(builtin_templates())
    return catalog


# --- `plugin validate`: everything the real tool would trip over, as findings ---------


@dataclass(frozen=True)
class PluginFinding:
    """One problem in a plugin directory: a code, a severity, a message and a place."""

    code: str
    severity: str
    """``error`` (the real tool fails or skips something) or ``warning``."""
    message: str
    path: Path
    line: int | None = None
    column: int | None = None
    hint: str | None = None


@dataclass
class PluginCheck:
    """The outcome of checking one plugin directory."""

    directory: Path
    manifest: PluginManifest | None = None
    findings: list[PluginFinding] = field(default_factory=list)
    templates_checked: int = 0

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for f in self.findings if f.severity == "error")

    def add(
        self, code: str, message: str, path: Path, line: int | None = None, **extra: Any
    ) -> None:
        """Record an error (``severity="warning"`` for a warning)."""
        self.findings.append(
            PluginFinding(
                code=code,
                severity=extra.pop("severity", "error"),
                message=message,
                path=path,
                line=line,
                column=extra.pop("column", None),
                hint=extra.pop("hint", None),
            )
        )


SampleRender = Callable[[TemplateSource, TemplateManifest, dict[str, str]], object]
"""Renders a template in memory (``scaffold.render.render_template``); raises on failure."""

SAMPLE_VALUE = "ExampleName"


def check_plugin(directory: Path, sample_render: SampleRender | None = None) -> PluginCheck:
    """Check a plugin: its manifest, each referenced template and its files and parameters.

    Codes: ``PLUGIN_MANIFEST`` (missing or invalid ``tasker-plugin.toml``),
    ``TEMPLATE_PATH`` (a
    ``[[templates]]`` path that is missing or leaves the plugin), ``TEMPLATE_DUPLICATE``,
    ``TEMPLATE_MANIFEST`` (a broken ``template.toml``, parameter definitions included),
    ``TEMPLATE_FILE`` (an output's template file is missing or unreadable) and
    ``TEMPLATE_SYNTAX`` (a ``.tera`` file Tera would refuse). With ``sample_render``, a
    template that passes those checks is also rendered in memory with sample values
    (each parameter's default, else its first choice, else ``ExampleName``);
    a failure is ``TEMPLATE_RENDER``, a warning, since real values may differ.
    """
    check = PluginCheck(directory)
    manifest_path = directory / PLUGIN_MANIFEST
    if not manifest_path.is_file():
        check.add(
            "PLUGIN_MANIFEST",
            f"no {PLUGIN_MANIFEST} in this directory",
            manifest_path,
            hint="a plugin directory holds tasker-plugin.toml with [plugin] and [[templates]]",
        )
        return check
    try:
        manifest = load_plugin_manifest(directory)
    except TemplateDefinitionError as exc:
        where = exc.location
        check.add(
            "PLUGIN_MANIFEST",
            exc.message,
            manifest_path,
            where.line if where else None,
            column=where.column if where else None,
            hint=exc.hint,
        )
        return check
    check.manifest = manifest
    raw = read_toml(manifest_path, TemplateDefinitionError).get("templates", [])
    root = directory.resolve()
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        line = _entry_line(manifest_path, index)
        name, rel = str(entry["name"]), str(entry["path"])
        if name.lower() in seen:
            check.add(
                "TEMPLATE_DUPLICATE",
                f"template '{name}' is declared twice; the real tool uses the first",
                manifest_path,
                line,
            )
            continue
        seen.add(name.lower())
        template_dir = directory / rel
        try:
            inside = template_dir.resolve().is_relative_to(root)
        except (RuntimeError, OSError):  # a symbolic link loop (RuntimeError in 3.11)
            check.add(
                "TEMPLATE_PATH",
                f"template '{name}': path '{rel}' is a symbolic link loop",
                manifest_path,
                line,
                hint="point the path at the template's directory",
            )
            continue
        if not inside:
            check.add(
                "TEMPLATE_PATH",
                f"template '{name}': path '{rel}' leads outside the plugin directory",
                manifest_path,
                line,
                hint="keep every template inside the plugin directory",
            )
            continue
        if not template_dir.is_dir():
            check.add(
                "TEMPLATE_PATH",
                f"template '{name}': path '{rel}' does not exist",
                manifest_path,
                line,
                hint="point path at a directory (relative to the plugin) holding template.toml",
            )
            continue
        check.templates_checked += 1
        _check_template(check, name, template_dir, manifest, sample_render)
    return check


def _entry_line(path: Path, index: int) -> int | None:
    count = -1
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, text in enumerate(lines, 1):
        if text.strip().replace(" ", "").startswith("[[templates]]"):
            count += 1
            if count == index:
                return number
    return None


def _check_template(
    check: PluginCheck,
    name: str,
    template_dir: Path,
    plugin: PluginManifest,
    sample_render: SampleRender | None,
) -> None:
    from tasker_ctl.scaffold.tera import RenderBudget, TemplateSet, TeraError

    toml_path = template_dir / TEMPLATE_MANIFEST
    if not toml_path.is_file():
        check.add(
            "TEMPLATE_MANIFEST",
            f"template '{name}': no {TEMPLATE_MANIFEST} in {template_dir}",
            toml_path,
            hint="declare the parameters and [[outputs]] in template.toml",
        )
        return
    try:
        manifest = load_template_manifest(template_dir)
    except TemplateDefinitionError as exc:
        where = exc.location
        check.add(
            "TEMPLATE_MANIFEST",
            f"template '{name}': {exc.message}",
            toml_path,
            where.line if where else None,
            column=where.column if where else None,
            hint=exc.hint,
        )
        return
    templates = TemplateSet(template_dir, check.directory, RenderBudget().start())
    errors_before = check.errors
    for output in manifest.outputs:
        if output.template in templates.refused:
            check.add(
                "TEMPLATE_FILE",
                templates.refused[output.template],
                toml_path,
                output.line,
            )
        elif output.template not in templates.files:
            check.add(
                "TEMPLATE_FILE",
                f"template '{name}': output template '{output.template}' is not among the "
                f".tera files of {template_dir}",
                toml_path,
                output.line,
                hint="the 'template' of an [[outputs]] entry names a .tera file next to "
                "template.toml",
            )
    for file_name, file_path in templates.files.items():
        try:
            templates.get(file_name)
        except TeraError as exc:
            check.add(
                "TEMPLATE_SYNTAX",
                exc.message,
                Path(exc.file) if exc.file else file_path,
                exc.line,
                column=exc.column,
            )
    if sample_render is None or check.errors != errors_before:
        return
    values = {
        p.name: p.default if p.default is not None else (p.choices or (SAMPLE_VALUE,))[0]
        for p in manifest.parameters
    }
    if any(p.problem(values[p.name]) for p in manifest.parameters):
        return  # no sample satisfies the parameter's pattern; nothing to learn
    source = TemplateSource(
        name=manifest.name,
        language=normalize_language(plugin.language),
        description=manifest.description,
        directory=template_dir,
        origin=plugin.name,
        origin_version=plugin.version,
        framework=plugin.framework,
    )
    try:
        sample_render(source, manifest, values)
    except TaskerCtlError as exc:
        where = exc.location
        check.add(
            "TEMPLATE_RENDER",
            f"template '{name}' does not render with sample values "
            f"({', '.join(f'{k}={v}' for k, v in values.items()) or 'no parameters'}): "
            f"{exc.message}",
            Path(where.path) if where else toml_path,
            where.line if where else None,
            column=where.column if where else None,
            severity="warning",
            hint=exc.hint,
        )
