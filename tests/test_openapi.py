"""openapi.json made from the entity catalog: schemas, responses, examples, headers, request
bodies as clients send them, and the scope facts a requirement object cannot hold."""

import json

import jsonschema
import pytest
from openapi_spec_validator import validate

from conftest import ROOT
from mastodon_catalog.core import load_catalog, parse_catalog
from mastodon_catalog.core.entities import load_entities
from mastodon_catalog.core.openapi import json_body, openapi, openapi_path, segments
from mastodon_catalog.core.returns import attach

CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")
attach(CATALOG, load_entities(ROOT / "data" / "entities"))
DOC = openapi(CATALOG, lambda page: page.removesuffix(".md") + "/", "https://docs.example/")
SCHEMAS = DOC["components"]["schemas"]


def op(endpoint_id):
    endpoint = CATALOG.by_id[endpoint_id]
    return DOC["paths"][openapi_path(endpoint.path)][endpoint.method.lower()]


def resolve(item):
    """A response or example, followed through its components reference."""
    while "$ref" in item:
        kind, name = item["$ref"].split("/")[-2:]
        item = DOC["components"][kind][name]
    return item


def validator(schema):
    """Validates against `schema` with the document's components reachable by their references."""
    return jsonschema.Draft202012Validator({**schema, "components": DOC["components"]},
                                           format_checker=jsonschema.FormatChecker())


def media_types():
    for path, item in DOC["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                for media, content in resolve(response).get("content", {}).items():
                    yield f"{method.upper()} {path} {status} {media}", content


def test_the_document_validates_and_has_a_schema_per_entity():
    validate(DOC)
    assert {name.replace("::", "_") for name in CATALOG.entities} <= set(SCHEMAS)
    assert len(SCHEMAS) >= 150


def test_nearly_every_live_operation_describes_its_success():
    live = [(e, op(e.id)) for e in CATALOG.endpoints if not e.removed]
    described = [e.id for e, operation in live if any(
        status.startswith("2") and ("content" in response or status == "204" or "No body" in e.returns)
        for status, response in operation["responses"].items())]
    assert len(described) / len(live) >= 0.95, sorted({e.id for e, _ in live} - set(described))
    with_schema = [e for e, operation in live if any(
        status.startswith("2") and "content" in response for status, response in operation["responses"].items())]
    assert len(with_schema) / len(live) >= 0.9


def test_nullable_optional_enum_formats_deprecated_and_versions_in_entity_schemas():
    status = SCHEMAS["Status"]
    props = status["properties"]
    assert props["in_reply_to_id"]["type"] == ["string", "null"]
    assert props["reblog"]["anyOf"] == [{"$ref": "#/components/schemas/Status"}, {"type": "null"}]
    assert props["created_at"]["format"] == "date-time" and props["url"]["format"] == "uri"
    assert props["visibility"]["enum"] == ["public", "unlisted", "private", "direct"]
    assert "id" in status["required"] and "favourited" not in status["required"]  # optional: not required
    assert props["quote"]["x-mastodon-added"] == "4.4.0" and status["x-mastodon-added"] == "0.1.0"
    assert props["quote"]["anyOf"] == [{"$ref": "#/components/schemas/Quote"},
                                       {"$ref": "#/components/schemas/ShallowQuote"}, {"type": "null"}]
    card = SCHEMAS["PreviewCard"]["properties"]
    assert card["embed_url"]["anyOf"] == [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]
    assert card["url"]["format"] == "uri" and "anyOf" not in card["url"]  # never empty
    validator({"$ref": "#/components/schemas/PreviewCard"}).validate(
        {**SCHEMAS["PreviewCard"]["examples"][0], "embed_url": "", "author_url": ""})
    application = SCHEMAS["Application"]["properties"]
    assert application["vapid_key"]["deprecated"] is True


def test_every_example_validates():
    checked = 0
    for name, schema in SCHEMAS.items():
        for value in schema.get("examples", []):
            validator({"$ref": f"#/components/schemas/{name}"}).validate(value)
            checked += 1
    for where, content in media_types():
        check = validator(content["schema"])
        if "example" in content:
            check.validate(content["example"])
            checked += 1
        for example in content.get("examples", {}).values():
            check.validate(resolve(example)["value"])
            checked += 1
    assert checked > 500


def test_an_example_that_breaks_its_schema_is_caught():
    with pytest.raises(jsonschema.ValidationError):
        validator({"$ref": "#/components/schemas/Status"}).validate({"id": 1})


def test_the_block_errors_are_the_operation_errors():
    verify = op("accounts/verify_credentials")
    assert sorted(verify["responses"]) == ["200", "401", "403", "422", "429"]
    forbidden = resolve(verify["responses"]["403"])
    assert forbidden["content"]["application/json"]["example"] == {"error": "This action is outside the authorized scopes"}
    assert resolve(op("apps/verify_credentials")["responses"]["401"])["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}


def test_home_timeline_declares_link_and_rate_limit_headers():
    ok = op("timelines/home")["responses"]["200"]
    assert set(ok["headers"]) == {"Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
    assert ok["content"]["application/json"]["schema"] == {"type": "array", "items": {"$ref": "#/components/schemas/Status"}}
    assert set(resolve(op("timelines/home")["responses"]["429"])["headers"]) >= {"X-RateLimit-Reset"}
    # one resource, not a list: no Link; outside /api/ no rate-limit headers either
    assert "Link" not in op("statuses/get")["responses"]["200"]["headers"]
    assert "headers" not in op("oauth/token")["responses"]["200"]
    paged = {e.id for e in CATALOG.endpoints if "Link" in op(e.id)["responses"].get("200", {}).get("headers", {})}
    assert paged == {e.id for e in CATALOG.endpoints if e.paginated} and len(paged) == 44


def brackets(schema, where):
    if any("[" in key for key in schema.get("properties", {})):
        yield where
    for key, child in schema.get("properties", {}).items():
        yield from brackets(child, f"{where}.{key}")
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from brackets(schema[key], f"{where}[]")


def test_no_json_body_uses_a_bracket_name():
    found = []
    for path, item in DOC["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                found += brackets(body["schema"], f"{method} {path}")
    assert found == []


def test_json_bodies_nest_what_forms_bracket():
    create = op("statuses/create")["requestBody"]["content"]
    poll = create["application/json"]["schema"]["properties"]["poll"]
    assert poll["properties"]["options"]["type"] == "array"
    assert create["application/json"]["schema"]["properties"]["media_ids"]["items"] == {"type": "string"}
    assert {"poll[options][]", "media_ids[]"} <= set(create["application/x-www-form-urlencoded"]["schema"]["properties"])
    fields = op("accounts/update_credentials")["requestBody"]["content"]
    assert fields["application/json"]["schema"]["properties"]["fields_attributes"]["additionalProperties"][
        "properties"].keys() == {"name", "value"}
    assert r"^fields_attributes\[[0-9]+\]\[name\]$" in fields["multipart/form-data"]["schema"]["patternProperties"]
    edit = op("statuses/edit")["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert set(edit["media_attributes"]["items"]["properties"]) == {"id", "description", "focus"}  # thumbnail: a file
    alerts = op("push/create")["requestBody"]["content"]["application/json"]["schema"]["properties"]["data"]
    assert "admin.report" in alerts["properties"]["alerts"]["properties"]
    keywords = op("filters/create")["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert keywords["keywords_attributes"]["items"]["properties"].keys() >= {"keyword", "whole_word"}


def test_files_go_as_multipart_only():
    media = op("media/v2")["requestBody"]["content"]
    assert "multipart/form-data" in media and media["multipart/form-data"]["schema"]["properties"]["file"][
        "contentMediaType"] == "application/octet-stream"
    assert "file" not in media.get("application/json", {}).get("schema", {}).get("properties", {})


@pytest.mark.parametrize("name, expected", [
    ("status", ["status"]), ("media_ids[]", ["media_ids", "[]"]), ("poll[options][]", ["poll", "options", "[]"]),
    ("fields_attributes[:index][name]", ["fields_attributes", ":index", "name"]),
    ("data[alerts][admin.report]", ["data", "alerts", "admin.report"]),
])
def test_bracket_names_split_into_segments(name, expected):
    assert segments(name) == expected


def test_a_required_member_makes_its_object_say_so():
    catalog = parse_catalog("""\
scopes:
  - {name: push, summary: Push., added: "2.4.0"}
endpoints:
  - id: push/create
    method: POST
    path: /api/v1/push/subscription
    page: methods/push.md
    anchor: create
    title: Subscribe
    summary: Subscribes.
    returns: Empty object
    oauth: [{token: user, scopes: [push]}]
    history: [{version: "2.4.0", change: added}]
    params:
      - {name: "subscription[endpoint]", in: form, type: string, required: true, description: Where.}
      - {name: "subscription[keys][auth]", in: form, type: string, required: true, description: Secret.}
      - {name: "data[policy]", in: form, type: string, description: Who.}
""")
    body = json_body(catalog.endpoints[0].params_in("form"))
    assert body["required"] == ["subscription"]
    assert body["properties"]["subscription"]["required"] == ["endpoint", "keys"]
    assert body["properties"]["subscription"]["properties"]["keys"]["required"] == ["auth"]
    assert "required" not in body["properties"]["data"]


def test_scopes_as_the_server_sees_them():
    schemes = DOC["components"]["securitySchemes"]
    for scheme in schemes.values():
        assert set(scheme["x-mastodon-grants"]) == {"read", "write", "admin:read", "admin:write"}
        assert "read:statuses" in scheme["x-mastodon-grants"]["read"]
        assert not any("follow" in covered for covered in scheme["x-mastodon-grants"].values())
    assert op("accounts/verify_credentials")["x-mastodon-alternatives"] == [
        {"token": "user", "scopes": ["profile"], "x-mastodon-since": "4.3.0"},
        {"token": "user", "scopes": ["read:accounts"]}]
    public = op("timelines/public")["x-mastodon-alternatives"]
    assert [a["token"] for a in public] == ["public", "user"] and all(a["when"] for a in public)


def test_no_site_url_no_links():
    doc = openapi(CATALOG, lambda page: page, "")
    assert "externalDocs" not in doc
    assert not any("externalDocs" in operation for item in doc["paths"].values() for operation in item.values())
    assert "127.0.0.1" not in json.dumps(doc) and "localhost" not in json.dumps(doc)
