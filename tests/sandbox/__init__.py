"""A small Mastodon-compatible instance for tests and offline explorer work.

Its OAuth is Authlib's (grants, PKCE, revocation, bearer validation); it follows
../shared/MASTODON_FACTS.md wherever a client could tell the difference. Start it by
hand with `bash scripts/sandbox.sh` (see README), or from tests with `Sandbox()`."""

from .server import Sandbox, create_app

__all__ = ["Sandbox", "create_app"]
