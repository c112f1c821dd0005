"""The one wording of OAuth labels, and where its links point."""

from mastodon_catalog.core import Alternative
from mastodon_catalog.core.render import Links, oauth_label

LINKS = Links(page="methods/accounts.md")


def test_public():
    assert oauth_label([Alternative("public")], LINKS) == "[Public](../api/oauth-tokens.md#public)"


def test_app_token_with_scope():
    assert oauth_label([Alternative("app", ("write:accounts",))], LINKS) == (
        "[App token](../api/oauth-tokens.md#app-token) + [`write:accounts`](../api/oauth-scopes.md#write-accounts)"
    )


def test_same_kind_alternatives_share_the_token_link():
    label = oauth_label([Alternative("user", ("profile",), since=(4, 3, 0)), Alternative("user", ("read:accounts",))],
                        LINKS)
    assert label == (
        "[User token](../api/oauth-tokens.md#user-token) + [`profile`](../api/oauth-scopes.md#profile) "
        "(since 4.3.0) or [`read:accounts`](../api/oauth-scopes.md#read-accounts)"
    )


def test_all_scopes_of_one_alternative_are_joined_with_plus():
    label = oauth_label([Alternative("user", ("read:statuses", "read:notifications"))], LINKS)
    assert label == (
        "[User token](../api/oauth-tokens.md#user-token) + [`read:statuses`](../api/oauth-scopes.md#read-statuses)"
        " + [`read:notifications`](../api/oauth-scopes.md#read-notifications)"
    )
    grouped = oauth_label([Alternative("user", ("a", "b")), Alternative("user", ("c",))], LINKS)
    assert "+ ([`a`]" in grouped and ") or [`c`]" in grouped


def test_conditions_and_mixed_kinds():
    label = oauth_label([Alternative("public"), Alternative("app", ("read:statuses",), "if previews are off"),
                         Alternative("user", ("read:statuses",), "if previews are off")], LINKS)
    assert label == (
        "[Public](../api/oauth-tokens.md#public) or [App token](../api/oauth-tokens.md#app-token) + "
        "[`read:statuses`](../api/oauth-scopes.md#read-statuses) (if previews are off) or "
        "[User token](../api/oauth-tokens.md#user-token) + [`read:statuses`](../api/oauth-scopes.md#read-statuses) "
        "(if previews are off)"
    )


def test_links_are_relative_to_the_page():
    assert Links(page="index.md").token("app") == "api/oauth-tokens.md#app-token"
    assert Links(page="api/oauth-tokens.md").token("app") == "#app-token"
    assert Links(page="methods/admin/accounts.md").scope("admin:read:accounts") == (
        "../../api/oauth-scopes.md#admin-read-accounts"
    )


def test_since_on_an_alternative_without_scopes():
    assert oauth_label([Alternative("public", since=(2, 7, 0))], LINKS) == (
        "[Public](../api/oauth-tokens.md#public) (since 2.7.0)"
    )
