// Talking to the chosen instance. Every request goes through Instance.fetch, which refuses
// any URL outside the instance's origin, so a token can never leave for another origin.

import { explainNetworkError, explainStatus } from "./explain.js";
import { sameOrigin } from "./urls.js";

export class InstanceError extends Error {}

const FIXED = { authorization_endpoint: "/oauth/authorize", token_endpoint: "/oauth/token",
                revocation_endpoint: "/oauth/revoke", app_registration_endpoint: "/api/v1/apps" };
const TIMEOUT_MS = 20000;

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
    const target = new URL(url, this.origin);
    if (!sameOrigin(target.href, this.origin)) {
      throw new InstanceError(`Refusing to send a request to ${target.origin}: only ${this.origin} is trusted.`);
    }
    const started = performance.now();
    let response;
    try {
      response = await this.fetchImpl(target.href, { credentials: "omit", referrerPolicy: "no-referrer",
                                                     signal: AbortSignal.timeout(TIMEOUT_MS), ...init });
    } catch (error) {
      if (error?.name === "TimeoutError") throw new InstanceError(`${this.origin} did not answer within 20 seconds.`);
      throw new InstanceError(explainNetworkError(target.href));
    }
    const body = await readBody(response);
    return { status: response.status, ok: response.ok, headers: response.headers, ...body,
             ms: Math.round(performance.now() - started), url: target.href, type: response.type };
  }

  // RFC 8414 metadata, or Mastodon's fixed paths when there is none (older servers answer 404).
  async discover() {
    const meta = await this.fetch("/.well-known/oauth-authorization-server", { headers: { Accept: "application/json" } });
    const found = { ...FIXED, scopes_supported: null, code_challenge_methods_supported: [], source: "fixed paths" };
    if (meta.ok && meta.json && typeof meta.json === "object") {
      for (const key of Object.keys(FIXED)) {
        const value = meta.json[key];
        // Only endpoints on the instance's own origin are used; others keep the fixed path.
        if (typeof value === "string" && sameOrigin(new URL(value, this.origin).href, this.origin)) {
          found[key] = new URL(value, this.origin).pathname;
        }
      }
      if (Array.isArray(meta.json.scopes_supported)) {
        found.scopes_supported = meta.json.scopes_supported.filter((s) => typeof s === "string");
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
    return { ...found, title, version: info.json.version };
  }

  async registerApp(name, redirectUri, scopes, website) {
    // One redirect URI as a plain string: every Mastodon version and compatible server takes it.
    const body = new URLSearchParams({ client_name: name, redirect_uris: redirectUri, scopes: scopes.join(" ") });
    if (website) body.set("website", website);
    const answer = await this.fetch(this.endpoints.app_registration_endpoint, { method: "POST", body });
    if (!answer.ok || !answer.json?.client_id || !answer.json?.client_secret) {
      throw new InstanceError("Registering the app failed. " + explainStatus(answer.status, answer.json ?? answer.text));
    }
    return { client_id: answer.json.client_id, client_secret: answer.json.client_secret,
             scopes: Array.isArray(answer.json.scopes) ? answer.json.scopes : scopes, redirect_uri: redirectUri,
             name, created: Date.now() };
  }

  async token(form) {
    const answer = await this.fetch(this.endpoints.token_endpoint, { method: "POST", body: new URLSearchParams(form) });
    if (!answer.ok || typeof answer.json?.access_token !== "string") {
      throw new InstanceError("The token request failed. " + explainStatus(answer.status, answer.json ?? answer.text));
    }
    return { access_token: answer.json.access_token,
             scope: typeof answer.json.scope === "string" ? answer.json.scope : form.scope ?? "" };
  }

  authorizeUrl(app, { scope, state, challenge, forceLogin }) {
    const url = new URL(this.endpoints.authorization_endpoint, this.origin);
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

  // Revocation. Servers before Mastodon 4.3 send no CORS headers on /oauth/revoke: then the
  // revoke goes as a simple form POST (the server acts on it, the page cannot read the answer)
  // and the token is checked with an API call. Returns {confirmed, how}.
  async revoke(app, token) {
    const form = { client_id: app.client_id, client_secret: app.client_secret, token };
    try {
      const answer = await this.fetch(this.endpoints.revocation_endpoint, { method: "POST", body: new URLSearchParams(form) });
      if (!answer.ok) throw new InstanceError("Revocation failed. " + explainStatus(answer.status, answer.json ?? answer.text));
    } catch (error) {
      if (!/did not complete/.test(error.message)) throw error;
      await this.fetch(this.endpoints.revocation_endpoint, { method: "POST", mode: "no-cors",
                                                             body: new URLSearchParams(form) });
      const check = await this.call("GET", "/api/v1/apps/verify_credentials", token);
      if (check.status === 401 || check.status === 400) return { confirmed: true, how: "blind" };
      return { confirmed: false, how: "blind", status: check.status };
    }
    return { confirmed: true, how: "cors" };
  }
}
