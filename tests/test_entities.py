"""The entities (data/entities/<Page>.yaml): read with locations, checked as a whole."""

from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT
from mastodon_catalog.core import CatalogError, load_catalog
from mastodon_catalog.core.entities import load_entities, parse_entities
from mastodon_catalog.core.fields import entities_json_schema, schema_text

SCHEMA_FILE = ROOT / "plugins" / "mastodon_catalog" / "schema" / "entities.schema.json"

ACCOUNT = """\
- name: Account
  anchor: Account
  summary: A user of some server.
  history:
    - {version: "0.1.0", change: added}
  attributes:
    - name: id
      type: string
      description: Its id on this server.
      history: [{version: "0.1.0", change: added}]
    - name: source
      type: Account::Source
      optional: true
      description: What its owner edits.
      history: [{version: "2.4.0", change: added}]
- name: Account::Source
  anchor: source
  summary: The profile as its owner edits it.
  history:
    - {version: "2.4.0", change: added}
  attributes:
    - name: privacy
      type: string
      enum: [public, unlisted, private, direct]
      example: unlisted
      description: Default visibility of new posts.
      history: [{version: "2.4.0", change: added}]
"""
STATUS = """\
- name: Status
  anchor: Status
  summary: A post.
  history:
    - {version: "0.1.0", change: added}
  attributes:
    - name: account
      type: Account
      description: Who posted it.
      history: [{version: "0.1.0", change: added}]
    - name: mentions
      type: array of Account
      description: Who it mentions.
      history: [{version: "0.1.0", change: added}]
"""


def parse(account=ACCOUNT, status=STATUS):
    return parse_entities([("data/entities/Account.yaml", account, "entities/Account.md"),
                           ("data/entities/Status.yaml", status, "entities/Status.md")])


def problems(**files) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        parse(**files)
    return [str(p) for p in caught.value.problems]


def test_a_valid_set_of_files_becomes_the_model():
    entities = parse()
    assert list(entities) == ["Account", "Account::Source", "Status"]
    source = entities["Account::Source"]
    assert (source.page, source.anchor, source.attributes[0].enum) == (
        "entities/Account.md", "source", ("public", "unlisted", "private", "direct"))
    assert [a.target for a in entities["Status"].attributes] == ["Account", "Account"]
    assert entities["Account"].attributes[1].optional and not entities["Account"].attributes[0].optional


@pytest.mark.parametrize("where, old, new, message", [
    ("status", "type: array of Account", "type: array of Acount",
     "data/entities/Status.yaml:12:13: unknown entity 'Acount' in the type of attribute 'mentions' of Status "
     "(did you mean 'Account'?)"),
    ("status", "type: array of Account", "type: array of Account or Acount",
     "data/entities/Status.yaml:12:13: unknown entity 'Acount' in the type of attribute 'mentions' of Status "
     "(did you mean 'Account'?)"),
    ("status", "type: Account\n", "type: Account or string\n",
     "data/entities/Status.yaml:8:13: type 'Account or string' of attribute 'account' of Status is not valid: a "
     "value type (string, integer, url, ...), an entity name or several joined by ' or ', or 'array of' / 'hash of' "
     "one (correct the type)"),
    ("status", "type: Account\n", "type: strng\n",
     "data/entities/Status.yaml:8:13: unknown value type 'strng' in the type of attribute 'account' of Status "
     "(did you mean 'string'?)"),
    ("status", "    - name: mentions", "    - name: account",
     "data/entities/Status.yaml:11:13: attribute 'account' of Status is defined twice (first at line 7) "
     "(keep one definition)"),
    ("account", 'history: [{version: "2.4.0", change: added}]\n- name: Account::Source',
     'history: [{version: "0.0.1", change: added}]\n- name: Account::Source',
     "data/entities/Account.yaml:15:16: attribute 'source' of Account is added in 0.0.1, before Account itself "
     "(0.1.0) (date Account's 'added' back to 0.0.1, or correct the attribute's)"),
    ("account", "example: unlisted", "example: secret",
     "data/entities/Account.yaml:25:16: the example 'secret' of attribute 'privacy' of Account::Source is not one "
     "of its enum values (use one of: public, unlisted, private, direct)"),
    ("status", "  anchor: Status\n", "  anchor: Status\n  extends: Acount\n",
     "data/entities/Status.yaml:3:12: entity 'Status' extends unknown entity 'Acount' (did you mean 'Account'?)"),
    ("status", "- name: Status", "- name: Account",
     "data/entities/Status.yaml:1:9: entity 'Account' is defined twice (first at data/entities/Account.yaml:1) "
     "(keep one definition)"),
    ("status", "    - name: account\n      type: Account", "    - name: account\n      type: 42",
     "data/entities/Status.yaml:8:13: type 42 of attribute 'account' of Status is read as a number, not text "
     "(quote it: \"42\")"),
    ("account", "    - {version: \"0.1.0\", change: added}", "    - {version: \"0.1.0\", change: changed}",
     "data/entities/Account.yaml:5:5: the history of entity 'Account' needs one 'added' entry, first "
     "(start it with '- {version: X.Y.Z, change: added}' and list no other 'added')"),
])
def test_each_mistake_is_located_with_a_fix(where, old, new, message):
    files = {"account": ACCOUNT, "status": STATUS}
    assert old in files[where]
    files[where] = files[where].replace(old, new, 1)
    assert problems(**files) == [message]


def test_every_mistake_of_every_file_at_once():
    found = problems(account=ACCOUNT.replace("type: Account::Source", "type: Account::Sauce"),
                     status=STATUS.replace("type: array of Account", "type: array of Acount").replace("anchor: Status",
                                                                                                   "anchor: 'a b'"))
    assert [p.split(": ", 1)[0] for p in found] == ["data/entities/Account.yaml:12:13", "data/entities/Status.yaml:2:11",
                                                    "data/entities/Status.yaml:12:13"]


def test_malformed_yaml_in_one_file_does_not_hide_the_others():
    found = problems(account="- name: [unclosed\n", status=STATUS.replace("type: Account\n", "type: strng\n"))
    assert {p.split(":", 1)[0] for p in found} == {"data/entities/Account.yaml", "data/entities/Status.yaml"}
    assert any("unknown value type 'strng'" in p for p in found)


def test_the_shipped_schema_is_the_generated_one():
    assert SCHEMA_FILE.read_text() == schema_text(entities_json_schema()), (
        "regenerate it: UPDATE_SCHEMA=1 .venv/bin/python -m pytest -q tests/test_schema.py")


def test_the_schema_and_the_loader_agree_on_the_examples():
    schema = entities_json_schema()
    for text in (ACCOUNT, STATUS):
        jsonschema.validate(yaml.safe_load(text), schema)
    broken = yaml.safe_load(STATUS.replace("type: Account\n", "type: 'array of'\n"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_real_entities_load_and_match_the_schema():
    folder = ROOT / "data" / "entities"
    entities = load_entities(folder)
    for path in sorted(folder.glob("*.yaml")):
        if not path.name.endswith(".differences.yaml"):
            jsonschema.validate(yaml.safe_load(path.read_text()), entities_json_schema())
    assert all(e.page == f"entities/{Path(e.file).stem}.md" for e in entities.values())


def golden_pipeline():
    from mastodon_catalog.core.pages import PagePipeline
    from mastodon_catalog.core.render import Renderer

    golden = ROOT / "tests" / "golden"
    catalog = load_catalog(golden / "catalog.yaml")
    catalog.entities = load_entities(golden / "entities")
    return PagePipeline(catalog, Renderer(catalog))


@pytest.mark.parametrize("marker, message", [
    ("<!-- entity Tga -->", "marker names unknown entity 'Tga' (did you mean 'Tag'?)"),
    ("<!-- entity -->", "entity marker needs exactly one entity name (write <!-- entity Account -->)"),
    ("<!-- entities all -->", "the entities marker takes no arguments (write <!-- entities -->)"),
])
def test_entity_marker_mistakes(marker, message):
    result = golden_pipeline().page("entities/Shapes.md", f"# Shapes\n\n{marker}\n")
    assert [(n.line, n.message + f" ({n.fix})", n.error) for n in result.notes] == [(3, message, True)]


def test_entities_documented_twice_elsewhere_or_nowhere():
    from mastodon_catalog.core.pages import check_site

    pages = [("entities/Shapes.md", "<!-- entity Tag -->\n<!-- entity Tag -->\n", 1),
             ("entities/Other.md", "\n<!-- entity Tag::Day -->\n", 1),
             ("shapes.md", "".join(f"<!-- endpoint shapes/{s} -->\n" for s in
                                   ("public", "app", "app_scoped", "user_alternatives", "public_or_user", "admin")), 1)]
    report = check_site(golden_pipeline(), pages, "content")
    assert [str(p) for p in report.errors] == [
        "content/entities/Other.md:2:1: entity 'Tag::Day' is documented here, but the catalog says it is on "
        "entities/Shapes.md (move the marker there, or the entity into data/entities/Other.yaml)",
        "content/entities/Shapes.md:2:1: entity 'Tag' is documented twice (first at entities/Shapes.md:1) "
        "(keep one marker)"]
    assert [str(p) for p in report.warnings] == [
        "data/entities/Shapes.yaml:47:3: entity 'FeaturedTag' is documented nowhere "
        "(add <!-- entity FeaturedTag --> to content/entities/Shapes.md)"]
