"""The answers on each endpoint block: its successes as the catalog's `returns` says, Error
bodies by the entity's schema, and the same answers the sandbox instance really gives for
the cases it implements."""

import json

import jsonschema
import pytest
import requests

from conftest import ROOT
from mastodon_catalog.core import load_catalog
from mastodon_catalog.core.entities import load_entities
from mastodon_catalog.core.responses import errors
from mastodon_catalog.core.schemas import entity_schemas
from sandbox import Sandbox
from test_sandbox import app_token, register, user_token

CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")
ENTITIES = load_entities(ROOT / "data" / "entities")


def test_every_documented_error_body_is_an_error_entity(real_site):
    validator = jsonschema.Draft202012Validator({"$defs": entity_schemas(ENTITIES), "$ref": "#/$defs/Error"})
    tables = 0
    for endpoint in CATALOG.endpoints:
        block = real_site.page(endpoint.page).select_one(f'[data-endpoint-details="{endpoint.id}"] .mc-responses')
        rows = [[td.get_text() for td in tr.find_all("td")] for tr in block.select("tbody tr")]
        failures = rows[len(endpoint.answers):]
        assert [int(status) for status, _, _ in failures] == [a.status for a in errors(endpoint)], endpoint.id
        for (_, _, body), answer in zip(failures, errors(endpoint)):
            if answer.body is None:  # Doorkeeper's error page on /oauth/authorize
                assert body == "An HTML page", endpoint.id
            else:
                validator.validate(json.loads(body))
        assert block.select_one("p a")["href"].endswith("/entities/Error/#Error")
        tables += 1
    assert tables == len(CATALOG.endpoints)


def test_success_rows_come_first_with_their_status_and_body(real_site):
    block = real_site.page("methods/media.md").select_one('[data-endpoint-details="media/get"] .mc-responses')
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in block.select("tbody tr")][:2]
    assert rows == [["200", "Success.", "MediaAttachment"],
                    ["206", "When the file is still being processed (its url is null).", "MediaAttachment"]]
    assert block.select_one("tbody a")["href"].endswith("/entities/MediaAttachment/#MediaAttachment")


def test_a_removed_endpoint_answers_404_on_newer_servers():
    answer = next(a for a in errors(CATALOG.by_id["proofs/get"]) if a.status == 404)
    assert "3.5.0 or later" in answer.when and answer.body == {"error": "Not Found"}


@pytest.mark.parametrize("endpoint_id, expected", [
    ("accounts/verify_credentials", [401, 403, 422, 429]),  # user only, scoped
    ("apps/verify_credentials", [401, 429]),  # any token, no scope
    ("accounts/get", [401, 404, 429]),  # public: only a bad token is refused
    ("accounts/create", [400, 401, 403, 403, 422, 429]),  # app only, scoped, a body to parse and validate
    ("oauth/token", [400, 400, 401]),  # Doorkeeper's own answers and an unreadable body; no 429 outside /api/
    ("oauth/revoke", [400, 403]),
    ("oauth/authorize", [400, 401]),
    ("oauth/userinfo", [401, 403, 422]),  # an API controller outside /api/: no 429
])
def test_which_errors_follow_from_the_catalog(endpoint_id, expected):
    assert [a.status for a in errors(CATALOG.by_id[endpoint_id])] == expected


@pytest.fixture(scope="module")
def instance():
    with Sandbox() as server:
        server.app = register(server)
        yield server


def documented(endpoint_id: str, status: int, when: str = "") -> dict:
    return next(a.body for a in errors(CATALOG.by_id[endpoint_id]) if a.status == status and when in a.when)


def test_the_sandbox_answers_as_documented(instance):
    url = f"{instance.url}/api/v1/accounts/verify_credentials"
    assert requests.get(url).json() == documented("accounts/verify_credentials", 401)
    app = app_token(instance, instance.app)
    assert requests.get(url, headers={"Authorization": f"Bearer {app}"}).json() == \
        documented("accounts/verify_credentials", 422)
    narrow = user_token(instance, instance.app, scope="write")
    answer = requests.get(url, headers={"Authorization": f"Bearer {narrow}"})
    assert (answer.status_code, answer.json()) == (403, documented("accounts/verify_credentials", 403))
    broad = user_token(instance, instance.app, scope="read")
    missing = requests.get(f"{instance.url}/api/v1/statuses/999999999", headers={"Authorization": f"Bearer {broad}"})
    assert (missing.status_code, missing.json()) == (404, documented("statuses/get", 404))
