"""The answers an endpoint can give, from what the catalog says of it and how Mastodon's
filters behave (../shared/MASTODON_FACTS.md, "Error response shapes"): the success, then
each error that its OAuth alternatives, role permission, path and parameters imply. Every
error body is an Error entity; the messages are Mastodon's own strings."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Endpoint
from .versions import format_version


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    when: str  # in our words
    body: dict | None = None  # an Error, for the errors


def error(message: str) -> dict:
    return {"error": message}


def errors(endpoint: Endpoint) -> list[Answer]:
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
    form = [p for p in endpoint.params if p.location == "form"]
    if form and endpoint.method != "GET":
        required = next((p.name.split("[")[0] for p in form if p.required), None)
        out.append(Answer(422, "The server refused the values sent; the message says which.", error(
            f"Validation failed: {required.replace('_', ' ').capitalize()} can't be blank" if required
            else "Validation failed")))
    out.append(Answer(429, ("Over this endpoint's own rate limit or the general one" if endpoint.rate_limit else
                            "Over the general rate limit") + "; `X-RateLimit-Reset` says when to try again.",
                      error("Too many requests")))
    return sorted(out, key=lambda answer: answer.status)
