"""The explorer against a hostile instance: it stays usable, says what happened, runs nothing
that came from the instance, and lets nothing the instance issued reach another origin."""

import json
from urllib.parse import urlsplit

import pytest

from hostile import Hostile, Other, Relay
from test_explorer_browser import Reader, chromium, site  # noqa: F401 - shared fixtures


@pytest.fixture(scope="module")
def hostile():
    server = Hostile()
    yield server
    server.stop()


@pytest.fixture
def reader(chromium, site, hostile):  # noqa: F811
    person = Reader(chromium, site, hostile)
    person.instance.url = hostile.url
    person.open()
    assert "Connected to Hostile" in person.connect()
    person.choose("instance/peers")  # any public GET: the hostile server answers every path alike
    yield person
    assert person.page.evaluate("window.__pwned") is None, "a script from the instance ran"
    assert person.page.query_selector("#mc-explorer img, #mc-explorer script") is None
    assert person.errors == []
    assert person.foreign_requests() == []
    person.context.close()


def still_usable(reader):
    """The console still works: searching filters the endpoint list."""
    reader.page.fill("#mc-x-search", "verify_credentials")
    assert reader.page.evaluate(
        "[...document.querySelectorAll('#mc-x-endpoints option')].filter(o => !o.hidden).length") >= 2


def test_payloads_in_every_field_are_text(reader, hostile):
    hostile.mode = "scripts"
    assert reader.text('#mc-x-instance-info [data-field="title"]').startswith("Hostile<img src=x onerror=")
    assert reader.send().startswith("200 ·")
    assert "window.__pwned=2</script>" in reader.text("#mc-x-body")
    assert "onerror" in reader.text("#mc-x-rate")
    still_usable(reader)


def test_slow_answer_leaves_the_page_usable(reader, hostile):
    hostile.mode = "slow"
    reader.page.click("#mc-x-send")
    reader.wait_text("#mc-x-status-line", "…")
    still_usable(reader)
    assert reader.wait_text("#mc-x-status-line", r"^200 ·", timeout=15000)


def test_server_error_with_html_is_explained(reader, hostile):
    hostile.mode = "error"
    assert reader.send().startswith("500 ·")
    assert "The instance failed with 500" in reader.text("#mc-x-explanation")
    assert "<script>window.__pwned=3</script>" in reader.text("#mc-x-body")
    still_usable(reader)


def test_html_instead_of_json_is_shown_as_text(reader, hostile):
    hostile.mode = "html"
    assert reader.send().startswith("200 ·")
    assert reader.text("#mc-x-body").startswith("<html><body><img src=x")


def test_huge_body_is_cut_and_the_page_stays_usable(reader, hostile):
    hostile.mode = "huge"
    assert reader.send().startswith("200 ·")
    assert "more characters not shown" in reader.text("#mc-x-body")
    still_usable(reader)


def test_missing_cors_headers_are_explained(reader, hostile):
    hostile.mode = "nocors"
    status = reader.send()
    assert "did not complete" in status and "CORS" in status
    still_usable(reader)


def test_malformed_and_foreign_link_headers_offer_no_page_buttons(reader, hostile):
    hostile.mode = "badlinks"
    assert reader.send().startswith("200 ·")
    assert reader.page.is_hidden("#mc-x-next") and reader.page.is_hidden("#mc-x-prev")


# -- redirects and path tricks: nothing reaches another origin ------------------------------
# Relay is the sandbox (real login, real codes and PKCE) with one twist per test; Other, on
# another port, records whatever reaches it. It must receive nothing at all.

@pytest.fixture(scope="module")
def other():
    server = Other()
    yield server
    server.stop()


@pytest.fixture
def relay(request, other):
    server = Relay(other, legacy=getattr(request, "param", "mastodon") == "legacy")
    other.received.clear()
    yield server
    server.stop()


@pytest.fixture
def guest(chromium, site, relay):  # noqa: F811
    person = Reader(chromium, site, relay)
    person.open()
    yield person
    person.page.evaluate("1")  # let the last request events arrive
    assert person.errors == []
    assert person.foreign_requests() == []
    assert person.tokens_sent_elsewhere() == []
    person.context.close()


def nothing_reached(other, relay):
    received = json.dumps(other.received)
    assert [s for s in relay.secrets() if s in received] == [], "secrets the instance issued reached another origin"
    assert other.received == [], "the other origin received requests"


def says_redirect(text):
    assert "with a redirect" in text and "does not follow redirects" in text and "nothing was sent further" in text, text


STATUSES = [302, 307, 308]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("path", ["/.well-known/oauth-authorization-server", "/api/v2/instance"])
def test_redirected_discovery_is_named_and_not_followed(guest, relay, other, path, status):
    relay.redirect = ("GET", path, status)
    says_redirect(guest.connect())
    assert path in guest.text("#mc-x-instance-status")
    assert guest.page.is_hidden("#mc-x-app")
    relay.redirect = None
    assert "Connected to Mastodon Sandbox" in guest.connect()
    nothing_reached(other, relay)


@pytest.mark.parametrize("status", STATUSES)
def test_redirected_app_registration_sends_nothing_further(guest, relay, other, status):
    guest.connect()
    relay.redirect = ("POST", "/api/v1/apps", status)
    says_redirect(guest.register())
    assert guest.page.is_hidden("#mc-x-forget")
    relay.redirect = None
    assert "registered" in guest.register()
    nothing_reached(other, relay)


@pytest.mark.parametrize("status", STATUSES)
def test_redirected_client_credentials_keep_the_secret_home(guest, relay, other, status):
    guest.connect()
    guest.register()
    relay.redirect = ("POST", "/oauth/token", status)
    says_redirect(guest.app_token())
    assert guest.text("#mc-x-app-token-status") == "No app token."
    relay.redirect = None
    assert "App token works" in guest.app_token()
    nothing_reached(other, relay)


@pytest.mark.parametrize("status", STATUSES)
def test_redirected_code_exchange_keeps_code_and_verifier_home(guest, relay, other, status):
    guest.connect()
    guest.register()
    relay.redirect = ("POST", "/oauth/token", status)
    says_redirect(guest.log_in())
    assert guest.text("#mc-x-user-status") == "No user token."
    sent = relay.seen[-1]
    assert sent["grant_type"] == "authorization_code" and sent["code"] and len(sent["code_verifier"]) == 43
    relay.redirect = None
    assert guest.log_in().startswith("Logged in as @alice.")
    nothing_reached(other, relay)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("relay, cors", [("mastodon", None), ("legacy", True)], indirect=["relay"],
                         ids=["mastodon", "legacy-with-cors-on-the-redirect"])
def test_redirected_revoke_is_not_reported_as_revoked(guest, relay, other, status, cors):
    guest.connect()
    guest.register()
    guest.log_in()
    relay.redirect = ("POST", "/oauth/revoke", status, *([cors] if cors is not None else []))
    guest.page.click("#mc-x-revoke-user")
    message = guest.wait_text("#mc-x-token-status", "redirect|revoked|dead|blind")
    says_redirect(message)
    assert "The user token is kept" in message
    assert guest.page.is_visible("#mc-x-revoke-user")
    relay.redirect = None
    guest.page.click("#mc-x-revoke-user")
    assert guest.wait_text("#mc-x-token-status", "revoked|dead|blind|redirect").startswith(
        ("The user token was revoked.", "This server sends no CORS headers"))
    nothing_reached(other, relay)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("relay", ["legacy"], indirect=True)
def test_redirected_revoke_without_cors_is_checked_not_retried(guest, relay, other, status):
    """Before Mastodon 4.3 /oauth/revoke has no CORS headers, and neither has its redirect here:
    the page cannot tell the redirect from any other hidden answer. It must not retry blind
    (a no-cors retry follows redirects, token and secret included); it asks the instance."""
    guest.connect()
    guest.register()
    guest.log_in()
    relay.redirect = ("POST", "/oauth/revoke", status)
    guest.page.click("#mc-x-revoke-user")
    message = guest.wait_text("#mc-x-token-status", "redirect|revoked|dead|blind")
    assert "the token still works (status 200): the server did not revoke it" in message
    assert len([f for f in relay.seen if f.get("token")]) == 1  # one POST, no retry
    assert guest.page.is_visible("#mc-x-revoke-user")  # the token still works, so it is kept
    nothing_reached(other, relay)


@pytest.mark.parametrize("status", STATUSES)
def test_redirected_api_get_is_shown_as_a_redirect(guest, relay, other, status):
    guest.connect()
    guest.register()
    guest.app_token()
    guest.choose("apps/verify_credentials")
    relay.redirect = ("GET", "/api/v1/apps/verify_credentials", status)
    says_redirect(guest.send())
    assert guest.text("#mc-x-body") == ""
    relay.redirect = None
    assert guest.send().startswith("200 ·")
    nothing_reached(other, relay)


@pytest.mark.parametrize("status", STATUSES)
def test_redirected_api_post_body_goes_nowhere_else(guest, relay, other, status):
    guest.connect()
    guest.register()
    guest.log_in()
    guest.choose("statuses/create")
    guest.page.fill('[name="status"]', "A thought for the instance only")
    relay.redirect = ("POST", "/api/v1/statuses", status)
    says_redirect(guest.send())
    assert "an answer from the other origin" not in guest.text("#mc-x-response")
    relay.redirect = None
    assert guest.send().startswith("200 ·")
    assert "A thought for the instance only" in guest.text("#mc-x-body")
    nothing_reached(other, relay)


def host(url):
    return urlsplit(url).netloc


FIELDS = {"authorization_endpoint": "/oauth/authorize", "token_endpoint": "/oauth/token",
          "revocation_endpoint": "/oauth/revoke", "app_registration_endpoint": "/api/v1/apps"}
# (instance URL, other URL, the field's usual path) -> what the metadata document says.
TRICKS = {
    "double slash on the instance": lambda i, o, p: f"{i}//{host(o)}{p}",
    "protocol-relative": lambda i, o, p: f"//{host(o)}{p}",
    "backslash": lambda i, o, p: f"/\\{host(o)}{p}",
    "scheme, no slashes": lambda i, o, p: f"http:{host(o)}{p}",
    "scheme, backslashes": lambda i, o, p: f"http:\\\\{host(o)}{p}",
    "tab in the slashes": lambda i, o, p: f"/\t/{host(o)}{p}",
    "other port": lambda i, o, p: o + p,
    "javascript:": lambda i, o, p: f"javascript:fetch('{o}{p}')//",
    "userinfo": lambda i, o, p: f"{i}@{host(o)}{p}",
    "very long": lambda i, o, p: f"{i}{p}?{'a' * 100000}",
    "an object": lambda i, o, p: {"href": o + p},
    "a list": lambda i, o, p: [o + p],
    "a number": lambda i, o, p: 443,
}


@pytest.mark.parametrize("trick", TRICKS)
@pytest.mark.parametrize("field", FIELDS)
def test_metadata_path_tricks_never_lead_elsewhere(guest, relay, other, field, trick):
    """Each field gets the trick in turn; the flows that use it run as far as they can. The
    endpoint is either refused (the fixed path is used) or a path on the instance itself."""
    relay.metadata = {field: TRICKS[trick](relay.url, other.url, FIELDS[field])}
    assert "Connected to Mastodon Sandbox" in guest.connect()
    if "registered" not in guest.register():
        assert field == "app_registration_endpoint"
    elif field == "authorization_endpoint" or field == "token_endpoint":
        guest.page.click("#mc-x-login")
        # Wait for the page to leave the site: a same-document navigation (Material keeps the
        # scroll position with history.replaceState) would satisfy expect_navigation too early.
        guest.page.wait_for_url(lambda url: not url.startswith(guest.site.url))
        assert urlsplit(guest.page.url).netloc == host(relay.url)
        if guest.page.query_selector("input[name=username]"):
            guest.sign_in()
    elif field == "revocation_endpoint":
        assert "App token works" in guest.app_token()
        guest.page.click("#mc-x-revoke-app")
        guest.wait_text("#mc-x-token-status", "revoked|dead|blind|failed|redirect")
    nothing_reached(other, relay)


@pytest.mark.parametrize("value", ["", 42, None, "x" * 5000, "two words", "line\nbreak", "tökén", "nul\u0000"])
def test_unusable_access_tokens_are_refused_in_words(guest, relay, value):
    guest.connect()
    guest.register()
    relay.access_token = value
    message = guest.app_token()
    assert "The instance answered with no usable access token" in message and "No token was kept" in message
    assert guest.text("#mc-x-app-token-status") == "No app token."
    relay.access_token = ...
    assert "App token works" in guest.app_token()


def test_unusable_user_token_is_refused_in_words(guest, relay):
    guest.connect()
    guest.register()
    relay.access_token = "two words"
    assert "no usable access token: it contains spaces" in guest.log_in()
    assert guest.text("#mc-x-user-status") == "No user token."
