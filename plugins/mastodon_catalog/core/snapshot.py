"""A validated catalog as JSON and back, for the on-disk cache: plain data, so reading a
cache file can never run code (as unpickling one could)."""

from __future__ import annotations

import json
from dataclasses import asdict
from sys import intern

from .model import Alternative, Attribute, Catalog, Change, Endpoint, Entity, Parameter, Scope, freeze


def dump(catalog: Catalog) -> str:
    return json.dumps({"source": catalog.source, "scopes": [asdict(s) for s in catalog.scopes.values()],
                       "endpoints": [asdict(e) for e in catalog.endpoints]}, allow_nan=False)


def load(text: str) -> Catalog | None:
    """The catalog, or None when the text is not a snapshot this code wrote. Shares what the
    loader shares: one tuple per version, one string per choice."""
    versions: dict[tuple, tuple] = {}

    def version(value):
        return versions.setdefault(tuple(value), tuple(value)) if value is not None else None

    try:
        data = json.loads(text)
        scopes = {s["name"]: Scope(intern(s["name"]), s["summary"], version(s["added"]),
                                   tuple(map(intern, s["grants"])), version(s["deprecated"]))
                  for s in data["scopes"]}
        endpoints = [
            Endpoint(**{**e,
                        "method": intern(e["method"]), "page": intern(e["page"]),
                        "permission": intern(e["permission"]),
                        "oauth": tuple(Alternative(intern(a["token"]), tuple(map(intern, a["scopes"])), a["when"],
                                                   version(a["since"])) for a in e["oauth"]),
                        "history": tuple(Change(version(c["version"]), intern(c["change"]), c["note"])
                                         for c in e["history"]),
                        "params": tuple(Parameter(**{**p, "name": intern(p["name"]), "location": intern(p["location"]),
                                                     "type": intern(p["type"]), "enum": tuple(p["enum"]),
                                                     "added": version(p["added"])})
                                        for p in e["params"]),
                        "extra": freeze(e["extra"]) if e["extra"] else None,
                        "returns_at": tuple(e["returns_at"]) if e["returns_at"] else None})
            for e in data["endpoints"]
        ]
        return Catalog(scopes, endpoints, data["source"])
    except (ValueError, KeyError, TypeError):
        return None


def dump_entities(entities: dict[str, Entity]) -> str:
    return json.dumps([asdict(e) for e in entities.values()], allow_nan=False)


def load_entities(text: str) -> dict[str, Entity] | None:
    """The entities, or None when the text is not a snapshot this code wrote."""
    def history(rows):
        return tuple(Change(tuple(c["version"]), intern(c["change"]), c["note"]) for c in rows)

    try:
        return {e["name"]: Entity(**{**e, "history": history(e["history"]), "attributes": tuple(
            Attribute(**{**a, "history": history(a["history"]), "enum": tuple(a["enum"]),
                         "example": freeze(a["example"])}) for a in e["attributes"])})
                for e in json.loads(text)}
    except (ValueError, KeyError, TypeError):
        return None
