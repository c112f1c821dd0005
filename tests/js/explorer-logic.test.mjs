// Unit tests of the explorer's pure modules, with Node's built-in test runner (node --test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { explainNetworkError, explainStatus, explainTokenEndpoint } from "../../content/assets/explorer/explain.js";
import { parseLinkHeader } from "../../content/assets/explorer/panel-response.js";
import { base64url, pkcePair, s256 } from "../../content/assets/explorer/pkce.js";
import { buildRequest, RequestError, toCurl } from "../../content/assets/explorer/request.js";
import { chooseToken, held, missingScopes } from "../../content/assets/explorer/scopes.js";
import { InputError, isLoopbackHost, normaliseInstance, onInstance } from "../../content/assets/explorer/urls.js";

const SCOPES = [
  { name: "read", grants: ["read:accounts", "read:statuses"] },
  { name: "read:accounts", grants: [] },
  { name: "read:statuses", grants: [] },
  { name: "write", grants: ["write:blocks", "write:statuses"] },
  { name: "write:blocks", grants: [] },
  { name: "write:statuses", grants: [] },
  { name: "follow", grants: [] },
  { name: "profile", grants: [] },
];

test("S256 challenge matches RFC 7636's example", async () => {
  assert.equal(await s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  const pair = await pkcePair();
  assert.equal(pair.method, "S256");
  assert.match(pair.verifier, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(pair.challenge, await s256(pair.verifier));
  assert.equal(base64url(new Uint8Array([251, 255])), "-_8");
});

test("instance addresses", () => {
  assert.equal(normaliseInstance("mastodon.social"), "https://mastodon.social");
  assert.equal(normaliseInstance(" https://mastodon.social/@Gargron "), "https://mastodon.social");
  assert.equal(normaliseInstance("someone@example.org"), "https://example.org");
  assert.equal(normaliseInstance("127.0.0.1:3000"), "http://127.0.0.1:3000");
  assert.equal(normaliseInstance("http://localhost:3000/x"), "http://localhost:3000");
  assert.equal(normaliseInstance("http://[::1]:8080"), "http://[::1]:8080");
  assert.throws(() => normaliseInstance("http://mastodon.social"), /only allowed on this machine/);
  assert.throws(() => normaliseInstance("javascript:alert(1)"), InputError);
  assert.throws(() => normaliseInstance("mastodon"), /not a full domain/);
  assert.throws(() => normaliseInstance("https://u:p@example.org"), /passwords/);
  assert.throws(() => normaliseInstance(""), /Type an instance/);
  assert.throws(() => normaliseInstance("not a server"), /not a domain name or a URL/);
  assert.ok(isLoopbackHost("127.8.9.1") && !isLoopbackHost("128.0.0.1"));
  assert.equal(onInstance("https://a.example/x?y", "https://a.example"), "https://a.example/x?y");
  assert.equal(onInstance("https://a.example.evil/x", "https://a.example"), null);
  assert.equal(onInstance("http://[", "https://a.example"), null);
});

test("scope hierarchy", () => {
  assert.deepEqual([...held(["read", "follow"], SCOPES)].sort(), ["follow", "read", "read:accounts", "read:statuses"]);
  assert.deepEqual(missingScopes(["read"], { scopes: ["read:statuses", "write:statuses"] }, SCOPES), ["write:statuses"]);
});

const VERIFY = { oauth: [{ token: "user", scopes: ["profile"] }, { token: "user", scopes: ["read:accounts"] }] };
const STATUSES = { oauth: [{ token: "public", scopes: [] }, { token: "user", scopes: ["read:statuses"], when: "private" }] };
const SIGNUP = { oauth: [{ token: "app", scopes: ["write:accounts"] }] };

test("token choice names the alternative that is met", () => {
  const viaRead = chooseToken(VERIFY, { user: { scopes: ["read"] } }, SCOPES);
  assert.equal(viaRead.token, "user");
  assert.deepEqual(viaRead.alternative.scopes, ["read:accounts"]);
  assert.equal(viaRead.met, true);
  assert.equal(chooseToken(VERIFY, { user: { scopes: ["profile"] } }, SCOPES).alternative.scopes[0], "profile");
  const publicOnly = chooseToken(STATUSES, {}, SCOPES);
  assert.equal(publicOnly.token, null);
  assert.equal(publicOnly.met, true);
  assert.equal(chooseToken(STATUSES, { user: { scopes: ["read"] } }, SCOPES).token, "user");
});

test("token choice warns when nothing is met", () => {
  const lacking = chooseToken(VERIFY, { user: { scopes: ["write"] } }, SCOPES);
  assert.equal(lacking.met, false);
  assert.equal(lacking.token, "user");
  assert.equal(lacking.missing.length, 1);
  const wrongKind = chooseToken(SIGNUP, { user: { scopes: ["write"] } }, SCOPES);
  assert.equal(wrongKind.met, false);
  assert.deepEqual(wrongKind.missing, ["write:accounts"]);
  const pasted = chooseToken(VERIFY, { user: { scopes: null } }, SCOPES);
  assert.equal(pasted.met, true);
  assert.equal(pasted.unknown, true);
});

test("Link headers, well-formed and not", () => {
  const header = '<https://a.example/api/v1/timelines/home?max_id=1>; rel="next", ' +
    '<https://a.example/api/v1/timelines/home?min_id=9>; rel="prev"';
  assert.deepEqual(parseLinkHeader(header), { next: "https://a.example/api/v1/timelines/home?max_id=1",
                                              prev: "https://a.example/api/v1/timelines/home?min_id=9" });
  assert.deepEqual(parseLinkHeader("<https://a.example/x>; rel=next"), { next: "https://a.example/x" });
  assert.deepEqual(parseLinkHeader('garbage, <unterminated; rel="next"'), {});
  assert.deepEqual(parseLinkHeader('<https://a.example/x>; title="no rel"'), {});
  assert.deepEqual(parseLinkHeader(null), {});
});

const CREATE = {
  method: "POST", path: "/api/v1/statuses",
  params: [
    { name: "status", in: "form", type: "string", required: true },
    { name: "media_ids[]", in: "form", type: "array", items: "string" },
    { name: "poll[options][]", in: "form", type: "array", items: "string" },
    { name: "poll[expires_in]", in: "form", type: "integer" },
    { name: "sensitive", in: "form", type: "boolean" },
    { name: "Idempotency-Key", in: "header", type: "string" },
  ],
};

test("requests: path, query, JSON and form bodies", () => {
  const block = { method: "POST", path: "/api/v1/accounts/:id/block", params: [{ name: "id", in: "path", type: "string", required: true }] };
  assert.equal(buildRequest(block, { id: "a/b" }, "https://a.example").url, "https://a.example/api/v1/accounts/a%2Fb/block");
  assert.throws(() => buildRequest(block, {}, "https://a.example"), RequestError);
  const list = { method: "GET", path: "/api/v1/accounts", params: [{ name: "id[]", in: "query", type: "array", items: "string" }] };
  assert.equal(buildRequest(list, { "id[]": "1\n2" }, "https://a.example").url, "https://a.example/api/v1/accounts?id%5B%5D=1&id%5B%5D=2");
  const values = { status: "hi", "poll[options][]": "a\nb", "poll[expires_in]": "300", sensitive: "true", "Idempotency-Key": "k1" };
  const json = buildRequest(CREATE, values, "https://a.example", "json");
  assert.deepEqual(JSON.parse(json.body), { status: "hi", poll: { options: ["a", "b"], expires_in: 300 }, sensitive: true });
  assert.equal(json.headers["Idempotency-Key"], "k1");
  const form = buildRequest(CREATE, values, "https://a.example", "form");
  assert.equal(form.bodyText, "status=hi&poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=b&poll%5Bexpires_in%5D=300&sensitive=true");
  assert.throws(() => buildRequest(CREATE, {}, "https://a.example"), /required status/);
});

test("curl redacts the token unless asked", () => {
  const request = buildRequest(CREATE, { status: "it's" }, "https://a.example", "form");
  const hidden = toCurl(request, "SECRET");
  assert.ok(hidden.includes("Authorization: Bearer <token>") && !hidden.includes("SECRET"));
  assert.ok(toCurl(request, "SECRET", true).includes("Bearer SECRET"));
  assert.ok(hidden.includes(`--data-raw 'status=it%27s'`));
});

test("failures explained", () => {
  assert.match(explainStatus(401, { error: "The access token is invalid" }, { sent: "user" }), /did not accept the token/);
  assert.match(explainStatus(403, { error: "This action is outside the authorized scopes" },
                             { choice: { missing: ["write:statuses"] } }), /lacks a scope.*write:statuses/);
  assert.match(explainStatus(422, { error: "This method requires an authenticated user" }), /needs a user token/);
  assert.match(explainStatus(422, { error: "Validation failed: Text can't be blank" }), /Text can't be blank/);
  assert.match(explainStatus(429, { error: "Too many requests" }, { retryAfter: "2026-01-01T00:00:00Z" }), /resets at 2026/);
  assert.match(explainStatus(500, "<html>oops</html>"), /failed with 500/);
  assert.equal(explainStatus(200, {}), "");
});

test("what other servers answer is explained too", () => {
  // A dead token answered with 400 in plain text is still a dead token.
  const dead = explainStatus(400, "Invalid Bearer token", { sent: "user" });
  assert.match(dead, /did not accept the token \(it says so with 400, not 401\): it is invalid, revoked/);
  assert.match(explainStatus(400, { error: "Missing param" }, { sent: "user" }), /answered 400/);
  // Their error names, whatever the status.
  assert.match(explainStatus(401, { error: "identity_token_required" }, { sent: "app" }), /^This endpoint needs a user token/);
  assert.match(explainStatus(403, { error: "out_of_scope_for_token" }, { choice: { missing: ["write:statuses"] } }),
               /^The token lacks a scope.*It needs write:statuses/);
  // An HTML page is named by its title; no markup is quoted.
  const page = explainStatus(500, "<!DOCTYPE html><html><head><title>500 Internal Server Error</title>" +
                                  "<script>alert(1)</script></head><body><h1>Oops</h1></body></html>");
  assert.match(page, /failed with 500.*an HTML page titled "500 Internal Server Error", shown below as text/);
  assert.doesNotMatch(page, /<|script|Oops/);
  // The token endpoint's failures are about the code or the app, not a missing token.
  assert.match(explainTokenEndpoint(400, { error: "invalid_grant", error_description: "expired" }),
               /refused the authorization code \(400\): it expired.*Log in again/);
  assert.match(explainTokenEndpoint(401, { error: "invalid_client" }), /client id or secret \(401\).*register it again/);
  assert.doesNotMatch(explainTokenEndpoint(401, "Unauthorized"), /none was sent/);
  // https typed for a loopback server that speaks http.
  assert.match(explainNetworkError("https://127.0.0.1:3000/api/v2/instance"), /try http:\/\/127\.0\.0\.1:3000\.$/);
  assert.doesNotMatch(explainNetworkError("https://mastodon.social/api/v2/instance"), /try http/);
});

test("a 403 from an endpoint that needs a role permission names the permission", () => {
  const said = explainStatus(403, { error: "This action is not allowed" }, { sent: "user", permission: "Manage Users" });
  assert.match(said, /role has the Manage Users permission/);
  assert.match(said, /"This action is not allowed"/);
  // A scope refusal is still a scope refusal, and without a permission the message stays general.
  assert.match(explainStatus(403, { error: "This action is outside the authorized scopes" },
                             { sent: "user", permission: "Manage Users" }), /lacks a scope/);
  assert.match(explainStatus(403, { error: "This action is not allowed" }, { sent: "user" }), /refused the action/);
});
