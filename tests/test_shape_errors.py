"""Catalog and page mistakes that had no test of their own, each with its exact message."""

import pytest

from conftest import TINY
from mastodon_catalog.core import CatalogError, load_catalog, parse_catalog

BASE = (TINY / "data" / "endpoints.yaml").read_text()


def problems(text: str) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("old, new, message", [
    ("default: 20", "default: !!int twenty",
     "data/endpoints.yaml:92:58: 'twenty' is not a valid int (quote it to mean text)"),
    ("default: 20", "default: !!float abc",
     "data/endpoints.yaml:92:58: 'abc' is not a valid float (quote it to mean text)"),
    ("summary: Read everything.", "summary: !!str",  # an explicit empty string
     "data/endpoints.yaml:4:27: 'summary' of scope 'read' is empty (write the summary after 'summary:')"),
])
def test_explicit_tags_with_values_they_cannot_hold(old, new, message):
    assert problems(BASE.replace(old, new, 1)) == [message]


def test_an_explicit_str_tag_means_text():
    catalog = parse_catalog(BASE.replace("type: integer, default: 20", "type: string, default: !!str 20"))
    assert catalog.by_id["accounts/statuses"].params[1].default == "20"


def test_a_second_yaml_document_is_refused_with_its_line():
    assert problems(BASE + "\n---\nscopes: []\n") == [
        "data/endpoints.yaml:95:1: malformed YAML: expected a single document in the stream: but found another "
        "document (the catalog is one YAML document: remove this '---' line and what it separates, or merge the two)"]


@pytest.mark.parametrize("make, reason", [
    (lambda tmp: tmp / "missing.yaml", "No such file or directory"),
    (lambda tmp: tmp, "Is a directory"),
])
def test_a_catalog_that_cannot_be_read_names_the_file(tmp_path, make, reason):
    path = make(tmp_path)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path, "data/endpoints.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith("data/endpoints.yaml:1:1: cannot read the catalog: ") and reason in str(problem)
