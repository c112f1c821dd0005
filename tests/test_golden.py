"""Golden HTML: what each endpoint shape and each listing marker renders, kept in files beside
the catalog that feeds them (the habit of pymdown-extensions). A change to a template or to
the label's wording shows up here as a diff a reviewer reads; after checking it, rewrite the
files with `UPDATE_GOLDEN=1 pytest tests/test_golden.py`."""

import difflib
import os
from pathlib import Path

import pytest
from markdown import Markdown

from mastodon_catalog.markdown import makeExtension

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = {
    **{f"endpoint-{shape}": ("shapes.md", f"<!-- endpoint shapes/{shape} -->")
       for shape in ("public", "app", "app_scoped", "user_alternatives", "public_or_user", "admin")},
    "listing-token-public": ("api/oauth-tokens.md", "<!-- endpoints token=public -->"),
    "listing-token-app": ("api/oauth-tokens.md", "<!-- endpoints token=app -->"),
    "listing-token-user": ("api/oauth-tokens.md", "<!-- endpoints token=user -->"),
    "listing-scope": ("api/oauth-scopes.md", "<!-- endpoints scope=read:accounts -->"),
    "listing-all": ("api/endpoints.md", "<!-- endpoints all -->"),
    "scopes": ("api/oauth-scopes.md", "<!-- scopes -->"),
    "entity-with-nested-hash": ("entities/Shapes.md", "<!-- entity Tag -->"),
    "entity-extends": ("entities/Shapes.md", "<!-- entity FeaturedTag -->"),
    "listing-entities": ("entities/index.md", "<!-- entities -->"),
}


def convert(page: str, marker: str) -> str:
    extension = makeExtension(catalog=str(GOLDEN / "catalog.yaml"), page=page, explorer_page="explorer.md",
                              entities_dir=str(GOLDEN / "entities"))
    return Markdown(extensions=["toc", "tables", "attr_list", "md_in_html", "fenced_code", extension]).convert(marker) + "\n"


@pytest.mark.parametrize("name", CASES)
def test_rendered_html_is_the_golden_file(name):
    html = convert(*CASES[name])
    golden = GOLDEN / f"{name}.html"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(html, encoding="utf-8")
    assert golden.is_file(), f"{golden.name} is missing: write it with UPDATE_GOLDEN=1 and review it"
    expected = golden.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), html.splitlines(True), golden.name, "rendered"))
    assert html == expected, diff


def test_every_golden_file_is_a_case():
    assert sorted(p.stem for p in GOLDEN.glob("*.html")) == sorted(CASES)
