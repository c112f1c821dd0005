"""The explorer against a server that speaks Mastodon's API without being Mastodon
(Sandbox(other=True): no metadata, PKCE and force_login ignored, a placeholder app token, 400 in
plain text for a dead token, its own error names, HTML 500 pages, a version string of its own),
and the version and scope marks: issue 16's items, each as a reader meets it in Chromium."""

import secrets

import pytest

from sandbox import Sandbox
from sandbox.store import Token
from test_explorer_browser import Reader, chromium, site  # noqa: F401  (fixtures)


@pytest.fixture
def other(chromium, site):  # noqa: F811
    with Sandbox(other=True) as server:
        person = Reader(chromium, site, server)
        person.open()
        yield person
        person.finish()


def logged_in(reader):
    assert "Connected" in reader.connect()
    assert "registered" in reader.register()
    assert reader.log_in().startswith("Logged in")


def test_a_placeholder_app_token_is_said_once_and_not_kept(other):
    other.connect()
    other.register()
    said = other.app_token()
    assert "answered 400): a placeholder, as some servers hand out. It was not kept." in said
    assert "invalid" not in said.lower()
    assert other.page.get_attribute("#mc-x-token-status", "data-kind") == "warning"
    assert other.text("#mc-x-app-token-status") == "No app token."
    assert other.page.is_hidden("#mc-x-revoke-app"), "nothing to revoke"
    other.choose("apps/verify_credentials")
    assert "get one first" in other.text("#mc-x-auth-choice")


def test_a_dead_token_answered_400_is_called_dead(other):
    logged_in(other)
    for token in other.instance.store.tokens.values():
        token.revoked = True
    other.choose("accounts/verify_credentials")
    assert other.send().startswith("400 ·")
    explanation = other.text("#mc-x-explanation")
    assert explanation.startswith("The instance did not accept the token (it says so with 400, not 401): it is invalid, revoked")
    assert 'The instance said: "Invalid Bearer token"' in explanation


def test_its_own_error_names_are_understood(other):
    logged_in(other)
    # A pasted app token (real, unlike the placeholder) on an endpoint that needs a user.
    store = other.instance.store
    app_token = secrets.token_urlsafe(24)
    store.tokens[app_token] = Token(app_token, next(iter(store.apps.values())), None, "read write")
    other.page.fill("#mc-x-paste-token", app_token)
    other.page.click("#mc-x-paste button")
    other.choose("timelines/home")
    assert other.send().startswith("401 ·")
    assert other.text("#mc-x-explanation").startswith("This endpoint needs a user token; the token sent belongs to no user")
    # A user token without the scope: out_of_scope_for_token.
    user = next(t for t in store.tokens.values() if t.user is not None and t.access_token != app_token)
    narrow = secrets.token_urlsafe(24)
    store.tokens[narrow] = Token(narrow, user.app, user.user, "read")
    other.page.fill("#mc-x-paste-token", narrow)
    other.page.fill("#mc-x-paste-scopes", "read")
    other.page.click("#mc-x-paste button")
    other.choose("statuses/create")
    other.page.fill("#mc-x-param-form-status", "hello")
    other.page.click("#mc-x-send")  # "Send anyway": the reader knows the scope is missing
    assert other.send().startswith("403 ·")
    assert other.text("#mc-x-explanation").startswith("The token lacks a scope this endpoint needs. It needs write:statuses")


def test_an_html_500_page_is_named_not_pasted_into_the_message(other):
    other.connect()
    other.choose("statuses/get")
    other.page.fill("#mc-x-param-path-id", "not-a-number")
    assert other.send().startswith("500 ·")
    explanation = other.text("#mc-x-explanation")
    assert 'an HTML page titled "500 Internal Server Error", shown below as text' in explanation
    assert "<" not in explanation and "alert" not in explanation
    assert "<script>alert('from the page')</script>" in other.text("#mc-x-body")  # inert text
    assert other.page.evaluate("document.querySelectorAll('#mc-explorer script').length") == 0


def test_an_expired_code_is_explained_as_such(other):
    other.connect()
    other.register()
    # The code dies before it is exchanged, as when a reader lingers on a server whose codes live 60 s.
    other.page.route("**/oauth/token", lambda route: route.continue_(post_data=route.request.post_data.replace(
        "code=", "code=expired-")))
    said = other.log_in()
    assert said.startswith("The instance refused the authorization code (400): it expired"), said
    assert "none was sent" not in said


def test_https_typed_for_a_loopback_http_server_suggests_http(other):
    typed = other.instance.url.replace("http://", "https://")
    other.also_allowed.append(typed + "/")
    other.page.fill("#mc-x-instance-input", typed)
    other.page.click("#mc-x-instance-form button")
    said = other.wait_text("#mc-x-instance-status", "did not complete")
    assert said.endswith(f"try {other.instance.url}.")


def test_version_marks_and_announced_scopes_on_the_other_server(other):
    other.connect()
    assert other.text('#mc-x-instance-info [data-field="version"]') == "4.2.10 (compatible; NotMastodon 1.0)"
    # No metadata document: the top-level scopes of a 4.2 server (no profile), the rest folded away.
    shown = other.page.eval_on_selector_all("#mc-x-scope-list > label input", "els => els.map(e => e.value)")
    assert shown == ["read", "write", "follow", "push"]
    assert other.text("#mc-x-scope-list details summary") == "The server announced no scopes: granular, admin and newer ones (43)"
    assert other.page.is_hidden("#mc-x-scope-admin-read")
    other.page.click("#mc-x-scope-list details summary")
    assert other.text("label[for=mc-x-scope-admin-read]").strip() == "admin:read admin"
    # An endpoint newer than the server: marked in the list and under the signature, confirmed before sending.
    other.choose("grouped_notifications/get-grouped")
    option = other.page.eval_on_selector('#mc-x-endpoints option[value="grouped_notifications/get-grouped"]', "o => o.textContent")
    assert option.endswith("(newer than this server)")
    assert other.text("#mc-x-endpoint-badges") == "Added in 4.3.0"
    note = other.text("#mc-x-version-note")
    assert note == ("Added in 4.3.0: this server (4.2.10 (compatible; NotMastodon 1.0)) is older, so it probably answers "
                    "404. It is not Mastodon (NotMastodon 1.0) and may differ.")
    before = len(other.requests)
    other.page.click("#mc-x-send")
    assert other.page.inner_text("#mc-x-send") == "Send anyway" and len(other.requests) == before


def test_version_marks_follow_the_pages(chromium, site, real_site):  # noqa: F811
    """The same facts in the same words: the endpoint's badges on its page and in the explorer."""
    with Sandbox(legacy=True) as legacy:
        person = Reader(chromium, site, legacy)
        person.open()
        person.connect()
        for endpoint, page, anchor in (("statuses/card", "methods/statuses.md", "card"),
                                       ("grouped_notifications/get-grouped", "methods/grouped_notifications.md", "get-grouped"),
                                       ("accounts/verify_credentials", "methods/accounts.md", "verify_credentials")):
            person.choose(endpoint)
            block = real_site.page(page).find(id=anchor).find_next("p", class_="mc-badges")
            on_page = [s.get_text() for s in block.find_all("span") if "mc-badge--streaming" not in s["class"]
                       and "mc-badge--undocumented" not in s["class"]]
            in_explorer = person.page.eval_on_selector_all("#mc-x-endpoint-badges span", "els => els.map(e => e.textContent)")
            assert in_explorer == on_page, endpoint
        # An alternative accepted from a later version, on a server older than it.
        assert "User token + profile (since 4.3.0; this server is older)" in person.text("#mc-x-endpoint-oauth")
        person.choose("statuses/card")
        assert person.text("#mc-x-version-note").startswith("Removed in 3.0.0: this server (4.2.10) no longer has it")
        assert person.errors == []
        person.context.close()


def test_an_ignored_force_login_is_noticed(other):
    logged_in(other)
    # "as another account": this server ignores force_login, so its session brings alice back.
    said = other.log_in(force=True)
    assert said.startswith("Logged in as @alice. The server ignored force_login: this is the same account as before.")
