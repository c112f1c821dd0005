"""JSON Schemas of the entities (draft 2020-12, which OpenAPI 3.1 speaks), one per entity,
referring to each other: what examples, the sandbox's answers and openapi.json's
components are checked against and made of."""

from __future__ import annotations

from .examples import attributes
from .model import Attribute, Entity, thaw
from .versions import format_version

# url: servers send '' for "no address" in places, which format "uri" would refuse when a
# validator checks formats; "uri" is still what the value means, so generators see it.
FORMATS = {"datetime": "date-time", "date": "date", "url": "uri", "email": "email"}


def schema_name(entity: str) -> str:
    """A JSON Schema / OpenAPI component name: Admin::Account -> Admin_Account."""
    return entity.replace("::", "_")


def type_schema(type_: str, ref) -> dict:
    """The schema of a value in the entities' type language ('array of Status', 'url'...)."""
    if type_.startswith("array of "):
        return {"type": "array", "items": type_schema(type_[9:], ref)}
    if type_.startswith("hash of "):
        return {"type": "object", "additionalProperties": type_schema(type_[8:], ref)}
    if " or " in type_:
        return {"anyOf": [type_schema(member, ref) for member in type_.split(" or ")]}
    if type_[:1].isupper():
        return {"$ref": ref(type_)}
    if type_ in ("integer", "number", "boolean"):
        return {"type": type_}
    if type_ == "hash":
        return {"type": "object"}
    out = {"type": "string"}  # string, html, and the formatted ones
    if type_ in FORMATS:
        out["format"] = FORMATS[type_]
    return out


def nullable(schema: dict) -> dict:
    """The same schema admitting null: `type: [T, "null"]`, or one more member of an anyOf."""
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    out = {**schema, "type": [schema["type"], "null"]}
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def attribute_schema(a: Attribute, ref) -> dict:
    schema = type_schema(a.type, ref)
    if a.enum:
        values = [thaw(v) for v in a.enum]
        schema = {**schema, "enum": values} if schema.get("type") != "array" else \
            {**schema, "items": {**schema["items"], "enum": values}}
    if a.empty:  # "" stands for none: a string that is not a URL (or email, or date)
        schema = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
    if a.nullable:
        schema = nullable(schema)
    if a.description:
        schema["description"] = a.description
    if a.removed or a.deprecated:
        schema["deprecated"] = True
    if a.added:
        schema["x-mastodon-added"] = format_version(a.added)
    if a.removed:
        schema["x-mastodon-removed"] = format_version(a.removed)
    return schema


def entity_schema(entity: Entity, entities: dict[str, Entity], ref) -> dict:
    properties, required = {}, []
    for a in attributes(entity, entities):
        properties[a.name] = attribute_schema(a, ref)
        if not a.optional and not a.removed:
            required.append(a.name)
    out = {"type": "object", "description": entity.summary, "properties": properties, "required": required}
    if entity.added:
        out["x-mastodon-added"] = format_version(entity.added)
    return out


def entity_schemas(entities: dict[str, Entity], prefix: str = "#/$defs/") -> dict[str, dict]:
    """Every entity's schema by component name; references point at `prefix` + name."""
    def ref(name: str) -> str:
        return prefix + schema_name(name)

    return {schema_name(e.name): entity_schema(e, entities, ref) for e in entities.values()}
