"""The real site, built once with `mkdocs build --strict`, checked as a reader sees it."""

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, mkdocs_build, soup
from mastodon_catalog.core import load_catalog
from mastodon_catalog.core.render import TOKEN_NAMES

CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, "--strict", "--site-dir", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def page(site: Path, src: str):
    return soup((site / re.sub(r"(index)?\.md$", "", src) / "index.html").read_text(encoding="utf-8"))


def test_app_verify_credentials_is_labelled_app_token(site):
    label = page(site, "methods/apps.md").select_one('[data-endpoint="apps/verify_credentials"] .mc-oauth')
    assert label.get_text(" ", strip=True) == "OAuth: App token"
    assert label.a["href"] == "../../api/oauth-tokens/#app-token"


def test_account_verify_credentials_offers_profile_or_read_accounts(site):
    label = page(site, "methods/accounts.md").select_one('[data-endpoint="accounts/verify_credentials"] .mc-oauth')
    links = {a.get_text(): a["href"] for a in label.find_all("a")}
    assert links == {
        "User token": "../../api/oauth-tokens/#user-token",
        "profile": "../../api/oauth-scopes/#profile",
        "read:accounts": "../../api/oauth-scopes/#read-accounts",
    }
    assert " or " in label.get_text()


def test_every_endpoint_is_on_its_page_with_heading_signature_and_label(site):
    for endpoint in CATALOG.endpoints:
        html = page(site, endpoint.page)
        heading = html.find(id=endpoint.anchor)
        assert heading is not None and heading.name in {"h2", "h3"}, endpoint.id
        block = heading.find_next_sibling("div", class_="mc-endpoint")
        assert block["data-endpoint"] == endpoint.id
        assert block.select_one(".mc-signature").get_text() == endpoint.signature
        label = block.select_one(".mc-oauth").get_text(" ", strip=True)
        for alt in endpoint.oauth:
            assert TOKEN_NAMES[alt.token] in label and all(s in label for s in alt.scopes), endpoint.id


def listed(listing) -> list[str]:
    return [a.get_text() for a in listing.select("li > a:first-child")]


def test_token_types_page_lists_exactly_the_catalog(site):
    html = page(site, "api/oauth-tokens.md")
    for kind, anchor in [("public", "public"), ("app", "app-token"), ("user", "user-token")]:
        listing = html.select_one(f'.mc-listing[data-token="{kind}"]')
        assert listing.find_previous(["h2"])["id"] == anchor  # each list sits in its own section
        assert listed(listing) == [e.signature for e in CATALOG.accepting(kind)], kind
    assert "GET /api/v1/apps/verify_credentials" in listed(html.select_one('.mc-listing[data-token="app"]'))


def test_scopes_page_has_every_scope_with_the_endpoints_naming_it(site):
    html = page(site, "api/oauth-scopes.md")
    rows = [tr.td.get_text(strip=True) for tr in html.select(".mc-scopes tbody tr")]
    assert rows == list(CATALOG.scopes)
    for name, scope in CATALOG.scopes.items():
        heading = html.find(id=scope.anchor)
        assert heading is not None, name
        named = [e.signature for e in CATALOG.naming(name)]
        if named:
            items = heading.find_next("ul").select("li > a:first-child")
            assert [a.get_text() for a in items] == named, name


def test_no_marker_text_or_hand_typed_label_reaches_the_html(site):
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert not re.search(r"<!--\s*(endpoints?|scopes)\b", text), html_file


def test_endpoint_index_lists_every_endpoint_once(site):
    listing = page(site, "api/endpoints.md").select_one(".mc-listing:not([data-token]):not([data-scope])")
    assert listed(listing) == [e.signature for e in CATALOG.endpoints]


def test_every_catalog_page_is_in_the_navigation(site):
    nav = page(site, "index.md").select(".md-nav--primary a.md-nav__link[href]")
    linked = {a["href"].rstrip("/").removeprefix("./") for a in nav}
    for endpoint_page in {e.page for e in CATALOG.endpoints}:
        assert endpoint_page.removesuffix(".md") in linked, endpoint_page


@pytest.mark.parametrize("line, message", [  # a warning (fatal under strict) and an error
    ("**OAuth:** User token + `read`", "content/methods/apps.md:{n}:1: hand-typed OAuth line (drift from the catalog)"),
    ("<!-- endpoint apps/registr -->", "content/methods/apps.md:{n}:1: marker names unknown endpoint 'apps/registr'"),
])
def test_a_plain_build_of_this_site_is_strict(tmp_path, line, message):
    """mkdocs.yml makes strict the default: a writer's slip fails `mkdocs build` with no flag."""
    copy = tmp_path / "site-source"
    copy.mkdir()
    for part in ("mkdocs.yml", "content", "data", "overrides"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy)(ROOT / part, copy / part)
    apps = copy / "content/methods/apps.md"
    lines = apps.read_text().splitlines() + ["", line]
    apps.write_text("\n".join(lines) + "\n")
    result = mkdocs_build(copy)
    assert result.returncode == 1
    assert message.format(n=len(lines)) in result.stderr
    assert "Traceback" not in result.stderr and not (copy / "site").exists()
