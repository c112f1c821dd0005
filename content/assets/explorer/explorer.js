// The explorer page: five panels over one state. Nothing that comes from an instance is ever
// inserted as HTML: only textContent and values.

import { view } from "./dom.js";
import { appPanel } from "./panel-app.js";
import { consolePanel, initialEndpoint } from "./panel-console.js";
import { instancePanel } from "./panel-instance.js";
import { responsePanel } from "./panel-response.js";
import { streamPanel } from "./panel-stream.js";
import { takeCallback, tokensPanel } from "./panel-tokens.js";
import { createState } from "./state.js";
import { storage } from "./storage.js";

export function storageNotice(full) {
  return (full ? "This browser's storage for this site is full" : "This browser does not let this site store " +
    "data") + ", so the app, tokens and instance the explorer knows live in this page only and are lost when it " +
    "reloads. Freeing this site's storage in the browser's settings fixes it.";
}

export function mount(root, siteRoot) {
  // The page is its own OAuth callback: take the answer out of the address bar before any
  // request (with the page's no-referrer policy, the code never travels in a Referer).
  const { params, clean } = takeCallback(window.location.href);
  if (clean) window.history.replaceState(window.history.state, "", clean);

  // ui: the page, the state, and the functions panels call across.
  const ui = { ...view(root), state: createState(), siteRoot, params, redirectUri: new URL("explorer/", siteRoot).href };
  const { $, say, state } = ui;
  for (const panel of [instancePanel, appPanel, tokensPanel, consolePanel, responsePanel, streamPanel]) Object.assign(ui, panel(ui));

  // A full or disabled storage is explained once, in words; the values stay in memory.
  storage.onRefused = (full) => {
    $("mc-x-storage").hidden = false;
    say("mc-x-storage", storageNotice(full), "warning");
  };

  // The instance and token steps work at once; the console fills in when the catalog arrives.
  performance.mark("mc-explorer-interactive");  // read by benchmarks/run.py
  (async () => {
    await ui.loadCatalog();
    if (clean) await ui.finishLogin();
    // Also after a refused callback, so that logging in again is one click away.
    if (!state.instance && storage.lastInstance()) {
      $("mc-x-instance-input").value = storage.lastInstance();
      await ui.connect(storage.lastInstance());
    }
    ui.selectEndpoint(initialEndpoint(state.catalog, params.get("endpoint"), state.endpoint?.id));
    root.dataset.ready = "true";
    performance.mark("mc-explorer-ready");  // read by benchmarks/run.py
  })();

  return () => {
    storage.onRefused = () => {};
    ui.abort();
    delete root.dataset.mounted;
  };
}
