// The drift report: a JSON answer against catalog.json's entities. No DOM; the instance's
// names, values and version end up in one-line, cut-short text.

export const LIMITS = { findings: 200, items: 50, depth: 32 };
const STRINGS = ["string", "datetime", "date", "url", "html", "email"];  // formats are not checked
const KINDS = { undocumented: "undocumented field", missing: "missing field", type: "type mismatch",
                value: "undocumented value", removed: "removed field" };

// "4.3.1+glitch" -> [4, 3, 1]; "v4.2" -> [4, 2, 0]; else null.
export function parseVersion(text) {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(typeof text === "string" ? text : "");
  return m && [+m[1], +m[2], +(m[3] ?? 0)];
}

const clip = (text, max = 60) => {
  const line = String(text).replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ");
  return line.length > max ? line.slice(0, max - 1) + "…" : line;
};
const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${clip(JSON.stringify(name), 80)}]`);
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const got = (v) => v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object"
  : `${typeof v} ${clip(JSON.stringify(v), 40)}`;
const fits = (v, t) => STRINGS.includes(t) ? typeof v === "string" : t === "integer" ? Number.isInteger(v)
  : t === "number" || t === "boolean" ? typeof v === t : t !== "hash" || isObject(v);  // unknown types: anything

// `value` against `type` ("Status", "array of Tag", "integer"...): { findings, more, unchecked }.
// A finding reads `${path}: ${text}${entity}${tail}`; entity: the documenting entity, or "".
// Attributes added after the server's version are not missing; removed after it, not removed.
export function compare(value, type, entities, { serverVersion, limits = LIMITS } = {}) {
  const server = parseVersion(serverVersion);
  const newer = (v) => {  // than the server
    const a = server && v && parseVersion(v), i = a ? a.findIndex((n, j) => n !== server[j]) : -1;
    return i >= 0 && a[i] > server[i];
  };
  const findings = [];
  let total = 0, unchecked = 0;
  const add = (kind, path, text, entity = "", tail = "") =>
    total++ < limits.findings && findings.push({ kind, path, text, entity, tail });

  // spec: the attribute that documents this place ({nullable, enum}), if any.
  function check(v, t, path, depth, entity, spec) {
    const mismatch = () => add("type", path, `documented as ${v === null ? "non-nullable " : ""}${t}${entity && " in "}`,
                               entity, `, got ${got(v)}`);
    if (v === null) return spec?.nullable || mismatch();
    const many = /^(array|hash) of (.+)$/.exec(t);
    if (many) {
      const names = many[1] === "array" ? Array.isArray(v) && [...v.keys()] : isObject(v) && Object.keys(v);
      if (!names) return mismatch();
      unchecked += Math.max(0, names.length - limits.items);
      for (const name of names.slice(0, limits.items)) {  // an enum applies to each item
        check(v[name], many[2], typeof name === "number" ? `${path}[${name}]` : path + key(name), depth + 1, entity,
              { enum: spec?.enum });
      }
    } else if (t.includes(" or ") && depth <= limits.depth) {  // "Quote or ShallowQuote": the best fit, one level deep
      const score = (alt) => {
        const shallow = compare(v, alt, entities, { serverVersion, limits: { ...limits, depth: 0 } });
        return shallow.findings.length + shallow.more;
      };
      check(v, t.split(" or ").reduce((x, y) => (score(y) < score(x) ? y : x)), path, depth, entity, spec);
    } else if (!Object.hasOwn(entities, t)) {
      if (!fits(v, t)) mismatch();
      else if (spec?.enum && !spec.enum.includes(v)) {
        add("value", path, `${got(v)} is not a value `, entity, ` documents (${spec.enum.join(", ")})`);
      }
    } else if (!isObject(v)) mismatch();
    else if (depth > limits.depth) unchecked++;
    else {
      const attributes = entities[t].attributes;
      for (const [name, item] of Object.entries(v)) {
        const a = Object.hasOwn(attributes, name) && attributes[name];  // never Object.prototype's
        if (!a) add("undocumented", path + key(name), "not documented in ", t);
        else if (a.removed && !newer(a.removed)) add("removed", path + key(name), `documented as removed in ${a.removed} in `, t);
        else check(item, a.type, path + key(name), depth + 1, t, a);
      }
      for (const [name, a] of Object.entries(attributes)) {
        if (!a.optional && !a.removed && !newer(a.added) && !Object.hasOwn(v, name)) {
          add("missing", path + key(name), "missing; ", t, ` documents it as always present (${a.type})`);
        }
      }
    }
  }

  check(value, type, "$", 0, "", null);
  return { findings, more: total - findings.length, unchecked };
}

export const line = (f) => `${f.path}: ${f.text}${f.entity}${f.tail}`;

export function summary(result) {
  const count = result.findings.length + result.more;
  if (!count) return `Matches the documented ${result.type}.`;
  const counts = Object.entries(KINDS).map(([kind, word]) => {
    const n = result.findings.filter((f) => f.kind === kind).length;
    return n && `${n} ${word}${n === 1 ? "" : kind === "type" ? "es" : "s"}`;
  });
  return `${count} difference${count > 1 ? "s" : ""} from the documented ${result.type}: ` +
    counts.filter(Boolean).join(", ") + (result.more ? ` among the first ${result.findings.length}.` : ".") +
    (result.unchecked ? ` ${result.unchecked} items past the first ${LIMITS.items} of a list, or too deep, not checked.` : "");
}

// An answer's report, or null: against the endpoint's JSON answers of its status (of several,
// the one with the fewest findings, the first on a tie), else Error for a 4xx or 5xx.
export function driftReport(answer, endpoint, catalog, serverVersion, origin) {
  const entities = catalog?.entities;
  if (answer.json === undefined || !entities) return null;
  let types = (endpoint.answers ?? []).filter((a) => a.status === answer.status && a.body === "json" && a.type)
    .map((a) => a.type);
  if (!types.length && answer.status >= 400 && Object.hasOwn(entities, "Error")) types = ["Error"];
  let best = null;
  for (const type of types) {
    const result = { type, ...compare(answer.json, type, entities, { serverVersion }) };
    if (!best || result.findings.length + result.more < best.findings.length + best.more) best = result;
  }
  if (!best) return null;
  const version = serverVersion ? ` (version ${clip(serverVersion)})` : "";
  return { ...best, summary: summary(best), text: [
    `Drift report: ${endpoint.method} ${endpoint.path} on ${origin}${version}, against the docs of Mastodon ` +
    catalog.mastodon, summary(best), ...best.findings.map(line), best.more ? `… and ${best.more} more` : ""]
    .filter(Boolean).join("\n") };
}
