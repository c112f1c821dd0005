"""The sandbox's data, in memory: users, accounts, statuses, apps, codes and tokens."""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin

OOB = "urn:ietf:wg:oauth:2.0:oob"
EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Account:
    id: str
    username: str
    display_name: str
    note: str = ""
    locked: bool = False
    statuses_count: int = 0
    last_status_at: datetime | None = None

    def entity(self, base: str, viewer: Account | None = None) -> dict:
        """REST::AccountSerializer at 4.7.0 for a local, discoverable account; `viewer` is the
        signed-in account, which decides feature_approval.current_user."""
        avatar, header = f"{base}/avatars/original/missing.png", f"{base}/headers/original/missing.png"
        return {
            "id": self.id, "username": self.username, "acct": self.username, "display_name": self.display_name,
            "locked": self.locked, "bot": False, "discoverable": True, "indexable": True, "group": False,
            "created_at": iso(EPOCH), "note": self.note, "url": f"{base}/@{self.username}",
            "uri": f"{base}/users/{self.username}", "avatar": avatar, "avatar_static": avatar,
            "avatar_description": "", "header": header, "header_static": header, "header_description": "",
            "followers_count": 0, "following_count": 0, "statuses_count": self.statuses_count,
            "last_status_at": self.last_status_at.date().isoformat() if self.last_status_at else None,
            "show_featured": True, "hide_collections": False, "show_media_replies": True, "show_media": True,
            "emojis": [], "noindex": False, "roles": [], "fields": [],
            "feature_approval": {"automatic": ["followers" if self.locked else "public"], "manual": [],
                                 "current_user": "automatic" if viewer and (viewer is self or not self.locked)
                                 else "denied"},
        }

    def credential_entity(self, base: str) -> dict:
        """REST::CredentialAccountSerializer: the account as its owner sees it, with source and role."""
        entity = self.entity(base, self)
        entity["source"] = {
            "privacy": "private" if self.locked else "public", "sensitive": False, "language": "en",
            "note": re.sub(r"<[^>]*>", "", self.note), "fields": [], "follow_requests_count": 0,
            "hide_collections": False, "discoverable": True, "indexable": True, "attribution_domains": [],
            "quote_policy": "public",
        }
        entity["role"] = EVERYONE_ROLE
        return entity


# UserRole.everyone (id -99), the role of every user without another one; 65536 is invite_users.
EVERYONE_ROLE = {"id": "-99", "name": "", "permissions": "65536", "color": "", "highlighted": False,
                 "collection_limit": 10}


@dataclass
class User:
    id: str
    account: Account
    password: str
    email: str

    def get_user_id(self) -> str:
        return self.id


@dataclass
class Status:
    id: str
    account: Account
    content: str
    visibility: str = "public"
    created_at: datetime = EPOCH
    spoiler_text: str = ""
    app: App | None = None  # the app it was posted with (the seeded ones have none)

    def entity(self, base: str, viewer: Account | None = None) -> dict:
        """REST::StatusSerializer at 4.7.0; the viewer-only fields appear when someone is signed in.
        Every user keeps show_application on (its default), so the app is always shown."""
        quotable = self.visibility in ("public", "unlisted")
        body = {
            "id": self.id, "created_at": iso(self.created_at), "in_reply_to_id": None,
            "in_reply_to_account_id": None, "sensitive": bool(self.spoiler_text), "spoiler_text": self.spoiler_text,
            "visibility": self.visibility, "language": "en", "uri": f"{base}/users/{self.account.username}/statuses/{self.id}",
            "url": f"{base}/@{self.account.username}/{self.id}", "replies_count": 0, "reblogs_count": 0,
            "favourites_count": 0, "quotes_count": 0, "edited_at": None, "content": self.content, "reblog": None,
            "application": {"name": self.app.name, "website": self.app.website or None} if self.app else None,
            "account": self.account.entity(base, viewer), "media_attachments": [], "mentions": [],
            "tags": [], "emojis": [], "tagged_collections": [], "quote": None, "card": None, "poll": None,
            "quote_approval": {"automatic": ["public"] if quotable else [], "manual": [],
                               "current_user": "automatic" if viewer and (quotable or viewer is self.account)
                               and self.visibility != "direct" else "denied"},
        }
        if viewer:
            body.update(favourited=False, reblogged=False, muted=False, bookmarked=False, filtered=[])
            if viewer is self.account and self.visibility in ("public", "unlisted", "private"):  # pinnable?
                body["pinned"] = False
        return body


@dataclass
class App(ClientMixin):
    id: str
    name: str
    redirect_uris: list[str]
    scopes: list[str]
    website: str | None
    client_id: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    # -- Authlib's ClientMixin --
    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope):
        """Requests must stay within the app's scopes; with none asked, `read` if the app has it."""
        requested = (scope or "").split() or ["read"]
        return " ".join(requested) if set(requested) <= set(self.scopes) else None

    def check_redirect_uri(self, redirect_uri):
        return any(redirect_matches(registered, redirect_uri) for registered in self.redirect_uris)

    def check_client_secret(self, client_secret):
        return same_secret(self.client_secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in ("authorization_code", "client_credentials")


def same_secret(expected: str, given: str | None) -> bool:
    """A constant-time comparison that also takes non-ASCII input (compare_digest refuses such str)."""
    return secrets.compare_digest(expected.encode(), (given or "").encode("utf-8", "surrogatepass"))


def redirect_matches(registered: str, given: str) -> bool:
    """Doorkeeper's matching: exact, but extra query parameters are fine when the registered URI
    has none, query order does not matter, and the port is ignored on loopback IPs."""
    from urllib.parse import parse_qsl, urlsplit

    if registered == given:
        return True
    if OOB in (registered, given):
        return False
    try:
        a, b = urlsplit(registered), urlsplit(given)
        if (a.scheme, a.hostname, a.path) != (b.scheme, b.hostname, b.path):
            return False
        if a.port != b.port and a.hostname not in ("127.0.0.1", "::1"):
            return False
    except ValueError:  # not a URI at all (`http://[`, a port out of range)
        return False
    return not a.query or sorted(parse_qsl(a.query)) == sorted(parse_qsl(b.query))


@dataclass
class Grant(AuthorizationCodeMixin):
    code: str
    app: App
    user: User
    redirect_uri: str
    scope: str
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: float

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope


@dataclass
class Token(TokenMixin):
    access_token: str
    app: App
    user: User | None
    scope: str
    created_at: int = field(default_factory=lambda: int(time.time()))
    revoked: bool = False

    def check_client(self, client):
        return client.client_id == self.app.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return 0  # Mastodon's tokens never expire

    def is_expired(self):
        return False

    def is_revoked(self):
        return self.revoked

    def get_user(self):
        return self.user

    def get_client(self):
        return self.app

    def response(self) -> dict:
        return {"access_token": self.access_token, "token_type": "Bearer", "scope": self.scope,
                "created_at": self.created_at}


class Store:
    def __init__(self):
        self.lock = threading.RLock()
        self.apps: dict[str, App] = {}
        self.grants: dict[str, Grant] = {}
        self.tokens: dict[str, Token] = {}
        self.accounts: dict[str, Account] = {}
        self.users: dict[str, User] = {}
        self.statuses: dict[str, Status] = {}
        self.blocks: set[tuple[str, str]] = set()
        self._ids = iter(range(1000, 10**9))
        self.seed()

    def next_id(self) -> str:
        with self.lock:
            return str(next(self._ids))

    def add_account(self, username: str, display_name: str, password: str | None = None) -> Account:
        account = Account(str(len(self.accounts) + 1), username, display_name, note=f"<p>{display_name}'s profile</p>")
        self.accounts[account.id] = account
        if password:
            self.users[username] = User(account.id, account, password, f"{username}@sandbox.test")
        return account

    def add_status(self, account: Account, content: str, visibility: str = "public", spoiler_text: str = "",
                   app: App | None = None) -> Status:
        number = len(self.statuses) + 1
        status = Status(str(100000 + number), account, content, visibility, EPOCH + timedelta(minutes=number),
                        spoiler_text, app)
        self.statuses[status.id] = status
        account.statuses_count += 1
        account.last_status_at = status.created_at
        return status

    def seed(self) -> None:
        alice = self.add_account("alice", "Alice Example", password="alice-password")
        bob = self.add_account("bob", "Bob Example", password="bob-password")
        carol = self.add_account("carol", "Carol <script>alert(1)</script>")
        for n in range(1, 31):
            self.add_status([alice, bob, carol][n % 3], f"<p>Sandbox status number {n}</p>")
        self.add_status(alice, "<p>Only for followers</p>", visibility="private")
        self.add_status(carol, '<p>Hostile: <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script></p>')

    def timeline(self, visibility: set[str]) -> list[Status]:
        return sorted((s for s in self.statuses.values() if s.visibility in visibility), key=lambda s: int(s.id),
                      reverse=True)
