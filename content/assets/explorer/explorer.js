// The explorer page: instance, app registration, tokens and the request console.
// Nothing that comes from an instance is ever inserted as HTML: only textContent and values.

import { Instance, InstanceError, RedirectError } from "./api.js";
import { explainStatus } from "./explain.js";
import { parseLinkHeader } from "./links.js";
import { callbackProblem, tokenProblem } from "./oauth.js";
import { pkcePair, randomToken } from "./pkce.js";
import { buildRequest, RequestError, toCurl } from "./request.js";
import { chooseToken, describeAlternative, held } from "./scopes.js";
import { storage } from "./storage.js";
import { normaliseInstance, onInstance } from "./urls.js";

const DEFAULT_SCOPES = ["read", "write"];  // profile exists only from Mastodon 4.3
const BODY_LIMIT = 200000;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function mount(root, siteRoot) {
  const $ = (id) => root.querySelector(`#${id}`);
  const controller = new AbortController();
  const on = (node, event, handler) => node.addEventListener(event, handler, { signal: controller.signal });
  const redirectUri = new URL("explorer/", siteRoot).href;
  const state = { catalog: null, instance: null, info: null, app: null, tokens: {}, endpoint: null, last: null };

  // The page is its own OAuth callback: take the answer out of the address bar before any
  // request (with the page's no-referrer policy, the code never travels in a Referer).
  const params = new URLSearchParams(window.location.search);
  const callback = params.has("code") || params.has("state") || params.has("error");
  if (callback) {
    const clean = new URL(window.location.href);
    for (const key of ["code", "state", "error", "error_description"]) clean.searchParams.delete(key);
    window.history.replaceState(window.history.state, "", clean.href);
  }

  function say(id, text, kind = "info") {
    const node = $(id);
    node.textContent = text;
    node.dataset.kind = kind;
  }

  // A full or disabled storage is explained once, in words; the values stay in memory.
  storage.onRefused = (full) => {
    $("mc-x-storage").hidden = false;
    say("mc-x-storage", (full ? "This browser's storage for this site is full" : "This browser does not let this " +
        "site store data") + ", so the app, tokens and instance the explorer knows live in this page only and are " +
        "lost when it reloads. Freeing this site's storage in the browser's settings fixes it.", "warning");
  };

  // -- catalog -----------------------------------------------------------------------------

  async function loadCatalog() {
    const response = await fetch(new URL("catalog.json", siteRoot), { credentials: "same-origin" });
    state.catalog = await response.json();
    const list = $("mc-x-endpoints");
    for (const endpoint of state.catalog.endpoints) {
      list.append(el("option", { value: endpoint.id, text: `${endpoint.method} ${endpoint.path} · ${endpoint.title}` }));
    }
  }

  // -- instance ----------------------------------------------------------------------------

  async function connect(input) {
    let origin;
    try {
      origin = normaliseInstance(input);
    } catch (error) {
      say("mc-x-instance-status", error.message, "error");
      return;
    }
    say("mc-x-instance-status", `Connecting to ${origin}…`);
    const instance = new Instance(origin);
    try {
      state.info = await instance.discover();
    } catch (error) {
      say("mc-x-instance-status", error.message, "error");
      return;
    }
    state.instance = instance;
    storage.setLastInstance(origin);
    const info = $("mc-x-instance-info");
    info.hidden = false;
    info.querySelector('[data-field="title"]').textContent = state.info.title;
    info.querySelector('[data-field="version"]').textContent = state.info.version;
    info.querySelector('[data-field="source"]').textContent = state.info.source === "metadata document"
      ? "RFC 8414 metadata document" : "no metadata document (404): Mastodon's fixed paths";
    info.querySelector('[data-field="scopes"]').textContent = state.info.scopes_supported
      ? state.info.scopes_supported.join(" ") : "not announced by the server";
    say("mc-x-instance-status", `Connected to ${state.info.title} (${origin}).`, "ok");
    state.app = storage.app(origin);
    state.tokens = storage.tokens(origin);
    renderScopePicker();
    renderApp();
    renderTokens();
    renderChoice();
  }

  function knownScopes() {
    return state.info?.scopes_supported ?? state.catalog.scopes.map((s) => s.name);
  }

  function renderScopePicker() {
    const box = $("mc-x-scope-list");
    box.replaceChildren();
    const catalogScopes = state.catalog.scopes;
    for (const name of knownScopes()) {
      const scope = catalogScopes.find((s) => s.name === name);
      const id = `mc-x-scope-${name.replace(/[^a-z0-9]/gi, "-")}`;
      const input = el("input", { type: "checkbox", id, value: name, checked: DEFAULT_SCOPES.includes(name) });
      box.append(el("label", { for: id, class: "mc-x-scope", title: scope?.summary ?? "" }, input, ` ${name}`));
    }
    on(box, "change", updateImplied);
    updateImplied();
  }

  function chosenScopes() {
    return [...$("mc-x-scope-list").querySelectorAll("input:checked")].map((i) => i.value);
  }

  function updateImplied() {
    // A scope granted by a checked parent is covered already: show it as implied.
    const implied = held(chosenScopes(), state.catalog.scopes);
    for (const input of $("mc-x-scope-list").querySelectorAll("input")) {
      input.closest("label").classList.toggle("mc-x-implied", !input.checked && implied.has(input.value));
    }
  }

  // -- app ---------------------------------------------------------------------------------

  function renderApp() {
    $("mc-x-app").hidden = !state.instance;
    $("mc-x-forget").hidden = !state.app;
    if (state.app) {
      say("mc-x-app-status", `App "${state.app.name}" registered with scopes: ${state.app.scopes.join(" ")}.`, "ok");
    } else {
      say("mc-x-app-status", "No app registered on this instance yet.");
    }
    $("mc-x-tokens").hidden = !state.instance;
  }

  async function register() {
    const scopes = chosenScopes();
    if (!scopes.length) return say("mc-x-app-status", "Choose at least one scope.", "error");
    say("mc-x-app-status", "Registering…");
    try {
      state.app = await state.instance.registerApp("Mastodon API reference explorer", redirectUri, scopes,
                                                   new URL(siteRoot).href);
      storage.setApp(state.instance.origin, state.app);
      renderApp();
    } catch (error) {
      say("mc-x-app-status", error.message, "error");
    }
  }

  function forget() {
    storage.setApp(state.instance.origin, null);
    state.app = null;
    state.tokens = {};
    storage.setTokens(state.instance.origin, {});
    renderApp();
    renderTokens();
  }

  // -- tokens ------------------------------------------------------------------------------

  function saveTokens() {
    storage.setTokens(state.instance.origin, state.tokens);
    renderTokens();
    renderChoice();
  }

  function renderTokens() {
    const describe = (token, kind) => {
      if (!token) return `No ${kind} token.`;
      const scopes = token.scopes === null ? "unknown scopes (pasted)" : `scopes: ${token.scopes.join(" ") || "(none)"}`;
      const who = token.account ? ` for @${token.account}` : "";
      return `${kind === "user" ? "User" : "App"} token${who}, ${scopes}.`;
    };
    say("mc-x-app-token-status", describe(state.tokens.app, "app"), state.tokens.app ? "ok" : "info");
    say("mc-x-user-status", describe(state.tokens.user, "user"), state.tokens.user ? "ok" : "info");
    $("mc-x-revoke-app").hidden = !state.tokens.app;
    $("mc-x-revoke-user").hidden = !state.tokens.user;
    $("mc-x-remember").checked = storage.remember();
  }

  function needApp() {
    if (state.app) return true;
    say("mc-x-token-status", "Register an app first (step 2).", "error");
    return false;
  }

  async function getAppToken() {
    if (!needApp()) return;
    say("mc-x-token-status", "Requesting an app token…");
    try {
      const token = await state.instance.token({ grant_type: "client_credentials", client_id: state.app.client_id,
                                                 client_secret: state.app.client_secret,
                                                 scope: state.app.scopes.join(" ") });
      state.tokens.app = { token: token.access_token, scopes: token.scope.split(/\s+/).filter(Boolean) };
      saveTokens();
      const check = await state.instance.call("GET", "/api/v1/apps/verify_credentials", token.access_token);
      if (check.ok && check.json && typeof check.json.name === "string") {
        say("mc-x-token-status", `App token works: verify_credentials names the app "${check.json.name}".`, "ok");
      } else {
        say("mc-x-token-status", "The server issued an app token, but GET /api/v1/apps/verify_credentials refused " +
            `it (${check.status}); some servers hand out a placeholder token. ${explainStatus(check.status, check.json ?? check.text, { sent: "app" })}`, "error");
      }
    } catch (error) {
      say("mc-x-token-status", error.message, "error");
    }
  }

  async function logIn() {
    if (!needApp()) return;
    const { verifier, challenge } = await pkcePair();
    const stateValue = randomToken(24);
    let url;
    try {
      url = state.instance.authorizeUrl(state.app, { scope: state.app.scopes.join(" "), state: stateValue, challenge,
                                                     forceLogin: $("mc-x-force-login").checked });
    } catch (error) {
      return say("mc-x-token-status", error.message, "error");
    }
    if (!storage.setPending({ state: stateValue, verifier, origin: state.instance.origin, created: Date.now() })) {
      return say("mc-x-token-status", "Logging in needs to store the login's state for the way back, and the " +
                 "browser's storage refused it (see the note at the top). Free some storage, or paste a token.", "error");
    }
    // A full-page navigation: consent pages may forbid frames and cut window.opener.
    window.location.assign(url);
  }

  async function finishLogin() {
    const pending = storage.pending();
    storage.setPending(null);
    const problem = callbackProblem(pending, params.get("state"));
    if (problem) {
      say("mc-x-token-status", problem === "expired" ? "Refused an authorization answer for a login started more " +
          "than 10 minutes ago: its state has expired. No code was exchanged; log in again."
        : "Refused an authorization answer whose state does not match the login this page started (missing, " +
          "forged or stale). No code was exchanged.", "error");
      return;
    }
    await connect(pending.origin);
    if (!state.instance || state.instance.origin !== pending.origin || !state.app) return;
    if (params.get("error")) {
      say("mc-x-token-status", `The instance did not authorize: ${params.get("error_description") ?? params.get("error")}.`, "error");
      return;
    }
    say("mc-x-token-status", "Exchanging the authorization code…");
    try {
      const token = await state.instance.token({ grant_type: "authorization_code", code: params.get("code") ?? "",
                                                 client_id: state.app.client_id, client_secret: state.app.client_secret,
                                                 redirect_uri: redirectUri, code_verifier: pending.verifier });
      const scopes = token.scope.split(/\s+/).filter(Boolean);
      state.tokens.user = { token: token.access_token, scopes };
      const me = await state.instance.call("GET", "/api/v1/accounts/verify_credentials", token.access_token);
      if (me.ok && typeof me.json?.acct === "string") state.tokens.user.account = me.json.acct;
      saveTokens();
      const extra = scopes.filter((s) => !state.app.scopes.includes(s));
      say("mc-x-token-status", `Logged in${state.tokens.user.account ? " as @" + state.tokens.user.account : ""}. ` +
          `Granted scopes: ${scopes.join(" ")}.` + (extra.length ? ` The server granted more than the app asked: ${extra.join(" ")}.` : ""), "ok");
    } catch (error) {
      say("mc-x-token-status", error.message, "error");
    }
  }

  function paste(event) {
    event.preventDefault();
    const token = $("mc-x-paste-token").value.trim();
    if (!state.instance || !token) return say("mc-x-token-status", "Connect to an instance and paste a token.", "error");
    const problem = tokenProblem(token);
    if (problem) return say("mc-x-token-status", `That token cannot be used: ${problem}.`, "error");
    const scopes = $("mc-x-paste-scopes").value.trim();
    state.tokens.user = { token, scopes: scopes ? scopes.split(/\s+/) : null, pasted: true };
    $("mc-x-paste-token").value = "";
    saveTokens();
    say("mc-x-token-status", "Using the pasted token as the user token.", "ok");
  }

  async function revoke(kind) {
    const token = state.tokens[kind];
    if (!token || !state.app) return say("mc-x-token-status", "Revoking needs the app that issued the token.", "error");
    say("mc-x-token-status", "Revoking…");
    try {
      const result = await state.instance.revoke(state.app, token.token);
      if (result.confirmed) delete state.tokens[kind];  // one that still works stays usable
      saveTokens();
      say("mc-x-token-status", result.how === "cors" ? `The ${kind} token was revoked.`
        : result.confirmed ? `This server sends no CORS headers on its revocation endpoint, so the revoke was sent ` +
            `blind; an API call with the token now fails, so the ${kind} token is dead.`
          : `The revoke was sent blind (no CORS on the revocation endpoint) and the token still works ` +
            `(status ${result.status}): the server did not revoke it.`, result.confirmed ? "ok" : "error");
    } catch (error) {
      const kept = error instanceof RedirectError ? ` The ${kind} token is kept: the explorer cannot tell whether ` +
        "the instance revoked it." : "";
      say("mc-x-token-status", error.message + kept, "error");
    }
  }

  // -- console -----------------------------------------------------------------------------

  function filterEndpoints() {
    const words = $("mc-x-search").value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const option of $("mc-x-endpoints").options) {
      option.hidden = !words.every((w) => option.textContent.toLowerCase().includes(w));
    }
  }

  function selectEndpoint(id) {
    const endpoint = state.catalog.endpoints.find((e) => e.id === id);
    if (!endpoint) return;
    state.endpoint = endpoint;
    $("mc-x-endpoints").value = id;
    $("mc-x-endpoint-title").textContent = `${endpoint.method} ${endpoint.path}`;
    const docs = $("mc-x-endpoint-docs");
    docs.href = new URL(endpoint.url, siteRoot).href;
    docs.textContent = `${endpoint.title}: documentation`;
    $("mc-x-endpoint-oauth").textContent = "Accepts: " + endpoint.oauth.map(describeAlternative).join(" or ");
    const fields = $("mc-x-fields");
    fields.replaceChildren();
    for (const param of endpoint.params.filter((p) => p.name.toLowerCase() !== "authorization")) {
      const id = `mc-x-param-${param.in}-${param.name.replace(/[^a-z0-9]/gi, "-")}`;
      let input;
      if (param.enum?.length || param.type === "boolean") {
        const values = param.enum?.length ? param.enum : ["true", "false"];
        input = el("select", { id, name: param.name }, el("option", { value: "", text: "(not sent)" }),
                   ...values.map((v) => el("option", { value: String(v), text: String(v) })));
      } else if (param.type === "file" || param.items === "file") {
        input = el("input", { id, name: param.name, type: "file" });
      } else if (param.type === "array" || param.name.endsWith("[]")) {
        input = el("textarea", { id, name: param.name, rows: "2", placeholder: "one value per line" });
      } else {
        input = el("input", { id, name: param.name, type: "text",
                              placeholder: param.default !== undefined ? String(param.default) : "" });
      }
      input.dataset.in = param.in;
      const label = el("label", { for: id }, el("code", { text: param.name }),
                       ` ${param.in}, ${param.type}${param.required ? ", required" : ""}`);
      fields.append(el("div", { class: "mc-x-field" }, label, input,
                       el("small", { text: param.description })));
    }
    $("mc-x-encoding-row").hidden = !endpoint.params.some((p) => p.in === "form");
    renderChoice();
    $("mc-x-response").hidden = true;
  }

  function formValues() {
    const values = {};
    for (const input of $("mc-x-fields").querySelectorAll("input, select, textarea")) {
      if (input.type === "file") values[input.name] = input.files[0] ?? "";
      else values[input.name] = input.value;
    }
    return values;
  }

  function currentChoice() {
    const tokens = {};
    for (const kind of ["user", "app"]) {
      if (state.tokens[kind]) tokens[kind] = { scopes: state.tokens[kind].scopes };
    }
    return chooseToken(state.endpoint, tokens, state.catalog.scopes);
  }

  function renderChoice() {
    const node = $("mc-x-auth-choice");
    $("mc-x-send").textContent = "Send";
    $("mc-x-send").dataset.confirm = "";
    if (!state.endpoint) return say("mc-x-auth-choice", "Choose an endpoint.");
    const choice = currentChoice();
    node.dataset.met = String(choice.met);
    if (choice.met) {
      const how = choice.token ? `the ${choice.token} token` : "no token";
      const caveat = choice.unknown ? " (a pasted token: its scopes are not known, so they are not checked)" : "";
      say("mc-x-auth-choice", `Sends ${how}: meets "${describeAlternative(choice.alternative)}"${caveat}.`, "ok");
    } else {
      const missing = choice.missing.length ? ` Missing: ${choice.missing.join(", ")}.` : "";
      const needs = choice.token ? "" : ` Get a ${choice.alternative.token} token first.`;
      say("mc-x-auth-choice", `No alternative is satisfied by your tokens. Closest: "${describeAlternative(choice.alternative)}".` +
          missing + needs, "warning");
    }
  }

  function tokenFor(choice) {
    return choice.token ? state.tokens[choice.token]?.token : undefined;
  }

  async function send(event) {
    event.preventDefault();
    if (!state.instance) return say("mc-x-auth-choice", "Connect to an instance first (step 1).", "error");
    if (!state.endpoint) return;
    const choice = currentChoice();
    const button = $("mc-x-send");
    if (!choice.met && button.dataset.confirm !== "yes") {
      button.dataset.confirm = "yes";
      button.textContent = "Send anyway";
      return;
    }
    let request;
    try {
      request = buildRequest(state.endpoint, formValues(), state.instance.origin, $("mc-x-encoding").value);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      return say("mc-x-auth-choice", error.message, "error");
    }
    renderChoice();
    state.last = { request, choice };
    await perform(request.method, request.url, { headers: request.headers, body: request.body }, choice);
  }

  async function perform(method, url, init, choice) {
    const panel = $("mc-x-response");
    panel.hidden = false;
    say("mc-x-status-line", `${method} ${url} …`);
    let answer;
    try {
      answer = await state.instance.call(method, url, tokenFor(choice), init);
    } catch (error) {
      say("mc-x-status-line", error instanceof InstanceError ? error.message : String(error), "error");
      $("mc-x-explanation").textContent = "";
      $("mc-x-headers").textContent = "";
      $("mc-x-body").textContent = "";
      $("mc-x-pages").hidden = true;
      return;
    }
    say("mc-x-status-line", `${answer.status} · ${answer.ms} ms · ${method} ${answer.url}`,
        answer.ok ? "ok" : "error");
    const reset = answer.headers.get("X-RateLimit-Reset");
    $("mc-x-explanation").textContent = explainStatus(answer.status, answer.json ?? answer.text, {
      sent: choice.token, choice, retryAfter: reset, wwwAuthenticate: answer.headers.get("WWW-Authenticate"),
      permission: state.endpoint.permission?.name });
    const limit = answer.headers.get("X-RateLimit-Limit");
    $("mc-x-rate").textContent = limit ? `Rate limit: ${answer.headers.get("X-RateLimit-Remaining")} of ${limit} ` +
      `left, resets ${reset}.` : "";
    $("mc-x-headers").textContent = [...answer.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
    const body = answer.json !== undefined ? JSON.stringify(answer.json, null, 2) : answer.text;
    $("mc-x-body").textContent = body.length > BODY_LIMIT
      ? body.slice(0, BODY_LIMIT) + `\n… (${body.length - BODY_LIMIT} more characters not shown)` : body;
    const links = parseLinkHeader(answer.headers.get("Link"));
    state.pages = {};
    for (const rel of ["prev", "next"]) {
      // Only pages on the same instance: the token must not follow a link elsewhere.
      state.pages[rel] = onInstance(links[rel], state.instance.origin);
      $(`mc-x-${rel}`).hidden = !state.pages[rel];
    }
    $("mc-x-pages").hidden = !state.pages.prev && !state.pages.next;
  }

  function page(rel) {
    if (state.pages?.[rel] && state.last) perform("GET", state.pages[rel], {}, state.last.choice);
  }

  async function copyCurl() {
    if (!state.endpoint || !state.instance) return;
    let text;
    try {
      const request = buildRequest(state.endpoint, formValues(), state.instance.origin, $("mc-x-encoding").value);
      text = toCurl(request, tokenFor(currentChoice()), $("mc-x-reveal").checked);
    } catch (error) {
      text = error.message;
    }
    $("mc-x-curl").textContent = text;
    $("mc-x-curl").hidden = false;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard access can be denied; the command is shown for copying by hand.
    }
  }

  // -- wiring ------------------------------------------------------------------------------

  on($("mc-x-instance-form"), "submit", (event) => {
    event.preventDefault();
    connect($("mc-x-instance-input").value);
  });
  on($("mc-x-register"), "click", register);
  on($("mc-x-forget"), "click", forget);
  on($("mc-x-app-token"), "click", getAppToken);
  on($("mc-x-login"), "click", logIn);
  on($("mc-x-paste"), "submit", paste);
  on($("mc-x-revoke-user"), "click", () => revoke("user"));
  on($("mc-x-revoke-app"), "click", () => revoke("app"));
  on($("mc-x-remember"), "change", (event) => {
    storage.setRemember(event.target.checked);
    if (state.instance) storage.setTokens(state.instance.origin, state.tokens);
  });
  on($("mc-x-search"), "input", filterEndpoints);
  on($("mc-x-endpoints"), "change", (event) => selectEndpoint(event.target.value));
  on($("mc-x-request"), "submit", send);
  on($("mc-x-copy"), "click", copyCurl);
  on($("mc-x-prev"), "click", () => page("prev"));
  on($("mc-x-next"), "click", () => page("next"));

  // The instance and token steps work at once; the console fills in when the catalog arrives.
  performance.mark("mc-explorer-interactive");  // read by benchmarks/run.py
  (async () => {
    await loadCatalog();
    const wanted = params.get("endpoint");
    if (callback) await finishLogin();
    // Also after a refused callback, so that logging in again is one click away.
    if (!state.instance && storage.lastInstance()) {
      $("mc-x-instance-input").value = storage.lastInstance();
      await connect(storage.lastInstance());
    }
    selectEndpoint(wanted && state.catalog.endpoints.some((e) => e.id === wanted) ? wanted
      : state.endpoint?.id ?? state.catalog.endpoints[0]?.id);
    root.dataset.ready = "true";
    performance.mark("mc-explorer-ready");  // read by benchmarks/run.py
  })();

  return () => {
    storage.onRefused = () => {};
    controller.abort();
    delete root.dataset.mounted;
  };
}
