"""Write catalog.json, its schema and openapi.json into a built site, for hosts that cannot
add files (Zensical runs no MkDocs plugins and deletes from the site folder what it did not
make, so this runs after it): python -m mastodon_catalog.outputs [--config mkdocs.yml] [SITE_DIR]

Reads the site's settings from mkdocs.yml as MkDocs does (`!ENV` included): docs_dir,
site_dir, site_url, and the plugin's catalog_file, entities_dir, catalog_json and
openapi_json options. Pages get MkDocs' directory URLs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

from .core import Catalog, CatalogError, load_catalog
from .core.catalog_schema import catalog_schema
from .core.entities import ENTITIES_DIR, with_entities
from .core.export import PageUrl, catalog_json, schema_path
from .core.openapi import openapi


class ConfigError(Exception):
    """A setting of mkdocs.yml this command cannot use."""


class _Tolerant(yaml.SafeLoader):
    """mkdocs.yml may hold tags for MkDocs (!!python/name:, !relative); their values are not
    ours, except `!ENV`'s, resolved below."""


def _env(loader: yaml.SafeLoader, node: yaml.Node):
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`, as MkDocs reads it (pyyaml_env_tag): the
    value of the first variable that is set, typed as YAML would type it, else the default
    (the list's last item), else None."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [node], None
    elif isinstance(node, yaml.SequenceNode):
        names, default = (node.value[:-1], node.value[-1]) if len(node.value) > 1 else (node.value, None)
    else:
        raise yaml.constructor.ConstructorError(None, None, f"expected a scalar or sequence node, but found {node.id}",
                                                node.start_mark)
    for name in (loader.construct_scalar(n) for n in names):
        if name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return loader.construct_object(default) if default is not None else None


_Tolerant.add_multi_constructor("", lambda loader, suffix, node: None)
_Tolerant.add_constructor("!ENV", _env)


def read_config(config: Path) -> dict:
    """mkdocs.yml as MkDocs reads it, its own tags left out (`!ENV` resolved)."""
    return yaml.load(config.read_text(encoding="utf-8"), _Tolerant) or {}


def site_url(value) -> str:
    """The deployed address, as MkDocs validates site_url (ending in '/'); "" when unknown."""
    if not value:
        return ""
    parts = urlsplit(str(value))
    if not (parts.scheme and parts.netloc):
        raise ConfigError(f"site_url '{value}' is not a URL: it should start with https:// (set SITE_URL to "
                          f"the address the site is published at)")
    return urlunsplit(parts._replace(path=parts.path if parts.path.endswith("/") else parts.path + "/"))


def directory_url(page: str) -> str:
    """MkDocs' (and Zensical's) URL of a page: methods/apps.md -> methods/apps/."""
    stem = page.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def dumps(data: dict) -> str:
    """The one JSON spelling of the outputs (the plugin writes the same bytes)."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def outputs(catalog: Catalog, page_url: PageUrl, base_url: str, catalog_file: str,
            openapi_file: str) -> list[tuple[str, Callable[[], dict]]]:
    """Each JSON file of the site, as (its path in the site, what makes its data): catalog.json
    with its schema beside it, and openapi.json; a path set to "" is left out. `base_url` is the
    deployed address, "" when unknown. The plugin writes the same list."""
    files = []
    if catalog_file:
        files.append((catalog_file, lambda: catalog_json(catalog, page_url, base_url, catalog_file)))
        files.append((schema_path(catalog_file), catalog_schema))
    if openapi_file:
        files.append((openapi_file, lambda: openapi(catalog, page_url, base_url)))
    return files


def settings(config: Path) -> dict:
    data = read_config(config)
    plugin = next((entry["mastodon/catalog"] for entry in data.get("plugins") or []
                   if isinstance(entry, dict) and "mastodon/catalog" in entry), None) or {}
    return {"docs_dir": data.get("docs_dir", "docs"), "site_dir": data.get("site_dir", "site"),
            "site_url": site_url(data.get("site_url")),
            "catalog_file": plugin.get("catalog_file", "data/endpoints.yaml"),
            "entities_dir": plugin.get("entities_dir", ENTITIES_DIR),
            "catalog_json": plugin.get("catalog_json", "catalog.json"),
            "openapi_json": plugin.get("openapi_json", "openapi.json"),
            "minify": plugin.get("minify", [])}


def write(config: Path, site_dir: Path | None = None) -> list[Path]:
    base = config.resolve().parent
    found = settings(config)
    site = site_dir or base / found["site_dir"]
    docs = base / found["docs_dir"]
    pages = frozenset(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    catalog = load_catalog(base / found["catalog_file"], found["catalog_file"], pages=pages)
    with_entities(catalog, base / found["entities_dir"], found["entities_dir"])
    written = []
    for name, data in outputs(catalog, directory_url, found["site_url"], found["catalog_json"],
                              found["openapi_json"]):
        target = site / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dumps(data()), encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mastodon_catalog.outputs", description=__doc__.split("\n\n")[0])
    parser.add_argument("site_dir", nargs="?", type=Path, help="the built site (default: site_dir of the config)")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    args = parser.parse_args(argv)
    try:
        for path in write(args.config, args.site_dir):
            print(f"wrote {path}")
    except (CatalogError, ConfigError) as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
