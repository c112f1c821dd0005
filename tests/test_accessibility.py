"""axe-core (WCAG 2 A and AA rules) finds no violations on the explorer, in use, and on the
pages readers spend their time on."""

import os

import pytest

from conftest import ROOT
from test_explorer_browser import Reader, chromium, instance, site  # noqa: F401 - shared fixtures

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"


def violations(page) -> list:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE} is missing; scripts/test.sh installs it with npm ci")
        pytest.skip(f"{AXE} is missing (npm ci --prefix tests/js)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


@pytest.mark.parametrize("path", ["", "api/oauth-tokens/", "api/oauth-scopes/", "methods/accounts/",
                                  "methods/admin/reports/", "client/authorized/", "api/endpoints/",
                                  "entities/Status/"])
def test_reading_pages(chromium, site, path):  # noqa: F811
    page = chromium.new_page()
    page.goto(site.url + path)
    assert violations(page) == []
    page.close()


def test_explorer_in_use(chromium, site, instance):  # noqa: F811
    reader = Reader(chromium, site, instance)
    reader.open()
    reader.connect()
    reader.register()
    reader.app_token()
    reader.choose("apps/verify_credentials")
    reader.send()
    assert violations(reader.page) == []
    reader.context.close()
