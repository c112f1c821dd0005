"""Compare the catalog with a checkout of Mastodon's own source (mastodon/mastodon).

    python -m mastodon_catalog.source PATH/TO/mastodon [--catalog data/endpoints.yaml] [--json]

Reads config/routes/api.rb and the API controllers (app/controllers/api/**/*.rb, plus the
concerns they include when the checkout has them) and reports routed REST actions that the
catalog lacks, and catalog OAuth alternatives that a controller's filters contradict
(doorkeeper_authorize!, authorize_if_got_token!, require_user!, require_authenticated_user!,
require_client_credentials!, skip_before_action). Filters with if:/unless: are shown as
conditional and never counted as contradictions. Exit status 1 when anything is reported
(notes alone do not count).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .core import Catalog, CatalogError, load_catalog

ROUTES_FILE = "config/routes/api.rb"
CONTROLLERS_DIR = "app/controllers"
# The REST API the catalog documents; /api/web and /api/fasp are internal.
REST_PREFIXES = ("/api/v1/", "/api/v2/", "/api/v1_alpha/", "/api/oembed")
RESOURCES_ACTIONS = ("index", "create", "new", "edit", "show", "update", "destroy")
RESOURCE_ACTIONS = ("create", "new", "edit", "show", "update", "destroy")
VERBS = ("get", "post", "put", "patch", "delete")
USER_FILTERS = ("require_user!", "require_authenticated_user!")
WATCHED_FILTERS = USER_FILTERS + ("require_client_credentials!",)


# --- A tiny reader for the Ruby that routes and filters are written in ---------------------

TOKEN_RE = re.compile(r"""
    (?P<lambda>->\s*\{(?P<body>[^{}]*)\})
  | (?P<key>[a-z_]\w*[?!]?):(?=\s|$)
  | :'(?P<qsymbol>[^']*)'
  | :"(?P<dqsymbol>[^"]*)"
  | :(?P<symbol>\w+[?!]?)
  | '(?P<string>[^']*)'
  | "(?P<dstring>[^"]*)"
  | (?P<open>\[) | (?P<close>\]) | (?P<comma>,)
  | \|[^|]*\|
  | (?P<word>[\w:]+[?!]?)
""", re.X)


@dataclass
class Call:
    """One Ruby statement `name arg, arg, key: value [do ... end]`."""

    name: str
    args: list = field(default_factory=list)
    options: dict = field(default_factory=dict)
    line: int = 0
    block: list[Call] | None = None


def strip_comment(line: str) -> str:
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[:i]
    return line


def parse_arguments(text: str) -> tuple[list, dict, bool]:
    """Positional arguments, options and whether a `do` block opens, of an argument list."""
    tokens = [m for m in TOKEN_RE.finditer(text) if m.lastgroup not in (None, "comma")]
    args: list = []
    options: dict = {}
    opens_block = False
    position = 0

    def value_at(i: int) -> tuple[object, int]:
        token = tokens[i]
        kind = token.lastgroup
        if kind == "open":
            items, i = [], i + 1
            while i < len(tokens) and tokens[i].lastgroup != "close":
                item, i = value_at(i)
                items.append(item)
            return items, i + 1
        if kind == "lambda":
            return ("lambda", token.group("body").strip()), i + 1
        if kind == "word":
            word = token.group("word")
            return {"true": True, "false": False, "nil": None}.get(word, word), i + 1
        return token.group(kind), i + 1

    while position < len(tokens):
        token = tokens[position]
        if token.lastgroup == "word" and token.group("word") == "do":
            opens_block = True
            position += 1
        elif token.lastgroup == "key":
            value, position = value_at(position + 1) if position + 1 < len(tokens) else (None, position + 1)
            options[token.group("key")] = value
        else:
            value, position = value_at(position)
            args.append(value)
    return args, options, opens_block


STATEMENT_RE = re.compile(r"^\s*([a-z_]\w*[?!]?)(?:\s+(.*?))?\s*$")


def joined_statements(text: str):
    """(line number, statement) pairs, with lines ending in `,` joined to the next."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = strip_comment(raw).rstrip()
        if not line.strip():
            continue
        if not pending:
            start = number
        pending = f"{pending} {line.strip()}" if pending else line
        if line.endswith(","):
            continue
        yield start, pending
        pending = ""
    if pending:
        yield start, pending


def parse_ruby_calls(text: str) -> list[Call]:
    """The statements of a file as a tree of calls, `do ... end` blocks as children."""
    root: list[Call] = []
    stack: list[list[Call]] = [root]
    for number, statement in joined_statements(text):
        if statement.strip() == "end":
            if len(stack) > 1:
                stack.pop()
            continue
        match = STATEMENT_RE.match(statement)
        if not match:
            continue
        args, options, opens_block = parse_arguments(match.group(2) or "")
        call = Call(match.group(1), args, options, number)
        stack[-1].append(call)
        if opens_block:
            call.block = []
            stack.append(call.block)
    return root


# --- Routes -----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Route:
    path: str
    method: str
    controller: str  # "api/v1/accounts/statuses"
    action: str
    line: int  # in config/routes/api.rb

    @property
    def target(self) -> str:
        return f"{self.controller}#{self.action}"


@dataclass(frozen=True)
class RouteContext:
    path: str = ""
    module: tuple[str, ...] = ()
    controller: str = ""  # of the enclosing resource(s), for member/collection and bare verbs
    member_path: str = ""
    collection_path: str = ""
    defaults: tuple = ()  # with_options, as (key, value) pairs
    concerns: dict = field(default_factory=dict, compare=False, hash=False)

    def options(self, own: dict) -> dict:
        return {**dict(self.defaults), **own}

    def controller_name(self, name: str) -> str:
        return "/".join((*self.module, str(name)))


def singular(name: str) -> str:
    for plural, single in (("ies", "y"), ("ses", "s"), ("xes", "x"), ("ches", "ch"), ("shes", "sh")):
        if name.endswith(plural):
            return name[: -len(plural)] + single
    return name[:-1] if name.endswith("s") else name


def pluralize(name: str) -> str:
    if name.endswith("s"):
        return name
    if re.search(r"[^aeiou]y$", name):
        return name[:-1] + "ies"
    if name.endswith(("ch", "sh", "x")):
        return name + "es"
    return name + "s"


def as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def chosen_actions(defaults: tuple[str, ...], options: dict) -> list[str]:
    actions = list(defaults)
    if "only" in options:
        only = set(as_list(options["only"]))
        actions = [a for a in actions if a in only]
    excluded = set(as_list(options.get("except")))
    return [a for a in actions if a not in excluded]


def join_path(base: str, part) -> str:
    return base.rstrip("/") + "/" + str(part).strip("/")


def action_routes(base: str, member: str, controller: str, actions: list[str], line: int) -> list[Route]:
    verbs = {"index": [("GET", base)], "create": [("POST", base)], "new": [("GET", base + "/new")],
             "edit": [("GET", member + "/edit")], "show": [("GET", member)],
             "update": [("PATCH", member), ("PUT", member)], "destroy": [("DELETE", member)]}
    return [Route(path, method, controller, action, line) for action in actions for method, path in verbs[action]]


def resource_controller(ctx: RouteContext, options: dict, default: str) -> str:
    name = str(options.get("controller") or default)
    module = (*ctx.module, *as_list(options.get("module")))
    return "/".join((*module, name))


def expand_resources(call: Call, ctx: RouteContext, plural: bool) -> list[Route]:
    options = ctx.options(call.options)
    name = str(call.args[0])
    base = join_path(ctx.path, options.get("path") or name)
    param = str(options.get("param") or "id")
    controller = resource_controller(ctx, options, name if plural else pluralize(name))
    member = f"{base}/:{param}" if plural else base
    routes = action_routes(base, member, controller, chosen_actions(
        RESOURCES_ACTIONS if plural else RESOURCE_ACTIONS, options), call.line)
    # Rails nests children under /statuses/:status_id; a singular resource has no id.
    nested = f"{base}/:{singular(name)}_{param}" if plural else base
    inner = replace(ctx, path=nested, controller=controller, member_path=member, collection_path=base,
                    module=(*ctx.module, *as_list(options.get("module"))), defaults=())
    for concern in as_list(options.get("concerns")):
        routes += expand_calls(ctx.concerns.get(concern, []), inner)
    return routes + expand_calls(call.block or [], inner)


def expand_verb(call: Call, ctx: RouteContext) -> list[Route]:
    options = ctx.options(call.options)
    name = str(call.args[0]) if call.args else ""
    path = join_path(ctx.path, options.get("path") or name) if name else ctx.path
    target = options.get("to")
    if target and "#" in str(target):
        controller, action = str(target).split("#", 1)
        controller = ctx.controller_name(controller)
    else:
        controller = ctx.controller_name(options["controller"]) if "controller" in options else ctx.controller
        action = str(options.get("action") or name.strip("/"))
    return [Route(path, call.name.upper(), controller, action, call.line)]


def expand_calls(calls: list[Call], ctx: RouteContext) -> list[Route]:
    routes: list[Route] = []
    for call in calls:
        routes += expand_call(call, ctx)
    return routes


def expand_call(call: Call, ctx: RouteContext) -> list[Route]:
    options = call.options
    if call.name == "namespace":
        name = str(call.args[0])
        inner = replace(ctx, path=join_path(ctx.path, options.get("path") or name),
                        module=(*ctx.module, str(options.get("module") or name)), controller="")
        return expand_calls(call.block or [], inner)
    if call.name == "scope":
        path = join_path(ctx.path, call.args[0]) if call.args else ctx.path
        path = join_path(path, options["path"]) if "path" in options else path
        inner = replace(ctx, path=path, module=(*ctx.module, *as_list(options.get("module"))))
        return expand_calls(call.block or [], inner)
    if call.name in ("resources", "resource"):
        return expand_resources(call, ctx, plural=call.name == "resources")
    if call.name in ("member", "collection"):
        path = ctx.member_path if call.name == "member" else ctx.collection_path
        return expand_calls(call.block or [], replace(ctx, path=path))
    if call.name in VERBS:
        return expand_verb(call, ctx)
    if call.name == "with_options":
        defaults = (*ctx.defaults, *options.items())
        return expand_calls(call.block or [], replace(ctx, defaults=defaults))
    if call.name == "concern":
        ctx.concerns[str(call.args[0])] = call.block or []
        return []
    if call.name == "concerns":
        return [r for name in as_list(call.args) for r in expand_calls(ctx.concerns.get(name, []), ctx)]
    return []


def read_routes(text: str) -> list[Route]:
    """Every (METHOD, path, controller#action) that a routes file draws, sorted by path."""
    return sorted(set(expand_calls(parse_ruby_calls(text), RouteContext(concerns={}))))


def is_rest(route: Route) -> bool:
    return route.path.startswith(REST_PREFIXES)


# --- Controllers and their filters ------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    kind: str  # doorkeeper_authorize!, authorize_if_got_token!, require_user!, ..., skip
    name: str  # the method a named filter calls (what skip_before_action and redefinitions match)
    scopes: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None
    excluded: tuple[str, ...] = ()
    condition: str = ""  # "if: :x" / "unless: :y", never evaluated
    file: str = ""
    line: int = 0

    def covers(self, action: str) -> bool:
        return (self.only is None or action in self.only) and action not in self.excluded

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def describe(self) -> str:
        scopes = " ".join(f":{s}" if ":" not in s else f":'{s}'" for s in self.scopes)
        text = f"{self.kind} {scopes}".strip()
        return f"{text} ({self.condition}, conditional)" if self.condition else text


@dataclass
class Controller:
    name: str  # Api::V1::AccountsController
    parent: str
    file: str
    declarations: list  # Filter, or ("include", module name), in source order
    actions: dict[str, int]  # def name -> line


SCOPED_FILTER_RE = re.compile(r"^(doorkeeper_authorize!|authorize_if_got_token!)\s*(.*)$")
CLASS_RE = re.compile(r"^\s*class\s+([\w:]+)(?:\s*<\s*([\w:]+))?")
MODULE_RE = re.compile(r"^\s*module\s+([\w:]+)")
DEF_RE = re.compile(r"^\s*def\s+(?:self\.)?(\w+[?!]?)")


def condition_of(options: dict) -> str:
    for key in ("if", "unless"):
        if key in options:
            value = options[key]
            shown = f"-> {{ {value[1]} }}" if isinstance(value, tuple) else f":{value}"
            return f"{key}: {shown}"
    return ""


def filters_of(call: Call, defaults: dict, file: str) -> list[Filter]:
    """The watched filters one before_action / skip_before_action statement declares."""
    options = {**defaults, **call.options}
    common = dict(only=tuple(as_list(options["only"])) if "only" in options else None,
                  excluded=tuple(as_list(options.get("except"))), condition=condition_of(options),
                  file=file, line=call.line)
    found = []
    for arg in call.args:
        if isinstance(arg, tuple):  # a lambda
            match = SCOPED_FILTER_RE.match(arg[1])
            if match and call.name != "skip_before_action":
                scopes = tuple(str(s) for s in parse_arguments(match.group(2))[0])
                found.append(Filter(match.group(1), f"lambda@{call.line}", scopes, **common))
        elif call.name == "skip_before_action":
            found.append(Filter("skip", str(arg), **common))
        else:
            found.append(Filter(str(arg), str(arg), **common))
    return found


def declarations_in(calls: list[Call], file: str, defaults: dict | None = None) -> list:
    found: list = []
    for call in calls:
        if call.name in ("before_action", "prepend_before_action", "skip_before_action"):
            found += filters_of(call, defaults or {}, file)
        elif call.name == "include":
            found += [("include", str(a)) for a in call.args]
        elif call.name == "with_options" and call.block:
            found += declarations_in(call.block, file, {**(defaults or {}), **call.options})
        elif call.name == "included" and call.block:  # a concern's `included do ... end`
            found += declarations_in(call.block, file, defaults)
    return found


def read_controller(text: str, file: str) -> Controller | None:
    name, parent = "", ""
    for line in text.splitlines():
        if match := CLASS_RE.match(line) or MODULE_RE.match(line):
            name, parent = match.group(1), (match.group(2) or "") if match.re is CLASS_RE else ""
            break
    if not name:
        return None
    actions = {}
    for number, line in enumerate(text.splitlines(), 1):
        if (match := DEF_RE.match(line)) and match.group(1) not in actions:
            actions[match.group(1)] = number
    # The class body is every statement nested in the class; `def ... end` bodies hold no filters.
    calls = parse_ruby_calls(class_body_only(text))
    return Controller(name, parent, file, declarations_in(calls, file), actions)


def class_body_only(text: str) -> str:
    """The file with method bodies blanked out (so `if`/`end` inside them do not upset
    the block reader) and the class line dropped; line numbers are kept."""
    kept, def_indent = [], None
    for line in text.splitlines():
        stripped = strip_comment(line).strip()
        indent = len(line) - len(line.lstrip())
        if def_indent is not None:
            if stripped == "end" and indent <= def_indent:
                def_indent = None
            kept.append("")
            continue
        if DEF_RE.match(line):
            one_liner = re.search(r"\bend$", stripped) or re.search(r"\)?\s=\s", stripped)
            def_indent = None if one_liner else indent
            kept.append("")
        elif CLASS_RE.match(line) or MODULE_RE.match(line) or (stripped == "end" and indent == 0):
            kept.append("")
        else:
            kept.append(line)
    return "\n".join(kept)


def file_for(constant: str) -> str:
    """Api::V1::Timelines::BaseController -> app/controllers/api/v1/timelines/base_controller.rb"""
    parts = [re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", p).lower() for p in constant.split("::")]
    return "/".join(parts) + ".rb"


def read_controllers(root: Path) -> dict[str, Controller]:
    """Controllers (and concerns) by constant name, with file paths relative to root."""
    found = {}
    base = root / CONTROLLERS_DIR
    for path in sorted(base.rglob("*.rb")):
        relative = path.relative_to(base).as_posix()
        if not (relative.startswith("api/") or relative.startswith("concerns/")):
            continue
        controller = read_controller(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix())
        if controller:
            found[controller.name] = controller
    return found


def controller_for(route: Route, controllers: dict[str, Controller]) -> Controller | None:
    wanted = f"{CONTROLLERS_DIR}/{route.controller}_controller.rb"
    return next((c for c in controllers.values() if c.file == wanted), None)


def ancestry(controller: Controller, controllers: dict[str, Controller]) -> list[Controller]:
    """The controller and the parents we can read, oldest first."""
    chain, seen = [controller], {controller.name}
    while (parent := controllers.get(chain[0].parent)) and parent.name not in seen:
        chain.insert(0, parent)
        seen.add(parent.name)
    return chain


def expanded(controller: Controller, controllers: dict[str, Controller], seen: set[str]) -> list[Filter]:
    filters: list[Filter] = []
    for declaration in controller.declarations:
        if isinstance(declaration, Filter):
            filters.append(declaration)
            continue
        concern = controllers.get(declaration[1])
        if concern and concern.name not in seen:
            seen.add(concern.name)
            filters += expanded(concern, controllers, seen)
    return filters


def effective_filters(controller: Controller, action: str, controllers: dict[str, Controller]) -> list[Filter]:
    """The watched filters that run for one action, in order, as Rails would chain them:
    a later before_action of the same method replaces the earlier one, and
    skip_before_action removes it (or, with if:/unless:, leaves it conditional)."""
    chain: list[Filter] = []
    seen: set[str] = set()
    for klass in ancestry(controller, controllers):
        for declaration in expanded(klass, controllers, seen):
            if declaration.kind == "skip":
                if declaration.covers(action):
                    chain = [skipped(f, declaration) if f.name == declaration.name else f for f in chain]
                    chain = [f for f in chain if f is not None]
                continue
            chain = [f for f in chain if f.name != declaration.name]
            if declaration.covers(action) and (declaration.kind in WATCHED_FILTERS or declaration.scopes
                                               or declaration.kind.startswith(("doorkeeper", "authorize_if"))):
                chain.append(declaration)
    return chain


def skipped(original: Filter, skip: Filter) -> Filter | None:
    if not skip.condition:
        return None
    # Skipped only when the condition holds: the filter still runs otherwise.
    inverted = skip.condition.replace("unless:", "if:", 1) if skip.condition.startswith("unless") \
        else skip.condition.replace("if:", "unless:", 1)
    condition = f"{original.condition}; {inverted}" if original.condition else inverted
    return replace(original, condition=f"{condition} at {skip.where}")


# --- Comparison -------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Finding:
    group: str  # missing, contradiction, note
    file: str
    line: int
    method: str
    path: str
    endpoint: str  # catalog id, "" when not in the catalog
    detail: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.method} {self.path} ({self.endpoint or 'not in the catalog'}): {self.detail}"


def path_key(path: str) -> str:
    """Placeholder names do not matter: /accounts/:id and /accounts/:account_id are one path."""
    return re.sub(r":\w+", ":", path.rstrip("/") or "/")


def route_variants(route: Route) -> list[str]:
    """The paths an optional `(...)` segment allows, as keys."""
    if "(" not in route.path:
        return [path_key(route.path)]
    return [path_key(re.sub(r"\(([^)]*)\)", "", route.path)), path_key(re.sub(r"[()]", "", route.path))]


def glob_matches(route: Route, catalog_keys: set[tuple[str, str]]) -> bool:
    """A `*rest` glob route is documented when the catalog has anything under it."""
    if "*" not in route.path:
        return False
    prefix = path_key(route.path.split("*", 1)[0].replace("(", ""))
    return any(m == route.method and p.startswith(prefix.rstrip("/")) for m, p in catalog_keys)


def locate(route: Route, controllers: dict[str, Controller]) -> tuple[str, int]:
    """The action's `def` line (or its controller's first line, or the route) for reports."""
    controller = controller_for(route, controllers)
    if controller is None:
        return ROUTES_FILE, route.line
    for klass in reversed(ancestry(controller, controllers)):
        if route.action in klass.actions:
            return klass.file, klass.actions[route.action]
    return controller.file, 1


def missing_actions(routes: list[Route], catalog: Catalog, controllers: dict[str, Controller]) -> list[Finding]:
    keys = {(e.method, path_key(path)) for e in catalog.endpoints for path in (e.path, *e.aliases)}
    findings = []
    for route in routes:
        if any((route.method, k) in keys for k in route_variants(route)) or glob_matches(route, keys):
            continue
        file, line = locate(route, controllers)
        twin = {"PUT": "PATCH", "PATCH": "PUT"}.get(route.method)
        if twin and any((twin, k) in keys for k in route_variants(route)):
            findings.append(Finding("note", file, line, route.method, route.path, "",
                                    f"also routed to {route.target} beside the documented {twin}"))
        else:
            findings.append(Finding("missing", file, line, route.method, route.path, "",
                                    f"routed to {route.target} at {ROUTES_FILE}:{route.line}"))
    return findings


def alternative_text(alt) -> str:
    return f"{alt.token}[{' + '.join(alt.scopes)}]" if alt.scopes else alt.token


def scope_list(scopes) -> str:
    return ", ".join(scopes) or "(none)"


def token_contradictions(alt, filters: list[Filter]) -> list[tuple[Filter, str]]:
    found = []
    for f in filters:
        if f.condition:
            continue
        if alt.token == "public" and f.kind == "doorkeeper_authorize!":
            found.append((f, f"catalog offers public access but {f.describe()} always needs a token"))
        if alt.token in ("public", "app") and f.kind in USER_FILTERS:
            found.append((f, f"catalog offers {alt.token} access but {f.kind} always needs a user token"))
        if alt.token == "user" and f.kind == "require_client_credentials!":
            found.append((f, "catalog offers a user token but require_client_credentials! refuses one"))
    return found


def scope_contradictions(alt, f: Filter, catalog: Catalog) -> list[str]:
    """What is wrong with one alternative's scopes against one scope filter's any-of list."""
    accepted = set(f.scopes)
    if not alt.scopes:
        if f.kind == "doorkeeper_authorize!" and not f.condition and alt.token != "public":
            return [f"catalog names no scope for {alt.token} but {f.describe()} needs one of {scope_list(f.scopes)}"]
        return []
    if len(alt.scopes) > 1:
        if accepted.isdisjoint(alt.scopes):
            return [f"catalog needs {' + '.join(alt.scopes)} but {f.describe()} accepts none of them"]
        return []
    scope = alt.scopes[0]
    parents = catalog.granted_by(scope)
    if scope not in accepted and accepted.isdisjoint(parents):
        return [f"catalog needs {scope} but {f.describe()} accepts neither it nor a scope that grants it"]
    problems = []
    if scope not in accepted:
        problems.append(f"catalog needs {scope} but {f.describe()} does not accept it (only a parent)")
    refused = [p for p in parents if p not in accepted]
    if refused:
        problems.append(f"catalog lets {', '.join(refused)} grant {scope} but {f.describe()} refuses "
                        f"{'it' if len(refused) == 1 else 'them'}")
    return problems


def unnamed_scopes(endpoint, f: Filter, catalog: Catalog) -> list[str]:
    tokens = [a for a in endpoint.oauth if a.token != "public"]
    return [s for s in f.scopes if s in catalog.scopes or ":" in s or s in ("read", "write", "follow", "push")
            if not any(catalog.satisfies([s], a) for a in tokens)]


def endpoint_contradictions(endpoint, route: Route, controller: Controller,
                            controllers: dict[str, Controller], catalog: Catalog) -> list[Finding]:
    filters = effective_filters(controller, route.action, controllers)
    findings: set[Finding] = set()

    def report(f: Filter, detail: str, group: str = "contradiction") -> None:
        findings.add(Finding(group, f.file, f.line, endpoint.method, endpoint.path, endpoint.id, detail))

    for alt in endpoint.oauth:
        for f, detail in token_contradictions(alt, filters):
            report(f, detail)
        if alt.token == "public":
            continue
        for f in filters:
            if f.scopes:
                for detail in scope_contradictions(alt, f, catalog):
                    report(f, f"{alternative_text(alt)}: {detail}", "note" if f.condition else "contradiction")
    for f in filters:
        unnamed = unnamed_scopes(endpoint, f, catalog) if f.scopes else []
        if unnamed:
            # A public-only endpoint that checks a token only when one is sent is a nuance, not a conflict.
            optional = f.kind == "authorize_if_got_token!" and all(a.token == "public" for a in endpoint.oauth)
            report(f, f"{f.describe()} accepts {', '.join(unnamed)}, which no catalog alternative names",
                   "note" if optional or f.condition else "contradiction")
        # Conditional checks in the controller's own chain are worth a look, not a failure.
        if f.condition and f.file != "app/controllers/api/base_controller.rb" and (
                f.kind in USER_FILTERS and any(a.token in ("public", "app") for a in endpoint.oauth)
                or f.kind == "doorkeeper_authorize!" and endpoint.accepts("public")):
            report(f, f"{f.describe()}: catalog offers {', '.join(alternative_text(a) for a in endpoint.oauth)}",
                   "note")
    return sorted(findings)


def contradictions(routes: list[Route], catalog: Catalog, controllers: dict[str, Controller]) -> list[Finding]:
    by_key: dict[tuple[str, str], list[Route]] = {}
    for route in routes:
        for key in route_variants(route):
            by_key.setdefault((route.method, key), []).append(route)
    findings: list[Finding] = []
    for endpoint in catalog.endpoints:
        for route in (r for path in (endpoint.path, *endpoint.aliases)
                      for r in by_key.get((endpoint.method, path_key(path)), [])):
            controller = controller_for(route, controllers)
            if controller:
                findings += endpoint_contradictions(endpoint, route, controller, controllers, catalog)
    return findings


def compare(root: Path, catalog: Catalog) -> tuple[list[Route], list[Finding]]:
    routes = [r for r in read_routes((root / ROUTES_FILE).read_text(encoding="utf-8")) if is_rest(r)]
    controllers = read_controllers(root)
    findings = missing_actions(routes, catalog, controllers) + contradictions(routes, catalog, controllers)
    return routes, sorted(set(findings), key=lambda f: (f.group, f.file, f.line, f.path, f.method, f.detail))


GROUP_TITLES = {"missing": "Routed actions not in the catalog",
                "contradiction": "Alternatives the filters contradict",
                "note": "Notes (not failures)"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mastodon_catalog.source", description=__doc__.split("\n\n")[0])
    parser.add_argument("mastodon", type=Path, help="checkout of Mastodon's source")
    parser.add_argument("--catalog", type=Path, default=Path("data/endpoints.yaml"))
    parser.add_argument("--json", action="store_true", help="print the findings as a JSON list")
    args = parser.parse_args(argv)
    try:
        catalog = load_catalog(args.catalog)
        routes, findings = compare(args.mastodon, catalog)
    except (CatalogError, FileNotFoundError) as err:
        print(err, file=sys.stderr)
        return 2
    failures = [f for f in findings if f.group != "note"]
    if args.json:
        print(json.dumps([asdict(f) for f in findings], indent=2))
        return 1 if failures else 0
    for group, title in GROUP_TITLES.items():
        lines = [str(f) for f in findings if f.group == group]
        if lines:
            print(f"{title} ({len(lines)}):")
            print("\n".join(f"  {line}" for line in lines))
    counts = {g: sum(f.group == g for f in findings) for g in GROUP_TITLES}
    print(f"{len(routes)} routed REST actions, {len(catalog.endpoints)} catalog endpoints, "
          f"{counts['missing']} not in the catalog, {counts['contradiction']} contradictions, {counts['note']} notes")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
