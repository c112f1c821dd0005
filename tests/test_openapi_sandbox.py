"""Conformance: schemathesis drives the generated OpenAPI document against the sandbox instance,
in both of its modes, on every operation the sandbox implements, and checks each answer against
the document: the status is declared, the content type is the declared one, the body validates
against the response schema (the entities' schemas, components.schemas), the headers match
theirs, and the headers the document names and Mastodon always sends (X-RateLimit-* on every
/api/ answer, Link on a page of a paginated list) are really there.

The document is built as the site builds it: the catalog with its entities attached, then
`openapi(catalog, page_url, site_url)`. The operations come from the sandbox's own routes
(its Flask url_map, matched to the catalog's paths and aliases), so a new route is covered as
soon as it exists; a route the catalog does not document must be named in NOT_OPERATIONS.

Legacy mode is an older server (it reports its version, 4.2.10, in /api/v1/instance). Its
answers are judged against the same document with two differences, both computed from
`x-mastodon-added`, never from what the sandbox happens to send:
- an attribute added after the server's version may be absent: it leaves `required` (its type
  is still checked when it is present), in every entity schema;
- an operation added after the server's version is not expected to exist: it is left out of
  the schemathesis run, and a separate test checks that it answers 404.
Everything else, including attributes as old as the server, is required as documented.

Each generated request (positive and negative data, 12 per operation and mode, derandomized)
goes with no credentials or with one kind the operation takes (a user token, an app token, HTTP
Basic client authentication, a browser session for the authorize page), and a path id or a
client_id is mostly one the sandbox has, so that successes are checked and not only 404s; the
operations whose success random input rarely reaches also get one valid request (VALID).
Every status must be one the document declares: Doorkeeper's own answers on /oauth/ and the 400
for a body Rails cannot parse included (core/responses.py)."""

from __future__ import annotations

import base64
import copy
import re

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import ROOT
from mastodon_catalog.core import load_catalog
from mastodon_catalog.core.entities import load_entities
from mastodon_catalog.core.openapi import openapi, openapi_path
from mastodon_catalog.core.returns import attach
from mastodon_catalog.core.versions import parse_version
from sandbox import Sandbox, create_app
from test_sandbox import CALLBACK, app_token, register, user_token

CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")
attach(CATALOG, load_entities(ROOT / "data" / "entities"))
DOCUMENT = openapi(CATALOG, lambda page: page, "https://docs.example/")

# Sandbox routes that are not API operations of the catalog, and why.
NOT_OPERATIONS = {
    ("GET", "/static/<path:filename>"): "Flask's static folder (empty)",
    ("POST", "/auth/sign_in"): "the login form of the browser pages",
    ("POST", "/oauth/authorize"): "the consent form's approve button (a browser page)",
    ("DELETE", "/oauth/authorize"): "the consent form's deny button (a browser page)",
    ("GET", "/oauth/authorize/native"): "the page showing an out-of-band code",
    ("POST", "/oauth/userinfo"): "the second verb of oauth/userinfo, which its summary names",
}


def shape(path: str) -> str:
    """A path with its parameters blanked, so Flask's `<account_id>` meets the catalog's `:id`."""
    return re.sub(r"<[^<>]+>|:[A-Za-z_]\w*|\{[^{}]+\}", "{}", path)


def routed(app) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The sandbox's routes as the document's operations (method, OpenAPI path), and the routes
    that match no documented endpoint (method, Flask rule)."""
    documented = {}
    for endpoint in CATALOG.endpoints:
        for path in (endpoint.path, *endpoint.aliases):
            documented[(endpoint.method, shape(path))] = openapi_path(endpoint.path)
    operations, others = set(), set()
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = documented.get((method, shape(rule.rule)))
            if path:
                operations.add((method, path))
            else:
                others.add((method, rule.rule))
    return operations, others


def reported_version(app) -> str:
    return app.test_client().get("/api/v1/instance").get_json()["version"]


def newer(added: str | None, version: str) -> bool:
    return bool(added) and parse_version(added) > parse_version(version)


def only(document: dict, operations: set[tuple[str, str]]) -> dict:
    """A copy of the document with only these operations."""
    out = copy.deepcopy(document)
    out["paths"] = {path: {m: op for m, op in item.items() if (m.upper(), path) in operations}
                    for path, item in out["paths"].items()}
    out["paths"] = {path: item for path, item in out["paths"].items() if item}
    return out


def as_of(document: dict, version: str) -> dict:
    """The document as a server of `version` should satisfy it: attributes added later are not
    required (see the module's docstring)."""
    out = copy.deepcopy(document)
    for schema in out["components"]["schemas"].values():
        props = schema.get("properties", {})
        if "required" in schema:
            schema["required"] = [n for n in schema["required"] if not newer(props.get(n, {}).get("x-mastodon-added"),
                                                                             version)]
    return out


MASTODON_APP, LEGACY_APP = create_app(), create_app(legacy=True)
IMPLEMENTED, UNDOCUMENTED_ROUTES = routed(MASTODON_APP)
LEGACY_ROUTES, _ = routed(LEGACY_APP)
LEGACY_VERSION = reported_version(LEGACY_APP)
ADDED = {(m.upper(), path): op.get("x-mastodon-added") for path, item in DOCUMENT["paths"].items()
         for m, op in item.items()}
TOO_NEW = {op for op in LEGACY_ROUTES if newer(ADDED[op], LEGACY_VERSION)}

mastodon_schema = schemathesis.openapi.from_dict(only(DOCUMENT, IMPLEMENTED))
legacy_schema = schemathesis.openapi.from_dict(as_of(only(DOCUMENT, LEGACY_ROUTES - TOO_NEW), LEGACY_VERSION))


def listing(operations) -> str:
    return "\n".join(f"  {m} {p}" for m, p in sorted(operations))


def test_every_sandbox_route_is_a_documented_operation():
    assert IMPLEMENTED, "no sandbox route matched an operation of the catalog"
    assert UNDOCUMENTED_ROUTES == set(NOT_OPERATIONS), (
        "sandbox routes that match no endpoint of the catalog (document them, or name them in NOT_OPERATIONS):\n"
        + listing(UNDOCUMENTED_ROUTES - set(NOT_OPERATIONS))
        + "\nnamed in NOT_OPERATIONS but no longer routed:\n" + listing(set(NOT_OPERATIONS) - UNDOCUMENTED_ROUTES)
        + "\noperations covered:\n" + listing(IMPLEMENTED))
    found = {(m.upper(), p) for p, item in only(DOCUMENT, IMPLEMENTED)["paths"].items() for m in item}
    assert found == IMPLEMENTED, "operations covered:\n" + listing(IMPLEMENTED)


def test_legacy_mode_is_judged_as_the_older_server_it_reports():
    assert parse_version(LEGACY_VERSION) < (4, 3, 0), LEGACY_VERSION
    covered = {(m.upper(), p) for p, item in legacy_schema.raw_schema["paths"].items() for m in item}
    assert covered and covered == LEGACY_ROUTES - TOO_NEW, "legacy operations covered:\n" + listing(covered)
    # Attributes added after 4.2.10 are optional there and nowhere else; older ones stay required.
    status = legacy_schema.raw_schema["components"]["schemas"]["Status"]
    assert "quotes_count" not in status["required"] and "edited_at" in status["required"]
    assert "quotes_count" in DOCUMENT["components"]["schemas"]["Status"]["required"]


# -- What the document says is sent and schemathesis cannot demand ------------------------------
# Headers are optional unless marked required, so response_headers_conformance checks a header
# only when it is present. Mastodon's Api::RateLimitHeaders sets X-RateLimit-* in a before_action
# of every API controller (so on its errors too: api/rate_limit_headers.rb:19), and the lists
# with insert_pagination_headers send Link whenever the page has items
# (timelines/base_controller.rb:4, notifications_controller.rb:76-80).

def declared(case, status: int) -> set[str]:
    response = case.operation.responses.find_by_status_code(status)
    return {name for name, _ in response.headers.items()} if response is not None and response.headers else set()


def rate_limit_headers_sent(ctx, response, case):
    headers = declared(case, response.status_code)
    missing = [name for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
               if name in headers and name.lower() not in response.headers]
    assert not missing, f"{case.method} {case.path} answered {response.status_code} without {missing}"


LINK = re.compile(r'<([^>]*)>; rel="(next|prev)"')


def link_header_sent(ctx, response, case):
    if "Link" not in declared(case, response.status_code):
        return
    try:
        items = response.json()
    except ValueError:
        return
    if isinstance(items, list) and items:
        value = (response.headers.get("link") or [""])[0]
        # prev whenever the page has items; next too on the timelines and notifications, but only
        # while records_continue? on the lists that check it, so it is not demanded here.
        rels = {rel for _, rel in LINK.findall(value)}
        assert "prev" in rels, f"{case.method} {case.path}: a page of {len(items)} with Link {value!r}"


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, rate_limit_headers_sent, link_header_sent]


# -- The runs ----------------------------------------------------------------------------------

def prepared(server, legacy: bool):
    """The sandbox with what the requests may carry: credentials of each kind, a browser signed
    in as alice (the authorize page's only credential), and values it knows."""
    scopes = "read write follow" + ("" if legacy else " profile")
    app = register(server, scopes=scopes)
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    server.credentials = {"user": {"Authorization": f"Bearer {user_token(server, app, scopes)}"},
                          "app": {"Authorization": f"Bearer {app_token(server, app, 'read write')}"},
                          "client": {"Authorization": f"Basic {basic}"}, "none": {}, "browser": {}}
    server.browser = requests.Session()
    server.browser.post(f"{server.url}/auth/sign_in", data={"username": "alice", "password": "alice-password"})
    server.known = {"client_id": [app["client_id"]], "redirect_uri": [CALLBACK], "scope": ["read", "read write"]}
    return server


def known_ids(server, path: str, name: str) -> list[str]:
    """The ids a path parameter can take from the sandbox's store: /accounts/{id}, /statuses/{id}."""
    collection = {"accounts": server.store.accounts, "statuses": server.store.statuses}.get(
        path.split("/{" + name + "}")[0].rsplit("/", 1)[-1], {})
    return sorted(collection)


@pytest.fixture(scope="module")
def mastodon():
    with Sandbox(rate_limit=10**9) as server:
        yield prepared(server, legacy=False)


@pytest.fixture(scope="module")
def legacy():
    with Sandbox(legacy=True, rate_limit=10**9) as server:
        yield prepared(server, legacy=True)


def kinds(case) -> list[str]:
    """No token, then each kind of credentials the operation takes: the tokens of its
    security alternatives, and HTTP Basic client authentication where the body names a client."""
    raw = case.operation.definition.raw
    schemes = {name for requirement in raw.get("security", []) for name in requirement}
    out = ["none"] + [kind for scheme, kind in (("UserToken", "user"), ("AppToken", "app")) if scheme in schemes]
    body = raw.get("requestBody", {}).get("content", {})
    if any("client_id" in media.get("schema", {}).get("properties", {}) for media in body.values()):
        out.append("client")
    if {} in raw.get("security", []) and "user" not in out:
        out.append("user")  # a public read also answers a signed-in user, with the viewer's fields
    if "text/html" in raw.get("responses", {}).get("200", {}).get("content", {}):
        out.append("browser")  # a browser page: its credential is the signed-in session
    return out


def run(case, server, data):
    kind = data.draw(st.sampled_from(kinds(case)), label="credentials")
    # Random ids and client ids find nothing: most of the time, take one the sandbox has.
    for name, value in (case.path_parameters or {}).items():
        known = known_ids(server, case.path, name)
        if known:
            case.path_parameters[name] = data.draw(st.sampled_from([value, *known, *known]), label=name)
    for name, value in (case.query or {}).items():
        if name in server.known:
            case.query[name] = data.draw(st.sampled_from([value, *server.known[name] * 2]), label=name)
    session = server.browser if kind == "browser" else requests.Session()
    case.call_and_validate(base_url=server.url, headers=server.credentials[kind], session=session, checks=CHECKS)


BOUNDED = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                   database=None)


@mastodon_schema.parametrize()
@mastodon_schema.given(data=st.data())
@BOUNDED
def test_the_sandbox_answers_as_documented(case, data, mastodon):
    run(case, mastodon, data)


@legacy_schema.parametrize()
@legacy_schema.given(data=st.data())
@BOUNDED
def test_the_legacy_sandbox_answers_as_documented_for_its_version(case, data, legacy):
    run(case, legacy, data)


@pytest.mark.parametrize("method, path", sorted(TOO_NEW))
def test_operations_newer_than_the_legacy_server_are_absent(legacy, method, path):
    answer = requests.request(method, legacy.url + path, headers=legacy.credentials["user"])
    assert answer.status_code == 404, answer.text


# -- Successes that generated input rarely reaches ---------------------------------------------
# Random names, addresses and passwords fail validation (422), so these operations also get one
# valid request each, whose success answer goes through the same checks.
VALID = {
    ("POST", "/api/v1/apps"): ("none", {}, {"client_name": "Conformance", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                            "scopes": "read write", "website": "https://app.example"}),
    ("POST", "/api/v1/accounts"): ("app", {}, {"username": "conformance", "email": "conformance@sandbox.test",
                                               "password": "a long enough password", "agreement": True,
                                               "locale": "en"}),
    ("POST", "/api/v1/accounts/{id}/block"): ("user", {"id": "3"}, None),
    ("POST", "/api/v1/statuses"): ("user", {}, {"status": "Conformance", "visibility": "unlisted"}),
    ("POST", "/oauth/token"): ("client", {}, {"grant_type": "client_credentials", "scope": "read"}),
}


@pytest.mark.parametrize("mode", ["mastodon", "legacy"])
@pytest.mark.parametrize("method, path", sorted(VALID))
def test_a_valid_request_succeeds_as_documented(request, mode, method, path):
    server = request.getfixturevalue(mode)
    schema = mastodon_schema if mode == "mastodon" else legacy_schema
    kind, parameters, body = VALID[(method, path)]
    case = schema[path][method].Case(path_parameters=parameters or None,
                                     **({"body": body, "media_type": "application/json"} if body else {}))
    response = case.call_and_validate(base_url=server.url, headers=server.credentials[kind],
                                      session=requests.Session(), checks=CHECKS)
    assert response.status_code == 200, response.text
