"""Compare the catalog with a checkout of upstream's documentation (mastodon/documentation).

    python -m mastodon_catalog.upstream PATH/TO/documentation [--catalog data/endpoints.yaml]
                                        [--allow data/upstream-differences.yaml]

PATH may be the repository root, its content/en folder, or any folder holding methods/.
Reports endpoints added upstream, endpoints missing upstream, and endpoints whose method,
path, OAuth requirement, version history or lifecycle (the versions that added, deprecated
and removed them) differ. Exit status 1 when anything differs
that the allow file does not list (or the allow file lists something that no longer differs).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .core import Catalog, CatalogError, load_catalog
from .core.versions import format_version, parse_version

HEADING_RE = re.compile(r"^###?\s+(.*?)\s*(?:\{#([^}]+)\})?\s*$")  # endpoints sit under ## or ###
HTTP_LINE_RE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE)\s+(\S+)")
OAUTH_RE = re.compile(r"^\*\*OAuth:?\*\*:?\s*(.*?)\\?\s*$")
HISTORY_LINE_RE = re.compile(r"^(\d+(?:\.\d+){0,2})\b")
# A bare "user" names a token kind only when a scope follows ("User + `read:statuses`").
KIND_RE = re.compile(r"\b(public|app token|user token|user(?=\s*\+))\b", re.I)
SCOPE_RE = re.compile(r"`([a-z_]+(?::[a-z_]+)*)`")

Alternatives = frozenset  # of (token kind, frozenset of scopes)


@dataclass
class UpstreamEndpoint:
    page: str
    anchor: str
    method: str
    path: str
    oauth: str
    versions: list[str] = field(default_factory=list)
    lifecycle: dict[str, str] = field(default_factory=dict)  # added / deprecated / removed -> first version

    @property
    def signature(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def lifecycle_phases(self) -> dict[str, str]:
        return {kind: v for kind, v in self.lifecycle.items() if kind in ("added", "deprecated", "removed")}


def normalise_version(text: str) -> str:
    parts = (text.split(".") + ["0", "0"])[:3]
    return ".".join(str(int(p)) for p in parts)


def normalise_path(target: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", target)
    return path.split("?", 1)[0]


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", title.lower()).strip("-")


def normalise_oauth(text: str, scopes: set[str] | dict) -> Alternatives:
    """Upstream's free-text OAuth line as a set of (token kind, scopes) alternatives.

    Each mention of a token kind starts a clause; inside a clause, scopes joined by "or"
    are separate alternatives and scopes joined by "+" are needed together. Backticked words
    that are not scopes (parameter names such as `resolve`) are ignored."""
    text = text.replace("and/or", "or")
    starts = list(KIND_RE.finditer(text))
    alternatives = set()
    for i, match in enumerate(starts):
        clause = text[match.end(): starts[i + 1].start() if i + 1 < len(starts) else len(text)]
        kind = match.group(1).lower().split()[0]
        parts = [[s for s in SCOPE_RE.findall(part) if s in scopes] for part in re.split(r"\bor\b", clause)]
        parts = [p for p in parts if p]
        if not parts:
            alternatives.add((kind, frozenset()))
        for scopes in parts:
            alternatives.add((kind, frozenset(scopes)))
    return frozenset(alternatives)


def catalog_oauth(endpoint) -> Alternatives:
    return frozenset((alt.token, frozenset(alt.scopes)) for alt in endpoint.oauth)


def describe(alternatives: Alternatives) -> str:
    parts = sorted(f"{kind}[{' + '.join(sorted(scopes))}]" if scopes else kind for kind, scopes in alternatives)
    return " | ".join(parts) or "(none)"


# "3.0.0 - removed", "2.4.1 - deprecated in favor of ...", "add `min_id`. deprecated in favor of ...",
# but not "deprecated `follow` scope" or "removed needing `read` scope": those are changes.
PHASE_RE = re.compile(r"(?:^|\.\s+)(deprecated|removed)(?:$|[.;,\\]|\s+in\s+favou?r)", re.I)


def lifecycle_kind(line: str, first: bool) -> str:
    """What a history line says happened to the endpoint; the first line is its addition."""
    if first:
        return "added"
    phase = PHASE_RE.search(re.sub(r"^\S+\s+-\s+", "", line.strip()))
    return phase.group(1).lower() if phase else "changed"


def lifecycle(endpoint) -> dict[str, str]:
    """The catalog's added / deprecated / removed versions of an endpoint."""
    phases = {"added": endpoint.added, "deprecated": endpoint.deprecated, "removed": endpoint.removed}
    return {kind: format_version(version) for kind, version in phases.items() if version}


def read_page(path: Path, page: str) -> list[UpstreamEndpoint]:
    """Endpoints of one upstream methods page: the http blocks under each `##` heading,
    before the section's first subheading (later http blocks are examples)."""
    found: list[UpstreamEndpoint] = []
    section: list[UpstreamEndpoint] = []
    anchor, in_http, in_header, history = "", False, False, False
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = HEADING_RE.match(line)
        if heading:
            anchor = heading.group(2) or slug(heading.group(1))
            section, in_header, history = [], True, False
            continue
        if line.startswith("#"):
            in_header = False
            continue
        if line.startswith("```http"):
            in_http = True
            continue
        if in_http:
            if line.startswith("```"):
                in_http = False
            elif in_header and (match := HTTP_LINE_RE.match(line)):
                endpoint = UpstreamEndpoint(page, anchor, match.group(1), normalise_path(match.group(2)), "")
                section.append(endpoint)
                found.append(endpoint)
            continue
        if not in_header:
            continue
        if oauth := OAUTH_RE.match(line):
            for endpoint in section:
                endpoint.oauth = oauth.group(1)
        elif line.startswith("**Version history"):
            history, first = True, True
        elif history and line.strip():
            change = HISTORY_LINE_RE.match(line.strip())
            # An unparsable first line ("x.x.x - added") still dates the addition, as unknown.
            version = normalise_version(change.group(1)) if change else line.split()[0] if first else None
            for endpoint in section:
                if change:
                    endpoint.versions.append(version)
                if version:
                    endpoint.lifecycle.setdefault(lifecycle_kind(line, first), version)
            first = False
        elif history:
            history = False
    return found


def read_upstream(root: Path) -> list[UpstreamEndpoint]:
    for candidate in (root, root / "content" / "en"):
        if (candidate / "methods").is_dir():
            methods = candidate / "methods"
            break
    else:
        raise FileNotFoundError(f"no methods/ folder under {root}")
    endpoints = []
    for path in sorted(methods.rglob("*.md")):
        if path.name.startswith("_"):
            continue
        endpoints += read_page(path, "methods/" + path.relative_to(methods).as_posix())
    return endpoints


@dataclass(frozen=True, order=True)
class Difference:
    endpoint: str  # "METHOD /path"
    kind: str  # added-upstream, missing-upstream, method-path, oauth, versions, lifecycle
    detail: str

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.kind}: {self.detail}"


def compare(catalog: Catalog, upstream: list[UpstreamEndpoint]) -> list[Difference]:
    diffs: list[Difference] = []
    by_signature = {u.signature: u for u in upstream}
    by_anchor = {(u.page, u.anchor): u for u in upstream}
    ours = {e.signature: e for e in catalog.endpoints}
    for endpoint in catalog.endpoints:
        theirs = by_signature.get(endpoint.signature)
        if theirs is None:
            twin = by_anchor.get((endpoint.page, endpoint.anchor))
            if twin and twin.signature not in ours:
                diffs.append(Difference(endpoint.signature, "method-path",
                                        f"upstream documents {twin.signature} at {twin.page}#{twin.anchor}"))
            else:
                diffs.append(Difference(endpoint.signature, "missing-upstream", f"{endpoint.page}#{endpoint.anchor}"))
            continue
        upstream_oauth = normalise_oauth(theirs.oauth, catalog.scopes)
        if upstream_oauth != catalog_oauth(endpoint):
            diffs.append(Difference(endpoint.signature, "oauth", f"upstream '{theirs.oauth}' means "
                                    f"{describe(upstream_oauth)}; catalog has {describe(catalog_oauth(endpoint))}"))
        # Upstream sometimes states no history at all; then there is nothing to compare.
        ours_versions = sorted({c.version_text for c in endpoint.history}, key=parse_version)
        theirs_versions = sorted(set(theirs.versions), key=lambda v: parse_version(v) or (0, 0, 0))
        if theirs.versions and ours_versions != theirs_versions:
            diffs.append(Difference(endpoint.signature, "versions",
                                    f"upstream {', '.join(theirs.versions) or '(none)'}; "
                                    f"catalog {', '.join(c.version_text for c in endpoint.history)}"))
        ours_phases = lifecycle(endpoint)
        if theirs.versions and ours_phases != theirs.lifecycle_phases:
            changed = [kind for kind in ("added", "deprecated", "removed")
                       if ours_phases.get(kind) != theirs.lifecycle_phases.get(kind)]
            diffs.append(Difference(endpoint.signature, "lifecycle", "; ".join(
                f"{kind} upstream {theirs.lifecycle_phases.get(kind, 'never')}, catalog {ours_phases.get(kind, 'never')}"
                for kind in changed)))
    for theirs in upstream:
        if theirs.signature not in ours and not any(
                d.kind == "method-path" and theirs.signature in d.detail for d in diffs):
            diffs.append(Difference(theirs.signature, "added-upstream", f"{theirs.page}#{theirs.anchor}"))
    return sorted(set(diffs))


def load_allowed(path: Path, catalog: Catalog) -> dict[tuple[str, str], str]:
    """The reviewed list of deliberate differences: endpoint + kind -> reason. An entry names
    its endpoint as "METHOD /path" (`endpoint:`) or by catalog id (`id:`)."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {(e["endpoint"] if "endpoint" in e else catalog.by_id[e["id"]].signature, e["kind"]): e["reason"]
            for e in entries}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mastodon_catalog.upstream", description=__doc__.split("\n\n")[0])
    parser.add_argument("upstream", type=Path, help="checkout of upstream's documentation")
    parser.add_argument("--catalog", type=Path, default=Path("data/endpoints.yaml"))
    parser.add_argument("--allow", type=Path, help="YAML list of deliberate differences (endpoint, kind, reason)")
    args = parser.parse_args(argv)
    try:
        catalog = load_catalog(args.catalog)
        upstream = read_upstream(args.upstream)
    except (CatalogError, FileNotFoundError) as err:
        print(err, file=sys.stderr)
        return 2
    allowed = load_allowed(args.allow, catalog) if args.allow else {}
    diffs = compare(catalog, upstream)
    unexpected = [d for d in diffs if (d.endpoint, d.kind) not in allowed]
    stale = sorted(set(allowed) - {(d.endpoint, d.kind) for d in diffs})
    for diff in unexpected:
        print(diff)
    for endpoint, kind in stale:
        print(f"{endpoint}: {kind}: listed as a deliberate difference but no longer differs (remove it)")
    print(f"{len(upstream)} upstream endpoints, {len(catalog.endpoints)} in the catalog, "
          f"{len(diffs) - len(unexpected)} deliberate differences, {len(unexpected)} unexpected, {len(stale)} stale")
    return 1 if unexpected or stale else 0


if __name__ == "__main__":
    sys.exit(main())
