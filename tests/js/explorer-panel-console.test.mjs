// Step 4 of the explorer, the request console: the endpoint list, the form, the token it gets,
// the warning before sending, and curl.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { choiceText, consolePanel, curlText, field, initialEndpoint, matches,
         sendStep } from "../../content/assets/explorer/panel-console.js";
import { createState, currentChoice } from "../../content/assets/explorer/state.js";
import { CATALOG, ENDPOINTS, fakeUi, installPage } from "./fake-page.mjs";

const ORIGIN = "https://instance.example";
const [TIMELINE, CREATE, VERIFY_APP] = ENDPOINTS;
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

const state = (endpoint, tokens = {}, instance = { origin: ORIGIN }) =>
  ({ ...createState(), catalog: CATALOG, endpoint, tokens, instance });

test("searching keeps the endpoints whose text has every word, in any case and order", () => {
  const text = "GET /api/v1/timelines/home · View home timeline";
  assert.ok(matches(text, "home timelines"));
  assert.ok(matches(text, "  VIEW  "));
  assert.ok(matches(text, ""));
  assert.ok(!matches(text, "home public"));
});

test("each parameter gets the field its type calls for; Authorization gets none", () => {
  assert.equal(field({ name: "Authorization", in: "header", type: "string" }), null);
  assert.equal(field({ name: "authorization", in: "header", type: "string" }), null);
  assert.deepEqual(field({ name: "visibility", in: "form", type: "string", enum: ["public", "direct"] }),
                   { tag: "select", attrs: { id: "mc-x-param-form-visibility", name: "visibility" },
                     values: ["public", "direct"] });
  assert.deepEqual(field({ name: "sensitive", in: "form", type: "boolean" }).values, ["true", "false"]);
  assert.deepEqual(field({ name: "limit", in: "query", type: "integer", enum: [20, 40] }).values, ["20", "40"]);
  assert.deepEqual(field({ name: "file", in: "form", type: "file" }).attrs,
                   { id: "mc-x-param-form-file", name: "file", type: "file" });
  assert.equal(field({ name: "media[]", in: "form", type: "array", items: "file" }).attrs.type, "file");
  assert.deepEqual(field({ name: "poll[options][]", in: "form", type: "string" }),
                   { tag: "textarea", attrs: { id: "mc-x-param-form-poll-options---", name: "poll[options][]", rows: "2",
                                               placeholder: "one value per line" } });
  assert.equal(field({ name: "limit", in: "query", type: "integer", default: 20 }).attrs.placeholder, "20");
  assert.equal(field({ name: "q", in: "query", type: "string" }).attrs.placeholder, "");
});

test("the token line says which token is sent and which alternative it meets", () => {
  assert.deepEqual(choiceText(null), ["Choose an endpoint.", "info"]);
  const user = { user: { token: "U", scopes: ["read"] } };
  assert.deepEqual(choiceText(currentChoice(state(TIMELINE, user))),
                   ['Sends the user token: meets "User token + read:statuses".', "ok"]);
  assert.deepEqual(choiceText(currentChoice(state(TIMELINE))), ['Sends no token: meets "Public".', "ok"]);
  assert.match(choiceText(currentChoice(state(CREATE, { user: { token: "U", scopes: null } })))[0],
               /^Sends the user token: meets "User token \+ write:statuses" \(a pasted token: its scopes are not known/);
});

test("when nothing is met the token line warns, naming what is missing and what to get", () => {
  const [text, kind] = choiceText(currentChoice(state(CREATE, { user: { token: "U", scopes: ["read"] } })));
  assert.equal(kind, "warning");
  assert.equal(text, 'No alternative is satisfied by your tokens. Closest: "User token + write:statuses". ' +
                     "Missing: write:statuses.");
  assert.deepEqual(choiceText(currentChoice(state(VERIFY_APP))),
                   ["This endpoint needs an app token: get one first (step 3).", "warning"]);
  // Only an app token where a user must be behind it: no scope talk, and the app token is not sent.
  const appOnly = currentChoice(state(CREATE, { app: { token: "A", scopes: ["read", "write"] } }));
  assert.equal(appOnly.token, null);
  assert.deepEqual(choiceText(appOnly), ["This endpoint needs a user token: log in first (step 3).", "warning"]);
});

test("Send: connect first; an unmet endpoint asks once, then sends with the closest choice", () => {
  assert.deepEqual(sendStep({ ...state(TIMELINE), instance: null }, false), { error: "Connect to an instance first (step 1)." });
  assert.deepEqual(sendStep(state(null), false), {});
  const lacking = state(CREATE, { user: { token: "U", scopes: ["read"] } });
  assert.deepEqual(sendStep(lacking, false), { confirm: true });
  assert.equal(sendStep(lacking, true).choice.token, "user");
  assert.equal(sendStep(state(TIMELINE), false).choice.met, true);
});

test("curl carries the chosen token, redacted unless revealed, or says what is missing", () => {
  const withUser = state(CREATE, { user: { token: "SECRET", scopes: ["write"] } });
  const hidden = curlText(withUser, { status: "hi" }, "form", false);
  assert.ok(hidden.startsWith(`curl -X POST '${ORIGIN}/api/v1/statuses'`), hidden);
  assert.ok(hidden.includes("Authorization: Bearer <token>") && !hidden.includes("SECRET"));
  assert.ok(curlText(withUser, { status: "hi" }, "form", true).includes("Bearer SECRET"));
  assert.equal(curlText(withUser, {}, "json", false), "Fill in the required status.");
  assert.ok(!curlText(state(TIMELINE), {}, "json", true).includes("Authorization"), "a public call carries no token");
});

test("the console opens on a Try it link's endpoint, else the one chosen, else the first", () => {
  assert.equal(initialEndpoint(CATALOG, "statuses/create", "timelines/public"), "statuses/create");
  assert.equal(initialEndpoint(CATALOG, "no/such", "apps/verify_credentials"), "apps/verify_credentials");
  assert.equal(initialEndpoint(CATALOG, null, undefined), "timelines/public");
  assert.equal(initialEndpoint({ endpoints: [] }, "x", undefined), undefined);
});

async function panel(tokens = {}) {
  const root = installPage();
  const ui = await fakeUi(root);
  Object.assign(ui, consolePanel(ui));
  globalThis.fetch = async (url, init) => {
    assert.deepEqual([String(url), init.credentials], ["https://docs.example/catalog.json", "same-origin"]);
    return new Response(JSON.stringify(CATALOG));
  };
  await ui.loadCatalog();
  Object.assign(ui.state, { instance: { origin: ORIGIN }, tokens });
  return { root, ui, choice: () => root.querySelector("#mc-x-auth-choice") };
}

test("the catalog fills the list; searching hides what does not match", async () => {
  const { root } = await panel();
  const list = root.querySelector("#mc-x-endpoints");
  assert.deepEqual(list.options.map((o) => [o.value, o.textContent]), [
    ["timelines/public", "GET /api/v1/timelines/public · View public timeline"],
    ["statuses/create", "POST /api/v1/statuses · Post a new status"],
    ["apps/verify_credentials", "GET /api/v1/apps/verify_credentials · Verify your app"]]);
  await root.querySelector("#mc-x-search").fire("input", { target: { value: "get verify" } });
  assert.deepEqual(list.options.map((o) => o.hidden), [true, true, false]);
});

test("choosing an endpoint builds its form and says which token it gets", async () => {
  const { root, ui, choice } = await panel({ user: { token: "U", scopes: ["read"] } });
  root.querySelector("#mc-x-response").hidden = false;
  await root.querySelector("#mc-x-endpoints").fire("change", { target: { value: "statuses/create" } });
  assert.equal(ui.state.endpoint.id, "statuses/create");
  assert.equal(root.querySelector("#mc-x-endpoint-title").textContent, "POST /api/v1/statuses");
  assert.equal(root.querySelector("#mc-x-endpoint-docs").href, "https://docs.example/methods/statuses/#create");
  assert.equal(root.querySelector("#mc-x-endpoint-oauth").textContent, "Accepts: User token + write:statuses");
  const inputs = root.querySelector("#mc-x-fields").querySelectorAll("input, select, textarea");
  assert.deepEqual(inputs.map((i) => [i.name, i.dataset.in]), [["status", "form"]], "no Authorization field");
  assert.equal(inputs[0].closest("div").text(), "status form, string, requiredThe text.");
  assert.equal(root.querySelector("#mc-x-encoding-row").hidden, false);
  assert.equal(root.querySelector("#mc-x-response").hidden, true);
  assert.deepEqual([choice().dataset.met, choice().dataset.kind], ["false", "warning"]);
  ui.selectEndpoint("timelines/public");
  assert.deepEqual([choice().dataset.met, choice().textContent],
                   ["true", 'Sends the user token: meets "User token + read:statuses".']);
  assert.equal(root.querySelector("#mc-x-encoding-row").hidden, true);
});

test("an unmet endpoint is sent only after Send anyway, with the chosen token", async () => {
  const { root, ui } = await panel({ user: { token: "U", scopes: ["read"] } });
  ui.selectEndpoint("statuses/create");
  const send = root.querySelector("#mc-x-send");
  const input = () => root.querySelector("#mc-x-fields").querySelectorAll("input")[0];
  input().value = "Hello";
  await root.querySelector("#mc-x-request").fire("submit");
  assert.deepEqual([send.textContent, ui.calls.filter(([name]) => name === "perform")], ["Send anyway", []]);
  await root.querySelector("#mc-x-request").fire("submit");
  const [[, method, url, init, choice]] = ui.calls.filter(([name]) => name === "perform");
  assert.deepEqual([method, url, init.body, choice.token], ["POST", `${ORIGIN}/api/v1/statuses`, '{"status":"Hello"}', "user"]);
  assert.equal(send.textContent, "Send", "the warning is asked again next time");
  assert.equal(ui.state.last.choice, choice);
});

test("a form that cannot become a request is explained, not sent", async () => {
  const { root, ui, choice } = await panel({ user: { token: "U", scopes: ["write"] } });
  ui.selectEndpoint("statuses/create");
  await root.querySelector("#mc-x-request").fire("submit");
  assert.deepEqual([choice().textContent, choice().dataset.kind], ["Fill in the required status.", "error"]);
  assert.deepEqual(ui.calls.filter(([name]) => name === "perform"), []);
  ui.state.instance = null;
  await root.querySelector("#mc-x-request").fire("submit");
  assert.equal(choice().textContent, "Connect to an instance first (step 1).");
});

test("Copy as curl shows the command and hands it to the clipboard", async () => {
  const { root, ui } = await panel({ app: { token: "APPSECRET", scopes: [] } });
  const copied = [];
  Object.defineProperty(globalThis, "navigator", { configurable: true,
                                                   value: { clipboard: { writeText: async (t) => copied.push(t) } } });
  ui.selectEndpoint("apps/verify_credentials");
  await root.querySelector("#mc-x-copy").fire("click");
  const curl = root.querySelector("#mc-x-curl");
  assert.equal(curl.hidden, false);
  assert.equal(curl.textContent, `curl -X GET '${ORIGIN}/api/v1/apps/verify_credentials' \\\n` +
                                 "  -H 'Authorization: Bearer <token>'");
  assert.deepEqual(copied, [curl.textContent]);
  globalThis.navigator.clipboard.writeText = async () => { throw new Error("denied"); };
  root.querySelector("#mc-x-reveal").checked = true;
  await root.querySelector("#mc-x-copy").fire("click");
  assert.ok(curl.textContent.includes("Bearer APPSECRET"), "shown for copying by hand");
});
