"""A hostile "instance" for the explorer's robustness tests: it answers whatever the test
asks for (slow, 500, HTML, huge, no CORS, broken Link headers, script payloads everywhere)."""

import json
import threading
import time

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
