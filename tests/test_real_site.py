"""The real site, built once with `mkdocs build --strict`, checked as a reader sees it."""

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, mkdocs_build, soup
from mastodon_catalog.core import load_catalog
from mastodon_catalog.core.render import TOKEN_NAMES

CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")


@pytest.fixture(scope="module")
def site(real_site) -> Path:
    return real_site.dir


def page(site: Path, src: str):
    return soup((site / re.sub(r"(index)?\.md$", "", src) / "index.html").read_text(encoding="utf-8"))


def test_app_verify_credentials_is_labelled_app_or_user_token(site):
    # apps/credentials_controller.rb:4-5 (4.7.0): no scope filter, no user check, any valid token.
    label = page(site, "methods/apps.md").select_one('[data-endpoint="apps/verify_credentials"] .mc-oauth')
    assert label.get_text(" ", strip=True) == "OAuth: App token or User token"
    assert [a["href"] for a in label.find_all("a")] == ["../../api/oauth-tokens/#app-token",
                                                        "../../api/oauth-tokens/#user-token"]


def label_text(site, endpoint_id: str) -> str:
    endpoint = CATALOG.by_id[endpoint_id]
    return page(site, endpoint.page).select_one(f'[data-endpoint="{endpoint_id}"] .mc-oauth').get_text(" ", strip=True)


@pytest.mark.parametrize("endpoint_id, expected", [
    # translations_controller.rb:4-5: doorkeeper_authorize! :read, :'read:statuses' + require_user!
    ("statuses/translate", "OAuth: User token + read:statuses"),
    # timelines/public_controller.rb:4-5, tag_controller.rb:4 / link_controller.rb:4 + topic_controller.rb:4
    ("timelines/public", "OAuth: Public (while the server's access setting for this feed is public) or "
                         "User token + read:statuses (if the server limits this feed to signed-in users)"),
    ("timelines/tag", "OAuth: Public (while the server's access setting for this feed is public) or "
                      "User token + read:statuses (if the server limits this feed to signed-in users)"),
    ("timelines/link", "OAuth: Public (while the server's access setting for this feed is public) or "
                       "User token + read:statuses (if the server limits this feed to signed-in users)"),
    # accounts/lookup_controller.rb:4: authorize_if_got_token! only
    ("accounts/lookup", "OAuth: Public"),
    # reblogged_by_accounts_controller.rb:4, favourited_by_accounts_controller.rb:4: read / read:accounts
    ("statuses/reblogged_by", "OAuth: Public or User token + read:accounts (for private statuses)"),
    ("statuses/favourited_by", "OAuth: Public or User token + read:accounts (for private statuses)"),
    # api/v2/instances_controller.rb:4 skips require_authenticated_user! in every mode
    ("instance/v2", "OAuth: Public"),
    ("instance/v1", "OAuth: Public"),
    # instances/base_controller.rb:4-5: the sub-pages run it in limited federation mode
    ("instance/rules", "OAuth: Public (unless the server runs in limited federation mode) or "
                       "User token (in limited federation mode)"),
    ("instance/peers", "OAuth: Public (unless the server runs in limited federation mode, where nobody gets the list)"),
    # follow grants nothing: relationships list only read:follows (accounts/relationships_controller.rb:4)
    ("admin/trends/links", "OAuth: Public (answered with the public trends) or User token + admin:read (a role "
     "with Manage Taxonomies also gets unreviewed and rejected items)"),
    ("accounts/relationships", "OAuth: User token + read:follows"),
    ("blocks/get", "OAuth: User token + read:blocks or follow"),
])
def test_labels_say_what_mastodon_4_7_does(site, endpoint_id, expected):
    assert label_text(site, endpoint_id) == expected


APP_TOKEN_IDS = ["apps/verify_credentials", "accounts/create", "statuses/quotes", "statuses/source"]


def test_app_token_list_is_exactly_where_an_app_token_gets_more_than_no_token(site):
    listing = page(site, "api/oauth-tokens.md").select_one('.mc-listing[data-token="app"]')
    # sign-up (accounts_controller.rb:10,13), any valid token (apps/credentials_controller.rb:4-5), and two
    # reads behind doorkeeper_authorize! with no user check (statuses/quotes_controller.rb:4, sources_controller.rb:4)
    assert listed(listing) == [CATALOG.by_id[i].signature for i in APP_TOKEN_IDS]
    assert listed(listing)[0] == "GET /api/v1/apps/verify_credentials"


def test_follow_grants_nothing_on_the_scopes_page_and_in_catalog_json(site):
    html = page(site, "api/oauth-scopes.md")
    row = next(tr for tr in html.select(".mc-scopes tbody tr") if tr.td.get_text(strip=True) == "follow")
    assert row.find_all("td")[1].get_text(strip=True) == "–"
    section = html.find(id="read-follows")
    assert "follow" not in [a.get_text() for a in section.find_next("p").find_next("p").find_all("a")]
    named = [a.get_text() for a in html.find(id="follow").find_next("ul").select("li > a:first-child")]
    assert len(named) == 19 and "GET /api/v1/accounts/relationships" not in named
    catalog = json.loads((site / "catalog.json").read_text())
    assert next(s for s in catalog["scopes"] if s["name"] == "follow")["grants"] == []
    assert [e["id"] for e in catalog["endpoints"] if any(a["token"] == "app" for a in e["oauth"])] == APP_TOKEN_IDS


def test_no_prose_contradicts_an_app_token_label(site):
    statuses = page(site, "methods/statuses.md").get_text(" ", strip=True)
    assert "app token as enough" not in statuses
    assert "turned away with 422" in statuses
    timelines = page(site, "methods/timelines.md").get_text(" ", strip=True)
    assert "the catalog shows app and user tokens" not in timelines
    tokens = page(site, "api/oauth-tokens.md").get_text(" ", strip=True)
    assert "GET /api/v1/statuses/:id/source" in tokens and "instance information, app registration" not in tokens


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


def test_endpoint_index_lists_every_endpoint_once_grouped_by_page(site):
    index = page(site, "api/endpoints.md")
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in index.select(".mc-all tbody tr")]
    shown = [f"{method} {path.split(' ')[0]}" for method, path, _, _ in rows]
    assert sorted(shown) == sorted(e.signature for e in CATALOG.endpoints) and len(set(shown)) == len(shown)
    sections = [h.get_text(strip=True).rstrip("¶") for h in index.select(".mc-all h2")]
    assert len(sections) == len({e.page for e in CATALOG.endpoints}) and sections[:3] == ["Apps", "OAuth", "Accounts"]
    assert "Admin: accounts" in sections
    first = index.select_one(".mc-all tbody tr")
    assert [a["href"] for a in first.find_all("a")] == ["../../methods/apps/#create", "../oauth-tokens/#public",
                                                       "../../entities/Application/#CredentialApplication"]


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



def oauth_line(site, endpoint_id: str) -> str:
    """The label as a reader reads it: get_text(" ") would put a space before the comma after a link."""
    endpoint = CATALOG.by_id[endpoint_id]
    label = page(site, endpoint.page).select_one(f'[data-endpoint="{endpoint_id}"] .mc-oauth')
    return re.sub(r"\s+", " ", label.get_text()).strip()


@pytest.mark.parametrize("endpoint_id, expected", [
    # admin/accounts_controller.rb:9,38 authorize :account, :index? -> account_policy.rb:4-5 role.can?(:manage_users)
    ("admin/accounts/v1", "OAuth: User token + admin:read:accounts, role with Manage Users"),
    # admin/accounts_controller.rb:69 authorize @account, :destroy? -> account_policy.rb:20-21 :delete_user_data
    ("admin/accounts/delete", "OAuth: User token + admin:write:accounts, role with Delete User Data"),
    # admin/reports_controller.rb:37 authorize @report, :update? -> report_policy.rb:4-5 :manage_reports
    ("admin/reports/update", "OAuth: User token + admin:write:reports, role with Manage Reports"),
    # admin/dimensions_controller.rb:6,12 authorize :dashboard, :index? -> dashboard_policy.rb:4-5 :view_dashboard
    ("admin/dimensions/get", "OAuth: User token + admin:read, role with View Dashboard"),
    # admin/domain_blocks_controller.rb:29 authorize :domain_block, :create? -> domain_block_policy.rb:12-13
    ("admin/domain_blocks/create",
     "OAuth: User token + admin:write:domain_blocks (since 4.1.0), role with Manage Federation"),
    # admin/ip_blocks_controller.rb:18 authorize :ip_block, :index? -> ip_block_policy.rb:4-5 :manage_blocks
    ("admin/ip_blocks/get", "OAuth: User token + admin:read:ip_blocks (since 4.1.0), role with Manage Blocks"),
])
def test_admin_labels_name_the_role_permission_the_policy_checks(site, endpoint_id, expected):
    assert oauth_line(site, endpoint_id) == expected


# Admin endpoints whose action calls no Pundit `authorize`, so no role permission turns the request away:
# trends/{links,statuses,tags}_controller.rb:9 `after_action :verify_authorized, except: :index`, and :12
# `if current_user&.can?(:manage_taxonomies)` picks the admin list, else `super` serves the public trends.
ADMIN_WITHOUT_PERMISSION = {"admin/trends/links", "admin/trends/statuses", "admin/trends/tags"}


def test_every_admin_endpoint_states_a_permission_except_the_trend_lists():
    admin = [e for e in CATALOG.endpoints if e.path.startswith(("/api/v1/admin/", "/api/v2/admin/"))]
    assert ADMIN_WITHOUT_PERMISSION <= {e.id for e in admin}
    missing = {e.id for e in admin if not e.permission}
    assert missing == ADMIN_WITHOUT_PERMISSION
    # No non-admin controller authorizes against a policy that checks role.can? (status, collection,
    # collection_item, quote policies and AccountPolicy#feature?/index_collections? check ownership only).
    assert [e.id for e in CATALOG.endpoints if e.permission and e.id not in {a.id for a in admin}] == []


def test_the_permission_links_to_the_roles_section_of_the_token_types_page(site):
    endpoint = CATALOG.by_id["admin/accounts/v1"]
    label = page(site, endpoint.page).select_one('[data-endpoint="admin/accounts/v1"] .mc-oauth')
    link = label.find("a", string="Manage Users")
    # methods/admin/accounts.md is built as methods/admin/accounts/index.html, three levels below the root
    assert link["href"] == "../../../api/oauth-tokens/#roles"
    target, anchor = link["href"].split("#")
    built = (site / "methods/admin/accounts" / target / "index.html").resolve()
    assert built == (site / "api/oauth-tokens/index.html").resolve()
    assert soup(built.read_text(encoding="utf-8")).find(id=anchor).get_text(strip=True).startswith("Roles")
    for endpoint_id in ("admin/reports/get", "admin/canonical_email_blocks/test"):
        other = CATALOG.by_id[endpoint_id]
        links = page(site, other.page).select(f'[data-endpoint="{endpoint_id}"] .mc-oauth a')
        assert links[-1]["href"] == "../../../api/oauth-tokens/#roles", endpoint_id


def test_reader_pages_use_no_words_a_reader_cannot_place(site):
    """'upstream', 'the catalog' and this repository's file names mean nothing to a reader; the
    page about machine-readable outputs is where the catalog is the point."""
    for html in site.rglob("index.html"):
        if "use-elsewhere" in str(html) or html.parent == site / "explorer":
            continue
        article = soup(html.read_text(encoding="utf-8")).select_one("article")
        if article is None:  # an old address of the official documentation: a redirect, no text
            continue
        text = article.get_text(" ")
        # (Mastodon.py is a library's name, not one of our files.)
        for word in (r"\bupstream", r"\bthe catalog\b", r"endpoints\.yaml", r"MASTODON_FACTS", r"\b(?!Mastodon\.py)\w+\.py\b"):
            assert not re.search(word, text, re.I), f"{html.relative_to(site)}: {word}"


def test_the_explorer_page_preloads_every_module_the_explorer_imports(site):
    """A module missing from the preload list costs a round trip before the explorer is ready."""
    explorer = ROOT / "content" / "assets" / "explorer"
    imported = {"explorer.js"} | {name for f in explorer.glob("*.js")
                                  for name in re.findall(r'from "\./([\w-]+\.js)"', f.read_text())}
    preloaded = {link["href"].rsplit("/", 1)[1] for link in page(site, "explorer.md").select('link[rel=modulepreload]')}
    assert preloaded == imported


@pytest.mark.parametrize("endpoint_id, expected", [
    # config/initializers/rack_attack.rb (4.7.0):81-82 media, 108-109 apps, 124-133 e-mail confirmations
    ("media/v2", "Rate limit: 30 requests per account in 30 minutes"),
    ("apps/create", "Rate limit: 5 requests per IP address in 10 minutes"),
    ("emails/confirmation", "Rate limit: 25 requests per IP address in 5 minutes; 5 requests per account in 30 minutes"),
])
def test_throttled_endpoints_show_their_rate_limit(site, endpoint_id, expected):
    endpoint = CATALOG.by_id[endpoint_id]
    shown = page(site, endpoint.page).select_one(f'[data-endpoint="{endpoint_id}"] .mc-rate-limit')
    assert re.sub(r"\s+", " ", shown.get_text()).strip() == expected
    entry = next(e for e in json.loads((site / "catalog.json").read_text())["endpoints"] if e["id"] == endpoint_id)
    assert entry["rate_limit"] == [dict(r) for r in endpoint.rate_limit]


def test_an_older_path_of_an_endpoint_is_shown_on_its_block(site):
    block = page(site, "methods/trends.md").select_one('[data-endpoint="trends/tags"]')
    aliases = block.select_one(".mc-aliases")
    assert aliases.code.get_text() == "GET /api/v1/trends"
    assert "Deprecation" in aliases.get_text()
    exported = json.loads((site / "catalog.json").read_text())
    assert next(e for e in exported["endpoints"] if e["id"] == "trends/tags")["aliases"] == ["/api/v1/trends"]
    operation = json.loads((site / "openapi.json").read_text())["paths"]["/api/v1/trends/tags"]["get"]
    assert operation["x-mastodon-aliases"] == ["/api/v1/trends"]


def test_try_it_is_offered_for_every_endpoint_a_server_still_has(site):
    removed = {e.id for e in CATALOG.endpoints if e.removed}
    assert "proofs/get" in removed
    for endpoint in CATALOG.endpoints:
        block = page(site, endpoint.page).select_one(f'[data-endpoint="{endpoint.id}"]')
        assert (block.select_one("a.mc-try") is None) == (endpoint.id in removed), endpoint.id


def test_navigation_and_tab_titles_are_the_pages_titles(site):
    html = page(site, "methods/admin/ip_blocks.md")
    assert html.title.get_text() == "Admin: IP blocks - Mastodon API reference"
    labels = {a.get_text(" ", strip=True) for a in html.select(".md-nav--primary a.md-nav__link[href]")}
    assert {"Admin: IP blocks", "Accounts", "Apps"} <= labels and "ip_blocks" not in labels
