"""JSON Schemas of the entities (draft 2020-12), one per entity, referring to each other:
what examples, the sandbox's answers and (later) OpenAPI are checked against."""

from __future__ import annotations

from .examples import attributes
from .model import Entity

FORMATS = {"datetime": "date-time", "date": "date", "url": "uri-reference", "email": "email"}


def schema_name(entity: str) -> str:
    """A JSON Schema / OpenAPI component name: Admin::Account -> Admin_Account."""
    return entity.replace("::", "_")


def type_schema(type_: str, ref) -> dict:
    if type_.startswith("array of "):
        return {"type": "array", "items": type_schema(type_[9:], ref)}
    if type_.startswith("hash of "):
        return {"type": "object", "additionalProperties": type_schema(type_[8:], ref)}
    if type_[:1].isupper():
        return {"$ref": ref(type_)}
    if type_ in ("integer", "number", "boolean"):
        return {"type": type_}
    if type_ == "hash":
        return {"type": "object"}
    out = {"type": "string"}  # string, html, and the formatted ones: servers send '' for "no URL" too
    if type_ in FORMATS and type_ not in ("url", "email"):
        out["format"] = FORMATS[type_]
    return out


def entity_schema(entity: Entity, entities: dict[str, Entity], ref) -> dict:
    properties, required = {}, []
    for a in attributes(entity, entities):
        schema = type_schema(a.type, ref)
        if a.enum:
            schema = {**schema, "enum": list(a.enum)} if not a.type.startswith("array of") else \
                {**schema, "items": {**schema["items"], "enum": list(a.enum)}}
        if a.nullable:
            schema = {"anyOf": [schema, {"type": "null"}]}
        if a.description:
            schema = {**schema, "description": a.description}
        properties[a.name] = schema
        if not a.optional and not any(c.change == "removed" for c in a.history):
            required.append(a.name)
    return {"type": "object", "description": entity.summary, "properties": properties, "required": required}


def entity_schemas(entities: dict[str, Entity], prefix: str = "#/$defs/") -> dict[str, dict]:
    """Every entity's schema by component name; references point at `prefix` + name."""
    def ref(name: str) -> str:
        return prefix + schema_name(name)

    return {schema_name(e.name): entity_schema(e, entities, ref) for e in entities.values()}
