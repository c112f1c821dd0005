"""YAML read into plain values that remember where each key and value stood."""

from __future__ import annotations

import yaml

try:  # libyaml's composer is several times faster on large catalogs
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

Loc = tuple[int, int]  # 1-based line and column


def _loc(node: yaml.Node) -> Loc:
    return node.start_mark.line + 1, node.start_mark.column + 1


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


def _scalar(node: yaml.ScalarNode):
    try:
        return _constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        return node.value  # an odd timestamp or similar: keep the text, validation names it


def _convert(node: yaml.Node, duplicates: list[tuple[Loc, str, Loc]]):
    if isinstance(node, yaml.MappingNode):
        out = LMap()
        out.loc, out.key_loc, out.val_loc, out.raw = _loc(node), {}, {}, {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            key = str(key)
            if key in out:
                duplicates.append((_loc(key_node), key, out.key_loc[key]))
                continue
            out[key] = _convert(value_node, duplicates)
            out.key_loc[key], out.val_loc[key] = _loc(key_node), _loc(value_node)
            out.raw[key] = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        return out
    if isinstance(node, yaml.SequenceNode):
        out = LList()
        out.loc, out.item_loc, out.raw = _loc(node), [], []
        for item in node.value:
            out.append(_convert(item, duplicates))
            out.item_loc.append(_loc(item))
            out.raw.append(item.value if isinstance(item, yaml.ScalarNode) else None)
        return out
    return _scalar(node)


def read_located(text: str):
    """Parse YAML text. Returns (data, duplicate keys); raises yaml.YAMLError when malformed."""
    duplicates: list[tuple[Loc, str, Loc]] = []
    node = yaml.compose(text, Loader=_Loader)
    return (None if node is None else _convert(node, duplicates)), duplicates
