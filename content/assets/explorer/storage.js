// What the explorer keeps. App credentials: localStorage, per instance (until "forget").
// Tokens: sessionStorage, unless the reader opts in to remembering them (localStorage).
// A full or disabled storage never breaks the page: reads give null, a refused write returns
// false and calls storage.onRefused(full) so the page can say so in words.

const PREFIX = "mc-explorer:";

function read(name, key) {
  try {
    return JSON.parse(globalThis[name].getItem(PREFIX + key) ?? "null");
  } catch {
    return null;  // unreadable JSON, or storage the browser denies (the getter itself throws)
  }
}

function write(name, key, value) {
  try {
    if (value === null || value === undefined) globalThis[name].removeItem(PREFIX + key);
    else globalThis[name].setItem(PREFIX + key, JSON.stringify(value));
    return true;
  } catch (error) {
    storage.onRefused(error?.name === "QuotaExceededError" || error?.code === 22);
    return false;
  }
}

export const storage = {
  onRefused: () => {},
  lastInstance: () => read("localStorage", "instance"),
  setLastInstance: (origin) => write("localStorage", "instance", origin),
  app: (origin) => (read("localStorage", "apps") ?? {})[origin] ?? null,
  setApp(origin, app) {
    const apps = read("localStorage", "apps") ?? {};
    if (app) apps[origin] = app;
    else delete apps[origin];
    return write("localStorage", "apps", apps);
  },
  remember: () => read("localStorage", "remember") === true,
  setRemember(on) {
    return write("localStorage", "remember", on || null);
  },
  tokens(origin) {
    return read(this.remember() ? "localStorage" : "sessionStorage", "tokens:" + origin) ?? {};
  },
  setTokens(origin, tokens) {
    const [keep, drop] = this.remember() ? ["localStorage", "sessionStorage"] : ["sessionStorage", "localStorage"];
    write(drop, "tokens:" + origin, null);
    return write(keep, "tokens:" + origin, Object.keys(tokens).length ? tokens : null);
  },
  pending: () => read("sessionStorage", "pending"),
  setPending: (value) => write("sessionStorage", "pending", value),
};
