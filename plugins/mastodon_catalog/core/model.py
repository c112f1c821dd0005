"""The catalog's model: scopes with their hierarchy, endpoints and their OAuth alternatives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable

from .versions import Version, format_version

TOKEN_KINDS = ("public", "app", "user")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PARAM_LOCATIONS = ("path", "query", "form", "header")
PARAM_TYPES = ("string", "integer", "number", "boolean", "file", "object", "array", "datetime", "date")
CHANGE_KINDS = ("added", "changed", "deprecated", "removed")
# Mastodon's role permissions (UserRole::FLAGS in app/models/user_role.rb) and the names its
# admin interface shows for them; admin endpoints need a role holding one.
PERMISSIONS = {
    "administrator": "Administrator", "view_devops": "DevOps", "view_audit_log": "View Audit Log",
    "view_dashboard": "View Dashboard", "manage_reports": "Manage Reports", "manage_federation": "Manage Federation",
    "manage_settings": "Manage Settings", "manage_blocks": "Manage Blocks", "manage_taxonomies": "Manage Taxonomies",
    "manage_appeals": "Manage Appeals", "manage_users": "Manage Users", "manage_invites": "Manage Invites",
    "manage_rules": "Manage Rules", "manage_announcements": "Manage Announcements",
    "manage_custom_emojis": "Manage Custom Emojis", "manage_webhooks": "Manage Webhooks",
    "invite_users": "Invite Users", "manage_roles": "Manage Roles", "manage_user_access": "Manage User Access",
    "delete_user_data": "Delete User Data", "view_feeds": "View live and topic feeds",
    "invite_bypass_approval": "Invite Users without review", "manage_email_subscriptions": "Manage Email Subscriptions",
}

PLACEHOLDER_RE = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")


def scope_anchor(name: str) -> str:
    """The id of a scope's entry on the scopes page: read:accounts -> read-accounts."""
    return name.replace(":", "-").replace("_", "-")


@dataclass(frozen=True)
class Scope:
    name: str
    summary: str
    added: Version
    grants: tuple[str, ...] = ()
    deprecated: Version | None = None

    @property
    def anchor(self) -> str:
        return scope_anchor(self.name)


@dataclass(frozen=True)
class Alternative:
    """One way to be allowed: a token kind plus every scope it needs."""

    token: str
    scopes: tuple[str, ...] = ()
    when: str = ""
    since: Version | None = None


@dataclass(frozen=True)
class Change:
    version: Version
    change: str
    note: str = ""

    @property
    def version_text(self) -> str:
        return format_version(self.version)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
