"""The explorer against a hostile instance: it stays usable, says what happened, and runs
nothing that came from the instance."""

import pytest

from hostile import Hostile
from test_explorer_browser import Reader, chromium, site  # noqa: F401 - shared fixtures


@pytest.fixture(scope="module")
def hostile():
    server = Hostile()
    yield server
    server.stop()


@pytest.fixture
def reader(chromium, site, hostile):  # noqa: F811
    person = Reader(chromium, site, hostile)
    person.instance.url = hostile.url
    person.open()
    assert "Connected to Hostile" in person.connect()
    person.choose("instance/peers")  # any public GET: the hostile server answers every path alike
    yield person
    assert person.page.evaluate("window.__pwned") is None, "a script from the instance ran"
    assert person.page.query_selector("#mc-explorer img, #mc-explorer script") is None
    assert person.errors == []
    assert person.foreign_requests() == []
    person.context.close()


def still_usable(reader):
    """The console still works: searching filters the endpoint list."""
    reader.page.fill("#mc-x-search", "verify_credentials")
    assert reader.page.evaluate(
        "[...document.querySelectorAll('#mc-x-endpoints option')].filter(o => !o.hidden).length") >= 2


def test_payloads_in_every_field_are_text(reader, hostile):
    hostile.mode = "scripts"
    assert reader.text('#mc-x-instance-info [data-field="title"]').startswith("Hostile<img src=x onerror=")
    assert reader.send().startswith("200 ·")
    assert "window.__pwned=2</script>" in reader.text("#mc-x-body")
    assert "onerror" in reader.text("#mc-x-rate")
    still_usable(reader)


def test_slow_answer_leaves_the_page_usable(reader, hostile):
    hostile.mode = "slow"
    reader.page.click("#mc-x-send")
    reader.wait_text("#mc-x-status-line", "…")
    still_usable(reader)
    assert reader.wait_text("#mc-x-status-line", r"^200 ·", timeout=15000)


def test_server_error_with_html_is_explained(reader, hostile):
    hostile.mode = "error"
    assert reader.send().startswith("500 ·")
    assert "The instance failed with 500" in reader.text("#mc-x-explanation")
    assert "<script>window.__pwned=3</script>" in reader.text("#mc-x-body")
    still_usable(reader)


def test_html_instead_of_json_is_shown_as_text(reader, hostile):
    hostile.mode = "html"
    assert reader.send().startswith("200 ·")
    assert reader.text("#mc-x-body").startswith("<html><body><img src=x")


def test_huge_body_is_cut_and_the_page_stays_usable(reader, hostile):
    hostile.mode = "huge"
    assert reader.send().startswith("200 ·")
    assert "more characters not shown" in reader.text("#mc-x-body")
    still_usable(reader)


def test_missing_cors_headers_are_explained(reader, hostile):
    hostile.mode = "nocors"
    status = reader.send()
    assert "did not complete" in status and "CORS" in status
    still_usable(reader)


def test_malformed_and_foreign_link_headers_offer_no_page_buttons(reader, hostile):
    hostile.mode = "badlinks"
    assert reader.send().startswith("200 ·")
    assert reader.page.is_hidden("#mc-x-next") and reader.page.is_hidden("#mc-x-prev")
