"""Mastodon's 47 scopes (config/initializers/doorkeeper.rb) and the hierarchy clients rely on."""

READ = ["read:" + s for s in (
    "accounts", "blocks", "bookmarks", "collections", "favourites", "filters", "follows", "lists", "mutes",
    "notifications", "search", "statuses")]
WRITE = ["write:" + s for s in (
    "accounts", "blocks", "bookmarks", "collections", "conversations", "favourites", "filters", "follows", "lists",
    "media", "mutes", "notifications", "reports", "statuses")]
ADMIN_PARTS = ("accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks",
               "canonical_email_blocks")
ADMIN = (["admin:read"] + [f"admin:read:{p}" for p in ADMIN_PARTS]
         + ["admin:write"] + [f"admin:write:{p}" for p in ADMIN_PARTS])

ALL_SCOPES = ["profile", "read", *READ, "write", *WRITE, "follow", "push", *ADMIN]
LEGACY_SCOPES = [s for s in ALL_SCOPES if s not in ("profile", "read:collections", "write:collections")]
