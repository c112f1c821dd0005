"""Load data/endpoints.yaml into the model, reporting every mistake with its location."""

from __future__ import annotations

import difflib
import gc
import re
import unicodedata
from collections.abc import Collection
from pathlib import Path

import yaml

from .errors import CatalogError, Problem
from .located import LList, LMap, Loc, TooLarge, position, read_located
from .model import (
    CHANGE_KINDS, METHODS, PARAM_LOCATIONS, PARAM_TYPES, PERMISSIONS, PLACEHOLDER_RE, TOKEN_KINDS,
    Alternative, Catalog, Change, Endpoint, Parameter, Scope,
)
from .versions import Version, format_version, parse_version, version_fix

SCOPE_KEYS = {"name": True, "summary": True, "added": True, "deprecated": False, "grants": False}
ENDPOINT_KEYS = {
    "id": True, "method": True, "path": True, "page": True, "anchor": True, "title": True,
    "summary": True, "returns": True, "oauth": True, "history": True, "params": False,
    "streaming": False, "permission": False, "undocumented": False,
}
ALTERNATIVE_KEYS = {"token": True, "scopes": False, "when": False, "since": False}
CHANGE_KEYS = {"version": True, "change": True, "note": False}
PARAM_KEYS = {
    "name": True, "in": True, "type": True, "description": True, "required": False,
    "items": False, "enum": False, "default": False, "added": False, "deprecated": False,
}
# Where each field belongs, for a field written at the wrong level.
FIELD_HOMES = [
    (CHANGE_KEYS, "a history entry (under 'history:')"),
    (ALTERNATIVE_KEYS, "an OAuth alternative (under 'oauth:')"),
    (PARAM_KEYS, "a parameter (under 'params:')"),
    (ENDPOINT_KEYS, "an endpoint"),
    (SCOPE_KEYS, "a scope"),
]
WRONG_LEVEL = {  # the usual slips, with the exact fix
    ("endpoint", "added"): "an endpoint's versions go in its history: write '- {version: \"X.Y.Z\", change: added}' "
                           "under 'history:'",
    ("endpoint", "deprecated"): "write '- {version: \"X.Y.Z\", change: deprecated}' under 'history:'",
    ("endpoint", "removed"): "write '- {version: \"X.Y.Z\", change: removed}' under 'history:'",
    ("endpoint", "scopes"): "scopes belong to an OAuth alternative: '- token: user' then 'scopes: [...]' under 'oauth:'",
    ("alternative", "added"): "an alternative accepted from a later version takes 'since:'",
}
TYPE_NAMES = {str: "text", bool: "true or false", list: "a list", dict: "a mapping"}

# The shapes of names that end up in URLs, HTML ids and Markdown; the JSON Schema states the same.
PATTERNS = {
    "id": (r"^[a-z0-9_]+(/[A-Za-z0-9_.-]+)+$", "lowercase words joined by '/', e.g. 'accounts/block'"),
    "anchor": (r"^[A-Za-z0-9_-]+$", "letters, digits, '_' and '-' only (it becomes the heading's HTML id)"),
    "scope": (r"^[a-z_]+(:[a-z_]+)*$", "lowercase ASCII words joined by ':', e.g. 'read:accounts'"),
    "param": (r"^[A-Za-z0-9_.:\[\]-]+$", "letters, digits and _ . : - [ ] only, e.g. 'media_ids[]'"),
    "path": (r"^(/[A-Za-z0-9_.~:-]*)+$", "'/'-separated segments with ':name' placeholders"),
}
MATCHERS = {kind: re.compile(pattern) for kind, (pattern, _) in PATTERNS.items()}
URL_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]*", re.I)
# Catalog text becomes Markdown: a link may go to a web page or this site, never run script.
UNSAFE_LINK_RE = re.compile(r"(\]\(\s*<?|<)\s*(javascript|vbscript|data|file):", re.I)
TEXT_FIELDS = ("title", "summary", "returns", "when", "note", "description")
# Python types a parameter's default and enum values may have, per parameter type.
VALUE_TYPES = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,), "datetime": (str,),
    "date": (str,), "array": (list,), "object": (dict,), "file": (),
}


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


def ascii_lookalike(text: str) -> tuple[str, str] | None:
    """For text with non-ASCII letters: (the first such character described, an ASCII guess)."""
    odd = next((c for c in text if ord(c) > 127), None)
    if odd is None:
        return None

    def latin(c: str) -> str:
        if ord(c) < 128:
            return c
        name = unicodedata.name(c, "")
        match = re.search(r"(?:SMALL|CAPITAL) LETTER ([A-Z])\b(?!\w)", name)  # Cyrillic a, Greek omicron...
        plain = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()
        return plain or (match.group(1).lower() if match else "")

    described = f"'{odd}' (U+{ord(odd):04X} {unicodedata.name(odd, 'unnamed character')})"
    return described, "".join(latin(c) for c in text)


def repair(value: str, kind: str) -> str | None:
    """The nearest valid name, for the fix of a message: trimmed, in ASCII, and so on."""
    candidate = value.strip()
    lookalike = ascii_lookalike(candidate)
    steps = [lambda t: t, lambda t: lookalike[1] if lookalike else t]
    steps += {"id": [str.lower], "scope": [str.lower], "anchor": [lambda t: re.sub(r"[^A-Za-z0-9_-]+", "_", t.lstrip("#"))],
              "param": [lambda t: re.sub(r"\s+", "_", t.strip("`"))]}.get(kind, [])
    for step in steps:
        candidate = step(candidate)
        if MATCHERS[kind].match(candidate):
            return candidate
    return None


def shown(value) -> str:
    """A value for a message, cut short: a message must never grow with the catalog."""
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def literal(value) -> str:
    """A value from the catalog in a message: text quoted, other values as written."""
    return f"'{shown(value)}'" if isinstance(value, str) else shown(value)


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

    def fields(self, node, loc: Loc, what: str, spec: dict[str, bool], level: str = "") -> LMap | None:
        if not isinstance(node, LMap):
            self.add(loc, f"{what} must be a mapping of fields", "write it as 'key: value' lines")
            return None
        for key in node:
            if key not in spec:
                self.add(node.key_loc[key], f"unknown field '{shown(key)}' in {what}", self.misplaced(key, spec, level))
        for key, required in spec.items():
            if required and key not in node:
                self.add(node.loc, f"{what} has no '{key}'", f"add '{key}:'")
        return node

    @staticmethod
    def misplaced(key: str, spec: dict[str, bool], level: str) -> str:
        """Advice for an unknown field: the right level for a real field, or the nearest name."""
        if (level, key) in WRONG_LEVEL:
            return WRONG_LEVEL[level, key]
        homes = [home for keys, home in FIELD_HOMES if key in keys and keys is not spec]
        if homes:
            return f"'{key}' is a field of {' or '.join(homes)}: move it there"
        return one_of(key, list(spec))

    def typed(self, node: LMap, key: str, kind: type, what: str, default=None):
        if key not in node:
            return default
        value = node[key]
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = node.raw[key]  # a bare number where text is expected is still text
        if kind is list and isinstance(value, LList) or kind is not list and isinstance(value, kind) and (
            kind is not str or value.strip()
        ):
            if kind is str and key in TEXT_FIELDS:
                self.text(node.val_loc[key], key, value, what)
            return value
        if kind is str and isinstance(value, str) or value is None:
            self.add(node.val_loc[key], f"'{key}' of {what} is empty", f"write the {key} after '{key}:'")
        else:
            self.add(node.val_loc[key], f"'{key}' of {what} must be {TYPE_NAMES[kind]}",
                     f"write {key}: followed by {TYPE_NAMES[kind]}")
        return default

    def text(self, loc: Loc, key: str, value: str, what: str) -> None:
        unsafe = UNSAFE_LINK_RE.search(value)
        if unsafe:
            self.add(loc, f"'{key}' of {what} links to a '{unsafe.group(2).lower()}:' URL",
                     "link to an http(s) address or a page of this site")

    def name(self, node: LMap, key: str, kind: str, what: str) -> str | None:
        """A text field that must have one of the PATTERNS shapes."""
        value = self.typed(node, key, str, what)
        if value is None or MATCHERS[kind].match(value):
            return value
        loc, rule, guess = node.val_loc[key], PATTERNS[kind][1], repair(value, kind)
        lookalike = ascii_lookalike(value)
        fix = f"write '{guess}'" if guess else f"correct the {key}"
        if guess == value.strip():
            self.add(loc, f"{key} '{value}' of {what} has spaces around it", fix)
        elif lookalike and guess == lookalike[1].strip():
            self.add(loc, f"{key} '{value}' of {what} contains the non-ASCII character {lookalike[0]}",
                     fix + " in plain ASCII")
        else:
            self.add(loc, f"{key} '{shown(value)}' of {what} is not valid: {rule}", fix)
        return None

    def version(self, node: LMap, key: str, what: str) -> Version | None:
        if key not in node:
            return None
        text = node.raw.get(key)
        parsed = parse_version(text) if text is not None else None
        if parsed is None:
            value = text if text is not None else shown(node[key])
            self.add(node.val_loc[key], f"bad version '{value}' for '{key}' of {what}", version_fix(value))
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
                self.add(loc, f"'{key}' of {what} must list names, not {shown(item)}", "write each as a plain word")
        return out

    def entries(self, node, loc: Loc, kind: str, key: str, spec: dict[str, bool], pattern: str):
        """The items of a top-level list, each checked as a mapping and named for messages."""
        if not isinstance(node, LList):
            self.add(loc, f"'{kind}s' must be a list", f"write each {kind} as a '- {key}: ...' item")
            return
        for item, item_loc in zip(node, node.item_loc):
            named = item.get(key) if isinstance(item, LMap) and isinstance(item.get(key), str) else None
            named = named if named and MATCHERS[pattern].match(named) else None
            what = f"{kind} '{shown(named)}'" if named else f"the {kind} at line {item_loc[0]}"
            m = self.fields(item, item_loc, what, spec, kind)
            if m is not None:
                yield m, item_loc, what

    def unknown_scope(self, loc: Loc, name: str, where: str, scopes: Collection[str]) -> None:
        lookalike = ascii_lookalike(name)
        if lookalike and lookalike[1] in scopes:
            self.add(loc, f"scope '{name}' {where} contains the non-ASCII character {lookalike[0]}",
                     f"write '{lookalike[1]}' in plain ASCII")
            return
        guess = suggest(name, scopes)
        fix = f"did you mean '{guess}'?" if guess else (
            "add it under 'scopes:' or use a listed scope" if where.startswith("in ") else "nothing similar exists")
        self.add(loc, f"unknown scope '{shown(name)}' {where}", fix)

    # -- scopes ---------------------------------------------------------------------------

    def scopes(self, node, loc: Loc) -> tuple[dict[str, Scope], dict[str, Loc]]:
        scopes: dict[str, Scope] = {}
        where: dict[str, Loc] = {}
        pending: list[tuple[str, list[tuple[str, Loc]]]] = []
        for m, _, what in self.entries(node, loc, "scope", "name", SCOPE_KEYS, "scope"):
            name = self.name(m, "name", "scope", what)
            summary = self.typed(m, "summary", str, what, "")
            added = self.version(m, "added", what)
            deprecated = self.version(m, "deprecated", what)
            if added and deprecated and deprecated < added:
                self.add(m.val_loc["deprecated"], f"{what} is deprecated in {format_version(deprecated)}, before it "
                         f"was added ({format_version(added)})", "correct one of the two versions")
            grants = self.names(m, "grants", what)
            if name is None and isinstance(m.get("name"), str):
                name = repair(m["name"], "scope")  # reported above; under its fixed name, its uses report nothing
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
                if granted == name:
                    self.add(g_loc, f"scope '{name}' grants itself", f"remove '{name}' from its own grants")
                elif granted not in scopes:
                    self.unknown_scope(g_loc, granted, f"granted by scope '{name}'", scopes)
        self.cycles(pending)
        # A scope was usable as soon as it, or a scope granting it, existed: before read:accounts
        # (2.4.3) a token with read (0.9.0) already passed. Endpoints older than OAuth scopes
        # count from the first scope.
        hierarchy = Catalog(scopes, [])
        for name in scopes:
            self.usable_from[name] = min(s.added for s in scopes.values() if name in hierarchy.grants(s.name))
        self.first_scope = min((s.added for s in scopes.values()), default=(0, 0, 0))
        return scopes, where

    def cycles(self, pending: list[tuple[str, list[tuple[str, Loc]]]]) -> None:
        """Grants must form a hierarchy: a scope granting, through others, itself is reported once,
        at the grant that closes the circle."""
        edges = {name: [(g, loc) for g, loc in grants if g != name] for name, grants in pending}
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        path: list[str] = []

        def visit(name: str) -> None:
            state[name] = 1
            path.append(name)
            for granted, loc in edges.get(name, ()):
                if state.get(granted) == 1:
                    circle = path[path.index(granted):] + [granted]
                    self.add(loc, "scopes grant each other in a circle: " + " → ".join(circle),
                             "a scope grants only narrower scopes; remove one of these grants")
                elif granted in edges and granted not in state:
                    visit(granted)
            path.pop()
            state[name] = 2

        for name in edges:
            if name not in state:
                visit(name)

    # -- endpoints ------------------------------------------------------------------------

    def scope_names(self, m: LMap, what: str, scopes: dict[str, Scope]) -> list[tuple[str, Loc]]:
        found = self.names(m, "scopes", what)
        for name, loc in found:
            if name not in scopes:
                self.unknown_scope(loc, name, f"in {what}", scopes)
        return found

    def alternatives(self, m: LMap, what: str, scopes: dict[str, Scope], added: Version | None):
        node = self.typed(m, "oauth", list, what)
        if node is None:
            return ()
        if not node:
            self.add(m.val_loc["oauth"], f"{what} has no OAuth alternative", "add at least '- token: public'")
        out = []
        for item, loc in zip(node, node.item_loc):
            alt = self.fields(item, loc, f"an OAuth alternative of {what}", ALTERNATIVE_KEYS, "alternative")
            if alt is None:
                continue
            token = self.typed(alt, "token", str, what)
            if token is not None and token not in TOKEN_KINDS:
                self.add(alt.val_loc["token"], f"unknown token kind '{shown(token)}' in {what}",
                         one_of(token, TOKEN_KINDS))
            names = self.scope_names(alt, what, scopes)
            if token == "public" and names:
                self.add(alt.val_loc["scopes"], f"a public alternative of {what} cannot need scopes",
                         "use 'token: user' or 'token: app' with these scopes, or remove them")
            since = self.version(alt, "since", what)
            if since and added and since < added:
                self.add(alt.val_loc["since"], f"an alternative of {what} is accepted since {format_version(since)}, "
                         f"before the endpoint itself ({format_version(added)})",
                         "remove 'since' or correct the version")
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
        where: dict[int, Loc] = {}  # id(change) -> its entry's location
        for item, loc in zip(node, node.item_loc):
            c = self.fields(item, loc, f"a history entry of {what}", CHANGE_KEYS, "change")
            if c is None:
                continue
            version = self.version(c, "version", what)
            kind = self.typed(c, "change", str, what)
            if kind is not None and kind not in CHANGE_KINDS:
                self.add(c.val_loc["change"], f"unknown change '{shown(kind)}' in {what}", one_of(kind, CHANGE_KINDS))
            if version and kind in CHANGE_KINDS:
                out.append(Change(version, kind, self.typed(c, "note", str, what, "")))
                where[id(out[-1])] = loc
        added = [c for c in out if c.change == "added"]
        if len(added) != 1 and len(out) == len(node):
            self.add(m.val_loc["history"], f"{what} needs exactly one 'added' entry in its history, found {len(added)}",
                     "keep a single '- {version: X.Y.Z, change: added}'")
        elif added and out[0] is not added[0]:
            self.add(m.val_loc["history"], f"the history of {what} must start with its 'added' entry",
                     "move the 'added' entry first")
        if any(b.version < a.version for a, b in zip(out, out[1:])):
            self.add(m.val_loc["history"], f"the history of {what} is not in version order", "sort it by version")
        removed = next((c for c in out if c.change == "removed"), None)
        later = [c for c in out if removed and c is not removed and c.version > removed.version
                 and c.change in ("deprecated", "removed")]
        if later:
            self.add(where[id(later[0])], f"{what} is {later[0].change} in {later[0].version_text}, after it was "
                     f"removed in {removed.version_text}", f"remove that entry, or date it before {removed.version_text}")
        return tuple(out)

    def values(self, p: LMap, pwhat: str, ptype: str | None, items: str | None, enum) -> None:
        """A parameter's enum and default must be values of its type, and the default one of the enum."""
        if ptype is None or ptype == "array" and not items:
            return
        element = items if ptype == "array" else ptype
        kinds = VALUE_TYPES[element]

        def check(value, loc: Loc, what: str) -> bool:
            fits = bool in kinds if isinstance(value, bool) else isinstance(value, kinds)
            if not fits:
                quote = " (quote it for text)" if str in kinds else ""
                self.add(loc, f"{what} {literal(value)} of {pwhat} is not of its type, {element}",
                         f"write a value of type {element}{quote}")
            return fits

        for value, loc in zip(enum, getattr(enum, "item_loc", [])):
            check(value, loc, "enum value")
        if "default" in p:
            default, loc = p["default"], p.val_loc["default"]
            for value in default if ptype == "array" and isinstance(default, list) else [default]:
                if check(value, loc, "default") and enum and value not in enum:
                    self.add(loc, f"default {literal(value)} of {pwhat} is not one of its enum values",
                             one_of(str(value), [str(v) for v in enum]))

    def params(self, m: LMap, what: str, added: Version | None) -> tuple[Parameter, ...]:
        node = self.typed(m, "params", list, what, default=LList())
        out = []
        seen: dict[tuple[str, str], Loc] = {}
        for item, loc in zip(node, getattr(node, "item_loc", [])):
            p = self.fields(item, loc, f"a parameter of {what}", PARAM_KEYS, "parameter")
            if p is None:
                continue
            name = self.name(p, "name", "param", f"a parameter of {what}")
            pwhat = f"parameter '{name}' of {what}" if name else f"a parameter of {what}"
            where = self.typed(p, "in", str, pwhat)
            if where is not None and where not in PARAM_LOCATIONS:
                self.add(p.val_loc["in"], f"unknown location '{shown(where)}' for {pwhat}",
                         one_of(where, PARAM_LOCATIONS))
            ptype = self.typed(p, "type", str, pwhat)
            if ptype is not None and ptype not in PARAM_TYPES:
                self.add(p.val_loc["type"], f"unknown type '{shown(ptype)}' for {pwhat}", one_of(ptype, PARAM_TYPES))
                ptype = None
            items = self.typed(p, "items", str, pwhat)
            if items is not None and ptype and ptype != "array":
                self.add(p.val_loc["items"], f"'items' of {pwhat} applies only to arrays, and its type is {ptype}",
                         "remove 'items', or write 'type: array'")
                items = None
            elif items is not None and (items not in PARAM_TYPES or items == "array"):
                self.add(p.val_loc["items"], f"unknown item type '{shown(items)}' for {pwhat}",
                         one_of(items, [t for t in PARAM_TYPES if t != "array"]))
                items = None
            required = self.typed(p, "required", bool, pwhat, False)
            enum = self.typed(p, "enum", list, pwhat, ())
            self.values(p, pwhat, ptype, items, enum)
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

    def permission(self, m: LMap, what: str, oauth: tuple[Alternative, ...]) -> str:
        """The role permission: one of Mastodon's, and only where a user token is an alternative."""
        name = self.typed(m, "permission", str, what, "")
        if name and name not in PERMISSIONS:
            self.add(m.val_loc["permission"], f"unknown role permission '{shown(name)}' in {what}",
                     one_of(name, PERMISSIONS))
            return ""
        if name and oauth and not any(alt.token == "user" for alt in oauth):
            self.add(m.val_loc["permission"], f"{what} needs the role permission '{name}' but no user token",
                     "a role belongs to a user: add a '- token: user' alternative, or remove 'permission'")
        return name

    def path(self, m: LMap, what: str) -> str | None:
        path = self.typed(m, "path", str, what)
        if path is None:
            return None
        loc = m.val_loc["path"]
        url = URL_RE.match(path)
        if url:
            rest = path[url.end():] or "/"
            self.add(loc, f"path of {what} is a full URL", f"write only the path, '{shown(rest)}'; the server varies")
        elif "?" in path or "#" in path:
            cut = min(i for i in (path.find("?"), path.find("#")) if i >= 0)
            self.add(loc, f"path '{shown(path)}' of {what} has a query string or fragment",
                     f"write the path as '{shown(path[:cut])}' and each query parameter under 'params:' with 'in: query'")
        elif not path.startswith("/"):
            self.add(loc, f"path '{shown(path)}' of {what} must start with '/'", f"write '/{shown(path)}'")
        elif not MATCHERS["path"].match(path):
            self.add(loc, f"path '{shown(path)}' of {what} is not valid: {PATTERNS['path'][1]}", "correct the path")
        else:
            placeholders = PLACEHOLDER_RE.findall(path)
            repeated = next((p for p in placeholders if placeholders.count(p) > 1), None)
            if repeated:
                self.add(loc, f"placeholder ':{repeated}' appears twice in the path of {what}",
                         "give each placeholder its own name, e.g. ':account_id' and ':id'")
            return path
        return None

    def path_params(self, m: LMap, what: str, path: str, params: tuple[Parameter, ...]) -> None:
        placeholders = PLACEHOLDER_RE.findall(path)
        declared = {p.name: p for p in params if p.location == "path"}
        for name in dict.fromkeys(placeholders):
            if name not in declared:
                self.add(m.val_loc["path"], f"path placeholder ':{name}' in {what} has no path parameter",
                         f"add a parameter {{name: {name}, in: path, type: string, required: true}}")
        params_node = m.get("params") or []
        for item, loc in zip(params_node, getattr(params_node, "item_loc", [])):
            if isinstance(item, LMap) and item.get("in") == "path" and item.get("name") not in placeholders:
                self.add(item.val_loc.get("name", loc),
                         f"path parameter '{shown(item.get('name'))}' of {what} does not appear in its path '{path}'",
                         f"add ':{shown(item.get('name'))}' to the path, or change 'in:'")

    def endpoints(self, node, loc: Loc, scopes: dict[str, Scope], pages: Collection[str] | None) -> list[Endpoint]:
        out: list[Endpoint] = []
        ids: dict[str, Loc] = {}
        signatures: dict[str, tuple[str, Loc]] = {}
        anchors: dict[tuple[str, str], tuple[str, Loc]] = {}
        for m, item_loc, what in self.entries(node, loc, "endpoint", "id", ENDPOINT_KEYS, "id"):
            eid = self.name(m, "id", "id", what)
            method = self.typed(m, "method", str, what)
            if method is not None and method not in METHODS:
                self.add(m.val_loc["method"], f"unknown method '{shown(method)}' in {what}", one_of(method, METHODS))
            path = self.path(m, what)
            page = self.typed(m, "page", str, what)
            if page is not None and pages is not None and page not in pages:
                guess = suggest(page, pages)
                self.add(m.val_loc["page"], f"page '{shown(page)}' of {what} does not exist",
                         f"did you mean '{guess}'?" if guess else "create the page or name an existing one")
            anchor = self.name(m, "anchor", "anchor", what)
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
            permission = self.permission(m, what, oauth)
            undocumented = self.typed(m, "undocumented", bool, what, False)
            texts = [self.typed(m, key, str, what) for key in ("title", "summary", "returns")]
            if all([eid, method, path, page, anchor, history, oauth, *texts]):
                out.append(Endpoint(eid, method, path, page, anchor, *texts, oauth, history, params, streaming,
                                    item_loc[0], permission, undocumented))
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


def read_yaml(text: str, file: str):
    """The located data, or CatalogError for YAML that is malformed or not plain data."""
    try:
        data, notes = read_located(text)
    except TooLarge as err:
        (line, col), message, fix = err.note
        raise CatalogError([Problem(file, line, col, message, fix)]) from None
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
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, e.g. a control character
        line, col = position(text, err.position)
        raise CatalogError([Problem(file, line, col, f"character U+{err.character:04X} is not allowed in YAML"
                                    if isinstance(err.character, int) else f"malformed YAML: {err}",
                                    "delete it, or write it as an escape such as \\t in a double-quoted string")]
                           ) from None
    except yaml.YAMLError as err:
        raise CatalogError([Problem(file, 1, 1, f"malformed YAML: {err}", "check the file's encoding")]) from None
    return data, notes


def _parse(text: str, file: str, pages: Collection[str] | None) -> Catalog:
    reader = _Reader(file)
    data, notes = read_yaml(text, file)
    for loc, message, fix in notes:
        reader.add(loc, message, fix)
    if any(not message.startswith("duplicate key") for _, message, _ in notes):
        raise CatalogError(reader.problems)  # values that are not plain data would only confuse what follows
    top = reader.fields(data, (1, 1), "the catalog", {"scopes": True, "endpoints": True})
    if top is None:
        raise CatalogError(reader.problems)
    scopes, _ = reader.scopes(top.get("scopes"), top.val_loc.get("scopes", (1, 1))) if "scopes" in top else ({}, {})
    endpoints = (reader.endpoints(top["endpoints"], top.val_loc["endpoints"], scopes, pages)
                 if "endpoints" in top else [])
    if reader.problems:
        raise CatalogError(reader.problems)
    return Catalog(scopes, endpoints, file)


def decode(data: bytes, file: str) -> str:
    """The catalog's bytes as text; bytes that are not UTF-8 are reported where they are."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = len(data[data.rfind(b"\n", 0, err.start) + 1:err.start].decode("utf-8", "replace")) + 1
        raise CatalogError([Problem(file, line, col, f"byte 0x{data[err.start]:02X} is not UTF-8 text",
                                    "save the file as UTF-8, or retype the character here")]) from None


def load_catalog(path: str | Path, display: str | None = None, pages: Collection[str] | None = None) -> Catalog:
    """Read and validate a catalog file; `display` is the name used in messages."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise CatalogError([Problem(display or str(path), 1, 1, f"cannot read the catalog: {err}",
                                    "check that the file exists")]) from None
    return parse_catalog(decode(data, display or str(path)), display or str(path), pages)
