// Step 4: the request.

import { el } from "./dom.js";
import { buildRequest, RequestError, toCurl } from "./request.js";
import { describeAlternative } from "./scopes.js";
import { currentChoice, tokenFor } from "./state.js";
import { addedText, tooOld, versionNote } from "./versions.js";

export function matches(text, search) {
  return search.toLowerCase().split(/\s+/).filter(Boolean).every((w) => text.toLowerCase().includes(w));
}

// A parameter's form field, or null (the Authorization header is the token's business).
export function field(param) {
  if (param.name.toLowerCase() === "authorization") return null;
  const attrs = { id: `mc-x-param-${param.in}-${param.name.replace(/[^a-z0-9]/gi, "-")}`, name: param.name };
  if (param.enum?.length || param.type === "boolean") {
    return { tag: "select", attrs, values: (param.enum?.length ? param.enum : ["true", "false"]).map(String) };
  }
  if (param.type === "file" || param.items === "file") return { tag: "input", attrs: { ...attrs, type: "file" } };
  if (param.type === "array" || param.name.endsWith("[]")) {
    return { tag: "textarea", attrs: { ...attrs, rows: "2", placeholder: "one value per line" } };
  }
  return { tag: "input", attrs: { ...attrs, type: "text",
                                  placeholder: param.default !== undefined ? String(param.default) : "" } };
}

export function choiceText(choice) {
  if (!choice) return ["Choose an endpoint.", "info"];
  const alternative = `"${describeAlternative(choice.alternative)}"`;
  if (choice.met) {
    const caveat = choice.unknown ? " (a pasted token: its scopes are not known, so they are not checked)" : "";
    return [`Sends ${choice.token ? `the ${choice.token} token` : "no token"}: meets ${alternative}${caveat}.`, "ok"];
  }
  if (!choice.token) {
    return [`This endpoint needs ${choice.alternative.token === "app" ? "an app token: get one" : "a user token: log in"} first (step 3).`,
            "warning"];
  }
  return [`No alternative is satisfied by your tokens. Closest: ${alternative}.` +
          (choice.missing.length ? ` Missing: ${choice.missing.join(", ")}.` : ""), "warning"];
}

// With no alternative met, or a server too old or too new for the endpoint, the first Send
// only asks to confirm ("Send anyway").
export function sendStep(state, confirmed) {
  if (!state.instance) return { error: "Connect to an instance first (step 1)." };
  if (!state.endpoint) return {};
  const choice = currentChoice(state);
  return (choice.met && !versionNote(state.endpoint, state.server)) || confirmed ? { choice } : { confirm: true };
}

// The pages' badges, as [class suffix, text].
export function badges(endpoint) {
  return [["added", addedText(endpoint.added)], endpoint.deprecated && ["deprecated", `Deprecated in ${endpoint.deprecated}`],
          endpoint.removed && ["removed", `Removed in ${endpoint.removed}`]].filter(Boolean);
}

// The endpoint list's label, marked when the connected server is too old for it or removed it.
export function optionText(endpoint, server) {
  const mark = { removed: " (removed on this server)", newer: " (newer than this server)" }[versionNote(endpoint, server)?.why];
  return `${endpoint.method} ${endpoint.path} · ${endpoint.title}${mark ?? ""}`;
}

export function curlText(state, values, encoding, reveal) {
  try {
    const request = buildRequest(state.endpoint, values, state.instance.origin, encoding);
    return toCurl(request, tokenFor(state, currentChoice(state)), reveal);
  } catch (error) {
    return error.message;
  }
}

// A "Try it" link's endpoint, else the one chosen, else the first.
export function initialEndpoint(catalog, wanted, current) {
  return wanted && catalog.endpoints.some((e) => e.id === wanted) ? wanted : current ?? catalog.endpoints[0]?.id;
}

export function consolePanel(ui) {
  const { $, on, say, state } = ui;

  async function loadCatalog() {
    const response = await fetch(new URL("catalog.json", ui.siteRoot), { credentials: "same-origin" });
    state.catalog = await response.json();
    $("mc-x-endpoints").append(...state.catalog.endpoints.map((e) =>
      el("option", { value: e.id, text: optionText(e, null) })));
  }

  function selectEndpoint(id) {
    const endpoint = state.catalog.endpoints.find((e) => e.id === id);
    if (!endpoint) return;
    state.endpoint = endpoint;
    $("mc-x-endpoints").value = id;
    $("mc-x-endpoint-title").textContent = `${endpoint.method} ${endpoint.path}`;
    const docs = $("mc-x-endpoint-docs");
    docs.href = new URL(endpoint.url, ui.siteRoot).href;
    docs.textContent = `${endpoint.title}: documentation`;
    $("mc-x-endpoint-badges").replaceChildren(...badges(endpoint).map(([kind, text]) =>
      el("span", { class: `mc-badge mc-badge--${kind}`, text })));
    $("mc-x-fields").replaceChildren();
    for (const param of endpoint.params) {
      const spec = field(param);
      if (!spec) continue;
      const input = el(spec.tag, spec.attrs, ...(spec.values ? [el("option", { value: "", text: "(not sent)" }),
        ...spec.values.map((v) => el("option", { value: v, text: v }))] : []));
      input.dataset.in = param.in;
      const hint = ` ${param.in}, ${param.type}${param.required ? ", required" : ""}`;
      $("mc-x-fields").append(el("div", { class: "mc-x-field" }, el("label", { for: spec.attrs.id },
        el("code", { text: param.name }), hint), input, el("small", { text: param.description })));
    }
    $("mc-x-encoding-row").hidden = !endpoint.params.some((p) => p.in === "form");
    renderChoice();
    $("mc-x-response").hidden = $("mc-x-curl").hidden = true;  // nothing of the previous endpoint stays
    $("mc-x-curl").textContent = "";
  }

  function formValues() {
    const values = {};
    for (const input of $("mc-x-fields").querySelectorAll("input, select, textarea")) {
      values[input.name] = input.type === "file" ? input.files[0] ?? "" : input.value;
    }
    return values;
  }

  let markedFor;  // the server the endpoint list was last marked for

  function renderChoice() {
    if (state.catalog && markedFor !== state.server) {
      markedFor = state.server;
      const byId = new Map(state.catalog.endpoints.map((e) => [e.id, e]));
      for (const option of $("mc-x-endpoints").options) option.textContent = optionText(byId.get(option.value), state.server);
    }
    if (state.endpoint) {
      $("mc-x-endpoint-oauth").textContent = "Accepts: " + state.endpoint.oauth.map((a) =>
        describeAlternative(a, tooOld(a, state.server))).join(" or ");
      const note = versionNote(state.endpoint, state.server);
      $("mc-x-version-note").hidden = !note;
      if (note) say("mc-x-version-note", note.text, "warning");
    }
    const button = $("mc-x-send");
    button.textContent = "Send";
    button.dataset.confirm = "";
    const choice = state.endpoint && currentChoice(state);
    if (choice) $("mc-x-auth-choice").dataset.met = String(choice.met);
    say("mc-x-auth-choice", ...choiceText(choice));
  }

  async function send(event) {
    event.preventDefault();
    const button = $("mc-x-send");
    const { error, confirm, choice } = sendStep(state, button.dataset.confirm === "yes");
    if (error) return say("mc-x-auth-choice", error, "error");
    if (confirm) {
      button.dataset.confirm = "yes";
      button.textContent = "Send anyway";
    }
    if (!choice) return;
    let request;
    try {
      request = buildRequest(state.endpoint, formValues(), state.instance.origin, $("mc-x-encoding").value);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      return say("mc-x-auth-choice", error.message, "error");
    }
    renderChoice();
    state.last = { request, choice };
    await ui.perform(request.method, request.url, { headers: request.headers, body: request.body }, choice);
  }

  function showCurl() {
    const text = curlText(state, formValues(), $("mc-x-encoding").value, $("mc-x-reveal").checked);
    $("mc-x-curl").textContent = text;
    $("mc-x-curl").hidden = false;
    return text;
  }

  async function copyCurl() {
    if (!state.endpoint || !state.instance) return;
    const text = showCurl();
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard access can be denied; the command is shown for copying by hand.
    }
  }

  on("mc-x-search", "input", (event) => {
    for (const option of $("mc-x-endpoints").options) option.hidden = !matches(option.textContent, event.target.value);
  });
  on("mc-x-endpoints", "change", (event) => selectEndpoint(event.target.value));
  on("mc-x-request", "submit", send);
  on("mc-x-copy", "click", copyCurl);
  // The box on screen follows "include the token": unticking it takes the token off the screen.
  on("mc-x-reveal", "change", () => $("mc-x-curl").hidden || showCurl());
  return { loadCatalog, selectEndpoint, renderChoice };
}
