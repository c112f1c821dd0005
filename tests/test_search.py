"""Search finds endpoints by path, id and title, and scopes by name.

The index test reads the search index the real build wrote. Ranking is checked only in the real
search: Material's own search box in Chromium, over the built site served on loopback (its search
runs in a web worker, which needs http://, not file://)."""

import json
import re
from urllib.parse import urlsplit

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, StaticSite, require_chromium
from conftest import ROOT
from mastodon_catalog.core import load_catalog

CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")
ENDPOINTS = {e.id: e for e in CATALOG.endpoints}


def url(src: str) -> str:
    """The page URL of a source page: methods/apps.md -> methods/apps/."""
    return re.sub(r"(index)?\.md$", "", src).removesuffix("/") + "/" if src != "index.md" else ""


def location(endpoint) -> str:
    return f"{url(endpoint.page)}#{endpoint.anchor}"


@pytest.fixture(scope="module")
def index(real_site) -> dict:
    return json.loads((real_site.dir / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_separator_splits_paths_and_scopes_but_keeps_underscored_names(index):
    separator = re.compile(index["config"]["separator"])
    tokens = [t for t in separator.split("GET /api/v1/accounts/:id/update_credentials read:statuses") if t]
    assert tokens == ["GET", "api", "v1", "accounts", "id", "update_credentials", "read", "statuses"]


def test_every_endpoint_has_its_own_section_titled_with_its_path_and_id(index):
    sections = {doc["location"]: doc for doc in index["docs"]}
    for endpoint in CATALOG.endpoints:
        section = sections.get(location(endpoint))
        assert section is not None, f"{endpoint.id}: no search section at {location(endpoint)}"
        assert endpoint.title in section["title"], endpoint.id
        # The heading's hidden span puts the signature and the id in the section's title, the field
        # search weighs most; the signature is in its text as well.
        assert f"{endpoint.method} {endpoint.path} {endpoint.id}" in section["title"], endpoint.id
        assert endpoint.path in section["text"], endpoint.id


def test_every_scope_has_its_own_section(index):
    sections = {doc["location"]: doc for doc in index["docs"]}
    for scope in CATALOG.scopes.values():
        section = sections[f"api/oauth-scopes/#{scope.anchor}"]
        assert section["title"] == f"<code>{scope.name}</code>"


# --- Material's search box in real Chromium -------------------------------------------------------

@pytest.fixture(scope="module")
def search_page(real_site):
    require_chromium()
    from playwright.sync_api import sync_playwright

    served = StaticSite(real_site.dir)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.set_default_timeout(15_000)
                page.goto(served.url)
                yield page
            finally:
                browser.close()
    finally:
        served.stop()


def search(page, query: str) -> list[str]:
    """Type `query` into Material's search box; the visible result links in order, each as
    'page/#anchor' (or 'page/' for a page's own entry), without the ?h= highlight parameter."""
    box = page.locator("input.md-search__input")
    meta = ".md-search-result__meta"
    box.fill("")
    box.press("End")
    page.wait_for_function(f"document.querySelector('{meta}').textContent.includes('Type to start')")
    box.fill(query)
    box.press("End")  # Material searches on keyup
    page.wait_for_function(
        f"!/Type to start|Initializing/.test(document.querySelector('{meta}').textContent)")
    hrefs = page.eval_on_selector_all(
        ".md-search-result__list a.md-search-result__link",
        "links => links.filter(a => a.checkVisibility()).map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        found.append(parts.path.lstrip("/") + (f"#{parts.fragment}" if parts.fragment else ""))
    return found


def first_section(found: list[str]) -> str:
    """The first section of the first page in the results (Material lists each page, then its
    sections); the page's own entry when it has none."""
    page = found[0].split("#")[0]
    return next((f for f in found if f.split("#")[0] == page and "#" in f), found[0])


@pytest.mark.parametrize("query, endpoint", [
    ("update_credentials", "accounts/update_credentials"),
    ("accounts/verify_credentials", "accounts/verify_credentials"),
    ("apps/verify_credentials", "apps/verify_credentials"),
    ("/api/v1/accounts/verify_credentials", "accounts/verify_credentials"),
    ("timelines/home", "timelines/home"),
    ("GET /api/v1/timelines/home", "timelines/home"),
    ("Verify account credentials", "accounts/verify_credentials"),
    ("View home timeline", "timelines/home"),
    # Where Lunr alone put another page first: an id whose words are page titles, a path with
    # real values, a placeholder (Lunr read "statuses:" as a field), a short title.
    ("accounts/block", "accounts/block"),
    ("/api/v1/statuses/109348123456/favourite", "statuses/favourite"),
    ("https://mastodon.example/api/v1/accounts/42/statuses?limit=5", "accounts/statuses"),
    ("GET statuses/:id", "statuses/get"),
    ("Block account", "accounts/block"),
    ("Authorize a user", "oauth/authorize"),
])
def test_search_box_lists_the_endpoint_section_first(search_page, query, endpoint):
    found = search(search_page, query)
    assert found, f"{query!r} found nothing"
    assert found[0] == location(ENDPOINTS[endpoint]), found[:6]


RANK_ALL = """async () => {
  const { scores } = await import("./assets/search-endpoints.js");
  const endpoints = (await (await fetch("./catalog.json")).json()).endpoints;
  const misses = [];
  for (const e of endpoints) {
    const queries = {id: e.id, path: `${e.method} ${e.path}`,
                     "path with values": `${e.method} ${e.path.replace(/:[a-z_]+/g, "12345")}`,
                     "path after the version": e.path.replace(/^\\/api\\/v[0-9](_alpha)?\\//, ""), title: e.title};
    for (const [kind, query] of Object.entries(queries)) {
      if (kind === "path after the version" && !query.includes("/")) continue;  // a word: Material's
      const found = scores(query, endpoints);
      // A query may name several endpoints: the endpoint must be among the best, unless the best
      // is literally what was typed (another endpoint's id or title), or shares it while this
      // one is gone (the removed alpha twin of a live endpoint).
      const best = found.filter(s => s.score === found[0].score).map(s => s.endpoint);
      const key = kind === "title" ? o => o.title : kind === "id" ? o => o.id : o => o.path.replace(/^\\/api\\/v[0-9](_alpha)?/, "");
      const literal = o => o.id === query || o.title === query;
      const fine = best.some(o => o.id === e.id) || best.length && best.every(o => literal(o) || e.removed && key(o) === key(e));
      if (!fine)
        misses.push(`${kind}: ${query} -> ${best.map(o => o.id).join(", ") || "nothing"}`);
    }
  }
  return {count: endpoints.length, misses};
}"""


def test_every_endpoint_is_the_first_shortcut_for_its_id_path_and_title(search_page):
    """The shortcut ranking (assets/search-endpoints.js) over the published catalog.json, in the
    page: for each of the 288 endpoints, its id, METHOD path, the path with real values and its
    title name it first (or level with endpoints sharing that path or title)."""
    result = search_page.evaluate(RANK_ALL)
    assert result["count"] == len(CATALOG.endpoints)
    assert not result["misses"], f"{len(result['misses'])} misses: {result['misses'][:10]}"


def test_search_shows_no_shortcut_for_ordinary_words(search_page):
    for query in ("pagination", "block", "rate limits"):
        assert search(search_page, query), query
        assert not search_page.locator(".mc-search-endpoint").count(), query


def test_every_scope_is_the_first_hit_for_its_name(search_page, real_site):
    """Each of the 47 scopes, typed as its name, lists its own section first; the shortcut's
    address is a real section of the built scopes page."""
    ids = set(re.findall(r' id="([^"]+)"', (real_site.dir / "api" / "oauth-scopes" / "index.html").read_text()))
    wrong = []
    for scope in CATALOG.scopes.values():
        found = search(search_page, scope.name)
        if not found or found[0] != f"api/oauth-scopes/#{scope.anchor}" or scope.anchor not in ids:
            wrong.append((scope.name, found[:3]))
    assert not wrong, wrong


def test_the_keyboard_reaches_the_shortcut(search_page):
    """Arrow down and Enter, as in Material's own results, open the endpoint's section."""
    search(search_page, "/api/v1/statuses/1093/favourite")
    search_page.keyboard.press("ArrowDown")
    search_page.keyboard.press("Enter")
    search_page.wait_for_url("**/methods/statuses/#favourite")
    search_page.go_back()


def test_search_box_finds_both_verify_credentials_endpoints_first(search_page):
    found = search(search_page, "verify_credentials")
    sections = [f for f in found if "#" in f]
    assert set(sections[:2]) == {location(ENDPOINTS["accounts/verify_credentials"]),
                                 location(ENDPOINTS["apps/verify_credentials"])}, found[:8]


