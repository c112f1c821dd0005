"""The JSON Schema of catalog.json, published beside it as catalog.schema.json.

export.catalog_json writes the file; this states its shape from the same constants the
catalog's own checks use (token kinds, methods, parameter types, change kinds, role
permissions, answer kinds, stream events, name patterns), and each endpoint field the model
keeps as plain data (Endpoint.extra: rate_limit, aliases, ...) by the catalog file's own
schema of that field (fields.json_schema), or its default when the catalog leaves it out: a
new field of the spec is described here with no change to this module.

Objects are open, as the format rule promises (a reader ignores fields it does not know);
`catalog_schema(closed=True)` closes every object, which is how the tests prove that every
field catalog_json writes is described here."""

from __future__ import annotations

import copy
import json

from .export import FORMAT, FORMAT_RULE, SCHEMA_FILE
from .fields import (CHANGE_KINDS, ITEM_TYPES, METHODS, PARAM_LOCATIONS, PARAM_TYPES, PATTERNS, PERMISSIONS,
                     TOKEN_KINDS, json_schema)
from .model import EXTRA_FIELDS, thaw
from .returns import EVENTS, KEYWORDS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
FILE_DEFS = "catalog-file."  # prefix of the definitions taken from the catalog file's schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}"}


def _text(description: str, null: bool = False) -> dict:
    return {"type": ["string", "null"] if null else "string", "description": description}


def _record(description: str, properties: dict, optional: tuple[str, ...] = (), **more) -> dict:
    """An object with these properties, every one of them present except the `optional` ones."""
    return {"type": "object", "description": description, "required": [k for k in properties if k not in optional],
            "properties": properties, **more}


def _when(key: str, value: str, then: dict) -> dict:
    return {"if": {"properties": {key: {"const": value}}, "required": [key]}, "then": {"properties": then}}


def _renamed(value):
    """A part of the catalog file's schema with its references renamed into FILE_DEFS."""
    if isinstance(value, dict):
        return {key: (item.replace("#/$defs/", "#/$defs/" + FILE_DEFS) if key == "$ref" else _renamed(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item) for item in value]
    return value


def _refs(value) -> set[str]:
    if isinstance(value, dict):
        found = {value["$ref"].removeprefix("#/$defs/")} if "$ref" in value else set()
        return found.union(*(_refs(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_refs(item) for item in value))
    return set()


def _extra_fields() -> tuple[dict, dict]:
    """The schema of each extra endpoint field as catalog.json writes it, and the catalog
    file's definitions those schemas use (renamed into FILE_DEFS)."""
    source = json_schema()["$defs"]
    fields = {}
    for name, default in EXTRA_FIELDS.items():
        schema = dict(source["endpoint"]["properties"][name])
        description = schema.pop("description", "")
        if not isinstance(default, bool):  # the default is written when the catalog leaves the field out
            description += f" {json.dumps(thaw(default))} when the catalog leaves it out."
            schema = {"anyOf": [schema, {"const": thaw(default)}]}
        fields[name] = {"description": description, **schema}
    used, todo = set(), _refs(fields)
    while todo:
        name = todo.pop()
        if name not in used:
            used.add(name)
            todo |= _refs(source[name])
    return _renamed(fields), {FILE_DEFS + name: _renamed(source[name]) for name in sorted(used)}


def catalog_schema(closed: bool = False) -> dict:
    """The JSON Schema (draft 2020-12) of catalog.json; `closed`: no object may hold a field
    this schema does not name."""
    version = PATTERNS["version"].regex
    extras, file_defs = _extra_fields()
    answer_kinds = ["json", *dict.fromkeys(kind for kind, _ in KEYWORDS.values()), "events"]
    defs = {
        "version": {"type": "string", "pattern": version, "description": "A Mastodon version, MAJOR.MINOR.PATCH."},
        "versionOrNull": {"type": ["string", "null"], "pattern": version,
                          "description": "A Mastodon version, MAJOR.MINOR.PATCH, or null for none."},
        "scopeName": {"type": "string", "pattern": PATTERNS["scope"].regex,
                      "description": "An OAuth scope, e.g. read:accounts; every one is listed under 'scopes'."},
        "scope": _record("An OAuth scope.", {
            "name": _ref("scopeName"),
            "summary": _text("What the scope lets a token do, in one sentence (Markdown)."),
            "added": {**_ref("version"), "description": "The version that added the scope."},
            "deprecated": {**_ref("versionOrNull"), "description": "The version from which clients should stop "
                                                                   "requesting it."},
            "grants": {"type": "array", "items": _ref("scopeName"), "uniqueItems": True,
                       "description": "Every narrower scope it grants, transitively (read grants every read:*)."},
        }),
        "endpoint": _record("One endpoint of the REST API.", {
            "id": {"type": "string", "pattern": PATTERNS["id"].regex, "description": "Its stable id, e.g. "
                                                                                     "accounts/get."},
            "method": {"enum": list(METHODS), "description": "The HTTP method."},
            "path": {"type": "string", "pattern": PATTERNS["path"].regex,
                     "description": "As Mastodon routes it, with :name placeholders, e.g. /api/v1/accounts/:id."},
            "title": _text("Its heading on the site."),
            "summary": _text("One line (Markdown)."),
            "returns": _text("What a success answers, as the catalog writes it; 'answers' is the same, read."),
            "answers": {"type": "array", "items": _ref("answer"), "minItems": 1,
                        "description": "Each successful answer it can give."},
            "streaming": {"type": "boolean", "description": "A streaming (server-sent events or WebSocket) "
                                                            "endpoint."},
            "url": _text("The section documenting it, relative to base_url, e.g. methods/accounts/#get."),
            "permission": {"anyOf": [_ref("permission"), {"type": "null"}],
                           "description": "The role permission the user's account needs (admin endpoints), or "
                                          "null."},
            "undocumented_upstream": {"type": "boolean", "description": "Routed by Mastodon but absent from "
                                                                        "upstream's documentation."},
            "added": {**_ref("version"), "description": "The version that added it."},
            "deprecated": {**_ref("versionOrNull"), "description": "The version that deprecated it, or null."},
            "removed": {**_ref("versionOrNull"), "description": "The version that removed it, or null."},
            "oauth": {"type": "array", "items": _ref("alternative"), "minItems": 1,
                      "description": "The ways to be allowed to call it; any one is enough."},
            "history": {"type": "array", "items": _ref("change"), "minItems": 1,
                        "description": "Its versions: 'added' first, then changes in version order."},
            "params": {"type": "array", "items": _ref("parameter"), "description": "Its parameters."},
            **extras,
        }),
        "answer": _record("A successful answer.", {
            "status": {"type": "integer", "minimum": 100, "maximum": 599, "description": "The HTTP status."},
            "body": {"enum": answer_kinds, "description": "json: a JSON value of 'type'; empty: {}; null: the "
                                                          "JSON null; none: no body; text: plain text; html: an "
                                                          "HTML page; redirect: a redirect; events: a stream of "
                                                          "'events'."},
            "type": _text("For json: the value's type in the entities' type language ('Status', 'array of "
                          "Status', 'hash of Marker', 'string'), else null.", null=True),
            "keyed_by": _text("For a hash: what its keys are, else null.", null=True),
            "events": {"type": ["array", "null"], "items": {"enum": list(EVENTS)}, "minItems": 1,
                       "description": "For events: the stream's event names, else null."},
            "when": _text("The condition of this answer, in words, or null.", null=True),
        }, allOf=[_when("body", "json", {"type": {"type": "string"}}),
                  _when("body", "events", {"events": {"type": "array"}})]),
        "alternative": _record("One way to be allowed to call the endpoint.", {
            "token": {"enum": list(TOKEN_KINDS), "description": "public: no token; app: a client-credentials "
                                                               "token; user: an authorization-code token."},
            "scopes": {"type": "array", "items": _ref("scopeName"), "uniqueItems": True,
                       "description": "Scopes the token must hold, all of them (or a scope granting each)."},
            "when": _text("A condition in words, or null.", null=True),
            "since": {**_ref("versionOrNull"), "description": "The version from which it is accepted, or null."},
        }),
        "change": _record("One step of a version history.", {
            "version": _ref("version"),
            "change": {"enum": list(CHANGE_KINDS)},
            "note": _text("What changed (Markdown), or null.", null=True),
        }),
        "parameter": _record("A parameter, as the client sends it.", {
            "name": {"type": "string", "pattern": PATTERNS["param"].regex,
                     "description": "As sent, e.g. media_ids[] or poll[options][]."},
            "in": {"enum": list(PARAM_LOCATIONS), "description": "Where it is sent."},
            "type": {"enum": list(PARAM_TYPES), "description": "The type of its value."},
            "required": {"type": "boolean"},
            "description": _text("In our own words (Markdown)."),
            "items": {"enum": list(ITEM_TYPES), "description": "For type array: the type of each element."},
            "enum": {"type": "array", "minItems": 1, "description": "The values it accepts."},
            "default": {"description": "The value the server assumes when it is not sent."},
            "added": {**_ref("version"), "description": "The version that added it, when later than the "
                                                        "endpoint."},
            "deprecated": {"const": True, "description": "Clients should stop sending it."},
        }, optional=("items", "enum", "default", "added", "deprecated")),
        "permission": _record("A role permission of Mastodon (UserRole::FLAGS).", {
            "flag": {"enum": list(PERMISSIONS)},
            "name": {"enum": list(PERMISSIONS.values()), "description": "As Mastodon's admin interface names it."},
        }),
        "entity": _record("A JSON object the API returns.", {
            "url": _text("The section documenting it, relative to base_url."),
            "added": {**_ref("versionOrNull"), "description": "The version that added it."},
            "attributes": {"type": "object", "propertyNames": {"pattern": PATTERNS["attribute"].regex},
                           "additionalProperties": _ref("attribute"),
                           "description": "Its keys, its parent's included, in the server's order."},
        }),
        "attribute": _record("One key of an entity.", {
            "type": {"type": "string", "pattern": PATTERNS["type"].regex,
                     "description": "A value kind (string, integer, url, ...), an entity's name, or 'array of' / "
                                    "'hash of' either."},
            "nullable": {"const": True, "description": "The value may be null (absent: it may not)."},
            "optional": {"const": True, "description": "The key may be absent (absent: it is always there)."},
            "enum": {"type": "array", "minItems": 1, "description": "The values it takes."},
            "added": _ref("version"),
            "removed": {**_ref("version"), "description": "The version that removed it."},
        }, optional=("nullable", "optional", "enum", "removed")),
        **file_defs,
    }
    top = _record("", {
        "$schema": _text(f"Where this schema is: {SCHEMA_FILE} beside the file, as an absolute URL when base_url "
                         "is known."),
        "format": {"const": FORMAT, "description": FORMAT_RULE},
        "mastodon": {**_ref("version"), "description": "The Mastodon release the catalog describes."},
        "base_url": {"type": ["string", "null"], "format": "uri", "pattern": "/$",
                     "description": "The site's address, which every 'url' is relative to; null when the build "
                                    "did not know it (SITE_URL unset)."},
        "scopes": {"type": "array", "items": _ref("scope"), "description": "Every OAuth scope."},
        "endpoints": {"type": "array", "items": _ref("endpoint"), "description": "Every endpoint."},
        "entities": {"type": "object", "propertyNames": {"pattern": PATTERNS["entity"].regex},
                     "additionalProperties": _ref("entity"), "description": "Every entity, by name."},
    })
    del top["description"]
    schema = {"$schema": DRAFT, "title": "catalog.json: the Mastodon API catalog",
              "description": "Every OAuth scope, endpoint and entity of the Mastodon REST API, as the site's "
                             f"catalog states them, for the explorer and other tools. {FORMAT_RULE} This schema "
                             f"describes format {FORMAT}; it allows fields it does not name.",
              **top, "$defs": defs}
    return _closed(schema) if closed else schema


def _closed(schema: dict) -> dict:
    schema = copy.deepcopy(schema)

    def close(value) -> None:
        if isinstance(value, dict):
            if "properties" in value and "additionalProperties" not in value:
                value["additionalProperties"] = False
            for key, item in value.items():
                if key not in ("if", "then", "else", "not"):  # conditions, not objects of the file
                    close(item)
        elif isinstance(value, list):
            for item in value:
                close(item)

    close(schema)
    return schema
