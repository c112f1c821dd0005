// Unit tests of what keeps the instance's secrets on the instance: URL checks on every
// metadata field, no redirect followed, token and callback checks, storage that refuses.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Instance, InstanceError, RedirectError } from "../../content/assets/explorer/api.js";
import { callbackProblem, LOGIN_LIFETIME_MS, tokenProblem } from "../../content/assets/explorer/oauth.js";
import { storage } from "../../content/assets/explorer/storage.js";
import { onInstance } from "../../content/assets/explorer/urls.js";

const ORIGIN = "https://instance.example";
const FIELDS = { authorization_endpoint: "/oauth/authorize", token_endpoint: "/oauth/token",
                 revocation_endpoint: "/oauth/revoke", app_registration_endpoint: "/api/v1/apps" };

// Tricks that point elsewhere (or nowhere usable): each must be refused as a whole.
const ELSEWHERE = {
  "protocol-relative": (path) => "//evil.example" + path,
  "backslash": (path) => "/\\evil.example" + path,
  "backslashes": (path) => "\\\\evil.example" + path,
  "tab inside the slashes": (path) => "/\t/evil.example" + path,
  "leading space": (path) => " //evil.example" + path,
  "scheme and backslashes": (path) => "https:\\\\evil.example" + path,
  "other port": (path) => "https://instance.example:8443" + path,
  "other scheme": (path) => "http://instance.example" + path,
  "javascript:": () => "javascript:alert(document.domain)//",
  "data:": () => "data:text/html,<script>alert(1)</script>",
  "blob:": () => "blob:https://instance.example/0b9c",
  "userinfo pointing away": (path) => "https://instance.example@evil.example" + path,
  "userinfo on the instance": (path) => "https://user:pass@instance.example" + path,
  "look-alike host": (path) => "https://instance.example.evil.example" + path,
};
const NOT_STRINGS = [42, null, true, ["https://instance.example/oauth/token"], { href: "https://instance.example/x" }];
// In a metadata document only: a console request may well have a long query.
const ABSURD = [(path) => ORIGIN + path + "?" + "a".repeat(5000), () => "/".repeat(100000)];

test("onInstance keeps instance URLs whole and refuses every other kind", () => {
  for (const [name, make] of Object.entries(ELSEWHERE)) {
    assert.equal(onInstance(make("/oauth/token"), ORIGIN), null, name);
  }
  for (const value of NOT_STRINGS) assert.equal(onInstance(value, ORIGIN), null, JSON.stringify(value));
  // On the instance, however odd the path: kept as the absolute href, never re-read as a path.
  assert.equal(onInstance(ORIGIN + "//evil.example/oauth/token", ORIGIN), ORIGIN + "//evil.example/oauth/token");
  assert.equal(onInstance("https:evil.example/x", ORIGIN), ORIGIN + "/evil.example/x");  // relative to the base
  assert.equal(onInstance("/oauth/token", ORIGIN), ORIGIN + "/oauth/token");
  assert.equal(onInstance("https://INSTANCE.example:443/oauth/token", ORIGIN), ORIGIN + "/oauth/token");
  const kept = onInstance(ORIGIN + "//evil.example/oauth/authorize", ORIGIN);
  assert.equal(new URL(kept).origin, ORIGIN);
});

function fakeFetch(routes) {
  const calls = [];
  const impl = async (url, init) => {
    calls.push({ url, init });
    const route = routes[new URL(url).pathname];
    if (typeof route === "function") return route(url, init);
    if (route === undefined) return new Response("not here", { status: 404 });
    return new Response(JSON.stringify(route), { status: 200, headers: { "Content-Type": "application/json" } });
  };
  return { impl, calls };
}

const INFO = { "/api/v2/instance": { title: "Instance", version: "4.3.0" } };

test("every metadata field with every trick falls back to the instance's fixed path", async () => {
  const values = [...Object.values(ELSEWHERE), ...ABSURD, ...NOT_STRINGS.map((v) => () => v)];
  for (const make of values) {
    const meta = Object.fromEntries(Object.entries(FIELDS).map(([key, path]) => [key, make(path)]));
    const { impl } = fakeFetch({ "/.well-known/oauth-authorization-server": meta, ...INFO });
    const instance = new Instance(ORIGIN, impl);
    const found = await instance.discover();
    for (const [key, path] of Object.entries(FIELDS)) assert.equal(found[key], ORIGIN + path, `${key}: ${meta[key]}`);
  }
});

test("a // path on the instance stays on the instance, when fetched and when logging in", async () => {
  const meta = Object.fromEntries(Object.keys(FIELDS).map((key) => [key, `${ORIGIN}//evil.example/${key}`]));
  const { impl, calls } = fakeFetch({ "/.well-known/oauth-authorization-server": meta, ...INFO,
                                      "//evil.example/token_endpoint": { access_token: "t0k3n", scope: "read" } });
  const instance = new Instance(ORIGIN, impl);
  await instance.discover();
  const login = new URL(instance.authorizeUrl({ client_id: "c", redirect_uri: "https://docs.example/explorer/" },
                                              { scope: "read", state: "s", challenge: "c" }));
  assert.equal(login.origin, ORIGIN);
  assert.equal(login.pathname, "//evil.example/authorization_endpoint");
  await instance.token({ grant_type: "client_credentials" });
  assert.equal(calls.at(-1).url, ORIGIN + "//evil.example/token_endpoint");
  // Set by hand (as an older stored state might be): still checked when used.
  instance.endpoints.authorization_endpoint = "//evil.example/oauth/authorize";
  assert.throws(() => instance.authorizeUrl({ client_id: "c", redirect_uri: "r" }, { scope: "read", state: "s", challenge: "c" }),
                /Refusing to log in anywhere but https:\/\/instance.example/);
  instance.endpoints.token_endpoint = "/\\evil.example/oauth/token";
  await assert.rejects(instance.token({ grant_type: "client_credentials" }), /Refusing to send a request to https:\/\/evil.example/);
  assert.ok(calls.every((call) => new URL(call.url).origin === ORIGIN));
});

test("no redirect is followed, whatever the caller asks, and a redirect is named as one", async () => {
  const opaque = () => ({ type: "opaqueredirect", status: 0, ok: false, headers: new Headers(), text: async () => "" });
  const visible = () => new Response(null, { status: 307, headers: { Location: "https://evil.example/oauth/token" } });
  for (const answer of [opaque, visible]) {
    const { impl, calls } = fakeFetch({ "/oauth/token": answer, "/api/v1/statuses": answer });
    const instance = new Instance(ORIGIN, impl);
    instance.endpoints = { token_endpoint: ORIGIN + "/oauth/token" };
    await assert.rejects(instance.token({ code: "c0de" }), (error) => error instanceof RedirectError &&
      /answered POST \/oauth\/token with a redirect/.test(error.message) && /does not follow redirects/.test(error.message));
    await assert.rejects(instance.call("POST", "/api/v1/statuses", "t", { body: "x", redirect: "follow" }), RedirectError);
    assert.ok(calls.every((call) => call.init.redirect === "manual"));
  }
});

test("revoking: a redirect is never reported as revoked, and no no-cors request is made", async () => {
  const app = { client_id: "id", client_secret: "secret" };
  const opaque = () => ({ type: "opaqueredirect", status: 0, ok: false, headers: new Headers(), text: async () => "" });
  const corsRefused = () => Promise.reject(new TypeError("Failed to fetch"));
  const endpoints = { revocation_endpoint: ORIGIN + "/oauth/revoke" };
  const run = async (routes) => {
    const { impl, calls } = fakeFetch(routes);
    const instance = new Instance(ORIGIN, impl);
    instance.endpoints = endpoints;
    return { calls, result: instance.revoke(app, "t0k3n") };
  };
  // A redirect the page can see: named as one.
  const seen = await run({ "/oauth/revoke": opaque });
  await assert.rejects(seen.result, RedirectError);
  // No CORS on the answer (before Mastodon 4.3, or a redirect without CORS headers): the one
  // POST reached the server; the instance itself is asked whether the token still works.
  const blind = await run({ "/oauth/revoke": corsRefused, "/api/v1/apps/verify_credentials": () => new Response("{}", { status: 401 }) });
  assert.deepEqual(await blind.result, { confirmed: true, how: "blind" });
  const alive = await run({ "/oauth/revoke": corsRefused, "/api/v1/apps/verify_credentials": { name: "app" } });
  assert.deepEqual(await alive.result, { confirmed: false, how: "blind", status: 200 });
  const checkRedirected = await run({ "/oauth/revoke": corsRefused, "/api/v1/apps/verify_credentials": opaque });
  await assert.rejects(checkRedirected.result, RedirectError);
  for (const { calls } of [seen, blind, alive, checkRedirected]) {
    assert.ok(calls.every((c) => c.init.mode === undefined && c.init.redirect === "manual"));
    assert.equal(calls.filter((c) => c.url.endsWith("/oauth/revoke")).length, 1);
  }
});

test("the metadata document or the instance description redirected: connecting fails with the reason", async () => {
  const opaque = () => ({ type: "opaqueredirect", status: 0, ok: false, headers: new Headers(), text: async () => "" });
  for (const path of ["/.well-known/oauth-authorization-server", "/api/v2/instance"]) {
    const instance = new Instance(ORIGIN, fakeFetch({ ...INFO, [path]: opaque }).impl);
    await assert.rejects(instance.discover(), new RegExp(`answered GET ${path.replace(/\./g, "\\.")} with a redirect`));
  }
});

test("access tokens that cannot be used are refused", async () => {
  for (const [value, said] of [[undefined, /there is none/], [null, /there is none/], ["", /empty/], [42, /not text/],
                               [{}, /not text/], ["x".repeat(4097), /over 4096/], ["a b", /spaces/], ["a\nb", /control/],
                               ["a\u0000b", /control/], ["tökén", /non-ASCII/], ["a\u2028b", /non-ASCII/]]) {
    assert.match(tokenProblem(value) ?? "accepted", said, JSON.stringify(value));
    const { impl } = fakeFetch({ "/oauth/token": { access_token: value, scope: "read" } });
    const instance = new Instance(ORIGIN, impl);
    instance.endpoints = { token_endpoint: ORIGIN + "/oauth/token" };
    await assert.rejects(instance.token({}), (error) => error instanceof InstanceError &&
      /no usable access token/.test(error.message) && said.test(error.message));
  }
  for (const good of ["ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0", "x".repeat(4096), "a.b~c+d/e=="]) {
    assert.equal(tokenProblem(good), null, good);
  }
});

test("a callback's state must match and be at most 10 minutes old", () => {
  const now = 1_800_000_000_000;
  const pending = { state: "abc", created: now - 60_000 };
  assert.equal(callbackProblem(pending, "abc", now), null);
  assert.equal(callbackProblem(pending, "abd", now), "mismatch");
  assert.equal(callbackProblem(pending, null, now), "mismatch");
  assert.equal(callbackProblem(null, "abc", now), "none");  // no login waiting in this tab
  assert.equal(callbackProblem({ state: 5, created: now }, "5", now), "mismatch");
  assert.equal(callbackProblem({ state: "abc", created: now - LOGIN_LIFETIME_MS }, "abc", now), null);
  assert.equal(callbackProblem({ state: "abc", created: now - LOGIN_LIFETIME_MS - 1 }, "abc", now), "expired");
  assert.equal(callbackProblem({ state: "abc", created: now + 86_400_000 }, "abc", now), "expired");
  assert.equal(callbackProblem({ state: "abc" }, "abc", now), "expired");
  assert.equal(callbackProblem({ state: "abc", created: "yesterday" }, "abc", now), "expired");
  assert.equal(LOGIN_LIFETIME_MS, 600_000);
});

test("storage that is full or denied is reported, not thrown", () => {
  const full = { getItem: () => null, removeItem: () => {},
                 setItem() { throw Object.assign(new Error("exceeded the quota"), { name: "QuotaExceededError" }); } };
  const reports = [];
  storage.onRefused = (isFull) => reports.push(isFull);
  try {
    globalThis.localStorage = full;
    globalThis.sessionStorage = full;
    assert.equal(storage.setPending({ state: "s" }), false);
    assert.equal(storage.setApp(ORIGIN, { client_id: "c" }), false);
    assert.equal(storage.setTokens(ORIGIN, { app: { token: "t" } }), false);
    assert.deepEqual(reports, [true, true, true]);
    Object.defineProperty(globalThis, "localStorage", { configurable: true,
                                                         get() { throw new DOMException("denied", "SecurityError"); } });
    assert.equal(storage.app(ORIGIN), null);
    assert.equal(storage.setLastInstance(ORIGIN), false);
    assert.equal(reports.at(-1), false);
  } finally {
    storage.onRefused = () => {};
    delete globalThis.localStorage;
    delete globalThis.sessionStorage;
  }
});

test("a registration answer with unusable credentials is refused, and odd scope lists are cleaned", async () => {
  for (const [client_id, client_secret] of [[{ id: 1 }, "s"], ["id", ""], ["id", "a b"], ["id", "x".repeat(5000)]]) {
    const { impl } = fakeFetch({ ...INFO, "/api/v1/apps": { client_id, client_secret } });
    const instance = new Instance(ORIGIN, impl);
    await instance.discover();
    await assert.rejects(instance.registerApp("x", "https://docs.example/explorer/", ["read"]),
                         (error) => error instanceof InstanceError && /is unusable/.test(error.message));
  }
  const meta = { scopes_supported: ["read", "<img src=x>", 7, "write:statuses", ...Array(500).fill("read")] };
  const { impl } = fakeFetch({ "/.well-known/oauth-authorization-server": meta, ...INFO,
                               "/api/v1/apps": { client_id: "id", client_secret: "secret", scopes: ["read", "x y", ["write"]] } });
  const instance = new Instance(ORIGIN, impl);
  const found = await instance.discover();
  assert.deepEqual(found.scopes_supported.slice(0, 3), ["read", "write:statuses", "read"]);
  assert.equal(found.scopes_supported.length, 200);
  assert.deepEqual((await instance.registerApp("x", "https://docs.example/explorer/", ["read"])).scopes, ["read"]);
});

test("discovery keeps the version, the API level and the announced streaming URL as plain values", async () => {
  const v2 = { title: "T", version: "4.4.1", api_versions: { mastodon: 6 },
               configuration: { urls: { streaming: "wss://streaming.example" } } };
  let found = await new Instance(ORIGIN, fakeFetch({ "/api/v2/instance": v2 }).impl).discover();
  assert.deepEqual([found.version, found.api_level, found.streaming], ["4.4.1", 6, "wss://streaming.example"]);
  // v1 only (before 4.0), odd values: no level, the v1 name of the streaming URL, nothing that is not text.
  const v1 = { title: "T", version: "3.5.3", api_versions: { mastodon: "11" }, urls: { streaming_api: "wss://s.example" } };
  found = await new Instance(ORIGIN, fakeFetch({ "/api/v1/instance": v1 }).impl).discover();
  assert.deepEqual([found.api_level, found.streaming], [null, "wss://s.example"]);
  const odd = { ...v2, api_versions: { mastodon: 2.5 }, configuration: { urls: { streaming: { href: "x" } } } };
  found = await new Instance(ORIGIN, fakeFetch({ "/api/v2/instance": odd }).impl).discover();
  assert.deepEqual([found.api_level, found.streaming], [null, null]);
});
