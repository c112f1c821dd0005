// The whole explorer mounted on a fake page: the panels wired together, the callback taken out
// of the address bar before any request, and unmounting that leaves no listener behind.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { mount } from "../../content/assets/explorer/explorer.js";
import { storage } from "../../content/assets/explorer/storage.js";
import { CATALOG, installPage, until } from "./fake-page.mjs";

const SITE = "https://docs.example/";
const ORIGIN = "https://instance.example";
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
  delete globalThis.window;
});

// A browser tab at href: every fetch is recorded with the address the tab had at that moment.
function tab(href) {
  const fetched = [];
  const replaced = [];
  globalThis.window = { location: { href, assign() { throw new Error("left the page"); } },
                        history: { state: null, replaceState(state, title, url) {
                          replaced.push(url);
                          globalThis.window.location.href = url;
                        } } };
  globalThis.fetch = async (url, init = {}) => {
    fetched.push({ url: String(url), from: globalThis.window.location.href, init });
    const path = new URL(url).pathname;
    const json = { "/catalog.json": CATALOG, "/.well-known/oauth-authorization-server": {},
                   "/api/v2/instance": { title: "Instance", version: "4.3.0" } }[path];
    return json ? new Response(JSON.stringify(json)) : new Response("no", { status: 404 });
  };
  return { fetched, replaced };
}

test("a forged callback: the address is cleaned first, nothing is exchanged, the Try it endpoint opens", async () => {
  const root = installPage();
  localStorage.setItem("mc-explorer:instance", JSON.stringify(ORIGIN));
  sessionStorage.setItem("mc-explorer:pending", JSON.stringify({ state: "mine", verifier: "v", origin: ORIGIN,
                                                                 created: Date.now() }));
  const { fetched, replaced } = tab(`${SITE}explorer/?endpoint=statuses%2Fcreate&code=stolen&state=forged`);
  const unmount = mount(root, new URL(SITE));
  assert.deepEqual(replaced, [`${SITE}explorer/?endpoint=statuses%2Fcreate`], "before mount returns");
  await until(() => root.dataset.ready === "true", "the explorer to be ready");
  assert.ok(fetched.length >= 3);
  assert.deepEqual(fetched.filter((f) => /code=|state=/.test(f.from)), []);
  assert.deepEqual(fetched.filter((f) => f.url.endsWith("/oauth/token")), []);
  assert.match(root.querySelector("#mc-x-notice").textContent, /^Refused an authorization answer whose state/);
  assert.equal(root.querySelector("#mc-x-notice").hidden, false, "said where the reader sees it");
  assert.equal(sessionStorage.getItem("mc-explorer:pending"), null);
  // Then connected to the last instance, so that logging in again is one click away.
  assert.equal(root.querySelector("#mc-x-instance-input").value, ORIGIN);
  assert.equal(root.querySelector("#mc-x-instance-status").textContent, `Connected to Instance (${ORIGIN}).`);
  assert.equal(root.querySelector("#mc-x-endpoints").value, "statuses/create");
  assert.equal(root.querySelector("#mc-x-app").hidden, false);
  assert.equal(root.querySelector("#mc-x-tokens").hidden, false);
  // Every request but the catalog's went to the instance, and none carried the site's cookies.
  for (const { url, init } of fetched.slice(1)) {
    assert.ok(url.startsWith(ORIGIN + "/"), url);
    assert.deepEqual([init.credentials, init.redirect], ["omit", "manual"]);
  }
  unmount();
});

test("without a callback the address is left alone and the first endpoint opens", async () => {
  const root = installPage();
  const { replaced } = tab(`${SITE}explorer/`);
  const unmount = mount(root, new URL(SITE));
  await until(() => root.dataset.ready === "true", "the explorer to be ready");
  assert.deepEqual(replaced, []);
  assert.equal(root.querySelector("#mc-x-endpoints").value, "timelines/public");
  assert.equal(root.querySelector("#mc-x-auth-choice").textContent, 'Sends no token: meets "Public".');
  unmount();
});

test("refused storage is explained on the page; unmounting removes every listener", async () => {
  const root = installPage();
  tab(`${SITE}explorer/`);
  localStorage.setItem = () => { throw Object.assign(new Error("quota"), { name: "QuotaExceededError" }); };
  root.dataset.mounted = "true";
  const unmount = mount(root, new URL(SITE));
  await until(() => root.dataset.ready === "true", "the explorer to be ready");
  root.querySelector("#mc-x-instance-input").value = "instance.example";
  await root.querySelector("#mc-x-instance-form").fire("submit");
  await until(() => /Connected/.test(root.querySelector("#mc-x-instance-status").textContent), "connecting");
  const notice = root.querySelector("#mc-x-storage");
  assert.equal(notice.hidden, false);
  assert.match(notice.textContent, /^This browser's storage for this site is full/);
  unmount();
  assert.equal(root.dataset.mounted, undefined);
  for (const id of ["mc-x-instance-form", "mc-x-register", "mc-x-login", "mc-x-request", "mc-x-next"]) {
    assert.equal(await root.querySelector(`#${id}`).fire(id.endsWith("form") || id === "mc-x-request" ? "submit" : "click"),
                 0, id);
  }
  notice.hidden = true;
  storage.setLastInstance(ORIGIN);
  assert.equal(notice.hidden, true, "a page that is gone is not told");
});
