"""Mastodon.py, the most used Python client, against the sandbox: it registers, logs in through the
sandbox's own login and consent pages, and makes the calls every bot makes, with no special flags
(allow_http only because the sandbox has no TLS). The requests are counted server-side, so a retry
loop fails the test instead of hanging it."""

import warnings
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from mastodon import Mastodon

from sandbox import Sandbox

CALLBACK = "http://127.0.0.1:9/callback"
SCOPES = ["read", "write"]
BUDGET = 30  # the whole flow needs about 20 requests


@pytest.fixture(params=["mastodon", "legacy"])
def instance(request):
    with Sandbox(legacy=request.param == "legacy") as server:
        server.legacy, server.seen = request.param == "legacy", []
        inner = server.app.wsgi_app

        def counting(environ, start_response):
            server.seen.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
            if len(server.seen) > BUDGET:  # answer at once, and with no 429 a client would wait on
                start_response("503 Service Unavailable", [("Content-Type", "application/json")])
                return [b'{"error": "request budget of the test exhausted"}']
            return inner(environ, start_response)

        server.app.wsgi_app = counting
        yield server


def submit(browser: requests.Session, page: requests.Response, form, **filled) -> requests.Response:
    """Send an HTML form as a browser would: its method and action, its inputs, the button pressed."""
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}
    button = form.find("button", attrs={"name": True})
    if button:
        fields[button["name"]] = button.get("value", "")
    return browser.request(form.get("method", "get").upper(), urljoin(page.url, form["action"]),
                           data={**fields, **filled}, allow_redirects=False)


def follow(browser: requests.Session, answer: requests.Response, server: Sandbox) -> requests.Response:
    """Follow redirects that stay on the sandbox; the last answer may point at the client's callback."""
    while answer.is_redirect and urljoin(answer.url, answer.headers["Location"]).startswith(server.url):
        answer = browser.get(urljoin(answer.url, answer.headers["Location"]), allow_redirects=False)
    return answer


def consent(url: str, server: Sandbox) -> str:
    """A person logging in as alice and approving; returns the code the callback receives."""
    browser = requests.Session()
    page = follow(browser, browser.get(url, allow_redirects=False), server)
    login = BeautifulSoup(page.text, "html.parser").find("input", attrs={"name": "password"}).find_parent("form")
    page = follow(browser, submit(browser, page, login, username="alice", password="alice-password"), server)
    forms = BeautifulSoup(page.text, "html.parser").find_all("form")
    approve = next(f for f in forms if f.find("button", attrs={"value": "approve"}))
    answer = follow(browser, submit(browser, page, approve), server)
    assert answer.is_redirect and answer.headers["Location"].startswith(CALLBACK), answer.text
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


def test_mastodon_py_logs_in_posts_and_reads(instance):
    legacy = instance.legacy
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # e.g. Mastodon.py's "no API version found" on 4.3+
        client_id, secret = Mastodon.create_app("Mastodon.py test", scopes=SCOPES, redirect_uris=CALLBACK,
                                                api_base_url=instance.url)
        api = Mastodon(client_id=client_id, client_secret=secret, api_base_url=instance.url)
        url = api.auth_request_url(redirect_uris=CALLBACK, scopes=SCOPES, state="xyz", allow_http=True)
        api.log_in(code=consent(url, instance), redirect_uri=CALLBACK, scopes=SCOPES, allow_http=True)
        me = api.account_verify_credentials()
        posted = api.status_post("Hello from Mastodon.py", visibility="unlisted")
        home = api.timeline_home(limit=5)
        info = api.instance()
        # Mastodon.py's strictest version check: every method must exist at the reported version.
        strict = Mastodon(access_token=api.access_token, api_base_url=instance.url, version_check_mode="created")
        strict.status_post("Checked against the version", spoiler_text="cw")

    assert len(instance.seen) <= BUDGET, instance.seen
    assert me.username == "alice" and me.source.privacy == "public" and me.role.id == "-99"
    assert posted.content == "<p>Hello from Mastodon.py</p>" and posted.account.id == me.id
    assert home[0].id == posted.id and len(home) == 5
    assert (strict.mastodon_major, strict.mastodon_minor) == ((4, 2) if legacy else (4, 7))
    assert info.version == ("4.2.10" if legacy else "4.7.0")
    assert info.configuration.statuses.max_characters == 500
    assert strict.mastodon_api_version == (0 if legacy else 11)
    assert "GET /api/v1/instance/" in instance.seen  # the trailing slash Mastodon.py sends
