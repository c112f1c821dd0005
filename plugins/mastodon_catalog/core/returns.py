"""What an endpoint answers when it succeeds: the `returns` field, read as a checked reference.

    returns := answer (" | " answer)*
    answer  := [STATUS " "] body [" when " condition | " otherwise"]
    body    := TYPE [" keyed by " words]        a JSON value: Account, Array of Status, Hash of Marker
             | "Empty object" | "Null"          the JSON {} or null
             | "No body" | "Plain text" | "HTML page" | "Redirect"
             | "Events: " name (", " name)*     a stream (server-sent events or WebSocket)
    TYPE    := NAME | "Array of " TYPE | "Hash of " TYPE
    NAME    := an entity, or String, Integer, Number, Boolean, Hash (any object)

The status defaults to 200 (204 for "No body", 302 for "Redirect"). TYPE is kept in the
entities' own type language ("array of Status", "string") so examples and schemas follow
from the same code as attributes'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import CatalogError, Problem

VALUES = {"String": "string", "Integer": "integer", "Number": "number", "Boolean": "boolean", "Hash": "hash"}
KEYWORDS = {"Empty object": ("empty", 200), "Null": ("null", 200), "No body": ("none", 204),
            "Plain text": ("text", 200), "HTML page": ("html", 200), "Redirect": ("redirect", 302)}
EVENTS = ("update", "delete", "notification", "filters_changed", "conversation", "announcement",
          "announcement.reaction", "announcement.delete", "status.update", "encrypted_message",
          "notifications_merged")
_ANSWER = re.compile(r"(?:(?P<status>[1-5]\d\d) )?(?P<body>.+?)(?: when (?P<when>.+)| (?P<otherwise>otherwise))?")
_NAME = re.compile(r"[A-Z][A-Za-z0-9]*(?:::[A-Z][A-Za-z0-9]*)*")
FORMS = ("an entity (Account), 'Array of Status', 'Hash of Marker keyed by timeline', 'Empty object', "
         "'No body', 'Null', 'Plain text', 'HTML page', 'Redirect' or 'Events: update, delete'; several "
         "answers are joined by ' | ', each may start with its status and end with ' when ...'")


class ReturnsError(ValueError):
    def __init__(self, message: str, fix: str = f"write one of: {FORMS}"):
        super().__init__(message)
        self.message, self.fix = message, fix


@dataclass(frozen=True, slots=True)
class Success:
    status: int
    kind: str  # "json" (a value of `type`), or a KEYWORDS kind, or "events"
    type: str = ""  # for "json": "Status", "array of Status", "hash of Marker", "string"
    key: str = ""  # what a hash is keyed by
    events: tuple[str, ...] = ()
    when: str = ""

    @property
    def entity(self) -> str | None:
        """The entity the body is (or holds): 'array of Status' -> 'Status'."""
        base = self.type.rsplit(" of ", 1)[-1]
        return base if base[:1].isupper() else None


PLAIN = {"empty": "An empty object, {}", "null": "null", "none": "No body", "text": "Plain text",
         "html": "An HTML page", "redirect": "A redirect"}


def type_name(type_: str) -> str:
    """A type as a 'Returns' line names it: 'array of hash' -> 'Array of Object'."""
    for wrapper in ("array of ", "hash of "):
        if type_.startswith(wrapper):
            return wrapper.capitalize() + type_name(type_[len(wrapper):])
    return "Object" if type_ == "hash" else type_[:1].upper() + type_[1:]


def describe(answer: Success) -> str:
    """One answer as plain text, for outputs without Markdown: 'Array of Status when ...'."""
    if answer.kind == "json":
        text = type_name(answer.type) + (f" keyed by {answer.key}" if answer.key else "")
    elif answer.kind == "events":
        text = "Events: " + ", ".join(answer.events)
    else:
        text = PLAIN[answer.kind]
    return text + (f" {answer.when}" if answer.when == "otherwise" else f" when {answer.when}" if answer.when else "")


def parse_type(text: str) -> str:
    """'Array of Hash of Marker' -> 'array of hash of Marker'; ReturnsError if it is none."""
    if text.startswith(("Array of ", "Hash of ")):
        head, rest = text.split(" of ", 1)
        return f"{head.lower()} of {parse_type(rest)}"
    if text in VALUES:
        return VALUES[text]
    if _NAME.fullmatch(text):
        return text
    raise ReturnsError(f"'{text}' is not a type")


@lru_cache(maxsize=None)
def parse(text: str) -> tuple[Success, ...]:
    """The successful answers a `returns` text describes, or ReturnsError."""
    out = []
    for part in text.split(" | "):
        match = _ANSWER.fullmatch(part.strip())
        if not match:
            raise ReturnsError(f"'{part}' is not an answer")
        body, when = match["body"], match["when"] or match["otherwise"] or ""
        status = int(match["status"]) if match["status"] else None
        if status is not None and not 200 <= status < 400:
            raise ReturnsError(f"status {status} of '{part}' is not a success",
                               "list only 2xx and 3xx answers: the errors follow from the OAuth requirement")
        if body in KEYWORDS:
            kind, default = KEYWORDS[body]
            out.append(Success(status or default, kind, when=when))
        elif body.startswith("Events: "):
            names = tuple(n.strip() for n in body[8:].split(","))
            unknown = [n for n in names if n not in EVENTS]
            if unknown:
                raise ReturnsError(f"unknown streaming event '{unknown[0]}'", "use one of: " + ", ".join(EVENTS))
            out.append(Success(status or 200, "events", events=names, when=when))
        else:
            type_, _, key = body.partition(" keyed by ")
            if key and not type_.startswith("Hash of "):
                raise ReturnsError(f"'{body}' is keyed but not a hash", "write 'Hash of X keyed by ...'")
            out.append(Success(status or 200, "json", parse_type(type_), key, when=when))
    return tuple(out)


def attach(catalog, entities: dict) -> None:
    """Give the catalog its entities, once every `returns` is known to name defined ones
    (CatalogError otherwise, at the value's location). Without entities nothing is checked:
    a site may document endpoints alone."""
    if entities:
        found = problems(catalog.endpoints, entities, catalog.source or "data/endpoints.yaml")
        if found:
            raise CatalogError(found, "the catalog's returns")
    catalog.entities = entities


def problems(endpoints, entities: dict, file: str) -> list[Problem]:
    """Every `returns` naming an entity that is not defined, at the value's location."""
    from .loader import suggest  # the loader imports this module

    out = []
    for endpoint in endpoints:
        for answer in parse(endpoint.returns):
            if answer.entity and answer.entity not in entities:
                guess = suggest(answer.entity, entities)
                line, col = endpoint.returns_at or (endpoint.line, 1)
                out.append(Problem(file, line, col, f"'returns' of endpoint '{endpoint.id}' names unknown entity "
                                   f"'{answer.entity}'", f"did you mean '{guess}'?" if guess else
                                   f"define '{answer.entity}' in an entities file, or correct the name"))
    return out
