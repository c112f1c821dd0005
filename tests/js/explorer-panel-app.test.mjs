// Step 2 of the explorer, the app panel: the scope picker, registering, forgetting.
import assert from "node:assert/strict";
import { test } from "node:test";

import { appPanel, appStatus, impliedScopes, scopeBoxes, scopeGroups } from "../../content/assets/explorer/panel-app.js";
import { CATALOG, fakeUi, installPage, SCOPES } from "./fake-page.mjs";

const ORIGIN = "https://instance.example";

async function panel() {
  const root = installPage();
  const ui = await fakeUi(root);
  Object.assign(ui, appPanel(ui));
  ui.state.catalog = CATALOG;
  return { root, ui, boxes: () => root.querySelector("#mc-x-scope-list").querySelectorAll("input") };
}

test("one checkbox per scope, read and write checked, with the catalog's summary as its title", () => {
  const boxes = scopeBoxes(["read", "write:statuses", "write", "admin:read:accounts"], SCOPES);
  assert.deepEqual(boxes.map((b) => [b.id, b.checked]), [["mc-x-scope-read", true], ["mc-x-scope-write-statuses", false],
                                                         ["mc-x-scope-write", true],
                                                         ["mc-x-scope-admin-read-accounts", false]]);
  assert.equal(boxes[0].summary, "Read everything");
  assert.equal(boxes[3].summary, "", "a scope the catalog does not know has no summary");
});

test("the scopes a server announced are offered, the rest folded; with none announced, the top-level ones of its version", () => {
  const catalog = [{ name: "profile", added: "4.3.0" }, { name: "read", added: "0.9.0" }, { name: "read:statuses", added: "2.4.3" },
                   { name: "write", added: "0.9.0" }, { name: "admin:read", added: "2.9.1" }];
  const announced = scopeGroups(["read", "write", "push"], catalog, null);
  assert.deepEqual(announced.shown, ["read", "write", "push"]);
  assert.deepEqual(announced.folded, ["profile", "read:statuses", "admin:read"]);
  const old = scopeGroups(null, catalog, { version: [4, 2, 10] });
  assert.deepEqual(old.shown, ["read", "write"]);  // no profile before 4.3.0, no granular or admin ones unfolded
  assert.deepEqual(old.folded, ["profile", "read:statuses", "admin:read"]);
  assert.match(old.note, /announced no scopes/);
  assert.deepEqual(scopeGroups(null, catalog, { version: null }).shown, ["profile", "read", "write"]);
  assert.equal(scopeBoxes(["admin:read", "read"], catalog).map((b) => b.admin).join(), "true,false");
});

test("a scope covered by a checked parent is implied; a checked one is not", () => {
  assert.deepEqual([...impliedScopes(["read"], SCOPES)].sort(), ["read:accounts", "read:statuses"]);
  assert.deepEqual([...impliedScopes(["read", "read:accounts"], SCOPES)], ["read:statuses"]);
  assert.deepEqual([...impliedScopes(["profile"], SCOPES)], []);
  assert.deepEqual([...impliedScopes([], SCOPES)], []);
});

test("the status line names the app and its scopes, or says there is none", () => {
  assert.deepEqual(appStatus({ name: "Mastodon API reference explorer", scopes: ["read", "write"] }),
                   ['App "Mastodon API reference explorer" registered with scopes: read write.', "ok"]);
  assert.deepEqual(appStatus(null), ["No app registered on this instance yet.", "info"]);
});

test("the picker marks implied scopes as boxes change", async () => {
  const { root, ui, boxes } = await panel();
  ui.state.info = { scopes_supported: ["read", "read:accounts", "write", "write:statuses"] };
  ui.renderScopes();
  const implied = () => boxes().filter((b) => b.closest("label").classList.contains("mc-x-implied")).map((b) => b.value);
  assert.deepEqual(boxes().map((b) => [b.value, b.checked]),
                   [["read", true], ["read:accounts", false], ["write", true], ["write:statuses", false],
                    ["read:statuses", false], ["profile", false]]);  // the last two folded: not announced
  assert.equal(boxes()[4].closest("details").tagName, "DETAILS");
  assert.deepEqual(implied(), ["read:accounts", "write:statuses", "read:statuses"]);
  boxes()[2].checked = false;
  await root.querySelector("#mc-x-scope-list").fire("change");
  assert.deepEqual(implied(), ["read:accounts", "read:statuses"]);
  assert.equal(boxes()[0].closest("label").text(), " read");
});

test("registering needs a scope, then keeps the app for this instance", async () => {
  const { root, ui, boxes } = await panel();
  const registered = [];
  ui.state.instance = { origin: ORIGIN, async registerApp(...args) {
    registered.push(args);
    return { name: args[0], client_id: "id", client_secret: "secret", scopes: args[2] };
  } };
  ui.renderScopes();
  for (const box of boxes()) box.checked = false;
  await root.querySelector("#mc-x-register").fire("click");
  assert.deepEqual([root.querySelector("#mc-x-app-status").textContent, registered.length],
                   ["Choose at least one scope.", 0]);
  boxes()[0].checked = true;
  await root.querySelector("#mc-x-register").fire("click");
  assert.deepEqual(registered, [["Mastodon API reference explorer", "https://docs.example/explorer/", ["read"],
                                 "https://docs.example/"]]);
  assert.equal(JSON.parse(localStorage.getItem("mc-explorer:apps"))[ORIGIN].client_id, "id");
  assert.equal(root.querySelector("#mc-x-app-status").textContent,
               'App "Mastodon API reference explorer" registered with scopes: read.');
  assert.equal(root.querySelector("#mc-x-forget").hidden, false);
});

test("a failed registration says why and keeps nothing", async () => {
  const { root, ui } = await panel();
  ui.state.instance = { origin: ORIGIN, registerApp: async () => { throw new Error("Registering the app failed."); } };
  ui.renderScopes();
  await root.querySelector("#mc-x-register").fire("click");
  assert.equal(root.querySelector("#mc-x-app-status").dataset.kind, "error");
  assert.equal(ui.state.app, null);
  assert.equal(localStorage.getItem("mc-explorer:apps"), null);
});

test("forgetting the app drops it and its tokens, for this instance only", async () => {
  const { root, ui } = await panel();
  localStorage.setItem("mc-explorer:apps", JSON.stringify({ [ORIGIN]: { name: "A" }, "https://b.example": { name: "B" } }));
  Object.assign(ui.state, { instance: { origin: ORIGIN }, app: { name: "A", scopes: [] }, tokens: { app: { token: "t" } } });
  await root.querySelector("#mc-x-forget").fire("click");
  assert.deepEqual(JSON.parse(localStorage.getItem("mc-explorer:apps")), { "https://b.example": { name: "B" } });
  assert.deepEqual([ui.state.app, ui.state.tokens], [null, {}]);
  assert.deepEqual(ui.calls, [["saveTokens"]]);  // which stores the empty set and renders tokens and choice
  assert.equal(root.querySelector("#mc-x-app-status").textContent, "No app registered on this instance yet.");
  assert.equal(root.querySelector("#mc-x-forget").hidden, true);
});

test("a registration answered after connecting elsewhere is not kept for the new instance", async () => {
  const { root, ui } = await panel();
  ui.state.instance = { origin: ORIGIN, async registerApp(...args) {
    ui.state.instance = { origin: "https://other.example" };  // the reader connected elsewhere meanwhile
    return { name: args[0], client_id: "id", client_secret: "secret", scopes: args[2] };
  } };
  ui.renderScopes();
  await root.querySelector("#mc-x-register").fire("click");
  assert.equal(ui.state.app ?? null, null);
  assert.equal(localStorage.getItem("mc-explorer:apps"), null);
  assert.match(root.querySelector("#mc-x-app-status").textContent, /^The instance was changed while this was under way/);
});
