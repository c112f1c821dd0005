"""The writer's markers, parsed strictly, and the checks that read a page's raw source.

    <!-- endpoint accounts/block -->        one endpoint's header
    <!-- endpoints token=app -->            endpoints accepting a token kind (public, app, user)
    <!-- endpoints scope=read:accounts -->  endpoints naming a scope
    <!-- endpoints all -->                  every endpoint
    <!-- scopes -->                         the scope table and one section per scope
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .loader import one_of
from .model import TOKEN_KINDS, Catalog

MARKER_RE = re.compile(r"^<!--\s*(endpoints?|scopes)(?:\s+(.*?))?\s*-->\s*$")
MARKER_LIKE_RE = re.compile(r"<!--\s*(endpoints?|scopes)\b")
DRIFT_RE = re.compile(r"\*\*OAuth:?\*\*:?")
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
CODE_SPAN_RE = re.compile(r"(`+).+?\1")


@dataclass(frozen=True)
class Marker:
    kind: str  # "endpoint", "endpoints" or "scopes"
    arg: str  # endpoint id, "all", "token=app", "scope=read", or ""
    line: int


@dataclass(frozen=True)
class PageNote:
    """A problem found on a page. Errors (a marker that cannot be expanded, an endpoint in two
    places) always stop the build; the others are warnings, which strict mode makes fatal."""

    line: int
    col: int
    message: str
    fix: str = ""
    error: bool = False


def outside_code(lines: list[str]):
    """Yield (line number, line) for lines not inside fenced code blocks."""
    fence: str | None = None
    for number, line in enumerate(lines, 1):
        match = FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip()[len(match.group(1)):].strip():
                fence = None
        else:
            yield number, line


def check_marker(match: re.Match, catalog: Catalog) -> tuple[Marker | None, str, str]:
    """Parse one marker line. Returns (marker, problem, fix); marker is None on a problem."""
    kind, arg = match.group(1), (match.group(2) or "").strip()
    if kind == "endpoint":
        if not arg or " " in arg:
            return None, "endpoint marker needs exactly one endpoint id", "write <!-- endpoint accounts/block -->"
        if arg not in catalog.by_id:
            return None, f"marker names unknown endpoint '{arg}'", one_of(arg, catalog.by_id)
    elif kind == "endpoints":
        key, _, value = arg.partition("=")
        if arg == "all":
            pass
        elif key == "token" and value in TOKEN_KINDS:
            pass
        elif key == "token":
            return None, f"unknown token kind '{value}' in listing marker", one_of(value, TOKEN_KINDS)
        elif key == "scope" and value in catalog.scopes:
            pass
        elif key == "scope":
            return None, f"unknown scope '{value}' in listing marker", one_of(value, catalog.scopes)
        else:
            return None, f"malformed listing marker '{arg}'", "write 'all', 'token=KIND' or 'scope=NAME'"
    elif arg:
        return None, "the scopes marker takes no arguments", "write <!-- scopes -->"
    return Marker(kind, arg, 0), "", ""


# What prose says about app tokens, within one sentence: "an app token is turned away",
# "an app token with `read` also passes". A label is the catalog's word; prose must agree.
_NEAR = r"\b[^.;]{0,60}?\b"
APP_REFUSED_RE = re.compile(
    r"app tokens?" + _NEAR + r"(?:is|are) (?:refused|rejected|turned away|not accepted)|app tokens?" + _NEAR
    + r"gets? (?:a |an )?(?:401|403|422)|app tokens?" + _NEAR + r"(?:does not|doesn't|do not|don't|cannot|can't)"
    r" (?:work|pass)|\bno app token", re.I)
APP_ACCEPTED_RE = re.compile(r"app tokens?" + _NEAR + r"(?:works|is accepted|are accepted|passes|is enough)\b"
                             r"|accepts? an app token", re.I)


def prose_contradictions(paragraph: str, line: int, endpoint) -> list[PageNote]:
    """Prose after an endpoint's marker that says the opposite of its label about app tokens.
    Where the label offers Public, an app token is answered as no token, so it 'works' too."""
    if endpoint.accepts("app") and (said := APP_REFUSED_RE.search(paragraph)):
        return [PageNote(line, 1, f"the prose says \"{said.group(0)}\", but the label of '{endpoint.id}' offers an "
                         "app token", "correct the prose, or the endpoint's alternatives in the catalog")]
    if not (endpoint.accepts("app") or endpoint.accepts("public")) and (said := APP_ACCEPTED_RE.search(paragraph)):
        return [PageNote(line, 1, f"the prose says \"{said.group(0)}\", but the label of '{endpoint.id}' offers no "
                         "app token", "correct the prose, or the endpoint's alternatives in the catalog")]
    return []


def scan_page(text: str, catalog: Catalog) -> tuple[list[Marker], list[PageNote]]:
    """Find the markers of a page and every problem in its raw source, with line numbers."""
    markers: list[Marker] = []
    notes: list[PageNote] = []
    endpoint, paragraph, start = None, [], 0

    def end_paragraph() -> None:
        if endpoint and paragraph:
            notes.extend(prose_contradictions(" ".join(paragraph), start, endpoint))
        paragraph.clear()

    for number, line in outside_code(text.splitlines()):
        match = MARKER_RE.match(line)
        if match or not line.strip() or line.startswith("#"):
            end_paragraph()
            if line.startswith("#"):
                endpoint = None  # prose under another heading is about something else
        else:
            start = start if paragraph else number
            paragraph.append(line.strip())
        if match:
            marker, problem, fix = check_marker(match, catalog)
            if marker:
                markers.append(Marker(marker.kind, marker.arg, number))
            else:
                notes.append(PageNote(number, 1, problem, fix, error=True))
            endpoint = catalog.by_id[marker.arg] if marker and marker.kind == "endpoint" else None
            continue
        prose = CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line)
        like = MARKER_LIKE_RE.search(prose)
        if like:
            notes.append(PageNote(number, like.start() + 1, "marker is not alone on its line, so it is ignored",
                                  "put it on a line of its own, starting in the first column"))
        drift = DRIFT_RE.search(prose)
        if drift:
            notes.append(PageNote(number, drift.start() + 1, "hand-typed OAuth line (drift from the catalog)",
                                  "remove it and use an <!-- endpoint ID --> marker, which renders the label"))
    end_paragraph()
    return markers, notes
