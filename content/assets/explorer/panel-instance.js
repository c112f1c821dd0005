// Step 1: the instance.

import { Instance } from "./api.js";
import { storage } from "./storage.js";
import { normaliseInstance } from "./urls.js";
import { serverVersion } from "./versions.js";

export function instanceFields(info) {
  return {
    title: info.title,
    version: info.version + (info.api_level == null ? "" : ` (API level ${info.api_level})`),
    source: info.source === "metadata document" ? "RFC 8414 metadata document"
      : "no metadata document (404): Mastodon's fixed paths",
    scopes: info.scopes_supported ? info.scopes_supported.join(" ") : "not announced by the server",
  };
}

export function instancePanel(ui) {
  const { $, on, say, state } = ui;

  let attempts = 0;

  async function connect(input) {
    const attempt = ++attempts;  // only the newest connect may take over the state
    let instance, info;
    try {
      instance = new Instance(normaliseInstance(input));
      say("mc-x-instance-status", `Connecting to ${instance.origin}…`);
      info = await instance.discover();
    } catch (error) {
      return attempt === attempts && say("mc-x-instance-status", error.message, "error");
    }
    if (attempt !== attempts) return;
    const { origin } = instance;
    Object.assign(state, { instance, info, server: serverVersion(info.version, info.api_level) });
    ui.clearDrift();  // a report on another instance's answer
    storage.setLastInstance(origin);
    $("mc-x-instance-input").value = origin;  // also back from a login
    const list = $("mc-x-instance-info");
    list.hidden = false;
    for (const [field, text] of Object.entries(instanceFields(info))) {
      list.querySelector(`[data-field="${field}"]`).textContent = text;
    }
    say("mc-x-instance-status", `Connected to ${info.title} (${origin}).`, "ok");
    Object.assign(state, { app: storage.app(origin), tokens: storage.tokens(origin) });
    ui.renderScopes();
    ui.renderApp();
    ui.renderTokens();
    ui.renderChoice();
    ui.renderStream();
  }

  on("mc-x-instance-form", "submit", (event) => {
    event.preventDefault();
    connect($("mc-x-instance-input").value);
  });
  return { connect };
}
