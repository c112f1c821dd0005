// Step 3 of the explorer, the tokens panel: the OAuth flows, pasting, revoking, where tokens live.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { InstanceError, RedirectError } from "../../content/assets/explorer/api.js";
import { s256 } from "../../content/assets/explorer/pkce.js";
import { appTokenCheck, describeToken, loggedIn, pasted, refusedCallback, revoked, revokeFailed, takeCallback,
         tokensPanel } from "../../content/assets/explorer/panel-tokens.js";
import { answer, fakeUi, installPage } from "./fake-page.mjs";

const ORIGIN = "https://instance.example";
const APP = { name: "Mastodon API reference explorer", client_id: "CID", client_secret: "CSECRET",
              scopes: ["read", "write"], redirect_uri: "https://docs.example/explorer/" };

afterEach(() => {
  delete globalThis.window;
});

// An Instance stand-in that records what it is asked and answers as told.
function fakeInstance(answers = {}) {
  const asked = [];
  return {
    origin: ORIGIN, asked,
    async token(form) {
      asked.push(["token", form]);
      if (answers.token instanceof Error) throw answers.token;
      return answers.token ?? { access_token: "ACCESS", scope: "read write" };
    },
    async call(method, path, token) {
      asked.push(["call", method, path, token]);
      return answers.call ?? answer(200, { name: APP.name, acct: "alice" });
    },
    authorizeUrl(app, options) {
      asked.push(["authorizeUrl", app, options]);
      return `${ORIGIN}/oauth/authorize?state=${options.state}`;
    },
    async revoke(app, token) {
      asked.push(["revoke", app, token]);
      if (answers.revoke instanceof Error) throw answers.revoke;
      return answers.revoke ?? { confirmed: true, how: "cors" };
    },
  };
}

async function panel({ instance = fakeInstance(), app = APP, tokens = {}, query = "" } = {}) {
  const root = installPage();
  const ui = await fakeUi(root, { params: new URLSearchParams(query) });
  Object.assign(ui, tokensPanel(ui));
  Object.assign(ui.state, { instance, app, tokens });
  return { root, ui, instance, status: () => root.querySelector("#mc-x-token-status").textContent };
}

test("the authorization answer leaves the address; everything else stays", () => {
  const back = takeCallback("https://docs.example/explorer/?endpoint=timelines%2Fhome&code=C&state=S#mc-x-h-console");
  assert.equal(back.clean, "https://docs.example/explorer/?endpoint=timelines%2Fhome#mc-x-h-console");
  assert.deepEqual([back.params.get("code"), back.params.get("state"), back.params.get("endpoint")],
                   ["C", "S", "timelines/home"]);
  const refused = takeCallback("https://docs.example/explorer/?error=access_denied&error_description=No");
  assert.equal(refused.clean, "https://docs.example/explorer/");
  assert.equal(refused.params.get("error_description"), "No");
  assert.equal(takeCallback("https://docs.example/explorer/?state=").clean, "https://docs.example/explorer/");
  assert.equal(takeCallback("https://docs.example/explorer/?endpoint=x").clean, null, "not a callback");
  assert.equal(takeCallback("https://docs.example/explorer/?error_description=x").clean, null);
});

test("token status lines", () => {
  assert.deepEqual(describeToken(undefined, "app"), ["No app token.", "info"]);
  assert.deepEqual(describeToken({ scopes: ["read"], account: "alice" }, "user"),
                   ["User token for @alice, scopes: read.", "ok"]);
  assert.deepEqual(describeToken({ scopes: [] }, "app"), ["App token, scopes: (none).", "ok"]);
  assert.deepEqual(describeToken({ scopes: null, pasted: true }, "user"), ["User token, unknown scopes (pasted).", "ok"]);
  assert.deepEqual(describeToken({ scopes: null }, "app"), ["App token, scopes the server did not state.", "ok"]);
});

test("an app token is called working only when verify_credentials names the app", () => {
  assert.deepEqual(appTokenCheck(answer(200, { name: "Explorer" })),
                   ['App token works: verify_credentials names the app "Explorer".', "ok", true]);
  // Refused by the server's own API: a placeholder, said once, without calling the reader's token invalid.
  for (const status of [400, 401, 403]) {
    const [text, kind, keep] = appTokenCheck(answer(status, "Invalid Bearer token"));
    assert.equal(kind, "warning");
    assert.equal(keep, false);
    assert.match(text, new RegExp(`answered ${status}\\): a placeholder, as some servers hand out\\. It was not kept\\.`));
    assert.doesNotMatch(text, /invalid|revoked/i);
  }
  for (const check of [answer(200, { name: 5 }), answer(404, null), answer(500, "<html></html>")]) {
    const [text, kind, keep] = appTokenCheck(check);
    assert.deepEqual([kind, keep], ["warning", true]);
    assert.match(text, new RegExp(`could not be checked: GET /api/v1/apps/verify_credentials answered ${check.status}\\.`));
  }
});

test("callback refusals and the login's outcome in words", () => {
  assert.match(refusedCallback("mismatch"), /^Refused an authorization answer whose state does not match.*No code was exchanged\.$/);
  assert.match(refusedCallback("none"), /^Refused an authorization answer: no login in this tab waits for one \(it was started in another tab/);
  assert.match(refusedCallback("expired"), /more than 10 minutes ago: its state has expired\. No code was exchanged; log in again\.$/);
  assert.equal(loggedIn({ scopes: ["read", "write"], account: "alice" }, ["read", "write"]),
               "Logged in as @alice. Granted scopes: read write.");
  assert.equal(loggedIn({ scopes: ["read", "follow"] }, ["read"]),
               "Logged in. Granted scopes: read follow. The server granted more than the app asked: follow.");
  assert.equal(loggedIn({ scopes: null, account: "a" }, ["read"]), "Logged in as @a. The server did not say which scopes it granted.");
  // force_login asked and the same account came back: the server ignored it.
  assert.match(loggedIn({ scopes: ["read"], account: "a" }, ["read"], { forceLogin: true, previous: "a" }),
               /^Logged in as @a\. The server ignored force_login: this is the same account as before\./);
  assert.doesNotMatch(loggedIn({ scopes: ["read"], account: "b" }, ["read"], { forceLogin: true, previous: "a" }), /ignored/);
  assert.doesNotMatch(loggedIn({ scopes: ["read"], account: "a" }, ["read"], { forceLogin: false, previous: "a" }), /ignored/);
});

test("a pasted token needs an instance and a usable value; its scopes are optional", () => {
  assert.deepEqual(pasted(null, "abc", ""), { error: "Connect to an instance and paste a token." });
  assert.deepEqual(pasted({}, "", ""), { error: "Connect to an instance and paste a token." });
  assert.match(pasted({}, "a\u00e9b", "").error, /^That token cannot be used: it contains spaces/);
  assert.deepEqual(pasted({}, "abc", ""), { user: { token: "abc", scopes: null, pasted: true } });
  assert.deepEqual(pasted({}, "abc", "read  write"), { user: { token: "abc", scopes: ["read", "write"], pasted: true } });
});

test("revocation outcomes: only a dead token is reported as revoked", () => {
  assert.deepEqual(revoked("user", { confirmed: true, how: "cors" }), ["The user token was revoked.", "ok"]);
  const blind = revoked("app", { confirmed: true, how: "blind" });
  assert.match(blind[0], /sent blind; an API call with the token now fails, so the app token is dead\.$/);
  const alive = revoked("user", { confirmed: false, how: "blind", status: 200 });
  assert.deepEqual([alive[1], /still works \(status 200\): the server did not revoke it\.$/.test(alive[0])], ["error", true]);
  assert.equal(revokeFailed("user", new RedirectError("Redirected.")),
               "Redirected. The user token is kept: the explorer cannot tell whether the instance revoked it.");
  assert.equal(revokeFailed("user", new InstanceError("Revocation failed.")), "Revocation failed.");
});

test("an app token: client credentials with the app's own, stored for this tab, then checked", async () => {
  const { root, ui, instance, status } = await panel();
  await root.querySelector("#mc-x-app-token").fire("click");
  assert.deepEqual(instance.asked, [
    ["token", { grant_type: "client_credentials", client_id: "CID", client_secret: "CSECRET", scope: "read write" }],
    ["call", "GET", "/api/v1/apps/verify_credentials", "ACCESS"]]);
  assert.deepEqual(ui.state.tokens.app, { token: "ACCESS", scopes: ["read", "write"] });
  assert.deepEqual(JSON.parse(sessionStorage.getItem(`mc-explorer:tokens:${ORIGIN}`)), ui.state.tokens);
  assert.equal(localStorage.getItem(`mc-explorer:tokens:${ORIGIN}`), null);
  assert.equal(status(), `App token works: verify_credentials names the app "${APP.name}".`);
  assert.equal(root.querySelector("#mc-x-app-token-status").textContent, "App token, scopes: read write.");
  assert.equal(root.querySelector("#mc-x-revoke-app").hidden, false);
  assert.equal(root.querySelector("#mc-x-revoke-user").hidden, true);
  assert.deepEqual(ui.calls, [["renderChoice"], ["renderStream"]]);
});

test("no app, no token request; a refused token request keeps nothing", async () => {
  const none = await panel({ app: null });
  await none.root.querySelector("#mc-x-app-token").fire("click");
  await none.root.querySelector("#mc-x-login").fire("click");
  assert.deepEqual([none.status(), none.instance.asked], ["Register an app first (step 2).", []]);
  const refused = await panel({ instance: fakeInstance({ token: new InstanceError("The token request failed.") }) });
  await refused.root.querySelector("#mc-x-app-token").fire("click");
  assert.deepEqual([refused.status(), refused.ui.state.tokens], ["The token request failed.", {}]);
});

test("logging in stores state and verifier for the way back, then leaves for the instance", async () => {
  const { root, instance } = await panel();
  const went = [];
  globalThis.window = { location: { assign: (url) => went.push(url) } };
  root.querySelector("#mc-x-force-login").checked = true;
  await root.querySelector("#mc-x-login").fire("click");
  const pending = JSON.parse(sessionStorage.getItem("mc-explorer:pending"));
  const [, app, options] = instance.asked[0];
  assert.equal(app, APP);
  assert.deepEqual([options.scope, options.forceLogin, options.state], ["read write", true, pending.state]);
  assert.equal(options.challenge, await s256(pending.verifier));
  assert.match(pending.verifier, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(pending.origin, ORIGIN);
  assert.ok(Math.abs(Date.now() - pending.created) < 5000);
  assert.deepEqual(went, [`${ORIGIN}/oauth/authorize?state=${pending.state}`]);
});

test("when the login's state cannot be stored, the page does not leave", async () => {
  const { root, status } = await panel();
  const went = [];
  globalThis.window = { location: { assign: (url) => went.push(url) } };
  sessionStorage.setItem = () => { throw Object.assign(new Error("quota"), { name: "QuotaExceededError" }); };
  await root.querySelector("#mc-x-login").fire("click");
  assert.match(status(), /the browser's storage refused it \(see the note at the top\)/);
  assert.deepEqual(went, []);
});

// The page came back from the instance with this query; pending is what logIn stored.
async function callback(query, pending, instance = fakeInstance()) {
  const page = await panel({ query, instance, app: null });
  const { ui } = page;
  if (pending) sessionStorage.setItem("mc-explorer:pending", JSON.stringify(pending));
  ui.connect = async (origin) => {
    ui.calls.push(["connect", origin]);
    Object.assign(ui.state, { instance, app: APP, tokens: {} });
  };
  ui.state.instance = null;
  await ui.finishLogin();
  return page;
}

test("a callback whose state is not this tab's login is refused before anything is sent", async () => {
  const now = Date.now();
  for (const [query, pending, said] of [
    ["code=stolen&state=forged", { state: "mine", verifier: "v", origin: ORIGIN, created: now }, /does not match/],
    ["code=stolen", { state: "mine", verifier: "v", origin: ORIGIN, created: now }, /does not match/],
    ["code=stolen&state=mine", null, /no login in this tab waits for one/],
    ["code=late&state=mine", { state: "mine", verifier: "v", origin: ORIGIN, created: now - 11 * 60000 }, /expired/],
  ]) {
    const { ui, instance, root } = await callback(query, pending);
    // Said at the top, where it is seen, and the login's instance is connected again.
    const notice = root.querySelector("#mc-x-notice");
    assert.match(notice.textContent, said, query);
    assert.equal(notice.hidden, false);
    assert.deepEqual([ui.calls, instance.asked], [pending ? [["connect", ORIGIN]] : [], []], query);
    assert.equal(sessionStorage.getItem("mc-explorer:pending"), null, "a pending login is used once");
  }
});

test("the code is exchanged with the verifier at the instance the login started on", async () => {
  const pending = { state: "mine", verifier: "VERIFIER", origin: ORIGIN, created: Date.now() };
  const { ui, instance, status, root } = await callback("code=CODE&state=mine", pending);
  assert.deepEqual(ui.calls[0], ["connect", ORIGIN]);
  assert.deepEqual(instance.asked, [
    ["token", { grant_type: "authorization_code", code: "CODE", client_id: "CID", client_secret: "CSECRET",
                redirect_uri: "https://docs.example/explorer/", code_verifier: "VERIFIER" }],
    ["call", "GET", "/api/v1/accounts/verify_credentials", "ACCESS"]]);
  assert.deepEqual(ui.state.tokens.user, { token: "ACCESS", scopes: ["read", "write"], account: "alice" });
  assert.equal(status(), "Logged in as @alice. Granted scopes: read write.");
  assert.deepEqual(root.querySelector("#mc-x-token-status").scrolled, { block: "center" }, "brought into view");
  assert.equal(JSON.parse(sessionStorage.getItem(`mc-explorer:tokens:${ORIGIN}`)).user.token, "ACCESS");
});

test("a refusal from the instance, or landing elsewhere, exchanges nothing", async () => {
  const pending = { state: "mine", verifier: "V", origin: ORIGIN, created: Date.now() };
  const denied = await callback("error=access_denied&error_description=The+user+said+no&state=mine", pending);
  assert.equal(denied.status(), "The instance did not authorize: The user said no.");
  assert.deepEqual(denied.instance.asked, []);
  const elsewhere = fakeInstance();
  elsewhere.origin = "https://other.example";
  const moved = await callback("code=CODE&state=mine", pending, elsewhere);
  assert.deepEqual(moved.instance.asked, []);
});

test("a pasted token becomes the user token and the field is emptied", async () => {
  const { root, ui, status } = await panel();
  root.querySelector("#mc-x-paste-token").value = "  PASTED  ";
  root.querySelector("#mc-x-paste-scopes").value = " read ";
  await root.querySelector("#mc-x-paste").fire("submit");
  assert.deepEqual(ui.state.tokens.user, { token: "PASTED", scopes: ["read"], pasted: true });
  assert.deepEqual([root.querySelector("#mc-x-paste-token").value, status()],
                   ["", "Using the pasted token as the user token."]);
  root.querySelector("#mc-x-paste-token").value = "two words";
  await root.querySelector("#mc-x-paste").fire("submit");
  assert.match(status(), /^That token cannot be used/);
  assert.equal(ui.state.tokens.user.token, "PASTED");
});

test("revoking drops the token only when it is known to be dead", async () => {
  const tokens = () => ({ user: { token: "U", scopes: ["read"] }, app: { token: "A", scopes: [] } });
  const cors = await panel({ tokens: tokens() });
  await cors.root.querySelector("#mc-x-revoke-user").fire("click");
  assert.deepEqual(cors.instance.asked, [["revoke", APP, "U"]]);
  assert.deepEqual([Object.keys(cors.ui.state.tokens), cors.status()], [["app"], "The user token was revoked."]);
  assert.equal(cors.root.querySelector("#mc-x-revoke-user").hidden, true);
  const alive = await panel({ tokens: tokens(), instance: fakeInstance({ revoke: { confirmed: false, how: "blind", status: 200 } }) });
  await alive.root.querySelector("#mc-x-revoke-app").fire("click");
  assert.deepEqual(Object.keys(alive.ui.state.tokens), ["user", "app"]);
  const redirected = await panel({ tokens: tokens(), instance: fakeInstance({ revoke: new RedirectError("Redirected.") }) });
  await redirected.root.querySelector("#mc-x-revoke-user").fire("click");
  assert.match(redirected.status(), /The user token is kept/);
  assert.equal(redirected.ui.state.tokens.user.token, "U");
  const noApp = await panel({ tokens: tokens(), app: null });
  await noApp.root.querySelector("#mc-x-revoke-user").fire("click");
  assert.deepEqual([noApp.status(), noApp.instance.asked], ["Revoking needs the app that issued the token.", []]);
});

test("remembering moves this instance's tokens between the tab and the device", async () => {
  const { root } = await panel({ tokens: { app: { token: "A", scopes: [] } } });
  const remember = root.querySelector("#mc-x-remember");
  const where = () => [sessionStorage.getItem(`mc-explorer:tokens:${ORIGIN}`) !== null,
                       localStorage.getItem(`mc-explorer:tokens:${ORIGIN}`) !== null];
  await remember.fire("change", { target: { checked: true } });
  assert.deepEqual(where(), [false, true]);
  await remember.fire("change", { target: { checked: false } });
  assert.deepEqual(where(), [true, false]);
});

// The reader connects to another instance while a flow waits on the first one's answer.
function switchedDuring(method, { instance = fakeInstance(), then } = {}) {
  const other = { ...fakeInstance(), origin: "https://other.example" };
  const original = instance[method].bind(instance);
  instance[method] = async (...args) => {
    const result = await original(...args);
    then.state.instance = other;
    then.state.tokens = {};
    return result;
  };
  return { instance, other };
}

test("an answer that arrives after connecting elsewhere is dropped, never kept for the new instance", async () => {
  for (const [button, method] of [["#mc-x-app-token", "token"], ["#mc-x-revoke-user", "revoke"]]) {
    const { root, ui, instance, status } = await panel({ tokens: { user: { token: "OLD", scopes: ["read"] } } });
    const { other } = switchedDuring(method, { instance, then: ui });
    await root.querySelector(button).fire("click");
    assert.match(status(), /^The instance was changed while this was under way: its answer was dropped/);
    assert.deepEqual(ui.state.tokens, {}, button);
    assert.deepEqual(other.asked, [], "nothing went to the new instance");
    assert.equal(sessionStorage.getItem(`mc-explorer:tokens:${other.origin}`), null);
  }
});
