// The explorer's response panel: what an answer shows, as text, and which pages it offers.
import assert from "node:assert/strict";
import { test } from "node:test";

import { InstanceError } from "../../content/assets/explorer/api.js";
import { responsePanel, responseView } from "../../content/assets/explorer/panel-response.js";
import { answer, CATALOG, ENDPOINTS, fakeUi, installPage } from "./fake-page.mjs";

const ORIGIN = "https://instance.example";
const USER = { token: "user", met: true, missing: [], alternative: { token: "user", scopes: [] } };

test("an answer is shown as status, explanation, rate limit, headers and formatted JSON", () => {
  const shown = responseView(answer(200, { id: "1", content: "<p>hi</p>" }, {
    "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299", "X-RateLimit-Reset": "2026-01-01T00:00:00Z" }),
  "GET", USER, undefined, ORIGIN);
  assert.deepEqual(shown.status, ["200 · 12 ms · GET https://instance.example/api/v1/x", "ok"]);
  assert.equal(shown.explanation, "");
  assert.equal(shown.rate, "Rate limit: 299 of 300 left, resets 2026-01-01T00:00:00Z.");
  assert.match(shown.headers, /^x-ratelimit-limit: 300$/m);
  assert.equal(shown.body, '{\n  "id": "1",\n  "content": "<p>hi</p>"\n}');
  assert.deepEqual(shown.pages, { prev: null, next: null });
  assert.equal(responseView(answer(200, {}), "GET", USER, undefined, ORIGIN).rate, "");
});

test("a failure is explained with what the request carried", () => {
  const scopes = responseView(answer(403, { error: "This action is outside the authorized scopes" },
                                     { "WWW-Authenticate": 'Bearer error="insufficient_scope"' }),
                              "POST", { ...USER, missing: ["write:statuses"] }, undefined, ORIGIN);
  assert.equal(scopes.status[1], "error");
  assert.match(scopes.explanation, /lacks a scope this endpoint needs\. It needs write:statuses\./);
  const role = responseView(answer(403, { error: "This action is not allowed" }), "GET", USER, "Manage Users", ORIGIN);
  assert.match(role.explanation, /role has the Manage Users permission/);
  const limited = responseView(answer(429, { error: "Too many requests" }, { "X-RateLimit-Reset": "soon" }),
                               "GET", USER, undefined, ORIGIN);
  assert.match(limited.explanation, /The limit resets at soon\./);
});

test("a body that is not JSON is shown as it came, and a huge one is cut", () => {
  const html = { ...answer(500, undefined), text: "<html><script>window.__pwned=1</script></html>" };
  assert.equal(responseView(html, "GET", USER, undefined, ORIGIN).body, html.text);
  const huge = { ...answer(200, undefined), text: "x".repeat(200005) };
  const cut = responseView(huge, "GET", USER, undefined, ORIGIN).body;
  assert.equal(cut.length, 200000 + "\n… (5 more characters not shown)".length);
  assert.ok(cut.endsWith("\n… (5 more characters not shown)"));
});

test("only pages on the instance are offered: the token follows them", () => {
  const link = (next, prev) => ({ Link: `<${next}>; rel="next", <${prev}>; rel="prev"` });
  const here = responseView(answer(200, [], link(`${ORIGIN}/api/v1/timelines/home?max_id=1`, "/api/v1/timelines/home?min_id=9")),
                            "GET", USER, undefined, ORIGIN);
  assert.deepEqual(here.pages, { next: `${ORIGIN}/api/v1/timelines/home?max_id=1`,
                                 prev: `${ORIGIN}/api/v1/timelines/home?min_id=9` });
  const away = responseView(answer(200, [], link("https://evil.example/next", "//evil.example/prev")),
                            "GET", USER, undefined, ORIGIN);
  assert.deepEqual(away.pages, { next: null, prev: null });
});

async function panel(respond) {
  const root = installPage();
  const ui = await fakeUi(root);
  Object.assign(ui, responsePanel(ui));
  const sent = [];
  Object.assign(ui.state, {
    catalog: CATALOG, endpoint: ENDPOINTS[0], tokens: { user: { token: "USERSECRET", scopes: ["read"] } },
    instance: { origin: ORIGIN, async call(...args) { sent.push(args); return respond(...args); } } });
  return { root, ui, sent, text: (id) => root.querySelector(`#${id}`).textContent };
}

test("performing a request sends the chosen token, shows the answer, and pages with the same choice", async () => {
  const next = `${ORIGIN}/api/v1/timelines/public?max_id=5`;
  const { root, ui, sent, text } = await panel(() => answer(200, [{ id: "6" }], { Link: `<${next}>; rel="next"` }));
  await ui.perform("GET", `${ORIGIN}/api/v1/timelines/public`, { headers: {} }, USER);
  assert.deepEqual(sent, [["GET", `${ORIGIN}/api/v1/timelines/public`, "USERSECRET", { headers: {} }]]);
  assert.equal(root.querySelector("#mc-x-response").hidden, false);
  assert.match(text("mc-x-status-line"), /^200 · 12 ms · GET /);
  assert.equal(text("mc-x-body"), '[\n  {\n    "id": "6"\n  }\n]');
  assert.deepEqual([root.querySelector("#mc-x-next").hidden, root.querySelector("#mc-x-prev").hidden,
                    root.querySelector("#mc-x-pages").hidden], [false, true, false]);
  await root.querySelector("#mc-x-prev").fire("click");
  assert.equal(sent.length, 1, "no previous page: nothing is sent");
  ui.state.last = { choice: USER };
  await root.querySelector("#mc-x-next").fire("click");
  assert.deepEqual(sent[1], ["GET", next, "USERSECRET", {}]);
});

test("a public choice sends no token, and a request that fails says why and clears the old answer", async () => {
  let fail = false;
  const { root, ui, sent, text } = await panel(() => {
    if (fail) throw new InstanceError("The request did not complete (CORS).");
    return answer(200, { ok: true });
  });
  await ui.perform("GET", `${ORIGIN}/api/v1/timelines/public`, {}, { token: null, missing: [] });
  assert.equal(sent[0][2], undefined);
  fail = true;
  await ui.perform("GET", `${ORIGIN}/api/v1/timelines/public`, {}, { token: null, missing: [] });
  assert.deepEqual([text("mc-x-status-line"), root.querySelector("#mc-x-status-line").dataset.kind],
                   ["The request did not complete (CORS).", "error"]);
  assert.deepEqual([text("mc-x-body"), text("mc-x-headers"), text("mc-x-explanation")], ["", "", ""]);
  assert.equal(root.querySelector("#mc-x-pages").hidden, true);
  fail = new TypeError("odd");
  ui.state.instance.call = async () => { throw fail; };
  await ui.perform("GET", "/x", {}, { token: null });
  assert.equal(text("mc-x-status-line"), "TypeError: odd");
});
