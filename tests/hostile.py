"""Hostile "instances" for the explorer's robustness tests. Hostile answers whatever the test
asks for (slow, 500, HTML, huge, no CORS, broken Link headers, script payloads everywhere, or
a JSON body the test sets, such as one that drifts from the docs).
Relay is the sandbox with a twist a test picks (a redirect to Other, a rewritten metadata
document, an odd token); Other is the origin that must never receive anything."""

import io
import json
import threading
import time
from urllib.parse import parse_qsl

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "Link, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"}


def poisoned(value):
    """The same shape with a script payload in every string."""
    if isinstance(value, dict):
        return {k: poisoned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [poisoned(v) for v in value]
    return f"{value}{PAYLOAD}" if isinstance(value, str) else value


class Hostile:
    def __init__(self):
        self.mode = "scripts"
        self.body = None  # mode "body": answer every API call with this JSON
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        self._server.shutdown()

    def json(self, body, status=200, headers=None):
        return Response(json.dumps(body), status, {"Content-Type": "application/json", **CORS, **(headers or {})})

    def app(self, environ, start_response):
        request = Request(environ)
        if request.method == "OPTIONS":
            response = Response("", 200, {**CORS, "Access-Control-Allow-Headers": "authorization, content-type",
                                          "Access-Control-Allow-Methods": "GET, POST"})
        elif request.path == "/.well-known/oauth-authorization-server":
            response = Response("not here", 404, CORS)
        elif request.path in ("/api/v2/instance", "/api/v1/instance"):
            response = self.json(poisoned({"title": "Hostile", "version": "4.0.0", "description": "x"}))
        else:
            response = self.api()
        return response(environ, start_response)

    def api(self):
        status = poisoned({"id": "1", "content": "<p>hello</p>", "account": {"username": "mallory",
                                                                           "display_name": "Mallory"}})
        if self.mode == "body":
            return self.json(self.body)
        if self.mode == "slow":
            time.sleep(2)
            return self.json([status])
        if self.mode == "error":
            return Response("<html><body><h1>We're sorry</h1><script>window.__pwned=3</script></body></html>", 500,
                            {"Content-Type": "text/html", **CORS})
        if self.mode == "html":
            return Response(f"<html><body>{PAYLOAD}</body></html>", 200, {"Content-Type": "text/html", **CORS})
        if self.mode == "huge":
            return self.json([status] * 40000)
        if self.mode == "nocors":
            return Response(json.dumps([status]), 200, {"Content-Type": "application/json"})
        if self.mode == "badlinks":
            return self.json([status], headers={"Link": '<javascript:window.__pwned=4>; rel="next", '
                                                        '<http://127.0.0.2:9/steal>; rel="prev", garbage;;, <>'})
        return self.json([status], headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": PAYLOAD,
                                            "X-RateLimit-Reset": PAYLOAD})


class Other:
    """The other origin: a loopback server on its own port that records everything it receives
    and answers the way an instance would, so a followed redirect would look like success."""

    def __init__(self):
        self.received = []
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        self._server.shutdown()

    def app(self, environ, start_response):
        request = Request(environ)
        self.received.append({"method": request.method, "url": request.full_path, "headers": dict(request.headers),
                              "body": request.get_data(as_text=True)})
        cors = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "authorization, content-type",
                "Access-Control-Allow-Methods": "GET, POST"}
        answers = {"/oauth/token": {"access_token": "from-the-other-origin", "scope": "read write"},
                   "/oauth/revoke": {}, "/api/v1/apps": {"client_id": "other-id", "client_secret": "other-secret",
                                                         "scopes": ["read", "write"]},
                   "/api/v2/instance": {"title": "The other origin", "version": "4.3.0"},
                   "/api/v1/instance": {"title": "The other origin", "version": "4.3.0"},
                   "/.well-known/oauth-authorization-server": {"token_endpoint": self.url + "/oauth/token"}}
        body = answers.get(request.path, [{"id": "1", "content": "an answer from the other origin"}])
        return Response(json.dumps(body), 200, {"Content-Type": "application/json", **cors})(environ, start_response)


class Relay:
    """An instance that is the sandbox (its real OAuth and login pages), except where a test
    makes it answer a call with a redirect to `other`, rewrite its metadata document, or hand
    out an odd access token."""

    def __init__(self, other: Other, legacy: bool = False):
        from sandbox import create_app
        from sandbox.server import cors_rule

        self.other, self.legacy, self._cors_rule = other, legacy, cors_rule
        self.sandbox = create_app(legacy=legacy)
        self.store = self.sandbox.extensions["sandbox_store"]
        self.redirect = None  # (method, path, status[, CORS headers on it: True/False; else as the server's])
        self.metadata = {}  # fields replaced in the metadata document
        self.access_token = ...  # ... leaves the token answer alone
        self.seen = []  # every form the relay received: where the secrets a test looks for come from
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        self._server.shutdown()

    def secrets(self) -> set[str]:
        """What the instance issued or was sent: client secrets, codes, verifiers, tokens."""
        found = {a.client_secret for a in self.store.apps.values()} | set(self.store.tokens)
        for form in self.seen:
            found |= {form[k] for k in ("client_secret", "code", "code_verifier", "token") if form.get(k)}
        return found

    def app(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)  # read here, and again by the sandbox
        request = Request(environ)
        if "form-urlencoded" in (request.content_type or ""):
            self.seen.append(dict(parse_qsl(body.decode("utf-8", "replace"))))
        method, path, status, *cors = self.redirect or (None, None, None)
        if (request.method, request.path) == (method, path):
            headers = {"Location": self.other.url + request.full_path.rstrip("?")}
            if cors[0] if cors else self._cors_rule(path, self.legacy):  # CORS on it lets fetch follow it
                headers["Access-Control-Allow-Origin"] = "*"
            return Response("", status, headers)(environ, start_response)
        if request.path == "/.well-known/oauth-authorization-server" and self.metadata:
            return self.rewritten(environ, start_response, lambda doc: {**doc, **self.metadata})
        if request.path == "/oauth/token" and request.method == "POST" and self.access_token is not ...:
            return self.rewritten(environ, start_response, lambda doc: {**doc, "access_token": self.access_token})
        return self.sandbox(environ, start_response)

    def rewritten(self, environ, start_response, change):
        response = Response.from_app(self.sandbox, environ)
        if response.status_code == 200:
            response.set_data(json.dumps(change(json.loads(response.get_data()))))
        return response(environ, start_response)
