"""The OpenAPI 3.1 document of the catalog, for other tools: generators, linters, consoles.

Everything in it follows from the catalog: the entities become `components.schemas`, each
endpoint's `returns` its success responses, the errors of its block (core/responses.py) its
error responses, its parameters the query, path and header parameters and a request body
in each encoding a client may send."""

from __future__ import annotations

import re

from .examples import example, value_of
from .export import PageUrl
from .model import Catalog, Endpoint, Parameter
from .responses import errors
from .returns import Success, describe
from .schemas import entity_schemas, schema_name, type_schema
from .versions import MASTODON, format_version

SCALARS = {"string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
           "boolean": {"type": "boolean"}, "object": {"type": "object"},
           "file": {"type": "string", "contentMediaType": "application/octet-stream"},
           "datetime": {"type": "string", "format": "date-time"}, "date": {"type": "string", "format": "date"}}
SCHEMAS = "#/components/schemas/"
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
HEADERS = {
    "Link": {"description": "The next and previous pages (RFC 8288): `rel=\"next\"` for older items (`max_id`, or a "
             "larger `offset`), `rel=\"prev\"` for newer ones (`min_id`). Timelines and notifications send both on "
             "every page that has items; other lists leave `next` out on their last page. No Link on an empty page.",
             "schema": {"type": "string"}},
    "X-RateLimit-Limit": {"description": "Requests allowed in the window of the most constrained throttle that "
                          "counted this request.", "schema": {"type": "integer"}},
    "X-RateLimit-Remaining": {"description": "Requests left in that window.", "schema": {"type": "integer"}},
    "X-RateLimit-Reset": {"description": "When that window resets (ISO 8601, with microseconds).",
                          "schema": {"type": "string", "format": "date-time"}},
    "Location": {"description": "Where the redirect goes.", "schema": {"type": "string", "format": "uri"}},
}
MEDIA = {"text": "text/plain", "html": "text/html", "events": "text/event-stream"}


def openapi_path(path: str) -> str:
    return re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", path)


def operation_id(endpoint: Endpoint) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", endpoint.id)


def ref(entity: str) -> str:
    return SCHEMAS + schema_name(entity)


def _schema(p: Parameter) -> dict:
    schema = dict(SCALARS.get(p.type, {})) if p.type != "array" else {
        "type": "array", "items": dict(SCALARS.get(p.items or "string", {"type": "string"}))}
    if p.enum:
        (schema["items"] if p.type == "array" else schema)["enum"] = list(p.enum)
    if p.default is not None:
        schema["default"] = p.default
    return schema


def _described(p: Parameter) -> dict:
    schema = {**_schema(p), "description": p.description}
    if p.deprecated:
        schema["deprecated"] = True
    if p.added:
        schema["x-mastodon-added"] = format_version(p.added)
    return schema


# -- Request bodies -------------------------------------------------------------------------
# Rails reads `poll[options][]=a` from a form and {"poll": {"options": ["a"]}} from JSON: the
# JSON body is the bracket names unfolded. `[]` is an array, `[:index]` a hash keyed by an
# index written as a string (accepts_nested_attributes_for), any other `[key]` an object.

_NAME = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")


def segments(name: str) -> list[str]:
    """'poll[options][]' -> ['poll', 'options', '[]']; ':index' stays a segment of its own."""
    match = _NAME.fullmatch(name)
    if not match:
        return [name]
    return [match[1]] + ["[]" if key == "" else key for key in re.findall(r"\[([^\[\]]*)\]", match[2])]


def _tree(params: list[Parameter]) -> dict:
    """Nested nodes {"params": [...], "keys": {...}, "each": node, "index": node}."""
    root: dict = {"params": [], "keys": {}}
    for p in params:
        parts = segments(p.name)
        if p.type == "array" and parts[-1] == "[]":
            parts = parts[:-1]  # `media_ids[]` of type array is the array media_ids itself
        node = root
        for part in parts:
            slot = "each" if part == "[]" else "index" if part.startswith(":") else None
            if slot:
                node = node.setdefault(slot, {"params": [], "keys": {}})
            else:
                node = node["keys"].setdefault(part, {"params": [], "keys": {}})
        node["params"].append(p)
    return root


def _json_schema(node: dict) -> tuple[dict, bool]:
    """A node's schema and whether its object must carry it."""
    own = next(iter(node["params"]), None)
    if "each" in node or "index" in node:
        inner, _ = _json_schema(node.get("each") or node["index"])
        schema = {"type": "array", "items": inner} if "each" in node else \
            {"type": "object", "additionalProperties": inner}
    elif node["keys"]:
        schema = {"type": "object", "properties": {}}
        required = []
        for key, child in node["keys"].items():
            schema["properties"][key], needed = _json_schema(child)
            if needed:
                required.append(key)
        if required:
            schema["required"] = required
    else:
        return _described(own), own.required
    if own:  # the container is also a parameter of its own (fields_attributes): keep its words
        schema["description"] = own.description
    return schema, bool(own and own.required or "required" in schema)


def json_body(params: list[Parameter]) -> dict:
    schema, _ = _json_schema(_tree(params))
    return schema


def form_body(params: list[Parameter]) -> dict:
    """The bracket names as a form sends them; `[:index]` becomes a pattern of any index."""
    schema: dict = {"type": "object", "properties": {}}
    for p in params:
        if any(other.name.startswith(p.name + "[") for other in params):
            continue  # a container (fields_attributes): a form sends only its bracketed members
        if ":" in p.name:
            pattern = "^" + re.escape(p.name).replace(re.escape("[:index]"), r"\[[0-9]+\]") + "$"
            schema.setdefault("patternProperties", {})[pattern] = _described(p)
        else:
            schema["properties"][p.name] = _described(p)
    required = [p.name for p in params if p.required and ":" not in p.name]
    if required:
        schema["required"] = required
    return schema


def request_body(endpoint: Endpoint) -> dict | None:
    form = endpoint.params_in("form")
    if not form:
        return None
    files = [p for p in form if "file" in (p.type, p.items)]
    plain = [p for p in form if p not in files]
    content = {}
    if plain:
        content["application/json"] = {"schema": json_body(plain)}
    if files:
        content["multipart/form-data"] = {"schema": form_body(form)}
    if plain:
        content["application/x-www-form-urlencoded"] = {"schema": form_body(plain)}
    return {"required": any(p.required for p in form), "content": content}


# -- Responses --------------------------------------------------------------------------------

def answer_schema(answer: Success, catalog: Catalog) -> dict | None:
    if answer.kind == "json":  # an entity the host did not load cannot be referred to
        return type_schema(answer.type, ref) if not answer.entity or answer.entity in catalog.entities else None
    return {"empty": {"type": "object", "maxProperties": 0}, "null": {"type": "null"},
            "text": {"type": "string"}, "html": {"type": "string"}, "events": {"type": "string"}}.get(answer.kind)


def example_name(type_: str) -> str:
    """The components.examples name of a type's example: 'array of Admin::Account' -> ArrayOfAdmin_Account."""
    *wrappers, name = type_.split(" ")
    return "".join(word.capitalize() for word in wrappers) + schema_name(name)


def answer_example(answer: Success, catalog: Catalog, examples: dict) -> dict:
    """The media type's example: a reference into `examples` (filled as needed) for an entity,
    the value itself otherwise."""
    if answer.kind == "json" and answer.entity:
        name = example_name(answer.type)
        examples.setdefault(name, {"value": value_of(answer.type, catalog.entities, 0)})
        return {"examples": {name: {"$ref": f"#/components/examples/{name}"}}}
    if answer.kind == "json":
        return {"example": value_of(answer.type, catalog.entities, 0)}
    return {"example": {"empty": {}, "null": None}[answer.kind]} if answer.kind in ("empty", "null") else {}


def _headers(endpoint: Endpoint, status: int) -> dict:
    names = []
    if endpoint.paginated and 200 <= status < 300:
        names.append("Link")
    # rack-attack's api throttle counts every /api/ request and a before_action reports it; a
    # body Rails cannot parse fails outside the controller, and that 400 has no such headers.
    if endpoint.path.startswith("/api/") and status != 400:
        names += RATE_HEADERS
    if 300 <= status < 400:
        names.append("Location")
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def successes(endpoint: Endpoint, catalog: Catalog, examples: dict) -> dict:
    """The success responses by status: each answer's schema (any of them, when several share
    a status), an example made from the entities, and the headers sent with it."""
    grouped: dict[int, list[Success]] = {}
    for answer in endpoint.answers:
        grouped.setdefault(answer.status, []).append(answer)
    out = {}
    for status, answers in grouped.items():
        response: dict = {"description": "; or ".join(describe(a) for a in answers) + "."}
        content: dict[str, list] = {}
        for answer in answers:
            schema = answer_schema(answer, catalog)
            if schema is not None:
                found = content.setdefault(MEDIA.get(answer.kind, "application/json"), [])
                if schema not in [s for s, _ in found]:
                    found.append((schema, answer_example(answer, catalog, examples)))
        if content:
            response["content"] = {
                media: {"schema": schemas[0][0] if len(schemas) == 1 else {"anyOf": [s for s, _ in schemas]},
                        **schemas[0][1]}
                for media, schemas in content.items()}
        headers = _headers(endpoint, status)
        if headers:
            response["headers"] = headers
        out[str(status)] = response
    return out


REASONS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 422: "Unprocessable",
           429: "TooManyRequests"}


def error_responses(endpoint: Endpoint, shared: dict) -> dict:
    """The errors of the endpoint's block, each status with every reason and Mastodon's bodies,
    as references into `shared` (components.responses): most endpoints share them."""
    grouped: dict[int, list] = {}
    for answer in errors(endpoint):
        grouped.setdefault(answer.status, []).append(answer)
    out = {}
    for status, answers in grouped.items():
        bodies = list({a.body["error"]: a.body for a in answers if a.body}.values())
        media: dict = {"schema": {"$ref": ref("Error")}}
        if len(bodies) == 1:
            media["example"] = bodies[0]
        else:
            media["examples"] = {f"reason{n}": {"summary": a.when, "value": a.body} for n, a in enumerate(answers, 1)}
        reasons = [a.when for a in answers]
        response = {"description": reasons[0] if len(reasons) == 1 else "\n".join(f"- {r}" for r in reasons),
                    "content": {"application/json": media} if bodies else {"text/html": {"schema": {"type": "string"}}}}
        headers = _headers(endpoint, status)
        if headers:
            response["headers"] = headers
        base = REASONS.get(status, f"Status{status}")
        name = next((n for n, r in shared.items() if r == response), None)
        if name is None:
            name = base + str(sum(n.rstrip("0123456789") == base for n in shared) + 1)
            shared[name] = response
        out[str(status)] = {"$ref": f"#/components/responses/{name}"}
    return out


# -- Operations -------------------------------------------------------------------------------

def security(endpoint: Endpoint) -> list[dict]:
    """One requirement object per alternative: OR between objects, AND inside one."""
    schemes = {"app": "AppToken", "user": "UserToken"}
    return [{} if alt.token == "public" else {schemes[alt.token]: list(alt.scopes)} for alt in endpoint.oauth]


def alternatives(endpoint: Endpoint) -> list[dict]:
    """The same alternatives with what a requirement object cannot hold: the condition in
    words and the server version an alternative needs."""
    out = []
    for alt in endpoint.oauth:
        item: dict = {"token": alt.token, "scopes": list(alt.scopes)}
        if alt.when:
            item["when"] = alt.when
        if alt.since:
            item["x-mastodon-since"] = format_version(alt.since)
        out.append(item)
    return out


def _operation(endpoint: Endpoint, tag: str, catalog: Catalog, page_url: PageUrl, site_url: str,
               components: dict) -> dict:
    op: dict = {
        "operationId": operation_id(endpoint), "tags": [tag], "summary": endpoint.title,
        "description": endpoint.summary + "".join(
            f"\n\n- {alt.token}{' + ' + ', '.join(alt.scopes) if alt.scopes else ''}: {alt.when}"
            for alt in endpoint.oauth if alt.when),
    }
    if site_url:  # unknown when the site is built without its deployed address
        op["externalDocs"] = {"url": site_url.rstrip("/") + "/" +
                              f"{page_url(endpoint.page)}#{endpoint.anchor}".lstrip("/")}
    op |= {
        "security": security(endpoint),
        "x-mastodon-alternatives": alternatives(endpoint),
        "responses": dict(sorted({**successes(endpoint, catalog, components["examples"]),
                                  **error_responses(endpoint, components["responses"])}.items())),
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
    body = request_body(endpoint)
    if body:
        op["requestBody"] = body
    return op


def grants(catalog: Catalog) -> dict[str, list[str]]:
    """Each umbrella scope and the scopes it covers, as the server checks them."""
    out = {}
    for name in catalog.scopes:
        covered = sorted(catalog.grants(name) - {name})
        if covered:
            out[name] = covered
    return out


def openapi(catalog: Catalog, page_url: PageUrl, site_url: str, tags: dict[str, str] | None = None) -> dict:
    """An OpenAPI 3.1 document. `tags` maps a page path to its tag name (default: the page's
    stem); `site_url` is the deployed site's address, or "" when unknown (no links then)."""
    tags = tags or {}
    scopes = {name: scope.summary for name, scope in catalog.scopes.items()}
    paths: dict[str, dict] = {}
    shared: dict[str, dict] = {"examples": {}, "responses": {}}
    for endpoint in catalog.endpoints:
        tag = tags.get(endpoint.page) or endpoint.page.removeprefix("methods/").removesuffix(".md")
        paths.setdefault(openapi_path(endpoint.path), {})[endpoint.method.lower()] = _operation(
            endpoint, tag, catalog, page_url, site_url, shared)
    schemas = entity_schemas(catalog.entities, SCHEMAS)
    for name, entity in catalog.entities.items():
        schemas[schema_name(name)]["examples"] = [example(entity, catalog.entities)]
    schemas.setdefault("Error", {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string"}, "error_description": {"type": "string"}}})
    umbrellas = grants(catalog)
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Mastodon REST API", "version": MASTODON,
                 "description": "Generated from the endpoint catalog of the Mastodon API reference. Each entry of an "
                                "operation's `security` is one alternative: any one is enough; "
                                "`x-mastodon-alternatives` repeats them with their conditions and the version from "
                                "which each is accepted. A token holding an umbrella scope (`read`) holds every scope "
                                "it covers (`x-mastodon-grants` on the security schemes).",
                 "license": {"name": "CC-BY-4.0", "identifier": "CC-BY-4.0"}},
        "servers": [{"url": "https://{instance}", "variables": {"instance": {"default": "mastodon.social",
                                                                             "description": "Any Mastodon server"}}}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "AppToken": {"type": "oauth2", "description": "An app token: client-credentials grant, no user.",
                             "x-mastodon-grants": umbrellas,
                             "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": scopes}}},
                "UserToken": {"type": "oauth2", "description": "A user token: authorization-code grant. Use PKCE "
                              "(code_challenge_method S256, Mastodon 4.3 and later).",
                              "x-pkce-code-challenge-methods": ["S256"], "x-mastodon-grants": umbrellas,
                              "flows": {"authorizationCode": {"authorizationUrl": "/oauth/authorize",
                                                              "tokenUrl": "/oauth/token", "scopes": scopes}}},
            },
            "schemas": schemas,
            "responses": dict(sorted(shared["responses"].items())),
            "headers": HEADERS,
            "examples": dict(sorted(shared["examples"].items())),
        },
    }
    if site_url:
        document["externalDocs"] = {"url": site_url}
    return document
