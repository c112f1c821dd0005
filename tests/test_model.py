from conftest import ROOT, TINY

from mastodon_catalog.core import Alternative, load_catalog


def catalog():
    return load_catalog(TINY / "data" / "endpoints.yaml")


def test_parent_scopes_grant_their_children():
    c = catalog()
    assert c.grants("read") == {"read", "read:accounts", "read:statuses"}
    assert c.grants("follow") == {"follow"}
    assert c.grants("profile") == {"profile"}
    assert c.granted_by("write:blocks") == ["write"]


def test_satisfies_follows_the_hierarchy():
    c = catalog()
    needs = Alternative("user", ("read:accounts",))
    assert c.satisfies(["read"], needs)
    assert c.satisfies(["read:accounts"], needs)
    assert not c.satisfies(["profile"], needs)
    assert not c.satisfies(["write"], needs)
    both = Alternative("user", ("read:accounts", "write:blocks"))
    assert c.satisfies(["read", "write"], both)
    assert not c.satisfies(["read"], both)
    assert not c.satisfies(["read", "follow"], both)


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


def test_follow_grants_nothing_in_the_real_catalog():
    """Mastodon expands only read, write, admin:read and admin:write; `follow` passes only where
    a controller names it, so it is an explicit alternative there and grants nothing."""
    c = load_catalog(ROOT / "data" / "endpoints.yaml")
    assert c.grants("follow") == {"follow"}
    assert all("follow" not in c.grants(s) for s in c.scopes if s != "follow")
    parents = {name: set(c.grants(name)) - {name} for name in c.scopes if set(c.grants(name)) - {name}}
    assert set(parents) == {"read", "write", "admin:read", "admin:write"}
    for parent, children in parents.items():
        assert children == {s for s in c.scopes if s.startswith(parent + ":")}, parent
    follow_only = ["follow"]
    for endpoint in ("accounts/relationships", "accounts/familiar_followers", "statuses/mute"):
        assert not any(c.satisfies(follow_only, a) for a in c.by_id[endpoint].oauth), endpoint


# The 19 actions whose controllers list :follow at Mastodon 4.7.0 (accounts_controller.rb:7-9,
# blocks_controller.rb:4, mutes_controller.rb:4, domain_blocks_controller.rb:6-7,
# domain_blocks/previews_controller.rb:4, follow_requests_controller.rb:4-5,
# followed_tags_controller.rb:6, tags_controller.rb:4).
FOLLOW_ACTIONS = [
    "accounts/follow", "accounts/unfollow", "accounts/remove_from_followers", "accounts/block", "accounts/unblock",
    "accounts/mute", "accounts/unmute", "blocks/get", "mutes/get", "domain_blocks/get", "domain_blocks/block",
    "domain_blocks/unblock", "domain_blocks/preview", "follow_requests/get", "follow_requests/accept",
    "follow_requests/reject", "followed_tags/get", "tags/follow", "tags/unfollow",
]


def test_follow_is_an_explicit_alternative_exactly_where_a_controller_lists_it():
    c = load_catalog(ROOT / "data" / "endpoints.yaml")
    for endpoint_id in FOLLOW_ACTIONS:
        assert Alternative("user", ("follow",)) in c.by_id[endpoint_id].oauth, endpoint_id
    assert sorted(e.id for e in c.naming("follow")) == sorted(FOLLOW_ACTIONS)


def test_records_are_compact_and_frozen():
    """Tens of thousands of them make a large catalog: no per-object __dict__, nothing to change."""
    import dataclasses

    import pytest

    c = catalog()
    endpoint = c.by_id["accounts/statuses"]
    for record in (endpoint, endpoint.oauth[0], endpoint.history[0], endpoint.params[0], c.scopes["read"]):
        assert not hasattr(record, "__dict__"), type(record).__name__
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.__setattr__(dataclasses.fields(record)[0].name, None)


def test_spec_fields_without_an_attribute_are_read_from_extra():
    """A field of the endpoint spec the class has no attribute for is kept in `extra` and
    read like an attribute, its spec default when absent; other names are still errors."""
    import pytest

    from mastodon_catalog.core import model

    endpoint = catalog().by_id["accounts/statuses"]
    assert endpoint.extra is None
    for name, default in model.EXTRA_FIELDS.items():
        assert getattr(endpoint, name) == default
    assert endpoint.extras() == model.EXTRA_FIELDS
    with pytest.raises(AttributeError):
        endpoint.no_such_field  # noqa: B018
