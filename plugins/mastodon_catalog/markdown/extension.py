"""Python-Markdown extension that runs the page pipeline on each page it converts.

For hosts without MkDocs plugins (Zensical, a script): list it under `markdown_extensions`
with the catalog's path. Under MkDocs the plugin runs the pipeline itself and removes this
extension, so a page is never expanded twice.

Zensical makes a new Markdown (and extension) per page, and tells the page through its
`rendering_context` preprocessor. The first page of a build checks the whole site, as the
plugin does; the loaded catalog and that check are kept for the process, keyed by the files
they came from, so the other pages cost only their own expansion."""

from __future__ import annotations

import logging
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from ..core import CatalogError, Problem, load_catalog
from ..core.entities import entity_files, with_entities
from ..core.pages import PagePipeline, SiteChecker, SiteReport, check_site, page_titles, without_front_matter
from ..core.render import Renderer

log = logging.getLogger("mkdocs.plugins.mastodon_catalog")
# The rendered headers use attr_list (heading ids, classes), md_in_html and tables.
NEEDED_EXTENSIONS = ["attr_list", "md_in_html", "tables"]
_SITES: dict[tuple, tuple[PagePipeline, SiteChecker, SiteReport | None]] = {}  # one entry: the newest key


class CatalogExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "catalog": ["data/endpoints.yaml", "Path of the catalog, from the project folder"],
            "entities_dir": ["", "Folder of the entities (one YAML file per page), by default entities/ beside "
                                 "the catalog; none when absent"],
            "docs_dir": ["docs", "The docs folder (a Zensical build takes its own)"],
            "templates_dir": ["", "Folder with template overrides (endpoint.md.jinja, ...)"],
            "tokens_page": ["api/oauth-tokens.md", "The token-types page, relative to the docs folder"],
            "scopes_page": ["api/oauth-scopes.md", "The scopes page, relative to the docs folder"],
            "explorer_page": ["", "The explorer page for 'Try it' links; empty for none"],
            "page": ["", "The page being converted, under the docs folder, when the host cannot say"],
            "strict": [False, "Stop on page warnings too, not only on errors (a Zensical build takes its own)"],
            "checks_undocumented": ["warn", "'warn' about catalog endpoints no page documents, or 'ignore'"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        present = set(md.treeprocessors._data) | set(md.parser.blockprocessors._data)
        parts = {"attr_list": "attr_list", "md_in_html": "markdown_block", "tables": "table"}
        missing = [name for name in NEEDED_EXTENSIONS if parts[name] not in present]
        if missing:
            md.registerExtensions(missing, {})
        # 28: after whitespace is normalised (30), before front matter (27) or fenced code (25)
        # is taken out, so line numbers are the file's.
        md.preprocessors.register(MarkerPreprocessor(md, self), "mastodon_catalog", 28)


class Host:
    """What the host says of the build: the project folder, the docs folder, strictness, and
    the page being converted (Zensical's rendering context, else the extension's options)."""

    def __init__(self, md: Markdown, extension: CatalogExtension):
        context = md.preprocessors["rendering_context"] if "rendering_context" in md.preprocessors else None
        config = getattr(context, "config", None) or {}
        get = extension.getConfig
        self.zensical = context is not None and hasattr(context, "page")
        self.root = Path(config.get("root_dir") or ".")
        self.docs = self.root / (config.get("docs_dir") or get("docs_dir"))  # Zensical's is absolute
        self.docs_base = (self.docs.relative_to(self.root) if self.docs.is_relative_to(self.root) else self.docs).as_posix()
        self.strict = bool(config.get("strict", get("strict")))
        self.page = getattr(getattr(context, "page", None), "path", None) or get("page") or None
        self.options = {key: get(key) for key in ("catalog", "entities_dir", "templates_dir", "tokens_page", "scopes_page",
                                                  "explorer_page", "checks_undocumented")}

    def path(self, option: str) -> Path:
        if option == "entities_dir" and not self.options[option]:
            return self.path("catalog").parent / "entities"
        return self.root / self.options[option]

    def sources(self):
        """Every page of the docs folder as (page, Markdown, first line)."""
        for file in sorted(self.docs.rglob("*.md")):
            yield (file.relative_to(self.docs).as_posix(), *without_front_matter(file.read_text(encoding="utf-8")))

    def key(self) -> tuple:
        catalog = self.path("catalog")
        stamp = catalog.stat().st_mtime_ns if catalog.is_file() else None
        templates = self.options["templates_dir"]
        template_stamps = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(self.path("templates_dir").glob("*.jinja"))) \
            if templates else ()
        pages = tuple((p.as_posix(), p.stat().st_mtime_ns) for p in sorted(self.docs.rglob("*.md"))) \
            if self.docs.is_dir() else ()
        pages += tuple((p.as_posix(), p.stat().st_mtime_ns) for p in entity_files(self.path("entities_dir"))) \
            if self.path("entities_dir").is_dir() else ()
        return (str(catalog), stamp, str(self.docs), tuple(sorted(self.options.items())), template_stamps, pages)


def site_for(host: Host) -> tuple[PagePipeline, SiteChecker, SiteReport | None]:
    """The pipeline for this build (loaded once per set of files), and under Zensical the
    whole site's check, done before the first page is converted."""
    key = host.key()
    if key not in _SITES:
        pages = frozenset(p for p, _, _ in host.sources()) if host.docs.is_dir() else None
        catalog = load_catalog(host.path("catalog"), host.options["catalog"], pages=pages)
        with_entities(catalog, host.path("entities_dir"),
                      host.options["entities_dir"] or str(Path(host.options["catalog"]).parent / "entities"))
        templates = [host.path("templates_dir")] if host.options["templates_dir"] else []
        titles = page_titles(host.docs, sorted({e.page for e in catalog.endpoints})) if host.docs.is_dir() else {}
        renderer = Renderer(catalog, templates, host.options["tokens_page"], host.options["scopes_page"],
                            host.options["explorer_page"], titles)
        pipeline = PagePipeline(catalog, renderer)
        report = None
        if host.zensical:
            report = check_site(pipeline, host.sources(), host.docs_base,
                                host.options["checks_undocumented"] != "ignore")
            stop(report.errors, report.warnings, host.strict, "the pages (the build stopped)")
        _SITES.clear()
        _SITES[key] = (pipeline, SiteChecker(catalog), report)
    return _SITES[key]


def stop(errors: list[Problem], warnings: list[Problem], strict: bool, subject: str) -> None:
    if errors or strict and warnings:
        raise CatalogError(errors + warnings, subject)
    for problem in warnings:
        log.warning(str(problem))


class MarkerPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: CatalogExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        host = Host(self.md, self.extension)
        pipeline, checker, report = site_for(host)
        page = host.page or "index.md"
        text = "\n".join(lines)
        if report and page in report.pages:  # checked with the whole site already: report nothing twice
            # Expand what Markdown holds, not the file: other preprocessors may have run first
            # (superfences with preserve_tabs takes fenced code out before whitespace is normalised).
            return pipeline.page(page, text, report.pages[page][1].first_line).text.split("\n")
        result = pipeline.page(page, text)
        # Where each endpoint is documented can only be checked on pages that are named.
        notes = [*result.notes, *(checker.record(page, result.markers) if host.page else ())]
        where = f"{host.docs_base}/{page}"
        problems = [(Problem(where, n.line, n.col, n.message, n.fix), n.error) for n in notes]
        stop([p for p, error in problems if error], [p for p, error in problems if not error], host.strict,
             f"the page {where}")
        return result.text.split("\n")


def makeExtension(**kwargs) -> CatalogExtension:  # noqa: N802 - Python-Markdown's entry point name
    return CatalogExtension(**kwargs)
