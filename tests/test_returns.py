"""`returns` as a checked reference: its grammar, the located messages a contributor sees for
a wrong one, an unknown entity stopping the build, and every form on the real catalog."""

import textwrap

import pytest

from conftest import ROOT, mkdocs_build
from mastodon_catalog.core import CatalogError, load_catalog
from mastodon_catalog.core.entities import load_entities
from mastodon_catalog.core.returns import Success, attach, parse
from test_loader_errors import BASE, problems


@pytest.mark.parametrize("text, expected", [
    ("Account", [Success(200, "json", "Account")]),
    ("Array of Admin::Account", [Success(200, "json", "array of Admin::Account")]),
    ("Hash of Marker keyed by timeline", [Success(200, "json", "hash of Marker", "timeline")]),
    ("Hash of Array of String keyed by language", [Success(200, "json", "hash of array of string", "language")]),
    ("Boolean", [Success(200, "json", "boolean")]),
    ("Empty object", [Success(200, "empty")]),
    ("No body", [Success(204, "none")]),
    ("200 No body", [Success(200, "none")]),
    ("Redirect", [Success(302, "redirect")]),
    ("Events: update, status.update", [Success(200, "events", events=("update", "status.update"))]),
    ("Status | ScheduledStatus when `scheduled_at` is set",
     [Success(200, "json", "Status"), Success(200, "json", "ScheduledStatus", when="`scheduled_at` is set")]),
    ("Array of Tag when staff | Array of String otherwise",
     [Success(200, "json", "array of Tag", when="staff"), Success(200, "json", "array of string", when="otherwise")]),
    ("202 No body | Empty object when done", [Success(202, "none"), Success(200, "empty", when="done")]),
])
def test_each_form_reads_as_its_answers(text, expected):
    assert list(parse(text)) == expected


def test_an_answer_knows_the_entity_it_holds():
    status, scheduled = parse("Array of Status | 206 Hash when partial")
    assert (status.entity, scheduled.entity) == ("Status", None)


@pytest.mark.parametrize("returns, message", [
    ("Hash with a single key of `count`", "'returns' of endpoint 'accounts/get': 'Hash with a single key of `count`' "
     "is not a type"),
    ("404 Account", "'returns' of endpoint 'accounts/get': status 404 of '404 Account' is not a success (list only "
     "2xx and 3xx answers: the errors follow from the OAuth requirement)"),
    ("'Events: update, delet'", "'returns' of endpoint 'accounts/get': unknown streaming event 'delet' (use one of: "),
    ("Array of Tag keyed by name", "'returns' of endpoint 'accounts/get': 'Array of Tag keyed by name' is keyed but "
     "not a hash (write 'Hash of X keyed by ...')"),
])
def test_a_wrong_returns_is_reported_at_its_value(returns, message):
    found = problems(BASE.replace("returns: Account", f"returns: {returns}", 1))
    assert len(found) == 1 and found[0].startswith(f"data/endpoints.yaml:20:14: {message}"), found


def test_the_message_lists_the_forms_to_write():
    found = problems(BASE.replace("returns: Account", "returns: Something else entirely", 1))
    assert "(write one of: an entity (Account), 'Array of Status'," in found[0]


def entities_file(tmp_path, names):
    folder = tmp_path / "entities"
    folder.mkdir()
    (folder / "Things.yaml").write_text("".join(textwrap.dedent(f"""\
        - name: {name}
          anchor: {name}
          summary: A thing.
          history: [{{version: "1.0.0", change: added}}]
          attributes:
            - {{name: id, type: string, description: Its id., history: [{{version: "1.0.0", change: added}}]}}
        """) for name in names))
    return load_entities(folder)


def test_an_unknown_entity_is_named_at_its_line_with_a_suggestion(tmp_path):
    path = tmp_path / "endpoints.yaml"
    path.write_text(BASE.replace("returns: Account", "returns: Array of Acount | Relationship when friends", 1))
    catalog = load_catalog(path, "data/endpoints.yaml")
    with pytest.raises(CatalogError) as caught:
        attach(catalog, entities_file(tmp_path, ["Account", "CredentialAccount"]))
    assert [str(p) for p in caught.value.problems] == [
        "data/endpoints.yaml:20:14: 'returns' of endpoint 'accounts/get' names unknown entity 'Acount' "
        "(did you mean 'Account'?)",
        "data/endpoints.yaml:20:14: 'returns' of endpoint 'accounts/get' names unknown entity 'Relationship' "
        "(define 'Relationship' in an entities file, or correct the name)",
    ]
    assert catalog.entities == {}  # nothing attached once anything is wrong


def test_without_entities_nothing_is_checked(tmp_path):
    path = tmp_path / "endpoints.yaml"
    path.write_text(BASE.replace("returns: Account", "returns: Whatever", 1))
    catalog = load_catalog(path)
    attach(catalog, {})
    assert catalog.endpoints[0].answers[0].entity == "Whatever"


def test_an_unknown_entity_stops_mkdocs_before_the_site_is_touched(tiny):
    (tiny / "data/entities").mkdir()
    (tiny / "data/entities/Application.yaml").write_text(textwrap.dedent("""\
        - name: Application
          anchor: Application
          summary: A registered app.
          history: [{version: "0.9.9", change: added}]
          attributes:
            - {name: name, type: string, description: Its name., history: [{version: "0.9.9", change: added}]}
        """))
    (tiny / "content/entities").mkdir()
    (tiny / "content/entities/Application.md").write_text("# Application\n\n<!-- entity Application -->\n")
    (tiny / "site").mkdir()
    (tiny / "site/index.html").write_text("the last good build")
    result = mkdocs_build(tiny)
    assert result.returncode == 1
    assert "data/endpoints.yaml:31:14: 'returns' of endpoint 'accounts/create' names unknown entity 'Token'" \
        in result.stderr
    assert "names unknown entity 'Relationship'" in result.stderr and "Traceback" not in result.stderr
    assert (tiny / "site/index.html").read_text() == "the last good build"


def test_every_endpoint_of_the_real_catalog_answers_with_a_defined_body():
    catalog = load_catalog(ROOT / "data" / "endpoints.yaml")
    attach(catalog, load_entities(ROOT / "data" / "entities"))
    kinds = {a.kind for e in catalog.endpoints for a in e.answers}
    assert kinds == {"json", "empty", "none", "null", "text", "html", "redirect", "events"}
    assert {e.id for e in catalog.endpoints if any(a.status == 206 for a in e.answers)} == {"media/get",
                                                                                           "media/update"}
