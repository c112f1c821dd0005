"""The sandbox instance, driven over loopback HTTP the way a client for real Mastodon drives it."""

import base64
import hashlib
import http.client
import json
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from sandbox import Sandbox

CALLBACK = "http://127.0.0.1:9/callback"
# Doorkeeper 5.9.6's message for a redirect URI without a scheme and host, word for word.
DOORKEEPER_RELATIVE = "Validation failed: Redirect URI must be an absolute URI."


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as server:
        yield server


@pytest.fixture(scope="module")
def legacy():
    with Sandbox(legacy=True) as server:
        yield server


def register(server, scopes="read write follow profile read:statuses write:statuses read:notifications", redirect=CALLBACK, as_json=False):
    body = {"client_name": "Test client", "redirect_uris": redirect, "scopes": scopes, "website": "https://a.example"}
    response = requests.post(f"{server.url}/api/v1/apps", **({"json": body} if as_json else {"data": body}))
    assert response.status_code == 200, response.text
    return response.json()


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(server, app, scope="read", user=("alice", "alice-password"), approve=True, **extra):
    """Log in and answer the consent page like a person; returns the redirect's query."""
    browser = requests.Session()
    query = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": extra.pop("redirect", CALLBACK),
             "scope": scope, **extra}
    page = browser.get(f"{server.url}/oauth/authorize?{urlencode(query)}")
    assert "Log in" in page.text
    next_url = re.search(r'name="next" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")
    consent = browser.post(f"{server.url}/auth/sign_in",
                           data={"username": user[0], "password": user[1], "next": next_url})
    assert consent.status_code == 200 and "Authorization required" in consent.text, consent.text
    approve_form, deny_form = consent.text.split("</form>")[:2]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                             approve_form if approve else deny_form))
    answer = browser.post(f"{server.url}/oauth/authorize", data=fields, allow_redirects=False)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}, location


def token(server, app, headers=None, **form):
    return requests.post(f"{server.url}/oauth/token", headers=headers, data={
        "client_id": app["client_id"], "client_secret": app["client_secret"], **form})


def user_token(server, app, scope="read", user=("alice", "alice-password")):
    verifier, challenge = pkce()
    query, _ = authorize(server, app, scope, user, state="s1", code_challenge=challenge, code_challenge_method="S256")
    response = token(server, app, grant_type="authorization_code", code=query["code"], redirect_uri=CALLBACK,
                     code_verifier=verifier)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def app_token(server, app, scope="read"):
    response = token(server, app, grant_type="client_credentials", scope=scope)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def get(server, path, tok=None, **kwargs):
    headers = {"Authorization": f"Bearer {tok}"} if tok else {}
    return requests.get(f"{server.url}{path}", headers=headers, **kwargs)


def post(server, path, tok=None, **kwargs):
    headers = {"Authorization": f"Bearer {tok}"} if tok else {}
    return requests.post(f"{server.url}{path}", headers=headers, **kwargs)


# -- discovery and registration ------------------------------------------------------------

def test_metadata_document_as_mastodon_fills_it(sandbox):
    meta = get(sandbox, "/.well-known/oauth-authorization-server").json()
    assert meta["issuer"] == sandbox.url + "/"
    assert meta["authorization_endpoint"] == sandbox.url + "/oauth/authorize"
    assert meta["revocation_endpoint"] == sandbox.url + "/oauth/revoke"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["grant_types_supported"] == ["authorization_code", "client_credentials"]
    # both ways of sending the client secret
    assert set(meta["token_endpoint_auth_methods_supported"]) == {"client_secret_post", "client_secret_basic"}
    assert meta["app_registration_endpoint"] == sandbox.url + "/api/v1/apps"
    assert len(meta["scopes_supported"]) == 47 and "profile" in meta["scopes_supported"]
    assert "registration_endpoint" not in meta


def test_register_app_with_form_and_json_and_several_redirect_uris(sandbox):
    app = register(sandbox, redirect=f"{CALLBACK} https://b.example/cb")
    assert app["redirect_uris"] == [CALLBACK, "https://b.example/cb"]
    assert app["redirect_uri"] == f"{CALLBACK}\nhttps://b.example/cb"
    assert app["client_secret_expires_at"] == 0 and app["scopes"][:4] == ["read", "write", "follow", "profile"]
    json_app = register(sandbox, redirect=[CALLBACK, "https://c.example/cb"], as_json=True)
    assert json_app["redirect_uris"] == [CALLBACK, "https://c.example/cb"]


def test_register_rejects_unknown_scopes_and_bad_redirects(sandbox):
    bad_scope = post(sandbox, "/api/v1/apps", data={"client_name": "x", "redirect_uris": CALLBACK, "scopes": "reed"})
    assert bad_scope.status_code == 422 and bad_scope.json()["error"].startswith("Validation failed")
    bad_uri = post(sandbox, "/api/v1/apps", data={"client_name": "x", "redirect_uris": "javascript:alert(1)"})
    assert bad_uri.status_code == 422
    assert bad_uri.json() == {  # Doorkeeper's wording: Mastodon forbids the scheme, and it is opaque
        "error": "Validation failed: Redirect URI is forbidden by the server., Redirect URI must specify a scheme."}
    relative = post(sandbox, "/api/v1/apps", data={"client_name": "x", "redirect_uris": "/callback"})
    assert relative.json() == {"error": DOORKEEPER_RELATIVE}


def test_instance_endpoints_are_public_with_a_version(sandbox):
    assert get(sandbox, "/api/v2/instance").json()["version"] == "4.7.0"
    assert get(sandbox, "/api/v1/instance").json()["version"] == "4.7.0"
    assert get(sandbox, "/api/v1/instance").json()["invites_enabled"] is True  # the everyone role may invite


def test_a_trailing_or_doubled_slash_routes_like_rails_without_a_redirect(sandbox):
    # Mastodon.py asks for /api/v1/instance/ and /api/v2/instance/
    for path in ("/api/v1/instance/", "/api/v2/instance/", "//api//v1/timelines/public/", "/api/v1/statuses/100001/",
                 "/.well-known/oauth-authorization-server/"):
        answer = get(sandbox, path, allow_redirects=False)
        assert answer.status_code == 200, path
    app = register(sandbox)
    assert post(sandbox, "/oauth/token/", data={"grant_type": "client_credentials", "client_id": app["client_id"],
                                                "client_secret": app["client_secret"]}).status_code == 200


def types_of(body: dict, fields: dict) -> dict:
    """The fields of `fields` whose value in `body` is missing or of another type."""
    return {k: type(body.get(k, ...)).__name__ for k, kind in fields.items() if not isinstance(body.get(k, ...), kind)}


OPTIONAL_STR = (str, type(None))
ACCOUNT = {  # REST::AccountSerializer at 4.7.0, for a local account
    "id": str, "username": str, "acct": str, "display_name": str, "locked": bool, "bot": bool, "discoverable": bool,
    "indexable": bool, "group": bool, "created_at": str, "note": str, "url": str, "uri": str, "avatar": str,
    "avatar_static": str, "avatar_description": str, "header": str, "header_static": str, "header_description": str,
    "followers_count": int, "following_count": int, "statuses_count": int, "last_status_at": OPTIONAL_STR,
    "show_featured": bool, "hide_collections": bool, "show_media_replies": bool, "show_media": bool, "emojis": list,
    "noindex": bool, "roles": list, "fields": list, "feature_approval": dict,
}


def test_accounts_carry_the_serializer_fields(sandbox):
    status = get(sandbox, "/api/v1/statuses/100001").json()
    account = status["account"]
    assert types_of(account, ACCOUNT) == {}
    assert account["indexable"] is True and re.fullmatch(r"\d{4}-\d\d-\d\d", account["last_status_at"])
    assert account["feature_approval"] == {"automatic": ["public"], "manual": [], "current_user": "denied"}
    assert account["statuses_count"] == sum(s.account.id == account["id"] for s in sandbox.store.statuses.values())
    assert types_of(status, {"quotes_count": int, "quote_approval": dict, "tagged_collections": list}) == {}
    assert "favourited" not in status  # only for a signed-in viewer


def test_the_signed_in_account_has_role_and_source(sandbox):
    me = get(sandbox, "/api/v1/accounts/verify_credentials", user_token(sandbox, register(sandbox))).json()
    assert types_of(me, {**ACCOUNT, "source": dict, "role": dict}) == {}
    assert types_of(me["source"], {
        "privacy": str, "sensitive": bool, "language": OPTIONAL_STR, "note": str, "fields": list,
        "follow_requests_count": int, "hide_collections": bool, "discoverable": bool, "indexable": bool,
        "attribution_domains": list, "quote_policy": str}) == {}
    assert me["source"]["note"] == "Alice Example's profile"  # plain text, where `note` is HTML
    assert me["role"] == {"id": "-99", "name": "", "permissions": "65536", "color": "", "highlighted": False,
                          "collection_limit": 10}
    assert me["feature_approval"]["current_user"] == "automatic"


def test_instance_configuration_as_typed_clients_read_it(sandbox, legacy):
    v2 = get(sandbox, "/api/v2/instance").json()
    config = v2["configuration"]
    assert types_of(config, {"urls": dict, "vapid": dict, "accounts": dict, "statuses": dict,
                             "media_attachments": dict, "polls": dict, "translation": dict,
                             "timelines_access": dict, "limited_federation": bool}) == {}
    assert config["statuses"] == {"characters_reserved_per_url": 23, "max_characters": 500, "max_media_attachments": 4}
    assert types_of(config["urls"], {"streaming": str, "status": OPTIONAL_STR, "about": str, "privacy_policy": str,
                                     "terms_of_service": OPTIONAL_STR}) == {}
    assert isinstance(config["vapid"]["public_key"], str) and config["translation"] == {"enabled": False}
    assert config["accounts"]["max_featured_tags"] == 10 and config["accounts"]["max_pinned_statuses"] == 5
    assert types_of(config["media_attachments"], {
        "description_limit": int, "image_matrix_limit": int, "image_size_limit": int, "supported_mime_types": list,
        "video_frame_rate_limit": int, "video_matrix_limit": int, "video_size_limit": int}) == {}
    assert config["polls"] == {"min_expiration": 300, "max_expiration": 2629746, "max_options": 4,
                               "max_characters_per_option": 50}
    assert v2["api_versions"] == {"mastodon": 11}  # 4.7.0's level
    assert types_of(v2, {"icon": list, "thumbnail": dict, "registrations": dict, "usage": dict, "contact": dict}) == {}
    v1 = get(sandbox, "/api/v1/instance").json()
    assert set(v1["configuration"]) == {"accounts", "statuses", "media_attachments", "polls"}
    assert v1["configuration"]["statuses"]["max_characters"] == 500 and isinstance(v1["thumbnail"], str)
    old = get(legacy, "/api/v2/instance").json()  # 4.2 knew none of the 4.3 additions
    assert "api_versions" not in old and "vapid" not in old["configuration"] and "icon" not in old
    assert old["configuration"]["statuses"]["max_characters"] == 500


# -- tokens -------------------------------------------------------------------------------

def test_app_token_and_verify_credentials(sandbox):
    app = register(sandbox)
    response = token(sandbox, app, grant_type="client_credentials", scope="read")
    body = response.json()
    assert set(body) == {"access_token", "token_type", "scope", "created_at"}  # never expires, no refresh
    assert body["token_type"] == "Bearer" and body["scope"] == "read"
    verified = get(sandbox, "/api/v1/apps/verify_credentials", body["access_token"])
    assert verified.status_code == 200 and verified.json()["name"] == "Test client"
    assert "client_secret" not in verified.json()


def test_oauth_answers_under_another_host_name(sandbox):
    # e.g. a hosts-file alias for 127.0.0.1: Authlib alone would refuse plain http there with a 500
    app = register(sandbox)
    answer = token(sandbox, app, grant_type="client_credentials", headers={"Host": "sandbox.test"})
    assert answer.status_code == 200, answer.text


def test_token_reuse_for_same_app_user_and_scopes(sandbox):
    app = register(sandbox)
    assert app_token(sandbox, app) == app_token(sandbox, app)
    assert app_token(sandbox, app, "write") != app_token(sandbox, app)


def test_client_credentials_with_scope_outside_the_app(sandbox):
    app = register(sandbox, scopes="read")
    response = token(sandbox, app, grant_type="client_credentials", scope="write")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_user_token_with_pkce_and_state(sandbox):
    app = register(sandbox)
    verifier, challenge = pkce()
    query, _ = authorize(sandbox, app, "read profile", state="xyz", code_challenge=challenge,
                         code_challenge_method="S256")
    assert query["state"] == "xyz"
    response = token(sandbox, app, grant_type="authorization_code", code=query["code"], redirect_uri=CALLBACK,
                     code_verifier=verifier)
    assert response.status_code == 200 and response.json()["scope"] == "read profile"
    me = get(sandbox, "/api/v1/accounts/verify_credentials", response.json()["access_token"])
    assert me.json()["username"] == "alice" and "source" in me.json()


def test_pkce_verifier_mismatch_is_refused(sandbox):
    app = register(sandbox)
    _, challenge = pkce()
    query, _ = authorize(sandbox, app, code_challenge=challenge, code_challenge_method="S256")
    response = token(sandbox, app, grant_type="authorization_code", code=query["code"], redirect_uri=CALLBACK,
                     code_verifier=pkce()[0])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_pkce_needs_s256_named(sandbox):
    app = register(sandbox)
    browser = requests.Session()
    browser.post(f"{sandbox.url}/auth/sign_in", data={"username": "alice", "password": "alice-password",
                                                       "next": "/oauth/authorize"})
    for method in (None, "plain"):
        query = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": CALLBACK,
                 "code_challenge": pkce()[1], **({"code_challenge_method": method} if method else {})}
        page = browser.get(f"{sandbox.url}/oauth/authorize?{urlencode(query)}", allow_redirects=False)
        assert page.status_code == 400 and "invalid_request" in page.text  # Doorkeeper's error page


def test_code_cannot_be_reused(sandbox):
    app = register(sandbox)
    query, _ = authorize(sandbox, app)
    first = token(sandbox, app, grant_type="authorization_code", code=query["code"], redirect_uri=CALLBACK)
    again = token(sandbox, app, grant_type="authorization_code", code=query["code"], redirect_uri=CALLBACK)
    assert first.status_code == 200 and again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_expired_code_is_refused():
    with Sandbox(code_lifetime=0.2) as short:
        app = register(short)
        query, _ = authorize(short, app)
        time.sleep(0.4)
        response = token(short, app, grant_type="authorization_code", code=query["code"], redirect_uri=CALLBACK)
        assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_deny_redirects_with_access_denied_and_state(sandbox):
    app = register(sandbox)
    query, _ = authorize(sandbox, app, approve=False, state="abc")
    assert query["error"] == "access_denied" and query["state"] == "abc"


def test_authorize_scope_must_be_within_the_app(sandbox):
    app = register(sandbox, scopes="read")
    browser = requests.Session()
    browser.post(f"{sandbox.url}/auth/sign_in", data={"username": "alice", "password": "alice-password",
                                                       "next": "/oauth/authorize"})
    query = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": CALLBACK, "scope": "write"}
    page = browser.get(f"{sandbox.url}/oauth/authorize?{urlencode(query)}", allow_redirects=False)
    # Mastodon leaves Doorkeeper's handle_auth_errors at :render: a GET with an error is never
    # redirected back to the app but shows the error page, 400 (401 for an unknown client).
    assert page.status_code == 400 and "Location" not in page.headers and "invalid_scope" in page.text
    unknown = browser.get(f"{sandbox.url}/oauth/authorize?{urlencode({**query, 'client_id': 'nope'})}",
                          allow_redirects=False)
    assert unknown.status_code == 401 and "invalid_client" in unknown.text
    odd = browser.get(f"{sandbox.url}/oauth/authorize?{urlencode({**query, 'redirect_uri': 'Ò'})}",
                      allow_redirects=False)  # was a 500: Authlib will not quote it in an error
    assert odd.status_code == 400 and "invalid_redirect_uri" in odd.text


def test_force_login_shows_the_login_page_for_a_second_account(sandbox):
    app = register(sandbox)
    query, _ = authorize(sandbox, app, user=("bob", "bob-password"), force_login="true")
    tok = token(sandbox, app, grant_type="authorization_code", code=query["code"], redirect_uri=CALLBACK).json()
    assert get(sandbox, "/api/v1/accounts/verify_credentials", tok["access_token"]).json()["username"] == "bob"


def test_out_of_band_shows_the_code(sandbox):
    app = register(sandbox, redirect="urn:ietf:wg:oauth:2.0:oob")
    _, location = authorize(sandbox, app, redirect="urn:ietf:wg:oauth:2.0:oob")
    assert location.startswith("/oauth/authorize/native?code=")
    page = requests.get(sandbox.url + location)
    code = re.search(r'class="oauth-code" readonly value="([^"]+)"', page.text).group(1)
    assert token(sandbox, app, grant_type="authorization_code", code=code,
                 redirect_uri="urn:ietf:wg:oauth:2.0:oob").status_code == 200


def test_revoke_needs_client_auth_and_kills_the_token(sandbox):
    app, other = register(sandbox), register(sandbox)
    tok = user_token(sandbox, app)
    assert post(sandbox, "/oauth/revoke", data={"token": tok}).status_code == 403
    foreign = post(sandbox, "/oauth/revoke", data={"token": tok, "client_id": other["client_id"],
                                                   "client_secret": other["client_secret"]})
    assert foreign.status_code == 403 and foreign.json()["error"] == "unauthorized_client"
    unknown = post(sandbox, "/oauth/revoke", data={"token": "nope", "client_id": app["client_id"],
                                                   "client_secret": app["client_secret"]})
    assert unknown.status_code == 200 and unknown.json() == {}
    done = post(sandbox, "/oauth/revoke", data={"token": tok, "client_id": app["client_id"],
                                                "client_secret": app["client_secret"]})
    assert done.status_code == 200 and done.json() == {}
    after = get(sandbox, "/api/v1/timelines/home", tok)
    assert after.status_code == 401 and after.json() == {"error": "The access token was revoked"}
    assert 'error="invalid_token"' in after.headers["WWW-Authenticate"]


def test_token_and_revoke_take_a_json_body_as_rails_parses_it(sandbox):
    app = register(sandbox)
    credentials = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    issued = post(sandbox, "/oauth/token", json={"grant_type": "client_credentials", "scope": "read", **credentials})
    assert issued.status_code == 200 and issued.json()["scope"] == "read"
    tok = issued.json()["access_token"]
    assert post(sandbox, "/oauth/revoke", json={"token": tok}).status_code == 403  # no client authentication
    assert post(sandbox, "/oauth/revoke", json={"token": tok, **credentials}).json() == {}
    assert get(sandbox, "/api/v1/apps/verify_credentials", tok).status_code == 401
    # A value that is not a string is no grant name.
    odd = post(sandbox, "/oauth/token", json={"grant_type": ["client_credentials"], **credentials})
    assert odd.status_code == 400 and odd.json()["error"] == "unsupported_grant_type"


def test_userinfo_needs_profile_only(sandbox):
    app = register(sandbox)
    profile = user_token(sandbox, app, "profile")
    info = get(sandbox, "/oauth/userinfo", profile).json()
    assert info["preferred_username"] == "alice" and info["sub"] == f"{sandbox.url}/users/alice"
    read = user_token(sandbox, app, "read")
    refused = get(sandbox, "/oauth/userinfo", read)
    assert refused.status_code == 403 and refused.json() == {"error": "This action is outside the authorized scopes"}


# -- API and its errors -------------------------------------------------------------------

def test_read_reads_the_home_timeline_with_pagination(sandbox):
    tok = user_token(sandbox, register(sandbox), "read")
    first = get(sandbox, "/api/v1/timelines/home", tok, params={"limit": 5})
    assert first.status_code == 200 and len(first.json()) == 5
    assert first.links["next"]["url"].endswith(f"max_id={first.json()[-1]['id']}")
    second = requests.get(first.links["next"]["url"], headers={"Authorization": f"Bearer {tok}"})
    assert int(second.json()[0]["id"]) < int(first.json()[-1]["id"])
    assert first.headers["X-RateLimit-Limit"] == "300"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", first.headers["X-RateLimit-Reset"])
    # Rack::Attack's windows are aligned on the period: the reset is a whole multiple of 5 minutes.
    minute, second = first.headers["X-RateLimit-Reset"][14:16], first.headers["X-RateLimit-Reset"][17:]
    assert int(minute) % 5 == 0 and second == "00.000000Z"


def test_link_repeats_only_the_parameters_sent_and_the_filters(sandbox):
    tok = user_token(sandbox, register(sandbox), "read")
    plain = get(sandbox, "/api/v1/timelines/public", tok)
    assert len(plain.json()) == 20  # DEFAULT_STATUSES_LIMIT
    assert plain.links["next"]["url"] == f"{sandbox.url}/api/v1/timelines/public?max_id={plain.json()[-1]['id']}"
    assert plain.links["prev"]["url"] == f"{sandbox.url}/api/v1/timelines/public?min_id={plain.json()[0]['id']}"
    local = get(sandbox, "/api/v1/timelines/public", tok, params={"local": "true", "limit": 3, "foo": "bar"})
    assert local.links["next"]["url"].endswith(f"?local=true&limit=3&max_id={local.json()[-1]['id']}")
    empty = get(sandbox, "/api/v1/timelines/public", tok, params={"max_id": "1"})
    assert empty.json() == [] and "Link" not in empty.headers


def test_notifications_pages_of_40_at_most_80_with_their_filters_in_link(sandbox):
    tok = user_token(sandbox, register(sandbox), "read")
    for n in range(45):  # alice's notifications are her public statuses' favourites
        sandbox.store.add_status(sandbox.store.users["alice"].account, f"<p>More {n}</p>")
    default = get(sandbox, "/api/v1/notifications", tok)
    assert len(default.json()) == 40  # DEFAULT_NOTIFICATIONS_LIMIT
    first = default.json()[0]  # someone else's favourite, grouped by status and hour as Mastodon groups them
    assert first["account"]["username"] != "alice" and first["status"]["account"]["username"] == "alice"
    assert re.fullmatch(rf"favourite-{first['status']['id']}-\d+", first["group_key"])
    assert len(get(sandbox, "/api/v1/notifications", tok, params={"limit": 500}).json()) == 55  # all there are
    assert len(get(sandbox, "/api/v1/notifications", tok, params={"limit": 50}).json()) == 50
    typed = get(sandbox, "/api/v1/notifications", tok, params={"types[]": ["favourite", "mention"], "limit": 2})
    assert typed.links["next"]["url"].endswith(
        f"?limit=2&types%5B%5D=favourite&types%5B%5D=mention&max_id={typed.json()[-1]['id']}")


def test_profile_only_token_is_refused_on_the_home_timeline(sandbox):
    tok = user_token(sandbox, register(sandbox), "profile")
    refused = get(sandbox, "/api/v1/timelines/home", tok)
    assert refused.status_code == 403
    assert refused.json() == {"error": "This action is outside the authorized scopes"}
    assert refused.headers["WWW-Authenticate"] == (
        'Bearer realm="Doorkeeper", error="insufficient_scope", '
        'error_description="This action is outside the authorized scopes"')


def test_app_token_on_a_user_only_endpoint_gets_422(sandbox):
    tok = app_token(sandbox, register(sandbox))
    refused = get(sandbox, "/api/v1/timelines/home", tok)
    assert refused.status_code == 422 and refused.json() == {"error": "This method requires an authenticated user"}


def test_missing_token_is_401(sandbox):
    refused = get(sandbox, "/api/v1/notifications")
    assert refused.status_code == 401 and refused.json() == {"error": "The access token is invalid"}


def test_scope_hierarchy_follow_grants_write_blocks(sandbox):
    app = register(sandbox)
    follow = user_token(sandbox, app, "follow")
    relationship = post(sandbox, "/api/v1/accounts/3/block", follow).json()
    assert relationship["blocking"] is True and relationship["muting_expires_at"] is None  # 4.6 and later
    granular = user_token(sandbox, app, "read:statuses")
    assert get(sandbox, "/api/v1/timelines/home", granular).status_code == 200
    assert post(sandbox, "/api/v1/accounts/3/block", granular).status_code == 403


def test_post_status_needs_text(sandbox):
    tok = user_token(sandbox, register(sandbox), "write:statuses")
    blank = post(sandbox, "/api/v1/statuses", tok, data={"status": ""})
    assert blank.status_code == 422 and blank.json() == {"error": "Validation failed: Text can't be blank"}
    made = post(sandbox, "/api/v1/statuses", tok, json={"status": "<b>hi</b>", "visibility": "private"})
    assert made.status_code == 200 and made.json()["content"] == "<p>&lt;b&gt;hi&lt;/b&gt;</p>"
    # The app it was posted with (show_application defaults to true), and pinnable as the author's.
    assert made.json()["application"] == {"name": "Test client", "website": "https://a.example"}
    assert made.json()["pinned"] is False
    assert get(sandbox, "/api/v1/statuses/100001").json()["application"] is None  # seeded: no app


def test_status_length_is_limited_like_mastodon(sandbox):
    tok = user_token(sandbox, register(sandbox), "write:statuses")
    assert post(sandbox, "/api/v1/statuses", tok, data={"status": "é" * 500}).status_code == 200
    too_long = post(sandbox, "/api/v1/statuses", tok, data={"status": "x" * 490, "spoiler_text": "y" * 11})
    assert too_long.status_code == 422
    assert too_long.json() == {"error": "Validation failed: Text character limit of 500 exceeded"}
    url = "https://example.com/" + "a" * 600  # a URL counts as 23 characters
    assert post(sandbox, "/api/v1/statuses", tok, data={"status": f"see {url}"}).status_code == 200


def raw_post(server, path, headers, body=b""):
    """A request whose headers need not match its body, which `requests` will not send."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("POST", path)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    answer = connection.getresponse()
    return answer.status, json.loads(answer.read())


def test_request_size_limits_answer_json(sandbox):
    # nginx's client_max_body_size 99m: refused from the Content-Length alone, before the body is read
    assert raw_post(sandbox, "/api/v1/statuses", {"Content-Type": "application/json",
                                                  "Content-Length": str(99 * 2**20 + 1)}, b"{}") == (
        413, {"error": "Content Too Large"})
    # Rack's query parser: a form body over 4 MiB
    form = post(sandbox, "/api/v1/apps", data={"client_name": "x" * (4 * 2**20)})
    assert form.status_code == 400 and form.json() == {"error": "Bad Request"}
    # Rails parses JSON to a depth of 100, and not invalid JSON
    def send_json(text):
        return requests.post(f"{sandbox.url}/api/v1/apps", data=text, headers={"Content-Type": "application/json"})

    for body in ("[" * 101 + "]" * 101, '{"client_name": '):
        refused = send_json(body)
        assert refused.status_code == 400 and refused.json() == {"error": "Bad Request"}
    assert send_json("[" * 100 + "]" * 100).status_code == 422


def test_wrong_verb_is_a_json_404(sandbox):
    assert get(sandbox, "/api/v1/apps").json() == {"error": "Record not found"}
    assert get(sandbox, "/oauth/token").json() == {"error": "Not Found"}


def test_only_loopback_addresses():
    with pytest.raises(ValueError, match="loopback"):
        Sandbox("0.0.0.0")
    cli = subprocess.run([sys.executable, "-m", "sandbox", "--host", "192.0.2.1"], capture_output=True, text=True,
                         cwd=Path(__file__).parent, timeout=60)
    assert cli.returncode == 2 and "argument --host: '192.0.2.1' is not a loopback address" in cli.stderr


def test_private_status_needs_the_author(sandbox):
    private = next(s for s in sandbox.store.statuses.values() if s.visibility == "private")
    assert get(sandbox, f"/api/v1/statuses/{private.id}").status_code == 404
    tok = user_token(sandbox, register(sandbox), "read:statuses")
    assert get(sandbox, f"/api/v1/statuses/{private.id}", tok).json()["visibility"] == "private"
    assert get(sandbox, "/api/v1/timelines/public").status_code == 200


def test_sign_up_needs_an_app_token(sandbox):
    app = register(sandbox, scopes="read write")
    form = {"username": "dave", "email": "dave@sandbox.test", "password": "long-enough", "agreement": "true"}
    user = user_token(sandbox, app, "write")
    refused = post(sandbox, "/api/v1/accounts", user, data=form)
    assert refused.status_code == 403
    assert refused.json() == {"error": "This method requires an client credentials authentication"}
    created = post(sandbox, "/api/v1/accounts", app_token(sandbox, app, "write"), data=form)
    assert created.status_code == 200 and created.json()["token_type"] == "Bearer"
    invalid = post(sandbox, "/api/v1/accounts", app_token(sandbox, app, "write"), data={**form, "agreement": "false"})
    assert invalid.status_code == 422 and invalid.json()["details"]["username"][0]["error"] == "ERR_TAKEN"


def test_notifications_need_read_notifications(sandbox):
    app = register(sandbox)
    assert get(sandbox, "/api/v1/notifications", user_token(sandbox, app, "read")).status_code == 200
    assert get(sandbox, "/api/v1/notifications", user_token(sandbox, app, "write")).status_code == 403


def test_rate_limit_answers_429():
    with Sandbox(rate_limit=2) as tight:
        codes = [get(tight, "/api/v1/timelines/public").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        last = get(tight, "/api/v1/timelines/public")
        assert last.json() == {"error": "Too many requests"} and last.headers["X-RateLimit-Remaining"] == "0"


# -- CORS ---------------------------------------------------------------------------------

def preflight(server, path, method):
    return requests.options(f"{server.url}{path}", headers={
        "Origin": "http://127.0.0.1:8000", "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type"})


def test_cors_preflight_and_exposed_headers(sandbox):
    answer = preflight(sandbox, "/api/v1/statuses", "POST")
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.headers["Access-Control-Allow-Headers"] == "authorization, content-type"
    assert "Access-Control-Allow-Credentials" not in answer.headers
    actual = requests.get(f"{sandbox.url}/api/v1/timelines/public", headers={"Origin": "http://127.0.0.1:8000"})
    assert actual.headers["Access-Control-Allow-Origin"] == "*"
    assert "Link" in actual.headers["Access-Control-Expose-Headers"]
    assert "X-RateLimit-Remaining" in actual.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("path, method, allowed", [
    ("/oauth/token", "POST", True), ("/oauth/revoke", "POST", True), ("/oauth/userinfo", "GET", True),
    ("/.well-known/oauth-authorization-server", "GET", True), ("/oauth/authorize", "GET", False),
    ("/oauth/token", "GET", False), ("/auth/sign_in", "POST", False),
])
def test_cors_only_where_mastodon_sends_it(sandbox, path, method, allowed):
    answer = preflight(sandbox, path, method)
    assert ("Access-Control-Allow-Origin" in answer.headers) is allowed


# -- older or non-Mastodon servers --------------------------------------------------------

def test_legacy_mode_has_no_metadata_and_no_cors_on_revoke(legacy):
    assert get(legacy, "/.well-known/oauth-authorization-server").status_code == 404
    assert "Access-Control-Allow-Origin" not in preflight(legacy, "/oauth/revoke", "POST").headers
    assert preflight(legacy, "/oauth/token", "POST").headers["Access-Control-Allow-Origin"] == "*"
    assert get(legacy, "/api/v2/instance").json()["version"] == "4.2.10"
    assert get(legacy, "/oauth/userinfo").status_code == 404  # added in 4.4


def test_legacy_mode_registration_and_ignored_pkce(legacy):
    app = register(legacy, scopes="read write")
    assert "redirect_uris" not in app and app["redirect_uri"] == CALLBACK
    refused = post(legacy, "/api/v1/apps", json={"client_name": "x", "redirect_uris": [CALLBACK]})
    assert refused.status_code == 422
    _, challenge = pkce()
    query, _ = authorize(legacy, app, code_challenge=challenge, code_challenge_method="S256")
    assert query["state"] == "None"  # echoed literally when omitted, as some servers do
    ignored = token(legacy, app, grant_type="authorization_code", code=query["code"], redirect_uri=CALLBACK,
                    code_verifier="not-the-verifier")
    assert ignored.status_code == 200
    # What came after 4.2 is not sent: the relationship has no muting_expires_at (4.6).
    blocked = post(legacy, "/api/v1/accounts/3/block", user_token(legacy, app, "write"))
    assert blocked.status_code == 200 and "muting_expires_at" not in blocked.json()


def test_placeholder_app_token_mode():
    with Sandbox(placeholder_app_token=True) as odd:
        tok = app_token(odd, register(odd))
        assert tok == "placeholder-app-token"
        assert get(odd, "/api/v1/apps/verify_credentials", tok).status_code == 401


# -- a server that speaks the API without being Mastodon (other=True) ----------------------------

@pytest.fixture(scope="module")
def other():
    with Sandbox(other=True) as server:
        yield server


def test_other_server_answers_as_such_servers_do(other):
    """What MASTODON_FACTS.md lists under "Other servers", for the explorer's tests to meet."""
    assert requests.get(f"{other.url}/.well-known/oauth-authorization-server").status_code == 404
    app = register(other, scopes="read write")
    placeholder = app_token(other, app)
    assert get(other, "/api/v1/apps/verify_credentials", placeholder).status_code in (400, 401)
    user = user_token(other, app, scope="read")
    # Its own error names: a scope it lacks, and an app token where a user is needed.
    lacking = post(other, "/api/v1/statuses", user, data={"status": "hi"})
    assert (lacking.status_code, lacking.json()) == (403, {"error": "out_of_scope_for_token"})
    needs_user = get(other, "/api/v1/timelines/home", placeholder)
    assert needs_user.status_code in (400, 401)
    # A dead token: 400 in plain text, not Mastodon's 401 JSON.
    requests.post(f"{other.url}/oauth/revoke", data={"client_id": app["client_id"],
                                                     "client_secret": app["client_secret"], "token": user})
    dead = get(other, "/api/v1/accounts/verify_credentials", user)
    assert (dead.status_code, dead.headers["Content-Type"].split(";")[0], dead.text) == \
        (400, "text/plain", "Invalid Bearer token")
    # An id it cannot parse: its framework's HTML 500 page, with a script in it.
    crash = get(other, "/api/v1/statuses/not-a-number")
    assert crash.status_code == 500 and crash.headers["Content-Type"].startswith("text/html")
    assert "<script>" in crash.text


def test_other_server_ignores_force_login(other):
    """A logged-in session goes straight to consent, force_login or not."""
    app = register(other, scopes="read")
    browser = requests.Session()
    query = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": CALLBACK, "scope": "read"}
    page = browser.get(f"{other.url}/oauth/authorize?{urlencode(query)}")
    next_url = re.search(r'name="next" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")
    browser.post(f"{other.url}/auth/sign_in", data={"username": "alice", "password": "alice-password", "next": next_url})
    again = browser.get(f"{other.url}/oauth/authorize?{urlencode({**query, 'force_login': 'true'})}")
    assert "Authorization required" in again.text and "Log in" not in again.text
