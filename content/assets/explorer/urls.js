// Instance addresses: what a reader types, turned into an origin we may talk to.

export class InputError extends Error {}

export function isLoopbackHost(hostname) {
  const host = String(hostname).replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" ||
    /^127(\.\d{1,3}){3}$/.test(host);
}

// "mastodon.social", "https://mastodon.social/@someone", "127.0.0.1:3000" -> an origin.
// https is required except on loopback, where plain http is what a local server speaks.
export function normaliseInstance(input) {
  const text = String(input ?? "").trim();
  if (!text) throw new InputError("Type an instance, for example mastodon.social.");
  if (/\s/.test(text)) throw new InputError(`"${text}" is not a domain name or a URL.`);
  let candidate = text.replace(/^@?[^@\s/]+@(?=[^@\s/]+$)/, ""); // "user@host" -> "host"
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) {
    const host = candidate.split(/[/:?#]/)[0];
    candidate = (isLoopbackHost(host) ? "http://" : "https://") + candidate;
  }
  let url;
  try {
    url = new URL(candidate);
  } catch {
    throw new InputError(`"${text}" is not a domain name or a URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InputError(`"${url.protocol}" addresses cannot be instances: use https.`);
  }
  if (url.username || url.password) throw new InputError("Leave user names and passwords out of the address.");
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new InputError(`Plain http is only allowed on this machine (loopback); use https://${url.host}.`);
  }
  if (!url.hostname.includes(".") && !isLoopbackHost(url.hostname) && !url.hostname.includes(":")) {
    throw new InputError(`"${url.hostname}" is not a full domain name (for example mastodon.social).`);
  }
  return url.origin;
}

// A URL the instance gave (or a path on it), resolved once and kept whole: the href whose
// origin was checked is the href used, so "//other.example/x" is never re-read as a path later.
// null for anything else: another origin, userinfo (fetch refuses it), not http(s), not a string.
export function onInstance(value, origin) {
  if (typeof value !== "string") return null;
  let url;
  try {
    url = new URL(value, origin + "/");
  } catch {
    return null;
  }
  const ok = url.origin === origin && /^https?:$/.test(url.protocol) && !url.username && !url.password;
  return ok ? url.href : null;
}
