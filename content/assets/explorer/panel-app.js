// Step 2: the app.

import { el } from "./dom.js";
import { held } from "./scopes.js";
import { MOVED } from "./state.js";
import { storage } from "./storage.js";
import { compare, parseVersion } from "./versions.js";

const DEFAULT_SCOPES = ["read", "write"];  // profile exists only from Mastodon 4.3

export function scopeBoxes(names, catalogScopes) {
  return names.map((name) => ({ id: `mc-x-scope-${name.replace(/[^a-z0-9]/gi, "-")}`, name,
                                summary: catalogScopes.find((s) => s.name === name)?.summary ?? "",
                                checked: DEFAULT_SCOPES.includes(name), admin: name.startsWith("admin:") }));
}

// {shown, folded, note}: the scopes the server announced (else the top-level ones its version
// has), the catalog's others folded away.
export function scopeGroups(announced, catalogScopes, server) {
  const names = catalogScopes.map((s) => s.name);
  if (announced) {
    return { shown: announced, folded: names.filter((n) => !announced.includes(n)),
             note: "Scopes the server did not announce" };
  }
  const has = (s) => !s.added || !server?.version || compare(server.version, parseVersion(s.added)) >= 0;
  const shown = catalogScopes.filter((s) => !s.name.includes(":") && has(s)).map((s) => s.name);
  return { shown, folded: names.filter((n) => !shown.includes(n)),
           note: "The server announced no scopes: granular, admin and newer ones" };
}

// Unchecked but covered by a checked parent.
export function impliedScopes(chosen, catalogScopes) {
  const implied = held(chosen, catalogScopes);
  for (const scope of chosen) implied.delete(scope);
  return implied;
}

export function appStatus(app) {
  return app ? [`App "${app.name}" registered with scopes: ${app.scopes.join(" ")}.`, "ok"]
    : ["No app registered on this instance yet.", "info"];
}

export function appPanel(ui) {
  const { $, on, say, state } = ui;
  const boxes = () => [...$("mc-x-scope-list").querySelectorAll("input")];
  const chosen = () => boxes().filter((box) => box.checked).map((box) => box.value);

  function updateImplied() {
    const implied = impliedScopes(chosen(), state.catalog.scopes);
    for (const box of boxes()) box.closest("label").classList.toggle("mc-x-implied", implied.has(box.value));
  }

  function renderScopes() {
    const labels = (names) => scopeBoxes(names, state.catalog.scopes).map((box) =>
      el("label", { for: box.id, class: "mc-x-scope", title: box.summary },
         el("input", { type: "checkbox", id: box.id, value: box.name, checked: box.checked }), ` ${box.name}`,
         ...(box.admin ? [" ", el("span", { class: "mc-x-admin", text: "admin", title: "For administrators' accounts only" })] : [])));
    const { shown, folded, note } = scopeGroups(state.info?.scopes_supported, state.catalog.scopes, state.server);
    $("mc-x-scope-list").replaceChildren(...labels(shown), ...(folded.length ? [el("details", {},
      el("summary", { text: `${note} (${folded.length})` }), el("div", { class: "mc-x-scopes" }, ...labels(folded)))] : []));
    updateImplied();
  }

  function renderApp() {
    $("mc-x-app").hidden = !state.instance;
    $("mc-x-forget").hidden = !state.app;
    say("mc-x-app-status", ...appStatus(state.app));
  }

  async function register() {
    const scopes = chosen();
    if (!scopes.length) return say("mc-x-app-status", "Choose at least one scope.", "error");
    say("mc-x-app-status", "Registering…");
    const { instance } = state;
    try {
      const app = await instance.registerApp("Mastodon API reference explorer", ui.redirectUri, scopes,
                                             new URL(ui.siteRoot).href);
      if (state.instance !== instance) return say("mc-x-app-status", MOVED, "error");
      state.app = app;
      storage.setApp(instance.origin, app);
      renderApp();
    } catch (error) {
      say("mc-x-app-status", error.message, "error");
    }
  }

  function forget() {
    storage.setApp(state.instance.origin, null);
    Object.assign(state, { app: null, tokens: {} });
    renderApp();
    ui.saveTokens();
  }

  on("mc-x-scope-list", "change", updateImplied);
  on("mc-x-register", "click", register);
  on("mc-x-forget", "click", forget);
  return { renderScopes, renderApp };
}
