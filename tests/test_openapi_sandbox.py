"""Schemathesis drives the generated OpenAPI document against the sandbox instance, for the
operations the sandbox implements: every answer must be one the document declares."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from conftest import ROOT
from mastodon_catalog.core import load_catalog
from mastodon_catalog.core.openapi import openapi, openapi_path
from sandbox import Sandbox
from test_sandbox import register, user_token

IMPLEMENTED = {
    ("POST", "/api/v1/apps"), ("GET", "/api/v1/apps/verify_credentials"),
    ("GET", "/api/v1/accounts/verify_credentials"), ("POST", "/api/v1/accounts"),
    ("POST", "/api/v1/accounts/:id/block"), ("GET", "/api/v2/instance"), ("GET", "/api/v1/instance"),
    ("GET", "/api/v1/timelines/public"), ("GET", "/api/v1/statuses/:id"), ("GET", "/api/v1/timelines/home"),
    ("POST", "/api/v1/statuses"), ("GET", "/api/v1/notifications"),
}
CATALOG = load_catalog(ROOT / "data" / "endpoints.yaml")
DOC = openapi(CATALOG, lambda page: page, "https://docs.example/")
WANTED = {(method, openapi_path(path)) for method, path in IMPLEMENTED}
DOC["paths"] = {path: {m: op for m, op in item.items() if (m.upper(), path) in WANTED}
                for path, item in DOC["paths"].items()}
DOC["paths"] = {path: item for path, item in DOC["paths"].items() if item}
schema = schemathesis.openapi.from_dict(DOC)


def test_every_sandbox_operation_is_in_the_document():
    found = {(m.upper(), p) for p, item in DOC["paths"].items() for m in item}
    assert found == WANTED


@pytest.fixture(scope="module")
def instance():
    with Sandbox(rate_limit=100000) as server:
        app = register(server, scopes="read write follow profile")
        server.token = user_token(server, app, "read write follow")
        yield server


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_sandbox_answers_as_documented(case, instance):
    case.call_and_validate(base_url=instance.url, headers={"Authorization": f"Bearer {instance.token}"},
                           session=requests.Session(),
                           checks=[not_a_server_error, status_code_conformance, content_type_conformance])
