"""catalog.json and openapi.json: written by the build, and saying what the catalog says."""

import json

import pytest
from openapi_spec_validator import validate

from conftest import ROOT, TINY
from mastodon_catalog.core import load_catalog
from mastodon_catalog.core.export import catalog_json, openapi, openapi_path

CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")
DOC = openapi(CATALOG, lambda page: page.removesuffix(".md") + "/", "https://docs.example/")


def operations(doc):
    return [(method.upper(), path, op) for path, item in doc["paths"].items() for method, op in item.items()]


def test_build_writes_both_files_linked_to_the_pages(tiny, build):
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
    assert op["externalDocs"]["url"] == "http://127.0.0.1:8000/methods/accounts/#verify_credentials"


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
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    assert set(body.get("properties", {})) == {p.name for p in endpoint.params_in("form")}


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
