// The state the explorer's panels share, and the decisions more than one panel makes from it.
import assert from "node:assert/strict";
import { test } from "node:test";

import { storageNotice } from "../../content/assets/explorer/explorer.js";
import { createState, currentChoice, scopeList, tokenFor } from "../../content/assets/explorer/state.js";
import { CATALOG, ENDPOINTS } from "./fake-page.mjs";

const withTokens = (tokens, endpoint) => ({ ...createState(), catalog: CATALOG, endpoint, tokens });

test("a fresh state knows nothing: no instance, app, token, endpoint or page", () => {
  const state = createState();
  assert.deepEqual(state, { catalog: null, instance: null, info: null, server: null, app: null, tokens: {}, endpoint: null,
                            last: null, pages: {} });
  assert.notEqual(createState().tokens, state.tokens, "each mount gets its own objects");
});

test("scope lists", () => {
  assert.deepEqual(scopeList("  read   write\tfollow "), ["read", "write", "follow"]);
  assert.deepEqual(scopeList(""), []);
});

test("the console's choice looks at the held tokens' scopes only, and sends that token's secret", () => {
  const [timeline, create, verifyApp] = ENDPOINTS;
  const tokens = { user: { token: "USER", scopes: ["read"], account: "alice" }, app: { token: "APP", scopes: ["read"] } };
  const user = currentChoice(withTokens(tokens, timeline));
  assert.equal(user.token, "user");
  assert.equal(tokenFor(withTokens(tokens, timeline), user), "USER");
  const app = currentChoice(withTokens(tokens, verifyApp));
  assert.equal(app.token, "app");
  assert.equal(tokenFor(withTokens(tokens, verifyApp), app), "APP");
  // Public with no token held: nothing is sent.
  const open = currentChoice(withTokens({}, timeline));
  assert.deepEqual([open.token, open.met], [null, true]);
  assert.equal(tokenFor(withTokens({}, timeline), open), undefined);
  // Not met: the closest alternative, with what is missing.
  const lacking = currentChoice(withTokens(tokens, create));
  assert.deepEqual([lacking.met, lacking.token, lacking.missing], [false, "user", ["write:statuses"]]);
  // A pasted token (scopes unknown) is trusted with a caveat.
  const pasted = currentChoice(withTokens({ user: { token: "P", scopes: null, pasted: true } }, create));
  assert.deepEqual([pasted.met, pasted.unknown], [true, true]);
});

test("a token the state does not hold is never sent, whatever the choice names", () => {
  const state = withTokens({ app: { token: "APP", scopes: [] } }, ENDPOINTS[0]);
  assert.equal(tokenFor(state, { token: "user" }), undefined);
  assert.equal(tokenFor(state, { token: null }), undefined);
});

test("full or refused storage is explained in words", () => {
  assert.match(storageNotice(true), /^This browser's storage for this site is full, so the app, tokens and instance/);
  assert.match(storageNotice(false), /^This browser does not let this site store data, so .* lost when it reloads\./);
  assert.match(storageNotice(false), /Freeing this site's storage in the browser's settings fixes it\.$/);
});
