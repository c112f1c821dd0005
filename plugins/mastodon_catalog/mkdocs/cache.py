"""Build products kept on disk between builds, each keyed by everything it is made from:
the validated catalog (the catalog's bytes and the list of pages), the JSON outputs (the
catalog and the entities, the pages' URLs, the site URL) and the rendered fragments (the
catalog, the templates, the plugin's options). Nothing stale is ever served; a change means
a new key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from ..core import Catalog, parse_catalog, snapshot
from ..core.entities import entity_files, page_of, parse_entities
from ..core.loader import decode
from ..core.render import TEMPLATES

FORMAT = "mastodon-catalog-cache-4"  # JSON entries only: reading the cache runs no code


@lru_cache(maxsize=1)
def code_version() -> bytes:
    """A digest of the package's own code, so that an upgrade never reuses what an older
    version of the loader, model or renderers produced."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()


class DiskCache:
    def __init__(self, folder: Path | None):
        self.folder = folder

    @staticmethod
    def key(*parts: str | bytes) -> str:
        digest = hashlib.sha256(FORMAT.encode())
        digest.update(code_version())
        for part in parts:
            digest.update(part if isinstance(part, bytes) else part.encode())
            digest.update(b"\0")
        return digest.hexdigest()

    @classmethod
    def fragments_key(cls, catalog: bytes, options: dict, template_dirs: list[Path]) -> str:
        templates = sorted(p for folder in template_dirs if folder.is_dir() for p in folder.rglob("*.jinja"))
        return cls.key(catalog, repr(sorted(options.items())),
                       *(f"{p}\n{p.read_text(encoding='utf-8')}" for p in templates))

    def get(self, kind: str, key: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            return (self.folder / f"{kind}-{key}").read_bytes()
        except OSError:
            return None

    def put(self, kind: str, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for old in self.folder.glob(f"{kind}-*"):
                old.unlink(missing_ok=True)  # one entry per kind: the cache never grows
            partial = self.folder / f"{kind}-{key}.tmp"
            partial.write_bytes(data)
            partial.replace(self.folder / f"{kind}-{key}")
        except OSError:
            pass  # a read-only checkout still builds

    def get_text(self, kind: str, key: str) -> str | None:
        data = self.get(kind, key)
        try:
            return data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:
            return None  # damaged: rebuild it

    def catalog(self, data: bytes, display: str, pages: frozenset[str]) -> Catalog:
        """The catalog whose file holds `data`, validated now or in an earlier build."""
        key = self.key(data, display, "\n".join(sorted(pages)))
        cached = self.get_text("catalog", key)
        catalog = snapshot.load(cached) if cached else None  # damaged or foreign entries read as None
        if catalog is None:
            catalog = parse_catalog(decode(data, display), display, pages)  # CatalogError: nothing cached
            self.put("catalog", key, snapshot.dump(catalog).encode("utf-8"))
        return catalog

    def fragments(self, key: str) -> dict[tuple[str, str, str], str]:
        """Rendered markers by (kind, argument, page), from an earlier build with the same key."""
        try:
            rows = json.loads(self.get_text("fragments", key) or "[]")
            return {(kind, arg, page): html for kind, arg, page, html in rows
                    if all(isinstance(part, str) for part in (kind, arg, page, html))}
        except (ValueError, TypeError):
            return {}

    def put_fragments(self, key: str, fragments: dict[tuple[str, str, str], str]) -> None:
        self.put("fragments", key, json.dumps([[*k, v] for k, v in fragments.items()]).encode("utf-8"))

    def text(self, kind: str, parts: list[str | bytes], compute: Callable[[], str]) -> str:
        key = self.key(*parts)
        cached = self.get_text(kind, key)
        if cached is not None:
            return cached
        text = compute()
        self.put(kind, key, text.encode("utf-8"))
        return text


class BuildCaches:
    """All the plugin keeps between builds, behind one object: the validated catalog (in
    memory across serve rebuilds, on disk across builds), the rendered fragments and the JSON
    outputs (on disk)."""

    def __init__(self):
        self.disk = DiskCache(None)
        self._catalog: tuple | None = None  # ((path, mtime, pages), (catalog, bytes))
        self._fragments: tuple[str, dict, int] = ("", {}, 0)  # key, fragments, how many were on disk

    def open(self, folder: Path | None) -> None:
        self.disk = DiskCache(folder)

    def catalog(self, path: Path, display: str, pages: frozenset[str]) -> tuple[Catalog, bytes]:
        """The validated catalog and its bytes (the key of everything derived from it).
        Raises CatalogError on any mistake in it."""
        key = (str(path), path.stat().st_mtime_ns, pages)
        if self._catalog and self._catalog[0] == key:  # serve: unchanged since the last rebuild
            return self._catalog[1]
        data = path.read_bytes()
        loaded = self.disk.catalog(data, display, pages), data
        self._catalog = (key, loaded)
        return loaded

    def entities(self, folder: Path, display: str) -> tuple[dict, bytes]:
        """The validated entities of a folder (none when it does not exist), and the bytes
        they come from. Raises CatalogError on any mistake in them."""
        files = [(f"{display}/{p.name}", p.read_bytes(), page_of(p)) for p in entity_files(folder)] \
            if folder.is_dir() else []
        data = b"\0".join(name.encode() + b"\0" + body for name, body, _ in files)
        key = DiskCache.key(b"entities", data)
        cached = self.disk.get_text("entities", key)
        entities = snapshot.load_entities(cached) if cached else None
        if entities is None:
            entities = parse_entities((name, decode(body, name), page) for name, body, page in files)
            self.disk.put("entities", key, snapshot.dump_entities(entities).encode("utf-8"))
        return entities, data

    def fragments(self, catalog: bytes, options: dict, templates: str) -> dict:
        """Rendered markers from an earlier build with the same catalog, templates and options."""
        key = DiskCache.fragments_key(catalog, options, [TEMPLATES] + ([Path(templates)] if templates else []))
        found = self.disk.fragments(key)
        self._fragments = (key, found, len(found))
        return found

    def save_fragments(self) -> None:
        key, fragments, on_disk = self._fragments
        if len(fragments) != on_disk:
            self.disk.put_fragments(key, fragments)
            self._fragments = (key, fragments, len(fragments))

    def output(self, kind: str, parts: list[str | bytes], compute: Callable[[], str]) -> str:
        return self.disk.text(kind, parts, compute)
