"""The catalog's model: scopes with their hierarchy, endpoints and their OAuth alternatives.

Records are frozen, slotted dataclasses holding tuples: a large catalog is tens of
thousands of them, and nothing may change them once the loader has checked them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, Iterable

# The choices of the catalog's fields live with the field specs; the rest of the code reads
# them from here.
from .fields import (  # noqa: F401
    CHANGE_KINDS, ENDPOINT, METHODS, PARAM_LOCATIONS, PARAM_TYPES, PERMISSIONS, TOKEN_KINDS,
)
from .returns import Success
from .returns import parse as parse_returns
from .versions import Version, format_version

PLACEHOLDER_RE = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")


def scope_anchor(name: str) -> str:
    """The id of a scope's entry on the scopes page: read:accounts -> read-accounts."""
    return name.replace(":", "-").replace("_", "-")


@dataclass(frozen=True, slots=True)
class Scope:
    name: str
    summary: str
    added: Version
    grants: tuple[str, ...] = ()
    deprecated: Version | None = None

    @property
    def anchor(self) -> str:
        return scope_anchor(self.name)


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way to be allowed: a token kind plus every scope it needs."""

    token: str
    scopes: tuple[str, ...] = ()
    when: str = ""
    since: Version | None = None


@dataclass(frozen=True, slots=True)
class Change:
    version: Version
    change: str
    note: str = ""

    @property
    def version_text(self) -> str:
        return format_version(self.version)


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str
    type: str
    description: str
    required: bool = False
    items: str | None = None
    enum: tuple = ()
    default: object = None
    added: Version | None = None
    deprecated: bool = False

    @property
    def type_text(self) -> str:
        return f"array of {self.items}" if self.type == "array" and self.items else self.type


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    method: str
    path: str
    page: str
    anchor: str
    title: str
    summary: str
    returns: str
    oauth: tuple[Alternative, ...]
    history: tuple[Change, ...]
    params: tuple[Parameter, ...] = ()
    streaming: bool = False
    line: int = 0  # where the entry starts in the catalog, for later site-wide messages
    permission: str = ""  # the role permission a user token's account needs (admin endpoints)
    undocumented: bool = False  # routed by Mastodon, absent from upstream's documentation
    returns_at: tuple[int, int] | None = field(default=None, compare=False)  # where 'returns' is, for later checks
    # Fields of the endpoint spec (fields.ENDPOINT) that have no attribute above, as plain
    # data ({name: value}, lists as tuples), read as attributes: endpoint.rate_limit. A new
    # field needs no change here; give it an attribute once code computes with it.
    extra: dict[str, Any] | None = field(default=None, hash=False)

    def __getattr__(self, name: str):  # only for names that are not attributes
        try:
            default = EXTRA_FIELDS[name]
        except KeyError:
            raise AttributeError(f"'Endpoint' object has no attribute '{name}'") from None
        return self.extra.get(name, default) if self.extra else default

    def extras(self) -> dict[str, Any]:
        """Every field kept in `extra`, with its default when the catalog does not set it."""
        return {name: getattr(self, name) for name in EXTRA_FIELDS}

    @property
    def answers(self) -> tuple[Success, ...]:
        """Its successful answers, read from `returns` (checked when the catalog was loaded)."""
        return parse_returns(self.returns)

    @property
    def signature(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def added(self) -> Version:
        return next(c.version for c in self.history if c.change == "added")

    def _first(self, kind: str) -> Version | None:
        return next((c.version for c in self.history if c.change == kind), None)

    @property
    def deprecated(self) -> Version | None:
        return self._first("deprecated")

    @property
    def removed(self) -> Version | None:
        return self._first("removed")

    @property
    def placeholders(self) -> list[str]:
        return PLACEHOLDER_RE.findall(self.path)

    def params_in(self, location: str) -> list[Parameter]:
        return [p for p in self.params if p.location == location]

    def accepts(self, token: str) -> bool:
        return any(alt.token == token for alt in self.oauth)


@dataclass
class Catalog:
    scopes: dict[str, Scope]
    endpoints: list[Endpoint]
    source: str = ""
    by_id: dict[str, Endpoint] = field(init=False)
    entities: dict[str, Entity] = field(default_factory=dict)  # from data/entities/, when the host loads them

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.endpoints}

    @cached_property
    def _closure(self) -> dict[str, frozenset[str]]:
        """Every scope mapped to everything it grants, itself included (transitively)."""
        closure: dict[str, frozenset[str]] = {}

        def walk(name: str, seen: frozenset[str]) -> frozenset[str]:
            if name in closure:
                return closure[name]
            granted = {name}
            scope = self.scopes.get(name)
            for child in scope.grants if scope else ():
                if child not in seen:
                    granted |= walk(child, seen | {child})
            closure[name] = frozenset(granted)
            return closure[name]

        for name in self.scopes:
            walk(name, frozenset({name}))
        return closure

    def grants(self, name: str) -> frozenset[str]:
        return self._closure.get(name, frozenset({name}))

    def granted_by(self, name: str) -> list[str]:
        """Scopes other than `name` that grant it, in catalog order."""
        return [s for s in self.scopes if s != name and name in self.grants(s)]

    def satisfies(self, granted: Iterable[str], alternative: Alternative) -> bool:
        """True when a token holding `granted` meets every scope of `alternative`."""
        held: set[str] = set()
        for scope in granted:
            held |= self.grants(scope)
        return all(scope in held for scope in alternative.scopes)

    def accepting(self, token: str) -> list[Endpoint]:
        return [e for e in self.endpoints if e.accepts(token)]

    @cached_property
    def _by_scope(self) -> dict[str, list[Endpoint]]:
        index: dict[str, list[Endpoint]] = {}
        for endpoint in self.endpoints:
            for scope in dict.fromkeys(s for alt in endpoint.oauth for s in alt.scopes):
                index.setdefault(scope, []).append(endpoint)
        return index

    def naming(self, scope: str) -> list[Endpoint]:
        return self._by_scope.get(scope, [])


# The endpoint spec's fields the Endpoint class has no attribute for, with their defaults.
EXTRA_FIELDS = {f.name: f.default for f in ENDPOINT.fields if f.name not in {a.name for a in fields(Endpoint)}}


def freeze(value):
    """Plain data with its lists as tuples, as the model holds extra fields."""
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return {k: freeze(v) for k, v in value.items()}
    return value


def thaw(value):
    """Plain data as JSON writes it: tuples as lists."""
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class Attribute:
    """One key of an entity's JSON object."""

    name: str
    type: str  # "string", "url", "Account", "array of Status", "hash of integer"...
    description: str
    history: tuple[Change, ...]
    nullable: bool = False
    optional: bool = False
    enum: tuple = ()
    example: Any = None
    anchor: str = ""  # its HTML id, when not the name
    line: int = 0
    empty: bool = False  # "" stands for none

    def _first(self, kind: str) -> Version | None:
        return next((c.version for c in self.history if c.change == kind), None)

    @property
    def added(self) -> Version | None:
        return self._first("added")

    @property
    def deprecated(self) -> Version | None:
        return self._first("deprecated")

    @property
    def removed(self) -> Version | None:
        return self._first("removed")

    @property
    def target(self) -> str | None:
        """The entity its value is (or holds), if any: 'array of Status' -> 'Status'; the
        first of a union ('Quote or ShallowQuote' -> 'Quote')."""
        base = self.type.rsplit(" of ", 1)[-1].split(" or ")[0]
        return base if base[:1].isupper() else None


@dataclass(frozen=True, slots=True)
class Entity:
    """A JSON object the API returns, documented on `page`."""

    name: str
    anchor: str
    summary: str
    page: str
    history: tuple[Change, ...]
    attributes: tuple[Attribute, ...]
    extends: str | None = None
    file: str = ""
    line: int = 0

    @property
    def added(self) -> Version | None:
        return next((c.version for c in self.history if c.change == "added"), None)
