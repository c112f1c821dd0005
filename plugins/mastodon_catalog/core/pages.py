"""The one page pipeline: a page's markers parsed once, by one grammar, then expanded and
checked in a single pass. The Markdown extension and the MkDocs plugin both call it.

    <!-- endpoint accounts/block -->        one endpoint's header
    <!-- endpoints token=app -->            endpoints accepting a token kind (public, app, user)
    <!-- endpoints scope=read:accounts -->  endpoints naming a scope
    <!-- endpoints all -->                  every endpoint
    <!-- scopes -->                         the scope table and one section per scope
    <!-- entity Account -->                 one entity's section: attributes, example, returned by
    <!-- entities -->                       the index of every entity
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem
from .loader import one_of
from .model import TOKEN_KINDS, Catalog, Endpoint
from .render import DETAILS

# The grammar: a marker is a whole line; anything else that looks like one is a mistake.
MARKER_RE = re.compile(r"^<!--\s*(endpoints?|scopes|entity|entities)(?:\s+(.*?))?\s*-->\s*$")
MARKER_LIKE_RE = re.compile(r"<!--\s*(endpoints?|scopes|entity|entities)\b")
DRIFT_RE = re.compile(r"\*\*OAuth:?\*\*:?")
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
CODE_SPAN_RE = re.compile(r"(`+).+?\1")
HEADING_LEVEL_RE = re.compile(r"^(#{1,6})\s")


@dataclass(frozen=True, slots=True)
class Marker:
    """A valid marker: `kind` is "endpoint", "endpoints", "scopes", "entity" or "entities";
    `arg` an endpoint id, "all", "token=KIND", "scope=NAME", an entity's name or ""; `line`
    its line in the page's file."""

    kind: str
    arg: str
    line: int

    def render(self, renderer, page: str) -> str:
        catalog = renderer.catalog
        if self.kind == "endpoint":
            return renderer.endpoint(catalog.by_id[self.arg], page)
        if self.kind == "scopes":
            return renderer.scopes(page)
        if self.kind == "entity":
            return renderer.entity(catalog.entities[self.arg], page)
        if self.kind == "entities":
            return renderer.entity_index(page)
        key, _, value = self.arg.partition("=")
        if key == "token":
            return renderer.listing(catalog.accepting(value), page, token=value)
        if key == "scope":
            return renderer.listing(catalog.naming(value), page, scope=value)
        return renderer.all_endpoints(page)


@dataclass(frozen=True, slots=True, order=True)
class PageNote:
    """A problem found on a page. Errors (a marker that cannot be expanded, an endpoint in two
    places) always stop the build; the others are warnings, which strict mode makes fatal."""

    line: int
    col: int
    message: str
    fix: str = ""
    error: bool = False


@dataclass(frozen=True, slots=True)
class PageResult:
    text: str  # the page's Markdown with every valid marker expanded
    markers: tuple[Marker, ...]
    notes: tuple[PageNote, ...]
    first_line: int = 1  # the file's line number of the text's first line


def parse_marker(kind: str, arg: str, line: int, catalog: Catalog) -> Marker | PageNote:
    """One marker line, checked against the catalog: the marker, or what is wrong with it."""
    def wrong(problem: str, fix: str) -> PageNote:
        return PageNote(line, 1, problem, fix, error=True)

    if kind == "endpoint":
        if not arg or " " in arg:
            return wrong("endpoint marker needs exactly one endpoint id", "write <!-- endpoint accounts/block -->")
        if arg not in catalog.by_id:
            return wrong(f"marker names unknown endpoint '{arg}'", one_of(arg, catalog.by_id))
    elif kind == "endpoints":
        key, _, value = arg.partition("=")
        if arg == "all" or key == "token" and value in TOKEN_KINDS or key == "scope" and value in catalog.scopes:
            pass
        elif key == "token":
            return wrong(f"unknown token kind '{value}' in listing marker", one_of(value, TOKEN_KINDS))
        elif key == "scope":
            return wrong(f"unknown scope '{value}' in listing marker", one_of(value, catalog.scopes))
        else:
            return wrong(f"malformed listing marker '{arg}'", "write 'all', 'token=KIND' or 'scope=NAME'")
    elif kind == "entity":
        if not arg or " " in arg:
            return wrong("entity marker needs exactly one entity name", "write <!-- entity Account -->")
        if arg not in catalog.entities:
            return wrong(f"marker names unknown entity '{arg}'", one_of(arg, catalog.entities))
    elif arg:
        return wrong(f"the {kind} marker takes no arguments", f"write <!-- {kind} -->")
    return Marker(kind, arg, line)


def outside_code(lines: list[str]):
    """Yield (index, line) for lines not inside fenced code blocks."""
    fence: str | None = None
    for index, line in enumerate(lines):
        match = FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip()[len(match.group(1)):].strip():
                fence = None
        else:
            yield index, line


# What prose says about app tokens, within one sentence: "an app token is turned away",
# "an app token with `read` also passes". A label is the catalog's word; prose must agree.
_NEAR = r"\b[^.;]{0,60}?\b"
APP_REFUSED_RE = re.compile(
    r"app tokens?" + _NEAR + r"(?:is|are) (?:refused|rejected|turned away|not accepted)|app tokens?" + _NEAR
    + r"gets? (?:a |an )?(?:401|403|422)|app tokens?" + _NEAR + r"(?:does not|doesn't|do not|don't|cannot|can't)"
    r" (?:work|pass)|\bno app token", re.I)
APP_ACCEPTED_RE = re.compile(r"app tokens?" + _NEAR + r"(?:works|is accepted|are accepted|passes|is enough)\b"
                             r"|accepts? an app token", re.I)


def prose_contradictions(paragraph: str, line: int, endpoint: Endpoint) -> list[PageNote]:
    """Prose after an endpoint's marker that says the opposite of its label about app tokens.
    Where the label offers Public, an app token is answered as no token, so it 'works' too."""
    fix = "correct the prose, or the endpoint's alternatives in the catalog"
    if endpoint.accepts("app") and (said := APP_REFUSED_RE.search(paragraph)):
        return [PageNote(line, 1, f"the prose says \"{said.group(0)}\", but the label of '{endpoint.id}' offers an "
                         "app token", fix)]
    if not (endpoint.accepts("app") or endpoint.accepts("public")) and (said := APP_ACCEPTED_RE.search(paragraph)):
        return [PageNote(line, 1, f"the prose says \"{said.group(0)}\", but the label of '{endpoint.id}' offers no "
                         "app token", fix)]
    return []


def process(text: str, catalog: Catalog, expand: Callable[[Marker], str], first_line: int = 1) -> PageResult:
    """Expand every marker of a page and check its source, in one pass over its lines.
    `first_line` is the file's line number of the text's first line (after front matter)."""
    lines = text.split("\n")
    out: list[str] = []
    markers: list[Marker] = []
    notes: list[PageNote] = []
    endpoint, paragraph, start, done = None, [], 0, 0
    details: list[str] = []  # the last endpoint's tables, due at the end of its prose

    def end_paragraph() -> None:
        if endpoint and paragraph:
            notes.extend(prose_contradictions(" ".join(paragraph), start, endpoint))
        paragraph.clear()

    def place_details(index: int) -> None:
        nonlocal done
        if details:
            out.extend([*lines[done:index], *details])
            done = index
            details.clear()

    for index, line in outside_code(lines):
        number = index + first_line
        match = MARKER_RE.match(line)
        heading = HEADING_LEVEL_RE.match(line)
        if match or heading and len(heading.group(1)) <= 2:
            place_details(index)  # an endpoint's section ends at the next marker or section
        if match or not line.strip() or line.startswith("#"):
            end_paragraph()
            if line.startswith("#"):
                endpoint = None  # prose under another heading is about something else
        else:
            start = start if paragraph else number
            paragraph.append(line.strip())
        if match:
            found = parse_marker(match.group(1), (match.group(2) or "").strip(), number, catalog)
            out += lines[done:index]
            done = index + 1
            if isinstance(found, PageNote):
                notes.append(found)
                endpoint = None
                continue
            markers.append(found)
            head, _, tail = expand(found).partition(DETAILS)
            out += ["", *head.splitlines(), ""]
            details.extend(["", *tail.splitlines(), ""] if tail else [])
            endpoint = catalog.by_id[found.arg] if found.kind == "endpoint" else None
            continue
        prose = CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line)
        if like := MARKER_LIKE_RE.search(prose):
            notes.append(PageNote(number, like.start() + 1, "marker is not alone on its line, so it is ignored",
                                  "put it on a line of its own, starting in the first column"))
        if drift := DRIFT_RE.search(prose):
            notes.append(PageNote(number, drift.start() + 1, "hand-typed OAuth line (drift from the catalog)",
                                  "remove it and use an <!-- endpoint ID --> marker, which renders the label"))
    end_paragraph()
    place_details(len(lines))
    out += lines[done:]
    return PageResult("\n".join(out), tuple(markers), tuple(notes), first_line)


@dataclass
class SiteChecker:
    """Site-wide checks: every catalog endpoint documented exactly once, on its own page."""

    catalog: Catalog
    documented: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)  # (kind, name) -> where

    def record(self, page: str, markers: tuple[Marker, ...]) -> list[PageNote]:
        """Note where endpoints and entities are documented; returns problems found on this page."""
        notes = []
        # A page converted again (a rebuild) replaces what it said before.
        self.documented = {key: where for key, where in self.documented.items() if where[0] != page}
        for marker in markers:
            if marker.kind not in ("endpoint", "entity"):
                continue
            key = (marker.kind, marker.arg)
            if key in self.documented:
                first_page, first_line = self.documented[key]
                notes.append(PageNote(marker.line, 1, f"{marker.kind} '{marker.arg}' is documented twice "
                                      f"(first at {first_page}:{first_line})", "keep one marker", error=True))
                continue
            self.documented[key] = (page, marker.line)
            home = (self.catalog.by_id[marker.arg] if marker.kind == "endpoint" else
                    self.catalog.entities[marker.arg]).page
            if home != page:
                fix = f"move the marker there or set 'page: {page}' in the catalog" if marker.kind == "endpoint" \
                    else f"move the marker there, or the entity into data/entities/{posixpath.basename(page)[:-3]}.yaml"
                notes.append(PageNote(marker.line, 1, f"{marker.kind} '{marker.arg}' is documented here, but the "
                                      f"catalog says it is on {home}", fix, error=True))
        return notes

    def undocumented(self) -> list[Endpoint]:
        """Endpoints with no marker anywhere, in catalog order."""
        return [e for e in self.catalog.endpoints if ("endpoint", e.id) not in self.documented]

    def undocumented_entities(self) -> list:
        return [e for e in self.catalog.entities.values() if ("entity", e.name) not in self.documented]


def _failure(err: Exception) -> str:
    """A template override's mistake, named with its template and line when Jinja knows them."""
    where = f" ({getattr(err, 'filename', None) or getattr(err, 'name', None)}, line {err.lineno})" \
        if getattr(err, "lineno", None) and type(err).__module__.startswith("jinja2") else ""
    return f"rendering this marker failed: {type(err).__name__}: {err}{where}"


class PagePipeline:
    """The catalog, its renderer and the rendered fragments: what every host (the MkDocs
    plugin, the Markdown extension) hands a page's text to."""

    def __init__(self, catalog: Catalog, renderer, fragments: dict[tuple[str, str, str], str] | None = None):
        self.catalog, self.renderer = catalog, renderer
        self.fragments = {} if fragments is None else fragments  # (kind, arg, page) -> Markdown
        self.failed: set[str] = set()  # a broken template is reported once, at its first marker

    def page(self, page: str, text: str, first_line: int = 1) -> PageResult:
        """`page` is the page's path under the docs folder: links are made relative to it."""
        failures: list[PageNote] = []

        def expand(marker: Marker) -> str:
            key = (marker.kind, marker.arg, page)
            if key not in self.fragments:
                try:
                    self.fragments[key] = marker.render(self.renderer, page)
                except Exception as err:  # noqa: BLE001 - a template override's mistake, located, no traceback
                    if (message := _failure(err)) not in self.failed:
                        self.failed.add(message)
                        failures.append(PageNote(marker.line, 1, message, error=True))
                    return ""
            return self.fragments[key]

        result = process(text, self.catalog, expand, first_line)
        if failures:
            result = PageResult(result.text, result.markers, tuple(sorted(result.notes + tuple(failures))), first_line)
        return result


HEADING_RE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)


def page_titles(docs: Path, pages: Iterable[str]) -> dict[str, str]:
    """Each page's first level-1 heading (without attributes), for pages that exist and have one."""
    out = {}
    for page in pages:
        try:
            text = without_front_matter((docs / page).read_text(encoding="utf-8"))[0]
        except (OSError, UnicodeDecodeError):
            continue
        match = HEADING_RE.search(text)
        if match:
            out[page] = re.sub(r"\s*\{[^}]*\}$", "", match.group(1))
    return out


FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n.*?\n(?:-{3}|\.{3})[ \t]*\n", re.S)


def without_front_matter(source: str) -> tuple[str, int]:
    """The page's Markdown without its YAML front matter (and the blank lines after it), as
    the hosts hand it to Markdown, and the file's line number of its first line."""
    source = source.replace("\r\n", "\n")
    match = FRONT_MATTER_RE.match(source)
    markdown = source[match.end():].lstrip("\n") if match else source
    return markdown, source.count("\n") - markdown.count("\n") + 1


@dataclass
class SiteReport:
    pages: dict[str, tuple[str, PageResult]]  # page -> (the Markdown it was given, the result)
    errors: list[Problem]
    warnings: list[Problem]


def check_site(pipeline: PagePipeline, pages, docs_base: str, undocumented: bool = True) -> SiteReport:
    """Every page through the pipeline, then the checks across pages. `pages` yields (page,
    Markdown, first line); problems are named `docs_base/page:line:col`."""
    checker = SiteChecker(pipeline.catalog)
    report = SiteReport({}, [], [])
    for page, markdown, first_line in sorted(pages):
        result = pipeline.page(page, markdown, first_line)
        report.pages[page] = (markdown, result)
        for note in result.notes + tuple(checker.record(page, result.markers)):
            problem = Problem(f"{docs_base}/{page}", note.line, note.col, note.message, note.fix)
            (report.errors if note.error else report.warnings).append(problem)
    if undocumented:
        report.warnings += [Problem(pipeline.catalog.source, e.line, 3, f"endpoint '{e.id}' is documented nowhere",
                                    f"add <!-- endpoint {e.id} --> to {docs_base}/{e.page}")
                            for e in checker.undocumented()]
        report.warnings += [Problem(e.file, e.line, 3, f"entity '{e.name}' is documented nowhere",
                                    f"add <!-- entity {e.name} --> to {docs_base}/{e.page}")
                            for e in checker.undocumented_entities()]
    return report
