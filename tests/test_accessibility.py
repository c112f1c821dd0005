"""axe-core (WCAG 2 A and AA rules) finds no violations on the explorer, in use, and on the
pages readers spend their time on, in the light scheme and in the dark one."""

import os

import pytest

from conftest import ROOT
from test_explorer_browser import Reader, chromium, instance, site  # noqa: F401 - shared fixtures

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"

# The reader's system setting (Playwright's color_scheme) and the Material scheme it should give:
# the palette's first option follows the system until the reader picks one with the toggle.
SCHEMES = {"light": "default", "dark": "slate"}


def violations(page) -> list:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE} is missing; scripts/test.sh installs it with npm ci")
        pytest.skip(f"{AXE} is missing (npm ci --prefix tests/js)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def scheme(page) -> str:
    return page.get_attribute("body", "data-md-color-scheme")


@pytest.mark.parametrize("system", SCHEMES)
@pytest.mark.parametrize("path", ["", "api/oauth-tokens/", "api/oauth-scopes/", "methods/accounts/",
                                  "methods/admin/reports/", "client/authorized/", "api/endpoints/",
                                  "entities/Status/"])
def test_reading_pages(chromium, site, path, system):  # noqa: F811
    page = chromium.new_page(color_scheme=system)
    page.goto(site.url + path)
    assert scheme(page) == SCHEMES[system]
    assert violations(page) == []
    page.close()


@pytest.mark.parametrize("system", SCHEMES)
def test_explorer_in_use(chromium, site, instance, system):  # noqa: F811
    reader = Reader(chromium, site, instance)
    reader.page.emulate_media(color_scheme=system)
    reader.open()
    assert scheme(reader.page) == SCHEMES[system]
    reader.connect()
    reader.register()
    reader.app_token()
    reader.choose("apps/verify_credentials")
    reader.send()
    assert violations(reader.page) == []
    # The folded scopes with their admin marks, and an endpoint with its badges (and, on the
    # older server, the note that it is newer than the server).
    if instance.mode == "legacy":  # it announces no scopes: the rest are folded
        reader.page.click("#mc-x-scope-list details summary")
    assert reader.page.is_visible("label[for=mc-x-scope-admin-read] .mc-x-admin")
    reader.choose("grouped_notifications/get-grouped")
    assert reader.page.is_visible("#mc-x-version-note") == (instance.mode == "legacy")
    assert violations(reader.page) == []
    reader.context.close()


def test_the_toggle_switches_the_scheme_and_keeps_it(chromium, site):  # noqa: F811
    """The header's toggle goes system → light → dark → system; the choice survives a new page."""
    context = chromium.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site.url + "methods/accounts/")
    assert scheme(page) == "slate"
    page.click('label[for="__palette_1"]:visible')  # "Switch to light mode"
    assert scheme(page) == "default"
    page.goto(site.url + "api/oauth-scopes/")
    assert scheme(page) == "default"
    page.click('label[for="__palette_2"]:visible')  # "Switch to dark mode"
    assert scheme(page) == "slate"
    assert violations(page) == []
    context.close()
