// The server's version, as far as it can be told, against the catalog's versions: the same
// facts and words as the pages' badges ("Added in 4.3.0", "Removed in 3.0.0", "(since 4.3.0)").

// api_versions.mastodon levels and the first release that reports each (lib/mastodon/version.rb's history).
const LEVELS = [[11, "4.7.0"], [8, "4.6.0"], [7, "4.5.0"], [3, "4.4.0"], [2, "4.3.0"]];

export const parseVersion = (text) => {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text ?? "");
  return m ? m.slice(1).map(Number) : null;
};
export const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
export const addedText = (v) => (v === "0.0.0" ? "Since the first release" : `Added in ${v}`);

// {version: [x, y, z] | null, said, other: "Akkoma 3.10.4" | null}: what the instance description
// allows us to believe. Forks add suffixes (4.3.0+glitch); other software says
// "2.7.2 (compatible; Akkoma 3.10.4)" or numbers of its own (0.17.0), which tell nothing.
export function serverVersion(said, level) {
  const other = /\(compatible; ([^)]{1,60})\)/.exec(said ?? "")?.[1] ?? null;
  let version = parseVersion(said);
  if (version && version[0] < 1) version = null;
  const floor = Number.isInteger(level) ? LEVELS.find(([n]) => level >= n)?.[1] : null;
  if (floor && (!version || compare(parseVersion(floor), version) > 0)) version = parseVersion(floor);
  return { version, said, other };
}

const name = (server) => `this server (${server.said.slice(0, 60)})`;

// What to tell before sending: {why: "removed"|"newer", text}, or null when the server's version
// says nothing against the endpoint.
export function versionNote(endpoint, server) {
  if (!server?.version) return null;
  const hedge = server.other ? ` It is not Mastodon (${server.other}) and may differ.` : "";
  const removed = parseVersion(endpoint.removed);
  if (removed && compare(server.version, removed) >= 0) {
    return { why: "removed", text: `Removed in ${endpoint.removed}: ${name(server)} no longer has it; expect 404.` + hedge };
  }
  const added = parseVersion(endpoint.added);
  if (added && compare(server.version, added) < 0) {
    return { why: "newer", text: `${addedText(endpoint.added)}: ${name(server)} is older, so it probably answers 404.` + hedge };
  }
  return null;
}

// An alternative the server is too old for.
export const tooOld = (alternative, server) =>
  !!(alternative.since && server?.version && compare(server.version, parseVersion(alternative.since)) < 0);
