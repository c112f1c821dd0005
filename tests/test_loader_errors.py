"""Every validation message, exactly as a contributor sees it: file:line:col, what, how to fix."""

import textwrap

import pytest

from mastodon_catalog.core import CatalogError, parse_catalog

BASE = textwrap.dedent("""\
    scopes:
      - name: read
        summary: Read.
        added: "0.9.0"
        grants: ["read:accounts"]
      - name: "read:accounts"
        summary: Read accounts.
        added: "2.4.3"
      - name: profile
        summary: Own profile.
        added: "4.3.0"
    endpoints:
      - id: accounts/get
        method: GET
        path: /api/v1/accounts/:id
        page: methods/accounts.md
        anchor: get
        title: Get account
        summary: One account.
        returns: Account
        oauth:
          - token: public
        history:
          - {version: "0.0.0", change: added}
        params:
          - {name: id, in: path, type: string, required: true, description: The id.}
      - id: accounts/verify_credentials
        method: GET
        path: /api/v1/accounts/verify_credentials
        page: methods/accounts.md
        anchor: verify_credentials
        title: Verify
        summary: The user.
        returns: CredentialAccount
        oauth:
          - token: user
            scopes: ["read:accounts"]
        history:
          - {version: "0.0.0", change: added}
""")


def problems(text, pages=None):
    with pytest.raises(CatalogError) as err:
        parse_catalog(text, "data/endpoints.yaml", pages)
    return [str(p) for p in err.value.problems]


def change(old, new, count=1):
    assert BASE.count(old) >= count, old
    return BASE.replace(old, new, count)


def test_base_is_valid():
    catalog = parse_catalog(BASE, pages={"methods/accounts.md"})
    assert [e.id for e in catalog.endpoints] == ["accounts/get", "accounts/verify_credentials"]


def test_malformed_yaml_names_line_and_column():
    assert problems(change("    title: Get account\n", "    title: Get: account: x\n")) == [
        "data/endpoints.yaml:18:15: malformed YAML: mapping values are not allowed in this context "
        "(check the indentation and quoting here and above; an unclosed quote or bracket shows up further down)"
    ]


def test_misspelt_scope_gets_a_suggestion():
    assert problems(change('scopes: ["read:accounts"]\n', 'scopes: ["read:acounts"]\n')) == [
        "data/endpoints.yaml:37:18: unknown scope 'read:acounts' in endpoint 'accounts/verify_credentials' "
        "(did you mean 'read:accounts'?)"
    ]


def test_unknown_scope_without_a_close_match():
    assert problems(change('scopes: ["read:accounts"]\n', 'scopes: ["telepathy"]\n')) == [
        "data/endpoints.yaml:37:18: unknown scope 'telepathy' in endpoint 'accounts/verify_credentials' "
        "(add it under 'scopes:' or use a listed scope)"
    ]


def test_unknown_token_kind():
    assert problems(change("- token: user\n", "- token: bot\n")) == [
        "data/endpoints.yaml:36:16: unknown token kind 'bot' in endpoint 'accounts/verify_credentials' "
        "(use one of: public, app, user)"
    ]


def test_token_kind_in_the_wrong_case_is_suggested():
    assert problems(change("- token: public\n", "- token: Public\n"))[0].endswith("(did you mean 'public'?)")


def test_duplicate_id():
    assert problems(change("id: accounts/verify_credentials", "id: accounts/get")) == [
        "data/endpoints.yaml:27:9: duplicate endpoint id 'accounts/get' (first defined at line 13) "
        "(give each endpoint its own id)"
    ]


def test_duplicate_method_and_path():
    assert problems(change("path: /api/v1/accounts/verify_credentials", "path: /api/v1/accounts/:id\n"
                           "    params: [{name: id, in: path, type: string, required: true, description: x}]")) == [
        "data/endpoints.yaml:29:11: duplicate endpoint 'GET /api/v1/accounts/:id': endpoint "
        "'accounts/verify_credentials' repeats 'accounts/get' from line 15 "
        "(remove the copy or correct its method or path)"
    ]


def test_placeholder_without_path_parameter():
    assert problems(change("path: /api/v1/accounts/verify_credentials", "path: /api/v1/accounts/:acct/x")) == [
        "data/endpoints.yaml:29:11: path placeholder ':acct' in endpoint 'accounts/verify_credentials' has no path "
        "parameter (add a parameter {name: acct, in: path, type: string, required: true})"
    ]


def test_path_parameter_missing_from_the_path():
    assert problems(change("path: /api/v1/accounts/:id\n", "path: /api/v1/accounts\n")) == [
        "data/endpoints.yaml:26:16: path parameter 'id' of endpoint 'accounts/get' does not appear in its path "
        "'/api/v1/accounts' (add ':id' to the path, or change 'in:')"
    ]


def test_bad_version_string():
    assert problems(change('{version: "0.0.0", change: added}', "{version: 4.3, change: added}")) == [
        "data/endpoints.yaml:24:19: bad version '4.3' for 'version' of endpoint 'accounts/get' "
        "(write MAJOR.MINOR.PATCH, e.g. '4.3.0', and quote it)"
    ]


def test_scope_newer_than_the_endpoint():
    assert problems(change('scopes: ["read:accounts"]\n', "scopes: [profile]\n")) == [
        "data/endpoints.yaml:37:18: scope 'profile' was added in 4.3.0, but endpoint 'accounts/verify_credentials' "
        "accepts it from 0.0.0 (add 'since: 4.3.0' to this alternative)"
    ]


def test_since_makes_a_newer_scope_valid():
    text = change('scopes: ["read:accounts"]\n', 'scopes: [profile]\n        since: "4.3.0"\n')
    assert parse_catalog(text).by_id["accounts/verify_credentials"].oauth[0].since == (4, 3, 0)


def test_granular_scope_counts_from_its_parent():
    # read:accounts (2.4.3) on an endpoint from 0.0.0 is fine: a token with read passed before.
    assert parse_catalog(BASE).by_id["accounts/verify_credentials"].oauth[0].scopes == ("read:accounts",)


def test_page_that_does_not_exist():
    assert problems(BASE, pages={"methods/accounts.md"} - {"methods/accounts.md"} | {"methods/acounts.md"}) == [
        "data/endpoints.yaml:16:11: page 'methods/accounts.md' of endpoint 'accounts/get' does not exist "
        "(did you mean 'methods/acounts.md'?)",
        "data/endpoints.yaml:30:11: page 'methods/accounts.md' of endpoint 'accounts/verify_credentials' does not "
        "exist (did you mean 'methods/acounts.md'?)",
    ]


def test_unknown_field_and_missing_field():
    assert problems(change("    returns: Account\n", "    retuns: Account\n")) == [
        "data/endpoints.yaml:13:5: endpoint 'accounts/get' has no 'returns' (add 'returns:')",
        "data/endpoints.yaml:20:5: unknown field 'retuns' in endpoint 'accounts/get' (did you mean 'returns'?)",
    ]


def test_every_problem_is_reported_at_once():
    text = change('scopes: ["read:accounts"]\n', 'scopes: ["read:acounts"]\n')
    text = text.replace("- token: public\n", "- token: bot\n")
    assert len(problems(text)) == 2


def test_duplicate_yaml_key():
    assert problems(change("    title: Get account\n", "    title: Get account\n    title: Again\n")) == [
        "data/endpoints.yaml:19:5: duplicate key 'title' (also at line 18; YAML would keep only the last) "
        "(remove one of them)"
    ]


def test_message_has_no_traceback_and_counts_problems():
    with pytest.raises(CatalogError) as err:
        parse_catalog(change("- token: public\n", "- token: bot\n"))
    assert str(err.value).splitlines()[0] == "1 problem in the endpoint catalog:"


# Rules the JSON Schema always stated and the loader now follows too, from the same field specs.

def test_page_must_be_a_markdown_page():
    assert problems(change("page: methods/accounts.md\n    anchor: get", "page: methods/accounts\n    anchor: get")) == [
        "data/endpoints.yaml:16:11: page 'methods/accounts' of endpoint 'accounts/get' is not valid: a Markdown "
        "page's path under the docs folder, e.g. 'methods/accounts.md' (write 'methods/accounts.md')"
    ]


def test_a_name_written_as_a_bare_number_must_be_quoted():
    assert problems(change("anchor: get\n", "anchor: 404\n")) == [
        "data/endpoints.yaml:17:13: anchor 404 of endpoint 'accounts/get' is read as a number, not text "
        "(quote it: \"404\")"
    ]


def test_a_scope_listed_twice():
    assert problems(change('scopes: ["read:accounts"]\n', 'scopes: ["read:accounts", "read:accounts"]\n')) == [
        "data/endpoints.yaml:37:35: 'scopes' of endpoint 'accounts/verify_credentials' lists 'read:accounts' twice "
        "(remove one of them)"
    ]


def test_an_empty_enum():
    param = "{name: id, in: path, type: string, required: true, description: The id.}"
    assert problems(change(param, param + "\n      - {name: limit, in: query, type: integer, enum: [], "
                                          "description: How many.}")) == [
        "data/endpoints.yaml:27:55: 'enum' of parameter 'limit' of endpoint 'accounts/get' is an empty list "
        "(list at least one, or remove 'enum')"
    ]


def test_a_bare_number_is_text_where_prose_is_expected():
    assert parse_catalog(change("title: Get account\n", "title: 2024\n")).by_id["accounts/get"].title == "2024"


@pytest.mark.parametrize("aliases, message", [
    ("[/api/v1/people/:account_id]", "data/endpoints.yaml:16:15: alias '/api/v1/people/:account_id' of endpoint "
     "'accounts/get' does not have the placeholders of its path '/api/v1/accounts/:id' (give it the same ':name' "
     "placeholders, or document it as an endpoint of its own)"),
    ("[/api/v1/accounts/verify_credentials]", "data/endpoints.yaml:16:15: alias '/api/v1/accounts/verify_credentials' "
     "of endpoint 'accounts/get' does not have the placeholders"),
    ("[/api/v1/accounts/:id]", "data/endpoints.yaml:16:15: alias '/api/v1/accounts/:id' of endpoint 'accounts/get' is "
     "its own path (remove it from 'aliases')"),
    ("['api/v1/people/:id']", "data/endpoints.yaml:16:15: alias 'api/v1/people/:id' of endpoint 'accounts/get' is not "
     "a path"),
    ("[/api/v1/people/:id, /api/v1/people/:id]", "data/endpoints.yaml:16:35: 'aliases' of endpoint 'accounts/get' "
     "lists '/api/v1/people/:id' twice (remove one of them)"),
])
def test_a_wrong_alias_is_reported_where_it_is(aliases, message):
    found = problems(change("    path: /api/v1/accounts/:id\n", f"    path: /api/v1/accounts/:id\n    aliases: {aliases}\n"))
    assert len(found) == 1 and found[0].startswith(message), found


def test_an_alias_cannot_take_another_endpoints_path():
    twin = BASE.split("  - id: accounts/verify_credentials")[0].split("endpoints:\n")[1].replace(
        "accounts/get", "people/get").replace("path: /api/v1/accounts/:id", "path: /api/v1/people/:id").replace(
        "anchor: get", "anchor: people").replace("title: ", "title: People, ")
    found = problems(BASE.replace("    path: /api/v1/accounts/:id\n",
                                  "    path: /api/v1/accounts/:id\n    aliases: [/api/v1/people/:id]\n") + twin)
    assert found == ["data/endpoints.yaml:43:11: duplicate endpoint 'GET /api/v1/people/:id': endpoint 'people/get' "
                     "repeats 'accounts/get' from line 16 (remove the copy or correct its method or path)"]
