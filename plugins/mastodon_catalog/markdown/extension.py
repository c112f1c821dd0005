"""Python-Markdown extension that runs the page pipeline on each page it converts.

For hosts without MkDocs plugins (Zensical, a script): list it under `markdown_extensions`
with the catalog's path. Under MkDocs the plugin runs the pipeline itself and removes this
extension, so a page is never expanded twice."""

from __future__ import annotations

import logging
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from ..core import CatalogError, Problem, load_catalog
from ..core.pages import PagePipeline, SiteChecker
from ..core.render import Renderer

log = logging.getLogger("mkdocs.plugins.mastodon_catalog")
# The rendered headers use attr_list (heading ids, classes), md_in_html and tables.
NEEDED_EXTENSIONS = ["attr_list", "md_in_html", "tables"]


class CatalogExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "catalog": ["data/endpoints.yaml", "Path of the catalog"],
            "docs_dir": ["docs", "The docs folder: pages are named by their path under it"],
            "templates_dir": ["", "Folder with template overrides (endpoint.md.jinja, ...)"],
            "tokens_page": ["api/oauth-tokens.md", "The token-types page, relative to the docs folder"],
            "scopes_page": ["api/oauth-scopes.md", "The scopes page, relative to the docs folder"],
            "explorer_page": ["", "The explorer page for 'Try it' links; empty for none"],
            "page": ["", "The page being converted, under the docs folder, when the host cannot say"],
            "strict": [False, "Stop on page warnings too, not only on errors"],
        }
        super().__init__(**kwargs)
        self._pipeline: PagePipeline | None = None
        self.checker: SiteChecker | None = None

    @property
    def pipeline(self) -> PagePipeline:
        if self._pipeline is None:
            docs = Path(self.getConfig("docs_dir"))
            pages = frozenset(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.is_dir() else None
            catalog = load_catalog(self.getConfig("catalog"), pages=pages)
            templates = self.getConfig("templates_dir")
            renderer = Renderer(catalog, [templates] if templates else [], self.getConfig("tokens_page"),
                                self.getConfig("scopes_page"), self.getConfig("explorer_page"))
            self._pipeline = PagePipeline(catalog, renderer)
            self.checker = SiteChecker(catalog)
        return self._pipeline

    def extendMarkdown(self, md: Markdown) -> None:
        present = set(md.treeprocessors._data) | set(md.parser.blockprocessors._data)
        parts = {"attr_list": "attr_list", "md_in_html": "markdown_block", "tables": "table"}
        missing = [name for name in NEEDED_EXTENSIONS if parts[name] not in present]
        if missing:
            md.registerExtensions(missing, {})
        # 28: after whitespace is normalised (30), before front matter (27) or fenced code (25)
        # is taken out, so line numbers are the file's.
        md.preprocessors.register(MarkerPreprocessor(md, self), "mastodon_catalog", 28)

    def current_page(self, md: Markdown) -> str | None:
        """The page being converted, as a path under the docs folder; None when unknown."""
        return self.getConfig("page") or None

    def run(self, md: Markdown, text: str) -> str:
        page = self.current_page(md)
        result = self.pipeline.page(page or "index.md", text)
        # Where each endpoint is documented can only be checked on pages that are named.
        notes = [*result.notes, *(self.checker.record(page, result.markers) if page else ())]
        where = f"{self.getConfig('docs_dir')}/{page or 'index.md'}"
        problems = [(Problem(where, n.line, n.col, n.message, n.fix), n.error) for n in notes]
        if any(error for _, error in problems) or self.getConfig("strict") and problems:
            raise CatalogError([p for p, _ in problems], f"the page {where}")
        for problem, _ in problems:
            log.warning(str(problem))
        return result.text


class MarkerPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: CatalogExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        return self.extension.run(self.md, "\n".join(lines)).split("\n")


def makeExtension(**kwargs) -> CatalogExtension:  # noqa: N802 - Python-Markdown's entry point name
    return CatalogExtension(**kwargs)
