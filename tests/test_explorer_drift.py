"""The drift report in real Chromium: an instance answers a timeline that differs from the docs
(an undocumented field named like a script, a missing field, wrong types); the explorer lists
each difference with its JSON path, links the entity from catalog.json, copies the report as
plain text, and runs nothing the instance sent."""

import copy
import json

import pytest

from conftest import ROOT
from mastodon_catalog.core.entities import load_entities
from mastodon_catalog.core.examples import example
from test_accessibility import violations
from test_explorer_browser import Reader, chromium, site  # noqa: F401 - shared fixtures
from test_explorer_hostile import hostile  # noqa: F401 - a shared fixture

ENTITIES = load_entities(ROOT / "data" / "entities")
NAME = '<img src=x onerror="window.__pwned=5">'


def timeline() -> list:
    """Four statuses as the docs show them, the fourth drifted. The instance says it runs
    4.0.0, so leaving out what came later (quotes_count, 4.5.0) is no difference."""
    good = example(ENTITIES["Status"], ENTITIES)
    bad = copy.deepcopy(good)
    bad["id"] = 4
    bad["account"]["emojis"] = [{**example(ENTITIES["CustomEmoji"], ENTITIES), "url": 5}]
    del bad["uri"], bad["quotes_count"]
    bad[NAME] = "x"
    return [good, good, good, bad]


@pytest.fixture
def reader(chromium, site, hostile):  # noqa: F811
    person = Reader(chromium, site, hostile)
    person.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.origin)
    person.open()
    assert "Connected to Hostile" in person.connect()  # its version: "4.0.0<img src=x onerror=...>"
    person.choose("timelines/public")
    yield person
    assert person.page.evaluate("window.__pwned") is None, "a script from the instance ran"
    assert person.page.query_selector("#mc-explorer img, #mc-explorer script") is None
    assert person.errors == []
    assert person.foreign_requests() == []
    person.context.close()


def test_a_drifting_answer_is_listed_linked_and_copied(reader, hostile, site, real_site):  # noqa: F811
    hostile.mode, hostile.body = "body", timeline()
    assert reader.send().startswith("200 ·")
    page = reader.page
    assert page.is_visible("#mc-x-drift")
    assert reader.text("#mc-x-drift h3") == "Compared with the docs"
    summary = ("4 differences from the documented array of Status: 1 undocumented field, 1 missing field, "
               "2 type mismatches.")
    assert reader.text("#mc-x-drift-summary") == summary
    findings = [
        "$[3].id: documented as string in Status, got number 4",
        "$[3].account.emojis[0].url: documented as url in CustomEmoji, got number 5",
        '$[3]["<img src=x onerror=\\"window.__pwned=5\\">"]: not documented in Status',
        "$[3].uri: missing; Status documents it as always present (string)",
    ]
    assert page.eval_on_selector_all("#mc-x-drift-list li", "items => items.map(li => li.textContent)") == findings
    # The entity names link to their pages on this site, as catalog.json gives them.
    links = page.eval_on_selector_all("#mc-x-drift-list a", "links => links.map(a => [a.textContent, a.href])")
    assert {name for name, _ in links} == {"Status", "CustomEmoji"}
    for name, href in links:
        assert href.startswith(site.url) and href.endswith(f"/#{name}"), href
        assert page.request.get(href).ok, href
    # The field name from the instance is text: no element of the list but li and a.
    assert page.eval_on_selector_all("#mc-x-drift-list *", "nodes => [...new Set(nodes.map(n => n.tagName))]") \
        == ["LI", "A"]

    page.click("#mc-x-drift-copy")
    reader.wait_text("#mc-x-drift-copied", "Copied")
    copied = page.evaluate("navigator.clipboard.readText()").split("\n")
    version = reader.text('#mc-x-instance-info [data-field="version"]')  # the instance's, payload and all
    assert version.startswith("4.0.0<img") and len(version) > 60
    docs = json.loads((real_site.dir / "catalog.json").read_text())["mastodon"]
    assert copied[0] == (f"Drift report: GET /api/v1/timelines/public on {hostile.url} (version {version[:59]}…), "
                         f"against the docs of Mastodon {docs}")
    assert copied[1:] == [summary, *findings]


def test_the_report_passes_axe(reader, hostile):
    hostile.mode, hostile.body = "body", timeline()
    assert reader.send().startswith("200 ·")
    assert reader.page.is_visible("#mc-x-drift-list")
    assert violations(reader.page) == []


def test_a_matching_answer_says_so_and_the_report_goes_with_a_new_request_or_instance(reader, hostile):
    hostile.mode, hostile.body = "body", timeline()[:3]
    assert reader.send().startswith("200 ·")
    assert reader.text("#mc-x-drift-summary") == "Matches the documented array of Status."
    assert reader.page.is_hidden("#mc-x-drift-list")
    hostile.mode = "html"  # no JSON: nothing to compare
    assert reader.send().startswith("200 ·")
    assert reader.page.is_hidden("#mc-x-drift")
    hostile.mode = "body"
    assert reader.send().startswith("200 ·")
    assert reader.page.is_visible("#mc-x-drift")
    assert "Connected to Hostile" in reader.connect()  # connecting again: the report was on the old answer
    assert reader.page.is_hidden("#mc-x-drift")
