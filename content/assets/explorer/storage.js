// What the explorer keeps. App credentials: localStorage, per instance (until "forget").
// Tokens: sessionStorage, unless the reader opts in to remembering them (localStorage).

const PREFIX = "mc-explorer:";

function read(store, key) {
  try {
    return JSON.parse(store.getItem(PREFIX + key) ?? "null");
  } catch {
    return null;
  }
}

function write(store, key, value) {
  if (value === null || value === undefined) store.removeItem(PREFIX + key);
  else store.setItem(PREFIX + key, JSON.stringify(value));
}

export const storage = {
  lastInstance: () => read(localStorage, "instance"),
  setLastInstance: (origin) => write(localStorage, "instance", origin),
  app: (origin) => (read(localStorage, "apps") ?? {})[origin] ?? null,
  setApp(origin, app) {
    const apps = read(localStorage, "apps") ?? {};
    if (app) apps[origin] = app;
    else delete apps[origin];
    write(localStorage, "apps", apps);
  },
  remember: () => read(localStorage, "remember") === true,
  setRemember(on) {
    write(localStorage, "remember", on || null);
  },
  tokens(origin) {
    return read(this.remember() ? localStorage : sessionStorage, "tokens:" + origin) ?? {};
  },
  setTokens(origin, tokens) {
    const [keep, drop] = this.remember() ? [localStorage, sessionStorage] : [sessionStorage, localStorage];
    write(drop, "tokens:" + origin, null);
    write(keep, "tokens:" + origin, Object.keys(tokens).length ? tokens : null);
  },
  pending: () => read(sessionStorage, "pending"),
  setPending: (value) => write(sessionStorage, "pending", value),
};
