// Just enough of a page for the explorer's panels to run in Node: elements found by id (made on
// first use, as the template would have them), the few properties and methods the panels use,
// listeners that honour AbortSignal, and Map-backed Web Storage. Not a test file itself.

export class FakeElement {
  constructor(tag = "div") {
    this.tagName = tag.toUpperCase();
    Object.assign(this, { attributes: {}, children: [], dataset: {}, hidden: false, value: "", checked: false,
                          textContent: "", className: "", parent: null, listeners: [], found: {} });
    this.classes = new Set();
  }

  get classList() {
    return { toggle: (name, on) => (on ? this.classes.add(name) : this.classes.delete(name)),
             contains: (name) => this.classes.has(name) };
  }

  setAttribute(key, value) {
    this.attributes[key] = String(value);
    if (key === "checked") this.checked = true;
    else if (["id", "name", "type", "value", "placeholder"].includes(key)) this[key] = String(value);
  }

  append(...nodes) {
    for (const node of nodes) {
      if (typeof node === "object") node.parent = this;
      this.children.push(node);
    }
  }

  replaceChildren(...nodes) {
    this.children = [];
    this.append(...nodes);
  }

  descendants() {
    return this.children.filter((c) => typeof c === "object").flatMap((c) => [c, ...c.descendants()]);
  }

  // The text the element shows: its own textContent, or its children's.
  text() {
    return this.textContent || this.children.map((c) => (typeof c === "object" ? c.text() : c)).join("");
  }

  get options() {
    return this.descendants().filter((n) => n.tagName === "OPTION");
  }

  // Tag names ("input, select, textarea") search the children; anything else ([data-field=...])
  // is a fixed child of the template, made on first use.
  querySelectorAll(selector) {
    const tags = selector.split(",").map((s) => s.trim().toUpperCase());
    return this.descendants().filter((n) => tags.includes(n.tagName));
  }

  scrollIntoView(options) {
    this.scrolled = options;
  }

  querySelector(selector) {
    this.found[selector] ??= new FakeElement();
    return this.found[selector];
  }

  closest(tag) {
    let node = this;
    while (node && node.tagName !== tag.toUpperCase()) node = node.parent;
    return node;
  }

  addEventListener(type, handler, options = {}) {
    this.listeners.push({ type, handler, signal: options.signal });
  }

  // Dispatches to the live listeners; resolves when their (async) handlers have finished.
  async fire(type, props = {}) {
    const event = { type, target: this, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; },
                    ...props };
    const live = this.listeners.filter((l) => l.type === type && !l.signal?.aborted);
    await Promise.all(live.map((l) => l.handler(event)));
    return live.length;
  }
}

// The explorer's root element: querySelector("#id") gives the same element every time.
export class FakeRoot extends FakeElement {
  constructor() {
    super("div");
    this.byId = new Map();
  }

  querySelector(selector) {
    const id = selector.replace(/^#/, "");
    if (!this.byId.has(id)) {
      const node = new FakeElement(id === "mc-x-endpoints" || id === "mc-x-encoding" ? "select" : "div");
      if (id === "mc-x-encoding") node.value = "json";
      this.byId.set(id, node);
    }
    return this.byId.get(id);
  }
}

export function fakeStorage() {
  const items = new Map();
  return { items, getItem: (key) => (items.has(key) ? items.get(key) : null),
           setItem: (key, value) => items.set(key, String(value)), removeItem: (key) => items.delete(key) };
}

// A fresh document and storages on globalThis, for the panels' el() and storage.js.
export function installPage() {
  globalThis.document = { createElement: (tag) => new FakeElement(tag) };
  globalThis.localStorage = fakeStorage();
  globalThis.sessionStorage = fakeStorage();
  return new FakeRoot();
}

// The ui the panels share (see explorer.js), over a fake root. calls records the cross-panel
// functions other panels would provide, unless a test passes its own.
export async function fakeUi(root, extra = {}) {
  const { view } = await import("../../content/assets/explorer/dom.js");
  const { createState } = await import("../../content/assets/explorer/state.js");
  const calls = [];
  const record = (name) => (...args) => { calls.push([name, ...args]); };
  const ui = { ...view(root), state: createState(), siteRoot: "https://docs.example/", params: new URLSearchParams(),
               redirectUri: "https://docs.example/explorer/", calls };
  for (const name of ["connect", "renderScopes", "renderApp", "renderTokens", "saveTokens", "renderChoice",
                      "finishLogin", "perform", "selectEndpoint", "clearDrift", "renderStream"]) {
    ui[name] = record(name);
  }
  return Object.assign(ui, extra);
}

// The catalog's scope hierarchy and a few endpoints of each OAuth kind, as catalog.json has them.
export const SCOPES = [
  { name: "read", grants: ["read:accounts", "read:statuses"], summary: "Read everything" },
  { name: "read:accounts", grants: [] },
  { name: "read:statuses", grants: [] },
  { name: "write", grants: ["write:statuses"] },
  { name: "write:statuses", grants: [] },
  { name: "profile", grants: [] },
];

export const ENDPOINTS = [
  { id: "timelines/public", method: "GET", path: "/api/v1/timelines/public", title: "View public timeline",
    url: "methods/timelines/#public", oauth: [{ token: "public", scopes: [] }, { token: "user", scopes: ["read:statuses"] }],
    params: [{ name: "limit", in: "query", type: "integer", default: 20, description: "At most this many." }] },
  { id: "statuses/create", method: "POST", path: "/api/v1/statuses", title: "Post a new status",
    url: "methods/statuses/#create", oauth: [{ token: "user", scopes: ["write:statuses"] }],
    params: [{ name: "status", in: "form", type: "string", required: true, description: "The text." },
             { name: "Authorization", in: "header", type: "string", description: "Bearer token." }] },
  { id: "apps/verify_credentials", method: "GET", path: "/api/v1/apps/verify_credentials", title: "Verify your app",
    url: "methods/apps/#verify_credentials", oauth: [{ token: "app", scopes: [] }], params: [] },
];

export const CATALOG = { scopes: SCOPES, endpoints: ENDPOINTS };

// An answer as Instance.fetch gives it.
export function answer(status, json, headers = {}) {
  return { status, ok: status >= 200 && status < 300, json, text: JSON.stringify(json), ms: 12,
           headers: new Headers(headers), url: "https://instance.example/api/v1/x" };
}

// Waits for what a handler that was not awaited (a submit that starts a request) leads to.
export async function until(condition, what = "the condition") {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}
