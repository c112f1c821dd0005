"""The on-disk catalog cache: reused while the catalog is unchanged, never serving stale facts."""

import shutil

import pytest

from conftest import TINY
from mastodon_catalog.core import CatalogError
from mastodon_catalog.mkdocs.cache import DiskCache

PAGES = frozenset({"methods/apps.md", "methods/accounts.md"})
TINY_CATALOG = (TINY / "data" / "endpoints.yaml").read_bytes()


def test_unchanged_catalog_comes_from_the_cache_and_edits_invalidate_it(tmp_path):
    catalog = tmp_path / "endpoints.yaml"
    shutil.copy(TINY / "data" / "endpoints.yaml", catalog)
    cache = DiskCache(tmp_path / "cache")
    first = cache.catalog(catalog.read_bytes(), "data/endpoints.yaml", PAGES)
    assert len(list((tmp_path / "cache").glob("catalog-*"))) == 1
    assert cache.catalog(catalog.read_bytes(), "data/endpoints.yaml", PAGES).by_id.keys() == first.by_id.keys()
    catalog.write_text(catalog.read_text().replace("Check that an app token is valid.", "Edited."))
    edited = cache.catalog(catalog.read_bytes(), "data/endpoints.yaml", PAGES)
    assert edited.by_id["apps/verify_credentials"].summary == "Edited."
    assert len(list((tmp_path / "cache").glob("catalog-*"))) == 1  # the stale entry is gone


def test_a_different_page_list_is_validated_again(tmp_path):
    cache = DiskCache(tmp_path / "cache")
    cache.catalog(TINY_CATALOG, "data/endpoints.yaml", PAGES)
    with pytest.raises(CatalogError, match="page 'methods/apps.md' of endpoint 'apps/verify_credentials' does not"):
        cache.catalog(TINY_CATALOG, "data/endpoints.yaml", PAGES - {"methods/apps.md"})


def test_a_corrupt_entry_is_ignored(tmp_path):
    cache = DiskCache(tmp_path / "cache")
    cache.catalog(TINY_CATALOG, "data/endpoints.yaml", PAGES)
    entry = next((tmp_path / "cache").glob("catalog-*"))
    entry.write_bytes(b"not a pickle")
    assert "accounts/block" in cache.catalog(TINY_CATALOG, "data/endpoints.yaml", PAGES).by_id


def test_outputs_are_cached_by_everything_they_depend_on(tmp_path):
    cache = DiskCache(tmp_path / "cache")
    calls = []

    def compute(text):
        return lambda: calls.append(text) or text

    assert cache.text("openapi.json", ["catalog", "urls", "site"], compute("first")) == "first"
    assert cache.text("openapi.json", ["catalog", "urls", "site"], compute("second")) == "first"
    assert cache.text("openapi.json", ["catalog", "urls", "other site"], compute("third")) == "third"
    assert calls == ["first", "third"]
    assert DiskCache(None).text("openapi.json", ["x"], compute("uncached")) == "uncached"


def test_edited_catalog_reaches_the_json_outputs(tiny, build):
    import json

    build(tiny)
    catalog = tiny / "data/endpoints.yaml"
    catalog.write_text(catalog.read_text().replace("Check that an app token is valid.", "Edited summary."))
    written = json.loads((build(tiny).dir / "catalog.json").read_text())
    assert next(e for e in written["endpoints"] if e["id"] == "apps/verify_credentials")["summary"] == "Edited summary."


def test_rendered_fragments_are_reused_until_a_template_changes(tiny, build):
    overrides = tiny / "catalog-templates"
    overrides.mkdir()
    template = overrides / "endpoint.md.jinja"
    template.write_text('{% extends "_base/endpoint.md.jinja" %}\n{% block after %}\n*First wording*\n{% endblock %}\n')
    config = tiny / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - mastodon/catalog\n",
                                                 "  - mastodon/catalog:\n      templates_dir: catalog-templates\n"))
    assert "First wording" in build(tiny).page("methods/apps/index.html").get_text()
    assert list((tiny / ".cache" / "mastodon_catalog").glob("fragments-*"))
    template.write_text(template.read_text().replace("First wording", "Second wording"))
    assert "Second wording" in build(tiny).page("methods/apps/index.html").get_text()


def test_reading_the_cache_runs_no_code(tmp_path):
    """A cache entry is data: a pickle planted under the right name is ignored, not executed."""
    import pickle

    cache = DiskCache(tmp_path / "cache")
    cache.catalog(TINY_CATALOG, "data/endpoints.yaml", PAGES)
    entry = next((tmp_path / "cache").glob("catalog-*"))
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    entry.write_bytes(pickle.dumps(Payload()))
    assert "accounts/block" in cache.catalog(TINY_CATALOG, "data/endpoints.yaml", PAGES).by_id
    assert not marker.exists()
    assert entry.read_bytes().startswith(b"{")  # replaced by a JSON snapshot


def test_the_snapshot_of_the_real_catalog_is_the_catalog():
    from conftest import ROOT
    from mastodon_catalog.core import load_catalog, snapshot

    catalog = load_catalog(ROOT / "data" / "endpoints.yaml")
    assert snapshot.load(snapshot.dump(catalog)) == catalog


def test_edited_entities_reach_the_json_outputs(tiny, build):
    """The JSON outputs are keyed by the entities too: an edited attribute is not served from the
    cache of the build before."""
    import json

    from test_returns import entities_file

    entities_file(tiny / "data", ["Application", "Token", "CredentialAccount", "Relationship", "Status"])
    entities = tiny / "data/entities/Things.yaml"
    (tiny / "content/entities").mkdir()
    (tiny / "content/entities/Things.md").write_text("# Things\n\n" + "".join(
        f"<!-- entity {name} -->\n\n" for name in ("Application", "Token", "CredentialAccount", "Relationship",
                                                   "Status")))

    def id_type() -> str:
        written = json.loads((build(tiny).dir / "catalog.json").read_text())
        return written["entities"]["Status"]["attributes"]["id"]["type"]

    assert id_type() == "string"
    assert list((tiny / ".cache" / "mastodon_catalog").glob("catalog.json-*"))
    entities.write_text(entities.read_text().replace("{name: id, type: string", "{name: id, type: integer"))
    assert id_type() == "integer"
