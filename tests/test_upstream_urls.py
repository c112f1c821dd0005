"""Every address of upstream's documentation answers on the built site: its 147 pages, the old
addresses in their front matter (redirects) and the heading anchors links point at.

The list is tests/fixtures/upstream-urls.txt, made by tests/upstream_urls.py from
../shared/reference; the first test checks that it is still what the reference says."""

import re
from functools import cache
from pathlib import PurePosixPath

import pytest

import upstream_urls
from browser import CHROMIUM, CHROMIUM_ARGS, StaticSite, require_chromium

PAGES, ALIASES, ANCHORS = upstream_urls.load()
REDIRECT = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def test_the_list_is_upstreams():
    if not upstream_urls.REFERENCE.is_dir():
        pytest.skip("../shared/reference is absent: the list cannot be compared with its source")
    assert upstream_urls.read() == (PAGES, ALIASES, ANCHORS), "run: .venv/bin/python tests/upstream_urls.py"


def test_the_list_is_complete():
    """Guards the list itself: a truncated file would make the walks below pass vacuously."""
    assert len(PAGES) == 147 and len(ALIASES) >= 300 and len(ANCHORS) >= 1000


@pytest.fixture(scope="module")
def built(real_site):
    @cache
    def html(url: str) -> str | None:
        path = real_site.dir / url / "index.html"
        return path.read_text(encoding="utf-8") if path.is_file() else None
    return html


def ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_every_upstream_page_is_a_page_of_ours(built):
    """A page, not a redirect: each of upstream's pages has content here."""
    missing = [p for p in PAGES if built(p) is None]
    redirects = [p for p in PAGES if built(p) and REDIRECT.search(built(p))]
    assert not missing and not redirects, f"no page: {missing}; only a redirect: {redirects}"


def test_every_old_address_redirects_to_its_page(built):
    wrong = []
    for old, page in ALIASES.items():
        html = built(old)
        target = REDIRECT.search(html) if html else None
        if not target:
            wrong.append(f"{old}: no redirect")
            continue
        url, _, anchor = target.group(1).partition("#")
        landed = str(PurePosixPath(old, url)).replace("\\", "/")
        landed = "/".join(_resolve(landed.split("/")))
        if landed != page:
            wrong.append(f"{old}: leads to {landed}, not {page}")
        elif anchor and anchor not in ids(built(page)):
            wrong.append(f"{old}: {page} has no #{anchor}")
    assert not wrong, "\n".join(wrong)


def _resolve(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            out.pop()
        elif part not in (".", ""):
            out.append(part)
    return out


def test_every_upstream_anchor_lands_on_our_page(built):
    missing = [a for a in ANCHORS if (html := built(a.split("#")[0])) is None or a.split("#")[1] not in ids(html)]
    assert not missing, f"{len(missing)} of {len(ANCHORS)} anchors lead nowhere:\n" + "\n".join(missing)


def test_a_reader_following_an_old_link_lands_on_the_section(real_site):
    """In Chromium: upstream's /api/entities/Mention/ (an alias of the Status page) ends on our
    Status page, scrolled to the Mention section; an anchor alias scrolls too."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    served = StaticSite(real_site.dir)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(served.url + "api/entities/Mention/")
            page.wait_for_url("**/entities/Status/#Mention")
            heading = page.locator("[id='Mention']")
            heading.wait_for()
            assert 0 <= heading.bounding_box()["y"] < 400, "the Mention section is not in view"
            page.goto(served.url + "client/authorized/#statuses")
            assert 0 <= page.locator("[id='statuses']").bounding_box()["y"] < 400
            browser.close()
    finally:
        served.stop()
