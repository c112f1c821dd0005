// What a failed request means, in words a reader can act on.

function errorText(body) {
  if (body && typeof body === "object") {
    return [body.error, body.error_description].filter((v) => typeof v === "string").join(": ");
  }
  return typeof body === "string" ? body.trim().slice(0, 300) : "";
}

export function explainNetworkError(url) {
  return `The request to ${new URL(url).origin} did not complete. The server may be down, its name may not ` +
    "resolve, or it refused this page's cross-origin (CORS) request; browsers do not say which.";
}

// context: {sent: "user"|"app"|null, choice: result of chooseToken, retryAfter: X-RateLimit-Reset,
//           permission: the role permission's name an admin endpoint needs}
export function explainStatus(status, body, context = {}) {
  const said = errorText(body);
  const quoted = said ? ` The instance said: "${said}".` : "";
  if (status >= 200 && status < 400) return "";
  if (status === 401) {
    return (context.sent ? "The instance did not accept the token: it is invalid, revoked or from another server."
      : "This endpoint needs a token and none was sent.") + quoted;
  }
  if (status === 403) {
    if (/outside the authorized scopes/i.test(said) || /insufficient_scope/.test(context.wwwAuthenticate ?? "")) {
      const needs = context.choice?.missing?.length ? ` It needs ${context.choice.missing.join(" + ")}.` : "";
      return `The token lacks a scope this endpoint needs.${needs} Get a token with that scope.` + quoted;
    }
    if (/client credentials/i.test(said)) return "This endpoint needs an app token, not a user token." + quoted;
    if (context.permission && context.sent === "user") {
      // Mastodon answers "This action is not allowed" when the account's role lacks the permission.
      return `This endpoint needs an account whose role has the ${context.permission} permission, and this ` +
        "account's role does not have it. An administrator can grant it under Administration, Roles." + quoted;
    }
    return "The instance refused the action for this account or token." + quoted;
  }
  if (status === 422) {
    if (/requires an authenticated user/i.test(said)) {
      return "This endpoint needs a user token; the token sent belongs to no user (an app token)." + quoted;
    }
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
