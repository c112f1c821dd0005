"""A tiny site built with the real MkDocs, in a temporary folder."""

import socket
import subprocess
import sys
import time
import urllib.request

import logging

import pytest
from mkdocs.exceptions import Abort

from conftest import mkdocs_build


def test_labels_and_links_in_the_built_html(tiny, build):
    built = build(tiny)
    assert built.warnings == []
    page = built.page("methods/accounts/index.html")
    label = page.select_one('[data-endpoint="accounts/verify_credentials"] .mc-oauth')
    assert label.get_text(" ", strip=True) == "OAuth: User token + profile (since 4.3.0) or read:accounts"
    assert [a["href"] for a in label.find_all("a")] == [
        "../../api/oauth-tokens/#user-token", "../../api/oauth-scopes/#profile", "../../api/oauth-scopes/#read-accounts",
    ]
    toc = [a.get_text(strip=True) for a in page.select(".md-sidebar--secondary .md-nav__link")]
    assert "Block account" in toc


def test_token_page_lists_exactly_the_endpoints_accepting_each_kind(tiny, build):
    page = build(tiny).page("api/oauth-tokens/index.html")
    listed = [a.get_text() for a in page.select('.mc-listing[data-token="app"] li > a:first-child')]
    assert listed == [
        "GET /api/v1/apps/verify_credentials",  # any app token
        "POST /api/v1/accounts",  # app token with write:accounts
    ]


def warnings_after(tiny, build, page, text):
    (tiny / "content" / page).write_text(text)
    return build(tiny).warnings


def build_errors(tiny, build, caplog, edits):
    """Build a good site, make the edits, build again: the errors of the second build, after
    checking that it stopped before touching the good site."""
    build(tiny)
    good = {p: p.read_bytes() for p in (tiny / "site").rglob("*.html")}
    for page, text in edits.items():
        (tiny / "content" / page).write_text(text)
    with pytest.raises(Abort):
        build(tiny)
    assert {p: p.read_bytes() for p in (tiny / "site").rglob("*.html")} == good  # the last good site is intact
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def apps_plus(tiny, line):
    return {"methods/apps.md": (tiny / "content/methods/apps.md").read_text() + f"\n{line}\n"}


def test_unknown_endpoint_marker_stops_the_build_with_its_line(tiny, build, caplog):
    assert build_errors(tiny, build, caplog, apps_plus(tiny, "<!-- endpoint apps/verify_credental -->")) == [
        "1 problem in the pages (nothing was built):\n"
        "content/methods/apps.md:7:1: marker names unknown endpoint 'apps/verify_credental' "
        "(did you mean 'apps/verify_credentials'?)"
    ]


def test_endpoint_documented_twice(tiny, build, caplog):
    assert build_errors(tiny, build, caplog, apps_plus(tiny, "<!-- endpoint apps/verify_credentials -->")) == [
        "1 problem in the pages (nothing was built):\n"
        "content/methods/apps.md:7:1: endpoint 'apps/verify_credentials' is documented twice "
        "(first at methods/apps.md:3) (keep one marker)"
    ]


def test_endpoint_documented_nowhere(tiny, build):
    assert warnings_after(tiny, build, "methods/apps.md", "# Apps\n") == [
        "mastodon_catalog: data/endpoints.yaml:12:3: endpoint 'apps/verify_credentials' is documented nowhere "
        "(add <!-- endpoint apps/verify_credentials --> to content/methods/apps.md)"
    ]


def test_endpoint_documented_on_another_page(tiny, build, caplog):
    source = (tiny / "content/methods/accounts.md").read_text() + "\n<!-- endpoint apps/verify_credentials -->\n"
    assert build_errors(tiny, build, caplog, {"methods/apps.md": "# Apps\n", "methods/accounts.md": source}) == [
        "1 problem in the pages (nothing was built):\n"
        "content/methods/accounts.md:17:1: endpoint 'apps/verify_credentials' is documented here, "
        "but the catalog says it is on methods/apps.md (move the marker there or set 'page: methods/accounts.md' "
        "in the catalog)"
    ]


@pytest.mark.parametrize("block, error", [
    ("{{ endpoint.nonsense }}", "UndefinedError: 'mastodon_catalog.core.model.Endpoint object' has no attribute "
                                "'nonsense'"),
    ("{{ 1 // 0 }}", "ZeroDivisionError: integer division or modulo by zero"),
])
def test_a_broken_template_override_stops_the_build_without_a_traceback(tiny, build, caplog, block, error):
    (tiny / "templates").mkdir()
    (tiny / "templates" / "endpoint.md.jinja").write_text(
        f'{{% extends "_base/endpoint.md.jinja" %}}\n{{% block summary %}}{block}{{% endblock %}}\n')
    config = tiny / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - mastodon/catalog", "  - mastodon/catalog:\n      templates_dir: templates"))
    with pytest.raises(Abort):
        build(tiny)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["1 problem in the pages (nothing was built):\n"
                      f"content/methods/accounts.md:3:1: rendering this marker failed: {error}"]


def test_hand_typed_oauth_line_is_drift(tiny, build):
    source = (tiny / "content/methods/apps.md").read_text() + "\n**OAuth:** App token\n"
    assert warnings_after(tiny, build, "methods/apps.md", source) == [
        "mastodon_catalog: content/methods/apps.md:7:1: hand-typed OAuth line (drift from the catalog) "
        "(remove it and use an <!-- endpoint ID --> marker, which renders the label)"
    ]


def test_marker_inside_a_list_is_reported_once_where_it_is(tiny, build):
    source = "# Apps\n\n- item\n    <!-- endpoint apps/verify_credentials -->\n"
    warnings = warnings_after(tiny, build, "methods/apps.md", source)
    assert [w for w in warnings if "apps.md:" in w] == [
        "mastodon_catalog: content/methods/apps.md:4:5: marker is not alone on its line, so it is ignored "
        "(put it on a line of its own, starting in the first column)"]


def test_strict_mode_stops_on_page_warnings_before_the_site_is_touched(tiny):
    assert mkdocs_build(tiny).returncode == 0
    good = (tiny / "site/methods/apps/index.html").read_bytes()
    (tiny / "content/methods/apps.md").write_text((tiny / "content/methods/apps.md").read_text() + "\n**OAuth:** App\n")
    result = mkdocs_build(tiny, "--strict")
    assert result.returncode == 1
    assert ("1 problem in the pages (nothing was built):\ncontent/methods/apps.md:7:1: hand-typed OAuth line (drift "
            "from the catalog)") in result.stderr
    assert "Traceback" not in result.stderr
    assert (tiny / "site/methods/apps/index.html").read_bytes() == good


def test_misspelt_scope_stops_the_build_with_location_and_no_traceback(tiny):
    catalog = tiny / "data/endpoints.yaml"
    catalog.write_text(catalog.read_text().replace('scopes: ["write:accounts"]', 'scopes: ["write:acounts"]'))
    result = mkdocs_build(tiny)
    assert result.returncode == 1
    assert (
        "data/endpoints.yaml:34:18: unknown scope 'write:acounts' in endpoint 'accounts/create' "
        "(did you mean 'write:accounts'?)"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tiny / "site").exists()  # nothing half-built


def test_catalog_page_that_does_not_exist(tiny):
    catalog = tiny / "data/endpoints.yaml"
    catalog.write_text(catalog.read_text().replace("page: methods/apps.md", "page: methods/app.md"))
    result = mkdocs_build(tiny)
    assert result.returncode == 1
    assert ("data/endpoints.yaml:15:11: page 'methods/app.md' of endpoint 'apps/verify_credentials' does not exist "
            "(did you mean 'methods/apps.md'?)") in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_serve_rebuilds_when_the_catalog_changes(tiny):
    server, base = serve(tiny)
    url = f"{base}/methods/apps/"
    try:
        wait_for(url, "Check that an app token is valid.", server, "mkdocs serve did not come up")
        catalog = tiny / "data/endpoints.yaml"
        catalog.write_text(catalog.read_text().replace("Check that an app token is valid.", "Freshly edited summary."))
        wait_for(url, "Freshly edited summary.", server, "the page was not rebuilt after the catalog changed")
    finally:
        server.terminate()
        server.wait(timeout=10)


def serve(tiny):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=tiny, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    return server, f"http://127.0.0.1:{port}"


def wait_for(url: str, text: str, server, what: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            page = fetch(url)
            if text in page:
                return page
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            pytest.fail(what)
        time.sleep(0.2)


def test_serve_keeps_the_last_good_build_and_shows_a_catalog_mistake(tiny):
    server, base = serve(tiny)
    url = f"{base}/methods/apps/"
    catalog = tiny / "data/endpoints.yaml"
    good = catalog.read_text()
    try:
        wait_for(url, "Check that an app token is valid.", server, "mkdocs serve did not come up")
        catalog.write_text(good.replace('scopes: ["write:accounts"]', 'scopes: ["write:acounts"]'))
        # Answered at once (not held until a good build), with the old content and the error.
        page = wait_for(url, "The last rebuild failed", server, "the error never reached the page")
        assert "Check that an app token is valid." in page
        assert "data/endpoints.yaml:34:18: unknown scope &#x27;write:acounts&#x27;" in page
        catalog.write_text(good.replace("Check that an app token is valid.", "Fixed and edited."))
        page = wait_for(url, "Fixed and edited.", server, "the fixed catalog was not rebuilt")
        assert "The last rebuild failed" not in page
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("endpoint, prose, said, offers", [
    ("apps/verify_credentials", "An app token\nis turned away here.", "app token is turned away", "offers an"),
    ("accounts/block", "Any app token with `write:blocks` works.", "app token with `write:blocks` works", "offers no"),
])
def test_prose_that_contradicts_the_label_about_app_tokens(tiny, build, endpoint, prose, said, offers):
    page = "methods/apps.md" if endpoint.startswith("apps/") else "methods/accounts.md"
    source = (tiny / "content" / page).read_text().replace(f"<!-- endpoint {endpoint} -->\n",
                                                          f"<!-- endpoint {endpoint} -->\n\n{prose}\n")
    line = source.splitlines().index(prose.splitlines()[0]) + 1
    assert warnings_after(tiny, build, page, source) == [
        f"mastodon_catalog: content/{page}:{line}:1: the prose says \"{said}\", but the label of '{endpoint}' "
        f"{offers} app token (correct the prose, or the endpoint's alternatives in the catalog)"
    ]


def test_line_numbers_count_the_front_matter(tiny, build, caplog):
    source = "---\ntitle: Apps\ntags: [one]\n---\n\n# Apps\n\n<!-- endpoint apps/verify_credentials -->\n\n" \
             "<!-- endpoint apps/verify_credental -->\n"
    assert build_errors(tiny, build, caplog, {"methods/apps.md": source}) == [
        "1 problem in the pages (nothing was built):\n"
        "content/methods/apps.md:10:1: marker names unknown endpoint 'apps/verify_credental' "
        "(did you mean 'apps/verify_credentials'?)"
    ]


def test_the_extension_listed_for_zensical_does_not_run_twice_under_mkdocs(tiny, build):
    """mkdocs.yml may list the extension for hosts without plugins; MkDocs runs the plugin only."""
    config = tiny / "mkdocs.yml"
    config.write_text(config.read_text() + "  - mastodon_catalog:\n      catalog: data/endpoints.yaml\n"
                      "      docs_dir: content\n")
    built = build(tiny)
    assert built.warnings == []
    page = built.page("methods/accounts/index.html")
    assert len(page.select('[data-endpoint="accounts/block"]')) == 1
    assert [a["href"] for a in page.select('[data-endpoint="accounts/block"] .mc-oauth a')][0] == \
        "../../api/oauth-tokens/#user-token"
