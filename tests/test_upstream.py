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
    ("Public for public statuses, user token + `read:statuses` for private statuses",
     {("public", frozenset()), ("user", frozenset({"read:statuses"}))}),
    ("Public (for public statuses only), or user token + `read:statuses` (for private statuses the user can see)",
     {("public", frozenset()), ("user", frozenset({"read:statuses"}))}),
    ("Public (without `resolve` or `offset`), or User token + `read:search`",
     {("public", frozenset()), ("user", frozenset({"read:search"}))}),
    ("User + `write:blocks` or `follow`", {("user", frozenset({"write:blocks"})), ("user", frozenset({"follow"}))}),
    ("Public. Requires app token + `read:statuses` if the instance has disabled public preview.",
     {("public", frozenset()), ("app", frozenset({"read:statuses"}))}),
])
def test_upstream_phrasings_are_normalised(text, expected):
    assert upstream.normalise_oauth(text, SCOPES) == expected


def write_upstream(root: Path, accounts: str) -> Path:
    (root / "methods").mkdir(parents=True)
    (root / "methods" / "accounts.md").write_text(textwrap.dedent(accounts))
    (root / "methods" / "apps.md").write_text(textwrap.dedent("""\
        ## Verify your app works {#verify_credentials}

        ```http
        GET /api/v1/apps/verify_credentials HTTP/1.1
        ```

        **OAuth:** App token\\
        **Version history:**\\
        2.0.0 - added
        """))
    return root


ACCOUNTS = """\
    ## Register an account {#create}

    ```http
    POST /api/v1/accounts HTTP/1.1
    ```

    **OAuth:** App token + `write:accounts`\\
    **Version history:**\\
    2.7.0 - added

    #### Request

    ```http
    POST /api/v1/accounts HTTP/1.1
    Authorization: Bearer x
    ```

    ## Verify account credentials {#verify_credentials}

    ```http
    GET /api/v1/accounts/verify_credentials HTTP/1.1
    ```

    **OAuth:** User token + `profile` or `read:accounts`\\
    **Version history:**\\
    0.0.0 - added\\
    4.3.0 - profile

    ## Block account {#block}

    ```http
    POST /api/v1/accounts/:id/block HTTP/1.1
    ```

    **OAuth:** User token + `write:blocks`\\
    **Version history:**\\
    0.0.0 - added\\
    4.0.0 - deprecated

    ## Get account's statuses {#statuses}

    ```http
    GET /api/v1/accounts/:id/statuses HTTP/1.1
    ```

    **OAuth:** Public, or user token + `read:statuses` for private statuses\\
    **Version history:**\\
    0.0.0 - added
"""


def test_compare_reports_each_kind_of_difference(tmp_path):
    text = ACCOUNTS.replace("2.7.0 - added", "2.7.0 - added\\\n    3.0.0 - changed") + """
    ## Mute account {#mute}

    ```http
    POST /api/v1/accounts/:id/mute HTTP/1.1
    ```

    **OAuth:** User token + `write:mutes`\\
    **Version history:**\\
    0.0.0 - added
"""
    text = text.replace("GET /api/v1/accounts/:id/statuses HTTP", "GET /api/v1/accounts/:id/posts HTTP")
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
