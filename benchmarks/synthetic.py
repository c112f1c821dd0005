"""Synthetic, valid catalogs of any size with a realistic OAuth mix, as YAML text."""

from __future__ import annotations

import random

SCOPE_NAMES = ["read", "write", "follow", "push", "profile", "admin:read", "admin:write"] + [
    f"{kind}:{thing}" for kind in ("read", "write")
    for thing in ("accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes",
                  "notifications", "statuses")]


def scopes_yaml() -> str:
    lines = ["scopes:"]
    for name in SCOPE_NAMES:
        grants = [s for s in SCOPE_NAMES if s.startswith(name + ":")] if name in ("read", "write") else []
        lines.append(f'  - {{name: "{name}", summary: "Scope {name}.", added: "0.9.0", grants: {grants}}}')
    return "\n".join(lines)


def endpoint_yaml(i: int, rng: random.Random) -> str:
    method = rng.choice(["GET", "GET", "GET", "POST", "PUT", "PATCH", "DELETE"])
    page = f"methods/p{i % 60}.md"
    roll = rng.random()
    granular = rng.choice([s for s in SCOPE_NAMES if ":" in s and not s.startswith("admin")])
    if roll < 0.25:  # public
        oauth = "      - token: public"
    elif roll < 0.35:  # public, or a user token for private data
        oauth = f'      - token: public\n      - token: user\n        scopes: ["{granular}"]\n        when: private data'
    elif roll < 0.40:  # app token
        oauth = '      - token: app\n        scopes: ["write:accounts"]'
    elif roll < 0.50:  # legacy alternative
        oauth = f'      - token: user\n        scopes: ["{granular}"]\n      - token: user\n        scopes: [follow]'
    else:
        oauth = f'      - token: user\n        scopes: ["{granular}"]'
    params = [f"      - {{name: id, in: path, type: string, required: true, description: The record {i}.}}"]
    params += [f"      - {{name: q{j}, in: {rng.choice(['query', 'form'])}, type: "
               f"{rng.choice(['string', 'integer', 'boolean'])}, description: Option {j} of endpoint {i}.}}"
               for j in range(rng.randint(0, 6))]
    return "\n".join([
        f"  - id: p{i % 60}/e{i}", f"    method: {method}", f"    path: /api/v1/things{i}/:id",
        f"    page: {page}", f"    anchor: e{i}", f"    title: Endpoint {i}",
        f"    summary: Does thing number {i}.", "    returns: Thing", "    oauth:", oauth,
        "    history:", '      - {version: "2.0.0", change: added}',
        f'      - {{version: "4.{i % 5}.0", change: changed, note: "Changed in release {i % 5}."}}',
        "    params:", *params,
    ])


def catalog_yaml(count: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    return "\n".join([scopes_yaml(), "endpoints:", *(endpoint_yaml(i, rng) for i in range(count))]) + "\n"
