"""The entities on the built site: a page per upstream entity page naming every attribute
upstream lists, examples that validate against the entity's schema, and "Returns" lines
that link to the entity."""

import json
import re

import jsonschema
import pytest
import yaml

from conftest import ROOT
from mastodon_catalog.core import load_catalog, snapshot
from mastodon_catalog.core.entities import load_entities
from mastodon_catalog.core.schemas import entity_schemas, schema_name

UPSTREAM = ROOT.parent / "shared" / "reference" / "mastodon-docs" / "entities"
ENTITIES = load_entities(ROOT / "data" / "entities")
CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")
HEADING_RE = re.compile(r"^###\s+`([^`]+)`", re.M)


def attribute_headings(text: str) -> list[str]:
    r"""The `### \`name\`` headings under upstream's attribute sections ("## Attributes",
    "## CredentialAccount entity attributes", "### Attributes" of an inline entity), not
    those of other sections (the dimension keys of Admin_Dimension, for instance)."""
    found, inside = [], False
    for line in text.splitlines():
        if re.match(r"^##\s", line) or re.match(r"^###\s+[A-Z]", line):
            inside = "attributes" in line.lower() or "entity" in line.lower()
        elif inside and (match := HEADING_RE.match(line)):
            found.append(match.group(1))
    return found


def upstream_pages():
    return sorted(p.stem for p in UPSTREAM.glob("*.md") if p.stem != "_index") if UPSTREAM.is_dir() else []


@pytest.mark.skipif(not UPSTREAM.is_dir(), reason="upstream's documentation is not beside the project")
@pytest.mark.parametrize("name", upstream_pages())
def test_every_upstream_entity_page_has_a_page_naming_every_attribute(real_site, name):
    page = real_site.page(f"entities/{name}.md")
    ours = {code.get_text() for code in page.select("article .mc-entity td:first-child code")}
    listed = {re.split(r"[\[\]]", heading)[-2] if "[" in heading else heading
              for heading in attribute_headings((UPSTREAM / f"{name}.md").read_text(encoding="utf-8"))}
    listed = {n for n in listed if re.fullmatch(r"[A-Za-z0-9_:@.-]+", n)}
    differences = ROOT / "data" / "entities" / f"{name}.differences.yaml"
    # what the code does not send, recorded with its evidence, is rightly left out
    disputed = {n for row in yaml.safe_load(differences.read_text()) for n in re.findall(r"`([^`]+)`", row["upstream"])} \
        if differences.is_file() else set()
    assert listed - ours - disputed == set(), f"entities/{name}: upstream lists attributes the page does not"


def test_every_example_on_the_entity_pages_validates_against_its_entity(real_site):
    defs = entity_schemas(ENTITIES)
    jsonschema.Draft202012Validator.check_schema({"$defs": defs})
    checked = 0
    for entity in ENTITIES.values():
        block = real_site.page(entity.page).select_one(f'.mc-entity[data-entity="{entity.name}"] pre code')
        schema = {"$defs": defs, "$ref": f"#/$defs/{schema_name(entity.name)}"}
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        validator.validate(json.loads(block.get_text()))
        checked += 1
    assert checked == len(ENTITIES) > 140


def test_an_example_that_breaks_its_schema_is_caught():
    defs = entity_schemas(ENTITIES)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": 5}, {"$defs": defs, "$ref": "#/$defs/Account"})


BODY_WORDS = {"empty": "An empty object, {}", "none": "No body", "null": "null", "text": "Plain text",
              "html": "An HTML page", "redirect": "A redirect", "events": "Events:"}


def test_every_returns_line_links_its_entities_or_says_what_comes_back(real_site):
    linked = said = 0
    for endpoint in CATALOG.endpoints:
        returns = real_site.page(endpoint.page).select_one(f'[data-endpoint="{endpoint.id}"] .mc-returns')
        hrefs = [a["href"] for a in returns.find_all("a")]
        for answer in endpoint.answers:
            if answer.entity:
                entity = ENTITIES[answer.entity]
                anchor = f"/{entity.page.removesuffix('.md')}/#{entity.anchor}"
                assert any(h.endswith(anchor) for h in hrefs), (endpoint.id, anchor)
                linked += 1
            elif answer.kind != "json":
                assert BODY_WORDS[answer.kind] in returns.get_text(), endpoint.id
                said += 1
            if answer.type.startswith("array of"):
                assert "Array of" in returns.get_text(), endpoint.id
            if answer.status != 200:
                assert f"(HTTP {answer.status})" in returns.get_text(), endpoint.id
    assert linked >= 230 and said >= 50


def test_entity_pages_list_the_endpoints_that_return_them(real_site):
    returned_by = real_site.page("entities/Account.md").select_one('[data-entity="Account"] .mc-returned-by')
    assert "GET /api/v1/accounts/:id" in returned_by.get_text()


def test_the_entity_index_links_every_entity(real_site):
    index = real_site.page("entities/index.md")
    assert len(index.select(".mc-entity-index tbody tr")) == len(ENTITIES)


def test_the_entities_survive_the_cache():
    assert snapshot.load_entities(snapshot.dump_entities(ENTITIES)) == ENTITIES


def test_every_recorded_difference_names_a_known_entity_and_its_evidence():
    for path in sorted((ROOT / "data" / "entities").glob("*.differences.yaml")):
        for row in yaml.safe_load(path.read_text()):
            entity = ENTITIES.get(row["entity"])
            assert entity, (path.name, row["entity"])
            if row.get("attribute"):
                names = {a.name for a in entity.attributes}
                assert row["attribute"].split(".")[0].split("[")[0] in names or row["attribute"] in str(entity), \
                    (path.name, row["entity"], row["attribute"])
            assert re.search(r"[\w/.-]+\.(rb|ts|tsx|js|yml):\d+", row["evidence"]), (path.name, row)
