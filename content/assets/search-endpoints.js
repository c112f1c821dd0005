// Endpoint and scope shortcuts above Material's search results. Material's search (Lunr) has no phrase or
// path matching, so a query like "/api/v1/statuses/123/favourite", "accounts/block" or a title
// often puts another section first. When the query names an endpoint (its id, its path or a
// fragment of it, with real values in place of :id, or its exact title), the endpoint's own
// section is listed first; a scope's exact name lists its section on the scopes page first. The
// lists are catalog.json's, fetched once, on the first search. Text only: nothing from the
// catalog is inserted as HTML.

// The scopes page and its section ids, as the plugin writes them (scope_anchor: ":" and "_" -> "-");
// tests/test_search.py checks every scope's shortcut against the built page.
const SCOPES_PAGE = "api/oauth-scopes/";

const METHOD = /^(GET|POST|PUT|PATCH|DELETE)\s+/i;

function segments(path) {
  return path.split("/").filter(Boolean);
}

// How well the query's path segments match a contiguous run of the endpoint's: a placeholder
// (":id") on either side matches any segment. 0 when they do not.
function pathScore(query, path) {
  const want = segments(query), have = segments(path);
  if (!want.length || want.length > have.length) return 0;
  // One segment alone must be the segment itself: "update_credentials" fills no ":id".
  const same = want.length === 1 ? (a, b) => a === b : (a, b) => a === b || a.startsWith(":") || b.startsWith(":");
  let best = 0;
  for (let start = 0; start + want.length <= have.length; start++) {
    if (!want.every((segment, i) => same(segment, have[start + i]))) continue;
    const exact = want.filter((segment, i) => segment === have[start + i]).length;
    const whole = start === 0 && want.length === have.length;
    const end = start + want.length === have.length;
    // A whole path beats a fragment ending the path beats one inside it; fewer placeholders
    // filled in and fewer segments left over rank higher.
    const score = (whole ? 300 : end ? 200 : 100) + 10 * exact - (have.length - want.length);
    best = Math.max(best, score);
  }
  return best;
}

/** The endpoints a query names, best first (at most `limit`). */
export function rank(query, endpoints, limit = 5) {
  return scores(query, endpoints).slice(0, limit).map(s => s.endpoint);
}

/** Every endpoint the query names, with its score, best first. */
export function scores(query, endpoints) {
  let text = query.trim().replace(/\s+/g, " ");
  // "GET /api/v1/..." or "get statuses/:id", but not the title "Get account".
  const method = text.includes("/") ? text.match(METHOD)?.[1].toUpperCase() : undefined;
  if (method) text = text.replace(METHOD, "");
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, "").replace(/[?#].*$/, "");  // a whole URL: its path
  if (text.length < 3) return [];
  const lower = text.toLowerCase();
  // A path or a fragment of one ("timelines/home", "statuses/123/favourite"), or one segment
  // written like a path's ("update_credentials"); a scope ("read:statuses") is neither.
  const identifier = !/\s/.test(text) && (text.includes("/") || /^[a-z0-9]+(_[a-z0-9]+)+$/i.test(text));
  const scored = [];
  for (const endpoint of endpoints) {
    if (method && endpoint.method !== method) continue;
    let score = 0;
    if (endpoint.id.toLowerCase() === lower) score = 1000;
    else if (endpoint.title.toLowerCase() === lower) score = 900;
    else if (identifier) {
      score = pathScore(text, endpoint.path);
    } else if (lower.split(" ").length >= 2 && endpoint.title.toLowerCase().startsWith(lower)) {
      score = 50;
    }
    if (score > 0) scored.push({ endpoint, score: score - (endpoint.removed ? 5 : 0) });
  }
  return scored.sort((a, b) => b.score - a.score || a.endpoint.path.length - b.endpoint.path.length);
}

// -- the page: Material's search box and result list --------------------------------------------

/** The scope a query names exactly, as a shortcut ({title, text, url}), or null. */
export function scopeShortcut(query, scopes) {
  const name = query.trim().toLowerCase();
  const scope = scopes.find((s) => s.name === name);
  return scope && { title: `The ${scope.name} scope`, text: String(scope.summary).replace(/`/g, ""),
                    url: `${SCOPES_PAGE}#${scope.name.replace(/[:_]/g, "-")}` };
}

let catalog = null;

function base() {
  const config = document.getElementById("__config");
  return new URL(`${config ? JSON.parse(config.textContent).base : "."}/`, location.href);
}

function load() {
  catalog ??= fetch(new URL("catalog.json", base()))
    .then(answer => (answer.ok ? answer.json() : {}))
    .then(data => ({ endpoints: Array.isArray(data.endpoints) ? data.endpoints : [],
                     scopes: Array.isArray(data.scopes) ? data.scopes : [] }))
    .catch(() => ({ endpoints: [], scopes: [] }));
  return catalog;
}

// One result, as Material draws its own: a title, then the signature (code) or a sentence.
function item({ title: heading, code: signature, text, url }) {
  const li = document.createElement("li");
  li.className = "md-search-result__item mc-search-endpoint";
  const link = document.createElement("a");
  link.className = "md-search-result__link";
  link.href = new URL(url, base()).href;
  const article = document.createElement("article");
  article.className = "md-search-result__article md-typeset";
  const title = document.createElement("h1");
  title.textContent = heading;
  const line = document.createElement("p");
  if (signature) {
    const code = document.createElement("code");
    code.textContent = signature;
    line.append(code);
  } else {
    line.textContent = text;
  }
  article.append(title, line);
  link.append(article);
  li.append(link);
  return li;
}

function start() {
  const input = document.querySelector("input.md-search__input");
  const list = document.querySelector(".md-search-result__list");
  if (!input || !list || input.dataset.mcEndpoints) return;
  input.dataset.mcEndpoints = "";
  let shown = [];
  const show = async () => {
    const { endpoints, scopes } = await load();
    const scope = scopeShortcut(input.value, scopes);
    const found = rank(input.value, endpoints).map(e => ({ title: e.title, code: `${e.method} ${e.path}`, url: e.url }));
    for (const old of list.querySelectorAll(":scope > .mc-search-endpoint")) old.remove();
    shown = (scope ? [scope, ...found] : found).map(item);
    list.prepend(...shown);
  };
  input.addEventListener("focus", load, { once: true });
  // Material re-renders the list after each keystroke: put the shortcuts back on top.
  new MutationObserver(() => {
    if (shown.length && list.firstElementChild !== shown[0]) list.prepend(...shown);
  }).observe(list, { childList: true });
  input.addEventListener("input", show);
  input.addEventListener("keyup", show);
}

if (typeof document !== "undefined") {
  if (window.document$?.subscribe) window.document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
