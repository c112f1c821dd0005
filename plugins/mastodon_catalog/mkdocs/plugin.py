"""MkDocs plugin: loads the catalog, hands it to the Markdown extension, checks the site."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from jinja2 import TemplateError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, get_files

from ..core import CatalogError, Problem
from ..core.checks import SiteChecker
from ..core.export import catalog_json, openapi
from ..core.markers import MARKER_LIKE_RE, Marker, scan_page
from ..core.render import TEMPLATES
from ..markdown import CatalogExtension
from .cache import DiskCache
from .config import CatalogConfig
from .serve import GuardedBuilder

log = get_plugin_logger(__name__)
SURVIVOR_RE = re.compile(r"<!--\s*(endpoints?|scopes)\b.*?-->")


def base_dir(config) -> Path:
    """The folder of mkdocs.yml: where relative paths in messages and options start."""
    return Path(config.config_file_path or ".").resolve().parent


class CatalogPlugin(BasePlugin[CatalogConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self._cache: tuple | None = None  # (catalog path, mtime, docs pages) -> Catalog, kept across serve rebuilds

    def on_startup(self, *, command, dirty):
        """Having on_startup keeps this instance across serve rebuilds (and its catalog cache)."""

    def _load(self, config):
        """The validated catalog, and its bytes (the key of everything derived from it)."""
        path = Path(self.config.catalog_file)
        display = os.path.relpath(path.resolve(), base_dir(config))
        docs = Path(config.docs_dir)
        pages = frozenset(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
        key = (str(path), path.stat().st_mtime_ns, pages)
        if self._cache and self._cache[0] == key:  # serve: unchanged since the last rebuild
            return self._cache[1]
        try:
            data = path.read_bytes()
            loaded = self.disk_cache(config).catalog(data, display, pages), data
        except CatalogError as err:
            raise PluginError(str(err)) from err
        except Exception as err:  # a bug of ours must still name the file, without a traceback
            raise PluginError(f"Error reading catalog '{display}':\n{err}") from err
        self._cache = (key, loaded)
        return loaded

    def disk_cache(self, config) -> DiskCache:
        return DiskCache(base_dir(config) / self.config.cache_dir if self.config.cache_dir else None)

    def on_post_build(self, *, config):
        if self.config.enabled and len(self.fragments) != self.fragments_cached:
            self.disk_cache(config).put_fragments(self.fragments_key, self.fragments)

    def on_config(self, config):
        if not self.config.enabled:
            return config
        self.catalog, self.catalog_bytes = self._load(config)
        self.docs_base = os.path.relpath(config.docs_dir, base_dir(config))
        self.sources: dict[str, str] = {}
        templates = self.config.templates_dir
        if templates:
            templates = str(base_dir(config) / templates)
        explorer = self.config.explorer_page
        options = dict(
            templates_dir=templates or "", tokens_page=self.config.tokens_page, scopes_page=self.config.scopes_page,
            explorer_page=explorer if (Path(config.docs_dir) / explorer).is_file() else "",
        )
        # Rendered markers from an earlier build with the same catalog, templates and options.
        template_dirs = [TEMPLATES] + ([Path(templates)] if templates else [])
        self.fragments_key = DiskCache.fragments_key(self.catalog_bytes, options, template_dirs)
        self.fragments = self.disk_cache(config).fragments(self.fragments_key)
        self.fragments_cached = len(self.fragments)
        self.extension = CatalogExtension(catalog=self.catalog, fragments=self.fragments, **options)
        config.markdown_extensions.append(self.extension)
        return config

    def on_files(self, files, *, config):
        if not self.config.enabled:
            return files

        def page_url(page: str) -> str:
            file = files.get_file_from_path(page)
            return file.url if file else page

        outputs = {
            self.config.catalog_json: lambda: catalog_json(self.catalog, page_url),
            self.config.openapi_json: lambda: openapi(self.catalog, page_url, config.site_url or "/"),
        }
        # The outputs depend on the catalog, the pages' URLs and the site URL: that is the key.
        urls = "\n".join(sorted(f"{page}={page_url(page)}" for page in {e.page for e in self.catalog.endpoints}))
        parts = [self.catalog_bytes, urls, config.site_url or "/"]
        cache = self.disk_cache(config)
        for path, build in outputs.items():
            if path:
                content = cache.text(path.replace("/", "_"), parts, lambda build=build: json.dumps(
                    build(), ensure_ascii=False, allow_nan=False, separators=(",", ":")))
                files.append(File.generated(config, path, content=content))
        return files

    def on_pre_build(self, *, config):
        """Every page checked and every marker rendered before MkDocs cleans the site folder, so
        that a mistake stops the build with the last good site still in place."""
        if not self.config.enabled:
            return
        markers, errors, warnings = self.check_pages(config)
        if errors or config.strict and warnings:
            raise PluginError(str(CatalogError(errors + warnings, "the pages (nothing was built)")))
        for problem in sorted(warnings):
            log.warning(str(problem))
        renderer = self.extension.renderer
        for page, marker in markers:
            key = (marker.kind, marker.arg, page)
            if key in self.fragments:
                continue
            try:
                self.fragments[key] = renderer.marker(marker, page)
            except Exception as err:  # a template override with a mistake: name the marker, no traceback
                where = f" ({err.filename or err.name}, line {err.lineno})" \
                    if isinstance(err, TemplateError) and getattr(err, "lineno", None) else ""
                raise PluginError(f"{self.docs_base}/{page}:{marker.line}:1: rendering this marker failed: "
                                  f"{type(err).__name__}: {err}{where}") from err

    def check_pages(self, config) -> tuple[list[tuple[str, Marker]], list[Problem], list[Problem]]:
        """Read every page's source: its markers, and the problems, as errors and warnings."""
        checker = SiteChecker(self.catalog)
        markers: list[tuple[str, Marker]] = []
        errors: list[Problem] = []
        warnings: list[Problem] = []
        for file in sorted(get_files(config).documentation_pages(), key=lambda f: f.src_uri):
            found, notes = scan_page(file.content_string, self.catalog)
            markers += [(file.src_uri, marker) for marker in found]
            for note in notes + checker.record(file.src_uri, found):
                problem = Problem(f"{self.docs_base}/{file.src_uri}", note.line, note.col, note.message, note.fix)
                (errors if note.error else warnings).append(problem)
        if self.config.checks_undocumented != "ignore":
            warnings += [Problem(self.catalog.source, e.line, 3, f"endpoint '{e.id}' is documented nowhere",
                                 f"add <!-- endpoint {e.id} --> to {self.docs_base}/{e.page}")
                         for e in checker.undocumented()]
        return markers, errors, warnings

    # -100: after other plugins changed the Markdown, right before it is rendered.
    @event_priority(-100)
    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return markdown
        self.sources[page.file.src_uri] = markdown
        self.extension.setConfig("page", page.file.src_uri)
        return markdown

    def on_page_content(self, html, *, page, config, files):
        if not self.config.enabled:
            return html
        for match in SURVIVOR_RE.finditer(html):
            source = self.sources.get(page.file.src_uri, "")
            line = next((n for n, text in enumerate(source.splitlines(), 1) if match.group(0) in text
                         or MARKER_LIKE_RE.search(text)), 1)
            log.warning(f"{self.docs_base}/{page.file.src_uri}:{line}:1: marker text survived into the HTML: "
                        f"{match.group(0)} (put the marker on a line of its own, outside lists and HTML blocks)")
        return html

    def on_serve(self, server, *, config, builder):
        if self.config.enabled:
            server.watch(self.config.catalog_file)
            server.builder = GuardedBuilder(server.builder, config.site_dir)
        return server
