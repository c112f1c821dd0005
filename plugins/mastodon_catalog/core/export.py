"""catalog.json: the catalog as plain JSON, what the explorer loads (openapi.py writes the
OpenAPI document)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from .examples import attributes
from .model import PERMISSIONS, Attribute, Catalog, Entity, Parameter, thaw
from .versions import MASTODON, format_version

PageUrl = Callable[[str], str]  # page path under the docs folder -> URL of the built page


def _v(version) -> str | None:
    return format_version(version) if version else None


def _param(p: Parameter) -> dict:
    out = {"name": p.name, "in": p.location, "type": p.type, "required": p.required, "description": p.description}
    if p.items:
        out["items"] = p.items
    if p.enum:
        out["enum"] = list(p.enum)
    if p.default is not None:
        out["default"] = p.default
    if p.added:
        out["added"] = _v(p.added)
    if p.deprecated:
        out["deprecated"] = True
    return out


SCHEMA_FILE = "catalog.schema.json"  # published beside catalog.json
FORMAT = 2  # see FORMAT_RULE
FORMAT_RULE = ("`format` is raised when a field is removed or changes meaning; new fields leave it alone, so a "
               "reader ignores fields it does not know.")


def schema_path(catalog_path: str) -> str:
    """Where the schema of a catalog.json at `catalog_path` (in the site) is published: beside it."""
    return posixpath.join(posixpath.dirname(catalog_path), SCHEMA_FILE)


def _attribute(a: Attribute) -> dict:
    out = {"type": a.type, "nullable": a.nullable or None, "optional": a.optional or None,
           "enum": [thaw(v) for v in a.enum] or None, "added": _v(a.added), "removed": _v(a.removed)}
    return {key: value for key, value in out.items() if value is not None}


def entities_json(entities: dict[str, Entity], page_url: PageUrl) -> dict:
    """Each entity's attributes (its parent's included), as the explorer checks answers."""
    return {name: {"url": f"{page_url(e.page)}#{e.anchor}", "added": _v(e.added),
                   "attributes": {a.name: _attribute(a) for a in attributes(e, entities)}}
            for name, e in entities.items()}


def catalog_json(catalog: Catalog, page_url: PageUrl, base_url: str = "", path: str = "catalog.json") -> dict:
    """The whole catalog as plain JSON: scopes with what each grants (transitively), every
    endpoint with its documentation URL, and the entities. An endpoint field of the spec that
    the model keeps as plain data (Endpoint.extra) is written under its own name, as the
    catalog has it. Page URLs are relative to `base_url`, the site's deployed address ("" when
    unknown). `path` is where the file is published in the site: "$schema" names the schema
    beside it, as an absolute URL when the address is known. core/catalog_schema.py states
    this shape: change both together."""
    return {
        "$schema": base_url.rstrip("/") + "/" + schema_path(path) if base_url else SCHEMA_FILE,
        "format": FORMAT, "mastodon": MASTODON, "base_url": base_url or None,
        "scopes": [
            {"name": s.name, "summary": s.summary, "added": _v(s.added), "deprecated": _v(s.deprecated),
             "grants": sorted(catalog.grants(s.name) - {s.name})}
            for s in catalog.scopes.values()
        ],
        "endpoints": [
            {
                "id": e.id, "method": e.method, "path": e.path, "title": e.title, "summary": e.summary,
                "returns": e.returns,
                "answers": [{"status": a.status, "body": a.kind, "type": a.type or None, "keyed_by": a.key or None,
                             "events": list(a.events) or None, "when": a.when or None} for a in e.answers],
                "streaming": e.streaming, "url": f"{page_url(e.page)}#{e.anchor}",
                "permission": {"flag": e.permission, "name": PERMISSIONS[e.permission]} if e.permission else None,
                "undocumented_upstream": e.undocumented,
                "added": _v(e.added), "deprecated": _v(e.deprecated), "removed": _v(e.removed),
                "oauth": [{"token": a.token, "scopes": list(a.scopes), "when": a.when or None, "since": _v(a.since)}
                          for a in e.oauth],
                "history": [{"version": c.version_text, "change": c.change, "note": c.note or None}
                            for c in e.history],
                "params": [_param(p) for p in e.params],
                **{name: thaw(value) for name, value in e.extras().items()},  # spec fields with no attribute
            }
            for e in catalog.endpoints
        ],
        "entities": entities_json(catalog.entities, page_url),
    }
