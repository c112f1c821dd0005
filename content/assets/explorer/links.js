// RFC 8288 Link headers, as Mastodon sends them for pagination; tolerant of malformed input.

export function parseLinkHeader(value) {
  const links = {};
  if (typeof value !== "string") return links;
  for (const part of value.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*((?:;[^;]*)*)$/.exec(part);
    if (!match) continue;
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2]);
    if (!rel) continue;
    for (const name of rel[1].trim().split(/\s+/)) {
      if (!(name.toLowerCase() in links)) links[name.toLowerCase()] = match[1];
    }
  }
  return links;
}
