"""catalog.json and openapi.json: written by the build, and saying what the catalog says."""

import json
import re

import pytest
from openapi_spec_validator import validate

from conftest import ROOT, TINY
from mastodon_catalog.core import load_catalog
from mastodon_catalog.core.export import catalog_json
from mastodon_catalog.core.openapi import openapi, openapi_path

CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")
DOC = openapi(CATALOG, lambda page: page.removesuffix(".md") + "/", "https://docs.example/")


def operations(doc):
    return [(method.upper(), path, op) for path, item in doc["paths"].items() for method, op in item.items()]


def test_build_writes_both_files_linked_to_the_pages(tiny, build, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://docs.example/")  # the tiny site's site_url (see test_site_url.py)
    built = build(tiny)
    catalog = json.loads((built.dir / "catalog.json").read_text())
    verify = next(e for e in catalog["endpoints"] if e["id"] == "accounts/verify_credentials")
    assert verify["url"] == "methods/accounts/#verify_credentials"
    assert verify["oauth"] == [{"token": "user", "scopes": ["profile"], "when": None, "since": "4.3.0"},
                               {"token": "user", "scopes": ["read:accounts"], "when": None, "since": None}]
    assert next(s for s in catalog["scopes"] if s["name"] == "read")["grants"] == ["read:accounts", "read:statuses"]
    document = json.loads((built.dir / "openapi.json").read_text())
    validate(document)
    op = document["paths"]["/api/v1/accounts/verify_credentials"]["get"]
    assert op["externalDocs"]["url"] == "https://docs.example/methods/accounts/#verify_credentials"


def test_real_catalog_document_validates_with_one_operation_per_endpoint():
    validate(DOC)
    found = {(method, path) for method, path, _ in operations(DOC)}
    assert found == {(e.method, openapi_path(e.path)) for e in CATALOG.endpoints}
    assert len({op["operationId"] for _, _, op in operations(DOC)}) == len(CATALOG.endpoints)


def test_profile_or_read_accounts_is_two_requirement_objects():
    op = DOC["paths"]["/api/v1/accounts/verify_credentials"]["get"]
    assert op["security"] == [{"UserToken": ["profile"]}, {"UserToken": ["read:accounts"]}]


@pytest.mark.parametrize("endpoint", CATALOG.endpoints, ids=lambda e: e.id)
def test_security_states_each_alternative(endpoint):
    op = DOC["paths"][openapi_path(endpoint.path)][endpoint.method.lower()]
    expected = [{} if a.token == "public" else {("AppToken" if a.token == "app" else "UserToken"): list(a.scopes)}
                for a in endpoint.oauth]
    assert op["security"] == expected
    assert op.get("deprecated", False) == bool(endpoint.deprecated or endpoint.removed)
    assert [h["version"] for h in op["x-mastodon-history"]] == [c.version_text for c in endpoint.history]
    declared = {(p["name"], p["in"]) for p in op.get("parameters", [])}
    assert declared == {(p.name, p.location) for p in endpoint.params if p.location != "form"}
    form = [p for p in endpoint.params_in("form") if p.type != "file"]
    content = op.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    assert set(body.get("properties", {})) == {re.split(r"\[", p.name)[0] for p in form}
    urlencoded = content.get("application/x-www-form-urlencoded", {}).get("schema", {})
    assert set(urlencoded.get("properties", {})) | {p.name for p in form if ":" in p.name} | \
        {p.name for p in form if any(o.name.startswith(p.name + "[") for o in form)} == {p.name for p in form}


def test_security_schemes_tell_app_from_user_tokens():
    schemes = DOC["components"]["securitySchemes"]
    assert list(schemes["AppToken"]["flows"]) == ["clientCredentials"]
    assert list(schemes["UserToken"]["flows"]) == ["authorizationCode"]
    assert "PKCE" in schemes["UserToken"]["description"]
    assert set(schemes["UserToken"]["flows"]["authorizationCode"]["scopes"]) == set(CATALOG.scopes)


def test_tiny_fixture_document_also_validates():
    validate(openapi(load_catalog(TINY / "data" / "endpoints.yaml"), lambda p: p, "https://x.example/"))


# catalog.json for the real catalog: the model the explorer checks tokens against.
REAL_JSON = catalog_json(CATALOG, lambda page: page.removesuffix(".md") + "/")
APP_TOKEN_ENDPOINTS = ["apps/verify_credentials", "accounts/create", "statuses/quotes", "statuses/source"]  # catalog order


def real_oauth(endpoint_id):
    return next(e for e in REAL_JSON["endpoints"] if e["id"] == endpoint_id)["oauth"]


def test_real_catalog_json_follow_grants_nothing():
    grants = {s["name"]: s["grants"] for s in REAL_JSON["scopes"]}
    assert grants["follow"] == [] and grants["profile"] == [] and grants["push"] == []
    assert {name for name, granted in grants.items() if granted} == {"read", "write", "admin:read", "admin:write"}
    assert not any("follow" in granted for granted in grants.values())
    assert real_oauth("accounts/relationships") == [
        {"token": "user", "scopes": ["read:follows"], "when": None, "since": None}]
    assert {"token": "user", "scopes": ["follow"], "when": None, "since": None} in real_oauth("blocks/get")


def test_real_catalog_json_states_the_corrected_alternatives():
    assert real_oauth("statuses/translate") == [{"token": "user", "scopes": ["read:statuses"], "when": None, "since": None}]
    for feed in ("timelines/public", "timelines/tag", "timelines/link"):
        assert [(a["token"], a["scopes"]) for a in real_oauth(feed)] == [("public", []), ("user", ["read:statuses"])]
        assert all(a["when"] for a in real_oauth(feed)), feed
    assert real_oauth("accounts/lookup") == [{"token": "public", "scopes": [], "when": None, "since": None}]
    for listing in ("statuses/reblogged_by", "statuses/favourited_by"):
        assert [(a["token"], a["scopes"]) for a in real_oauth(listing)] == [("public", []), ("user", ["read:accounts"])]
    assert [(a["token"], a["scopes"]) for a in real_oauth("apps/verify_credentials")] == [("app", []), ("user", [])]
    assert [e["id"] for e in REAL_JSON["endpoints"] if any(a["token"] == "app" for a in e["oauth"])] == APP_TOKEN_ENDPOINTS


# A field added through the field spec alone (core/fields.py: rate_limit) reaches the model,
# the endpoint block, catalog.json and the cache, with the loader's usual messages.
RATE_LIMITED = """\
scopes:
  - {name: "write:media", summary: Upload media., added: "2.4.3"}
endpoints:
  - id: media/create
    method: POST
    path: /api/v2/media
    page: methods/media.md
    anchor: v2
    title: Upload media
    summary: Uploads a file.
    returns: MediaAttachment
    oauth:
      - token: user
        scopes: ["write:media"]
    history:
      - {version: "3.1.3", change: added}
    rate_limit:
      - {limit: 30, period: 30 minutes, per: account}
      - {limit: 1, period: 1 hour, per: ip}
"""
LIMITS = [{"limit": 30, "period": "30 minutes", "per": "account"}, {"limit": 1, "period": "1 hour", "per": "ip"}]


def test_rate_limit_is_read_shown_on_the_block_and_exported():
    from mastodon_catalog.core import parse_catalog, snapshot
    from mastodon_catalog.core.render import Renderer

    catalog = parse_catalog(RATE_LIMITED)
    endpoint = catalog.endpoints[0]
    assert [dict(r) for r in endpoint.rate_limit] == LIMITS
    block = Renderer(catalog).endpoint(endpoint, endpoint.page)
    assert "**Rate limit:** 30 requests per account in 30 minutes; 1 request per IP address in 1 hour\n" \
           "{: .mc-rate-limit }\n" in block
    assert catalog_json(catalog, lambda page: page)["endpoints"][0]["rate_limit"] == LIMITS
    assert snapshot.load(snapshot.dump(catalog)) == catalog


def test_an_endpoint_without_rate_limit_has_none_and_shows_none():
    from mastodon_catalog.core import parse_catalog
    from mastodon_catalog.core.render import Renderer

    catalog = parse_catalog(RATE_LIMITED.split("    rate_limit:")[0])
    endpoint = catalog.endpoints[0]
    assert endpoint.rate_limit == () and endpoint.extra is None
    assert "Rate limit" not in Renderer(catalog).endpoint(endpoint, endpoint.page)
    assert catalog_json(catalog, lambda page: page)["endpoints"][0]["rate_limit"] == []
    assert all(e["rate_limit"] == [] for e in REAL_JSON["endpoints"] if not CATALOG.by_id[e["id"]].rate_limit)


@pytest.mark.parametrize("written, expected", [
    ("{limit: 0, period: 30 minutes, per: account}",
     "data/endpoints.yaml:18:17: 'limit' of a rate limit of endpoint 'media/create' must be at least 1, not 0 "
     "(write a number from 1 up)"),
    ('{limit: "30", period: 30 minutes, per: account}',
     "data/endpoints.yaml:18:17: 'limit' of a rate limit of endpoint 'media/create' must be a whole number "
     "(write limit: followed by a whole number)"),
    ("{limit: 30, period: 30 mins, per: account}",
     "data/endpoints.yaml:18:29: period '30 mins' of a rate limit of endpoint 'media/create' is not valid: "
     "a number and a unit, e.g. '5 minutes' or '1 hour' (correct the period)"),
    ("{limit: 30, period: 30 minutes, per: user}",
     "data/endpoints.yaml:18:46: unknown rate limit key 'user' in a rate limit of endpoint 'media/create' "
     "(use one of: account, token, ip)"),
    ("{limit: 30, period: 30 minutes}",
     "data/endpoints.yaml:18:9: a rate limit of endpoint 'media/create' has no 'per' (add 'per:')"),
    ("{limit: 30, period: 30 minutes, per: account, burst: 3}",
     "data/endpoints.yaml:18:55: unknown field 'burst' in a rate limit of endpoint 'media/create' "
     "(use one of: limit, period, per)"),
])
def test_a_wrong_rate_limit_is_reported_where_it_is(written, expected):
    from mastodon_catalog.core import CatalogError, parse_catalog

    with pytest.raises(CatalogError) as err:
        parse_catalog(RATE_LIMITED.replace("{limit: 30, period: 30 minutes, per: account}", written))
    assert [str(p) for p in err.value.problems] == [expected]


def test_rate_limit_written_as_text_is_refused():
    from mastodon_catalog.core import CatalogError, parse_catalog

    text = RATE_LIMITED.split("    rate_limit:")[0] + "    rate_limit: 300 requests per 5 minutes\n"
    with pytest.raises(CatalogError) as err:
        parse_catalog(text)
    assert [str(p) for p in err.value.problems] == [
        "data/endpoints.yaml:17:17: 'rate_limit' of endpoint 'media/create' must be a list "
        "(write rate_limit: followed by a list)"]
