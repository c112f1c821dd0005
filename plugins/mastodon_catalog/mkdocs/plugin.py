"""MkDocs plugin: the site-wide part of the page pipeline. The core expands and checks each
page; the plugin checks every page before MkDocs cleans the site folder, checks the site as a
whole, adds the generated files and watches the catalog under `mkdocs serve`."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, get_files
from mkdocs.utils.meta import get_data

from ..core import CatalogError, Problem
from ..core.pages import PagePipeline, PageResult, check_site, page_titles
from ..core.render import Renderer
from ..core.returns import attach
from ..markdown.extension import NEEDED_EXTENSIONS
from ..minify import EsbuildMissing, MinifyError, find_esbuild, minify
from ..outputs import dumps, outputs
from .cache import BuildCaches
from .config import CatalogConfig
from .serve import GuardedBuilder

log = get_plugin_logger(__name__)


def base_dir(config) -> Path:
    """The folder of mkdocs.yml: where relative paths in messages and options start."""
    return Path(config.config_file_path or ".").resolve().parent


def split_front_matter(source: str) -> tuple[str, int]:
    """The Markdown MkDocs renders (front matter removed, as MkDocs does) and the file's line
    number of its first line."""
    markdown, _ = get_data(source)
    return markdown, source.count("\n") - markdown.count("\n") + 1


class CatalogPlugin(BasePlugin[CatalogConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.caches = BuildCaches()  # kept across serve rebuilds (on_startup keeps this instance)

    def on_startup(self, *, command, dirty):
        """Having on_startup keeps this instance across serve rebuilds (and its caches)."""

    def on_config(self, config):
        if not self.config.enabled:
            return config
        base = base_dir(config)
        self.caches.open(base / self.config.cache_dir if self.config.cache_dir else None)
        path = Path(self.config.catalog_file)
        docs = Path(config.docs_dir)
        pages = frozenset(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
        display = os.path.relpath(path.resolve(), base)
        try:
            self.catalog, self.catalog_bytes = self.caches.catalog(path, display, pages)
            entities, entity_bytes = self.caches.entities(base / self.config.entities_dir, self.config.entities_dir)
        except CatalogError as err:
            raise PluginError(str(err)) from err
        except Exception as err:  # a bug of ours must still name the file, without a traceback
            raise PluginError(f"Error reading catalog '{display}':\n{err}") from err
        self.entity_bytes = entity_bytes
        try:
            attach(self.catalog, entities)
        except CatalogError as err:
            raise PluginError(str(err)) from err
        self.docs_base, self.strict = os.path.relpath(config.docs_dir, base), config.strict
        templates = str(base / self.config.templates_dir) if self.config.templates_dir else ""
        explorer = self.config.explorer_page
        options = dict(tokens_page=self.config.tokens_page, scopes_page=self.config.scopes_page,
                       explorer_page=explorer if (docs / explorer).is_file() else "",
                       page_titles=page_titles(docs, sorted({e.page for e in self.catalog.endpoints})))
        renderer = Renderer(self.catalog, [templates] if templates else [], **options)
        fragments = self.caches.fragments(self.catalog_bytes + entity_bytes, {"templates_dir": templates, **options},
                                          templates)
        self.pipeline = PagePipeline(self.catalog, renderer, fragments)
        self.pages: dict[str, tuple[str, PageResult]] = {}
        # The plugin expands the pages itself: the extension (listed for hosts without MkDocs
        # plugins, such as Zensical) would only see markers already expanded.
        config.markdown_extensions[:] = [e for e in config.markdown_extensions if e != "mastodon_catalog"]
        config.mdx_configs.pop("mastodon_catalog", None)
        config.markdown_extensions += [e for e in NEEDED_EXTENSIONS if e not in config.markdown_extensions]
        return config

    def on_files(self, files, *, config):
        if not self.config.enabled:
            return files

        def page_url(page: str) -> str:
            file = files.get_file_from_path(page)
            return file.url if file else page

        # Under `mkdocs serve`, site_url is the dev server's address; unset, nothing publishes a URL.
        site_url = config.site_url or ""
        # The outputs depend on the catalog, its entities, the pages' URLs and the site URL: that is the key.
        urls = "\n".join(sorted(f"{page}={page_url(page)}" for page in {e.page for e in self.catalog.endpoints}
                                | {e.page for e in self.catalog.entities.values()}))
        parts = [self.catalog_bytes, self.entity_bytes, urls, site_url]
        made = outputs(self.catalog, page_url, site_url, self.config.catalog_json, self.config.openapi_json)
        for path, build in made:
            content = self.caches.output(path.replace("/", "_"), parts, lambda build=build: dumps(build()))
            files.append(File.generated(config, path, content=content))
        return files

    def on_pre_build(self, *, config):
        """Every page expanded and checked before MkDocs cleans the site folder, so that a
        mistake stops the build with the last good site still in place."""
        if not self.config.enabled:
            return
        pages = ((f.src_uri, *split_front_matter(f.content_string)) for f in get_files(config).documentation_pages())
        report = check_site(self.pipeline, pages, self.docs_base, self.config.checks_undocumented != "ignore")
        self.pages = report.pages
        self.report(report.errors, report.warnings)

    def report(self, errors: list[Problem], warnings: list[Problem]) -> None:
        if errors or self.strict and warnings:
            raise PluginError(str(CatalogError(errors + warnings, "the pages (nothing was built)")))
        for problem in sorted(warnings):
            log.warning(str(problem))

    # -100: after other plugins changed the Markdown, right before it is rendered.
    @event_priority(-100)
    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return markdown
        source, result = self.pages.get(page.file.src_uri, (None, None))
        if markdown != source:  # another plugin changed the page: expand and check what it made
            first_line = result.first_line if result else 1
            result = self.pipeline.page(page.file.src_uri, markdown, first_line)
            problems = [(Problem(f"{self.docs_base}/{page.file.src_uri}", n.line, n.col, n.message, n.fix), n.error)
                        for n in result.notes]
            self.report([p for p, error in problems if error], [p for p, error in problems if not error])
        return result.text

    def on_post_build(self, *, config):
        if self.config.enabled:
            self.caches.save_fragments()
        if not self.config.minify:
            return
        try:
            minify(Path(config.site_dir), self.config.minify, find_esbuild(base_dir(config)))
        except EsbuildMissing as error:
            log.warning(str(error))
        except MinifyError as error:
            raise PluginError(str(error)) from error

    def on_serve(self, server, *, config, builder):
        if self.config.enabled:
            server.watch(self.config.catalog_file)
            if Path(self.config.entities_dir).is_dir():
                server.watch(self.config.entities_dir)
            server.builder = GuardedBuilder(server.builder, config.site_dir)
        return server
