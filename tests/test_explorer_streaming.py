"""The explorer's streaming step in real Chromium: a WebSocket and server-sent events from the
sandbox, statuses posted through its REST API seen arriving, Stop, and the token kept out of
every address."""

import time

import pytest
import requests

from sandbox import Sandbox
from test_accessibility import violations
from test_explorer_browser import Reader, chromium, site  # noqa: F401 - shared fixtures


@pytest.fixture(params=["mastodon", "other"])
def instance(request):
    with Sandbox(other=request.param == "other", heartbeat=0.5) as server:
        server.mode = request.param
        yield server


class Streamer(Reader):
    """A Reader who also keeps the WebSockets the page opened."""

    def __init__(self, browser, site, instance):
        super().__init__(browser, site, instance)
        self.sockets = []
        self.page.on("websocket", lambda ws: self.sockets.append(ws))

    def ready(self):
        self.connect()
        self.register(("read", "write"))
        assert self.log_in().startswith("Logged in as @alice.")

    def user_token(self):
        return next(t for t, token in reversed(self.instance.store.tokens.items()) if token.user and not token.revoked)

    def post(self, text):
        answer = requests.post(self.instance.url + "/api/v1/statuses", data={"status": text},
                               headers={"Authorization": "Bearer " + self.user_token()}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["id"]

    def start(self, stream, arg="", via="ws"):
        self.page.select_option("#mc-x-stream-name", stream)
        if arg:
            self.page.fill("#mc-x-stream-arg", arg)
        self.page.select_option("#mc-x-stream-via", via)
        self.page.click("#mc-x-stream-start")

    def status(self, pattern):
        return self.wait_text("#mc-x-stream-status", pattern)

    def log(self):
        return self.page.text_content("#mc-x-stream-log")


@pytest.fixture
def reader(chromium, site, instance):  # noqa: F811 - this module's reader streams
    person = Streamer(chromium, site, instance)
    person.open()
    yield person
    # No token of the instance's in any address the page asked for, request or WebSocket.
    addresses = [url for _, url, _ in person.requests] + [ws.url for ws in person.sockets]
    assert not [url for url in addresses for token in instance.store.tokens if token in url]
    person.finish()


def test_hashtag_over_websocket_arrives_as_text_then_stop(reader):
    reader.ready()
    assert reader.page.is_visible("#mc-x-h-stream")
    reader.page.select_option("#mc-x-stream-name", "hashtag")
    reader.page.fill("#mc-x-stream-arg", "#Streamtest")
    where = f"Connects to ws://{reader.instance.url[7:]}/api/v1/streaming?stream=hashtag&tag=Streamtest"
    assert reader.wait_text("#mc-x-stream-where", "^Connects") == where
    reader.start("hashtag", via="ws")
    assert reader.status("Subscribed|did not|refused|Closed") == "Subscribed to hashtag Streamtest over WebSocket."
    assert [ws.url for ws in reader.sockets] == [f"ws://{reader.instance.url[7:]}/api/v1/streaming?stream=hashtag&tag=Streamtest"]
    first = reader.post("Hello #streamtest <img src=x onerror=window.__pwned=1>")
    reader.wait_text("#mc-x-stream-log", f"update {first}: ")
    line = reader.log().splitlines()[-1]
    assert line.endswith(f" update {first}: Hello #streamtest <img src=x onerror=window.__pwned=1>"), line
    assert reader.page.query_selector("#mc-explorer img") is None
    assert reader.page.evaluate("window.__pwned") is None
    assert violations(reader.page) == []  # the step in use, with events
    reader.post("Not tagged")  # another stream's
    reader.page.click("#mc-x-stream-stop")
    assert reader.status("Closed") == "Closed (code 1000): stopped."
    reader.post("After stop #streamtest")
    time.sleep(1)
    assert reader.log().count("\n") == 0 and "After stop" not in reader.log()
    assert reader.text("#mc-x-stream-status") == "Closed (code 1000): stopped."


def test_hashtag_over_server_sent_events_or_an_explained_404(reader):
    reader.ready()
    reader.start("hashtag", "sse", via="sse")
    if reader.instance.mode == "other":
        said = reader.status("offers|answered|connect")
        assert said == ("The server offers no server-sent events at this address (404); some servers only do "
                        "WebSocket: choose WebSocket.")
        return
    assert reader.status("heartbeat").startswith("Subscribed to hashtag sse over server-sent events; ")
    sse = [url for method, url, auth in reader.requests if "/api/v1/streaming/" in url]
    assert sse == [reader.instance.url + "/api/v1/streaming/hashtag?tag=sse"]
    assert [auth for _, url, auth in reader.requests if url == sse[0]] == ["Bearer " + reader.user_token()]
    first = reader.post("Over #SSE")
    reader.wait_text("#mc-x-stream-log", f"update {first}: Over #SSE")
    reader.page.click("#mc-x-stream-stop")
    assert reader.status("Closed") == "Closed (code 1000): stopped."
    reader.post("After stop #sse")
    time.sleep(1)
    assert "After stop" not in reader.log()
    assert reader.text("#mc-x-stream-status") == "Closed (code 1000): stopped."


def test_without_a_user_token_nothing_connects(reader):
    reader.connect()
    reader.register(("read",))
    assert reader.status("log in") == "Streaming needs a user token: log in first (step 3)."
    reader.page.click("#mc-x-app-token")  # an app token does not open streams (a placeholder on "other")
    reader.wait_text("#mc-x-token-status", "app token")
    for via in ("ws", "sse"):
        reader.start("public", via=via)
        assert reader.text("#mc-x-stream-status") == "Streaming needs a user token: log in first (step 3)."
    time.sleep(0.5)
    assert reader.sockets == []
    assert not [url for _, url, _ in reader.requests if "/streaming" in url]


def test_revoking_the_user_token_ends_the_stream(reader):
    reader.ready()
    reader.start("user")
    reader.status("Subscribed")
    reader.page.click("#mc-x-revoke-user")
    assert reader.status("log in") == "Streaming needs a user token: log in first (step 3)."
    deadline = time.monotonic() + 5
    while not reader.sockets[0].is_closed() and time.monotonic() < deadline:
        reader.page.wait_for_timeout(50)
    assert reader.sockets[0].is_closed()
