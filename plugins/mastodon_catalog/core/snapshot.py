"""A validated catalog as JSON and back, for the on-disk cache: plain data, so reading a
cache file can never run code (as unpickling one could)."""

from __future__ import annotations

import json
from dataclasses import asdict

from .model import Alternative, Catalog, Change, Endpoint, Parameter, Scope


def dump(catalog: Catalog) -> str:
    return json.dumps({"source": catalog.source, "scopes": [asdict(s) for s in catalog.scopes.values()],
                       "endpoints": [asdict(e) for e in catalog.endpoints]}, allow_nan=False)


def _version(value):
    return tuple(value) if value is not None else None


def load(text: str) -> Catalog | None:
    """The catalog, or None when the text is not a snapshot this code wrote."""
    try:
        data = json.loads(text)
        scopes = {s["name"]: Scope(s["name"], s["summary"], _version(s["added"]), tuple(s["grants"]),
                                   _version(s["deprecated"])) for s in data["scopes"]}
        endpoints = [
            Endpoint(**{**e,
                        "oauth": tuple(Alternative(a["token"], tuple(a["scopes"]), a["when"], _version(a["since"]))
                                       for a in e["oauth"]),
                        "history": tuple(Change(_version(c["version"]), c["change"], c["note"]) for c in e["history"]),
                        "params": tuple(Parameter(**{**p, "enum": tuple(p["enum"]), "added": _version(p["added"])})
                                        for p in e["params"])})
            for e in data["endpoints"]
        ]
        return Catalog(scopes, endpoints, data["source"])
    except (ValueError, KeyError, TypeError):
        return None
