from conftest import TINY

from mastodon_catalog.core import Alternative, load_catalog


def catalog():
    return load_catalog(TINY / "data" / "endpoints.yaml")


def test_parent_scopes_grant_their_children():
    c = catalog()
    assert c.grants("read") == {"read", "read:accounts", "read:statuses"}
    assert c.grants("follow") == {"follow", "write:blocks"}
    assert c.grants("profile") == {"profile"}
    assert c.granted_by("write:blocks") == ["write", "follow"]


def test_satisfies_follows_the_hierarchy():
    c = catalog()
    needs = Alternative("user", ("read:accounts",))
    assert c.satisfies(["read"], needs)
    assert c.satisfies(["read:accounts"], needs)
    assert not c.satisfies(["profile"], needs)
    assert not c.satisfies(["write"], needs)
    both = Alternative("user", ("read:accounts", "write:blocks"))
    assert c.satisfies(["read", "follow"], both)
    assert not c.satisfies(["read"], both)


def test_history_gives_added_deprecated_and_removed():
    block = catalog().by_id["accounts/block"]
    assert block.added == (0, 0, 0)
    assert block.deprecated == (4, 0, 0)
    assert block.removed is None


def test_listings_by_token_and_scope():
    c = catalog()
    assert [e.id for e in c.accepting("app")] == ["apps/verify_credentials", "accounts/create"]
    assert [e.id for e in c.naming("follow")] == ["accounts/block"]
    assert c.by_id["accounts/statuses"].placeholders == ["id"]
