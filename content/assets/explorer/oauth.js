// Checks on what comes back from an OAuth flow, before the explorer relies on it.

// As long as Mastodon's authorization codes live: a callback after that is stale.
export const LOGIN_LIFETIME_MS = 10 * 60 * 1000;
const TOKEN_MAX = 4096;

// Why a callback's state is refused ("none", "mismatch" or "expired"), or null when it is the login
// this tab started, less than LOGIN_LIFETIME_MS ago.
export function callbackProblem(pending, returned, now = Date.now()) {
  if (!pending) return "none";  // finished in another tab, or never started here
  if (typeof pending.state !== "string" || !returned || returned !== pending.state) return "mismatch";
  // abs: a creation time in the future is as wrong as an old one; NaN (no time) fails too.
  return Math.abs(now - pending.created) <= LOGIN_LIFETIME_MS ? null : "expired";
}

// Why a value cannot be used as a bearer token, or null. It has to fit in an Authorization
// header: visible ASCII only (fetch throws on anything else), and a sane length.
export function tokenProblem(value) {
  if (value === undefined || value === null) return "there is none";
  if (typeof value !== "string") return "it is not text";
  if (!value) return "it is empty";
  if (value.length > TOKEN_MAX) return `it is over ${TOKEN_MAX} characters long`;
  if (/[^\x21-\x7e]/.test(value)) {
    return "it contains spaces, control characters or non-ASCII characters, which an Authorization header cannot carry";
  }
  return null;
}
