"""Render the model as Markdown: the OAuth label, endpoint headers and generated lists.

Output is Markdown (with attr_list / md_in_html) so headings are real headings and MkDocs
checks and rewrites every link. Links are relative to the page being rendered."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .examples import example
from .model import PERMISSIONS, Alternative, Catalog, Endpoint, scope_anchor
from .responses import errors
from .returns import PLAIN, Success, type_name
from .versions import added_text, format_version, version_name

CODED = {"empty": "An empty object, `{}`", "null": "`null`"}  # answers whose JSON is shown as code
TOKEN_NAMES = {"public": "Public", "app": "App token", "user": "User token"}
TOKEN_ANCHORS = {"public": "public", "app": "app-token", "user": "user-token"}
ROLES_ANCHOR = "roles"  # the token-types page's section on role permissions
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# A code span as Markdown reads one; an escaped backtick opens none (so its text is prose).
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(.+?)(?<!`)\1(?!`)", re.S)
_BACKTICKS = re.compile(r"`+")
ENTITY_NAME_RE = re.compile(r"\b([A-Z][A-Za-z0-9]*(?:::[A-Z][A-Za-z0-9]*)*)")  # Admin::Account
# Outside code spans: raw HTML is shown as text, and braces cannot open an attr_list ({: onclick=...}).
_PROSE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", "{": "&#123;", "}": "&#125;"})


def page_title(page: str) -> str:
    """A page's title made from its path, for pages the host gave no heading of:
    methods/admin/domain_blocks.md -> 'Admin: domain blocks'."""
    parts = page.removesuffix(".md").split("/")
    parts = parts[1:] if len(parts) > 1 and parts[0] == "methods" else parts
    words = [p.replace("_", " ") for p in parts]
    return ": ".join([words[0].capitalize(), *words[1:]])


def md_inline(text: object) -> Markup:
    """Catalog text as one line of Markdown: raw HTML is shown, not interpreted, but
    `code spans` and links keep working."""
    parts, last = [], 0
    text = " ".join(str(text).split())
    for match in _CODE_SPAN.finditer(text):
        parts.append(text[last:match.start()].translate(_PROSE_ESCAPES))
        parts.append(match.group(0))
        last = match.end()
    parts.append(text[last:].translate(_PROSE_ESCAPES))
    return Markup("".join(parts))


def md_cell(text: object) -> Markup:
    return Markup(md_inline(text).replace("|", "\\|"))


def md_code(value: object) -> Markup:
    """Any value as one Markdown code span, whatever backticks it holds (Markdown escapes
    a code span's content, so nothing in it is HTML)."""
    text = " ".join(str(value).split())
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


@lru_cache(maxsize=None)
def relative(target: str, from_dir: str) -> str:
    """posixpath.relpath for paths under the docs folder, cached: it runs for every link."""
    return posixpath.relpath(target, from_dir or ".")


@dataclass(frozen=True)
class Links:
    """Relative links from one page (a path under the docs folder) to catalog targets."""

    page: str = "index.md"
    tokens_page: str = "api/oauth-tokens.md"
    scopes_page: str = "api/oauth-scopes.md"
    explorer_page: str = ""  # no "Try it" links without an explorer

    def to(self, target: str, anchor: str = "") -> str:
        href = "" if target == self.page else relative(target, posixpath.dirname(self.page))
        return f"{href}#{anchor}" if anchor else href

    def token(self, kind: str) -> str:
        return self.to(self.tokens_page, TOKEN_ANCHORS[kind])

    def scope(self, name: str) -> str:
        return self.to(self.scopes_page, scope_anchor(name))

    def endpoint(self, endpoint: Endpoint) -> str:
        return self.to(endpoint.page, endpoint.anchor)

    def entity(self, entity) -> str:
        return self.to(entity.page, entity.anchor)

    def try_it(self, endpoint: Endpoint) -> str:
        """The explorer's console with this endpoint selected, or "" without an explorer."""
        return f"{self.to(self.explorer_page)}?endpoint={endpoint.id}" if self.explorer_page else ""


def oauth_label(alternatives: tuple[Alternative, ...] | list[Alternative], links: Links,
                permission: str = "") -> Markup:
    """The one wording of an OAuth requirement, as inline Markdown.

    Alternatives of the same token kind and condition share one token link:
    "User token + `profile` (since 4.3.0) or `read:accounts`". A role permission follows the
    user token's scopes: "User token + `admin:read:accounts`, role with Manage Users"."""
    groups: list[list[Alternative]] = []
    for alt in alternatives:
        if groups and (groups[-1][0].token, groups[-1][0].when) == (alt.token, alt.when) and alt.scopes:
            groups[-1].append(alt)
        else:
            groups.append([alt])
    rendered = []
    for group in groups:
        head = group[0]
        text = f"[{TOKEN_NAMES[head.token]}]({links.token(head.token)})"
        sets = []
        for alt in group:
            scopes = " + ".join(f"[`{s}`]({links.scope(s)})" for s in alt.scopes)
            if scopes and len(alt.scopes) > 1 and len(group) > 1:
                scopes = f"({scopes})"
            since = f"(since {format_version(alt.since)})" if alt.since else ""
            sets.append((scopes, since))
        if any(scopes for scopes, _ in sets):
            text += " + " + " or ".join(" ".join(filter(None, pair)) for pair in sets)
        elif head.since:
            text += f" {sets[0][1]}"
        if permission and head.token == "user":
            text += f", role with [{PERMISSIONS[permission]}]({links.to(links.tokens_page, ROLES_ANCHOR)})"
        if head.when:
            text += f" ({md_inline(head.when)})"
        rendered.append(text)
    return Markup(" or ".join(rendered))


# Where an endpoint block splits: above, what a reader needs first (signature, label, summary);
# below, the reference tables, which the page pipeline places after the writer's prose.
DETAILS = Markup("<!-- mastodon-catalog: details -->")


def history_says_more(endpoint: Endpoint) -> bool:
    """Whether the history table says more than the added / deprecated / removed badges."""
    return any(c.note or c.change not in ("added", "deprecated", "removed") for c in endpoint.history)


class Renderer:
    """Renders catalog fragments through overridable Jinja templates."""

    def __init__(self, catalog: Catalog, template_dirs: list[str | Path] = (),
                 tokens_page: str = "api/oauth-tokens.md", scopes_page: str = "api/oauth-scopes.md",
                 explorer_page: str = "", page_titles: dict[str, str] | None = None):
        self.catalog = catalog
        self.page_titles = page_titles or {}  # page -> its first heading, for the all-endpoints sections
        self.tokens_page, self.scopes_page, self.explorer_page = tokens_page, scopes_page, explorer_page
        loaders = [FileSystemLoader([str(d) for d in template_dirs]), FileSystemLoader(str(TEMPLATES))]
        self.env = Environment(
            # Every template escapes every value (overrides too): Markdown passes raw HTML through.
            loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            auto_reload=False,  # a Renderer lives for one build; no stat() per fragment
        )
        self.env.filters.update(md=md_inline, cell=md_cell, code=md_code, version=format_version,
                                version_name=version_name, added=added_text)
        self.env.globals.update(token_names=TOKEN_NAMES, DETAILS=DETAILS, history_says_more=history_says_more)

    def links(self, page: str) -> Links:
        return Links(page, self.tokens_page, self.scopes_page, self.explorer_page)

    def _render(self, template: str, page: str, **context) -> str:
        links = self.links(page)
        return self.env.get_template(template).render(
            catalog=self.catalog, links=links, label=lambda alts, permission="": oauth_label(alts, links, permission),
            typed=lambda text: self.linked(text, links), **context
        )

    def linked(self, text: str, links: Links) -> Markup:
        """Free text (a 'returns' line, an attribute's type) as inline Markdown, with each
        entity it names, outside code spans, linked to that entity's section."""
        entities = self.catalog.entities
        shown = md_inline(text)
        if not entities:
            return shown

        def link(match: re.Match) -> str:
            name = match.group(1)
            return f"[{name}]({links.entity(entities[name])})" if name in entities else name

        parts, last = [], 0
        for span in _CODE_SPAN.finditer(shown):
            parts += [ENTITY_NAME_RE.sub(link, shown[last:span.start()]), span.group(0)]
            last = span.end()
        parts.append(ENTITY_NAME_RE.sub(link, shown[last:]))
        return Markup("".join(parts))

    def body(self, answer: Success, links: Links) -> Markup:
        """What a successful answer carries, as inline Markdown: 'Array of [Status](...)'."""
        if answer.kind == "json":
            text = self.linked(type_name(answer.type), links)
            return Markup(f"{text} keyed by {md_inline(answer.key)}") if answer.key else text
        if answer.kind == "events":
            return Markup("Events: " + ", ".join(md_code(name) for name in answer.events))
        return Markup(CODED.get(answer.kind, PLAIN[answer.kind]))

    def returns(self, endpoint: Endpoint, links: Links) -> Markup:
        """The 'Returns' line: each successful answer, its status when not 200, its condition."""
        parts = []
        for answer in endpoint.answers:
            text = self.body(answer, links)
            if answer.status != 200:
                text += f" (HTTP {answer.status})"
            if answer.when:
                text += f" {md_inline(answer.when) if answer.when == 'otherwise' else 'when ' + md_inline(answer.when)}"
            parts.append(text)
        return Markup(", or ".join(parts))

    def entity(self, entity, page: str, level: int = 2) -> str:
        entities = self.catalog.entities
        returned_by = [e for e in self.catalog.endpoints if any(a.entity == entity.name for a in e.answers)]
        return self._render("entity.md.jinja", page, entity=entity, level=level, returned_by=returned_by,
                            attributes=entity.attributes, anchors=self.attribute_anchors(entity),
                            parent=entities.get(entity.extends) if entity.extends else None,
                            example=json.dumps(example(entity, entities), indent=2, ensure_ascii=False))

    def attribute_anchors(self, entity) -> dict[str, str]:
        """Each attribute's HTML id: its own anchor, else its name, else (when a section of
        the page or an attribute of an entity before it has that id) the entity's anchor and
        the name."""
        on_page = [e for e in self.catalog.entities.values() if e.page == entity.page]
        taken: set[str] = {e.anchor for e in on_page}  # section ids come first
        for other in on_page:
            anchors = {}
            for a in other.attributes:
                name = re.sub(r"[^A-Za-z0-9_-]", "-", a.name)  # "@1x", "posting:default:language"
                anchor = a.anchor or (name if name not in taken else f"{other.anchor.lower()}-{name}")
                anchors[a.name] = anchor
            if other is entity:
                return anchors
            taken |= set(anchors.values())
        return {a.name: a.anchor or re.sub(r"[^A-Za-z0-9_-]", "-", a.name) for a in entity.attributes}

    def entity_index(self, page: str) -> str:
        entities = sorted(self.catalog.entities.values(), key=lambda e: e.name.lower())
        return self._render("entities.md.jinja", page, entities=entities)

    def endpoint(self, endpoint: Endpoint, page: str, level: int = 2) -> str:
        """The endpoint's block; the part after DETAILS (parameters, responses, history) belongs
        after the writer's prose, where the page pipeline moves it."""
        links = self.links(page)
        return self._render("endpoint.md.jinja", page, endpoint=endpoint, level=level, errors=errors(endpoint),
                            returns=self.returns(endpoint, links), body=lambda answer: self.body(answer, links),
                            error_link=self.linked("Error", links) if "Error" in self.catalog.entities
                            else "Error", json=lambda body: json.dumps(body, ensure_ascii=False))

    def all_endpoints(self, page: str, level: int = 2) -> str:
        """Every endpoint, grouped by the page that documents it, pages in catalog order."""
        groups: dict[str, list[Endpoint]] = {}
        for endpoint in self.catalog.endpoints:
            groups.setdefault(endpoint.page, []).append(endpoint)
        links = self.links(page)
        return self._render("all.md.jinja", page, level=level, returns=lambda e: self.returns(e, links),
                            groups=[(p, self.page_titles.get(p) or page_title(p), endpoints)
                                    for p, endpoints in groups.items()],
                            anchor=lambda p: "page-" + p.removesuffix(".md").replace("/", "-").replace("_", "-"))

    def listing(self, endpoints: list[Endpoint], page: str, token: str | None = None, scope: str | None = None) -> str:
        return self._render("listing.md.jinja", page, endpoints=endpoints, token=token, scope=scope)

    def scopes(self, page: str, level: int = 3) -> str:
        return self._render("scopes.md.jinja", page, level=level)
