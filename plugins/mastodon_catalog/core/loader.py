"""Load data/endpoints.yaml into the model, reporting every mistake with its location.

The shape of each record (its fields, which of them are required, their types, patterns
and choices) comes from the field specs in fields.py, which the JSON Schema for editors
is generated from too. This module adds what a spec cannot say (scopes must exist, a path
placeholder needs a path parameter, versions come in order...) and the wording of every
message. Endpoints are turned into the model as the YAML is read, so the located tree of a
large catalog never exists whole."""

from __future__ import annotations

import difflib
import gc
import re
import unicodedata
from collections.abc import Collection
from pathlib import Path
from sys import intern

import yaml

from .errors import CatalogError, Problem
from .fields import (
    ALTERNATIVE, BOOLEAN, CATALOG, CHANGE, ENDPOINT, INTEGER, LIST, PARAMETER, PATTERNS, RECORDS, SCOPE, TEXT,
    UNSAFE_LINK, VALUE, VALUE_TYPES, VERSION, Field, Record,
)
from .located import LList, LMap, Loc, TooLarge, position, read_located
from .model import (
    EXTRA_FIELDS, PLACEHOLDER_RE, Alternative, Catalog, Change, Endpoint, Parameter, Scope, freeze, thaw,
)
from .returns import ReturnsError
from .returns import parse as parse_returns
from .versions import Version, format_version, parse_version, version_fix

# What to write for a missing list whose entries have fields of their own.
MISSING_FIX = {
    "history": "add 'history:' with at least '- {version: \"X.Y.Z\", change: added}'",
    "oauth": "add 'oauth:' with at least '- token: public'",
}

# Where each field belongs, for a field written at the wrong level, in the order of advice.
_ADVICE_ORDER = (CHANGE, ALTERNATIVE, PARAMETER, ENDPOINT, SCOPE)
FIELD_HOMES = [(r, r.home) for r in _ADVICE_ORDER] + [
    (r, r.home) for r in RECORDS.values() if r not in _ADVICE_ORDER and r is not CATALOG]
WRONG_LEVEL = {  # the usual slips, with the exact fix
    ("endpoint", "added"): "an endpoint's versions go in its history: write '- {version: \"X.Y.Z\", change: added}' "
                           "under 'history:'",
    ("endpoint", "deprecated"): "write '- {version: \"X.Y.Z\", change: deprecated}' under 'history:'",
    ("endpoint", "removed"): "write '- {version: \"X.Y.Z\", change: removed}' under 'history:'",
    ("endpoint", "scopes"): "scopes belong to an OAuth alternative: '- token: user' then 'scopes: [...]' under 'oauth:'",
    ("alternative", "added"): "an alternative accepted from a later version takes 'since:'",
}
TYPE_NAMES = {str: "text", bool: "true or false", list: "a list", dict: "a mapping"}
# "unknown location 'body' for parameter 'limit' of ...", but "unknown method 'FETCH' in endpoint ..."
PREPOSITIONS = {"parameter": "for"}
# A list that must not be empty, where a more precise wording than the general one exists.
EMPTY_LISTS = {
    ("endpoint", "oauth"): ("{what} has no OAuth alternative", "add at least '- token: public'"),
    ("endpoint", "history"): ("{what} needs exactly one 'added' entry in its history, found 0",
                              "keep a single '- {version: X.Y.Z, change: added}'"),
}
# The endpoint fields read by their own methods below; every other field is read from its spec.
ENDPOINT_OWN = ("path", "oauth", "history", "params")

MATCHERS = {kind: pattern.match for kind, pattern in PATTERNS.items()}  # whole-value matches
URL_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]*", re.I)
UNSAFE_LINK_RE = re.compile(UNSAFE_LINK)  # a Markdown link or autolink to javascript:, data: and the like


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
              "param": [lambda t: re.sub(r"\s+", "_", t.strip("`"))],
              "page": [lambda t: t.lstrip("/"), lambda t: t if t.endswith(".md") else t + ".md"]}.get(kind, [])
    for step in steps:
        candidate = step(candidate)
        if MATCHERS[kind](candidate):
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

    def __init__(self, file: str, pages: Collection[str] | None = None):
        self.file = file
        self.pages = pages
        self.problems: list[Problem] = []
        self.scopes: dict[str, Scope] | None = None  # once read
        self.usable_from: dict[str, Version] = {}
        self.first_scope: Version = (0, 0, 0)
        self.versions: dict[str, Version] = {}  # each version text parsed once, its tuple shared
        self.endpoints: list[Endpoint] = []
        self.ids: dict[str, Loc] = {}
        self.signatures: dict[str, tuple[str, Loc]] = {}
        self.anchors: dict[tuple[str, str], tuple[str, Loc]] = {}
        self.titles: dict[tuple[str, str], tuple[str, Loc]] = {}

    def add(self, loc: Loc, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.file, loc[0], loc[1], message, fix))

    # -- shapes, from the field specs ------------------------------------------------------

    def fields(self, node, loc: Loc, what: str, record: Record) -> LMap | None:
        """A record's mapping with its unknown and missing fields reported, or None."""
        if not isinstance(node, LMap):
            self.add(loc, f"{what} must be a mapping of fields", "write it as 'key: value' lines")
            return None
        for key in node:
            if key not in record:
                self.add(node.key_loc[key], f"unknown field '{shown(key)}' in {what}", self.misplaced(key, record))
        for key in record.required:
            if key not in node:
                self.add(node.loc, f"{what} has no '{key}'", MISSING_FIX.get(key, f"add '{key}:'"))
        return node

    @staticmethod
    def misplaced(key: str, record: Record) -> str:
        """Advice for an unknown field: the right level for a real field, or the nearest name."""
        if (record.name, key) in WRONG_LEVEL:
            return WRONG_LEVEL[record.name, key]
        homes = [home for other, home in FIELD_HOMES if key in other and other is not record]
        if homes:
            return f"'{key}' is a field of {' or '.join(homes)}: move it there"
        return one_of(key, list(record.by_name))

    def items(self, node, record: Record, what: str):
        """The mappings of a list of records (from check()), each with its location."""
        for item, loc in zip(node, getattr(node, "item_loc", ())):
            m = self.fields(item, loc, f"{record.noun} of {what}", record)
            if m is not None:
                yield m, loc

    def check(self, m: LMap, f: Field, what: str, record: Record):
        """The value of field `f` of mapping `m`, checked against its spec: the spec's default
        when absent or wrong (and then reported). Lists come back as the checked list of
        records (for items()), as (name, location) pairs, or as the list of values."""
        key = f.name
        if key not in m:
            return f.default
        kind = f.kind
        if kind == TEXT:
            if f.pattern:
                value = self.name(m, key, f.pattern, what)
                return f.default if value is None else value
            value = self.typed(m, key, str, what)
            if value is None:
                return f.default
            if f.choices is not None:
                if value not in f.choices:
                    self.add(m.val_loc[key], f"unknown {f.noun or key} '{shown(value)}' "
                             f"{PREPOSITIONS.get(record.name, 'in')} {what}", one_of(value, f.choices))
                    return f.default
                return intern(value)
            self.text(m.val_loc[key], key, value, what)
            return value
        if kind == VERSION:
            return self.version(m, key, what)
        if kind == BOOLEAN:
            return self.typed(m, key, bool, what, f.default)
        if kind == INTEGER:
            value = m[key]
            if isinstance(value, bool) or not isinstance(value, int):
                self.add(m.val_loc[key], f"'{key}' of {what} must be a whole number",
                         f"write {key}: followed by a whole number")
                return f.default
            if f.minimum is not None and value < f.minimum:
                self.add(m.val_loc[key], f"'{key}' of {what} must be at least {f.minimum}, not {value}",
                         f"write a number from {f.minimum} up")
                return f.default
            return value
        if kind == LIST:
            node = self.typed(m, key, list, what)
            if node is None:
                return f.default
            if len(node) < f.min_items:
                message, fix = EMPTY_LISTS.get((record.name, key), (
                    "'{key}' of {what} is an empty list", f"list at least one, or remove '{key}'"))
                self.add(m.val_loc[key], message.format(key=key, what=what), fix)
                return f.default
            if isinstance(f.of, Field):
                return self.names(node, key, what, f.unique)
            return node
        return m[key]  # VALUE: any plain value; its type is checked where it is used

    def plain(self, m: LMap, f: Field, what: str, record: Record):
        """The checked value of a field as plain data, lists as tuples: what the model keeps
        of a field that has no attribute of its own."""
        value = self.check(m, f, what, record)
        if f.kind == VALUE:
            return freeze(value)
        if f.kind != LIST or f.name not in m or value is f.default:
            return value
        if isinstance(f.of, Field):
            return tuple(name for name, _ in value)
        if f.of == VALUE:
            return freeze(list(value))
        inner = RECORDS[f.of]
        out = []
        for item, _ in self.items(value, inner, what):
            item_what = f"{inner.noun} of {what}"
            out.append({g.name: self.plain(item, g, item_what, inner) for g in inner.fields})
        return tuple(out)

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

    def text(self, loc: Loc, key: str, value: str, what: str) -> None:
        unsafe = UNSAFE_LINK_RE.search(value)
        if unsafe:
            self.add(loc, f"'{key}' of {what} links to a '{unsafe.group(2).lower()}:' URL",
                     "link to an http(s) address or a page of this site")

    def name(self, node: LMap, key: str, kind: str, what: str) -> str | None:
        """A text field that must have one of the PATTERNS shapes."""
        value = node[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            written = node.raw[key] or shown(value)
            self.add(node.val_loc[key], f"{key} {written} of {what} is read as a number, not text",
                     f"quote it: \"{written}\"")
            return None
        value = self.typed(node, key, str, what)
        if value is None:
            return None
        if MATCHERS[kind](value):
            return intern(value) if kind in ("scope", "param", "page") else value
        loc, rule, guess = node.val_loc[key], PATTERNS[kind].rule, repair(value, kind)
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
        parsed = self.versions.get(text) if text is not None else None
        if parsed is None and text is not None and MATCHERS["version"](text):
            parsed = self.versions[text] = parse_version(text)
        if parsed is None:
            value = text if text is not None else shown(node[key])
            self.add(node.val_loc[key], f"bad version '{value}' for '{key}' of {what}", version_fix(value))
        return parsed

    def names(self, items: LList, key: str, what: str, unique: bool) -> list[tuple[str, Loc]]:
        out: list[tuple[str, Loc]] = []
        seen: set[str] = set()
        for item, loc in zip(items, items.item_loc):
            if not isinstance(item, str):
                self.add(loc, f"'{key}' of {what} must list names, not {shown(item)}", "write each as a plain word")
            elif unique and item in seen:
                self.add(loc, f"'{key}' of {what} lists '{shown(item)}' twice", "remove one of them")
            else:
                seen.add(item)
                out.append((intern(item), loc))
        return out

    def entry(self, item, item_loc: Loc, record: Record, key: str, pattern: str) -> tuple[LMap, str] | None:
        """An item of a top-level list, checked as a mapping and named for messages."""
        named = item.get(key) if isinstance(item, LMap) and isinstance(item.get(key), str) else None
        named = named if named and MATCHERS[pattern](named) else None
        what = f"{record.name} '{shown(named)}'" if named else f"the {record.name} at line {item_loc[0]}"
        m = self.fields(item, item_loc, what, record)
        return None if m is None else (m, what)

    def top_list(self, node, loc: Loc, record: Record, key: str) -> bool:
        if isinstance(node, LList):
            return True
        self.add(loc, f"'{record.name}s' must be a list", f"write each {record.name} as a '- {key}: ...' item")
        return False

    # -- scopes ---------------------------------------------------------------------------

    def read_scopes(self, node, loc: Loc) -> None:
        scopes: dict[str, Scope] = {}
        where: dict[str, Loc] = {}
        pending: list[tuple[str, list[tuple[str, Loc]]]] = []
        for item, item_loc in zip(node, node.item_loc) if self.top_list(node, loc, SCOPE, "name") else ():
            entry = self.entry(item, item_loc, SCOPE, "name", "scope")
            if entry is None:
                continue
            m, what = entry
            v = {f.name: self.check(m, f, what, SCOPE) for f in SCOPE.fields}
            name, added, deprecated, grants = v["name"], v["added"], v["deprecated"], v["grants"]
            if added and deprecated and deprecated < added:
                self.add(m.val_loc["deprecated"], f"{what} is deprecated in {format_version(deprecated)}, before it "
                         f"was added ({format_version(added)})", "correct one of the two versions")
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
            scopes[name] = Scope(name, v["summary"], added or (0, 0, 0), tuple(g for g, _ in grants), deprecated)
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
        self.scopes = scopes

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

    # -- endpoints ------------------------------------------------------------------------

    def alternatives(self, m: LMap, what: str, added: Version | None) -> tuple[Alternative, ...]:
        scopes = self.scopes or {}
        out = []
        for alt, _ in self.items(self.check(m, ENDPOINT["oauth"], what, ENDPOINT), ALTERNATIVE, what):
            v = {f.name: self.check(alt, f, what, ALTERNATIVE) for f in ALTERNATIVE.fields}
            token, names, since = v["token"], v["scopes"], v["since"]
            for name, loc in names:
                if name not in scopes:
                    self.unknown_scope(loc, name, f"in {what}", scopes)
            if token == "public" and names:
                self.add(alt.val_loc["scopes"], f"a public alternative of {what} cannot need scopes",
                         "use 'token: user' or 'token: app' with these scopes, or remove them")
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
            out.append(Alternative(token or "", tuple(n for n, _ in names), v["when"], since))
        return tuple(out)

    def history(self, m: LMap, what: str) -> tuple[Change, ...]:
        node = self.check(m, ENDPOINT["history"], what, ENDPOINT)
        if not node:
            return ()
        out = []
        where: dict[int, Loc] = {}  # id(change) -> its entry's location
        for c, loc in self.items(node, CHANGE, what):
            v = {f.name: self.check(c, f, what, CHANGE) for f in CHANGE.fields}
            if v["version"] and v["change"]:
                out.append(Change(v["version"], v["change"], v["note"]))
                where[id(out[-1])] = loc
        added = [c for c in out if c.change == "added"]
        if len(added) != 1 and len(out) == len(node):
            self.add(m.val_loc["history"], f"{what} needs exactly one 'added' entry in its history, found {len(added)}",
                     "keep a single '- {version: X.Y.Z, change: added}'")
        elif added and out[0] is not added[0]:
            self.add(m.val_loc["history"], f"the history of {what} must start with its 'added' entry",
                     "move the 'added' entry first")
            return tuple(out)  # one mistake, one message: the order below follows from it
        if early := next(((a, b) for a, b in zip(out, out[1:]) if b.version < a.version), None):
            before, entry = early
            self.add(where[id(entry)], f"the history of {what} is not in version order: {entry.version_text} "
                     f"({entry.change}) comes after {before.version_text}", "sort it by version, oldest first")
        removed = next((c for c in out if c.change == "removed"), None)
        later = [c for c in out if removed and c is not removed and c.version > removed.version
                 and c.change in ("deprecated", "removed")]
        if later:
            self.add(where[id(later[0])], f"{what} is {later[0].change} in {later[0].version_text}, after it was "
                     f"removed in {removed.version_text}", f"remove that entry, or date it before {removed.version_text}")
        return tuple(out)

    def param_values(self, p: LMap, pwhat: str, ptype: str | None, items: str | None, enum) -> None:
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
        out = []
        seen: dict[tuple[str, str], Loc] = {}
        for p, _ in self.items(self.check(m, ENDPOINT["params"], what, ENDPOINT), PARAMETER, what):
            name = self.check(p, PARAMETER["name"], f"a parameter of {what}", PARAMETER)
            pwhat = f"parameter '{name}' of {what}" if name else f"a parameter of {what}"
            v = {f.name: self.check(p, f, pwhat, PARAMETER) for f in PARAMETER.fields if f.name != "name"}
            where, ptype, items, required, enum = v["in"], v["type"], v["items"], v["required"], v["enum"]
            if "items" in p and ptype and ptype != "array":
                self.add(p.val_loc["items"], f"'items' of {pwhat} applies only to arrays, and its type is {ptype}",
                         "remove 'items', or write 'type: array'")
                items = None
            self.param_values(p, pwhat, ptype, items, enum)
            p_added = v["added"]
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
            if name and where and ptype:
                out.append(Parameter(name, where, ptype, v["description"], bool(required), items,
                                     tuple(thaw(value) for value in enum), thaw(p.get("default")), p_added,
                                     bool(v["deprecated"])))
        return tuple(out)

    def permission(self, m: LMap, name: str, what: str, oauth: tuple[Alternative, ...]) -> None:
        """The role permission belongs to a user: only where a user token is an alternative."""
        if name and oauth and not any(alt.token == "user" for alt in oauth):
            self.add(m.val_loc["permission"], f"{what} needs the role permission '{name}' but no user token",
                     "a role belongs to a user: add a '- token: user' alternative, or remove 'permission'")

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
        elif not MATCHERS["path"](path):
            self.add(loc, f"path '{shown(path)}' of {what} is not valid: {PATTERNS['path'].rule}", "correct the path")
        else:
            placeholders = PLACEHOLDER_RE.findall(path)
            repeated = next((p for p in placeholders if placeholders.count(p) > 1), None)
            if repeated:
                self.add(loc, f"placeholder ':{repeated}' appears twice in the path of {what}",
                         "give each placeholder its own name, e.g. ':account_id' and ':id'")
            return path
        return None

    def aliases(self, m: LMap, what: str, path: str) -> list[tuple[str, Loc]]:
        """The endpoint's other paths that are well formed, with their locations; each must have
        exactly the path's placeholders, so the same parameters apply."""
        out, node = [], m.get("aliases")  # its list shape was checked with the other fields
        for alias, loc in zip(node, node.item_loc) if isinstance(node, LList) else ():
            if not isinstance(alias, str) or any(alias == seen for seen, _ in out):
                continue
            if not MATCHERS["path"](alias):
                self.add(loc, f"alias '{shown(alias)}' of {what} is not a path: {PATTERNS['path'].rule}",
                         "write it like the path, e.g. /api/v1/trends")
            elif alias == path:
                self.add(loc, f"alias '{alias}' of {what} is its own path", "remove it from 'aliases'")
            elif sorted(PLACEHOLDER_RE.findall(alias)) != sorted(PLACEHOLDER_RE.findall(path)):
                self.add(loc, f"alias '{alias}' of {what} does not have the placeholders of its path '{path}'",
                         "give it the same ':name' placeholders, or document it as an endpoint of its own")
            else:
                out.append((alias, loc))
        return out

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

    def endpoint(self, item, item_loc: Loc) -> None:
        """Check one item of 'endpoints:' and, when it has no mistake, add it to the model."""
        entry = self.entry(item, item_loc, ENDPOINT, "id", "id")
        if entry is None:
            return
        m, what = entry
        # Every field of the spec not read by a method of its own: checked by its spec, and kept
        # as plain data when the model has no attribute for it.
        v = {f.name: self.plain(m, f, what, ENDPOINT) for f in ENDPOINT.fields if f.name not in ENDPOINT_OWN}
        eid, method, page, anchor = v["id"], v["method"], v["page"], v["anchor"]
        path = self.path(m, what)
        if page is not None and self.pages is not None and page not in self.pages:
            guess = suggest(page, self.pages)
            self.add(m.val_loc["page"], f"page '{shown(page)}' of {what} does not exist",
                     f"did you mean '{guess}'?" if guess else "create the page or name an existing one")
        history = self.history(m, what)
        added = next((c.version for c in history if c.change == "added"), None)
        oauth = self.alternatives(m, what, added)
        params = self.params(m, what, added)
        if path:
            self.path_params(m, what, path, params)
        if eid:
            if eid in self.ids:
                self.add(m.val_loc["id"], f"duplicate endpoint id '{eid}' (first defined at line {self.ids[eid][0]})",
                         "give each endpoint its own id")
            else:
                self.ids[eid] = m.val_loc["id"]
        if method and path:
            for at, loc in [(path, m.val_loc["path"]), *self.aliases(m, what, path)]:
                signature = f"{method} {at}"
                if signature in self.signatures:
                    first, first_loc = self.signatures[signature]
                    self.add(loc, f"duplicate endpoint '{signature}': {what} repeats '{first}' "
                             f"from line {first_loc[0]}", "remove the copy or correct its method or path")
                else:
                    self.signatures[signature] = (eid or "?", loc)
        if page and anchor:
            if (page, anchor) in self.anchors:
                first, first_loc = self.anchors[page, anchor]
                self.add(m.val_loc["anchor"], f"anchor '{anchor}' of {what} is already used on {page} by "
                         f"'{first}' (line {first_loc[0]})", "give each endpoint on a page its own anchor")
            else:
                self.anchors[page, anchor] = (eid or "?", m.val_loc["anchor"])
        if page and (title := v["title"]):
            # The title is the heading, and the page's table of contents lists the headings.
            if (page, title) in self.titles:
                first, first_loc = self.titles[page, title]
                self.add(m.val_loc["title"], f"title '{title}' of {what} is already used on {page} by "
                         f"'{first}' (line {first_loc[0]}), so the page's contents would list it twice",
                         "tell them apart in the title, e.g. '(v1)' or '(old path)'")
            else:
                self.titles[page, title] = (eid or "?", m.val_loc["title"])
        self.permission(m, v["permission"], what, oauth)
        if v["returns"]:
            try:
                parse_returns(v["returns"])
            except ReturnsError as err:
                self.add(m.val_loc["returns"], f"'returns' of {what}: {err.message}", err.fix)
        required = [v[f.name] for f in ENDPOINT.fields if f.required and f.name not in ENDPOINT_OWN]
        if self.problems or not all([*required, path, history, oauth]):
            return  # nothing is built once anything is wrong
        extra = {name: v[name] for name in EXTRA_FIELDS if name in m}
        self.endpoints.append(Endpoint(
            **{name: value for name, value in v.items() if name not in EXTRA_FIELDS},
            path=path, oauth=oauth, history=history, params=params, line=item_loc[0], extra=extra or None,
            returns_at=m.val_loc["returns"]))

    def read_endpoints(self, node, loc: Loc) -> None:
        if self.top_list(node, loc, ENDPOINT, "id"):
            for item, item_loc in zip(node, node.item_loc):
                self.endpoint(item, item_loc)


def parse_catalog(text: str, file: str = "data/endpoints.yaml", pages: Collection[str] | None = None) -> Catalog:
    """Validate catalog text. `pages` (paths relative to the docs folder), when given, are the
    pages an endpoint may name. Raises CatalogError listing every problem."""
    # Loading builds many small acyclic objects: pausing the cycle collector keeps the cost
    # linear in the catalog's size (with it running, 30,000 endpoints took 2.5x longer).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, file, pages)
    finally:
        if collecting:
            gc.enable()


def read_yaml(text: str, file: str, on_item=None):
    """The located data, or CatalogError for YAML that is malformed or not plain data."""
    try:
        data, notes = read_located(text, on_item)
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
        fix = "the catalog is one YAML document: remove this '---' line and what it separates, or merge the two" \
            if "single document" in context else \
            "check the indentation and quoting here and above; an unclosed quote or bracket shows up further down"
        raise CatalogError([Problem(file, line, col, f"malformed YAML: {what}", fix)]) from None
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
    reader = _Reader(file, pages)

    def on_item(key: str, root: LMap, item, loc: Loc) -> bool:
        """Endpoints become model objects as soon as they are read, once the scopes are: the
        located tree of thousands of endpoints never exists at once. (A file that lists its
        endpoints before its scopes, or twice, is read whole.)"""
        if key != "endpoints" or key in root or "scopes" not in root:
            return False
        if reader.scopes is None:
            reader.read_scopes(root["scopes"], root.val_loc["scopes"])
        reader.endpoint(item, loc)
        return True

    data, notes = read_yaml(text, file, on_item)
    if any(not message.startswith("duplicate key") for _, message, _ in notes):
        # values that are not plain data would only confuse the other messages
        raise CatalogError([Problem(file, line, col, message, fix) for (line, col), message, fix in notes])
    for loc, message, fix in notes:
        reader.add(loc, message, fix)
    top = reader.fields(data, (1, 1), "the catalog", CATALOG)
    if top is None:
        raise CatalogError(reader.problems)
    if reader.scopes is None and "scopes" in top:
        reader.read_scopes(top["scopes"], top.val_loc["scopes"])
    if "endpoints" in top:  # the endpoints not read as the YAML was (all of them, or none)
        reader.read_endpoints(top["endpoints"], top.val_loc["endpoints"])
    if reader.problems:
        raise CatalogError(reader.problems)
    return Catalog(reader.scopes or {}, reader.endpoints, file)


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
