"""The JSON Schema shipped for editors agrees with the loader and the real catalog."""

import json
from pathlib import Path

import jsonschema
import yaml

from conftest import ROOT, TINY
from mastodon_catalog.core import model

SCHEMA_FILE = ROOT / "plugins" / "mastodon_catalog" / "schema" / "endpoints.schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text())


def test_catalog_first_line_points_editors_at_the_schema():
    catalog = ROOT / "data" / "endpoints.yaml"
    first = catalog.read_text().splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    assert (catalog.parent / first.split("=", 1)[1]).resolve() == SCHEMA_FILE


def test_real_and_fixture_catalogs_validate_against_the_schema():
    for path in [ROOT / "data" / "endpoints.yaml", TINY / "data" / "endpoints.yaml"]:
        jsonschema.validate(yaml.safe_load(path.read_text()), SCHEMA)


def test_schema_enumerations_match_the_model():
    defs = SCHEMA["$defs"]
    assert tuple(defs["alternative"]["properties"]["token"]["enum"]) == model.TOKEN_KINDS
    assert tuple(defs["endpoint"]["properties"]["method"]["enum"]) == model.METHODS
    assert tuple(defs["parameter"]["properties"]["in"]["enum"]) == model.PARAM_LOCATIONS
    assert tuple(defs["parameter"]["properties"]["type"]["enum"]) == model.PARAM_TYPES
    assert tuple(defs["change"]["properties"]["change"]["enum"]) == model.CHANGE_KINDS


def test_schema_is_shipped_in_the_package():
    import mastodon_catalog

    assert (Path(mastodon_catalog.__file__).parent / "schema" / "endpoints.schema.json").is_file()


def test_schema_patterns_are_the_loaders():
    from mastodon_catalog.core.loader import PATTERNS

    defs = SCHEMA["$defs"]
    assert {
        "id": defs["endpoint"]["properties"]["id"]["pattern"],
        "anchor": defs["endpoint"]["properties"]["anchor"]["pattern"],
        "scope": defs["scopeName"]["pattern"],
        "param": defs["parameter"]["properties"]["name"]["pattern"],
        "path": defs["endpoint"]["properties"]["path"]["pattern"],
    } == {kind: pattern for kind, (pattern, _) in PATTERNS.items()}


def test_schema_permissions_are_the_models():
    assert tuple(SCHEMA["$defs"]["endpoint"]["properties"]["permission"]["enum"]) == tuple(model.PERMISSIONS)
