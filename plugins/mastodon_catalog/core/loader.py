"""Load data/endpoints.yaml into the model, reporting every mistake with its location."""

from __future__ import annotations

import difflib
import gc
from collections.abc import Collection
from pathlib import Path

import yaml

from .errors import CatalogError, Problem
from .located import LList, LMap, Loc, read_located
from .model import (
    CHANGE_KINDS, METHODS, PARAM_LOCATIONS, PARAM_TYPES, TOKEN_KINDS,
    Alternative, Catalog, Change, Endpoint, Parameter, Scope,
)
from .versions import Version, format_version, parse_version, version_fix

SCOPE_KEYS = {"name": True, "summary": True, "added": True, "deprecated": False, "grants": False}
ENDPOINT_KEYS = {
    "id": True, "method": True, "path": True, "page": True, "anchor": True, "title": True,
    "summary": True, "returns": True, "oauth": True, "history": True, "params": False,
    "streaming": False,
}
ALTERNATIVE_KEYS = {"token": True, "scopes": False, "when": False, "since": False}
CHANGE_KEYS = {"version": True, "change": True, "note": False}
PARAM_KEYS = {
    "name": True, "in": True, "type": True, "description": True, "required": False,
    "items": False, "enum": False, "default": False, "added": False, "deprecated": False,
}
TYPE_NAMES = {str: "text", bool: "true or false", list: "a list", dict: "a mapping"}


def suggest(word: str, choices: Collection[str]) -> str | None:
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def one_of(word: str, choices: Collection[str]) -> str:
    guess = suggest(word, choices)
    if guess:
        return f"did you mean '{guess}'?"
    if len(choices) > 8:  # too many to list in one message
        return "nothing similar exists; check the spelling"
    return "use one of: " + ", ".join(choices)


class _Reader:
    """Turns located YAML into model objects, collecting problems instead of stopping."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.usable_from: dict[str, Version] = {}
        self.first_scope: Version = (0, 0, 0)

    def add(self, loc: Loc, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.file, loc[0], loc[1], message, fix))

    # -- shapes ---------------------------------------------------------------------------

    def fields(self, node, loc: Loc, what: str, spec: dict[str, bool]) -> LMap | None:
        if not isinstance(node, LMap):
            self.add(loc, f"{what} must be a mapping of fields", "write it as 'key: value' lines")
            return None
        for key in node:
            if key not in spec:
                self.add(node.key_loc[key], f"unknown field '{key}' in {what}", one_of(key, list(spec)))
        for key, required in spec.items():
            if required and key not in node:
                self.add(node.loc, f"{what} has no '{key}'", f"add '{key}:'")
        return node

    def typed(self, node: LMap, key: str, kind: type, what: str, default=None):
        if key not in node:
            return default
        value = node[key]
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = node.raw[key]  # a bare number where text is expected is still text
        if kind is list and isinstance(value, LList) or kind is not list and isinstance(value, kind) and (
            kind is not str or value.strip()
        ):
            return value
        if kind is str and isinstance(value, str) or value is None:
            self.add(node.val_loc[key], f"'{key}' of {what} is empty", f"write the {key} after '{key}:'")
        else:
            self.add(node.val_loc[key], f"'{key}' of {what} must be {TYPE_NAMES[kind]}",
                     f"write {key}: followed by {TYPE_NAMES[kind]}")
        return default

    def version(self, node: LMap, key: str, what: str) -> Version | None:
        if key not in node:
            return None
        text = node.raw.get(key)
        parsed = parse_version(text) if text is not None else None
        if parsed is None:
            shown = text if text is not None else str(node[key])
            self.add(node.val_loc[key], f"bad version '{shown}' for '{key}' of {what}", version_fix(shown))
        return parsed

    def names(self, node: LMap, key: str, what: str) -> list[tuple[str, Loc]]:
        items = self.typed(node, key, list, what, default=None)
        if items is None:
            return []
        out = []
        for item, loc in zip(items, items.item_loc):
            if isinstance(item, str):
                out.append((item, loc))
            else:
                self.add(loc, f"'{key}' of {what} must list names, not {item!r}", "write each as a plain word")
        return out

    def entries(self, node, loc: Loc, kind: str, key: str, spec: dict[str, bool]):
        """The items of a top-level list, each checked as a mapping and named for messages."""
        if not isinstance(node, LList):
            self.add(loc, f"'{kind}s' must be a list", f"write each {kind} as a '- {key}: ...' item")
            return
        for item, item_loc in zip(node, node.item_loc):
            named = item.get(key) if isinstance(item, LMap) and isinstance(item.get(key), str) else None
            what = f"{kind} '{named}'" if named else f"the {kind} at line {item_loc[0]}"
            m = self.fields(item, item_loc, what, spec)
            if m is not None:
                yield m, item_loc, what

    # -- scopes ---------------------------------------------------------------------------

    def scopes(self, node, loc: Loc) -> tuple[dict[str, Scope], dict[str, Loc]]:
        scopes: dict[str, Scope] = {}
        where: dict[str, Loc] = {}
        pending: list[tuple[str, list[tuple[str, Loc]]]] = []
        for m, _, what in self.entries(node, loc, "scope", "name", SCOPE_KEYS):
            name = self.typed(m, "name", str, what)
            summary = self.typed(m, "summary", str, what, "")
            added = self.version(m, "added", what)
            deprecated = self.version(m, "deprecated", what)
            grants = self.names(m, "grants", what)
            if not name:
                continue
            if name in where:
                self.add(m.val_loc["name"], f"duplicate scope '{name}' (first defined at line {where[name][0]})",
                         "remove one of them")
                continue
            where[name] = m.val_loc["name"]
            pending.append((name, grants))
            scopes[name] = Scope(name, summary, added or (0, 0, 0), tuple(g for g, _ in grants), deprecated)
        for name, grants in pending:
            for granted, g_loc in grants:
                if granted not in scopes:
                    self.add(g_loc, f"unknown scope '{granted}' granted by scope '{name}'", one_of(granted, scopes))
        # A scope was usable as soon as it, or a scope granting it, existed: before read:accounts
        # (2.4.3) a token with read (0.9.0) already passed. Endpoints older than OAuth scopes
        # count from the first scope.
        hierarchy = Catalog(scopes, [])
        for name in scopes:
            self.usable_from[name] = min(s.added for s in scopes.values() if name in hierarchy.grants(s.name))
        self.first_scope = min((s.added for s in scopes.values()), default=(0, 0, 0))
        return scopes, where

    # -- endpoints ------------------------------------------------------------------------

    def scope_names(self, m: LMap, what: str, scopes: dict[str, Scope]) -> list[tuple[str, Loc]]:
        found = self.names(m, "scopes", what)
        for name, loc in found:
            if name not in scopes:
                guess = suggest(name, scopes)
                fix = f"did you mean '{guess}'?" if guess else "add it under 'scopes:' or use a listed scope"
                self.add(loc, f"unknown scope '{name}' in {what}", fix)
        return found

    def alternatives(self, m: LMap, what: str, scopes: dict[str, Scope], added: Version | None):
        node = self.typed(m, "oauth", list, what)
        if node is None:
            return ()
        if not node:
            self.add(m.val_loc["oauth"], f"{what} has no OAuth alternative", "add at least '- token: public'")
        out = []
        for item, loc in zip(node, node.item_loc):
            alt = self.fields(item, loc, f"an OAuth alternative of {what}", ALTERNATIVE_KEYS)
            if alt is None:
                continue
            token = self.typed(alt, "token", str, what)
            if token is not None and token not in TOKEN_KINDS:
                self.add(alt.val_loc["token"], f"unknown token kind '{token}' in {what}", one_of(token, TOKEN_KINDS))
            names = self.scope_names(alt, what, scopes)
            if token == "public" and names:
                self.add(alt.val_loc["scopes"], f"a public alternative of {what} cannot need scopes",
                         "use 'token: user' or 'token: app' with these scopes, or remove them")
            since = self.version(alt, "since", what)
            start = since or added
            for name, loc_ in names:
                usable = self.usable_from.get(name)
                if usable and start and usable > max(start, self.first_scope):
                    self.add(loc_, f"scope '{name}' was added in {format_version(usable)}, but {what} "
                             f"accepts it from {format_version(start)}",
                             f"add 'since: {format_version(usable)}' to this alternative")
            when = self.typed(alt, "when", str, what, "")
            out.append(Alternative(token or "", tuple(n for n, _ in names), when, since))
        return tuple(out)

    def history(self, m: LMap, what: str) -> tuple[Change, ...]:
        node = self.typed(m, "history", list, what)
        if node is None:
            return ()
        out = []
        for item, loc in zip(node, node.item_loc):
            c = self.fields(item, loc, f"a history entry of {what}", CHANGE_KEYS)
            if c is None:
                continue
            version = self.version(c, "version", what)
            kind = self.typed(c, "change", str, what)
            if kind is not None and kind not in CHANGE_KINDS:
                self.add(c.val_loc["change"], f"unknown change '{kind}' in {what}", one_of(kind, CHANGE_KINDS))
            if version and kind in CHANGE_KINDS:
                out.append(Change(version, kind, self.typed(c, "note", str, what, "")))
        added = [c for c in out if c.change == "added"]
        if len(added) != 1 and len(out) == len(node):
            self.add(m.val_loc["history"], f"{what} needs exactly one 'added' entry in its history, found {len(added)}",
                     "keep a single '- {version: X.Y.Z, change: added}'")
        elif added and out[0] is not added[0]:
            self.add(m.val_loc["history"], f"the history of {what} must start with its 'added' entry",
                     "move the 'added' entry first")
        if any(b.version < a.version for a, b in zip(out, out[1:])):
            self.add(m.val_loc["history"], f"the history of {what} is not in version order", "sort it by version")
        return tuple(out)

    def params(self, m: LMap, what: str, added: Version | None) -> tuple[Parameter, ...]:
        node = self.typed(m, "params", list, what, default=LList())
        out = []
        seen: dict[tuple[str, str], Loc] = {}
        for item, loc in zip(node, getattr(node, "item_loc", [])):
            p = self.fields(item, loc, f"a parameter of {what}", PARAM_KEYS)
            if p is None:
                continue
            name = self.typed(p, "name", str, what)
            pwhat = f"parameter '{name}' of {what}" if name else f"a parameter of {what}"
            where = self.typed(p, "in", str, pwhat)
            if where is not None and where not in PARAM_LOCATIONS:
                self.add(p.val_loc["in"], f"unknown location '{where}' for {pwhat}", one_of(where, PARAM_LOCATIONS))
            ptype = self.typed(p, "type", str, pwhat)
            if ptype is not None and ptype not in PARAM_TYPES:
                self.add(p.val_loc["type"], f"unknown type '{ptype}' for {pwhat}", one_of(ptype, PARAM_TYPES))
            items = self.typed(p, "items", str, pwhat)
            if items is not None and (items not in PARAM_TYPES or items == "array"):
                self.add(p.val_loc["items"], f"unknown item type '{items}' for {pwhat}",
                         one_of(items, [t for t in PARAM_TYPES if t != "array"]))
            required = self.typed(p, "required", bool, pwhat, False)
            enum = self.typed(p, "enum", list, pwhat, ())
            p_added = self.version(p, "added", pwhat)
            if p_added and added and p_added < added:
                self.add(p.val_loc["added"], f"{pwhat} is dated {format_version(p_added)}, before the endpoint "
                         f"itself ({format_version(added)})", "remove 'added' or correct the version")
            if name and where:
                if (name, where) in seen:
                    self.add(p.val_loc["name"], f"duplicate {pwhat} (first at line {seen[name, where][0]})",
                             "remove one of them")
                seen[name, where] = p.val_loc["name"]
                if where == "path" and not required:
                    self.add(p.loc, f"path {pwhat} must be required", "add 'required: true'")
            description = self.typed(p, "description", str, pwhat, "")
            if name and where and ptype:
                out.append(Parameter(
                    name, where, ptype, description, bool(required), items, tuple(enum),
                    p.get("default"), p_added, bool(self.typed(p, "deprecated", bool, pwhat, False)),
                ))
        return tuple(out)

    def path_params(self, m: LMap, what: str, path: str, params: tuple[Parameter, ...]) -> None:
        from .model import PLACEHOLDER_RE

        placeholders = PLACEHOLDER_RE.findall(path)
        declared = {p.name: p for p in params if p.location == "path"}
        for name in placeholders:
            if name not in declared:
                self.add(m.val_loc["path"], f"path placeholder ':{name}' in {what} has no path parameter",
                         f"add a parameter {{name: {name}, in: path, type: string, required: true}}")
        params_node = m.get("params") or []
        for item, loc in zip(params_node, getattr(params_node, "item_loc", [])):
            if isinstance(item, LMap) and item.get("in") == "path" and item.get("name") not in placeholders:
                self.add(item.val_loc.get("name", loc),
                         f"path parameter '{item.get('name')}' of {what} does not appear in its path '{path}'",
                         f"add ':{item.get('name')}' to the path, or change 'in:'")

    def endpoints(self, node, loc: Loc, scopes: dict[str, Scope], pages: Collection[str] | None) -> list[Endpoint]:
        out: list[Endpoint] = []
        ids: dict[str, Loc] = {}
        signatures: dict[str, tuple[str, Loc]] = {}
        anchors: dict[tuple[str, str], tuple[str, Loc]] = {}
        for m, item_loc, what in self.entries(node, loc, "endpoint", "id", ENDPOINT_KEYS):
            eid = self.typed(m, "id", str, what)
            method = self.typed(m, "method", str, what)
            if method is not None and method not in METHODS:
                self.add(m.val_loc["method"], f"unknown method '{method}' in {what}", one_of(method, METHODS))
            path = self.typed(m, "path", str, what)
            if path is not None and not path.startswith("/"):
                self.add(m.val_loc["path"], f"path '{path}' of {what} must start with '/'", f"write '/{path}'")
            page = self.typed(m, "page", str, what)
            if page is not None and pages is not None and page not in pages:
                guess = suggest(page, pages)
                self.add(m.val_loc["page"], f"page '{page}' of {what} does not exist",
                         f"did you mean '{guess}'?" if guess else "create the page or name an existing one")
            anchor = self.typed(m, "anchor", str, what)
            history = self.history(m, what)
            added = next((c.version for c in history if c.change == "added"), None)
            oauth = self.alternatives(m, what, scopes, added)
            params = self.params(m, what, added)
            if path:
                self.path_params(m, what, path, params)
            if eid:
                if eid in ids:
                    self.add(m.val_loc["id"], f"duplicate endpoint id '{eid}' (first defined at line {ids[eid][0]})",
                             "give each endpoint its own id")
                else:
                    ids[eid] = m.val_loc["id"]
            if method and path:
                signature = f"{method} {path}"
                if signature in signatures:
                    first, first_loc = signatures[signature]
                    self.add(m.val_loc["path"], f"duplicate endpoint '{signature}': {what} repeats '{first}' "
                             f"from line {first_loc[0]}", "remove the copy or correct its method or path")
                else:
                    signatures[signature] = (eid or "?", m.val_loc["path"])
            if page and anchor:
                if (page, anchor) in anchors:
                    first, first_loc = anchors[page, anchor]
                    self.add(m.val_loc["anchor"], f"anchor '{anchor}' of {what} is already used on {page} by "
                             f"'{first}' (line {first_loc[0]})", "give each endpoint on a page its own anchor")
                else:
                    anchors[page, anchor] = (eid or "?", m.val_loc["anchor"])
            streaming = self.typed(m, "streaming", bool, what, False)
            texts = [self.typed(m, key, str, what) for key in ("title", "summary", "returns")]
            if all([eid, method, path, page, anchor, history, oauth, *texts]):
                out.append(Endpoint(eid, method, path, page, anchor, *texts, oauth, history, params, streaming,
                                    item_loc[0]))
        return out


def parse_catalog(text: str, file: str = "data/endpoints.yaml", pages: Collection[str] | None = None) -> Catalog:
    """Validate catalog text. `pages` (paths relative to the docs folder), when given, are the
    pages an endpoint may name. Raises CatalogError listing every problem."""
    # Loading builds a large, acyclic tree of objects: pausing the cycle collector keeps the
    # cost linear in the catalog's size (with it running, 30,000 endpoints took 2.5x longer).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, file, pages)
    finally:
        if collecting:
            gc.enable()


def _parse(text: str, file: str, pages: Collection[str] | None) -> Catalog:
    reader = _Reader(file)
    try:
        data, duplicates = read_located(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        context = err.context or ""
        if context and err.context_mark and err.context_mark.line + 1 != line:
            context += f" that starts at line {err.context_mark.line + 1}"
        what = ": ".join(filter(None, [context, err.problem]))
        raise CatalogError([Problem(file, line, col, f"malformed YAML: {what}",
                                    "check the indentation and quoting here and above; an unclosed quote or "
                                    "bracket shows up further down")]) from None
    except yaml.YAMLError as err:
        raise CatalogError([Problem(file, 1, 1, f"malformed YAML: {err}", "check the file's encoding")]) from None
    for loc, key, first in duplicates:
        reader.add(loc, f"duplicate key '{key}' (also at line {first[0]}; YAML would keep only the last)",
                   "remove one of them")
    top = reader.fields(data, (1, 1), "the catalog", {"scopes": True, "endpoints": True})
    if top is None:
        raise CatalogError(reader.problems)
    scopes, _ = reader.scopes(top.get("scopes"), top.val_loc.get("scopes", (1, 1))) if "scopes" in top else ({}, {})
    endpoints = (reader.endpoints(top["endpoints"], top.val_loc["endpoints"], scopes, pages)
                 if "endpoints" in top else [])
    if reader.problems:
        raise CatalogError(reader.problems)
    return Catalog(scopes, endpoints, file)


def load_catalog(path: str | Path, display: str | None = None, pages: Collection[str] | None = None) -> Catalog:
    """Read and validate a catalog file; `display` is the name used in messages."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CatalogError([Problem(display or str(path), 1, 1, f"cannot read the catalog: {err}",
                                    "check that the file exists and is UTF-8")]) from None
    return parse_catalog(text, display or str(path), pages)
