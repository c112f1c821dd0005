// Talking to the chosen instance. Every request goes through Instance.fetch, which refuses
// any URL outside the instance's origin and follows no redirect, so a token, a secret or a
// request body can never leave for another origin.

import { explainNetworkError, explainStatus, explainTokenEndpoint } from "./explain.js";
import { tokenProblem } from "./oauth.js";
import { onInstance } from "./urls.js";

export class InstanceError extends Error {}
export class NetworkError extends InstanceError {}
export class RedirectError extends InstanceError {}

const FIXED = { authorization_endpoint: "/oauth/authorize", token_endpoint: "/oauth/token",
                revocation_endpoint: "/oauth/revoke", app_registration_endpoint: "/api/v1/apps" };
const TIMEOUT_MS = 20000;
const REDIRECTS = [301, 302, 303, 307, 308];
const ENDPOINT_MAX = 2048;  // a longer "endpoint" in a metadata document is not a real one
const SCOPE_RE = /^[a-z_]+(:[a-z_]+)*$/;  // Mastodon's scope names; anything else is offered to no one
const SCOPES_MAX = 200;
const scopeNames = (list) => list.filter((s) => typeof s === "string" && SCOPE_RE.test(s)).slice(0, SCOPES_MAX);

async function readBody(response) {
  const text = await response.text();
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text, json: undefined };
  }
}

export class Instance {
  constructor(origin, fetchImpl = globalThis.fetch.bind(globalThis)) {
    this.origin = origin;
    this.fetchImpl = fetchImpl;
    this.endpoints = null;
  }

  async fetch(url, init = {}) {
    const href = onInstance(url, this.origin);
    if (!href) {
      let where = "another origin";
      try {
        where = new URL(url, this.origin).origin;
      } catch { /* not a URL at all */ }
      throw new InstanceError(`Refusing to send a request to ${where}: only ${this.origin} is trusted.`);
    }
    const started = performance.now();
    let response;
    try {
      // redirect "manual" last, so no caller can undo it: a followed Location would take the body,
      // secrets and token past the origin check. no-store: the answer of now, not a cached 308.
      response = await this.fetchImpl(href, { credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store",
                                              signal: AbortSignal.timeout(TIMEOUT_MS), ...init, redirect: "manual" });
    } catch (error) {
      if (error?.name === "TimeoutError") throw new InstanceError(`${this.origin} did not answer within 20 seconds.`);
      throw new NetworkError(explainNetworkError(href));
    }
    // Browsers hide a manual redirect ("opaqueredirect"); other fetch implementations show the 3xx.
    if (response.type === "opaqueredirect" || REDIRECTS.includes(response.status)) {
      throw new RedirectError(`${this.origin} answered ${init.method ?? "GET"} ${new URL(href).pathname} with a ` +
        "redirect. The explorer does not follow redirects, so nothing was sent further. If the instance lives at " +
        "another address, connect to that one.");
    }
    const body = await readBody(response);
    return { status: response.status, ok: response.ok, headers: response.headers, ...body,
             ms: Math.round(performance.now() - started), url: href, type: response.type };
  }

  // RFC 8414 metadata, or Mastodon's fixed paths when there is none (older servers answer 404).
  async discover() {
    const meta = await this.fetch("/.well-known/oauth-authorization-server", { headers: { Accept: "application/json" } });
    const found = { scopes_supported: null, code_challenge_methods_supported: [], source: "fixed paths" };
    const documented = meta.ok && meta.json && typeof meta.json === "object";
    for (const [key, path] of Object.entries(FIXED)) {
      // Endpoints are kept as whole URLs on the instance's origin; anything else gets the fixed path.
      const value = documented ? meta.json[key] : null;
      found[key] = (value?.length <= ENDPOINT_MAX && onInstance(value, this.origin)) || new URL(path, this.origin).href;
    }
    if (documented) {
      if (Array.isArray(meta.json.scopes_supported)) {
        found.scopes_supported = scopeNames(meta.json.scopes_supported);
      }
      if (Array.isArray(meta.json.code_challenge_methods_supported)) {
        found.code_challenge_methods_supported = meta.json.code_challenge_methods_supported;
      }
      found.source = "metadata document";
    }
    this.endpoints = found;
    let info = await this.fetch("/api/v2/instance", { headers: { Accept: "application/json" } });
    if (!info.ok || !info.json || typeof info.json !== "object") {
      info = await this.fetch("/api/v1/instance", { headers: { Accept: "application/json" } });
    }
    if (!info.ok || !info.json || typeof info.json !== "object" || typeof info.json.version !== "string") {
      throw new InstanceError(`${this.origin} does not look like a Mastodon-compatible server: /api/v2/instance and ` +
        `/api/v1/instance gave no instance description (status ${info.status}).`);
    }
    const title = typeof info.json.title === "string" ? info.json.title : this.origin;
    const level = info.json.api_versions?.mastodon;
    // Where the streaming API is (v2, else v1's name for it); the streaming panel judges it.
    const streaming = info.json.configuration?.urls?.streaming ?? info.json.urls?.streaming_api;
    return { ...found, title, version: info.json.version, api_level: Number.isInteger(level) ? level : null,
             streaming: typeof streaming === "string" ? streaming : null };
  }

  async registerApp(name, redirectUri, scopes, website) {
    // One redirect URI as a plain string: every Mastodon version and compatible server takes it.
    const body = new URLSearchParams({ client_name: name, redirect_uris: redirectUri, scopes: scopes.join(" ") });
    if (website) body.set("website", website);
    const answer = await this.fetch(this.endpoints.app_registration_endpoint, { method: "POST", body });
    if (!answer.ok || !answer.json || typeof answer.json !== "object") {
      throw new InstanceError("Registering the app failed. " + explainStatus(answer.status, answer.json ?? answer.text));
    }
    // The credentials are sent back in forms and kept in storage: plain, sane text only.
    const unusable = ["client_id", "client_secret"].find((key) => tokenProblem(answer.json[key]));
    if (unusable) {
      throw new InstanceError(`Registering the app failed: the instance's ${unusable} is unusable ` +
        `(${tokenProblem(answer.json[unusable])}). Nothing was kept.`);
    }
    return { client_id: answer.json.client_id, client_secret: answer.json.client_secret,
             scopes: Array.isArray(answer.json.scopes) ? scopeNames(answer.json.scopes) : scopes, redirect_uri: redirectUri,
             name, created: Date.now() };
  }

  async token(form) {
    const answer = await this.fetch(this.endpoints.token_endpoint, { method: "POST", body: new URLSearchParams(form) });
    if (!answer.ok || !answer.json || typeof answer.json !== "object") {
      throw new InstanceError(explainTokenEndpoint(answer.status, answer.json ?? answer.text));
    }
    const problem = tokenProblem(answer.json.access_token);
    if (problem) {
      throw new InstanceError(`The instance answered with no usable access token: ${problem}. No token was kept.`);
    }
    // No scope in the answer: what was granted is unknown (null), not what was asked for.
    return { access_token: answer.json.access_token, scope: typeof answer.json.scope === "string" ? answer.json.scope : null };
  }

  authorizeUrl(app, { scope, state, challenge, forceLogin }) {
    // Checked again here, at the moment of use: the reader's browser is about to go there.
    const href = onInstance(this.endpoints.authorization_endpoint, this.origin);
    if (!href) throw new InstanceError(`Refusing to log in anywhere but ${this.origin}.`);
    const url = new URL(href);
    url.search = new URLSearchParams({ response_type: "code", client_id: app.client_id, redirect_uri: app.redirect_uri,
                                       scope, state, code_challenge: challenge, code_challenge_method: "S256",
                                       ...(forceLogin ? { force_login: "true" } : {}) }).toString();
    return url.href;
  }

  async call(method, path, token, init = {}) {
    const headers = { Accept: "application/json", ...(init.headers ?? {}) };
    if (token) headers.Authorization = `Bearer ${token}`;
    return this.fetch(path, { ...init, method, headers });
  }

  // Servers before 4.3 send no CORS headers on /oauth/revoke, but the POST is a simple request:
  // the server acts on it and only the answer is hidden, so an API call then checks the token.
  // No no-cors retry: it cannot use redirect "manual". Returns {confirmed, how}.
  async revoke(app, token) {
    const form = { client_id: app.client_id, client_secret: app.client_secret, token };
    try {
      const answer = await this.fetch(this.endpoints.revocation_endpoint, { method: "POST", body: new URLSearchParams(form) });
      if (!answer.ok) throw new InstanceError("Revocation failed. " + explainStatus(answer.status, answer.json ?? answer.text));
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      const check = await this.call("GET", "/api/v1/apps/verify_credentials", token);
      if (check.status === 401 || check.status === 400) return { confirmed: true, how: "blind" };
      return { confirmed: false, how: "blind", status: check.status };
    }
    return { confirmed: true, how: "cors" };
  }
}
