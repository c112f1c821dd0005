"""A corpus of broken catalogs: mistakes a contributor could make, each with the exact
message, file, line and column, and a build that stops before writing anything.

Each case edits lines of the tiny fixture catalog (tests/fixtures/tiny/data/endpoints.yaml):
{line number: new text, or None to delete the line}."""

import logging

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from conftest import TINY
from mastodon_catalog.core import CatalogError, parse_catalog

BASE = (TINY / "data" / "endpoints.yaml").read_text().splitlines()
PAGES = {"index.md", "methods/apps.md", "methods/accounts.md", "api/oauth-tokens.md", "api/oauth-scopes.md"}

CASES = [
    ('tab-indentation', {13: '\tmethod: GET'},
     ['data/endpoints.yaml:13:1: malformed YAML: while scanning a plain scalar that starts at line 12: found a tab character that violates indentation (check the indentation and quoting here and above; an unclosed quote or bracket shows up further down)']),
    ('unclosed-quote', {17: '    title: "Verify your app works'},
     ['data/endpoints.yaml:23:20: malformed YAML: while parsing a block mapping that starts at line 12: did not find expected key (check the indentation and quoting here and above; an unclosed quote or bracket shows up further down)']),
    ('unclosed-flow-list', {34: '        scopes: ["write:accounts"'},
     ["data/endpoints.yaml:35:5: malformed YAML: while parsing a flow sequence that starts at line 34: did not find expected ',' or ']' (check the indentation and quoting here and above; an unclosed quote or bracket shows up further down)"]),
    ('inconsistent-indentation', {13: '   method: GET'},
     ["data/endpoints.yaml:13:4: malformed YAML: while parsing a block collection that starts at line 12: did not find expected '-' indicator (check the indentation and quoting here and above; an unclosed quote or bracket shows up further down)"]),
    ('misspelt-top-level-key', {11: 'endpoint:'},
     ["data/endpoints.yaml:2:1: the catalog has no 'endpoints' (add 'endpoints:')",
      "data/endpoints.yaml:11:1: unknown field 'endpoint' in the catalog (did you mean 'endpoints'?)"]),
    ('duplicate-key', {18: '    summary: Check that an app token is valid.\n    summary: Again.'},
     ["data/endpoints.yaml:19:5: duplicate key 'summary' (also at line 18; YAML would keep only the last) (remove one of them)"]),
    ('misspelt-scope', {34: '        scopes: ["write:acounts"]'},
     ["data/endpoints.yaml:34:18: unknown scope 'write:acounts' in endpoint 'accounts/create' (did you mean 'write:accounts'?)"]),
    ('unknown-scope', {34: '        scopes: ["write:everything"]'},
     ["data/endpoints.yaml:34:18: unknown scope 'write:everything' in endpoint 'accounts/create' (add it under 'scopes:' or use a listed scope)"]),
    ('scope-as-string-not-list', {34: '        scopes: write:accounts'},
     ["data/endpoints.yaml:34:17: 'scopes' of endpoint 'accounts/create' must be a list (write scopes: followed by a list)"]),
    ('unknown-token-kind', {21: '      - token: bot'},
     ["data/endpoints.yaml:21:16: unknown token kind 'bot' in endpoint 'apps/verify_credentials' (use one of: public, app, user)"]),
    ('token-kind-capitalised', {21: '      - token: App'},
     ["data/endpoints.yaml:21:16: unknown token kind 'App' in endpoint 'apps/verify_credentials' (did you mean 'app'?)"]),
    ('public-with-scopes', {84: '      - token: public\n        scopes: ["read:statuses"]'},
     ["data/endpoints.yaml:85:17: a public alternative of endpoint 'accounts/statuses' cannot need scopes (use 'token: user' or 'token: app' with these scopes, or remove them)"]),
    ('empty-oauth', {20: '    oauth: []', 21: None},
     ["data/endpoints.yaml:20:12: endpoint 'apps/verify_credentials' has no OAuth alternative (add at least '- token: public')"]),
    ('missing-oauth', {20: None, 21: None},
     ["data/endpoints.yaml:12:5: endpoint 'apps/verify_credentials' has no 'oauth' (add 'oauth:')"]),
    ('duplicate-id', {24: '  - id: apps/verify_credentials'},
     ["data/endpoints.yaml:24:9: duplicate endpoint id 'apps/verify_credentials' (first defined at line 12) (give each endpoint its own id)"]),
    ('duplicate-method-path', {26: '    path: /api/v1/apps/verify_credentials', 25: '    method: GET'},
     ["data/endpoints.yaml:26:11: duplicate endpoint 'GET /api/v1/apps/verify_credentials': endpoint 'accounts/create' repeats 'apps/verify_credentials' from line 14 (remove the copy or correct its method or path)"]),
    ('duplicate-anchor-on-page', {44: '    anchor: create'},
     ["data/endpoints.yaml:44:13: anchor 'create' of endpoint 'accounts/verify_credentials' is already used on methods/accounts.md by 'accounts/create' (line 28) (give each endpoint on a page its own anchor)"]),
    ('placeholder-without-parameter', {77: '    path: /api/v1/accounts/:account_id/statuses'},
     ["data/endpoints.yaml:77:11: path placeholder ':account_id' in endpoint 'accounts/statuses' has no path parameter (add a parameter {name: account_id, in: path, type: string, required: true})",
      "data/endpoints.yaml:91:16: path parameter 'id' of endpoint 'accounts/statuses' does not appear in its path '/api/v1/accounts/:account_id/statuses' (add ':id' to the path, or change 'in:')"]),
    ('path-parameter-not-in-path', {59: '    path: /api/v1/accounts/block'},
     ["data/endpoints.yaml:74:16: path parameter 'id' of endpoint 'accounts/block' does not appear in its path '/api/v1/accounts/block' (add ':id' to the path, or change 'in:')"]),
    ('path-parameter-not-required', {74: "      - {name: id, in: path, type: string, description: The account's id.}"},
     ["data/endpoints.yaml:74:9: path parameter 'id' of endpoint 'accounts/block' must be required (add 'required: true')"]),
    ('version-two-parts', {23: '      - {version: 2.0, change: added}'},
     ["data/endpoints.yaml:23:19: bad version '2.0' for 'version' of endpoint 'apps/verify_credentials' (write MAJOR.MINOR.PATCH, e.g. '2.0.0', and quote it)"]),
    ('version-with-v-prefix', {23: '      - {version: "v2.0.0", change: added}'},
     ["data/endpoints.yaml:23:19: bad version 'v2.0.0' for 'version' of endpoint 'apps/verify_credentials' (write MAJOR.MINOR.PATCH, e.g. '2.0.0', and quote it)"]),
    ('unknown-change-kind', {56: '      - {version: "4.3.0", change: modified, note: Accepts `profile`.}'},
     ["data/endpoints.yaml:56:36: unknown change 'modified' in endpoint 'accounts/verify_credentials' (use one of: added, changed, deprecated, removed)"]),
    ('history-without-added', {55: '      - {version: "0.0.0", change: changed}'},
     ["data/endpoints.yaml:55:7: endpoint 'accounts/verify_credentials' needs exactly one 'added' entry in its history, found 0 (keep a single '- {version: X.Y.Z, change: added}')"]),
    ('history-out-of-order', {55: '      - {version: "4.3.0", change: changed, note: Accepts `profile`.}', 56: '      - {version: "0.0.0", change: added}'},
     ["data/endpoints.yaml:55:7: the history of endpoint 'accounts/verify_credentials' is not in version order (sort it by version)",
      "data/endpoints.yaml:55:7: the history of endpoint 'accounts/verify_credentials' must start with its 'added' entry (move the 'added' entry first)"]),
    ('scope-newer-than-endpoint', {51: None},
     ["data/endpoints.yaml:50:18: scope 'profile' was added in 4.3.0, but endpoint 'accounts/verify_credentials' accepts it from 0.0.0 (add 'since: 4.3.0' to this alternative)"]),
    ('unknown-method', {13: '    method: FETCH'},
     ["data/endpoints.yaml:13:13: unknown method 'FETCH' in endpoint 'apps/verify_credentials' (did you mean 'PATCH'?)"]),
    ('lowercase-method', {13: '    method: get'},
     ["data/endpoints.yaml:13:13: unknown method 'get' in endpoint 'apps/verify_credentials' (did you mean 'GET'?)"]),
    ('path-without-slash', {14: '    path: api/v1/apps/verify_credentials'},
     ["data/endpoints.yaml:14:11: path 'api/v1/apps/verify_credentials' of endpoint 'apps/verify_credentials' must start with '/' (write '/api/v1/apps/verify_credentials')"]),
    ('page-does-not-exist', {15: '    page: methods/app.md'},
     ["data/endpoints.yaml:15:11: page 'methods/app.md' of endpoint 'apps/verify_credentials' does not exist (did you mean 'methods/apps.md'?)"]),
    ('unknown-parameter-location', {92: '      - {name: limit, in: body, type: integer, default: 20, description: How many.}'},
     ["data/endpoints.yaml:92:27: unknown location 'body' for parameter 'limit' of endpoint 'accounts/statuses' (use one of: path, query, form, header)"]),
    ('unknown-parameter-type', {92: '      - {name: limit, in: query, type: int, default: 20, description: How many.}'},
     ["data/endpoints.yaml:92:40: unknown type 'int' for parameter 'limit' of endpoint 'accounts/statuses' (did you mean 'integer'?)"]),
    ('parameter-without-description', {92: '      - {name: limit, in: query, type: integer, default: 20}'},
     ["data/endpoints.yaml:92:9: a parameter of endpoint 'accounts/statuses' has no 'description' (add 'description:')"]),
    ('parameter-older-than-endpoint', {39: '      - {name: agreement, in: form, type: boolean, required: true, description: Accepts the rules., added: "1.0.0"}'},
     ["data/endpoints.yaml:39:108: parameter 'agreement' of endpoint 'accounts/create' is dated 1.0.0, before the endpoint itself (2.7.0) (remove 'added' or correct the version)"]),
    ('duplicate-parameter', {92: '      - {name: limit, in: query, type: integer, default: 20, description: How many.}\n      - {name: limit, in: query, type: integer, description: Again.}'},
     ["data/endpoints.yaml:93:16: duplicate parameter 'limit' of endpoint 'accounts/statuses' (first at line 92) (remove one of them)"]),
    ('grants-unknown-scope', {10: '  - {name: follow, summary: Legacy relationships., added: "0.9.0", deprecated: "3.5.0", grants: ["write:block"]}'},
     ["data/endpoints.yaml:10:98: unknown scope 'write:block' granted by scope 'follow' (did you mean 'write:blocks'?)"]),
    ('duplicate-scope', {3: '  - {name: profile, summary: Own profile., added: "4.3.0"}\n  - {name: profile, summary: Again., added: "4.3.0"}'},
     ["data/endpoints.yaml:4:12: duplicate scope 'profile' (first defined at line 3) (remove one of them)"]),
    ('misspelt-endpoint-field', {19: '    retruns: Application'},
     ["data/endpoints.yaml:12:5: endpoint 'apps/verify_credentials' has no 'returns' (add 'returns:')",
      "data/endpoints.yaml:19:5: unknown field 'retruns' in endpoint 'apps/verify_credentials' (did you mean 'returns'?)"]),
    ('required-as-string', {38: '      - {name: username, in: form, type: string, required: "yes", description: "The wanted | username."}'},
     ["data/endpoints.yaml:38:60: 'required' of parameter 'username' of endpoint 'accounts/create' must be true or false (write required: followed by true or false)"]),
    ('empty-summary', {18: '    summary: ""'},
     ["data/endpoints.yaml:18:14: 'summary' of endpoint 'apps/verify_credentials' is empty (write the summary after 'summary:')"]),
]


def broken(edits: dict) -> str:
    lines = list(BASE)
    for number in sorted(edits, reverse=True):
        if edits[number] is None:
            del lines[number - 1]
        else:
            lines[number - 1] = edits[number]
    return "\n".join(lines) + "\n"


def test_the_corpus_is_large_and_distinct():
    assert len(CASES) >= 30
    assert len({name for name, _, _ in CASES}) == len(CASES)
    assert len({tuple(expected) for _, _, expected in CASES}) == len(CASES)


@pytest.mark.parametrize("name, edits, expected", CASES, ids=[c[0] for c in CASES])
def test_message_file_line_and_column(name, edits, expected):
    with pytest.raises(CatalogError) as err:
        parse_catalog(broken(edits), "data/endpoints.yaml", PAGES)
    assert [str(p) for p in err.value.problems] == expected


@pytest.mark.parametrize("name, edits, expected", CASES, ids=[c[0] for c in CASES])
def test_build_stops_with_no_partial_site(name, edits, expected, tiny, caplog):
    (tiny / "data" / "endpoints.yaml").write_text(broken(edits))
    config = load_config(str(tiny / "mkdocs.yml"), site_dir=str(tiny / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        build(config)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["\n".join([f"{len(expected)} problem{'s' if len(expected) > 1 else ''} in the endpoint catalog:",
                                  *expected])]
    assert not (tiny / "site").exists()
