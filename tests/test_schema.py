"""The JSON Schema shipped for editors is generated from the field specs (core/fields.py),
and it refuses what the loader refuses: for every rule of every field spec, a catalog that
breaks just that rule is refused by both, so a new field or rule is tested without a new
test. Regenerate the shipped file with:

    UPDATE_SCHEMA=1 .venv/bin/python -m pytest -q tests/test_schema.py
"""

import copy
import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT, TINY
from mastodon_catalog.core import CatalogError, fields, model, parse_catalog
from mastodon_catalog.core.fields import BOOLEAN, INTEGER, LIST, RECORDS, RULES, TEXT, VALUE, VERSION

SCHEMA_FILE = ROOT / "plugins" / "mastodon_catalog" / "schema" / "endpoints.schema.json"
if os.environ.get("UPDATE_SCHEMA"):  # both schemas: this one and the entities' (tests/test_entities.py)
    SCHEMA_FILE.write_text(fields.schema_text(), encoding="utf-8")
    (SCHEMA_FILE.parent / "entities.schema.json").write_text(fields.schema_text(fields.entities_json_schema()),
                                                             encoding="utf-8")
SCHEMA = json.loads(SCHEMA_FILE.read_text())
REGENERATE = "UPDATE_SCHEMA=1 .venv/bin/python -m pytest -q tests/test_schema.py"


def test_the_shipped_schema_is_the_generated_one():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == fields.schema_text(), (
        f"schema/endpoints.schema.json is not what core/fields.py generates: regenerate it with {REGENERATE}")


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_catalog_first_line_points_editors_at_the_schema():
    catalog = ROOT / "data" / "endpoints.yaml"
    first = catalog.read_text().splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    assert (catalog.parent / first.split("=", 1)[1]).resolve() == SCHEMA_FILE


def test_real_and_fixture_catalogs_validate_against_the_schema():
    for path in [ROOT / "data" / "endpoints.yaml", TINY / "data" / "endpoints.yaml"]:
        jsonschema.validate(yaml.safe_load(path.read_text()), SCHEMA)


def test_schema_enumerations_are_the_models():
    """The model names the choices the rest of the code uses; the schema must offer the same."""
    defs = SCHEMA["$defs"]
    assert tuple(defs["alternative"]["properties"]["token"]["enum"]) == model.TOKEN_KINDS
    assert tuple(defs["endpoint"]["properties"]["method"]["enum"]) == model.METHODS
    assert tuple(defs["parameter"]["properties"]["in"]["enum"]) == model.PARAM_LOCATIONS
    assert tuple(defs["parameter"]["properties"]["type"]["enum"]) == model.PARAM_TYPES
    assert tuple(defs["change"]["properties"]["change"]["enum"]) == model.CHANGE_KINDS
    assert tuple(defs["endpoint"]["properties"]["permission"]["enum"]) == tuple(model.PERMISSIONS)


def test_schema_is_shipped_in_the_package():
    import mastodon_catalog

    assert (Path(mastodon_catalog.__file__).parent / "schema" / "endpoints.schema.json").is_file()


def test_schema_patterns_are_the_loaders():
    from mastodon_catalog.core.loader import MATCHERS, PATTERNS

    defs = SCHEMA["$defs"]
    assert {
        "id": defs["endpoint"]["properties"]["id"]["pattern"],
        "anchor": defs["endpoint"]["properties"]["anchor"]["pattern"],
        "scope": defs["scopeName"]["pattern"],
        "param": defs["parameter"]["properties"]["name"]["pattern"],
        "path": defs["endpoint"]["properties"]["path"]["pattern"],
        "page": defs["endpoint"]["properties"]["page"]["pattern"],
        "version": defs["version"]["pattern"],
    }.items() <= {kind: pattern.regex for kind, pattern in PATTERNS.items()}.items()
    # The loader matches whole values, as JSON Schema's ECMAScript regexes do: no trailing newline.
    assert MATCHERS["id"]("accounts/get") and not MATCHERS["id"]("accounts/get\n")
    assert not MATCHERS["version"]("٤.٣.٠")  # Arabic-Indic digits are digits to Python's \d


# -- The loader and the schema agree ------------------------------------------------------

# A valid catalog holding every kind of record; a field of the specs that it lacks is added
# from the spec's example, so that every field is covered.
BASE = {
    "scopes": [
        {"name": "read", "summary": "Read.", "added": "0.9.0", "grants": ["read:accounts"]},
        {"name": "read:accounts", "summary": "Read accounts.", "added": "2.4.3", "deprecated": "4.5.0"},
    ],
    "endpoints": [{
        "id": "accounts/get", "method": "GET", "path": "/api/v1/accounts/:id", "page": "methods/accounts.md",
        "anchor": "get", "title": "Get account", "summary": "One account.", "returns": "Account",
        "oauth": [{"token": "public"},
                  {"token": "user", "scopes": ["read:accounts"], "when": "for private data", "since": "2.4.3"}],
        "history": [{"version": "0.0.0", "change": "added"},
                    {"version": "4.0.0", "change": "changed", "note": "Accepts `limit`."}],
        "params": [
            {"name": "limit", "in": "query", "type": "string", "description": "How many.", "required": False,
             "enum": ["a", "b"], "default": "a", "added": "4.0.0", "deprecated": True},
            {"name": "ids[]", "in": "query", "type": "array", "items": "string", "description": "Which."},
            {"name": "id", "in": "path", "type": "string", "required": True, "description": "The id."},
        ],
        "streaming": False, "permission": "manage_users", "undocumented": True,
    }],
}


def records(document, record=RECORDS["catalog"]):
    """(record kind, mapping) for every record in a catalog document, in order."""
    yield record.name, document
    for f in record.fields:
        if f.kind == LIST and isinstance(f.of, str) and f.of != VALUE and isinstance(document.get(f.name), list):
            for item in document[f.name]:
                yield from records(item, RECORDS[f.of])


def complete(document):
    for name, record in RECORDS.items():
        found = [m for kind, m in records(document) if kind == name]
        for f in record.fields:
            if found and not any(f.name in m for m in found):
                found[0][f.name] = copy.deepcopy(f.example)
    return document


VALID = complete(copy.deepcopy(BASE))
NOT_VALID_NAME = "Not valid !"  # matches no pattern


def verdicts(document) -> tuple[list[str], list[str]]:
    """(the loader's problems, the schema's errors) for a document, as YAML would hand it over."""
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    data = yaml.safe_load(text)
    schema_errors = [e.message for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data)]
    try:
        parse_catalog(text, "data/endpoints.yaml")
        loader_problems = []
    except CatalogError as err:
        loader_problems = [str(p) for p in err.problems]
    return loader_problems, schema_errors


def wrong_values(f):
    """Values that break a rule of field spec `f`, each with the rule's name."""
    if f.kind == TEXT and f.choices is not None:
        yield "not one of its choices", "not-a-choice"
        yield "not text", ["x"]
    elif f.kind == TEXT and f.pattern:
        assert not fields.PATTERNS[f.pattern].match(NOT_VALID_NAME)
        yield f"not matching the {f.pattern} pattern", NOT_VALID_NAME
        yield "padded with spaces", f" {f.example} "
        yield "a bare number", 404
        yield "not text", ["x"]
    elif f.kind == TEXT:
        yield "empty", ""
        yield "blank", "   "
        yield "not text", ["x"]
        yield "true instead of text", True
        yield "a link that runs script", "See [this](JavaScript:alert(1))."
    elif f.kind == VERSION:
        for version in ("4.3", "v4.3.0", "04.3.0", "4.3.0.1"):
            yield f"version {version!r}", version
        yield "a bare number", 4
    elif f.kind == BOOLEAN:
        yield "text instead of true/false", "yes"
        yield "a number instead of true/false", 1
    elif f.kind == INTEGER:
        yield "text instead of a number", "30"
        yield "not a whole number", 1.5
        yield "true instead of a number", True
        if f.minimum is not None:
            yield f"below {f.minimum}", f.minimum - 1
    elif f.kind == LIST:
        yield "not a list", "x"
        yield "a mapping instead of a list", {"x": 1}
        if f.min_items:
            yield "an empty list", []
        if isinstance(f.of, fields.Field):
            yield "a list holding a number", [5]
            if f.of.pattern:
                yield f"a list holding a name not matching the {f.of.pattern} pattern", [NOT_VALID_NAME]
            if f.unique:
                yield "a list holding a value twice", [f.example[0], f.example[0]]
        elif f.of != VALUE:
            yield "a list holding text instead of records", ["x"]


def field_cases():
    for name, record in RECORDS.items():
        yield pytest.param(name, "x_unknown", "an unknown field", 1, id=f"{name}-unknown-field")
        for f in record.fields:
            if f.required:
                yield pytest.param(name, f.name, "missing", None, id=f"{name}.{f.name}-missing")
            for rule, value in wrong_values(f):
                yield pytest.param(name, f.name, rule, value, id=f"{name}.{f.name}-{rule}")


def test_the_valid_catalog_holds_every_field_and_both_accept_it():
    for name, record in RECORDS.items():
        present = {key for kind, m in records(VALID) if kind == name for key in m}
        assert present == set(record.by_name), name
    assert verdicts(VALID) == ([], [])


@pytest.mark.parametrize("kind, key, rule, value", list(field_cases()))
def test_a_field_breaking_its_spec_is_refused_by_the_loader_and_the_schema(kind, key, rule, value):
    document = copy.deepcopy(VALID)
    target = next(m for k, m in records(document) if k == kind and (key in m or rule == "an unknown field"))
    if rule == "missing":
        del target[key]
    else:
        target[key] = value
    loader_problems, schema_errors = verdicts(document)
    assert loader_problems, f"the loader accepts {kind} {key!r} {rule}"
    assert schema_errors, f"the schema accepts {kind} {key!r} {rule}, which the loader refuses: {loader_problems}"


def apply(document, rule):
    target = next(m for kind, m in records(document)
                  if kind == rule.record and all(m.get(k) == v for k, v in rule.where.items()))
    for key, value in rule.breaks.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)
    return document


@pytest.mark.parametrize("rule", RULES, ids=[rule.text for rule in RULES])
def test_a_record_breaking_a_rule_is_refused_by_the_loader_and_the_schema(rule):
    assert rule.breaks, "each rule says how to break it"
    loader_problems, schema_errors = verdicts(apply(copy.deepcopy(VALID), rule))
    assert loader_problems, f"the loader accepts a record that breaks: {rule.text}"
    assert schema_errors, f"the schema accepts a record that breaks: {rule.text}; the loader says {loader_problems}"


def fits(value, kinds):
    return bool in kinds if isinstance(value, bool) else isinstance(value, kinds)


@pytest.mark.parametrize("ptype", [t for t in fields.ITEM_TYPES if fields.VALUE_TYPES[t]] + [
    f"array of {t}" for t in fields.ITEM_TYPES if fields.VALUE_TYPES[t]])
def test_a_default_of_the_parameters_type_is_accepted_by_both(ptype):
    item = ptype.removeprefix("array of ")
    value = next(v for v in fields.SAMPLE_VALUES if fits(v, fields.VALUE_TYPES[item]))
    shape = {"type": "array", "items": item, "default": [value]} if item != ptype else {"type": ptype, "default": value}
    document = apply(copy.deepcopy(VALID), fields.Rule("parameter", "", {}, {"in": "query"}, {**shape, "enum": None}))
    assert verdicts(document) == ([], [])


def test_a_bare_number_is_text_for_both_where_prose_is_expected():
    document = copy.deepcopy(VALID)
    document["endpoints"][0]["title"] = 2024
    assert verdicts(document) == ([], [])
