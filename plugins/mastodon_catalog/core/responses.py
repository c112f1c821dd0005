"""The answers an endpoint can give, from what the catalog says of it and how Mastodon's
filters behave (../shared/MASTODON_FACTS.md, "Error response shapes"): the success, then
each error that its OAuth alternatives, role permission, path and parameters imply. Every
error body is an Error entity (or, for the authorization page, an HTML page); the messages
are Mastodon's and Doorkeeper's own strings."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Endpoint
from .versions import format_version


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    when: str  # in our words
    body: dict | None = None  # an Error, for the errors; None: an HTML page


def error(message: str) -> dict:
    return {"error": message}


# Doorkeeper answers for its own routes, whatever the token kinds say (doorkeeper 5.9.6:
# oauth/error_response.rb:51-57 gives invalid_client 401 and the rest 400; tokens_controller.rb
# answers a revoke by another or no client with 403; Mastodon keeps handle_auth_errors at
# :render, so a refused authorization request is an HTML page). rack-attack throttles none.
# The examples leave out Doorkeeper's error_description sentences.
DOORKEEPER = {
    ("GET", "/oauth/authorize"): [
        Answer(400, "The request is refused: a redirect_uri the app did not register, scopes beyond the app's, "
                    "an unsupported response_type or code_challenge_method."),
        Answer(401, "No app has this client_id."),
    ],
    ("POST", "/oauth/token"): [
        Answer(400, "A parameter is missing, the code or refresh token is unknown, used, expired or was issued for "
                    "another redirect_uri or PKCE verifier, the scopes are beyond the app's, or the grant type is "
                    "not supported.", error("invalid_grant")),
        Answer(401, "The client could not be authenticated: unknown client_id or wrong client_secret.",
               error("invalid_client")),
    ],
    ("POST", "/oauth/revoke"): [
        Answer(403, "The request did not authenticate the app, or the token belongs to another app.",
               error("unauthorized_client")),
    ],
}
BAD_BODY = Answer(400, "The body is not valid JSON (or a form Rails cannot read): Rails' parameter parser refuses "
                  "it before the controller runs (this body when the request accepts JSON).",
                  {"status": 400, "error": "Bad Request"})


def errors(endpoint: Endpoint) -> list[Answer]:
    body = [BAD_BODY] if endpoint.params_in("form") else []
    if (endpoint.method, endpoint.path) in DOORKEEPER:
        return sorted(body + DOORKEEPER[endpoint.method, endpoint.path], key=lambda answer: answer.status)
    kinds = {alt.token for alt in endpoint.oauth}
    scoped = any(alt.scopes for alt in endpoint.oauth)
    out: list[Answer] = []
    if "public" in kinds:
        out.append(Answer(401, "A token was sent, but it is unknown, revoked or expired (no token at all is fine).",
                          error("The access token is invalid")))
    else:
        out.append(Answer(401, "No token, or one that is unknown, revoked or expired.",
                          error("The access token is invalid")))
    if scoped:
        out.append(Answer(403, "The token lacks the scopes of every alternative.",
                          error("This action is outside the authorized scopes")))
    if kinds == {"app"}:
        out.append(Answer(403, "A user token was sent: this endpoint takes the app's own token.",
                          error("This method requires an client credentials authentication")))
    if endpoint.permission:  # the policy runs before any user check: an app token's role is "nobody"
        out.append(Answer(403, "The account's role lacks the permission, or an app token was sent.",
                          error("This action is not allowed")))
    elif "user" in kinds and not kinds & {"app", "public"}:
        out.append(Answer(422, "An app token was sent: there is no user behind it.",
                          error("This method requires an authenticated user")))
    if ":" in endpoint.path:
        out.append(Answer(404, "Nothing with that id, or nothing this token may see.", error("Record not found")))
    if endpoint.removed:  # the route is gone: Rails' catch-all answers, never 410 (api/ has no `gone`)
        out.append(Answer(404, f"The server runs {format_version(endpoint.removed)} or later, which no longer has "
                          "this endpoint (a request that does not accept JSON gets an HTML page).",
                          error("Not Found")))
    out += body
    form = endpoint.params_in("form")
    if form and endpoint.method != "GET":
        required = next((p.name.split("[")[0] for p in form if p.required), None)
        out.append(Answer(422, "The server refused the values sent; the message says which.", error(
            f"Validation failed: {required.replace('_', ' ').capitalize()} can't be blank" if required
            else "Validation failed")))
    if endpoint.path.startswith("/api/") or endpoint.rate_limit:  # rack-attack counts /api/ requests
        out.append(Answer(429, ("Over this endpoint's own rate limit or the general one" if endpoint.rate_limit
                                else "Over the general rate limit") + "; `X-RateLimit-Reset` says when to try again.",
                          error("Too many requests")))
    return sorted(out, key=lambda answer: answer.status)
