"""Write catalog.json and openapi.json into a built site, for hosts that cannot add files
(Zensical runs no MkDocs plugins and deletes from the site folder what it did not make, so
this runs after it): python -m mastodon_catalog.outputs [--config mkdocs.yml] [SITE_DIR]

Reads the site's settings from mkdocs.yml: docs_dir, site_dir, site_url, and the plugin's
catalog_file, catalog_json and openapi_json options. Pages get MkDocs' directory URLs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from .core import CatalogError, load_catalog
from .core.export import catalog_json
from .core.openapi import openapi


class _Tolerant(yaml.SafeLoader):
    """mkdocs.yml may hold tags for MkDocs (!!python/name:, !ENV); their values are not ours."""


_Tolerant.add_multi_constructor("", lambda loader, suffix, node: None)


def directory_url(page: str) -> str:
    """MkDocs' (and Zensical's) URL of a page: methods/apps.md -> methods/apps/."""
    stem = page.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def dumps(data: dict) -> str:
    """The one JSON spelling of both outputs (the plugin writes the same bytes)."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def settings(config: Path) -> dict:
    data = yaml.load(config.read_text(encoding="utf-8"), _Tolerant) or {}
    plugin = next((entry["mastodon/catalog"] for entry in data.get("plugins") or []
                   if isinstance(entry, dict) and "mastodon/catalog" in entry), None) or {}
    return {"docs_dir": data.get("docs_dir", "docs"), "site_dir": data.get("site_dir", "site"),
            "site_url": data.get("site_url") or "/", "catalog_file": plugin.get("catalog_file", "data/endpoints.yaml"),
            "catalog_json": plugin.get("catalog_json", "catalog.json"),
            "openapi_json": plugin.get("openapi_json", "openapi.json")}


def write(config: Path, site_dir: Path | None = None) -> list[Path]:
    base = config.resolve().parent
    found = settings(config)
    site = site_dir or base / found["site_dir"]
    docs = base / found["docs_dir"]
    pages = frozenset(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    catalog = load_catalog(base / found["catalog_file"], found["catalog_file"], pages=pages)
    written = []
    for name, data in ((found["catalog_json"], lambda: catalog_json(catalog, directory_url)),
                       (found["openapi_json"], lambda: openapi(catalog, directory_url, found["site_url"]))):
        if name:
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
    except CatalogError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
