"""YAML read into plain values that remember where each key and value stood."""

from __future__ import annotations

import yaml

try:  # libyaml's composer is several times faster on large catalogs
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

Loc = tuple[int, int]  # 1-based line and column


def _loc(event: yaml.Event) -> Loc:
    return event.start_mark.line + 1, event.start_mark.column + 1


class LMap(dict):
    """A mapping with the location of the mapping, each key and each value."""

    loc: Loc
    key_loc: dict[str, Loc]
    val_loc: dict[str, Loc]
    raw: dict[str, str | None]  # a scalar's text as written (so 4.3 stays "4.3")


class LList(list):
    loc: Loc
    item_loc: list[Loc]
    raw: list[str | None]


_constructor = yaml.constructor.SafeConstructor()


STR_TAG = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()


def _scalar(event: yaml.ScalarEvent):
    tag = event.tag if event.tag not in (None, "!") else _resolver.resolve(yaml.ScalarNode, event.value,
                                                                             event.implicit)
    if tag == STR_TAG:  # most scalars: skip the constructor machinery
        return event.value
    try:
        return _constructor.construct_object(yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark))
    except yaml.constructor.ConstructorError:
        return event.value  # an odd timestamp or similar: keep the text, validation names it


def read_located(text: str):
    """Parse YAML text. Returns (data, duplicate keys); raises yaml.YAMLError when malformed.

    Built from the parser's events rather than a composed node tree, so memory stays at the
    size of the result (a node tree with its marks is several times larger)."""
    duplicates: list[tuple[Loc, str, Loc]] = []
    anchors: dict[str, object] = {}
    stack: list = []  # open containers; for a mapping, also the pending key and its location
    root = None

    def attach(value, loc: Loc, raw: str | None, event) -> None:
        nonlocal root
        anchor = getattr(event, "anchor", None)
        if anchor:
            anchors[anchor] = value
        if not stack:
            root = value
            return
        top = stack[-1]
        if isinstance(top[0], LList):
            top[0].append(value)
            top[0].item_loc.append(loc)
            top[0].raw.append(raw)
        elif top[1] is None:  # this value is a key
            top[1], top[2] = str(value) if not isinstance(value, (LMap, LList)) else "?", loc
        else:
            key, key_loc, mapping = top[1], top[2], top[0]
            top[1] = None
            if key in mapping:
                duplicates.append((key_loc, key, mapping.key_loc[key]))
                return
            mapping[key] = value
            mapping.key_loc[key], mapping.val_loc[key], mapping.raw[key] = key_loc, loc, raw

    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.ScalarEvent):
            attach(_scalar(event), _loc(event), event.value, event)
        elif isinstance(event, yaml.MappingStartEvent):
            mapping = LMap()
            mapping.loc, mapping.key_loc, mapping.val_loc, mapping.raw = _loc(event), {}, {}, {}
            stack.append([mapping, None, None, event])
        elif isinstance(event, yaml.SequenceStartEvent):
            items = LList()
            items.loc, items.item_loc, items.raw = _loc(event), [], []
            stack.append([items, None, None, event])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            value, _, _, start = stack.pop()
            attach(value, value.loc, None, start)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias '{event.anchor}'",
                                                  event.start_mark)
            attach(anchors[event.anchor], _loc(event), None, event)
        elif isinstance(event, yaml.DocumentStartEvent) and root is not None:
            raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                              "but found another document", event.start_mark)
    return root, duplicates
