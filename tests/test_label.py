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


# Labels of the real catalog's endpoints whose alternatives were checked against Mastodon 4.7.0's
# controllers (data/upstream-differences.yaml gives the file and line of each).
from conftest import ROOT  # noqa: E402
from mastodon_catalog.core import load_catalog  # noqa: E402

REAL = load_catalog(ROOT / "data" / "endpoints.yaml")


def real_label(endpoint_id: str) -> str:
    return oauth_label(REAL.by_id[endpoint_id].oauth, Links(page=REAL.by_id[endpoint_id].page))


def test_translate_is_a_user_token_only():
    assert real_label("statuses/translate") == (
        "[User token](../api/oauth-tokens.md#user-token) + [`read:statuses`](../api/oauth-scopes.md#read-statuses)")


def test_public_feeds_are_public_while_open_and_then_need_a_user():
    for endpoint_id in ("timelines/public", "timelines/tag", "timelines/link"):
        assert real_label(endpoint_id) == (
            "[Public](../api/oauth-tokens.md#public) (while the server's access setting for this feed is public) or "
            "[User token](../api/oauth-tokens.md#user-token) + [`read:statuses`](../api/oauth-scopes.md#read-statuses) "
            "(if the server limits this feed to signed-in users)"), endpoint_id


def test_lookup_and_the_boost_and_favourite_lists():
    assert real_label("accounts/lookup") == "[Public](../api/oauth-tokens.md#public)"
    for endpoint_id in ("statuses/reblogged_by", "statuses/favourited_by"):
        assert real_label(endpoint_id) == (
            "[Public](../api/oauth-tokens.md#public) or [User token](../api/oauth-tokens.md#user-token) + "
            "[`read:accounts`](../api/oauth-scopes.md#read-accounts) (for private statuses)"), endpoint_id


def test_app_verify_credentials_takes_any_token_without_a_scope():
    assert real_label("apps/verify_credentials") == (
        "[App token](../api/oauth-tokens.md#app-token) or [User token](../api/oauth-tokens.md#user-token)")


def test_instance_pages_in_limited_federation_mode():
    assert real_label("instance/v2") == real_label("instance/v1") == "[Public](../api/oauth-tokens.md#public)"
    assert real_label("instance/rules") == (
        "[Public](../api/oauth-tokens.md#public) (unless the server runs in limited federation mode) or "
        "[User token](../api/oauth-tokens.md#user-token) (in limited federation mode)")
    assert [a.token for a in REAL.by_id["instance/peers"].oauth] == ["public"]  # a user gets 404 in that mode


def test_a_role_permission_follows_the_user_tokens_scopes():
    label = oauth_label([Alternative("user", ("admin:read", "admin:read:accounts"))], Links("methods/admin/accounts.md"),
                        "manage_users")
    assert label == (
        "[User token](../../api/oauth-tokens.md#user-token) + [`admin:read`](../../api/oauth-scopes.md#admin-read) + "
        "[`admin:read:accounts`](../../api/oauth-scopes.md#admin-read-accounts), role with "
        "[Manage Users](../../api/oauth-tokens.md#roles)"
    )


def test_a_role_permission_is_not_attached_to_other_token_kinds():
    label = oauth_label([Alternative("public"), Alternative("user", ("read",))], LINKS, "view_devops")
    assert label == ("[Public](../api/oauth-tokens.md#public) or [User token](../api/oauth-tokens.md#user-token) + "
                     "[`read`](../api/oauth-scopes.md#read), role with [DevOps](../api/oauth-tokens.md#roles)")
