"""A validated catalog kept on disk between builds, keyed by the catalog's bytes and the
list of pages, so an unchanged catalog is not parsed and validated again."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from ..core import Catalog, load_catalog

FORMAT = b"mastodon-catalog-cache-1"


class CatalogCache:
    def __init__(self, folder: Path | None):
        self.folder = folder

    def load(self, path: Path, display: str, pages: frozenset[str]) -> Catalog:
        if self.folder is None:
            return load_catalog(path, display, pages)
        digest = hashlib.sha256(FORMAT)
        digest.update(path.read_bytes())
        digest.update(display.encode())
        digest.update("\n".join(sorted(pages)).encode())
        entry = self.folder / f"{digest.hexdigest()}.pickle"
        try:
            with entry.open("rb") as handle:
                catalog = pickle.load(handle)
            if isinstance(catalog, Catalog):
                return catalog
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
            pass  # missing or stale: parse again
        catalog = load_catalog(path, display, pages)  # raises CatalogError: nothing is cached
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for old in self.folder.glob("*.pickle"):
                old.unlink(missing_ok=True)
            partial = entry.with_suffix(".tmp")
            partial.write_bytes(pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(entry)
        except OSError:
            pass  # a read-only checkout still builds
        return catalog
