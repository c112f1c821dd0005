// The drift report under a response: shown for a documented JSON answer, as text and links
// made from catalog.json only, copied as plain text, cleared by a new request or a failure.
import assert from "node:assert/strict";
import { test } from "node:test";

import { InstanceError } from "../../content/assets/explorer/api.js";
import { responsePanel } from "../../content/assets/explorer/panel-response.js";
import { answer, CATALOG, ENDPOINTS, fakeUi, installPage } from "./fake-page.mjs";

const ORIGIN = "https://instance.example";
const PAYLOAD = '<img src=x onerror="window.__pwned=1">';
const ENTITIES = {
  Status: { url: "entities/Status/#Status", attributes: {
    id: { type: "string" }, account: { type: "Account" }, replies_count: { type: "integer" },
    text: { type: "string", optional: true }, quotes_count: { type: "integer", added: "4.5.0" } } },
  Account: { url: "entities/Account/#Account", attributes: { id: { type: "string" }, acct: { type: "string" } } },
  Error: { url: "entities/Error/#Error", attributes: { error: { type: "string" } } },
};
const TIMELINE = { ...ENDPOINTS[0], answers: [{ status: 200, body: "json", type: "array of Status" }] };
const status = (extra = {}) => ({ id: "1", account: { id: "2", acct: "alice" }, replies_count: 0, ...extra });

async function panel(respond) {
  const root = installPage();
  const ui = await fakeUi(root);
  Object.assign(ui, responsePanel(ui));
  Object.assign(ui.state, {
    catalog: { ...CATALOG, mastodon: "4.7.0", entities: ENTITIES }, endpoint: TIMELINE, info: { version: "4.3.0" },
    instance: { origin: ORIGIN, async call() { return respond(); } } });
  const $ = (id) => root.querySelector(`#${id}`);
  const send = () => ui.perform("GET", `${ORIGIN}/api/v1/timelines/public`, {}, { token: null, missing: [] });
  return { root, ui, $, send };
}

test("a drifting answer: a summary, one item per finding with its entity linked, names from the instance as text", async () => {
  const { $, send } = await panel(() => answer(200, [status(), status(), status(),
                                                     status({ replies_count: "3", [PAYLOAD]: 1 })]));
  await send();
  assert.equal($("mc-x-drift").hidden, false);
  assert.equal($("mc-x-drift-summary").textContent,
               "2 differences from the documented array of Status: 1 undocumented field, 1 type mismatch.");
  assert.equal($("mc-x-drift-summary").dataset.kind, "warning");
  const items = $("mc-x-drift-list").children;
  assert.deepEqual(items.map((li) => li.text()), [
    "$[3].replies_count: documented as integer in Status, got string \"3\"",
    `$[3]["<img src=x onerror=\\"window.__pwned=1\\">"]: not documented in Status`,
  ]);
  // Only li, a and text: the payload is a string child, never an element.
  const made = $("mc-x-drift-list").descendants().map((n) => n.tagName);
  assert.deepEqual([...new Set(made)].sort(), ["A", "LI"]);
  assert.ok(items[1].children.some((c) => typeof c === "string" && c.includes(PAYLOAD.replaceAll('"', '\\"'))));
  const links = $("mc-x-drift-list").descendants().filter((n) => n.tagName === "A");
  assert.deepEqual(links.map((a) => [a.textContent, a.attributes.href]),
                   [["Status", "https://docs.example/entities/Status/#Status"],
                    ["Status", "https://docs.example/entities/Status/#Status"]]);
  // quotes_count came in 4.5.0: the instance says it runs 4.3.0, so its absence is fine.
  assert.equal($("mc-x-drift-list").hidden, false);
});

test("Copy drift report puts the plain-text report on the clipboard, or shows it when refused", async () => {
  const { $, send } = await panel(() => answer(200, [status({ [PAYLOAD]: 1 })]));
  await send();
  const copied = [];
  Object.defineProperty(globalThis, "navigator", { configurable: true,
                                                   value: { clipboard: { writeText: async (t) => copied.push(t) } } });
  await $("mc-x-drift-copy").fire("click");
  assert.deepEqual(copied, [
    `Drift report: GET /api/v1/timelines/public on ${ORIGIN} (version 4.3.0), against the docs of Mastodon 4.7.0\n` +
    "1 difference from the documented array of Status: 1 undocumented field.\n" +
    `$[0]["<img src=x onerror=\\"window.__pwned=1\\">"]: not documented in Status`]);
  assert.equal($("mc-x-drift-copied").textContent, "Copied.");
  assert.equal($("mc-x-drift-text").hidden, true);
  globalThis.navigator.clipboard.writeText = async () => { throw new Error("denied"); };
  await $("mc-x-drift-copy").fire("click");
  assert.equal($("mc-x-drift-text").hidden, false);
  assert.equal($("mc-x-drift-text").textContent, copied[0]);
  assert.match($("mc-x-drift-copied").textContent, /^Copying was refused: the report is below\.$/);
});

test("a matching answer says so; an error body is checked against Error; no JSON or no documented JSON hides it", async () => {
  let next = answer(200, [status()]);
  const { $, ui, send } = await panel(() => {
    if (next instanceof Error) throw next;
    return next;
  });
  await send();
  assert.equal($("mc-x-drift-summary").textContent, "Matches the documented array of Status.");
  assert.equal($("mc-x-drift-summary").dataset.kind, "ok");
  assert.equal($("mc-x-drift-list").hidden, true);
  next = answer(404, { error: "Record not found" });
  await send();
  assert.equal($("mc-x-drift-summary").textContent, "Matches the documented Error.");
  next = { ...answer(200, undefined), text: "<html>" };
  await send();
  assert.equal($("mc-x-drift").hidden, true);
  next = answer(206, [status()]);  // a status the endpoint does not document
  await send();
  assert.equal($("mc-x-drift").hidden, true);
  next = answer(200, [status({ x: 1 })]);
  await send();
  assert.equal($("mc-x-drift").hidden, false);
  next = new InstanceError("The request did not complete (CORS).");
  await send();
  assert.equal($("mc-x-drift").hidden, true);
  next = answer(200, [status()]);
  await send();
  ui.clearDrift();  // the reader connected to another instance
  assert.equal($("mc-x-drift").hidden, true);
});

test("the answer is checked against the endpoint it was sent for, and not once the instance changed", async () => {
  let release;
  const { $, ui, send } = await panel(() => new Promise((resolve) => { release = resolve; }));
  const sent = send();
  ui.state.endpoint = { ...ENDPOINTS[1], answers: [] };  // another endpoint chosen while waiting
  release(answer(200, [status({ x: 1 })]));
  await sent;
  assert.match($("mc-x-drift-summary").textContent, /documented array of Status: 1 undocumented field/);
  const again = send();
  ui.state.instance = { origin: "https://other.example" };
  release(answer(200, [status()]));
  await again;
  assert.equal($("mc-x-drift").hidden, true);
});
