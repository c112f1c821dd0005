"""Python-Markdown extension that expands the catalog markers of a page.

Works in any Python-Markdown host: list it under `markdown_extensions` with a `catalog`
path (Zensical), or let the MkDocs plugin add it with the catalog already loaded."""

from __future__ import annotations

import logging

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from ..core import Catalog, load_catalog
from ..core.markers import MARKER_RE, check_marker, outside_code
from ..core.render import Renderer

log = logging.getLogger("mkdocs.plugins.mastodon_catalog")


class CatalogExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "catalog": ["data/endpoints.yaml", "Path of the catalog, or a loaded Catalog"],
            "templates_dir": ["", "Folder with template overrides (endpoint.md.jinja, ...)"],
            "tokens_page": ["api/oauth-tokens.md", "The token-types page, relative to the docs folder"],
            "scopes_page": ["api/oauth-scopes.md", "The scopes page, relative to the docs folder"],
            "explorer_page": ["", "The explorer page for 'Try it' links; empty for none"],
            "page": ["index.md", "The page being rendered, for relative links (the plugin sets it)"],
        }
        # A dict memoising rendered markers by (kind, argument, page), shared across pages and
        # builds by the host; not a Markdown config value (those get coerced to strings/bools).
        self.fragments: dict | None = kwargs.pop("fragments", None)
        super().__init__(**kwargs)
        self._renderer: Renderer | None = None

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            catalog = self.getConfig("catalog")
            if not isinstance(catalog, Catalog):
                catalog = load_catalog(catalog)
            templates = self.getConfig("templates_dir")
            self._renderer = Renderer(catalog, [templates] if templates else [], self.getConfig("tokens_page"),
                                      self.getConfig("scopes_page"), self.getConfig("explorer_page"))
        return self._renderer

    def extendMarkdown(self, md: Markdown) -> None:
        # The rendered headers use attr_list (heading ids, classes), md_in_html and tables.
        wanted = {"attr_list": "attr_list", "md_in_html": "markdown_block", "tables": "table"}
        present = set(md.treeprocessors._data) | set(md.parser.blockprocessors._data)
        missing = [name for name, part in wanted.items() if part not in present]
        if missing:
            md.registerExtensions(missing, {})
        # 22: after fenced code is stashed (25), before raw HTML blocks are (20).
        md.preprocessors.register(MarkerPreprocessor(md, self), "mastodon_catalog", 22)


class MarkerPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: CatalogExtension):
        super().__init__(md)
        self.extension = extension

    def expand(self, line: str) -> str | None:
        match = MARKER_RE.match(line)
        if not match:
            return None
        renderer = self.extension.renderer
        marker, problem, fix = check_marker(match, renderer.catalog)
        page = self.extension.getConfig("page")
        if marker is None:
            log.debug("%s: %s (%s)", page, problem, fix)  # the host reports it with a line number
            return ""
        fragments = self.extension.fragments
        if fragments is None:
            return renderer.marker(marker, page)
        key = (marker.kind, marker.arg, page)
        if key not in fragments:
            fragments[key] = renderer.marker(marker, page)
        return fragments[key]

    def run(self, lines: list[str]) -> list[str]:
        out = list(lines)
        for number, line in reversed(list(outside_code(lines))):
            expanded = self.expand(line)
            if expanded is not None:
                out[number - 1:number] = ["", *expanded.splitlines(), ""]
        return out


def makeExtension(**kwargs) -> CatalogExtension:  # noqa: N802 - Python-Markdown's entry point name
    return CatalogExtension(**kwargs)
