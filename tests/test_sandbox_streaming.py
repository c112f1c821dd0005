"""The sandbox's streaming API (tests/sandbox/streaming.py) over loopback, with a real WebSocket
client (websockets) and server-sent events read as they arrive."""

import json
import time

import pytest
import requests
from sandbox import Sandbox
from test_sandbox import app_token, post, register, user_token
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

BEAT = 0.2  # the heartbeat these tests ask for (Mastodon: 15 s)


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(heartbeat=BEAT) as server:
        yield server


@pytest.fixture(scope="module")
def other():
    with Sandbox(other=True, heartbeat=BEAT) as server:
        yield server


@pytest.fixture(scope="module")
def alice(sandbox):
    return user_token(sandbox, register(sandbox), scope="read write")


def ws_url(server, query=""):
    return server.url.replace("http://", "ws://") + "/api/v1/streaming" + query


def listeners(server) -> int:
    return server.app.extensions["sandbox_streaming"].hub.count()


def wait_for(server, count: int) -> None:
    """Subscribing has no acknowledgement: wait until the server holds `count` listeners."""
    deadline = time.monotonic() + 3
    while listeners(server) != count:
        assert time.monotonic() < deadline, f"{listeners(server)} listeners, not {count}"
        time.sleep(0.01)


def toot(server, tok, text, visibility="public"):
    answer = post(server, "/api/v1/statuses", tok, data={"status": text, "visibility": visibility})
    assert answer.status_code == 200, answer.text
    return answer.json()


def anonymous(server, status_id):
    """A public stream's payload: the status rendered for nobody, plus an empty `filtered`."""
    return {**requests.get(f"{server.url}/api/v1/statuses/{status_id}").json(), "filtered": []}


class EventStream:
    """Server-sent events read chunk by chunk as the server writes them."""

    def __init__(self, server, path, tok=None, **kwargs):
        headers = {"Authorization": f"Bearer {tok}"} if tok else {}
        self.response = requests.get(f"{server.url}{path}", headers=headers, stream=True, timeout=3, **kwargs)
        self.chunks = self.response.iter_content(chunk_size=None)
        self.buffer = ""

    def read_until(self, marker: str) -> str:
        while marker not in self.buffer:
            self.buffer += next(self.chunks).decode()
        text, self.buffer = self.buffer.split(marker, 1)
        return text + marker

    def next_event(self) -> tuple[str, str]:
        while True:
            block = self.read_until("\n\n")
            if block.startswith("event: "):
                event, data = block.strip("\n").split("\n")
                return event[len("event: "):], data[len("data: "):]

    def close(self):
        self.response.close()


# -- health and CORS ----------------------------------------------------------------------

def test_health_needs_no_token(sandbox):
    answer = requests.get(f"{sandbox.url}/api/v1/streaming/health")
    assert (answer.status_code, answer.text, answer.headers["Content-Type"]) == (200, "OK", "text/plain")
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_streaming_cors_is_the_cors_packages_defaults(sandbox):
    preflight = requests.options(f"{sandbox.url}/api/v1/streaming/public", headers={
        "Origin": "https://explorer.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code == 204 and preflight.text == ""
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET,HEAD,PUT,PATCH,POST,DELETE"
    assert preflight.headers["Access-Control-Allow-Headers"] == "authorization"
    assert "Access-Control-Max-Age" not in preflight.headers  # rack-cors' would say 7200
    refused = requests.get(f"{sandbox.url}/api/v1/streaming/public")  # even an error, even without Origin
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-RateLimit-Limit" not in refused.headers  # the REST API's throttle is not the streaming server's


def test_instance_names_the_streaming_base(sandbox):
    streaming = requests.get(f"{sandbox.url}/api/v2/instance").json()["configuration"]["urls"]["streaming"]
    assert streaming == sandbox.url.replace("http://", "ws://")


# -- WebSocket ----------------------------------------------------------------------------

def test_websocket_with_the_token_as_subprotocol_streams_a_posted_status(sandbox, alice):
    with connect(ws_url(sandbox), subprotocols=[alice], open_timeout=3) as ws:
        assert ws.subprotocol == alice  # echoed, or a browser would drop the socket
        ws.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "SandboxTest"}))
        ws.send(json.dumps({"type": "subscribe", "stream": "user"}))
        wait_for(sandbox, 3)  # hashtag, user and user's notifications channel
        status = toot(sandbox, alice, "Hello #sandboxtest from the tests")
        messages = {tuple(m["stream"]): m for m in (json.loads(ws.recv(timeout=3)) for _ in range(2))}
        assert set(messages) == {("hashtag", "SandboxTest"), ("user",)}
        assert all(m["event"] == "update" and isinstance(m["payload"], str) for m in messages.values())
        # the author's home feed gets the status rendered for the author: the REST answer itself
        assert json.loads(messages[("user",)]["payload"]) == status
        assert json.loads(messages[("hashtag", "SandboxTest")]["payload"]) == anonymous(sandbox, status["id"])

        ws.send(json.dumps({"type": "unsubscribe", "stream": "hashtag", "tag": "sandboxtest"}))
        wait_for(sandbox, 2)
        toot(sandbox, alice, "Again #SandboxTest")
        assert json.loads(ws.recv(timeout=3))["stream"] == ["user"]
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)
    wait_for(sandbox, 0)  # a closed socket leaves no listener behind


def test_websocket_stream_at_connect_with_access_token_query(sandbox, alice):
    with connect(ws_url(sandbox, f"?stream=public:local&access_token={alice}"), open_timeout=3) as ws:
        assert ws.subprotocol is None
        wait_for(sandbox, 1)
        toot(sandbox, alice, "unlisted, not on public streams", visibility="unlisted")
        status = toot(sandbox, alice, "public, local")
        message = json.loads(ws.recv(timeout=3))
        assert message["stream"] == ["public:local"] and json.loads(message["payload"])["id"] == status["id"]
    wait_for(sandbox, 0)


def test_websocket_refuses_the_upgrade_without_a_live_user_token(sandbox):
    app = register(sandbox)
    revoked = user_token(sandbox, app, scope="read")
    requests.post(f"{sandbox.url}/oauth/revoke", data={"client_id": app["client_id"],
                                                       "client_secret": app["client_secret"], "token": revoked})
    cases = {None: "Missing access token", "not-a-token": "Invalid access token",
             revoked: "Invalid access token", app_token(sandbox, app): "Invalid access token"}
    for tok, message in cases.items():
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url(sandbox), subprotocols=[tok] if tok else None, open_timeout=3)
        assert refused.value.response.status_code == 401
        assert refused.value.response.headers["X-Error-Message"] == message


def test_websocket_subscription_errors_are_messages(sandbox):
    app = register(sandbox)
    notes_only = user_token(sandbox, app, scope="read:notifications")
    with connect(ws_url(sandbox), subprotocols=[notes_only], open_timeout=3) as ws:
        ws.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "x"}))
        assert json.loads(ws.recv(timeout=3)) == {"error": "Access token does not have the required scopes",
                                                  "status": 401}
        ws.send(json.dumps({"type": "subscribe", "stream": "user:notification"}))
        wait_for(sandbox, 1)
    wait_for(sandbox, 0)
    with connect(ws_url(sandbox), subprotocols=[user_token(sandbox, app, scope="read")], open_timeout=3) as ws:
        for message, error in (({"stream": "hashtag"}, ("Missing tag name parameter", 400)),
                               ({"stream": "list"}, ("Missing list name parameter", 400)),
                               ({"stream": "list", "list": "1"}, ("Not authorized to stream this list", 401)),
                               ({"stream": "firehose"}, ("Unknown stream type", 400))):
            ws.send(json.dumps({"type": "subscribe", **message}))
            assert json.loads(ws.recv(timeout=3)) == {"error": error[0], "status": error[1]}
        ws.send(b"\x00binary")
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=3)
        assert closed.value.rcvd.code == 1003


def test_blocked_author_is_filtered_from_public_streams(sandbox, alice):
    bob = user_token(sandbox, register(sandbox), scope="read write", user=("bob", "bob-password"))
    alice_id = requests.get(f"{sandbox.url}/api/v1/accounts/verify_credentials",
                            headers={"Authorization": f"Bearer {alice}"}).json()["id"]
    with connect(ws_url(sandbox, "?stream=hashtag&tag=blocktest"), subprotocols=[bob], open_timeout=3) as ws:
        wait_for(sandbox, 1)
        assert post(sandbox, f"/api/v1/accounts/{alice_id}/block", bob).status_code == 200
        toot(sandbox, alice, "#blocktest from someone bob blocks")
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)
    sandbox.store.blocks.clear()


def test_direct_status_starts_a_conversation_on_the_direct_stream(sandbox, alice):
    with connect(ws_url(sandbox, "?stream=direct"), subprotocols=[alice], open_timeout=3) as ws:
        wait_for(sandbox, 1)
        status = toot(sandbox, alice, "a direct one", visibility="direct")
        message = json.loads(ws.recv(timeout=3))
        assert message["stream"] == ["direct"] and message["event"] == "conversation"
        conversation = json.loads(message["payload"])
        assert conversation["last_status"] == status and conversation["unread"] is False
    wait_for(sandbox, 0)


# -- server-sent events -------------------------------------------------------------------

def test_event_stream_sends_heartbeats_and_posted_statuses(sandbox, alice):
    stream = EventStream(sandbox, "/api/v1/streaming/hashtag?tag=SSEtest", alice)
    try:
        headers = stream.response.headers
        assert stream.response.status_code == 200
        assert headers["Content-Type"] == "text/event-stream"
        assert headers["Cache-Control"] == "private, no-store"
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert stream.read_until("\n") == ":)\n"
        assert stream.read_until("\n\n") == ":thump\n\n"
        status = toot(sandbox, alice, "over #ssetest")
        event, data = stream.next_event()
        assert event == "update" and json.loads(data) == anonymous(sandbox, status["id"])
    finally:
        stream.close()
    wait_for(sandbox, 0)  # noticed at the next heartbeat


def test_event_stream_user_gets_the_rest_answer(sandbox, alice):
    stream = EventStream(sandbox, "/api/v1/streaming/user", alice)
    try:
        stream.read_until(":)\n")
        status = toot(sandbox, alice, "private one", visibility="private")
        event, data = stream.next_event()
        assert event == "update" and json.loads(data) == status
    finally:
        stream.close()


def test_event_stream_refusals(sandbox):
    app = register(sandbox)
    revoked = user_token(sandbox, app, scope="read:statuses")
    requests.post(f"{sandbox.url}/oauth/revoke", data={"client_id": app["client_id"],
                                                       "client_secret": app["client_secret"], "token": revoked})
    statuses_only = user_token(sandbox, app, scope="read:statuses write")
    cases = [
        ("/public", None, 401, "Missing access token"),
        ("/public", "nope", 401, "Invalid access token"),
        ("/public", revoked, 401, "Invalid access token"),
        ("/public", app_token(sandbox, app), 401, "Invalid access token"),
        ("/user/notification", statuses_only, 401, "Access token does not have the required scopes"),
        ("/public", user_token(sandbox, app, scope="write"), 401, "Access token does not have the required scopes"),
        ("/hashtag", statuses_only, 400, "Missing tag name parameter"),
        ("/list", statuses_only, 400, "Missing list name parameter"),
        ("/list?list=1", statuses_only, 401, "Not authorized to stream this list"),
        ("/firehose", statuses_only, 400, "Unknown channel requested"),
    ]
    for path, tok, status, message in cases:
        headers = {"Authorization": f"Bearer {tok}"} if tok else {}
        answer = requests.get(f"{sandbox.url}/api/v1/streaming{path}", headers=headers, timeout=3)
        assert (answer.status_code, answer.json()) == (status, {"error": message}), path
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.headers["Access-Control-Allow-Origin"] == "*"


# -- a server that is not Mastodon --------------------------------------------------------

def test_other_server_streams_over_websocket_only(other):
    app = register(other, scopes="read write")
    tok = user_token(other, app, scope="read write")
    answer = requests.get(f"{other.url}/api/v1/streaming/public", headers={"Authorization": f"Bearer {tok}"})
    assert (answer.status_code, answer.json()) == (404, {"error": "Not found"})
    with connect(ws_url(other, "?stream=hashtag&tag=elsewhere"), subprotocols=[tok], open_timeout=3) as ws:
        assert ws.subprotocol == tok
        wait_for(other, 1)
        status = toot(other, tok, "#elsewhere")
        message = json.loads(ws.recv(timeout=3))
        assert message["stream"] == ["hashtag", "elsewhere"] and json.loads(message["payload"])["id"] == status["id"]
    for dead in ("nope", app_token(other, app)):  # the placeholder app token too
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url(other), subprotocols=[dead], open_timeout=3)
        response = refused.value.response
        assert (response.status_code, response.body) == (400, b"Invalid Bearer token")
        assert response.headers["Content-Type"] == "text/plain"
