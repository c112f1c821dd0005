// The response to a request.

import { InstanceError } from "./api.js";
import { el } from "./dom.js";
import { driftReport } from "./drift.js";
import { explainStatus } from "./explain.js";
import { MOVED, tokenFor } from "./state.js";
import { onInstance } from "./urls.js";

const BODY_LIMIT = 200000;

// RFC 8288 Link headers, as Mastodon sends them for pagination; tolerant of malformed input.
export function parseLinkHeader(value) {
  const links = {};
  if (typeof value !== "string") return links;
  for (const part of value.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*((?:;[^;]*)*)$/.exec(part);
    if (!match) continue;
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2]);
    if (!rel) continue;
    for (const name of rel[1].trim().split(/\s+/)) {
      if (!(name.toLowerCase() in links)) links[name.toLowerCase()] = match[1];
    }
  }
  return links;
}

export function responseView(answer, method, choice, permission, origin) {
  const header = (name) => answer.headers.get(name);
  const reset = header("X-RateLimit-Reset");
  const body = answer.json !== undefined ? JSON.stringify(answer.json, null, 2) : answer.text;
  const links = parseLinkHeader(header("Link"));
  return {
    status: [`${answer.status} · ${answer.ms} ms · ${method} ${answer.url}`, answer.ok ? "ok" : "error"],
    explanation: explainStatus(answer.status, answer.json ?? answer.text, {
      sent: choice.token, choice, retryAfter: reset, wwwAuthenticate: header("WWW-Authenticate"), permission }),
    rate: header("X-RateLimit-Limit") ? `Rate limit: ${header("X-RateLimit-Remaining")} of ` +
      `${header("X-RateLimit-Limit")} left, resets ${reset}.` : "",
    headers: [...answer.headers].map(([k, v]) => `${k}: ${v}`).join("\n"),
    body: body.length > BODY_LIMIT ? body.slice(0, BODY_LIMIT) + `\n… (${body.length - BODY_LIMIT} more characters ` +
      "not shown)" : body,
    // Only pages on the same instance: the token must not follow a link elsewhere.
    pages: { prev: onInstance(links.prev, origin), next: onInstance(links.next, origin) },
  };
}

export function responsePanel(ui) {
  const { $, on, say, state } = ui;

  // Cleared by a new request, a failure, another instance.
  function clearDrift() {
    $("mc-x-drift").hidden = $("mc-x-drift-text").hidden = true;
  }

  // Links made from catalog.json only; the rest is text.
  function renderDrift(drift) {
    if (!drift) return;
    const link = (name) => name && el("a", { href: new URL(state.catalog.entities[name].url, ui.siteRoot).href, text: name });
    const items = drift.findings.map((f) => el("li", {}, `${f.path}: ${f.text}`, link(f.entity), f.tail));
    if (drift.more) items.push(el("li", { text: `… and ${drift.more} more` }));
    $("mc-x-drift").hidden = false;
    $("mc-x-drift-list").replaceChildren(...items);
    $("mc-x-drift-list").hidden = !items.length;
    say("mc-x-drift-summary", drift.summary, items.length ? "warning" : "ok");
    say("mc-x-drift-copied", "");
    $("mc-x-drift-text").textContent = drift.text;
  }

  async function copyDrift() {
    try {
      await navigator.clipboard.writeText($("mc-x-drift-text").textContent);
      say("mc-x-drift-copied", "Copied.", "ok");
    } catch {
      $("mc-x-drift-text").hidden = false;  // to copy by hand
      say("mc-x-drift-copied", "Copying was refused: the report is below.", "warning");
    }
  }

  async function perform(method, url, init, choice) {
    const { endpoint } = state;
    clearDrift();
    $("mc-x-response").hidden = false;
    say("mc-x-status-line", `${method} ${url} …`);
    const { instance } = state;
    let answer;
    try {
      answer = await instance.call(method, url, tokenFor(state, choice), init);
    } catch (error) {
      answer = { failed: error };
    }
    if (state.instance !== instance) return say("mc-x-status-line", MOVED, "error");
    if (answer.failed) {
      say("mc-x-status-line", answer.failed instanceof InstanceError ? answer.failed.message : String(answer.failed), "error");
      for (const id of ["explanation", "rate", "headers", "body"]) $(`mc-x-${id}`).textContent = "";
      $("mc-x-pages").hidden = true;
      return;
    }
    const shown = responseView(answer, method, choice, state.endpoint.permission?.name, instance.origin);
    say("mc-x-status-line", ...shown.status);
    for (const id of ["explanation", "rate", "headers", "body"]) $(`mc-x-${id}`).textContent = shown[id];
    state.pages = shown.pages;
    for (const rel of ["prev", "next"]) $(`mc-x-${rel}`).hidden = !state.pages[rel];
    $("mc-x-pages").hidden = !state.pages.prev && !state.pages.next;
    renderDrift(driftReport(answer, endpoint, state.catalog, state.info?.version, instance.origin));
  }

  const page = (rel) => state.pages[rel] && state.last && perform("GET", state.pages[rel], {}, state.last.choice);
  on("mc-x-prev", "click", () => page("prev"));
  on("mc-x-next", "click", () => page("next"));
  on("mc-x-drift-copy", "click", copyDrift);
  return { perform, clearDrift };
}
