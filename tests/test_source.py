"""The contributor command that compares the catalog with Mastodon's routes and controllers."""

import json
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT
from mastodon_catalog import source

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mastodon_source"

SCOPES = [
    {"name": "read", "summary": "Read.", "added": "0.9.0", "grants": ["read:accounts", "read:statuses"]},
    {"name": "read:accounts", "summary": "Accounts.", "added": "2.4.3"},
    {"name": "read:statuses", "summary": "Statuses.", "added": "2.4.3"},
    {"name": "write", "summary": "Write.", "added": "0.9.0",
     "grants": ["write:accounts", "write:blocks", "write:filters", "write:mutes", "write:statuses"]},
    {"name": "write:accounts", "summary": "Accounts.", "added": "2.4.3"},
    {"name": "write:blocks", "summary": "Blocks.", "added": "2.4.3"},
    {"name": "write:filters", "summary": "Filters.", "added": "2.4.3"},
    {"name": "write:mutes", "summary": "Mutes.", "added": "2.4.3"},
    {"name": "write:statuses", "summary": "Statuses.", "added": "2.4.3"},
    {"name": "follow", "summary": "Legacy.", "added": "0.9.0", "grants": []},
]

# id, METHOD /path, alternatives as "token" or "token scope"
ENDPOINTS = [
    ("accounts/get", "GET /api/v1/accounts/:id", ["public"]),
    ("accounts/create", "POST /api/v1/accounts", ["app write:accounts"]),
    ("accounts/block", "POST /api/v1/accounts/:account_id/block", ["user write:blocks"]),
    ("accounts/mute", "POST /api/v1/accounts/:id/mute", ["app write:mutes", "user write:mutes"]),
    ("accounts/search", "GET /api/v1/accounts/search", ["user read:accounts"]),
    ("statuses/get", "GET /api/v1/statuses/:id", ["public", "user read:statuses"]),
    ("statuses/edit", "PUT /api/v1/statuses/:id", ["user write:statuses"]),
    ("statuses/reblog", "POST /api/v1/statuses/:id/reblog", ["user write:statuses"]),
    ("statuses/reblogged_by", "GET /api/v1/statuses/:id/reblogged_by", ["public", "user read:statuses"]),
    ("timelines/public", "GET /api/v1/timelines/public", ["public", "app read:statuses"]),
    ("apps/verify_credentials", "GET /api/v1/apps/verify_credentials", ["app"]),
    ("instance/peers", "GET /api/v1/instance/peers", ["public"]),
    ("admin/tags/approve", "POST /api/v1/admin/tags/:id/approve", ["public"]),
    ("filters/update-v2", "PUT /api/v2/filters/:id", ["public", "user read:statuses"]),
    ("oauth/token", "POST /oauth/token", ["public"]),  # not routed in api.rb: ignored
]


def alternative(text: str) -> dict:
    token, *scopes = text.split()
    return {"token": token, "scopes": scopes} if scopes else {"token": token}


def endpoint(entry_id: str, signature: str, alternatives: list[str]) -> dict:
    method, path = signature.split()
    entry = {"id": entry_id, "method": method, "path": path, "page": f"methods/{entry_id.split('/')[0]}.md",
             "anchor": entry_id.split("/")[-1], "title": entry_id, "summary": "Something.", "returns": "Thing",
             "oauth": [alternative(a) for a in alternatives], "history": [{"version": "1.0.0", "change": "added"}]}
    params = [p[1:] for p in path.split("/") if p.startswith(":")]
    if params:
        entry["params"] = [{"name": p, "in": "path", "type": "string", "required": True, "description": "Id."}
                           for p in params]
    return entry


def write_catalog(folder: Path) -> Path:
    path = folder / "endpoints.yaml"
    path.write_text(yaml.safe_dump({"scopes": SCOPES, "endpoints": [endpoint(*e) for e in ENDPOINTS]},
                                   sort_keys=False))
    return path


def test_routes_expand_like_rails():
    routes = source.read_routes((FIXTURE / "config" / "routes" / "api.rb").read_text())
    assert {f"{r.method} {r.path}": r.target for r in routes} == {
        # resources with only:, a nested singular resource, a bare verb and a controller: option
        "GET /api/v1/statuses/:id": "api/v1/statuses#show",
        "PATCH /api/v1/statuses/:id": "api/v1/statuses#update",
        "PUT /api/v1/statuses/:id": "api/v1/statuses#update",
        "POST /api/v1/statuses/:status_id/reblog": "api/v1/statuses/reblogs#create",
        "POST /api/v1/statuses/:status_id/unreblog": "api/v1/statuses/reblogs#destroy",
        "GET /api/v1/statuses/:status_id/reblogged_by": "api/v1/statuses/reblogged_by_accounts#index",
        # namespace: path and module; singular resource: no :id
        "GET /api/v1/timelines/public": "api/v1/timelines/public#show",
        "GET /api/v1/timelines/tag/:id": "api/v1/timelines/tag#show",
        # member, collection, and module: on a nested resources
        "POST /api/v1/accounts": "api/v1/accounts#create",
        "GET /api/v1/accounts/:id": "api/v1/accounts#show",
        "POST /api/v1/accounts/:id/block": "api/v1/accounts#block",
        "POST /api/v1/accounts/:id/mute": "api/v1/accounts#mute",
        "GET /api/v1/accounts/search": "api/v1/accounts#search",
        "GET /api/v1/accounts/:account_id/statuses": "api/v1/accounts/statuses#index",
        # get with to:
        "GET /api/v1/apps/verify_credentials": "api/v1/apps/credentials#show",
        # singular resource (plural controller) with scope module: children
        "GET /api/v1/instance": "api/v1/instances#show",
        "GET /api/v1/instance/peers": "api/v1/instances/peers#index",
        # concern + with_options
        "GET /api/v1/admin/tags": "api/v1/admin/tags#index",
        "POST /api/v1/admin/tags/:id/approve": "api/v1/admin/tags#approve",
        "PATCH /api/v2/filters/:id": "api/v2/filters#update",
        "PUT /api/v2/filters/:id": "api/v2/filters#update",
        "PATCH /api/web/settings": "api/web/settings#update",
        "PUT /api/web/settings": "api/web/settings#update",
    }
    assert not any(source.is_rest(r) for r in routes if r.path.startswith("/api/web"))


def test_filters_follow_inheritance_options_and_skips():
    controllers = source.read_controllers(FIXTURE)

    def chain(name: str, action: str) -> list[str]:
        return [f"{f.describe()} @{f.line}" for f in source.effective_filters(controllers[name], action, controllers)]

    accounts = "Api::V1::AccountsController"
    base = "require_authenticated_user! (if: :disallow_unauthenticated_api_access?, conditional) @4"
    assert chain(accounts, "show") == [base, "authorize_if_got_token! :read :'read:accounts' @4"]
    assert chain(accounts, "block") == [base, "doorkeeper_authorize! :follow :write :'write:blocks' @5",
                                        "require_user! @8"]
    # skip_before_action ... only: :create drops the base controller's filter for create alone
    assert chain(accounts, "create") == ["doorkeeper_authorize! :write :'write:accounts' @7",
                                         "require_client_credentials! @9"]
    # a conditional skip leaves the filter conditional on both conditions
    assert chain("Api::V1::Instances::PeersController", "index") == [
        "require_authenticated_user! (if: :disallow_unauthenticated_api_access?; if: :limited_federation_mode? "
        "at app/controllers/api/v1/instances/base_controller.rb:4, conditional) @4"]
    # with_options supplies unless: to the filters in its block
    assert chain("Api::V1::Admin::TagsController", "approve") == [
        base, "authorize_if_got_token! :'admin:write' @5", "require_user! (unless: :signed_in?, conditional) @8"]


REPORT = """\
Routed actions not in the catalog (5):
  app/controllers/api/v1/admin/tags_controller.rb:11: GET /api/v1/admin/tags (not in the catalog): routed to api/v1/admin/tags#index at config/routes/api.rb:50
  app/controllers/api/v1/statuses/reblogs_controller.rb:12: POST /api/v1/statuses/:status_id/unreblog (not in the catalog): routed to api/v1/statuses/reblogs#destroy at config/routes/api.rb:9
  config/routes/api.rb:16: GET /api/v1/timelines/tag/:id (not in the catalog): routed to api/v1/timelines/tag#show at config/routes/api.rb:16
  config/routes/api.rb:29: GET /api/v1/accounts/:account_id/statuses (not in the catalog): routed to api/v1/accounts/statuses#index at config/routes/api.rb:29
  config/routes/api.rb:36: GET /api/v1/instance (not in the catalog): routed to api/v1/instances#show at config/routes/api.rb:36
Alternatives the filters contradict (8):
  app/controllers/api/v1/accounts_controller.rb:5: POST /api/v1/accounts/:account_id/block (accounts/block): doorkeeper_authorize! :follow :write :'write:blocks' accepts follow, which no catalog alternative names
  app/controllers/api/v1/accounts_controller.rb:8: POST /api/v1/accounts/:id/mute (accounts/mute): catalog offers app access but require_user! always needs a user token
  app/controllers/api/v1/statuses/reblogged_by_accounts_controller.rb:4: GET /api/v1/statuses/:id/reblogged_by (statuses/reblogged_by): authorize_if_got_token! :read :'read:accounts' accepts read:accounts, which no catalog alternative names
  app/controllers/api/v1/statuses/reblogged_by_accounts_controller.rb:4: GET /api/v1/statuses/:id/reblogged_by (statuses/reblogged_by): user[read:statuses]: catalog needs read:statuses but authorize_if_got_token! :read :'read:accounts' does not accept it (only a parent)
  app/controllers/api/v2/filters_controller.rb:4: PUT /api/v2/filters/:id (filters/update-v2): catalog offers public access but doorkeeper_authorize! :write :'write:filters' always needs a token
  app/controllers/api/v2/filters_controller.rb:4: PUT /api/v2/filters/:id (filters/update-v2): doorkeeper_authorize! :write :'write:filters' accepts write, write:filters, which no catalog alternative names
  app/controllers/api/v2/filters_controller.rb:4: PUT /api/v2/filters/:id (filters/update-v2): user[read:statuses]: catalog needs read:statuses but doorkeeper_authorize! :write :'write:filters' accepts neither it nor a scope that grants it
  app/controllers/api/v2/filters_controller.rb:5: PUT /api/v2/filters/:id (filters/update-v2): catalog offers public access but require_user! always needs a user token
Notes (not failures) (6):
  app/controllers/api/v1/accounts_controller.rb:4: GET /api/v1/accounts/:id (accounts/get): authorize_if_got_token! :read :'read:accounts' accepts read, read:accounts, which no catalog alternative names
  app/controllers/api/v1/admin/tags_controller.rb:5: POST /api/v1/admin/tags/:id/approve (admin/tags/approve): authorize_if_got_token! :'admin:write' accepts admin:write, which no catalog alternative names
  app/controllers/api/v1/admin/tags_controller.rb:8: POST /api/v1/admin/tags/:id/approve (admin/tags/approve): require_user! (unless: :signed_in?, conditional): catalog offers public
  app/controllers/api/v1/statuses_controller.rb:12: PATCH /api/v1/statuses/:id (not in the catalog): also routed to api/v1/statuses#update beside the documented PUT
  app/controllers/api/v1/timelines/base_controller.rb:4: GET /api/v1/timelines/public (timelines/public): require_user! (if: :require_auth?, conditional): catalog offers public, app[read:statuses]
  app/controllers/api/v2/filters_controller.rb:7: PATCH /api/v2/filters/:id (not in the catalog): also routed to api/v2/filters#update beside the documented PUT
21 routed REST actions, 15 catalog endpoints, 5 not in the catalog, 8 contradictions, 6 notes
"""


def test_report_lines_and_exit_status(tmp_path, capsys):
    catalog = write_catalog(tmp_path)
    assert source.main([str(FIXTURE), "--catalog", str(catalog)]) == 1
    assert capsys.readouterr().out == REPORT


def test_json_output_lists_every_finding(tmp_path, capsys):
    catalog = write_catalog(tmp_path)
    assert source.main([str(FIXTURE), "--catalog", str(catalog), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert len(findings) == 19
    assert {f["group"] for f in findings} == {"missing", "contradiction", "note"}
    assert findings[0] == {
        "group": "contradiction", "file": "app/controllers/api/v1/accounts_controller.rb", "line": 5,
        "method": "POST", "path": "/api/v1/accounts/:account_id/block", "endpoint": "accounts/block",
        "detail": "doorkeeper_authorize! :follow :write :'write:blocks' accepts follow, "
                  "which no catalog alternative names"}


def statuses_update_source(tmp_path: Path, routes: str) -> Path:
    """A Mastodon tree whose api.rb holds `routes` and whose statuses#update needs a user with write:statuses."""
    root = tmp_path / "mastodon"
    (root / "config" / "routes").mkdir(parents=True)
    (root / "config" / "routes" / "api.rb").write_text(f"namespace :api do\n{routes}end\n")
    controller = root / "app" / "controllers" / "api" / "v1" / "statuses_controller.rb"
    controller.parent.mkdir(parents=True)
    controller.write_text("class Api::V1::StatusesController < Api::BaseController\n"
                          "  before_action -> { doorkeeper_authorize! :write, :'write:statuses' }\n"
                          "  before_action :require_user!\n\n  def update\n  end\nend\n")
    return root


def test_agreeing_source_exits_zero_and_notes_do_not_fail(tmp_path, capsys):
    root = statuses_update_source(tmp_path, "  namespace :v1 do\n    resources :statuses, only: [:update]\n  end\n")
    catalog = tmp_path / "endpoints.yaml"
    catalog.write_text(yaml.safe_dump({"scopes": SCOPES, "endpoints": [
        endpoint("statuses/edit", "PUT /api/v1/statuses/:id", ["user write:statuses"])]}))
    assert source.main([str(root), "--catalog", str(catalog)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "2 routed REST actions, 1 catalog endpoints, 0 not in the catalog, 0 contradictions, 1 notes")


def test_missing_checkout_is_a_usage_error(tmp_path, capsys):
    assert source.main([str(tmp_path / "nowhere"), "--catalog", str(write_catalog(tmp_path))]) == 2
    assert "api.rb" in capsys.readouterr().err


def test_command_runs_without_mkdocs():
    code = ("import sys; sys.modules['mkdocs'] = None\n"
            "from mastodon_catalog import source\n"
            f"sys.exit(source.main([{str(FIXTURE)!r}, '--catalog', 'tests/fixtures/tiny/data/endpoints.yaml']))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "not in the catalog" in result.stdout


def test_an_alias_documents_the_older_path_of_the_same_action(tmp_path, capsys):
    root = statuses_update_source(tmp_path, "  scope :v1_alpha, as: :v1_alpha, module: :v1 do\n"
                                  "    resources :statuses, only: [:update]\n  end\n"
                                  "  namespace :v1 do\n    resources :statuses, only: [:update]\n  end\n")
    entry = endpoint("statuses/edit", "PUT /api/v1/statuses/:id", ["user write:statuses"])
    catalog = tmp_path / "endpoints.yaml"
    catalog.write_text(yaml.safe_dump({"scopes": SCOPES, "endpoints": [entry]}))
    assert source.main([str(root), "--catalog", str(catalog)]) == 1
    assert "PUT /api/v1_alpha/statuses/:id (not in the catalog)" in capsys.readouterr().out
    catalog.write_text(yaml.safe_dump({"scopes": SCOPES, "endpoints": [
        {**entry, "aliases": ["/api/v1_alpha/statuses/:id"], "oauth": [{"token": "public"}]}]}))
    assert source.main([str(root), "--catalog", str(catalog)]) == 1  # the alias's filters are checked too
    out = capsys.readouterr().out
    assert "0 not in the catalog, 3 contradictions, 2 notes" in out and "not in the catalog (" not in out.split(
        "Alternatives")[0]
    catalog.write_text(yaml.safe_dump({"scopes": SCOPES, "endpoints": [
        {**entry, "aliases": ["/api/v1_alpha/statuses/:id"]}]}))
    assert source.main([str(root), "--catalog", str(catalog)]) == 0
