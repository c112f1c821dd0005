"""Example objects made from the entities' own definitions: each attribute's `example`, or
a value of its type. Nothing is pasted from elsewhere."""

from __future__ import annotations

from .model import Entity, thaw

PLACEHOLDERS = {
    "string": "text", "integer": 0, "number": 0.5, "boolean": False, "datetime": "2026-01-01T12:00:00.000Z",
    "date": "2026-01-01", "url": "https://mastodon.example/", "html": "<p>text</p>",
    "email": "someone@mastodon.example", "hash": {},
}
MAX_DEPTH = 4  # deeper than this, a required nested object is still written out (a cycle would be a data mistake)


def value_of(type_: str, entities: dict[str, Entity], depth: int):
    if type_.startswith("array of "):
        inner = type_[9:]
        return [] if inner in entities and depth > 0 else [value_of(inner, entities, depth)]
    if type_.startswith("hash of "):
        return {"key": value_of(type_[8:], entities, depth)}
    if " or " in type_:  # a union: an example of its first member
        return value_of(type_.split(" or ")[0], entities, depth)
    if type_ in entities:
        return example(entities[type_], entities, depth + 1)
    return PLACEHOLDERS.get(type_, "text")


def attributes(entity: Entity, entities: dict[str, Entity]) -> list:
    """Its own attributes and those of what it extends (its own win), in order."""
    parent = entities.get(entity.extends) if entity.extends else None
    inherited = attributes(parent, entities) if parent and parent is not entity else []
    own = {a.name for a in entity.attributes}
    return [a for a in inherited if a.name not in own] + list(entity.attributes)


def example(entity: Entity, entities: dict[str, Entity], depth: int = 0) -> dict:
    """An object as the server could send it: every attribute not removed."""
    out = {}
    for a in attributes(entity, entities):
        if a.removed:
            continue
        if depth > 0 and a.target and a.example is None and (a.optional or a.nullable or depth > MAX_DEPTH):
            if not a.optional:  # nested objects inside nested objects: only what must be there
                out[a.name] = None if a.nullable else value_of(a.type, entities, depth)
            continue
        if a.example is not None:
            out[a.name] = thaw(a.example)
        elif a.enum:
            out[a.name] = thaw(a.enum[0])
        else:
            out[a.name] = value_of(a.type, entities, depth)
    return out

