"""The OpenAPI 3.1 document of the catalog, for other tools: generators, linters, consoles."""

from __future__ import annotations

import re

from .export import PageUrl
from .model import Catalog, Endpoint, Parameter
from .returns import describe
from .versions import MASTODON, format_version

SCALARS = {"string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
           "boolean": {"type": "boolean"}, "object": {"type": "object"},
           "file": {"type": "string", "contentMediaType": "application/octet-stream"},
           "datetime": {"type": "string", "format": "date-time"}, "date": {"type": "string", "format": "date"}}


def openapi_path(path: str) -> str:
    return re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", path)


def operation_id(endpoint: Endpoint) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", endpoint.id)


def _schema(p: Parameter) -> dict:
    schema = dict(SCALARS.get(p.type, {})) if p.type != "array" else {
        "type": "array", "items": dict(SCALARS.get(p.items or "string", {"type": "string"}))}
    if p.enum:
        (schema["items"] if p.type == "array" else schema)["enum"] = list(p.enum)
    if p.default is not None:
        schema["default"] = p.default
    return schema


def security(endpoint: Endpoint) -> list[dict]:
    """One requirement object per alternative: OR between objects, AND inside one."""
    schemes = {"app": "AppToken", "user": "UserToken"}
    return [{} if alt.token == "public" else {schemes[alt.token]: list(alt.scopes)} for alt in endpoint.oauth]


ERRORS = [("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"),
          ("422", "Unprocessable"), ("429", "RateLimited")]
ERROR_TEXTS = {
    "BadRequest": "A parameter is missing or malformed.",
    "Unauthorized": "The token is missing, invalid or revoked.",
    "Forbidden": "The token lacks a required scope, or the account may not do this.",
    "NotFound": "No such record, or not visible to this token.",
    "Unprocessable": "Validation failed, or the endpoint needs a user and got an app token.",
    "RateLimited": "Too many requests in the current window; see the X-RateLimit-* headers.",
}


def successes(endpoint: Endpoint) -> dict:
    """The success responses by status; each description says what comes back."""
    out: dict[str, list[str]] = {}
    for answer in endpoint.answers:
        out.setdefault(str(answer.status), []).append(describe(answer))
    return {status: {"description": "; or ".join(texts) + "."} for status, texts in out.items()}


def _operation(endpoint: Endpoint, tag: str, page_url: PageUrl, site_url: str) -> dict:
    op: dict = {
        "operationId": operation_id(endpoint), "tags": [tag], "summary": endpoint.title,
        "description": endpoint.summary + "".join(
            f"\n\n- {alt.token}{' + ' + ', '.join(alt.scopes) if alt.scopes else ''}: {alt.when}"
            for alt in endpoint.oauth if alt.when),
        "externalDocs": {"url": site_url.rstrip("/") + "/" + f"{page_url(endpoint.page)}#{endpoint.anchor}".lstrip("/")},
        "security": security(endpoint),
        "responses": {**successes(endpoint),
                      **{status: {"$ref": f"#/components/responses/{name}"} for status, name in ERRORS}},
        "x-mastodon-history": [{"version": c.version_text, "change": c.change, **({"note": c.note} if c.note else {})}
                               for c in endpoint.history],
        "x-mastodon-added": format_version(endpoint.added),
    }
    if endpoint.deprecated or endpoint.removed:
        op["deprecated"] = True
    if endpoint.streaming:
        op["x-mastodon-streaming"] = True
    if endpoint.permission:  # the role permission (UserRole::FLAGS name) a user token's account needs
        op["x-mastodon-permission"] = endpoint.permission
    if endpoint.undocumented:
        op["x-mastodon-undocumented-upstream"] = True
    if endpoint.aliases:  # older paths routed to the same action
        op["x-mastodon-aliases"] = list(endpoint.aliases)
    parameters = []
    for p in endpoint.params:
        if p.location == "form":
            continue
        item = {"name": p.name, "in": p.location, "required": p.required or p.location == "path",
                "description": p.description, "schema": _schema(p)}
        if p.deprecated:
            item["deprecated"] = True
        if p.added:
            item["x-mastodon-added"] = format_version(p.added)
        parameters.append(item)
    if parameters:
        op["parameters"] = parameters
    form = endpoint.params_in("form")
    if form:
        schema = {"type": "object", "properties": {
            p.name: {**_schema(p), "description": p.description} for p in form}}
        required = [p.name for p in form if p.required]
        if required:
            schema["required"] = required
        media = ["multipart/form-data"] if any("file" in (p.type, p.items) for p in form) else []
        media += ["application/json", "application/x-www-form-urlencoded"]
        op["requestBody"] = {"required": bool(required), "content": {m: {"schema": schema} for m in media}}
    return op


def openapi(catalog: Catalog, page_url: PageUrl, site_url: str, tags: dict[str, str] | None = None) -> dict:
    """An OpenAPI 3.1 document. `tags` maps a page path to its tag name (default: the page's stem)."""
    tags = tags or {}
    scopes = {name: scope.summary for name, scope in catalog.scopes.items()}
    paths: dict[str, dict] = {}
    for endpoint in catalog.endpoints:
        tag = tags.get(endpoint.page) or endpoint.page.removeprefix("methods/").removesuffix(".md")
        paths.setdefault(openapi_path(endpoint.path), {})[endpoint.method.lower()] = _operation(
            endpoint, tag, page_url, site_url)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Mastodon REST API", "version": MASTODON,
                 "description": "Generated from the endpoint catalog of the Mastodon API reference. Each entry of an "
                                "operation's `security` is one alternative: any one is enough.",
                 "license": {"name": "CC-BY-4.0", "identifier": "CC-BY-4.0"}},
        "servers": [{"url": "https://{instance}", "variables": {"instance": {"default": "mastodon.social",
                                                                             "description": "Any Mastodon server"}}}],
        "externalDocs": {"url": site_url},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "AppToken": {"type": "oauth2", "description": "An app token: client-credentials grant, no user.",
                             "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": scopes}}},
                "UserToken": {"type": "oauth2", "description": "A user token: authorization-code grant. Use PKCE "
                              "(code_challenge_method S256, Mastodon 4.3 and later).",
                              "x-pkce-code-challenge-methods": ["S256"],
                              "flows": {"authorizationCode": {"authorizationUrl": "/oauth/authorize",
                                                              "tokenUrl": "/oauth/token", "scopes": scopes}}},
            },
            "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {
                "error": {"type": "string"}, "error_description": {"type": "string"}}}},
            "responses": {name: {"description": text, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}} for name, text in ERROR_TEXTS.items()},
        },
    }
