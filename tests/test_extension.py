"""The Python-Markdown extension alone (as Zensical would run it), asserted on parsed HTML."""

import pytest
from markdown import Markdown

from conftest import TINY, soup
from mastodon_catalog.core import CatalogError
from mastodon_catalog.markdown import CatalogExtension, makeExtension


def render(text, page="methods/accounts.md", **config):
    ext = makeExtension(catalog=str(TINY / "data" / "endpoints.yaml"), page=page, **config)
    return soup(Markdown(extensions=["toc", "fenced_code", ext]).convert(text))


def test_endpoint_marker_becomes_a_real_heading_with_the_stable_anchor():
    html = render("# Accounts\n\n<!-- endpoint accounts/block -->\n\nWriter's prose.\n")
    heading = html.find("h2")
    # The hidden span gives search the signature and id; the reader sees the title.
    assert heading.find("span", hidden=True).extract().get_text() == "POST /api/v1/accounts/:id/block accounts/block"
    assert heading["id"] == "block" and heading.get_text().strip() == "Block account"
    block = html.select_one('div.mc-endpoint[data-endpoint="accounts/block"]')
    assert block.select_one(".mc-signature code").get_text() == "POST /api/v1/accounts/:id/block"
    assert block.select_one(".mc-oauth").get_text(" ", strip=True) == (
        "OAuth: User token + write:blocks or follow"
    )
    assert [a["href"] for a in block.select(".mc-oauth a")] == [
        "../api/oauth-tokens.md#user-token", "../api/oauth-scopes.md#write-blocks", "../api/oauth-scopes.md#follow",
    ]
    assert [b.get_text() for b in block.select(".mc-badges .mc-badge")] == ["Since the first release", "Deprecated in 4.0.0"]
    assert block.find_next_sibling("p").get_text() == "Writer's prose."


def test_parameter_tables_by_location():
    html = render("<!-- endpoint accounts/statuses -->\n")
    rows = {
        div["data-in"]: [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in div.select("tbody tr")]
        for div in html.select(".mc-params")
    }
    assert rows == {
        "path": [["id", "string", "Required", "The account's id."]],
        "query": [["limit", "integer", "Optional", "How many. Default: 20 ."],
                  ["tagged", "string", "Optional", "Only with this hashtag. Added in 2.8.0."]],
    }


def test_version_history_table_has_badges():
    html = render("<!-- endpoint accounts/verify_credentials -->\n")
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in html.select(".mc-history tbody tr")]
    assert rows == [["First release", "Added"], ["4.3.0", "Changed Accepts profile ."]]


def test_markers_in_code_blocks_are_left_alone():
    html = render("```\n<!-- endpoint accounts/block -->\n```\n", )
    assert html.find("h2") is None
    assert "<!-- endpoint accounts/block -->" in html.find("code").get_text()


def test_catalog_text_is_not_interpreted_as_html():
    html = render("<!-- endpoint accounts/create -->\n")
    summary = html.select_one(".mc-endpoint > p:not([class])")
    assert summary.get_text() == "Sign up a new user <on behalf> of an app."
    assert html.find("on") is None


def test_listing_markers():
    html = render("<!-- endpoints token=app -->\n", page="api/oauth-tokens.md")
    assert [a.get_text() for a in html.select("li > a:first-child")] == [
        "GET /api/v1/apps/verify_credentials",  # any app token
        "POST /api/v1/accounts",  # app token with write:accounts
    ]
    assert html.select_one("li a")["href"] == "../methods/apps.md#verify_credentials"
    scoped = render("<!-- endpoints scope=follow -->\n", page="api/oauth-scopes.md")
    assert [a.get_text() for a in scoped.select("li > a:first-child")] == ["POST /api/v1/accounts/:id/block"]
    everything = render("<!-- endpoints all -->\n", page="index.md")
    assert len(everything.select(".mc-sortable tbody tr")) == 5
    assert [h.get_text() for h in everything.select("h2")] == ["Apps", "Accounts"]  # the pages' own headings
    assert [td.get_text() for td in everything.select("tbody tr")[0].find_all("td")] == [
        "GET", "/api/v1/apps/verify_credentials", "App token", "Application"]


def test_scopes_marker_renders_the_table_and_a_section_per_scope():
    html = render("<!-- scopes -->\n", page="api/oauth-scopes.md")
    table = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in html.select(".mc-scopes tbody tr")]
    assert table[1][:3] == ["read", "read:accounts read:statuses", "0.9.0"]
    assert table[7][:3] == ["follow", "–", "0.9.0, deprecated in 3.5.0"]  # follow grants nothing
    section = html.find(id="write-blocks")
    assert section.name == "h3"
    text = section.find_next_sibling("p").find_next_sibling("p").get_text(" ", strip=True)
    assert text == "Also granted by write ."


def test_unknown_marker_stops_the_conversion_with_its_file_and_line():
    with pytest.raises(CatalogError) as caught:
        render("# Accounts\n\nProse.\n\n<!-- endpoint accounts/nope -->\n\nAfter.\n", docs_dir="content")
    assert str(caught.value) == (
        "1 problem in the page content/methods/accounts.md:\n"
        "content/methods/accounts.md:5:1: marker names unknown endpoint 'accounts/nope' (did you mean 'accounts/block'?)")


def test_template_override(tmp_path):
    (tmp_path / "endpoint.md.jinja").write_text(
        '{% extends "_base/endpoint.md.jinja" %}\n{% block returns %}{% endblock %}'
        '{% block after %}\n*Custom footer for {{ endpoint.id }}*\n{% endblock %}\n'
    )
    html = render("<!-- endpoint accounts/block -->\n", templates_dir=str(tmp_path))
    assert html.select_one(".mc-endpoint em").get_text() == "Custom footer for accounts/block"


def test_extension_class_is_importable_by_name():
    md = Markdown(extensions=["mastodon_catalog"], extension_configs={
        "mastodon_catalog": {"catalog": str(TINY / "data" / "endpoints.yaml")}})
    assert "Verify your app works" in md.convert("<!-- endpoint apps/verify_credentials -->")
    assert isinstance(CatalogExtension(), CatalogExtension)


HOSTILE = {  # catalog text that tries to become HTML or attributes
    "title": "Block <script>window.__pwned=1</script> {: onclick=\"alert(1)\" }",
    "summary": 'Block \\`{: onclick="alert(2)" }\\` an <img src=x onerror=alert(3)> [account](#){: onmouseover="alert(4)"}',
    "default": "`x` <b>bold</b> ``",
}


def hostile_catalog(tmp_path):
    text = (TINY / "data" / "endpoints.yaml").read_text()
    text = text.replace("title: Block account", f"title: '{HOSTILE['title']}'")
    text = text.replace("summary: Block an account.", f"summary: '{HOSTILE['summary']}'")
    text = text.replace("type: integer, default: 20,", f"type: string, default: '{HOSTILE['default']}', ")
    path = tmp_path / "endpoints.yaml"
    path.write_text(text)
    return str(path)


def test_catalog_text_is_shown_as_text_never_as_html_or_attributes(tmp_path):
    ext = makeExtension(catalog=hostile_catalog(tmp_path), page="methods/accounts.md")
    md = Markdown(extensions=["toc", "attr_list", ext])
    html = soup(md.convert("<!-- endpoint accounts/block -->\n\n<!-- endpoint accounts/statuses -->\n"))
    assert html.find("script") is None and html.find("img") is None and html.find("b") is None
    assert [tag.name for tag in html.find_all(lambda t: any(a.startswith("on") for a in t.attrs))] == []
    heading = html.find("h2", id="block")
    heading.find("span", hidden=True).extract()  # the signature and id, for search
    assert heading.get_text().strip() == "Block <script>window.__pwned=1</script> {: onclick=\"alert(1)\" }"
    summary = html.select_one('[data-endpoint="accounts/block"] > p:not([class])')
    assert "<img src=x onerror=alert(3)>" in summary.get_text()
    default = html.select_one('[data-in="query"] tbody tr td:last-child code')
    assert default.get_text() == "`x` <b>bold</b> ``"


@pytest.mark.parametrize("marker, message", [
    ("<!-- endpoint -->", "endpoint marker needs exactly one endpoint id (write <!-- endpoint accounts/block -->)"),
    ("<!-- endpoint accounts/block accounts/create -->",
     "endpoint marker needs exactly one endpoint id (write <!-- endpoint accounts/block -->)"),
    ("<!-- endpoint accounts/blok -->", "marker names unknown endpoint 'accounts/blok' (did you mean 'accounts/block'?)"),
    ("<!-- endpoints token=apps -->", "unknown token kind 'apps' in listing marker (did you mean 'app'?)"),
    ("<!-- endpoints scope=read:acounts -->",
     "unknown scope 'read:acounts' in listing marker (did you mean 'read:accounts'?)"),
    ("<!-- endpoints -->", "malformed listing marker '' (write 'all', 'token=KIND' or 'scope=NAME')"),
    ("<!-- endpoints every -->", "malformed listing marker 'every' (write 'all', 'token=KIND' or 'scope=NAME')"),
    ("<!-- scopes all -->", "the scopes marker takes no arguments (write <!-- scopes -->)"),
])
def test_every_marker_mistake_stops_with_its_line_and_fix(marker, message):
    with pytest.raises(CatalogError) as caught:
        render(f"# Page\n\n{marker}\n", docs_dir="content")
    assert str(caught.value).splitlines()[1:] == [f"content/methods/accounts.md:3:1: {message}"]


@pytest.mark.parametrize("line, col, message", [
    ("Text <!-- endpoint accounts/block -->", 6, "marker is not alone on its line, so it is ignored"),
    ("  <!-- endpoints all -->", 3, "marker is not alone on its line, so it is ignored"),
    ("> **OAuth:** User token", 3, "hand-typed OAuth line (drift from the catalog)"),
])
def test_page_warnings_are_logged_with_line_and_column(caplog, line, col, message):
    render(f"# Page\n\n{line}\n", docs_dir="content")
    assert [r.getMessage()[:len(message) + 33] for r in caplog.records] == [
        f"content/methods/accounts.md:3:{col}: {message}"]


def test_strict_turns_page_warnings_into_a_stop():
    with pytest.raises(CatalogError, match="hand-typed OAuth line"):
        render("**OAuth:** App token\n", strict=True)


def test_markers_in_fences_and_code_spans_are_neither_expanded_nor_reported(caplog):
    html = render("~~~~\n<!-- endpoint accounts/nope -->\n~~~~\n\nWrite `<!-- endpoints all -->` alone.\n")
    assert html.find("h2") is None and caplog.records == []


def test_an_endpoint_documented_twice_across_pages_of_one_conversion_run():
    ext = makeExtension(catalog=str(TINY / "data" / "endpoints.yaml"), page="methods/accounts.md", docs_dir="content")
    md = Markdown(extensions=[ext])
    md.convert("<!-- endpoint accounts/block -->\n")
    md.reset().convert("<!-- endpoint accounts/block -->\n")  # the same page again (a rebuild): fine
    ext.setConfig("page", "methods/apps.md")
    with pytest.raises(CatalogError) as caught:
        md.reset().convert("\n<!-- endpoint accounts/block -->\n")
    assert "content/methods/apps.md:2:1: endpoint 'accounts/block' is documented twice (first at " \
           "methods/accounts.md:1)" in str(caught.value)
