"""YAML read into plain JSON data (text, numbers, true/false, null, lists, mappings) whose
values remember where each key and value stood; anything else is refused with its place."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from sys import intern

import yaml

try:  # libyaml's composer is several times faster on large catalogs
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

Loc = tuple[int, int]  # 1-based line and column
Note = tuple[Loc, str, str]  # where, what is wrong, how to fix it

MAX_DEPTH = 32  # the real catalog nests 5 deep; far deeper is a mistake, or an attack on the renderer
# Aliases may repeat what is written, within reason: a few nested aliases can otherwise stand
# for billions of values ("billion laughs") and hang every step that walks them.
ALIAS_FACTOR, ALIAS_SLACK = 10, 10_000


class LMap(dict):
    """A mapping with the location of the mapping, each key and each value."""

    __slots__ = ("loc", "key_loc", "val_loc", "raw")
    loc: Loc
    key_loc: dict[str, Loc]
    val_loc: dict[str, Loc]
    raw: dict[str, str | None]  # a scalar's text as written (so 4.3 stays "4.3")

    def __init__(self, items=(), loc: Loc = (1, 1)):
        super().__init__(items)
        self.loc, self.key_loc, self.val_loc, self.raw = loc, {}, {}, {}


class LList(list):
    """A list with the location of the list and of each item."""

    __slots__ = ("loc", "item_loc", "raw")
    loc: Loc
    item_loc: list[Loc]
    raw: list[str | None]

    def __init__(self, items=(), loc: Loc = (1, 1)):
        super().__init__(items)
        self.loc, self.item_loc, self.raw = loc, [], []


# Called with (key, root mapping, item, item location) for each finished item of a list
# that is the value of a top-level key; True means the caller took the item, and it is
# not kept in the list.
ItemHook = Callable[[str, LMap, object, Loc], bool]


def _loc(event: yaml.Event) -> Loc:
    return event.start_mark.line + 1, event.start_mark.column + 1


def position(text: str, index: int) -> Loc:
    """The line and column of a character offset."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def show_tag(tag: str) -> str:
    return "!!" + tag[len(TAG):] if tag.startswith(TAG) else tag


TAG = "tag:yaml.org,2002:"
STR_TAG = TAG + "str"
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
# The constructors themselves: construct_object() would remember every node it built.
_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors
# Plain scalars whose first character no implicit resolver looks at are text.
_RESOLVED_FIRST = frozenset(_resolver.yaml_implicit_resolvers)
assert None not in _RESOLVED_FIRST  # no resolver for every first character
PLAIN_TAGS = {TAG + name for name in ("str", "int", "float", "bool", "null")}
CONTAINER_TAGS = {TAG + "map", TAG + "seq"}
# YAML 1.1 reads these words as booleans; only true and false say so unambiguously.
PLAIN_BOOLS = {"true", "false", "True", "False", "TRUE", "FALSE"}
PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
PLAIN_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


def _scalar(event: yaml.ScalarEvent) -> tuple[object, tuple[str, str] | None]:
    """The value of a scalar, and what is wrong with it when it is not plain JSON data."""
    text = event.value
    explicit = event.tag not in (None, "!")
    if explicit:
        tag = event.tag
    elif not event.implicit[0] or text and text[0] not in _RESOLVED_FIRST:  # quoted, or plain words
        return text, None
    else:
        tag = _resolver.resolve(yaml.ScalarNode, text, event.implicit)
    if tag == STR_TAG:  # most scalars: skip the constructor machinery
        return text, None
    if tag not in PLAIN_TAGS:
        if tag == TAG + "timestamp":
            return text, (f"unquoted date '{text}' is read as a date, not text",
                          f"quote it: \"{text}\"; versions are written MAJOR.MINOR.PATCH")
        if tag == TAG + "merge":
            return text, ("merge keys ('<<') are not supported", "write the fields out in this mapping")
        shown = show_tag(tag)
        return text, (f"YAML tag '{shown}' is not allowed: the catalog holds only text, numbers, true/false, "
                      "lists and mappings", f"remove '{shown}' and write the value as plain text")
    try:
        value = _CONSTRUCTORS[tag](_constructor, yaml.ScalarNode(tag, text, event.start_mark, event.end_mark))
    except (yaml.constructor.ConstructorError, ValueError):
        return text, (f"'{text}' is not a valid {show_tag(tag)[2:]}", "quote it to mean text")
    if explicit:
        return value, None  # `!!str 123` and the like say exactly what they mean
    if isinstance(value, bool) and text not in PLAIN_BOOLS:
        return value, (f"'{text}' is read as {str(value).lower()} (YAML 1.1 treats yes/no/on/off as true/false)",
                       f"write {str(value).lower()}, or quote it (\"{text}\") to mean the word")
    if isinstance(value, float) and not math.isfinite(value):
        return value, (f"'{text}' is not a finite number and cannot be written to JSON",
                       f"quote it (\"{text}\") to mean text, or write a number")
    if isinstance(value, int) and not isinstance(value, bool) and not PLAIN_INT.fullmatch(text) or \
            isinstance(value, float) and not PLAIN_FLOAT.fullmatch(text):
        return value, (f"'{text}' is read as the number {value}",
                       f"write {value}, or quote it (\"{text}\") to mean text")
    return value, None


class TooLarge(Exception):
    def __init__(self, note: Note):
        self.note = note


def read_located(text: str, on_item: ItemHook | None = None) -> tuple[object, list[Note]]:
    """Parse YAML text. Returns (data, problems); raises yaml.YAMLError when malformed.

    Problems are duplicate keys and values that are not plain JSON data (tags, dates, .inf,
    merge keys, yes/no). Built from the parser's events rather than a composed node tree, so
    memory stays at the size of the result (a node tree with its marks is several times larger).
    With `on_item`, each item of a top-level list can be taken as soon as it is read, so that
    a caller turning items into something smaller never holds the whole tree."""
    notes: list[Note] = []
    anchors: dict[str, tuple[object, int]] = {}  # anchor -> (value, how many values it stands for)
    stack: list = []  # open containers: [container, pending key, key location, start event, size]
    root = None
    written = expanded = 0  # values as written, and as the aliases expand them

    def attach(value, loc: Loc, raw: str | None, event, size: int) -> None:
        nonlocal root
        anchor = getattr(event, "anchor", None)
        if anchor:
            anchors[anchor] = (value, size)
        if not stack:
            root = value
            return
        top = stack[-1]
        top[4] += size
        container = top[0]
        if type(container) is LList:
            if on_item is not None and len(stack) == 2 and type(stack[0][0]) is LMap and stack[0][1] is not None \
                    and on_item(stack[0][1], stack[0][0], value, loc):
                return
            container.append(value)
            container.item_loc.append(loc)
            container.raw.append(raw)
        elif top[1] is None:  # this value is a key
            top[1], top[2] = intern(str(value)) if not isinstance(value, (LMap, LList)) else "?", loc
        else:
            key = top[1]
            top[1] = None
            if key in container:
                notes.append((top[2], f"duplicate key '{key}' (also at line {container.key_loc[key][0]}; YAML would "
                                      "keep only the last)", "remove one of them"))
                return
            container[key] = value
            container.key_loc[key], container.val_loc[key], container.raw[key] = top[2], loc, raw

    def open_container(container, event) -> None:
        if event.tag not in (None, "!") and event.tag not in CONTAINER_TAGS:
            shown = show_tag(event.tag)
            notes.append((container.loc, f"YAML tag '{shown}' is not allowed: the catalog holds only text, "
                                         "numbers, true/false, lists and mappings", f"remove '{shown}'"))
        if len(stack) >= MAX_DEPTH:
            raise TooLarge((container.loc, f"the YAML is nested more than {MAX_DEPTH} levels deep",
                            "the catalog needs about 5 levels; check for runaway brackets"))
        stack.append([container, None, None, event, 1])

    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends, alias = (yaml.MappingEndEvent, yaml.SequenceEndEvent), yaml.AliasEvent
    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind is scalar:
            written += 1
            expanded += 1
            value, problem = _scalar(event)
            loc = _loc(event)
            if problem:
                notes.append((loc, *problem))
            attach(value, loc, event.value, event, 1)
        elif kind is mapping_start:
            written += 1
            expanded += 1
            open_container(LMap(loc=_loc(event)), event)
        elif kind is sequence_start:
            written += 1
            expanded += 1
            open_container(LList(loc=_loc(event)), event)
        elif kind in ends:
            value, _, _, start, size = stack.pop()
            attach(value, value.loc, None, start, size)
        elif kind is alias:
            if event.anchor not in anchors:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias '{event.anchor}'",
                                                  event.start_mark)
            value, size = anchors[event.anchor]
            written += 1
            expanded += size
            if expanded > ALIAS_FACTOR * written + ALIAS_SLACK:
                raise TooLarge((_loc(event), f"aliases expand the catalog to more than {expanded:,} values from "
                                             f"{written:,} written (alias '*{event.anchor}')",
                                "write the values out, or use fewer aliases of aliases"))
            attach(value, _loc(event), None, event, size)
        elif kind is yaml.DocumentStartEvent and root is not None:
            raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                              "but found another document", event.start_mark)
    return root, notes
