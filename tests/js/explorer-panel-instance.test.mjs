// Step 1 of the explorer, the instance panel: what it shows for a server, and connecting.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { instanceFields, instancePanel } from "../../content/assets/explorer/panel-instance.js";
import { fakeUi, installPage, until } from "./fake-page.mjs";

const ORIGIN = "https://instance.example";
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

// A server that answers these paths with JSON, 404 elsewhere; every URL asked is kept.
function serve(routes) {
  const asked = [];
  globalThis.fetch = async (url) => {
    asked.push(url);
    const body = routes[new URL(url).pathname];
    return body === undefined ? new Response("no", { status: 404 })
      : new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  };
  return asked;
}

test("the description list names the discovery and the scopes, or says they are not announced", () => {
  assert.deepEqual(instanceFields({ title: "Example", version: "4.3.0", source: "metadata document",
                                    scopes_supported: ["read", "write"] }),
                   { title: "Example", version: "4.3.0", source: "RFC 8414 metadata document", scopes: "read write" });
  const legacy = instanceFields({ title: "Old", version: "3.5.0", source: "fixed paths", scopes_supported: null });
  assert.equal(legacy.source, "no metadata document (404): Mastodon's fixed paths");
  assert.equal(legacy.scopes, "not announced by the server");
});

test("an address that cannot be an instance is refused before any request", async () => {
  const root = installPage();
  const ui = await fakeUi(root);
  Object.assign(ui, instancePanel(ui));
  const asked = serve({});
  for (const [typed, said] of [["", /Type an instance/], ["http://example.org", /Plain http is only allowed/],
                               ["not a server", /not a domain name or a URL/]]) {
    await ui.connect(typed);
    assert.match(root.querySelector("#mc-x-instance-status").textContent, said);
    assert.equal(root.querySelector("#mc-x-instance-status").dataset.kind, "error");
  }
  assert.deepEqual(asked, []);
  assert.equal(ui.state.instance, null);
});

test("connecting fills the state from the server and this origin's storage, then every panel renders", async () => {
  const root = installPage();
  localStorage.setItem("mc-explorer:apps", JSON.stringify({ [ORIGIN]: { name: "A", client_id: "c", scopes: ["read"] },
                                                            "https://other.example": { name: "B" } }));
  sessionStorage.setItem(`mc-explorer:tokens:${ORIGIN}`, JSON.stringify({ app: { token: "t", scopes: ["read"] } }));
  const ui = await fakeUi(root);
  Object.assign(ui, instancePanel(ui));
  root.querySelector("#mc-x-instance-input").value = " instance.example ";
  const asked = serve({ "/.well-known/oauth-authorization-server": { scopes_supported: ["read", "write"] },
                        "/api/v2/instance": { title: "Example <b>Social</b>", version: "4.3.0" } });
  await root.querySelector("#mc-x-instance-form").fire("submit");
  await until(() => ui.calls.length === 6, "the panels to render");
  assert.ok(asked.every((url) => url.startsWith(ORIGIN + "/")), asked.join(" "));
  assert.equal(ui.state.instance.origin, ORIGIN);
  assert.equal(ui.state.app.name, "A");
  assert.deepEqual(ui.state.tokens, { app: { token: "t", scopes: ["read"] } });
  assert.equal(localStorage.getItem("mc-explorer:instance"), JSON.stringify(ORIGIN));
  const info = root.querySelector("#mc-x-instance-info");
  assert.equal(info.hidden, false);
  assert.equal(info.querySelector('[data-field="title"]').textContent, "Example <b>Social</b>");  // as text
  assert.equal(info.querySelector('[data-field="scopes"]').textContent, "read write");
  assert.equal(root.querySelector("#mc-x-instance-status").textContent, `Connected to Example <b>Social</b> (${ORIGIN}).`);
  // The drift report on the previous instance's answer goes first.
  assert.deepEqual(ui.calls.map(([name]) => name), ["clearDrift", "renderScopes", "renderApp", "renderTokens",
                                                    "renderChoice", "renderStream"]);
});

test("a server that is not Mastodon leaves the previous instance in place", async () => {
  const root = installPage();
  const ui = await fakeUi(root);
  Object.assign(ui, instancePanel(ui));
  const before = { origin: "https://kept.example" };
  ui.state.instance = before;
  serve({});
  await ui.connect("instance.example");
  assert.match(root.querySelector("#mc-x-instance-status").textContent, /does not look like a Mastodon-compatible/);
  assert.equal(ui.state.instance, before);
  assert.deepEqual(ui.calls, []);
});
