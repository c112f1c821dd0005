"""The contributor command that compares the catalog with upstream's documentation."""

import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, TINY
from mastodon_catalog import upstream
from mastodon_catalog.core import load_catalog

REFERENCE = ROOT.parent / "shared" / "reference" / "mastodon-docs"
SCOPES = {"read", "read:statuses", "read:search", "profile", "read:accounts", "write:blocks", "follow"}


@pytest.mark.parametrize("text, expected", [
    ("Public", {("public", frozenset())}),
    ("App token", {("app", frozenset())}),
    ("User token + `profile` or `read:accounts`",
     {("user", frozenset({"profile"})), ("user", frozenset({"read:accounts"}))}),
    ("User token + `read:statuses` + `read:accounts`", {("user", frozenset({"read:statuses", "read:accounts"}))}),
    ("Public for public posts, user token + `read:statuses` for private posts",
     {("public", frozenset()), ("user", frozenset({"read:statuses"}))}),
    ("Public (only public posts), or user token + `read:statuses` (private posts the user may see)",
     {("public", frozenset()), ("user", frozenset({"read:statuses"}))}),
    ("Public (no `resolve`, no `offset`), or User token + `read:search`",
     {("public", frozenset()), ("user", frozenset({"read:search"}))}),
    ("User + `write:blocks` or `follow`", {("user", frozenset({"write:blocks"})), ("user", frozenset({"follow"}))}),
    ("Public. Needs app token + `read:statuses` when the server turned off public previews.",
     {("public", frozenset()), ("app", frozenset({"read:statuses"}))}),
])
def test_upstream_phrasings_are_normalised(text, expected):
    assert upstream.normalise_oauth(text, SCOPES) == expected


def write_upstream(root: Path, accounts: str) -> Path:
    (root / "methods").mkdir(parents=True)
    (root / "methods" / "accounts.md").write_text(textwrap.dedent(accounts))
    (root / "methods" / "apps.md").write_text(textwrap.dedent("""\
        ## Check the app {#verify_credentials}

        ```http
        GET /api/v1/apps/verify_credentials
        ```

        **OAuth:** App token\\
        **Returns:** Thing\\
        **Version history:**\\
        2.0.0 - added
        """))
    return root


ACCOUNTS = """\
    ## Sign up {#create}

    ```http
    POST /api/v1/accounts
    ```

    **OAuth:** App token + `write:accounts`\\
    **Returns:** Thing\\
    **Version history:**\\
    2.7.0 - added

    #### Request

    ```http
    POST /api/v1/accounts
    Authorization: Bearer x
    ```

    ## Who am I {#verify_credentials}

    ```http
    GET /api/v1/accounts/verify_credentials
    ```

    **OAuth:** User token + `profile` or `read:accounts`\\
    **Returns:** Thing\\
    **Version history:**\\
    0.0.0 - added\\
    4.3.0 - profile

    ## Block someone {#block}

    ```http
    POST /api/v1/accounts/:id/block
    ```

    **OAuth:** User token + `write:blocks`\\
    **Returns:** Thing\\
    **Version history:**\\
    0.0.0 - added\\
    4.0.0 - deprecated

    ## Posts by an account {#statuses}

    ```http
    GET /api/v1/accounts/:id/statuses
    ```

    **OAuth:** Public, or user token + `read:statuses` when private\\
    **Returns:** Thing\\
    **Version history:**\\
    0.0.0 - added
"""


def test_compare_reports_each_kind_of_difference(tmp_path):
    text = ACCOUNTS.replace("2.7.0 - added", "2.7.0 - added\\\n    3.0.0 - changed") + """
    ## Mute someone {#mute}

    ```http
    POST /api/v1/accounts/:id/mute
    ```

    **OAuth:** User token + `write:mutes`\\
    **Returns:** Thing\\
    **Version history:**\\
    0.0.0 - added
"""
    text = text.replace("GET /api/v1/accounts/:id/statuses\n", "GET /api/v1/accounts/:id/posts\n")
    root = write_upstream(tmp_path / "docs", text)
    catalog = load_catalog(TINY / "data" / "endpoints.yaml")
    found = [str(d) for d in upstream.compare(catalog, upstream.read_upstream(root))]
    assert found == [
        "GET /api/v1/accounts/:id/statuses: method-path: upstream documents GET /api/v1/accounts/:id/posts "
        "at methods/accounts.md#statuses",
        "POST /api/v1/accounts: versions: upstream 2.7.0, 3.0.0; catalog 2.7.0",
        "POST /api/v1/accounts/:id/block: oauth: upstream 'User token + `write:blocks`' means user[write:blocks]; "
        "catalog has user[follow] | user[write:blocks]",
        "POST /api/v1/accounts/:id/mute: added-upstream: methods/accounts.md#mute",
    ]


def test_command_exit_status_and_allow_list(tmp_path, capsys):
    root = write_upstream(tmp_path / "docs", ACCOUNTS)
    catalog = str(TINY / "data" / "endpoints.yaml")
    assert upstream.main([str(root), "--catalog", catalog]) == 1
    assert "POST /api/v1/accounts/:id/block: oauth:" in capsys.readouterr().out
    allow = tmp_path / "allow.yaml"
    allow.write_text("- {endpoint: 'POST /api/v1/accounts/:id/block', kind: oauth, reason: Mastodon accepts follow}\n")
    assert upstream.main([str(root), "--catalog", catalog, "--allow", str(allow)]) == 0
    assert "1 deliberate differences, 0 unexpected, 0 stale" in capsys.readouterr().out
    allow.write_text(allow.read_text() + "- {endpoint: 'GET /api/v1/x', kind: oauth, reason: old}\n")
    assert upstream.main([str(root), "--catalog", catalog, "--allow", str(allow)]) == 1
    assert "GET /api/v1/x: oauth: listed as a deliberate difference but no longer differs" in capsys.readouterr().out


@pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"upstream documentation not found at {REFERENCE}")
def test_catalog_agrees_with_upstream_except_reviewed_differences(capsys):
    status = upstream.main([str(REFERENCE), "--catalog", str(ROOT / "data" / "endpoints.yaml"),
                            "--allow", str(ROOT / "data" / "upstream-differences.yaml")])
    assert status == 0, capsys.readouterr().out


def test_every_deliberate_difference_gives_its_evidence():
    """A reason names the code that decides (a controller or streaming file and line) or the
    change that did it (a pull request or commit), never only an opinion."""
    import re

    import yaml

    entries = yaml.safe_load((ROOT / "data" / "upstream-differences.yaml").read_text(encoding="utf-8"))
    evidence = re.compile(r"\.(?:rb|js):\d+|#\d{3,}|commit [0-9a-f]{7,}")
    assert [e.get("endpoint", e.get("id")) for e in entries if not evidence.search(e["reason"])] == []
