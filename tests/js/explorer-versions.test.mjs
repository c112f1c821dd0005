// The server's version against the catalog's: the explorer's marks before sending.
import assert from "node:assert/strict";
import { test } from "node:test";

import { badges, optionText, sendStep } from "../../content/assets/explorer/panel-console.js";
import { describeAlternative } from "../../content/assets/explorer/scopes.js";
import { addedText, serverVersion, tooOld, versionNote } from "../../content/assets/explorer/versions.js";

test("what the version string and api_versions allow us to believe", () => {
  assert.deepEqual(serverVersion("4.7.0", 11), { version: [4, 7, 0], said: "4.7.0", other: null });
  assert.deepEqual(serverVersion("4.3.0+glitch", null).version, [4, 3, 0]);
  // A level raises what a vague or odd string says: level 3 first came with 4.4.0.
  assert.deepEqual(serverVersion("4.3.99-nightly", 3).version, [4, 4, 0]);
  assert.deepEqual(serverVersion("0.17.3 git-5bd2d4e", null).version, null, "not Mastodon's numbering: nothing to judge");
  assert.deepEqual(serverVersion("2.7.2 (compatible; Akkoma 3.10.4)", null), { version: [2, 7, 0 + 2],
                   said: "2.7.2 (compatible; Akkoma 3.10.4)", other: "Akkoma 3.10.4" });
  assert.equal(serverVersion("", 1).version, null, "level 1 was never released");
});

test("an endpoint the server is too old for, or removed, is marked before sending, in the pages' words", () => {
  const newer = { added: "4.3.0", removed: null, method: "GET", path: "/api/v2/notifications", title: "Grouped" };
  const gone = { added: "0.0.0", deprecated: "2.6.0", removed: "3.0.0", method: "GET", path: "/api/v1/statuses/:id/card",
                 title: "Card" };
  const old = serverVersion("4.2.10", null);
  assert.deepEqual(versionNote(newer, old), { why: "newer",
    text: "Added in 4.3.0: this server (4.2.10) is older, so it probably answers 404." });
  assert.match(versionNote(gone, old).text, /^Removed in 3\.0\.0: this server \(4\.2\.10\) no longer has it; expect 404\.$/);
  assert.equal(versionNote(newer, serverVersion("4.7.0", 11)), null);
  assert.equal(versionNote(newer, serverVersion("weird", null)), null, "an unknown version judges nothing");
  assert.match(versionNote(newer, serverVersion("2.7.2 (compatible; Akkoma 3.10.4)", null)).text,
               /older.*It is not Mastodon \(Akkoma 3\.10\.4\) and may differ\.$/);
  assert.equal(optionText(newer, old), "GET /api/v2/notifications · Grouped (newer than this server)");
  assert.equal(optionText(gone, old), "GET /api/v1/statuses/:id/card · Card (removed on this server)");
  assert.equal(optionText(gone, null), "GET /api/v1/statuses/:id/card · Card");
  assert.deepEqual(badges(gone), [["added", "Since the first release"], ["deprecated", "Deprecated in 2.6.0"],
                                  ["removed", "Removed in 3.0.0"]]);
  assert.equal(addedText("4.3.0"), "Added in 4.3.0");
  // The first Send asks to confirm.
  const state = { instance: {}, endpoint: { ...newer, oauth: [{ token: "public", scopes: [] }] }, server: old,
                  tokens: {}, catalog: { scopes: [] } };
  assert.deepEqual(sendStep(state, false), { confirm: true });
  assert.ok(sendStep(state, true).choice);
  assert.ok(sendStep({ ...state, server: serverVersion("4.7.0", 11) }, false).choice);
});

test("an alternative accepted from a later version says so, as the page's label does", () => {
  const profile = { token: "user", scopes: ["profile"], since: "4.3.0", when: null };
  assert.equal(describeAlternative(profile), "User token + profile (since 4.3.0)");
  assert.equal(tooOld(profile, serverVersion("4.2.10", null)), true);
  assert.equal(describeAlternative(profile, true), "User token + profile (since 4.3.0; this server is older)");
  assert.equal(tooOld(profile, serverVersion("4.3.0", 2)), false);
  assert.equal(tooOld({ ...profile, since: null }, serverVersion("1.0.0", null)), false);
});
