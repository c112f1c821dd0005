"""The site built by Zensical shows every endpoint exactly as the MkDocs build does.

Zensical (Material for MkDocs' successor) reads mkdocs.yml and runs Python-Markdown extensions, but no
MkDocs plugin. So the `mastodon_catalog` Markdown extension alone must expand every marker, with links
relative to the page it is on. This module builds the real site with `zensical build` and compares it,
section by section, with the MkDocs build of the same sources (the session fixture `real_site`):

- every endpoint section: from the heading carrying the endpoint's anchor (the page of its
  `<!-- endpoint ID -->` marker, the anchor from data/endpoints.yaml) up to the next heading of the same
  or a higher level;
- every section of the listing pages (tokens, scopes, all endpoints), each heading up to the next one.

Both sides are normalised first (see `canonical`): whitespace, attribute and class order, permalink
anchors (`a.headerlink`) and Zensical's `#__skip` anchor, Pygments markup inside code blocks (only the
code's text counts), and links, which are compared by the page and anchor they lead to, not by spelling.
Everything else counts: a marker left as an HTML comment, a wrong relative link, a label worded
differently, a missing parameter table.

It builds as `bash scripts/zensical.sh` does: `zensical build -f zensical.yml` (mkdocs.yml plus
the extension), then `python -m mastodon_catalog.outputs` for the JSON files.
"""

from __future__ import annotations

import copy
import difflib
import os
import posixpath
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag

ROOT = Path(__file__).resolve().parent.parent
DOCS = "content"
# What a Zensical build of this site reads: the sources, the catalog, the theme overrides, the config.
COPY = ["content", "data", "overrides", "mkdocs.yml", "zensical.yml"]
LISTING_PAGES = ["api/oauth-tokens.md", "api/oauth-scopes.md", "api/endpoints.md"]
SHOWN = 5  # mismatches shown in full
DIFF_LINES = 60  # lines of each diff shown

ENDPOINT_MARKER = re.compile(r"^<!--\s*endpoint\s+(\S+)\s*-->\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
HEADING = re.compile(r"^h[1-6]$")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
DEFAULT_ENV = {k: v for k, v in os.environ.items() if k != "SITE_URL"}  # as the MkDocs build (real_site) runs


# --------------------------------------------------------------------------------------------------
# Building the Zensical site
# --------------------------------------------------------------------------------------------------


@dataclass
class ZensicalSite:
    dir: Path
    config: str
    output: str


def zensical_build(project: Path, config: str) -> subprocess.CompletedProcess:
    """`zensical build` as a writer would run it, with the interpreter running the tests (so it imports
    the same mastodon_catalog). --clean: no page may come from Zensical's render cache (.cache/), which
    does not notice changes to an extension's code."""
    return subprocess.run(
        [sys.executable, "-m", "zensical", "build", "--strict", "--clean", "--config-file", config],
        cwd=project, capture_output=True, text=True, timeout=600,  # it colours its output even when piped
        env=DEFAULT_ENV,
    )


def _tail(text: str, limit: int = 6000) -> str:
    text = ANSI.sub("", text)
    return text if len(text) <= limit else f"[... {len(text) - limit} characters cut ...]\n{text[-limit:]}"


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory) -> ZensicalSite:
    project = tmp_path_factory.mktemp("zensical") / "site-src"
    project.mkdir()
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy2(source, project / name)
    result = zensical_build(project, "zensical.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"zensical build --strict -f zensical.yml failed:\n{_tail(output)}"
    site = project / "site"
    assert (site / "index.html").is_file(), f"zensical build wrote no site/index.html:\n{_tail(output)}"
    outputs = subprocess.run([sys.executable, "-m", "mastodon_catalog.outputs"], cwd=project, capture_output=True,
                             text=True, timeout=120, env=DEFAULT_ENV)
    assert outputs.returncode == 0, outputs.stderr
    # And the scripts minified, as scripts/zensical.sh does (with the project's esbuild).
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    minified = subprocess.run([sys.executable, "-m", "mastodon_catalog.minify"], cwd=project, capture_output=True,
                              text=True, timeout=120, env=DEFAULT_ENV)
    assert minified.returncode == 0, minified.stderr
    return ZensicalSite(site, "zensical.yml", output)


# --------------------------------------------------------------------------------------------------
# Reading pages and sections
# --------------------------------------------------------------------------------------------------


def page_url(src: str) -> str:
    """The URL path of a page under use_directory_urls (both generators default to it)."""
    stem = src[:-3]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    return "/" + stem


def page_file(site: Path, src: str) -> Path:
    return site / page_url(src).lstrip("/") / "index.html"


@lru_cache(maxsize=None)
def _article(path: Path) -> Tag | None:
    if not path.is_file():
        return None
    document = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return document.select_one("article.md-content__inner")


def article(site: Path, src: str) -> Tag | None:
    """The page's article (Material's and Zensical's `article.md-content__inner`), or None."""
    return _article(page_file(site, src).resolve())


def section(heading: Tag, leaf: bool = False) -> list:
    """The heading and its following siblings, up to the next heading of the same or a higher level
    (with `leaf`, up to the next heading of any level)."""
    level = int(heading.name[1])
    nodes = [heading]
    for sibling in heading.next_siblings:
        if isinstance(sibling, Tag) and HEADING.fullmatch(sibling.name) \
                and (leaf or int(sibling.name[1]) <= level):
            break
        nodes.append(sibling)
    return nodes


def endpoint_markers(docs: Path) -> list[tuple[str, str]]:
    """(page, endpoint id) of every endpoint marker outside fenced code, in page order."""
    found = []
    for path in sorted(docs.rglob("*.md")):
        fence = None
        for line in path.read_text(encoding="utf-8").splitlines():
            match = FENCE.match(line)
            if fence is None and match:
                fence = match.group(1)
            elif fence is not None:
                if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                    fence = None
            elif marker := ENDPOINT_MARKER.match(line):
                found.append((path.relative_to(docs).as_posix(), marker.group(1)))
    return found


def catalog_anchors(catalog: Path) -> dict[str, str]:
    data = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    return {e["id"]: e["anchor"] for e in data["endpoints"]}


# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------


def _dropped(tag: Tag) -> bool:
    classes = tag.get("class") or []
    return (tag.name == "a" and "headerlink" in classes) or tag.get("id") == "__skip"


def _is_code_block(tag: Tag) -> bool:
    classes = tag.get("class") or []
    return "highlight" in classes or "highlighttable" in classes or "codehilite" in classes


def _code_text(tag: Tag) -> str:
    """The code of a highlighted block or span, without Pygments' markup and line numbers."""
    code = copy.copy(tag.select_one("td.code") or tag)  # a copy: the parsed page is cached and shared
    for number in code.select(".linenos, .linenodiv, .lineno"):
        number.decompose()
    return code.get_text()


def _link(value: str, base: str) -> str:
    """Where a link leads, as a site path: '../../api/x/#a' and '/api/x/#a' are one target."""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith(("mailto:", "data:")):
        return value
    target = urlsplit(urljoin(base, value))
    path = posixpath.normpath(target.path) + ("/" if target.path.endswith("/") and target.path != "/" else "")
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return urlunsplit(("", "", path if path != "." else "/", target.query, target.fragment))


def _attributes(tag: Tag, base: str) -> str:
    parts = []
    for name in sorted(tag.attrs):
        value = tag.attrs[name]
        if name == "class":
            value = " ".join(sorted(value if isinstance(value, list) else value.split()))
        elif isinstance(value, list):
            value = " ".join(value)
        if name in ("href", "src") and value:
            value = _link(value, base)
        parts.append(f' {name}="{" ".join(str(value).split())}"')
    return "".join(parts)


def canonical(nodes, base: str) -> list[str]:
    """Nodes as lines, one per tag and text: the form compared and shown in diffs.

    `base` is the URL path of the page the nodes come from (links are resolved against it)."""
    lines: list[str] = []

    def walk(node, depth: int) -> None:
        pad = "  " * depth
        if isinstance(node, Comment):
            lines.append(f"{pad}<!-- {' '.join(node.split())} -->")
        elif isinstance(node, Doctype):
            return
        elif isinstance(node, NavigableString):
            text = " ".join(node.split())
            if text:
                lines.append(pad + text)
        elif isinstance(node, Tag):
            if _dropped(node):
                return
            if _is_code_block(node):
                lines.append(f"{pad}<code block>")
                lines.extend(f"{pad}  | {line.rstrip()}" for line in _code_text(node).rstrip("\n").split("\n"))
                return
            if node.name == "pre":
                lines.append(f"{pad}<pre{_attributes(node, base)}>")
                lines.extend(f"{pad}  | {line.rstrip()}" for line in node.get_text().rstrip("\n").split("\n"))
                return
            lines.append(f"{pad}<{node.name}{_attributes(node, base)}>")
            for child in node.children:
                walk(child, depth + 1)
            lines.append(f"{pad}</{node.name}>")

    for node in nodes:
        walk(node, 0)
    return lines


# --------------------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------------------


@dataclass
class Mismatch:
    where: str  # page#anchor
    reason: str
    diff: list[str]


def compare_section(where: str, src: str, mkdocs_heading: Tag, zensical_article: Tag | None,
                    leaf: bool = False, marker: str = "") -> Mismatch | None:
    anchor = mkdocs_heading["id"]
    if zensical_article is None:
        return Mismatch(where, "Zensical wrote no such page (or it has no article.md-content__inner)", [])
    found = zensical_article.find(id=anchor)
    if found is None:
        left = marker and any(" ".join(c.split()) == marker for c in zensical_article.find_all(string=_is_comment))
        return Mismatch(where, f"Zensical's page has no element with id=\"{anchor}\""
                               + (f" (the marker is still an HTML comment: <!--{marker}-->)" if left else ""), [])
    if not HEADING.fullmatch(found.name):
        return Mismatch(where, f"in Zensical's page id=\"{anchor}\" is a <{found.name}>, not a heading", [])
    expected = canonical(section(mkdocs_heading, leaf), page_url(src))
    actual = canonical(section(found, leaf), page_url(src))
    if expected == actual:
        return None
    diff = list(difflib.unified_diff(expected, actual, f"mkdocs   {where}", f"zensical {where}", lineterm="", n=3))
    return Mismatch(where, "the sections differ", _condense(diff))


def _is_comment(node) -> bool:
    return isinstance(node, Comment)


def _condense(diff: list[str], run: int = 12, keep: int = 8) -> list[str]:
    """Long runs of removed or added lines cut to their start, so that both sides of a change show."""
    out: list[str] = []
    i = 0
    while i < len(diff):
        line = diff[i]
        j = i
        if line[:1] in "+-" and not line.startswith(("---", "+++")):
            while j < len(diff) and diff[j][:1] == line[:1]:
                j += 1
            if j - i > run:
                out += diff[i:i + keep] + [f"{line[0]}   [... {j - i - keep} more '{line[0]}' lines]"]
                i = j
                continue
        out.append(line)
        i += 1
    return out


def report(mismatches: list[Mismatch], total: int, what: str) -> str:
    lines = [f"{len(mismatches)} of {total} {what} differ between the MkDocs and the Zensical build"
             f" (first {min(SHOWN, len(mismatches))} shown; '-' is MkDocs, '+' Zensical; normalised,"
             " links shown as the site path they lead to):"]
    for mismatch in mismatches[:SHOWN]:
        lines += ["", f"== {mismatch.where}: {mismatch.reason}"]
        lines += mismatch.diff[:DIFF_LINES]
        if len(mismatch.diff) > DIFF_LINES:
            lines.append(f"   [... {len(mismatch.diff) - DIFF_LINES} more diff lines]")
    rest = [m.where for m in mismatches[SHOWN:]]
    if rest:
        lines += ["", f"also differing ({len(rest)}): " + ", ".join(rest[:40]) + (" ..." if len(rest) > 40 else "")]
    return "\n".join(lines)


def compare_endpoints(mkdocs_dir: Path, zensical_dir: Path, root: Path = ROOT) -> tuple[list[Mismatch], int]:
    anchors = catalog_anchors(root / "data" / "endpoints.yaml")
    by_page: dict[str, list[str]] = defaultdict(list)
    for src, endpoint_id in endpoint_markers(root / DOCS):
        if endpoint_id in anchors:  # an unknown id fails `mkdocs build --strict` already
            by_page[src].append(endpoint_id)
    mismatches, total = [], 0
    for src, ids in sorted(by_page.items()):
        expected, actual = article(mkdocs_dir, src), article(zensical_dir, src)
        assert expected is not None, f"the MkDocs site has no article for {src}"
        for endpoint_id in ids:
            total += 1
            where = f"{src}#{anchors[endpoint_id]} ({endpoint_id})"
            heading = expected.find(id=anchors[endpoint_id])
            assert heading is not None and HEADING.fullmatch(heading.name), \
                f"the MkDocs site has no heading id=\"{anchors[endpoint_id]}\" on {src}"
            if mismatch := compare_section(where, src, heading, actual, marker=f"endpoint {endpoint_id}"):
                mismatches.append(mismatch)
        if actual is not None:  # an endpoint block the MkDocs page does not have (documented twice, ...)
            extra = Counter(d["data-endpoint"] for d in actual.select("[data-endpoint]")) \
                - Counter(d["data-endpoint"] for d in expected.select("[data-endpoint]"))
            if extra:
                mismatches.append(Mismatch(src, f"Zensical's page has endpoint blocks the MkDocs page has not: "
                                                f"{sorted(extra.elements())}", []))
    return mismatches, total


def compare_listing_pages(mkdocs_dir: Path, zensical_dir: Path) -> tuple[list[Mismatch], int]:
    mismatches, total = [], 0
    for src in LISTING_PAGES:
        expected, actual = article(mkdocs_dir, src), article(zensical_dir, src)
        assert expected is not None, f"the MkDocs site has no article for {src}"
        assert expected.select(".mc-listing, .mc-scopes, .mc-all"), f"the MkDocs build of {src} has no generated listing"
        headings = [h for h in expected.find_all(HEADING) if h.get("id")]
        for heading in headings:
            total += 1
            if mismatch := compare_section(f"{src}#{heading['id']}", src, heading, actual, leaf=True):
                mismatches.append(mismatch)
        if actual is not None:
            extra = [h["id"] for h in actual.find_all(HEADING) if h.get("id")
                     and not expected.find(id=h["id"])]
            if extra:
                mismatches.append(Mismatch(src, f"Zensical's page has headings the MkDocs page has not: {extra}", []))
    return mismatches, total


# --------------------------------------------------------------------------------------------------
# The comparisons of the two real builds
# --------------------------------------------------------------------------------------------------


def test_every_endpoint_section_is_the_same_in_the_zensical_build(real_site, zensical_site):
    mismatches, total = compare_endpoints(real_site.dir, zensical_site.dir)
    assert total > 0, "no endpoint markers found under content/"
    if mismatches:
        pytest.fail(report(mismatches, total, "endpoint sections"), pytrace=False)


def test_the_listing_pages_are_the_same_in_the_zensical_build(real_site, zensical_site):
    mismatches, total = compare_listing_pages(real_site.dir, zensical_site.dir)
    if mismatches:
        pytest.fail(report(mismatches, total, "sections of the listing pages"), pytrace=False)


# --------------------------------------------------------------------------------------------------
# The normalisation itself (no build needed)
# --------------------------------------------------------------------------------------------------


def fragment(html: str, base: str = "/methods/apps/") -> list[str]:
    return canonical(BeautifulSoup(html, "html.parser").contents, base)


def test_attribute_order_class_order_and_whitespace_do_not_count():
    assert fragment('<p class="b a" id="x">Hello,\n   <em>you</em> </p>') == \
        fragment('<p id="x" class="a b">  Hello, <em>you</em></p>')


def test_permalinks_and_the_skip_anchor_do_not_count():
    mkdocs = '<h2 id="create">Register an app<a class="headerlink" href="#create" title="Permanent link">¶</a></h2>'
    zensical = '<a id="__skip" tabindex="-1"></a><h2 id="create">Register an app</h2>'
    assert fragment(mkdocs) == fragment(zensical)
    assert fragment(mkdocs) != fragment('<h2 id="register">Register an app</h2>')  # the anchor itself counts


def test_only_the_text_of_highlighted_code_counts():
    pygments = ('<div class="language-json highlight"><pre><span></span><code><span class="p">{</span>'
                '<span class="nt">"id"</span><span class="p">:</span> <span class="mi">1</span>'
                '<span class="p">}</span>\n</code></pre></div>')
    other = ('<div class="highlight"><pre><span id="__span-0-1"><a id="__codelineno-0-1" name="__codelineno-0-1">'
             '</a><code><span class="punctuation">{</span><span class="s">"id"</span>: 1}</code></span></pre></div>')
    assert fragment(pygments) == fragment(other)
    assert fragment(pygments) != fragment(other.replace("1}", "2}"))


def test_links_count_by_the_page_and_anchor_they_lead_to():
    label = '<a href="{}">App token</a>'
    same = [fragment(label.format(href)) for href in
            ["../../api/oauth-tokens/#app-token", "/api/oauth-tokens/#app-token",
             "../../api/oauth-tokens/index.html#app-token", "./../../api/oauth-tokens/#app-token"]]
    assert all(lines == same[0] for lines in same)
    # What the extension writes on a page in a subfolder when it believes it is on index.md:
    assert fragment(label.format("../api/oauth-tokens/#app-token")) != same[0]
    assert fragment('<a href="#create">x</a>') == fragment('<a href="./#create">x</a>')
    assert fragment('<a href="https://docs.joinmastodon.org/">x</a>') != fragment('<a href="/">x</a>')


def test_a_marker_left_as_a_comment_is_a_difference():
    expanded = '<h2 id="create">Register an app</h2>\n<div class="mc-endpoint" data-endpoint="apps/create"></div>'
    assert fragment(expanded) != fragment("<!-- endpoint apps/create -->")
    assert fragment("<!--  endpoint   apps/create -->") == fragment("<!-- endpoint apps/create -->")


def test_a_section_runs_to_the_next_heading_of_the_same_or_a_higher_level():
    html = BeautifulSoup('<h2 id="a">A</h2><p>1</p><h3 id="b">B</h3><p>2</p><h2 id="c">C</h2><p>3</p>',
                         "html.parser")
    assert [str(n) for n in section(html.find(id="a"))] == \
        ['<h2 id="a">A</h2>', "<p>1</p>", '<h3 id="b">B</h3>', "<p>2</p>"]
    assert [str(n) for n in section(html.find(id="a"), leaf=True)] == ['<h2 id="a">A</h2>', "<p>1</p>"]
    assert [str(n) for n in section(html.find(id="c"))] == ['<h2 id="c">C</h2>', "<p>3</p>"]


def test_page_urls_follow_directory_urls():
    assert [page_url(p) for p in ["index.md", "methods/apps.md", "methods/admin/index.md"]] == \
        ["/", "/methods/apps/", "/methods/admin/"]


def test_markers_in_fenced_code_are_not_endpoint_sections(tmp_path):
    (tmp_path / "a.md").write_text("<!-- endpoint x/y -->\n```\n<!-- endpoint x/z -->\n```\n"
                                   " <!-- endpoint x/indented -->\n", encoding="utf-8")
    assert endpoint_markers(tmp_path) == [("a.md", "x/y")]


def test_the_json_outputs_are_the_mkdocs_builds(real_site, zensical_site):
    for name in ("catalog.json", "catalog.schema.json", "openapi.json"):
        assert (zensical_site.dir / name).read_bytes() == (real_site.dir / name).read_bytes(), name


def broken_copy(tmp_path: Path, edit) -> subprocess.CompletedProcess:
    project = tmp_path / "site-src"
    project.mkdir()
    for name in COPY:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
    edit(project)
    return zensical_build(project, "zensical.yml")


@pytest.mark.parametrize("edit, message", [
    (lambda p: (p / "content/methods/apps.md").write_text("---\ntitle: Apps\n---\n\n# Apps\n\n<!-- endpoint apps/registr -->\n"),
     "content/methods/apps.md:7:1: marker names unknown endpoint 'apps/registr' (did you mean 'apps/create'?)"),
    (lambda p: (p / "content/methods/blocks.md").write_text((p / "content/methods/blocks.md").read_text()
                                                            + "\n<!-- endpoint apps/create -->\n"),
     "endpoint 'apps/create' is documented twice (first at methods/apps.md:"),
    (lambda p: (p / "data/endpoints.yaml").write_text((p / "data/endpoints.yaml").read_text().replace(
        "token: app\n", "token: apps\n", 1)), "unknown token kind 'apps' in"),
])
def test_a_mistake_stops_the_zensical_build_with_the_mkdocs_message(tmp_path, edit, message):
    result = broken_copy(tmp_path, edit)
    assert result.returncode != 0
    assert message in ANSI.sub("", result.stdout + result.stderr)


def test_the_explorer_is_served_minified(zensical_site):
    for name in ("explorer/panel-console.js", "explorer/explorer.css", "search-endpoints.js"):
        written = (ROOT / DOCS / "assets" / name).stat().st_size
        assert (zensical_site.dir / "assets" / name).stat().st_size < 0.85 * written, name
