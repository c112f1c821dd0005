// The explorer's scope check and token choice against the real catalog, exported the way the
// build exports catalog.json (the Python exporter runs once, from the project's venv).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { chooseToken, held, satisfies } from "../../content/assets/explorer/scopes.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = process.env.PYTHON ?? [join(ROOT, ".venv", "bin", "python"), "python3"].find((p) => p === "python3" || existsSync(p));
const EXPORT = `
import json, sys
sys.path.insert(0, "plugins")
from mastodon_catalog.core import load_catalog
from mastodon_catalog.core.export import catalog_json
print(json.dumps(catalog_json(load_catalog("data/endpoints.yaml"), lambda page: page)))
`;
const catalog = JSON.parse(execFileSync(PYTHON, ["-c", EXPORT], { cwd: ROOT, encoding: "utf8" }));
const endpoint = (id) => catalog.endpoints.find((e) => e.id === id);
const FOLLOW_ONLY = { user: { scopes: ["follow"] }, app: null };

test("catalog.json: follow grants nothing, the four umbrellas grant their own family", () => {
  const byName = new Map(catalog.scopes.map((s) => [s.name, s.grants]));
  assert.deepEqual(byName.get("follow"), []);
  assert.deepEqual([...held(["follow"], catalog.scopes)], ["follow"]);
  const parents = catalog.scopes.filter((s) => s.grants.length).map((s) => s.name).sort();
  assert.deepEqual(parents, ["admin:read", "admin:write", "read", "write"]);
  for (const parent of parents) {
    assert.ok(byName.get(parent).every((child) => child.startsWith(parent + ":")), parent);
  }
});

test("a follow-only token does not satisfy relationships or familiar_followers", () => {
  for (const id of ["accounts/relationships", "accounts/familiar_followers"]) {
    const choice = chooseToken(endpoint(id), FOLLOW_ONLY, catalog.scopes);
    assert.equal(choice.met, false, id);
    assert.equal(choice.token, "user");
    assert.deepEqual(choice.missing, ["read:follows"]);
    assert.ok(!endpoint(id).oauth.some((a) => satisfies(["follow"], a, catalog.scopes)), id);
  }
  // read covers read:follows, as the controller lists it.
  assert.equal(chooseToken(endpoint("accounts/relationships"), { user: { scopes: ["read"] } }, catalog.scopes).met, true);
});

test("a follow-only token satisfies blocks, mutes and block through their explicit follow alternative", () => {
  for (const id of ["blocks/get", "mutes/get", "accounts/block", "domain_blocks/get", "follow_requests/get"]) {
    const choice = chooseToken(endpoint(id), FOLLOW_ONLY, catalog.scopes);
    assert.equal(choice.met, true, id);
    assert.equal(choice.token, "user");
    assert.deepEqual(choice.alternative.scopes, ["follow"], id);
  }
  // ...and the granular scope works through its own alternative, not through follow.
  const granular = chooseToken(endpoint("blocks/get"), { user: { scopes: ["read:blocks"] } }, catalog.scopes);
  assert.deepEqual(granular.alternative.scopes, ["read:blocks"]);
});

test("an app token: user-only endpoints are not met; public ones are answered without it", () => {
  const app = { user: null, app: { scopes: ["read", "write"] } };
  const translate = chooseToken(endpoint("statuses/translate"), app, catalog.scopes);
  assert.equal(translate.met, false);
  assert.equal(translate.alternative.token, "user");
  const lookup = chooseToken(endpoint("accounts/lookup"), app, catalog.scopes);
  assert.equal(lookup.met, true);
  assert.equal(lookup.token, null);
  const verify = chooseToken(endpoint("apps/verify_credentials"), { user: null, app: { scopes: ["profile"] } }, catalog.scopes);
  assert.equal(verify.met, true);
  assert.equal(verify.token, "app");
});
