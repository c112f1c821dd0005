"""Mastodon's streaming API for the sandbox, as streaming/index.js of Mastodon 4.7 serves it.

One WSGI layer in front of the Flask app takes every path under /api/v1/streaming, so none of
the REST API's hooks (rack-cors' headers, rate limits) touch it; the streaming server is a
separate Node process in Mastodon, behind the `cors` middleware with its defaults:

* GET /api/v1/streaming/health: 200 text/plain "OK", no token.
* Server-sent events, one stream per path (SSE_PATHS): ":)\\n", then "event: NAME\\ndata: PAYLOAD\\n\\n"
  per event and a ":thump\\n\\n" comment every `heartbeat` seconds (Mastodon: 15).
* A WebSocket (any path under /api/v1/streaming with an Upgrade header, simple-websocket over
  the werkzeug server): ?stream=NAME subscribes at connect, {"type": "subscribe"|"unsubscribe",
  "stream": NAME, "tag"/"list": ...} messages after; each event is a text frame
  {"stream": [NAME, tag or list], "event": EVENT, "payload": "<JSON text, or a bare id>"}.

The token comes from `Authorization: Bearer`, else ?access_token, else Sec-WebSocket-Protocol
(which the handshake echoes, or a browser drops the socket). Only a live user token counts:
Mastodon's SQL joins users, so an app token is invalid. Events come from the sandbox itself:
a posted status is fanned out as FanOutOnWriteService does (see status_posted).

other=True is a server that speaks the API without being Mastodon: WebSocket only (the SSE
paths answer 404 {"error": "Not found"}) and a dead token refused with 400 plain text."""

from __future__ import annotations

import html
import json
import queue
import re
import secrets
import socket
import threading
import time
import unicodedata
from dataclasses import dataclass, field

from simple_websocket import ConnectionClosed, Server
from simple_websocket.errors import ConnectionError as WebSocketError
from werkzeug.wrappers import Request, Response
from wsproto.utilities import RemoteProtocolError

BASE = "/api/v1/streaming"
HEALTH = BASE + "/health"
# channelNameFromPath; only_media=true turns a public path into its :media stream.
SSE_PATHS = {
    BASE + "/user": "user", BASE + "/user/notification": "user:notification", BASE + "/public": "public",
    BASE + "/public/local": "public:local", BASE + "/public/remote": "public:remote", BASE + "/hashtag": "hashtag",
    BASE + "/hashtag/local": "hashtag:local", BASE + "/direct": "direct", BASE + "/list": "list",
}
PUBLIC = ("public", "public:local", "public:remote", "public:media", "public:local:media", "public:remote:media")
FALSE_VALUES = ("0", "f", "F", "false", "FALSE", "off", "OFF")  # utils.js isTruthy
CORS_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE"  # the cors package's default
BINARY_REFUSED = "The mastodon streaming server does not support binary messages"
PING_INTERVAL = 30  # the server pings every WebSocket every 30 s

# Tag::HASHTAG_RE (a # after the start or a space; a name with at least one letter).
_SEP = "_\u00b7\u30fb\u200c"
_NAME = rf"\w[\w{_SEP}]*(?:[^\W\d_]|[{_SEP}])[\w{_SEP}]*\w|\w*[^\W\d_]\w*"
HASHTAG = re.compile(rf"(?<!\S)[#＃]({_NAME})")
# utils.js foldToASCII, the table of app/lib/ascii_folder.rb.
_FOLD = str.maketrans(
    "ÀÁÂÃÄÅàáâãäåĀāĂăĄąÇçĆćĈĉĊċČčÐðĎďĐđÈÉÊËèéêëĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħÌÍÎÏìíîïĨĩĪīĬĭĮįİıĴĵĶķĸĹĺĻļĽľĿŀŁłÑñŃńŅņŇňŉŊŋ"
    "ÒÓÔÕÖØòóôõöøŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšſŢţŤťŦŧÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųŴŵÝýÿŶŷŸŹźŻżŽž",
    "AAAAAAaaaaaaAaAaAaCcCcCcCcCcDdDdDdEEEEeeeeEeEeEeEeEeGgGgGgGgHhHhIIIIiiiiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnNnnNn"
    "OOOOOOooooooOoOoOoRrRrRrSsSsSsSssTtTtTtUUUUuuuuUuUuUuUuUuUuWwYyyYyYZzZzZz")


def normalize_hashtag(name: str) -> str:
    """utils.js normalizeHashtag: NFKC, lower case, ASCII folding, only letters, digits, _ · ZWNJ."""
    folded = unicodedata.normalize("NFKC", name).lower().translate(_FOLD)
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN" or c in "_\u00b7\u200c")


def hashtags(content: str) -> list[str]:
    """The normalized names of the hashtags in a status's text, each once, in order."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", content))
    return list(dict.fromkeys(normalize_hashtag(m) for m in HASHTAG.findall(text)))


def to_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # as JSON.stringify writes it


class StreamError(Exception):
    """errors.js: a RequestError is a 400, an AuthenticationError a 401, anything else a 500."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def unexpected() -> StreamError:
    return StreamError(500, "An unexpected error occurred")


@dataclass(eq=False)
class Subscription:
    """One stream of one connection: the channels it listens to and where its events go."""
    stream: list
    channels: tuple[str, ...]
    inbox: queue.Queue
    account_id: str
    filtering: bool  # public and hashtag streams: blocks apply and `filtered` is added


@dataclass
class Viewer:
    token: object
    account_id: str
    scopes: list[str] = field(default_factory=list)


CLOSED = object()


class Hub:
    """A thread-safe publish/subscribe of channel names, as Redis is for Mastodon."""

    def __init__(self):
        self.lock = threading.Lock()
        self.channels: dict[str, set[Subscription]] = {}

    def add(self, subscription: Subscription) -> None:
        with self.lock:
            for channel in subscription.channels:
                self.channels.setdefault(channel, set()).add(subscription)

    def remove(self, subscription: Subscription) -> None:
        with self.lock:
            for channel in subscription.channels:
                listeners = self.channels.get(channel, set())
                listeners.discard(subscription)
                if not listeners:
                    self.channels.pop(channel, None)

    def listeners(self, channel: str) -> list[Subscription]:
        with self.lock:
            return list(self.channels.get(channel, ()))

    def count(self) -> int:
        with self.lock:
            return sum(len(s) for s in self.channels.values())


class Streaming:
    """The streaming server over a store; `wrap` puts it in front of the sandbox's WSGI app."""

    def __init__(self, store, *, other: bool = False, heartbeat: float = 15):
        self.store, self.other, self.heartbeat = store, other, heartbeat
        self.hub = Hub()

    # -- events from the sandbox ------------------------------------------------------------

    def publish(self, channel: str, event: str, payload, author_id: str | None = None) -> None:
        for subscription in self.hub.listeners(channel):
            body = payload
            if subscription.filtering and event in ("update", "status.update"):
                # streamFrom: a block either way hides the status; with no custom filter the
                # status gains an empty `filtered` (every streaming connection has an account).
                pair = {(subscription.account_id, author_id), (author_id, subscription.account_id)}
                if pair & self.store.blocks:
                    continue
                if "filtered" not in body:
                    body = {**body, "filtered": []}
            subscription.inbox.put((subscription.stream, event, body if isinstance(body, str) else to_json(body)))

    def status_posted(self, status, base: str) -> None:
        """FanOutOnWriteService for a new local status: the author's home feed (user stream) gets
        it rendered for the author, as the REST answer is; a public one also goes, rendered for
        nobody, to the public streams and to each of its hashtags; a direct one starts a
        conversation, sent as `conversation` on the author's direct stream. (The sandbox has no
        follows, lists or mentions, so nobody else's feed gets it.)"""
        author = status.account
        self.publish(f"timeline:{author.id}", "update", status.entity(base, author), author.id)
        if status.visibility == "public":
            anonymous = status.entity(base, None)
            for name in hashtags(status.content):
                self.publish(f"timeline:hashtag:{name}", "update", anonymous, author.id)
                self.publish(f"timeline:hashtag:{name}:local", "update", anonymous, author.id)
            self.publish("timeline:public", "update", anonymous, author.id)
            self.publish("timeline:public:local", "update", anonymous, author.id)
        elif status.visibility == "direct":
            conversation = {"id": self.store.next_id(), "unread": False, "accounts": [],
                            "last_status": status.entity(base, author)}
            self.publish(f"timeline:direct:{author.id}", "conversation", conversation, author.id)

    # -- authentication and channels --------------------------------------------------------

    def viewer(self, request: Request) -> Viewer:
        """accountFromRequest and accountFromToken."""
        authorization = request.headers.get("Authorization")
        access_token = request.args.get("access_token") or request.headers.get("Sec-WebSocket-Protocol")
        if not authorization and not access_token:
            raise StreamError(401, "Missing access token")
        sent = re.sub(r"^Bearer ", "", authorization) if authorization else access_token
        token = self.store.tokens.get(sent)
        if token is None or token.revoked or token.user is None:
            raise StreamError(401, "Invalid access token")
        return Viewer(token, token.user.account.id, token.scope.split(" "))

    @staticmethod
    def check_scopes(viewer: Viewer, name) -> None:
        wanted = ("read", "read:notifications" if name == "user:notification" else "read:statuses")
        if not any(scope in viewer.scopes for scope in wanted):
            raise StreamError(401, "Access token does not have the required scopes")

    @staticmethod
    def channel_ids(viewer: Viewer, name, params: dict) -> tuple[tuple[str, ...], bool]:
        """channelNameToIds: the channels of a stream, and whether its statuses are filtered."""
        me = viewer.account_id
        if name == "user":
            notes = any(s in viewer.scopes for s in ("read", "read:notifications"))
            return (f"timeline:{me}",) + ((f"timeline:{me}:notifications",) if notes else ()), False
        if name == "user:notification":
            return (f"timeline:{me}:notifications",), False
        if name in PUBLIC:
            return ("timeline:" + name,), True
        if name == "direct":
            return (f"timeline:direct:{me}",), False
        if name in ("hashtag", "hashtag:local"):
            tag = params.get("tag")
            if not tag:
                raise StreamError(400, "Missing tag name parameter")
            if not isinstance(tag, str):
                raise unexpected()  # normalizeHashtag throws on a number
            return (f"timeline:hashtag:{normalize_hashtag(tag)}" + (":local" if name == "hashtag:local" else ""),), True
        if name == "list":
            if not params.get("list"):
                raise StreamError(400, "Missing list name parameter")
            raise StreamError(401, "Not authorized to stream this list")  # the sandbox has no lists
        raise StreamError(400, "Unknown stream type")

    @staticmethod
    def stream_name(name, params: dict) -> list:
        """streamNameFromChannelName: the `stream` array each WebSocket event carries."""
        if name == "list" and params.get("list"):
            return [name, params["list"]]
        if name in ("hashtag", "hashtag:local") and params.get("tag"):
            return [name, params["tag"]]
        return [name]

    # -- the WSGI layer ---------------------------------------------------------------------

    def wrap(self, inner):
        def app(environ, start_response):
            path = environ.get("PATH_INFO") or "/"
            if path != BASE and not path.startswith(BASE + "/"):
                return inner(environ, start_response)
            request = Request(environ)
            request_id = secrets.token_hex(8)
            if request.headers.get("Upgrade"):  # Node's `upgrade` event, whatever the path
                return self.websocket(request, request_id, environ, start_response)
            response = self.http(request)
            response.headers["Access-Control-Allow-Origin"] = "*"  # cors(): on every answer
            response.headers["X-Request-Id"] = request_id
            return response(environ, start_response)
        return app

    @staticmethod
    def error(status: int, message: str) -> Response:
        return Response(to_json({"error": message}), status, content_type="application/json")

    def http(self, request: Request) -> Response:
        if request.method == "OPTIONS":  # cors(): every OPTIONS is a preflight, answered 204
            response = Response(status=204, headers={"Access-Control-Allow-Methods": CORS_METHODS,
                                                     "Vary": "Access-Control-Request-Headers",
                                                     "Content-Length": "0"})
            if request.headers.get("Access-Control-Request-Headers"):
                response.headers["Access-Control-Allow-Headers"] = request.headers["Access-Control-Request-Headers"]
            return response
        if request.path == HEALTH and request.method in ("GET", "HEAD"):
            return Response("OK", 200, content_type="text/plain", headers={"Cache-Control": "private, no-store"})
        if self.other:
            return self.error(404, "Not found")
        name = SSE_PATHS.get(request.path)
        if name is None:
            return self.error(400, "Unknown channel requested")
        if name.startswith("public") and request.args.get("only_media") and \
                request.args["only_media"] not in FALSE_VALUES:
            name += ":media"
        try:
            viewer = self.viewer(request)
            self.check_scopes(viewer, name)
        except StreamError as failure:
            return self.error(failure.status, failure.message)
        if request.method not in ("GET", "HEAD"):  # no route: Express's own 404 page
            page = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
                    f'</head>\n<body>\n<pre>Cannot {request.method} {html.escape(request.path)}</pre>\n</body>\n</html>\n')
            return Response(page, 404, content_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": "default-src 'none'",
                                     "X-Content-Type-Options": "nosniff"})
        params = {key: request.args.get(key) for key in ("tag", "list") if key in request.args}
        try:
            channels, filtering = self.channel_ids(viewer, name, params)
        except StreamError as failure:
            return self.error(failure.status, failure.message)
        headers = {"Content-Type": "text/event-stream", "Cache-Control": "private, no-store"}
        if request.method == "HEAD":
            return Response(status=200, headers=headers)
        subscription = Subscription([name], channels, queue.Queue(), viewer.account_id, filtering)
        self.hub.add(subscription)
        return Response(EventStream(self, subscription), 200, headers=headers, direct_passthrough=True)

    def websocket(self, request: Request, request_id: str, environ, start_response):
        try:
            viewer = self.viewer(request)
        except StreamError as failure:
            if self.other and failure.message == "Invalid access token":
                response = Response("Invalid Bearer token", 400, content_type="text/plain")
            else:  # written by hand on the socket in Mastodon: no body, the message in a header
                response = Response(status=failure.status, content_type="text/plain",
                                    headers={"Content-Length": "0", "Connection": "close",
                                             "X-Error-Message": failure.message})
            response.headers["X-Request-Id"] = request_id
            return response(environ, start_response)
        try:
            ws = TokenEchoServer(environ, ping_interval=PING_INTERVAL)
        except (RemoteProtocolError, WebSocketError):  # not a WebSocket handshake (ws answers 400 then)
            return Response("Bad Request", 400, content_type="text/plain")(environ, start_response)
        WebSocketSession(self, ws, viewer).run(request.args)
        # The socket was the WebSocket's: once its closing handshake is over, end the connection
        # and tell werkzeug it is gone, so that it neither writes an HTTP answer of its own nor
        # reads the socket for a next request.
        ws.thread.join(timeout=5)
        try:
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise ConnectionAbortedError("WebSocket closed")


class TokenEchoServer(Server):
    """simple-websocket's server, choosing the first subprotocol offered, as the ws package
    does: a browser sends its token as the only one and drops a socket that does not echo it."""

    def choose_subprotocol(self, request):
        return request.subprotocols[0] if request.subprotocols else None


class EventStream:
    """The body of a server-sent-events answer; closing it (werkzeug does when the client has
    gone and a write fails) ends the subscription."""

    def __init__(self, streaming: Streaming, subscription: Subscription):
        self.streaming, self.subscription = streaming, subscription

    def __iter__(self):
        yield b":)\n"
        beat = self.streaming.heartbeat
        due = time.monotonic() + beat
        while True:
            wait = due - time.monotonic()
            if wait <= 0:
                yield b":thump\n\n"
                due += beat
                continue
            try:
                item = self.subscription.inbox.get(timeout=wait)
            except queue.Empty:
                continue
            if item is CLOSED:
                return
            _, event, payload = item
            yield f"event: {event}\ndata: {payload}\n\n".encode()

    def close(self) -> None:
        self.streaming.hub.remove(self.subscription)


class WebSocketSession:
    """One WebSocket: a reader thread hands the client's messages to the same queue the
    subscriptions fill, and this thread alone sends."""

    def __init__(self, streaming: Streaming, ws: Server, viewer: Viewer):
        self.streaming, self.ws, self.viewer = streaming, ws, viewer
        self.inbox: queue.Queue = queue.Queue()
        self.subscriptions: dict[tuple[str, ...], Subscription] = {}

    def read(self) -> None:
        while True:
            try:
                message = self.ws.receive()
            except ConnectionClosed:
                self.inbox.put(CLOSED)
                return
            self.inbox.put(("message", message))

    def run(self, args) -> None:
        threading.Thread(target=self.read, daemon=True, name="sandbox-streaming-reader").start()
        try:
            if args.get("stream"):
                self.subscribe(args["stream"], {k: args.get(k) for k in ("tag", "list") if k in args})
            while True:
                item = self.inbox.get()
                if item is CLOSED:
                    break
                kind, body, *rest = item
                if kind == "message":
                    if isinstance(body, (bytes, bytearray)):
                        self.ws.close(1003, BINARY_REFUSED)
                        break
                    self.handle(body)
                else:  # an event: (stream, event, payload)
                    self.ws.send(to_json({"stream": kind, "event": body, "payload": rest[0]}))
        except (ConnectionClosed, OSError):
            pass
        finally:
            for subscription in self.subscriptions.values():
                self.streaming.hub.remove(subscription)
            self.subscriptions.clear()
            try:
                self.ws.close()
            except (ConnectionClosed, OSError):
                pass

    def handle(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            return  # parseJSON logs and drops it
        if not isinstance(message, dict):
            return
        stream = message.get("stream")
        stream = stream[0] if isinstance(stream, list) and stream else stream
        params = {k: v for k, v in message.items() if k not in ("type", "stream")}
        if message.get("type") == "subscribe":
            self.subscribe(stream, params)
        elif message.get("type") == "unsubscribe":
            self.unsubscribe(stream, params)

    def subscribe(self, name, params: dict) -> None:
        try:
            self.streaming.check_scopes(self.viewer, name)
            channels, filtering = self.streaming.channel_ids(self.viewer, name, params)
        except StreamError as failure:
            self.ws.send(to_json({"error": failure.message, "status": failure.status}))
            return
        if channels in self.subscriptions:
            return
        subscription = Subscription(self.streaming.stream_name(name, params), channels, self.inbox,
                                    self.viewer.account_id, filtering)
        self.subscriptions[channels] = subscription
        self.streaming.hub.add(subscription)

    def unsubscribe(self, name, params: dict) -> None:
        try:
            channels, _ = self.streaming.channel_ids(self.viewer, name, params)
        except StreamError:
            self.ws.send(to_json({"error": "Error unsubscribing from channel"}))
            return
        subscription = self.subscriptions.pop(channels, None)
        if subscription:
            self.streaming.hub.remove(subscription)
