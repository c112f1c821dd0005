"""Build products kept on disk between builds, each keyed by everything it is made from:
the validated catalog (the catalog's bytes and the list of pages), the JSON outputs (the
catalog, the pages' URLs, the site URL) and the rendered fragments (the catalog, the
templates, the plugin's options). Nothing stale is ever served; a change means a new key."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from ..core import Catalog, CatalogError, Problem, parse_catalog

FORMAT = "mastodon-catalog-cache-3"


@lru_cache(maxsize=1)
def code_version() -> bytes:
    """A digest of the package's own code, so that an upgrade never reuses what an older
    version of the loader, model or renderers produced."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()


def decode(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CatalogError([Problem(display, 1, 1, f"cannot read the catalog: {err}", "save it as UTF-8")]) from None


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

    def get_object(self, kind: str, key: str, expected: type):
        data = self.get(kind, key)
        try:
            value = pickle.loads(data) if data else None
        except (pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            value = None  # damaged, or written by another version: rebuild it
        return value if isinstance(value, expected) else None

    def catalog(self, data: bytes, display: str, pages: frozenset[str]) -> Catalog:
        """The catalog whose file holds `data`, validated now or in an earlier build."""
        key = self.key(data, display, "\n".join(sorted(pages)))
        catalog = self.get_object("catalog", key, Catalog)
        if catalog is None:
            catalog = parse_catalog(decode(data, display), display, pages)  # CatalogError: nothing cached
            self.put("catalog", key, pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
        return catalog

    def text(self, kind: str, parts: list[str | bytes], compute: Callable[[], str]) -> str:
        key = self.key(*parts)
        data = self.get(kind, key)
        if data is not None:
            return data.decode("utf-8")
        text = compute()
        self.put(kind, key, text.encode("utf-8"))
        return text
