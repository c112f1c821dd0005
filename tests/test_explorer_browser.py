"""The explorer in real Chromium, against the built site and the sandbox instance on loopback."""

import re

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, StaticSite, require_chromium
from sandbox import Sandbox


@pytest.fixture(scope="module")
def site(real_site):
    served = StaticSite(real_site.dir)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def chromium():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=["mastodon", "legacy"])
def instance(request):
    with Sandbox(legacy=request.param == "legacy") as server:
        server.mode = request.param
        yield server


class Reader:
    """A person at the explorer page, with every request the page makes on record."""

    def __init__(self, browser, site, instance):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.site, self.instance = site, instance
        self.requests = []
        self.errors = []
        self.unfollowed = []  # redirect targets the page did not go to
        self.also_allowed = []  # origins a test deliberately points the explorer at
        self.page.on("request", lambda r: self.requests.append((r.method, r.url, r.headers.get("authorization"))))
        self.page.on("requestfailed", self._failed)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _failed(self, request):
        # A redirect that fetch does not follow (redirect: "manual") is still reported as a request
        # to its target, aborted before it is sent. The servers' own records show what was sent.
        if request.redirected_from and request.failure == "net::ERR_ABORTED":
            self.unfollowed.append(request.url)

    def text(self, selector):
        return self.page.inner_text(selector)

    def wait_text(self, selector, pattern, timeout=10000):
        self.page.wait_for_function(
            "([s, p]) => new RegExp(p).test(document.querySelector(s)?.textContent ?? '')",
            arg=[selector, pattern], timeout=timeout)
        return self.text(selector)

    def open(self, query=""):
        self.page.goto(self.site.url + "explorer/" + query)
        self.page.wait_for_selector("#mc-explorer[data-ready=true]")

    def connect(self):
        self.page.fill("#mc-x-instance-input", self.instance.url)
        self.page.click("#mc-x-instance-form button")
        return self.wait_text("#mc-x-instance-status", "Connected|not|did|refused|redirect")

    def register(self, scopes=("read", "write")):
        for box in self.page.query_selector_all("#mc-x-scope-list input"):
            if box.is_checked() != (box.get_attribute("value") in scopes):
                box.click()
        self.page.click("#mc-x-register")
        return self.wait_text("#mc-x-app-status", "registered|failed|redirect|Refusing|did not")

    def app_token(self):
        self.page.click("#mc-x-app-token")
        return self.wait_text("#mc-x-token-status", "works|refused|placeholder|checked|failed|redirect|usable|Refusing|did not")

    def log_in(self, user="alice", password="alice-password", force=False, said="#mc-x-token-status"):
        if force:
            self.page.check("#mc-x-force-login")
        self.page.click("#mc-x-login")
        return self.sign_in(user, password, said)

    def sign_in(self, user="alice", password="alice-password", said="#mc-x-token-status"):
        """On the instance: log in (unless its session already knows us), approve, come back."""
        self.page.wait_for_selector("input[name=username], button[value=approve]")
        if self.page.query_selector("input[name=username]"):
            self.page.fill("input[name=username]", user)
            self.page.fill("input[name=password]", password)
            self.page.click("button[type=submit]")
        self.page.click("button[value=approve]")
        self.page.wait_for_url(re.compile(re.escape(self.site.url + "explorer/")))
        self.page.wait_for_selector("#mc-explorer[data-ready=true]")
        return self.wait_text(said, "Logged in|failed|[Rr]efused|redirect|usable|Refusing|did not")

    def choose(self, endpoint_id):
        self.page.select_option("#mc-x-endpoints", endpoint_id)

    def send(self):
        self.page.click("#mc-x-send")
        return self.wait_text("#mc-x-status-line", r"^\d{3} ·|did not|Refusing|redirect")

    def foreign_requests(self):
        # With the slash: http://127.0.0.1:4123 must not allow http://127.0.0.1:41234.
        allowed = tuple(o.rstrip("/") + "/" for o in (self.site.origin, self.instance.url, *self.also_allowed))
        return [url for _, url, _ in self.requests if not url.startswith(allowed) and url not in self.unfollowed]

    def tokens_sent_elsewhere(self):
        return [url for _, url, auth in self.requests
                if auth and not url.startswith(self.instance.url + "/") and url not in self.unfollowed]

    def finish(self):
        """What holds after every visit: no script error, nothing sent to any other origin."""
        assert self.errors == [], self.errors
        assert self.foreign_requests() == []
        assert self.tokens_sent_elsewhere() == []
        self.context.close()


@pytest.fixture
def reader(chromium, site, instance):
    person = Reader(chromium, site, instance)
    person.open()
    yield person
    person.finish()


def test_app_token_then_login_with_pkce_then_home_timeline_with_next_page(reader):
    assert "Connected to Mastodon Sandbox" in reader.connect()
    discovery = reader.text('#mc-x-instance-info [data-field="source"]')
    if reader.instance.mode == "legacy":
        assert "no metadata document" in discovery
    else:
        assert discovery == "RFC 8414 metadata document"
    assert "registered with scopes: read write" in reader.register(("read", "write"))
    assert 'App token works: verify_credentials names the app "Mastodon API reference explorer"' in reader.app_token()
    status = reader.log_in()
    assert status.startswith("Logged in as @alice. Granted scopes: read write")
    token_call = [r for r in reader.requests if r[1].endswith("/oauth/token") and r[0] == "POST"]
    assert len(token_call) == 2  # client credentials, then the code exchange
    assert "code=" not in reader.page.url and "state=" not in reader.page.url
    reader.choose("timelines/home")
    assert 'meets "User token + read:statuses"' in reader.text("#mc-x-auth-choice")
    first = reader.send()
    assert first.startswith("200 ·")
    body = reader.text("#mc-x-body")
    assert "Sandbox status number" in body
    first_ids = re.findall(r'"id": "(\d+)",\n  "created_at"', body)
    reader.page.click("#mc-x-next")
    reader.page.wait_for_function("(ids) => !ids.some(id => document.querySelector('#mc-x-body').textContent"
                                  ".includes('\"id\": \"' + id + '\",\\n  \"created_at\"'))", arg=first_ids)
    assert "max_id=" in reader.text("#mc-x-status-line")
    assert "Rate limit:" in reader.text("#mc-x-rate")


def test_missing_scope_warns_before_sending_and_explains_the_403(reader):
    reader.connect()
    reader.register(("read",))
    reader.log_in()
    reader.choose("statuses/create")
    assert "No alternative is satisfied" in reader.text("#mc-x-auth-choice")
    assert "write:statuses" in reader.text("#mc-x-auth-choice")
    reader.page.fill('[name="status"]', "Hello from the explorer")
    before = len(reader.requests)
    reader.page.click("#mc-x-send")
    assert reader.text("#mc-x-send") == "Send anyway"
    assert not any("/api/v1/statuses" in url for _, url, _ in reader.requests[before:])
    assert reader.send().startswith("403 ·")
    assert "lacks a scope" in reader.text("#mc-x-explanation")
    assert "This action is outside the authorized scopes" in reader.text("#mc-x-explanation")


def test_revoking_makes_the_next_request_fail_with_an_explanation(reader):
    reader.connect()
    reader.register()
    reader.log_in()
    reader.page.click("#mc-x-revoke-user")
    message = reader.wait_text("#mc-x-token-status", "revoked|dead|blind")
    if reader.instance.mode == "legacy":
        assert "sent blind" in message and "token is dead" in message
    else:
        assert message == "The user token was revoked."
    reader.page.fill("#mc-x-paste-token", next(iter(reader.instance.store.tokens)))
    reader.page.click("#mc-x-paste button")
    reader.choose("accounts/verify_credentials")
    assert reader.send().startswith("401 ·")
    assert "did not accept the token" in reader.text("#mc-x-explanation")


def test_forged_state_is_refused_and_nothing_is_exchanged(reader):
    reader.connect()
    reader.register()
    reader.open("?code=stolen-code&state=forged")
    # Said at the top, where the reader is, and the instance is connected again.
    assert reader.page.is_visible("#mc-x-notice")
    assert reader.text("#mc-x-notice").startswith("Refused an authorization answer: no login in this tab")
    assert reader.page.input_value("#mc-x-instance-input") == reader.instance.url
    assert reader.text("#mc-x-instance-status").startswith("Connected to")
    assert not any(url.endswith("/oauth/token") for _, url, _ in reader.requests)
    assert "stolen-code" not in reader.page.url


def test_instance_content_is_inert(reader):
    reader.connect()
    reader.choose("timelines/public")
    reader.send()
    assert "window.__pwned" in reader.text("#mc-x-body")  # shown as text
    assert reader.page.evaluate("window.__pwned") is None
    assert reader.page.query_selector("#mc-explorer img, #mc-explorer script") is None


def test_state_survives_instant_navigation_without_duplicate_listeners(reader):
    reader.connect()
    reader.register()
    reader.app_token()
    reader.page.click("nav a[href$='api/oauth-tokens/']")
    reader.page.wait_for_selector("h1#oauth-tokens")
    reader.page.go_back()
    reader.page.wait_for_selector("#mc-explorer[data-ready=true]")
    reader.wait_text("#mc-x-app-token-status", "App token")
    reader.choose("apps/verify_credentials")
    before = len(reader.requests)
    reader.send()
    calls = [url for _, url, _ in reader.requests[before:] if url.endswith("/api/v1/apps/verify_credentials")]
    assert calls == [reader.instance.url + "/api/v1/apps/verify_credentials"]


def test_try_it_link_opens_the_console_with_the_endpoint(reader):
    reader.page.goto(reader.site.url + "methods/accounts/")
    reader.page.click('[data-endpoint="accounts/verify_credentials"] a.mc-try')
    reader.page.wait_for_selector("#mc-explorer[data-ready=true]")
    assert reader.page.input_value("#mc-x-endpoints") == "accounts/verify_credentials"
    assert reader.text("#mc-x-endpoint-title") == "GET /api/v1/accounts/verify_credentials"


def test_runs_under_a_strict_content_security_policy(chromium, real_site, instance):
    """Material's own inline scripts are allowed by hash; ours need nothing more than 'self'."""
    import base64
    import hashlib

    out = real_site.dir
    page_html = (out / "explorer" / "index.html").read_text()
    inline = re.findall(r"<script>(.*?)</script>", page_html, re.S)
    assert not any("mc-" in script or "explorer" in script for script in inline)  # none of ours
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline)
    policy = (f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              f"font-src 'self'; connect-src 'self' {instance.url}; form-action 'self'; base-uri 'none'")
    served = StaticSite(out, csp=policy)
    try:
        person = Reader(chromium, served, instance)
        person.page.add_init_script("window.__violations = []; document.addEventListener("
                                    "'securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' "
                                    "+ e.blockedURI))")
        person.open()
        person.connect()
        person.register()
        assert "App token works" in person.app_token()
        assert person.page.evaluate("window.__violations") == []
        person.context.close()
    finally:
        served.stop()


def test_force_login_gets_a_token_for_a_second_account(reader):
    reader.connect()
    reader.register()
    assert reader.log_in().startswith("Logged in as @alice.")
    assert reader.log_in("bob", "bob-password", force=True).startswith("Logged in as @bob.")


def test_tokens_stay_in_the_tab_unless_remembered(reader):
    reader.connect()
    reader.register()
    reader.app_token()
    stored = "() => [Object.keys(sessionStorage).filter(k => k.startsWith('mc-explorer:tokens:')).length, " \
             "Object.keys(localStorage).filter(k => k.startsWith('mc-explorer:tokens:')).length]"
    assert reader.page.evaluate(stored) == [1, 0]
    reader.page.check("#mc-x-remember")
    assert reader.page.evaluate(stored) == [0, 1]
    reader.page.uncheck("#mc-x-remember")
    assert reader.page.evaluate(stored) == [1, 0]
    reader.page.click("#mc-x-forget")
    assert reader.page.evaluate(stored) == [0, 0]
    assert "No app registered" in reader.text("#mc-x-app-status")


@pytest.mark.parametrize("typed, said", [
    ("http://127.0.0.1:1", "did not complete"),
    ("no-such-server.invalid", "did not complete"),
    ("http://example.org", "Plain http is only allowed on this machine"),
    ("not a server", "is not a domain name or a URL"),
])
def test_instance_that_cannot_be_used_is_explained(reader, typed, said):
    reader.also_allowed += ["http://127.0.0.1:1/", "https://no-such-server.invalid/"]
    reader.page.fill("#mc-x-instance-input", typed)
    reader.page.click("#mc-x-instance-form button")
    assert said in reader.wait_text("#mc-x-instance-status", said)
    assert reader.page.is_hidden("#mc-x-app")


def test_a_server_that_is_not_mastodon_is_named_as_such(reader):
    reader.page.fill("#mc-x-instance-input", reader.site.origin)
    reader.page.click("#mc-x-instance-form button")
    assert "does not look like a Mastodon-compatible server" in reader.wait_text("#mc-x-instance-status", "look")


def test_placeholder_app_token_is_called_out(chromium, site):
    with Sandbox(placeholder_app_token=True) as odd:
        person = Reader(chromium, site, odd)
        person.open()
        person.connect()
        person.register()
        message = person.app_token()
        assert "answered 401): a placeholder, as some servers hand out. It was not kept." in message
        assert person.text("#mc-x-app-token-status") == "No app token."
        assert person.foreign_requests() == [] and person.errors == []
        person.context.close()


def test_a_login_older_than_ten_minutes_is_refused(reader):
    reader.connect()
    reader.register()
    # Ages the pending login as the callback arrives, as if the reader had taken 11 minutes.
    reader.page.add_init_script("""if (location.search.includes('code=')) {
      const key = 'mc-explorer:pending', pending = JSON.parse(sessionStorage.getItem(key) || 'null');
      if (pending) sessionStorage.setItem(key, JSON.stringify({ ...pending, created: pending.created - 660000 }));
    }""")
    message = reader.log_in(said="#mc-x-notice")  # a refusal is said at the top, where the reader lands
    assert message.startswith("Refused an authorization answer for a login started more than 10 minutes ago")
    assert "expired" in message and "No code was exchanged" in message
    assert not any(url.endswith("/oauth/token") for _, url, _ in reader.requests)
    assert "Connected to Mastodon Sandbox" in reader.wait_text("#mc-x-instance-status", "Connected")  # log in again
    assert reader.text("#mc-x-user-status") == "No user token."


def test_the_callback_code_travels_in_no_referer_and_leaves_the_address_first(reader):
    # Where the page was at each request it made: the code must be gone before the first one.
    reader.page.add_init_script("""window.__fetchedFrom = []; const original = window.fetch;
      window.fetch = function (...args) { window.__fetchedFrom.push(location.href); return original.apply(this, args); };""")
    cdp = reader.context.new_cdp_session(reader.page)  # every file fetched again, not taken from the cache
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    reader.connect()
    reader.register()
    before = len(reader.site.referers)
    assert reader.log_in().startswith("Logged in as @alice.")
    sent = reader.site.referers[before:]
    callback = [i for i, (path, _) in enumerate(sent) if path.startswith("/explorer/?") and "code=" in path]
    assert len(callback) == 1  # the instance's redirect back (its Referer is the instance's business)
    after = sent[callback[0] + 1:]
    assert after, "the callback page loaded nothing from the site"
    assert [(path, referer) for path, referer in after if referer] == []  # no-referrer: not even the origin
    fetched_from = reader.page.evaluate("window.__fetchedFrom")
    assert fetched_from and not [href for href in fetched_from if "code=" in href or "state=" in href]
    assert reader.page.evaluate("document.querySelector('meta[name=referrer]')?.content") == "no-referrer"


def test_full_storage_is_explained_and_the_explorer_keeps_working(reader):
    reader.page.evaluate("""() => { for (const store of [localStorage, sessionStorage]) {
      let size = 1 << 20, i = 0;
      while (size >= 1) { try { store.setItem('filler-' + i++, 'x'.repeat(size)); } catch { size = Math.floor(size / 2); } }
    } }""")
    assert "Connected to Mastodon Sandbox" in reader.connect()
    notice = reader.text("#mc-x-storage")
    assert notice.startswith("This browser's storage for this site is full") and "lost when it reloads" in notice
    assert "registered with scopes" in reader.register()
    assert "App token works" in reader.app_token()
    reader.page.click("#mc-x-login")
    assert "the browser's storage refused it" in reader.wait_text("#mc-x-token-status", "storage")
    assert "/explorer/" in reader.page.url  # did not leave for a login it could not finish
    reader.choose("apps/verify_credentials")
    assert reader.send().startswith("200 ·")
    shown = reader.text("#mc-explorer")
    assert "QuotaExceeded" not in shown and "exceeded the quota" not in shown and "setItem" not in shown


def test_the_curl_box_follows_the_endpoint_and_the_token_choice(reader):
    """The box belongs to one endpoint: choosing another hides it, and unticking 'include the
    token' takes the real token off the screen."""
    reader.connect()
    reader.register()
    reader.log_in()
    reader.choose("accounts/verify_credentials")
    reader.page.check("#mc-x-reveal")
    reader.page.click("#mc-x-copy")
    token = next(iter(reader.instance.store.tokens))
    assert f"Bearer {token}" in reader.text("#mc-x-curl")
    reader.page.uncheck("#mc-x-reveal")
    assert token not in reader.text("#mc-x-curl") and "Bearer <token>" in reader.text("#mc-x-curl")
    reader.choose("timelines/home")
    assert reader.page.is_hidden("#mc-x-curl") and reader.page.inner_text("#mc-x-curl") == ""


def test_with_only_an_app_token_a_user_endpoint_says_log_in_and_sends_no_token(reader):
    reader.connect()
    reader.register()
    reader.app_token()
    reader.choose("timelines/home")
    assert reader.text("#mc-x-auth-choice") == "This endpoint needs a user token: log in first (step 3)."
    before = len(reader.requests)
    reader.page.click("#mc-x-send")
    assert reader.send().startswith(("401 ·", "422 ·"))
    sent = [auth for _, url, auth in reader.requests[before:] if url.endswith("/api/v1/timelines/home")]
    assert sent == [None], "the app token went to an endpoint that needs a user"


def test_a_login_finished_in_another_tab_is_explained_here(reader):
    """The answer reaches a tab that started no login (sessionStorage is per tab): refused, said
    where it is seen, and the explorer is still connected to the instance."""
    reader.connect()
    reader.register()
    other = reader.context.new_page()
    other.goto(reader.site.url + "explorer/?code=some-code&state=from-another-tab")
    other.wait_for_selector("#mc-explorer[data-ready=true]")
    assert other.is_visible("#mc-x-notice")
    assert other.inner_text("#mc-x-notice").startswith("Refused an authorization answer: no login in this tab")
    assert other.input_value("#mc-x-instance-input") == reader.instance.url
    assert other.is_visible("#mc-x-tokens"), "the tokens step is there to log in again"
    assert not any(url.endswith("/oauth/token") for _, url, _ in reader.requests)
    other.close()


def test_after_login_the_confirmation_is_in_view_and_the_instance_named(reader):
    reader.connect()
    reader.register()
    assert reader.log_in().startswith("Logged in")
    box = reader.page.locator("#mc-x-token-status").bounding_box()
    assert 0 <= box["y"] <= reader.page.viewport_size["height"] - box["height"]
    assert reader.page.input_value("#mc-x-instance-input") == reader.instance.url
