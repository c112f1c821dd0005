// What a failed request means, in words a reader can act on.

import { isLoopbackHost } from "./urls.js";

function errorText(body) {
  if (body && typeof body === "object") {
    return [body.error, body.error_description].filter((v) => typeof v === "string").join(": ");
  }
  if (typeof body !== "string") return "";
  // An HTML error page is named by its title, never quoted whole (the body is shown below as text).
  if (/^\s*<(!doctype|html)/i.test(body)) {
    const title = /<title[^>]*>([^<]{1,100})/i.exec(body)?.[1].trim();
    return `an HTML page${title ? ` titled "${title}"` : ""}, shown below as text`;
  }
  return body.trim().slice(0, 300);
}

// Error names other servers use for what Mastodon says in words.
const NEEDS_USER = /identity_token_required|requires an authenticated user/i;
const NEEDS_SCOPE = /out_of_scope_for_token|outside the authorized scopes|insufficient_scope/i;
const DEAD = /invalid|expired|revoked|bearer|token/i;

export function explainNetworkError(url) {
  const { origin, protocol, hostname } = new URL(url);
  const plain = protocol === "https:" && isLoopbackHost(hostname)
    ? ` A server on this machine often speaks plain http: try ${origin.replace("https:", "http:")}.` : "";
  return `The request to ${origin} did not complete. The server may be down, its name may not ` +
    "resolve, or it refused this page's cross-origin (CORS) request; browsers do not say which." + plain;
}

// A failed request to the token endpoint: the code, the app or the request is at fault, not a token.
export function explainTokenEndpoint(status, body) {
  const said = errorText(body);
  const quoted = said ? ` The instance said: "${said}".` : "";
  if (/invalid_grant/.test(said)) {
    return `The instance refused the authorization code (${status}): it expired (Mastodon's live 10 minutes, ` +
      "some servers' 60 seconds), was used already, or the PKCE verifier or redirect URI does not match. Log in again." + quoted;
  }
  if (/invalid_client/.test(said) || status === 401) {
    return `The instance does not accept this app's client id or secret (${status}): the app was deleted or ` +
      "belongs to another server. Forget the app and register it again." + quoted;
  }
  return `The token request failed with ${status}.` + quoted;
}

// context: {sent: "user"|"app"|null, choice: result of chooseToken, retryAfter: X-RateLimit-Reset,
//           permission: the role permission's name an admin endpoint needs}
export function explainStatus(status, body, context = {}) {
  const said = errorText(body);
  const quoted = said ? ` The instance said: "${said}".` : "";
  if (status >= 200 && status < 400) return "";
  if (NEEDS_USER.test(said)) {
    return "This endpoint needs a user token; the token sent belongs to no user (an app token), or none was sent." + quoted;
  }
  if (NEEDS_SCOPE.test(said) || /insufficient_scope/.test(context.wwwAuthenticate ?? "")) {
    const needs = context.choice?.missing?.length ? ` It needs ${context.choice.missing.join(" + ")}.` : "";
    return `The token lacks a scope this endpoint needs.${needs} Get a token with that scope.` + quoted;
  }
  // Some servers answer 400 instead of 401 for a token they do not know.
  if (status === 401 || (status === 400 && context.sent && DEAD.test(said))) {
    return (context.sent ? `The instance did not accept the token${status === 400 ? " (it says so with 400, not 401)" : ""}: ` +
        "it is invalid, revoked or from another server. Get a new one (step 3)."
      : "This endpoint needs a token and none was sent.") + quoted;
  }
  if (status === 403) {
    if (/client credentials/i.test(said)) return "This endpoint needs an app token, not a user token." + quoted;
    if (context.permission && context.sent === "user") {
      // Mastodon answers "This action is not allowed" when the account's role lacks the permission.
      return `This endpoint needs an account whose role has the ${context.permission} permission, and this ` +
        "account's role does not have it. An administrator can grant it under Administration, Roles." + quoted;
    }
    return "The instance refused the action for this account or token." + quoted;
  }
  if (status === 422) {
    return "The instance rejected the request's content (validation failed)." + quoted;
  }
  if (status === 429) {
    const reset = context.retryAfter ? ` The limit resets at ${context.retryAfter}.` : "";
    return `Rate limited: too many requests in the current window.${reset}` + quoted;
  }
  if (status === 404) return "Not found: the record does not exist, is not visible to this token, or the server " +
    "does not implement this endpoint." + quoted;
  if (status >= 500) return `The instance failed with ${status}; the request may be fine.` + quoted;
  return `The instance answered ${status}.` + quoted;
}
