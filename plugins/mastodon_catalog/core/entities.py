"""The entities: data/entities/<Page>.yaml, each file the entities documented on the page
entities/<Page>.md, read with the same located YAML, field specs and messages as the
endpoint catalog, then checked as a whole: every type names a known value kind or entity,
no attribute twice, no version before its entity's own."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import CatalogError, Problem
from .fields import ATTRIBUTE, CHANGE, ENTITY, VALUE_KINDS
from .loader import _Reader, decode, literal, read_yaml, suggest
from .located import LList, LMap, Loc
from .model import Attribute, Catalog, Change, Entity, freeze
from .returns import attach
from .versions import format_version

ENTITIES_DIR = "data/entities"


class _EntityReader(_Reader):
    def __init__(self):
        super().__init__("")
        self.entities: dict[str, Entity] = {}
        self.where: dict[str, tuple[str, Loc]] = {}  # name -> (file, location of its name)
        self.types: list[tuple[str, str, Loc, str]] = []  # (file, type, location, what) to check at the end
        self.parents: list[tuple[str, str, Loc, str]] = []

    def changes(self, m: LMap, what: str) -> tuple[Change, ...]:
        out = []
        for c, _ in self.items(self.check(m, ENTITY["history"], what, ENTITY) or (), CHANGE, what):
            v = {f.name: self.check(c, f, what, CHANGE) for f in CHANGE.fields}
            if v["version"] and v["change"]:
                out.append(Change(v["version"], v["change"], v["note"]))
        added = [c for c in out if c.change == "added"]
        if out and (len(added) != 1 or out[0] is not added[0]):
            self.add(m.val_loc["history"], f"the history of {what} needs one 'added' entry, first",
                     "start it with '- {version: X.Y.Z, change: added}' and list no other 'added'")
        if any(b.version < a.version for a, b in zip(out, out[1:])):
            self.add(m.val_loc["history"], f"the history of {what} is not in version order", "sort it by version")
        return tuple(out)

    def attribute(self, a: LMap, loc: Loc, entity: str, added, seen: dict[str, Loc]) -> Attribute | None:
        name = self.check(a, ATTRIBUTE["name"], f"an attribute of {entity}", ATTRIBUTE)
        what = f"attribute '{name}' of {entity}" if name else f"an attribute of {entity}"
        v = {f.name: self.check(a, f, what, ATTRIBUTE) for f in ATTRIBUTE.fields if f.name != "history"}
        history = self.changes(a, what)
        if name in seen:
            self.add(a.val_loc["name"], f"{what} is defined twice (first at line {seen[name][0]})",
                     "keep one definition")
        elif name:
            seen[name] = a.val_loc["name"]
        if v["type"]:
            self.types.append((self.file, v["type"], a.val_loc["type"], what))
        first = history[0].version if history else None
        if added and first and first < added:
            self.add(a.val_loc["history"], f"{what} is added in {format_version(first)}, before {entity} itself "
                     f"({format_version(added)})", f"date {entity}'s 'added' back to {format_version(first)}, or "
                     "correct the attribute's")
        enum = v["enum"] or ()
        examples = a.get("example")  # an array's enum applies to each of its items
        examples = examples if isinstance(examples, list) and str(v["type"]).startswith("array of") else [examples]
        if enum and "example" in a and any(e not in enum for e in examples):
            self.add(a.val_loc["example"], f"the example {literal(a['example'])} of {what} is not one of its enum "
                     "values", f"use one of: {', '.join(map(str, enum))}")
        if not (name and v["type"] and history):
            return None
        return Attribute(name, v["type"], v["description"], history, bool(v["nullable"]), bool(v["optional"]),
                         tuple(enum), freeze(a.get("example")), v["anchor"] or "", loc[0], bool(v["empty"]))

    def entity(self, item, loc: Loc, page: str) -> None:
        entry = self.entry(item, loc, ENTITY, "name", "entity")
        if entry is None:
            return
        m, what = entry
        v = {f.name: self.check(m, f, what, ENTITY) for f in ENTITY.fields if f.name not in ("history", "attributes")}
        name = v["name"]
        history = self.changes(m, what)
        added = history[0].version if history else None
        if name in self.where:
            file, first = self.where[name]
            self.add(m.val_loc["name"], f"entity '{name}' is defined twice (first at {file}:{first[0]})",
                     "keep one definition")
        elif name:
            self.where[name] = (self.file, m.val_loc["name"])
        if v["extends"]:
            self.parents.append((self.file, v["extends"], m.val_loc["extends"], what))
        seen: dict[str, Loc] = {}
        attributes = [self.attribute(a, a_loc, name or what, added, seen)
                      for a, a_loc in self.items(self.check(m, ENTITY["attributes"], what, ENTITY) or (), ATTRIBUTE,
                                                 what)]
        if name and history and all(attributes) and v["anchor"]:
            self.entities[name] = Entity(name, v["anchor"], v["summary"], page, history, tuple(attributes),
                                         v["extends"], self.file, loc[0])

    def read(self, text: str, file: str, page: str) -> None:
        self.file = file
        data, notes = read_yaml(text, file)
        for note_loc, message, fix in notes:
            self.add(note_loc, message, fix)
        if not isinstance(data, LList):
            self.add((1, 1), "an entities file is a list of entities", "write each entity as a '- name: ...' item")
            return
        for item, loc in zip(data, data.item_loc):
            self.entity(item, loc, page)

    def unknown_type(self, file: str, base: str, loc, what: str, known: set) -> None:
        self.file = file
        kind = "entity" if base[:1].isupper() else "value type"
        guess = suggest(base, known if base[:1].isupper() else VALUE_KINDS)
        self.add(loc, f"unknown {kind} '{base}' in the type of {what}",
                 f"did you mean '{guess}'?" if guess else "define that entity, or use one of: "
                 + ", ".join(VALUE_KINDS))

    def references(self) -> None:
        """Every type and 'extends' names something known, checked once all files are read."""
        known = set(self.where)
        for file, type_, loc, what in self.types:
            for base in type_.rsplit(" of ", 1)[-1].split(" or "):
                if base not in VALUE_KINDS and base not in known:
                    self.unknown_type(file, base, loc, what, known)
        for file, parent, loc, what in self.parents:
            if parent not in known:
                self.file = file
                guess = suggest(parent, known)
                self.add(loc, f"{what} extends unknown entity '{parent}'",
                         f"did you mean '{guess}'?" if guess else "name an entity defined in data/entities/")


def page_of(file: Path) -> str:
    """data/entities/Admin_Account.yaml documents entities/Admin_Account.md."""
    return f"entities/{file.stem}.md"


def parse_entities(files: Iterable[tuple[str, str, str]]) -> dict[str, Entity]:
    """(display name, text, page) of each file -> the entities by name; CatalogError lists
    every problem of every file."""
    reader = _EntityReader()
    for file, text, page in files:
        try:
            reader.read(text, file, page)
        except CatalogError as err:  # malformed YAML stops only its own file
            reader.problems += err.problems
    reader.references()
    if reader.problems:
        raise CatalogError(reader.problems, "the entities")
    return reader.entities


def entity_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if not p.name.endswith(".differences.yaml"))


def load_entities(folder: str | Path, display: str = ENTITIES_DIR) -> dict[str, Entity]:
    folder = Path(folder)
    files = []
    for path in entity_files(folder):
        name = f"{display}/{path.name}"
        try:
            files.append((name, decode(path.read_bytes(), name), page_of(path)))
        except OSError as err:
            raise CatalogError([Problem(name, 1, 1, f"cannot read the entities: {err}", "check the file")]) from None
    return parse_entities(files)


def with_entities(catalog: Catalog, folder: Path, display: str = ENTITIES_DIR) -> Catalog:
    """The catalog with the entities of `folder` attached, every `returns` checked against
    them (CatalogError lists any problem); unchanged when the folder does not exist, since a
    site may document endpoints alone. What a host without the plugin's caches uses."""
    if folder.is_dir():
        attach(catalog, load_entities(folder, display))
    return catalog
