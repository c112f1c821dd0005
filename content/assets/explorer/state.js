// The state the panels share, and decisions on it (no DOM).

import { chooseToken } from "./scopes.js";

export function createState() {
  return { catalog: null, instance: null, info: null, server: null, app: null, tokens: {}, endpoint: null, last: null,
           pages: {} };
}

// An answer that arrives after the reader connected elsewhere belongs to the old instance.
export const MOVED = "The instance was changed while this was under way: its answer was dropped, and nothing " +
  "was kept or sent further.";

export const scopeList = (text) => (text === null ? null : text.split(/\s+/).filter(Boolean));

export function currentChoice(state) {
  const tokens = {};
  for (const kind of ["user", "app"]) {
    if (state.tokens[kind]) tokens[kind] = { scopes: state.tokens[kind].scopes };
  }
  return chooseToken(state.endpoint, tokens, state.catalog.scopes);
}

// A token held for state.instance: the one origin it may go to.
export const tokenFor = (state, choice) => (choice.token ? state.tokens[choice.token]?.token : undefined);
