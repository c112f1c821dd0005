"""The on-disk catalog cache: reused while the catalog is unchanged, never serving stale facts."""

import shutil

import pytest

from conftest import TINY
from mastodon_catalog.core import CatalogError
from mastodon_catalog.mkdocs.cache import CatalogCache

PAGES = frozenset({"methods/apps.md", "methods/accounts.md"})


def test_unchanged_catalog_comes_from_the_cache_and_edits_invalidate_it(tmp_path):
    catalog = tmp_path / "endpoints.yaml"
    shutil.copy(TINY / "data" / "endpoints.yaml", catalog)
    cache = CatalogCache(tmp_path / "cache")
    first = cache.load(catalog, "data/endpoints.yaml", PAGES)
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1
    assert cache.load(catalog, "data/endpoints.yaml", PAGES).by_id.keys() == first.by_id.keys()
    catalog.write_text(catalog.read_text().replace("Check that an app token is valid.", "Edited."))
    assert cache.load(catalog, "data/endpoints.yaml", PAGES).by_id["apps/verify_credentials"].summary == "Edited."
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1  # the stale entry is gone


def test_a_different_page_list_is_validated_again(tmp_path):
    cache = CatalogCache(tmp_path / "cache")
    cache.load(TINY / "data" / "endpoints.yaml", "data/endpoints.yaml", PAGES)
    with pytest.raises(CatalogError, match="page 'methods/apps.md' of endpoint 'apps/verify_credentials' does not"):
        cache.load(TINY / "data" / "endpoints.yaml", "data/endpoints.yaml", PAGES - {"methods/apps.md"})


def test_a_corrupt_entry_is_ignored(tmp_path):
    cache = CatalogCache(tmp_path / "cache")
    cache.load(TINY / "data" / "endpoints.yaml", "data/endpoints.yaml", PAGES)
    entry = next((tmp_path / "cache").glob("*.pickle"))
    entry.write_bytes(b"not a pickle")
    assert "accounts/block" in cache.load(TINY / "data" / "endpoints.yaml", "data/endpoints.yaml", PAGES).by_id
