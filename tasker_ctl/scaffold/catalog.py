"""Finding scaffold templates: the built-in set and plugins on ``plugin-paths``.

Built-in templates live in ``tasker_ctl/templates/<language>/<kind>/``. Plugin
directories are discovered exactly as the real tasker-ctl does it, for each
configured path: the path itself if it holds ``tasker-plugin.toml``;
otherwise each immediate subdirectory holding one, or holding
``tasker-cli-plugin/tasker-plugin.toml``. Nothing deeper is scanned.

Unlike the real tool the order is deterministic: plugin paths in the order
configured, subdirectories sorted by name, built-ins last. When several
sources offer the same template for the same language, the first one wins and
the choice is reported; ``--plugin`` picks a source explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tasker_ctl.errors import TemplateDefinitionError, TemplateNotFoundError
from tasker_ctl.scaffold.manifest import (
    PLUGIN_MANIFEST,
    TEMPLATE_MANIFEST,
    load_plugin_manifest,
    load_template_manifest,
)
from tasker_ctl.suggest import did_you_mean

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

    def filtered(self, language: str | None = None) -> list[TemplateSource]:
        """Templates for ``language`` (all of them when ``None``)."""
        if language is None:
            return list(self.templates)
        wanted = normalize_language(language)
        return [t for t in self.templates if t.language == wanted]

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
        for sub in sorted(p for p in path.iterdir() if p.is_dir()):
            if (sub / PLUGIN_MANIFEST).is_file():
                found.append(sub)
            elif (sub / "tasker-cli-plugin" / PLUGIN_MANIFEST).is_file():
                found.append(sub / "tasker-cli-plugin")
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
