"""Property-based tests: whatever a contributor writes, the loader answers with a catalog or
with CatalogError problems that carry a location, never with another exception."""

from dataclasses import replace

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TINY
from mastodon_catalog.core import Catalog, CatalogError, parse_catalog

VALID = (TINY / "data" / "endpoints.yaml").read_text()
LINES = VALID.splitlines()
FIELDS = ["scopes", "endpoints", "name", "summary", "added", "grants", "deprecated", "id", "method", "path", "page",
          "anchor", "title", "returns", "oauth", "token", "when", "since", "history", "version", "change", "note",
          "params", "in", "type", "required", "description", "enum", "default", "items", "streaming"]
VALUES = ["public", "app", "user", "read", "write:accounts", "GET", "POST", "/api/v1/x/:id", "4.3.0", "4.3",
          "added", "removed", "path", "query", "form", "string", "array", "methods/apps.md", ":id", ""]

# What YAML allows and the catalog refuses: tags, aliases, dates, non-finite numbers, merge keys.
ODD = [": !!binary aGk=", ": &a [1, 2]", ": *a", ": .inf", ": 2024-01-01", ": yes", ": 0x1F", "<<: {a: 1}",
       ": !!python/object:os.system {}", ": !local x", ": !!set {a}", ": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12),
                    st.sampled_from(VALUES))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=6)), inner,
                                            max_size=6)),
    max_leaves=40,
)


def outcome(text: str):
    try:
        return parse_catalog(text, "data/endpoints.yaml", pages={"methods/apps.md", "methods/accounts.md"})
    except CatalogError as err:
        assert err.problems, "an error must name at least one problem"
        lines = max(len(text.splitlines()), 1) + 1
        for problem in err.problems:
            assert problem.file == "data/endpoints.yaml"
            assert 1 <= problem.line <= lines and problem.col >= 1, problem
            assert problem.message
        return err


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text(max_size=400))
def test_random_text(text):
    outcome(text)


@SETTINGS
@given(documents)
def test_random_structures(document):
    outcome(yaml.safe_dump(document, allow_unicode=True))


@SETTINGS
@given(st.data())
def test_mutated_valid_catalog(data):
    lines = list(LINES)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "cut", "indent"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "replace":
            lines[index] = data.draw(st.text(max_size=40))
        elif action == "insert":
            lines.insert(index, " " * data.draw(st.integers(0, 8)) + data.draw(st.sampled_from(FIELDS + VALUES))
                         + data.draw(st.sampled_from([":", ": x", "", ": [", ": {", " - ", *ODD])))
        elif action == "cut":
            lines[index] = lines[index][: data.draw(st.integers(0, len(lines[index])))]
        else:
            lines[index] = " " + lines[index]
    result = outcome("\n".join(lines) + "\n")
    assert isinstance(result, (Catalog, CatalogError))


def test_the_unmutated_catalog_is_valid():
    assert isinstance(outcome(VALID), Catalog)


# -- Reading as the YAML streams in ---------------------------------------------------------

def reordered(text: str) -> str:
    """The same catalog with its endpoints before its scopes."""
    scopes, endpoints = text.split("\nendpoints:\n")
    return "endpoints:\n" + endpoints.rstrip("\n") + "\n" + scopes + "\n"


def test_endpoints_before_scopes_give_the_same_catalog():
    """Endpoints are turned into the model as they are read once the scopes are known; a file
    in the other order is read whole, with the same result (but for the lines)."""
    def lineless(catalog):
        return [replace(e, line=0) for e in catalog.endpoints], catalog.scopes

    assert lineless(parse_catalog(reordered(VALID))) == lineless(parse_catalog(VALID))


def test_problems_are_the_same_in_either_order():
    broken = VALID.replace("token: app", "token: bot", 1).replace("change: added", "change: addded", 1)
    found = [[p.message for p in outcome(text).problems] for text in (broken, reordered(broken))]
    assert len(found[0]) == 2 and found[0] == found[1]


def test_loading_keeps_no_more_than_the_model():
    """The located tree of the file is dropped endpoint by endpoint: the peak of loading is a
    few KB per endpoint (24 KB when the whole tree was kept), and nothing stays behind in
    PyYAML's constructor between loads."""
    import sys
    import tracemalloc

    from conftest import ROOT
    from mastodon_catalog.core import located

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import catalog_yaml

    text = catalog_yaml(500)
    tracemalloc.start()
    try:
        catalog = parse_catalog(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(catalog.endpoints) == 500
    assert peak / 500 < 8 * 1024, f"{peak / 500 / 1024:.1f} KB per endpoint"
    assert not located._constructor.constructed_objects
