// Scope satisfaction with the catalog's hierarchy, and the choice of token for an endpoint.

// catalogScopes: [{name, grants: [every scope it grants, transitively]}] from catalog.json.
export function held(granted, catalogScopes) {
  const grants = new Map(catalogScopes.map((s) => [s.name, s.grants]));
  const out = new Set();
  for (const scope of granted) {
    out.add(scope);
    for (const child of grants.get(scope) ?? []) out.add(child);
  }
  return out;
}

export function missingScopes(granted, alternative, catalogScopes) {
  const have = held(granted, catalogScopes);
  return alternative.scopes.filter((scope) => !have.has(scope));
}

export function satisfies(granted, alternative, catalogScopes) {
  return missingScopes(granted, alternative, catalogScopes).length === 0;
}

// As the pages' labels say it; `older` adds that the connected server predates it.
export function describeAlternative(alternative, older = false) {
  const kind = { public: "Public", app: "App token", user: "User token" }[alternative.token];
  const scopes = alternative.scopes.length ? " + " + alternative.scopes.join(" + ") : "";
  const since = alternative.since ? ` (since ${alternative.since}${older ? "; this server is older" : ""})` : "";
  return kind + scopes + since + (alternative.when ? ` (${alternative.when})` : "");
}

// tokens: {user: {scopes: [...]}|null, app: {scopes: [...]}|null}; scopes null means unknown
// (a pasted token). Prefers an alternative a held token meets (user, then app), then public.
// Returns {token: "user"|"app"|null, alternative, met, missing, unknown}.
export function chooseToken(endpoint, tokens, catalogScopes) {
  const alternatives = endpoint.oauth;
  for (const kind of ["user", "app"]) {
    const token = tokens[kind];
    if (!token) continue;
    for (const alternative of alternatives.filter((a) => a.token === kind)) {
      if (token.scopes === null) return { token: kind, alternative, met: true, missing: [], unknown: true };
      if (satisfies(token.scopes, alternative, catalogScopes)) {
        return { token: kind, alternative, met: true, missing: [], unknown: false };
      }
    }
  }
  const open = alternatives.find((a) => a.token === "public");
  if (open) return { token: null, alternative: open, met: true, missing: [], unknown: false };
  // Nothing is met: name the closest alternative a held token could grow into.
  let best = null;
  for (const alternative of alternatives) {
    const token = tokens[alternative.token];
    const missing = token ? missingScopes(token.scopes ?? [], alternative, catalogScopes) : alternative.scopes;
    const score = (token ? 0 : 100) + missing.length;
    if (!best || score < best.score) best = { score, alternative, missing, token: token ? alternative.token : null };
  }
  // A token of another kind would be refused: send none.
  return { token: best.token, alternative: best.alternative, met: false, missing: best.missing, unknown: false };
}
