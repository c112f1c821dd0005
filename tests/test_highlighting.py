"""Code blocks get Pygments' token spans: an ```http block written as an HTTP message (a request
line with its version, `POST /api/v1/statuses HTTP/1.1`, or a status line) is lexed as HTTP, not
left as error tokens. The built page names each block's language (pygments_lang_class)."""

from conftest import soup


def test_an_http_request_block_gets_token_spans(real_site):
    block = real_site.page("methods/statuses.md").select_one("div.language-http.highlight")
    assert block is not None
    tokens = {span.get("class")[0]: span.get_text() for span in reversed(block.select("code span[class]"))}
    assert tokens["nf"] == "POST"  # the method
    assert tokens["nn"] == "/api/v1/statuses"  # the path
    assert tokens["kr"] == "HTTP"
    assert tokens["na"] == "Authorization"  # the first header's name
    assert not block.select("span.err")


def test_other_languages_name_theirs_too(real_site):
    page = real_site.page("methods/notifications.md")
    assert page.select("div.language-json.highlight span.nt")  # JSON keys highlighted


def test_every_http_block_is_lexed_as_http(real_site):
    """A block without its start line (`POST /path` with no ` HTTP/2`, or headers with no
    `HTTP/2 200` above them) comes out of Pygments as error tokens only."""
    unlexed = []
    for path in sorted(real_site.dir.rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        if "language-http" in html:
            unlexed += [f"{path.parent.relative_to(real_site.dir)}: {block.get_text().splitlines()[0][:60]}"
                        for block in soup(html).select("div.language-http") if block.select("span.err")]
    assert unlexed == []
