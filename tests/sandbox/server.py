"""The sandbox instance: a Flask app over the store, Authlib OAuth, Mastodon's CORS and errors."""

from __future__ import annotations

import html
import ipaddress
import json
import re
import secrets
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from authlib.common.errors import AuthlibHTTPError
from authlib.oauth2.rfc6750.errors import InsufficientScopeError
from flask import Flask, Response, abort, g, jsonify, redirect, render_template_string, request, session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.serving import make_server

from .oauth import build_oauth
from .scopes import ALL_SCOPES, LEGACY_SCOPES
from .store import OOB, App, Store, Token, same_secret
from .streaming import Streaming

API_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
EXPOSED = "Link, Mastodon-Async-Refresh, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id"
INVALID_TOKEN = "The access token is invalid"
HTML_500 = ("<!DOCTYPE html><html><head><title>500 Internal Server Error</title><script>alert('from the page')"
            "</script></head><body><h1>Internal Server Error</h1><p>The server crashed.</p></body></html>")
OUTSIDE_SCOPES = "This action is outside the authorized scopes"
NEEDS_USER = "This method requires an authenticated user"
NEEDS_APP = "This method requires an client credentials authentication"  # sic, as Mastodon sends it
JSON_ERROR_PATHS = ("/api/", "/oauth/token", "/oauth/revoke", "/oauth/userinfo")  # the rest are browser pages

# Request-size limits of a Mastodon install: nginx's client_max_body_size 99m (dist/nginx.conf)
# answers 413; Rack's query parser refuses a form body over 4 MiB and Rails' JSON parser one
# nested deeper than 100 (JSON.parse's max_nesting), both a 400.
MAX_BODY = 99 * 2**20
FORM_LIMIT = 4 * 2**20
JSON_DEPTH = 100
BIGINT = 2**63 - 1  # every id is a bigint
RATE_PERIOD = 300  # rack_attack.rb: the API throttles count per 5 minutes

# What REST::InstanceSerializer reports; the same constants bound what the sandbox accepts.
MAX_CHARS, URL_CHARS = 500, 23  # StatusLengthValidator
STATUSES = {"characters_reserved_per_url": URL_CHARS, "max_characters": MAX_CHARS, "max_media_attachments": 4}
MEDIA = {
    "supported_mime_types": [  # sorted; the order means nothing
        "audio/3gpp", "audio/aac", "audio/flac", "audio/m4a", "audio/mp3", "audio/mp4", "audio/mpeg",
        "audio/ogg", "audio/vnd.wave", "audio/vorbis", "audio/wav", "audio/wave", "audio/webm", "audio/x-m4a",
        "audio/x-pn-wave", "audio/x-wav", "image/avif", "image/gif", "image/heic", "image/heif", "image/jpeg",
        "image/png", "image/webp", "video/mp4", "video/ogg", "video/quicktime", "video/webm", "video/x-ms-asf"],
    "image_size_limit": 16 * 2**20, "image_matrix_limit": 33_177_600, "video_size_limit": 99 * 2**20,
    "video_frame_rate_limit": 120, "video_matrix_limit": 8_294_400,
}
POLLS = {"min_expiration": 300, "max_expiration": 2_629_746, "max_options": 4, "max_characters_per_option": 50}
# Shaped like a P-256 public key; the sandbox sends no Web Push.
VAPID_KEY = "BC5X3M-LjWxwUR2SZZOroAbmBXeDEyx7-PCLJTaSS5mWN4dkpLeCmLUI0dpIkbDeK5XIDVB7-8D9WjtqcH3cxfA="

URL_TEXT = re.compile(r"https?://\S+", re.IGNORECASE)
REMOTE_MENTION = re.compile(r"@(\w+)@[\w.-]+\w")
URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")  # what Ruby's URI.parse accepts


def loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def to_i(value: str | None) -> int:
    """Ruby's String#to_i, as Rails casts a limit or an id: the leading digits, else 0. Capped at
    a bigint, which also spares Python converting thousands of digits."""
    match = re.match(r"\s*([-+]?)(\d+)", value or "", re.ASCII)
    if not match:
        return 0
    number = min(int(match[2]), BIGINT) if len(match[2]) <= 19 else BIGINT
    return -number if match[1] == "-" else number


def nesting(value) -> int:
    """How deep arrays and objects nest, counted without recursion (the body may be very deep)."""
    depth, level = 0, [value]
    while containers := [v for v in level if isinstance(v, (dict, list))]:
        depth += 1
        level = [c for v in containers for c in (v.values() if isinstance(v, dict) else v)]
    return depth


def countable_length(text: str, spoiler: str) -> int:
    """StatusLengthValidator: a URL counts as 23 characters and a remote mention as its local part.
    (Mastodon counts grapheme clusters; code points are close enough here.)"""
    return len(spoiler) + len(REMOTE_MENTION.sub(r"@\1", URL_TEXT.sub("x" * URL_CHARS, text)))


def redirect_uri_problems(uri: str) -> list[str]:
    """Doorkeeper's RedirectUriValidator with Mastodon's forbid_redirect_uri, its messages as sent."""
    if uri in (OOB, OOB + ":auto"):
        return []
    try:
        parts = urlsplit(uri)  # raises on a broken IPv6 host such as `http://[`
    except ValueError:
        return ["must be a valid URI."]
    port = parts.netloc.rpartition("@")[2].rpartition("]")[2].partition(":")[2]
    if not URI_CHARS.fullmatch(uri) or not port.isdigit() and port:
        return ["must be a valid URI."]
    scheme, rest = parts.scheme.lower(), uri[len(parts.scheme) + 1:]
    problems = []
    if scheme in ("data", "vbscript", "javascript"):
        problems.append("is forbidden by the server.")
    if "#" in uri:
        problems.append("cannot contain a fragment.")
    if scheme == "localhost" or (scheme and rest and not rest.startswith("/")):  # an opaque URI
        problems.append("must specify a scheme.")
    if not scheme and not parts.netloc:
        problems.append("must be an absolute URI.")
    if scheme in ("http", "https") and not parts.hostname:
        problems.append("must be a valid URI.")
    return problems


def web_url(value: str) -> bool:
    """Mastodon's URLValidator: an http or https URL with a host."""
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def rails_paths(wsgi_app):
    """Rails' router squeezes repeated slashes and drops a trailing one, so `/api/v1/instance/`
    is `/api/v1/instance` (no redirect); Mastodon.py sends the slash."""
    def normalised(environ, start_response):
        environ["PATH_INFO"] = re.sub("/+", "/", environ.get("PATH_INFO") or "/").rstrip("/") or "/"
        return wsgi_app(environ, start_response)
    return normalised


class ApiError(Exception):
    def __init__(self, status: int, message: str, www: str | None = None, extra: dict | None = None):
        self.status, self.message, self.www, self.extra = status, message, www, extra or {}


def cors_rule(path: str, legacy: bool) -> str | None:
    """The methods rack-cors allows for a path, as Mastodon's config/initializers/cors.rb lists them."""
    if path.startswith("/api/"):
        return API_METHODS
    if path == "/oauth/token" or (path == "/oauth/revoke" and not legacy):
        return "POST"
    if path == "/oauth/userinfo":
        return "GET, POST"
    if path.startswith(("/.well-known/", "/nodeinfo/")):
        return "GET"
    return None


LOGIN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Log in - Sandbox</title></head>
<body><main><h1>Log in to the sandbox</h1>
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
<form method="post" action="/auth/sign_in">
<input type="hidden" name="next" value="{{ next }}">
<label>Username or e-mail <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button></form>
<p>Seeded users: alice / alice-password, bob / bob-password.</p></main></body></html>"""

CONSENT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorize - Sandbox</title></head>
<body><main><h1>Authorization required</h1>
<p><strong class="app-name">{{ app.name }}</strong> wants to use your account <strong class="account">@{{ user.account.username }}</strong>.</p>
<ul class="scopes">{% for scope in scopes %}<li>{{ scope }}</li>{% endfor %}</ul>
<form method="post" action="/oauth/authorize">{% for k, v in params %}<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
<button type="submit" name="decision" value="approve">Authorize</button></form>
<form method="post" action="/oauth/authorize">{% for k, v in params %}<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
<input type="hidden" name="_method" value="delete"><button type="submit" name="decision" value="deny">Deny</button></form>
</main></body></html>"""

NATIVE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorization code</title></head>
<body><main><h1>Authorization code</h1><p>Copy this code and paste it into the application.</p>
<input class="oauth-code" readonly value="{{ code }}"></main></body></html>"""

ERROR_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>An error has occurred</title></head>
<body><main><h1>An error has occurred</h1><pre class="error">{{ error }}</pre></main></body></html>"""


def create_app(*, legacy: bool = False, code_lifetime: float = 600, rate_limit: int = 300, store: Store | None = None,
               placeholder_app_token: bool = False, other: bool = False, heartbeat: float = 15):
    """legacy=True behaves like an older or non-Mastodon server: no metadata document, PKCE
    ignored, no CORS on /oauth/revoke, a single redirect_uri string, no profile scope.
    placeholder_app_token=True answers client credentials with a fixed token that no API
    call accepts, as some other implementations do. other=True is a server that speaks the API
    without being Mastodon (MASTODON_FACTS.md, "Other servers"): legacy and placeholder_app_token,
    plus a dead token answered 400 in plain text, its own error names (out_of_scope_for_token,
    identity_token_required), force_login ignored and an HTML 500 page for an id it cannot parse.
    heartbeat is the seconds between the streaming API's `:thump` comments (streaming.py)."""
    legacy = legacy or other
    placeholder_app_token = placeholder_app_token or other
    app = Flask("sandbox")
    app.secret_key = secrets.token_bytes(32)
    # Rack has no per-field limit on multipart text, and refuses over 4096 parts with a 413, as Werkzeug does.
    app.config.update(SESSION_COOKIE_SAMESITE="Lax", MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=None,
                      MAX_FORM_PARTS=4096)
    app.wsgi_app = rails_paths(app.wsgi_app)
    store = store or Store()
    app.extensions["sandbox_store"] = store
    streaming = app.extensions["sandbox_streaming"] = Streaming(store, other=other, heartbeat=heartbeat)
    app.wsgi_app = streaming.wrap(app.wsgi_app)  # /api/v1/streaming is its own server, ahead of Flask
    scopes_supported = LEGACY_SCOPES if legacy else ALL_SCOPES
    server, protector = build_oauth(app, store, legacy=legacy, code_lifetime=code_lifetime,
                                    placeholder_app_token=placeholder_app_token)
    counters: dict[str, tuple[int, int]] = {}
    # A server that is not Mastodon says which Mastodon it is compatible with, as Akkoma and Pleroma do.
    version = "4.2.10 (compatible; NotMastodon 1.0)" if other else "4.2.10" if legacy else "4.7.0"

    def base() -> str:
        return request.host_url.rstrip("/")

    # -- cross-cutting: CORS, rate limits, errors -----------------------------------------

    @app.before_request
    def preflight_and_limits():
        g.request_id = secrets.token_hex(8)
        allowed = cors_rule(request.path, legacy)
        if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
            wanted = request.headers["Access-Control-Request-Method"].upper()
            if not allowed or wanted not in allowed:
                return Response(status=404)
            headers = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": allowed,
                       "Access-Control-Expose-Headers": EXPOSED, "Access-Control-Max-Age": "7200"}
            if request.headers.get("Access-Control-Request-Headers"):
                headers["Access-Control-Allow-Headers"] = request.headers["Access-Control-Request-Headers"]
            return Response(status=200, headers=headers)
        read_body()
        if request.path.startswith("/api/"):
            key = token_string() or "ip:" + (request.remote_addr or "")
            # Rack::Attack counts in windows aligned on the period (its key holds now / period), and
            # X-RateLimit-Reset is the window's end (api/rate_limit_headers.rb, reset_period_offset).
            window = int(time.time() // RATE_PERIOD)
            counted, used = counters.get(key, (window, 0))
            used = (used if counted == window else 0) + 1
            counters[key] = (window, used)
            reset = datetime.fromtimestamp((window + 1) * RATE_PERIOD, tz=timezone.utc)
            g.rate = (rate_limit, max(rate_limit - used, 0), reset.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
            if used > rate_limit:
                raise ApiError(429, "Too many requests")
        return None

    @app.after_request
    def cross_cutting_headers(response: Response):
        response.headers["X-Request-Id"] = getattr(g, "request_id", "")
        if getattr(g, "rate", None):
            limit, remaining, reset = g.rate
            response.headers["X-RateLimit-Limit"] = str(limit)
            response.headers["X-RateLimit-Remaining"] = str(remaining)
            response.headers["X-RateLimit-Reset"] = reset
        allowed = cors_rule(request.path, legacy)
        if request.headers.get("Origin") and allowed and request.method in allowed:
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = EXPOSED
        return response

    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        response = jsonify({"error": error.message, **error.extra})
        response.status_code = error.status
        if error.www:
            response.headers["WWW-Authenticate"] = error.www
        return response

    def not_found(_=None):
        if request.path.startswith("/api/"):
            return jsonify({"error": "Record not found"}), 404
        if request.path.startswith(JSON_ERROR_PATHS):  # a wrong verb on an OAuth endpoint: Rails' JSON 404
            return jsonify({"error": "Not Found"}), 404
        return Response("<!doctype html><title>404</title><h1>The page you are looking for isn't here.</h1>",
                        404, content_type="text/html")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_):
        return api_error(ApiError(413, "Content Too Large"))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in (404, 405):  # Rails routes an unknown path or verb to its catch-all 404
            return not_found()
        if request.path.startswith(JSON_ERROR_PATHS):
            return api_error(ApiError(error.code or 400, error.name))
        return error

    def read_body() -> None:
        """The size limits, then a JSON body parsed as Rails parses it (into g.json)."""
        size = request.content_length or 0
        if size > MAX_BODY:
            raise ApiError(413, "Content Too Large")
        if request.mimetype == "application/x-www-form-urlencoded" and size > FORM_LIMIT:
            raise ApiError(400, "Bad Request")
        g.json = None
        if request.mimetype == "application/json" and request.get_data().strip():
            try:
                g.json = json.loads(request.get_data())
            except (ValueError, RecursionError):
                raise ApiError(400, "Bad Request") from None
            if nesting(g.json) > JSON_DEPTH:
                raise ApiError(400, "Bad Request")

    # -- authentication helpers -----------------------------------------------------------

    def bearer(code: str, description: str) -> str:
        return f'Bearer realm="Doorkeeper", error="{code}", error_description="{description}"'

    def token_string() -> str | None:
        """The token as Doorkeeper finds it: an `Authorization: Bearer` header, else an access_token
        or bearer_token parameter. A blank one counts as none, and so does another scheme."""
        auth = request.headers.get("Authorization", "")
        found = (auth[7:] if auth[:7].lower() == "bearer " else None,
                 request.values.get("access_token"), request.values.get("bearer_token"))
        return next((value for value in found if value and value.strip()), None)

    def authorize(*scopes: str, optional: bool = False) -> Token | None:
        """doorkeeper_authorize! (any listed scope passes) or, with optional=True,
        authorize_if_got_token!: the scope is checked only when a token is sent."""
        sent = token_string()
        if not sent and optional:
            return None

        class Carrier:  # what Authlib's ResourceProtector reads
            headers = {"Authorization": f"Bearer {sent}"} if sent else {}

        try:
            token = protector.validate_request(list(scopes) or None, Carrier())
        except InsufficientScopeError:
            if other:
                raise ApiError(403, "out_of_scope_for_token") from None
            raise ApiError(403, OUTSIDE_SCOPES, bearer("insufficient_scope", OUTSIDE_SCOPES)) from None
        except AuthlibHTTPError:  # missing, malformed, unknown or revoked token
            if other and sent:
                abort(Response("Invalid Bearer token", 400, content_type="text/plain"))
            known = store.tokens.get(sent or "")
            message = "The access token was revoked" if known and known.revoked else INVALID_TOKEN
            raise ApiError(401, message, bearer("invalid_token", message)) from None
        g.viewer = token.user.account if token.user else None
        return token

    def require_user(token: Token | None):
        if token is None or token.user is None:
            raise ApiError(401, "identity_token_required") if other else ApiError(422, NEEDS_USER)
        return token.user

    def params() -> dict:
        body = g.get("json")
        return body if isinstance(body, dict) else request.form.to_dict(flat=True)

    def viewer():
        return g.get("viewer")

    def text(data: dict, key: str, strip: bool = True) -> str:
        """A string parameter; anything else is dropped, as Rails' strong parameters drop it."""
        value = data.get(key)
        if not isinstance(value, str):
            return ""
        return value.strip() if strip else value

    # -- discovery and instance -----------------------------------------------------------

    @app.get("/.well-known/oauth-authorization-server")
    def metadata():
        if legacy:
            return not_found(None)
        root = base()
        return jsonify({
            "issuer": root + "/", "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": root + "/oauth/authorize", "token_endpoint": root + "/oauth/token",
            "revocation_endpoint": root + "/oauth/revoke", "userinfo_endpoint": root + "/oauth/userinfo",
            "scopes_supported": scopes_supported, "response_modes_supported": ["query", "fragment", "form_post"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "response_types_supported": ["code"], "grant_types_supported": ["authorization_code", "client_credentials"],
            "code_challenge_methods_supported": ["S256"], "app_registration_endpoint": root + "/api/v1/apps",
        })

    def instance_common() -> dict:
        return {"title": "Mastodon Sandbox", "version": version, "languages": ["en"],
                "description": "A loopback Mastodon-compatible instance for tests."}

    @app.get("/api/v2/instance")
    def instance_v2():
        """REST::InstanceSerializer; legacy mode drops what 4.3 and later added."""
        root = base()
        configuration = {
            "urls": {"streaming": "ws://" + request.host, "status": None, "about": root + "/about",
                     "privacy_policy": root + "/privacy-policy", "terms_of_service": None},
            "vapid": {"public_key": VAPID_KEY},
            "accounts": {"max_pinned_statuses": 5, "max_featured_tags": 10, "max_profile_fields": 4,
                         "profile_field_value_limit": 255, "profile_field_name_limit": 255, "max_note_length": 500,
                         "max_display_name_length": 40, "max_header_description_length": 150,
                         "max_avatar_description_length": 150},
            "statuses": STATUSES, "media_attachments": {"description_limit": 10_000, **MEDIA}, "polls": POLLS,
            "translation": {"enabled": False},
            "timelines_access": {feed: {"local": "public", "remote": "public"}
                                 for feed in ("live_feeds", "hashtag_feeds", "trending_link_feeds")},
            "limited_federation": False,
        }
        body = {"domain": request.host, "source_url": "https://github.com/mastodon/mastodon", **instance_common(),
                "usage": {"users": {"active_month": len(store.users)}},
                "thumbnail": {"url": root + "/packs/media/images/preview.png",
                              "description": "Two smiling cartoon mastodons toss a paper plane between them."},
                "icon": [{"src": f"{root}/packs/media/icons/android-chrome-{n}x{n}.png", "size": f"{n}x{n}"}
                         for n in (36, 48, 72, 96, 144, 192, 256, 384, 512)],
                "configuration": configuration,
                "registrations": {"approval_required": False, "enabled": True, "message": None, "min_age": None,
                                  "reason_required": False, "url": None},
                "api_versions": {"mastodon": 11}, "wrapstodon": None,
                "contact": {"email": "admin@sandbox.test", "account": None}, "rules": []}
        if legacy:
            for key in ("icon", "api_versions", "wrapstodon"):
                del body[key]
            for key in ("vapid", "timelines_access", "limited_federation"):
                del configuration[key]
        return jsonify(body)

    @app.get("/api/v1/instance")
    def instance_v1():
        """REST::V1::InstanceSerializer, deprecated but still served."""
        common = instance_common()
        return jsonify({"uri": request.host, **common, "short_description": common["description"],
                        "email": "admin@sandbox.test", "urls": {"streaming_api": "ws://" + request.host},
                        "stats": {"user_count": len(store.users), "status_count": len(store.statuses),
                                  "domain_count": 1}, "thumbnail": base() + "/packs/media/images/preview.png",
                        "registrations": True, "approval_required": False,
                        "invites_enabled": True,  # UserRole.everyone may invite_users by default
                        "configuration": {"accounts": {"max_featured_tags": 10}, "statuses": STATUSES,
                                          "media_attachments": MEDIA, "polls": POLLS},
                        "contact_account": None, "rules": []})

    # -- apps -----------------------------------------------------------------------------

    def app_entity(client: App, credentials: bool) -> dict:
        body = {"id": client.id, "name": client.name, "website": client.website, "scopes": client.scopes,
                "redirect_uri": "\n".join(client.redirect_uris), "vapid_key": VAPID_KEY}
        if not legacy:
            body["redirect_uris"] = client.redirect_uris
        if credentials:
            body.update(client_id=client.client_id, client_secret=client.client_secret)
            if not legacy:
                body["client_secret_expires_at"] = 0
        return body

    @app.post("/api/v1/apps")
    def create_app_():
        data = params()
        name = text(data, "client_name")
        raw = data.get("redirect_uris", data.get("redirect_uri", ""))
        if isinstance(raw, list):
            if legacy:
                raise ApiError(422, "Validation failed: Redirect URI must be a string")
            raw = "\n".join(r for r in raw if isinstance(r, str))
        raw = raw if isinstance(raw, str) else ""
        uris = raw.split()
        scopes = (text(data, "scopes") or "read").split()
        website = text(data, "website") or None
        # In the order Doorkeeper's and then Mastodon's validations run.
        problems = [] if name else ["Application name can't be blank"]
        if not uris:
            problems.append("Redirect URI can't be blank")
        problems += [f"Redirect URI {p}" for uri in uris for p in redirect_uri_problems(uri)]
        if any(s not in scopes_supported for s in scopes):
            problems.append("Scopes doesn't match those configured on the server.")
        if len(name) > 60:
            problems.append("Application name is too long (maximum is 60 characters)")
        if len(raw) > 2000:
            problems.append("Redirect URI is too long (maximum is 2000 characters)")
        if website and not web_url(website):
            problems.append("Application website is not a valid URL")
        if website and len(website) > 2000:
            problems.append("Application website is too long (maximum is 2000 characters)")
        if problems:
            raise ApiError(422, "Validation failed: " + ", ".join(problems))
        client = App(store.next_id(), name, uris, scopes, website)
        store.apps[client.id] = client
        return jsonify(app_entity(client, credentials=True))

    @app.get("/api/v1/apps/verify_credentials")
    def verify_app():
        token = authorize()  # any valid token, user or app, with any scope
        return jsonify(app_entity(token.app, credentials=False))

    # -- OAuth endpoints ------------------------------------------------------------------

    def current_user():
        username = session.get("user")
        return store.users.get(username) if username else None

    def authorize_params() -> list[tuple[str, str]]:
        keep = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                "code_challenge_method", "lang")
        return [(k, request.values[k]) for k in keep if k in request.values]

    def consent_grant(user):
        """Authlib's pre-authorization. Authlib refuses to build an error whose description
        would hold a character RFC 6749 forbids there (an unregistered redirect_uri such as `Ò`
        is quoted in it) and raises ValueError instead: that is Doorkeeper's invalid_redirect_uri."""
        try:
            return server.get_consent_grant(end_user=user)
        except ValueError:
            raise AuthlibHTTPError("invalid_redirect_uri", "The requested redirect uri is malformed or doesn't "
                                   "match client redirect URI.") from None

    @app.get("/oauth/authorize")
    def authorize_page():
        if request.args.get("force_login") in ("true", "1", "True") and not other:
            session.pop("user", None)
            query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "force_login"])
            return render_template_string(LOGIN_PAGE, next="/oauth/authorize?" + query, error=None)
        user = current_user()
        if user is None:
            return render_template_string(LOGIN_PAGE, next=request.full_path, error=None)
        try:
            grant = consent_grant(user)
        except AuthlibHTTPError as error:
            # Doorkeeper with Mastodon's handle_auth_errors (the default, :render) never redirects
            # a GET with an error back to the app: it renders its error page, since 5.6.8 with the
            # error's status, 401 for invalid_client and 400 for the rest (5.9.6:
            # authorizations_controller.rb:43-52, oauth/error_response.rb:51-57).
            status = 401 if error.error in ("invalid_client", "unauthorized_client") else 400
            return render_template_string(ERROR_PAGE, error=f"{error.error}: {error.description or ''}"), status
        return render_template_string(CONSENT_PAGE, app=grant.client, user=user,
                                      scopes=grant.request.scope.split(), params=authorize_params())

    @app.post("/auth/sign_in")
    def sign_in():
        wanted = request.form.get("next", "")
        if not wanted.startswith("/oauth/authorize"):
            wanted = "/oauth/authorize"  # never an open redirect
        name = request.form.get("username", "")
        user = store.users.get(name) or next((u for u in store.users.values() if u.email == name), None)
        if not user or not same_secret(user.password, request.form.get("password")):
            return render_template_string(LOGIN_PAGE, next=wanted, error="Invalid username or password."), 401
        session["user"] = user.account.username
        return redirect(wanted)

    @app.route("/oauth/authorize", methods=["POST", "DELETE"])
    def decide():
        user = current_user()
        if user is None:
            return render_template_string(LOGIN_PAGE, next="/oauth/authorize", error="Your session expired."), 401
        approve = request.method != "DELETE" and request.form.get("_method", "").lower() != "delete"
        try:
            grant = consent_grant(user)
        except AuthlibHTTPError as error:
            return render_template_string(ERROR_PAGE, error=f"{error.error}: {error.description or ''}"), 400
        response = server.create_authorization_response(grant_user=user if approve else None, grant=grant)
        location = response.headers.get("Location", "")
        if location.startswith(OOB):
            code = dict(p.split("=", 1) for p in location.split("?", 1)[1].split("&")).get("code", "")
            return redirect("/oauth/authorize/native?" + urlencode({"code": code}))
        if legacy and location and "state" not in request.form and response.status_code == 302:
            response.headers["Location"] = location + ("&" if "?" in location else "?") + "state=None"
        return response

    @app.get("/oauth/authorize/native")
    def native():
        return render_template_string(NATIVE_PAGE, code=request.args.get("code", ""))

    @app.post("/oauth/token")
    def issue_token():
        return server.create_token_response()

    @app.post("/oauth/revoke")
    def revoke():
        return server.create_endpoint_response("revocation")

    @app.route("/oauth/userinfo", methods=["GET", "POST"])
    def userinfo():
        if legacy:  # added in 4.4 (PR #32548): an older server routes no such path
            return not_found()
        user = require_user(authorize("profile"))
        root = base()
        return jsonify({"iss": root + "/", "sub": f"{root}/users/{user.account.username}",
                        "name": user.account.display_name, "preferred_username": user.account.username,
                        "profile": f"{root}/@{user.account.username}",
                        "picture": f"{root}/avatars/original/missing.png"})

    # -- API ------------------------------------------------------------------------------

    @app.get("/api/v1/accounts/verify_credentials")
    def verify_account():
        scopes = ("read", "read:accounts") if legacy else ("profile", "read", "read:accounts")
        user = require_user(authorize(*scopes))
        return jsonify(user.account.credential_entity(base()))

    @app.post("/api/v1/accounts")
    def register():
        token = authorize("write", "write:accounts")
        if token.user is not None:
            raise ApiError(403, NEEDS_APP)
        data = params()
        details: dict[str, list[dict]] = {}
        username, email = text(data, "username"), text(data, "email")
        if not username:
            details["username"] = [{"error": "ERR_BLANK", "description": "can't be blank"}]
        elif username in store.users:
            details["username"] = [{"error": "ERR_TAKEN", "description": "is already taken"}]
        if "@" not in email:
            details["email"] = [{"error": "ERR_INVALID", "description": "is invalid"}]
        if len(text(data, "password")) < 8:
            details["password"] = [{"error": "ERR_TOO_SHORT", "description": "is too short (minimum is 8 characters)"}]
        if str(data.get("agreement")).lower() not in ("true", "1"):
            details["agreement"] = [{"error": "ERR_ACCEPTED", "description": "must be accepted"}]
        if details:
            summary = ", ".join(f"{k.capitalize()} {v[0]['description']}" for k, v in details.items())
            raise ApiError(422, "Validation failed: " + summary, extra={"details": details})
        account = store.add_account(username, username, password=str(data["password"]))
        new = Token(secrets.token_urlsafe(32), token.app, store.users[account.username], " ".join(token.app.scopes))
        store.tokens[new.access_token] = new
        return jsonify(new.response())

    @app.post("/api/v1/accounts/<account_id>/block")
    def block(account_id):
        user = require_user(authorize("follow", "write", "write:blocks"))
        if account_id not in store.accounts:
            raise ApiError(404, "Record not found")
        store.blocks.add((user.account.id, account_id))
        # REST::RelationshipSerializer; muting_expires_at came with 4.6.
        relationship = {"id": account_id, "blocking": True, "blocked_by": False, "following": False,
                        "followed_by": False, "muting": False, "muting_notifications": False, "notifying": False,
                        "showing_reblogs": False, "endorsed": False, "requested_by": False, "requested": False,
                        "domain_blocking": False, "note": "", "languages": None}
        if not legacy:
            relationship["muting_expires_at"] = None
        return jsonify(relationship)

    def page_of(items: list, path: str, default: int = 20, kept: tuple[str, ...] = ("limit",)) -> Response:
        """Mastodon's pagination: max_id, since_id, min_id, limit (limit_param: `default` when absent,
        at most twice that), and a Link header on a page with items, whose addresses repeat the
        parameters of `kept` the request had (next_path_params, pagination_params). Values are
        cast as Rails casts them, so a bad one narrows the page instead of failing."""
        limit = min(abs(to_i(request.args["limit"])), default * 2) if "limit" in request.args else default
        bounds = {key: to_i(request.args[key]) for key in ("max_id", "since_id", "min_id") if request.args.get(key)}
        if "max_id" in bounds:
            items = [i for i in items if int(i.id) < bounds["max_id"]]
        if "since_id" in bounds:
            items = [i for i in items if int(i.id) > bounds["since_id"]]
        if "min_id" in bounds:
            items = [i for i in items if int(i.id) > bounds["min_id"]][-limit:] if limit else []
        chosen = items[:limit]
        response = jsonify([i.entity(base(), viewer()) for i in chosen])
        if chosen:
            root = base() + path
            same = [(key, value) for key in kept for value in request.args.getlist(key)]
            response.headers["Link"] = (f'<{root}?{urlencode([*same, ("max_id", chosen[-1].id)])}>; rel="next", '
                                        f'<{root}?{urlencode([*same, ("min_id", chosen[0].id)])}>; rel="prev"')
        return response

    @app.get("/api/v1/timelines/home")
    def home():
        user = require_user(authorize("read", "read:statuses"))
        visible = [s for s in store.timeline({"public", "unlisted", "private"})
                   if s.visibility != "private" or s.account.id == user.account.id]
        return page_of(visible, "/api/v1/timelines/home", kept=("local", "limit"))

    @app.get("/api/v1/timelines/public")
    def public_timeline():
        authorize("read", "read:statuses", optional=True)
        return page_of(store.timeline({"public"}), "/api/v1/timelines/public",
                       kept=("local", "remote", "limit", "only_media"))

    @app.get("/api/v1/statuses/<status_id>")
    def show_status(status_id):
        if other and not status_id.isdigit():  # an unparsable id crashes it, with its framework's page
            return Response(HTML_500, 500, content_type="text/html; charset=utf-8")
        token = authorize("read", "read:statuses", optional=True)
        status = store.statuses.get(status_id)
        if status is None or (status.visibility == "private" and not (
                token and token.user and token.user.account.id == status.account.id)):
            raise ApiError(404, "Record not found")
        return jsonify(status.entity(base(), viewer()))

    @app.post("/api/v1/statuses")
    def post_status():
        token = authorize("write", "write:statuses")
        user = require_user(token)
        data = params()
        body, spoiler = text(data, "status", strip=False), text(data, "spoiler_text", strip=False)
        if not body.strip() and not data.get("media_ids"):
            raise ApiError(422, "Validation failed: Text can't be blank")
        if countable_length(body, spoiler) > MAX_CHARS:
            raise ApiError(422, f"Validation failed: Text character limit of {MAX_CHARS} exceeded")
        visibility = text(data, "visibility") or "public"
        if visibility not in ("public", "unlisted", "private", "direct"):
            raise ApiError(422, "Validation failed: Visibility is not included in the list")
        status = store.add_status(user.account, f"<p>{html.escape(body.strip())}</p>", visibility, spoiler, token.app)
        streaming.status_posted(status, base())
        return jsonify(status.entity(base(), user.account))

    @app.get("/api/v1/notifications")
    def notifications():
        user = require_user(authorize("read", "read:notifications"))

        # Someone else favourited each of the user's public statuses (Mastodon never notifies
        # you of your own favourite). REST::NotificationSerializer; a favourite is groupable, so
        # its group_key is "favourite-<status id>-<hour bucket>" (notification/groups.rb), a key
        # that came with 4.3.
        fan = next(a for a in store.accounts.values() if a.id != user.account.id)

        class Note:
            def __init__(self, status):
                self.id, self.status = str(int(status.id) + 500000), status

            def entity(self, root, viewer=None):
                body = {"id": self.id, "type": "favourite", "created_at": self.status.entity(root)["created_at"],
                        "account": fan.entity(root, viewer), "status": self.status.entity(root, viewer)}
                if not legacy:
                    body["group_key"] = f"favourite-{self.status.id}-{int(self.status.created_at.timestamp()) // 3600}"
                return body

        mine = [Note(s) for s in store.timeline({"public"}) if s.account.id == user.account.id]
        # DEFAULT_NOTIFICATIONS_LIMIT is 40 (so at most 80), and the Link keeps the filters.
        return page_of(mine, "/api/v1/notifications", default=40,
                       kept=("limit", "account_id", "types[]", "exclude_types[]", "include_filtered",
                             "supported_types[]"))

    return app


class Sandbox:
    """The sandbox on a loopback port, in a background thread: `with Sandbox() as s: s.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **options):
        if not loopback(host):  # it has seeded passwords and no TLS: never reachable from elsewhere
            raise ValueError(f"the sandbox listens on a loopback address only, not {host!r}")
        self.app = create_app(**options)
        self.store: Store = self.app.extensions["sandbox_store"]
        self._server = make_server(host, port, self.app, threaded=True)
        self.url = f"http://{f'[{host}]' if ':' in host else host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "Sandbox":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
