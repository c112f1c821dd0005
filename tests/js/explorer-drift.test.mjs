// The drift report's comparison (drift.js): a JSON answer against the documented entity, on
// hand-made entities, then against the real catalog and the entity examples the site shows.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { compare, driftReport, line, LIMITS, parseVersion, summary } from "../../content/assets/explorer/drift.js";

const ENTITIES = {
  Thing: { url: "entities/Thing/#Thing", attributes: {
    id: { type: "string" }, count: { type: "integer" }, ratio: { type: "number" }, flag: { type: "boolean" },
    at: { type: "datetime" }, link: { type: "url" }, meta: { type: "hash" },
    note: { type: "string", optional: true },
    parent: { type: "Thing", nullable: true },
    owner: { type: "Owner" },
    tags: { type: "array of Tag" },
    kind: { type: "string", enum: ["a", "b"] },
    modes: { type: "array of string", enum: ["x", "y"], optional: true },
    old: { type: "string", removed: "3.0.0" },
    fresh: { type: "string", added: "4.5.0" },
    quote: { type: "Quote or ShallowQuote", nullable: true, optional: true },
    either: { type: "array of integer or string", optional: true },
  } },
  Quote: { url: "entities/Quote/#Quote", attributes: { state: { type: "string" }, quoted: { type: "Thing", nullable: true } } },
  ShallowQuote: { url: "entities/ShallowQuote/#ShallowQuote", attributes: { state: { type: "string" },
                                                                             quoted_id: { type: "string", nullable: true } } },
  Owner: { url: "entities/Owner/#Owner", attributes: { name: { type: "string" }, emojis: { type: "array of Emoji" } } },
  Emoji: { url: "entities/Emoji/#Emoji", attributes: { shortcode: { type: "string" }, url: { type: "url" } } },
  Tag: { url: "entities/Tag/#Tag", attributes: { name: { type: "string" } } },
  Marker: { url: "entities/Marker/#Marker", attributes: { last_read_id: { type: "string" }, version: { type: "integer" } } },
  Error: { url: "entities/Error/#Error", attributes: { error: { type: "string" },
                                                     error_description: { type: "string", optional: true } } },
};

const thing = (extra = {}) => ({
  id: "1", count: 3, ratio: 0.5, flag: false, at: "2026-01-01T00:00:00.000Z", link: "", meta: { any: [1] },
  parent: null, owner: { name: "alice", emojis: [{ shortcode: "blob", url: "https://x.example/b.png" }] },
  tags: [{ name: "a" }], kind: "a", fresh: "new", ...extra });

const check = (value, type = "Thing", options) => compare(value, type, ENTITIES, options);
const lines = (result) => result.findings.map(line);

test("an answer as documented has no findings; optional, nullable, empty url and any hash are fine", () => {
  const result = check(thing());
  assert.deepEqual(result, { findings: [], more: 0, unchecked: 0 });
  assert.equal(summary({ type: "Thing", ...result }), "Matches the documented Thing.");
  assert.deepEqual(check(thing({ note: "n", parent: thing(), ratio: 2, modes: ["x", "y"] })).findings, []);
});

test("a field the docs do not describe, under any name, is undocumented; no name reaches Object.prototype", () => {
  const odd = JSON.parse('{"<img src=x onerror=alert(1)>": 1, "__proto__": {}, "constructor": 2, "a b": 3}');
  const result = check(thing({ extra: true, ...odd }));
  assert.deepEqual(lines(result), [
    "$.extra: not documented in Thing",
    '$["<img src=x onerror=alert(1)>"]: not documented in Thing',
    "$.__proto__: not documented in Thing",
    "$.constructor: not documented in Thing",
    '$["a b"]: not documented in Thing',
  ]);
  assert.deepEqual(result.findings[0], { kind: "undocumented", path: "$.extra", text: "not documented in ",
                                         entity: "Thing", tail: "" });
});

test("a union: the alternative that fits best, judged one level deep", () => {
  assert.deepEqual(check(thing({ quote: { state: "accepted", quoted_id: "9" }, either: [1, "a", 2] })).findings, []);
  assert.deepEqual(check(thing({ quote: { state: "accepted", quoted: thing() } })).findings, []);
  assert.deepEqual(lines(check(thing({ quote: { state: "accepted", quoted: thing({ id: 2 }) } }))),
                   ["$.quote.quoted.id: documented as string in Thing, got number 2"]);
  assert.deepEqual(lines(check(thing({ quote: { state: 1, quoted_id: "9", x: 1 } }))), [
    "$.quote.state: documented as string in ShallowQuote, got number 1",
    "$.quote.x: not documented in ShallowQuote",
  ]);
  assert.deepEqual(lines(check(thing({ quote: "q", either: [true] }))), [
    '$.quote: documented as Quote in Thing, got string "q"',
    "$.either[0]: documented as integer in Thing, got boolean true",
  ]);
  // Quotes of quotes: each level is judged once more, never the whole subtree per alternative.
  let deep = thing();
  for (let i = 0; i < 40; i++) deep = thing({ quote: { state: "accepted", quoted: deep } });
  assert.ok(check(deep).unchecked > 0);
});

test("a required field missing is reported; an optional or removed one is not", () => {
  const value = thing();
  delete value.id;
  delete value.owner.name;
  assert.deepEqual(lines(check(value)), [
    "$.owner.name: missing; Owner documents it as always present (string)",
    "$.id: missing; Thing documents it as always present (string)",
  ]);
  assert.deepEqual(check(value).findings[1], { kind: "missing", path: "$.id", text: "missing; ", entity: "Thing",
                                               tail: " documents it as always present (string)" });
});

test("types: null where not nullable, a string for an integer, a fraction for an integer, an object for a string", () => {
  const result = check(thing({ count: "3", ratio: "0.5", flag: 0, at: null, link: 5, meta: [], owner: null, id: { a: 1 },
                               tags: {} }));
  assert.deepEqual(lines(result), [
    '$.id: documented as string in Thing, got an object',
    '$.count: documented as integer in Thing, got string "3"',
    '$.ratio: documented as number in Thing, got string "0.5"',
    "$.flag: documented as boolean in Thing, got number 0",
    "$.at: documented as non-nullable datetime in Thing, got null",
    "$.link: documented as url in Thing, got number 5",
    "$.meta: documented as hash in Thing, got an array",
    "$.owner: documented as non-nullable Owner in Thing, got null",
    "$.tags: documented as array of Tag in Thing, got an object",
  ]);
  assert.deepEqual(result.findings[1], { kind: "type", path: "$.count", text: "documented as integer in ",
                                         entity: "Thing", tail: ', got string "3"' });
  assert.deepEqual(lines(check(thing({ count: 1.5 }))), ["$.count: documented as integer in Thing, got number 1.5"]);
  assert.deepEqual(lines(check({ id: 1 }, "array of Thing")), ["$: documented as array of Thing, got an object"]);
  assert.deepEqual(lines(check(null)), ["$: documented as non-nullable Thing, got null"]);
  assert.equal(check(null).findings[0].entity, "", "nothing to link at the top");
});

test("every element of an array is checked, with its index in the path; nested entities too", () => {
  const list = [thing(), thing(), thing(), thing({ id: 4 }), thing()];
  list[4].owner.emojis.push({ shortcode: "x", url: null });
  assert.deepEqual(lines(check(list, "array of Thing")), [
    "$[3].id: documented as string in Thing, got number 4",
    "$[4].owner.emojis[1].url: documented as non-nullable url in Emoji, got null",
  ]);
  const nested = thing({ parent: thing({ tags: [{ name: "t" }, { name: "u", x: 1 }, null] }) });
  assert.deepEqual(lines(check(nested)), [
    "$.parent.tags[1].x: not documented in Tag",
    "$.parent.tags[2]: documented as non-nullable Tag in Thing, got null",
  ]);
});

test("a hash of an entity: each value is one, keyed by anything", () => {
  const markers = { home: { last_read_id: "1", version: 2 }, notifications: { last_read_id: 5, version: 2 } };
  assert.deepEqual(lines(check(markers, "hash of Marker")),
                   ["$.notifications.last_read_id: documented as string in Marker, got number 5"]);
  assert.deepEqual(lines(check([], "hash of Marker")), ["$: documented as hash of Marker, got an array"]);
  assert.deepEqual(check({ "zh-Hant": ["en"] }, "hash of array of string").findings, []);
});

test("a value outside the documented enum is reported as an undocumented value, in arrays too", () => {
  const result = check(thing({ kind: "c", modes: ["x", "z"] }));
  assert.deepEqual(lines(result), ['$.kind: string "c" is not a value Thing documents (a, b)',
                                   '$.modes[1]: string "z" is not a value Thing documents (x, y)']);
  assert.equal(result.findings[0].kind, "value");
  assert.equal(summary({ type: "Thing", ...result }),
               "2 differences from the documented Thing: 2 undocumented values.");
});

test("a removed attribute that is still sent is reported, unless the server predates its removal", () => {
  assert.deepEqual(lines(check(thing({ old: "x" }))), ["$.old: documented as removed in 3.0.0 in Thing"]);
  assert.deepEqual(check(thing({ old: "x" }), "Thing", { serverVersion: "2.9.4" }).findings, []);
  assert.equal(check(thing({ old: "x" }), "Thing", { serverVersion: "3.0.0" }).findings.length, 1);
});

test("an attribute added after the server's version is not missing from its answers", () => {
  const value = thing();
  delete value.fresh;
  for (const version of ["4.3.0+glitch", "4.4.9", "v4.2", "2.7.2 (compatible; Pleroma 2.5.0)"]) {
    assert.deepEqual(check(value, "Thing", { serverVersion: version }).findings, [], version);
  }
  for (const version of [undefined, "4.5.0", "4.10.0", "not a version", "<img src=x>"]) {
    assert.deepEqual(lines(check(value, "Thing", { serverVersion: version })),
                     ["$.fresh: missing; Thing documents it as always present (string)"], String(version));
  }
  assert.deepEqual(parseVersion("4.3.1+glitch"), [4, 3, 1]);
  assert.deepEqual(parseVersion("4.2"), [4, 2, 0]);
  assert.equal(parseVersion(42), null);
});

test("the walk is bounded: at most 200 findings, 50 items per array, a bounded depth", () => {
  const many = Array.from({ length: 80 }, (_, i) => thing({ id: i, count: "x", flag: "y", kind: "z" }));
  const result = check(many, "array of Thing");
  assert.equal(result.findings.length, LIMITS.findings);
  assert.equal(result.more, 0);  // the first 50 items, 4 findings each
  assert.equal(result.unchecked, 30);
  assert.equal(summary({ type: "array of Thing", ...result }), "200 differences from the documented array of Thing: " +
               "150 type mismatches, 50 undocumented values. 30 items past the first 50 of a list, or too deep, " +
               "not checked.");
  const exact = check(many.slice(0, 60), "array of Thing");
  assert.equal(exact.more, 0);
  let deep = thing();
  for (let i = 0; i < 5000; i++) deep = thing({ parent: deep });
  const bounded = check(deep);
  assert.deepEqual(bounded.findings, []);
  assert.ok(bounded.unchecked > 0);
  const wide = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, { last_read_id: 1, version: 1 }]));
  assert.equal(check(wide, "hash of Marker").unchecked, 20);
});

const CATALOG = { mastodon: "4.7.0", entities: ENTITIES };
const THINGS = { method: "GET", path: "/api/v1/things", answers: [{ status: 200, body: "json", type: "array of Thing" }] };
const json = (status, body) => ({ status, json: body });

test("the report as text: a header line, the summary, one line per finding, what was left out", () => {
  const many = Array.from({ length: 60 }, (_, i) => thing({ id: i, count: "x", flag: "y", kind: "z", extra: 1 }));
  const report = driftReport(json(200, many), THINGS, CATALOG, "4.3.0\n<b>x</b>", "https://instance.example");
  const all = report.text.split("\n");
  assert.equal(all[0], "Drift report: GET /api/v1/things on https://instance.example (version 4.3.0 <b>x</b>), " +
                       "against the docs of Mastodon 4.7.0");
  assert.equal(all[1], "250 differences from the documented array of Thing: 40 undocumented fields, 120 type mismatches, " +
                       "40 undocumented values among the first 200. 10 items past the first 50 of a list, or too deep, " +
                       "not checked.");
  assert.equal(all[1], report.summary);
  assert.equal(all[2], "$[0].id: documented as string in Thing, got number 0");
  assert.equal(all.length, 2 + 200 + 1);
  assert.equal(all.at(-1), "… and 50 more");
  const clean = driftReport(json(200, [thing()]), { ...THINGS, path: "/api/v1/things/:id" }, CATALOG, undefined,
                            "https://instance.example");
  assert.equal(clean.text, "Drift report: GET /api/v1/things/:id on https://instance.example, against the docs of " +
                           "Mastodon 4.7.0\nMatches the documented array of Thing.");
});

test("which documented answer: the status's JSON answers, the best fitting one, the Error entity for a failure", () => {
  const endpoint = { method: "POST", path: "/x", answers: [{ status: 200, body: "json", type: "Thing" },
                                                           { status: 200, body: "json", type: "Tag" },
                                                           { status: 202, body: "empty", type: null }] };
  const report = (status, body, catalog = CATALOG) => driftReport(json(status, body), endpoint, catalog, "4.7.0", "o");
  assert.equal(report(200, { name: "t" }).type, "Tag");
  assert.equal(report(200, thing()).type, "Thing");
  assert.equal(report(200, {}).type, "Tag");  // 1 finding against Tag, more against Thing
  assert.equal(report(200, []).type, "Thing");  // a tie: the first
  assert.equal(report(202, {}), null);
  assert.equal(report(201, {}), null);
  assert.equal(report(422, { error: "Validation failed" }).summary, "Matches the documented Error.");
  assert.equal(report(422, { error: "x" }, { mastodon: "4.7.0", entities: {} }), null);
  assert.equal(report(200, { name: "t" }, { endpoints: [] }), null, "a catalog.json without entities");
  assert.equal(driftReport({ status: 200, json: undefined, text: "<html>" }, endpoint, CATALOG, "", "o"), null);
});

// -- against the real catalog ----------------------------------------------------------------

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = process.env.PYTHON ?? [join(ROOT, ".venv", "bin", "python"), "python3"].find((p) => p === "python3" || existsSync(p));
const EXPORT = `
import json, sys
sys.path.insert(0, "plugins")
from mastodon_catalog.core import load_catalog
from mastodon_catalog.core.entities import load_entities
from mastodon_catalog.core.examples import example
from mastodon_catalog.core.export import catalog_json
from mastodon_catalog.core.returns import attach
catalog = load_catalog("data/endpoints.yaml")
attach(catalog, load_entities("data/entities", "data/entities"))
print(json.dumps({"catalog": catalog_json(catalog, lambda page: page),
                  "examples": {name: example(e, catalog.entities) for name, e in catalog.entities.items()}}))
`;
const { catalog, examples } = JSON.parse(execFileSync(PYTHON, ["-c", EXPORT], { cwd: ROOT, encoding: "utf8",
                                                                                maxBuffer: 64 << 20 }));
const { entities } = catalog;

// A full object from the catalog's own attributes: every attribute not removed, nested
// entities written out to a few levels (deeper, only what must be there, null where allowed).
const SCALAR = { string: "s", datetime: "2026-01-01T00:00:00Z", date: "2026-01-01", url: "", html: "<p>x</p>",
                 email: "a@b.example", integer: 1, number: 0.5, boolean: true, hash: {} };
function build(type, depth, spec = {}) {
  const many = /^(array|hash) of (.+)$/.exec(type);
  if (many) {
    if (depth > 3) return many[1] === "array" ? [] : {};
    const item = build(many[2], depth + 1, { enum: spec.enum });
    return many[1] === "array" ? [item, structuredClone(item)] : { key: item };
  }
  if (type.includes(" or ")) return build(type.split(" or ")[0], depth, spec);
  if (!(type in entities)) return spec.enum ? spec.enum[0] : SCALAR[type];
  const out = {};
  for (const [name, a] of Object.entries(entities[type].attributes)) {
    if (a.removed || (depth > 3 && a.optional)) continue;
    out[name] = depth > 3 && a.nullable ? null : build(a.type, depth + 1, a);
  }
  return out;
}

test("catalog.json: the Mastodon version, and every answer's type is one the comparison knows", () => {
  assert.match(catalog.mastodon, /^\d+\.\d+\.\d+$/);
  const known = (t) => /^(array|hash) of /.test(t) ? known(t.replace(/^(array|hash) of /, ""))
    : t.split(" or ").every((alt) => alt in entities || alt in SCALAR);
  for (const endpoint of catalog.endpoints) {
    for (const answer of endpoint.answers) {
      if (answer.type) assert.ok(known(answer.type), `${endpoint.id}: ${answer.type}`);
    }
  }
  for (const [name, entity] of Object.entries(entities)) {
    for (const [attribute, a] of Object.entries(entity.attributes)) assert.ok(known(a.type), `${name}.${attribute}`);
  }
  assert.ok("Error" in entities);
});

test("every entity example the site shows matches its entity", () => {
  assert.ok(Object.keys(examples).length > 100);
  for (const [name, example] of Object.entries(examples)) {
    const result = compare(example, name, entities, { serverVersion: catalog.mastodon });
    assert.deepEqual(lines(result), [], name);
  }
});

test("a Status, an Instance and an Account built from the catalog's attributes match; a drifted one does not", () => {
  for (const name of ["Status", "Instance", "Account", "CredentialAccount", "Notification", "Admin::Account"]) {
    const value = build(name, 0);
    assert.deepEqual(compare(value, name, entities).findings, [], name);
    assert.deepEqual(compare([value, value], `array of ${name}`, entities).findings, [], name);
  }
  const shallow = { ...build("Status", 0), quote: { state: "accepted", quoted_status_id: "1" } };
  assert.deepEqual(compare(shallow, "Status", entities).findings, [], "a quote as a ShallowQuote");
  const status = build("Status", 0), other = build("Status", 0);
  status.account.emojis[0].url = 7;
  status.account.emojis[0]["<img src=x onerror=alert(1)>"] = "x";
  delete status.id;
  status.visibility = "everyone";
  const timeline = catalog.endpoints.find((e) => e.id === "timelines/public");
  const report = driftReport(json(200, [status, other]), timeline, catalog, "4.7.0", "https://mastodon.example")
    .text.split("\n");
  assert.equal(report[0], "Drift report: GET /api/v1/timelines/public on https://mastodon.example (version 4.7.0), " +
                          `against the docs of Mastodon ${catalog.mastodon}`);
  assert.deepEqual(report.slice(1), [
    "4 differences from the documented array of Status: 1 undocumented field, 1 missing field, 1 type mismatch, " +
      "1 undocumented value.",
    "$[0].account.emojis[0].url: documented as url in CustomEmoji, got number 7",
    '$[0].account.emojis[0]["<img src=x onerror=alert(1)>"]: not documented in CustomEmoji',
    '$[0].visibility: string "everyone" is not a value Status documents (public, unlisted, private, direct)',
    "$[0].id: missing; Status documents it as always present (string)",
  ]);
});
