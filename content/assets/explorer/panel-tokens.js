// Step 3: the tokens.

import { RedirectError } from "./api.js";
import { callbackProblem, tokenProblem } from "./oauth.js";
import { pkcePair, randomToken } from "./pkce.js";
import { MOVED, scopeList } from "./state.js";
import { storage } from "./storage.js";

const ANSWER = ["code", "state", "error", "error_description"];

// The query, and the address without an authorization answer (null when there is none).
export function takeCallback(href) {
  const url = new URL(href);
  const params = new URLSearchParams(url.search);
  if (!ANSWER.slice(0, 3).some((key) => params.has(key))) return { params, clean: null };
  for (const key of ANSWER) url.searchParams.delete(key);
  return { params, clean: url.href };
}

export function describeToken(token, kind) {
  if (!token) return [`No ${kind} token.`, "info"];
  const scopes = token.scopes !== null ? `scopes: ${token.scopes.join(" ") || "(none)"}`
    : token.pasted ? "unknown scopes (pasted)" : "scopes the server did not state";
  return [`${kind === "user" ? "User" : "App"} token${token.account ? ` for @${token.account}` : ""}, ${scopes}.`, "ok"];
}

// [text, kind, keep]: a token the server's own API refuses is a placeholder and is not kept.
export function appTokenCheck(check) {
  if (check.ok && typeof check.json?.name === "string") {
    return [`App token works: verify_credentials names the app "${check.json.name}".`, "ok", true];
  }
  if ([400, 401, 403].includes(check.status)) {
    return ["The server issued an app token that its own API refuses (GET /api/v1/apps/verify_credentials " +
      `answered ${check.status}): a placeholder, as some servers hand out. It was not kept. Endpoints that ` +
      "take an app token cannot be tried on this server; public ones need none, and logging in covers the rest.",
      "warning", false];
  }
  return [`The app token could not be checked: GET /api/v1/apps/verify_credentials answered ${check.status}. ` +
    "It is kept; if requests with it fail, the server does not accept it.", "warning", true];
}

export function refusedCallback(problem) {
  return problem === "none" ? "Refused an authorization answer: no login in this tab waits for one (it was " +
      "started in another tab, or forged). No code was exchanged."
    : problem === "expired" ? "Refused an authorization answer for a login started more than 10 minutes ago: " +
      "its state has expired. No code was exchanged; log in again."
    : "Refused an authorization answer whose state does not match the login this page started (missing, forged " +
      "or stale). No code was exchanged.";
}

// pending: the login as it started (forceLogin, and the account logged in before it).
export function loggedIn(user, appScopes, pending = {}) {
  const same = pending.forceLogin && user.account && user.account === pending.previous
    ? " The server ignored force_login: this is the same account as before. To switch, log out on the instance's " +
      "own pages first." : "";
  const who = `Logged in${user.account ? " as @" + user.account : ""}.${same}`;
  if (user.scopes === null) return `${who} The server did not say which scopes it granted.`;
  const extra = user.scopes.filter((s) => !appScopes.includes(s));
  return `${who} Granted scopes: ${user.scopes.join(" ")}.` +
    (extra.length ? ` The server granted more than the app asked: ${extra.join(" ")}.` : "");
}

export function pasted(connected, token, scopes) {
  if (!connected || !token) return { error: "Connect to an instance and paste a token." };
  const problem = tokenProblem(token);
  if (problem) return { error: `That token cannot be used: ${problem}.` };
  return { user: { token, scopes: scopes ? scopeList(scopes) : null, pasted: true } };
}

export function revoked(kind, result) {
  return [result.how === "cors" ? `The ${kind} token was revoked.`
    : result.confirmed ? "This server sends no CORS headers on its revocation endpoint, so the revoke was sent " +
        `blind; an API call with the token now fails, so the ${kind} token is dead.`
      : "The revoke was sent blind (no CORS on the revocation endpoint) and the token still works " +
        `(status ${result.status}): the server did not revoke it.`, result.confirmed ? "ok" : "error"];
}

export function revokeFailed(kind, error) {
  return error.message + (error instanceof RedirectError ? ` The ${kind} token is kept: the explorer cannot ` +
    "tell whether the instance revoked it." : "");
}

export function tokensPanel(ui) {
  const { $, on, say, state, params } = ui;
  const tell = (text, kind) => say("mc-x-token-status", text, kind);

  function renderTokens() {
    say("mc-x-app-token-status", ...describeToken(state.tokens.app, "app"));
    say("mc-x-user-status", ...describeToken(state.tokens.user, "user"));
    $("mc-x-tokens").hidden = !state.instance;
    $("mc-x-revoke-app").hidden = !state.tokens.app;
    $("mc-x-revoke-user").hidden = !state.tokens.user;
    $("mc-x-remember").checked = storage.remember();
  }

  function saveTokens() {
    if (state.instance) storage.setTokens(state.instance.origin, state.tokens);
    renderTokens();
    ui.renderChoice();
    ui.renderStream();
  }

  function needApp() {
    if (!state.app) tell("Register an app first (step 2).", "error");
    return !!state.app;
  }

  async function getAppToken() {
    if (!needApp()) return;
    tell("Requesting an app token…");
    const { instance, app } = state;  // each step below goes to this instance, or nowhere
    try {
      const token = await instance.token({ grant_type: "client_credentials", client_id: app.client_id,
                                           client_secret: app.client_secret, scope: app.scopes.join(" ") });
      if (state.instance !== instance) return tell(MOVED, "error");
      const check = await instance.call("GET", "/api/v1/apps/verify_credentials", token.access_token);
      if (state.instance !== instance) return tell(MOVED, "error");
      const [text, kind, keep] = appTokenCheck(check);
      if (keep) state.tokens.app = { token: token.access_token, scopes: scopeList(token.scope) };
      else delete state.tokens.app;
      saveTokens();
      tell(text, kind);
    } catch (error) {
      tell(error.message, "error");
    }
  }

  async function logIn() {
    if (!needApp()) return;
    const { verifier, challenge } = await pkcePair();
    const stateValue = randomToken(24), forceLogin = $("mc-x-force-login").checked;
    let url;
    try {
      url = state.instance.authorizeUrl(state.app, { scope: state.app.scopes.join(" "), state: stateValue, challenge,
                                                     forceLogin });
    } catch (error) {
      return tell(error.message, "error");
    }
    if (!storage.setPending({ state: stateValue, verifier, origin: state.instance.origin, created: Date.now(),
                              forceLogin, previous: state.tokens.user?.account })) {
      return tell("Logging in needs to store the login's state for the way back, and the browser's storage " +
                  "refused it (see the note at the top). Free some storage, or paste a token.", "error");
    }
    // A full-page navigation: consent pages may forbid frames and cut window.opener.
    window.location.assign(url);
  }

  async function finishLogin() {
    const pending = storage.pending();
    storage.setPending(null);
    const problem = callbackProblem(pending, params.get("state"));
    if (problem) {
      // Where it is seen (step 3 may be hidden), and the login's instance back.
      say("mc-x-notice", refusedCallback(problem), "error");
      $("mc-x-notice").hidden = false;
      return pending?.origin && ui.connect(pending.origin);
    }
    await ui.connect(pending.origin);
    const { instance, app } = state;
    if (!instance || instance.origin !== pending.origin || !app) return;
    if (params.get("error")) {
      return tell(`The instance did not authorize: ${params.get("error_description") ?? params.get("error")}.`, "error");
    }
    tell("Exchanging the authorization code…");
    try {
      const token = await instance.token({ grant_type: "authorization_code", code: params.get("code") ?? "",
                                           client_id: app.client_id, client_secret: app.client_secret,
                                           redirect_uri: ui.redirectUri, code_verifier: pending.verifier });
      const user = { token: token.access_token, scopes: scopeList(token.scope) };
      const me = state.instance === instance &&
        await instance.call("GET", "/api/v1/accounts/verify_credentials", token.access_token);
      if (state.instance !== instance) return tell(MOVED, "error");
      if (me.ok && typeof me.json?.acct === "string") user.account = me.json.acct;
      state.tokens.user = user;
      saveTokens();
      tell(loggedIn(user, app.scopes, pending), "ok");
      $("mc-x-token-status").scrollIntoView({ block: "center" });  // arriving at the top
    } catch (error) {
      tell(error.message, "error");
    }
  }

  function paste(event) {
    event.preventDefault();
    const { user, error } = pasted(state.instance, $("mc-x-paste-token").value.trim(), $("mc-x-paste-scopes").value.trim());
    if (error) return tell(error, "error");
    state.tokens.user = user;
    $("mc-x-paste-token").value = "";
    saveTokens();
    tell("Using the pasted token as the user token.", "ok");
  }

  async function revoke(kind) {
    const { instance, app, tokens } = state;
    const token = tokens[kind];
    if (!token || !app) return tell("Revoking needs the app that issued the token.", "error");
    tell("Revoking…");
    try {
      const result = await instance.revoke(app, token.token);
      if (state.instance !== instance) return tell(MOVED, "error");
      if (result.confirmed) delete state.tokens[kind];  // one that still works stays usable
      saveTokens();
      tell(...revoked(kind, result));
    } catch (error) {
      tell(revokeFailed(kind, error), "error");
    }
  }

  on("mc-x-app-token", "click", getAppToken);
  on("mc-x-login", "click", logIn);
  on("mc-x-paste", "submit", paste);
  on("mc-x-revoke-user", "click", () => revoke("user"));
  on("mc-x-revoke-app", "click", () => revoke("app"));
  on("mc-x-remember", "change", (event) => {
    storage.setRemember(event.target.checked);
    if (state.instance) storage.setTokens(state.instance.origin, state.tokens);
  });
  return { renderTokens, saveTokens, finishLogin };
}
