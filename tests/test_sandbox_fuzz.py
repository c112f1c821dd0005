"""Bounded fuzzing of the sandbox, in both modes: hostile input on the OAuth endpoints, app
registration, status posting and the id-bearing routes. No answer may be a server error, and every
refusal on a JSON route has Mastodon's error shape, {"error": "..."}. About 390 requests in all,
through Flask's test client (the whole WSGI app, no sockets), in a few seconds."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox import create_app

CALLBACK = "http://127.0.0.1:9/callback"
JSON_ERROR_PATHS = ("/api/", "/oauth/token", "/oauth/revoke", "/oauth/userinfo")  # the rest are browser pages
HOSTILE = [
    "", " ", "é", "ü" * 300, "\x00", "%ff", "\r\n", "http://[", "http://[::1", "http://", "//x", "x" * 3000,
    "9" * 5000, "-1", "0", "١٢", "1e309", "javascript:alert(1)", "urn:ietf:wg:oauth:2.0:oob", "localhost:3000",
    "read write", "admin:write", "<script>alert(1)</script>", "null", "[]", "{client_id}", "{client_secret}",
    "{user}", "authorization_code", "client_credentials", "S256", "true", CALLBACK,
]
AUTH = [None, "Bearer ", "Bearer", "Bearer é", "bearer {user}", "Bearer {user}", "Bearer {app}", "Basic", "Basic !!",
        "Basic /w==", "Basic w6k6w6k=", "Bearer " + "x" * 5000]
PAGING = ["limit", "max_id", "since_id", "min_id"]
AUTHORIZE = ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method",
             "force_login", "_method"]
ROUTES = [
    ("POST", "/api/v1/apps", ["client_name", "redirect_uris", "scopes", "website"]),
    ("POST", "/oauth/token", ["grant_type", "code", "redirect_uri", "client_id", "client_secret", "scope",
                              "code_verifier"]),
    ("POST", "/oauth/revoke", ["token", "client_id", "client_secret"]),
    ("GET", "/oauth/userinfo", []),
    ("GET", "/oauth/authorize", AUTHORIZE),
    ("POST", "/oauth/authorize", AUTHORIZE),
    ("POST", "/auth/sign_in", ["username", "password", "next"]),
    ("POST", "/api/v1/statuses", ["status", "spoiler_text", "visibility", "media_ids"]),
    ("GET", "/api/v1/statuses/{id}", []),
    ("POST", "/api/v1/accounts/{id}/block", []),
    ("GET", "/api/v1/timelines/home", PAGING),
    ("GET", "/api/v1/timelines/public", PAGING),
    ("GET", "/api/v1/notifications", PAGING),
    ("POST", "/api/v1/accounts", ["username", "email", "password", "agreement"]),
    ("GET", "/api/v1/apps/verify_credentials", ["access_token"]),
    ("GET", "/api/v1/accounts/verify_credentials", ["access_token"]),
    ("GET", "/api/v2/instance/", []),
]

text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
value = st.one_of(text, st.integers(), st.booleans(), st.none(), st.lists(text, max_size=3),
                  st.dictionaries(text, text, max_size=2))


@st.composite
def hostile_requests(draw):
    method, path, names = draw(st.sampled_from(ROUTES))
    method = draw(st.sampled_from([method] * 4 + ["GET", "POST", "PUT", "DELETE"]))  # now and then a wrong verb
    path = path.replace("{id}", quote(draw(st.one_of(st.sampled_from(["1", "100001", "9" * 5000, "-1"]), text)),
                                      safe=""))
    fields = draw(st.dictionaries(st.sampled_from(names), value, max_size=len(names))) if names else {}
    body = draw(st.sampled_from(["form", "json", "deep", "broken", "query"]))
    auth = draw(st.sampled_from(AUTH))
    if body == "form" or method == "GET" or body == "query":
        flat = {k: v for k, v in fields.items() if isinstance(v, str)}
        kwargs = {"query_string": flat} if method == "GET" or body == "query" else {"data": flat}
    elif body == "json":
        kwargs = {"data": json.dumps(fields), "content_type": "application/json"}
    else:  # nesting past Rails' limit (and Python's stack), or not JSON at all
        depth = draw(st.sampled_from([101, 3000]))
        data = "[" * depth + "]" * depth if body == "deep" else '{"status": '
        kwargs = {"data": data, "content_type": "application/json"}
    return method, path, kwargs, auth


@pytest.fixture(scope="module", params=["mastodon", "legacy"])
def world(request):
    """A sandbox in one mode, with a registered app, an app token and alice's user token."""
    app = create_app(legacy=request.param == "legacy", rate_limit=10**9)
    client = app.test_client()
    registered = client.post("/api/v1/apps", data={"client_name": "fuzz", "redirect_uris": CALLBACK,
                                                   "scopes": "read write follow"}).get_json()
    credentials = {"client_id": registered["client_id"], "client_secret": registered["client_secret"]}
    app_token = client.post("/oauth/token", data={"grant_type": "client_credentials", **credentials}).get_json()
    client.post("/auth/sign_in", data={"username": "alice", "password": "alice-password"})
    answer = client.post("/oauth/authorize", data={"response_type": "code", "client_id": credentials["client_id"],
                                                   "redirect_uri": CALLBACK, "scope": "read write follow"})
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    user_token = client.post("/oauth/token", data={"grant_type": "authorization_code", "code": code,
                                                   "redirect_uri": CALLBACK, **credentials}).get_json()
    names = {**credentials, "app": app_token["access_token"], "user": user_token["access_token"]}
    return client, names


def fill(item, names: dict):
    """Put the fixture's real credentials where the input names them, e.g. "{client_id}"."""
    if isinstance(item, str):
        for name, real in names.items():
            item = item.replace("{" + name + "}", real)
        return item
    if isinstance(item, dict):
        return {fill(k, names): fill(v, names) for k, v in item.items()}
    if isinstance(item, list):
        return [fill(v, names) for v in item]
    return item


def check(client, names, method, path, kwargs, auth=None):
    headers = {"Authorization": fill(auth, names)} if auth else {}
    response = client.open(path, method=method, headers=headers, **fill(kwargs, names))
    assert response.status_code < 500, (method, path, response.get_data(as_text=True)[:300])
    if response.status_code >= 400 and urlsplit(path).path.startswith(JSON_ERROR_PATHS):
        body = response.get_json(silent=True)
        assert isinstance(body, dict) and isinstance(body.get("error"), str), (method, path, response.data[:300])
    return response


def case(name, method, path, kwargs, auth, status):
    return pytest.param(method, path, kwargs, auth, status, id=name)


# Each of these answered 500 before the fix, except the last two, which pin the 404 of a huge id.
# The status is what Mastodon answers.
KNOWN = [
    case("deep-json", "POST", "/api/v1/apps", {"data": "[" * 5000 + "]" * 5000, "content_type": "application/json"},
         None, 400),
    case("bad-ipv6-redirect", "POST", "/api/v1/apps", {"data": {"client_name": "x", "redirect_uris": "http://["}},
         None, 422),
    case("non-ascii-secret", "POST", "/oauth/token", {"data": {
        "grant_type": "client_credentials", "client_id": "{client_id}", "client_secret": "é"}}, None, 401),
    case("non-ascii-secret-revoke", "POST", "/oauth/revoke", {"data": {
        "token": "{user}", "client_id": "{client_id}", "client_secret": "é"}}, None, 403),
    case("non-ascii-password", "POST", "/auth/sign_in", {"data": {"username": "alice", "password": "pässword"}},
         None, 401),
    case("bearer-blank-token", "POST", "/oauth/token", {"data": {"grant_type": "client_credentials"}}, "Bearer ", 401),
    case("basic-not-utf8", "POST", "/oauth/token", {"data": {"grant_type": "client_credentials"}}, "Basic /w==", 401),
    case("bearer-blank-revoke", "POST", "/oauth/revoke", {"data": {"token": "x"}}, "Bearer ", 403),
    case("response-type-quote", "GET", "/oauth/authorize", {"query_string": {
        "response_type": 'c"de', "client_id": "{client_id}", "redirect_uri": CALLBACK}}, None, 400),
    case("bearer-blank-home", "GET", "/api/v1/timelines/home", {}, "Bearer ", 401),
    case("bearer-blank-public", "GET", "/api/v1/timelines/public", {}, "Bearer ", 200),  # a blank token is none
    case("huge-max-id", "GET", "/api/v1/timelines/public", {"query_string": {"max_id": "9" * 5000}}, None, 200),
    case("huge-since-id", "GET", "/api/v1/timelines/public", {"query_string": {"since_id": "9" * 5000}}, None, 200),
    case("huge-status-id", "GET", "/api/v1/statuses/" + "9" * 5000, {}, None, 404),
    case("huge-account-id", "POST", "/api/v1/accounts/" + "9" * 5000 + "/block", {}, "Bearer {user}", 404),
]


@pytest.mark.parametrize("method, path, kwargs, auth, status", KNOWN)
def test_inputs_that_were_server_errors(world, method, path, kwargs, auth, status):
    client, _ = world
    client.post("/auth/sign_in", data={"username": "alice", "password": "alice-password"})  # for the consent page
    assert check(*world, method, path, kwargs, auth).status_code == status


@given(hostile_requests())
@settings(max_examples=160, deadline=timedelta(seconds=2), derandomize=True,  # the same inputs on every run
          suppress_health_check=[HealthCheck.too_slow])
def test_no_server_error_and_json_refusals(world, request_parts):
    method, path, kwargs, auth = request_parts
    check(*world, method, path, kwargs, auth)
