"""MkDocs plugin: loads the catalog, hands it to the Markdown extension, checks the site."""

from __future__ import annotations

import json
import os
import pickle
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File

from ..core import CatalogError
from ..core.checks import SiteChecker
from ..core.export import catalog_json, openapi
from ..core.markers import MARKER_LIKE_RE, scan_page
from ..core.render import TEMPLATES
from ..markdown import CatalogExtension
from .cache import DiskCache
from .config import CatalogConfig

log = get_plugin_logger(__name__)
SURVIVOR_RE = re.compile(r"<!--\s*(endpoints?|scopes)\b.*?-->")


def base_dir(config) -> Path:
    """The folder of mkdocs.yml: where relative paths in messages and options start."""
    return Path(config.config_file_path or ".").resolve().parent


class CatalogPlugin(BasePlugin[CatalogConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.is_dirty = False
        self._cache: tuple | None = None  # (catalog path, mtime, docs pages) -> Catalog, kept across serve rebuilds

    def on_startup(self, *, command, dirty):
        # Having on_startup keeps this instance across serve rebuilds (and its catalog cache).
        self.is_dirty = dirty

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
            self.disk_cache(config).put("fragments", self.fragments_key, pickle.dumps(self.fragments))

    def on_config(self, config):
        if not self.config.enabled:
            return config
        self.catalog, self.catalog_bytes = self._load(config)
        self.docs_base = os.path.relpath(config.docs_dir, base_dir(config))
        self.checker = SiteChecker(self.catalog)
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
        self.fragments = self.disk_cache(config).get_object("fragments", self.fragments_key, dict) or {}
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
                    build(), ensure_ascii=False, separators=(",", ":")))
                files.append(File.generated(config, path, content=content))
        return files

    def _warn(self, page, notes):
        for note in notes:
            fix = f" ({note.fix})" if note.fix else ""
            log.warning(f"{self.docs_base}/{page}:{note.line}:{note.col}: {note.message}{fix}")

    # -100: after other plugins changed the Markdown, right before it is rendered.
    @event_priority(-100)
    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return markdown
        src = page.file.src_uri
        self.sources[src] = markdown
        markers, notes = scan_page(markdown, self.catalog)
        self._warn(src, notes + self.checker.record(src, markers))
        self.extension.setConfig("page", src)
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

    def on_env(self, env, *, config, files):
        # Needs every page; a --dirty build sees only some, so it would report false gaps.
        if not self.config.enabled or self.is_dirty or self.config.checks_undocumented == "ignore":
            return env
        for endpoint in self.checker.undocumented():
            log.warning(f"{self.catalog.source}:{endpoint.line}:3: endpoint '{endpoint.id}' is documented nowhere "
                        f"(add <!-- endpoint {endpoint.id} --> to {self.docs_base}/{endpoint.page})")
        return env

    def on_serve(self, server, *, config, builder):
        if self.config.enabled:
            server.watch(self.config.catalog_file)
        return server
