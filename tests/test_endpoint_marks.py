"""Role permissions of admin endpoints and actions upstream does not document: in the label
(or a badge), in catalog.json and in OpenAPI."""

from markdown import Markdown

from conftest import TINY, soup
from mastodon_catalog.core import load_catalog
from mastodon_catalog.core.export import catalog_json
from mastodon_catalog.core.openapi import openapi
from mastodon_catalog.markdown import makeExtension


def with_permission(tmp_path):
    """The tiny catalog with accounts/block needing the Manage Users permission."""
    text = (TINY / "data" / "endpoints.yaml").read_text()
    text = text.replace("    returns: Relationship\n", "    returns: Relationship\n    permission: manage_users\n")
    path = tmp_path / "endpoints.yaml"
    path.write_text(text)
    return path


def test_the_label_names_the_role_permission_and_links_the_roles_section(tmp_path):
    ext = makeExtension(catalog=str(with_permission(tmp_path)), page="methods/accounts.md")
    html = soup(Markdown(extensions=["toc", ext]).convert("<!-- endpoint accounts/block -->\n"))
    label = html.select_one(".mc-oauth")
    assert label.get_text(" ", strip=True) == (
        "OAuth: User token + write:blocks or follow , role with Manage Users")
    assert label.find("a", string="Manage Users")["href"] == "../api/oauth-tokens.md#roles"


def test_catalog_json_and_openapi_carry_the_permission(tmp_path):
    catalog = load_catalog(with_permission(tmp_path))
    entries = {e["id"]: e for e in catalog_json(catalog, lambda page: page)["endpoints"]}
    assert entries["accounts/block"]["permission"] == {"flag": "manage_users", "name": "Manage Users"}
    assert entries["accounts/statuses"]["permission"] is None
    operations = openapi(catalog, lambda page: page, "https://docs.example/")["paths"]
    assert operations["/api/v1/accounts/{id}/block"]["post"]["x-mastodon-permission"] == "manage_users"
    assert "x-mastodon-permission" not in operations["/api/v1/accounts/{id}/statuses"]["get"]


def test_an_action_upstream_does_not_document_is_marked(tmp_path):
    text = (TINY / "data" / "endpoints.yaml").read_text().replace(
        "    returns: Relationship\n", "    returns: Relationship\n    undocumented: true\n")
    path = tmp_path / "endpoints.yaml"
    path.write_text(text)
    ext = makeExtension(catalog=str(path), page="methods/accounts.md")
    html = soup(Markdown(extensions=["toc", ext]).convert("<!-- endpoint accounts/block -->\n"))
    assert html.select_one(".mc-badge--undocumented").get_text() == "Not in the official documentation"
    catalog = load_catalog(path)
    assert {e["id"]: e for e in catalog_json(catalog, str)["endpoints"]}["accounts/block"]["undocumented_upstream"]
    post = openapi(catalog, str, "https://docs.example/")["paths"]["/api/v1/accounts/{id}/block"]["post"]
    assert post["x-mastodon-undocumented-upstream"] is True
