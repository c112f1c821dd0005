"""A corpus of broken catalogs: mistakes a contributor could make, each with the exact
message, file, line and column, and a build that stops before writing anything.

Each case edits lines of the tiny fixture catalog (tests/fixtures/tiny/data/endpoints.yaml):
{line number: new text, or None to delete the line}."""

import logging
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from conftest import TINY, mkdocs_build
from mastodon_catalog.core import CatalogError, load_catalog, parse_catalog

BASE = (TINY / "data" / "endpoints.yaml").read_text().splitlines()
# Nine nested aliases of ten: a billion values from a few lines ("billion laughs").
LAUGHS = "\n".join(['x0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'] +
                   [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)])
HANG = 20  # seconds: far beyond any real catalog, so only a hang trips it
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
     ["data/endpoints.yaml:12:5: endpoint 'apps/verify_credentials' has no 'oauth' (add 'oauth:' with at least '- token: public')"]),
    ('duplicate-id', {24: '  - id: apps/verify_credentials'},
     ["data/endpoints.yaml:24:9: duplicate endpoint id 'apps/verify_credentials' (first defined at line 12) (give each endpoint its own id)"]),
    ('duplicate-method-path', {26: '    path: /api/v1/apps/verify_credentials', 25: '    method: GET'},
     ["data/endpoints.yaml:26:11: duplicate endpoint 'GET /api/v1/apps/verify_credentials': endpoint 'accounts/create' repeats 'apps/verify_credentials' from line 14 (remove the copy or correct its method or path)"]),
    ('duplicate-anchor-on-page', {44: '    anchor: create'},
     ["data/endpoints.yaml:44:13: anchor 'create' of endpoint 'accounts/verify_credentials' is already used on methods/accounts.md by 'accounts/create' (line 28) (give each endpoint on a page its own anchor)"]),
    ('duplicate-title-on-page', {45: '    title: Register an account'},
     ["data/endpoints.yaml:45:12: title 'Register an account' of endpoint 'accounts/verify_credentials' is already used on methods/accounts.md by 'accounts/create' (line 29), so the page's contents would list it twice (tell them apart in the title, e.g. '(v1)' or '(old path)')"]),
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
    ('history-added-not-first', {55: '      - {version: "4.3.0", change: changed, note: Accepts `profile`.}', 56: '      - {version: "0.0.0", change: added}'},
     ["data/endpoints.yaml:55:7: the history of endpoint 'accounts/verify_credentials' must start with its 'added' entry (move the 'added' entry first)"]),
    ('history-out-of-order', {56: '      - {version: "4.3.0", change: changed, note: Accepts `profile`.}\n      - {version: "4.2.0", change: deprecated}'},
     ["data/endpoints.yaml:57:9: the history of endpoint 'accounts/verify_credentials' is not in version order: 4.2.0 (deprecated) comes after 4.3.0 (sort it by version, oldest first)"]),
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
    # YAML that is not plain data, aliases, the scope graph, names, history and parameters, advice
    ('unquoted-date', {23: '      - {version: 2017-04-13, change: added}'},
     ['data/endpoints.yaml:23:19: unquoted date \'2017-04-13\' is read as a date, not text (quote it: "2017-04-13"; versions are written MAJOR.MINOR.PATCH)']),
    ('binary-tag', {18: '    summary: !!binary U2hvdyB0aGlzLg=='},
     ["data/endpoints.yaml:18:14: YAML tag '!!binary' is not allowed: the catalog holds only text, numbers, true/false, lists and mappings (remove '!!binary' and write the value as plain text)"]),
    ('custom-tag', {18: '    summary: !markdown Check that an app token is valid.'},
     ["data/endpoints.yaml:18:14: YAML tag '!markdown' is not allowed: the catalog holds only text, numbers, true/false, lists and mappings (remove '!markdown' and write the value as plain text)"]),
    ('python-object-tag', {37: '    params: !!python/object:os.system'},
     ["data/endpoints.yaml:37:13: YAML tag '!!python/object:os.system' is not allowed: the catalog holds only text, numbers, true/false, lists and mappings (remove '!!python/object:os.system')"]),
    ('set-tag', {34: '        scopes: !!set {"write:accounts": null}'},
     ["data/endpoints.yaml:34:17: YAML tag '!!set' is not allowed: the catalog holds only text, numbers, true/false, lists and mappings (remove '!!set')"]),
    ('infinite-default', {92: '      - {name: limit, in: query, type: integer, default: .inf, description: How many.}'},
     ['data/endpoints.yaml:92:58: \'.inf\' is not a finite number and cannot be written to JSON (quote it (".inf") to mean text, or write a number)']),
    ('nan-default', {92: '      - {name: limit, in: query, type: number, default: .NaN, description: How many.}'},
     ['data/endpoints.yaml:92:57: \'.NaN\' is not a finite number and cannot be written to JSON (quote it (".NaN") to mean text, or write a number)']),
    ('merge-key', {18: '    <<: {summary: Check that an app token is valid.}'},
     ["data/endpoints.yaml:18:5: merge keys ('<<') are not supported (write the fields out in this mapping)"]),
    ('yes-no-in-enum', {93: '      - {name: tagged, in: query, type: string, enum: [yes, no], description: Only with this hashtag., added: "2.8.0"}'},
     ['data/endpoints.yaml:93:56: \'yes\' is read as true (YAML 1.1 treats yes/no/on/off as true/false) (write true, or quote it ("yes") to mean the word)',
      'data/endpoints.yaml:93:61: \'no\' is read as false (YAML 1.1 treats yes/no/on/off as true/false) (write false, or quote it ("no") to mean the word)']),
    ('on-as-boolean', {39: '      - {name: agreement, in: form, type: boolean, required: on, description: Accepts the rules.}'},
     ['data/endpoints.yaml:39:62: \'on\' is read as true (YAML 1.1 treats yes/no/on/off as true/false) (write true, or quote it ("on") to mean the word)']),
    ('hex-number', {92: '      - {name: limit, in: query, type: integer, default: 0x14, description: How many.}'},
     ['data/endpoints.yaml:92:58: \'0x14\' is read as the number 20 (write 20, or quote it ("0x14") to mean text)']),
    ('alias-bomb', {1: LAUGHS},
     ["data/endpoints.yaml:4:50: aliases expand the catalog to more than 11,238 values from 48 written (alias '*a2') (write the values out, or use fewer aliases of aliases)"]),
    ('deep-nesting', {18: '    summary: ' + '[' * 40 + ']' * 40},
     ['data/endpoints.yaml:18:43: the YAML is nested more than 32 levels deep (the catalog needs about 5 levels; check for runaway brackets)']),
    ('control-character', {18: '    summary: Check that\x07 an app token is valid.'},
     ['data/endpoints.yaml:18:24: character U+0007 is not allowed in YAML (delete it, or write it as an escape such as \\t in a double-quoted string)']),
    ('grants-cycle', {5: '  - {name: "read:accounts", summary: Read accounts., added: "2.4.3", grants: [read]}'},
     ['data/endpoints.yaml:5:79: scopes grant each other in a circle: read → read:accounts → read (a scope grants only narrower scopes; remove one of these grants)']),
    ('grants-itself', {6: '  - {name: "read:statuses", summary: Read statuses., added: "2.4.3", grants: ["read:statuses"]}'},
     ["data/endpoints.yaml:6:79: scope 'read:statuses' grants itself (remove 'read:statuses' from its own grants)"]),
    ('scope-deprecated-before-added', {10: '  - {name: follow, summary: Legacy relationships., added: "0.9.0", deprecated: "0.8.0", grants: ["write:blocks"]}'},
     ["data/endpoints.yaml:10:80: scope 'follow' is deprecated in 0.8.0, before it was added (0.9.0) (correct one of the two versions)"]),
    ('scope-name-lookalike', {9: '  - {name: "write:blоcks", summary: Block accounts., added: "2.4.3"}'},
     ["data/endpoints.yaml:9:12: name 'write:blоcks' of the scope at line 9 contains the non-ASCII character 'о' (U+043E CYRILLIC SMALL LETTER O) (write 'write:blocks' in plain ASCII)"]),
    ('scope-use-lookalike', {67: '        scopes: ["write:blоcks"]'},
     ["data/endpoints.yaml:67:18: scope 'write:blоcks' in endpoint 'accounts/block' contains the non-ASCII character 'о' (U+043E CYRILLIC SMALL LETTER O) (write 'write:blocks' in plain ASCII)"]),
    ('scope-name-uppercase', {3: '  - {name: Profile, summary: Only the user\'s own basic profile., added: "4.3.0"}'},
     ["data/endpoints.yaml:3:12: name 'Profile' of the scope at line 3 is not valid: lowercase ASCII words joined by ':', e.g. 'read:accounts' (write 'profile')"]),
    ('path-with-query', {77: '    path: /api/v1/accounts/:id/statuses?limit=20'},
     ["data/endpoints.yaml:77:11: path '/api/v1/accounts/:id/statuses?limit=20' of endpoint 'accounts/statuses' has a query string or fragment (write the path as '/api/v1/accounts/:id/statuses' and each query parameter under 'params:' with 'in: query')"]),
    ('path-repeated-placeholder', {59: '    path: /api/v1/accounts/:id/block/:id'},
     ["data/endpoints.yaml:59:11: placeholder ':id' appears twice in the path of endpoint 'accounts/block' (give each placeholder its own name, e.g. ':account_id' and ':id')"]),
    ('path-full-url', {14: '    path: https://mastodon.social/api/v1/apps/verify_credentials'},
     ["data/endpoints.yaml:14:11: path of endpoint 'apps/verify_credentials' is a full URL (write only the path, '/api/v1/apps/verify_credentials'; the server varies)"]),
    ('path-with-space', {14: '    path: /api/v1/apps/verify credentials'},
     ["data/endpoints.yaml:14:11: path '/api/v1/apps/verify credentials' of endpoint 'apps/verify_credentials' is not valid: '/'-separated segments with ':name' placeholders (correct the path)"]),
    ('anchor-with-space', {16: '    anchor: verify credentials'},
     ["data/endpoints.yaml:16:13: anchor 'verify credentials' of endpoint 'apps/verify_credentials' is not valid: letters, digits, '_' and '-' only (it becomes the heading's HTML id) (write 'verify_credentials')"]),
    ('anchor-with-hash', {16: '    anchor: "#verify_credentials"'},
     ["data/endpoints.yaml:16:13: anchor '#verify_credentials' of endpoint 'apps/verify_credentials' is not valid: letters, digits, '_' and '-' only (it becomes the heading's HTML id) (write 'verify_credentials')"]),
    ('anchor-with-quote', {16: '    anchor: verify"credentials'},
     ['data/endpoints.yaml:16:13: anchor \'verify"credentials\' of endpoint \'apps/verify_credentials\' is not valid: letters, digits, \'_\' and \'-\' only (it becomes the heading\'s HTML id) (write \'verify_credentials\')']),
    ('id-trailing-space', {12: '  - id: "apps/verify_credentials "'},
     ["data/endpoints.yaml:12:9: id 'apps/verify_credentials ' of the endpoint at line 12 has spaces around it (write 'apps/verify_credentials')"]),
    ('id-uppercase', {12: '  - id: Apps/Verify'},
     ["data/endpoints.yaml:12:9: id 'Apps/Verify' of the endpoint at line 12 is not valid: lowercase words joined by '/', e.g. 'accounts/block' (write 'apps/verify')"]),
    ('deprecated-after-removed', {72: '      - {version: "3.0.0", change: removed}\n      - {version: "4.0.0", change: deprecated, note: Not really.}'},
     ["data/endpoints.yaml:73:9: endpoint 'accounts/block' is deprecated in 4.0.0, after it was removed in 3.0.0 (remove that entry, or date it before 3.0.0)"]),
    ('since-before-endpoint', {34: '        scopes: ["write:accounts"]\n        since: "2.5.0"'},
     ["data/endpoints.yaml:35:16: an alternative of endpoint 'accounts/create' is accepted since 2.5.0, before the endpoint itself (2.7.0) (remove 'since' or correct the version)"]),
    ('default-not-in-enum', {93: '      - {name: tagged, in: query, type: string, enum: [art, cats], default: dogs, description: Only with this hashtag., added: "2.8.0"}'},
     ["data/endpoints.yaml:93:77: default 'dogs' of parameter 'tagged' of endpoint 'accounts/statuses' is not one of its enum values (use one of: art, cats)"]),
    ('default-wrong-type', {92: '      - {name: limit, in: query, type: integer, default: twenty, description: How many.}'},
     ["data/endpoints.yaml:92:58: default 'twenty' of parameter 'limit' of endpoint 'accounts/statuses' is not of its type, integer (write a value of type integer)"]),
    ('enum-wrong-type', {92: '      - {name: limit, in: query, type: integer, enum: [20, forty], description: How many.}'},
     ["data/endpoints.yaml:92:60: enum value 'forty' of parameter 'limit' of endpoint 'accounts/statuses' is not of its type, integer (write a value of type integer)"]),
    ('items-on-non-array', {92: '      - {name: limit, in: query, type: integer, items: integer, description: How many.}'},
     ["data/endpoints.yaml:92:56: 'items' of parameter 'limit' of endpoint 'accounts/statuses' applies only to arrays, and its type is integer (remove 'items', or write 'type: array')"]),
    ('backticks-in-name', {92: '      - {name: "`limit`", in: query, type: integer, default: 20, description: How many.}'},
     ["data/endpoints.yaml:92:16: name '`limit`' of a parameter of endpoint 'accounts/statuses' is not valid: letters, digits and _ . : - [ ] only, e.g. 'media_ids[]' (write 'limit')"]),
    ('space-in-name', {92: '      - {name: "max limit", in: query, type: integer, default: 20, description: How many.}'},
     ["data/endpoints.yaml:92:16: name 'max limit' of a parameter of endpoint 'accounts/statuses' is not valid: letters, digits and _ . : - [ ] only, e.g. 'media_ids[]' (write 'max_limit')"]),
    ('added-on-endpoint', {19: '    returns: Application\n    added: "2.0.0"'},
     ['data/endpoints.yaml:20:5: unknown field \'added\' in endpoint \'apps/verify_credentials\' (an endpoint\'s versions go in its history: write \'- {version: "X.Y.Z", change: added}\' under \'history:\')']),
    ('scopes-on-endpoint', {19: '    returns: Application\n    scopes: [read]'},
     ["data/endpoints.yaml:20:5: unknown field 'scopes' in endpoint 'apps/verify_credentials' (scopes belong to an OAuth alternative: '- token: user' then 'scopes: [...]' under 'oauth:')"]),
    ('token-in-history', {23: '      - {version: "2.0.0", change: added, token: app}'},
     ["data/endpoints.yaml:23:43: unknown field 'token' in a history entry of endpoint 'apps/verify_credentials' ('token' is a field of an OAuth alternative (under 'oauth:'): move it there)"]),
    ('unknown-permission', {19: '    returns: Application\n    permission: manage_user'},
     ["data/endpoints.yaml:20:17: unknown role permission 'manage_user' in endpoint 'apps/verify_credentials' (did you mean 'manage_users'?)"]),
    ('permission-without-user-token', {19: '    returns: Application\n    permission: manage_users'},
     ["data/endpoints.yaml:20:17: endpoint 'apps/verify_credentials' needs the role permission 'manage_users' but no user token (a role belongs to a user: add a '- token: user' alternative, or remove 'permission')"]),
    ('javascript-link', {18: '    summary: Check that an [app token](javascript:alert(1)) is valid.'},
     ["data/endpoints.yaml:18:14: 'summary' of endpoint 'apps/verify_credentials' links to a 'javascript:' URL (link to an http(s) address or a page of this site)"]),

]


def broken(edits: dict) -> str:
    lines = list(BASE)
    for number in sorted(edits, reverse=True):
        if edits[number] is None:
            del lines[number - 1]
        else:
            lines[number - 1] = edits[number]
    return "\n".join(lines) + "\n"


@contextmanager
def no_hang():
    def stop(*_):
        raise TimeoutError(f"still running after {HANG} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(HANG)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def good_site(tmp_path_factory):
    """The tiny site built once from its valid catalog: what a broken build must leave alone."""
    site = tmp_path_factory.mktemp("good") / "tiny"
    shutil.copytree(TINY, site)
    config = load_config(str(site / "mkdocs.yml"), site_dir=str(site / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return site / "site"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_corpus_is_large_and_distinct():
    assert len(CASES) >= 80
    assert len({name for name, _, _ in CASES}) == len(CASES)
    assert len({tuple(expected) for _, _, expected in CASES}) == len(CASES)


@pytest.mark.parametrize("name, edits, expected", CASES, ids=[c[0] for c in CASES])
def test_message_file_line_and_column(name, edits, expected):
    with no_hang(), pytest.raises(CatalogError) as err:
        parse_catalog(broken(edits), "data/endpoints.yaml", PAGES)
    assert [str(p) for p in err.value.problems] == expected


@pytest.mark.parametrize("name, edits, expected", CASES, ids=[c[0] for c in CASES])
def test_build_stops_and_the_last_good_site_is_intact(name, edits, expected, tiny, good_site, caplog):
    shutil.copytree(good_site, tiny / "site")
    before = snapshot(tiny / "site")
    (tiny / "data" / "endpoints.yaml").write_text(broken(edits))
    config = load_config(str(tiny / "mkdocs.yml"), site_dir=str(tiny / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    with no_hang(), caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        build(config)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["\n".join([f"{len(expected)} problem{'s' if len(expected) > 1 else ''} in the endpoint catalog:",
                                  *expected])]
    assert snapshot(tiny / "site") == before


def test_a_real_build_prints_no_traceback_and_keeps_the_site(tiny):
    """The command a contributor runs, for the classes that used to crash or hang."""
    assert mkdocs_build(tiny).returncode == 0
    before = snapshot(tiny / "site")
    for name in ("alias-bomb", "infinite-default", "binary-tag", "deep-nesting"):
        edits = next(edits for case, edits, _ in CASES if case == name)
        (tiny / "data" / "endpoints.yaml").write_text(broken(edits))
        result = mkdocs_build(tiny)
        assert result.returncode == 1, name
        assert "in the endpoint catalog:\ndata/endpoints.yaml:" in result.stderr, name
        assert "Traceback" not in result.stderr, name
        assert snapshot(tiny / "site") == before, name


def test_bytes_that_are_not_utf8_are_reported_on_their_line(tmp_path):
    catalog = tmp_path / "endpoints.yaml"
    catalog.write_bytes("\n".join(BASE).encode().replace(b"Verify your app works", b"Verify your app w\xf6rks"))  # Latin-1
    with pytest.raises(CatalogError) as err:
        load_catalog(catalog, "data/endpoints.yaml", PAGES)
    assert [str(p) for p in err.value.problems] == [
        "data/endpoints.yaml:17:29: byte 0xF6 is not UTF-8 text (save the file as UTF-8, or retype the character here)"]
